"""The command line: ``vemgorvad build|ask|eval|search|refs|export|sparql|serve``.

Every command calls the same library functions as the Gradio app; this module only
parses arguments, shows progress and prints. Errors a user can cause (a missing build, a
bad file) end with one clear line on standard error and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vemgorvad.ui.options import parser
from vemgorvad.ui.views.i18n import say

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

logger = logging.getLogger("vemgorvad")


class UserError(Exception):
    """An error to report in one line, without a traceback."""


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _progress_bar() -> Callable[[str, int, int], None]:
    """A progress callback drawing one tqdm bar per build stage on standard error."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, unit="", file=sys.stderr, leave=True)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _engine() -> Any:
    from vemgorvad.qa.answer import Engine

    try:
        return Engine.load()
    except FileNotFoundError as error:
        raise UserError(str(error)) from error
    except Exception as error:
        if type(error).__name__ == "IndexMismatch":
            raise UserError(str(error)) from error
        raise


def _ensure_built() -> None:
    from vemgorvad.pipeline import BuildError, build

    try:
        result = build(progress=_progress_bar())
    except BuildError as error:
        raise UserError(say("build_failed", error=error)) from error
    if result.rebuilt:
        logger.info("built %s in %.1f s", result.path, result.seconds)


# --- commands ------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from vemgorvad.pipeline import BuildError, build

    try:
        result = build(
            Path(args.corpus) if args.corpus else None,
            strict=args.strict,
            force=args.force,
            progress=None if args.quiet else _progress_bar(),
        )
    except BuildError as error:
        raise UserError(say("build_failed_kept", error=error)) from error
    for problem in result.errors:
        sys.stderr.write(say("skipped", problem=problem) + "\n")
    if result.rebuilt:
        sys.stderr.write(
            say(
                "built",
                documents=result.documents,
                passages=result.passages,
                triples=result.triples,
                seconds=result.seconds,
                path=result.path,
            )
            + "\n"
        )
    else:
        sys.stderr.write(say("up_to_date", path=result.path, seconds=result.seconds) + "\n")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine()
    answer = engine.ask(args.question)
    if args.json:
        _print_json(answer)
        return 0
    print(answer["summary"])
    lang = answer.get("language", "sv")
    for fact in answer["facts"]:
        print(fact_line(fact, lang))
        print(f"    «{fact['source']['quote']}» ({fact['source']['passage_id']})")
    if answer["paths"]:
        from vemgorvad.graph.walks import relation_labels

        relations = relation_labels(engine.graph)
        for path in answer["paths"]:
            print("  ↔ " + path_line(path, lang, relations))
    print()
    for passage in answer["passages"][:5]:
        print(f"[{passage['id']}] {passage['section']}")
        print(f"  {passage['text'][:300]}")
    return 0


def fact_line(fact: dict[str, Any], lang: str) -> str:
    """A fact of an answer as a line: who, what, and the laws it does not already name.

    A citation has no actor: what it tells is that its passage is a section of a law or
    cites one, so the passage is its subject. A finding is its assessor's.

    >>> fact_line({"actor": {"label": "Polismyndigheten"}, "statement": "anmäler genast",
    ...            "laws": [{"label": "Socialtjänstlagen"}], "source": {"passage_id": "p"}}, "sv")
    '  • Polismyndigheten anmäler genast [Socialtjänstlagen]'
    >>> fact_line({"actor": None, "kind": "citation", "statement": "är ur Socialtjänstlagen",
    ...            "laws": [{"label": "Socialtjänstlagen"}],
    ...            "source": {"passage_id": "SFS 2001:453 14 kap. 1 c §"}}, "sv")
    '  • [SFS 2001:453 14 kap. 1 c §] är ur Socialtjänstlagen'
    """
    from vemgorvad.ui.views.ask import fact_language, fact_subject, fact_text
    from vemgorvad.ui.views.i18n import pick

    lang = fact_language(fact, lang)
    name = fact_subject(fact, lang)
    if not name and fact.get("kind") == "citation":
        name = f"[{fact['source']['passage_id']}]"
    text = fact_text(fact, lang, name)
    laws = ", ".join(
        label for law in fact["laws"] if (label := pick(law, lang)) and label not in text
    )
    return f"  • {text}" + (f" [{laws}]" if laws else "")


