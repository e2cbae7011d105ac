"""What a SPARQL query answers: :class:`QueryResult`, and its SPARQL 1.1 JSON.

A SELECT's rows, an ASK's answer or a CONSTRUCT's or DESCRIBE's triples, read from an
endpoint's SPARQL 1.1 Query Results JSON (:func:`parse_json_results`) and written back
as such (:meth:`QueryResult.to_json`; a graph as JSON-LD with the project's prefixes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from vemgorvad.vocab import PREFIXES

__all__ = ["NAMESPACES", "QueryResult", "parse_json_results"]

NAMESPACES: dict[str, str] = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
}
"""Prefixes a query may use without declaring them."""


@dataclass
class QueryResult:
    """The answer to one query.

    Attributes:
        form: SELECT, ASK, CONSTRUCT or DESCRIBE.
        variables: the SELECT's variables, in order.
        rows: the SELECT's rows (None where a variable is unbound).
        boolean: the ASK's answer.
        triples: the CONSTRUCT's or DESCRIBE's triples.
        truncated: rows or triples were cut at the limit.
        seconds: how long the query took.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0

    def __len__(self) -> int:
        if self.form == "SELECT":
            return len(self.rows)
        if self.form == "ASK":
            return 1
        return len(self.triples)

    def graph(self) -> Graph:
        """A CONSTRUCT's or DESCRIBE's triples as a graph, with the project's prefixes."""
        graph = Graph(bind_namespaces="core")
        for prefix, namespace in NAMESPACES.items():
            graph.bind(prefix, namespace)
        for triple in self.triples:
            graph.add(triple)
        return graph

    def to_json(self) -> dict[str, Any]:
        """SPARQL 1.1 Query Results JSON of a SELECT or ASK (a graph result: JSON-LD).

        >>> QueryResult("ASK", boolean=True).to_json()
        {'head': {}, 'boolean': True}
        """
        if self.form == "ASK":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.form == "SELECT":
            bindings = [
                {
                    name: _term_json(value)
                    for name, value in zip(self.variables, row, strict=True)
                    if value is not None
                }
                for row in self.rows
            ]
            return {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        data: Any = json.loads(
            self.graph().serialize(format="json-ld", context=_context(self.graph()))
        )
        return data


def parse_json_results(body: bytes) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Variables and rows of a SPARQL 1.1 JSON result."""
    data = json.loads(body)
    variables = [str(v) for v in data.get("head", {}).get("vars", [])]
    rows = [
        tuple(_json_term(binding.get(name)) for name in variables)
        for binding in data.get("results", {}).get("bindings", [])
    ]
    return variables, rows


def _json_term(value: Mapping[str, str] | None) -> Node | None:
    if value is None:
        return None
    kind = value.get("type")
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    datatype = value.get("datatype")
    return Literal(
        value["value"], lang=value.get("xml:lang"), datatype=URIRef(datatype) if datatype else None
    )


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}



def _context(graph: Graph) -> dict[str, str]:
    """The prefixes of the project a graph result uses: its JSON-LD context."""
    used = {str(p) for p in graph.predicates()} | {str(t) for t in graph.subjects()}
    used |= {str(o) for o in graph.objects() if isinstance(o, URIRef)}
    return {
        prefix: iri for prefix, iri in NAMESPACES.items() if any(u.startswith(iri) for u in used)
    }
