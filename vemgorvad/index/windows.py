"""Sentence windows: every passage embedded sentence by sentence, beside its whole text.

A long statute section or memo paragraph is one vector in the passage index, and a
question about one of its sentences finds it only as well as the average of all of them.
So each passage is also cut into windows (:func:`vemgorvad.corpus.sentences.windows`: its
sentences, short ones joined to a neighbour) and each window embedded alone. A passage
then scores as its best window beside its whole-text vector, and the windows of the best
passages are the sentences an answer quotes.

Every passage gets windows the same way, whatever its document, so no document has more
chances than its text gives it.

Files in the index directory: ``windows.json`` (per window: passage row, start, end; per
passage: the hash of the text the windows were cut from) and ``window_vectors.npy``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.corpus.sentences import windows
from vemgorvad.index.embed import Embedder
from vemgorvad.index.manifest import content_hash

WINDOWS_FILE = "windows.json"
WINDOW_VECTORS_FILE = "window_vectors.npy"
EMBED_BATCH = 256
"""Windows embedded between two progress reports (the encoder batches them by tokens)."""


@dataclass(frozen=True)
class Window:
    """One embedded stretch of a passage: ``passage.text[start:end]``."""

    row: int
    start: int
    end: int


class SentenceWindows:
    """The windows of every passage of an index, with their vectors.

    Attributes:
        windows: every window, grouped by passage row in order.
        vectors: ``(len(windows), dimension)`` float32, L2-normalised.
        hashes: per passage row, the hash of the text its windows were cut from.
    """

    def __init__(self, windows: list[Window], vectors: np.ndarray, hashes: list[str]) -> None:
        self.windows = windows
        self.vectors = vectors
        self.hashes = hashes
        self._rows = np.asarray([w.row for w in windows], dtype=np.int64)
        self._starts = np.flatnonzero(np.r_[True, self._rows[1:] != self._rows[:-1]])
        self._starts = self._starts[self._starts < len(self._rows)]
        self._first_rows = self._rows[self._starts]
        self._by_row: dict[int, list[int]] = {}
        for index, window in enumerate(windows):
            self._by_row.setdefault(window.row, []).append(index)

    @classmethod
    def build(
        cls,
        passages: Sequence[Passage],
        embedder: Embedder,
        previous: SentenceWindows | None = None,
        previous_ids: Sequence[str] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> SentenceWindows:
        """Cut and embed the windows of passages, reusing those of unchanged passages.

        Args:
            passages: the passages, in index order.
            embedder: the model.
            previous: the windows of the index being replaced, if any.
            previous_ids: that index's passage ids, in its order.
            progress: called with (window texts embedded so far, to embed), a text that
                recurs counted once.

        Returns:
            The windows.
        """
        reusable: dict[tuple[str, str], list[int]] = {}
        if previous is not None:
            for row, pid in enumerate(previous_ids):
                if row < len(previous.hashes):
                    reusable[(pid, previous.hashes[row])] = previous._by_row.get(row, [])
        out: list[Window] = []
        sources: list[tuple[str, int] | None] = []  # reused vector index, or None to embed
        texts: list[str] = []
        hashes: list[str] = []
        for row, passage in enumerate(passages):
            key = (passage.id, content_hash(passage.text))
            hashes.append(key[1])
            old = reusable.get(key)
            if old and previous is not None:
                for index in old:
                    window = previous.windows[index]
                    out.append(Window(row, window.start, window.end))
                    sources.append(("old", index))
                continue
            for start, end in windows(passage.text, settings.WINDOW_MIN_CHARS):
                out.append(Window(row, start, end))
                sources.append(None)
                texts.append(passage.text[start:end])
        vectors = np.zeros((len(out), embedder.dimension), np.float32)
        todo = [i for i, source in enumerate(sources) if source is None]
        for i, source in enumerate(sources):
            if source is not None and previous is not None:
                vectors[i] = previous.vectors[source[1]]
        # a window text that recurs (18 of the 1,520 of corpus/) is embedded once
        where: dict[str, list[int]] = {}
        for text, i in zip(texts, todo, strict=True):
            where.setdefault(text, []).append(i)
        unique = sorted(where, key=len)  # like lengths together: less padding
        if progress is not None and unique:
            progress(0, len(unique))
        for start in range(0, len(unique), EMBED_BATCH):
            batch = unique[start : start + EMBED_BATCH]
            for text, vector in zip(batch, embedder.encode_passages(batch), strict=True):
                vectors[where[text]] = vector
            if progress is not None:
                progress(min(start + EMBED_BATCH, len(unique)), len(unique))
        return cls(out, vectors, hashes)

    def save(self, directory: Path) -> None:
        data = {"hashes": self.hashes, "windows": [[w.row, w.start, w.end] for w in self.windows]}
        (directory / WINDOWS_FILE).write_text(json.dumps(data), encoding="utf-8")
        np.save(directory / WINDOW_VECTORS_FILE, self.vectors)

    @classmethod
    def load(cls, directory: Path) -> SentenceWindows:
        """Read the windows of an index directory.

        Raises:
            OSError, ValueError, KeyError: missing or unreadable files.
        """
        data = json.loads((directory / WINDOWS_FILE).read_text(encoding="utf-8"))
        found = [Window(int(r), int(a), int(b)) for r, a, b in data["windows"]]
        vectors = np.load(directory / WINDOW_VECTORS_FILE)
        if len(vectors) != len(found):
            raise ValueError("window vectors and windows disagree")
        return cls(found, vectors, list(data["hashes"]))

    def best(self, query_vector: np.ndarray, passages: int) -> tuple[np.ndarray, np.ndarray]:
        """Every passage's best window cosine with the query, and which window it was.

        Args:
            query_vector: the embedded query.
            passages: how many passage rows there are.

        Returns:
            ``(cosines, window indices)``, one per passage row (-1 and index -1 for a
            passage without windows).
        """
        best = np.full(passages, -1.0, dtype=np.float32)
        which = np.full(passages, -1, dtype=np.int64)
        if not len(self.windows):
            return best, which
        cosines = self.vectors @ query_vector
        best[self._first_rows] = np.maximum.reduceat(cosines, self._starts)
        # the first window of each passage that reaches its best (windows grouped by row)
        hits = np.flatnonzero(cosines >= best[self._rows])
        rows, first = np.unique(self._rows[hits], return_index=True)
        which[rows] = hits[first]
        return best, which

    def of_row(self, row: int) -> list[int]:
        """The window indices of one passage row, in reading order."""
        return self._by_row.get(row, [])

    def cosines(self, query_vector: np.ndarray, indices: Sequence[int]) -> np.ndarray:
        """The query's cosine with some windows."""
        if not indices:
            return np.zeros(0, dtype=np.float32)
        return self.vectors[np.asarray(indices, dtype=np.int64)] @ query_vector
