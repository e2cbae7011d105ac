"""The passage index: dense (FAISS) and lexical (BM25) retrieval, fused, persisted.

A :class:`PassageIndex` is built from the corpus's passages into one directory:

* ``manifest.json`` — format version, model, dimension, chunking, content hashes
  (:mod:`vemgorvad.index.manifest`);
* ``passages.jsonl`` — the passages themselves, in index order;
* ``vectors.npy`` — their embeddings (float32, L2-normalised), row i = passage i;
* ``dense.faiss`` — the FAISS index over those rows;
* ``bm25/`` — the BM25 index and its analyser's vocabulary.

A rebuild into the same directory re-embeds only the passages whose embedded text
changed (vectors are reused by passage id and text hash), and keeps the BM25 index when
no lexical text changed. The new directory is written
beside the old one and swapped in, so a crash never leaves a mix of the two.

How passages become text and how the two rankings fuse were chosen by measurement on
the dev questions (``benchmarks/retrieval.py``; figures in ``settings.py``): the dense
side embeds the passage text alone, the lexical side also indexes the section heading,
and the fusion is reciprocal-rank fusion in which the lexical side's weight is the share
of the query's lemmas that occur in the index (:meth:`LexicalIndex.coverage`), so an
English question over Swedish text leans on the dense side alone.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast, get_args

import numpy as np

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.index.dense import DenseIndex, DenseKind
from vemgorvad.index.embed import Embedder
from vemgorvad.index.lexical import LexicalIndex, dictionary_lemmas
from vemgorvad.index.manifest import (
    FORMAT_VERSION,
    MANIFEST_FILE,
    Manifest,
    PassageEntry,
    content_hash,
)
from vemgorvad.index.windows import SentenceWindows

logger = logging.getLogger(__name__)

MODES = ("hybrid", "dense", "bm25")
PASSAGES_FILE = "passages.jsonl"
VECTORS_FILE = "vectors.npy"
DENSE_FILE = "dense.faiss"
LEXICAL_DIR = "bm25"
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


def chunking() -> dict[str, Any]:
    """How passages become text for each side, from settings (recorded in the manifest)."""
    return {
        "dense_context": settings.CONTEXT_FOR_DENSE,
        "lexical_context": settings.CONTEXT_FOR_LEXICAL,
        "window_min_chars": settings.WINDOW_MIN_CHARS,
    }


@dataclass(frozen=True)
class Context:
    """What is known about a passage besides its text, to index with it.

    Attributes:
        dense: put before the text for the embedding (document title, section heading).
        lexical: put after the text for BM25 (title, heading, the titles of the provisions
            it cites, the canonical names of the actors it mentions).
    """

    dense: str = ""
    lexical: str = ""


def passage_text(passage: Passage, context: str = "", *, after: bool = False) -> str:
    """The text indexed for a passage: its text with a context before or after it.

    >>> p = Passage("x", "d", "5 kap. Socialnämndens uppgifter", "11 § Socialnämnden ska …", 0)
    >>> passage_text(p, "Socialtjänstlag. 5 kap. Socialnämndens uppgifter")
    'Socialtjänstlag. 5 kap. Socialnämndens uppgifter\\n11 § Socialnämnden ska …'
    """
    if not context:
        return passage.text
    return f"{passage.text}\n{context}" if after else f"{context}\n{passage.text}"


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
        _check_replaceable(directory)
        passages = list(passages)
        ids = [passage.id for passage in passages]
        duplicates = [pid for pid, n in Counter(ids).items() if n > 1]
        if duplicates:
            raise ValueError(f"passage ids are not unique: {sorted(duplicates)[:5]}")
        layout = chunking()
        contexts = contexts or {}
        nothing = Context()
        dense_texts = [passage_text(p, contexts.get(p.id, nothing).dense) for p in passages]
        lexical_texts = [
            passage_text(p, contexts.get(p.id, nothing).lexical, after=True) for p in passages
        ]
        hashes = [content_hash(text) for text in dense_texts]
        previous = _previous_manifest(directory)

        vectors = np.zeros((len(passages), embedder.dimension), np.float32)
        stored, rows = _stored_vectors(directory, previous, embedder)
        todo = []
        for i, key in enumerate(zip(ids, hashes, strict=True)):
            row = rows.get(key)
            if row is None:
                todo.append(i)
            else:
                vectors[i] = stored[row]
        del stored
        todo.sort(key=lambda i: len(dense_texts[i]))  # batches of like length pad least
        logger.info(
            "indexing %d passages: %d vectors reused, %d to embed",
            len(passages),
            len(passages) - len(todo),
            len(todo),
        )
        for start in range(0, len(todo), EMBED_BATCH):
            batch = todo[start : start + EMBED_BATCH]
            vectors[batch] = embedder.encode_passages([dense_texts[i] for i in batch])
            if progress is not None:
                progress(min(start + EMBED_BATCH, len(todo)), len(todo))

        windows = SentenceWindows.build(
            passages,
            embedder,
            _stored_windows(directory, previous, embedder),
            [e.id for e in previous.passages] if previous else (),
            progress=window_progress,
        )
        dense = DenseIndex.build(vectors, dense_kind)
        lexical_hash = content_hash("\x1e".join(lexical_texts))
        lexical = None
        if previous is not None and previous.lexical_hash == lexical_hash:
            lexical = _stored_lexical(directory)
        if lexical is None:
            lexical = LexicalIndex.build(lexical_texts)
        entries = [PassageEntry(p.id, p.document, h) for p, h in zip(passages, hashes, strict=True)]
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            model=embedder.name,
            dimension=embedder.dimension,
            chunking=layout,
            dense_kind=dense.kind,
            passages=entries,
            documents=Manifest.document_hashes(entries),
            lexical_hash=lexical_hash,
        )
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
        index._write()
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
        dense_kind = cast(DenseKind, manifest.dense_kind)
        try:
            passages = _read_passages(directory / PASSAGES_FILE)
            vectors = np.load(directory / VECTORS_FILE)
            dense = DenseIndex.load(directory / DENSE_FILE, dense_kind)
            lexical = LexicalIndex.load(directory / LEXICAL_DIR)
            windows = SentenceWindows.load(directory)
        except (OSError, ValueError, KeyError) as error:
            raise IndexMismatch(
                f"the index in {directory} is unreadable ({error}); {REBUILD_HINT}"
            ) from error
        sizes = {len(manifest.passages), len(passages), len(vectors), dense.size, lexical.size}
        if len(sizes) != 1 or [p.id for p in passages] != [e.id for e in manifest.passages]:
            raise IndexMismatch(
                f"the files of the index in {directory} disagree with its manifest; {REBUILD_HINT}"
            )
        if len(windows.hashes) != len(passages):
            raise IndexMismatch(
                f"the windows of the index in {directory} disagree with its manifest; {REBUILD_HINT}"
            )
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

    def _write(self) -> None:
        """Write the index into its directory, replacing what was there in one swap."""
        directory = self.directory
        _check_replaceable(directory)
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
        try:
            with (staging / PASSAGES_FILE).open("w", encoding="utf-8") as out:
                for passage in self.passages:
                    out.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")
            np.save(staging / VECTORS_FILE, self._vectors)
            self._dense.save(staging / DENSE_FILE)
            self._lexical.save(staging / LEXICAL_DIR)
            self.windows.save(staging)
            self.manifest.write(staging)
            staging.chmod(0o755)
            _swap_in(staging, directory)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        logger.info("index written to %s", directory)

    # -- searching ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 10,
        mode: str = "hybrid",
        *,
        query_vector: np.ndarray | None = None,
        views: Mapping[str, float] | None = None,
        rankings: Sequence[tuple[Sequence[str], float]] = (),
    ) -> list[Hit]:
        """The passages that best answer a query.

        Args:
            query: the question or keywords.
            k: how many hits at most.
            mode: ``hybrid`` (fused), ``dense`` (embeddings only) or ``bm25`` (words only).
            query_vector: the query already embedded (``encode_queries``), to save doing
                it twice.
            views: passage id → cosine of the query with another representation of that
                passage (a paraphrase, a sentence of it); a passage's dense similarity is
                the best of its own and these — multi-vector retrieval, with the other
                vectors kept by the caller.
            rankings: further rankings of passage ids, best first, each with its weight
                in the fusion (``hybrid`` mode): what the caller found by other means,
                such as words of an English question in the English sentences of a
                passage's facts. Unknown ids are skipped.

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
        if mode == "dense" and not views:
            return self.search_vector(query_vector, k)
        cosines = self._cosines(query_vector, views) if views else None
        if mode == "dense" and cosines is not None:
            rows = _top_rows(cosines, k)
            return [
                Hit(self.passages[r].id, float(cosines[r]), rank, float(cosines[r]), None)
                for rank, r in enumerate(rows, start=1)
            ]
        return self._hybrid_hits(query, query_vector, k, cosines, rankings)

    def _cosines(self, query_vector: np.ndarray, views: Mapping[str, float]) -> np.ndarray:
        """Every passage's dense similarity, raised where another view of it is closer."""
        cosines = self._vectors @ query_vector
        for passage_id, similarity in views.items():
            row = self._row.get(passage_id)
            if row is not None and similarity > cosines[row]:
                cosines[row] = similarity
        return cosines

    def candidates(
        self,
        query: str,
        query_vector: np.ndarray,
        depth: int,
        documents: Collection[str] = (),
    ) -> list[Candidate]:
        """The passages any first-stage signal puts in its first ``depth``, with every signal.

        Three rankings, each the same for every document: the passage's whole-text cosine,
        its best sentence window's cosine, and BM25. A passage enters when one of them
        ranks it within ``depth``; a later stage weighs the signals. When the query names
        documents (a statute by its name, say), their passages closest to it by either
        cosine enter too, so a long or wordy rival elsewhere cannot crowd them out.

        Args:
            query: the query text (for BM25).
            query_vector: the query embedded (``encode_queries``).
            depth: how many passages each ranking contributes.
            documents: ids of documents the query names.

        Returns:
            The candidates, by reciprocal-rank fusion of the rankings (equal weights).
        """
        if not self.passages or depth <= 0:
            return []
        dense = self._vectors @ query_vector
        window, which = self.windows.best(query_vector, len(self.passages))
        lexical = self._lexical.scores(query)
        rankings = [_best_rows(dense, depth), _best_rows(window, depth)]
        rankings.append(_top_rows(lexical, depth))
        ranks = [{row: rank for rank, row in enumerate(rows, start=1)} for rows in rankings]
        named = [row for row, p in enumerate(self.passages) if p.document in documents]
        if named:
            best = np.maximum(dense, window)[named]
            rankings.append([named[i] for i in _best_rows(best, depth)])
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
        rows = _top_rows(scores, k)
        return [
            Hit(self.passages[row].id, float(scores[row]), rank, None, float(scores[row]))
            for rank, row in enumerate(rows, start=1)
        ]

    def _hybrid_hits(
        self,
        query: str,
        query_vector: np.ndarray,
        k: int,
        cosines: np.ndarray | None = None,
        rankings: Sequence[tuple[Sequence[str], float]] = (),
    ) -> list[Hit]:
        depth = max(k, settings.FUSION_DEPTH)
        if cosines is None:
            _, found = self._dense.search(query_vector, depth)
            dense_rows = [int(r) for r in found[0] if r >= 0]
        else:
            dense_rows = _top_rows(cosines, depth)
        lexical_scores = self._lexical.scores(query)
        lexical_rows = _top_rows(lexical_scores, depth)
        lexical_weight = settings.FUSION_LEXICAL_WEIGHT * self.coverage(query)
        further = [
            ([self._row[pid] for pid in ids[:depth] if pid in self._row], weight)
            for ids, weight in rankings
        ]
        fused = reciprocal_rank_fusion(
            [
                (dense_rows, settings.FUSION_DENSE_WEIGHT),
                ([int(r) for r in lexical_rows], lexical_weight),
                *further,
            ],
            settings.FUSION_RRF_K,
        )
        top = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        rows = np.array([row for row, _ in top], dtype=np.int64)
        if cosines is not None:
            similarity = cosines[rows] if len(rows) else np.zeros(0)
        else:
            similarity = self._vectors[rows] @ query_vector if len(rows) else np.zeros(0)
        return [
            Hit(
                self.passages[row].id,
                float(score),
                rank,
                float(cosine),
                float(lexical_scores[row]),
            )
            for rank, ((row, score), cosine) in enumerate(
                zip(top, similarity, strict=True), start=1
            )
        ]


