"""How fast the app feels in a browser: page load and answer time, in headless Chromium.

Starts the real server (``vemgorvad serve --no-build``) over the current build, or uses
one already running (``--url``), then with Debian's Chromium (Python Playwright):

* page load: navigation to network idle (``wait_until="networkidle"``), first visit
  with a fresh profile (an empty cache) each time, ``--rounds`` times;
* answer time: type a question, click "Fråga", until the answer is on the page, for a
  handful of questions written for this benchmark, ``--rounds`` times each (the first,
  model-warming question is not counted);
* the map and the source view: tab click until the map is drawn / the passages are
  there.

Targets on the 2-core machine (issue 15): page load ≤ 2 s, answer ≤ 0.5 s (medians).

Usage: HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/ui_latency.py [--rounds 5] [--url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.ui.browser import chromium_context, running_server  # noqa: E402

QUESTIONS = [
    "Vilken enhet arbetar med vuxna som utsatts för människohandel?",
    "Vem ger ekonomiskt stöd till Ebbamottagningen?",
    "Vilka lagar styr socialnämndens stöd till brottsoffer?",
    "Who runs the shelter for EU citizens?",
]
"""Questions written for this benchmark (not from the evaluation files)."""

PAGE_TARGET_S = 2.0
ANSWER_TARGET_S = 0.5


@contextlib.contextmanager
def server(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from vemgorvad import settings

    with running_server(settings.build_dir()) as started:
        yield started


def _stats(name: str, seconds: list[float], target: float | None = None) -> str:
    line = (
        f"{name:28} median {statistics.median(seconds):6.3f} s   "
        f"min {min(seconds):6.3f}   max {max(seconds):6.3f}   n={len(seconds)}"
    )
    if target is not None:
        verdict = "ok" if statistics.median(seconds) < target else "OVER"
        line += f"   target < {target:.1f} s: {verdict}"
    return line


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {
        "page load": [],
        "answer": [],
        "map drawn": [],
        "sources shown": [],
    }
    for round_number in range(rounds):
        with chromium_context() as context:
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url, wait_until="networkidle")
            out["page load"].append(time.perf_counter() - started)
            if round_number == 0:  # warm the model and the caches once
                page.fill("#question textarea", "Vad gör Socialstyrelsen?")
                page.click("#ask")
                page.wait_for_selector("#summary .vgv-summary", timeout=180_000)
            for question in QUESTIONS:
                before = page.evaluate("() => document.querySelector('#passages')?.innerText")
                page.fill("#question textarea", question)
                started = time.perf_counter()
                page.click("#ask")
                page.wait_for_function(
                    "before => document.querySelector('#summary .vgv-summary') &&"
                    " document.querySelector('#passages')?.innerText !== before",
                    arg=before,
                    timeout=60_000,
                )
                out["answer"].append(time.perf_counter() - started)
            started = time.perf_counter()
            page.click("button[data-tab-id=karta]")
            page.frame_locator("#vgv-map-frame").locator("body[data-ready='1']").wait_for(
                timeout=60_000
            )
            out["map drawn"].append(time.perf_counter() - started)
            started = time.perf_counter()
            page.click("button[data-tab-id=kalla]")
            page.wait_for_selector("#sources .vgv-src-passage", timeout=60_000)
            out["sources shown"].append(time.perf_counter() - started)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5, help="fresh browsers to measure with")
    parser.add_argument("--url", help="an app already running (default: start one)")
    args = parser.parse_args()
    with server(args.url) as url:
        results = measure(url, args.rounds)
    print(f"UI latency, {args.rounds} rounds, {os.cpu_count()} cores, {url}")
    print(_stats("page load (network idle)", results["page load"], PAGE_TARGET_S))
    print(_stats("answer (click → shown)", results["answer"], ANSWER_TARGET_S))
    print(_stats("map tab → map drawn", results["map drawn"]))
    print(_stats("Källa tab → passages shown", results["sources shown"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
