"""Reading duties, relationships and findings out of any Swedish text, by rule.

:func:`extract_statements` runs after :func:`vemgorvad.graph.extract.link_mentions` on
every passage of every document and finds, sentence by sentence,

* **duties**: an actor as the subject of a cue ("Socialnämnden ska …", "… ska
  socialnämnden genast …", "X får inte …", "X ansvarar för …", "X har i uppdrag att …",
  "Till socialnämndens uppgifter hör att …", "X samordnar …"), a passive with its agent
  ("… meddelas av förvaltningsrätten efter ansökan av socialnämnden"), and numbered
  lists ("Myndigheten ska 1. … 2. …", one duty per item);
* **relationships**: part of ("Nexus inom Avdelning vuxen", "Nexus är förvaltningens
  enhet"; a body of the municipality a memo is of, of that municipality), funds ("finansieras med
  stöd av", "föreningsbidrag"), collaborates ("i samverkan med"), reports to
  ("redovisa … till"), commissions ("uppdra till"), coordinates and is responsible for;
* **assessments**: an actor's findings ("Förvaltningen bedömer att …").

The cue words, modalities, role words and relation cues are data
(``graph/data/statement_patterns.json``). Actors are found by the graph's
:class:`~vemgorvad.graph.actor_names.ActorMatcher`; in a statute, "nämnden", "myndigheten"
and "rätten" are the actor of that kind the statute names most nearby; in a memo,
"nämnden", "förvaltningen", "kommunen" and "mottagningen" are the one of that kind the
memo names most, else the body of its issuer (its metadata), and a common-noun alias
("Ungdomsjouren") means the actor the memo names in full. Findings ("Förvaltningen bedömer
att …") are assessments of their speaker. A duty's legal basis is what the sentence
cites, else the section (§) or statute its passage belongs to; its target groups are the
SKOS concepts whose labels it names. Writing them to the graph is
:mod:`vemgorvad.graph.statements_rdf`.

>>> report = extract_statements(graph, documents)  # doctest: +SKIP
>>> report.summary()  # doctest: +SKIP
'522 passages: 369 duties, 33 relationships, 7 assessments, 196 restating curated ones, 5 new actors in 0.40 s'
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, SKOS
from rdflib.term import Node

from vemgorvad.corpus.model import Document, Passage
from vemgorvad.corpus.sentences import sentence_spans
from vemgorvad.graph.actor_names import (
    DOCUMENT_SUBJECTS,
    ActorMatcher,
    body_of,
    kind_of_name,
    place_of,
    scoped_name,
)
from vemgorvad.graph.resolve import strip_genitive
from vemgorvad.graph.statement_model import (
    Mention,
    Statement,
    StatementReport,
    compiled,
    new_actor_iri,
    patterns,
)
from vemgorvad.graph.statements_rdf import write_statements
from vemgorvad.graph.statements_rules import SentenceReader
from vemgorvad.text import fold_label
from vemgorvad.vocab import LAGEN, VGV, document_iri, passage_iri

logger = logging.getLogger(__name__)

_PLACE_AFTER = re.compile(r"\s+i\s+(?P<place>[A-ZÅÄÖ][\wåäöÅÄÖ-]+)")
"""A place named right after a body: "Stadsdelsnämnden i Stockholm"."""

__all__ = ["Statement", "StatementReport", "extract_statements", "patterns"]

# --- the extractor ------------------------------------------------------------------


class StatementExtractor:
    """Reads the statements of documents against one graph (its actors, groups, citations).

    Args:
        graph: the built graph, mentions and citations already linked.
        documents: the corpus (for the words that occur in lower case).
        new_actors: filled with bearer names that no actor has yet: folded name → label.
    """

    def __init__(self, graph: Graph, documents: Sequence[Document], new_actors: dict[str, str]) -> None:
        self.graph = graph
        self.data = patterns()
        lowercase = frozenset(
            w for d in documents for p in d.passages for w in re.findall(r"\b[a-zåäö][\w-]*", p.text)
        )
        self.actors = ActorMatcher(graph, lowercase)
        self.new_actors = new_actors
        self.new_iris: dict[URIRef, str] = {}
        self.groups = _group_pattern(graph, self.data["group_labels"])
        self.citations = _citations(graph)
        self.provisions = {
            str(passage): str(provision)
            for provision, passage in graph.subject_objects(VGV.passage)
            if (provision, RDF.type, VGV.Provision) in graph
        }
        self.regulations = {str(r) for r in graph.subjects(RDF.type, VGV.Regulation)}

    # -- mentions --------------------------------------------------------------------

    def _subject(self, document: Document) -> tuple[URIRef, re.Pattern[str]] | None:
        for title_pattern, words in DOCUMENT_SUBJECTS:
            match = title_pattern.search(document.title)
            actor = self.actors.actor_for_name(match["name"]) if match else None
            if actor is not None:
                return actor, words
        return None

    def mentions(self, document: Document) -> dict[str, list[Mention]]:
        """The actor mentions of each passage of a document, anaphors resolved.

        A memo's common-noun aliases ("Ungdomsjouren", "uppsökaren") mean the actor it
        names by a name of its own somewhere, as they do in the memo the curated facts come
        from; a statute's role words are its anaphors (:meth:`_resolve_anaphors`).
        """
        node = document_iri(document.id)
        subject = self._subject(document)
        named: frozenset[Node] = frozenset()
        if not document.sfs:  # what the mention linker found in it, by name
            named = frozenset(
                entity
                for passage in document.passages
                for entity in self.graph.objects(passage_iri(passage.id), VGV.mentions)
            )
        found: dict[str, list[Mention]] = {}
        for passage in document.passages:
            items = [
                Mention(f.start, f.end, f.entity)
                for f in self.actors.find(passage.text, node, subject, named)  # type: ignore[arg-type]
                if f.entity is not None
            ]
            items += self._bearer_names(passage.text, items)
            found[passage.id] = sorted(items, key=lambda m: m.start)
        self._resolve_anaphors(document, found)
        return found

    def _bearer_names(self, text: str, known: list[Mention]) -> list[Mention]:
        out = []
        for match in compiled(self.data["bearer_names"]["pattern"]).finditer(text):
            if any(m.start < match.end() and match.start() < m.end for m in known):
                continue
            name = match["name"][0].upper() + match["name"][1:]
            actor = self.actors.actor_for_name(name)
            if actor is None:
                key = strip_genitive(fold_label(name))
                self.new_actors.setdefault(key, name)
                actor = new_actor_iri(key)
                self.new_iris[actor] = key
            out.append(Mention(match.start(), match.end(), actor))
        return out

    def _resolve_anaphors(self, document: Document, found: dict[str, list[Mention]]) -> None:
        counts = Counter(m.entity for items in found.values() for m in items)
        labels = {a: self._labels(a) for a in counts}
        statute = bool(document.sfs)
        # "rätten" in a memo is mostly a right ("rätten till stöd")
        rules = {w: r for w, r in self.data["anaphors"].items() if statute or not r.get("statutes_only")}
        # a memo's role word means one body throughout; a statute's, the one named nearby
        in_memo = {} if statute or not document.passages else {
            word: self._anaphor(rule, counts, labels, set(), statute)
            or self._issuing_body(document, rule["suffix"])
            for word, rule in rules.items()
        }
        before: list[Mention] = []
        for passage in document.passages:
            items = found[passage.id]
            nearby = {m.entity for m in (*items, *before)}
            before = list(items)
            for word, rule in rules.items():
                actor = self._anaphor(rule, counts, labels, nearby, statute) if statute else in_memo[word]
                if actor is None:
                    continue
                for match in re.finditer(rf"\b{word}\b", passage.text, re.IGNORECASE):
                    if any(m.start < match.end() and match.start() < m.end for m in items):
                        continue
                    items.append(Mention(match.start(), match.end(), actor, anaphor=True))
            items.sort(key=lambda m: m.start)

    def _anaphor(
        self,
        rule: dict[str, Any],
        counts: Counter[URIRef],
        labels: dict[URIRef, list[str]],
        nearby: set[URIRef],
        statute: bool,
    ) -> URIRef | None:
        """The actor a role word means here: in a statute the most named one of its kind
        nearby (a statute names several courts and committees) or the rule's fallback
        ("kommunen" in a statute is any municipality: Kommunerna); in a memo, which speaks
        for one administration to one committee, the one of its kind the document names
        most ("förvaltningen": Socialförvaltningen; "kommunen": Uppsala kommun, a municipality
        by its name, its suffix " kommun", not a role such as Vistelsekommunen)."""
        if statute and "statute_fallback" in rule:
            return self.actors.actor_for_name(rule["statute_fallback"])
        suffix = rule["suffix"]
        here = [
            a for a in counts
            if (a in nearby or not statute)
            and any(body.endswith(suffix) and body != suffix for body in map(body_of, labels[a]))
        ]
        return max(here, key=lambda a: (counts[a], str(a))) if here else None

    def _issuing_body(self, document: Document, suffix: str) -> URIRef | None:
        """The body of the memo's issuer that a role word means when the text never names
        one of its kind: "förvaltningen" in a memo issued by "Ekby kommun, Sociala
        resursförvaltningen". A body the graph does not know becomes a new actor, and so
        does one of another municipality ("Västerås stad, Socialförvaltningen": not the
        curated Socialförvaltningen, :meth:`ActorMatcher.elsewhere`)."""
        for part in (document.issuer or "").split(","):
            name = part.strip()
            key = strip_genitive(fold_label(name))
            if not key.endswith(suffix) or key == suffix.strip():
                continue
            actor = self.actors.actor_for_name(name)
            if actor is not None and (scoped := self.actors.elsewhere(actor, document_iri(document.id))):
                name, key = scoped, fold_label(scoped)  # not the curated municipality's
                actor = self.actors.actor_for_name(name)
            return actor if actor is not None else self._new_actor(name, key)
        return None

    def _labels(self, actor: URIRef) -> list[str]:
        if isinstance(actor, URIRef) and actor in self.graph.subjects(RDF.type, VGV.Actor):
            return [fold_label(str(v)) for v in self.graph.objects(actor, SKOS.prefLabel)]
        return [self.new_iris[actor]] if actor in self.new_iris else []

    # -- reading ---------------------------------------------------------------------

    def read(self, document: Document) -> list[Statement]:
        """Every statement of one document, in reading order."""
        out: list[Statement] = []
        mentions = self.mentions(document)
        for passage in document.passages:
            reader = SentenceReader(self, document, passage, mentions[passage.id])
            out.extend(reader.statements())
        return out + self._bodies_of_municipality(document, mentions)

    def _bodies_of_municipality(
        self, document: Document, mentions: dict[str, list[Mention]]
    ) -> list[Statement]:
        """That the bodies of the municipality a memo is of are part of it: "Socialnämnden
        i Västerås" in a memo of Västerås stad, a body its issuer names that the graph did
        not know ("Ekby kommun, Sociala resursförvaltningen"), and a nämnd or förvaltning
        the memo names that the graph did not know ("Sociala resursnämnden"). Each is said once, from
        the first sentence of the memo that names the body, else the first whose role word
        means it ("förvaltningen"): the graph's edge needs a passage to stand on, and a
        body the text never refers to gets none. The curated municipality's own bodies are
        left to the curated facts."""
        node = document_iri(document.id)
        where = self.actors.municipality.get(node)
        if not where or document.sfs:
            return []
        bodies = {
            self._actor_named(scoped)
            for actor in self.actors.generic
            if (scoped := self.actors.elsewhere(actor, node))
        }
        for part in (document.issuer or "").split(","):
            actor = self._actor_named(part.strip())
            if actor is not None and self._extracted(actor):
                bodies.add(actor)
        # "Sociala resursnämnden": a municipal body found by its name's shape, unless the
        # memo says it is of another place ("Stadsdelsnämnden i Stockholm")
        shaped, elsewhere = set(), set()
        for passage in document.passages:
            for m in mentions[passage.id]:
                if self._extracted(m.entity) and self._municipal_body_of(m.entity, where):
                    shaped.add(m.entity)
                    place = _PLACE_AFTER.match(passage.text, m.end)
                    if place and place["place"] != place_of(where):
                        elsewhere.add(m.entity)
        bodies |= shaped - elsewhere
        municipality = self.actors.actor_for_name(where)
        bodies -= {None, municipality}
        first: dict[URIRef, tuple[Passage, Mention]] = {}
        for named in (True, False):  # by name if the memo names it, else by a role word
            for passage in document.passages:
                for mention in mentions[passage.id]:
                    if mention.entity in bodies and mention.anaphor != named:
                        first.setdefault(mention.entity, (passage, mention))
        out: list[Statement] = []
        for body, (passage, mention) in first.items():
            municipality = municipality or self._new_actor(where, fold_label(where))
            spans = sentence_spans(passage.text)
            a, b = next(((a, b) for a, b in spans if a <= mention.start < b), (0, len(passage.text)))
            out.append(
                Statement(
                    kind="relationship",
                    subject=str(body),
                    predicate=str(ORG.subOrganizationOf),
                    object=str(municipality),
                    statement=f"ingår i {where}, som dokumentet är från",  # not what the quote says
                    quote=passage.text[a:b].strip(),
                    passage_id=passage.id,
                    document_id=document.id,
                    confidence=float(self.data["confidence"]["issuer"]),
                    rule="issuer",
                )
            )
        return out

    def _municipal_body_of(self, actor: URIRef, where: str) -> bool:
        """Whether a body the extraction named is, by its name, a municipal body of the
        municipality ``where`` a memo is from: a nämnd, förvaltning or styrelse (a unit
        such as "Lindmottagningen" is part of one of them, not of the municipality itself)
        that is no public body of the state ("Centrala studiestödsnämnden") nor a
        region's, and that names no other place ("Socialnämnden i Stockholm" in a memo
        from Västerås)."""
        label = self.label(actor) or ""
        key = strip_genitive(fold_label(label))
        if kind_of_name(label) != VGV.MunicipalActor or not body_of(key).endswith(
            tuple(self.data["municipal_bodies"])
        ):
            return False
        if key.startswith(("region", "landsting")):
            return False
        return body_of(key) == key or key == fold_label(scoped_name(body_of(label), where))

    def _actor_named(self, name: str) -> URIRef | None:
        """The actor a name is a label of, or the new one the extractor made of it."""
        if not name:
            return None
        keys = (fold_label(name), strip_genitive(fold_label(name)))  # "… i Västerås": no genitive
        made = next((new_actor_iri(key) for key in keys if key in self.new_actors), None)
        return self.actors.actor_for_name(name) or made

    def _extracted(self, actor: URIRef) -> bool:
        """Whether the extraction, not a curator, made an actor."""
        return actor in self.new_iris or (actor, PROV.wasGeneratedBy, VGV.extractor) in self.graph

    def _new_actor(self, name: str, key: str) -> URIRef:
        """The node of an organisation no actor has yet (``key``: its folded name), made once."""
        self.new_actors.setdefault(key, name)
        actor = new_actor_iri(key)
        self.new_iris[actor] = key
        return actor

    # -- qualifiers ------------------------------------------------------------------

    def laws(self, document: Document, passage: Passage, sentence: str) -> tuple[str, ...]:
        """The sentence's citations, else the passage's section, else its statute."""
        cited = sorted(
            {e for e, words in self.citations.get(passage.id, ()) if words and words in sentence}
            & self.regulations
        )
        if cited:
            return tuple(cited)
        provision = self.provisions.get(str(passage_iri(passage.id)))
        if provision:
            return (provision,)
        if document.sfs and str(LAGEN[document.sfs]) in self.regulations:
            return (str(LAGEN[document.sfs]),)
        return ()

    def label(self, actor: URIRef) -> str | None:
        """An actor's Swedish label."""
        for value in self.graph.objects(actor, SKOS.prefLabel):
            if isinstance(value, Literal) and value.language == "sv":
                return str(value)
        return self.new_actors.get(self.new_iris.get(actor, ""))

    def target_groups(self, text: str) -> tuple[str, ...]:
        """The target groups whose labels the text names."""
        if self.groups is None:
            return ()
        pattern, by_label = self.groups
        return tuple(sorted({by_label[m.group().casefold()] for m in pattern.finditer(text)}))


