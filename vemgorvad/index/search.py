"""The passage index: dense (FAISS) and lexical (BM25) retrieval, fused.

A :class:`PassageIndex` is built from the corpus's passages into one directory
(:mod:`vemgorvad.index.storage`: its files and the atomic swap). A rebuild into the same
directory re-embeds only the passages whose embedded text changed (vectors are reused by
passage id and text hash), and keeps the BM25 index when no lexical text changed.

What a passage is indexed with is the same for every document (:class:`Context`): the
dense side embeds its document's title and section heading before its text, the lexical
side also reads the labels of the laws it cites and the actors it mentions; each passage
is also embedded sentence by sentence (:mod:`vemgorvad.index.windows`). The answer engine
draws its candidates with :meth:`PassageIndex.candidates`; ``search`` is plain retrieval
(``vemgorvad search``): dense, BM25, or their reciprocal-rank fusion in which the lexical
side's weight is the share of the query's lemmas that occur in the index
(:meth:`LexicalIndex.coverage`), so an English question over Swedish text leans on the
dense side. The choices and their measurements are in ``settings.py``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast, get_args

import numpy as np

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.corpus.passages import repeal_notice
from vemgorvad.index import storage
from vemgorvad.index.context import Context, chunking, passage_text
from vemgorvad.index.dense import DenseIndex, DenseKind
from vemgorvad.index.embed import Embedder
from vemgorvad.index.fusion import best_rows, reciprocal_rank_fusion, top_rows
from vemgorvad.index.lexical import LexicalIndex, Query, dictionary_lemmas
from vemgorvad.index.manifest import (
    FORMAT_VERSION,
    Manifest,
    PassageEntry,
    content_hash,
)
from vemgorvad.index.windows import SentenceWindows

logger = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "bm25")
EMBED_BATCH = 32
"""Passages embedded between two progress reports."""

REBUILD_HINT = "run `vemgorvad build` to rebuild it"


class IndexMismatch(Exception):
    """The index on disk is missing, unreadable, or built differently (model, dimension, format)."""


@dataclass(frozen=True)
class Hit:
    """One passage found for a query.

    Attributes:
        passage_id: the passage's id.
        score: the score it was ranked by (fused, cosine or BM25, by mode).
        rank: its rank, from 1.
        dense: its cosine similarity to the query (None in ``bm25`` mode).
        lexical: its BM25 score (None in ``dense`` mode).
    """

    passage_id: str
    score: float
    rank: int
    dense: float | None
    lexical: float | None


@dataclass(frozen=True)
class Candidate:
    """A passage drawn by the first stage, with what each of its signals said.

    Attributes:
        passage_id: the passage.
        row: its row in the index.
        dense: cosine of the query with the passage's vector (context and text).
        window: cosine with its best sentence window.
        window_index: that window (:class:`SentenceWindows`), -1 if none.
        lexical: its BM25 score.
        ranks: its rank by dense, window and BM25 (depth + 1 where not in the first depth).
    """

    passage_id: str
    row: int
    dense: float
    window: float
    window_index: int
    lexical: float
    ranks: tuple[int, ...]


class PassageIndex:
    """Hybrid retrieval over a corpus's passages.

    Attributes:
        passages: the indexed passages, in index order.
        embedder: the model queries are embedded with.
        manifest: what the index was built with.
        directory: where it is stored.
        embedded: how many passages the last build embedded (the rest were reused).
    """

    def __init__(
        self,
        passages: list[Passage],
        vectors: np.ndarray,
        dense: DenseIndex,
        lexical: LexicalIndex,
        embedder: Embedder,
        manifest: Manifest,
        directory: Path,
        embedded: int = 0,
        windows: SentenceWindows | None = None,
    ) -> None:
        self.passages = passages
        self.directory = directory
        self.embedder = embedder
        self.manifest = manifest
        self.embedded = embedded
        self._vectors = vectors
        self._dense = dense
        self._lexical = lexical
        self._by_id = {passage.id: passage for passage in passages}
        self._row = {passage.id: row for row, passage in enumerate(passages)}
        # a repealed section's notice says nothing: its vectors hold only its title and heading
        self._says_nothing = np.asarray([repeal_notice(p.text) for p in passages], dtype=bool)
        self.windows = windows or SentenceWindows([], np.zeros((0, embedder.dimension)), [])

    # -- building and loading -------------------------------------------------------------

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        directory: Path,
        embedder: Embedder,
        progress: Callable[[int, int], None] | None = None,
        dense_kind: DenseKind | None = None,
        contexts: Mapping[str, Context] | None = None,
        window_progress: Callable[[int, int], None] | None = None,
    ) -> PassageIndex:
        """Index passages into ``directory``, reusing vectors already stored there.

        Args:
            passages: the passages to index (ids must be unique).
            directory: the index directory; an index already there lends its vectors for
                passages whose embedded text is unchanged, then is replaced.
            embedder: the embedding model.
            progress: called after each batch embedded with (passages embedded so far,
                passages to embed); not called when nothing needs embedding.
            dense_kind: force ``flat`` or ``hnsw``; by default chosen by size.
            contexts: passage id → what to index with its text (see :class:`Context`);
                the same kind of context for every document.
            window_progress: like ``progress``, for the sentence windows.

        Returns:
            The new index.

        Raises:
            ValueError: two passages share an id, or ``directory`` holds other files.
        """
        storage.check_replaceable(directory)
        passages = list(passages)
        ids = [passage.id for passage in passages]
        duplicates = [pid for pid, n in Counter(ids).items() if n > 1]
        if duplicates:
            raise ValueError(f"passage ids are not unique: {sorted(duplicates)[:5]}")
        contexts = contexts or {}
        nothing = Context()
        dense_texts = [passage_text(p, contexts.get(p.id, nothing).dense) for p in passages]
        lexical_texts = [
            passage_text(p, contexts.get(p.id, nothing).lexical, after=True) for p in passages
        ]
        hashes = [content_hash(text) for text in dense_texts]
        previous = storage.previous_manifest(directory)
        vectors, todo = storage.reused_vectors(directory, previous, embedder, ids, hashes)
        logger.info(
            "indexing %d passages: %d vectors reused, %d to embed",
            len(passages),
            len(passages) - len(todo),
            len(todo),
        )
        _embed_into(vectors, todo, dense_texts, embedder, progress)
        windows = SentenceWindows.build(
            passages,
            embedder,
            storage.stored_windows(directory, previous, embedder),
            [e.id for e in previous.passages] if previous else (),
            progress=window_progress,
        )
        dense = DenseIndex.build(vectors, dense_kind)
        lexical, lexical_hash = storage.lexical_index(directory, previous, lexical_texts)
        manifest = _manifest(embedder, dense, passages, hashes, lexical_hash)
        index = cls(
            passages,
            vectors,
            dense,
            lexical,
            embedder,
            manifest,
            directory.resolve(),
            len(todo),
            windows,
        )
        storage.write(directory, passages, vectors, dense, lexical, windows, manifest)
        return index

    @classmethod
    def load(cls, directory: Path, embedder: Embedder) -> PassageIndex:
        """Open the index in ``directory``, checking it fits the running code and model.

        Args:
            directory: the index directory.
            embedder: the model queries will be embedded with.

        Returns:
            The index.

        Raises:
            IndexMismatch: there is no index there, it was built with another model,
                dimension, chunking or format, or its files disagree; the message says
                what differs and to run ``vemgorvad build``.
        """
        try:
            manifest = Manifest.read(directory)
        except FileNotFoundError as error:
            raise IndexMismatch(f"no index in {directory}; {REBUILD_HINT}") from error
        except ValueError as error:
            raise IndexMismatch(f"{error}; {REBUILD_HINT}") from error
        differences = manifest.differences(
            {
                "format_version": FORMAT_VERSION,
                "model": embedder.name,
                "dimension": embedder.dimension,
                "chunking": chunking(),
            }
        )
        if manifest.dense_kind not in get_args(DenseKind):
            differences.append(f"dense index kind is {manifest.dense_kind!r}")
        if differences:
            raise IndexMismatch(
                f"the index in {directory} does not fit: {'; '.join(differences)}; {REBUILD_HINT}"
            )
        try:
            passages, vectors, dense, lexical, windows = storage.read(
                directory, manifest, cast(DenseKind, manifest.dense_kind)
            )
        except storage.Inconsistent as error:
            raise IndexMismatch(f"{error}; {REBUILD_HINT}") from error
        except (OSError, ValueError, KeyError) as error:
            raise IndexMismatch(
                f"the index in {directory} is unreadable ({error}); {REBUILD_HINT}"
            ) from error
        index = cls(
            passages, vectors, dense, lexical, embedder, manifest, directory.resolve(), 0, windows
        )
        index.warm_up()
        return index

    def warm_up(self) -> None:
        """Load the lemmatiser's dictionary and run the model once, so the first query is fast."""
        dictionary_lemmas()
        self._lexical.analyzer.lemmas("socialtjänsten")
        self.embedder.encode_queries(["uppvärmning"])

    # -- searching ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        *,
        query_vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """The passages that best answer a query.

        Args:
            query: the question or keywords.
            k: how many hits at most.
            mode: ``hybrid`` (fused), ``dense`` (embeddings only) or ``bm25`` (words only).
            query_vector: the query already embedded (``encode_queries``), to save doing
                it twice.

        Returns:
            Up to ``k`` hits, best first.

        Raises:
            ValueError: an unknown mode.
        """
        if mode not in MODES:
            raise ValueError(f"unknown search mode {mode!r}; use one of {', '.join(MODES)}")
        if k <= 0 or not query.strip() or not self.passages:
            return []
        if mode == "bm25":
            return self._lexical_hits(query, k)
        if query_vector is None:
            query_vector = self.embedder.encode_queries([query])[0]
        if mode == "dense":
            return self.search_vector(query_vector, k)
        return self._hybrid_hits(query, query_vector, k)

    def candidates(
        self,
        query: str | Query,
        query_vector: np.ndarray,
        depth: int,
        documents: Collection[str] = (),
        within: tuple[str | Query, np.ndarray] | None = None,
        include: Collection[str] = (),
    ) -> list[Candidate]:
        """The passages any first-stage signal puts in its first ``depth``, with every signal.

        Three rankings, each the same for every document: the passage's whole-text cosine,
        its best sentence window's cosine, and BM25. A passage enters when one of them
        ranks it within ``depth``; a later stage weighs the signals. When the query names
        documents (a statute by its name, say), their passages closest to it by either
        cosine enter too, so a long or wordy rival elsewhere cannot crowd them out. Within
        those documents their names tell no passage from another, so there every signal
        reads the query without them (``within``): a question about "LVM-vård" is no
        longer drawn to every section that says "LVM-hem". Elsewhere the name still counts
        (a memo's paragraph about the law). A repealed section's notice ("9 § Har upphävts
        genom lag (2021:399).") is drawn only when the query cites it: embedded with its
        title and heading and nothing else, it stood close to any question about its law.

        Args:
            query: the query text, or a BM25 :class:`~vemgorvad.index.lexical.Query` with
                lemmas of its own (an English question's words in Swedish).
            query_vector: the query embedded (``encode_queries``).
            depth: how many passages each ranking contributes.
            documents: ids of documents the query names.
            within: the query without the documents' names and its embedding, to score
                the documents' own passages by (the whole query when None).
            include: ids of passages drawn whatever they score (a section the query
                cites by number: it is looked up, not searched).

        Returns:
            The candidates, by reciprocal-rank fusion of the rankings (equal weights).
        """
        if not self.passages or depth <= 0:
            return []
        dense = self._vectors @ query_vector
        window, which = self.windows.best(query_vector, len(self.passages))
        lexical = self._lexical.scores(query)
        named = [row for row, p in enumerate(self.passages) if p.document in documents]
        if named and within is not None:
            text, vector = within
            inner, inner_which = self.windows.best(vector, len(self.passages))
            dense[named] = self._vectors[named] @ vector
            window[named], which[named] = inner[named], inner_which[named]
            lexical[named] = self._lexical.scores(text)[named]
        silent = self._says_nothing
        rankings = [
            [row for row in rows if not silent[row]]
            for rows in (
                best_rows(np.where(silent, -np.inf, dense), depth),
                best_rows(np.where(silent, -np.inf, window), depth),
                top_rows(np.where(silent, 0.0, lexical), depth),
            )
        ]
        ranks = [{row: rank for rank, row in enumerate(rows, start=1)} for rows in rankings]
        named = [row for row in named if not silent[row]]
        if named:
            best = np.maximum(dense, window)[named]
            rankings.append([named[i] for i in best_rows(best, depth)])
        looked_up = [self._row[pid] for pid in include if pid in self._row]
        if looked_up:
            rankings.append(looked_up)
        fused = reciprocal_rank_fusion([(rows, 1.0) for rows in rankings], settings.FUSION_RRF_K)
        out = []
        for row in sorted(fused, key=lambda r: (-fused[r], r)):
            out.append(
                Candidate(
                    passage_id=self.passages[row].id,
                    row=row,
                    dense=float(dense[row]),
                    window=float(window[row]),
                    window_index=int(which[row]),
                    lexical=float(lexical[row]),
                    ranks=tuple(r.get(row, depth + 1) for r in ranks),
                )
            )
        return out

    def search_vector(self, query_vector: np.ndarray, k: int) -> list[Hit]:
        """Dense search with a query already embedded.

        Args:
            query_vector: ``(dimension,)`` float32, L2-normalised (``encode_queries``).
            k: how many hits at most.

        Returns:
            Up to ``k`` hits, best first, scored by cosine similarity.
        """
        scores, rows = self._dense.search(query_vector, k)
        hits: list[Hit] = []
        for score, row in zip(scores[0], rows[0], strict=True):
            if row < 0:
                continue
            hits.append(Hit(self.passages[row].id, float(score), len(hits) + 1, float(score), None))
        return hits

    def row(self, passage_id: str) -> int | None:
        """The row of a passage in the index (its windows are kept by row), or None."""
        return self._row.get(passage_id)

    def passage(self, passage_id: str) -> Passage:
        """The passage with this id.

        Raises:
            KeyError: no such passage in the index.
        """
        return self._by_id[passage_id]

    def coverage(self, query: str) -> float:
        """How much the lexical side can know of a query: the share of its lemmas in the index.

        It weighs BM25 in the hybrid; callers may also read it as a sign of the question's
        language (English questions over this Swedish corpus score well under 0.5).

        Args:
            query: the query text.

        Returns:
            A share in [0, 1].
        """
        return self._lexical.coverage(query)

    def __len__(self) -> int:
        return len(self.passages)

    def _lexical_hits(self, query: str, k: int) -> list[Hit]:
        scores = self._lexical.scores(query)
        rows = top_rows(scores, k)
        return [
            Hit(self.passages[row].id, float(scores[row]), rank, None, float(scores[row]))
            for rank, row in enumerate(rows, start=1)
        ]

    def _hybrid_hits(self, query: str, query_vector: np.ndarray, k: int) -> list[Hit]:
        depth = max(k, settings.FUSION_DEPTH)
        _, found = self._dense.search(query_vector, depth)
        dense_rows = [int(r) for r in found[0] if r >= 0]
        lexical_scores = self._lexical.scores(query)
        lexical_rows = top_rows(lexical_scores, depth)
        lexical_weight = settings.FUSION_LEXICAL_WEIGHT * self.coverage(query)
        fused = reciprocal_rank_fusion(
            [(dense_rows, settings.FUSION_DENSE_WEIGHT), (lexical_rows, lexical_weight)],
            settings.FUSION_RRF_K,
        )
        top = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        rows = np.array([row for row, _ in top], dtype=np.int64)
        similarity = self._vectors[rows] @ query_vector if len(rows) else np.zeros(0)
        return [
            Hit(self.passages[row].id, float(score), rank, float(cosine), float(lexical_scores[row]))
            for rank, ((row, score), cosine) in enumerate(zip(top, similarity, strict=True), start=1)
        ]


