"""Finding actors in a passage by name: the graph's labels and aliases, and new
organisations by the shape of their names.

:class:`ActorMatcher` is built once from the graph's actors; :data:`ORGANISATION_PATTERNS`
are the shapes of organisation names the graph does not know yet. The word lists are data
(``data/extraction_words.json``).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS
from rdflib.term import Node

from vemgorvad.graph.resolve import strip_genitive
from vemgorvad.text import fold_label
from vemgorvad.vocab import VGV

logger = logging.getLogger(__name__)

__all__ = [
    "AMBIGUOUS_WORDS",
    "CONFIDENCE",
    "DOCUMENT_SUBJECTS",
    "NOT_ORGANISATIONS",
    "ORGANISATION_PATTERNS",
    "ORGANISATION_SUFFIXES",
    "WORDS",
    "ActorMatcher",
    "NewActor",
    "add_extracted_actor",
    "body_of",
    "english_name",
    "kind_of_name",
    "municipality_of",
    "place_of",
    "scoped_name",
]

WORDS = json.loads(
    (Path(__file__).resolve().parent / "data" / "extraction_words.json").read_text(encoding="utf-8")
)
"""The linker's word lists (``data/extraction_words.json``, which says what each is)."""

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

AMBIGUOUS_WORDS = frozenset(WORDS["ambiguous_words"])
"""Words that name some organisation but not which: an alias made only of them is linked
only in the documents the curated facts about its actor come from."""

ORGANISATION_SUFFIXES: dict[str, tuple[str, URIRef]] = {
    suffix: (indefinite, VGV[kind])
    for suffix, (indefinite, kind) in WORDS["organisation_suffixes"].items()
}
"""The definite endings of Swedish organisation names, with their indefinite form and the
kind of actor a new one most likely is ("Brottsoffermyndigheten", "Utrikesnämnden")."""

NOT_ORGANISATIONS = frozenset(WORDS["not_organisations"])
"""Words with an organisation's ending that are not organisations."""

_NAME_FOR_HEADS = "|".join(map(re.escape, WORDS["name_for_heads"]))
_NOT_NAME_WORDS = "|".join(map(re.escape, WORDS["not_name_words"]))

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
        "municipal",
        re.compile(
            r"\b(?P<name>[A-ZÅÄÖ][a-zåäö]+a\s+[a-zåäö]{3,}(?:nämnden|förvaltningen))(?P<genitive>s)?\b"
        ),
        None,
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
"""The shapes of organisation names the graph does not know yet, with the kind a new one
gets (None: by its name, :func:`kind_of_name`)."""

DOCUMENT_SUBJECTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"\binstruktion\s+för\s+(?P<name>.+?)\s*$", re.IGNORECASE),
        re.compile(r"\b[Mm]yndighet(?:en|ens)\b"),
    ),
)
"""A document title that names whom the document is about, and the words that then mean
that actor: "myndigheten" in "Förordning … med instruktion för Jämställdhetsmyndigheten"."""

_TOKEN = re.compile(r"\w+(?:[-:]\w+)*-?")
_GAP = re.compile(r"[\s()«»\"'’”–—-]*")
_ACRONYM = re.compile(r"^\w*[A-ZÅÄÖ]\w*[A-ZÅÄÖ]")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;§•*#>]|\d[.)])\s*$")


_MUNICIPALITY = re.compile(r"(?P<place>\S.*?)\s+(?:kommun|stad)", re.IGNORECASE)


def municipality_of(issuer: str) -> str | None:
    """The municipality a document's issuer names, if it names one.

    >>> municipality_of("Västerås stad, Socialförvaltningen"), municipality_of("Socialdepartementet")
    ('Västerås stad', None)
    """
    for part in issuer.split(","):
        if _MUNICIPALITY.fullmatch(part.strip()):
            return part.strip()
    return None


