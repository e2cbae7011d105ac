"""The graph store a configuration names: one place maps each kind to its class.

>>> from vemgorvad.graph.store_config import StoreConfig
>>> type(create_store(StoreConfig())).__name__
'EmbeddedStore'
"""

from __future__ import annotations

from collections.abc import Callable

from vemgorvad.graph.store import EmbeddedStore, GraphStore, SparqlEndpointStore
from vemgorvad.graph.store_config import StoreConfig, StoreKind

StoreCreator = Callable[[StoreConfig], GraphStore]

_CREATORS: dict[StoreKind, StoreCreator] = {
    StoreKind.EMBEDDED: EmbeddedStore,
    StoreKind.SPARQL: SparqlEndpointStore,
}


def register_store(kind: StoreKind, creator: StoreCreator) -> None:
    """Use ``creator`` for stores of ``kind`` (a test double, another backend)."""
    _CREATORS[kind] = creator


def create_store(config: StoreConfig | None = None) -> GraphStore:
    """The store of ``config``, or of the environment's settings when None.

    Raises:
        StoreConfigError: the environment names no usable store.
    """
    config = config or StoreConfig.from_env()
    return _CREATORS[config.kind](config)
