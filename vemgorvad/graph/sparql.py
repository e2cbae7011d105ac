"""Read-only SPARQL over the built graph, with a result limit and a timeout.

:func:`run_query` runs a SELECT, ASK, CONSTRUCT or DESCRIBE query on the embedded graph
(rdflib) or on the SPARQL endpoint of the ``sparql`` store, and refuses everything else
before it runs:

* SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY);
* ``SERVICE`` clauses and ``FROM``/``FROM NAMED`` — rdflib would fetch their IRIs from
  the web, and nothing leaves the machine.

The query runs in a forked worker process that is killed when the timeout passes, so a
runaway query (a cross join of every triple with every other) cannot hang the caller.
A SELECT without a ``LIMIT`` of its own gets one (one more than the limit, to know whether
rows were cut); graph results are cut to ``limit`` triples. What a query answers, and
its JSON, is :mod:`vemgorvad.graph.sparql_results`.

>>> from rdflib import Graph, Literal, URIRef
>>> graph = Graph()
>>> _ = graph.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
>>> result = run_query(graph, "SELECT ?o WHERE { ?s ?p ?o }", timeout=None)
>>> result.variables, [str(row[0]) for row in result.rows]
(['o'], ['x'])
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from vemgorvad.graph.sparql_results import NAMESPACES, QueryResult, parse_json_results

if TYPE_CHECKING:
    from vemgorvad.graph.store import SparqlEndpointStore

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_TIMEOUT",
    "NAMESPACES",
    "QueryError",
    "QueryRefused",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeout",
    "check_query",
    "run_query",
]

DEFAULT_LIMIT = 1000
"""Rows (or triples) returned at most unless the caller asks for more."""

DEFAULT_TIMEOUT = 10.0
"""Seconds a query may run."""

FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}

UPDATE_OPERATIONS = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}

_UPDATE_KEYWORD = re.compile(
    r"^(?:\s|#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)

READ_ONLY = "only SELECT, ASK, CONSTRUCT and DESCRIBE run here"


class QueryError(Exception):
    """A query that could not be run; the message is one line for a user."""


class QueryRefused(QueryError):
    """A query that is not allowed: an update, a SERVICE clause, a FROM clause."""


class QuerySyntaxError(QueryError):
    """A query that does not parse; the message gives line and column."""


class QueryTimeout(QueryError):
    """A query that ran longer than its timeout and was stopped."""




# --- checking ------------------------------------------------------------------------


def _part(node: CompValue, key: str) -> Any:
    """A part of a parse tree node, or None (``CompValue.get`` returns the key itself)."""
    return node[key] if key in node else None  # noqa: SIM401 (see above)


def _walk(node: object) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for item in node:  # type: ignore[attr-defined]
            yield from _walk(item)


def _syntax_error(text: str, error: Exception) -> QuerySyntaxError:
    line = getattr(error, "lineno", None)
    column = getattr(error, "col", None)
    message = getattr(error, "msg", None) or str(error)
    where = f" at line {line}, column {column}" if line is not None else ""
    position = getattr(error, "loc", None)
    near = ""
    if isinstance(position, int) and position < len(text):
        near = " near " + repr(" ".join(text[position : position + 25].split()))
    return QuerySyntaxError(f"syntax error{where}{near}: {message}")


def check_query(text: str) -> tuple[str, CompValue]:
    """Parse a query and refuse what must not run.

    Returns:
        The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE) and its parse tree.

    Raises:
        QueryRefused: an update, a SERVICE clause or a FROM clause.
        QuerySyntaxError: the text is no SPARQL query (with line and column).

    >>> check_query("ASK { ?s ?p ?o }")[0]
    'ASK'
    >>> check_query("DROP ALL")
    Traceback (most recent call last):
    ...
    vemgorvad.graph.sparql.QueryRefused: DROP is an update: only SELECT, ASK, CONSTRUCT and DESCRIBE run here
    """
    if not text.strip():
        raise QuerySyntaxError("the query is empty")
    try:
        parsed = parseQuery(text)
    except Exception as error:
        try:
            update = parseUpdate(text)
        except Exception:
            keyword = _UPDATE_KEYWORD.match(text)
            if keyword:
                raise QueryRefused(
                    f"{keyword.group(1).upper()} is an update: {READ_ONLY}"
                ) from None
            raise _syntax_error(text, error) from None
        names = [op.name for op in _part(update, "request") or [] if isinstance(op, CompValue)]
        operations = ", ".join(dict.fromkeys(UPDATE_OPERATIONS.get(n, n) for n in names))
        raise QueryRefused(f"{operations or 'this'} is an update: {READ_ONLY}") from None
    query = parsed[1]
    form = FORMS.get(query.name)
    if form is None:
        raise QueryRefused(f"{query.name} is not a query: {READ_ONLY}")
    for node in _walk(query):
        if node.name == "ServiceGraphPattern":
            raise QueryRefused(
                f"SERVICE <{_part(node, 'term')}> is refused: queries run on this graph only, "
                "nothing is fetched from elsewhere"
            )
    if _part(query, "datasetClause"):
        raise QueryRefused(
            "FROM and FROM NAMED are refused: queries run on the project's graph, "
            "nothing is fetched from elsewhere"
        )
    try:  # unknown prefixes, a variable bound twice …: the same message for every store
        translateQuery(parseQuery(text), initNs=NAMESPACES)
    except Exception as error:
        raise QuerySyntaxError(" ".join(str(error).split()) or type(error).__name__) from None
    return form, query


def _declared_prefixes(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"PREFIX\s+([^\s:]*):", text, re.IGNORECASE)}


def _with_limit(text: str, form: str, query: CompValue, limit: int | None) -> str:
    """The query with ``LIMIT limit+1`` appended when it is a SELECT with no LIMIT and no
    trailing VALUES (where a LIMIT could not simply follow)."""
    if limit is None or form != "SELECT" or _part(query, "valuesClause") is not None:
        return text
    clause = _part(query, "limitoffset")
    if clause is not None and _part(clause, "limit") is not None:
        return text
    return f"{text.rstrip()}\nLIMIT {limit + 1}\n"


def _select_variables(text: str, query: CompValue, variables: Iterable[str]) -> list[str]:
    """The SELECT's variables; for ``SELECT *`` in order of first appearance in the text."""
    names = list(variables)
    if _part(query, "projection") is None:  # SELECT *

        def position(name: str) -> int:
            found = re.search(rf"[?$]{re.escape(name)}\b", text)
            return found.start() if found else len(text)

        names.sort(key=position)
    return names