def place_of(municipality: str) -> str:
    """The place a municipality is named for.

    >>> place_of("Västerås stad"), place_of("Uppsala kommun")
    ('Västerås', 'Uppsala')
    """
    match = _MUNICIPALITY.fullmatch(municipality)
    return match["place"] if match else municipality


def municipality_in_english(name: str) -> str | None:
    """What a municipality is called in English, the way Uppsala's curated name is
    ("Uppsala Municipality"), or the city's own ("City of Västerås") for a "… stad"; None
    for a name that is not a municipality's.

    >>> municipality_in_english("Ekby kommun"), municipality_in_english("Västerås stad")
    ('Ekby Municipality', 'City of Västerås')
    >>> municipality_in_english("Socialnämnden") is None
    True
    """
    match = _MUNICIPALITY.fullmatch(name)
    if match is None:
        return None
    if name.casefold().endswith("stad"):
        return f"City of {match['place']}"
    return f"{match['place']} Municipality"


def body_of(name: str) -> str:
    """A body's name without the place it is of: "Socialnämnden i Västerås" is a nämnd as
    "Socialnämnden" is (:func:`scoped_name`).

    >>> body_of("socialnämnden i västerås"), body_of("socialnämnden")
    ('socialnämnden', 'socialnämnden')
    """
    return name.split(" i ", 1)[0]


def scoped_name(body: str, municipality: str) -> str:
    """What a municipal body of another municipality is called: its name and the place.

    >>> scoped_name("Socialnämnden", "Västerås stad"), scoped_name("Kommunstyrelsen", "Ekby kommun")
    ('Socialnämnden i Västerås', 'Kommunstyrelsen i Ekby')
    """
    return f"{body} i {place_of(municipality)}"


@dataclass(frozen=True)
class _Entry:
    """One way a label names an actor."""

    entity: URIRef
    local: bool  # an ambiguous alias: only in the actor's home documents


