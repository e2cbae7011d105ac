"""The answer engine over every question file, cross-validated, beside two baselines.

Pools ``shared/eval/dev.jsonl``, ``shared/eval/dev2.jsonl``, ``tests/qa/questions.jsonl``
(asked of the product's corpus) and ``tests/qa/generality.jsonl`` (asked of a temporary
corpus that adds the two statutes of ``shared/realdocs-extra/``, for which nothing is
curated). ``tests/qa/out_of_scope.jsonl`` is held out: asked only of the models fitted on
the whole pool, never fitted on. Then (:mod:`vemgorvad.qa.fit`):

1. the ranker's settings (feature set × regularisation) are compared by grouped 5-fold
   cross-validation (folds by question, seed 0), and the best by pooled MRR@10 is taken;
2. every question is answered by the real engine with models fitted without its fold, and
   the metrics of ``shared/spec/answer-contract.md`` are printed per file and pooled,
   beside plain dense retrieval (e5 passages, what a vector-search RAG returns) and BM25
   alone, run in the same process over the same indexes;
3. the same with each question file held out in turn (models fitted on the other files:
   how questions written elsewhere, over documents added later, meet the engine);
4. a reliability table of the cross-validated confidence, and the latency of an answer
   beside the bare query-embedding time.

``--fit`` then fits the models on all questions and writes ``vemgorvad/qa/data/ranker.json``
and ``abstainer.json`` with these figures (``make fit``).

Usage: ``python benchmarks/answers.py [--fit] [--json FILE]``. Needs a build
(``vemgorvad build``); builds the temporary corpus under ``build/bench/`` when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vemgorvad import settings  # noqa: E402
from vemgorvad.qa import fit  # noqa: E402
from vemgorvad.qa.abstain import Abstainer  # noqa: E402
from vemgorvad.qa.answer import Engine  # noqa: E402
from vemgorvad.qa.evaluate import metrics, read_questions  # noqa: E402

SHARED = ROOT.parent / "shared"
ON_CORPUS = [
    SHARED / "eval" / "dev.jsonl",
    SHARED / "eval" / "dev2.jsonl",
    ROOT / "tests" / "qa" / "questions.jsonl",
]
ON_EXTENDED = [ROOT / "tests" / "qa" / "generality.jsonl"]
HELD_OUT = [ROOT / "tests" / "qa" / "out_of_scope.jsonl"]
"""Questions never fitted on nor used to choose a setting, asked of the product's corpus
with the models fitted on the whole pool (what ``--fit`` writes): questions outside what
the documents cover that no rule of what is asked turns away."""
EXTRA_DOCUMENTS = SHARED / "realdocs-extra"
COLUMNS = [
    "passage_hit@1",
    "passage_hit@5",
    "mrr@10",
    "actor_recall",
    "law_recall",
    "abstain_on_negatives",
    "answered_when_answerable",
    "evidence_hit",
    "p50_ms",
    "p95_ms",
]
FOLDS = 5
SEED = 0
LATENCY_ROUNDS = 3


def extended_corpus(corpus: Path) -> Path:
    """Write a temporary corpus to ``corpus``: ``corpus/`` plus the uncurated statutes."""
    if corpus.exists():
        shutil.rmtree(corpus)
    shutil.copytree(settings.corpus_dir(), corpus)
    for path in sorted(EXTRA_DOCUMENTS.glob("*.txt")):
        shutil.copy(path, corpus / "sfs" / path.name)
    return corpus


def extended_engine() -> Engine:
    """The engine over the extended corpus (:func:`extended_corpus`)."""
    from vemgorvad.pipeline import build

    root = settings.build_dir() / "bench"
    result = build(extended_corpus(root / "corpus-extended"), root / "extended")
    return Engine.load(result.path)


def baseline(engine: Engine, mode: str):
    """A retrieval-only answerer: one search mode's passages, no facts, never abstains."""

    def ask(question: str) -> dict[str, Any]:
        hits = engine.index.search(question, k=10, mode=mode)
        return {
            "question": question,
            "answerable": True,
            "summary": "",
            "facts": [],
            "evidence": [],
            "paths": [],
            "passages": [
                {"id": h.passage_id, "text": engine.passages[h.passage_id].text, "score": h.score}
                for h in hits
            ],
        }

    return ask


