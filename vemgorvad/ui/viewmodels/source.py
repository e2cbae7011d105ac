"""The sources: every document section by section, each passage with its anchor and the
spans of the actors and laws it mentions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib import RDF

from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.ui.viewmodels.common import documents, passage_anchor, ref
from vemgorvad.vocab import VGV

__all__ = ["documents", "source_view"]


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
        spans.append({"start": start, "end": stop, "entity": iri, "kind": kind, **ref(kg, iri)})
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

