"""Linking every passage to the actors it names and the regulations it cites.

Documents added to ``corpus/`` later (more memos, more statutes) enter the graph without
hand work: :func:`link_mentions` reads each passage and adds

* ``<passage> vgv:mentions <actor>`` for every actor it names: by a curated label or
  alias of the graph (case folded, Swedish genitive stripped: "Socialstyrelsens",
  "Jämställdhetsmyndighetens", "FN:s"), by an acronym (case kept: "NMT", "JämY"), by
  "myndigheten" in an agency's own instruction ("Förordning … med instruktion för
  Jämställdhetsmyndigheten"), or by the shape of an organisation's name
  ("Brottsoffermyndigheten", "Inspektionen för vård och omsorg", "Länsstyrelsen i
  Uppsala län", "Statens institutionsstyrelse");
* ``<passage> vgv:cites <regulation>`` for every legal reference
  (:mod:`vemgorvad.legal`, a statute's own SFS number as base): the provision
  when the text names chapter and section and the graph has that provision, else the act;

each with a qualified ``vgv:Mention`` node (``vgv:passage``, ``vgv:entity``,
``vgv:matchedText``, ``vgv:confidence``, ``prov:wasGeneratedBy vgv:extractor``; a
citation is also a ``vgv:LegalReference``).

Precision before recall. Common nouns that the curated data uses as aliases inside the
memo ("nämnden", "förvaltningen", "kommunen") are linked only in the documents the
curated facts about that actor come from; "myndigheten" alone never, except in an
agency's own instruction. Unknown organisations and acts become new nodes marked
``prov:wasGeneratedBy vgv:extractor`` with a ``vgv:confidence``; a name that folds to a
label the graph already has is that node, and nothing is ever added to a node that was
in the graph before (no label, no type).

>>> from vemgorvad.corpus.load import load_corpus  # doctest: +SKIP
>>> documents = load_corpus(settings.corpus_dir()).documents  # doctest: +SKIP
>>> graph = build_graph(documents)  # doctest: +SKIP
>>> report = link_mentions(graph, documents)  # doctest: +SKIP
>>> report.summary()  # doctest: +SKIP
'522 passages: 542 actor mentions, 438 citations, 13 new actors, 99 new regulations in 1.03 s'
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS
from rdflib.term import Node

from vemgorvad.corpus.model import Document, Passage
from vemgorvad.graph.actor_names import (
    CONFIDENCE,
    DOCUMENT_SUBJECTS,
    ORGANISATION_PATTERNS,
    WORDS,
    ActorMatcher,
    NewActor,
    add_extracted_actor,
)
from vemgorvad.graph.build import add_english_names
from vemgorvad.graph.resolve import ReferenceResolver
from vemgorvad.legal import LegalRef, LegalRefParser
from vemgorvad.vocab import ACTOR, ID, VGV, document_iri, passage_iri, slug

logger = logging.getLogger(__name__)

__all__ = ["ExtractionReport", "link_mentions"]

MENTION = Namespace(ID + "mention/")
"""Qualified mention nodes: ``mention/<hash of passage id and entity>``."""

NEW_REGULATION_KINDS: dict[str, URIRef] = {
    kind: VGV[concept] for kind, concept in WORDS["new_regulation_kinds"].items()
}
"""The regulation kind of a new act, from the parser's kind (EU acts: by the CELEX type
letter, L a directive; other EU acts count as regulations, the closest kind there is)."""

TITLE_ENDS = frozenset(WORDS["title_ends"])
"""Words that end a statute's title where the text goes on ("lagen (2003:1210) om
finansiell samordning av rehabiliteringsinsatser får kommunen …")."""

_EU_NAME = re.compile(
    r"(?P<kind>direktiv|förordning|rambeslut|beslut)\s+(?P<series>\((?:EU|EG|EEG|Euratom)\)\s+)?"
    r"(?P<nr>nr\s+)?(?P<number>\d+/\d+(?:/[A-ZÖ]+)?)",
    re.IGNORECASE,
)
_SFS_NAME = re.compile(
    r"\b(?P<noun>lag|lagen|förordning|förordningen)\s+\((?P<sfs>\d{4}:\d+)\)"
    r"(?P<rest>\s+(?:om|med|angående)\s+[^.,;:()§]{3,120}?)"
    rf"(?=\s*(?:[.,;:()§]|\b(?:{'|'.join(sorted(TITLE_ENDS))})\b|$))",
    re.IGNORECASE,
)


