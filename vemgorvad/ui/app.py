"""The Gradio app: one page, five views, Swedish with an English switch.

* **Fråga** — a question to :meth:`Engine.ask`, the answer as summary, fact cards, its
  evidence graph and cited passages (the answering sentence marked, linked to the Källa
  view);
* **Aktörskarta** — the network of actors, a page of its own in an iframe
  (:mod:`vemgorvad.ui.views.actor_map`);
* **Lagrum** — the reference checker, the legal table and the timeline;
* **Ansvarsmatris** — actors × target groups, with CSV and xlsx export;
* **Källa** — every document, section by section, every passage anchored.

Nothing is computed here that a CLI user would miss: the data come from
the view-models of :mod:`vemgorvad.ui.viewmodels` and the engine; the modules in
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

from vemgorvad.ui.tabs import ASK_CONCURRENCY, LIGHT_CONCURRENCY, Tab, light
from vemgorvad.ui.tabs.ask import ASK_BATCH, AskTab
from vemgorvad.ui.tabs.legal import LegalTab
from vemgorvad.ui.tabs.others import MapTab, MatrixTab, SourceTab
from vemgorvad.ui.upload import Uploader
from vemgorvad.ui.viewmodels.common import ACTOR_STYLES
from vemgorvad.ui.viewmodels.legal import legal_table, timeline
from vemgorvad.ui.viewmodels.matrix import law_matrix, matrix_filters, responsibility_matrix
from vemgorvad.ui.viewmodels.source import source_view
from vemgorvad.ui.views import actor_map as map_view
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import LANGUAGES, lang_code, pick, t
from vemgorvad.ui.views.legal import Checker, render_legal_table, render_timeline
from vemgorvad.ui.views.matrix import export_csv, export_xlsx, render_matrix, shown
from vemgorvad.ui.views.source import render_sources

logger = logging.getLogger(__name__)

STATIC_DIR = map_view.STATIC_DIR

__all__ = ["ASK_BATCH", "ASK_CONCURRENCY", "LIGHT_CONCURRENCY", "build_app", "create_server"]

QUEUE_SIZE = 100
"""Events that may wait; ~20 users with a few clicks each fit."""

HEAD = '<script src="vgv/static/app.js" defer></script>'
"""Loaded into the page's head: the links between the views."""


def page_css() -> str:
    """The page's styles: ``static/app.css`` and a class per actor kind's colour."""
    kinds = "\n".join(
        f".vgv-kind-{colour_class} {{ background: {colour} !important; }}"
        for colour_class, colour in ACTOR_STYLES.values()
    )
    return (STATIC_DIR / "app.css").read_text(encoding="utf-8") + "\n" + kinds + "\n"


SYSTEM_FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Liberation Sans",
    "Arial",
    "sans-serif",
]
"""The page's one typeface: the reader's own system font. Gradio's bundled Source Sans
Pro SemiBold is a 5 KB subset, so bold Swedish text mixed two faces ("B", "A" came from
another font); a system font is complete in every weight and loads nothing."""

SYSTEM_MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Liberation Mono", "monospace"]


def theme() -> gr.themes.Base:
    """A built-in theme with system fonts: nothing is fetched, from here or elsewhere."""
    return gr.themes.Default(
        primary_hue="indigo", secondary_hue="slate", font=SYSTEM_FONTS, font_mono=SYSTEM_MONO
    )


# --- the views' data, computed once -------------------------------------------------------


