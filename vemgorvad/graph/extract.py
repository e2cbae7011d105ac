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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS
from rdflib.term import Node

from vemgorvad.corpus.model import Document, Passage
from vemgorvad.graph.resolve import ReferenceResolver, strip_genitive
from vemgorvad.legal import LegalRef, LegalRefParser
from vemgorvad.text import fold_label
from vemgorvad.vocab import ACTOR, ID, VGV, document_iri, passage_iri, slug

logger = logging.getLogger(__name__)

__all__ = ["CONFIDENCE", "ActorMatcher", "ExtractionReport", "link_mentions"]

MENTION = Namespace(ID + "mention/")
"""Qualified mention nodes: ``mention/<hash of passage id and entity>``."""

CONFIDENCE: dict[str, float] = {
    "label": 0.9,  # a curated label or alias, as written
    "inflected": 0.85,  # a curated label with a genitive s ("Socialstyrelsens")
    "local": 0.8,  # a common-noun alias in the document the curated facts come from
    "anaphor": 0.8,  # "myndigheten" in the agency's own instruction
    "pattern": 0.7,  # an organisation name by its shape, mid-sentence
    "pattern_initial": 0.6,  # the same at the start of a sentence, where any noun is capitalised
    "explicit": 0.95,  # a legal reference with its number ("SFS 2001:453", "(2017:937)")
    "name_lookup": 0.9,  # a law by its name or abbreviation ("socialtjänstlagen", "SoL")
    "base": 0.9,  # a section of the statute the passage belongs to ("11 §")
    "context": 0.8,  # a law named earlier ("samma lag")
}
"""How sure each way of finding a mention is (``vgv:confidence``)."""


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


AMBIGUOUS_WORDS = _word_set(
    """
    myndighet myndigheten myndighetens myndigheter myndigheterna nämnd nämnden nämndens
    förvaltning förvaltningen förvaltningens kommun kommunen kommunens förening föreningen
    föreningens mottagning mottagningen mottagningens nätverk nätverket nätverkets enhet
    enheten enhetens avdelning avdelningen styrelse styrelsen verket rådet stat staten
    statens vård vården härbärge härbärget dagverksamheten hemland hemlandet ursprungsland
    kvinnojour kvinnojouren ungdomsjour ungdomsjouren uppsökare uppsökande verksamhet
    samverkansnätverk socialen soc strategiskt stöd den de det i och för
    """
)
"""Words that name some organisation but not which: an alias made only of them is linked
only in the documents the curated facts about its actor come from (in the memo
"nämnden" is Uppsala's socialnämnd; in a text no curated fact comes from, it could be
any)."""

ORGANISATION_SUFFIXES: dict[str, tuple[str, URIRef]] = {
    "myndigheten": ("myndighet", VGV.StateActor),
    "verket": ("verk", VGV.StateActor),
    "inspektionen": ("inspektion", VGV.StateActor),
    "ombudsmannen": ("ombudsman", VGV.StateActor),
    "polisen": ("polis", VGV.StateActor),
    "rådet": ("råd", VGV.StateActor),
    "styrelsen": ("styrelse", VGV.StateActor),
    "delegationen": ("delegation", VGV.StateActor),
    "nämnden": ("nämnd", VGV.MunicipalActor),
    "förvaltningen": ("förvaltning", VGV.MunicipalActor),
    "enheten": ("enhet", VGV.MunicipalActor),
}
"""The definite endings of Swedish organisation names, with their indefinite form and the
kind of actor a new one most likely is ("Brottsoffermyndigheten", "Utrikesnämnden")."""

NOT_ORGANISATIONS = _word_set(
    """
    nätverket regelverket ramverket hantverket kraftverket konstverket mästerverket
    byggnadsverket kärnkraftverket vattenverket området förrådet underrådet
    """
)
"""Words with an organisation's ending that are not organisations."""

_NAME_FOR_HEADS = "Myndigheten|Inspektionen|Nämnden|Rådet|Styrelsen|Delegationen|Kommissionen"
_NOT_NAME_WORDS = "en|ett|de|den|det|dem|denna|detta|sin|sitt|sina|in|ut|fram|bort|talan|över|att"

