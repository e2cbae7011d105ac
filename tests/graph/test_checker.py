"""The reference checker (vemgorvad.graph.checker) against the graph of the real corpus:
what it finds, and that it says so as message keys with their values, never sentences.

How the faces word the messages, and ``vemgorvad refs``, are tested in
tests/ui/test_references.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import Graph

from vemgorvad.graph.checker import MESSAGES, ReferenceChecker, check_text
from vemgorvad.graph.regulations import regulation_status
from vemgorvad.graph.resolve import ReferenceResolver
from vemgorvad.legal import parse

KEYS = {
    "text", "start", "end", "kind", "target", "act", "resolved", "in_force", "status",
    "section_exists", "cited_in", "cited_in_count", "warnings",
}  # fmt: skip


@pytest.fixture(scope="module")
def graph(corpus_graph: Graph) -> Graph:
    return corpus_graph


def _keys(result: dict) -> list[str]:
    return [message["key"] for message in result["warnings"]]


def test_problems_are_messages_with_their_values(graph: Graph) -> None:
    text = (
        "Enligt 6 kap. 99 § brottsbalken och lag (2031:999) om x. Barnkonventionen gäller "
        "från och med 2019. Enligt socialtjänstlagen."
    )
    results = check_text(text, graph)
    for result in results:
        assert set(result) == KEYS
        json.dumps(result)
        for message in result["warnings"]:
            assert set(message) == {"key", *MESSAGES[message["key"]]}, message
    by_text = {r["text"]: _keys(r) for r in results}
    assert by_text == {
        "6 kap. 99 § brottsbalken": ["no_such_section"],
        "2031:999": ["unknown_regulation"],
        "Barnkonventionen": ["year_disagrees"],
        "socialtjänstlagen": ["replaced_from"],
    }
    (section,) = results[0]["warnings"]
    assert section == {
        "key": "no_such_section",
        "section": "6 kap. 99 §",
        "act": "brottsbalken (SFS 1962:700)",
    }
    (dated,) = results[2]["warnings"]
    assert dated["year"] == "2019"
    assert {"date": "2020-01-01", "in_force": True} in dated["dates"]
    (replaced,) = results[3]["warnings"]
    assert replaced["since"] == "2025-07-01"
    assert replaced["replacement"] == "socialtjänstlag (2025:400)"


def test_a_replacement_to_come_is_its_own_message(graph: Graph) -> None:
    (before,) = ReferenceChecker(graph, today=dt.date(2024, 1, 1)).check("enligt socialtjänstlagen")
    (after,) = ReferenceChecker(graph, today=dt.date(2026, 1, 1)).check("enligt socialtjänstlagen")
    assert _keys(before) == ["to_be_replaced"] and _keys(after) == ["replaced_from"]
    assert (
        before["status"]
        == after["status"]
        == ("replaced by Socialtjänstlag (2025:400) from 2025-07-01")
    )


def test_the_status_is_one_function_for_checker_and_table(graph: Graph) -> None:
    from rdflib import URIRef

    sol, new = URIRef("https://lagen.nu/2001:453"), URIRef("https://lagen.nu/2025:400")
    replaced = regulation_status(graph, sol, None, "2002-01-01", "2026-01-01")
    assert replaced.state == "replaced" and replaced.replaced == sol and replaced.newer == (new,)
    provision = URIRef("https://lagen.nu/2001:453#K5P11")
    assert regulation_status(graph, provision, sol, None, "2026-01-01").replaced == sol
    assert (
        regulation_status(graph, new, None, "2025-07-01", "2024-01-01").state == "not yet in force"
    )
    assert regulation_status(graph, new, None, "2025-07-01", "2026-01-01").state == "in force"
    assert regulation_status(graph, new, None, None, "2026-01-01").state == "unknown"


def test_the_resolver_is_the_extractors(graph: Graph) -> None:
    resolver = ReferenceResolver(graph)
    (ref,) = parse("enligt 5 kap. 11 § SoL")
    resolution = resolver.resolve(ref)
    assert str(resolution.node) == "https://lagen.nu/2001:453#K5P11"
    assert str(resolution.act) == "https://lagen.nu/2001:453" and not resolution.extracted


def test_section_existence_follows_the_text_we_hold(graph: Graph) -> None:
    results = check_text(
        "5 kap. 11 § socialtjänstlagen, 5 kap. 99 § socialtjänstlagen, "
        "99 kap. 1 § socialtjänstlagen, 3 kap. 1 § brottsbalken, 17 § förordningen (2017:937)",
        graph,
    )
    exists = {r["text"]: r["section_exists"] for r in results if r["kind"].endswith("_provision")}
    assert exists == {
        "5 kap. 11 § socialtjänstlagen": True,
        "5 kap. 99 § socialtjänstlagen": False,
        "99 kap. 1 § socialtjänstlagen": False,  # all chapters of the act are in the corpus
        "3 kap. 1 § brottsbalken": None,  # only chapters 4 and 6 of brottsbalken are
        "17 §": False,
    }


def test_relative_references_resolve_against_the_base(graph: Graph) -> None:
    (result,) = check_text("enligt 5 kap. 11 §", graph, base="2001:453")
    assert result["resolved"]["id"] == "https://lagen.nu/2001:453#K5P11"
    assert result["section_exists"] is True


def test_longer_curated_names_win(graph: Graph) -> None:
    (result,) = check_text("Den nya socialtjänstlagen gäller sedan den 1 juli 2025.", graph)
    assert result["resolved"]["id"] == "https://lagen.nu/2025:400"
    assert result["status"] == "in force" and not result["warnings"]


def test_dates_need_a_cue_and_ignore_numbers_in_references(graph: Graph) -> None:
    quiet = [
        "Lag (2018:1197) om Förenta nationernas konvention om barnets rättigheter gäller "
        "från och med den 1 januari 2020.",
        "Sexköpslagen från 1998 nämndes i rapporten 2005.",  # no cue word: no claim
    ]
    for text in quiet:
        assert not any("year_disagrees" in _keys(r) for r in check_text(text, graph))
    (result,) = check_text("Sexköpslagen infördes 2005.", graph)
    (message,) = [m for m in result["warnings"] if m["key"] == "year_disagrees"]
    assert message["year"] == "2005" and {d["date"] for d in message["dates"]} == {"1999"}


def test_extracted_acts_are_flagged(graph: Graph) -> None:
    # lagen (1990:52) is cited in socialtjänstlagen, so only the extractor knows it
    (result,) = check_text(
        "enligt lagen (1990:52) med särskilda bestämmelser om vård av unga", graph
    )
    assert result["status"] == "unknown"
    assert result["warnings"] == [
        {
            "key": "extracted_only",
            "reference": "1990:52",
            "label": "Lag (1990:52) med särskilda bestämmelser om vård av unga",
        }
    ]
    assert result["cited_in"]
