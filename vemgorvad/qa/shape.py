"""The answer contract's JSON (``shared/spec/answer-contract.md``): one answer, one passage."""

from __future__ import annotations

import time
from typing import Any

from vemgorvad.corpus.model import Passage
from vemgorvad.qa.rank import sigmoid
from vemgorvad.qa.understand import Mention


def passage(passage: Passage, score: float, dense: float | None) -> dict[str, Any]:
    """A ranked passage as an answer lists it: its probability of holding the answer as
    ``score``, its cosine with the question as ``similarity``."""
    return {
        "id": passage.id,
        "document": passage.document,
        "section": passage.section,
        "text": passage.text,
        "score": round(sigmoid(score), 4),
        "similarity": None if dense is None else round(float(dense), 4),
    }


def answer(
    question: str,
    answerable: bool,
    summary: str,
    facts: list[dict[str, Any]],
    paths: list[list[dict]],
    passages: list[dict[str, Any]],
    lang: str,
    kind: str,
    confidence: float,
    started: float | None = None,
    mentions: list[Mention] | None = None,
    *,
    evidence: list[dict[str, str]] | None = None,
    reason: str = "",
    answerable_probability: float | None = None,
) -> dict[str, Any]:
    """An answer in the shape of ``shared/spec/answer-contract.md``: facts, evidence and
    paths only when it is answerable; the question's entities and the time taken."""
    return {
        "question": question,
        "answerable": answerable,
        "summary": summary,
        "facts": facts if answerable else [],
        "evidence": (evidence or []) if answerable else [],
        "paths": paths if answerable else [],
        "passages": passages,
        "abstain_reason": reason or None,
        "answerable_probability": (
            None if answerable_probability is None else round(answerable_probability, 3)
        ),
        "language": lang,
        "kind": kind,
        "confidence": round(confidence, 3),
        "entities": [
            {**m.entity.ref(), "kind": m.entity.kind, "weight": round(m.weight, 3), "how": m.how}
            for m in (mentions or [])
        ],
        "milliseconds": round((time.perf_counter() - started) * 1000, 1) if started else 0.0,
    }
