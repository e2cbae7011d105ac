"""How the engine links questions, facts and passages to the graph's entities.

A fact involves the entities it links and those its words name; a named entity counts
as much as it is specific (rarely named in the documents). These run on the real build.
"""

from __future__ import annotations

import copy
import doctest
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from vemgorvad.qa import answer, prepared, understand
from vemgorvad.qa.rank import FEATURES
from vemgorvad.vocab import ACTOR


@pytest.mark.parametrize("module", [prepared, understand])
def test_module_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_an_english_label_is_matched_without_its_acronym(engine):
    found = {
        m.entity.label
        for m in engine.matcher.find("What does the National Operations Department do?")
    }
    assert "Nationella operativa avdelningen (NOA)" in found


def test_a_rarely_named_actor_is_more_specific_than_a_common_one(engine):
    rare = engine._specificity[str(ACTOR["civilsamhallet"])]
    common = engine._specificity[str(ACTOR["socialtjansten"])]
    assert 0.0 < common < rare <= 1.0


def test_a_fact_involves_the_entities_its_words_name(engine):
    widened = 0
    for fact in engine._facts:
        involved = engine._fact_entities[fact.iri]
        assert fact.entities <= involved
        named = {m.entity.iri for m in engine.matcher.find(f"{fact.statement} {fact.quote}")}
        assert involved - fact.entities <= named
        widened += involved != fact.entities
    assert widened > len(engine._facts) // 4


def test_naming_a_rare_actor_weighs_for_the_passages_that_name_it(engine):
    # "frivilligorganisationer" names civil society by an alternative label: the candidates
    # that name civil society (in their words or their facts) get the entity feature, the
    # others do not.
    text = "Kan frivilligorganisationer ersätta socialtjänsten när det gäller offren?"
    analysis = engine.analyse(text, engine.embedder.encode_queries([text])[0])
    named = {m.entity.iri for m in analysis.mentions}
    assert any("civilsamh" in engine.graph.entities[iri].label.casefold() for iri in named)
    column = FEATURES.index("entity")
    weighed = 0
    for scored, row in zip(analysis.ranked, analysis.rows, strict=True):
        if row[column] > 0:
            weighed += 1
            assert engine._passage_entities.get(scored.passage_id, frozenset()) & named
    assert weighed


def test_entity_matches_are_cached_beside_the_build(engine, built, tmp_path, monkeypatch):
    cache = tmp_path / "qa-vectors.npz"
    shutil.copy(built / "qa-vectors.npz", cache)
    first = answer.Engine(engine.graph, engine.index, engine.embedder, cache=cache)
    stored = json.loads((tmp_path / "qa-entities.json").read_text(encoding="utf-8"))
    assert stored["named"]["passages"]

    def must_not_match(self, text):
        raise AssertionError("matched again though the cache holds the same texts")

    monkeypatch.setattr(answer.Engine, "_named_in", must_not_match)
    second = answer.Engine(engine.graph, engine.index, engine.embedder, cache=cache)
    assert second._specificity == first._specificity
    assert second._fact_entities == first._fact_entities

    # a new everyday word for an entity is a new matcher: the cache must not answer
    graph = copy.copy(engine.graph)
    iri = str(ACTOR["mottagningsenheten"])
    unit = graph.entities[iri]
    graph.entities = {
        **graph.entities,
        iri: replace(unit, hidden_labels=(*unit.hidden_labels, "oro för ett barn")),
    }
    with pytest.raises(AssertionError, match="matched again"):
        answer.Engine(graph, engine.index, engine.embedder, cache=cache)


def _printed_under_hash_seeds(program: str, seeds: Sequence[str], *args: str) -> set[str]:
    """What a Python program prints, run once per ``PYTHONHASHSEED`` (each distinct output
    once: one element when the hash seed changes nothing)."""
    return {
        subprocess.run(
            [sys.executable, "-c", program, *args],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        for seed in seeds
    }


def test_the_graph_reads_its_entities_in_the_same_order_in_every_process(built):
    """The engine's cached vectors are keyed by its entities in order: an order that
    changed with Python's string hashing made every start embed them all again."""
    program = (
        "import sys; from vemgorvad.graph.model import KnowledgeGraph; "
        "from vemgorvad.pipeline import load_graph; from pathlib import Path; "
        "print(list(KnowledgeGraph(load_graph(Path(sys.argv[1]))).entities)[:40])"
    )
    assert len(_printed_under_hash_seeds(program, ("1", "2"), str(built))) == 1


def test_the_graph_paths_do_not_change_with_the_hash_seed(built):
    """Two facts may link one pair (a curated one and one the extractor found), and two
    paths may be equally short: which one was shown came from the rdflib graph's hash
    order, so it changed from process to process."""
    program = (
        "import sys, json; from pathlib import Path; "
        "from vemgorvad.graph.model import KnowledgeGraph; "
        "from vemgorvad.pipeline import load_graph; "
        "kg = KnowledgeGraph(load_graph(Path(sys.argv[1]))); "
        "nodes = sorted({str(n) for n in kg.network.nodes})[:40]; "
        "print(json.dumps([kg.paths(a, b) for i, a in enumerate(nodes) for b in nodes[i + 1:]]))"
    )
    outputs = _printed_under_hash_seeds(program, ("1", "2", "3"), str(built))
    assert len(outputs) == 1
    assert sum(bool(paths) for paths in json.loads(outputs.pop())) > 10


def test_an_english_question_has_a_lexical_side_in_the_facts_english_sentences(engine):
    ranking = engine._english_ranking("association grants")
    assert "föreningsbidrag" in engine.passages[ranking[0]].text


def test_english_words_of_a_fact_lift_its_passage(engine, monkeypatch):
    question = "Who gets association grants from the social welfare committee?"

    def rank() -> int:
        texts = [p["text"] for p in engine.ask(question)["passages"]]
        found = (i for i, text in enumerate(texts, start=1) if "föreningsbidrag" in text)
        return next(found, len(texts) + 1)

    with_english = rank()
    monkeypatch.setattr(answer.Engine, "_english_ranking", lambda self, question: [])
    assert with_english < rank()


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("Vem ska jag kontakta om barnet tigger ensamt?", "Barn utan vårdnadshavare i Sverige"),
        ("Vart skickar jag en orosanmälan?", "Mottagningsenheten"),
        ("Vem tar emot orosanmälningar?", "Mottagningsenheten"),
    ],
)
def test_everyday_words_name_the_graphs_concepts(engine, question, meant):
    assert meant in {m.entity.label for m in engine.matcher.find(question)}


