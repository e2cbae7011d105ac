"""Splitting a passage into sentences, for citing the sentence that answers.

A passage is what the corpus cites; a sentence is what a reader needs first. The split
is rule-based: a sentence ends at ``.``, ``!`` or ``?`` followed by white space and a
capital letter, digit or quotation mark, or at a line break, except after an
abbreviation kept in ``data/abbreviations.txt`` ("1 kap.", "t.ex.", "prop.") or a
section sign's number ("5 kap. 11 §"). Spans are character offsets into the passage's own
text, so a sentence is always verbatim.

>>> text = "Nämnden ska enligt 5 kap. 1 § verka för detta. Den får t.ex. ge stöd."
>>> [text[a:b] for a, b in sentence_spans(text)]
['Nämnden ska enligt 5 kap. 1 § verka för detta.', 'Den får t.ex. ge stöd.']
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "abbreviations.txt"
_END = re.compile(r"[.!?…]+[”\"')]*(?=\s+[\"”“(A-ZÅÄÖÉÜ0-9–-])|\n+")
_WORD_BEFORE = re.compile(r"([\wåäöÅÄÖ.]+)$")


@cache
def abbreviations() -> frozenset[str]:
    """The abbreviations (case folded, without their last full stop)."""
    lines = _DATA.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().casefold().rstrip(".") for line in lines if line.strip() and not line.startswith("#")
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as ``(start, end)`` offsets, white space trimmed.

    Args:
        text: the text (a passage).

    Returns:
        Spans in reading order; together they cover every non-space character.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group().startswith(".") and _is_abbreviation(text[start : match.start()]):
            continue
        _add(spans, text, start, end)
        start = match.end()
    _add(spans, text, start, len(text))
    return spans


def _is_abbreviation(before: str) -> bool:
    found = _WORD_BEFORE.search(before)
    if not found:
        return False
    word = found.group(1).casefold().rstrip(".")
    return word in abbreviations() or (len(word) == 1 and word.isalpha())


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    offset = start + (len(piece) - len(piece.lstrip()))
    spans.append((offset, offset + len(stripped)))


def sentences(text: str) -> list[str]:
    """The sentences of a text, verbatim.

    >>> sentences("Första meningen. Andra!\\nTredje")
    ['Första meningen.', 'Andra!', 'Tredje']
    """
    return [text[a:b] for a, b in sentence_spans(text)]


def windows(text: str, min_chars: int) -> list[tuple[int, int]]:
    """The text's sentences with every short one joined to its neighbour: the spans that
    are embedded one by one, so a long passage is found by its best sentence.

    A sentence shorter than ``min_chars`` ("Lag (2012:776).", "Artikel 5") says too
    little alone; it joins the sentence before it (or, first in the text, the one after).

    >>> text = "Artikel 5 Staterna ska respektera föräldrarnas ansvar. Lag (2012:776)."
    >>> [text[a:b] for a, b in windows(text, 40)]
    ['Artikel 5 Staterna ska respektera föräldrarnas ansvar. Lag (2012:776).']
    """
    merged: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        if merged and (end - start < min_chars or merged[-1][1] - merged[-1][0] < min_chars):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