# --- running -------------------------------------------------------------------------


def _evaluate_local(graph: Graph, text: str, form: str, limit: int | None) -> QueryResult:
    result = graph.query(text, initNs=NAMESPACES)
    if form == "ASK":
        return QueryResult(form, boolean=bool(result.askAnswer))
    if form == "SELECT":
        rows: list[tuple[Node | None, ...]] = [
            tuple(row)  # type: ignore[arg-type]  # a SELECT's result iterates over rows
            for row in islice(result, None if limit is None else limit + 1)
        ]
        truncated = limit is not None and len(rows) > limit
        return QueryResult(
            form,
            variables=[str(v) for v in result.vars or []],
            rows=rows[:limit] if truncated else rows,
            truncated=truncated,
        )
    triples = list(islice(iter(result.graph or ()), None if limit is None else limit + 1))
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form, triples=triples[:limit] if truncated else triples, truncated=truncated)


def _evaluate_remote(
    store: SparqlEndpointStore, text: str, form: str, limit: int | None, timeout: float | None
) -> QueryResult:
    declared = _declared_prefixes(text)
    prologue = "".join(
        f"PREFIX {prefix}: <{iri}>\n"
        for prefix, iri in NAMESPACES.items()
        if prefix not in declared
    )
    wait = None if timeout is None else timeout + 5.0  # the worker is stopped at the timeout
    if form in ("SELECT", "ASK"):
        _, body = store.query(prologue + text, "application/sparql-results+json", timeout=wait)
        if form == "ASK":
            return QueryResult(form, boolean=bool(json.loads(body)["boolean"]))
        variables, rows = parse_json_results(body)
        truncated = limit is not None and len(rows) > limit
        return QueryResult(
            form, variables=variables, rows=rows[:limit] if truncated else rows, truncated=truncated
        )
    from vemgorvad.graph.store import GRAPH_FORMATS

    media, body = store.query(prologue + text, "application/n-triples", timeout=wait)
    graph = Graph()
    graph.parse(data=body, format=GRAPH_FORMATS.get(media, "nt"))
    triples = sorted(graph)[: None if limit is None else limit + 1]
    truncated = limit is not None and len(triples) > limit
    return QueryResult(form, triples=triples[:limit] if truncated else triples, truncated=truncated)



