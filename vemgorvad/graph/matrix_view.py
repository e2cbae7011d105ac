"""Actors × laws: beside :func:`vemgorvad.graph.views.responsibility_matrix` (actors ×
target groups), the same duties by the regulation they stand on.

A duty under a provision ("5 kap. 11 § socialtjänstlagen") counts in its act's column
(``dcterms:isPartOf``), so the columns are the acts, conventions and plans themselves.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.graph.views import (
    ACTOR_STYLES,
    KIND_ORDER,
    _actor_node,
    _duty,
    _is_actor,
    _kind_labels,
    _ref,
)
from vemgorvad.text import fold

__all__ = ["law_matrix"]


def _act_of(kg: KnowledgeGraph, law: str) -> str:
    act = kg.graph.value(URIRef(law), DCTERMS.isPartOf)
    return str(act) if act is not None and str(act) in kg.entities else law


def _kind_key(kg: KnowledgeGraph, actor_kind: str | None) -> str | None:
    if not actor_kind:
        return None
    for category in ACTOR_STYLES:
        names = {fold(category), *(fold(v or "") for v in _kind_labels(kg, category).values())}
        if fold(actor_kind) in names:
            return category
    return actor_kind


def law_matrix(kg: KnowledgeGraph, actor_kind: str | None = None) -> dict[str, Any]:
    """Actors × regulations: each cell the duties of that actor with that act (or one of
    its provisions) as legal basis.

    Args:
        kg: the knowledge graph.
        actor_kind: only actors of this kind (as :func:`responsibility_matrix` takes it).

    Returns:
        ``{"groups": [...], "rows": [...]}`` in the shape of
        :func:`responsibility_matrix` (the columns under "groups" are the regulations,
        ``{"id", "label", "label_en", "citation", "broader": []}``, most actors first).
    """
    kind_key = _kind_key(kg, actor_kind)
    rows: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for fact in sorted(kg.facts.values(), key=lambda f: f.iri):
        if fact.kind != "duty" or not fact.laws or not _is_actor(kg, fact.subject):
            continue
        if kind_key and kg.entities[fact.subject].category != kind_key:
            continue
        duty = _duty(kg, fact)
        for act in dict.fromkeys(_act_of(kg, law) for law in fact.laws):
            provisions = [law for law in fact.laws if law != act and _act_of(kg, law) == act]
            via = _ref(kg, provisions[0]) if provisions else None
            rows[fact.subject][act].append({**duty, "via": via})
    actors_in: dict[str, int] = defaultdict(int)
    for cells in rows.values():
        for act in cells:
            actors_in[act] += 1
    columns = [{**_ref(kg, act), "broader": []} for act in actors_in]
    columns.sort(key=lambda c: (-actors_in[c["id"]], str(c["label"]).casefold()))
    out_rows = [
        {"actor": _actor_node(kg, kg.entities[actor]), "cells": dict(cells)}
        for actor, cells in rows.items()
    ]
    out_rows.sort(
        key=lambda r: (KIND_ORDER.get(r["actor"]["kind"], 99), r["actor"]["label"].casefold())
    )
    return {"groups": columns, "rows": out_rows}
