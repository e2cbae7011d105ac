"""The responsibility matrices: actors × target groups and actors × laws, each cell the
duties of that actor.

* :func:`responsibility_matrix` — actors × target groups; a broader group also holds
  the duties toward its narrower groups (``skos:broader``);
* :func:`law_matrix` — the same duties by the regulation they stand on, a provision
  counting in its act's column (``dcterms:isPartOf``);
* :func:`matrix_filters` — what the filters offer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from vemgorvad.graph.model import Fact, KnowledgeGraph
from vemgorvad.graph.walks import act_of, ancestors, broader_groups, is_actor, law_parts, resolve
from vemgorvad.ui.viewmodels.common import (
    ACTOR_STYLES,
    actor_node,
    actor_order,
    duty,
    kind_key,
    kind_labels,
    ref,
)
from vemgorvad.ui.views.i18n import t

__all__ = ["law_matrix", "matrix_filters", "responsibility_matrix"]

Cells = dict[str, dict[str, list[dict[str, Any]]]]
"""Actor → column id → the duties in that cell."""


def _duties(kg: KnowledgeGraph, kind: str | None) -> Iterator[Fact]:
    """The duties of actors (of one kind, when given), in IRI order."""
    for fact in sorted(kg.facts.values(), key=lambda f: f.iri):
        if fact.kind != "duty" or not is_actor(kg, fact.subject):
            continue
        if kind and kg.entities[fact.subject].category != kind:
            continue
        yield fact


def _rows(kg: KnowledgeGraph, cells: Cells) -> list[dict[str, Any]]:
    """One row per actor, ``{"actor", "cells"}``, in the order actors are listed."""
    rows = [
        {"actor": actor_node(kg, kg.entities[actor]), "cells": dict(by_column)}
        for actor, by_column in cells.items()
    ]
    rows.sort(key=lambda row: actor_order(row["actor"]))
    return rows


# --- actors × target groups ------------------------------------------------------------------


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
    laws = law_parts(kg, resolve(kg, law, "law") or law) if law else None
    broader = broader_groups(kg)
    cells = _group_cells(kg, kind_key(kg, actor_kind), laws, broader, include_ungrouped)
    return {"groups": _group_columns(kg, cells, broader), "rows": _rows(kg, cells)}


def _group_cells(
    kg: KnowledgeGraph,
    kind: str | None,
    laws: set[str] | None,
    broader: dict[str, set[str]],
    include_ungrouped: bool,
) -> Cells:
    """Each duty in the cells of the groups it names and, marked ``via``, of theirs above."""
    cells: Cells = defaultdict(lambda: defaultdict(list))
    for fact in _duties(kg, kind):
        if laws is not None and not laws & set(fact.laws):
            continue
        row = cells[fact.subject]
        shown = duty(kg, fact)
        placed: set[str] = set()
        for group in fact.groups:
            if group not in placed:
                row[group].append({**shown, "via": None})
                placed.add(group)
        for group in fact.groups:
            for parent in ancestors(broader, group):
                if parent not in placed:
                    row[parent].append({**shown, "via": ref(kg, group)})
                    placed.add(parent)
        if not fact.groups and include_ungrouped:
            row[""].append({**shown, "via": None})
    return cells


def _group_columns(
    kg: KnowledgeGraph, cells: Cells, broader: dict[str, set[str]]
) -> list[dict[str, Any]]:
    """The groups used, each broader group before its narrower ones, the groups with
    the most actors first; the column of duties naming no group last."""
    used = {group for row in cells.values() for group in row}
    actors_in = {g: sum(1 for row in cells.values() if row.get(g)) for g in used}

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

    columns = [
        {**ref(kg, g), "broader": sorted(broader.get(g, ()))}
        for g in used
        if g and g in kg.entities
    ]
    columns.sort(key=group_order)
    if "" in used:
        columns.append(
            {
                "id": "",
                "label": t("sv", "matrix_no_group"),
                "label_en": t("en", "matrix_no_group"),
                "broader": [],
            }
        )
    return columns


# --- actors × laws ---------------------------------------------------------------------------


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
    cells: Cells = defaultdict(lambda: defaultdict(list))
    for fact in _duties(kg, kind_key(kg, actor_kind)):
        if not fact.laws:
            continue
        shown = duty(kg, fact)
        for act in dict.fromkeys(act_of(kg, law) for law in fact.laws):
            provisions = [law for law in fact.laws if law != act and act_of(kg, law) == act]
            via = ref(kg, provisions[0]) if provisions else None
            cells[fact.subject][act].append({**shown, "via": via})
    actors_in: dict[str, int] = defaultdict(int)
    for row in cells.values():
        for act in row:
            actors_in[act] += 1
    columns = [{**ref(kg, act), "broader": []} for act in actors_in]
    columns.sort(key=lambda c: (-actors_in[c["id"]], str(c["label"]).casefold()))
    return {"groups": columns, "rows": _rows(kg, cells)}


# --- the filters -----------------------------------------------------------------------------


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
        if fact.kind != "duty" or not is_actor(kg, fact.subject):
            continue
        categories.add(kg.entities[fact.subject].category or "")
        laws.update(act_of(kg, law) for law in fact.laws)
    kinds = [
        {"id": category, "colour_class": style[0], "colour": style[1], **kind_labels(kg, category)}
        for category, style in ACTOR_STYLES.items()
        if category in categories
    ]
    return {
        "kinds": kinds,
        "laws": sorted((ref(kg, law) for law in laws), key=lambda law: law["label"].casefold()),
    }
