"""The graph store's command-line options (vemgorvad.ui.options) set the environment
every floor reads its store settings from."""

from __future__ import annotations

import argparse

import pytest

from vemgorvad.graph.store import StoreError
from vemgorvad.graph.store_config import StoreKind
from vemgorvad.ui.options import add_store_arguments, configure_store_from_args


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_store_arguments(parser)
    return parser.parse_args(argv)


def test_command_line_options_set_the_environment() -> None:
    environ: dict[str, str] = {}
    config = configure_store_from_args(
        _parse(
            "--endpoint",
            "http://127.0.0.1:7878/query",
            "--graph-store",
            "http://127.0.0.1:7878/store",
        ),
        environ,
    )
    assert config.kind is StoreKind.SPARQL
    assert environ == {
        "VEMGORVAD_STORE": "sparql",
        "VEMGORVAD_ENDPOINT": "http://127.0.0.1:7878/query",
        "VEMGORVAD_GRAPH_STORE": "http://127.0.0.1:7878/store",
    }
    assert configure_store_from_args(_parse(), {}).kind is StoreKind.EMBEDDED
    with pytest.raises(StoreError, match="endpoint"):
        configure_store_from_args(_parse("--store", "sparql"), {})
    # a sub-command without the options leaves the environment alone
    assert configure_store_from_args(argparse.Namespace(), {}).kind is StoreKind.EMBEDDED
