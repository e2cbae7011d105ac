"""The page's tabs, one builder per tab (as kotaemon builds each page in its own module).

Each builder makes its components inside the ``gr.Tab`` that :func:`vemgorvad.ui.app.build_app`
opens for it (:meth:`Tab.build`), wires its own events (:meth:`Tab.wire`) and says what the
language switch must re-render (:attr:`Tab.switch_inputs`, :meth:`Tab.switch`).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import t

LIGHT_CONCURRENCY = 8
"""Other events (filters, language, rendering cached views) at once; each takes ms."""

ASK_CONCURRENCY = 2
"""Questions (and reference checks) answered at once: one per core; the rest queue."""


def heading(lang: str, key: str) -> str:
    return f"<h3 class='vgv-h'>{e(t(lang, key))}</h3>"


def intro(lang: str, key: str) -> str:
    return f"<p class='vgv-meta'>{e(t(lang, key))}</p>"


def light(**options: Any) -> dict[str, Any]:
    """The options of a quick, private event."""
    return {"api_visibility": "private", "concurrency_limit": LIGHT_CONCURRENCY, **options}


class Tab:
    """A tab of the page: its id, its label's key and its components."""

    tab_id = ""
    label_key = ""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.tab: gr.Tab | None = None
        self.switch_inputs: list[Any] = []
        self.switch_outputs: list[Any] = []

    def build(self, lang: str) -> None:
        """Make the components (called inside the tab's ``gr.Tab``)."""
        raise NotImplementedError

    def wire(self, language: gr.Radio) -> None:
        """Connect the tab's own events; ``language`` is the page's language radio."""

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        """The updates that show the tab in ``lang``; ``values`` are the current values of
        :attr:`switch_inputs`."""
        return {}
