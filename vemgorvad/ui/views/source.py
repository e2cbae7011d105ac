"""The Källa (Source) view: every document section by section, every passage anchored.

Each passage is a block with ``id=<passage_anchor>`` (safe characters only) and its id
shown; the actors and laws it mentions (:func:`vemgorvad.ui.viewmodels.source.source_view`) are
underlined, actors linked to the map.
"""

from __future__ import annotations

from typing import Any

from vemgorvad.ui.views.html import e, wrap_spans
from vemgorvad.ui.views.i18n import pick, t


def _span_html(lang: str) -> Any:
    def render(span: dict[str, Any], inner: str) -> str:
        title = e(pick(span, lang))
        if span["kind"] == "actor":
            return (
                f"<a class='vgv-mention vgv-mention-actor' href='#' data-vgv-actor='{e(span['entity'])}' "
                f"title='{title}'>{inner}</a>"
            )
        return f"<span class='vgv-mention vgv-mention-law' data-entity='{e(span['entity'])}' title='{title}'>{inner}</span>"

    return render


def render_sources(documents: list[dict[str, Any]], lang: str) -> str:
    """All documents as one page: a table of contents, then each document's sections."""
    render = _span_html(lang)
    contents = []
    parts = []
    for document in documents:
        count = sum(len(section["passages"]) for section in document["sections"])
        contents.append(
            f"<li><a href='#{e(document['anchor'])}' data-vgv-passage='{e(document['anchor'])}'>"
            f"{e(document['title'])}</a> <span class='vgv-meta'>{e(document['id'])}"
            f"{' · ' + e(document['date']) if document.get('date') else ''} · "
            f"{e(t(lang, 'source_passages', count=count))}</span></li>"
        )
        sections = []
        for section in document["sections"]:
            passages = []
            for passage in section["passages"]:
                text = wrap_spans(passage["text"], passage["spans"], render)
                passages.append(
                    f"<div class='vgv-src-passage' id='{e(passage['anchor'])}' data-passage='{e(passage['id'])}'>"
                    f"<a class='vgv-src-id' href='#{e(passage['anchor'])}'>{e(passage['id'])}</a>"
                    f"<p>{text}</p></div>"
                )
            title = (
                f"<h4 class='vgv-src-section'>{e(section['title'])}</h4>"
                if section["title"]
                else ""
            )
            sections.append(f"<section>{title}{''.join(passages)}</section>")
        parts.append(
            f"<article class='vgv-src-doc' id='{e(document['anchor'])}' data-document='{e(document['id'])}'>"
            f"<h3 class='vgv-h'>{e(document['title'])}</h3>"
            f"<div class='vgv-meta'>{e(document['id'])}{' · ' + e(document['date']) if document.get('date') else ''}"
            f"{' · ' + e(document['kind']) if document.get('kind') else ''}</div>"
            f"{''.join(sections)}</article>"
        )
    return (
        f"<nav class='vgv-card vgv-src-toc'><b>{e(t(lang, 'source_contents'))}</b><ol>{''.join(contents)}</ol></nav>"
        + "".join(parts)
    )
