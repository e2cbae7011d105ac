"""Score vemgorvad.legal on ferenda's (lagen.nu's) legal-citation test cases.

The cases are ../shared/peer-tests/ferenda-legalref/legalref-cases.jsonl beside the repository
(read its README.md). They come from ferenda, BSD 2-Clause licence, copyright (c) 2012-2013
Staffan Malmgren; the notice is in vemgorvad/graph/NOTICE-ferenda.txt.

Each case is parsed as ferenda's runner does: its base document (``{"law": "9999:999"}``
unless a directive says otherwise, none for NOBASE, a proposition for the one BASE case),
paragraphs of one file sharing one parser, RESET clearing what it learned. Links are compared
by target: per case, the set of expected targets against the set of found targets (spans may
differ, as the README allows, since ferenda cuts some lists differently).

Usage: python benchmarks/legalref_peer.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vemgorvad.legal import LegalRefParser

CASES = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "peer-tests"
    / "ferenda-legalref"
    / "legalref-cases.jsonl"
)


@dataclass
class Score:
    """Counts of links by target."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: int = 0
    exact_cases: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class CaseResult:
    id: str
    category: str
    expected: set[str]
    found: set[str]
    found_links: list[tuple[str, str]] = field(default_factory=list)


def load_cases(path: Path = CASES) -> list[dict]:
    """The peer cases, in file order."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _parser_for(case: dict) -> LegalRefParser:
    base = case["context"]["base"]
    if base is None:
        return LegalRefParser()
    if "law" in base:
        return LegalRefParser(base["law"])
    if base.get("type", "").endswith("#Proposition"):  # the BASE directive: a proposition
        report = base.get("kommittensbetankande")
        return LegalRefParser(
            f"prop. {base['year']}:{base['no']}",
            committee_report=f"SOU {report}" if report else None,
        )
    raise ValueError(f"unknown base document {base!r}")


def run(cases: list[dict]) -> list[CaseResult]:
    """Parse every case; paragraphs of one file share a parser, as in ferenda's runner."""
    results: list[CaseResult] = []
    parsers: dict[str, LegalRefParser] = {}
    for case in cases:
        file_id = case["id"].split("#")[0]
        parser = parsers.get(file_id) if case["context"]["earlier_paragraphs"] else None
        if parser is None:
            parser = _parser_for(case)
        if case["context"]["directive"] == "RESET":
            parser.reset()
        parsers[file_id] = parser
        refs = parser.parse(case["input"])
        results.append(
            CaseResult(
                id=case["id"],
                category=case["category"],
                expected={e["target"] for e in case["expected"]},
                found={r.target for r in refs},
                found_links=[(r.text, r.target) for r in refs],
            )
        )
    return results


def score(results: list[CaseResult]) -> tuple[Score, dict[str, Score]]:
    """Overall and per-category precision/recall of links by target."""
    overall = Score()
    by_category: dict[str, Score] = defaultdict(Score)
    for r in results:
        for s in (overall, by_category[r.category]):
            s.tp += len(r.expected & r.found)
            s.fp += len(r.found - r.expected)
            s.fn += len(r.expected - r.found)
            s.cases += 1
            s.exact_cases += r.expected == r.found
    return overall, dict(by_category)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", "-v", action="store_true", help="list every case that differs")
    args = ap.parse_args(argv)
    results = run(load_cases())
    overall, by_category = score(results)
    print(
        f"{'category':<10} {'cases':>5} {'exact':>5} {'tp':>4} {'fp':>4} {'fn':>4} "
        f"{'precision':>9} {'recall':>7}"
    )
    rows = [*sorted(by_category.items()), ("overall", overall)]
    for name, s in rows:
        print(
            f"{name:<10} {s.cases:>5} {s.exact_cases:>5} {s.tp:>4} {s.fp:>4} {s.fn:>4} "
            f"{s.precision:>9.3f} {s.recall:>7.3f}"
        )
    if args.verbose:
        for r in results:
            if r.expected != r.found:
                print(f"\n{r.id}")
                for t in sorted(r.expected - r.found):
                    print(f"  missing  {t}")
                for t in sorted(r.found - r.expected):
                    print(f"  extra    {t}")
                for text, target in r.found_links:
                    print(f"    found {text!r} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
