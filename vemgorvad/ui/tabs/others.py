"""The Aktörskarta, Ansvarsmatris and Källa tabs: views computed once, sent when opened.

The map is a page of its own in an iframe (:mod:`vemgorvad.ui.views.actor_map`); the
matrix and the sources are the two largest views, so each is sent when its tab is first
opened, not with the page.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from vemgorvad.ui.tabs import Tab, intro, light
from vemgorvad.ui.views import actor_map as map_view
from vemgorvad.ui.views.i18n import lang_code, t


class MapTab(Tab):
    tab_id = "karta"
    label_key = "tab_map"

    def build(self, lang: str) -> None:
        self.frame = gr.HTML(map_view.frame_html(lang), elem_id="map-box")
        self.switch_outputs = [self.frame]

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        return {self.frame: map_view.frame_html(lang)}


def _view_choices(lang: str) -> list[tuple[str, str]]:
    return [(t(lang, "matrix_by_group"), "groups"), (t(lang, "matrix_by_law"), "laws")]


class MatrixTab(Tab):
    tab_id = "matris"
    label_key = "tab_matrix"

    def build(self, lang: str) -> None:
        data = self.data
        self.intro = gr.HTML(intro(lang, "matrix_intro"))
        _, csv_path, xlsx_path = data.matrix_views(lang, "", "")
        with gr.Row(equal_height=True):
            self.view = gr.Radio(
                _view_choices(lang),
                value="groups",
                label=t(lang, "matrix_view"),
                elem_id="matrix-view",
            )
            self.kind = gr.Dropdown(
                data.kind_choices(lang),
                value="",
                label=t(lang, "matrix_kind"),
                elem_id="matrix-kind",
            )
            self.law = gr.Dropdown(
                data.law_choices(lang), value="", label=t(lang, "matrix_law"), elem_id="matrix-law"
            )
            with gr.Column(min_width=200):
                self.csv = gr.DownloadButton(
                    t(lang, "matrix_csv"),
                    value=csv_path,
                    size="sm",
                    variant="secondary",
                    elem_id="matrix-csv",
                )
                self.xlsx = gr.DownloadButton(
                    t(lang, "matrix_xlsx"),
                    value=xlsx_path,
                    size="sm",
                    variant="secondary",
                    elem_id="matrix-xlsx",
                )
        with gr.Row():
            self.show_empty = gr.Checkbox(
                label=t(lang, "matrix_show_empty"), value=False, elem_id="matrix-empty"
            )
            self.hide_extracted = gr.Checkbox(
                label=t(lang, "hide_extracted"), value=False, elem_id="matrix-extracted"
            )
        self.matrix = gr.HTML("", elem_id="matrix")  # filled when the tab opens
        self.loaded = gr.Checkbox(False, visible=False)
        self.controls: list[Any] = [
            self.kind,
            self.law,
            self.view,
            self.show_empty,
            self.hide_extracted,
        ]
        self.switch_inputs = list(self.controls)
        self.switch_outputs = [
            self.intro,
            *self.controls,
            self.csv,
            self.xlsx,
            self.matrix,
            self.loaded,
        ]

    def views(self, lang: str, values: list[Any]) -> tuple[str, str, str]:
        kind, law, view, show_empty, hide_extracted = values
        return self.data.matrix_views(
            lang, kind or "", law or "", view == "laws", bool(show_empty), bool(hide_extracted)
        )

    def wire(self, language: gr.Radio) -> None:
        for control in self.controls:
            control.change(
                lambda language, *values: self.views(lang_code(language), list(values)),
                inputs=[language, *self.controls],
                outputs=[self.matrix, self.csv, self.xlsx],
                **light(),
            )

        def open_matrix(language: str, loaded: bool, *values: Any) -> tuple[Any, bool]:
            if loaded:
                return gr.update(), True
            return self.views(lang_code(language), list(values))[0], True

        assert self.tab is not None
        self.tab.select(
            open_matrix,
            inputs=[language, self.loaded, *self.controls],
            outputs=[self.matrix, self.loaded],
            **light(),
        )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        matrix_html, csv_file, xlsx_file = self.views(lang, values)
        data = self.data
        return {
            self.intro: intro(lang, "matrix_intro"),
            self.view: gr.update(choices=_view_choices(lang), label=t(lang, "matrix_view")),
            self.kind: gr.update(choices=data.kind_choices(lang), label=t(lang, "matrix_kind")),
            self.law: gr.update(choices=data.law_choices(lang), label=t(lang, "matrix_law")),
            self.show_empty: gr.update(label=t(lang, "matrix_show_empty")),
            self.hide_extracted: gr.update(label=t(lang, "hide_extracted")),
            self.csv: gr.update(label=t(lang, "matrix_csv"), value=csv_file),
            self.xlsx: gr.update(label=t(lang, "matrix_xlsx"), value=xlsx_file),
            self.matrix: matrix_html,
            self.loaded: True,
        }


class SourceTab(Tab):
    tab_id = "kalla"
    label_key = "tab_source"

    def build(self, lang: str) -> None:
        self.intro = gr.HTML(intro(lang, "source_intro"))
        self.sources = gr.HTML("", elem_id="sources")  # filled when the tab opens
        self.loaded = gr.Checkbox(False, visible=False)
        self.switch_outputs = [self.intro, self.sources, self.loaded]

    def wire(self, language: gr.Radio) -> None:
        def open_sources(language: str, loaded: bool) -> tuple[Any, bool]:
            return (gr.update() if loaded else self.data.sources_html(lang_code(language))), True

        assert self.tab is not None
        self.tab.select(
            open_sources,
            inputs=[language, self.loaded],
            outputs=[self.sources, self.loaded],
            **light(),
        )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        return {
            self.intro: intro(lang, "source_intro"),
            self.sources: self.data.sources_html(lang),
            self.loaded: True,
        }
