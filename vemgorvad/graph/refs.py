"""The reference checker: what the legal references of a text point to, and what has aged.

A policy writer pastes a text (or gives a file); every legal reference in it is read with
:mod:`vemgorvad.legal`, resolved against the knowledge graph and checked:

* is the act known (a curated node, or a statute whose text the corpus holds)? A
  reference to an act the graph does not know, or knows only from automatic
  extraction, is flagged;
* does the cited chapter or section exist in the statute text we hold
  ("5 kap. 99 § socialtjänstlagen" does not);
* does a year next to "infördes", "trädde i kraft", "gäller sedan", "från och med",
  "blev lag" … in the same sentence match a date the graph knows for that regulation
  (its ``vgv:inForce``, its ``vgv:RegulationEvent`` dates, and those of its provisions)?
* has the act been replaced (``dcterms:isReplacedBy``, or another act
  ``dcterms:replaces`` it), as socialtjänstlagen (2001:453) was on 1 July 2025?

Each reference also says which corpus passages cite the same act or provision
(``vgv:cites``, added by :func:`vemgorvad.graph.extract.link_mentions`).

The :class:`ReferenceResolver` that maps a parsed reference to its graph node is shared
with the extractor, so the checker and the build agree on what a reference means.

>>> from vemgorvad.corpus.load import load_corpus  # doctest: +SKIP
>>> graph = build_graph(load_corpus(settings.corpus_dir()).documents)  # doctest: +SKIP
>>> [r["status"] for r in check_text("enligt 5 kap. 11 § socialtjänstlagen", graph)]  # doctest: +SKIP
['replaced by Socialtjänstlag (2025:400)']
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from vemgorvad.legal import LegalRef, LegalRefParser, provision_fragment
from vemgorvad.text import fold_label, normalize_space
from vemgorvad.vocab import LAGEN, VGV

logger = logging.getLogger(__name__)

__all__ = [
    "MAX_CITED_IN",
    "ReferenceChecker",
    "ReferenceResolver",
    "Resolution",
    "check_file",
    "check_text",
    "fold_label",
    "format_table",
]

MAX_CITED_IN = 10
"""How many citing passages a reference lists (``cited_in``)."""

REGULATION_CLASSES = (VGV.Regulation, VGV.Provision, VGV.PreparatoryWork)
"""The node types a legal reference can resolve to."""

DATE_CUES = re.compile(
    r"\b(?:infördes|införts|infört|införd|trädde\s+i\s+kraft|träder\s+i\s+kraft|"
    r"trätt\s+i\s+kraft|i\s+kraft|gäller\s+sedan|gällt\s+sedan|gäller\s+från|"
    r"gäller\s+som\s+lag|från\s+och\s+med|blev\s+lag|började\s+gälla|antogs|beslutades)\b",
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

_STATUTE_HEADER = re.compile(r"^SFS-nummer:.*?(?:\n[ \t]*\n|\Z)", re.MULTILINE | re.DOTALL)
_SECTION_LABEL = re.compile(r"\d+(?: \w)? (?:kap\. \d+(?: \w)? )?§")
_LAW_NOUN = re.compile(
    r"\w*(?:lag|lagen|balk|balken|förordning|förordningen|konvention|konventionen|kungörelse)\b",
    re.IGNORECASE,
)
_PARENTHESIS = re.compile(r"\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*")


# --- labels ----------------------------------------------------------------------------


def strip_genitive(key: str) -> str:
    """The folded key without a closing genitive s ("jämställdhetsmyndighetens" → "…ten").

    >>> strip_genitive("fn:s"), strip_genitive("socialstyrelsens"), strip_genitive("sol")
    ('fn', 'socialstyrelsen', 'sol')
    """
    if key.endswith(":s"):
        return key[:-2]
    if len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


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


# --- resolving a reference to a graph node -----------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """What a legal reference names in the graph.

    Attributes:
        act: the act (the graph's node when known, else the parser's IRI).
        provision: the section (§) the reference names, when it names one (may be absent
            from the graph).
        node: the graph node to link: the provision when the graph has it, else the act
            when the graph has it, else None.
        extracted: the node is known only from automatic extraction, not curated.
    """

    act: URIRef
    provision: URIRef | None
    node: URIRef | None
    extracted: bool

    @property
    def known(self) -> bool:
        """Whether the graph holds the reference's act (or provision) at all."""
        return self.node is not None


