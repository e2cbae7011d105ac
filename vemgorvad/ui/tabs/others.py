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


class MatrixTab(Tab):
    tab_id = "matris"
    label_key = "tab_matrix"

    def build(self, lang: str) -> None:
        data = self.data
        self.intro = gr.HTML(intro(lang, "matrix_intro"))
        _, csv_path, xlsx_path = data.matrix_views(lang, "", "")
        with gr.Row(equal_height=True):
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
        self.matrix = gr.HTML("", elem_id="matrix")  # filled when the tab opens
        self.loaded = gr.Checkbox(False, visible=False)
        self.switch_inputs = [self.kind, self.law]
        self.switch_outputs = [
            self.intro,
            self.kind,
            self.law,
            self.csv,
            self.xlsx,
            self.matrix,
            self.loaded,
        ]

    def wire(self, language: gr.Radio) -> None:
        data = self.data
        for control in (self.kind, self.law):
            control.change(
                lambda kind, law, language: data.matrix_views(
                    lang_code(language), kind or "", law or ""
                ),
                inputs=[self.kind, self.law, language],
                outputs=[self.matrix, self.csv, self.xlsx],
                **light(),
            )

        def open_matrix(language: str, kind: str, law: str, loaded: bool) -> tuple[Any, bool]:
            if loaded:
                return gr.update(), True
            return data.matrix_views(lang_code(language), kind or "", law or "")[0], True

        assert self.tab is not None
        self.tab.select(
            open_matrix,
            inputs=[language, self.kind, self.law, self.loaded],
            outputs=[self.matrix, self.loaded],
            **light(),
        )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        kind, law = values
        matrix_html, csv_file, xlsx_file = self.data.matrix_views(lang, kind or "", law or "")
        return {
            self.intro: intro(lang, "matrix_intro"),
            self.kind: gr.update(
                choices=self.data.kind_choices(lang), label=t(lang, "matrix_kind")
            ),
            self.law: gr.update(choices=self.data.law_choices(lang), label=t(lang, "matrix_law")),
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