# --- the report ----------------------------------------------------------------------


@dataclass
class ExtractionReport:
    """What :func:`link_mentions` added to the graph.

    Attributes:
        passages: passages read.
        mentions: ``vgv:mentions`` links (distinct passage–actor pairs; a second run on
            the same graph finds them again but adds no triple).
        citations: ``vgv:cites`` links (distinct passage–regulation pairs).
        new_actors: IRIs of organisations the graph did not know.
        new_regulations: IRIs of acts (and preparatory works) the graph did not know.
        seconds: time taken.
    """

    passages: int = 0
    mentions: int = 0
    citations: int = 0
    new_actors: list[str] = field(default_factory=list)
    new_regulations: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for a log."""
        return (
            f"{self.passages} passages: {self.mentions} actor mentions, {self.citations} "
            f"citations, {len(self.new_actors)} new actors, {len(self.new_regulations)} new "
            f"regulations in {self.seconds:.2f} s"
        )


# --- actors --------------------------------------------------------------------------

# --- regulations -----------------------------------------------------------------------


def _new_regulation(ref: LegalRef, text: str) -> tuple[str, URIRef | None, str, URIRef]:
    """Label, kind, citation and class of an act the graph does not know.

    The kind is None for what is no regulation (a bill, an SOU): its class is
    vgv:PreparatoryWork.
    """
    act_kind = ref.kind.removesuffix("_provision")
    generic = ref.act_label.startswith(("SFS ", "CELEX "))
    if act_kind == "sfs":
        label = ref.act_label
        sfs = ref.sfs or ""
        if generic:
            window = text[max(0, ref.start - 40) : ref.end + 160]
            match = next((m for m in _SFS_NAME.finditer(window) if m["sfs"] == sfs), None)
            if match is not None:
                noun = match["noun"].lower().removesuffix("en")
                label = f"{noun.capitalize()} ({sfs}){match['rest'].rstrip()}"
        else:
            for definite, base in (("Lagen ", "Lag"), ("Förordningen ", "Förordning")):
                if label.startswith(definite):
                    label = f"{base} ({sfs}) {label.removeprefix(definite)}"
        ordinance = re.search(r"förordning|kungörelse", label, re.IGNORECASE)
        kind = NEW_REGULATION_KINDS["sfs_ordinance" if ordinance else "sfs"]
        return label, kind, f"SFS {sfs}", VGV.Regulation
    if act_kind == "eu":
        celex = ref.act.rsplit("/", 1)[-1].split("#")[0]
        match = _EU_NAME.search(ref.text)
        label = ref.act_label
        if match is not None and generic:
            series = match["series"] or ""
            label = f"{match['kind'].capitalize()} {series}{match['nr'] or ''}{match['number']}"
        directive = len(celex) > 5 and celex[5] == "L"
        kind = NEW_REGULATION_KINDS["eu_directive" if directive else "eu"]
        return label, kind, f"CELEX {celex}", VGV.Regulation
    label = _strip_parenthesis(ref.act_label)
    if act_kind == "preparatory_work":
        if label.lower().startswith("skr"):
            return label, NEW_REGULATION_KINDS["skr"], label, VGV.Regulation
        return label, None, label, VGV.PreparatoryWork
    return label, NEW_REGULATION_KINDS.get(act_kind, VGV.Lag), label, VGV.Regulation


def _strip_parenthesis(label: str) -> str:
    stripped = re.sub(r"\s*\(.*\)\s*$", "", label).strip()
    return stripped or label


# --- linking ---------------------------------------------------------------------------


def _decimal(value: float) -> Literal:
    return Literal(Decimal(str(round(value, 2))), datatype=XSD.decimal)


class _Linker:
    """Adds mentions, citations and new nodes to one graph."""

    def __init__(self, graph: Graph, documents: Sequence[Document]) -> None:
        self.graph = graph
        lowercase = frozenset(
            word
            for document in documents
            for passage in document.passages
            for word in re.findall(r"\b[a-zåäö][\w-]*", passage.text)
        )
        self.actors = ActorMatcher(graph, lowercase)
        self.resolver = ReferenceResolver(graph)
        self.passage_of: dict[Node, set[Node]] = defaultdict(set)
        for provision, passage in graph.subject_objects(VGV.passage):
            self.passage_of[provision].add(passage)
        self.new_actors: dict[str, NewActor] = {}
        self.new_regulations: dict[URIRef, float] = {}
        self.mentions: dict[tuple[URIRef, URIRef], tuple[str, float, bool]] = {}

    # -- reading ----------------------------------------------------------------------------

    def read(self, document: Document) -> None:
        document_node = document_iri(document.id)
        subject = self._subject(document)
        for name in (document.issuer or "").split(","):  # "Västerås stad, Socialförvaltningen"
            actor = self.actors.actor_for_name(name.strip())
            if actor is not None and (scoped := self.actors.elsewhere(actor, document_node)):
                self._adopt(self.actors.scoped(actor, scoped)[1], document)
        parser = LegalRefParser(document.sfs)
        for passage in document.passages:
            node = passage_iri(passage.id)
            text = passage.text
            refs = parser.parse(text)
            designators = [(r.start, r.end) for r in refs]
            for found in self.actors.find(text, document_node, subject):
                if text[found.start - 1 : found.start] == "(" and any(
                    start <= found.start < end for start, end in designators
                ):
                    continue  # the "(EU)" of "förordning (EU) 2016/794" names no actor
                entity = found.entity or self._adopt(found.new, document)
                if entity is not None:
                    matched = text[found.start : found.end]
                    self._mention(node, entity, matched, found.confidence, citation=False)
            for ref in refs:
                self._cite(node, passage, ref)

    def _subject(self, document: Document) -> tuple[URIRef | NewActor, re.Pattern[str]] | None:
        for title_pattern, words in DOCUMENT_SUBJECTS:
            match = title_pattern.search(document.title)
            if match is None:
                continue
            name = match["name"]
            actor = self.actors.actor_for_name(name)
            if actor is not None:
                return actor, words
            for pattern_name, pattern, kind in ORGANISATION_PATTERNS:
                found = pattern.fullmatch(name)
                if found is None:
                    continue
                candidate = self.actors.candidate(found, kind, name, pattern_name)
                if candidate is not None and candidate[1] is not None:
                    candidate[1].confidence = max(candidate[1].confidence, CONFIDENCE["anaphor"])
                    return candidate[1], words
        return None

    def _adopt(self, new: NewActor | None, document: Document) -> URIRef | None:
        """The node of a new organisation, one per folded name across the corpus."""
        if new is None:
            return None
        known = self.new_actors.get(new.key)
        if known is None:
            known = self.new_actors[new.key] = new
            known.first_document = document.title
            known.iri = self._free_iri(ACTOR[slug(new.key)])
        elif len(new.label) < len(known.label):
            known.label = new.label  # "… och omsorg" rather than the genitive "… och omsorgs"
        known.confidence = max(known.confidence, new.confidence)
        return known.iri

    def _free_iri(self, iri: URIRef) -> URIRef:
        taken = {a.iri for a in self.new_actors.values() if a.iri is not None}
        candidate, number = iri, 1
        while (candidate, None, None) in self.graph or candidate in taken:
            number += 1
            candidate = URIRef(f"{iri}-{number}")
        return candidate

    def _cite(self, passage_node: URIRef, passage: Passage, ref: LegalRef) -> None:
        if ref.kind == "sfs_amendment":
            return  # "Lag (2013:421)." notes an amendment of the statute itself
        if ref.kind.endswith("_provision") and not (ref.chapter or ref.section):
            return  # "första stycket": a part of the same section
        resolution = self.resolver.resolve(ref, passage.text)
        target = resolution.node
        confidence = CONFIDENCE.get(ref.resolved_by, CONFIDENCE["context"])
        if target is None:
            target = resolution.act
            self._add_regulation(ref, passage.text, target, confidence)
        if passage_node in self.passage_of.get(target, ()):
            return  # a section that names itself
        self._mention(passage_node, target, ref.text, confidence, citation=True)

    def _add_regulation(self, ref: LegalRef, text: str, act: URIRef, confidence: float) -> None:
        if act in self.new_regulations:
            self.new_regulations[act] = max(self.new_regulations[act], confidence)
            return
        label, kind, citation, cls = _new_regulation(ref, text)
        graph = self.graph
        graph.add((act, RDF.type, cls))
        graph.add((act, SKOS.prefLabel, Literal(label, lang="sv")))
        if ref.sfs and ref.kind.removesuffix("_provision") == "sfs":
            add_english_names(graph, act, ref.sfs)
        if kind is not None:
            graph.add((act, VGV.regulationKind, kind))
            graph.add((act, VGV.citation, Literal(citation)))
        else:
            graph.add((act, DCTERMS.identifier, Literal(citation)))
        graph.add((act, PROV.wasGeneratedBy, VGV.extractor))
        self.new_regulations[act] = confidence
        self.resolver.regulations.add(act)
        self.resolver.extracted.add(act)

    def _mention(
        self, passage: URIRef, entity: URIRef, matched: str, confidence: float, citation: bool
    ) -> None:
        key = (passage, entity)
        previous = self.mentions.get(key)
        if previous is None:
            self.mentions[key] = (matched, confidence, citation)
        elif confidence > previous[1]:
            self.mentions[key] = (previous[0], confidence, previous[2] or citation)

    # -- writing ----------------------------------------------------------------------------

    def write(self, report: ExtractionReport) -> None:
        graph = self.graph
        for new in self.new_actors.values():
            assert new.iri is not None
            definition = (
                f"Organisation som nämns i «{new.first_document}»; funnen av den automatiska "
                "extraktionen och inte granskad."
            )
            add_extracted_actor(
                graph, new.iri, new.label, new.kind, definition, new.english, new.alt_labels
            )
            report.new_actors.append(str(new.iri))
        confidences: dict[URIRef, float] = dict(self.new_regulations)
        for (passage, entity), (matched, confidence, citation) in self.mentions.items():
            name = hashlib.sha1(f"{passage}\n{entity}".encode()).hexdigest()[:16]
            mention = MENTION[name]
            graph.add((passage, VGV.cites if citation else VGV.mentions, entity))
            if citation:
                report.citations += 1
            else:
                report.mentions += 1
            confidences[entity] = max(confidences.get(entity, 0.0), confidence)
            if (mention, RDF.type, VGV.Mention) in graph:
                continue  # linked by an earlier run: its qualified node stays as it was
            graph.add((mention, RDF.type, VGV.Mention))
            if citation:
                graph.add((mention, RDF.type, VGV.LegalReference))
            graph.add((mention, VGV.passage, passage))
            graph.add((mention, VGV.entity, entity))
            graph.add((mention, VGV.matchedText, Literal(matched)))
            graph.add((mention, VGV.confidence, _decimal(confidence)))
            graph.add((mention, PROV.wasGeneratedBy, VGV.extractor))
        for new in self.new_actors.values():
            assert new.iri is not None
            value = max(new.confidence, confidences.get(new.iri, 0.0))
            graph.add((new.iri, VGV.confidence, _decimal(value)))
        for act in self.new_regulations:
            graph.add((act, VGV.confidence, _decimal(confidences[act])))
            report.new_regulations.append(str(act))


def link_mentions(graph: Graph, documents: Sequence[Document]) -> ExtractionReport:
    """Link every passage to the actors it mentions and the regulations it cites.

    Args:
        graph: a graph built by :func:`vemgorvad.graph.build.build_graph` from
            ``documents`` (its passages, actors and regulations); changed in place.
        documents: the loaded corpus.

    Returns:
        What was added. Running it again on the same graph adds nothing new.
    """
    started = time.perf_counter()
    linker = _Linker(graph, documents)
    report = ExtractionReport()
    for document in documents:
        linker.read(document)
        report.passages += len(document.passages)
    linker.write(report)
    report.seconds = time.perf_counter() - started
    logger.info("extract: %s", report.summary())
    return report
