"""What the graph says of a regulation: its citations, what replaced it, its status.

Plain functions over the rdflib graph, shared by the reference checker
(:mod:`vemgorvad.graph.checker`) and the faces' legal table, so that both read a
regulation the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from vemgorvad.vocab import VGV

__all__ = ["Status", "citations", "regulation_status", "replacements"]


def citations(graph: Graph, node: Node) -> list[str]:
    """Every ``vgv:citation`` of a node, the readable ones first: sorted, CELEX numbers last.

    >>> from rdflib import Literal, URIRef
    >>> graph, node = Graph(), URIRef("https://lagen.nu/ext/celex/32011L0036")
    >>> for value in ("CELEX 32011L0036", "direktiv 2011/36/EU"):
    ...     _ = graph.add((node, VGV.citation, Literal(value)))
    >>> citations(graph, node)
    ['direktiv 2011/36/EU', 'CELEX 32011L0036']
    """
    values = sorted(str(value) for value in graph.objects(node, VGV.citation))
    values.sort(key=lambda value: value.startswith("CELEX"))
    return values


def replacements(graph: Graph, node: Node) -> list[Node]:
    """What replaced a regulation (``dcterms:isReplacedBy``, or ``dcterms:replaces`` it),
    in IRI order."""
    newer = set(graph.objects(node, DCTERMS.isReplacedBy))
    newer |= set(graph.subjects(DCTERMS.replaces, node))
    return sorted(newer, key=str)


@dataclass(frozen=True)
class Status:
    """A regulation's status on a day.

    Attributes:
        state: "replaced", "not yet in force", "in force" or "unknown" (no date to judge by).
        replaced: what was replaced: the regulation itself, or the act it is part of.
        newer: what replaced it, in IRI order.
    """

    state: str
    replaced: Node | None = None
    newer: tuple[Node, ...] = ()


def regulation_status(
    graph: Graph, node: Node, act: Node | None, in_force: str | None, today: str
) -> Status:
    """Whether a regulation (or the act it is part of) has been replaced, else whether
    its date of entry into force has come.

    Args:
        graph: the knowledge graph.
        node: the regulation or provision.
        act: the act it is part of (None, or the node itself, for a whole act).
        in_force: the ISO date (or year) it entered into force, as a source says; None
            when nothing does.
        today: the ISO date the status is judged on.
    """
    replaced = node if replacements(graph, node) else act
    newer = replacements(graph, replaced) if replaced is not None else []
    if newer:
        return Status("replaced", replaced, tuple(newer))
    if in_force is None:
        return Status("unknown")
    if len(in_force) == 10 and in_force > today:
        return Status("not yet in force")
    return Status("in force")
