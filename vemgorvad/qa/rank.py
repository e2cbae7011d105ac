"""The second stage: every signal about a candidate passage, weighed by a fitted model.

The first stage (:meth:`PassageIndex.candidates`) draws candidates the same way for every
document: by the whole passage's cosine, its best sentence's cosine and BM25 (an English
question's words put into Swedish by :mod:`vemgorvad.index.glossary`). Here each
candidate gets a row of features — those three and their ranks, what the graph knows (the
named entities of the question that the passage or the facts stated in it name, whether
it belongs to a statute the question names or cites a law it names, for an English
question BM25 over the facts' English sentences), how well the section heading matches,
how far it stands below the question's best candidate and how strong its document is
among the candidates — and a logistic regression fitted on the pooled question files
turns the row into one score. The weights are data (``data/ranker.json``), written by
``benchmarks/answers.py --fit`` with the grouped cross-validation that chose them;
nothing here is a hand weight.

A fact can only help a passage that the first stage already drew, so a passage does not
win because it has more vectors: compare like with like.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

RANKER_FILE = Path(__file__).parent / "data" / "ranker.json"
MAX_ITERATIONS = 2000
"""The solver's iteration limit: enough for these few features to converge."""

FEATURES = (
    "dense",
    "window",
    "dense_rank",
    "window_rank",
    "lexical",
    "lexical_rank",
    "entity",
    "law_document",
    "law_cited",
    "heading",
    "english",
    "dense_gap",
    "window_gap",
    "document",
)
"""The features of a candidate, in the order of a row (see :func:`feature_row`); the two
gaps (how far below the question's best candidate) and the strength of the candidate's
document among the candidates are filled in by :func:`with_gaps`."""


@dataclass(frozen=True)
class Signals:
    """What the engine knows about one candidate besides the first stage's scores.

    Attributes:
        entity: the weight of the question's named entities that the passage names.
        law_document: whether the passage belongs to a statute the question names.
        law_cited: whether the passage cites a law the question names.
        heading: the share of the question's content lemmas in the title and heading.
        english: the passage's rank among the English fact sentences' BM25, or None.
    """

    entity: float = 0.0
    law_document: bool = False
    law_cited: bool = False
    heading: float = 0.0
    english: int | None = None


def reciprocal(rank: int, k: float) -> float:
    """A rank as a score in (0, 1]: ``k / (k + rank - 1)``.

    >>> reciprocal(1, 30), round(reciprocal(31, 30), 2)
    (1.0, 0.5)
    """
    return k / (k + rank - 1)


def feature_row(
    candidate: Any,
    signals: Signals,
    *,
    lexical_max: float,
    coverage: float,
    english_weight: float,
    rank_k: float,
) -> list[float]:
    """One candidate's features, in the order of :data:`FEATURES`.

    Args:
        candidate: a :class:`vemgorvad.index.search.Candidate`.
        signals: what the engine knows of it.
        lexical_max: the best BM25 score among the question's candidates (to scale BM25).
        coverage: how much of the question BM25 can read (weighs BM25): the share of its
            lemmas the lexical index knows, or of an English question's words the glossary
            puts into Swedish.
        english_weight: the weight of the English facts' BM25 (0 for a Swedish question).
        rank_k: the constant of :func:`reciprocal`.
    """
    dense_rank, window_rank, lexical_rank = candidate.ranks
    english = reciprocal(signals.english, rank_k) if signals.english else 0.0
    return [
        candidate.dense,
        candidate.window,
        reciprocal(dense_rank, rank_k),
        reciprocal(window_rank, rank_k),
        coverage * (candidate.lexical / lexical_max if lexical_max > 0 else 0.0),
        coverage * reciprocal(lexical_rank, rank_k),
        signals.entity,
        float(signals.law_document),
        float(signals.law_cited),
        signals.heading,
        english_weight * english,
        0.0,
        0.0,
        0.0,
    ]


def with_gaps(rows: np.ndarray, documents: Sequence[str], top: int) -> np.ndarray:
    """Fill in what compares a candidate with its rivals for the same question.

    Cosines of one question run higher or lower as a whole (an English question over
    Swedish text is lower throughout), so each candidate gets its distance below the
    question's best dense and window cosine. And each candidate gets its document's
    strength — the mean of the ``top`` best passage cosines among the candidates from that
    document — as its distance below the strongest document's. Every document is measured
    alike, by its own passages' cosines. (Fitted beside the candidate's own gap, its
    weight is negative: the ranker rewards a passage that stands out above its document's
    best few; README, Answers.)

    Args:
        rows: the candidates' feature rows (changed in place and returned).
        documents: the document of each row's passage.
        top: how many of a document's best candidates its strength averages.

    >>> rows = np.zeros((3, len(FEATURES)))
    >>> rows[:, FEATURES.index("dense")] = [0.75, 0.25, 0.5]
    >>> with_gaps(rows, ["lag", "lag", "memo"], 1)[:, FEATURES.index("document")].tolist()
    [0.0, 0.0, -0.25]
    >>> with_gaps(rows, ["lag", "lag", "memo"], 2)[:, FEATURES.index("document")].tolist()
    [0.0, 0.0, 0.0]
    """
    if not len(rows):
        return rows
    for source, gap in (("dense", "dense_gap"), ("window", "window_gap")):
        column = rows[:, FEATURES.index(source)]
        rows[:, FEATURES.index(gap)] = column - column.max()
    dense = rows[:, FEATURES.index("dense")]
    by_document: dict[str, list[float]] = {}
    for document, cosine in zip(documents, dense, strict=True):
        by_document.setdefault(document, []).append(float(cosine))
    strength = {d: float(np.mean(sorted(c, reverse=True)[:top])) for d, c in by_document.items()}
    best = max(strength.values())
    rows[:, FEATURES.index("document")] = [strength[d] - best for d in documents]
    return rows