def _manifest(
    embedder: Embedder,
    dense: DenseIndex,
    passages: Sequence[Passage],
    hashes: Sequence[str],
    lexical_hash: str,
) -> Manifest:
    """What an index is built of and with, for the next build and the next load to check."""
    entries = [PassageEntry(p.id, p.document, h) for p, h in zip(passages, hashes, strict=True)]
    return Manifest(
        format_version=FORMAT_VERSION,
        model=embedder.name,
        dimension=embedder.dimension,
        chunking=chunking(),
        dense_kind=dense.kind,
        passages=entries,
        documents=Manifest.document_hashes(entries),
        lexical_hash=lexical_hash,
    )


def _embed_into(
    vectors: np.ndarray,
    todo: list[int],
    texts: Sequence[str],
    embedder: Embedder,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Embed the texts at positions ``todo`` into those rows, shortest first (batches of
    like length pad least), reporting progress after each batch."""
    todo = sorted(todo, key=lambda i: len(texts[i]))
    if progress is not None and todo:
        progress(0, len(todo))  # the clock starts before the first batch, not after it
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.encode_passages([texts[i] for i in batch])
        if progress is not None:
            progress(min(start + EMBED_BATCH, len(todo)), len(todo))


__all__ = [
    "MODES",
    "Candidate",
    "Context",
    "Hit",
    "IndexMismatch",
    "PassageIndex",
]
