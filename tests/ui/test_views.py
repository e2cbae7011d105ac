"""The data behind the app's views (vemgorvad.ui.viewmodels) on the real built graph, and
the HTML the views render from them."""

from __future__ import annotations

import csv
import io
import re

import pytest

from vemgorvad.ui.viewmodels import actor_map, common, source
from vemgorvad.ui.viewmodels import legal as legal_view
from vemgorvad.ui.viewmodels import matrix as matrices

ACTOR = "https://w3id.org/vemgorvad/id/actor/"


@pytest.fixture(scope="module")
def kg(engine):
    return engine.graph


def _by_label(items, label):
    found = [item for item in items if item["label"] == label]
    assert found, f"{label!r} not among {[item['label'] for item in items][:50]}"
    return found[0]


# --- the actor map ----------------------------------------------------------------------


def test_the_map_has_nexus_coloured_municipal_and_part_of_avdelning_vuxen(kg):
    data = actor_map.actor_map(kg)
    nexus = _by_label(data["nodes"], "Nexus")
    assert nexus["colour_class"] == "municipal"
    assert nexus["kind"] == "MunicipalActor"
    assert nexus["colour"].startswith("#")
    vuxen = _by_label(data["nodes"], "Avdelning vuxen")
    edges = [e for e in data["edges"] if e["from"] == nexus["id"] and e["to"] == vuxen["id"]]
    assert [e["relation"] for e in edges] == ["partOf"]
    assert edges[0]["relation_label"] == "ingår i"
    assert edges[0]["relation_label_en"] == "is part of"
    assert edges[0]["passage_id"]


def test_every_edge_joins_two_nodes_of_the_map(kg):
    data = actor_map.actor_map(kg)
    ids = {node["id"] for node in data["nodes"]}
    assert data["edges"]
    assert all(edge["from"] in ids and edge["to"] in ids for edge in data["edges"])
    kinds = {node["colour_class"] for node in data["nodes"]}
    assert {
        "state",
        "regional",
        "municipal",
        "civil",
        "international",
        "health",
        "academia",
    } <= kinds


def test_the_law_filter_keeps_who_sosfs_binds(kg):
    by_citation = actor_map.actor_map(kg, law="SOSFS 2014:4")
    labels = {node["label"] for node in by_citation["nodes"]}
    assert "Socialtjänsten" in labels
    assert "Nexus" not in labels
    by_iri = actor_map.actor_map(kg, law="https://lagen.nu/sosfs/2014:4")
    assert {node["label"] for node in by_iri["nodes"]} == labels


def test_a_duty_under_a_provision_binds_by_its_act(kg):
    labels = {node["label"] for node in actor_map.actor_map(kg, law="socialtjänstlagen")["nodes"]}
    assert "Socialnämnden" in labels


def test_the_group_filter_counts_narrower_groups(kg):
    broad = {n["label"] for n in actor_map.actor_map(kg, group="Barn och unga")["nodes"]}
    narrow = {
        n["label"]
        for n in actor_map.actor_map(kg, group="Barn utsatta för människohandel eller exploatering")[
            "nodes"
        ]
    }
    assert narrow and narrow <= broad


def test_the_relation_filter_keeps_only_that_relation(kg):
    data = actor_map.actor_map(kg, relation="funds")
    assert data["edges"]
    assert {edge["relation"] for edge in data["edges"]} == {"funds"}
    ends = {edge["from"] for edge in data["edges"]} | {edge["to"] for edge in data["edges"]}
    assert {node["id"] for node in data["nodes"]} == ends


def test_the_document_filter_and_unknown_values(kg):
    memo = actor_map.actor_map(kg, document="SCN-2022-00355")
    assert any(node["label"] == "Nexus" for node in memo["nodes"])
    statute = actor_map.actor_map(kg, document="SFS 2017:937")
    assert any(node["label"] == "Jämställdhetsmyndigheten" for node in statute["nodes"])
    assert not any(node["label"] == "Nexus" for node in statute["nodes"])
    unknown = actor_map.actor_map(kg, law="Lagen om ingenting")
    assert unknown["nodes"] == [] and unknown["unknown"] == ["law"]


