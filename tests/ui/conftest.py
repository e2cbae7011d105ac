"""The UI tests' fixtures: the session's build, or a build already made when
``VEMGORVAD_UI_TEST_BUILD`` names its root (a quick rerun of the UI tests alone: the
corpus is not embedded again)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui.browser import Visit, chromium_context, running_server


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
