"""The command line's options: one parser per sub-command, and where the graph is kept.

``--store``, ``--endpoint`` and their companions set the environment variables of
:mod:`vemgorvad.graph.store_config`, so that every floor — and a child process such as
the Gradio server — reads the same store settings.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from vemgorvad.graph.store import StoreError
from vemgorvad.graph.store_config import ENVIRONMENT, StoreConfig, StoreConfigError, StoreKind

__all__ = ["add_store_arguments", "configure_store_from_args", "parser"]


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--store``, ``--endpoint`` and their companions to a sub-command's parser.

    Each option, when given, sets the matching environment variable of
    :mod:`vemgorvad.graph.store_config` (see :func:`configure_store_from_args`).
    """
    group = parser.add_argument_group(
        "graph store", "where the graph is kept (default: embedded in the build folder)"
    )
    group.add_argument(
        "--store",
        choices=[kind.value for kind in StoreKind],
        help="embedded (default) or sparql: a SPARQL 1.1 endpoint ($VEMGORVAD_STORE)",
    )
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="SPARQL query endpoint, e.g. http://127.0.0.1:7878/query; implies --store sparql "
        "($VEMGORVAD_ENDPOINT)",
    )
    group.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="SPARQL update endpoint (default: …/query → …/update; GraphDB: …/statements)",
    )
    group.add_argument(
        "--graph-store",
        metavar="URL",
        help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store; "
        "writes with PUT instead of SPARQL Update",
    )
    group.add_argument(
        "--graph",
        metavar="IRI",
        help="the named graph (default https://w3id.org/vemgorvad/id/graph/current)",
    )


def configure_store_from_args(
    args: argparse.Namespace, environ: dict[str, str] | None = None
) -> StoreConfig:
    """Set the store's environment variables from parsed options, and check the result.

    Options a sub-command does not have, or that were not given, leave the environment as
    it is; a child process (the Gradio server, a query worker) sees the same settings.

    Args:
        args: the parsed command line.
        environ: the environment to set (default ``os.environ``).

    Returns:
        The store configuration now in force.

    Raises:
        StoreError: the settings name no usable store.
    """
    env = os.environ if environ is None else environ
    store = getattr(args, "store", None)
    endpoint = getattr(args, "endpoint", None)
    if endpoint and not store:
        store = StoreKind.SPARQL.value
    for name, value in (
        ("store", store),
        ("endpoint", endpoint),
        ("update_endpoint", getattr(args, "update_endpoint", None)),
        ("graph_store", getattr(args, "graph_store", None)),
        ("graph", getattr(args, "graph", None)),
    ):
        if value:
            env[ENVIRONMENT[name]] = value
    try:
        return StoreConfig.from_env(env)
    except StoreConfigError as error:
        raise StoreError(str(error)) from error


def parser() -> argparse.ArgumentParser:
    """The ``vemgorvad`` parser: one sub-command per function below, each with its options
    (what each runs: :data:`vemgorvad.ui.cli.COMMANDS`)."""
    main_parser = argparse.ArgumentParser(
        prog="vemgorvad",
        description="Vem gör vad: who does what, under which law, for whom — with sources.",
    )
    main_parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (
        _build_parser,
        _ask_parser,
        _eval_parser,
        _search_parser,
        _refs_parser,
        _export_parser,
        _sparql_parser,
        _passwd_parser,
        _serve_parser,
    ):
        add(sub)
    return main_parser


def _build_parser(sub: Any) -> None:
    """``vemgorvad build``."""
    p = sub.add_parser("build", help="build graph and index from the corpus (only what changed)")
    p.add_argument("--corpus", help="corpus folder (default: corpus/ or $VEMGORVAD_CORPUS)")
    p.add_argument("--strict", action="store_true", help="stop at the first unreadable document")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    add_store_arguments(p)


def _ask_parser(sub: Any) -> None:
    """``vemgorvad ask``."""
    p = sub.add_parser("ask", help="answer a question, with facts, paths and cited passages")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer contract's JSON")
    add_store_arguments(p)


def _eval_parser(sub: Any) -> None:
    """``vemgorvad eval``."""
    p = sub.add_parser("eval", help="answer a question file and report the metrics")
    p.add_argument("file", help="JSON Lines, one question object per line")
    p.add_argument("--json", action="store_true", help="print results and metrics as JSON")
    add_store_arguments(p)


def _search_parser(sub: Any) -> None:
    """``vemgorvad search``."""
    p = sub.add_parser("search", help="ranked passages for a query (no graph)")
    p.add_argument("query", nargs="?")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument("-k", type=int, default=10, help="how many passages (default 10)")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--batch", help='JSON Lines file of {"question": …}; one JSON line out per question'
    )


def _refs_parser(sub: Any) -> None:
    """``vemgorvad refs``."""
    p = sub.add_parser("refs", help="check the legal references of a text against the graph")
    p.add_argument("file", help="a .txt, .md, .docx or .pdf file")
    p.add_argument("--json", action="store_true", help="print the checked references as JSON")
    p.add_argument("--base", help="SFS number relative references belong to, e.g. 2001:453")


def _export_parser(sub: Any) -> None:
    """``vemgorvad export``."""
    p = sub.add_parser("export", help="write the graph as Turtle, JSON-LD, GraphML or CSV")
    p.add_argument(
        "--format",
        choices=["ttl", "jsonld", "graphml", "csv"],
        help="ttl/jsonld: the whole graph; graphml: the actor network (Gephi); csv: the facts "
        "(default: from --out's suffix, else ttl)",
    )
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument(
        "--delimiter", default=";", help="CSV field separator (default ; as Swedish Excel wants)"
    )
    add_store_arguments(p)


def _sparql_parser(sub: Any) -> None:
    """``vemgorvad sparql``."""
    p = sub.add_parser(
        "sparql", help="run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE)"
    )
    p.add_argument("query", help="the query, or - to read it from standard input")
    p.add_argument("--json", action="store_true", help="SPARQL 1.1 JSON results (graphs: JSON-LD)")
    p.add_argument(
        "--limit", type=int, default=1000, help="rows or triples at most (default 1000; 0: none)"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="seconds before the query is stopped (default 10; 0: none)",
    )
    add_store_arguments(p)


def _passwd_parser(sub: Any) -> None:
    """``vemgorvad passwd``."""
    p = sub.add_parser(
        "passwd", help="add a user to a users file for `serve --auth`, or change a password"
    )
    p.add_argument("file", help="the users file (created if missing)")
    p.add_argument("user")


def _serve_parser(sub: Any) -> None:
    """``vemgorvad serve``."""
    p = sub.add_parser("serve", help="serve the Gradio app (default http://127.0.0.1:7860)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="users file (user:hashed password per line) for a login")
    p.add_argument("--no-auth", action="store_true", help="allow --host without a login")
    p.add_argument("--no-build", action="store_true", help="serve the current build as it is")
    p.add_argument(
        "--allow-upload",
        action="store_true",
        help="let the Källa view add documents to the corpus (off by default; with --host, "
        "only with --auth)",
    )
    add_store_arguments(p)