def test_the_filters_offer_only_what_keeps_someone(kg):
    offered = actor_map.map_filters(kg)
    assert any(law.get("citation") == "SOSFS 2014:4" for law in offered["laws"])
    for law in offered["laws"]:
        assert actor_map.actor_map(kg, law=law["id"])["nodes"], law
    assert any(group["label"] == "Barn och unga" for group in offered["groups"])
    assert "partOf" in {relation["id"] for relation in offered["relations"]}
    assert offered["documents"][0]["id"] == "SCN-2022-00355"


def test_the_map_as_graphml(kg):
    import networkx as nx

    text = actor_map.map_graphml(actor_map.actor_map(kg, relation="partOf"))
    network = nx.parse_graphml(text)
    assert network.number_of_edges() > 0
    labels = {data["label"] for _, data in network.nodes(data=True)}
    assert "Nexus" in labels


def test_node_details_of_nexus(kg):
    details = actor_map.node_details(kg, ACTOR + "nexus")
    assert details["label"] == "Nexus" and details["colour_class"] == "municipal"
    assert details["duties"] and all(d["passage_id"] for d in details["duties"])
    assert any(
        r["relation"] == "partOf"
        and r["other"]["label"] == "Avdelning vuxen"
        and r["direction"] == "out"
        for r in details["relations"]
    )
    assert any(p["id"].startswith("SCN-2022-00355#") for p in details["passages"])
    assert actor_map.node_details(kg, ACTOR + "finns-inte") is None


def test_node_details_list_the_laws_behind_duties(kg):
    details = actor_map.node_details(kg, ACTOR + "socialtjansten")
    assert "SOSFS 2014:4" in {law.get("citation") for law in details["laws"]}


# --- the responsibility matrix ------------------------------------------------------------


def test_the_matrix_cell_of_nexus_holds_a_duty_with_its_passage(kg, engine):
    matrix = matrices.responsibility_matrix(kg)
    row = next(r for r in matrix["rows"] if r["actor"]["label"] == "Nexus")
    group = next(g for g in matrix["groups"] if g["label"] == "Personer i prostitution")
    duties = row["cells"][group["id"]]
    assert duties
    duty = duties[0]
    assert duty["statement"] and duty["passage_id"] in engine.passages
    assert duty["quote"] in engine.passages[duty["passage_id"]].text


def test_a_broader_group_counts_duties_toward_narrower_groups(kg):
    matrix = matrices.responsibility_matrix(kg)
    broad = next(g for g in matrix["groups"] if g["label"] == "Barn och unga")
    inherited = [
        duty for row in matrix["rows"] for duty in row["cells"].get(broad["id"], ()) if duty["via"]
    ]
    assert inherited
    assert all(duty["via"]["label"] != "Barn och unga" for duty in inherited)
    narrower_ids = {g["id"] for g in matrix["groups"] if broad["id"] in g["broader"]}
    assert narrower_ids


def test_the_matrix_filters(kg):
    municipal = matrices.responsibility_matrix(kg, actor_kind="MunicipalActor")
    assert municipal["rows"]
    assert {row["actor"]["kind"] for row in municipal["rows"]} == {"MunicipalActor"}
    by_label = matrices.responsibility_matrix(kg, actor_kind="Kommunal aktör")
    assert len(by_label["rows"]) == len(municipal["rows"])
    sosfs = matrices.responsibility_matrix(kg, law="SOSFS 2014:4")
    assert [row["actor"]["label"] for row in sosfs["rows"]] == ["Socialtjänsten"]
    for row in sosfs["rows"]:
        for duties in row["cells"].values():
            assert all("SOSFS 2014:4" in {law.get("citation") for law in d["laws"]} for d in duties)
    offered = matrices.matrix_filters(kg)
    assert "MunicipalActor" in {kind["id"] for kind in offered["kinds"]}
    assert "https://lagen.nu/2001:453" in {law["id"] for law in offered["laws"]}


# --- the legal table and the timeline ------------------------------------------------------