class ViewData:
    """The graph views the page shows, computed once per engine and cached per language.

    ``generation`` counts the builds the page has shown (0 at start, one more after each
    document added in the app)."""

    def __init__(self, engine: Any, generation: int = 0) -> None:
        self.engine = engine
        self.generation = generation
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
    def matrix(self, kind: str, law: str, by_law: bool = False) -> dict[str, Any]:
        if by_law:
            return law_matrix(self.kg, actor_kind=kind or None)
        return responsibility_matrix(self.kg, actor_kind=kind or None, law=law or None)

    def matrix_views(
        self,
        lang: str,
        kind: str,
        law: str,
        by_law: bool = False,
        show_empty: bool = False,
        hide_extracted: bool = False,
    ) -> tuple[str, str, str]:
        """The matrix HTML and its CSV and xlsx files (what is shown) for the filters."""
        full = self.matrix(kind or "", law or "", bool(by_law))
        matrix = shown(full, not show_empty, bool(hide_extracted))
        return (
            render_matrix(full, lang, not show_empty, bool(hide_extracted), bool(by_law)),
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


CACHED_VIEWS = (
    ViewData.sources_html,
    ViewData.legal_html,
    ViewData.timeline_html,
    ViewData.matrix,
)


class Live:
    """What the server shows, swapped whole when a document added in the app makes a new
    build: the views' data (every tab reads it at each event) and the map's routes.

    Everything over the new engine is made before anything is swapped; a question asked
    meanwhile is answered by the old engine or by the new one.
    """

    def __init__(self, engine: Any) -> None:
        self.data = ViewData(engine)
        self.map_routes = _map_routes(engine.graph)
        self.tabs: list[Tab] = []

    @property
    def engine(self) -> Any:
        return self.data.engine

    def publish(self, engine: Any) -> None:
        """Show ``engine``'s build: every tab, the map and its filters."""
        data = ViewData(engine, self.data.generation + 1)
        routes = _map_routes(engine.graph)
        for tab in self.tabs:
            tab.data = data
        self.data, self.map_routes = data, routes
        for cached in CACHED_VIEWS:  # the old build's views, and the old ViewData with them
            cached.cache_clear()  # type: ignore[attr-defined]


def _map_routes(kg: Any) -> FastAPI:
    """The map page and its JSON routes over one graph (:func:`map_view.add_routes`)."""
    routes = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    map_view.add_routes(routes, kg)
    return routes


class _LiveMap:
    """ASGI middleware: requests under ``/vgv/`` go to the map routes of the build in use."""

    def __init__(self, app: Any, live: Live) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith(map_view.PREFIX + "/"):
            await self.live.map_routes(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _header(lang: str) -> str:
    return (
        f"<div class='vgv-header'><div><h1>{e(t(lang, 'title'))}</h1>"
        f"<p>{e(t(lang, 'tagline'))}</p></div></div>"
    )


# --- the app ------------------------------------------------------------------------------


def build_app(engine: Any, live: Live | None = None, allow_upload: bool = False) -> gr.Blocks:
    """The Blocks app over a loaded engine (styles and head come with :func:`create_server`).

    Each tab is built by its own module under :mod:`vemgorvad.ui.tabs`. The ``/ask`` API
    endpoint takes a question and returns (notice, summary, facts_html, graph_html,
    passages_html, answer_json). With ``allow_upload`` the Källa tab adds documents
    (:mod:`vemgorvad.ui.upload`); after one is added, every view on the page is shown
    again over the new build, and so is a page opened before but loaded after it.
    """
    live = live or Live(engine)
    data = live.data
    lang0 = "sv"
    uploader = Uploader(lambda: live.engine, live.publish) if allow_upload else None
    source = SourceTab(data, uploader)
    tabs: list[Tab] = [AskTab(data), MapTab(data), LegalTab(data), MatrixTab(data), source]
    live.tabs = tabs
    with gr.Blocks(title="Vem gör vad", analytics_enabled=False) as app:
        with gr.Row(equal_height=False, elem_id="vgv-top"):
            header = gr.HTML(_header(lang0), elem_id="vgv-header")
            language = gr.Radio(
                list(LANGUAGES),
                value="Svenska",
                label=t(lang0, "language"),
                elem_id="language",
                scale=0,
                min_width=200,
            )
        with gr.Tabs(elem_id="vgv-tabs"):
            for tab in tabs:
                with gr.Tab(
                    t(lang0, tab.label_key), id=tab.tab_id, elem_id=f"tab-{tab.tab_id}"
                ) as tab.tab:
                    tab.build(lang0)
        for tab in tabs:
            tab.wire(language)
        switch, inputs, outputs = _wire_language(language, header, tabs)
        if source.added is not None:
            _wire_new_build(app, live, switch, inputs, outputs, source.added)
    return app


def _wire_language(
    language: gr.Radio, header: gr.HTML, tabs: list[Tab]
) -> tuple[Callable[..., dict[Any, Any]], list[Any], list[Any]]:
    """One switch re-renders everything on screen in the chosen language; returns the
    re-rendering function with its inputs and outputs."""
    inputs = [language] + [component for tab in tabs for component in tab.switch_inputs]
    outputs: list[Any] = [header, language] + [tab.tab for tab in tabs]
    outputs += [component for tab in tabs for component in tab.switch_outputs]

    def switch_language(choice: str, *values: Any) -> dict[Any, Any]:
        lang = lang_code(choice)
        updates: dict[Any, Any] = {
            header: _header(lang),
            language: gr.update(label=t(lang, "language")),
        }
        position = 0
        for tab in tabs:
            count = len(tab.switch_inputs)
            updates[tab.tab] = gr.Tab(label=t(lang, tab.label_key))
            updates.update(tab.switch(lang, list(values[position : position + count])))
            position += count
        return updates

    language.change(switch_language, inputs=inputs, outputs=outputs, **light())
    return switch_language, inputs, outputs


def _wire_new_build(
    app: gr.Blocks,
    live: Live,
    switch: Callable[..., dict[Any, Any]],
    inputs: list[Any],
    outputs: list[Any],
    added: Any,
) -> None:
    """After a document is added, and when a page loads after one was, show every view
    again over the build in use (a page's first views are those of the build it was made
    with)."""
    # a hidden number, not gr.State: a State keeps a heartbeat connection open for good
    shown = gr.Number(live.data.generation, visible=False, precision=0)

    def refresh(generation: float | None, *values: Any) -> dict[Any, Any]:
        now = live.data.generation
        return {shown: now} if generation == now else {shown: now, **switch(*values)}

    options = {"inputs": [shown, *inputs], "outputs": [shown, *outputs], **light()}
    added.then(refresh, show_progress="hidden", **options)
    app.load(refresh, show_progress="hidden", **options)


def create_server(
    engine: Any,
    auth: Callable[[str, str], bool] | None = None,
    allow_upload: bool = False,
) -> FastAPI:
    """The whole site: the map page and its JSON under ``/vgv/``, the Gradio app at ``/``.

    With ``allow_upload`` the Källa tab adds documents to the corpus (``serve
    --allow-upload``; the command line refuses it on an exposed host without a login).
    """
    server = FastAPI(title="Vem gör vad", docs_url=None, redoc_url=None, openapi_url=None)
    live = Live(engine)
    server.add_middleware(_LiveMap, live=live)  # inside the login check added below
    blocks = build_app(engine, live, allow_upload)
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


def serve(
    host: str = "127.0.0.1",
    port: int = 7860,
    auth_file: Path | None = None,
    allow_upload: bool = False,
) -> None:
    """Load the engine and serve the app until interrupted (127.0.0.1 by default)."""
    import uvicorn

    from vemgorvad.qa.answer import Engine
    from vemgorvad.ui.auth import authenticator

    auth = authenticator(auth_file) if auth_file else None
    engine = Engine.load()
    server = create_server(engine, auth, allow_upload)
    logger.info("serving on http://%s:%d", host, port)
    uvicorn.run(server, host=host, port=port, log_level="info", access_log=False)
