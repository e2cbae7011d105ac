"""How well the rule-based statement extractor reads duties, relationships and findings.

Prints, for the memo and the statutes of ``corpus/`` (graph only, no model):

* recall of the curated duties (same bearer, same source passage), relationships
  (same pair of actors, same passage) and assessments (same assessor, same passage);
* precision on the hand-judged sample in ``benchmarks/data/extraction_judgements.jsonl``
  (each line a statement's key, ``correct``/``incorrect`` and why);
* on the statutes, how many sentences that open with an actor followed by "ska", "skall",
  "får" or "ansvarar" yield a duty of that actor quoting that sentence;
* the extractor's time;
* the same run over a temporary corpus that adds ``../shared/realdocs-extra/*.txt`` (LVM,
  brottsskadelagen) to a copy of ``corpus/``: the duties found there, by bearer.

    .venv/bin/python benchmarks/extraction.py [--sample N] [--json]

``--sample N`` writes the statements still unjudged (a fixed sample of N by key) as
JSON lines on stdout, for judging by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import PROV, SKOS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.corpus.model import Document  # noqa: E402
from vemgorvad.corpus.sentences import sentence_spans  # noqa: E402
from vemgorvad.graph.actor_names import DOCUMENT_SUBJECTS, ActorMatcher  # noqa: E402
from vemgorvad.graph.build import build_graph  # noqa: E402
from vemgorvad.graph.extract import link_mentions  # noqa: E402
from vemgorvad.graph.statements import Statement, StatementReport, extract_statements  # noqa: E402
from vemgorvad.vocab import VGV, document_iri  # noqa: E402

JUDGEMENTS = ROOT / "benchmarks" / "data" / "extraction_judgements.jsonl"
EXTRA = ROOT.parent / "shared" / "realdocs-extra"
REQUIRED_BEARERS = ("Socialnämnden", "Förvaltningsrätten", "Polismyndigheten", "Brottsoffermyndigheten")
SUBJECT_CUE = re.compile(r"^\s+(?:ska|skall|får|ansvarar)\b", re.IGNORECASE)
ROLE_SUBJECT = re.compile(
    r"^\s*(?:\d+\s*[a-z]?\s*§\s*)?(?:Kommunen|Nämnden|Myndigheten|Rätten)\s+(?:ska|skall|får|ansvarar)\b"
)
"""A statute sentence whose subject is a role word ("Kommunen ska …"), not a name."""
SENTENCE_OPENING = re.compile(r"^\s*(?:\d+\s*[a-z]?\s*§\s*)?$")


def build(corpus: Path) -> tuple[Graph, list[Document], StatementReport]:
    """Load, build, link and extract: the graph-only path of a build."""
    documents = load_corpus(corpus).documents
    graph = build_graph(documents)
    link_mentions(graph, documents)
    return graph, documents, extract_statements(graph, documents)


def label(graph: Graph, node: str) -> str:
    """An entity's Swedish label."""
    for value in graph.objects(URIRef(node), SKOS.prefLabel):
        if getattr(value, "language", None) == "sv":
            return str(value)
    return node.rsplit("/", 1)[-1]


def recall(graph: Graph, report: StatementReport) -> dict[str, dict[str, float]]:
    """Curated duties, relationships and assessments found again (same actors, same passage)."""
    found = {(s.kind, frozenset({s.subject, s.object} - {""}), s.passage_id) for s in report.statements}
    ids = {str(p): str(i) for p, i in graph.subject_objects(VGV.passageId)}
    out: dict[str, dict[str, float]] = {}
    for kind, cls, fields in (
        ("duty", VGV.Duty, (VGV.bearer,)),
        ("relationship", VGV.Relationship, (VGV.subject, VGV.object)),
        ("assessment", VGV.Assessment, (VGV.assessor,)),
    ):
        by_part: Counter[str] = Counter()
        hits: Counter[str] = Counter()
        for fact in graph.subjects(RDF.type, cls):
            if (fact, PROV.wasGeneratedBy, None) in graph:
                continue
            passage = ids.get(str(graph.value(fact, PROV.wasDerivedFrom)), "")
            actors = frozenset(str(graph.value(fact, f)) for f in fields)
            part = "statutes" if passage.startswith("SFS ") else "memo"
            for name in (part, "all"):
                by_part[name] += 1
                hits[name] += (kind, actors, passage) in found
        out[kind] = {
            name: round(hits[name] / by_part[name], 3) if by_part[name] else 0.0 for name in by_part
        } | {f"n_{name}": by_part[name] for name in by_part}
    return out


