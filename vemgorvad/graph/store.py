"""Where the built graph is kept: the build folder (embedded) or a SPARQL 1.1 endpoint.

A build always writes ``graph.nt`` into its folder (the index needs a build folder
anyway). With the ``sparql`` store it then :meth:`~GraphStore.publish`\\ es the graph: it
replaces one named graph on the endpoint, atomically — one Graph Store HTTP Protocol
``PUT``, or one SPARQL Update request ``DROP SILENT GRAPH …; INSERT DATA …`` — together
with one triple that names the build it came from::

    <https://w3id.org/vemgorvad/id/graph/current> dcterms:identifier "<build fingerprint>" .

Reading (:meth:`~GraphStore.read`) fetches that named graph back into an in-memory rdflib
graph — the answer engine reads everything into Python objects anyway, so answers are
the same as from the embedded store — and refuses a graph whose fingerprint is not the
build's, so that graph and index never come from different builds. ``vemgorvad sparql``
queries run on the endpoint itself (:meth:`SparqlEndpointStore.query`), read-only.

The kinds and their settings are in :mod:`vemgorvad.graph.store_config`, the choice of
class in :mod:`vemgorvad.graph.store_factory`. HTTP goes through the standard library's
``urllib``; rdflib's ``SPARQLStore`` was not used for it because it hides the endpoint's
error message (``ValueError: You did something wrong …``) and takes no timeout.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit

from vemgorvad.graph.store_config import (
    StoreConfig,
    StoreConfigError,
    StoreKind,
)

if TYPE_CHECKING:
    from urllib.request import OpenerDirector

    from rdflib import Graph

logger = logging.getLogger(__name__)

GRAPH_FILE = "graph.nt"
"""The graph's file in a build folder."""

NTRIPLES = "application/n-triples"
SPARQL_RESULTS_JSON = "application/sparql-results+json"

IDENTIFIER = "http://purl.org/dc/terms/identifier"
"""The predicate of the triple that names the build a named graph came from."""

GRAPH_FORMATS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
}
"""rdflib parser for each RDF media type an endpoint may answer a graph request with."""


class StoreError(OSError):
    """The graph store cannot be used: unreachable, refusing, empty or from another build."""


