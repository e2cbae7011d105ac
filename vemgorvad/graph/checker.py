"""The reference checker: what the legal references of a text point to, and what has aged.

A policy writer pastes a text (or gives a file); every legal reference in it is read with
:mod:`vemgorvad.legal`, resolved against the knowledge graph
(:class:`vemgorvad.graph.resolve.ReferenceResolver`, shared with the extractor) and checked:

* is the act known (a curated node, or a statute whose text the corpus holds)? A
  reference to an act the graph does not know, or knows only from automatic
  extraction, is flagged;
* does the cited chapter or section exist in the statute text we hold
  ("5 kap. 99 § socialtjänstlagen" does not);
* does a year next to "infördes", "trädde i kraft", "gäller sedan", "från och med",
  "blev lag" … in the same sentence match a date the graph knows for that regulation
  (its ``vgv:inForce``, its ``vgv:RegulationEvent`` dates, and those of its provisions)?
* has the act been replaced (:func:`vemgorvad.graph.regulations.regulation_status`), as
  socialtjänstlagen (2001:453) was on 1 July 2025?

Each reference also says which corpus passages cite the same act or provision
(``vgv:cites``, added by :func:`vemgorvad.graph.extract.link_mentions`).

A problem is a message: a key of :data:`MESSAGES` and its values, never a sentence; the
faces word it in their language from their locale files.

>>> from vemgorvad.corpus.load import load_corpus  # doctest: +SKIP
>>> graph = build_graph(load_corpus(settings.corpus_dir()).documents)  # doctest: +SKIP
>>> [r["status"] for r in check_text("enligt 5 kap. 11 § socialtjänstlagen", graph)]  # doctest: +SKIP
['replaced by Socialtjänstlag (2025:400) from 2025-07-01']
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS
from rdflib.term import Node

from vemgorvad.graph.regulations import citations, regulation_status
from vemgorvad.graph.resolve import ReferenceResolver, Resolution
from vemgorvad.legal import LegalRef, LegalRefParser
from vemgorvad.text import fold_label, normalize_space
from vemgorvad.vocab import VGV

logger = logging.getLogger(__name__)

__all__ = ["MAX_CITED_IN", "MESSAGES", "ReferenceChecker", "check_text"]

MESSAGES: dict[str, tuple[str, ...]] = {
    "unknown_regulation": ("reference",),
    "unknown_named_regulation": ("reference", "label"),
    "extracted_only": ("reference", "label"),
    "replaced": ("regulation", "replacement"),
    "replaced_from": ("regulation", "replacement", "since"),
    "to_be_replaced": ("regulation", "replacement", "since"),
    "not_yet_in_force": ("regulation", "date"),
    "no_such_section": ("section", "act"),
    "year_disagrees": ("year", "regulation", "dates"),
}
"""The problems a checked reference can have (``{"key": …, **values}``), each with the
values its message carries. ``dates`` is a list of :meth:`ReferenceChecker.known_dates`."""

MAX_CITED_IN = 10
"""How many citing passages a reference lists (``cited_in``)."""

_WORDS = json.loads((Path(__file__).parent / "data" / "checker_words.json").read_text("utf-8"))

DATE_CUES = re.compile(
    r"\b(?:"
    + "|".join(r"\s+".join(map(re.escape, cue.split())) for cue in _WORDS["date_cues"])
    + r")\b",
    re.IGNORECASE,
)
"""Words that make a year in the same sentence a claim about when a regulation began."""

YEAR = re.compile(r"(?<![\d:/])(?P<year>1[6-9]\d\d|20\d\d)(?:-\d\d-\d\d)?(?![\d:/])")
"""A year ("2005") or an ISO date ("2002-01-01"); not the year of "2018:1197" or "2016/17"."""

SENTENCE_END = re.compile(r"[.!?](?=\s+[A-ZÅÄÖ\"«(])|\n\s*\n")
"""Where a sentence ends: a full stop before a capital, or a blank line."""

_STATUTE_PASSAGE = re.compile(
    r"^SFS (?P<sfs>\S+) (?:(?P<chapter>\d+(?: ?[a-z])?) kap\. )?(?P<section>\d+(?: ?[a-z])?) §"
)
"""A statute passage id that is one section, with or without a ``(2)`` suffix."""

_SECTION_LABEL = re.compile(r"\d+(?: \w)? (?:kap\. \d+(?: \w)? )?§")
_LAW_NOUN = re.compile(
    r"\w*(?:" + "|".join(map(re.escape, _WORDS["law_nouns"])) + r")\b", re.IGNORECASE
)
"""A label whose first word ends in a law's noun ("Socialtjänstlag (2025:400)"): lower case in a
sentence."""


def _literal_in(
    graph: Graph, node: Node, predicate: URIRef = SKOS.prefLabel, lang: str = "sv"
) -> str | None:
    """The node's literal for ``predicate`` in ``lang`` (Swedish by default), or an untagged one."""
    fallback = None
    for value in graph.objects(node, predicate):
        if isinstance(value, Literal):
            if value.language == lang:
                return str(value)
            if value.language is None and fallback is None:
                fallback = str(value)
    return fallback


