"""The Lagrum tab: the reference checker (pasted text or an uploaded file), the table of
every regulation and the timeline of dated changes (:mod:`vemgorvad.ui.views.legal`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from vemgorvad.ui.tabs import ASK_CONCURRENCY, Tab, heading, intro, light
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import lang_code, t
from vemgorvad.ui.views.legal import UPLOAD_TYPES, render_check

MAX_CHECK_CHARS = 200_000
"""The longest pasted text the checker reads."""


def _file_name(path: str | None, lang: str) -> str:
    if not path:
        return f"<span class='vgv-meta'>{e(t(lang, 'refs_file_none'))}</span>"
    return f"<span class='vgv-meta'>{e(t(lang, 'refs_file_chosen', name=Path(path).name))}</span>"


class LegalTab(Tab):
    tab_id = "lagrum"
    label_key = "tab_legal"

    def build(self, lang: str) -> None:
        self.checker_title = gr.HTML(
            heading(lang, "legal_checker") + intro(lang, "legal_checker_intro")
        )
        with gr.Row():
            self.text = gr.Textbox(
                label=t(lang, "refs_text"), lines=6, scale=3, elem_id="refs-text"
            )
            with gr.Column(scale=1):
                self.file = gr.UploadButton(
                    t(lang, "refs_file_button"),
                    file_types=UPLOAD_TYPES,
                    type="filepath",
                    variant="secondary",
                    elem_id="refs-file",
                )
                self.path = gr.Textbox(visible=False, elem_id="refs-path")
                self.file_name = gr.HTML(_file_name(None, lang), elem_id="refs-file-name")
                self.base = gr.Textbox(label=t(lang, "refs_base"), max_lines=1, elem_id="refs-base")
        self.button = gr.Button(t(lang, "refs_check"), variant="primary", elem_id="refs-check")
        self.result = gr.HTML(elem_id="refs-result")
        self.table_title = gr.HTML(heading(lang, "legal_table"))
        self.show_extracted = gr.Checkbox(
            label=t(lang, "legal_show_extracted"), value=False, elem_id="legal-extracted"
        )
        self.table = gr.HTML(self.data.legal_html(lang, False), elem_id="legal-table")
        self.timeline_title = gr.HTML(heading(lang, "timeline"))
        self.timeline = gr.HTML(self.data.timeline_html(lang), elem_id="timeline")
        self.switch_inputs = [self.show_extracted, self.result, self.text, self.path, self.base]
        self.switch_outputs = [
            self.checker_title,
            self.text,
            self.file,
            self.file_name,
            self.base,
            self.button,
            self.result,
            self.table_title,
            self.show_extracted,
            self.table,
            self.timeline_title,
            self.timeline,
        ]

    def check(self, text: str, upload: str | None, base: str, language: str) -> str:
        from vemgorvad.corpus.load import DocumentError

        lang = lang_code(language)
        base_sfs = (base or "").strip() or None
        checker = self.data.checker
        if upload:
            try:
                checked_text, results = checker.check_path(Path(upload), base_sfs)
            except DocumentError as error:
                message = str(error).rsplit(": ", 1)[-1]
                return f"<div class='vgv-summary vgv-abstain'>{e(t(lang, 'refs_error', error=message))}</div>"
        elif (text or "").strip():
            checked_text = text[:MAX_CHECK_CHARS]
            results = checker.check(checked_text, base_sfs)
        else:
            return f"<div class='vgv-summary vgv-abstain'>{e(t(lang, 'refs_empty'))}</div>"
        return render_check(checked_text, results, lang)

    def wire(self, language: gr.Radio) -> None:
        self.file.upload(
            lambda path, language: (path, _file_name(path, lang_code(language))),
            inputs=[self.file, language],
            outputs=[self.path, self.file_name],
            **light(),
        )
        self.button.click(
            self.check,
            inputs=[self.text, self.path, self.base, language],
            outputs=self.result,
            api_visibility="private",
            concurrency_limit=ASK_CONCURRENCY,
            concurrency_id="checker",
        )
        self.show_extracted.change(
            lambda show, language: self.data.legal_html(lang_code(language), bool(show)),
            inputs=[self.show_extracted, language],
            outputs=self.table,
            **light(),
        )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        show, shown_check, text, upload, base = values
        return {
            self.checker_title: heading(lang, "legal_checker") + intro(lang, "legal_checker_intro"),
            self.text: gr.update(label=t(lang, "refs_text")),
            self.file: gr.update(label=t(lang, "refs_file_button")),
            self.file_name: _file_name(upload, lang),
            self.base: gr.update(label=t(lang, "refs_base")),
            self.button: gr.update(value=t(lang, "refs_check")),
            self.result: self.check(text, upload, base, lang) if shown_check else "",
            self.table_title: heading(lang, "legal_table"),
            self.show_extracted: gr.update(label=t(lang, "legal_show_extracted")),
            self.table: self.data.legal_html(lang, bool(show)),
            self.timeline_title: heading(lang, "timeline"),
            self.timeline: self.data.timeline_html(lang),
        }
