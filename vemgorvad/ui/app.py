"""The Gradio app: one page, five views, Swedish with an English switch.

* **Fråga** — a question to :meth:`Engine.ask`, the answer as summary, fact cards, path
  drawings and cited passages (quotes in ``<mark>``, linked to the Källa view);
* **Aktörskarta** — the network of actors, a page of its own in an iframe
  (:mod:`vemgorvad.ui.views.actor_map`);
* **Lagrum** — the reference checker, the legal table and the timeline;
* **Ansvarsmatris** — actors × target groups, with CSV and xlsx export;
* **Källa** — every document, section by section, every passage anchored.

Nothing is computed here that a CLI user would miss: the data come from
:mod:`vemgorvad.graph.views`, :mod:`vemgorvad.graph.refs` and the engine; the modules in
:mod:`vemgorvad.ui.views` render them, escaping every text that comes from a question, a
document or an uploaded file.

The page is a FastAPI app (:func:`create_server`): the map page, its JSON routes and the
static files under ``/vgv/``, the Gradio Blocks mounted at ``/``. Nothing is loaded from
outside the machine (built-in theme with local fonts, vis-network served from
``static/``), analytics are off and the server binds 127.0.0.1 unless told otherwise.

Users for ``--auth`` are read from a file of scrypt hashes made with
``vemgorvad passwd FILE NAME`` (:mod:`vemgorvad.ui.auth`).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
from fastapi import FastAPI

from vemgorvad.graph.views import (
    ACTOR_STYLES,
    legal_table,
    matrix_filters,
    responsibility_matrix,
    source_view,
    timeline,
)
from vemgorvad.ui.views import actor_map as map_view
from vemgorvad.ui.views.ask import render_facts, render_passages, render_paths, render_summary
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import EXAMPLES, LANGUAGES, lang_code, pick, t
from vemgorvad.ui.views.legal import (
    UPLOAD_TYPES,
    Checker,
    render_check,
    render_legal_table,
    render_timeline,
)
from vemgorvad.ui.views.matrix import export_csv, export_xlsx, render_matrix
from vemgorvad.ui.views.source import render_sources

logger = logging.getLogger(__name__)

STATIC_DIR = map_view.STATIC_DIR

ASK_CONCURRENCY = 2
ASK_BATCH = 8
"""Questions arriving together are answered as one batch of at most this many."""
"""Questions answered at once: one per core; the rest wait in the queue."""

LIGHT_CONCURRENCY = 8
"""Other events (filters, language, rendering cached views) at once; each takes ms."""

QUEUE_SIZE = 100
"""Events that may wait; ~20 users with a few clicks each fit."""

MAX_CHECK_CHARS = 200_000
"""The longest pasted text the checker reads."""

TABS = ("fraga", "karta", "lagrum", "matris", "kalla")
"""The tabs' ids, in order (``static/app.js`` selects them by these)."""

TAB_LABELS = dict(
    zip(TABS, ("tab_ask", "tab_map", "tab_legal", "tab_matrix", "tab_source"), strict=True)
)

HEAD = '<script src="vgv/static/app.js" defer></script>'
"""Loaded into the page's head: the links between the views."""


def page_css() -> str:
    """The page's styles: ``static/app.css`` and a class per actor kind's colour."""
    kinds = "\n".join(
        f".vgv-kind-{colour_class} {{ background: {colour} !important; }}"
        for colour_class, colour in ACTOR_STYLES.values()
    )
    return (STATIC_DIR / "app.css").read_text(encoding="utf-8") + "\n" + kinds + "\n"


def theme() -> gr.themes.Base:
    """A built-in theme (its fonts are local: no request leaves the machine)."""
    return gr.themes.Default(primary_hue="indigo", secondary_hue="slate")


# --- the views' data, computed once -------------------------------------------------------


