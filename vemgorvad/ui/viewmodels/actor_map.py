"""The actor map: the actors and the relations between them, for a network drawing.

* :func:`actor_map` — the actors and their relations, filterable by law, target group,
  relation and document; :func:`map_filters` lists what the filters offer and
  :func:`map_graphml` writes a map as GraphML;
* :func:`node_details` — one entity's duties, laws, relations and passages.

>>> from vemgorvad.pipeline import current_build, load_graph  # doctest: +SKIP
>>> kg = KnowledgeGraph(load_graph(current_build()))  # doctest: +SKIP
>>> [n["label"] for n in actor_map(kg, law="SOSFS 2014:4")["nodes"]]  # doctest: +SKIP
['Socialtjänsten']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
from rdflib import URIRef

from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.graph.walks import (
    bound_by,
    in_document,
    is_actor,
    relation_labels,
    resolve,
    serving,
)
from vemgorvad.text import fold
from vemgorvad.ui.viewmodels.common import (
    ACTOR_STYLES,
    OTHER_STYLE,
    RELATION_COLOURS,
    actor_node,
    actor_order,
    documents,
    duty,
    fact_source,
    kind_labels,
    passage_info,
    ref,
)
from vemgorvad.vocab import VGV

__all__ = ["actor_map", "map_filters", "map_graphml", "node_details"]


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
        actors &= bound_by(kg, law_iri) if law_iri else set()
        if not law_iri:
            unknown.append("law")
    if group:
        group_iri = resolve(kg, group, "group")
        actors &= serving(kg, group_iri) if group_iri else set()
        if not group_iri:
            unknown.append("group")
    if document:
        document_id = _document_id(kg, document)
        if document_id:
            involved, document_passages = in_document(kg, document_id)
            actors &= involved
        else:
            actors = set()
            unknown.append("document")
    edges = _map_edges(kg, actors, relation, document_passages)
    if relation:
        actors = {edge["from"] for edge in edges} | {edge["to"] for edge in edges}
    nodes = [actor_node(kg, kg.entities[iri]) for iri in actors]
    nodes.sort(key=actor_order)
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
        bound = {a for a in bound_by(kg, iri) if not kg.entities[a].extracted}
        if bound:
            laws.append({**ref(kg, iri), "count": len(bound)})
    laws.sort(key=lambda law: law["label"].casefold())
    groups = []
    for iri, entity in kg.entities.items():
        if entity.kind == "group" and serving(kg, iri):
            groups.append(ref(kg, iri))
    groups.sort(key=lambda group: group["label"].casefold())
    relations_named = relation_labels(kg)
    used = sorted(
        {
            f.relation
            for f in kg.facts.values()
            if f.kind == "relationship"
            and is_actor(kg, f.subject)
            and any(is_actor(kg, o) for o in f.objects)
        }
    )
    relations = [
        {"id": r, **relations_named.get(r, {"label": r, "label_en": None}), "colour": c}
        for r in used
        for c in [RELATION_COLOURS.get(r, OTHER_STYLE[1])]
    ]
    kinds = [
        {"id": category, "colour_class": style[0], "colour": style[1], **kind_labels(kg, category)}
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
        kind = kind_labels(kg, entity.category)
    else:
        colour_class, kind = entity.kind, kind_labels(kg, entity.category)
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
            duties.append(duty(kg, fact))
            for law in fact.laws:
                laws.setdefault(law, ref(kg, law))
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
                        "other": ref(kg, other),
                        "statement": fact.statement,
                        "statement_en": fact.statement_en,
                        **fact_source(fact),
                    }
                )
                if fact.relation in ("governedBy", "partyTo") and fact.subject == iri:
                    laws.setdefault(other, ref(kg, other))
    passages = [p for p in (passage_info(kg, piri) for piri in passage_iris) if p]
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

