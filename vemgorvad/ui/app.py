"""The Gradio app: the faces over the answer engine. No logic lives here.

Everything shown is rendered from the engine's answer dict; every text that comes from
a question or a document is HTML-escaped, so that pasted markup stays inert.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

logger = logging.getLogger(__name__)

EXAMPLES = [
    "Vad gör Nexus?",
    "Vem ska jag kontakta om ett barn tigger ensamt?",
    "Vilken lag ger socialtjänsten ansvar för brottsoffer?",
    "How is Nexus related to Jämställdhetsmyndigheten?",
]

CSS = """
.vgv-card {border:1px solid #d0d7de;border-radius:8px;padding:8px 12px;margin:6px 0;}
.vgv-quote {background:#fff3bf;}
.vgv-meta {color:#57606a;font-size:0.85em;}
.vgv-path span.rel {color:#8250df;font-style:italic;}
"""


def _e(text: object) -> str:
    return html.escape(str(text or ""))


def render_facts(answer: dict[str, Any]) -> str:
    if not answer["facts"]:
        return ""
    cards = []
    for fact in answer["facts"]:
        actor = (fact.get("actor") or {}).get("label", "")
        obj = (fact.get("object") or {}).get("label", "")
        laws = ", ".join(law["label"] for law in fact["laws"])
        groups = ", ".join(group["label"] for group in fact["target_groups"])
        meta = " · ".join(
            part
            for part in (
                f"Lag: {_e(laws)}" if laws else "",
                f"Målgrupp: {_e(groups)}" if groups else "",
                f"Sedan: {_e(fact['since'])}" if fact.get("since") else "",
            )
            if part
        )
        source = fact["source"]
        cards.append(
            f"<div class='vgv-card vgv-fact'><b>{_e(actor)}</b> {_e(fact['statement'])}"
            f"{' → <b>' + _e(obj) + '</b>' if obj else ''}"
            f"<div class='vgv-meta'>{meta}</div>"
            f"<div class='vgv-meta'>«{_e(source['quote'])}» — <code>{_e(source['passage_id'])}</code></div></div>"
        )
    return "".join(cards)


def render_paths(answer: dict[str, Any]) -> str:
    rows = []
    for path in answer["paths"]:
        parts = []
        for step in path:
            if "label" in step:
                parts.append(f"<b>{_e(step['label'])}</b>")
            else:
                parts.append(f"<span class='rel'>—{_e(step.get('relation'))}→</span>")
        rows.append(f"<div class='vgv-path vgv-card'>{' '.join(parts)}</div>")
    return "".join(rows)


def highlight(text: str, quotes: list[str]) -> str:
    """Escape a passage and mark the quoted words in it."""
    escaped = html.escape(text)
    for quote in sorted(set(quotes), key=len, reverse=True):
        q = html.escape(quote)
        if q and q in escaped:
            escaped = escaped.replace(q, f"<mark class='vgv-quote'>{q}</mark>")
    return escaped


def render_passages(answer: dict[str, Any], limit: int = 5) -> str:
    quotes: dict[str, list[str]] = {}
    for fact in answer["facts"]:
        quotes.setdefault(fact["source"]["passage_id"], []).append(fact["source"]["quote"])
    cards = []
    for passage in answer["passages"][:limit]:
        cards.append(
            f"<div class='vgv-card vgv-passage' id='{_e(passage['id'])}'>"
            f"<div class='vgv-meta'>{_e(passage['document'])} · {_e(passage['section'])} · "
            f"<code>{_e(passage['id'])}</code> · {passage['score']:.3f}</div>"
            f"<div>{highlight(passage['text'], quotes.get(passage['id'], []))}</div></div>"
        )
    return "".join(cards)


def build_app(engine: Any) -> gr.Blocks:
    """The Blocks app over a loaded engine."""

    def ask(question: str) -> tuple[str, str, str, str, dict[str, Any]]:
        answer = engine.ask(question or "")
        summary = answer["summary"]
        if not answer["answerable"]:
            summary = f"**{summary}**"
        return summary, render_facts(answer), render_paths(answer), render_passages(answer), answer

    with gr.Blocks(title="Vem gör vad") as app:
        gr.Markdown("# Vem gör vad\nVem gör vad, enligt vilken lag, för vem — med källor.")
        with gr.Row():
            question = gr.Textbox(
                label="Fråga", placeholder=EXAMPLES[0], scale=5, elem_id="question"
            )
            button = gr.Button("Fråga", variant="primary", scale=1, elem_id="ask")
        gr.Examples(EXAMPLES, inputs=question)
        summary = gr.Markdown(elem_id="summary")
        facts = gr.HTML(elem_id="facts")
        paths = gr.HTML(elem_id="paths")
        passages = gr.HTML(elem_id="passages")
        with gr.Accordion("JSON", open=False):
            raw = gr.JSON()
        outputs = [summary, facts, paths, passages, raw]
        button.click(ask, inputs=question, outputs=outputs, api_name="ask")
        question.submit(ask, inputs=question, outputs=outputs, api_name=False)
    return app


def serve(host: str = "127.0.0.1", port: int = 7860, auth_file: Path | None = None) -> None:
    """Load the engine and serve the app until interrupted."""
    from vemgorvad.qa.answer import Engine

    engine = Engine.load()
    app = build_app(engine)
    app.queue(default_concurrency_limit=4)
    app.launch(server_name=host, server_port=port, css=CSS, show_error=False)
