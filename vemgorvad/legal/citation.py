"""A legal reference, and how one is built from what the parser read.

:class:`LegalRef` is what the parser gives: the span of a citation and the IRI it names.
The acts (:func:`sfs_act`, :func:`eu_act`, :func:`agency_act`) and the references
(:func:`act_ref`, :func:`provision_ref`) are built from the IRI and label templates of
``data/iris.tsv``; :func:`provision_fragment` is the one place a provision's lagen.nu
fragment (``K5P11``) is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from vemgorvad.legal.grammar import Act, Grammar, Token, fill, grammar, sfs_iri_part
from vemgorvad.text import normalize_space

__all__ = [
    "KINDS",
    "LegalRef",
    "act_ref",
    "agency_act",
    "celex_number",
    "eu_act",
    "provision_fragment",
    "provision_ref",
    "sfs_act",
]

#: Values of :attr:`LegalRef.kind`. A reference to part of a document has the document's kind
#: plus ``_provision``; the whole document has the bare kind.
KINDS = (
    "sfs",  # a whole statute (SFS)
    "sfs_provision",  # kapitel/paragraf/stycke/punkt of a statute
    "sfs_amendment",  # "Lag (2013:421)." closing a paragraph: the amendment of the base act
    "agency_regulation",  # SOSFS 2014:4, HSLF-FS 2022:39
    "agency_regulation_provision",
    "preparatory_work",  # prop., SOU, Ds, bet., rskr., skr., optionally a page or a section
    "eu",  # an EU act (CELEX)
    "eu_provision",  # an article of an EU act
    "international",  # a convention or protocol without a Swedish incorporation act
)


@dataclass(frozen=True)
class LegalRef:
    """One legal citation found in a text.

    ``chapter`` and ``section`` are written as in the IRI fragment: digits with any letter
    suffix attached and no space ("1a" for "1 a §"). ``paragraph`` is the stycke; when a punkt
    follows § directly ("5 kap. 2 § 9") the first stycke is implied and ``paragraph`` is 1.
    ``resolved_by`` says where the act came from: ``explicit`` (its number is in the text),
    ``name_lookup`` (a known name or abbreviation), ``context`` (named earlier in the text,
    or "samma lag") or ``base`` (the base document given by the caller).
    """

    text: str
    start: int
    end: int
    kind: str
    target: str
    act: str
    act_label: str
    sfs: str | None
    chapter: str | None
    section: str | None
    paragraph: int | None
    point: str | None = None
    resolved_by: str = "explicit"


# --- acts and references --------------------------------------------------------------


def sfs_act(g: Grammar, sfs: str) -> Act:
    """A statute by its SFS number: the one acts.tsv names, else a bare one."""
    known = g.acts_by_id.get(sfs)
    if known is not None:
        return known
    iri = fill(g.templates["sfs"][0], sfs=sfs_iri_part(sfs))
    return Act("sfs", iri, fill(g.templates["sfs"][1], sfs=sfs), sfs)


def agency_act(g: Grammar, tok: Token) -> Act:
    """An agency's regulation (\"SOSFS 2014:4\") from its token."""
    series = re.sub(r"\s+", "", tok.group("series") or "")
    year, number = tok.group("year") or "", tok.group("no") or ""
    iri_template, label_template = g.templates["agency_regulation"]
    return Act(
        "agency_regulation",
        fill(iri_template, series=series.lower(), year=year, no=number),
        fill(label_template, SERIES=series, year=year, no=number),
    )


def eu_act(g: Grammar, celex: str) -> Act:
    """An EU act by its CELEX number: the one acts.tsv names, else a bare one."""
    known = g.acts_by_id.get(celex)
    if known is not None:
        return known
    iri_template, label_template = g.templates["eu"]
    return Act("eu", fill(iri_template, celex=celex), fill(label_template, celex=celex))


def act_ref(
    text: str,
    start: int,
    end: int,
    act: Act,
    how: str,
    *,
    kind: str | None = None,
    part: str = "",
    section: str | None = None,
) -> LegalRef:
    """A reference to an act, or to a part of it without chapters (an article, a
    page, a numbered section, an amendment): ``part`` is the IRI fragment after the
    act's, ``kind`` the reference's kind when it is not the act's."""
    return LegalRef(
        text=text[start:end],
        start=start,
        end=end,
        kind=kind or act.kind,
        target=act.iri + part,
        act=act.iri,
        act_label=act.label,
        sfs=act.sfs,
        chapter=None,
        section=section,
        paragraph=None,
        resolved_by=how,
    )


def provision_ref(
    text: str, start: int, end: int, levels: dict[str, str], act: Act, how: str
) -> LegalRef:
    """A reference to a provision of an act: its levels give the IRI's fragment."""
    paragraph = levels.get("paragraph")
    if paragraph is None and "point" in levels and "section" in levels:
        paragraph = "1"
    return LegalRef(
        text=text[start:end],
        start=start,
        end=end,
        kind=f"{act.kind}_provision",
        target=f"{act.iri}#{provision_fragment(levels)}",
        act=act.iri,
        act_label=act.label,
        sfs=act.sfs,
        chapter=levels.get("chapter"),
        section=levels.get("section"),
        paragraph=int(paragraph) if paragraph is not None and paragraph.isdigit() else None,
        point=levels.get("point"),
        resolved_by=how,
    )


def provision_fragment(levels: Mapping[str, str | None]) -> str:
    """The lagen.nu IRI fragment of a provision: a letter and the number of each level,
    outermost first (letters in ``levels.tsv``); a punkt straight after § is in the first
    stycke. A level given as None is left out.

    >>> provision_fragment({"chapter": "5", "section": "11"})
    'K5P11'
    >>> provision_fragment({"chapter": None, "section": "2", "point": "9"})
    'P2S1N9'
    """
    g = grammar()
    given = {level: value for level, value in levels.items() if value is not None}
    parts: list[str] = []
    for level in g.levels:
        if level == "paragraph" and level not in given and "point" in given and "section" in given:
            parts.append(g.fragment_letters[level] + "1")  # "6 § 1": punkt 1 of stycke 1
        if level in given:
            parts.append(g.fragment_letters[level] + str(given[level]))
    return "".join(parts)


# --- what a token says ----------------------------------------------------------------


def sfs_from(tok: Token) -> str | None:
    """The SFS number a token holds ("2001:453", "1736:0123 s. 2"), or None."""
    year, number = tok.group("sfs_year"), tok.group("sfs_no")
    if year is None or number is None:
        return None
    page = tok.group("sfs_page")
    return f"{year}:{number}" + (f" s. {page}" if page else "")


def sfs_end(tok: Token) -> int:
    """End offset of the SFS number in a token (page suffix included)."""
    for name in ("sfs_page", "sfs_no"):
        if tok.match.group(name) is not None:
            return tok.span_of(name)[1]
    return tok.end


def celex_number(type_letter: str, year: str, number: str) -> str:
    """CELEX number of an EU act, four-digit year: ("L", "95", "46") -> "31995L0046"."""
    if len(year) == 2:
        year = ("19" if int(year) >= 50 else "20") + year
    return f"3{year}{type_letter}{int(number):04d}"


def label_from_name(name: str) -> str:
    """A law's name as a label: white space collapsed, the first letter capitalised."""
    name = normalize_space(name)
    return name[:1].upper() + name[1:]
