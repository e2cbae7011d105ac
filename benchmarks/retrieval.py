"""Retrieval quality and speed of the passage index on the shared dev questions.

Quality: for every dev question with gold passages (a passage is gold when one of the
question's ``gold_passage`` strings, white space and case folded, lies in its text),
Hit@1, Hit@5 (a gold passage in the top 1 / 5), Recall@1, Recall@5 (share of the gold
passages found) and MRR@10, for dense, BM25 and hybrid search — computed by
sentence-transformers' ``InformationRetrievalEvaluator``. Speed: model load, index build
(cold, then again with nothing changed), index load, query latency p50/p95 per mode
with the model loaded, and the bare query-embedding time beside it.

``--ablation`` also prints the measurements behind the retrieval settings: section
headings for each side, compound splitting, and the fusion grid (RRF k × lexical weight,
weighted by coverage or constant).

Usage: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/retrieval.py [--rounds 3] [--ablation]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"
MODES = ("dense", "bm25", "hybrid")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(REPO))

from vemgorvad import settings  # noqa: E402
from vemgorvad.corpus.load import load_corpus  # noqa: E402
from vemgorvad.corpus.model import Passage  # noqa: E402
from vemgorvad.index.embed import Embedder, load_embedder  # noqa: E402
from vemgorvad.index.fusion import reciprocal_rank_fusion  # noqa: E402
from vemgorvad.index.lexical import LexicalIndex  # noqa: E402
from vemgorvad.index.search import Hit, PassageIndex, passage_text  # noqa: E402
from vemgorvad.text import fold  # noqa: E402

Ranker = Callable[[str], list[str]]


def load_questions(path: Path = DEV) -> list[dict]:
    """The dev questions."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def gold_passages(questions: Sequence[dict], passages: Sequence[Passage]) -> dict[str, set[str]]:
    """Question id → ids of passages holding one of its gold strings (questions without any left out)."""
    folded = [(p.id, fold(p.text)) for p in passages]
    gold: dict[str, set[str]] = {}
    for question in questions:
        wanted = [fold(s) for s in question.get("gold_passage") or []]
        found = {pid for pid, text in folded if any(w in text for w in wanted)}
        if found:
            gold[question["id"]] = found
        elif wanted:
            print(f"  warning: no passage holds the gold of {question['id']}")
    return gold


def quality(
    questions: Sequence[dict], gold: dict[str, set[str]], ranker: Ranker
) -> dict[str, float]:
    """Hit@1/5, Recall@1/5 and MRR@10 of a ranker (question → passage ids, best first)."""
    from sentence_transformers.sentence_transformer.evaluation import (
        InformationRetrievalEvaluator,
    )

    asked = {q["id"]: q["question"] for q in questions if q["id"] in gold}
    evaluator = InformationRetrievalEvaluator(
        queries=asked,
        corpus={pid: "" for ids in gold.values() for pid in ids},
        relevant_docs=gold,
        mrr_at_k=[10],
        accuracy_at_k=[1, 5],
        precision_recall_at_k=[1, 5],
        ndcg_at_k=[10],
        map_at_k=[10],
        write_csv=False,
    )
    results = [
        [{"corpus_id": pid, "score": 1.0 / rank} for rank, pid in enumerate(ranker(asked[qid]), 1)]
        for qid in evaluator.queries_ids
    ]
    metrics = evaluator.compute_metrics(results)
    return {
        "hit@1": metrics["accuracy@k"][1],
        "hit@5": metrics["accuracy@k"][5],
        "recall@1": float(metrics["recall@k"][1]),
        "recall@5": float(metrics["recall@k"][5]),
        "mrr@10": metrics["mrr@k"][10],
        "questions": len(evaluator.queries_ids),
    }


def _line(name: str, m: dict[str, float]) -> str:
    return (
        f"  {name:<28} Hit@1 {m['hit@1']:.3f}  Hit@5 {m['hit@5']:.3f}  "
        f"R@1 {m['recall@1']:.3f}  R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}"
    )


