"""Command-line options that several sub-commands share: where the graph is kept.

``--store``, ``--endpoint`` and their companions set the environment variables of
:mod:`vemgorvad.graph.store_config`, so that every floor — and a child process such as
the Gradio server — reads the same store settings.
"""

from __future__ import annotations

import argparse
import os

from vemgorvad.graph.store import StoreError
from vemgorvad.graph.store_config import ENVIRONMENT, StoreConfig, StoreConfigError, StoreKind

__all__ = ["add_store_arguments", "configure_store_from_args"]


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--store``, ``--endpoint`` and their companions to a sub-command's parser.

    Each option, when given, sets the matching environment variable of
    :mod:`vemgorvad.graph.store_config` (see :func:`configure_store_from_args`).
    """
    group = parser.add_argument_group(
        "graph store", "where the graph is kept (default: embedded in the build folder)"
    )
    group.add_argument(
        "--store",
        choices=[kind.value for kind in StoreKind],
        help="embedded (default) or sparql: a SPARQL 1.1 endpoint ($VEMGORVAD_STORE)",
    )
    group.add_argument(
        "--endpoint",
        metavar="URL",
        help="SPARQL query endpoint, e.g. http://127.0.0.1:7878/query; implies --store sparql "
        "($VEMGORVAD_ENDPOINT)",
    )
    group.add_argument(
        "--update-endpoint",
        metavar="URL",
        help="SPARQL update endpoint (default: …/query → …/update; GraphDB: …/statements)",
    )
    group.add_argument(
        "--graph-store",
        metavar="URL",
        help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store; "
        "writes with PUT instead of SPARQL Update",
    )
    group.add_argument(
        "--graph",
        metavar="IRI",
        help="the named graph (default https://w3id.org/vemgorvad/id/graph/current)",
    )


def configure_store_from_args(
    args: argparse.Namespace, environ: dict[str, str] | None = None
) -> StoreConfig:
    """Set the store's environment variables from parsed options, and check the result.

    Options a sub-command does not have, or that were not given, leave the environment as
    it is; a child process (the Gradio server, a query worker) sees the same settings.

    Args:
        args: the parsed command line.
        environ: the environment to set (default ``os.environ``).

    Returns:
        The store configuration now in force.

    Raises:
        StoreError: the settings name no usable store.
    """
    env = os.environ if environ is None else environ
    store = getattr(args, "store", None)
    endpoint = getattr(args, "endpoint", None)
    if endpoint and not store:
        store = StoreKind.SPARQL.value
    for name, value in (
        ("store", store),
        ("endpoint", endpoint),
        ("update_endpoint", getattr(args, "update_endpoint", None)),
        ("graph_store", getattr(args, "graph_store", None)),
        ("graph", getattr(args, "graph", None)),
    ):
        if value:
            env[ENVIRONMENT[name]] = value
    try:
        return StoreConfig.from_env(env)
    except StoreConfigError as error:
        raise StoreError(str(error)) from error
