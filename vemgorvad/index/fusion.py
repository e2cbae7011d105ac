"""Combining rankings: weighted reciprocal-rank fusion and the top rows of a score array."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[int], float]], k: float
) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: Σ weight / (k + rank) over the rankings.

    Args:
        rankings: (items best first, weight) per ranking.
        k: the RRF constant; larger flattens the head of each ranking.

    Returns:
        item → fused score (items of any ranking with a positive weight).

    >>> fused = reciprocal_rank_fusion([([7, 3], 1.0), ([3, 9], 0.5)], 30)
    >>> sorted(fused, key=fused.get, reverse=True)
    [3, 7, 9]
    """
    fused: dict[int, float] = {}
    for items, weight in rankings:
        if weight <= 0:
            continue
        for rank, item in enumerate(items, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    if not fused:  # every weight zero: keep the first ranking's order
        for rank, item in enumerate(rankings[0][0] if rankings else (), start=1):
            fused[item] = 1.0 / (k + rank)
    return fused


def best_rows(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest scores, best first (ties by row), whatever their sign."""
    rows = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
    return sorted(rows.tolist(), key=lambda row: (-scores[row], row))


def top_rows(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest positive scores, best first (ties by row)."""
    positive = np.flatnonzero(scores > 0)  # ascending, so ties stay by row
    return [int(positive[i]) for i in best_rows(scores[positive], k)]