def test_the_legal_table_lists_socialtjanstlagen_replaced(kg):
    rows = legal_view.legal_table(kg, today="2026-01-01")
    sol = _by_label(rows, "Socialtjänstlagen")
    assert sol["citation"] == "SFS 2001:453"
    assert sol["status"] == "replaced"
    assert sol["replaced_by"][0]["citation"] == "SFS 2025:400"
    assert sol["in_force"] == "2002-01-01"
    assert sol["statements"] and sol["binds"]
    assert sol["cited_in_count"] > 0 and sol["text"]["id"].startswith("SFS 2001:453")
    newer = _by_label(rows, "Socialtjänstlag (2025:400)")
    assert newer["status"] == "in force"


def test_the_legal_table_claims_a_status_only_with_a_source(kg):
    rows = legal_view.legal_table(kg, today="2026-01-01")
    for row in rows:
        if row["status"] != "unknown":
            assert row["status_source"], row["label"]
    bb = _by_label(rows, "Brottsbalken")
    assert bb["status"] == "in force" and bb["status_source"]["kind"] == "header"
    assert bb["status_source"]["document"] == "SFS 1962:700"
    assert _by_label(rows, "SOSFS 2014:4")["status"] == "unknown"
    dated = [r for r in rows if r["status_source"] and r["status_source"]["kind"] == "passage"]
    assert dated and all(r["status_source"]["passage_id"] for r in dated)


def test_the_legal_table_sorts_numbers_as_numbers(kg):
    labels = [r["label"] for r in legal_view.legal_table(kg) if r["origin"] != "extracted"]
    numbered = [label for label in labels if label[:1].isdigit()]
    assert numbered == sorted(numbered, key=legal_view.natural_key)
    firsts = [int(label.split()[0]) for label in numbered]
    assert firsts == sorted(firsts)


def test_a_bare_sfs_number_is_shown_with_its_act_and_title(kg):
    from vemgorvad.ui.views.legal import Checker, render_check

    text = "Stöd ges enligt lag (2019:999) om skydd för barn, och mer."
    results = Checker(kg.graph).check(text)
    html = render_check(text, results, "sv")
    assert "lag (2019:999) om skydd för barn</b>" in html


def test_the_legal_table_keeps_curated_provisions_and_drops_bare_sections(kg):
    rows = legal_view.legal_table(kg)
    ids = {row["id"] for row in rows}
    assert "https://lagen.nu/2001:453#K5P11" in ids  # curated, with facts
    provision = next(row for row in rows if row["id"] == "https://lagen.nu/2001:453#K5P11")
    assert provision["text"]["id"] == "SFS 2001:453 5 kap. 11 §"
    assert provision["binds"]
    # a section the loader made and no curated fact involves is no row of its own
    bare = [
        iri
        for iri, entity in kg.entities.items()
        if entity.kind == "provision" and entity.extracted and not kg.facts_by_entity.get(iri)
    ]
    assert bare and not ids & set(bare)
    kinds = {kind["id"] for row in rows for kind in row["kinds"]}
    assert {"Lag", "Forordning", "Myndighetsforeskrift", "Konvention"} <= kinds


def test_the_timeline_is_sorted_and_has_the_known_dates(kg):
    entries = legal_view.timeline(kg)
    dates = [entry["date"] for entry in entries]
    assert dates == sorted(dates)
    assert "2018-01-01" in dates and "2021-07-01" in dates
    child = next(e for e in entries if e["date"] == "2021-07-01")
    assert child["kind"] == "EnteredIntoForce" and child["passage_id"]
    assert child["regulation"]["label"] == "Barnfridsbrott (bestämmelse)"


# --- the sources ---------------------------------------------------------------------------


