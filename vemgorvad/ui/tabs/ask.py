"""The Fråga tab: a question box with examples; the answer's summary, fact cards, evidence
graph and sources (:mod:`vemgorvad.ui.views.ask`, :mod:`vemgorvad.ui.views.evidence`).

A question longer than the engine reads is cut here, at a word, and the page says so and
where; the engine itself would cut it silently.
"""

from __future__ import annotations

import re
from typing import Any

import gradio as gr

from vemgorvad.qa.answer import MAX_QUESTION_CHARS
from vemgorvad.ui.tabs import ASK_CONCURRENCY, Tab, light
from vemgorvad.ui.views.ask import render_facts, render_passages, render_summary
from vemgorvad.ui.views.evidence import render_evidence_graph
from vemgorvad.ui.views.html import e
from vemgorvad.ui.views.i18n import EXAMPLES, lang_code, t

ASK_BATCH = 8
"""Questions arriving together are answered as one batch of at most this many."""

MAX_INPUT_CHARS = 100_000
"""What the question box takes at all (the browser cuts beyond it); the engine reads
:data:`MAX_QUESTION_CHARS` of it and the page says where it stopped."""


def cut_question(question: str, limit: int = MAX_QUESTION_CHARS) -> tuple[str, bool]:
    """The question as the engine will read it: white space folded, cut at the last word
    that fits in ``limit`` characters. Returns (text, whether it was cut).

    >>> cut_question("ett två tre", 7)
    ('ett två', True)
    """
    text = re.sub(r"\s+", " ", question or "").strip()
    if len(text) <= limit:
        return text, False
    head = text[: limit + 1]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else text[:limit]).rstrip(), True


def cut_notice(question: str, lang: str) -> str:
    """A notice that the question was cut, and after which words ("" when it was not)."""
    text, was_cut = cut_question(question)
    if not was_cut:
        return ""
    folded = re.sub(r"\s+", " ", question).strip()
    end = text[-40:].split(" ", 1)[-1] if len(text) > 40 else text
    return (
        f"<div class='vgv-notice' role='alert' data-cut-at='{len(text)}'>"
        f"{e(t(lang, 'question_cut', length=len(folded), limit=len(text), end=end))}</div>"
    )


def _examples(lang: str) -> list[list[str]]:
    return [[question] for question in EXAMPLES[lang]]


def render_answer(
    answer: dict[str, Any] | None, lang: str, kg: Any, hide_extracted: bool = False
) -> tuple[str, str, str, str]:
    """(summary, facts, evidence graph, passages) of an answer in the page's language."""
    if not answer:
        return "", "", "", ""
    if hide_extracted:
        answer = {
            **answer,
            "facts": [f for f in answer.get("facts") or [] if not f.get("extracted")],
        }
    return (
        render_summary(answer, lang),
        render_facts(answer, lang, kg),
        render_evidence_graph(answer, lang, kg),
        render_passages(answer, lang),
    )


class AskTab(Tab):
    tab_id = "fraga"
    label_key = "tab_ask"

    def build(self, lang: str) -> None:
        with gr.Row(equal_height=False, elem_id="question-row"):
            self.question = gr.Textbox(
                label=t(lang, "question"),
                placeholder=t(lang, "question_placeholder"),
                scale=6,
                max_length=MAX_INPUT_CHARS,
                elem_id="question",
            )
            self.button = gr.Button(
                t(lang, "ask"), variant="primary", scale=0, min_width=110, elem_id="ask"
            )
        self.notice = gr.HTML(elem_id="question-notice", min_height=0)
        self.examples = gr.Dataset(
            components=[self.question],
            samples=_examples(lang),
            label=t(lang, "examples"),
            type="index",
            elem_id="examples",
        )
        self.summary = gr.HTML(elem_id="summary", min_height=0)
        self.hide_extracted = gr.Checkbox(
            label=t(lang, "hide_extracted"), value=False, elem_id="hide-extracted"
        )
        self.graph = gr.HTML(elem_id="evidence-graph", min_height=0)
        self.facts = gr.HTML(elem_id="facts", min_height=0)
        self.passages = gr.HTML(elem_id="passages", min_height=0)
        with gr.Accordion(t(lang, "json"), open=False) as self.raw_box:
            self.raw = gr.JSON(elem_id="answer-json")
        self.switch_inputs = [self.raw, self.hide_extracted, self.question]
        self.switch_outputs = [
            self.question,
            self.button,
            self.notice,
            self.examples,
            self.hide_extracted,
            self.summary,
            self.facts,
            self.graph,
            self.passages,
            self.raw_box,
        ]

    def ask(
        self, questions: list[str], languages: list[str], hides: list[bool]
    ) -> tuple[list[Any], ...]:
        """Answer a batch of questions (Gradio gathers concurrent ones, up to
        ``ASK_BATCH``, so the model embeds them in one pass); the language only chooses
        the labels around each answer."""
        cut = [cut_question(q or "")[0] for q in questions]
        answers = self.data.engine.ask_many(cut)
        rows = []
        for question, answer, language, hide in zip(
            questions, answers, languages, hides, strict=True
        ):
            lang = lang_code(language or "Svenska")
            rows.append(
                (
                    cut_notice(question or "", lang),
                    *render_answer(answer, lang, self.data.kg, bool(hide)),
                    answer,
                )
            )
        return tuple(list(column) for column in zip(*rows, strict=True))

    def wire(self, language: gr.Radio) -> None:
        outputs = [self.notice, self.summary, self.facts, self.graph, self.passages, self.raw]
        answering: dict[str, Any] = {
            "fn": self.ask,
            "inputs": [self.question, language, self.hide_extracted],
            "outputs": outputs,
            "concurrency_limit": ASK_CONCURRENCY,
            "concurrency_id": "engine",
            "batch": True,
            "max_batch_size": ASK_BATCH,
        }
        self.button.click(**answering, api_name="ask")
        self.question.submit(**answering, api_visibility="private")
        self.examples.click(
            lambda index, language: (
                EXAMPLES[lang_code(language)][index] if index is not None else ""
            ),
            inputs=[self.examples, language],
            outputs=self.question,
            **light(),
        ).then(**answering, api_visibility="private")
        self.hide_extracted.change(
            lambda answer, hide, language: render_answer(
                answer, lang_code(language), self.data.kg, bool(hide)
            ),
            inputs=[self.raw, self.hide_extracted, language],
            outputs=[self.summary, self.facts, self.graph, self.passages],
            **light(),
        )

    def switch(self, lang: str, values: list[Any]) -> dict[Any, Any]:
        answer, hide, question = values
        rendered = render_answer(answer, lang, self.data.kg, bool(hide))
        return {
            self.question: gr.update(
                label=t(lang, "question"), placeholder=t(lang, "question_placeholder")
            ),
            self.button: gr.update(value=t(lang, "ask")),
            self.notice: cut_notice(question or "", lang) if answer else "",
            self.examples: gr.Dataset(samples=_examples(lang), label=t(lang, "examples")),
            self.hide_extracted: gr.update(label=t(lang, "hide_extracted")),
            self.summary: rendered[0],
            self.facts: rendered[1],
            self.graph: rendered[2],
            self.passages: rendered[3],
            self.raw_box: gr.Accordion(label=t(lang, "json")),
        }
