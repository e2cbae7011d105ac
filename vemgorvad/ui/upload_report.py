"""What a document added in the app brought into the graph, for the page to show.

Read off the new build's graph: the document's passages, the actors it names, the duties
and relationships read from it, the laws it cites and the reference checker's warnings.
"""

from __future__ import annotations

from typing import Any


def document_report(
    kg: Any, passages: list[Any], before: Any | None = None, base: str | None = None
) -> dict[str, Any]:
    """What a document brought into the graph: its passages, the actors it names, the
    duties and relationships read from it, the laws it cites, and the warnings of the
    reference checker on its text.

    Args:
        kg: the new build's :class:`~vemgorvad.graph.model.KnowledgeGraph`.
        passages: the document's passages, in order.
        before: the graph before the document came, to tell which actors are new.
        base: the document's own SFS number, for references relative to it.

    Returns:
        ``{"passages": [{"id", "section"}], "actors": [{"id", "label", "label_en",
        "new"}], "duties": [{"bearer", "statement", "statement_en", "passage_id",
        "extracted"}], "relationships": [{"subject", "relation", "statement",
        "statement_en", "objects", "passage_id", "extracted"}], "citations": [{"id", "label", "label_en", "citation", "text"}],
        "warnings": [{"sv", "en"}]}``; the bearer, subject and objects are refs
        (``{"id", "label", "label_en"}``).
    """
    from vemgorvad.vocab import VGV, passage_iri

    passages = sorted(passages, key=lambda p: p.ordinal)
    actors: dict[str, None] = {}
    duties: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    citations: dict[str, dict[str, Any]] = {}
    for passage in passages:
        for node in kg.graph.objects(passage_iri(passage.id), VGV.mentions):
            entity = kg.entity(str(node))
            if entity is not None and entity.kind == "actor":
                actors.setdefault(entity.iri)
        for fact in kg.facts_by_passage.get(passage.id, ()):
            entry = _statement(kg, fact, passage.id)
            if fact.kind == "duty":
                duties.append(entry)
            elif fact.kind == "relationship":
                relationships.append(entry)
            for iri in (fact.subject, *fact.objects) if fact.kind in ("duty", "relationship") else ():
                entity = kg.entity(iri)
                if entity is not None and entity.kind == "actor":
                    actors.setdefault(iri)
        for iri, text in kg.citations.get(passage.id, ()):
            entry = citations.setdefault(iri, {**_ref(kg, iri), "citation": None, "text": text})
            entity = kg.entity(iri)
            if entity is not None and entity.citation:
                entry["citation"] = entity.citation
    known = set(before.entities) if before is not None else set()
    warnings = _warnings(kg, passages, base)
    return {
        "passages": [{"id": p.id, "section": p.section} for p in passages],
        "actors": [
            {**_ref(kg, iri), "new": bool(known) and iri not in known}
            for iri in sorted(actors, key=lambda iri: _ref(kg, iri)["label"].casefold())
        ],
        "duties": duties,
        "relationships": relationships,
        "citations": sorted(citations.values(), key=lambda c: c["label"].casefold()),
        "warnings": [{"sv": sv, "en": en} for sv, en in warnings],
    }


def _ref(kg: Any, iri: str) -> dict[str, Any]:
    entity = kg.entity(iri)
    if entity is None:
        return {"id": iri, "label": iri.rsplit("/", 1)[-1], "label_en": None}
    return {"id": iri, "label": entity.label, "label_en": entity.label_en}


def _statement(kg: Any, fact: Any, passage_id: str) -> dict[str, Any]:
    """A duty (its bearer) or a relationship (its subject, relation and objects) as the
    report lists it."""
    entry: dict[str, Any] = {
        "statement": fact.statement,
        "statement_en": fact.statement_en,
        "passage_id": passage_id,
        "extracted": fact.extracted,
    }
    if fact.kind == "duty":
        return {"bearer": _ref(kg, fact.subject), **entry}
    return {
        "subject": _ref(kg, fact.subject),
        "relation": fact.relation,
        **entry,
        "objects": [_ref(kg, iri) for iri in fact.objects],
    }


def _warnings(kg: Any, passages: list[Any], base: str | None) -> dict[tuple[str, str], None]:
    """The reference checker's warnings on the passages' text, each once (sv, en)."""
    from vemgorvad.graph.checker import ReferenceChecker
    from vemgorvad.ui.viewmodels.references import worded

    checker = ReferenceChecker(kg.graph)
    warnings: dict[tuple[str, str], None] = {}
    for passage in passages:
        for result in worded(checker.check(passage.text, base)):
            for sv, en in zip(result["warnings"], result["warnings_en"], strict=True):
                warnings.setdefault((sv, en))
    return warnings
