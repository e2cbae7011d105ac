"""Fitting the ranker and the abstention models, and measuring them so tuning cannot fool us.

Every question file is pooled. Questions are split into ``k`` folds (shuffled with a fixed
seed; a question and all its candidate passages stay in one fold). For each fold the
models are fitted on the other folds and the fold's questions are answered by the real
engine with those models (:meth:`Engine.ask`), so every figure — passage hits, recalls,
abstention, evidence, confidence — is out of fold. Settings (the ranker's features and
regularisation) are chosen by the pooled cross-validated MRR; the final models are then
fitted on all questions and written as data (``qa/data/ranker.json``,
``qa/data/abstainer.json``) with the figures that chose them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vemgorvad import settings
from vemgorvad.qa.abstain import QUESTION_FEATURES, Abstainer
from vemgorvad.qa.evaluate import fold as fold_text
from vemgorvad.qa.rank import FEATURES, Ranker, fit_linear, sigmoid

logger = logging.getLogger(__name__)

GRAPH_FEATURES = ("entity", "law_document", "law_cited", "english")
"""The features that come from the graph rather than the passage's own text."""

RANKER_SETTINGS: dict[str, tuple[str, ...]] = {
    "all signals": FEATURES,
    "text only (no graph)": tuple(f for f in FEATURES if f not in GRAPH_FEATURES),
    "no heading": tuple(f for f in FEATURES if f != "heading"),
    "no law named": tuple(f for f in FEATURES if f not in ("law_document", "law_cited")),
    "no English fact sentences": tuple(f for f in FEATURES if f != "english"),
    "no document strength": tuple(f for f in FEATURES if f != "document"),
    "no heading, no document strength": tuple(
        f for f in FEATURES if f not in ("heading", "document")
    ),
}
"""The feature sets compared by cross-validation."""

REGULARISATION = (0.1, 1.0, 10.0)


@dataclass
class Question:
    """One question of the pool, with what the engine drew for it.

    Attributes:
        item: the question file's object (``question``, ``gold_passage`` …).
        source: which file it came from.
        engine: the engine (and so the corpus) it is asked of.
        vector: the question embedded.
        rows: the candidates' feature rows (first-stage order).
        labels: 1 where the candidate passage holds a gold substring.
        ids: the candidates' passage ids.
    """

    item: dict[str, Any]
    source: str
    engine: Any
    vector: np.ndarray
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ids: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return bool(self.item.get("gold_passage"))


def prepare(engine: Any, items: Sequence[dict[str, Any]], source: str) -> list[Question]:
    """Embed a file's questions and draw their candidates with the engine.

    Args:
        engine: an :class:`vemgorvad.qa.answer.Engine`.
        items: the question file's objects.
        source: the file's name.
    """
    from vemgorvad.qa.answer import clean_question

    texts = [clean_question(item["question"]) for item in items]
    vectors = engine.embedder.encode_queries(texts)
    out = []
    for item, text, vector in zip(items, texts, vectors, strict=True):
        analysis = engine.analyse(text, vector)
        # in index order, not the loaded ranker's: what is fitted and measured must not
        # depend on the model it replaces (ties break by index row, as in the engine)
        row = engine.index.row
        order = sorted(range(len(analysis.ranked)), key=lambda i: row(analysis.ranked[i].passage_id))
        ids = [analysis.ranked[i].passage_id for i in order]
        rows = analysis.rows[order] if order else analysis.rows
        gold = [fold_text(g) for g in item.get("gold_passage") or []]
        labels = np.asarray(
            [float(any(g in fold_text(engine.passages[pid].text) for g in gold)) for pid in ids]
        )
        out.append(Question(item, source, engine, vector, rows, labels, ids))
    return out


def folds(count: int, k: int, seed: int) -> list[np.ndarray]:
    """Question indices split into ``k`` shuffled folds (fixed seed)."""
    from sklearn.model_selection import KFold

    splitter = KFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(np.arange(count))]


def fit_ranker(questions: Sequence[Question], features: Sequence[str], c: float) -> Ranker:
    """The ranker fitted on the candidates of answerable questions."""
    train = [q for q in questions if q.answerable and len(q.rows)]
    rows = np.vstack([q.rows for q in train])
    labels = np.concatenate([q.labels for q in train])
    return fit_linear(rows, labels, features, c, {"regularisation": c})


def rank_of_gold(ranker: Ranker, question: Question, depth: int = 10) -> int | None:
    """The 1-based rank of the first gold passage by the ranker, or None past ``depth``."""
    if not len(question.rows):
        return None
    scores = ranker.score(question.rows)
    order = np.argsort(-scores, kind="stable")[:depth]
    for rank, i in enumerate(order, start=1):
        if question.labels[i]:
            return rank
    return None