def table(title: str, rows: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [f"\n{title}", f"| method | {' | '.join(COLUMNS)} |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, m in rows:
        cells = ["–" if m.get(c) is None else f"{m[c]:.3g}" for c in COLUMNS]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fit", action="store_true", help="write the models fitted on all")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()

    started = time.perf_counter()
    main_engine = Engine.load()
    engines = [(main_engine, ON_CORPUS)]
    if all(p.exists() for p in ON_EXTENDED):
        engines.append((extended_engine(), ON_EXTENDED))
    print(f"engines loaded in {time.perf_counter() - started:.1f} s", flush=True)
    pool: list[fit.Question] = []
    for engine, files in engines:
        for path in files:
            pool += fit.prepare(engine, read_questions(path), path.stem)
    sources = list(dict.fromkeys(q.source for q in pool))
    print(f"{len(pool)} questions: " + ", ".join(
        f"{s} {sum(q.source == s for q in pool)}" for s in sources
    ))
    splits = fit.folds(len(pool), FOLDS, SEED)

    (setting, c), grid = fit.choose_ranker(pool, splits)
    print("\nranker settings, cross-validated passage hit@1 / hit@5 / MRR@10")
    print(f"| setting | C | pooled | {' | '.join(sources)} |")
    print("|---" * (len(sources) + 3) + "|")
    for row in grid:
        cells = [
            "/".join(f"{row[k][m]:.3f}" for m in ("passage_hit@1", "passage_hit@5", "mrr@10"))
            if k in row else "–"
            for k in ["pooled", *sources]
        ]
        print(f"| {row['setting']} | {row['C']} | {' | '.join(cells)} |")
    print(f"chosen: {setting}, C={c}")

    features = fit.RANKER_SETTINGS[setting]
    results = fit.cross_validate(
        pool, features, c, splits, on_fold=lambda n, k: print(f"fold {n}/{k}", flush=True)
    )
    report: dict[str, Any] = {"setting": setting, "C": c, "grid": grid, "files": {}}
    for source in [*sources, "pooled"]:
        chosen = [r for r in results if source == "pooled" or r[0].source == source]
        items = [q.item for q, _, _ in chosen]
        engine_metrics = metrics((q.item, a, t) for q, a, t in chosen)
        rows = [("engine (cross-validated)", engine_metrics)]
        for name, mode in (("dense only (plain RAG)", "dense"), ("BM25 only", "bm25")):
            asked = []
            for q, _, _ in chosen:
                t0 = time.perf_counter()
                asked.append((q.item, baseline(q.engine, mode)(q.item["question"]), time.perf_counter() - t0))
            rows.append((name, metrics(asked)))
        report["files"][source] = {name: m for name, m in rows}
        print(table(f"{source} ({len(items)} questions)", rows))

    # the models fitted on every question: what the held-out questions are asked of, and
    # what --fit writes
    held = [item for path in HELD_OUT if path.exists() for item in read_questions(path)]
    fitted = fit.fit_ranker(pool, features, c)
    fitted_abstainer = fit.fit_abstainer(pool, fitted)
    if held:
        asked = []
        with fit.using([main_engine], fitted, fitted_abstainer):
            for item in held:
                t0 = time.perf_counter()
                asked.append((item, main_engine.ask(item["question"]), time.perf_counter() - t0))
        report["held_out"] = metrics(asked)
        print(table(
            f"held out: out of scope, never fitted on ({len(held)} questions)",
            [("engine (fitted on the pool)", report["held_out"])],
        ))
        answered = [item["id"] for item, answer, _ in asked if answer["answerable"]]
        print(f"answered although the documents do not cover them: {', '.join(answered) or 'none'}")

    # each question file held out in turn, the models fitted on the other files: how the
    # engine meets questions written elsewhere (and, for the generality file, over documents
    # added later) — a stricter measure than folds that mix every file
    by_file = [[i for i, q in enumerate(pool) if q.source == source] for source in sources]
    held_files = fit.cross_validate(pool, features, c, [np.asarray(rows) for rows in by_file])
    file_rows = [
        (f"{source}, fitted on the others",
         metrics((q.item, a, t) for q, a, t in held_files if q.source == source))
        for source in sources
    ]
    file_rows.append(
        ("every file, each held out", metrics((q.item, a, t) for q, a, t in held_files))
    )
    report["files_held_out"] = dict(file_rows)
    print(table("each question file held out in turn (the others fitted)", file_rows))

    weights, evidence_cv, evidence_grid = fit.cv_evidence(results, splits)
    report["evidence"] = {"best": weights, "cross_validated": evidence_cv, "grid": evidence_grid}
    print(
        f"\nanswering sentences: weights (cosine, passage, spread) best on all {weights}, "
        f"cross-validated evidence hit {evidence_cv:.3f} (settings now: "
        f"{(settings.EVIDENCE_COSINE_WEIGHT, settings.EVIDENCE_PASSAGE_WEIGHT, settings.EVIDENCE_SPREAD)})"
    )

    report["reliability"] = fit.reliability(results)
    print("\nreliability of the cross-validated confidence (answered questions)")
    print("| confidence | answers | first passage right |\n|---|---|---|")
    for row in report["reliability"]:
        print(f"| {row['confidence']} | {row['answers']} | {row['right']} |")

    # Interleaved, question by question, so both see the same load on a shared machine;
    # each question's median of LATENCY_ROUNDS, so a burst of another process counts once.
    embed_ms, answer_ms = [], []
    for q in pool:
        answer_round, embed_round = [], []
        for _ in range(LATENCY_ROUNDS):
            t0 = time.perf_counter()
            q.engine.ask(q.item["question"])
            t1 = time.perf_counter()
            q.engine.embedder.encode_queries([q.item["question"]])
            answer_round.append((t1 - t0) * 1000)
            embed_round.append((time.perf_counter() - t1) * 1000)
        answer_ms.append(statistics.median(answer_round))
        embed_ms.append(statistics.median(embed_round))
    report["latency"] = {
        "answer_p50_ms": round(statistics.median(answer_ms), 1),
        "answer_p95_ms": round(sorted(answer_ms)[int(0.95 * (len(answer_ms) - 1))], 1),
        "embed_p50_ms": round(statistics.median(embed_ms), 1),
    }
    ratio = report["latency"]["answer_p50_ms"] / report["latency"]["embed_p50_ms"]
    print(f"\nlatency: answer p50 {report['latency']['answer_p50_ms']} ms, p95 "
          f"{report['latency']['answer_p95_ms']} ms; bare query embedding p50 "
          f"{report['latency']['embed_p50_ms']} ms (answer/embedding {ratio:.2f}×)")

    if args.fit:
        about = {
            "made_by": "python benchmarks/answers.py --fit (make fit)",
            "questions": {s: sum(q.source == s for q in pool) for s in sources},
            "setting": setting,
            "C": c,
            "cross_validated": report["files"]["pooled"]["engine (cross-validated)"],
            "folds": FOLDS,
            "seed": SEED,
        }
        fit.Ranker(fitted.features, fitted.mean, fitted.scale, fitted.weights,
                   fitted.intercept, about).save()
        Abstainer(fitted_abstainer.answerable, fitted_abstainer.correct, fitted_abstainer.threshold,
                  {**about, "reliability": report["reliability"]}).save()
        print("\nwrote vemgorvad/qa/data/ranker.json and abstainer.json")
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