class ReferenceResolver:
    """Maps parsed legal references to the regulation nodes of a graph.

    The parser's IRI is used when the graph holds it. Where the parser found the act by
    a name, or its IRI is not in the graph, the graph's own labels and citations decide
    ("Bryssel II-förordningen" is the curated node of that label; "den nya
    socialtjänstlagen" is socialtjänstlag (2025:400); "1996 års Haagkonvention" is the
    curated node, whatever slug the parser gives it).

    Args:
        graph: a graph built by :func:`vemgorvad.graph.build.build_graph`.
    """

    LOOKBACK_WORDS = 3
    """How many words before a law name may belong to a longer curated label."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.regulations: set[URIRef] = {
            node
            for cls in REGULATION_CLASSES
            for node in graph.subjects(RDF.type, cls)
            if isinstance(node, URIRef)
        }
        self.extracted: set[URIRef] = {
            node
            for node in graph.subjects(PROV.wasGeneratedBy, VGV.extractor)
            if isinstance(node, URIRef)
        }
        by_label: dict[str, set[URIRef]] = defaultdict(set)
        for node in self.regulations:
            for predicate in (SKOS.prefLabel, SKOS.altLabel, VGV.citation, DCTERMS.identifier):
                for value in graph.objects(node, predicate):
                    if isinstance(value, Literal) and value.language in (None, "sv"):
                        by_label[fold_label(str(value))].add(node)
        # an extracted node never shadows a curated one of the same label
        self.by_label: dict[str, URIRef] = {}
        for key, nodes in by_label.items():
            curated = nodes - self.extracted or nodes
            if len(curated) == 1:
                self.by_label[key] = next(iter(curated))

    def lookup(self, name: str) -> URIRef | None:
        """The regulation a name, alias or citation denotes, or None (unknown or ambiguous)."""
        key = fold_label(name)
        return self.by_label.get(key) or self.by_label.get(strip_genitive(key))

    def _lookup_named(self, ref: LegalRef, text: str | None) -> URIRef | None:
        """The curated node a law name denotes, trying longer labels that end with it."""
        if text is not None:
            before = text[max(0, ref.start - 80) : ref.start].split()
            for words in range(min(self.LOOKBACK_WORDS, len(before)), 0, -1):
                found = self.lookup(" ".join([*before[-words:], ref.text]))
                if found is not None:
                    return found
        return self.lookup(ref.text)

    def resolve(self, ref: LegalRef, text: str | None = None) -> Resolution:
        """The graph node a reference names.

        Args:
            ref: a reference from :mod:`vemgorvad.legal`.
            text: the text it was read from, to try longer names ("den nya …").
        """
        act = URIRef(ref.act.split("#", 1)[0])
        whole_act = ref.chapter is None and ref.section is None
        named: URIRef | None = None
        if ref.resolved_by == "name_lookup" and whole_act:
            named = self._lookup_named(ref, text)
        if named is None and act not in self.regulations:
            candidates = [ref.act_label, _PARENTHESIS.sub(" ", ref.act_label)]
            if ref.sfs:
                candidates.append(f"SFS {ref.sfs}")
            if whole_act:
                candidates.insert(0, ref.text)
            named = next(filter(None, map(self.lookup, candidates)), None)
        if named is not None:
            act = named
        provision = None
        if ref.section and str(act).startswith(str(LAGEN)) and "#" not in str(act):
            fragment = provision_fragment({"chapter": ref.chapter or None, "section": ref.section})
            provision = URIRef(f"{act}#{fragment}")
        node = None
        if provision is not None and provision in self.regulations:
            node = provision
        elif act in self.regulations:
            node = act
        return Resolution(act, provision, node, node is not None and node in self.extracted)


# --- the checker ---------------------------------------------------------------------------


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
        values = sorted(str(v) for v in self.graph.objects(node, VGV.citation))
        values.sort(key=lambda value: value.startswith("CELEX"))  # the readable one first
        return values[0] if values else None

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

    def _replacements(self, node: Node) -> list[Node]:
        newer = set(self.graph.objects(node, DCTERMS.isReplacedBy))
        newer |= set(self.graph.subjects(DCTERMS.replaces, node))
        return sorted(newer, key=str)

    def known_dates(self, node: Node, lang: str = "sv") -> list[tuple[str, str]]:
        """``(date, what happened)`` the graph knows of a regulation and of its provisions,
        what happened said in ``lang`` (``sv`` or ``en``).

        A provision without dates of its own takes its act's.
        """
        in_force_words, event_word = (
            ("entered into force", "event") if lang == "en" else ("trädde i kraft", "händelse")
        )

        def own(regulation: Node) -> list[tuple[str, str]]:
            dates = []
            in_force = self.graph.value(regulation, VGV.inForce)
            if in_force is not None:
                dates.append((str(in_force), in_force_words))
            for event in self.graph.subjects(VGV.regulation, regulation):
                date = self.graph.value(event, VGV.date)
                if date is None:
                    continue
                kind = self.graph.value(event, VGV.eventKind)
                what = _literal_in(self.graph, kind, lang=lang) if kind is not None else None
                dates.append((str(date), what or event_word))
            return dates

        dates = own(node)
        for part in self.parts.get(node, ()):
            dates += own(part)
        if not dates and self._act_of(node) != node:
            return self.known_dates(self._act_of(node), lang)
        return sorted(set(dates))

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
        warnings: list[str] = []
        warnings_en: list[str] = []

        def warn(swedish: str, english: str) -> None:
            warnings.append(swedish)
            warnings_en.append(english)

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
            "warnings": warnings,
            "warnings_en": warnings_en,
        }
        if node is None:
            text, label = fold_label(ref.text), fold_label(ref.act_label)
            shown = ref.act_label if text in label else normalize_space(ref.text)
            also = "" if text in label or label in text else f" ({ref.act_label})"
            warn(
                f"Okänd författning: «{shown}»{also} finns inte i kunskapsgrafen; "
                "kontrollera namn och nummer.",
                f"Unknown regulation: «{shown}»{also} is not in the knowledge graph; "
                "check its name and number.",
            )
            return result
        act = self._act_of(node) if node != resolution.act else resolution.act
        result["resolved"] = {
            "id": str(node),
            "label": self.label(node),
            "kind": self._kind(node),
            "citation": self._citation(node) or self._citation(act),
        }
        if resolution.extracted:
            warn(
                f"«{normalize_space(ref.text)}» är bara känd genom automatisk extraktion "
                f"({self.label(node)}), inte granskad; kontrollera hänvisningen.",
                f"«{normalize_space(ref.text)}» is only known from automatic extraction "
                f"({self.label(node)}), not reviewed; check the reference.",
            )
            cited = self._cited_in(node, act)
            result.update(cited_in=cited[:MAX_CITED_IN], cited_in_count=len(cited))
            return result
        in_force = self._in_force(node)  # a provision's own date; its act's may not be its
        result["in_force"] = in_force
        result["status"] = "in force"
        replaced = node if self._replacements(node) else act
        replacements = self._replacements(replaced)
        if replacements:
            newer = replacements[0]
            since = self._in_force(newer)
            result["status"] = f"replaced by {self.name(newer)}" + (
                f" from {since}" if since else ""
            )
            past = since is None or since <= self.today.isoformat()
            warn(
                f"{self.name(replaced)} {'har ersatts' if past else 'ersätts'} av "
                f"{self.name(newer, sentence_start=False)}"
                + (f" från {since}" if since else "")
                + "; kontrollera att hänvisningen fortfarande gäller.",
                f"{self.name(replaced)} {'has been' if past else 'will be'} replaced by "
                f"{self.name(newer, sentence_start=False)}"
                + (f" from {since}" if since else "")
                + "; check that the reference still holds.",
            )
        elif in_force and len(in_force) == 10 and in_force > self.today.isoformat():
            warn(
                f"{self.label(node)} träder i kraft först {in_force}.",
                f"{self.label(node)} comes into force only on {in_force}.",
            )
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
            warn(
                f"{where} finns inte i {self.name(act, sentence_start=False)} "
                "enligt lagtexten i korpusen.",
                f"{where} does not exist in {self.name(act, sentence_start=False)} "
                "according to the statute text in the corpus.",
            )
        dates = self.known_dates(node)
        known_years = {_year(date) for date, _ in dates}
        for year in years:
            if known_years and year not in known_years:
                facts = ", ".join(f"{what} {date}" for date, what in dates)
                facts_en = ", ".join(
                    f"{what} {date}" for date, what in self.known_dates(node, "en")
                )
                warn(
                    f"Årtalet {year} stämmer inte med grafen: {self.name(node)} {facts}.",
                    f"The year {year} does not agree with the graph: {self.name(node)} {facts_en}.",
                )
        cited = self._cited_in(node, act)
        result.update(cited_in=cited[:MAX_CITED_IN], cited_in_count=len(cited))
        return result

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
        same act or provision), ``cited_in_count``, ``warnings`` (Swedish sentences;
        empty when all is well) and ``warnings_en`` (the same in English).
    """
    return ReferenceChecker(kg_graph).check(text, base)


