"""What every view shows alike: an entity, a duty, a passage, a document, and the colours.

The colours are data (``palette.json``): the actor kinds' colour classes and colours in
the order the views list them, and an edge colour per relation. Labels come in Swedish
(``label``) and, where the graph has one, English (``label_en``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rdflib import RDF, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from vemgorvad.graph.model import Entity, Fact, KnowledgeGraph
from vemgorvad.graph.walks import labels, local_name
from vemgorvad.text import fold
from vemgorvad.vocab import VGV

__all__ = [
    "ACTOR_STYLES",
    "KIND_ORDER",
    "OTHER_STYLE",
    "RELATION_COLOURS",
    "actor_node",
    "actor_order",
    "documents",
    "duty",
    "fact_source",
    "kind_key",
    "kind_labels",
    "passage_anchor",
    "passage_info",
    "ref",
]

_PALETTE = json.loads((Path(__file__).with_name("palette.json")).read_text(encoding="utf-8"))

ACTOR_STYLES: dict[str, tuple[str, str]] = {
    kind: (style[0], style[1]) for kind, style in _PALETTE["actor_kinds"].items()
}
"""Actor kind (the ``vgv:actorKind`` concept's local name) → (colour class, colour), in
the order the views list them: the social services' own level first. The colours stay
apart for colour-blind readers (``tests/ui/test_palette.py``)."""

KIND_ORDER = {category: number for number, category in enumerate(ACTOR_STYLES)}

OTHER_STYLE: tuple[str, str] = (_PALETTE["other_actor"][0], _PALETTE["other_actor"][1])
"""The colour class and colour of an actor without a known kind."""

RELATION_COLOURS: dict[str, str] = dict(_PALETTE["relations"])
"""Relation (short name) → edge colour; other relations are drawn grey."""

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9-]")


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


def ref(kg: KnowledgeGraph, iri: str) -> dict[str, Any]:
    """An entity as the views show it: id, labels and (for laws) citation."""
    entity = kg.entity(iri)
    if entity is None:
        return {"id": iri, **labels(kg, iri)}
    out: dict[str, Any] = {"id": iri, "label": entity.label, "label_en": entity.label_en}
    if entity.citation:
        out["citation"] = entity.citation
    return out


def kind_labels(kg: KnowledgeGraph, category: str | None) -> dict[str, Any]:
    """The Swedish and English labels of an actor kind (empty for none)."""
    if not category:
        return {"label": "", "label_en": None}
    return labels(kg, VGV[category])


def kind_key(kg: KnowledgeGraph, actor_kind: str | None) -> str | None:
    """The actor kind a filter value names: its local name, or its Swedish or English
    label (folded); an unknown value is kept as it is (and then matches no actor)."""
    if not actor_kind:
        return None
    for category in ACTOR_STYLES:
        names = {fold(category), *(fold(v or "") for v in kind_labels(kg, category).values())}
        if fold(actor_kind) in names:
            return category
    return actor_kind


def passage_info(kg: KnowledgeGraph, passage_iri: Node | str) -> dict[str, Any] | None:
    """A passage as the views link it: id, anchor, document, section and ordinal."""
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


def fact_source(fact: Fact) -> dict[str, Any]:
    """Where a fact comes from: its passage (and anchor) and its quote."""
    return {
        "passage_id": fact.passage_id,
        "anchor": passage_anchor(fact.passage_id) if fact.passage_id else None,
        "quote": fact.quote,
    }


def duty(kg: KnowledgeGraph, fact: Fact) -> dict[str, Any]:
    """A duty as the views show it."""
    return {
        "id": fact.iri,
        "statement": fact.statement,
        "statement_en": fact.statement_en,
        "laws": [ref(kg, law) for law in fact.laws],
        "groups": [ref(kg, group) for group in fact.groups],
        "since": fact.since,
        "extracted": fact.extracted,
        **fact_source(fact),
    }


def actor_node(kg: KnowledgeGraph, entity: Entity) -> dict[str, Any]:
    """An actor as the map and the matrices show it: labels, kind, colour, duties."""
    colour_class, colour = ACTOR_STYLES.get(entity.category or "", OTHER_STYLE)
    kind = kind_labels(kg, entity.category)
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


def actor_order(node: dict[str, Any]) -> tuple[int, str]:
    """The order actors are listed in: by kind (as :data:`ACTOR_STYLES`), then label."""
    return (KIND_ORDER.get(node["kind"], 99), node["label"].casefold())


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
                "id": str(identifier) if identifier is not None else local_name(str(node)),
                "iri": str(node),
                "title": str(title) if title is not None else "",
                "date": str(date) if date is not None else None,
                "kind": str(kind) if kind is not None else "",
            }
        )
    out.sort(key=lambda d: (d["kind"] == "statute", d["id"]))
    return out