def _swedish_literal(value: Node) -> bool:
    return isinstance(value, Literal) and value.language in (None, "sv")


def _year(value: Node | str) -> str:
    return str(value)[:4]


@dataclass(frozen=True)
class _Statute:
    """What we know of a statute's text: its sections, chapters and whether it is whole."""

    sections: frozenset[tuple[str | None, str]]
    chapters: frozenset[str]
    complete: bool


def _chapter_number(chapter: str) -> int:
    digits = re.match(r"\d+", chapter)
    return int(digits.group(0)) if digits else 0


class ReferenceChecker:
    """Checks the legal references of texts against one graph (indexes built once).

    Args:
        graph: a built graph, best with the extractor's ``vgv:cites`` links.
        today: the day "in force" and "replaced" are judged on (default: today).
    """

    def __init__(self, graph: Graph, today: dt.date | None = None) -> None:
        self.graph = graph
        self.today = today or dt.date.today()
        self.resolver = ReferenceResolver(graph)
        self.passage_ids: dict[Node, str] = {
            passage: str(value) for passage, value in graph.subject_objects(VGV.passageId)
        }
        self.passage_document: dict[Node, Node] = {
            passage: document
            for passage, document in graph.subject_objects(DCTERMS.isPartOf)
            if passage in self.passage_ids
        }
        self.ordinal: dict[Node, int] = {
            passage: int(value.toPython()) if isinstance(value, Literal) else 0
            for passage, value in graph.subject_objects(VGV.ordinal)
        }
        self.cited_by: dict[Node, set[Node]] = defaultdict(set)
        for passage, target in graph.subject_objects(VGV.cites):
            self.cited_by[target].add(passage)
        self.parts: dict[Node, set[Node]] = defaultdict(set)
        for part, whole in graph.subject_objects(DCTERMS.isPartOf):
            if part in self.resolver.regulations:
                self.parts[whole].add(part)
        self.statutes: dict[Node, _Statute] = {}
        for act, document in graph.subject_objects(VGV.hasText):
            self.statutes[act] = self._statute(document)

    # -- what the graph knows ---------------------------------------------------------------

    def _statute(self, document: Node) -> _Statute:
        sections: set[tuple[str | None, str]] = set()
        for passage, doc in self.passage_document.items():
            if doc != document:
                continue
            match = _STATUTE_PASSAGE.match(self.passage_ids[passage])
            if match:
                chapter = (match["chapter"] or "").replace(" ", "") or None
                sections.add((chapter, match["section"].replace(" ", "")))
        chapters = frozenset(c for c, _ in sections if c)
        numbers = {_chapter_number(c) for c in chapters}
        complete = not chapters or numbers == set(range(1, max(numbers) + 1))
        return _Statute(frozenset(sections), chapters, complete)

    def label(self, node: Node) -> str:
        """The node's Swedish label (its IRI when it has none)."""
        return _literal_in(self.graph, node) or str(node)

    def name(self, node: Node, *, sentence_start: bool = True) -> str:
        """How a warning names a regulation: "Socialtjänstlag (2025:400)", "Bryssel II
        b-förordningen (EU) 2019/1111", a provision as "6 kap. 11 § brottsbalken"."""
        if (node, RDF.type, VGV.Provision) in self.graph:
            written = [
                str(label)
                for predicate in (SKOS.prefLabel, SKOS.altLabel)
                for label in self.graph.objects(node, predicate)
                if _swedish_literal(label) and _SECTION_LABEL.match(str(label))
            ]
            if written:  # "6 kap. 11 § brottsbalken" rather than "6 kap. 11 § BrB"
                return max(written, key=lambda label: (len(label), label))
        label = self.label(node)
        if not sentence_start and _LAW_NOUN.match(label):
            label = label[0].lower() + label[1:]
        citation = self._citation(node)
        number = re.search(r"\d[\d:/.]*\d", citation or "")
        if citation is None or (number is not None and number.group(0) in label):
            return label
        return f"{label} {citation}" if citation.startswith("(") else f"{label} ({citation})"

    def _citation(self, node: Node) -> str | None:
        readable = citations(self.graph, node)
        return readable[0] if readable else None

    def _kind(self, node: Node) -> str | None:
        kinds = sorted(
            _literal_in(self.graph, kind) or str(kind)
            for kind in self.graph.objects(node, VGV.regulationKind)
        )
        if not kinds and (node, RDF.type, VGV.PreparatoryWork) in self.graph:
            kinds = [_literal_in(self.graph, VGV.PreparatoryWork, SKOS.prefLabel) or "Förarbete"]
        return ", ".join(kinds) or None

    def _in_force(self, node: Node) -> str | None:
        value = self.graph.value(node, VGV.inForce)
        return str(value) if value is not None else None

    def _act_of(self, node: Node) -> Node:
        whole = self.graph.value(node, DCTERMS.isPartOf)
        return whole if whole is not None and whole in self.resolver.regulations else node

    def known_dates(self, node: Node) -> list[dict[str, Any]]:
        """What the graph dates of a regulation and of its provisions: ``{"date",
        "in_force": True}`` for its ``vgv:inForce``, ``{"date", "event": {"sv", "en"}}``
        (the event kind's labels, None where it has none) for a ``vgv:RegulationEvent``.

        A provision without dates of its own takes its act's.
        """

        def own(regulation: Node) -> list[dict[str, Any]]:
            dates: list[dict[str, Any]] = []
            in_force = self.graph.value(regulation, VGV.inForce)
            if in_force is not None:
                dates.append({"date": str(in_force), "in_force": True})
            for event in self.graph.subjects(VGV.regulation, regulation):
                date = self.graph.value(event, VGV.date)
                if date is None:
                    continue
                kind = self.graph.value(event, VGV.eventKind)
                labels = {
                    lang: _literal_in(self.graph, kind, lang=lang) if kind is not None else None
                    for lang in ("sv", "en")
                }
                dates.append({"date": str(date), "event": labels})
            return dates

        dates = own(node)
        for part in self.parts.get(node, ()):
            dates += own(part)
        if not dates and self._act_of(node) != node:
            return self.known_dates(self._act_of(node))
        return dates

    def _cited_in(self, node: Node, act: Node) -> list[str]:
        targets = {node} if node != act else {act, *self.parts.get(act, ())}
        passages = {p for target in targets for p in self.cited_by.get(target, ())}
        text_document = self.graph.value(act, VGV.hasText)

        def order(passage: Node) -> tuple[bool, str, int]:
            document = self.passage_document.get(passage)
            return (document == text_document, str(document), self.ordinal.get(passage, 0))

        return [self.passage_ids[p] for p in sorted(passages, key=order) if p in self.passage_ids]

    def _section_exists(self, ref: LegalRef, act: Node) -> bool | None:
        if ref.chapter is None and ref.section is None:
            return None
        statute = self.statutes.get(act)
        if statute is None:
            return None
        chapter = ref.chapter.replace(" ", "") if ref.chapter else None
        if statute.chapters and chapter is None:
            return None  # "11 §" of a statute with chapters: which chapter is not said
        if ref.section is None:
            if chapter in statute.chapters:
                return True
            return False if statute.complete else None
        if (chapter, ref.section.replace(" ", "")) in statute.sections:
            return True
        if chapter is not None and chapter not in statute.chapters and not statute.complete:
            return None  # we hold only some chapters of this statute
        return False

    # -- checking ------------------------------------------------------------------------

    def check(self, text: str, base: str | None = None) -> list[dict[str, Any]]:
        """Every legal reference of ``text``, resolved and checked (see :func:`check_text`)."""
        refs = [r for r in LegalRefParser(base).parse(text) if r.kind != "sfs_amendment"]
        resolutions = [self.resolver.resolve(ref, text) for ref in refs]
        claims = self._year_claims(text, refs)
        return [
            self._report(ref, resolution, claims.get(i, []))
            for i, (ref, resolution) in enumerate(zip(refs, resolutions, strict=True))
        ]

    def _report(
        self, ref: LegalRef, resolution: Resolution, years: Sequence[str]
    ) -> dict[str, Any]:
        node = resolution.node
        result: dict[str, Any] = {
            "text": ref.text,
            "start": ref.start,
            "end": ref.end,
            "kind": ref.kind,
            "target": ref.target,
            "act": str(resolution.act),
            "resolved": None,
            "in_force": None,
            "status": "unknown",
            "section_exists": None,
            "cited_in": [],
            "cited_in_count": 0,
            "warnings": [],
        }
        if node is None:
            result["warnings"].append(_unknown(ref))
            return result
        act = self._act_of(node) if node != resolution.act else resolution.act
        result["resolved"] = {
            "id": str(node),
            "label": self.label(node),
            "kind": self._kind(node),
            "citation": self._citation(node) or self._citation(act),
        }
        if resolution.extracted:
            result["warnings"].append(
                {
                    "key": "extracted_only",
                    "reference": normalize_space(ref.text),
                    "label": self.label(node),
                }
            )
        else:
            self._check_status(result, node, act)
            self._check_section(result, ref, act)
            self._check_years(result, node, years)
        cited = self._cited_in(node, act)
        result.update(cited_in=cited[:MAX_CITED_IN], cited_in_count=len(cited))
        return result

    def _check_status(self, result: dict[str, Any], node: Node, act: Node) -> None:
        """The status of a known regulation, and a warning when it has been (or will be)
        replaced or is not yet in force."""
        in_force = self._in_force(node)  # a provision's own date; its act's may not be its
        result["in_force"] = in_force
        result["status"] = "in force"
        status = regulation_status(self.graph, node, act, in_force, self.today.isoformat())
        if status.state == "replaced" and status.replaced is not None:
            newer = status.newer[0]
            since = self._in_force(newer)
            result["status"] = f"replaced by {self.name(newer)}" + (
                f" from {since}" if since else ""
            )
            message = {
                "key": "replaced",
                "regulation": self.name(status.replaced),
                "replacement": self.name(newer, sentence_start=False),
            }
            if since is not None:
                future = since > self.today.isoformat()
                message.update(key="to_be_replaced" if future else "replaced_from", since=since)
            result["warnings"].append(message)
        elif status.state == "not yet in force":
            result["warnings"].append(
                {"key": "not_yet_in_force", "regulation": self.label(node), "date": in_force}
            )

    def _check_section(self, result: dict[str, Any], ref: LegalRef, act: Node) -> None:
        """Whether the chapter or section cited exists in the statute text we hold."""
        exists = self._section_exists(ref, act)
        result["section_exists"] = exists
        if exists is False:
            where = " ".join(
                part
                for part in (
                    f"{_spaced(ref.chapter)} kap." if ref.chapter else "",
                    f"{_spaced(ref.section)} §" if ref.section else "",
                )
                if part
            )
            result["warnings"].append(
                {
                    "key": "no_such_section",
                    "section": where,
                    "act": self.name(act, sentence_start=False),
                }
            )

    def _check_years(self, result: dict[str, Any], node: Node, years: Sequence[str]) -> None:
        """A warning for each year the text claims that no date of the graph has."""
        dates = self.known_dates(node)
        known_years = {_year(date["date"]) for date in dates}
        for year in years:
            if known_years and year not in known_years:
                result["warnings"].append(
                    {
                        "key": "year_disagrees",
                        "year": year,
                        "regulation": self.name(node),
                        "dates": dates,
                    }
                )

    def _year_claims(self, text: str, refs: Sequence[LegalRef]) -> dict[int, list[str]]:
        """Years that sentences with a date cue claim for a reference: ref index → years.

        A year belongs to the reference nearest to it in its sentence; years inside a
        reference ("2018:1197", "direktiv 2011/36/EU") are not claims.
        """
        if not refs:
            return {}
        inside = [(r.start, r.end) for r in refs]

        def in_ref(position: int) -> bool:
            return any(start <= position < end for start, end in inside)

        ends = [m.end() for m in SENTENCE_END.finditer(text) if not in_ref(m.start())]
        bounds = list(zip([0, *ends], [*ends, len(text)], strict=True))
        claims: dict[int, list[str]] = defaultdict(list)
        for start, end in bounds:
            members = [i for i, r in enumerate(refs) if start <= r.start < end]
            if not members:
                continue
            sentence = text[start:end]
            if not DATE_CUES.search(sentence):
                continue
            for match in YEAR.finditer(sentence):
                position = start + match.start()
                if in_ref(position):
                    continue
                nearest = min(members, key=lambda i: _distance(refs[i], position))
                if match["year"] not in claims[nearest]:
                    claims[nearest].append(match["year"])
        return dict(claims)


