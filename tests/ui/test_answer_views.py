"""The Fråga view's parts on real answers: the evidence graph, sources with rank and
strength, the answering sentence marked, extracted statements marked, the cut notice and
the language note. Every check holds for any answer; none is keyed to a question."""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path

import pytest

from vemgorvad.ui.views.evidence import evidence_graph, layout, render_evidence_graph
from vemgorvad.ui.views.html import passage_anchor

QUESTIONS = [
    "Vad gör Nexus?",
    "Vem ansvarar för stöd till barn som kan vara offer för människohandel?",
    "Vad säger socialtjänstlagen om stöd till brottsoffer?",
    "Who coordinates the national work against human trafficking?",
    "Hur hänger Ebbamottagningen ihop med socialnämnden?",
]
"""The app's own kinds of question (who, what, which law, English, how connected)."""


@pytest.fixture(scope="module")
def answers(engine):
    return engine.ask_many(QUESTIONS)


@pytest.fixture(scope="module")
def kg(engine):
    return engine.graph


def test_every_answer_with_facts_has_an_evidence_graph_of_its_facts(answers, kg):
    for answer in answers:
        assert answer["answerable"] and answer["facts"], answer["question"]
        graph = evidence_graph(answer, "sv", kg)
        assert graph.nodes and graph.edges, answer["question"]
        for fact in answer["facts"]:
            for ref in [
                fact.get("actor"),
                fact.get("object"),
                *fact["laws"],
                *fact["target_groups"],
            ]:
                if ref:
                    assert ref["id"] in graph.nodes, (answer["question"], ref)
        for edge in graph.edges:
            assert edge.source in graph.nodes and edge.target in graph.nodes
            assert edge.passage_id, edge
        for node in graph.nodes.values():
            assert node.passage_id, node


def test_relationship_edges_point_the_way_the_graph_states_them(answers, kg):
    for answer in answers:
        graph = evidence_graph(answer, "sv", kg)
        for fact in answer["facts"]:
            if fact["kind"] == "relationship" and fact.get("actor") and fact.get("object"):
                forward = [
                    x
                    for x in graph.edges
                    if x.source == fact["actor"]["id"] and x.target == fact["object"]["id"]
                ]
                assert forward, (answer["question"], fact["statement"])


def test_a_reversed_path_step_is_drawn_from_its_true_subject(kg):
    funded, funder = "urn:test:funded", "urn:test:funder"
    answer = {
        "answerable": True,
        "facts": [],
        "paths": [
            [
                {"id": funded, "label": "A"},
                {"relation": "^funds", "passage_id": "p1"},
                {"id": funder, "label": "B"},
            ]
        ],
    }
    graph = evidence_graph(answer, "sv", kg)
    [edge] = graph.edges
    assert (edge.source, edge.target) == (funder, funded)
    assert edge.label == "finansierar"
    assert evidence_graph(answer, "en", kg).edges[0].label == "funds"


def test_the_graph_is_labelled_in_the_readers_language(answers, kg):
    english = next(a for a in answers if a["language"] == "en")
    html_en = render_evidence_graph(english, "en", kg)
    html_sv = render_evidence_graph(english, "sv", kg)
    fact = next(f for f in english["facts"] if f.get("statement_en") and f["kind"] == "duty")
    words = fact["statement_en"].split()[:3]
    assert escape(" ".join(words)) in html_en
    assert "has the duty" in html_en and "har ansvar" in html_sv


def test_nodes_do_not_overlap_and_arrows_end_at_node_edges(answers, kg):
    for answer in answers:
        graph = evidence_graph(answer, "sv", kg)
        width, height = layout(graph)
        boxes = [(n.x, n.y, n.x + n.width, n.y + n.height) for n in graph.nodes.values()]
        for i, a in enumerate(boxes):
            assert a[2] <= width and a[3] <= height
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        html = render_evidence_graph(answer, "sv", kg)
        ends = re.findall(r"d='M[^']* (\d+),(\d+)' fill='none' stroke='#", html)
        assert len(ends) == len(graph.edges)
        for end_x, end_y in ends:
            x, y = float(end_x), float(end_y)
            assert any(
                abs(x - n.x) <= 3 or abs(x - (n.x + n.width)) <= 3
                for n in graph.nodes.values()
                if n.y <= y <= n.y + n.height
            ), (answer["question"], x, y)


def test_every_graph_element_opens_its_passage(answers, kg):
    html = render_evidence_graph(answers[0], "sv", kg)
    elements = re.findall(r"<g class='vgv-eg-(?:node|edge)[^>]*>", html)
    assert elements and all("data-vgv-passage=" in g for g in elements)


def test_sources_show_rank_and_strength_not_scores(answers):
    from vemgorvad.ui.views.ask import render_passages
    from vemgorvad.ui.views.i18n import STRENGTH_LEVELS, strength

    assert [level for level, _ in STRENGTH_LEVELS] == ["strong", "medium", "weak"]
    for answer in answers:
        html = render_passages(answer, "sv")
        assert "Källa 1" in html and "relevans" not in html
        for passage in answer["passages"][:5]:
            assert f"{passage['score']:.3f}" not in html
        levels = re.findall(r"data-strength='(\w+)'", html)
        assert levels == [strength(p["score"]) for p in answer["passages"][:5]]
        assert re.search(r"(stark|medel|svag) träff", html)


