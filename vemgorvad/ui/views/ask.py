"""The Fråga (Ask) view: an answer dict of :meth:`Engine.ask` rendered as HTML.

The summary says plainly when the engine abstains or is unsure; facts are cards (actor →
duty → law → target group, with the date and the quoted words); each graph path is a
small inline SVG drawing; the cited passages have the quoted words in ``<mark>`` and a
link that opens them in the Källa view.
"""

from __future__ import annotations

from typing import Any

from vemgorvad import settings
from vemgorvad.graph.query import KnowledgeGraph
from vemgorvad.qa.answer import TEXTS as ENGINE_TEXTS
from vemgorvad.ui.views.html import actor_badge, e, find_quote, mark, passage_link
from vemgorvad.ui.views.i18n import pick, t

UNCERTAIN_PREFIXES = tuple(words["uncertain"] for words in ENGINE_TEXTS.values())
"""How the engine begins a summary it is unsure of."""

QUOTE_MARK = "<mark class='vgv-quote'>"

SHOWN_PASSAGES = 5
"""How many passages a person reads (the answer contract's "first five")."""


def status(answer: dict[str, Any]) -> str:
    """ "abstain", "uncertain" or "answer"."""
    if not answer.get("answerable"):
        return "abstain"
    confidence = answer.get("confidence")
    if (confidence is not None and confidence < settings.UNCERTAIN_BELOW) or str(
        answer.get("summary", "")
    ).startswith(UNCERTAIN_PREFIXES):
        return "uncertain"
    return "answer"


def render_summary(answer: dict[str, Any], lang: str) -> str:
    """The summary in a box that says whether it is an answer, uncertain or an abstention."""
    kind = status(answer)
    title = {"abstain": "abstain_title", "uncertain": "uncertain_title"}.get(kind, "answer_title")
    summary = str(answer.get("summary", ""))
    if kind == "uncertain":
        for prefix in UNCERTAIN_PREFIXES:
            summary = summary.removeprefix(prefix).strip()
    icon = {"abstain": "⊘", "uncertain": "⚠", "answer": "✓"}[kind]
    confidence = answer.get("confidence")
    meta = (
        f"<span class='vgv-meta'> · {e(t(lang, 'confidence'))} {float(confidence):.2f}</span>"
        if isinstance(confidence, int | float) and kind != "abstain"
        else ""
    )
    return (
        f"<div class='vgv-summary vgv-{kind}' data-status='{kind}' role='status'>"
        f"<div class='vgv-summary-title'>{icon} {e(t(lang, title))}{meta}</div>"
        f"<div class='vgv-summary-text'>{e(summary)}</div></div>"
    )


def _category(kg: KnowledgeGraph | None, iri: str) -> str | None:
    entity = kg.entity(iri) if kg is not None else None
    return entity.category if entity is not None else None


def _law_label(law: dict[str, Any], lang: str) -> str:
    label = pick(law, lang)
    citation = law.get("citation")
    if citation and citation not in label:
        return f"{label} ({citation})"
    return label