def test_source_view_marks_jamstalldhetsmyndigheten(kg, engine):
    documents = source.source_view(kg, engine.passages)
    assert documents[0]["id"] == "SCN-2022-00355"
    passages = [p for d in documents for s in d["sections"] for p in s["passages"]]
    assert len(passages) == len(engine.passages)
    marked = [
        p["text"][span["start"] : span["end"]]
        for p in passages
        for span in p["spans"]
        if span["label"] == "Jämställdhetsmyndigheten"
    ]
    assert "Jämställdhetsmyndigheten" in marked
    for passage in passages:
        ends = [0]
        for span in passage["spans"]:
            assert span["start"] >= ends[-1]  # in order, never overlapping
            ends.append(span["end"])
        assert re.fullmatch(r"p-[A-Za-z0-9_-]+", passage["anchor"])
    laws = [span for p in passages for span in p["spans"] if span["kind"] == "law"]
    assert laws


def test_passage_anchors_are_safe_and_distinct():
    ids = ["SFS 2001:453 5 kap. 11 §", "SFS 2001:453 5 kap. 11 a §", 'x"><script>', "x'><script>"]
    anchors = [common.passage_anchor(i) for i in ids]
    assert len(set(anchors)) == len(ids)
    assert all(re.fullmatch(r"p-[A-Za-z0-9_-]+", a) for a in anchors)


# --- the rendered views --------------------------------------------------------------------


def test_rendered_views_escape_what_they_show(kg):
    from vemgorvad.ui.views.ask import render_facts, render_passages, render_summary
    from vemgorvad.ui.views.evidence import render_evidence_graph

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    answer = {
        "question": evil,
        "answerable": True,
        "summary": evil,
        "confidence": 0.9,
        "facts": [
            {
                "id": "f",
                "actor": {"id": ACTOR + "nexus", "label": evil},
                "statement": evil,
                "object": None,
                "laws": [{"id": "l", "label": evil, "citation": evil}],
                "target_groups": [{"id": "g", "label": evil}],
                "since": evil,
                "source": {"passage_id": evil, "quote": "onerror"},
            }
        ],
        "paths": [
            [{"id": ACTOR + "nexus", "label": evil}, {"relation": evil}, {"id": "x", "label": evil}]
        ],
        "passages": [{"id": evil, "document": evil, "section": evil, "text": evil, "score": 1.0}],
    }
    for html in (
        render_summary(answer, "sv"),
        render_facts(answer, "en", kg),
        render_evidence_graph(answer, "sv", kg),
        render_passages(answer, "sv"),
    ):
        assert "<script" not in html and "<img" not in html
    assert "<mark class='vgv-quote'>onerror</mark>" in render_passages(answer, "sv")


def test_abstention_and_uncertainty_are_said_plainly():
    from vemgorvad.qa.answer import TEXTS
    from vemgorvad.ui.views.ask import render_summary, status

    abstain = {"answerable": False, "summary": TEXTS["sv"]["abstain"], "confidence": 0.0}
    assert status(abstain) == "abstain"
    assert "Dokumenten svarar inte på frågan" in render_summary(abstain, "sv")
    unsure = {
        "answerable": True,
        "summary": TEXTS["sv"]["uncertain"] + " Något.",
        "confidence": 0.5,
    }
    assert status(unsure) == "uncertain"
    low = {"answerable": True, "summary": "Något.", "confidence": 0.1}
    assert status(low) == "uncertain"
    assert "Uncertain answer" in render_summary(low, "en")
    assert status({"answerable": True, "summary": "Svar.", "confidence": 0.9}) == "answer"