ORGANISATION_PATTERNS: tuple[tuple[str, re.Pattern[str], URIRef | None], ...] = (
    (
        "compound",
        re.compile(
            r"\b(?P<name>[A-ZÅÄÖ][a-zåäöéü]{2,}(?:-[a-zåäöéü]+)?(?<!om)"
            rf"(?P<suffix>{'|'.join(ORGANISATION_SUFFIXES)}))(?P<genitive>s)?\b"
        ),
        None,
    ),
    (
        "named_for",
        re.compile(
            rf"\b(?P<name>(?:{_NAME_FOR_HEADS})\s+för\s+(?!(?:{_NOT_NAME_WORDS})\b)"
            r"[a-zåäö]+-?(?:(?:,\s+[a-zåäö]+-?)*\s+(?:och|samt)\s+[a-zåäö]+)?)\b"
        ),
        VGV.StateActor,
    ),
    (
        "county",
        re.compile(
            r"\b(?P<name>[Ll]änsstyrelsen\s+i\s+[A-ZÅÄÖ][a-zåäö]+(?:\s+län)?)(?P<genitive>s)?\b"
        ),
        VGV.RegionalActor,
    ),
    (
        "state",
        re.compile(
            r"\b(?P<name>Statens\s+[a-zåäö]*"
            r"(?:styrelse|verk|nämnd|myndighet|institut|råd|inspektion))(?P<genitive>s)?\b"
        ),
        VGV.StateActor,
    ),
)
"""The shapes of organisation names the graph does not know yet."""

DOCUMENT_SUBJECTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"\binstruktion\s+för\s+(?P<name>.+?)\s*$", re.IGNORECASE),
        re.compile(r"\b[Mm]yndighet(?:en|ens)\b"),
    ),
)
"""A document title that names whom the document is about, and the words that then mean
that actor: "myndigheten" in "Förordning … med instruktion för Jämställdhetsmyndigheten"."""

NEW_REGULATION_KINDS: dict[str, URIRef] = {
    "sfs": VGV.Lag,
    "sfs_ordinance": VGV.Forordning,
    "agency_regulation": VGV.Myndighetsforeskrift,
    "eu_directive": VGV.EUDirektiv,
    "eu": VGV.EUForordning,
    "international": VGV.Konvention,
    "skr": VGV.Skrivelse,
}
"""The regulation kind of a new act, from the parser's kind (EU acts: by the CELEX type
letter, L a directive; other EU acts count as regulations, the closest kind there is)."""

TITLE_ENDS = _word_set(
    """
    är var får ska skall finns fanns gäller kan har hade upphört upphör anges angivna framgår
    föreskrivs tillämpas regleras följer innehåller avses eller
    """
)
"""Words that end a statute's title where the text goes on ("lagen (2003:1210) om
finansiell samordning av rehabiliteringsinsatser får kommunen …")."""

_TOKEN = re.compile(r"\w+(?:[-:]\w+)*-?")
_GAP = re.compile(r"[\s()«»\"'’”–—-]*")
_ACRONYM = re.compile(r"^\w*[A-ZÅÄÖ]\w*[A-ZÅÄÖ]")
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
_SENTENCE_START = re.compile(r"(?:^|[.!?:;§•*#>]|\d[.)])\s*$")


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


@dataclass(frozen=True)
class _Entry:
    """One way a label names an actor."""

    entity: URIRef
    local: bool  # an ambiguous alias: only in the actor's home documents


@dataclass
class _NewActor:
    """An organisation found by the shape of its name, not yet in the graph."""

    key: str
    label: str
    kind: URIRef
    iri: URIRef | None = None
    confidence: float = 0.0
    first_document: str = ""


@dataclass(frozen=True)
class _Found:
    """One mention in one passage."""

    start: int
    end: int
    confidence: float
    priority: int  # on equal spans the lower wins: label, pattern, anaphor
    entity: URIRef | None = None
    new: _NewActor | None = None


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _key(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(token.casefold() for token in tokens)


def _swedish_or_plain(value: Node) -> bool:
    return isinstance(value, Literal) and value.language in (None, "sv")


def _at_sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 12) : start]))


