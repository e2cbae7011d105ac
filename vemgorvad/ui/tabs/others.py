"""The Aktörskarta, Ansvarsmatris and Källa tabs: views computed once, sent when opened.

The map is a page of its own in an iframe (:mod:`vemgorvad.ui.views.actor_map`); the
matrix and the sources are the two largest views, so each is sent when its tab is first
opened, not with the page. With ``serve --allow-upload`` the Källa tab also adds a
document (:mod:`vemgorvad.ui.upload`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from vemgorvad.ui.tabs import Tab, heading, intro, light
from vemgorvad.ui.upload import Uploader, UploadRefused
from vemgorvad.ui.views import actor_map as map_view
from vemgorvad.ui.views import upload as upload_view
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import lang_code, t


class MapTab(Tab):
    tab_id = "karta"
    label_key = "tab_map"

    def build(self, lang: str) -> None:
        self.frame = gr.HTML(self.frame_html(lang), elem_id="map-box")
        self.switch_outputs = [self.frame]

    def frame_html(self, lang: str) -> str:
        """The map's frame, marked with the build it shows: after a document is added the
        frame is new, so the map page loads again over the new build."""
        return f"<div data-generation='{self.data.generation}'>{map_view.frame_html(lang)}</div>"

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        return {self.frame: self.frame_html(lang)}


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
    """The documents; with an :class:`~vemgorvad.ui.upload.Uploader`, also a way to add one."""

    tab_id = "kalla"
    label_key = "tab_source"

    def __init__(self, data: Any, uploader: Uploader | None = None) -> None:
        super().__init__(data)
        self.uploader = uploader
        self.added: Any = None  # the upload event, for the page to show the new build after it

    def build(self, lang: str) -> None:
        self.switch_outputs = []
        if self.uploader is not None:
            self._build_upload(lang)
        self.intro = gr.HTML(intro(lang, "source_intro"))
        self.sources = gr.HTML("", elem_id="sources")  # filled when the tab opens
        self.loaded = gr.Checkbox(False, visible=False)
        self.switch_outputs += [self.intro, self.sources, self.loaded]

    def _build_upload(self, lang: str) -> None:
        with gr.Column(elem_id="upload"):
            self.upload_intro = gr.HTML(_upload_intro(lang))
            with gr.Row(equal_height=False):
                self.doc_title = gr.Textbox(
                    label=t(lang, "upload_doc_title"),
                    placeholder=t(lang, "upload_doc_title_placeholder"),
                    max_lines=1,
                    max_length=300,
                    scale=2,
                    elem_id="upload-title",
                )
                self.upload = gr.UploadButton(
                    t(lang, "upload_button"),
                    type="filepath",
                    variant="primary",
                    size="md",
                    scale=1,
                    elem_id="upload-file",
                )
            # room for the progress bar while a build runs
            self.result = gr.HTML("", elem_id="upload-result", min_height=90)
        self.outcome = gr.JSON(None, visible=False)  # what the last upload did
        self.switch_inputs = [self.outcome]
        self.switch_outputs = [self.upload_intro, self.doc_title, self.upload, self.result]

    def add(
        self,
        path: str | None,
        title: str,
        language: str,
        progress: Any = gr.Progress(),  # noqa: B008 - how Gradio finds its progress bar
    ) -> tuple[Any, Any, Any]:
        """Add the uploaded file (:meth:`Uploader.add`), showing the build's progress;
        returns the outcome shown, the outcome and the title box's new value."""
        lang = lang_code(language)
        if not path or self.uploader is None:
            return gr.update(), gr.update(), gr.update()

        def report(stage: str, done: int, total: int) -> None:
            progress(upload_view.progress(stage, done, total), desc=t(lang, f"upload_stage_{stage}"))

        try:
            added = self.uploader.add(Path(path), title=title, progress=report)
        except UploadRefused as refusal:
            outcome: dict[str, Any] = {
                "refused": {"reason": refusal.reason, "details": refusal.details}
            }
            return upload_view.render_outcome(outcome, lang), outcome, gr.update()
        outcome = {
            "added": {
                "document": {"id": added.document.id, "title": added.document.title},
                "path": added.path.name,
                "seconds": added.seconds,
                "report": added.report,
            }
        }
        return upload_view.render_outcome(outcome, lang), outcome, ""

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
        if self.uploader is not None:
            self.added = self.upload.upload(
                self.add,
                inputs=[self.upload, self.doc_title, language],
                outputs=[self.result, self.outcome, self.doc_title],
                show_progress_on=[self.result],
                api_visibility="private",
                concurrency_limit=1,  # one build at a time; the next upload waits its turn
                concurrency_id="upload",
            )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        updates: dict[Any, Any] = {
            self.intro: intro(lang, "source_intro"),
            self.sources: self.data.sources_html(lang),
            self.loaded: True,
        }
        if self.uploader is not None:
            (outcome,) = values
            updates.update(
                {
                    self.upload_intro: _upload_intro(lang),
                    self.doc_title: gr.update(
                        label=t(lang, "upload_doc_title"),
                        placeholder=t(lang, "upload_doc_title_placeholder"),
                    ),
                    self.upload: gr.update(label=t(lang, "upload_button")),
                    self.result: upload_view.render_outcome(outcome, lang),
                }
            )
        return updates


def _upload_intro(lang: str) -> str:
    return heading(lang, "upload_heading") + (
        f"<p class='vgv-meta'>{e(t(lang, 'upload_intro', limit=upload_view.limit_text(lang)))}</p>"
    )
