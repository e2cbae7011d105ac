"""The built graph in formats other tools open: Turtle, JSON-LD, GraphML and CSV.

* ``ttl`` and ``jsonld``: the whole graph, with the project's prefixes (JSON-LD with a
  compact ``@context`` of the prefixes the graph uses);
* ``graphml``: the actor network for Gephi, yEd or Cytoscape — actors, regulations and
  target groups as nodes (provisions only where a link reaches them), relationships and
  duty links as edges with their relation, fact and source passage; every attribute a
  string, none missing;
* ``csv``: one row per fact, UTF-8 with a byte order mark and ``;`` between fields, so
  that Excel with Swedish settings opens it in columns with å, ä and ö intact.

Every format is written as bytes to a binary stream by :func:`export_graph`.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from vemgorvad.graph.model import Entity, Fact, KnowledgeGraph
from vemgorvad.vocab import PREFIXES

logger = logging.getLogger(__name__)

FORMATS = ("ttl", "jsonld", "graphml", "csv")

SUFFIXES = {
    ".ttl": "ttl",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".graphml": "graphml",
    ".csv": "csv",
}
"""The format a file name's suffix stands for."""

NETWORK_KINDS = ("actor", "law", "group")
"""Entity kinds that are always nodes of the exported network; provisions join when linked."""

CSV_COLUMNS = (
    "fact",
    "kind",
    "subject",
    "relation",
    "object",
    "statement",
    "laws",
    "target_groups",
    "since",
    "passage",
    "quote",
    "extracted",
)

CSV_DELIMITER = ";"
"""Excel with Swedish (and most European) regional settings splits CSV on semicolons."""

LIST_SEPARATOR = " | "
"""Between several laws or target groups in one CSV cell."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """An unknown format."""


def format_for(path: str | Path) -> str | None:
    """The format a file name implies, if any.

    >>> format_for("natverk.graphml"), format_for("x.txt")
    ('graphml', None)
    """
    return SUFFIXES.get(Path(path).suffix.lower())


def jsonld_context(graph: Graph) -> dict[str, str]:
    """A compact JSON-LD ``@context``: the project's prefixes and every other prefix bound
    to the graph that some IRI of it uses."""
    candidates = {prefix: str(namespace) for prefix, namespace in graph.namespaces() if prefix}
    candidates.update({prefix: str(namespace) for prefix, namespace in PREFIXES.items()})
    iris = {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
    used = {
        prefix: namespace
        for prefix, namespace in candidates.items()
        if prefix in PREFIXES or any(iri.startswith(namespace) for iri in iris)
    }
    return dict(sorted(used.items()))


# --- the actor network -----------------------------------------------------------------


def _text(value: object) -> str:
    """A GraphML-safe string: never None, no characters XML 1.0 forbids."""
    return _NOT_XML.sub(" ", "" if value is None else str(value))


def _node_attributes(entity: Entity) -> dict[str, str]:
    return {
        "label": _text(entity.label),
        "kind": entity.kind,
        "category": _text(entity.category),
        "label_en": _text(entity.label_en),
        "citation": _text(entity.citation),
        "iri": entity.iri,
        "extracted": "true" if entity.extracted else "false",
    }


def _edge_attributes(fact: Fact | None, relation: str) -> dict[str, str]:
    return {
        "relation": relation,
        "fact": fact.iri if fact else "",
        "kind": fact.kind if fact else "hierarchy",
        "statement": _text(fact.statement if fact else ""),
        "passage": _text(fact.passage_id if fact else ""),
        "quote": _text(fact.quote if fact else ""),
        "since": _text(fact.since if fact else ""),
    }


def actor_network(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The actor network: who relates to whom, who has duties under which law, for whom.

    Nodes are keyed by IRI; edges by ``e0``, ``e1`` … (ids unique in the whole file, as
    Gephi wants them). A duty gives one edge to each law (``hasDutyUnder``) and target
    group (``serves``); a relationship one edge to each object (``partOf``, ``funds`` …);
    ``skos:broader`` between two entities a ``broader`` edge.
    """
    network = nx.MultiDiGraph(name="Vem gör vad: aktörsnätverk")
    for node in sorted(kg.entities.values(), key=lambda e: e.iri):
        if node.kind in NETWORK_KINDS:
            network.add_node(node.iri, **_node_attributes(node))
    links: list[tuple[str, str, Fact | None, str]] = []
    for fact in sorted(kg.facts.values(), key=lambda f: f.iri):
        if fact.kind == "relationship":
            links += [(fact.subject, target, fact, fact.relation) for target in fact.objects]
        elif fact.kind == "duty":
            links += [(fact.subject, law, fact, "hasDutyUnder") for law in fact.laws]
            links += [(fact.subject, group, fact, "serves") for group in fact.groups]
    for child, parent in sorted(kg.graph.subject_objects(SKOS.broader)):
        links.append((str(child), str(parent), None, "broader"))
    for source, target, link_fact, relation in links:
        ends = [kg.entities.get(source), kg.entities.get(target)]
        known = [end for end in ends if end is not None]
        if len(known) < 2:
            continue  # a link to something that is no actor, regulation or group
        for end in known:
            if end.iri not in network:
                network.add_node(end.iri, **_node_attributes(end))
        key = f"e{network.number_of_edges()}"
        network.add_edge(source, target, key=key, **_edge_attributes(link_fact, relation))
    return network


