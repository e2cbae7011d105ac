"""The text helpers every floor shares: white space, the one way text is folded, and
Swedish dates.

Text is compared folded: white space collapsed, case folded (:func:`fold`). A label, a
name or a citation is looked up folded as well, its typographic variants made one
(:func:`fold_label`: soft hyphens dropped, en and em dashes read as hyphens).
"""

from __future__ import annotations

import re

__all__ = ["MONTHS", "fold", "fold_label", "iso_date", "normalize_space"]

_SPACE = re.compile(r"\s+")

_TYPOGRAPHY = str.maketrans({"\u00ad": None, "–": "-", "—": "-"})
"""Soft hyphens dropped, en and em dashes read as hyphens."""

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")
"""The Swedish month names, January first."""


def normalize_space(text: str) -> str:
    """Collapse runs of white space to one space and strip the ends.

    >>> normalize_space("  två   ord\\n")
    'två ord'
    """
    return _SPACE.sub(" ", text).strip()


def fold(text: str) -> str:
    """Text as a comparison key: white space collapsed, case folded.

    >>> fold("  Barn  och\\nUNGA ")
    'barn och unga'
    """
    return normalize_space(text).casefold()


def fold_label(text: str) -> str:
    """A label as a lookup key: :func:`fold`, and soft hyphens and dashes do not matter.

    >>> fold_label("Bryssel  II–förordningen"), fold_label("social\\u00adtjänstlagen")
    ('bryssel ii-förordningen', 'socialtjänstlagen')
    """
    return fold(text.translate(_TYPOGRAPHY))


def iso_date(day: str, month: str, year: str) -> str:
    """A Swedish date as written ("1", "januari", "2002") in ISO form.

    >>> iso_date("1", "Januari", "2002")
    '2002-01-01'
    """
    return f"{year}-{MONTHS.index(month.lower()) + 1:02d}-{int(day):02d}"