def ranking_metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@5 and MRR@10 from gold ranks."""
    n = max(1, len(ranks))
    return {
        "passage_hit@1": sum(r == 1 for r in ranks) / n,
        "passage_hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr@10": sum(1 / r for r in ranks if r) / n,
    }


def cv_ranking(
    questions: Sequence[Question], features: Sequence[str], c: float, splits: list[np.ndarray]
) -> dict[str, list[int | None]]:
    """Out-of-fold gold ranks of every answerable question, by source file."""
    out: dict[str, list[int | None]] = {}
    for test in splits:
        held = set(test.tolist())
        ranker = fit_ranker([q for i, q in enumerate(questions) if i not in held], features, c)
        for i in test:
            q = questions[i]
            if q.answerable:
                out.setdefault(q.source, []).append(rank_of_gold(ranker, q))
    return out


def choose_ranker(
    questions: Sequence[Question], splits: list[np.ndarray]
) -> tuple[tuple[str, float], list[dict[str, Any]]]:
    """The feature set and regularisation with the best pooled cross-validated ranking:
    the sum of hit@1, hit@5 and MRR@10 (the three figures the targets name; MRR@10 alone
    once chose a setting that gave up .015 of hit@5 for .001 of MRR), MRR@10 on a tie.

    Returns:
        ((setting name, C), one row per setting tried with its pooled and per-file figures).
    """
    table: list[dict[str, Any]] = []
    for name, features in RANKER_SETTINGS.items():
        for c in REGULARISATION:
            ranks = cv_ranking(questions, features, c, splits)
            pooled = [r for rs in ranks.values() for r in rs]
            row: dict[str, Any] = {"setting": name, "C": c, "pooled": ranking_metrics(pooled)}
            row.update({source: ranking_metrics(rs) for source, rs in ranks.items()})
            table.append(row)
    best = max(table, key=lambda r: (sum(r["pooled"].values()), r["pooled"]["mrr@10"]))
    return (best["setting"], best["C"]), table


def fit_abstainer(questions: Sequence[Question], ranker: Ranker) -> Abstainer:
    """The question models, fitted on the questions' signals under ``ranker``.

    The answering threshold is the highest probability at which ``ANSWER_RATE_FLOOR`` of
    the answerable questions that no rule of what is asked turns away are still answered.
    """
    rows, answerable, correct, free = [], [], [], []
    with using({id(q.engine): q.engine for q in questions}.values(), ranker, None):
        for q in questions:
            analysis, reason = _analyse(q)
            rows.append(analysis.signals)
            answerable.append(float(q.answerable))
            top = analysis.ranked[0].passage_id if analysis.ranked else None
            correct.append(float(q.answerable and top is not None and bool(_holds(q, top))))
            free.append(not reason)
    x = np.asarray(rows, dtype=float)

    def question_model(labels: list[float], features: Sequence[str]) -> Ranker:
        # each signal weighed only its known way
        return fit_linear(
            x, np.asarray(labels), features, 1.0, {}, QUESTION_FEATURES, settings.ANSWERABLE_SIGNS
        )

    answer_model = question_model(
        answerable, [name for name in QUESTION_FEATURES if name not in settings.ANSWERABLE_LEFT_OUT]
    )
    correct_model = question_model(correct, QUESTION_FEATURES)
    probabilities = [sigmoid(v) for v in answer_model.score(x, QUESTION_FEATURES)]
    candidates = [
        (p, a) for p, a, f in zip(probabilities, answerable, free, strict=True) if f
    ]
    threshold = _threshold(candidates)
    return Abstainer(answer_model, correct_model, threshold, {})


def _threshold(scored: Sequence[tuple[float, float]]) -> float:
    """The highest cut that still answers ``ANSWER_RATE_FLOOR`` of the answerable ones
    among (probability, answerable) pairs.

    >>> _threshold([(0.9, 1), (0.8, 1), (0.3, 0), (0.6, 1), (0.2, 0)])
    0.6
    """
    answerable = sorted(p for p, a in scored if a)
    if not answerable:
        return 0.0
    may_miss = int((1 - settings.ANSWER_RATE_FLOOR) * len(answerable))
    return answerable[may_miss]


def _holds(q: Question, passage_id: str) -> bool:
    return passage_id in {pid for pid, label in zip(q.ids, q.labels, strict=True) if label}


@contextmanager
def using(engines: Iterable[Any], ranker: Ranker, abstainer: Abstainer | None) -> Iterator[None]:
    """Let engines answer with these models for a while, then give them back their own."""
    saved = [(engine, engine.ranker, engine.abstainer) for engine in engines]
    for engine, _, _ in saved:
        engine.ranker, engine.abstainer = ranker, abstainer
    try:
        yield
    finally:
        for engine, own_ranker, own_abstainer in saved:
            engine.ranker, engine.abstainer = own_ranker, own_abstainer


def _analyse(q: Question) -> tuple[Any, str]:
    from vemgorvad.qa.answer import clean_question

    engine = q.engine
    text = clean_question(q.item["question"])
    analysis = engine.analyse(text, q.vector)
    reason, _ = engine.abstain_reason(text, analysis, 1.0)
    return analysis, reason


def cross_validate(
    questions: Sequence[Question],
    features: Sequence[str],
    c: float,
    splits: list[np.ndarray],
    on_fold: Callable[[int, int], None] | None = None,
) -> list[tuple[Question, dict[str, Any], float]]:
    """Answer every question with models fitted without its fold.

    Returns:
        (question, the engine's answer, seconds) for every question, in pool order.
    """
    import time

    answers: dict[int, tuple[dict[str, Any], float]] = {}
    for number, test in enumerate(splits, start=1):
        held = set(test.tolist())
        train = [q for i, q in enumerate(questions) if i not in held]
        ranker = fit_ranker(train, features, c)
        abstainer = fit_abstainer(train, ranker)
        engines = {id(q.engine): q.engine for q in questions}.values()
        with using(engines, ranker, abstainer):
            for i in test:
                q = questions[i]
                started = time.perf_counter()
                answer = q.engine.ask(q.item["question"])
                answers[int(i)] = (answer, time.perf_counter() - started)
        if on_fold:
            on_fold(number, len(splits))
    return [(q, *answers[i]) for i, q in enumerate(questions)]


def reliability(results: Sequence[tuple[Question, dict[str, Any], float]]) -> list[dict[str, Any]]:
    """Of the answers shown with a confidence in each tenth, how many were right (the first
    passage holds the answer)."""
    from vemgorvad.qa.evaluate import first_gold_rank

    bins: dict[int, list[bool]] = {}
    for q, answer, _ in results:
        if not answer["answerable"]:
            continue
        right = q.answerable and first_gold_rank(answer, q.item["gold_passage"], 1) == 1
        bins.setdefault(min(9, int(answer["confidence"] * 10)), []).append(bool(right))
    return [
        {
            "confidence": f"{b / 10:.1f}–{(b + 1) / 10:.1f}",
            "answers": len(v),
            "right": round(sum(v) / len(v), 3),
        }
        for b, v in sorted(bins.items())
    ]


EVIDENCE_GRID = [
    (cosine, passage, spread)
    for cosine in (0.7, 0.9, 1.0)
    for passage in (0.0, 0.1, 0.3)
    for spread in (0.02, 0.05, 0.1, 0.2)
]
"""(cosine weight, passage weight, spread) tried for choosing the answering sentences."""


def cv_evidence(
    results: Sequence[tuple[Question, dict[str, Any], float]], splits: list[np.ndarray]
) -> tuple[tuple[float, float, float], float, list[dict[str, Any]]]:
    """Choose the evidence weights by cross-validation over the answered questions.

    For each fold the weights with the best evidence hit on the other folds are used on
    it; the mean over folds is the cross-validated figure. Returns the weights best on
    all questions, that cross-validated hit rate, and the whole grid's in-sample figures.
    """
    from vemgorvad.qa import evidence, understand
    from vemgorvad.qa.answer import clean_question
    from vemgorvad.qa.evaluate import evidence_holds

    def hits(weights: tuple[float, float, float], index: int) -> bool | None:
        q, answer, _ = results[index]
        if not q.answerable or not answer["answerable"]:
            return None
        engine = q.engine
        text = clean_question(q.item["question"])
        ranked = [(p["id"], p["score"]) for p in answer["passages"]]
        chosen = evidence.select(
            q.vector,
            understand.content_lemmas(text, understand.language(text)),
            ranked,
            engine.index,
            lambda pid: engine.passages[pid].text,
            evidence.Weights(*weights),
        )
        return evidence_holds({"evidence": chosen}, q.item["gold_passage"])

    table = {w: [hits(w, i) for i in range(len(results))] for w in EVIDENCE_GRID}

    def rate(w: tuple[float, float, float], indices: Sequence[int]) -> float:
        values = [table[w][i] for i in indices if table[w][i] is not None]
        return sum(bool(v) for v in values) / max(1, len(values))

    out_of_fold: list[bool] = []
    for test in splits:
        held = set(test.tolist())
        train = [i for i in range(len(results)) if i not in held]
        best = max(EVIDENCE_GRID, key=lambda w: rate(w, train))
        out_of_fold += [bool(table[best][i]) for i in test if table[best][i] is not None]
    everything = range(len(results))
    best = max(EVIDENCE_GRID, key=lambda w: rate(w, everything))
    grid = [{"weights": w, "evidence_hit": round(rate(w, everything), 3)} for w in EVIDENCE_GRID]
    return best, sum(out_of_fold) / max(1, len(out_of_fold)), grid