def test_the_answering_sentence_is_marked_in_its_passage(answers):
    from vemgorvad.ui.views.ask import render_passages

    for answer in answers:
        html = render_passages(answer, "en")
        shown = {p["id"] for p in answer["passages"][:5]}
        for item in answer["evidence"]:
            if item["passage_id"] in shown:
                first_words = escape(" ".join(item["text"].split()[:4]), quote=True)
                assert f"<mark class='vgv-evidence'>{first_words}" in html, item


def test_extracted_statements_are_marked_and_can_be_hidden(answers, kg):
    from vemgorvad.ui.tabs.ask import render_answer
    from vemgorvad.ui.views.ask import render_facts

    answer = dict(answers[0])
    curated = answer["facts"][0]
    extracted = {**curated, "id": "urn:x", "extracted": True, "statement": "ett funnet påstående"}
    answer["facts"] = [curated, extracted]
    cards = render_facts(answer, "sv", kg)
    assert cards.count("automatiskt funnen") == 1
    assert "found automatically" in render_facts(answer, "en", kg)
    graph = render_evidence_graph(answer, "sv", kg)
    assert "data-extracted='1'" in graph and "stroke-dasharray" in graph
    _, facts, graph_hidden, _ = render_answer(answer, "sv", kg, hide_extracted=True)
    assert "ett funnet påstående" not in facts and "ett funnet påstående" not in graph_hidden


def test_a_citation_card_names_its_passage_and_says_its_law_once(engine, kg):
    from vemgorvad.ui.views.ask import render_facts

    answer = engine.ask("Vilka ska anmäla till socialnämnden om de misstänker att ett barn far illa?")
    citations = [f for f in answer["facts"] if f["kind"] == "citation"]
    assert citations, "the first passages are sections of a statute"
    cards = render_facts({**answer, "facts": citations}, "sv", kg).split("<div class='vgv-card")[1:]
    for fact, card in zip(citations, cards, strict=True):
        head = card.split("<div class='vgv-meta'>")[0]
        assert f"data-vgv-passage='{passage_anchor(fact['source']['passage_id'])}'" in head
        assert head.count(escape(fact["object"]["label"], quote=True)) == 1  # no arrow repeats it


def test_every_fact_says_what_it_is_said_of(engine, kg):
    # the CLI's line and the page's card alike: an actor, the strategy or law a
    # relationship is about, a citation's passage, a finding's assessor ("Enligt …:")
    from vemgorvad.qa.answer import TEXTS
    from vemgorvad.qa.evaluate import read_questions
    from vemgorvad.qa.facts import english_name
    from vemgorvad.ui.cli import fact_line
    from vemgorvad.ui.views.ask import fact_language, render_facts
    from vemgorvad.ui.views.i18n import pick

    own = read_questions(Path(__file__).resolve().parents[1] / "qa" / "questions.jsonl")
    kinds = set()
    for answer in engine.ask_many([q["question"] for q in own]):
        lang = answer["language"]
        for fact in answer["facts"]:
            kinds.add((fact["kind"], fact["actor"] is None))
            line = fact_line(fact, lang)
            head = render_facts({**answer, "facts": [fact]}, lang, kg).split("vgv-fact-head'>")[1]
            head = unescape(re.sub(r"<[^>]+>", "", head.split("</div>")[0]))
            assert not line.startswith("  •  ") and not head.startswith(" "), line
            said_in = fact_language(fact, lang)  # a Swedish-only statement: all of it in Swedish
            subject = pick(fact["actor"] or fact["subject"], said_in)
            if said_in == "en" and subject and fact["kind"] != "citation":
                subject = english_name(subject)  # "the Social Welfare Committee"
            if fact["kind"] == "assessment":
                statement = pick(fact, said_in, "statement")
                said = TEXTS[said_in]["assessment"].format(name=subject, statement=statement)
                assert line.startswith(f"  • {said}") and said in head
            elif fact["kind"] == "citation":
                assert line.startswith(f"  • [{fact['source']['passage_id']}] ")
            elif subject:
                assert subject.removeprefix("the ") in line
                assert subject.removeprefix("the ") in head
                if fact["actor"]:  # said first, with "the" where English takes it
                    assert line.startswith(f"  • {subject[:1].upper()}{subject[1:]}")
                    assert head.startswith(f"{subject[:1].upper()}{subject[1:]}"), head
    assert {("duty", False), ("assessment", False), ("citation", True), ("relationship", True)} <= kinds


def test_a_long_question_is_cut_at_a_word_and_the_page_says_where():
    from vemgorvad.qa.answer import MAX_QUESTION_CHARS
    from vemgorvad.ui.tabs.ask import cut_notice, cut_question

    question = "Vem ansvarar för stöd till barn? " * 200
    text, cut = cut_question(question)
    assert cut and len(text) <= MAX_QUESTION_CHARS and question.startswith(text)
    assert question[len(text)] == " "
    notice = cut_notice(question, "sv")
    assert f"bara de första {len(text)}" in notice and f"{len(question.strip())} tecken" in notice
    assert "only the first" in cut_notice(question, "en")
    assert cut_notice("Vad gör Nexus?", "sv") == ""


def test_the_summary_says_when_it_follows_the_questions_language(answers):
    from vemgorvad.ui.views.ask import render_summary

    english = next(a for a in answers if a["language"] == "en")
    assert "Frågan är ställd på engelska" in render_summary(english, "sv")
    assert "vgv-lang-note" not in render_summary(english, "en")
