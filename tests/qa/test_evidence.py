"""The answering sentences: verbatim, from the ranked passages, first in the summary."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vemgorvad.corpus.sentences import sentence_spans, sentences, windows
from vemgorvad.index.windows import SentenceWindows, Window
from vemgorvad.qa import evidence
from vemgorvad.qa.answer import TEXTS
from vemgorvad.qa.evaluate import evidence_holds

QUESTIONS = [
    json.loads(line)
    for line in (Path(__file__).parent / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@pytest.fixture(scope="module")
def answers(engine):
    return [(q, engine.ask(q["question"])) for q in QUESTIONS]


def test_evidence_sentences_occur_verbatim_in_their_passages(engine, answers):
    for _, answer in answers:
        if not answer["answerable"]:
            assert answer["evidence"] == []
            continue
        assert 1 <= len(answer["evidence"]) <= 3, answer["question"]
        shown = {p["id"] for p in answer["passages"]}
        for item in answer["evidence"]:
            assert item["passage_id"] in shown
            assert item["text"] in engine.passages[item["passage_id"]].text


def test_no_answering_sentence_is_quoted_twice(answers):
    for _, answer in answers:
        texts = [item["text"] for item in answer["evidence"]]
        assert len(texts) == len(set(texts)), texts


def test_no_two_answering_sentences_of_one_passage_overlap(engine, answers):
    # two items of one list each bring the list's lead-in: it is quoted once
    for _, answer in answers:
        spans: dict[str, list[tuple[int, int]]] = {}
        for item in answer["evidence"]:
            start = engine.passages[item["passage_id"]].text.index(item["text"])
            for s, e in spans.get(item["passage_id"], []):
                assert not (start < e and s < start + len(item["text"])), answer["question"]
            spans.setdefault(item["passage_id"], []).append((start, start + len(item["text"])))


def test_a_list_lead_in_is_quoted_once_when_several_items_answer(engine):
    # SoL 14 kap. 1 §: a lead-in ("Följande myndigheter … är skyldiga att genast anmäla …")
    # and a numbered list of those bound by it
    answer = engine.ask("Vilka myndigheter är skyldiga att anmäla till socialnämnden om ett barn far illa?")
    lead = "Följande myndigheter och yrkesverksamma är skyldiga"
    assert sum(lead in item["text"] for item in answer["evidence"]) == 1, answer["evidence"]


def test_a_question_with_a_verb_quotes_the_sentence_with_its_noun_first(engine):
    # the contract's example: "samordnar" is "samordningen" in the memo's answering
    # sentence, and the rapporteur's passage beside it shares only "människohandel"
    answer = engine.ask("Vem samordnar arbetet mot människohandel?")
    assert "för samordningen av Sveriges arbete" in answer["evidence"][0]["text"], answer["evidence"]


def test_the_summary_leads_with_the_first_answering_sentence(answers):
    for _, answer in answers:
        if answer["answerable"] and answer["evidence"]:
            summary = answer["summary"]
            for words in TEXTS.values():
                summary = summary.removeprefix(words["uncertain"] + " ")
            assert summary.lstrip("”“").startswith(answer["evidence"][0]["text"]), summary


def test_evidence_holds_the_gold_words_for_most_answerable_questions(answers):
    answerable = [(q, a) for q, a in answers if q["gold_passage"] and a["answerable"]]
    held = [evidence_holds(a, q["gold_passage"]) for q, a in answerable]
    assert sum(held) / len(held) >= 0.7


def test_an_english_answer_marks_its_swedish_quote(engine):
    answer = engine.ask("Who coordinates Sweden's work against prostitution and human trafficking?")
    assert answer["answerable"]
    assert "quoted in Swedish" in answer["summary"]


def test_sentences_keep_abbreviations_and_section_signs_inside():
    text = "Enligt 5 kap. 11 § SoL ska nämnden bl.a. ge stöd. Detta gäller t.ex. barn! Nästa?"
    assert sentences(text) == [
        "Enligt 5 kap. 11 § SoL ska nämnden bl.a. ge stöd.",
        "Detta gäller t.ex. barn!",
        "Nästa?",
    ]
    for start, end in sentence_spans(text):
        assert text[start:end].strip() == text[start:end]


def test_short_sentences_join_a_neighbour_in_windows():
    text = "Artikel 5\nKonventionsstaterna ska respektera föräldrarnas ansvar och rätt. Lag (2012:776)."
    spans = windows(text, 40)
    assert len(spans) == 1 and text[spans[0][0] : spans[0][1]] == text


class _TwoVersions:
    """An index of two passages holding the same sentence (a statute's section in force
    and the version to come, as SFST prints them), each one window."""

    def __init__(self, text: str) -> None:
        vector = np.array([1.0, 0.0], dtype=np.float32)
        self.windows = SentenceWindows(
            [Window(0, 0, len(text)), Window(1, 0, len(text))], np.stack([vector, vector]), ["a", "b"]
        )

    def row(self, passage_id: str) -> int:
        return {"now": 0, "later": 1}[passage_id]


def test_a_sentence_two_passages_hold_is_quoted_once():
    text = "Beslut om begränsning får gälla i högst 14 dagar."
    chosen = evidence.select(
        np.array([1.0, 0.0], dtype=np.float32),
        frozenset({"beslut"}),
        [("now", 0.9), ("later", 0.8)],
        _TwoVersions(text),
        lambda pid: text,
    )
    assert chosen == [{"passage_id": "now", "text": text}]


class _OnePassage:
    """An index of one passage cut into windows at its lines; the vector of the window
    at ``best`` points at the question, the rest away from it."""

    def __init__(self, text: str, best: int) -> None:
        spans, start = [], 0
        for line in text.split("\n"):
            spans.append(Window(0, start, start + len(line)))
            start += len(line) + 1
        vectors = np.array([[1.0, 0.0] if i == best else [0.0, 1.0] for i in range(len(spans))])
        self.windows = SentenceWindows(spans, vectors.astype(np.float32), ["a"])

    def row(self, passage_id: str) -> int:
        return 0


@pytest.mark.parametrize(
    ("best", "quoted"),
    [
        (0, "3 § Länsstyrelserna ska stödja och bidra till\n1. strategier och handlingsplaner,\n2. utbildning i länet."),
        (1, "3 § Länsstyrelserna ska stödja och bidra till\n1. strategier och handlingsplaner,\n2. utbildning i länet."),
        (2, "3 § Länsstyrelserna ska stödja och bidra till\n1. strategier och handlingsplaner,\n2. utbildning i länet."),
        (3, "Arbetet ska vara kunskapsbaserat."),
    ],
)
def test_a_quoted_sentence_brings_what_it_needs_to_make_sense_alone(best, quoted):
    text = (
        "3 § Länsstyrelserna ska stödja och bidra till\n1. strategier och handlingsplaner,\n"
        "2. utbildning i länet.\nArbetet ska vara kunskapsbaserat."
    )
    chosen = evidence.select(
        np.array([1.0, 0.0], dtype=np.float32), frozenset(), [("p", 0.9)], _OnePassage(text, best),
        lambda pid: text, evidence.Weights(spread=0.0),
    )
    assert chosen == [{"passage_id": "p", "text": quoted}]


class _Windowed(_OnePassage):
    """An index of one passage cut into its real sentence windows."""

    def __init__(self, text: str, best: int) -> None:
        spans = [Window(0, a, b) for a, b in windows(text, 40)]
        vectors = np.array([[1.0, 0.0] if i == best else [0.0, 1.0] for i in range(len(spans))])
        self.windows = SentenceWindows(spans, vectors.astype(np.float32), ["a"])


def test_a_quote_stops_before_the_next_items_numeral():
    # transitional provisions numbered one by one, each item opening with a capital: the
    # sentence window of the first holds the second's "2.", which a reader would see dangle
    text = (
        "1. Denna lag träder i kraft den 1 januari 2002 då socialtjänstlagen (1980:620) "
        "upphör att gälla.\n2. Ett tillstånd enligt den gamla lagen skall anses som ett "
        "tillstånd enligt denna lag."
    )
    assert text[slice(*windows(text, 40)[0])].endswith("gälla.\n2.")
    chosen = evidence.select(
        np.array([1.0, 0.0], dtype=np.float32), frozenset(), [("p", 0.9)], _Windowed(text, 0),
        lambda pid: text, evidence.Weights(spread=0.0),
    )
    assert chosen == [{"passage_id": "p", "text": text[: text.index("\n2.")]}]
