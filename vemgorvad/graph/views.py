"""The data behind the app's views, computed from the knowledge graph.

Each function here returns plain dicts and lists (JSON-ready) that a face — the Gradio
app, a CLI command, a test — renders as it likes; the faces hold no logic of their own:

* :func:`actor_map` — the actors and the relations between them, filterable by law,
  target group, relation and document; :func:`map_filters` lists what the filters offer
  and :func:`map_graphml` writes a map as GraphML;
* :func:`node_details` — one entity's duties, laws, relations and passages;
* :func:`responsibility_matrix` — actors × target groups, each cell the duties that bind
  that actor toward that group (a broader group also holds the duties toward its
  narrower groups, via ``skos:broader``);
* the legal table and the timeline are in :mod:`vemgorvad.graph.legal_view`;
* :func:`source_view` — the documents section by section, each passage with its anchor
  and the spans of the actors and laws it mentions.

Labels come in Swedish (``label``) and, where the graph has one, English (``label_en``).

>>> from vemgorvad.pipeline import current_build, load_graph  # doctest: +SKIP
>>> kg = KnowledgeGraph(load_graph(current_build()))  # doctest: +SKIP
>>> [n["label"] for n in actor_map(kg, law="SOSFS 2014:4")["nodes"]]  # doctest: +SKIP
['Socialtjänsten']
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS
from rdflib.term import Node

from vemgorvad.graph.model import Entity, Fact, KnowledgeGraph, relation_name
from vemgorvad.text import fold
from vemgorvad.vocab import VGV

logger = logging.getLogger(__name__)

__all__ = [
    "ACTOR_STYLES",
    "RELATION_COLOURS",
    "actor_map",
    "documents",
    "map_filters",
    "map_graphml",
    "matrix_filters",
    "node_details",
    "passage_anchor",
    "relation_labels",
    "resolve",
    "responsibility_matrix",
    "source_view",
]

ACTOR_STYLES: dict[str, tuple[str, str]] = {
    "MunicipalActor": ("municipal", "#4d7c0f"),
    "RegionalActor": ("regional", "#aa4499"),
    "StateActor": ("state", "#1d4ed8"),
    "CivilSociety": ("civil", "#c2410c"),
    "HealthCare": ("health", "#332288"),
    "InternationalActor": ("international", "#1f2937"),
    "Academia": ("academia", "#6f4e37"),
}
"""Actor kind (the ``vgv:actorKind`` concept's local name) → (colour class, colour), in
the order the views list them: the social services' own level first. The colours were
chosen to stay apart for colour-blind readers (CIELAB ΔE ≥ 10 between any two, also as
seen with deuteranopia, protanopia and tritanopia, and white text readable on each:
``tests/ui/test_palette.py``)."""

KIND_ORDER = {category: number for number, category in enumerate(ACTOR_STYLES)}

OTHER_STYLE = ("other", "#525252")
"""The colour class and colour of an actor without a known kind."""

RELATION_COLOURS: dict[str, str] = {
    "partOf": "#64748b",
    "hasUnit": "#64748b",
    "funds": "#ca8a04",
    "collaboratesWith": "#16a34a",
    "coordinates": "#2563eb",
    "commissions": "#9333ea",
    "reportsTo": "#db2777",
    "runs": "#ea580c",
    "supports": "#0891b2",
    "refersTo": "#dc2626",
    "placedAt": "#78716c",
    "memberOf": "#4f46e5",
    "employs": "#a16207",
    "responsibleFor": "#0f766e",
}
"""Relation (short name) → edge colour; other relations are drawn grey."""

ORIGIN_CURATED, ORIGIN_CORPUS, ORIGIN_EXTRACTED = "curated", "corpus", "extracted"

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


# --- small helpers ------------------------------------------------------------------------


def passage_anchor(passage_id: str) -> str:
    """A passage id as a safe HTML ``id`` (and CSS identifier): letters, digits, ``-``, ``_``.

    Every character but letters, digits and ``-`` becomes its code point in hex between
    underscores, so distinct ids give distinct anchors.

    >>> passage_anchor("SFS 2001:453 5 kap. 11 §")
    'p-SFS_20_2001_3a_453_20_5_20_kap_2e__20_11_20__a7_'
    >>> passage_anchor('x"><img src=x onerror=alert(1)>')
    'p-x_22__3e__3c_img_20_src_3d_x_20_onerror_3d_alert_28_1_29__3e_'
    """
    return "p-" + _ANCHOR_UNSAFE.sub(lambda m: f"_{ord(m.group(0)):x}_", passage_id)


def _labels(kg: KnowledgeGraph, node: Node | str, predicate: URIRef = SKOS.prefLabel) -> dict:
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
    return {"label": sv or _local(str(node)), "label_en": values.get("en")}


def _local(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri:
            iri = iri.rsplit(separator, 1)[1]
    return iri


def _origin(kg: KnowledgeGraph, iri: str) -> str:
    """Where a node comes from: the curated data, the corpus loader or the extractor."""
    generated = set(kg.graph.objects(URIRef(iri), PROV.wasGeneratedBy))
    if VGV.extractor in generated:
        return ORIGIN_EXTRACTED
    if generated:
        return ORIGIN_CORPUS
    return ORIGIN_CURATED


def _ref(kg: KnowledgeGraph, iri: str) -> dict[str, Any]:
    """An entity as the views show it: id, labels and (for laws) citation."""
    entity = kg.entity(iri)
    if entity is None:
        return {"id": iri, **_labels(kg, iri)}
    out: dict[str, Any] = {"id": iri, "label": entity.label, "label_en": entity.label_en}
    if entity.citation:
        out["citation"] = entity.citation
    return out


def resolve(kg: KnowledgeGraph, name: str | None, kind: str | None = None) -> str | None:
    """The IRI an IRI, label, alternative label or citation denotes (case folded).

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


def relation_labels(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Relation short name (partOf, funds …) → its Swedish and English labels."""
    out: dict[str, dict[str, Any]] = {}
    for prop in kg.graph.subjects(RDF.type, VGV.RelationProperty):
        out[relation_name(str(prop))] = _labels(kg, prop, RDFS.label)
    return out


def _kind_labels(kg: KnowledgeGraph, category: str | None) -> dict[str, Any]:
    if not category:
        return {"label": "", "label_en": None}
    return _labels(kg, VGV[category])


def _narrower_closure(kg: KnowledgeGraph, group: str) -> set[str]:
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


def _law_closure(kg: KnowledgeGraph, law: str) -> set[str]:
    """The regulation and its parts (provisions ``dcterms:isPartOf`` it)."""
    return {law, *(str(p) for p in kg.graph.subjects(DCTERMS.isPartOf, URIRef(law)))}


def _is_actor(kg: KnowledgeGraph, iri: str) -> bool:
    entity = kg.entity(iri)
    return entity is not None and entity.kind == "actor"


def _passage_document(kg: KnowledgeGraph) -> dict[str, str]:
    """Passage id → its document's id."""
    out: dict[str, str] = {}
    for passage_iri, passage_id in kg.passage_ids.items():
        document = kg.graph.value(URIRef(passage_iri), DCTERMS.isPartOf)
        if document is not None:
            identifier = kg.graph.value(document, DCTERMS.identifier)
            out[passage_id] = str(identifier) if identifier is not None else _local(str(document))
    return out


def _passage_info(kg: KnowledgeGraph, passage_iri: Node | str) -> dict[str, Any] | None:
    passage_id = kg.passage_ids.get(str(passage_iri))
    if passage_id is None:
        return None
    document = kg.graph.value(URIRef(str(passage_iri)), DCTERMS.isPartOf)
    identifier = kg.graph.value(document, DCTERMS.identifier) if document is not None else None
    section = kg.graph.value(URIRef(str(passage_iri)), VGV.section)
    ordinal = kg.graph.value(URIRef(str(passage_iri)), VGV.ordinal)
    return {
        "id": passage_id,
        "anchor": passage_anchor(passage_id),
        "document": str(identifier) if identifier is not None else "",
        "section": str(section) if section is not None else "",
        "ordinal": int(ordinal.toPython()) if isinstance(ordinal, Literal) else 0,
    }


def _fact_source(fact: Fact) -> dict[str, Any]:
    return {
        "passage_id": fact.passage_id,
        "anchor": passage_anchor(fact.passage_id) if fact.passage_id else None,
        "quote": fact.quote,
    }


def _duty(kg: KnowledgeGraph, fact: Fact) -> dict[str, Any]:
    """A duty as the views show it."""
    return {
        "id": fact.iri,
        "statement": fact.statement,
        "statement_en": fact.statement_en,
        "laws": [_ref(kg, law) for law in fact.laws],
        "groups": [_ref(kg, group) for group in fact.groups],
        "since": fact.since,
        "extracted": fact.extracted,
        **_fact_source(fact),
    }


# --- documents ----------------------------------------------------------------------------


def documents(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """The corpus documents: id, title, date and kind; memos first, then statutes by id."""
    out = []
    for node in kg.graph.subjects(RDF.type, VGV.Document):
        identifier = kg.graph.value(node, DCTERMS.identifier)
        title = kg.graph.value(node, DCTERMS.title)
        date = kg.graph.value(node, DCTERMS.date)
        kind = kg.graph.value(node, VGV.kind)
        out.append(
            {
                "id": str(identifier) if identifier is not None else _local(str(node)),
                "iri": str(node),
                "title": str(title) if title is not None else "",
                "date": str(date) if date is not None else None,
                "kind": str(kind) if kind is not None else "",
            }
        )
    out.sort(key=lambda d: (d["kind"] == "statute", d["id"]))
    return out


# --- the actor map ------------------------------------------------------------------------


def _actor_node(kg: KnowledgeGraph, entity: Entity) -> dict[str, Any]:
    colour_class, colour = ACTOR_STYLES.get(entity.category or "", OTHER_STYLE)
    kind = _kind_labels(kg, entity.category)
    facts = kg.facts_by_entity.get(entity.iri, [])
    return {
        "id": entity.iri,
        "label": entity.label,
        "label_en": entity.label_en,
        "alt_labels": list(entity.alt_labels),
        "kind": entity.category or "",
        "kind_label": kind["label"],
        "kind_label_en": kind["label_en"],
        "colour_class": colour_class,
        "colour": colour,
        "definition": entity.definition,
        "duties": sum(1 for f in facts if f.kind == "duty" and f.subject == entity.iri),
        "extracted": entity.extracted,
    }


def _bound_by(kg: KnowledgeGraph, law: str) -> set[str]:
    """Actors a regulation binds: duty bearers with it (or a part of it) as legal basis,
    and actors governed by it or party to it."""
    laws = _law_closure(kg, law)
    actors: set[str] = set()
    for iri in laws:
        for fact in kg.facts_by_entity.get(iri, ()):
            if (fact.kind == "duty" and laws & set(fact.laws)) or (
                fact.kind == "relationship"
                and fact.relation in ("governedBy", "partyTo")
                and laws & set(fact.objects)
            ):
                actors.add(fact.subject)
    return {a for a in actors if _is_actor(kg, a)}


def _serving(kg: KnowledgeGraph, group: str) -> set[str]:
    """Actors with a duty or relationship toward the group or a narrower one."""
    groups = _narrower_closure(kg, group)
    actors: set[str] = set()
    for fact in kg.facts.values():
        if fact.kind not in ("duty", "relationship") or not groups & set(fact.groups):
            continue
        actors.add(fact.subject)
        if fact.kind == "relationship":
            actors.update(fact.objects)
    return {a for a in actors if _is_actor(kg, a)}


def _in_document(kg: KnowledgeGraph, document: str) -> tuple[set[str], set[str]]:
    """Actors a document involves (mentioned, or party to a fact sourced in it) and the
    ids of its passages."""
    by_document = _passage_document(kg)
    passages = {pid for pid, doc in by_document.items() if doc == document}
    actors: set[str] = set()
    for passage_iri, passage_id in kg.passage_ids.items():
        if passage_id in passages:
            actors.update(str(a) for a in kg.graph.objects(URIRef(passage_iri), VGV.mentions))
    for passage_id in passages:
        for fact in kg.facts_by_passage.get(passage_id, ()):
            actors.update(fact.entities)
    return {a for a in actors if _is_actor(kg, a)}, passages


def _document_id(kg: KnowledgeGraph, document: str) -> str | None:
    for doc in documents(kg):
        if document in (doc["id"], doc["iri"]) or fold(document) == fold(doc["title"]):
            return str(doc["id"])
    return None


def _map_edges(
    kg: KnowledgeGraph, actors: set[str], relation: str | None, passages: set[str] | None
) -> list[dict[str, Any]]:
    """The relationships between the kept actors (of one relation, from some passages)."""
    relations_named = relation_labels(kg)
    curated = {
        (f.subject, f.relation, obj)
        for f in kg.facts.values()
        if f.kind == "relationship" and not f.extracted
        for obj in f.objects
    }
    edges = []
    for fact in kg.facts.values():
        if fact.kind != "relationship" or fact.subject not in actors:
            continue
        if relation and fact.relation != relation:
            continue
        if passages is not None and fact.passage_id not in passages:
            continue
        labels = relations_named.get(fact.relation, {"label": fact.relation, "label_en": None})
        for obj in fact.objects:
            if obj not in actors:
                continue
            if fact.extracted and (fact.subject, fact.relation, obj) in curated:
                continue  # the curated edge stands for what the extraction also found
            edges.append(
                {
                    "id": f"{fact.iri}|{obj}",
                    "fact": fact.iri,
                    "from": fact.subject,
                    "to": obj,
                    "relation": fact.relation,
                    "relation_label": labels["label"],
                    "relation_label_en": labels["label_en"],
                    "colour": RELATION_COLOURS.get(fact.relation, OTHER_STYLE[1]),
                    "statement": fact.statement,
                    "statement_en": fact.statement_en,
                    "passage_id": fact.passage_id,
                    "quote": fact.quote,
                    "extracted": fact.extracted,
                }
            )
    return edges


def actor_map(
    kg: KnowledgeGraph,
    law: str | None = None,
    group: str | None = None,
    relation: str | None = None,
    document: str | None = None,
    include_extracted: bool = False,
) -> dict[str, Any]:
    """The actors and the relations between them, for a network drawing.

    Args:
        kg: the knowledge graph.
        law: keep the actors this regulation binds (IRI, label or citation, e.g.
            "SOSFS 2014:4"); duties under one of its provisions count.
        group: keep the actors with duties toward this target group or a narrower one.
        relation: keep only edges of this relation (partOf, funds …) and their actors.
        document: keep the actors a document involves and the relations it sources.
        include_extracted: also show actors that only the automatic extraction found.

    Returns:
        ``{"nodes": [...], "edges": [...], "filters": {...}, "unknown": [...]}``. A node
        has id, label, label_en, kind (the actor kind's local name), kind_label(_en),
        colour_class, colour, definition, duties (how many) and extracted; an edge has
        id (the fact), from, to, relation, relation_label(_en), colour, statement(_en),
        passage_id, quote and extracted. ``unknown`` names a filter value nothing is called, and
        then the map is empty.
    """
    actors = {
        iri
        for iri, entity in kg.entities.items()
        if entity.kind == "actor" and (include_extracted or not entity.extracted)
    }
    filters = {"law": law, "group": group, "relation": relation, "document": document}
    unknown: list[str] = []
    document_passages: set[str] | None = None
    if law:
        law_iri = resolve(kg, law, "law")
        actors &= _bound_by(kg, law_iri) if law_iri else set()
        if not law_iri:
            unknown.append("law")
    if group:
        group_iri = resolve(kg, group, "group")
        actors &= _serving(kg, group_iri) if group_iri else set()
        if not group_iri:
            unknown.append("group")
    if document:
        document_id = _document_id(kg, document)
        if document_id:
            involved, document_passages = _in_document(kg, document_id)
            actors &= involved
        else:
            actors = set()
            unknown.append("document")
    edges = _map_edges(kg, actors, relation, document_passages)
    if relation:
        actors = {edge["from"] for edge in edges} | {edge["to"] for edge in edges}
    nodes = [_actor_node(kg, kg.entities[iri]) for iri in actors]
    nodes.sort(key=lambda n: (KIND_ORDER.get(n["kind"], 99), n["label"].casefold()))
    edges.sort(key=lambda e: (e["relation"], e["from"], e["to"]))
    return {"nodes": nodes, "edges": edges, "filters": filters, "unknown": unknown}


def map_filters(kg: KnowledgeGraph) -> dict[str, list[dict[str, Any]]]:
    """What the map's filters offer: only values that keep at least one actor.

    Returns:
        ``{"laws", "groups", "relations", "documents", "kinds"}``, each a list of
        ``{"id", "label", "label_en"}`` (laws also with ``citation`` and ``count``).
    """
    laws = []
    for iri, entity in kg.entities.items():
        if entity.kind != "law" or (entity.extracted and not kg.facts_by_entity.get(iri)):
            continue
        # the map shows curated actors by default: offer a law that binds one of them
        bound = {a for a in _bound_by(kg, iri) if not kg.entities[a].extracted}
        if bound:
            laws.append({**_ref(kg, iri), "count": len(bound)})
    laws.sort(key=lambda law: law["label"].casefold())
    groups = []
    for iri, entity in kg.entities.items():
        if entity.kind == "group" and _serving(kg, iri):
            groups.append(_ref(kg, iri))
    groups.sort(key=lambda group: group["label"].casefold())
    relations_named = relation_labels(kg)
    used = sorted(
        {
            f.relation
            for f in kg.facts.values()
            if f.kind == "relationship"
            and _is_actor(kg, f.subject)
            and any(_is_actor(kg, o) for o in f.objects)
        }
    )
    relations = [
        {"id": r, **relations_named.get(r, {"label": r, "label_en": None}), "colour": c}
        for r in used
        for c in [RELATION_COLOURS.get(r, OTHER_STYLE[1])]
    ]
    kinds = [
        {"id": category, "colour_class": style[0], "colour": style[1], **_kind_labels(kg, category)}
        for category, style in ACTOR_STYLES.items()
    ]
    docs = [
        {"id": d["id"], "label": d["title"], "label_en": None, "date": d["date"]}
        for d in documents(kg)
    ]
    return {
        "laws": laws,
        "groups": groups,
        "relations": relations,
        "documents": docs,
        "kinds": kinds,
    }


def map_graphml(data: Mapping[str, Any]) -> str:
    """An actor map (from :func:`actor_map`) as a GraphML document."""
    network = nx.MultiDiGraph()
    for node in data["nodes"]:
        network.add_node(
            node["id"],
            label=node["label"],
            label_en=node.get("label_en") or "",
            kind=node["kind"],
            colour=node["colour"],
        )
    for edge in data["edges"]:
        network.add_edge(
            edge["from"],
            edge["to"],
            key=edge["id"],
            relation=edge["relation"],
            label=edge["relation_label"],
            statement=edge["statement"],
            passage_id=edge.get("passage_id") or "",
        )
    return "\n".join(nx.generate_graphml(network)) + "\n"


# --- one node -----------------------------------------------------------------------------


def node_details(kg: KnowledgeGraph, iri: str) -> dict[str, Any] | None:
    """What the graph says of one entity (usually an actor).

    Returns:
        None for an unknown IRI, else ``{"id", "label", "label_en", "alt_labels",
        "kind", "kind_label", "kind_label_en", "colour_class", "definition", "extracted",
        "duties", "laws", "relations", "passages"}``: its duties (statement, laws,
        groups, since, passage and quote), the laws behind its duties or governing it,
        its relations to other entities (``direction`` "out" or "in") and the passages
        that mention it or source a fact about it, in document order.
    """
    entity = kg.entity(iri)
    if entity is None:
        return None
    if entity.kind == "actor":
        colour_class = ACTOR_STYLES.get(entity.category or "", OTHER_STYLE)[0]
        kind = _kind_labels(kg, entity.category)
    else:
        colour_class, kind = entity.kind, _kind_labels(kg, entity.category)
    relations_named = relation_labels(kg)
    duties, relations = [], []
    laws: dict[str, dict[str, Any]] = {}
    passage_iris: set[str] = {str(p) for p in kg.graph.subjects(VGV.mentions, URIRef(iri))} | {
        str(p) for p in kg.graph.subjects(VGV.cites, URIRef(iri))
    }
    reverse_ids = {pid: piri for piri, pid in kg.passage_ids.items()}
    for fact in kg.facts_by_entity.get(iri, ()):
        if fact.passage_id in reverse_ids:
            passage_iris.add(reverse_ids[fact.passage_id])
        if fact.kind == "duty" and fact.subject == iri:
            duties.append(_duty(kg, fact))
            for law in fact.laws:
                laws.setdefault(law, _ref(kg, law))
        elif fact.kind == "relationship":
            labels = relations_named.get(fact.relation, {"label": fact.relation, "label_en": None})
            others = fact.objects if fact.subject == iri else (fact.subject,)
            for other in others:
                relations.append(
                    {
                        "fact": fact.iri,
                        "relation": fact.relation,
                        "relation_label": labels["label"],
                        "relation_label_en": labels["label_en"],
                        "direction": "out" if fact.subject == iri else "in",
                        "other": _ref(kg, other),
                        "statement": fact.statement,
                        "statement_en": fact.statement_en,
                        **_fact_source(fact),
                    }
                )
                if fact.relation in ("governedBy", "partyTo") and fact.subject == iri:
                    laws.setdefault(other, _ref(kg, other))
    passages = [p for p in (_passage_info(kg, piri) for piri in passage_iris) if p]
    passages.sort(key=lambda p: (p["document"].startswith("SFS"), p["document"], p["ordinal"]))
    return {
        "id": iri,
        "label": entity.label,
        "label_en": entity.label_en,
        "alt_labels": list(entity.alt_labels),
        "kind": entity.category or entity.kind,
        "kind_label": kind["label"],
        "kind_label_en": kind["label_en"],
        "colour_class": colour_class,
        "definition": entity.definition,
        "extracted": entity.extracted,
        "duties": duties,
        "laws": sorted(laws.values(), key=lambda law: law["label"].casefold()),
        "relations": sorted(relations, key=lambda r: (r["relation"], r["other"]["label"])),
        "passages": passages,
    }


# --- the responsibility matrix ------------------------------------------------------------


def responsibility_matrix(
    kg: KnowledgeGraph,
    actor_kind: str | None = None,
    law: str | None = None,
    include_ungrouped: bool = False,
) -> dict[str, Any]:
    """Actors × target groups: each cell the duties binding that actor toward that group.

    A duty toward a narrower group (``skos:broader``) also counts in the broader group's
    cell, marked with ``via`` (the narrower group it names).

    Args:
        kg: the knowledge graph.
        actor_kind: only actors of this kind (local name, e.g. "MunicipalActor", or its
            Swedish or English label).
        law: only duties with this regulation (or one of its provisions) as legal basis.
        include_ungrouped: add a column (id "") for duties that name no target group.

    Returns:
        ``{"groups": [...], "rows": [...]}``: the columns (``{"id", "label",
        "label_en", "broader"}``, broader groups before their narrower ones) and one row
        per actor with at least one duty: ``{"actor": {...}, "cells": {group id:
        [duty, ...]}}``, each duty with statement, laws, groups, since, passage_id,
        anchor, quote and ``via``.
    """
    kind_key = None
    if actor_kind:
        kind_key = next(
            (
                category
                for category in ACTOR_STYLES
                if fold(actor_kind)
                in {fold(category), *(fold(v or "") for v in _kind_labels(kg, category).values())}
            ),
            actor_kind,
        )
    laws = _law_closure(kg, resolve(kg, law, "law") or law) if law else None
    broader: dict[str, set[str]] = defaultdict(set)
    for narrower_node, broader_node in kg.graph.subject_objects(SKOS.broader):
        broader[str(narrower_node)].add(str(broader_node))

    def ancestors(group: str) -> set[str]:
        seen: set[str] = set()
        todo = [group]
        while todo:
            for parent in broader.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    rows: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for fact in sorted(kg.facts.values(), key=lambda f: f.iri):
        if fact.kind != "duty" or not _is_actor(kg, fact.subject):
            continue
        entity = kg.entities[fact.subject]
        if kind_key and entity.category != kind_key:
            continue
        if laws is not None and not laws & set(fact.laws):
            continue
        cells = rows[fact.subject]
        duty = _duty(kg, fact)
        placed: set[str] = set()
        for group in fact.groups:
            if group not in placed:
                cells[group].append({**duty, "via": None})
                placed.add(group)
        for group in fact.groups:
            for parent in ancestors(group):
                if parent not in placed:
                    cells[parent].append({**duty, "via": _ref(kg, group)})
                    placed.add(parent)
        if not fact.groups and include_ungrouped:
            cells[""].append({**duty, "via": None})
    used = {group for cells in rows.values() for group in cells}
    groups = [
        {**_ref(kg, g), "broader": sorted(broader.get(g, ()))}
        for g in used
        if g and g in kg.entities
    ]

    actors_in = {g: sum(1 for cells in rows.values() if cells.get(g)) for g in used}

    def top_of(group: str) -> str:
        while broader.get(group) and sorted(broader[group])[0] in used:
            group = sorted(broader[group])[0]
        return group

    def group_order(group: dict[str, Any]) -> tuple[int, str, int, int, str]:
        top = top_of(group["id"])
        own = top == group["id"]
        return (
            -actors_in[top],
            kg.entities[top].label.casefold(),
            0 if own else 1,
            -actors_in[group["id"]],
            group["label"].casefold(),
        )

    groups.sort(key=group_order)
    if "" in used:
        groups.append(
            {
                "id": "",
                "label": "Ingen målgrupp angiven",
                "label_en": "No target group named",
                "broader": [],
            }
        )
    out_rows = []
    for actor, cells in rows.items():
        out_rows.append({"actor": _actor_node(kg, kg.entities[actor]), "cells": dict(cells)})
    out_rows.sort(
        key=lambda r: (KIND_ORDER.get(r["actor"]["kind"], 99), r["actor"]["label"].casefold())
    )
    return {"groups": groups, "rows": out_rows}


# --- the sources --------------------------------------------------------------------------


def _mention_spans(kg: KnowledgeGraph) -> dict[str, list[tuple[str, str, bool]]]:
    """Passage id → [(entity IRI, matched text, is a citation)] from the mention nodes."""
    out: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for mention in kg.graph.subjects(RDF.type, VGV.Mention):
        passage = kg.graph.value(mention, VGV.passage)
        entity = kg.graph.value(mention, VGV.entity)
        matched = kg.graph.value(mention, VGV.matchedText)
        passage_id = kg.passage_ids.get(str(passage))
        if passage_id and entity is not None and matched is not None:
            citation = (mention, RDF.type, VGV.LegalReference) in kg.graph
            out[passage_id].append((str(entity), str(matched), citation))
    return out


def _spans(kg: KnowledgeGraph, text: str, found: Iterable[tuple[str, str, bool]]) -> list[dict]:
    candidates = []
    for iri, matched, citation in found:
        if not matched.strip():
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(matched)}(?!\w)")
        hits = list(pattern.finditer(text)) or list(
            re.finditer(pattern.pattern, text, re.IGNORECASE)
        )
        entity = kg.entity(iri)
        kind = "law" if citation or (entity and entity.kind in ("law", "provision")) else "actor"
        for hit in hits:
            candidates.append((hit.start(), hit.end(), iri, kind))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    spans: list[dict] = []
    end = -1
    for start, stop, iri, kind in candidates:
        if start < end:
            continue
        spans.append({"start": start, "end": stop, "entity": iri, "kind": kind, **_ref(kg, iri)})
        end = stop
    return spans


def source_view(kg: KnowledgeGraph, passages: Mapping[str, Any] | Iterable[Any]) -> list[dict]:
    """The documents section by section, every passage with its anchor and mention spans.

    Args:
        kg: the knowledge graph (documents' titles, the extractor's mentions).
        passages: the corpus passages (objects with id, document, section, text and
            ordinal), e.g. ``engine.passages``.

    Returns:
        One dict per document (memos first): id, title, date, kind and ``sections``, each
        ``{"title", "passages": [{"id", "anchor", "ordinal", "text", "spans"}]}`` in
        document order; a span is ``{"start", "end", "entity", "kind" ("actor" |
        "law"), "label", "label_en"}``, non-overlapping and in order.
    """
    items = list(passages.values()) if isinstance(passages, Mapping) else list(passages)
    mentions = _mention_spans(kg)
    by_document: dict[str, list[Any]] = defaultdict(list)
    for passage in items:
        by_document[passage.document].append(passage)
    known = {d["id"]: d for d in documents(kg)}
    order = [d["id"] for d in documents(kg) if d["id"] in by_document]
    order += sorted(set(by_document) - set(order))
    out = []
    for document_id in order:
        sections: list[dict[str, Any]] = []
        for passage in sorted(by_document[document_id], key=lambda p: p.ordinal):
            if not sections or sections[-1]["title"] != passage.section:
                sections.append({"title": passage.section, "passages": []})
            sections[-1]["passages"].append(
                {
                    "id": passage.id,
                    "anchor": passage_anchor(passage.id),
                    "ordinal": passage.ordinal,
                    "text": passage.text,
                    "spans": _spans(kg, passage.text, mentions.get(passage.id, ())),
                }
            )
        meta = known.get(document_id, {})
        out.append(
            {
                "id": document_id,
                "anchor": passage_anchor(f"doc {document_id}"),
                "title": meta.get("title") or document_id,
                "date": meta.get("date"),
                "kind": meta.get("kind", ""),
                "sections": sections,
            }
        )
    return out


def matrix_filters(kg: KnowledgeGraph) -> dict[str, list[dict[str, Any]]]:
    """What the matrix's filters offer: the actor kinds of duty bearers, and the acts
    (a provision counts as its act) that are the legal basis of at least one duty.

    Returns:
        ``{"kinds": [{"id", "label", "label_en", "colour_class", "colour"}], "laws":
        [{"id", "label", "label_en", "citation"}]}``.
    """
    categories: set[str] = set()
    laws: set[str] = set()
    for fact in kg.facts.values():
        if fact.kind != "duty" or not _is_actor(kg, fact.subject):
            continue
        categories.add(kg.entities[fact.subject].category or "")
        for law in fact.laws:
            act = kg.graph.value(URIRef(law), DCTERMS.isPartOf)
            laws.add(str(act) if act is not None and str(act) in kg.entities else law)
    kinds = [
        {"id": category, "colour_class": style[0], "colour": style[1], **_kind_labels(kg, category)}
        for category, style in ACTOR_STYLES.items()
        if category in categories
    ]
    return {
        "kinds": kinds,
        "laws": sorted((_ref(kg, law) for law in laws), key=lambda law: law["label"].casefold()),
    }
