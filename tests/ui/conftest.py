"""The UI tests' fixtures: the session's build, or a build already made when
``VEMGORVAD_UI_TEST_BUILD`` names its root (a quick rerun of the UI tests alone: the
corpus is not embedded again); and a small corpus with its own build for the tests that
add documents (each gets a copy, never the repository's ``corpus/``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.browser import Visit, chromium_context, running_server
from vemgorvad import settings

SMALL_CORPUS = (
    "sfs_2017-937_instruktion_jamstalldhetsmyndigheten.txt",
    "sfs_2021-995_lansstyrelsernas_arbete_mot_mans_vald.txt",
)
"""The two smallest statutes of the corpus (22 passages): a build of them takes seconds,
and adding a document to it rebuilds as adding one to the whole corpus does."""


@pytest.fixture(scope="session")
def built(request):
    """The suite's build (the root conftest's ``built``, asked for only when needed), or
    the one ``VEMGORVAD_UI_TEST_BUILD`` names, so that a rerun of the UI tests alone
    embeds nothing."""
    root = os.environ.get("VEMGORVAD_UI_TEST_BUILD")
    if root:
        return (Path(root) / "current").resolve()
    return request.getfixturevalue("built")


@pytest.fixture(scope="session")
def server(built) -> Iterator[str]:
    """The real server over the test build, one for every browser test."""
    with running_server(built.parent.parent) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with chromium_context() as context:
        yield context


@pytest.fixture
def visit(server, browser) -> Iterator[Visit]:
    page = Visit(browser, server)
    yield page
    page.close()


@pytest.fixture(scope="session")
def small_build(tmp_path_factory) -> tuple[Path, Path]:
    """A corpus of :data:`SMALL_CORPUS` in a temporary folder and its build: (corpus
    folder, build root)."""
    from vemgorvad.pipeline import build

    root = tmp_path_factory.mktemp("small")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SMALL_CORPUS:
        shutil.copyfile(settings.ROOT / "corpus" / "sfs" / name, corpus / name)
    build(corpus, root / "build")
    return corpus, root / "build"


@pytest.fixture(scope="session")
def small_engine(small_build):
    """The answer engine over :func:`small_build`."""
    from vemgorvad.pipeline import current_build
    from vemgorvad.qa.answer import Engine

    return Engine.load(current_build(small_build[1]))


@pytest.fixture
def small_copy(small_build, small_engine, tmp_path) -> tuple[Path, Path]:
    """A copy of :func:`small_build` (corpus and build) for one test to change."""
    corpus, build_root = small_build
    shutil.copytree(corpus, tmp_path / "corpus")
    shutil.copytree(build_root, tmp_path / "build", symlinks=True)
    return tmp_path / "corpus", tmp_path / "build"


def write_file(path: Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes to ``path``; return it (a file to upload)."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path
