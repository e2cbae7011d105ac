"""The reference checker's results as every face shows them: each message worded.

:mod:`vemgorvad.graph.checker` gives a problem as a message key with its values; here
each result gets ``warnings`` (Swedish sentences) and ``warnings_en`` (the same in
English) from the locale files, which is what ``vemgorvad refs --json`` prints and the
Lagrum view shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph

from vemgorvad.corpus.load import read_text
from vemgorvad.graph import checker
from vemgorvad.ui.views.i18n import warning

__all__ = ["check_file", "check_text", "worded"]


def worded(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Checked references with their messages as sentences: ``warnings`` in Swedish and
    ``warnings_en`` in English, one for each message, in order."""
    return [
        {
            **result,
            "warnings": [warning("sv", message) for message in result["warnings"]],
            "warnings_en": [warning("en", message) for message in result["warnings"]],
        }
        for result in results
    ]


def check_text(text: str, kg_graph: Graph, base: str | None = None) -> list[dict[str, Any]]:
    """:func:`vemgorvad.graph.checker.check_text`, worded (see :func:`worded`)."""
    return worded(checker.check_text(text, kg_graph, base))


def check_file(path: Path, kg_graph: Graph, base: str | None = None) -> list[dict[str, Any]]:
    """:func:`check_text` of a file; a statute's own SFS number is the default base.

    Raises:
        vemgorvad.corpus.load.DocumentError: the file is missing, unreadable or of
            another type.
    """
    text, sfs = read_text(path)
    return check_text(text, kg_graph, base or sfs)