# --- facts as rows -----------------------------------------------------------------------


def _label(kg: KnowledgeGraph, iri: str) -> str:
    entity = kg.entities.get(iri)
    return entity.label if entity else iri.rsplit("/", 1)[-1]


def _cell(value: str) -> str:
    """A CSV cell Excel shows as text: a leading ``=``, ``+``, ``-`` or ``@`` would make it a
    formula, so such a cell gets an apostrophe in front (as OWASP advises)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def fact_rows(kg: KnowledgeGraph) -> Iterator[dict[str, str]]:
    """One row per fact, keyed by :data:`CSV_COLUMNS`, in IRI order."""
    for fact in sorted(kg.facts.values(), key=lambda f: f.iri):
        row = {
            "fact": fact.iri,
            "kind": fact.kind,
            "subject": _label(kg, fact.subject),
            "relation": fact.relation,
            "object": LIST_SEPARATOR.join(_label(kg, o) for o in fact.objects),
            "statement": fact.statement,
            "laws": LIST_SEPARATOR.join(_label(kg, law) for law in fact.laws),
            "target_groups": LIST_SEPARATOR.join(_label(kg, g) for g in fact.groups),
            "since": fact.since or "",
            "passage": fact.passage_id or "",
            "quote": fact.quote,
            "extracted": "true" if fact.extracted else "false",
        }
        yield {column: _cell(value) for column, value in row.items()}


# --- writing -----------------------------------------------------------------------------


def export_graph(graph: Graph, fmt: str, out: IO[bytes], *, delimiter: str = CSV_DELIMITER) -> None:
    """Write the graph in one of :data:`FORMATS` to a binary stream.

    Args:
        graph: the built graph (as :func:`vemgorvad.pipeline.load_graph` gives it).
        fmt: ``ttl``, ``jsonld``, ``graphml`` or ``csv``.
        out: where to write the bytes (a file opened ``"wb"``, ``sys.stdout.buffer``).
        delimiter: the CSV field separator.

    Raises:
        ExportError: an unknown format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt in ("ttl", "jsonld"):
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
    if fmt == "ttl":
        out.write(graph.serialize(format="turtle", encoding="utf-8"))
    elif fmt == "jsonld":
        out.write(
            graph.serialize(
                format="json-ld", context=jsonld_context(graph), indent=2, encoding="utf-8"
            )
        )
    elif fmt == "graphml":
        network = actor_network(KnowledgeGraph(graph))
        nx.write_graphml(network, out, encoding="utf-8", prettyprint=True)
    else:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
        try:
            writer = csv.DictWriter(text, fieldnames=CSV_COLUMNS, delimiter=delimiter)
            writer.writeheader()
            writer.writerows(fact_rows(KnowledgeGraph(graph)))
            text.flush()
        finally:
            text.detach()  # leave the caller's stream open
    logger.info("exported the graph as %s", fmt)