def render_facts(answer: dict[str, Any], lang: str = "sv", kg: KnowledgeGraph | None = None) -> str:
    """The answer's facts as cards: actor → statement → object, law, target group, date."""
    facts = answer.get("facts") or []
    if not facts:
        return ""
    cards = []
    for fact in facts:
        actor = fact.get("actor") or {}
        head = (
            actor_badge(actor["id"], pick(actor, lang), _category(kg, actor["id"]))
            if actor.get("id")
            else ""
        )
        obj = fact.get("object") or {}
        arrow = ""
        if obj.get("id"):
            category = _category(kg, obj["id"])
            target = (
                actor_badge(obj["id"], pick(obj, lang), category)
                if category
                else f"<b>{e(pick(obj, lang))}</b>"
            )
            arrow = f" <span class='vgv-arrow'>→</span> {target}"
        parts = []
        if fact.get("laws"):
            laws = ", ".join(
                f"<span class='vgv-law'>{e(_law_label(law, lang))}</span>" for law in fact["laws"]
            )
            parts.append(f"<span class='vgv-k'>{e(t(lang, 'law'))}:</span> {laws}")
        if fact.get("target_groups"):
            groups = ", ".join(
                f"<span class='vgv-group'>{e(pick(group, lang))}</span>"
                for group in fact["target_groups"]
            )
            parts.append(f"<span class='vgv-k'>{e(t(lang, 'group'))}:</span> {groups}")
        if fact.get("since"):
            parts.append(f"<span class='vgv-k'>{e(t(lang, 'since'))}:</span> {e(fact['since'])}")
        source = fact.get("source") or {}
        quote = ""
        if source.get("quote"):
            link = passage_link(source.get("passage_id"), t(lang, "show_in_source"))
            quote = (
                f"<div class='vgv-quote-line'><q>{e(source['quote'])}</q> "
                f"<span class='vgv-meta'>{link}</span></div>"
            )
        cards.append(
            f"<div class='vgv-card vgv-fact' data-fact='{e(fact.get('id'))}'>"
            f"<div class='vgv-fact-head'>{head} <span class='vgv-statement'>{e(pick(fact, lang, 'statement'))}</span>{arrow}</div>"
            + (f"<div class='vgv-meta'>{' · '.join(parts)}</div>" if parts else "")
            + quote
            + "</div>"
        )
    return f"<h3 class='vgv-h'>{e(t(lang, 'facts'))}</h3>" + "".join(cards)


# --- paths as small drawings -------------------------------------------------------------

_CHAR_WIDTH = 7.2
_NODE_HEIGHT = 30
_GAP = 150


def _relation_text(relation: str, lang: str, labels: dict[str, dict[str, Any]]) -> str:
    name = relation.lstrip("^")
    if name in labels:
        return pick(labels[name], lang)
    key = f"relation_{name}"
    text = t(lang, key)
    return name if text == key else text


