"""The answer engine on a question file, beside two baselines run in the same process.

Prints the eval metrics of ``shared/spec/answer-contract.md`` for:

* ``engine``: ``Engine.ask`` — graph + hybrid retrieval, abstention;
* ``dense``: what a plain vector-search RAG returns (e5 passages only, always answers);
* ``bm25``: lexical search only (always answers).

Usage: ``python benchmarks/answers.py [FILE.jsonl ...]`` (default: the shared dev set and
our own questions). Needs a build (``vemgorvad build``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vemgorvad.qa.answer import Engine  # noqa: E402
from vemgorvad.qa.evaluate import evaluate, read_questions  # noqa: E402

DEFAULT_FILES = [
    ROOT.parent / "shared" / "eval" / "dev.jsonl",
    ROOT / "tests" / "qa" / "questions.jsonl",
]
COLUMNS = [
    "passage_hit@1",
    "passage_hit@5",
    "mrr@10",
    "actor_recall",
    "law_recall",
    "abstain_accuracy",
    "p50_ms",
    "p95_ms",
]


def baseline(engine: Engine, mode: str):
    """A retrieval-only answerer: the passages of one search mode, no facts, never abstains."""

    def ask(question: str) -> dict[str, Any]:
        hits = engine.index.search(question, k=10, mode=mode)
        return {
            "question": question,
            "answerable": True,
            "summary": "",
            "facts": [],
            "paths": [],
            "passages": [
                {"id": h.passage_id, "text": engine.passages[h.passage_id].text, "score": h.score}
                for h in hits
            ],
        }

    return ask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    args = parser.parse_args()
    started = time.perf_counter()
    engine = Engine.load()
    print(f"engine loaded in {time.perf_counter() - started:.1f} s")
    for warm in ("Vem gör vad?", "Who does what?"):
        engine.ask(warm)
    for path in args.files:
        questions = read_questions(path)
        print(f"\n{path.name} ({len(questions)} questions)")
        print(f"| method | {' | '.join(COLUMNS)} |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for name, ask in (
            ("engine (graph + hybrid)", engine.ask),
            ("dense only (plain RAG)", baseline(engine, "dense")),
            ("BM25 only", baseline(engine, "bm25")),
        ):
            metrics = evaluate(questions, ask)["metrics"]
            cells = ["–" if metrics[c] is None else f"{metrics[c]:.3g}" for c in COLUMNS]
            print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