def _ids(hits: list[Hit]) -> list[str]:
    return [hit.passage_id for hit in hits]


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """p50 and p95 of samples in seconds, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def speed(index: PassageIndex, embedder: Embedder, questions: Sequence[str], rounds: int) -> None:
    print(f"\nQuery latency ({len(questions)} questions × {rounds} rounds, model loaded, k=10)")
    index.search(questions[0], 10, "hybrid")  # warm caches
    samples = [
        timed(lambda q=q: embedder.encode_queries([q])) for _ in range(rounds) for q in questions
    ]
    p50, p95 = percentiles(samples)
    print(f"  {'query embedding alone':<22} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    for mode in MODES:
        samples = [
            timed(lambda q=q, m=mode: index.search(q, 10, m))
            for _ in range(rounds)
            for q in questions
        ]
        p50, p95 = percentiles(samples)
        print(f"  {mode + ' search':<22} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")


def ablation(
    index: PassageIndex,
    embedder: Embedder,
    questions: Sequence[dict],
    gold: dict[str, set[str]],
) -> None:
    passages = index.passages
    print("\nAblation: section headings and compound splitting (BM25)")
    for heading in (False, True):
        for split in (False, True):
            lexical = LexicalIndex.build(
                [passage_text(p, p.section if heading else "") for p in passages], split_compounds=split
            )

            def rank_bm25(q: str, lexical: LexicalIndex = lexical) -> list[str]:
                scores = lexical.scores(q)
                order = np.argsort(-scores, kind="stable")[:10]
                return [passages[i].id for i in order if scores[i] > 0]

            name = f"bm25 heading={heading} split={split}"
            print(_line(name, quality(questions, gold, rank_bm25)))

    print("\nAblation: section headings (dense; embeds the corpus once more)")
    query_vectors = {q["question"]: embedder.encode_queries([q["question"]])[0] for q in questions}
    for heading in (False, True):
        vectors = embedder.encode_passages([passage_text(p, p.section if heading else "") for p in passages])

        def rank_dense(q: str, vectors: np.ndarray = vectors) -> list[str]:
            order = np.argsort(-(vectors @ query_vectors[q]), kind="stable")[:10]
            return [passages[i].id for i in order]

        print(_line(f"dense heading={heading}", quality(questions, gold, rank_dense)))

    print("\nAblation: fusion (MRR@10; rows RRF k, columns lexical weight)")
    depth = settings.FUSION_DEPTH
    dense_rankings = {
        q["question"]: _ids(index.search(q["question"], depth, "dense")) for q in questions
    }
    lexical_rankings = {
        q["question"]: _ids(index.search(q["question"], depth, "bm25")) for q in questions
    }
    coverage = {q["question"]: index.coverage(q["question"]) for q in questions}
    weights = (0.5, 0.75, 1.0, 1.25, 1.5)
    for weighting in ("coverage", "constant"):
        print(f"  lexical weight × {'coverage' if weighting == 'coverage' else '1'}:")
        print("    k    " + "  ".join(f"w={w:<5}" for w in weights))
        for k in (5, 10, 15, 20, 30, 40, 60, 100):
            cells = []
            for w in weights:

                def fused(
                    q: str, k: int = k, w: float = w, weighting: str = weighting
                ) -> list[str]:
                    lexical_weight = w * (coverage[q] if weighting == "coverage" else 1.0)
                    scores = reciprocal_rank_fusion(
                        [(dense_rankings[q], 1.0), (lexical_rankings[q], lexical_weight)], k
                    )
                    return sorted(scores, key=lambda pid: (-scores[pid], pid))[:10]

                m = quality(questions, gold, fused)
                cells.append(f"{m['mrr@10']:.3f}  ")
            print(f"    {k:<4} " + "  ".join(cells))
    english = [q for q in questions if q.get("lang") == "en"]
    swedish = [q for q in questions if q.get("lang") != "en"]
    for name, group in (("English", english), ("Swedish", swedish)):
        shares = [coverage[q["question"]] for q in group]
        if shares:
            print(f"  coverage of {name} questions: {min(shares):.2f}–{max(shares):.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the questions")
    parser.add_argument(
        "--ablation", action="store_true", help="also print the setting measurements"
    )
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument(
        "--questions", type=Path, default=DEV, help="question file (default: shared dev set)"
    )
    parser.add_argument(
        "--index",
        type=Path,
        help="keep the index in this folder and reuse it next time (default: a fresh "
        "temporary folder, so the first build is cold)",
    )
    parser.add_argument("--no-speed", action="store_true", help="skip the latency figures")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    questions = load_questions(args.questions)
    passages = [p for d in load_corpus(args.corpus).documents for p in d.passages]
    gold = gold_passages(questions, passages)
    print(
        f"Corpus: {len(passages)} passages; {args.questions.name}: {len(questions)} questions, "
        f"{len(gold)} with gold passages"
    )

    start = time.perf_counter()
    embedder = load_embedder()
    print(
        f"Model {embedder.name} (dimension {embedder.dimension}) loaded in {time.perf_counter() - start:.1f} s"
    )

    with tempfile.TemporaryDirectory(prefix="vemgorvad-bench-") as tmp:
        directory = args.index or Path(tmp) / "index"
        start = time.perf_counter()
        index = PassageIndex.build(passages, directory, embedder)
        cold = time.perf_counter() - start
        embedded = index.embedded
        first = "cold" if embedded == len(passages) else "first"
        start = time.perf_counter()
        index = PassageIndex.build(passages, directory, embedder)
        warm = time.perf_counter() - start
        start = time.perf_counter()
        index = PassageIndex.load(directory, embedder)
        loaded = time.perf_counter() - start
        print(
            f"Build: {first} {cold:.1f} s ({embedded} embedded), nothing changed {warm:.2f} s "
            f"({index.embedded} embedded), load {loaded:.2f} s (incl. warm-up)"
        )

        print(f"\nQuality on the gold passages of {args.questions.name}")
        for mode in MODES:
            m = quality(questions, gold, lambda q, m=mode: _ids(index.search(q, 10, m)))
            print(_line(mode, m))
        if not args.no_speed:
            speed(index, embedder, [q["question"] for q in questions], args.rounds)
        if args.ablation:
            ablation(index, embedder, questions, gold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