def test_hidden_labels_are_searched_but_never_shown(engine):
    unit = engine.graph.entity(str(ACTOR["mottagningsenheten"]))
    assert "orosanmälan" in unit.hidden_labels
    assert "orosanmälan" not in json.dumps(unit.ref(), ensure_ascii=False)


def test_a_child_begging_alone_leads_to_the_intake_unit(engine):
    """The guide's own example. Its answerability sits near the threshold (under it since
    the refit with the glossary), so whether the engine answers or abstains, what it
    shows must lead to the intake unit: the facts when it answers, and among the first
    passages the one saying that the outreach worker reports a child at risk to it
    ("socialförvaltningens mottagning för barn")."""
    answer = engine.ask("Vem ska jag kontakta om ett barn tigger ensamt?")
    # "tigger ensamt" is a hidden label of the group the intake unit's facts serve
    assert answer["entities"][0]["label"] == "Barn utan vårdnadshavare i Sverige"
    report = "anmälan till socialförvaltningens mottagning"
    assert any(report in passage["text"] for passage in answer["passages"][:3])
    if answer["answerable"]:
        actors = [(fact.get("actor") or {}).get("label") for fact in answer["facts"]]
        assert "Mottagningsenheten" in actors


def test_who_helps_sex_buyers_is_found_by_meaning(engine):
    answer = engine.ask("Who helps people who buy sex?")
    assert answer["language"] == "en"
    assert any(
        (fact.get("actor") or {}).get("label") == "Ebbamottagningen" for fact in answer["facts"]
    )
    assert answer["evidence"] and answer["summary"].startswith("“")  # the answering sentence first


class _Counting:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, embedder) -> None:
        self.name, self.dimension, self._embedder, self.embedded = (
            embedder.name, embedder.dimension, embedder, [],
        )

    def encode_passages(self, texts):
        self.embedded += list(texts)
        return self._embedder.encode_passages(texts)


def test_fact_vectors_are_cached_per_text_and_borrowed_by_the_next_build(engine, tmp_path):
    model = _Counting(engine.embedder)
    old = tmp_path / "releases" / "old" / "qa-vectors.npz"
    old.parent.mkdir(parents=True)
    first = prepared.cached_vectors(model, ["Nexus stöder.", "Polisen utreder."], old)
    assert model.embedded == ["Nexus stöder.", "Polisen utreder."]
    new = tmp_path / "releases" / "new" / "qa-vectors.npz"
    new.parent.mkdir()
    again = prepared.cached_vectors(model, ["Polisen utreder.", "Kommunen ansvarar."], new)
    assert model.embedded[2:] == ["Kommunen ansvarar."]  # only the new text
    assert (again[0] == first[1]).all()
    assert new.exists()


def test_the_entities_a_text_names_do_not_change_with_the_hash_seed():
    # Two labels of one entity match at the same place ("Sverige", "Sverige och Norden")
    # with the same weight; which span wins decides whether "Norden" is kept. Labels were
    # read in a set's order, so that changed from process to process (PYTHONHASHSEED),
    # and the entities matched in the corpus with it.
    script = (
        "from vemgorvad.graph.model import Entity\n"
        "from vemgorvad.qa.understand import EntityMatcher\n"
        "m = EntityMatcher([Entity('s', 'actor', 'Sverige', alt_labels=('Sverige och Norden',)),"
        " Entity('n', 'actor', 'Norden')], [])\n"
        "print(sorted((x.entity.iri, x.start, x.end) for x in m.find('Sverige och Norden samarbetar')))\n"
    )
    outputs = _printed_under_hash_seeds(script, [str(seed) for seed in range(6)])
    assert len(outputs) == 1, outputs