class ViewData:
    """The graph views the page shows, computed once per engine and cached per language."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.kg = engine.graph
        self.legal_rows = legal_table(self.kg)
        self.timeline = timeline(self.kg)
        self.sources = source_view(self.kg, engine.passages)
        self.matrix_filters = matrix_filters(self.kg)
        self.checker = Checker(self.kg.graph)

    @functools.cache  # noqa: B019 - one ViewData per app, alive as long as the app
    def sources_html(self, lang: str) -> str:
        return render_sources(self.sources, lang)

    @functools.cache  # noqa: B019
    def legal_html(self, lang: str, show_extracted: bool) -> str:
        return render_legal_table(self.legal_rows, lang, show_extracted)

    @functools.cache  # noqa: B019
    def timeline_html(self, lang: str) -> str:
        return render_timeline(self.timeline, lang)

    @functools.cache  # noqa: B019
    def matrix(self, kind: str, law: str) -> dict[str, Any]:
        return responsibility_matrix(self.kg, actor_kind=kind or None, law=law or None)

    def matrix_views(self, lang: str, kind: str, law: str) -> tuple[str, str, str]:
        """The matrix HTML and its CSV and xlsx files for the filters."""
        matrix = self.matrix(kind or "", law or "")
        return (
            render_matrix(matrix, lang),
            str(export_csv(matrix, lang)),
            str(export_xlsx(matrix, lang)),
        )

    def kind_choices(self, lang: str) -> list[tuple[str, str]]:
        return [(t(lang, "matrix_all"), "")] + [
            (pick(kind, lang), kind["id"]) for kind in self.matrix_filters["kinds"]
        ]

    def law_choices(self, lang: str) -> list[tuple[str, str]]:
        choices = [(t(lang, "matrix_all"), "")]
        for law in self.matrix_filters["laws"]:
            label = pick(law, lang)
            if law.get("citation") and law["citation"] not in label:
                label += f" ({law['citation']})"
            choices.append((label, law["id"]))
        return choices


def _header(lang: str) -> str:
    return (
        f"<div class='vgv-header'><div><h1>{e(t(lang, 'title'))}</h1>"
        f"<p>{e(t(lang, 'tagline'))}</p></div></div>"
    )


def _intro(lang: str, key: str) -> str:
    return f"<p class='vgv-meta'>{e(t(lang, key))}</p>"


def _examples(lang: str) -> list[list[str]]:
    return [[question] for question in EXAMPLES[lang]]


# --- the app ------------------------------------------------------------------------------


def build_app(engine: Any) -> gr.Blocks:
    """The Blocks app over a loaded engine (styles and head come with :func:`create_server`).

    The ``/ask`` API endpoint takes a question and returns (summary, facts_html,
    paths_html, passages_html, answer_json).
    """
    data = ViewData(engine)
    kg = data.kg
    lang0 = "sv"

    def render_answer(answer: dict[str, Any] | None, lang: str) -> tuple[str, str, str, str]:
        if not answer:
            return "", "", "", ""
        return (
            render_summary(answer, lang),
            render_facts(answer, lang, kg),
            render_paths(answer, lang, kg),
            render_passages(answer, lang),
        )

    def ask(questions: list[str], languages: list[str]) -> tuple[list[Any], ...]:
        """Answer a batch of questions (Gradio gathers concurrent ones, up to
        ``ASK_BATCH``, so the model embeds them in one pass); ``language`` only chooses
        the labels around each answer."""
        answers = engine.ask_many([q or "" for q in questions])
        rows = [
            (*render_answer(answer, lang_code(language or "Svenska")), answer)
            for answer, language in zip(answers, languages, strict=True)
        ]
        return tuple(list(column) for column in zip(*rows, strict=True))

    def check(text: str, upload: str | None, base: str, language: str) -> str:
        from vemgorvad.corpus.load import DocumentError

        lang = lang_code(language)
        base_sfs = (base or "").strip() or None
        if upload:
            try:
                checked_text, results = data.checker.check_path(Path(upload), base_sfs)
            except DocumentError as error:
                message = str(error).rsplit(": ", 1)[-1]
                return f"<div class='vgv-summary vgv-abstain'>{e(t(lang, 'refs_error', error=message))}</div>"
        elif (text or "").strip():
            checked_text = text[:MAX_CHECK_CHARS]
            results = data.checker.check(checked_text, base_sfs)
        else:
            return f"<div class='vgv-summary vgv-abstain'>{e(t(lang, 'refs_empty'))}</div>"
        return render_check(checked_text, results, lang)

    with gr.Blocks(title="Vem gör vad", analytics_enabled=False) as app:
        with gr.Row(equal_height=False):
            header = gr.HTML(_header(lang0), elem_id="vgv-header")
            language = gr.Radio(
                list(LANGUAGES),
                value="Svenska",
                label=t(lang0, "language"),
                elem_id="language",
                scale=0,
                min_width=280,
            )
        with gr.Tabs(elem_id="vgv-tabs"):
            with gr.Tab(t(lang0, "tab_ask"), id="fraga", elem_id="tab-fraga") as tab_ask:
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label=t(lang0, "question"),
                        placeholder=t(lang0, "question_placeholder"),
                        scale=6,
                        max_length=2000,
                        elem_id="question",
                    )
                    button = gr.Button(t(lang0, "ask"), variant="primary", scale=1, elem_id="ask")
                examples = gr.Dataset(
                    components=[question],
                    samples=_examples(lang0),
                    label=t(lang0, "examples"),
                    type="index",
                    elem_id="examples",
                )
                summary = gr.HTML(elem_id="summary", min_height=0)
                facts = gr.HTML(elem_id="facts", min_height=0)
                paths = gr.HTML(elem_id="paths", min_height=0)
                passages = gr.HTML(elem_id="passages", min_height=0)
                with gr.Accordion(t(lang0, "json"), open=False) as raw_box:
                    raw = gr.JSON(elem_id="answer-json")
            with gr.Tab(t(lang0, "tab_map"), id="karta", elem_id="tab-karta") as tab_map:
                map_frame = gr.HTML(map_view.frame_html(lang0), elem_id="map-box")
            with gr.Tab(t(lang0, "tab_legal"), id="lagrum", elem_id="tab-lagrum") as tab_legal:
                checker_title = gr.HTML(
                    f"<h3 class='vgv-h'>{e(t(lang0, 'legal_checker'))}</h3>"
                    + _intro(lang0, "legal_checker_intro")
                )
                with gr.Row():
                    refs_text = gr.Textbox(
                        label=t(lang0, "refs_text"), lines=6, scale=3, elem_id="refs-text"
                    )
                    with gr.Column(scale=1):
                        refs_file = gr.File(
                            label=t(lang0, "refs_file"),
                            file_types=UPLOAD_TYPES,
                            type="filepath",
                            height=150,
                            elem_id="refs-file",
                        )
                        refs_base = gr.Textbox(
                            label=t(lang0, "refs_base"), max_lines=1, elem_id="refs-base"
                        )
                refs_button = gr.Button(
                    t(lang0, "refs_check"), variant="primary", elem_id="refs-check"
                )
                refs_result = gr.HTML(elem_id="refs-result")
                legal_title = gr.HTML(f"<h3 class='vgv-h'>{e(t(lang0, 'legal_table'))}</h3>")
                show_extracted = gr.Checkbox(
                    label=t(lang0, "legal_show_extracted"), value=False, elem_id="legal-extracted"
                )
                legal = gr.HTML(data.legal_html(lang0, False), elem_id="legal-table")
                timeline_title = gr.HTML(f"<h3 class='vgv-h'>{e(t(lang0, 'timeline'))}</h3>")
                timeline_box = gr.HTML(data.timeline_html(lang0), elem_id="timeline")
            with gr.Tab(t(lang0, "tab_matrix"), id="matris", elem_id="tab-matris") as tab_matrix:
                matrix_intro = gr.HTML(_intro(lang0, "matrix_intro"))
                _, csv_path, xlsx_path = data.matrix_views(lang0, "", "")
                with gr.Row(equal_height=True):
                    matrix_kind = gr.Dropdown(
                        data.kind_choices(lang0),
                        value="",
                        label=t(lang0, "matrix_kind"),
                        elem_id="matrix-kind",
                    )
                    matrix_law = gr.Dropdown(
                        data.law_choices(lang0),
                        value="",
                        label=t(lang0, "matrix_law"),
                        elem_id="matrix-law",
                    )
                    with gr.Column(min_width=200):
                        matrix_csv = gr.DownloadButton(
                            t(lang0, "matrix_csv"),
                            value=csv_path,
                            size="sm",
                            variant="secondary",
                            elem_id="matrix-csv",
                        )
                        matrix_xlsx = gr.DownloadButton(
                            t(lang0, "matrix_xlsx"),
                            value=xlsx_path,
                            size="sm",
                            variant="secondary",
                            elem_id="matrix-xlsx",
                        )
                matrix = gr.HTML("", elem_id="matrix")  # filled when the tab opens
                matrix_loaded = gr.Checkbox(False, visible=False)
            with gr.Tab(t(lang0, "tab_source"), id="kalla", elem_id="tab-kalla") as tab_source:
                source_intro = gr.HTML(_intro(lang0, "source_intro"))
                sources = gr.HTML("", elem_id="sources")  # filled when the tab opens
                sources_loaded = gr.Checkbox(False, visible=False)

        # --- events ---------------------------------------------------------------------
        answer_outputs = [summary, facts, paths, passages, raw]
        # Every way of asking shares one queue: batched, two batches at a time.
        answering: dict[str, Any] = {
            "fn": ask,
            "inputs": [question, language],
            "outputs": answer_outputs,
            "concurrency_limit": ASK_CONCURRENCY,
            "concurrency_id": "engine",
            "batch": True,
            "max_batch_size": ASK_BATCH,
        }
        button.click(**answering, api_name="ask")
        question.submit(**answering, api_visibility="private")
        examples.click(
            lambda index, language: (
                EXAMPLES[lang_code(language)][index] if index is not None else ""
            ),
            inputs=[examples, language],
            outputs=question,
            api_visibility="private",
            concurrency_limit=LIGHT_CONCURRENCY,
        ).then(**answering, api_visibility="private")
        refs_button.click(
            check,
            inputs=[refs_text, refs_file, refs_base, language],
            outputs=refs_result,
            api_visibility="private",
            concurrency_limit=ASK_CONCURRENCY,
            concurrency_id="checker",
        )
        show_extracted.change(
            lambda show, language: data.legal_html(lang_code(language), bool(show)),
            inputs=[show_extracted, language],
            outputs=legal,
            api_visibility="private",
            concurrency_limit=LIGHT_CONCURRENCY,
        )
        for control in (matrix_kind, matrix_law):
            control.change(
                lambda kind, law, language: data.matrix_views(
                    lang_code(language), kind or "", law or ""
                ),
                inputs=[matrix_kind, matrix_law, language],
                outputs=[matrix, matrix_csv, matrix_xlsx],
                api_visibility="private",
                concurrency_limit=LIGHT_CONCURRENCY,
            )

        # the two largest views are sent when their tab is first opened, not with the page
        def open_sources(language: str, loaded: bool) -> tuple[Any, bool]:
            return (gr.update() if loaded else data.sources_html(lang_code(language))), True

        def open_matrix(language: str, kind: str, law: str, loaded: bool) -> tuple[Any, bool]:
            if loaded:
                return gr.update(), True
            return data.matrix_views(lang_code(language), kind or "", law or "")[0], True

        tab_source.select(
            open_sources,
            inputs=[language, sources_loaded],
            outputs=[sources, sources_loaded],
            api_visibility="private",
            concurrency_limit=LIGHT_CONCURRENCY,
        )
        tab_matrix.select(
            open_matrix,
            inputs=[language, matrix_kind, matrix_law, matrix_loaded],
            outputs=[matrix, matrix_loaded],
            api_visibility="private",
            concurrency_limit=LIGHT_CONCURRENCY,
        )

        def switch_language(
            choice: str,
            answer: dict[str, Any] | None,
            kind: str,
            law: str,
            show: bool,
            shown_check: str,
            text: str,
            upload: str | None,
            base: str,
        ) -> dict[Any, Any]:
            lang = lang_code(choice)
            matrix_html, csv_file, xlsx_file = data.matrix_views(lang, kind or "", law or "")
            rendered = render_answer(answer, lang)
            refs_html = check(text, upload, base, choice) if shown_check else ""
            return {
                header: _header(lang),
                language: gr.update(label=t(lang, "language")),
                tab_ask: gr.Tab(label=t(lang, "tab_ask")),
                tab_map: gr.Tab(label=t(lang, "tab_map")),
                tab_legal: gr.Tab(label=t(lang, "tab_legal")),
                tab_matrix: gr.Tab(label=t(lang, "tab_matrix")),
                tab_source: gr.Tab(label=t(lang, "tab_source")),
                question: gr.update(
                    label=t(lang, "question"), placeholder=t(lang, "question_placeholder")
                ),
                button: gr.update(value=t(lang, "ask")),
                examples: gr.Dataset(samples=_examples(lang), label=t(lang, "examples")),
                summary: rendered[0],
                facts: rendered[1],
                paths: rendered[2],
                passages: rendered[3],
                raw_box: gr.Accordion(label=t(lang, "json")),
                map_frame: map_view.frame_html(lang),
                checker_title: f"<h3 class='vgv-h'>{e(t(lang, 'legal_checker'))}</h3>"
                + _intro(lang, "legal_checker_intro"),
                refs_text: gr.update(label=t(lang, "refs_text")),
                refs_file: gr.update(label=t(lang, "refs_file")),
                refs_base: gr.update(label=t(lang, "refs_base")),
                refs_button: gr.update(value=t(lang, "refs_check")),
                refs_result: refs_html,
                legal_title: f"<h3 class='vgv-h'>{e(t(lang, 'legal_table'))}</h3>",
                show_extracted: gr.update(label=t(lang, "legal_show_extracted")),
                legal: data.legal_html(lang, bool(show)),
                timeline_title: f"<h3 class='vgv-h'>{e(t(lang, 'timeline'))}</h3>",
                timeline_box: data.timeline_html(lang),
                matrix_intro: _intro(lang, "matrix_intro"),
                matrix_kind: gr.update(
                    choices=data.kind_choices(lang), label=t(lang, "matrix_kind")
                ),
                matrix_law: gr.update(choices=data.law_choices(lang), label=t(lang, "matrix_law")),
                matrix_csv: gr.update(label=t(lang, "matrix_csv"), value=csv_file),
                matrix_xlsx: gr.update(label=t(lang, "matrix_xlsx"), value=xlsx_file),
                matrix: matrix_html,
                matrix_loaded: True,
                source_intro: _intro(lang, "source_intro"),
                sources: data.sources_html(lang),
                sources_loaded: True,
            }

        language.change(
            switch_language,
            inputs=[
                language,
                raw,
                matrix_kind,
                matrix_law,
                show_extracted,
                refs_result,
                refs_text,
                refs_file,
                refs_base,
            ],
            outputs=[
                header,
                language,
                tab_ask,
                tab_map,
                tab_legal,
                tab_matrix,
                tab_source,
                question,
                button,
                examples,
                summary,
                facts,
                paths,
                passages,
                raw_box,
                map_frame,
                checker_title,
                refs_text,
                refs_file,
                refs_base,
                refs_button,
                refs_result,
                legal_title,
                show_extracted,
                legal,
                timeline_title,
                timeline_box,
                matrix_intro,
                matrix_kind,
                matrix_law,
                matrix_csv,
                matrix_xlsx,
                matrix,
                source_intro,
                sources,
                matrix_loaded,
                sources_loaded,
            ],
            api_visibility="private",
            concurrency_limit=LIGHT_CONCURRENCY,
        )
    return app


def create_server(engine: Any, auth: Callable[[str, str], bool] | None = None) -> FastAPI:
    """The whole site: the map page and its JSON under ``/vgv/``, the Gradio app at ``/``."""
    server = FastAPI(title="Vem gör vad", docs_url=None, redoc_url=None, openapi_url=None)
    map_view.add_routes(server, engine.graph)
    blocks = build_app(engine)
    blocks.queue(default_concurrency_limit=LIGHT_CONCURRENCY, max_size=QUEUE_SIZE)
    server = gr.mount_gradio_app(
        server,
        blocks,
        path="/",
        auth=auth,
        show_error=False,
        footer_links=["api", "settings"],
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        theme=theme(),
        css=page_css(),
        head=HEAD,
        max_file_size="20mb",
    )
    if auth is not None:
        _require_login(server)
    return server


def _require_login(server: FastAPI) -> None:
    """Let only users logged in to the Gradio app (its session cookie) reach ``/vgv/``."""
    from fastapi import Request
    from fastapi.responses import JSONResponse
    from starlette.routing import Mount

    gradio_app: Any = next(
        route.app
        for route in server.routes
        if isinstance(route, Mount) and hasattr(route.app, "tokens")
    )

    @server.middleware("http")
    async def require_login(request: Request, call_next: Any) -> Any:
        if request.url.path.startswith(map_view.PREFIX + "/"):
            cookie = f"access-token-{gradio_app.cookie_id}"
            token = request.cookies.get(cookie) or request.cookies.get(
                f"access-token-unsecure-{gradio_app.cookie_id}"
            )
            if token is None or gradio_app.tokens.get(token) is None:
                return JSONResponse({"detail": "login required"}, status_code=401)
        return await call_next(request)


def serve(host: str = "127.0.0.1", port: int = 7860, auth_file: Path | None = None) -> None:
    """Load the engine and serve the app until interrupted (127.0.0.1 by default)."""
    import uvicorn

    from vemgorvad.qa.answer import Engine
    from vemgorvad.ui.auth import authenticator

    auth = authenticator(auth_file) if auth_file else None
    engine = Engine.load()
    server = create_server(engine, auth)
    logger.info("serving on http://%s:%d", host, port)
    uvicorn.run(server, host=host, port=port, log_level="info", access_log=False)