def reciprocal_rank_fusion(
    rankings: Sequence[tuple[Sequence[int], float]], k: float
) -> dict[int, float]:
    """Weighted reciprocal-rank fusion: Σ weight / (k + rank) over the rankings.

    Args:
        rankings: (items best first, weight) per ranking.
        k: the RRF constant; larger flattens the head of each ranking.

    Returns:
        item → fused score (items of any ranking with a positive weight).

    >>> fused = reciprocal_rank_fusion([([7, 3], 1.0), ([3, 9], 0.5)], 30)
    >>> sorted(fused, key=fused.get, reverse=True)
    [3, 7, 9]
    """
    fused: dict[int, float] = {}
    for items, weight in rankings:
        if weight <= 0:
            continue
        for rank, item in enumerate(items, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    if not fused:  # every weight zero: keep the first ranking's order
        for rank, item in enumerate(rankings[0][0] if rankings else (), start=1):
            fused[item] = 1.0 / (k + rank)
    return fused


def _best_rows(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest scores, best first (ties by row), whatever their sign."""
    rows = np.argpartition(-scores, k - 1)[:k] if len(scores) > k else np.arange(len(scores))
    return sorted(rows.tolist(), key=lambda row: (-scores[row], row))


def _top_rows(scores: np.ndarray, k: int) -> list[int]:
    """Rows of the ``k`` highest positive scores, best first (ties by row)."""
    positive = np.flatnonzero(scores > 0)  # ascending, so ties stay by row
    return [int(positive[i]) for i in _best_rows(scores[positive], k)]


def _check_replaceable(directory: Path) -> None:
    """Refuse to replace a folder that holds files but no index (a wrong path, say)."""
    if (
        directory.is_dir()
        and any(directory.iterdir())
        and not (directory / MANIFEST_FILE).is_file()
    ):
        raise ValueError(f"{directory} holds files but no index; refusing to replace it")


def _previous_manifest(directory: Path) -> Manifest | None:
    """The manifest of an index already in ``directory``, if it has a readable one."""
    try:
        return Manifest.read(directory)
    except (OSError, ValueError):
        return None


def _stored_vectors(
    directory: Path, manifest: Manifest | None, embedder: Embedder
) -> tuple[np.ndarray, dict[tuple[str, str], int]]:
    """Vectors of an index in ``directory`` made by the same model, with their rows by (id, hash)."""
    nothing = np.zeros((0, embedder.dimension), np.float32)
    if manifest is None:
        return nothing, {}
    if manifest.model != embedder.name or manifest.dimension != embedder.dimension:
        logger.info(
            "the index in %s was built with %s (%d); re-embedding everything",
            directory,
            manifest.model,
            manifest.dimension,
        )
        return nothing, {}
    try:
        vectors = np.load(directory / VECTORS_FILE, mmap_mode="r")
    except (OSError, ValueError):
        return nothing, {}
    if vectors.shape != (len(manifest.passages), embedder.dimension):
        return nothing, {}
    rows = {(entry.id, entry.hash): row for row, entry in enumerate(manifest.passages)}
    return vectors, rows


def _stored_windows(
    directory: Path, manifest: Manifest | None, embedder: Embedder
) -> SentenceWindows | None:
    """The sentence windows of an index in ``directory`` made by the same model, if they load."""
    if manifest is None or (manifest.model, manifest.dimension) != (embedder.name, embedder.dimension):
        return None
    try:
        return SentenceWindows.load(directory)
    except (OSError, ValueError, KeyError):
        return None


def _stored_lexical(directory: Path) -> LexicalIndex | None:
    """The BM25 index of an index in ``directory``, if it loads."""
    try:
        return LexicalIndex.load(directory / LEXICAL_DIR)
    except (OSError, ValueError, KeyError) as error:
        logger.info("BM25 index in %s not reusable (%s); rebuilding it", directory, error)
        return None


def _read_passages(path: Path) -> list[Passage]:
    with path.open(encoding="utf-8") as lines:
        return [Passage(**json.loads(line)) for line in lines if line.strip()]


def _swap_in(staging: Path, directory: Path) -> None:
    """Replace ``directory`` by ``staging`` (both in the same parent)."""
    if not directory.exists():
        os.replace(staging, directory)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
    retired.rmdir()
    os.replace(directory, retired)
    try:
        os.replace(staging, directory)
    except OSError:
        os.replace(retired, directory)
        raise
    shutil.rmtree(retired, ignore_errors=True)


__all__ = [
    "MANIFEST_FILE",
    "MODES",
    "Candidate",
    "Context",
    "Hit",
    "IndexMismatch",
    "PassageIndex",
    "reciprocal_rank_fusion",
]