@dataclass
class NewActor:
    """An organisation found by the shape of its name, not yet in the graph."""

    key: str
    label: str
    kind: URIRef
    iri: URIRef | None = None
    confidence: float = 0.0
    first_document: str = ""
    english: str | None = None
    alt_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Found:
    """One mention in one passage."""

    start: int
    end: int
    confidence: float
    priority: int  # on equal spans the lower wins: label, pattern, anaphor
    entity: URIRef | None = None
    new: NewActor | None = None


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
    in its own case. Two actors sharing a label makes the label name neither; an
    extracted actor is found by its own name only (its other names are the curated ones').

    A municipality's body named by common words only ("Socialnämnden", "Avdelning
    vuxen": a municipal unit or post, not "Nexus") is one every municipality may have: in
    a document of another municipality than the one its curated facts come from (the
    document's ``dcterms:spatial``: its issuer's, else the one it names) it is that
    municipality's own body, "Socialnämnden i Västerås" (:meth:`elsewhere`). Statutes are
    of no municipality: their "socialnämnden" is the body every municipality has, the
    curated one among them.

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
            # an extracted actor is found by its own name: its other names ("Socialnämnden"
            # of "Socialnämnden i Västerås") are the curated actors' to be found by
            extracted = (actor, PROV.wasGeneratedBy, VGV.extractor) in graph
            for predicate in (SKOS.prefLabel,) if extracted else (SKOS.prefLabel, SKOS.altLabel):
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
        self.municipality: dict[Node, str] = {
            document: str(where) for document, where in graph.subject_objects(DCTERMS.spatial)
        }
        # a body every municipality has: its Swedish and English names, its places (folded:
        # "Uppsala kommun" and "Uppsala Kommun" are one)
        self.generic: dict[Node, tuple[str, str | None, frozenset[str]]] = {}
        for actor in actors:
            unit = any((actor, RDF.type, kind) in graph for kind in (ORG.OrganizationalUnit, ORG.Post))
            if not unit or (actor, VGV.actorKind, VGV.MunicipalActor) not in graph:
                continue
            names = {str(v.language): str(v) for v in graph.objects(actor, SKOS.prefLabel) if isinstance(v, Literal)}
            swedish = names.get("sv", "")
            homes = frozenset(
                place_of(self.municipality[d]).casefold() for d in self.home[actor] if d in self.municipality
            )
            common = swedish and all(token.casefold() in lowercase_words for _, _, token in _tokens(swedish))
            if common and homes:
                self.generic[actor] = (swedish, names.get("en"), homes)
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

    def _local(self, label: str) -> bool:
        """Whether a name is one of an actor's common-noun aliases (linked only at home)."""
        words = tuple(token.casefold() for _, _, token in _tokens(label))
        entry = self.folded.get(words) or self.folded.get((*words[:-1], strip_genitive(words[-1])))
        return entry is not None and entry.local

    def elsewhere(self, actor: Node, document: Node) -> str | None:
        """The name of a municipal body of the curated municipality's kind when a document
        of another municipality names it ("Socialnämnden i Västerås"), else None."""
        generic = self.generic.get(actor)
        where = self.municipality.get(document)
        if generic is None or where is None or place_of(where).casefold() in generic[2]:
            return None
        return scoped_name(generic[0], where)

    def scoped(self, actor: Node, name: str) -> tuple[URIRef | None, NewActor | None]:
        """The node of another municipality's body (``name``, :meth:`elsewhere`), or the
        new actor it becomes: called also by the body's own name ("Socialnämnden", an
        alternative label, which a question's answer may be judged by) and in English
        with its place ("Social Welfare Committee (Västerås)")."""
        known = self.actor_for_name(name)
        if known is not None:
            return known, None
        body, english, _ = self.generic[actor]
        place = name.rsplit(" i ", 1)[-1]
        new = NewActor(
            fold_label(name),  # "… i Västerås": the place's s is no genitive
            name,
            VGV.MunicipalActor,
            confidence=CONFIDENCE["label"],
            english=f"{english} ({place})" if english else None,
            alt_labels=(body,),
        )
        return None, new

    def actor_for_name(self, name: str) -> URIRef | None:
        """The actor a name (or its genitive) is a label of, or None."""
        key = fold_label(name)
        return self.by_key.get(key) or self.by_key.get(strip_genitive(key))

    # -- finding --------------------------------------------------------------------------

    def find(
        self,
        text: str,
        document: Node,
        subject: tuple[URIRef | NewActor, re.Pattern[str]] | None,
        named: frozenset[Node] = frozenset(),
    ) -> list[_Found]:
        """The actor mentions of one passage, non-overlapping, longest first.

        Args:
            text: the passage's text.
            document: the IRI of its document (for aliases used only there).
            subject: the actor the document is about and the words that mean it.
            named: actors whose common-noun aliases mean them in this document too,
                though no curated fact comes from it ("Ungdomsjouren" in a memo that
                names Uppsala Ungdomsjour).
        """
        found = self._labels(text, document, named) + self._patterns(text)
        if subject is not None:
            actor, words = subject
            for match in words.finditer(text):
                entity = actor if isinstance(actor, URIRef) else None
                new = actor if isinstance(actor, NewActor) else None
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

    def _labels(
        self, text: str, document: Node, named: frozenset[Node] = frozenset()
    ) -> list[_Found]:
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
                hit = self._lookup(words[i : i + length], folded[i : i + length], document, named)
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
                entity: URIRef | None = entry.entity
                new: NewActor | None = None
                if scoped := self.elsewhere(entry.entity, document):
                    entity, new = self.scoped(entry.entity, scoped)
                found.append(_Found(start, end, confidence, 0, entity, new))
                i += length
                break
            if hit is None:
                i += 1
        return found

    def _lookup(
        self,
        words: Sequence[str],
        folded: Sequence[str],
        document: Node,
        named: frozenset[Node] = frozenset(),
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
                if document not in self.home.get(entry.entity, ()) and entry.entity not in named:
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
    ) -> tuple[URIRef | None, NewActor | None, float] | None:
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
        if pattern in ("compound", "municipal"):
            kind = kind_of_name(label)  # "Centrala studiestödsnämnden" is a state body
        known = self.actor_for_name(label)
        if known is not None:
            if self._local(label):
                return None  # "Ungdomsjouren" outside its home: some municipality's, not ours
            return known, None, CONFIDENCE["inflected"]
        if pattern == "county":
            label = label[0].upper() + label[1:]
        confidence = CONFIDENCE["pattern_initial" if initial else "pattern"]
        new = NewActor(strip_genitive(key), label, kind or VGV.StateActor, confidence=confidence)
        return None, new, confidence


ENGLISH_NAMES = Path(__file__).parent / "data" / "agency_names_en.tsv"


@functools.cache
def _english_names() -> dict[str, str]:
    names = {}
    for line in ENGLISH_NAMES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            swedish, english = line.split("\t")
            names[fold_label(swedish)] = english.strip()
    return names


def english_name(label: str) -> str | None:
    """A Swedish public body's own English name (``data/agency_names_en.tsv``), if it is
    one: what an extracted actor is also called, so that an English question finds it.

    >>> english_name("Kriminalvården"), english_name("Föreningen Zorblax")
    ('Swedish Prison and Probation Service', None)
    """
    return _english_names().get(fold_label(label))


def kind_of_name(label: str) -> URIRef:
    """The kind of actor a new organisation most likely is, by its name: a state body's if
    it is one of the public bodies of ``data/agency_names_en.tsv``, else that of its
    organisation ending (:data:`ORGANISATION_SUFFIXES`; a body "… i" a place by its own
    name's), a municipality's for "… kommun" or "… stad", else a state body's.

    >>> names = ("Ekby kommun", "Sociala resursförvaltningen", "Kriminalvården", "Centrala studiestödsnämnden")
    >>> [kind_of_name(n).rsplit("#", 1)[-1] for n in names]
    ['MunicipalActor', 'MunicipalActor', 'StateActor', 'StateActor']
    >>> kind_of_name("Socialförvaltningen i Västerås").rsplit("#", 1)[-1]
    'MunicipalActor'
    """
    key = strip_genitive(fold_label(label))
    if english_name(label):
        return VGV.StateActor  # a public body with an English name of its own is a state one
    if key.endswith((" kommun", " stad")):
        return VGV.MunicipalActor
    key = body_of(key)  # "Socialnämnden i Västerås": a body of a place
    for suffix, (_, kind) in ORGANISATION_SUFFIXES.items():
        if key.endswith(suffix):
            return kind
    return VGV.StateActor


def add_extracted_actor(
    graph: Graph,
    actor: URIRef,
    label: str,
    kind: URIRef,
    definition: str,
    english: str | None = None,
    alt_labels: Sequence[str] = (),
) -> None:
    """Write an actor the extraction found in a document (not curated): its types, its
    names — the Swedish label as found (and ``alt_labels``) and, for a public body or a
    municipality, its English name (:func:`english_name`, :func:`municipality_in_english`;
    ``english``, if given, is used instead) — its kind,
    a definition saying where it was found, and that the extractor made it.
    """
    graph.add((actor, RDF.type, VGV.Actor))
    graph.add((actor, RDF.type, ORG.Organization))
    graph.add((actor, SKOS.prefLabel, Literal(label, lang="sv")))
    for alt in alt_labels:
        graph.add((actor, SKOS.altLabel, Literal(alt, lang="sv")))
    if english := english or english_name(label) or municipality_in_english(label):
        graph.add((actor, SKOS.prefLabel, Literal(english, lang="en")))
    graph.add((actor, VGV.actorKind, kind))
    graph.add((actor, SKOS.definition, Literal(definition, lang="sv")))
    graph.add((actor, PROV.wasGeneratedBy, VGV.extractor))