class EndpointError(StoreError):
    """The endpoint answered with an HTTP error (its message is kept)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class GraphStore(Protocol):
    """What a graph store does for the pipeline, the answer engine and the command line."""

    config: StoreConfig

    def publish(self, build_path: Path, fingerprint: str) -> dict[str, Any]:
        """Make the graph in ``build_path/graph.nt`` the store's graph.

        Returns:
            Entries for the build's manifest (none for the embedded store).
        """
        ...

    def holds(self, manifest: Mapping[str, Any]) -> bool:
        """Whether the store holds the graph of the build with this manifest."""
        ...

    def read(self, build_path: Path | None) -> Graph:
        """The graph of a build (``None``: whatever the store holds, if it can say)."""
        ...

    def queryable(self, build_path: Path | None) -> Graph | SparqlEndpointStore:
        """What ``vemgorvad sparql`` runs queries on."""
        ...


def _bind_prefixes(graph: Graph) -> Graph:
    from vemgorvad.vocab import PREFIXES

    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _fingerprint(build_path: Path) -> str:
    manifest = json.loads((build_path / "manifest.json").read_text(encoding="utf-8"))
    return str(manifest.get("fingerprint", ""))


class EmbeddedStore:
    """The graph as ``graph.nt`` in the build folder, read into an in-memory rdflib graph."""

    def __init__(self, config: StoreConfig | None = None) -> None:
        self.config = config or StoreConfig()

    def publish(self, build_path: Path, fingerprint: str) -> dict[str, Any]:
        """Nothing to do: the build already wrote ``graph.nt``."""
        return {}

    def holds(self, manifest: Mapping[str, Any]) -> bool:
        """Always: the graph is in the build folder."""
        return True

    def read(self, build_path: Path | None) -> Graph:
        """Parse the build's ``graph.nt``, with the project's prefixes bound.

        Raises:
            FileNotFoundError: no build (``build_path`` is None) or no graph file in it.
        """
        from rdflib import Graph

        if build_path is None:
            raise FileNotFoundError("nothing is built yet: run `vemgorvad build` first")
        graph = Graph()
        graph.parse(build_path / GRAPH_FILE, format="nt")
        return _bind_prefixes(graph)

    def queryable(self, build_path: Path | None) -> Graph:
        """The build's graph, queried in this process by rdflib."""
        return self.read(build_path)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SparqlEndpointStore:
    """One named graph on a SPARQL 1.1 endpoint (see the module's documentation)."""

    def __init__(self, config: StoreConfig) -> None:
        if config.kind is not StoreKind.SPARQL or not config.endpoint:
            raise StoreConfigError("a SPARQL endpoint store needs kind sparql and an endpoint")
        from urllib.request import ProxyHandler, build_opener  # not needed by the embedded store

        self.config = config
        self.graph_iri = config.graph
        # A proxy from the environment is for the outside world; a local engine is asked directly.
        self._direct: OpenerDirector = build_opener(ProxyHandler({}))
        self._default: OpenerDirector = build_opener()

    # --- HTTP ------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """Send one request; returns the response's media type and body.

        Raises:
            EndpointError: the endpoint answered with an error status.
            StoreError: the endpoint could not be reached in time.
        """
        from urllib.request import Request

        all_headers = dict(headers or {})
        if self.config.auth:
            token = base64.b64encode(":".join(self.config.auth).encode()).decode()
            all_headers["Authorization"] = f"Basic {token}"
        request = Request(url, data=data, headers=all_headers, method=method)
        opener = self._direct if _is_loopback(url) else self._default
        try:
            with opener.open(request, timeout=timeout or self.config.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except HTTPError as error:
            body = error.read().decode("utf-8", "replace").strip()
            detail = " ".join(body.split())[:300] or error.reason
            raise EndpointError(
                f"{self._where(url)} answered {error.code}: {detail}", error.code
            ) from error
        except (URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise StoreError(
                f"cannot reach the SPARQL endpoint {self._where(url)}: {reason}"
            ) from error

    @staticmethod
    def _where(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"

    def _graph_store_url(self) -> str:
        base = self.config.graph_store or ""
        return base + ("&" if "?" in base else "?") + urlencode({"graph": self.graph_iri})

    def query(
        self,
        text: str,
        accept: str,
        *,
        default_graph: bool = True,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """Run a query on the endpoint (SPARQL 1.1 Protocol, query by POST).

        Args:
            text: the query.
            accept: the result media types to ask for.
            default_graph: make the build's named graph the query's default graph
                (``default-graph-uri``), so that queries need no ``GRAPH`` clause.
            timeout: seconds to wait (default: the store's).

        Returns:
            The media type and body of the answer.
        """
        endpoint = self.config.endpoint or ""
        if default_graph:
            endpoint += ("&" if "?" in endpoint else "?") + urlencode(
                {"default-graph-uri": self.graph_iri}
            )
        return self._request(
            "POST",
            endpoint,
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept},
            timeout=timeout,
        )

    def _update(self, body: bytes) -> None:
        self._request(
            "POST",
            self.config.update_endpoint or self.config.endpoint or "",
            data=body,
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # --- the store -------------------------------------------------------------------

    def _marker(self, fingerprint: str) -> bytes:
        from rdflib import Literal

        return f"<{self.graph_iri}> <{IDENTIFIER}> {Literal(fingerprint).n3()} .\n".encode()

    def publish(self, build_path: Path, fingerprint: str) -> dict[str, Any]:
        """Replace the named graph with the build's ``graph.nt``, in one request.

        Returns:
            ``{"store": …}``: the endpoint and graph, for the build's manifest.

        Raises:
            StoreError: the endpoint could not be reached or refused the graph.
        """
        triples = (build_path / GRAPH_FILE).read_bytes()
        if triples and not triples.endswith(b"\n"):
            triples += b"\n"
        triples += self._marker(fingerprint)
        if self.config.graph_store:
            self._request(
                "PUT",
                self._graph_store_url(),
                data=triples,
                headers={"Content-Type": NTRIPLES},
            )
        else:
            graph = f"<{self.graph_iri}>".encode()
            self._update(
                b"DROP SILENT GRAPH "
                + graph
                + b" ;\nINSERT DATA { GRAPH "
                + graph
                + b" {\n"
                + triples
                + b"} }\n"
            )
        logger.info(
            "published %s to <%s> at %s", build_path.name, self.graph_iri, self.config.endpoint
        )
        return {"store": self.config.describe()}

    def holds(self, manifest: Mapping[str, Any]) -> bool:
        """Whether the named graph is the one of the build with this manifest (one ASK).

        Raises:
            StoreError: the endpoint could not be reached.
        """
        from rdflib import Literal

        fingerprint = Literal(str(manifest.get("fingerprint", ""))).n3()
        ask = f"ASK {{ GRAPH <{self.graph_iri}> {{ <{self.graph_iri}> <{IDENTIFIER}> {fingerprint} }} }}"
        _, body = self.query(ask, SPARQL_RESULTS_JSON, default_graph=False)
        try:
            return bool(json.loads(body)["boolean"])
        except (ValueError, KeyError) as error:
            raise StoreError(
                f"{self.config.endpoint} gave no ASK answer: {body[:200]!r}"
            ) from error

    def read(self, build_path: Path | None) -> Graph:
        """Fetch the named graph into an in-memory rdflib graph, without the build triple.

        Args:
            build_path: the build whose graph is wanted; None takes whatever graph the
                endpoint holds (``vemgorvad export`` on a machine without a build).

        Raises:
            StoreError: unreachable, no such graph, or the graph of another build.
        """
        from rdflib import Graph, URIRef

        if self.config.graph_store:
            try:
                media, body = self._request(
                    "GET", self._graph_store_url(), headers={"Accept": NTRIPLES}
                )
            except EndpointError as error:
                if error.status != 404:
                    raise
                media, body = NTRIPLES, b""
        else:
            construct = (
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{self.graph_iri}> {{ ?s ?p ?o }} }}"
            )
            media, body = self.query(construct, NTRIPLES, default_graph=False)
        graph = Graph()
        graph.parse(data=body, format=GRAPH_FORMATS.get(media, "nt"))
        node = URIRef(self.graph_iri)
        found = {str(value) for value in graph.objects(node, URIRef(IDENTIFIER))}
        graph.remove((node, None, None))
        if not len(graph):
            raise StoreError(
                f"the SPARQL endpoint {self.config.endpoint} holds no graph <{self.graph_iri}>: "
                "run `vemgorvad build --store sparql --endpoint …` first"
            )
        if build_path is not None:
            expected = _fingerprint(build_path)
            if expected not in found:
                held = ", ".join(sorted(f[:16] for f in found)) or "an unknown build"
                raise StoreError(
                    f"the graph <{self.graph_iri}> at {self.config.endpoint} is from build "
                    f"{held}, not from the current build {expected[:16]}: "
                    "run `vemgorvad build --store sparql --endpoint …`"
                )
        logger.info(
            "read %d triples from <%s> at %s", len(graph), self.graph_iri, self.config.endpoint
        )
        return _bind_prefixes(graph)

    def queryable(self, build_path: Path | None) -> SparqlEndpointStore:
        """The endpoint itself: queries run there, on the named graph."""
        return self
