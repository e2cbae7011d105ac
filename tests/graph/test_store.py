"""The graph store: settings, and a shared deployment on a real Oxigraph SPARQL server.

The slow tests start ``oxigraph serve`` (from the ``oxigraph`` package in the virtual
environment) on a free local port, build into it and check that the answer engine gives
the same answers with the graph read back from the endpoint as with the embedded store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import pytest

from vemgorvad import settings
from vemgorvad.graph.sparql import QueryRefused, run_query
from vemgorvad.graph.store import (
    EmbeddedStore,
    SparqlEndpointStore,
    StoreError,
)
from vemgorvad.graph.store_config import (
    DEFAULT_GRAPH,
    StoreConfig,
    StoreConfigError,
    StoreKind,
    derive_update_endpoint,
)
from vemgorvad.graph.store_factory import create_store
from vemgorvad.pipeline import build, load_graph, read_manifest

REPO = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = REPO.parent / "shared" / "eval" / "dev.jsonl"
MEMO_QUESTIONS = REPO / "tests" / "qa" / "questions.jsonl"
STORE_VARIABLES = (
    "VEMGORVAD_STORE",
    "VEMGORVAD_ENDPOINT",
    "VEMGORVAD_UPDATE_ENDPOINT",
    "VEMGORVAD_GRAPH_STORE",
    "VEMGORVAD_GRAPH",
    "VEMGORVAD_ENDPOINT_AUTH",
)


@pytest.fixture(autouse=True)
def _no_store_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in STORE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


# --- settings ---------------------------------------------------------------------------------


def test_embedded_is_the_default() -> None:
    config = StoreConfig.from_env({})
    assert config.kind is StoreKind.EMBEDDED
    assert isinstance(create_store(config), EmbeddedStore)


def test_an_endpoint_alone_means_the_sparql_store() -> None:
    config = StoreConfig.from_env(
        {"VEMGORVAD_ENDPOINT": "http://db:7878/query", "VEMGORVAD_ENDPOINT_AUTH": "vgv:hemligt"}
    )
    assert config.kind is StoreKind.SPARQL
    assert config.update_endpoint == "http://db:7878/update"
    assert config.graph == DEFAULT_GRAPH
    assert config.auth == ("vgv", "hemligt")
    assert "hemligt" not in json.dumps(config.describe())
    assert isinstance(create_store(config), SparqlEndpointStore)


@pytest.mark.parametrize(
    ("query", "update"),
    [
        ("http://localhost:7878/query", "http://localhost:7878/update"),
        ("http://localhost:3030/vemgorvad/query", "http://localhost:3030/vemgorvad/update"),
        ("http://localhost:3030/vemgorvad/sparql", "http://localhost:3030/vemgorvad/update"),
        (
            "http://localhost:7200/repositories/vemgorvad",
            "http://localhost:7200/repositories/vemgorvad/statements",
        ),
        ("http://localhost:8890/sparql-endpoint", "http://localhost:8890/sparql-endpoint"),
    ],
)
def test_the_update_endpoint_follows_the_engines_layout(query: str, update: str) -> None:
    assert derive_update_endpoint(query) == update


@pytest.mark.parametrize(
    "environment",
    [
        {"VEMGORVAD_STORE": "sparql"},
        {"VEMGORVAD_STORE": "oracle"},
        {"VEMGORVAD_STORE": "sparql", "VEMGORVAD_ENDPOINT": "ftp://db/query"},
        {"VEMGORVAD_ENDPOINT": "http://db/query", "VEMGORVAD_GRAPH": "no iri"},
    ],
)
def test_bad_settings_are_refused(environment: dict[str, str]) -> None:
    with pytest.raises(StoreConfigError):
        StoreConfig.from_env(environment)


def test_an_unreachable_endpoint_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = SparqlEndpointStore(
        StoreConfig(kind=StoreKind.SPARQL, endpoint=f"http://127.0.0.1:{port}/query", timeout=5)
    )
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        store.holds({"fingerprint": "x"})


# --- a real Oxigraph server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free local port; yields its base URL, stops it after."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        found = shutil.which("oxigraph")
        if found is None:
            pytest.skip("oxigraph (PyPI package `oxigraph`) is not installed")
        binary = Path(found)
    folder = tmp_path_factory.mktemp("oxigraph")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen(
        [str(binary), "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):
                    break
            except HTTPError:
                break  # it answers
            except (URLError, OSError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"oxigraph did not start: {(folder / 'server.log').read_text()}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


def _sparql_env(monkeypatch: pytest.MonkeyPatch, base: str, **extra: str) -> None:
    monkeypatch.setenv("VEMGORVAD_STORE", "sparql")
    monkeypatch.setenv("VEMGORVAD_ENDPOINT", f"{base}/query")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)


def _questions() -> list[str]:
    questions = []
    if DEV_QUESTIONS.exists():
        lines = DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()
        questions += [json.loads(line)["question"] for line in lines if line.strip()][:10]
    lines = MEMO_QUESTIONS.read_text(encoding="utf-8").splitlines()
    questions += [json.loads(line)["question"] for line in lines if line.strip()]
    return questions


def _essence(answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "answerable": answer["answerable"],
        "summary": answer["summary"],
        "facts": [fact["id"] for fact in answer["facts"]],
        "passages": [passage["id"] for passage in answer["passages"]],
    }


@pytest.fixture(scope="module")
def endpoint_build(
    oxigraph: str, built: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Any]]:
    """A build made with the sparql store into the server: the session build is copied (its
    vectors are reused, nothing is embedded again) and built again with the store set."""
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("endpoint-build")
    shutil.copytree(built.parent.parent, root, symlinks=True, dirs_exist_ok=True)
    _sparql_env(monkeypatch, oxigraph)
    try:
        first = build(settings.ROOT / "corpus", root)
        again = build(settings.ROOT / "corpus", root)
        yield first.path, again
    finally:
        monkeypatch.undo()


@pytest.mark.slow
def test_build_writes_the_graph_to_the_endpoint(
    endpoint_build: tuple[Path, Any], oxigraph: str
) -> None:
    path, again = endpoint_build
    manifest = read_manifest(path)
    assert manifest["store"] == {
        "kind": "sparql",
        "endpoint": f"{oxigraph}/query",
        "graph": DEFAULT_GRAPH,
    }
    assert not again.rebuilt  # the endpoint holds this build's graph: nothing to do
    assert again.path == path
    assert (path / "graph.nt").exists()  # the index and the graph file stay local


@pytest.mark.slow
def test_answers_from_the_endpoint_are_the_same(
    endpoint_build: tuple[Path, Any],
    oxigraph: str,
    built: Path,
    engine: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from vemgorvad.graph.model import KnowledgeGraph
    from vemgorvad.qa.answer import Engine

    path, _ = endpoint_build
    embedded = load_graph(built)
    _sparql_env(monkeypatch, oxigraph)
    remote = load_graph(path)
    assert set(remote) == set(embedded)
    cache = tmp_path / "qa-vectors.npz"  # a copy: the session build's cache stays as it is
    if (built / "qa-vectors.npz").exists():
        shutil.copy(built / "qa-vectors.npz", cache)
    shared = Engine(KnowledgeGraph(remote), engine.index, engine.embedder, cache=cache)
    questions = _questions()
    assert len(questions) >= 40
    for question in questions:
        assert _essence(shared.ask(question)) == _essence(engine.ask(question)), question


@pytest.mark.slow
def test_queries_run_on_the_endpoint(
    endpoint_build: tuple[Path, Any], oxigraph: str, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sparql_env(monkeypatch, oxigraph)
    store = create_store()
    assert store.queryable(None) is store  # no build folder needed to query
    embedded = EmbeddedStore().read(built)
    query = (
        "SELECT ?fact ?text WHERE { ?fact vgv:bearer actor:nexus ; vgv:statement ?text . "
        'FILTER(lang(?text) = "sv") } ORDER BY ?fact'
    )
    remote = run_query(store, query)
    here = run_query(embedded, query)
    assert remote.variables == here.variables == ["fact", "text"]
    assert remote.rows == here.rows and remote.rows
    assert run_query(store, "ASK { actor:nexus a vgv:Actor }").boolean is True
    cut = run_query(store, "SELECT * WHERE { ?s ?p ?o }", limit=4)
    assert len(cut.rows) == 4 and cut.truncated
    graph = run_query(store, "CONSTRUCT { actor:nexus ?p ?o } WHERE { actor:nexus ?p ?o }")
    assert graph.triples and all(str(s).endswith("/nexus") for s, _, _ in graph.triples)
    with pytest.raises(QueryRefused):
        run_query(store, "DROP ALL")
    assert len(load_graph(endpoint_build[0])) == len(embedded)  # nothing was dropped


@pytest.mark.slow
def test_cli_queries_the_endpoint(
    endpoint_build: tuple[Path, Any], oxigraph: str, tmp_path: Path
) -> None:
    env = {**os.environ, "VEMGORVAD_BUILD": str(tmp_path / "none"), "HF_HUB_OFFLINE": "1"}
    for name in STORE_VARIABLES:
        env.pop(name, None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "vemgorvad.ui.cli",
            "sparql",
            "--endpoint",
            f"{oxigraph}/query",
            "--json",
            "SELECT ?label WHERE { actor:nexus skos:prefLabel ?label }",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    labels = {b["label"]["value"] for b in json.loads(run.stdout)["results"]["bindings"]}
    assert "Nexus" in labels


@pytest.mark.slow
def test_graph_store_protocol_and_a_foreign_build(
    oxigraph: str, built: Path, tmp_path: Path
) -> None:
    config = StoreConfig(
        kind=StoreKind.SPARQL,
        endpoint=f"{oxigraph}/query",
        update_endpoint=f"{oxigraph}/update",
        graph_store=f"{oxigraph}/store",
        graph="https://w3id.org/vemgorvad/id/graph/test-gsp",
    )
    store = SparqlEndpointStore(config)
    fingerprint = read_manifest(built)["fingerprint"]
    with pytest.raises(StoreError, match="holds no graph"):
        store.read(built)
    assert not store.holds({"fingerprint": fingerprint})
    assert store.publish(built, fingerprint)["store"]["graph_store"] == f"{oxigraph}/store"
    assert store.holds({"fingerprint": fingerprint})
    assert set(store.read(built)) == set(EmbeddedStore().read(built))
    # another build's graph is never read as this build's
    store.publish(built, "0123456789abcdef-another-build")
    with pytest.raises(StoreError, match="not from the current build"):
        store.read(built)
    assert len(store.read(None)) > 10_000  # without a build folder: whatever it holds
