"""Plain-text tables for the terminal: what ``vemgorvad refs`` and ``vemgorvad sparql``
print when not asked for JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from vemgorvad.graph.sparql_results import NAMESPACES, QueryResult
from vemgorvad.text import normalize_space
from vemgorvad.ui.views.i18n import say, terminal_language

__all__ = ["query_table", "references_table"]


# --- checked references ------------------------------------------------------------------


def _cell(value: object, width: int) -> str:
    text = "–" if value in (None, "") else normalize_space(str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def references_table(results: Iterable[dict[str, Any]]) -> str:
    """A plain-text table of checked references (worded, as
    :func:`vemgorvad.ui.viewmodels.references.check_file` gives them), the warnings on
    indented lines below each."""
    columns = (
        (say("refs_reference"), 34),
        (say("refs_resolved"), 34),
        (say("refs_in_force"), 10),
        (say("refs_status"), 38),
        (say("refs_cited_in"), 8),
    )
    lines = ["  ".join(name.ljust(width) for name, width in columns).rstrip()]
    total = warned = 0
    for result in results:
        total += 1
        resolved = result["resolved"] or {}
        cells = (
            result["text"],
            resolved.get("label"),
            result["in_force"],
            result["status"],
            f"{result.get('cited_in_count', len(result['cited_in']))}",
        )
        lines.append(
            "  ".join(
                _cell(value, width).ljust(width)
                for value, (_, width) in zip(cells, columns, strict=True)
            ).rstrip()
        )
        warnings = result["warnings_en" if terminal_language() == "en" else "warnings"]
        warned += bool(warnings)
        lines.extend(f"    ! {warning}" for warning in warnings)
    lines.append(say("refs_total", total=total, warned=warned))
    return "\n".join(lines) + "\n"


# --- query results -------------------------------------------------------------------------


def _namespace_manager() -> NamespaceManager:
    manager = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, iri in NAMESPACES.items():
        manager.bind(prefix, iri)
    return manager


def _term(term: Node | None, manager: NamespaceManager, width: int) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = term.n3(manager)
        text = text[1:-1] if text.startswith("<") else text
    elif isinstance(term, Literal):
        text = str(term) + (f"@{term.language}" if term.language else "")
    else:
        text = term.n3()
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def query_table(result: QueryResult, width: int = 80) -> str:
    """A query result as plain text: a table for SELECT, true/false for ASK, Turtle for
    graphs.

    IRIs are shortened with the project's prefixes; cells longer than ``width`` are cut.
    """
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    if result.form != "SELECT":
        turtle: str = result.graph().serialize(format="turtle")
        return turtle
    manager = _namespace_manager()
    header = [f"?{name}" for name in result.variables]
    cells = [[_term(value, manager, width) for value in row] for row in result.rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"