def precision(report: StatementReport) -> dict[str, object]:
    """Share judged correct among the judged statements the extractor still finds."""
    keys = {s.key for s in report.statements}
    judged = [json.loads(line) for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    present = [j for j in judged if j["key"] in keys]
    correct = sum(j["judgement"] == "correct" for j in present)
    return {
        "judged": len(judged),
        "present": len(present),
        "correct": correct,
        "precision": round(correct / len(present), 3) if present else 0.0,
    }


def subject_sentences(graph: Graph, documents: list[Document], report: StatementReport) -> dict[str, object]:
    """Statute sentences opening with an actor + ska/får/ansvarar, and whether each gave a duty."""
    matcher = ActorMatcher(graph)
    duties = {(s.subject, s.passage_id) for s in report.statements if s.kind == "duty"}
    quotes: dict[str, set[str]] = {}
    for s in report.statements:
        if s.kind == "duty":
            quotes.setdefault(s.passage_id, set()).add(s.quote)
    total, missed, roles, missed_roles = 0, [], 0, []
    for document in documents:
        if not document.sfs:
            continue
        node = document_iri(document.id)
        subject = None
        for title, words in DOCUMENT_SUBJECTS:
            named = title.search(document.title)
            actor = matcher.actor_for_name(named["name"]) if named else None
            subject = (actor, words) if actor is not None else subject
        for passage in document.passages:
            text = passage.text
            found = [f for f in matcher.find(text, node, subject) if f.entity is not None]
            for a, b in sentence_spans(text):
                named = any(a <= f.start < b and SENTENCE_OPENING.match(text[a : f.start]) for f in found)
                if ROLE_SUBJECT.match(text[a:b]) and not named:
                    roles += 1  # its duty quotes the sentence, or the list items that follow it
                    if not any(text.find(q, a) >= a for q in quotes.get(passage.id, ())):
                        missed_roles.append(f"{passage.id}: {text[a:b][:100]}")
                for f in found:
                    if not (a <= f.start < b) or not SENTENCE_OPENING.match(text[a : f.start]):
                        continue
                    if not SUBJECT_CUE.match(text[f.end : b]):
                        continue
                    total += 1
                    if (str(f.entity), passage.id) not in duties:
                        missed.append(f"{passage.id}: {text[a:b][:100]}")
    return {
        "sentences": total,
        "with_duty": total - len(missed),
        "missed": missed,
        "role_sentences": roles,
        "role_with_duty": roles - len(missed_roles),
        "role_missed": missed_roles,
    }


def extra_corpus() -> dict[str, object]:
    """The extractor over corpus/ plus ../shared/realdocs-extra, in a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="vgv-extraction-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus_dir(), corpus)
        added = sorted(EXTRA.glob("*.txt"))
        for path in added:
            shutil.copy(path, corpus / "sfs" / path.name)
        graph, documents, report = build(corpus)
    new_ids = {d.id for d in documents if any(d.path.endswith(p.name) for p in added)}
    bearers = Counter(
        label(graph, s.subject) for s in report.statements if s.kind == "duty" and s.document_id in new_ids
    )
    return {
        "documents": sorted(new_ids),
        "duties": sum(bearers.values()),
        "bearers": dict(bearers.most_common()),
        "required_present": {name: bearers.get(name, 0) > 0 for name in REQUIRED_BEARERS},
    }


def sample(report: StatementReport, graph: Graph, size: int) -> None:
    """Write up to ``size`` unjudged statements (fixed order by key) as JSON lines."""
    judged = set()
    if JUDGEMENTS.exists():
        judged = {json.loads(line)["key"] for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines() if line}
    for statement in sorted(report.statements, key=lambda s: s.key)[:size]:
        if statement.key in judged:
            continue
        print(json.dumps(describe(statement, graph), ensure_ascii=False))


def describe(statement: Statement, graph: Graph) -> dict[str, object]:
    """A statement as a judge reads it."""
    return {
        "key": statement.key,
        "kind": statement.kind,
        "passage": statement.passage_id,
        "subject": label(graph, statement.subject),
        "predicate": statement.predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1],
        "object": label(graph, statement.object) if statement.object else "",
        "statement": statement.statement,
        "quote": statement.quote,
    }


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    graph, documents, report = build(settings.corpus_dir())
    if args.sample:
        sample(report, graph, args.sample)
        return
    figures = {
        "passages": report.passages,
        "duties": report.duties,
        "relationships": report.relationships,
        "assessments": report.assessments,
        "restating": report.restating,
        "extractor_seconds": round(report.seconds, 2),
        "recall": recall(graph, report),
        "precision": precision(report),
        "statute_subjects": subject_sentences(graph, documents, report),
        "extra_corpus": extra_corpus(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    print_figures(figures)


def print_figures(figures: dict) -> None:
    """The figures as text."""
    print(f"memo + statutes: {figures['passages']} passages → {figures['duties']} duties, "
          f"{figures['relationships']} relationships, {figures['assessments']} assessments "
          f"({figures['restating']} links to curated "
          f"facts) in {figures['extractor_seconds']} s")
    for kind, values in figures["recall"].items():
        plural = {"duty": "duties"}.get(kind, f"{kind}s")
        print(f"recall of curated {plural}: all {values['all']} (n={values['n_all']}), memo "
              f"{values.get('memo')} (n={values.get('n_memo')}), statutes {values.get('statutes')} "
              f"(n={values.get('n_statutes')})")
    p = figures["precision"]
    print(f"precision on the judged sample: {p['precision']} ({p['correct']}/{p['present']} "
          f"correct; {p['judged']} judged)")
    s = figures["statute_subjects"]
    print(f"statute sentences 'ACTOR ska/skall/får/ansvarar …': {s['with_duty']}/{s['sentences']} give "
          f"that actor's duty; opening with 'Kommunen/Nämnden/Myndigheten/Rätten': "
          f"{s['role_with_duty']}/{s['role_sentences']}")
    for line in s["missed"] + s["role_missed"]:
        print(f"  missed: {line}")
    e = figures["extra_corpus"]
    print(f"with realdocs-extra ({', '.join(e['documents'])}): {e['duties']} duties; "
          + ", ".join(f"{k} {v}" for k, v in e["bearers"].items()))
    print("required bearers: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in e["required_present"].items()))


if __name__ == "__main__":
    main()
