"""The legal table and the timeline, computed from the knowledge graph (plain data).

* :func:`legal_table` — every law, regulation, convention and curated provision with its
  citation, in-force date, status and where each comes from, what the corpus says of it,
  whom it binds and where it is cited; rows in natural order ("2 a kap." before "11 kap.");
* :func:`timeline` — the dated legal changes, sorted.

A status is claimed only with a source: "in force" from a dated entry into force in a
passage, the statute's own SFST header ("Ikraft:") or a date curated in the graph,
"replaced" from the graph's replacement; anything else is "unknown" (the page says
"okänd – kontrollera"), and each row says where its status comes from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS

from vemgorvad.graph.model import Entity, KnowledgeGraph
from vemgorvad.graph.regulations import citations, regulation_status
from vemgorvad.graph.walks import (
    ORIGIN_CURATED,
    ORIGIN_EXTRACTED,
    is_actor,
    labels,
    law_parts,
    local_name,
    origin,
    passage_documents,
)
from vemgorvad.ui.viewmodels.common import fact_source, passage_anchor, passage_info, ref
from vemgorvad.vocab import VGV

__all__ = ["legal_table", "natural_key", "timeline"]

_NUMBER = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """A sort key that reads numbers as numbers: "2 a kap." before "11 kap.", "1996".

    >>> sorted(["11 kap.", "2 a kap.", "1 kap.", "1996 års"], key=natural_key)
    ['1 kap.', '2 a kap.', '11 kap.', '1996 års']
    """
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in _NUMBER.split(text)
        if part.strip()
    )


def _kinds(kg: KnowledgeGraph, iri: str) -> list[dict[str, Any]]:
    return [
        {"id": local_name(str(kind)), **labels(kg, kind)}
        for kind in sorted(kg.graph.objects(URIRef(iri), VGV.regulationKind), key=str)
    ]


def _in_force(kg: KnowledgeGraph, iri: str) -> str | None:
    value = kg.graph.value(URIRef(iri), VGV.inForce)
    return str(value) if value is not None else None


def _statute_document(kg: KnowledgeGraph, iri: str) -> str | None:
    """The id of the statute text the corpus holds for a regulation ("SFS 2001:453")."""
    document = kg.graph.value(URIRef(iri), VGV.hasText)
    identifier = kg.graph.value(document, DCTERMS.identifier) if document is not None else None
    return str(identifier) if identifier is not None else None


def _force_source(kg: KnowledgeGraph, iri: str, entity: Entity) -> dict[str, Any] | None:
    """Where a regulation's in-force date comes from: a passage that dates its entry into
    force, the statute's own SFST header ("Ikraft:"), or a date curated in the graph's
    Turtle; None when nothing says so."""
    for fact in sorted(kg.facts_by_entity.get(iri, ()), key=lambda f: f.iri):
        dated = fact.kind == "event" and fact.subject == iri and fact.since and fact.passage_id
        if dated and (local_name(fact.relation) == "EnteredIntoForce" or fact.since == entity.in_force):
            return {"kind": "passage", "date": fact.since, **fact_source(fact)}
    document = _statute_document(kg, iri)
    if document and entity.in_force:
        return {"kind": "header", "date": entity.in_force, "document": document}
    if entity.in_force and not entity.extracted:
        return {"kind": "graph", "date": entity.in_force}
    return None


def _status(
    kg: KnowledgeGraph, iri: str, today: str
) -> tuple[str, list[dict[str, Any]], dict[str, Any] | None]:
    """("in force" | "replaced" | "not yet in force" | "unknown", replacements, source):
    a status only with a source that says so
    (:func:`vemgorvad.graph.regulations.regulation_status`)."""
    act = kg.graph.value(URIRef(iri), DCTERMS.isPartOf)
    source = _force_source(kg, iri, kg.entities[iri])
    date = str(source["date"]) if source is not None else None
    status = regulation_status(kg.graph, URIRef(iri), act, date, today)
    if status.state != "replaced":
        return status.state, [], source
    newer = [str(node) for node in status.newer]
    replaced_by = [{**ref(kg, n), "in_force": _in_force(kg, n)} for n in newer]
    newest = newer[0]
    source = _force_source(kg, newest, kg.entities[newest]) if newest in kg.entities else None
    return "replaced", replaced_by, source or {"kind": "graph"}


def _cited_by(kg: KnowledgeGraph) -> dict[str, set[str]]:
    cited_by: dict[str, set[str]] = defaultdict(set)
    for passage, target in kg.graph.subject_objects(VGV.cites):
        passage_id = kg.passage_ids.get(str(passage))
        if passage_id:
            cited_by[str(target)].add(passage_id)
    return cited_by


def _first_passages(kg: KnowledgeGraph) -> dict[str, str]:
    first: dict[str, str] = {}
    for passage_iri, passage_id in kg.passage_ids.items():
        info = passage_info(kg, passage_iri)
        if info and info["ordinal"] == 0:
            first[info["document"]] = passage_id
    return first


def _text_of(kg: KnowledgeGraph, iri: str, first: dict[str, str]) -> dict[str, Any] | None:
    """The passage holding a provision's text, or the first passage of an act's text."""
    text_passage = kg.graph.value(URIRef(iri), VGV.passage)
    if text_passage is not None:
        return passage_info(kg, text_passage)
    document = _statute_document(kg, iri)
    if document and document in first:
        pid = first[document]
        return {"id": pid, "anchor": passage_anchor(pid), "document": document}
    return None


def _binds(kg: KnowledgeGraph, parts: set[str]) -> list[dict[str, Any]]:
    binds: dict[str, dict[str, Any]] = {}
    for part in parts:
        for fact in kg.facts_by_entity.get(part, ()):
            if fact.kind == "duty" and part in fact.laws and is_actor(kg, fact.subject):
                binds.setdefault(fact.subject, ref(kg, fact.subject))
    return sorted(binds.values(), key=lambda a: a["label"].casefold())


def _row(
    kg: KnowledgeGraph,
    iri: str,
    entity: Entity,
    today: str,
    cited: list[str],
    first: dict[str, str],
) -> dict[str, Any]:
    facts = [f for f in kg.facts_by_entity.get(iri, ()) if not f.extracted]
    readable = citations(kg.graph, URIRef(iri))
    status, replaced_by, source = _status(kg, iri, today)
    part_of = kg.graph.value(URIRef(iri), DCTERMS.isPartOf)
    return {
        "id": iri,
        "label": entity.label,
        "label_en": entity.label_en,
        "kind": entity.kind,
        "kinds": _kinds(kg, iri),
        "citations": readable,
        "citation": readable[0] if readable else None,
        "in_force": entity.in_force,
        "in_force_source": _force_source(kg, iri, entity),
        "status": status,
        "status_source": source,
        "replaced_by": replaced_by,
        "part_of": ref(kg, str(part_of)) if part_of is not None else None,
        "origin": origin(kg, iri),
        "statements": [
            {
                "fact": f.iri,
                "kind": f.kind,
                "subject": ref(kg, f.subject),
                "statement": f.statement,
                "statement_en": f.statement_en,
                "since": f.since,
                **fact_source(f),
            }
            for f in sorted(facts, key=lambda f: (f.passage_id or "", f.iri))
        ],
        "binds": _binds(kg, law_parts(kg, iri)),
        "cited_in": cited,
        "cited_in_count": len(cited),
        "text": _text_of(kg, iri, first),
    }


def legal_table(kg: KnowledgeGraph, today: str | None = None) -> list[dict[str, Any]]:
    """Every law, regulation, convention and provision worth a row, with what we know.

    A section (§) that the corpus loader or the extractor made and no curated fact
    involves is left out (it is a line of a statute, not a row of its own).

    Args:
        kg: the knowledge graph.
        today: ISO date that "in force" is judged on (default: today).

    Returns:
        One dict per regulation, curated and the statutes' first, then the extractor's,
        each group in natural order of its label: id, label, label_en, kinds, kind
        ("law" | "provision"), citations (every ``vgv:citation``), citation (the readable
        one), in_force and in_force_source, status ("in force" | "replaced" | "not yet in
        force" | "unknown") and status_source (``{"kind": "passage", "passage_id", …}``,
        ``{"kind": "header", "document"}`` — the statute's SFST header — ``{"kind":
        "graph"}`` or None), replaced_by, part_of, origin ("curated" | "corpus" |
        "extracted"), statements, binds, cited_in, cited_in_count and text.
    """
    today = today or dt.date.today().isoformat()
    cited_by = _cited_by(kg)
    first = _first_passages(kg)
    order = {pid: (doc, pid) for pid, doc in passage_documents(kg).items()}
    rows = []
    for iri, entity in kg.entities.items():
        if entity.kind not in ("law", "provision"):
            continue
        facts = [f for f in kg.facts_by_entity.get(iri, ()) if not f.extracted]
        if entity.kind == "provision" and origin(kg, iri) != ORIGIN_CURATED and not facts:
            continue
        cited = sorted(
            {p for part in law_parts(kg, iri) for p in cited_by.get(part, ())},
            key=lambda pid: order.get(pid, ("", pid)),
        )
        rows.append(_row(kg, iri, entity, today, cited, first))
    rows.sort(key=lambda r: (r["origin"] == ORIGIN_EXTRACTED, natural_key(str(r["label"]))))
    return rows


# --- the timeline -------------------------------------------------------------------------


def timeline(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """The dated legal changes: ``vgv:RegulationEvent`` facts and ``vgv:inForce`` dates.

    An entry-into-force event and the same regulation's ``vgv:inForce`` of the same date
    are one entry (the event's, which has a source).

    Returns:
        Entries sorted by date (a year sorts before the days of that year): date, kind
        (the event kind's local name, or "inForce"), kind_label(_en), regulation
        ({id, label, label_en, citation}), statement(_en), passage_id, anchor, quote and
        origin of the regulation.
    """
    entries = []
    seen: set[tuple[str, str]] = set()
    for fact in kg.facts.values():
        if fact.kind != "event" or not fact.since:
            continue
        kind = kg.graph.value(URIRef(fact.iri), VGV.eventKind)
        kind_said = labels(kg, kind) if kind is not None else {"label": "", "label_en": None}
        entries.append(
            {
                "date": fact.since,
                "kind": local_name(str(kind)) if kind is not None else "event",
                "kind_label": kind_said["label"],
                "kind_label_en": kind_said["label_en"],
                "regulation": ref(kg, fact.subject),
                "statement": fact.statement,
                "statement_en": fact.statement_en,
                "origin": origin(kg, fact.subject),
                **fact_source(fact),
            }
        )
        if entries[-1]["kind"] == "EnteredIntoForce":
            seen.add((fact.subject, fact.since))
    in_force = labels(kg, VGV.inForce, RDFS.label)
    for node, value in kg.graph.subject_objects(VGV.inForce):
        iri = str(node)
        if iri not in kg.entities or (iri, str(value)) in seen:
            continue
        if origin(kg, iri) == ORIGIN_EXTRACTED:
            continue
        entries.append(
            {
                "date": str(value),
                "kind": "inForce",
                "kind_label": in_force["label"],
                "kind_label_en": in_force["label_en"],
                "regulation": ref(kg, iri),
                "statement": None,
                "statement_en": None,
                "origin": origin(kg, iri),
                "passage_id": None,
                "anchor": None,
                "quote": None,
            }
        )
    entries.sort(key=lambda e: (e["date"], e["regulation"]["label"].casefold()))
    return entries
