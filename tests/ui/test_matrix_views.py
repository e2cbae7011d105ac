"""The Ansvarsmatris as the page shows it: empty rows and columns hidden unless asked,
every cell opening to its duties in full, the actor-by-law view, extracted duties marked."""

from __future__ import annotations

import copy
from html import escape

import pytest

from vemgorvad.ui.viewmodels import matrix as views_matrix
from vemgorvad.ui.viewmodels.matrix import law_matrix
from vemgorvad.ui.views.matrix import render_matrix, shown


@pytest.fixture(scope="module")
def kg(engine):
    return engine.graph


def test_empty_rows_and_columns_are_hidden_unless_asked(kg):
    matrix = views_matrix.responsibility_matrix(kg)
    visible = shown(matrix)
    assert visible["rows"] and len(visible["rows"]) <= len(matrix["rows"])
    for row in visible["rows"]:
        assert any(row["cells"].get(g["id"]) for g in visible["groups"])
    for group in visible["groups"]:
        assert any(row["cells"].get(group["id"]) for row in visible["rows"])
    everything = shown(matrix, hide_empty=False)
    assert len(everything["rows"]) == len(matrix["rows"])
    html = render_matrix(matrix, "sv")
    assert html.count("<tr data-actor=") == len(visible["rows"])


def test_a_cell_opens_to_every_duty_in_full_with_law_and_passage(kg):
    matrix = shown(views_matrix.responsibility_matrix(kg))
    html = render_matrix(matrix, "sv")
    longest = max(
        (d for row in matrix["rows"] for duties in row["cells"].values() for d in duties),
        key=lambda d: len(d["statement"]),
    )
    assert len(longest["statement"]) > 110
    assert escape(longest["statement"], quote=True) in html
    assert html.count("<details class='vgv-mx-cell'>") == sum(
        1 for row in matrix["rows"] for duties in row["cells"].values() if duties
    )


def test_the_actor_by_law_view_puts_each_duty_under_its_act(kg):
    matrix = law_matrix(kg)
    acts = {column["id"] for column in matrix["groups"]}
    assert "https://lagen.nu/2001:453" in acts
    assert not any("#" in act for act in acts)  # provisions roll up to their act
    for fact in kg.facts.values():
        if fact.kind == "duty" and fact.laws and kg.entity(fact.subject).kind == "actor":
            row = next(r for r in matrix["rows"] if r["actor"]["id"] == fact.subject)
            assert any(fact.iri in {d["id"] for d in duties} for duties in row["cells"].values())
    assert "regelverk" in render_matrix(matrix, "sv", by_law=True)


def test_extracted_duties_are_marked_and_can_be_hidden(kg):
    matrix = copy.deepcopy(views_matrix.responsibility_matrix(kg))
    row = next(r for r in matrix["rows"] if r["cells"])
    duties = next(iter(row["cells"].values()))
    duties.append({**duties[0], "id": "urn:x", "statement": "ett funnet ansvar", "extracted": True})
    html = render_matrix(matrix, "sv")
    assert "ett funnet ansvar" in html and "automatiskt funnen" in html
    hidden = render_matrix(matrix, "sv", hide_extracted=True)
    assert "ett funnet ansvar" not in hidden
