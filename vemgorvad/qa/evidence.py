"""The sentences that answer: chosen from the best passages, verbatim.

A person reads the sentence that answers before the passage around it. Each sentence
window (:mod:`vemgorvad.index.windows`) of the first few ranked passages is scored as
RAGFlow cites sentences without a language model: a weighted sum of its e5 cosine with
the question and the share of the question's content lemmas it holds, plus how likely its
passage is to hold the answer (the ranker's probability). The best sentence, and those
close behind it, are the evidence. A quote must make sense alone: a sentence that opens by
pointing back ("Detta", "Den …", "These"; the words in ``data/anaphora.json``) brings its
predecessor (not "Den som …", a relative clause), an item of a list brings the sentence
that leads into the list, and a sentence that does not end ("… ska stödja och bidra
till") brings what follows until one does. A question that asks only what a cited
section says gives nothing to score sentences by; it gets the section's opening
(:func:`opening`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from vemgorvad import settings
from vemgorvad.qa import understand

_ANAPHORA = Path(__file__).parent / "data" / "anaphora.json"
_LIST_ITEM = re.compile(r"\s*(?:\d+\.|[a-zåäö]\)|[-–•])\s")
_ENDED = re.compile(r"[.!?…][\s\"'”’)\]]*$")
_NEXT_NUMERAL = re.compile(r"\s*\n\s*(?:\d{1,3}|[a-zåäö])[.)]$")


@cache
def _anaphora_data() -> dict[str, Any]:
    return dict(json.loads(_ANAPHORA.read_text(encoding="utf-8")))


@cache
def anaphora() -> frozenset[str]:
    """Opening words that point back to the sentence before (case folded)."""
    return frozenset(w.casefold() for words in _anaphora_data()["openers"].values() for w in words)


@cache
def relatives() -> frozenset[str]:
    """Words that, after an opener, make it a relative clause pointing back to nothing."""
    return frozenset(w.casefold() for w in _anaphora_data()["relatives"])


def points_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing back to the one before it.

    >>> points_back("Detta gäller även barn."), points_back("Den som köper sex döms.")
    (True, False)
    """
    first, *rest = [w.casefold() for w in understand.words(sentence)] or [""]
    return first in anaphora() and not (rest and rest[0] in relatives())


