"""The legal-citation parser against ferenda's (lagen.nu's) own test cases.

Data: ../shared/peer-tests/ferenda-legalref/legalref-cases.jsonl beside the repository (its
README.md explains base documents, modes and name lookups). The cases are ferenda's test data,
BSD 2-Clause licence, copyright (c) 2012-2013 Staffan Malmgren; the licence notice travels
with what we derive from it, in vemgorvad/legal/FERENDA_LICENSE.txt and
tests/graph/legalref_cases/NOTICE.

Links are compared by target, per case as sets (the README allows spans to differ). The
scoring is shared with benchmarks/legalref_peer.py, which prints the figures per category.
Known, deliberate differences: "2 § i den förstnämnda lagen" goes to the law named first (ferenda:
the last), VVFS agency regulations are linked, "2 kap. tryckfrihetsförordningen" gives the
chapter and the act as two links in every mode.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / ".." / "shared" / "peer-tests" / "ferenda-legalref" / "legalref-cases.jsonl"


def _benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "legalref_peer.py"
    spec = importlib.util.spec_from_file_location("legalref_peer_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> tuple:
    assert CASES.exists(), f"peer cases missing: {CASES} (shared/ belongs beside the repo)"
    bench = _benchmark()
    results = bench.run(bench.load_cases(CASES))
    assert len(results) == 111
    return bench.score(results)


def test_overall_precision_and_recall(scores: tuple) -> None:
    overall, _ = scores
    assert overall.precision >= 0.95, overall
    assert overall.recall >= 0.95, overall


@pytest.mark.parametrize("category", ["SFS", "Short", "Simple", "Regpubl", "EGLag"])
def test_each_category(scores: tuple, category: str) -> None:
    _, by_category = scores
    s = by_category[category]
    assert s.precision >= 0.9 and s.recall >= 0.95, (category, s)
