"""Small HTML building blocks shared by the views. Every text from data is escaped here.

Links between views carry data attributes that ``static/app.js`` acts on:
``data-vgv-passage`` (an anchor in the Källa view) and ``data-vgv-actor`` (an actor to
focus on the map). Anchors are made by :func:`vemgorvad.ui.viewmodels.common.passage_anchor`, so
they are safe as they are; they are escaped all the same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from vemgorvad.ui.viewmodels.common import ACTOR_STYLES, OTHER_STYLE, passage_anchor
from vemgorvad.ui.views.i18n import t


def e(text: object) -> str:
    """HTML-escape any value (None is the empty string)."""
    return html.escape("" if text is None else str(text), quote=True)


def passage_link(passage_id: str | None, text: str | None = None, title: str = "") -> str:
    """A link that opens a passage in the Källa view."""
    if not passage_id:
        return ""
    anchor = passage_anchor(passage_id)
    return (
        f"<a class='vgv-plink' href='#{e(anchor)}' data-vgv-passage='{e(anchor)}' "
        f"title='{e(title or passage_id)}'>{e(text or passage_id)}</a>"
    )


def actor_link(iri: str, text: str, title: str = "") -> str:
    """A link that shows an actor on the map."""
    return (
        f"<a class='vgv-alink' href='#' data-vgv-actor='{e(iri)}' title='{e(title)}'>{e(text)}</a>"
    )


def actor_badge(iri: str, text: str, category: str | None, title: str = "") -> str:
    """An actor's name on the colour of its kind, linked to the map."""
    colour_class = ACTOR_STYLES.get(category or "", OTHER_STYLE)[0]
    return (
        f"<a class='vgv-badge vgv-kind-{e(colour_class)}' href='#' data-vgv-actor='{e(iri)}' "
        f"title='{e(title)}'>{e(text)}</a>"
    )


def extracted_mark(item: dict[str, Any], lang: str) -> str:
    """The mark after a fact or relation the extractor found rather than a curator ("" for
    a curated one)."""
    if not item.get("extracted"):
        return ""
    return (
        f" <span class='vgv-extracted' title='{e(t(lang, 'extracted_title'))}'>"
        f"{e(t(lang, 'extracted_mark'))}</span>"
    )


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Where a quote stands in a text: exact first, else ignoring case and white space."""
    if not quote.strip():
        return []
    spans = []
    start = text.find(quote)
    while start >= 0:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + len(quote))
    if spans:
        return spans
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]


def mark(text: str, spans: Iterable[tuple[int, int]], opening: str = "<mark>") -> str:
    """Escape a text, wrapping the given character spans (overlaps merged) in ``opening``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    closing = "</" + opening[1:].split()[0].rstrip(">") + ">"
    out, position = [], 0
    for start, end in merged:
        out.append(e(text[position:start]))
        out.append(opening + e(text[start:end]) + closing)
        position = end
    out.append(e(text[position:]))
    return "".join(out)


def wrap_spans(text: str, spans: Sequence[dict[str, Any]], render: Any) -> str:
    """Escape a text, replacing each non-overlapping span by ``render(span, inner_html)``."""
    out, position = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        if span["start"] < position:
            continue
        out.append(e(text[position : span["start"]]))
        out.append(render(span, e(text[span["start"] : span["end"]])))
        position = span["end"]
    out.append(e(text[position:]))
    return "".join(out)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """A table of already escaped cells."""
    head = "".join(f"<th scope='col'>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table class='vgv-table {e(css)}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
