"""Builds: skipped when nothing changed, atomic when something did, safe when killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from vemgorvad import settings
from vemgorvad.corpus.load import load_document
from vemgorvad.pipeline import BuildError, build, current_build, load_graph, read_manifest

MEMO = settings.ROOT / "corpus" / "SCN-2022-00355.txt"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A corpus of the memo alone and a first build of it."""
    root = tmp_path_factory.mktemp("pipeline")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(MEMO, corpus)
    shutil.copy(MEMO.with_name(MEMO.name + ".meta.json"), corpus)
    first = build(corpus, root / "build")
    return corpus, root / "build", first


@pytest.fixture(scope="module")
def memo_graph():
    """The graph of the memo alone, made by the graph functions themselves (no build
    folder, no pipeline): what a complete build of the memo must hold, triple for triple."""
    from vemgorvad.graph.build import build_graph
    from vemgorvad.graph.extract import link_mentions
    from vemgorvad.graph.statements import extract_statements

    documents = [load_document(MEMO, MEMO.parent)]
    graph = build_graph(documents)
    link_mentions(graph, documents)
    extract_statements(graph, documents)
    return set(graph)


def test_a_build_is_current_and_a_second_one_is_skipped(small):
    corpus, build_root, first = small
    assert first.rebuilt and first.documents == 1
    assert first.passages == len(load_document(MEMO, MEMO.parent).passages)
    assert current_build(build_root) == first.path
    started = time.perf_counter()
    again = build(corpus, build_root)
    assert not again.rebuilt
    assert again.path == first.path
    assert time.perf_counter() - started < 3


def test_a_failed_build_leaves_the_previous_one_in_use(small, memo_graph, tmp_path):
    _, build_root, first = small
    broken = tmp_path / "corpus"
    broken.mkdir()
    (broken / "tom.txt").write_text("")
    with pytest.raises(BuildError, match="no readable documents"):
        build(broken, build_root)
    assert current_build(build_root) == first.path
    assert set(load_graph(first.path)) == memo_graph  # whole, not a part of it


def test_a_build_killed_midway_leaves_the_previous_one_serving(small, memo_graph):
    corpus, build_root, first = small
    (corpus / "rutin.md").write_text(
        "# Rutin\n\nNexus tar emot vuxna som utsatts för våld av en närstående.\n",
        encoding="utf-8",
    )
    env = {**os.environ, "VEMGORVAD_CORPUS": str(corpus), "VEMGORVAD_BUILD": str(build_root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "vemgorvad.ui.cli", "build", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    releases = build_root / "releases"
    deadline = time.monotonic() + 120
    while not list(releases.glob(".staging-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(releases.glob(".staging-*")), "the build never started writing"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert current_build(build_root) == first.path
    assert (
        read_manifest(first.path)["fingerprint"]
        == read_manifest(current_build(build_root))["fingerprint"]
    )
    assert set(load_graph(first.path)) == memo_graph  # whole, not a part of it

    finished = build(corpus, build_root)  # the next build completes and clears the debris
    assert finished.rebuilt and finished.documents == 2
    assert current_build(build_root) == finished.path
    assert not list(releases.glob(".staging-*"))
    (corpus / "rutin.md").unlink()
