"""The Swedish analyser and BM25: inflections, compounds, stopwords, coverage."""

from __future__ import annotations

import numpy as np
import pytest

from vemgorvad.index.lexical import LexicalIndex, SwedishAnalyzer

TEXTS = [
    "Människohandel för sexuella ändamål är en del av mäns våld mot kvinnor.",
    "Den som gör sig skyldig till människohandelsbrottet döms till fängelse.",
    "Socialnämnden ska verka för att barn får stöd och skydd.",
    "Köp av sexuell tjänst är förbjudet enligt sexköpslagen sedan 1999.",
    "Kvinnojourerna i länet samverkar med polisen.",
]


@pytest.fixture(scope="module")
def lexical() -> LexicalIndex:
    return LexicalIndex.build(TEXTS)


def best(index: LexicalIndex, query: str) -> int:
    scores = index.scores(query)
    assert scores.max() > 0, f"nothing matched {query!r}"
    return int(np.argmax(scores))


def test_words_are_lower_cased_and_stopwords_dropped_on_the_surface():
    analyzer = SwedishAnalyzer()
    assert analyzer.words("Det är Socialnämnden som har ansvaret") == ["socialnämnden", "ansvaret"]
    # "män" (men) survives although its lemma is also the pronoun "man"
    assert analyzer.lemmas("män och man") == ["man"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("människohandeln", 0),  # definite form → lemma
        ("socialnämnderna", 2),  # plural definite
        ("kvinnojour", 4),  # singular of a plural compound
    ],
)
def test_inflected_forms_match(lexical, query, expected):
    assert best(lexical, query) == expected


def test_a_compound_matches_its_head_word_and_back():
    analyzer = SwedishAnalyzer()
    assert analyzer.parts("människohandelsbrott") == ("människohandel", "brott")
    assert analyzer.parts("sexköpslag") == ("sexköp", "lag")
    assert analyzer.parts("kvinnojour") == ("kvinna", "jour")
    only_compound = LexicalIndex.build(["Han dömdes för människohandelsbrott.", "Om jour."])
    assert best(only_compound, "människohandel") == 0
    only_head = LexicalIndex.build(["Arbetet mot människohandel.", "Om jour."])
    assert best(only_head, "Vad gäller för människohandelsbrottet?") == 0


def test_a_question_noun_made_from_a_verb_finds_the_verb():
    analyzer = SwedishAnalyzer()
    # simplemma reads "samordnar" as the noun "samordnare"; the verb is kept
    assert analyzer.lemma("samordnar") == "samordna"
    assert analyzer.terms("samordningen", verbs=True) == ["samordning", "samordna"]
    assert analyzer.terms("samordningen") == ["samordning"]  # the passages' terms
    index = LexicalIndex.build(["Socialnämnden utreder barnets behov.", "Polisen träffar barnet."])
    assert best(index, "Vem gör utredningen?") == 0
    # a noun whose stem is no verb stays a noun
    assert analyzer.terms("tidning", verbs=True) == ["tidning"]


def test_prefixes_and_word_forms_are_not_taken_for_compound_parts():
    analyzer = SwedishAnalyzer()
    assert analyzer.parts("förundersökning") == ()  # "för" is a prefix here
    assert analyzer.parts("person") == ()  # too short to be per|son


def test_a_query_of_stopwords_or_unknown_words_scores_nothing(lexical):
    assert not lexical.scores("och det som är").any()
    assert not lexical.scores("xyzzy plugh").any()


def test_coverage_tells_a_swedish_question_from_an_english_one(lexical):
    assert lexical.coverage("Vilket stöd får barn av socialnämnden?") == 1.0
    assert lexical.coverage("Which support do children get from the social board?") < 0.5
    assert lexical.coverage("och det") == 0.0


def test_save_and_load_give_the_same_scores(lexical, tmp_path):
    lexical.save(tmp_path / "bm25")
    again = LexicalIndex.load(tmp_path / "bm25")
    for query in ("människohandelsbrott", "sexköp", "kvinnojourer och polis"):
        np.testing.assert_allclose(again.scores(query), lexical.scores(query))


def test_a_corpus_without_any_term_still_answers(tmp_path):
    for texts in ([], ["och det", "är"]):
        empty = LexicalIndex.build(texts)
        assert empty.scores("människohandel").shape == (len(texts),)
        assert empty.coverage("människohandel") == 0.0
        empty.save(tmp_path / f"bm25-{len(texts)}")
        assert LexicalIndex.load(tmp_path / f"bm25-{len(texts)}").size == len(texts)


def test_an_english_index_stems_and_drops_english_stopwords():
    index = LexicalIndex.build(
        [
            "The Social Welfare Committee funds TRIS through association grants",
            "The Police Authority investigates crimes and cooperates with social services",
        ],
        language="en",
    )
    scores = index.scores("Which organisations are funded by association grants?")
    assert scores[0] > 0 and scores[1] == 0
    assert index.scores("which of the").tolist() == [0.0, 0.0]
    assert index.coverage("investigating crime") == 1.0