PATH_RELATIONS = {
    "serves": {"label": "har skyldigheter mot", "label_en": "has duties towards"},
    "hasDutyUnder": {"label": "har skyldigheter enligt", "label_en": "has duties under"},
    "broader": {"label": "hör till", "label_en": "falls under"},
    "narrower": {"label": "omfattar", "label_en": "includes"},
    "related": {"label": "hör ihop med", "label_en": "is linked to"},
}
"""What a path's edges that are no relation of the vocabulary say: a duty's bearer and
its target group or law, and the target groups' hierarchy."""


def path_line(path: list[dict[str, Any]], lang: str, relations: dict[str, dict[str, Any]]) -> str:
    """A path between two named entities as a line, its names and relations in the
    answer's language; an edge read backwards ("^partOf") points back.

    >>> path_line([{"label": "Offer för människohandel", "label_en": "Victims of trafficking"},
    ...            {"relation": "^serves"}, {"label": "Socialnämnden", "label_en": "Social Welfare Committee"},
    ...            {"relation": "partOf"}, {"label": "Uppsala kommun", "label_en": "Uppsala Municipality"}],
    ...           "en", {"partOf": {"label": "ingår i", "label_en": "is part of"}})
    'Victims of trafficking ←has duties towards— Social Welfare Committee —is part of→ Uppsala Municipality'
    """
    from vemgorvad.ui.views.i18n import pick

    out = []
    for step in path:
        if "relation" not in step:
            out.append(pick(step, lang))
            continue
        name = step["relation"].lstrip("^")
        said = pick(relations.get(name) or PATH_RELATIONS.get(name), lang) or name
        out.append(f"←{said}—" if step["relation"].startswith("^") else f"—{said}→")
    return " ".join(out)


def cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from vemgorvad.qa.evaluate import evaluate, read_questions

    try:
        questions = read_questions(Path(args.file))
    except (OSError, ValueError) as error:
        raise UserError(str(error)) from error
    engine = _engine()
    bar = tqdm(
        total=len(questions),
        desc="questions",
        file=sys.stderr,
        disable=args.json and not sys.stderr.isatty(),
    )
    report = evaluate(questions, engine.ask, on_question=lambda done, total: bar.update(1))
    bar.close()
    if args.json:
        _print_json(report)
    else:
        for name, value in report["metrics"].items():
            print(f"{name:18} {value}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    engine = _engine()

    def run(question: str) -> dict[str, Any]:
        hits = engine.index.search(question, k=args.k, mode=args.mode)
        return {
            "question": question,
            "passages": [
                {
                    "id": hit.passage_id,
                    "text": engine.index.passage(hit.passage_id).text,
                    "score": round(float(hit.score), 6),
                }
                for hit in hits
            ],
        }

    if args.batch:
        from vemgorvad.qa.evaluate import read_questions

        try:
            questions = read_questions(Path(args.batch))
        except (OSError, ValueError) as error:
            raise UserError(str(error)) from error
        for item in questions:
            sys.stdout.write(json.dumps(run(item["question"]), ensure_ascii=False) + "\n")
        return 0
    if not args.query:
        raise UserError(say("give_query"))
    result = run(args.query)
    if args.json:
        _print_json(result)
    else:
        for rank, passage in enumerate(result["passages"], start=1):
            print(f"{rank:2}. {passage['score']:.4f}  [{passage['id']}]  {passage['text'][:160]}")
    return 0


def cmd_refs(args: argparse.Namespace) -> int:
    from vemgorvad.corpus.load import DocumentError
    from vemgorvad.pipeline import current_build, load_graph
    from vemgorvad.ui.terminal import references_table
    from vemgorvad.ui.viewmodels.references import check_file

    path = current_build()
    if path is None:
        raise UserError(say("nothing_built"))
    try:
        graph = load_graph(path)
    except (OSError, ValueError) as error:
        raise UserError(say("graph_unreadable_at", path=path, error=error)) from error
    try:
        results = check_file(Path(args.file), graph, base=args.base)
    except DocumentError as error:
        raise UserError(str(error)) from error
    if args.json:
        _print_json(results)
    else:
        sys.stdout.write(references_table(results))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from vemgorvad.graph.export import export_graph, format_for
    from vemgorvad.graph.store_config import StoreKind
    from vemgorvad.graph.store_factory import create_store
    from vemgorvad.pipeline import current_build, load_graph

    fmt = args.format or (format_for(args.out) if args.out and args.out != "-" else None) or "ttl"
    path = current_build()
    store = create_store()
    if path is None and store.config.kind is StoreKind.EMBEDDED:
        raise UserError(say("nothing_built"))
    try:
        graph = load_graph(path) if path is not None else store.read(None)
    except (OSError, ValueError) as error:
        raise UserError(say("graph_unreadable", error=error)) from error
    if not args.out or args.out == "-":  # a reader who leaves early (`| head`): main()
        export_graph(graph, fmt, sys.stdout.buffer, delimiter=args.delimiter)
        return 0
    target = Path(args.out)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as out:
            export_graph(graph, fmt, out, delimiter=args.delimiter)
        os.replace(temporary, target)  # a failed export leaves no half-written file
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(say("cannot_write", target=target, error=error)) from error
    sys.stderr.write(say("wrote", fmt=fmt, target=target) + "\n")
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    from vemgorvad.graph.sparql import QueryError, check_query, run_query
    from vemgorvad.graph.store_factory import create_store
    from vemgorvad.pipeline import current_build
    from vemgorvad.ui.terminal import query_table

    text = sys.stdin.read() if args.query == "-" else args.query
    if args.limit < 0 or args.timeout < 0:
        raise UserError(say("negative_limits"))
    try:
        check_query(text)  # refuse before loading anything
        target = create_store().queryable(current_build())
        result = run_query(target, text, limit=args.limit or None, timeout=args.timeout or None)
    except QueryError as error:
        raise UserError(str(error)) from error
    except (OSError, ValueError) as error:
        raise UserError(say("graph_unreadable", error=error)) from error
    try:
        if args.json:
            _print_json(result.to_json())
        else:
            sys.stdout.write(query_table(result))
        sys.stdout.flush()
    except BrokenPipeError:  # `vemgorvad sparql … | head`: the reader had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    note = say("results", count=len(result), seconds=result.seconds)
    if result.truncated:
        note += say("results_cut", limit=args.limit)
    sys.stderr.write(f"({note})\n")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    import getpass

    from vemgorvad.ui.auth import UsersFileError, set_password

    if sys.stdin.isatty():
        password = getpass.getpass(say("password_for", user=args.user))
        if getpass.getpass(say("password_again")) != password:
            raise UserError(say("passwords_differ"))
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < MIN_PASSWORD:
        raise UserError(say("password_short", minimum=MIN_PASSWORD))
    try:
        set_password(Path(args.file), args.user, password)
    except UsersFileError as error:
        raise UserError(str(error)) from error
    sys.stderr.write(say("can_log_in", user=args.user, file=args.file) + "\n")
    return 0


MIN_PASSWORD = 8
"""The shortest password ``passwd`` takes."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""Hosts that keep the server on this machine."""


def cmd_serve(args: argparse.Namespace) -> int:
    exposed = args.host not in LOOPBACK
    if exposed and not (args.auth or args.no_auth):
        raise UserError(say("exposed", host=args.host))
    if args.allow_upload and exposed and not args.auth:
        raise UserError(say("upload_exposed", host=args.host))
    if args.auth:
        from vemgorvad.ui.auth import UsersFileError, read_users

        try:
            read_users(Path(args.auth))
        except UsersFileError as error:
            raise UserError(str(error)) from error
    if not args.no_build:
        _ensure_built()
    from vemgorvad.ui.app import serve

    serve(
        host=args.host,
        port=args.port,
        auth_file=Path(args.auth) if args.auth else None,
        allow_upload=args.allow_upload,
    )
    return 0


# --- the parser ----------------------------------------------------------------------


COMMANDS = {
    "build": cmd_build,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "search": cmd_search,
    "refs": cmd_refs,
    "export": cmd_export,
    "sparql": cmd_sparql,
    "passwd": cmd_passwd,
    "serve": cmd_serve,
}
"""What each sub-command runs (its options: :func:`vemgorvad.ui.options.parser`)."""


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from vemgorvad.graph.store import StoreError
    from vemgorvad.ui.options import configure_store_from_args

    try:
        configure_store_from_args(args)  # --store/--endpoint → VEMGORVAD_STORE/… for every floor
        code = int(COMMANDS[args.command](args))
        sys.stdout.flush()  # here, so that a reader who left is met below and not at exit
        return code
    except (UserError, StoreError) as error:
        sys.stderr.write(f"vemgorvad {args.command}: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `vemgorvad ask … | head`: the reader had enough, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