def _path_svg(
    path: list[dict[str, Any]],
    lang: str,
    kg: KnowledgeGraph | None,
    labels: dict[str, dict[str, Any]],
    number: int = 0,
) -> str:
    from vemgorvad.graph.views import ACTOR_STYLES, OTHER_STYLE

    nodes = path[0::2]
    edges = path[1::2]
    widths = [max(60.0, len(pick(n, lang)) * _CHAR_WIDTH + 20) for n in nodes]
    xs, x = [], 10.0
    for width in widths:
        xs.append(x)
        x += width + _GAP
    total = x - _GAP + 10
    y = 34
    parts = [
        f"<svg class='vgv-path-svg' xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {total:.0f} 70' "
        f"width='{total:.0f}' height='70' role='img'>"
        f"<defs><marker id='vgv-arrow-{number}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' "
        "markerHeight='7' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#57606a'/>"
        "</marker></defs>"
    ]
    for i, edge in enumerate(edges):
        x1 = xs[i] + widths[i]
        x2 = xs[i + 1]
        relation = str(edge.get("relation", ""))
        backwards = relation.startswith("^")
        text = _relation_text(relation, lang, labels)
        marker = (
            f"marker-start='url(#vgv-arrow-{number})'"
            if backwards
            else f"marker-end='url(#vgv-arrow-{number})'"
        )
        parts.append(
            f"<line x1='{x1 + 4:.0f}' y1='{y + _NODE_HEIGHT / 2:.0f}' x2='{x2 - 4:.0f}' "
            f"y2='{y + _NODE_HEIGHT / 2:.0f}' stroke='#57606a' stroke-width='1.5' {marker}/>"
            f"<text x='{(x1 + x2) / 2:.0f}' y='{y + _NODE_HEIGHT / 2 - 6:.0f}' text-anchor='middle' "
            f"font-size='11' fill='#6e40c9' font-style='italic'>{e(text)}</text>"
        )
    for i, node in enumerate(nodes):
        category = _category(kg, str(node.get("id", "")))
        entity = kg.entity(str(node.get("id", ""))) if kg is not None else None
        if entity is not None and entity.kind == "actor":
            colour = ACTOR_STYLES.get(category or "", OTHER_STYLE)[1]
        elif entity is not None and entity.kind in ("law", "provision"):
            colour = "#334155"
        else:
            colour = "#0f766e"
        attribute = (
            f" data-vgv-actor='{e(node['id'])}' class='vgv-path-node vgv-clickable'"
            if entity is not None and entity.kind == "actor"
            else " class='vgv-path-node'"
        )
        parts.append(
            f"<g{attribute}><title>{e(pick(node, lang))}</title>"
            f"<rect x='{xs[i]:.0f}' y='{y}' rx='6' width='{widths[i]:.0f}' height='{_NODE_HEIGHT}' "
            f"fill='{colour}'/>"
            f"<text x='{xs[i] + widths[i] / 2:.0f}' y='{y + 20}' text-anchor='middle' font-size='12' "
            f"fill='#ffffff'>{e(pick(node, lang))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_paths(answer: dict[str, Any], lang: str = "sv", kg: KnowledgeGraph | None = None) -> str:
    """Each graph path as a drawing (nodes coloured by kind, labelled arrows) with its sources."""
    paths = answer.get("paths") or []
    if not paths:
        return ""
    from vemgorvad.graph.views import relation_labels

    labels = relation_labels(kg) if kg is not None else {}
    blocks = []
    for number, path in enumerate(paths):
        sources = []
        for edge in path[1::2]:
            if edge.get("passage_id"):
                sources.append(passage_link(edge["passage_id"], t(lang, "show_in_source")))
        words = " ".join(
            pick(step, lang)
            if "label" in step
            else f"–{_relation_text(str(step.get('relation', '')), lang, labels)}→"
            for step in path
        )
        blocks.append(
            f"<figure class='vgv-card vgv-path'><div class='vgv-path-scroll'>{_path_svg(path, lang, kg, labels, number)}</div>"
            f"<figcaption class='vgv-meta'>{e(words)}"
            + (f" · {' · '.join(dict.fromkeys(sources))}" if sources else "")
            + "</figcaption></figure>"
        )
    return f"<h3 class='vgv-h'>{e(t(lang, 'paths'))}</h3>" + "".join(blocks)


def render_passages(answer: dict[str, Any], lang: str = "sv", limit: int = SHOWN_PASSAGES) -> str:
    """The first passages, the facts' quoted words marked, each linked to the Källa view."""
    quotes: dict[str, list[str]] = {}
    for fact in answer.get("facts") or []:
        source = fact.get("source") or {}
        if source.get("passage_id") and source.get("quote"):
            quotes.setdefault(source["passage_id"], []).append(source["quote"])
    for path in answer.get("paths") or []:
        for edge in path[1::2]:
            if edge.get("passage_id") and edge.get("quote"):
                quotes.setdefault(edge["passage_id"], []).append(edge["quote"])
    cards = []
    for rank, passage in enumerate((answer.get("passages") or [])[:limit], start=1):
        text = str(passage.get("text", ""))
        spans = [
            span for quote in quotes.get(passage["id"], []) for span in find_quote(text, quote)
        ]
        score = passage.get("score")
        meta = " · ".join(
            part
            for part in (
                f"{rank}.",
                e(passage.get("document")),
                e(passage.get("section")),
                f"{e(t(lang, 'score'))} {float(score):.3f}"
                if isinstance(score, int | float)
                else "",
                passage_link(passage["id"], t(lang, "show_in_source")),
            )
            if part
        )
        cards.append(
            f"<div class='vgv-card vgv-passage' data-passage='{e(passage['id'])}'>"
            f"<div class='vgv-meta'>{meta}</div>"
            f"<div class='vgv-passage-text'>{mark(text, spans, QUOTE_MARK)}</div>"
            f"<div class='vgv-meta vgv-pid'><code>{e(passage['id'])}</code></div></div>"
        )
    if not cards:
        return ""
    return f"<h3 class='vgv-h'>{e(t(lang, 'passages'))}</h3>" + "".join(cards)