# --- files and tables ------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, str | None]:
    """The text of a txt, md, docx or pdf file, and the SFS number when it is a statute.

    Raises:
        DocumentError: the file is missing, unreadable or of another type.
    """
    from vemgorvad.corpus.load import DocumentError, decode_text, load_document
    from vemgorvad.corpus.passages import read_statute_header

    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(path, f"cannot be read ({error.strerror})") from error
        text = decode_text(data, path)
        header = read_statute_header(text) if suffix == ".txt" else None
        if header is None:
            return text, None
        # the SFST header is no prose: blank it out, keeping every offset of the body
        head = _STATUTE_HEADER.search(text)
        if head is not None:
            text = re.sub(r"[^\n]", " ", text[: head.end()]) + text[head.end() :]
        return text, header.sfs
    if suffix in (".docx", ".pdf"):
        document = load_document(path)
        return "\n\n".join(passage.text for passage in document.passages), document.sfs
    raise DocumentError(path, "not a text file: give a .txt, .md, .docx or .pdf file")


def check_file(path: Path, kg_graph: Graph, base: str | None = None) -> list[dict[str, Any]]:
    """:func:`check_text` of a file; a statute's own SFS number is the default base."""
    text, sfs = read_text(path)
    return check_text(text, kg_graph, base or sfs)


def _cell(value: object, width: int) -> str:
    text = "–" if value in (None, "") else normalize_space(str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(results: Iterable[dict[str, Any]]) -> str:
    """A plain-text table of checked references, warnings on indented lines below each."""
    columns = (
        ("REFERENCE", 34),
        ("RESOLVED", 34),
        ("IN FORCE", 10),
        ("STATUS", 38),
        ("CITED IN", 8),
    )
    lines = ["  ".join(name.ljust(width) for name, width in columns).rstrip()]
    total = warned = 0
    for result in results:
        total += 1
        resolved = result["resolved"] or {}
        cells = (
            result["text"],
            resolved.get("label"),
            result["in_force"],
            result["status"],
            f"{result.get('cited_in_count', len(result['cited_in']))}",
        )
        lines.append(
            "  ".join(
                _cell(value, width).ljust(width)
                for value, (_, width) in zip(cells, columns, strict=True)
            ).rstrip()
        )
        warned += bool(result["warnings"])
        lines.extend(f"    ! {warning}" for warning in result["warnings"])
    lines.append(f"{total} references, {warned} with warnings")
    return "\n".join(lines) + "\n"