class ActorMatcher:
    """Finds the actors of a graph, and new organisations, in passages.

    Built once from the graph's ``vgv:Actor`` nodes: their Swedish prefLabels and
    altLabels, split into words. A label made only of :data:`AMBIGUOUS_WORDS` is linked
    only in the documents of the curated facts about its actor; an acronym ("NMT") only
    in its own case. Two actors sharing a label makes the label name neither.

    Args:
        graph: the built graph.
        lowercase_words: every word that occurs in lower case in the corpus; a
            capitalised compound at the start of a sentence whose lower-case form occurs
            ("Tillsynsmyndigheten" / "tillsynsmyndigheten") is a common noun.
    """

    def __init__(self, graph: Graph, lowercase_words: frozenset[str] = frozenset()) -> None:
        self.graph = graph
        self.lowercase_words = lowercase_words
        self.home: dict[Node, set[Node]] = defaultdict(set)
        for fact, document in graph.subject_objects(VGV.inDocument):
            for _, value in graph.predicate_objects(fact):
                if isinstance(value, URIRef):
                    self.home[value].add(document)
        folded: dict[tuple[str, ...], dict[URIRef, bool]] = defaultdict(dict)
        exact: dict[tuple[str, ...], dict[URIRef, bool]] = defaultdict(dict)
        self.by_key: dict[str, URIRef] = {}
        clashes: set[str] = set()
        actors = sorted({a for a in graph.subjects(RDF.type, VGV.Actor) if isinstance(a, URIRef)})
        for actor in actors:
            for predicate in (SKOS.prefLabel, SKOS.altLabel):
                for label in filter(_swedish_or_plain, graph.objects(actor, predicate)):
                    self._add_label(actor, str(label), folded, exact)
                    for key in {fold_label(str(label)), strip_genitive(fold_label(str(label)))}:
                        if self.by_key.setdefault(key, actor) != actor:
                            clashes.add(key)
        for key in clashes:
            logger.debug("extract: label %r names several actors; not used for merging", key)
            del self.by_key[key]
        self.folded = self._unambiguous(folded)
        self.exact = self._unambiguous(exact)
        self.first_words = {key[0] for key in self.folded} | {key[0] for key in self.exact}
        self.longest = max((len(key) for key in (*self.folded, *self.exact)), default=1)

    @staticmethod
    def _add_label(
        actor: URIRef,
        label: str,
        folded: dict[tuple[str, ...], dict[URIRef, bool]],
        exact: dict[tuple[str, ...], dict[URIRef, bool]],
    ) -> None:
        words = [token for _, _, token in _tokens(label)]
        if not words or len("".join(words)) < 2:
            return
        key = _key(words)
        local = all(word in AMBIGUOUS_WORDS for word in key) or (
            len(words) == 1 and len(words[0]) <= 3 and words[0].islower()
        )
        if len(words) == 1 and _ACRONYM.match(words[0]):
            target, key = exact, (words[0],)
        else:
            target = folded
        # a form that is global anywhere stays global
        target[key][actor] = target[key].get(actor, True) and local

    @staticmethod
    def _unambiguous(
        index: dict[tuple[str, ...], dict[URIRef, bool]],
    ) -> dict[tuple[str, ...], _Entry]:
        out = {}
        for key, actors in index.items():
            if len(actors) == 1:
                ((actor, local),) = actors.items()
                out[key] = _Entry(actor, local)
            else:
                logger.debug("extract: %r names several actors; left unlinked", " ".join(key))
        return out

    def actor_for_name(self, name: str) -> URIRef | None:
        """The actor a name (or its genitive) is a label of, or None."""
        key = fold_label(name)
        return self.by_key.get(key) or self.by_key.get(strip_genitive(key))

    # -- finding --------------------------------------------------------------------------

    def find(
        self, text: str, document: Node, subject: tuple[URIRef | _NewActor, re.Pattern[str]] | None
    ) -> list[_Found]:
        """The actor mentions of one passage, non-overlapping, longest first.

        Args:
            text: the passage's text.
            document: the IRI of its document (for aliases used only there).
            subject: the actor the document is about and the words that mean it.
        """
        found = self._labels(text, document) + self._patterns(text)
        if subject is not None:
            actor, words = subject
            for match in words.finditer(text):
                entity = actor if isinstance(actor, URIRef) else None
                new = actor if isinstance(actor, _NewActor) else None
                found.append(
                    _Found(match.start(), match.end(), CONFIDENCE["anaphor"], 2, entity, new)
                )
        chosen: list[_Found] = []
        end = -1
        for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start), f.priority)):
            if item.start >= end:
                chosen.append(item)
                end = item.end
        return chosen

    def _labels(self, text: str, document: Node) -> list[_Found]:
        tokens = _tokens(text)
        words = [token for _, _, token in tokens]
        folded = [word.casefold() for word in words]
        first_words = self.first_words
        found: list[_Found] = []
        count = len(tokens)
        i = 0
        while i < count:
            word, fold = words[i], folded[i]
            if not (
                fold in first_words
                or word in first_words
                or (fold.endswith("s") and strip_genitive(fold) in first_words)
                or (word.endswith(":s") and word[:-2] in first_words)
            ):
                i += 1
                continue
            longest = 1
            while longest < self.longest and i + longest < count:
                gap = text[tokens[i + longest - 1][1] : tokens[i + longest][0]]
                if gap != " " and not _GAP.fullmatch(gap):
                    break
                longest += 1
            hit = None
            for length in range(longest, 0, -1):
                hit = self._lookup(words[i : i + length], folded[i : i + length], document)
                if hit is None:
                    continue
                entry, confidence = hit
                start, end = tokens[i][0], tokens[i + length - 1][1]
                if _ACRONYM.match(word) and "/" in (text[end : end + 1], text[start - 1 : start]):
                    hit = None  # "EU/EES-medborgare": part of an elliptic compound
                    continue
                matched = text[start:end]
                if matched.count("(") > matched.count(")") and text[end : end + 1] == ")":
                    end += 1  # "Nationella operativa avdelningen (NOA)"
                found.append(_Found(start, end, confidence, 0, entry.entity))
                i += length
                break
            if hit is None:
                i += 1
        return found

    def _lookup(
        self, words: Sequence[str], folded: Sequence[str], document: Node
    ) -> tuple[_Entry, float] | None:
        key = tuple(folded)
        candidates = [
            (self.folded.get(key), CONFIDENCE["label"]),
            (self.folded.get((*key[:-1], strip_genitive(key[-1]))), CONFIDENCE["inflected"]),
        ]
        if len(words) == 1:
            raw = words[0]
            candidates.append((self.exact.get((raw,)), CONFIDENCE["label"]))
            if raw.endswith(":s"):
                candidates.append((self.exact.get((raw[:-2],)), CONFIDENCE["inflected"]))
        for entry, confidence in candidates:
            if entry is None:
                continue
            if entry.local:
                if document not in self.home.get(entry.entity, ()):
                    continue
                confidence = CONFIDENCE["local"]
            return entry, confidence
        return None

    def _patterns(self, text: str) -> list[_Found]:
        found = []
        for name, pattern, kind in ORGANISATION_PATTERNS:
            for match in pattern.finditer(text):
                candidate = self.candidate(match, kind, text, name)
                if candidate is None:
                    continue
                entity, new, confidence = candidate
                found.append(_Found(match.start(), match.end(), confidence, 1, entity, new))
        return found

    def candidate(
        self, match: re.Match[str], kind: URIRef | None, text: str, pattern: str
    ) -> tuple[URIRef | None, _NewActor | None, float] | None:
        """A pattern match as a known actor or a new organisation; None if it is no name."""
        label = re.sub(r"\s+", " ", match["name"])
        key = fold_label(label)
        initial = _at_sentence_start(text, match.start())
        if pattern == "compound":
            suffix = match["suffix"]
            if key in NOT_ORGANISATIONS or key.endswith(tuple(NOT_ORGANISATIONS)):
                return None
            indefinite = key[: -len(suffix)] + ORGANISATION_SUFFIXES[suffix][0]
            if initial and (key in self.lowercase_words or indefinite in self.lowercase_words):
                return None  # "Tillsynsmyndigheten ska …": a common noun starting a sentence
            kind = ORGANISATION_SUFFIXES[suffix][1]
        known = self.actor_for_name(label)
        if known is not None:
            return known, None, CONFIDENCE["inflected"]
        if pattern == "county":
            label = label[0].upper() + label[1:]
        confidence = CONFIDENCE["pattern_initial" if initial else "pattern"]
        new = _NewActor(strip_genitive(key), label, kind or VGV.StateActor, confidence=confidence)
        return None, new, confidence


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
        self.new_actors: dict[str, _NewActor] = {}
        self.new_regulations: dict[URIRef, float] = {}
        self.mentions: dict[tuple[URIRef, URIRef], tuple[str, float, bool]] = {}

    # -- reading ----------------------------------------------------------------------------

    def read(self, document: Document) -> None:
        document_node = document_iri(document.id)
        subject = self._subject(document)
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

    def _subject(self, document: Document) -> tuple[URIRef | _NewActor, re.Pattern[str]] | None:
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

    def _adopt(self, new: _NewActor | None, document: Document) -> URIRef | None:
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
            graph.add((new.iri, RDF.type, VGV.Actor))
            graph.add((new.iri, RDF.type, ORG.Organization))
            graph.add((new.iri, SKOS.prefLabel, Literal(new.label, lang="sv")))
            graph.add((new.iri, VGV.actorKind, new.kind))
            definition = (
                f"Organisation som nämns i «{new.first_document}»; funnen av den automatiska "
                "extraktionen och inte granskad."
            )
            graph.add((new.iri, SKOS.definition, Literal(definition, lang="sv")))
            graph.add((new.iri, PROV.wasGeneratedBy, VGV.extractor))
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
