"""Exporting the built graph: every format reads back in the tool it is meant for."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from vemgorvad import settings
from vemgorvad.graph.export import ExportError, _cell, export_graph, format_for
from vemgorvad.pipeline import load_graph

NEXUS = "https://w3id.org/vemgorvad/id/actor/nexus"
NEXUS_PART_OF = "https://w3id.org/vemgorvad/id/fact/nexus-inom-socialforvaltningen"
SOCIALFORVALTNINGEN = "https://w3id.org/vemgorvad/id/actor/socialforvaltningen"


@pytest.fixture(scope="module")
def graph(built: Path) -> Graph:
    return load_graph(built)


def _export(graph: Graph, fmt: str, **options: str) -> bytes:
    out = io.BytesIO()
    export_graph(graph, fmt, out, **options)
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_rdf_formats_parse_back_to_the_same_triples(graph: Graph, fmt: str, parser: str) -> None:
    data = _export(graph, fmt)
    again = Graph().parse(data=data, format=parser)
    assert len(again) == len(graph)
    assert set(again) == set(graph)


def test_turtle_uses_the_project_prefixes(graph: Graph) -> None:
    text = _export(graph, "ttl").decode("utf-8")
    assert "@prefix vgv: <https://w3id.org/vemgorvad/ns#> ." in text
    assert "actor:nexus" in text


def test_jsonld_has_a_compact_context(graph: Graph) -> None:
    data = json.loads(_export(graph, "jsonld"))
    context = data["@context"]
    assert context["vgv"] == "https://w3id.org/vemgorvad/ns#"
    assert context["actor"] == "https://w3id.org/vemgorvad/id/actor/"
    assert "brick" not in context  # only prefixes the graph uses
    assert any(node.get("@id") in ("actor:nexus", NEXUS) for node in data["@graph"])


def test_graphml_opens_with_nexus_and_string_attributes_only(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "network.graphml"
    path.write_bytes(_export(graph, "graphml"))
    network = nx.read_graphml(path)
    assert network.nodes[NEXUS]["label"] == "Nexus"
    assert network.nodes[NEXUS]["kind"] == "actor"
    kinds = {data["kind"] for _, data in network.nodes(data=True)}
    assert {"actor", "law", "group"} <= kinds
    edges = [d for u, v, d in network.edges(data=True) if (u, v) == (NEXUS, SOCIALFORVALTNINGEN)]
    assert any(d["relation"] == "partOf" and d["fact"] == NEXUS_PART_OF for d in edges)
    assert all(d["passage"] for d in edges)
    relations = {d["relation"] for _, _, d in network.edges(data=True)}
    assert {"partOf", "hasDutyUnder", "serves"} <= relations
    # Gephi: every attribute declared as a string, no value missing
    text = path.read_text(encoding="utf-8")
    assert 'attr.type="string"' in text
    assert 'attr.type="double"' not in text and 'attr.type="int"' not in text
    for _, data in network.nodes(data=True):
        assert all(isinstance(value, str) for value in data.values())
        assert set(data) >= {"label", "kind", "category", "iri"}
    for _, _, data in network.edges(data=True):
        assert all(isinstance(value, str) for value in data.values())
    edge_ids = [line for line in text.splitlines() if line.lstrip().startswith("<edge ")]
    assert len(edge_ids) == network.number_of_edges()


def test_csv_opens_in_excel_with_a_row_per_fact(graph: Graph) -> None:
    data = _export(graph, "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: Excel reads å, ä, ö
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == [
        "fact",
        "kind",
        "subject",
        "relation",
        "object",
        "statement",
        "laws",
        "target_groups",
        "since",
        "passage",
        "quote",
        "extracted",
    ]
    by_id = {row["fact"]: row for row in rows}
    row = by_id[NEXUS_PART_OF]
    assert row["kind"] == "relationship"
    assert row["subject"] == "Nexus"
    assert row["relation"] == "partOf"
    assert row["object"] == "Socialförvaltningen"
    assert row["statement"] == "är en enhet inom socialförvaltningen"
    assert row["passage"].startswith("SCN-2022-00355#")
    assert row["quote"].startswith("Nexus är förvaltningens enhet")
    assert len(rows) == len(by_id) > 200


def test_csv_delimiter_can_be_a_comma(graph: Graph) -> None:
    header = _export(graph, "csv", delimiter=",").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("fact,kind,subject,")


def test_csv_cells_never_become_formulas() -> None:
    assert _cell("=SUM(A1:A3)") == "'=SUM(A1:A3)"
    assert _cell("- en punkt") == "'- en punkt"
    assert _cell("Nexus") == "Nexus"


def test_unknown_format_is_refused(graph: Graph) -> None:
    with pytest.raises(ExportError, match="unknown format"):
        _export(graph, "xlsx")


def test_format_follows_the_file_suffix() -> None:
    assert format_for("graf.TTL") == "ttl"
    assert format_for("graf.jsonld") == "jsonld"
    assert format_for("natverk.graphml") == "graphml"
    assert format_for("fakta.csv") == "csv"
    assert format_for("graf.txt") is None


# --- the command line -------------------------------------------------------------------------


def _run(*args: str, build_root: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "VEMGORVAD_BUILD": str(build_root), "HF_HUB_OFFLINE": "1"}
    env.pop("VEMGORVAD_STORE", None)
    env.pop("VEMGORVAD_ENDPOINT", None)
    return subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", "export", *args],
        capture_output=True,
        env=env,
        cwd=settings.ROOT,
        timeout=300,
    )


def test_cli_writes_the_format_its_file_names(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "fakta.csv"
    run = _run("--out", str(target), build_root=built.parent.parent)
    assert run.returncode == 0, run.stderr.decode()
    assert target.read_bytes().startswith(b"\xef\xbb\xbffact;kind;")
    assert not list(tmp_path.glob(".*.tmp"))


def test_cli_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    run = _run("--format", "ttl", build_root=tmp_path)
    assert run.returncode == 2
    message = run.stderr.decode().strip()
    assert message == "vemgorvad export: nothing is built yet: run `vemgorvad build` first"
    assert not run.stdout