def _worker(function: Callable[[], QueryResult], sender: Any) -> None:
    try:
        sender.send(("ok", function()))
    except BaseException as error:  # everything goes back to the caller as a message
        message = " ".join(str(error).split()) or type(error).__name__
        sender.send(("error", message))
    finally:
        sender.close()


def _run_isolated(function: Callable[[], QueryResult], timeout: float | None) -> QueryResult:
    """Run ``function`` in a forked process and kill it when the timeout passes.

    Where ``fork`` is unavailable, a daemon thread runs it instead: the caller still
    returns at the timeout, but the query runs on until it ends.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return _run_in_thread(function, timeout)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # a forked child must not flush our buffers again
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    process = context.Process(target=_worker, args=(function, sender), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        status, payload = receiver.recv()
    except EOFError:
        raise QueryError("the query worker ended without an answer") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()
    if status != "ok":
        raise QueryError(str(payload))
    result: QueryResult = payload
    return result


def _run_in_thread(function: Callable[[], QueryResult], timeout: float | None) -> QueryResult:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = function()
        except Exception as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True, name="sparql-query")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise QueryTimeout(
            f"the query ran longer than {timeout:g} s (it runs on in the background)"
        )
    if "error" in outcome:
        raise QueryError(" ".join(str(outcome["error"]).split())) from outcome["error"]
    result: QueryResult = outcome["result"]
    return result


def run_query(
    target: Graph | SparqlEndpointStore,
    text: str,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> QueryResult:
    """Run a read-only SPARQL query on a graph or on a SPARQL endpoint store.

    Args:
        target: an rdflib graph (the embedded store) or the ``sparql`` store, whose
            endpoint then runs the query on the build's named graph.
        text: the query; the project's prefixes (``vgv:``, ``actor:``, ``skos:`` …) may be
            used without declaring them.
        limit: rows (SELECT) or triples (CONSTRUCT, DESCRIBE) returned at most; None for
            no limit.
        timeout: seconds before the query is stopped; None to wait for ever.

    Returns:
        The result; ``truncated`` tells whether the limit cut it.

    Raises:
        QueryRefused: an update, SERVICE or FROM.
        QuerySyntaxError: the query does not parse.
        QueryTimeout: the query ran too long and was stopped.
        QueryError: the query failed while running (the endpoint's or rdflib's message).
    """
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1 (or None for no limit)")
    form, query = check_query(text)
    runnable = _with_limit(text, form, query, limit)
    started = time.perf_counter()
    if isinstance(target, Graph):

        def function() -> QueryResult:
            return _evaluate_local(target, runnable, form, limit)

    else:

        def function() -> QueryResult:
            return _evaluate_remote(target, runnable, form, limit, timeout)

    result = _run_isolated(function, timeout)
    if form == "SELECT":
        order = _select_variables(text, query, result.variables)
        if order != result.variables:
            index = [result.variables.index(name) for name in order]
            result.rows = [tuple(row[i] for i in index) for row in result.rows]
            result.variables = order
    result.seconds = time.perf_counter() - started
    logger.info("%s query: %d results in %.2f s", form, len(result), result.seconds)
    return result