def _group_pattern(graph: Graph, extra: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One alternation of every Swedish group label, longest first, and label → group."""
    by_label: dict[str, str] = {}
    for group in graph.subjects(RDF.type, VGV.TargetGroup):
        for predicate in (SKOS.prefLabel, SKOS.altLabel):
            for label in graph.objects(group, predicate):
                if isinstance(label, Literal) and label.language == "sv" and len(label) > 3:
                    by_label.setdefault(str(label).casefold(), str(group))
    scheme = next(iter(graph.subjects(RDF.type, VGV.TargetGroup)), None)
    base = str(scheme).rsplit("/", 1)[0] + "/" if scheme is not None else ""
    for words_said, slug_name in extra.items():
        if base and (URIRef(base + slug_name), RDF.type, VGV.TargetGroup) in graph:
            by_label.setdefault(words_said.casefold(), base + slug_name)
    if not by_label:
        return None
    labels = sorted(by_label, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, labels)) + r")\b", re.IGNORECASE), by_label


def _citations(graph: Graph) -> dict[str, list[tuple[str, str]]]:
    """passage id → (regulation IRI, the words cited), from link_mentions' references."""
    ids = {passage: str(pid) for passage, pid in graph.subject_objects(VGV.passageId)}
    out: dict[str, list[tuple[str, str]]] = {}
    for mention in graph.subjects(RDF.type, VGV.LegalReference):
        passage: Node | None = graph.value(mention, VGV.passage)
        entity = graph.value(mention, VGV.entity)
        words = graph.value(mention, VGV.matchedText)
        if passage in ids and entity is not None:
            out.setdefault(ids[passage], []).append((str(entity), str(words or "")))
    return out


def extract_statements(graph: Graph, documents: Sequence[Document]) -> StatementReport:
    """Read every document's duties and relationships and add them to the graph.

    Args:
        graph: built by :func:`vemgorvad.graph.build.build_graph` and linked by
            :func:`vemgorvad.graph.extract.link_mentions`; changed in place.
        documents: the loaded corpus.

    Returns:
        What was added, with the statements themselves.
    """
    started = time.perf_counter()
    new_actors: dict[str, str] = {}
    extractor = StatementExtractor(graph, documents, new_actors)
    found: list[Statement] = []
    for document in documents:
        found.extend(extractor.read(document))
    report = write_statements(graph, found, new_actors, documents)
    report.passages = sum(len(d.passages) for d in documents)
    report.seconds = time.perf_counter() - started
    logger.info("statements: %s", report.summary())
    return report