def _unknown(ref: LegalRef) -> dict[str, Any]:
    """The message for a reference to a regulation the graph does not know: the act's
    label where the reference is part of it ("SFS 2031:999" for "2031:999"), and the
    label beside the reference where they differ."""
    text, label = fold_label(ref.text), fold_label(ref.act_label)
    shown = ref.act_label if text in label else normalize_space(ref.text)
    if text in label or label in text:
        return {"key": "unknown_regulation", "reference": shown}
    return {"key": "unknown_named_regulation", "reference": shown, "label": ref.act_label}


def _distance(ref: LegalRef, position: int) -> int:
    if position < ref.start:
        return ref.start - position
    return max(0, position - ref.end)


def _spaced(number: str | None) -> str:
    """ "11a" → "11 a", as sections are written."""
    return re.sub(r"(\d)([a-z])$", r"\1 \2", number or "")


def check_text(text: str, kg_graph: Graph, base: str | None = None) -> list[dict[str, Any]]:
    """Read the legal references of a text and check each against the knowledge graph.

    Args:
        text: any Swedish text (a memo, a draft, a statute).
        kg_graph: the built graph (with the extractor's ``vgv:cites`` for ``cited_in``).
        base: the statute relative references belong to, e.g. "2001:453".

    Returns:
        One dict per reference, in order of appearance: ``text``, ``start``, ``end``,
        ``kind`` and ``target`` (as the parser reads it), ``act`` (the act's IRI),
        ``resolved`` (``{"id", "label", "kind", "citation"}`` of the graph node, or None),
        ``in_force`` (date), ``status`` ("in force" | "replaced by …" | "unknown"),
        ``section_exists`` (True/False, None when we hold no text of the act or no
        section is named), ``cited_in`` (up to :data:`MAX_CITED_IN` passage ids citing the
        same act or provision), ``cited_in_count`` and ``warnings``: one message per
        problem, empty when all is well (see :data:`MESSAGES`; the faces word them from
        their locale files).
    """
    return ReferenceChecker(kg_graph).check(text, base)