def test_the_matrix_exports(kg):
    from openpyxl import load_workbook

    from vemgorvad.ui.views.matrix import export_csv, export_xlsx, render_matrix

    matrix = matrices.responsibility_matrix(kg)
    html = render_matrix(matrix, "sv")
    assert "Nexus" in html and "data-vgv-passage" in html
    rows = list(csv.reader(io.StringIO(export_csv(matrix, "sv").read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "Aktör" and len(rows) == len(matrix["rows"]) + 1
    assert len(rows[0]) == len(matrix["groups"]) + 1
    nexus = next(row for row in rows if row[0] == "Nexus")
    assert any("SCN-2022-00355#" in cell for cell in nexus[1:])
    workbook = load_workbook(export_xlsx(matrix, "en"))
    assert workbook.sheetnames == ["Matrix", "Duties"]
    assert workbook["Matrix"]["A1"].value == "Actor"
    assert workbook["Duties"].max_row > len(matrix["rows"])


def test_the_checker_flags_a_missing_section(kg):
    from vemgorvad.ui.views.legal import Checker, render_check

    checker = Checker(kg.graph)
    text = "Enligt 5 kap. 99 § socialtjänstlagen ska nämnden <b>hjälpa</b>."
    results = checker.check(text)
    assert results and any("finns inte" in w for r in results for w in r["warnings"])
    html = render_check(text, results, "sv")
    assert "vgv-ref-bad" in html and "<b>" not in html and "&lt;b&gt;" in html


def test_the_source_view_renders_anchors_and_actor_links(kg, engine):
    from vemgorvad.ui.views.source import render_sources

    html = render_sources(source.source_view(kg, engine.passages), "sv")
    first = next(iter(engine.passages))
    assert f"id='{common.passage_anchor(first)}'" in html
    assert f"data-vgv-actor='{ACTOR}jamstalldhetsmyndigheten'" in html


# --- the site's own routes (in process) ---------------------------------------------------


@pytest.fixture(scope="module")
def site(engine):
    from fastapi.testclient import TestClient

    from vemgorvad.ui.app import create_server

    with TestClient(create_server(engine)) as client:
        yield client


def test_the_map_routes_serve_json_and_a_locked_down_page(site):
    page = site.get("/vgv/map")
    assert page.status_code == 200 and "static/vis-network.min.js" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    data = site.get("/vgv/api/map", params={"law": "SOSFS 2014:4"}).json()
    assert [node["label"] for node in data["nodes"]] == ["Socialtjänsten"]
    filters = site.get("/vgv/api/map/filters", params={"lang": "en"}).json()
    assert filters["texts"]["law"] == "Law" and filters["filters"]["laws"]
    node = site.get("/vgv/api/node", params={"id": ACTOR + "nexus"}).json()
    assert node["label"] == "Nexus"
    assert site.get("/vgv/api/node", params={"id": "<script>"}).status_code == 404
    graphml = site.get("/vgv/api/map.graphml", params={"relation": "partOf"})
    assert graphml.status_code == 200 and "<graphml" in graphml.text
    script = site.get("/vgv/static/vis-network.min.js")
    assert script.status_code == 200 and "vis-network" in script.text[:500]
    assert site.get("/vgv/static/NOTICE.txt").status_code == 200
    assert site.get("/").status_code == 200


def test_a_login_guards_the_map_routes_too(engine, tmp_path):
    from fastapi.testclient import TestClient

    from vemgorvad.ui.app import create_server
    from vemgorvad.ui.auth import authenticator, set_password

    users_file = tmp_path / "users.txt"
    set_password(users_file, "anna", "hemligt")
    check = authenticator(users_file)
    with TestClient(create_server(engine, auth=check)) as client:
        assert client.get("/vgv/api/map").status_code == 401
        assert client.get("/vgv/map").status_code == 401
        assert (
            client.post("/login", data={"username": "anna", "password": "fel"}).status_code >= 400
        )
        assert client.post("/login", data={"username": "anna", "password": "hemligt"}).is_success
        assert client.get("/vgv/api/map").status_code == 200


def test_fact_cards_read_in_the_page_language(engine, kg):
    from html import escape

    from vemgorvad.ui.views.ask import render_facts

    answer = engine.ask("Vem samordnar regionkoordinatorerna?")
    # a fact whose Swedish statement is not in its (Swedish, quoted on both pages) source
    fact = next(
        f for f in answer["facts"]
        if f.get("statement_en") and f["statement"] not in f["source"]["quote"]
    )
    english, swedish = render_facts(answer, "en", kg), render_facts(answer, "sv", kg)
    assert escape(fact["statement_en"], quote=True) in english
    assert escape(fact["statement"], quote=True) in swedish
    assert escape(fact["statement"], quote=True) not in english
    assert fact["actor"]["label_en"] and escape(fact["actor"]["label_en"]) in english
