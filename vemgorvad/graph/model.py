"""Reading the built graph: entities with their labels, facts about them, paths between them.

:class:`KnowledgeGraph` wraps an rdflib graph that :mod:`vemgorvad.graph.build` made and
answers the questions the answer engine asks of it, in plain Python objects. The
networkx view for paths comes from rdflib's own
``rdflib.extras.external_graph_libs``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import ORG, PROV, SKOS

from vemgorvad.vocab import VGV

logger = logging.getLogger(__name__)

ENTITY_CLASSES = {
    VGV.Provision: "provision",  # a § of a statute we hold; before Regulation, its superclass
    VGV.Actor: "actor",
    VGV.Regulation: "law",
    VGV.TargetGroup: "group",
}


@dataclass(frozen=True)
class Entity:
    """An actor, regulation or target group with its labels."""

    iri: str
    kind: str  # "actor" | "law" | "provision" | "group"
    label: str
    label_en: str | None = None
    alt_labels: tuple[str, ...] = ()
    hidden_labels: tuple[str, ...] = ()  # skos:hiddenLabel: everyday words to search by, never shown
    definition: str | None = None
    citation: str | None = None
    in_force: str | None = None
    category: str | None = None  # actor kind or regulation kind (a concept's local name)
    extracted: bool = False  # found by the extractor in a document, not curated

    def ref(self) -> dict[str, object]:
        """The entity as the answer contract shows it."""
        out: dict[str, object] = {"id": self.iri, "label": self.label}
        if self.label_en:
            out["label_en"] = self.label_en
        if self.kind != "group":
            out["alt_labels"] = list(self.alt_labels)
        if self.citation:
            out["citation"] = self.citation
        return out


@dataclass(frozen=True)
class Fact:
    """A reified statement of the graph: a duty, a relationship or a dated legal event."""

    iri: str
    kind: str  # "duty" | "relationship" | "event" | "assessment"
    subject: str  # the bearer, the relationship's subject, the event's regulation, the assessor
    relation: str  # "hasDuty", or the relation's local name (partOf, funds, …), or the event kind
    statement: str
    quote: str
    passage_id: str | None
    since: str | None = None
    laws: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()  # the relationship's object
    extracted: bool = False
    entities: frozenset[str] = field(default_factory=frozenset)
    statement_en: str | None = None

    def mentions(self) -> frozenset[str]:
        """Every entity the fact involves."""
        return self.entities


def _local(iri: object) -> str:
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


FACT_CLASSES = (VGV.Duty, VGV.Relationship, VGV.RegulationEvent, VGV.Assessment)

RELATION_NAMES = {str(ORG.subOrganizationOf): "partOf", str(ORG.hasUnit): "hasUnit"}


def relation_name(iri: object) -> str:
    """The short name of a relation property (``partOf`` for ``org:subOrganizationOf``)."""
    return RELATION_NAMES.get(str(iri), _local(iri))


class KnowledgeGraph:
    """The built graph, read once into plain objects for fast answering."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.entities: dict[str, Entity] = {}
        self.facts: dict[str, Fact] = {}
        self.facts_by_entity: dict[str, list[Fact]] = defaultdict(list)
        self.facts_by_passage: dict[str, list[Fact]] = defaultdict(list)
        self.passage_ids: dict[str, str] = {}  # passage IRI → stable id
        self.citations: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._read_passages()
        self._read_entities()
        self._read_facts()
        self._read_citations()
        self.network = self._network()
        self._weighted = self._undirected_weighted()
        logger.info(
            "graph: %d triples, %d entities, %d facts",
            len(graph),
            len(self.entities),
            len(self.facts),
        )

    # --- reading ---------------------------------------------------------------------

    def _literal(self, node: URIRef, predicate: URIRef, lang: str | None = "sv") -> str | None:
        fallback = None
        for value in self.graph.objects(node, predicate):
            if isinstance(value, Literal):
                if lang is None or value.language == lang:
                    return str(value)
                if value.language is None and fallback is None:
                    fallback = str(value)
        return fallback

    def _read_passages(self) -> None:
        for passage, passage_id in self.graph.subject_objects(VGV.passageId):
            self.passage_ids[str(passage)] = str(passage_id)

    def _read_entities(self) -> None:
        for cls, kind in ENTITY_CLASSES.items():
            for node in sorted(set(self.graph.subjects(RDF.type, cls)), key=str):
                if not isinstance(node, URIRef) or str(node) in self.entities:
                    continue
                label = self._literal(node, SKOS.prefLabel) or _local(node)
                # the first kind by name: an act of two ("Konvention" and "Lag") shows the
                # same one from run to run (rdflib's value() picks one in hash order)
                category_node = min(
                    self.graph.objects(node, VGV.actorKind if kind == "actor" else VGV.regulationKind),
                    key=str,
                    default=None,
                )
                self.entities[str(node)] = Entity(
                    iri=str(node),
                    kind=kind,
                    label=label,
                    label_en=self._literal(node, SKOS.prefLabel, "en"),
                    alt_labels=tuple(
                        sorted({str(v) for v in self.graph.objects(node, SKOS.altLabel)} - {label})
                    ),
                    hidden_labels=self._values(node, SKOS.hiddenLabel),
                    definition=self._literal(node, SKOS.definition),
                    citation=self._literal(node, VGV.citation, None),
                    in_force=self._literal(node, VGV.inForce, None),
                    category=_local(category_node) if category_node is not None else None,
                    extracted=(node, PROV.wasGeneratedBy, None) in self.graph,
                )

    def _values(self, node: URIRef, predicate: URIRef) -> tuple[str, ...]:
        return tuple(sorted(str(v) for v in self.graph.objects(node, predicate)))

    def _read_facts(self) -> None:
        nodes: set[URIRef] = set()
        for cls in FACT_CLASSES:
            nodes.update(n for n in self.graph.subjects(RDF.type, cls) if isinstance(n, URIRef))
        for node in sorted(nodes):
            source = self.graph.value(node, PROV.wasDerivedFrom)
            passage_id = self.passage_ids.get(str(source)) if source is not None else None
            since = self._literal(node, VGV.since, None) or self._literal(node, VGV.date, None)
            laws = self._values(node, VGV.legalBasis)
            groups = self._values(node, VGV.targetGroup)
            objects: tuple[str, ...] = ()
            if (node, RDF.type, VGV.Duty) in self.graph:
                kind, subject, relation = "duty", str(self.graph.value(node, VGV.bearer)), "hasDuty"
            elif (node, RDF.type, VGV.Assessment) in self.graph:
                kind = "assessment"
                subject = str(self.graph.value(node, VGV.assessor))
                relation = "assesses"
            elif (node, RDF.type, VGV.Relationship) in self.graph:
                kind = "relationship"
                subject = str(self.graph.value(node, VGV.subject))
                relation = relation_name(self.graph.value(node, VGV.relation) or "")
                objects = self._values(node, VGV.object)
            else:
                kind = "event"
                subject = str(self.graph.value(node, VGV.regulation))
                relation = _local(self.graph.value(node, VGV.eventKind) or "event")
                laws = tuple(sorted({*laws, subject}))
            statement = self._literal(node, VGV.statement) or ""
            involved = frozenset({subject, *objects, *laws, *groups} & self.entities.keys())
            fact = Fact(
                iri=str(node),
                kind=kind,
                subject=subject,
                relation=relation,
                statement=statement,
                quote=self._literal(node, VGV.quote, None) or "",
                passage_id=passage_id,
                since=since,
                laws=laws,
                groups=groups,
                objects=objects,
                extracted=(node, PROV.wasGeneratedBy, None) in self.graph,
                entities=involved,
                statement_en=self._literal(node, VGV.statement, "en"),
            )
            self.facts[fact.iri] = fact
            for entity in involved:
                self.facts_by_entity[entity].append(fact)
            if passage_id:
                self.facts_by_passage[passage_id].append(fact)

    def _read_citations(self) -> None:
        """The extractor's legal references: passage id → (regulation IRI, words cited)."""
        for mention in self.graph.subjects(RDF.type, VGV.LegalReference):
            passage = self.passage_ids.get(str(self.graph.value(mention, VGV.passage)))
            target = self.graph.value(mention, VGV.entity)
            text = self.graph.value(mention, VGV.matchedText)
            if passage and target is not None and str(target) in self.entities:
                self.citations[passage].append((str(target), str(text or "")))
        for cited in self.citations.values():
            cited.sort()

    def _network(self) -> nx.MultiDiGraph:
        """The entity-to-entity relations as a networkx multigraph, edges keyed by fact.

        Edges go in sorted order, so that paths of equal length, and the fact shown for a
        pair two facts link, come out the same in every process (an rdflib graph is read
        in its hash order, which changes with ``PYTHONHASHSEED``).
        """
        relations: set[tuple[str, str, str]] = set()
        for fact in self.facts.values():
            if fact.kind == "relationship":
                relations.update((fact.subject, fact.iri, obj) for obj in fact.objects)
            elif fact.kind == "duty":
                relations.update((fact.subject, fact.iri, t) for t in (*fact.laws, *fact.groups))
        for child, parent in self.graph.subject_objects(SKOS.broader):
            if str(child) in self.entities and str(parent) in self.entities:
                relations.add((str(child), str(SKOS.broader), str(parent)))
        network = nx.MultiDiGraph()
        for subject, predicate, obj in sorted(relations):
            network.add_edge(URIRef(subject), URIRef(obj), key=URIRef(predicate), fact=predicate)
        return network

    def _undirected_weighted(self) -> nx.Graph:
        """One undirected edge per linked pair, weighted by how direct the link is.

        A relationship between two actors (part of, funds, coordinates …) costs 1; a
        duty's link to its law or target group costs more, so that a path through a
        shared target group is shown only when no organisational path is as short.
        """
        weighted = nx.Graph()
        for u, v, data in self.network.edges(data=True):
            fact = self.facts.get(data["fact"])
            cost = 1.0 if fact is not None and fact.kind == "relationship" else 2.5
            if not weighted.has_edge(u, v) or weighted[u][v]["weight"] > cost:
                weighted.add_edge(u, v, weight=cost)
        return weighted

    # --- asking ----------------------------------------------------------------------

    def entity(self, iri: str) -> Entity | None:
        return self.entities.get(iri)

    def facts_about(self, iris: Iterable[str]) -> list[Fact]:
        """Every fact that involves one of the entities, each once."""
        seen: dict[str, Fact] = {}
        for iri in iris:
            for fact in self.facts_by_entity.get(iri, ()):
                seen.setdefault(fact.iri, fact)
        return list(seen.values())

    def paths(self, source: str, target: str, limit: int = 3, cutoff: int = 4) -> list[list[dict]]:
        """The shortest meaningful paths between two entities, each edge with its fact.

        Returns:
            Paths in the answer contract's form: nodes ``{"id", "label", "label_en"}``
            alternating with edges ``{"relation", "fact", "passage_id"}``.
        """
        a, b = URIRef(source), URIRef(target)
        if a not in self._weighted or b not in self._weighted or a == b:
            return []
        found: list[list[dict]] = []
        try:
            node_paths = nx.shortest_simple_paths(self._weighted, a, b, weight="weight")
            for nodes in node_paths:
                if len(nodes) - 1 > cutoff or len(found) >= limit:
                    break
                found.append(self._describe_path(nodes))
        except nx.NetworkXNoPath:
            return []
        return found

    def _describe_path(self, nodes: list[URIRef]) -> list[dict]:
        out: list[dict] = []
        for index, node in enumerate(nodes):
            entity = self.entities.get(str(node))
            out.append({
                "id": str(node),
                "label": entity.label if entity else _local(node),
                "label_en": entity.label_en if entity else None,
            })
            if index + 1 < len(nodes):
                out.append(self._edge(node, nodes[index + 1]))
        return out

    def _edge(self, a: URIRef, b: URIRef) -> dict:
        for u, v, forward in ((a, b, True), (b, a, False)):
            data = self.network.get_edge_data(u, v)
            if not data:
                continue
            # of two facts linking the pair, a curated one is shown before an extracted one
            fact_iri = min(
                (d["fact"] for d in data.values()),
                key=lambda iri: (getattr(self.facts.get(iri), "extracted", False), iri),
            )
            fact = self.facts.get(fact_iri)
            if fact is None:
                return {"relation": "broader" if forward else "narrower"}
            relation = fact.relation
            if fact.kind == "duty":
                relation = "hasDutyUnder" if fact.laws and str(v) in fact.laws else "serves"
            edge: dict[str, object] = {"relation": relation if forward else f"^{relation}"}
            edge["fact"] = fact.iri
            if fact.passage_id:
                edge["passage_id"] = fact.passage_id
                edge["quote"] = fact.quote
            return edge
        return {"relation": "related"}
