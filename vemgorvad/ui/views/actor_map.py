"""The Aktörskarta (Actor map) view: a small page of its own, shown in an iframe.

Gradio does not run ``<script>`` inside ``gr.HTML``, so the map is a plain HTML page
(``static/map.html`` with ``static/map.js`` and the vis-network build, all served from
this server, never a CDN) at ``/vgv/map``. It reads JSON routes on the same server:

* ``/vgv/api/map/filters?lang=`` — what the filters offer (:func:`map_filters`) and the
  page's labels;
* ``/vgv/api/map?law=&group=&relation=&document=&extracted=`` — :func:`actor_map`;
* ``/vgv/api/map.graphml?…`` — the same map as GraphML (:func:`map_graphml`);
* ``/vgv/api/node?id=`` — :func:`node_details` of a clicked node.

The page talks to the app around it with ``postMessage`` (same origin only): it says
``vgv-map-ready`` when drawn, takes ``vgv-focus`` (an actor to select) and sends
``vgv-passage`` (a passage to open in the Källa view).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from vemgorvad.graph.model import KnowledgeGraph
from vemgorvad.ui.viewmodels.actor_map import actor_map, map_filters, map_graphml, node_details
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import MAP_TEXTS, t

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
"""The app's own JS, CSS and HTML, and the vis-network build with its licence."""

PREFIX = "/vgv"
"""Where the app's own routes live (Gradio owns the rest)."""

MAP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)
"""The map page may load and ask nothing but this server."""


def frame_html(lang: str) -> str:
    """The iframe that shows the map page in the Aktörskarta tab."""
    return (
        f"<p class='vgv-meta'>{e(t(lang, 'map_intro'))}</p>"
        f"<iframe id='vgv-map-frame' class='vgv-map-frame' src='vgv/map?lang={e(lang)}' "
        f"title='{e(t(lang, 'tab_map'))}'></iframe>"
    )


def add_routes(server: FastAPI, kg: KnowledgeGraph) -> None:
    """Add the map page, its data routes and the static files to ``server``."""

    @functools.lru_cache(maxsize=4)
    def filters(lang: str) -> dict[str, Any]:
        return {"filters": map_filters(kg), "texts": MAP_TEXTS.get(lang, MAP_TEXTS["sv"])}

    def selected(
        law: str | None,
        group: str | None,
        relation: str | None,
        document: str | None,
        extracted: str | None,
    ) -> dict[str, Any]:
        return actor_map(
            kg,
            law=law or None,
            group=group or None,
            relation=relation or None,
            document=document or None,
            include_extracted=extracted in ("1", "true", "on"),
        )

    @server.get(f"{PREFIX}/map", include_in_schema=False)
    def map_page() -> FileResponse:
        return FileResponse(
            STATIC_DIR / "map.html",
            media_type="text/html",
            headers={"Content-Security-Policy": MAP_CSP, "Cache-Control": "no-cache"},
        )

    @server.get(f"{PREFIX}/api/map/filters", include_in_schema=False)
    def map_filters_route(lang: str = "sv") -> JSONResponse:
        return JSONResponse(filters("en" if lang == "en" else "sv"))

    @server.get(f"{PREFIX}/api/map", include_in_schema=False)
    def map_route(
        law: str | None = None,
        group: str | None = None,
        relation: str | None = None,
        document: str | None = None,
        extracted: str | None = None,
    ) -> JSONResponse:
        return JSONResponse(selected(law, group, relation, document, extracted))

    @server.get(f"{PREFIX}/api/map.graphml", include_in_schema=False)
    def map_graphml_route(
        law: str | None = None,
        group: str | None = None,
        relation: str | None = None,
        document: str | None = None,
        extracted: str | None = None,
    ) -> Response:
        data = selected(law, group, relation, document, extracted)
        return Response(
            map_graphml(data),
            media_type="application/graphml+xml",
            headers={"Content-Disposition": "attachment; filename=aktorskarta.graphml"},
        )

    @server.get(f"{PREFIX}/api/node", include_in_schema=False)
    def node_route(node_id: str = Query(alias="id", max_length=500)) -> JSONResponse:
        details = node_details(kg, node_id)
        if details is None:
            raise HTTPException(status_code=404, detail="unknown node")
        return JSONResponse(details)

    server.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="vgv-static")
