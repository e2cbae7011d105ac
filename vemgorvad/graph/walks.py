"""Walks over the knowledge graph that the faces' views stand on, as plain functions.

Which groups lie below a group (``skos:broader`` read backwards), which actors a law
binds and which serve a group, what a typed name denotes, which actors a document
involves, and the labels and origin of a node. They return IRIs, sets and labels;
what a view makes of them (colours, order, words) is :mod:`vemgorvad.ui.viewmodels`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS
from rdflib.term import Node

from vemgorvad.graph.model import Entity, KnowledgeGraph, relation_name
from vemgorvad.text import fold
from vemgorvad.vocab import VGV

__all__ = [
    "ORIGIN_CORPUS",
    "ORIGIN_CURATED",
    "ORIGIN_EXTRACTED",
    "act_of",
    "ancestors",
    "bound_by",
    "broader_groups",
    "in_document",
    "is_actor",
    "labels",
    "law_parts",
    "local_name",
    "narrower_groups",
    "origin",
    "passage_documents",
    "relation_labels",
    "resolve",
    "serving",
]

ORIGIN_CURATED, ORIGIN_CORPUS, ORIGIN_EXTRACTED = "curated", "corpus", "extracted"


# --- a node's own words ------------------------------------------------------------------


def local_name(iri: str) -> str:
    """The last part of an IRI, after its ``#`` or last ``/``.

    >>> local_name("https://w3id.org/vemgorvad/ontology#MunicipalActor"), local_name("a/b")
    ('MunicipalActor', 'b')
    """
    for separator in ("#", "/"):
        if separator in iri:
            iri = iri.rsplit(separator, 1)[1]
    return iri


def labels(kg: KnowledgeGraph, node: Node | str, predicate: URIRef = SKOS.prefLabel) -> dict:
    """``{"label": sv, "label_en": en}`` of a node (rdfs:label when it has no prefLabel)."""
    node = URIRef(str(node))
    values: dict[str, str] = {}
    for pred in (predicate, RDFS.label):
        for value in kg.graph.objects(node, pred):
            if isinstance(value, Literal):
                values.setdefault(value.language or "", str(value))
        if values:
            break
    sv = values.get("sv") or values.get("") or values.get("en")
    return {"label": sv or local_name(str(node)), "label_en": values.get("en")}


def relation_labels(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Relation short name (partOf, funds …) → its Swedish and English labels."""
    out: dict[str, dict[str, Any]] = {}
    for prop in kg.graph.subjects(RDF.type, VGV.RelationProperty):
        out[relation_name(str(prop))] = labels(kg, prop, RDFS.label)
    return out


def origin(kg: KnowledgeGraph, iri: str) -> str:
    """Where a node comes from: the curated data, the corpus loader or the extractor."""
    generated = set(kg.graph.objects(URIRef(iri), PROV.wasGeneratedBy))
    if VGV.extractor in generated:
        return ORIGIN_EXTRACTED
    if generated:
        return ORIGIN_CORPUS
    return ORIGIN_CURATED


def is_actor(kg: KnowledgeGraph, iri: str) -> bool:
    """Whether an IRI is an actor of the graph."""
    entity = kg.entity(iri)
    return entity is not None and entity.kind == "actor"


# --- names ---------------------------------------------------------------------------------


def resolve(kg: KnowledgeGraph, name: str | None, kind: str | None = None) -> str | None:
    """The IRI an IRI, label, alternative label or citation denotes (folded).

    Args:
        kg: the knowledge graph.
        name: what a person typed or chose ("SOSFS 2014:4", "Barn och unga", an IRI).
        kind: only entities of this kind ("actor", "law", "group"); "law" also takes
            provisions.

    Returns:
        The IRI, or None when nothing (or nothing of that kind) is called so. A curated
        entity wins over an extracted one of the same name.
    """
    if not name:
        return None
    kinds = {kind, "provision"} if kind == "law" else ({kind} if kind else None)
    if name in kg.entities and (kinds is None or kg.entities[name].kind in kinds):
        return name
    key = fold(name)
    found: list[Entity] = []
    for entity in kg.entities.values():
        if kinds is not None and entity.kind not in kinds:
            continue
        names = (entity.label, entity.label_en or "", entity.citation or "", *entity.alt_labels)
        if any(fold(n) == key for n in names if n):
            found.append(entity)
    if not found:
        return None
    found.sort(key=lambda e: (e.extracted, e.kind == "provision", e.iri))
    return found[0].iri


