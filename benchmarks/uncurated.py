"""The memo as a document nobody curated: what does the product give without the curation?

No document may be second class for not being curated. This builds a temporary corpus in
which the memo has another id, so none of the curated facts of ``graph/data/facts.ttl``
apply (they name the memo's id; the build leaves them out with a warning) and its duties
and relationships are only what the rule-based extractor reads. Then it prints

* how far the extraction agrees with the curation: of the (bearer or subject, passage)
  pairs of the memo's curated duties and relationships, how many the extractor reads, and
  of those it reads, how many were curated;
* dev.jsonl, dev2.jsonl and our own questions asked of both corpora: the engine beside
  dense-only and BM25-only retrieval over the same index.

The engine uses the committed models (fitted with the curated memo), so its figures are
in-sample: what they show is the difference curation makes, not the engine's level
(``benchmarks/answers.py`` measures that).

Usage: ``python benchmarks/uncurated.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from answers import baseline  # noqa: E402

from vemgorvad import settings  # noqa: E402
from vemgorvad.graph.model import KnowledgeGraph  # noqa: E402
from vemgorvad.pipeline import build  # noqa: E402
from vemgorvad.qa.answer import Engine  # noqa: E402
from vemgorvad.qa.evaluate import evaluate, read_questions  # noqa: E402

SHARED = ROOT.parent / "shared"
MEMO = "SCN-2022-00355"
RENAMED = "PM-2099-1"
QUESTIONS = [SHARED / "eval" / "dev.jsonl", SHARED / "eval" / "dev2.jsonl", ROOT / "tests" / "qa" / "questions.jsonl"]
COLUMNS = ["passage_hit@1", "passage_hit@5", "mrr@10", "actor_recall", "evidence_hit",
           "abstain_on_negatives", "answered_when_answerable"]  # fmt: skip


def uncurated_engine() -> Engine:
    """The engine over ``corpus/`` with the memo under another id."""
    root = settings.build_dir() / "bench" / "uncurated"
    corpus = root / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(settings.corpus_dir(), corpus)
    meta = json.loads((corpus / f"{MEMO}.txt.meta.json").read_text(encoding="utf-8"))
    (corpus / f"{MEMO}.txt.meta.json").unlink()
    (corpus / f"{MEMO}.txt").rename(corpus / "pm.txt")
    (corpus / "pm.txt.meta.json").write_text(json.dumps({**meta, "id": RENAMED}), encoding="utf-8")
    return Engine.load(build(corpus, root / "build").path)


def statements(graph: KnowledgeGraph, document: str, extracted: bool) -> set[tuple[str, str]]:
    """(bearer or subject, passage text hash) of a document's duties and relationships,
    the extractor's or the curated ones."""
    return {
        (f.subject, f.passage_id.rsplit("#", 1)[-1])
        for f in graph.facts.values()
        if f.kind in ("duty", "relationship")
        and f.extracted == extracted
        and f.passage_id
        and f.passage_id.startswith(document)
    }


def main() -> None:
    started = time.perf_counter()
    curated, uncurated = Engine.load(), uncurated_engine()
    wanted = statements(curated.graph, MEMO, extracted=False)
    read = statements(uncurated.graph, RENAMED, extracted=True)
    agreed = read & wanted
    print(
        f"\nextraction against curation (the memo's duties and relationships, by bearer or "
        f"subject and passage): {len(agreed)} of the {len(wanted)} curated pairs read "
        f"({len(agreed) / len(wanted):.2f}); {len(agreed)} of the {len(read)} pairs read "
        f"curated ({len(agreed) / len(read):.2f})"
    )
    questions = [q for path in QUESTIONS for q in read_questions(path)]
    print(f"\n| memo | method | {' | '.join(COLUMNS)} |\n" + "|---" * (len(COLUMNS) + 2) + "|")
    for name, engine in (("curated", curated), ("nobody curated", uncurated)):
        for method, ask in (
            ("engine", engine.ask),
            ("dense only", baseline(engine, "dense")),
            ("BM25 only", baseline(engine, "bm25")),
        ):
            metrics = evaluate(questions, ask)["metrics"]
            if method != "engine":
                metrics = {c: metrics[c] for c in COLUMNS[:3]}
            cells = ["–" if metrics.get(c) is None else f"{metrics[c]:.3f}" for c in COLUMNS]
            print(f"| {name} | {method} | {' | '.join(cells)} |", flush=True)
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
