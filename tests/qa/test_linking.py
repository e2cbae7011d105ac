"""How the engine links questions, facts and passages to the graph's entities.

A fact involves the entities it links and those its words name; a named entity counts
as much as it is specific (rarely named in the documents). These run on the real build.
"""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vemgorvad.qa import understand


@pytest.mark.parametrize("module", [understand])
def test_module_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_an_english_label_is_matched_without_its_acronym(engine):
    found = {
        m.entity.label
        for m in engine.matcher.find("What does the National Operations Department do?")
    }
    assert "Nationella operativa avdelningen (NOA)" in found


def test_the_graph_reads_its_entities_in_the_same_order_in_every_process(built):
    """The engine's cached vectors are keyed by its entities in order: an order that
    changed with Python's string hashing made every start embed them all again."""
    program = (
        "import sys; from vemgorvad.graph.query import KnowledgeGraph; "
        "from vemgorvad.pipeline import load_graph; from pathlib import Path; "
        "print(list(KnowledgeGraph(load_graph(Path(sys.argv[1]))).entities)[:40])"
    )
    orders = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", program, str(built)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        orders.add(done.stdout)
    assert len(orders) == 1
