"""Which graph store a build writes to and the answers read from, and its settings.

Two kinds (:class:`StoreKind`):

* ``embedded`` (the default): the graph lives in the build folder as ``graph.nt`` and is
  read into an in-memory rdflib graph;
* ``sparql``: the build also replaces one named graph on a SPARQL 1.1 endpoint (Oxigraph,
  Fuseki, GraphDB …), and the answers read the graph back from there, so that several
  installations — or other tools — share one engine.

The settings come from environment variables, so that the command line, the Gradio app
and the tests configure the same code in the same way:

* ``VEMGORVAD_STORE``: ``embedded`` or ``sparql`` (default ``embedded``; ``sparql`` when
  only an endpoint is given);
* ``VEMGORVAD_ENDPOINT``: the SPARQL query endpoint, e.g. ``http://127.0.0.1:7878/query``;
* ``VEMGORVAD_UPDATE_ENDPOINT``: the SPARQL update endpoint (default: derived from the
  query endpoint, see :func:`derive_update_endpoint`);
* ``VEMGORVAD_GRAPH_STORE``: a SPARQL 1.1 Graph Store HTTP Protocol endpoint (Oxigraph
  ``…/store``, Fuseki ``…/<dataset>/data``); when given, the graph is written with one
  ``PUT`` and read with one ``GET``, otherwise with SPARQL Update and ``CONSTRUCT``;
* ``VEMGORVAD_GRAPH``: the named graph's IRI (default :data:`DEFAULT_GRAPH`);
* ``VEMGORVAD_ENDPOINT_AUTH``: ``user:password`` for HTTP basic authentication (an
  environment variable only, so that it never shows in a process list).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

DEFAULT_GRAPH = "https://w3id.org/vemgorvad/id/graph/current"
"""The named graph a build replaces on a SPARQL endpoint."""

_NOT_IN_IRI = frozenset('<>"{}|^`\\ \t\n\r')

HTTP_TIMEOUT = 120.0
"""Seconds to wait for an endpoint while writing or reading the whole graph (~18k triples
take 1.5–2.6 s to write to Oxigraph on the shared 2-core machine, 0.2 s to read)."""

ENVIRONMENT = {
    "store": "VEMGORVAD_STORE",
    "endpoint": "VEMGORVAD_ENDPOINT",
    "update_endpoint": "VEMGORVAD_UPDATE_ENDPOINT",
    "graph_store": "VEMGORVAD_GRAPH_STORE",
    "graph": "VEMGORVAD_GRAPH",
    "auth": "VEMGORVAD_ENDPOINT_AUTH",
}
"""The environment variable of each setting."""


class StoreKind(StrEnum):
    """The kinds of graph store."""

    EMBEDDED = "embedded"
    SPARQL = "sparql"


class StoreConfigError(ValueError):
    """Settings that name no usable store (an unknown kind, a missing or bad URL)."""


@dataclass(frozen=True)
class StoreConfig:
    """The settings of one graph store.

    Attributes:
        kind: embedded or a SPARQL endpoint.
        endpoint: the SPARQL query endpoint (``sparql`` only).
        update_endpoint: the SPARQL update endpoint (``sparql`` only).
        graph_store: the Graph Store HTTP Protocol endpoint, if the engine has one to use.
        graph: the IRI of the named graph that holds the build's graph.
        auth: user and password for HTTP basic authentication, if the endpoint needs it.
        timeout: seconds to wait for the endpoint when writing or reading the graph.
    """

    kind: StoreKind = StoreKind.EMBEDDED
    endpoint: str | None = None
    update_endpoint: str | None = None
    graph_store: str | None = None
    graph: str = DEFAULT_GRAPH
    auth: tuple[str, str] | None = None
    timeout: float = HTTP_TIMEOUT

    def __post_init__(self) -> None:
        if self.kind is StoreKind.SPARQL and not self.endpoint:
            raise StoreConfigError(
                "the sparql store needs an endpoint: give --endpoint URL or set VEMGORVAD_ENDPOINT"
            )
        for name in ("endpoint", "update_endpoint", "graph_store"):
            value = getattr(self, name)
            if value is not None and urlsplit(value).scheme not in ("http", "https"):
                raise StoreConfigError(
                    f"{name.replace('_', ' ')} must be an http(s) URL: {value!r}"
                )
        if not urlsplit(self.graph).scheme or any(c in _NOT_IN_IRI for c in self.graph):
            raise StoreConfigError(f"the graph must be an absolute IRI: {self.graph!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StoreConfig:
        """The store the environment names (see the module's documentation).

        Raises:
            StoreConfigError: an unknown kind, or a sparql store without an endpoint.

        >>> StoreConfig.from_env({}).kind
        <StoreKind.EMBEDDED: 'embedded'>
        >>> config = StoreConfig.from_env({"VEMGORVAD_ENDPOINT": "http://localhost:7878/query"})
        >>> config.kind.value, config.update_endpoint
        ('sparql', 'http://localhost:7878/update')
        """
        env = os.environ if environ is None else environ
        value = {name: (env.get(var) or "").strip() or None for name, var in ENVIRONMENT.items()}
        kind_name = (value["store"] or ("sparql" if value["endpoint"] else "embedded")).lower()
        try:
            kind = StoreKind(kind_name)
        except ValueError:
            known = ", ".join(k.value for k in StoreKind)
            raise StoreConfigError(f"unknown store {kind_name!r} (known: {known})") from None
        if kind is StoreKind.EMBEDDED:
            return cls()
        auth = None
        if value["auth"]:
            user, _, password = value["auth"].partition(":")
            auth = (user, password)
        endpoint = value["endpoint"]
        return cls(
            kind=kind,
            endpoint=endpoint,
            update_endpoint=value["update_endpoint"] or derive_update_endpoint(endpoint or ""),
            graph_store=value["graph_store"],
            graph=value["graph"] or DEFAULT_GRAPH,
            auth=auth,
        )

    def describe(self) -> dict[str, str]:
        """Where the graph is, for a manifest or a log line (no credentials)."""
        if self.kind is StoreKind.EMBEDDED:
            return {"kind": self.kind.value}
        out = {"kind": self.kind.value, "endpoint": self.endpoint or "", "graph": self.graph}
        if self.graph_store:
            out["graph_store"] = self.graph_store
        return out


def derive_update_endpoint(query_endpoint: str) -> str:
    """The usual update endpoint beside a query endpoint.

    Oxigraph and Fuseki answer queries at ``…/query`` (Fuseki also ``…/sparql``) and
    updates at ``…/update``; GraphDB (RDF4J) answers queries at ``…/repositories/<id>``
    and updates at ``…/repositories/<id>/statements``. Other engines take both at one URL.

    >>> derive_update_endpoint("http://localhost:3030/vemgorvad/query")
    'http://localhost:3030/vemgorvad/update'
    >>> derive_update_endpoint("http://localhost:7200/repositories/vemgorvad")
    'http://localhost:7200/repositories/vemgorvad/statements'
    """
    url = query_endpoint.rstrip("/")
    for suffix in ("/query", "/sparql"):
        if url.endswith(suffix):
            return url[: -len(suffix)] + "/update"
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "repositories":
        return url + "/statements"
    return query_endpoint
