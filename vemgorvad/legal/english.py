"""Citations written the English way, put the Swedish way for the parser.

The Government Offices' translations cite "Chapter 5, Section 11 of the Social Services
Act"; the parser (:mod:`vemgorvad.legal.parser`) reads Swedish ("5 kap. 11 § SoL"). An
English question citing a provision is rewritten before it is parsed: the chapter and
section become "5 kap. 11 §", and an English statute title that follows
(``data/acts_en.tsv``) becomes "lagen (2001:453)"; any other name after it (a Swedish one,
"SoL") is left for the parser to read.
"""

from __future__ import annotations

import re
from functools import cache

from vemgorvad.legal.grammar import english_names

_NUMBER = r"\d+(?:\s?[a-z](?![\w.]))?"
_CHAPTER = r"(?:chapter|chap\.)\s*"
_SECTION = r"(?:section|sec\.|§)\s*"
_WHERE = (
    rf"(?:{_CHAPTER}(?P<chapter>{_NUMBER})(?:\s*,?\s*{_SECTION}(?P<section>{_NUMBER}))?"
    rf"|{_SECTION}(?P<section2>{_NUMBER})(?:\s*,?\s*(?:of\s+|in\s+)?{_CHAPTER}(?P<chapter2>{_NUMBER}))?)"
)
"""A chapter and its section ("Chapter 5, Section 11"), or a section and its chapter
("Section 11 of Chapter 5"), either alone."""


@cache
def _titles() -> dict[str, str]:
    """English statute names, case folded → SFS number."""
    return {name.casefold(): sfs for sfs, names in english_names().items() for name in names}


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_titles(), key=lambda n: (-len(n), n))
    title = "|".join(r"\s+".join(re.escape(part) for part in n.split()) for n in names)
    return re.compile(
        rf"\b{_WHERE}(?:\s*,?\s*(?:of|in)\s+(?:the\s+)?(?P<title>{title})\b)?", re.IGNORECASE
    )


def swedish_form(text: str) -> str:
    """The text with its English citations written the Swedish way.

    >>> swedish_form("What does Chapter 5, Section 11 of the Social Services Act say?")
    'What does 5 kap. 11 § lagen (2001:453) say?'
    >>> swedish_form("Is section 4 of the Care of Abusers (Special Provisions) Act in force?")
    'Is 4 § lagen (1988:870) in force?'
    >>> swedish_form("What does chapter 6 of the Penal Code say?"), swedish_form("ch. 14 s. 1 SoL")
    ('What does 6 kap. lagen (1962:700) say?', 'ch. 14 s. 1 SoL')
    >>> swedish_form("Section 11 of Chapter 6 of the Swedish Criminal Code")
    '6 kap. 11 § lagen (1962:700)'
    >>> swedish_form("Does chapter 4, section 1 a of the Penal Code cover begging?")
    'Does 4 kap. 1 a § lagen (1962:700) cover begging?'
    """

    def swedish(found: re.Match[str]) -> str:
        chapter = found.group("chapter") or found.group("chapter2")
        section = found.group("section") or found.group("section2")
        parts = [f"{chapter} kap." if chapter else "", f"{section} §" if section else ""]
        if found.group("title"):
            sfs = _titles()[re.sub(r"\s+", " ", found.group("title")).casefold()]
            parts.append(f"lagen ({sfs})")
        return " ".join(part for part in parts if part)

    return _pattern().sub(swedish, text)