# --- groups --------------------------------------------------------------------------------


def narrower_groups(kg: KnowledgeGraph, group: str) -> set[str]:
    """The group and every group below it (``skos:broader`` read backwards, transitively)."""
    seen = {group}
    todo = [URIRef(group)]
    while todo:
        node = todo.pop()
        for child in kg.graph.subjects(SKOS.broader, node):
            if str(child) not in seen:
                seen.add(str(child))
                todo.append(URIRef(str(child)))
    return seen


def broader_groups(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Group → the groups it is directly narrower than (``skos:broader``)."""
    broader: dict[str, set[str]] = defaultdict(set)
    for narrower_node, broader_node in kg.graph.subject_objects(SKOS.broader):
        broader[str(narrower_node)].add(str(broader_node))
    return broader


def ancestors(broader: dict[str, set[str]], group: str) -> set[str]:
    """Every group above a group, by a map of :func:`broader_groups` (the group itself not).

    >>> sorted(ancestors({"child": {"parent"}, "parent": {"top"}}, "child"))
    ['parent', 'top']
    """
    seen: set[str] = set()
    todo = [group]
    while todo:
        for parent in broader.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def serving(kg: KnowledgeGraph, group: str) -> set[str]:
    """Actors with a duty or relationship toward the group or a narrower one."""
    groups = narrower_groups(kg, group)
    actors: set[str] = set()
    for fact in kg.facts.values():
        if fact.kind not in ("duty", "relationship") or not groups & set(fact.groups):
            continue
        actors.add(fact.subject)
        if fact.kind == "relationship":
            actors.update(fact.objects)
    return {a for a in actors if is_actor(kg, a)}


# --- laws ----------------------------------------------------------------------------------


def law_parts(kg: KnowledgeGraph, law: str) -> set[str]:
    """The regulation and its parts (provisions ``dcterms:isPartOf`` it)."""
    return {law, *(str(p) for p in kg.graph.subjects(DCTERMS.isPartOf, URIRef(law)))}


def act_of(kg: KnowledgeGraph, law: str) -> str:
    """The act a provision is part of (when the graph knows the act), else the law itself."""
    act = kg.graph.value(URIRef(law), DCTERMS.isPartOf)
    return str(act) if act is not None and str(act) in kg.entities else law


def bound_by(kg: KnowledgeGraph, law: str) -> set[str]:
    """Actors a regulation binds: duty bearers with it (or a part of it) as legal basis,
    and actors governed by it or party to it."""
    laws = law_parts(kg, law)
    actors: set[str] = set()
    for iri in laws:
        for fact in kg.facts_by_entity.get(iri, ()):
            if (fact.kind == "duty" and laws & set(fact.laws)) or (
                fact.kind == "relationship"
                and fact.relation in ("governedBy", "partyTo")
                and laws & set(fact.objects)
            ):
                actors.add(fact.subject)
    return {a for a in actors if is_actor(kg, a)}


# --- documents -----------------------------------------------------------------------------


def passage_documents(kg: KnowledgeGraph) -> dict[str, str]:
    """Passage id → its document's id."""
    out: dict[str, str] = {}
    for passage_iri, passage_id in kg.passage_ids.items():
        document = kg.graph.value(URIRef(passage_iri), DCTERMS.isPartOf)
        if document is not None:
            identifier = kg.graph.value(document, DCTERMS.identifier)
            out[passage_id] = (
                str(identifier) if identifier is not None else local_name(str(document))
            )
    return out


def in_document(kg: KnowledgeGraph, document: str) -> tuple[set[str], set[str]]:
    """Actors a document involves (mentioned, or party to a fact sourced in it) and the
    ids of its passages."""
    by_document = passage_documents(kg)
    passages = {pid for pid, doc in by_document.items() if doc == document}
    actors: set[str] = set()
    for passage_iri, passage_id in kg.passage_ids.items():
        if passage_id in passages:
            actors.update(str(a) for a in kg.graph.objects(URIRef(passage_iri), VGV.mentions))
    for passage_id in passages:
        for fact in kg.facts_by_passage.get(passage_id, ()):
            actors.update(fact.entities)
    return {a for a in actors if is_actor(kg, a)}, passages