@dataclass(frozen=True)
class Weights:
    """How sentences are scored and how many are kept (defaults: ``settings``)."""

    cosine: float = settings.EVIDENCE_COSINE_WEIGHT
    passage: float = settings.EVIDENCE_PASSAGE_WEIGHT
    spread: float = settings.EVIDENCE_SPREAD


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence: ``text[start:end]`` of a passage, with its score."""

    passage_id: str
    start: int
    end: int
    score: float


def overlap(question_lemmas: frozenset[str], text: str) -> float:
    """The share of the question's content lemmas that occur in a text.

    >>> overlap(frozenset({"nämnd", "stöd"}), "Nämnden ger stöd.")
    1.0
    """
    if not question_lemmas:
        return 0.0
    return len(question_lemmas & understand.lemmas(text)) / len(question_lemmas)


def select(
    question_vector: np.ndarray,
    question_lemmas: frozenset[str],
    ranked: Sequence[tuple[str, float]],
    index: Any,
    text_of: Callable[[str], str],
    weights: Weights | None = None,
) -> list[dict[str, str]]:
    """The 1–3 sentences that answer, best first, each ``{"passage_id", "text"}``.

    Args:
        question_vector: the question embedded.
        question_lemmas: its content lemmas.
        ranked: (passage id, probability that it holds the answer), best first.
        index: the passage index (its sentence windows and rows).
        text_of: passage id → its text.
        weights: the scoring (default: ``settings``).
    """
    weights = weights or Weights()
    found: list[Sentence] = []
    for passage_id, probability in ranked[: settings.EVIDENCE_PASSAGES]:
        row = index.row(passage_id)
        windows = index.windows.of_row(row) if row is not None else []
        cosines = index.windows.cosines(question_vector, windows)
        text = text_of(passage_id)
        for window_index, cosine in zip(windows, cosines, strict=True):
            window = index.windows.windows[window_index]
            words = overlap(question_lemmas, text[window.start : window.end])
            score = (
                weights.cosine * float(cosine)
                + (1 - weights.cosine) * words
                + weights.passage * probability
            )
            found.append(Sentence(passage_id, window.start, window.end, score))
    if not found:
        return []
    found.sort(key=lambda s: -s.score)
    floor = found[0].score - weights.spread
    chosen: list[dict[str, str]] = []
    spans: list[tuple[str, int, int]] = []
    for sentence in found:
        if sentence.score < floor or len(chosen) == settings.MAX_EVIDENCE:
            break
        start, end = _whole(sentence, index, text_of)
        quote = {"passage_id": sentence.passage_id, "text": text_of(sentence.passage_id)[start:end]}
        if any(pid == sentence.passage_id and start < e and s < end for pid, s, e in spans):
            continue  # two items of one list bring the same lead-in: quoted once
        if all(quote["text"] != other["text"] for other in chosen):
            chosen.append(quote)  # a statute's section in two versions says it twice
            spans.append((sentence.passage_id, start, end))
    return chosen


def opening(
    cited: Sequence[tuple[str, int | None]], index: Any, text_of: Callable[[str], str]
) -> list[dict[str, str]]:
    """The sentences that open cited sections, each ``{"passage_id", "text"}``: the answer
    to a question that asks what a section says ("Vad säger 6 kap. 1 § brottsbalken?"),
    which gives nothing to score sentences by.

    Args:
        cited: (passage id, the stycke cited or None) per cited section, in the order cited.
        index: the passage index (its sentence windows and rows).
        text_of: passage id → its text.

    Each quote starts where the section (or the stycke cited; stycken are the passage's
    lines that are not items of a list) starts, and brings what it needs to be read
    alone: a lead-in its list, a sentence that does not end what follows.
    """
    chosen: list[dict[str, str]] = []
    for passage_id, stycke in cited:
        row = index.row(passage_id)
        if row is None:
            continue
        text = text_of(passage_id)
        start = _stycke_start(text, stycke or 1)
        windows = [index.windows.windows[i] for i in index.windows.of_row(row)]
        first = next((w for w in windows if w.start >= start), None)
        if first is None:
            continue
        # a stycke starts a thought: its opening "De som …" points back to nothing
        _, end = _whole(Sentence(passage_id, first.start, first.end, 0.0), index, text_of)
        quote = {"passage_id": passage_id, "text": text[first.start : end]}
        if all(quote["text"] != other["text"] for other in chosen):
            chosen.append(quote)  # a section in two versions is quoted once
        if len(chosen) == settings.MAX_EVIDENCE:
            break
    return chosen


def _stycke_start(text: str, stycke: int) -> int:
    """Where the n:th stycke of a statute section starts (0 past the last).

    >>> _stycke_start("1 § Följande ska anmäla:\\n1. myndigheter,\\n2. anställda.\\nDe som …", 2)
    55
    """
    offset, seen = 0, 0
    for line in text.split("\n"):
        if not _LIST_ITEM.match(line):
            seen += 1
            if seen == stycke:
                return offset
        offset += len(line) + 1
    return 0


def citing(
    cited: Sequence[tuple[str, str]], index: Any, text_of: Callable[[str], str]
) -> list[dict[str, str]]:
    """The sentences in which passages cite laws, each ``{"passage_id", "text"}``, in the
    order given, up to :data:`~vemgorvad.settings.MAX_EVIDENCE`: the answer to which laws a
    document refers to, which gives nothing to score sentences by.

    Args:
        cited: (passage id, the words that cite) per law.
        index: the passage index (its sentence windows and rows).
        text_of: passage id → its text.
    """
    chosen: list[dict[str, str]] = []
    for passage_id, words in cited:
        row = index.row(passage_id)
        text = text_of(passage_id)
        at = text.find(words) if words else -1
        if row is None or at < 0:
            continue
        for window in (index.windows.windows[i] for i in index.windows.of_row(row)):
            if window.start <= at < window.end:
                start, end = _whole(Sentence(passage_id, window.start, window.end, 0.0), index, text_of)
                quote = {"passage_id": passage_id, "text": text[start:end]}
                if quote not in chosen:
                    chosen.append(quote)
                break
        if len(chosen) == settings.MAX_EVIDENCE:
            break
    return chosen


def _whole(sentence: Sentence, index: Any, text_of: Callable[[str], str]) -> tuple[int, int]:
    """Where the sentence as evidence starts and ends in its passage, with what it needs
    to make sense alone: the sentence before it when it points back or is an item of a
    list (back to the list's lead-in), and the sentences after it until one ends.
    """
    text = text_of(sentence.passage_id)
    row = index.row(sentence.passage_id)
    windows = index.windows.windows
    spans = [(windows[i].start, windows[i].end) for i in (index.windows.of_row(row) if row is not None else [])]
    if (sentence.start, sentence.end) not in spans:
        return sentence.start, sentence.end

    def part(i: int) -> str:
        return text[spans[i][0] : spans[i][1]]

    first = last = spans.index((sentence.start, sentence.end))
    if points_back(part(first)) and first > 0:
        first -= 1
    while first > 0 and _LIST_ITEM.match(part(first)):
        first -= 1
    while last + 1 < len(spans) and not _ENDED.search(part(last)):
        last += 1
    start, end = spans[first][0], spans[last][1]
    # a sentence window holds the next item's numeral when the item opens with a capital
    # ("… upphör att gälla.\n2."): the quote stops before it
    if numeral := _NEXT_NUMERAL.search(text, start, end):
        end = numeral.start()
    return start, end
