"""Read-only SPARQL on the built graph: what runs, what is refused, limits and timeouts."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from vemgorvad import settings
from vemgorvad.graph.sparql import (
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    check_query,
    run_query,
)
from vemgorvad.pipeline import load_graph
from vemgorvad.ui.terminal import query_table

NEXUS = URIRef("https://w3id.org/vemgorvad/id/actor/nexus")

ACTORS = """
SELECT ?actor ?label WHERE {
  ?actor a vgv:Actor ; skos:prefLabel ?label .
  FILTER(lang(?label) = "sv")
} ORDER BY ?label
"""

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def graph(built: Path) -> Graph:
    return load_graph(built)


def test_select_finds_the_actors(graph: Graph) -> None:
    result = run_query(graph, ACTORS)
    assert result.form == "SELECT"
    assert result.variables == ["actor", "label"]
    assert (NEXUS, Literal("Nexus", lang="sv")) in result.rows
    assert not result.truncated
    labels = [str(row[1]) for row in result.rows]
    assert labels == sorted(labels)


def test_declared_prefixes_win_and_select_star_keeps_the_text_order(graph: Graph) -> None:
    query = (
        "PREFIX a: <https://w3id.org/vemgorvad/id/actor/>\n"
        "SELECT * WHERE { ?bearer vgv:bearer a:nexus . ?bearer vgv:statement ?text }"
    )
    result = run_query(graph, query)
    assert result.variables == ["bearer", "text"]
    assert result.rows


def test_ask_construct_and_describe(graph: Graph) -> None:
    assert run_query(graph, "ASK { actor:nexus a vgv:Actor }").boolean is True
    assert run_query(graph, "ASK { actor:nexus a vgv:TargetGroup }").boolean is False
    built = run_query(
        graph, "CONSTRUCT { ?a skos:prefLabel ?l } WHERE { ?a a vgv:Actor ; skos:prefLabel ?l }"
    )
    assert built.form == "CONSTRUCT"
    assert (
        NEXUS,
        URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
        Literal("Nexus", lang="sv"),
    ) in built.triples
    described = run_query(graph, "DESCRIBE actor:nexus")
    assert any(s == NEXUS for s, _, _ in described.triples)
    assert "actor:nexus" in query_table(described)


def test_the_limit_cuts_rows_and_triples(graph: Graph) -> None:
    result = run_query(graph, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limit=7)
    assert len(result.rows) == 7
    assert result.truncated
    own_limit = run_query(graph, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3", limit=7)
    assert len(own_limit.rows) == 3 and not own_limit.truncated
    bigger = run_query(graph, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 50", limit=7)
    assert len(bigger.rows) == 7 and bigger.truncated
    values = run_query(graph, "SELECT ?s ?p WHERE { ?s ?p ?o } VALUES ?s { actor:nexus }", limit=2)
    assert len(values.rows) == 2 and values.truncated
    triples = run_query(graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limit=5)
    assert len(triples.triples) == 5 and triples.truncated
    everything = run_query(graph, "SELECT ?s WHERE { ?s a vgv:Actor }", limit=None)
    assert not everything.truncated


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <https://example.org/a> <https://example.org/b> 'c' }",
        "DELETE DATA { actor:nexus a vgv:Actor }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 'x' } WHERE { ?s ?p ?o }",
        "WITH <https://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <https://example.org/>\nINSERT DATA { ex:a ex:b ex:c }",
        "LOAD <https://example.org/data.ttl>",
        "CLEAR DEFAULT",
        "DROP ALL",
        "CREATE GRAPH <https://example.org/g>",
        "COPY DEFAULT TO <https://example.org/g>",
        "insert data { <https://example.org/a> <https://example.org/b> 'c' }",
        "INSERT DATA { <https://example.org/a> <https://example.org/b> ",  # broken, still refused
    ],
)
def test_updates_are_refused(graph: Graph, query: str) -> None:
    size = len(graph)
    with pytest.raises(QueryRefused, match="update"):
        run_query(graph, query)
    assert len(graph) == size


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <https://dbpedia.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <https://example.org/q> { ?s ?q ?z } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <https://example.org/q> { ?s ?p ?o } } } }",
        "ASK { SERVICE <https://example.org/q> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(graph: Graph, query: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(graph, query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <https://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <https://example.org/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_from_is_refused(graph: Graph, query: str) -> None:
    with pytest.raises(QueryRefused, match="FROM"):
        run_query(graph, query)


def test_a_syntax_error_says_where() -> None:
    with pytest.raises(QuerySyntaxError, match=r"line 2, column \d+"):
        check_query("SELECT ?s\nWHERE { ?s ?p ?o ")
    with pytest.raises(QuerySyntaxError, match="empty"):
        check_query("   ")
    with pytest.raises(QuerySyntaxError, match="prefix"):
        check_query("SELECT ?s WHERE { ?s nope:p ?o }")


def test_a_runaway_query_is_stopped_in_time(graph: Graph) -> None:
    started = time.perf_counter()
    with pytest.raises(QueryTimeout, match=r"1\.5 s"):
        run_query(graph, CROSS_JOIN, timeout=1.5)
    assert time.perf_counter() - started < 1.5 + 2
    assert run_query(graph, "ASK { ?s ?p ?o }", timeout=5).boolean  # still usable


def test_json_is_the_sparql_results_format(graph: Graph) -> None:
    result = run_query(graph, ACTORS)
    data = result.to_json()
    assert data["head"]["vars"] == ["actor", "label"]
    nexus = next(b for b in data["results"]["bindings"] if b["actor"]["value"] == str(NEXUS))
    assert nexus["actor"]["type"] == "uri"
    assert nexus["label"] == {"type": "literal", "value": "Nexus", "xml:lang": "sv"}
    parsed = Result.parse(io.StringIO(json.dumps(data)), format="json")
    assert len(parsed.bindings) == len(result.rows)
    assert run_query(graph, "ASK { ?s ?p ?o }").to_json() == {"head": {}, "boolean": True}


def test_table_shortens_iris_with_prefixes(graph: Graph) -> None:
    table = query_table(run_query(graph, ACTORS))
    header, rule, *rows = table.splitlines()
    assert header.split() == ["?actor", "?label"]
    assert set(rule) <= {"-", " "}
    assert any(row.split()[0] == "actor:nexus" for row in rows)


# --- the command line -------------------------------------------------------------------------


def _run(*args: str, build_root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VEMGORVAD_BUILD": str(build_root), "HF_HUB_OFFLINE": "1"}
    env.pop("VEMGORVAD_STORE", None)
    env.pop("VEMGORVAD_ENDPOINT", None)
    return subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", "sparql", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.ROOT,
        timeout=120,
    )


def test_cli_prints_json_results(built: Path) -> None:
    run = _run(ACTORS, "--json", "--limit", "3", build_root=built.parent.parent)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert len(data["results"]["bindings"]) == 3
    assert "cut at 3" in run.stderr


def test_cli_refuses_an_update_in_one_line(built: Path) -> None:
    run = _run("DROP ALL", build_root=built.parent.parent)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert run.stderr.startswith("vemgorvad sparql: DROP is an update")
    assert not run.stdout
