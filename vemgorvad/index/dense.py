"""Dense retrieval: FAISS over L2-normalised passage vectors (inner product = cosine).

Exact search (``IndexFlatIP``) by default; above ``settings.HNSW_THRESHOLD`` passages an
HNSW graph (``IndexHNSWFlat``, inner product) answers instead, trading a little recall
(measured in ``benchmarks/scale.py``) for query time.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

import numpy as np

from vemgorvad import settings

if TYPE_CHECKING:
    import faiss

logger = logging.getLogger(__name__)

DenseKind = Literal["flat", "hnsw"]

_FEW_QUERIES = 4
"""Up to this many queries are searched with ``settings.QUERY_THREADS`` threads: exact
search over 100k vectors for one query took p50 14 ms with 1 thread, 60 ms with 2, on
the shared 2-core machine under load."""


def choose_kind(size: int) -> DenseKind:
    """The index kind for a collection of ``size`` vectors (``settings.HNSW_THRESHOLD``)."""
    return "hnsw" if size >= settings.HNSW_THRESHOLD else "flat"


class DenseIndex:
    """A FAISS inner-product index over the rows of a float32 matrix.

    Attributes:
        kind: ``flat`` (exact) or ``hnsw`` (approximate).
        dimension: the vectors' length.
        size: the number of vectors.
    """

    def __init__(self, index: faiss.Index, kind: DenseKind) -> None:
        self._index = index
        self.kind: DenseKind = kind
        self.dimension = int(index.d)

    @property
    def size(self) -> int:
        """The number of vectors in the index."""
        return int(self._index.ntotal)

    @classmethod
    def build(cls, vectors: np.ndarray, kind: DenseKind | None = None) -> DenseIndex:
        """Index vectors (rows, L2-normalised).

        Args:
            vectors: ``(n, d)`` float32.
            kind: ``flat`` or ``hnsw``; chosen by size when None.

        Returns:
            The index.
        """
        import faiss

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        kind = kind or choose_kind(len(vectors))
        dimension = vectors.shape[1]
        index: faiss.Index
        if kind == "hnsw":
            graph = faiss.IndexHNSWFlat(dimension, settings.HNSW_M, faiss.METRIC_INNER_PRODUCT)
            graph.hnsw.efConstruction = settings.HNSW_EF_CONSTRUCTION
            graph.hnsw.efSearch = settings.HNSW_EF_SEARCH
            index = graph
        else:
            index = faiss.IndexFlatIP(dimension)
        if len(vectors):
            index.add(vectors)
        logger.debug("dense index: %s over %d vectors", kind, len(vectors))
        return cls(index, kind)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` nearest rows of each query.

        Args:
            queries: ``(m, d)`` float32, L2-normalised.
            k: how many neighbours.

        Returns:
            ``(scores, rows)``, each ``(m, min(k, size))``; rows of ``-1`` mark no result
            (HNSW may return fewer than asked).
        """
        k = min(k, self.size)
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if k <= 0:
            empty = np.zeros((len(queries), 0))
            return empty.astype(np.float32), empty.astype(np.int64)
        import faiss

        threads = settings.QUERY_THREADS if len(queries) <= _FEW_QUERIES else None
        previous = faiss.omp_get_max_threads()
        if threads:
            faiss.omp_set_num_threads(threads)
        try:
            scores, rows = self._index.search(queries, k)
        finally:
            if threads:
                faiss.omp_set_num_threads(previous)
        return scores, rows

    def save(self, path: Path) -> None:
        """Write the index to a file."""
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, kind: DenseKind) -> DenseIndex:
        """Read an index written by :meth:`save`."""
        import faiss

        index = faiss.read_index(str(path))
        if kind == "hnsw":
            graph = cast("faiss.IndexHNSWFlat", faiss.downcast_index(index))
            graph.hnsw.efSearch = settings.HNSW_EF_SEARCH
        return cls(index, kind)
