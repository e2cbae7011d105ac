"""English words put into Swedish for BM25: phrases, stems, stopwords, the file, the index."""

from __future__ import annotations

import numpy as np
import pytest

from vemgorvad import settings
from vemgorvad.index.glossary import GLOSSARY_FILE, Glossary
from vemgorvad.index.lexical import LexicalIndex, Query, SwedishAnalyzer

TEXTS = [
    "Socialnämnden ska besluta om placering i familjehem.",
    "Den som gör sig skyldig till människohandel döms till fängelse i lägst två år.",
    "Förvaltningsrätten prövar ansökan om vård.",
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load()


def test_a_phrase_is_translated_before_its_words(glossary):
    translation = glossary.translate("What does the social welfare board decide?")
    assert translation.senses[0] == ("socialnämnd",)
    assert "social" not in translation.lemmas  # not also word by word


def test_inflected_english_finds_its_entry_and_every_sense_is_kept(glossary):
    for form in ("decision", "decisions"):
        assert "beslut" in glossary.translate(form).lemmas
    # "court" is both the general word and the administrative court's own
    assert {"domstol", "rätt"} <= set(glossary.translate("courts").lemmas)


def test_english_words_that_share_a_stem_are_kept_apart_by_phrases(glossary):
    # "unit" and "united" have one Snowball stem: "united" is only entered in its phrases
    assert "förena" not in glossary.translate("Which unit handles this?").lemmas
    assert glossary.translate("the United Nations").senses == (("förena", "nation"),)


def test_a_stopword_alone_is_not_translated_and_the_share_counts_content_words(glossary):
    translation = glossary.translate("Who can do this for the child?")
    assert translation.lemmas == ("barn",)
    assert translation.content_words == 1 and translation.share == 1.0
    assert glossary.translate("Qwerty zxcv").share == 0.0
    assert glossary.translate("").lemmas == ()


def test_what_it_does_not_translate_is_kept_as_it_is(glossary):
    translation = glossary.translate("Does the LVM home inform Europol about a zxqv?")
    assert translation.rest == ("lvm", "zxqv")
    assert {"hem", "europol"} <= set(translation.lemmas)


def test_a_bad_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("# comment\nbarn\tchild\nvård care\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"glossary.tsv:3"):
        Glossary.read(path)


def test_every_swedish_entry_is_an_index_term_of_the_corpus():
    """The lemmas go to BM25 as they are, so each must be a term the passages can have (a
    lemma or a compound's part)."""
    files = sorted((settings.ROOT / "corpus").rglob("*.txt"))
    corpus = " ".join(path.read_text(encoding="utf-8") for path in files)
    analyzer = SwedishAnalyzer()
    analyzer.corpus_lemmas = set(analyzer.lemmas(corpus))  # as the index is built
    terms = set(analyzer.terms(corpus))
    swedish = [
        line.split("\t")[0]
        for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(swedish) > 500
    assert [word for word in swedish if word not in terms] == []


def test_an_english_question_finds_swedish_text_only_through_the_glossary(glossary):
    index = LexicalIndex.build(TEXTS)
    question = "Who decides on placement in a foster home?"
    assert not index.scores(question).any()  # English alone: nothing to match
    scores = index.scores(Query(question, glossary.translate(question).lemmas))
    assert int(np.argmax(scores)) == 0
    question = "What is the minimum prison sentence for human trafficking?"
    scores = index.scores(Query(question, glossary.translate(question).lemmas))
    assert int(np.argmax(scores)) == 1


def test_lemmas_are_taken_as_they_are_not_analysed_again():
    index = LexicalIndex.build(["Nämnden beslutar.", "Han ska nämna det."])
    # read alone, "nämnd" is taken for the verb "nämna"; given as a lemma it is the noun
    assert int(np.argmax(index.scores("nämnd"))) == 1
    assert int(np.argmax(index.scores(Query("", ("nämnd",))))) == 0


def test_lemmas_given_bring_their_compound_parts_as_a_passage_does():
    index = LexicalIndex.build(["Nämnden beslutar.", "Socialtjänsten hjälper."])
    assert int(np.argmax(index.scores(Query("", ("socialnämnd",))))) == 0


def test_an_english_question_searches_its_words_in_swedish_and_its_names_as_they_are(engine):
    query = engine.lexical_query("Does the police inform Europol about trafficking at ICA?", "en")
    assert query.text.split() == ["ica"]
    assert {"polis", "europol", "människohandel"} <= set(query.lemmas)
    assert engine.lexical_query("Vad gör polisen?", "sv").text == "Vad gör polisen?"


def test_the_engine_gives_an_english_question_bm25_in_swedish(engine):
    question = "Who must report suspected abuse of children to the social welfare board?"
    vector = engine.embedder.encode_queries([question])[0]
    candidates, _ = engine.candidate_features(question, vector, [], "en")
    lexical = [c for c in candidates if c.lexical > 0]
    assert lexical, "BM25 matched nothing of an English question"
    best = max(lexical, key=lambda c: c.lexical)
    assert "anmäl" in engine.passages[best.passage_id].text.casefold()