@dataclass(frozen=True)
class Ranker:
    """A fitted linear scorer over standardised features.

    Attributes:
        features: the feature names it was fitted on (a subset of :data:`FEATURES`).
        mean, scale: the standardisation of each feature.
        weights: one per feature.
        intercept: the bias.
        about: how it was fitted and what cross-validation measured (for people).
    """

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    about: dict[str, Any]

    def score(self, rows: np.ndarray, names: Sequence[str] = FEATURES) -> np.ndarray:
        """The log-odds of each row (for the ranker: that its passage holds the answer).

        Args:
            rows: ``(n, len(names))`` feature rows.
            names: the features of a row, in order.
        """
        if not len(rows):
            return np.zeros(0)
        columns = [list(names).index(name) for name in self.features]
        x = (rows[:, columns] - np.asarray(self.mean)) / np.asarray(self.scale)
        return x @ np.asarray(self.weights) + self.intercept

    @classmethod
    def dense_only(cls) -> Ranker:
        """The passage's cosine alone: plain vector search, before anything is fitted."""
        return cls(("dense",), (0.0,), (1.0,), (1.0,), 0.0, {"fitted": False})

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "intercept": self.intercept,
            "about": self.about,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], names: Sequence[str] = FEATURES) -> Ranker:
        unknown = set(data["features"]) - set(names)
        if unknown:
            raise ValueError(f"the model names unknown features: {sorted(unknown)}")
        return cls(
            tuple(data["features"]),
            tuple(float(v) for v in data["mean"]),
            tuple(float(v) for v in data["scale"]),
            tuple(float(v) for v in data["weights"]),
            float(data["intercept"]),
            dict(data.get("about", {})),
        )

    @classmethod
    def load(cls, path: Path = RANKER_FILE, names: Sequence[str] = FEATURES) -> Ranker:
        """A fitted model (by default the ranker, ``data/ranker.json``).

        Raises:
            FileNotFoundError: nothing fitted there (``benchmarks/answers.py --fit``).
            ValueError: the file names features the code does not compute.
        """
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")), names)

    def save(self, path: Path = RANKER_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8")


def fit_linear(
    rows: np.ndarray,
    labels: np.ndarray,
    features: Sequence[str],
    regularisation: float,
    about: dict[str, Any] | None = None,
    names: Sequence[str] = FEATURES,
    signs: Mapping[str, int] | None = None,
) -> Ranker:
    """Fit a logistic regression (scikit-learn) on feature rows; the result as a Ranker.

    With ``signs``, a feature whose fitted weight goes against its known direction (+1 or
    −1) is left out and the rest fitted again, until every weight agrees: an active set,
    whose result is the fit with those weights held at zero (should every feature left go
    against its sign, the last fit stands as it is).

    Args:
        rows: ``(n, len(names))``.
        labels: 1 where the row is a positive (its passage holds the answer).
        features: which features to use.
        regularisation: scikit-learn's ``C`` (smaller is stronger).
        about: what to record of how it was fitted.
        names: the features of a row, in order.
    """
    from sklearn.linear_model import LogisticRegression

    columns = [list(names).index(name) for name in features]
    x = rows[:, columns]
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    signs = signs or {}
    kept = list(range(len(features)))
    while True:
        model = LogisticRegression(C=regularisation, max_iter=MAX_ITERATIONS)
        model.fit(z[:, kept], labels)
        against = {
            i
            for i, weight in zip(kept, model.coef_[0], strict=True)
            if signs.get(features[i], 0) * weight < 0
        }
        if not against or len(against) == len(kept):
            break
        kept = [i for i in kept if i not in against]
    weights = dict(zip(kept, model.coef_[0], strict=True))
    return Ranker(
        tuple(features),
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(weights.get(i, 0.0)) for i in range(len(features))),
        float(model.intercept_[0]),
        dict(about or {}),
    )


def sigmoid(value: float) -> float:
    """The logistic function, safe for large magnitudes."""
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    e = math.exp(value)
    return e / (1.0 + e)
