"""An index directory on disk: its files, what a rebuild may reuse, one atomic swap.

``manifest.json`` (:mod:`vemgorvad.index.manifest`), ``passages.jsonl`` (the passages, in
index order), ``vectors.npy`` (their embeddings, row i = passage i), ``dense.faiss``,
``bm25/`` and the sentence windows' two files. A new index is written into a staging
folder beside the old one and swapped in, so a crash never leaves a mix of the two.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from vemgorvad import settings
from vemgorvad.corpus.model import Passage
from vemgorvad.index.context import analyzer_stamp, chunking
from vemgorvad.index.dense import DenseIndex, DenseKind
from vemgorvad.index.embed import Embedder
from vemgorvad.index.lexical import LexicalIndex
from vemgorvad.index.manifest import MANIFEST_FILE, Manifest, content_hash
from vemgorvad.index.windows import SentenceWindows

logger = logging.getLogger(__name__)

PASSAGES_FILE = "passages.jsonl"
VECTORS_FILE = "vectors.npy"
DENSE_FILE = "dense.faiss"
LEXICAL_DIR = "bm25"


def write(
    directory: Path,
    passages: Sequence[Passage],
    vectors: np.ndarray,
    dense: DenseIndex,
    lexical: LexicalIndex,
    windows: SentenceWindows,
    manifest: Manifest,
) -> None:
    """Write an index into ``directory``, replacing what was there in one swap."""
    check_replaceable(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.new-", dir=directory.parent))
    try:
        with (staging / PASSAGES_FILE).open("w", encoding="utf-8") as out:
            for passage in passages:
                out.write(json.dumps(asdict(passage), ensure_ascii=False) + "\n")
        np.save(staging / VECTORS_FILE, vectors)
        dense.save(staging / DENSE_FILE)
        lexical.save(staging / LEXICAL_DIR)
        windows.save(staging)
        manifest.write(staging)
        staging.chmod(0o755)
        swap_in(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    logger.info("index written to %s", directory)


class Inconsistent(ValueError):
    """The files of an index directory disagree with its manifest or with each other."""


def read(
    directory: Path, manifest: Manifest, dense_kind: DenseKind
) -> tuple[list[Passage], np.ndarray, DenseIndex, LexicalIndex, SentenceWindows]:
    """The files of the index in ``directory``, checked against its manifest.

    Raises:
        Inconsistent: the files hold other passages than the manifest, or differ in size.
        OSError, ValueError, KeyError: a file is missing or unreadable.
    """
    with (directory / PASSAGES_FILE).open(encoding="utf-8") as lines:
        passages = [Passage(**json.loads(line)) for line in lines if line.strip()]
    vectors = np.load(directory / VECTORS_FILE)
    dense = DenseIndex.load(directory / DENSE_FILE, dense_kind)
    lexical = LexicalIndex.load(directory / LEXICAL_DIR)
    windows = SentenceWindows.load(directory)
    sizes = {len(manifest.passages), len(passages), len(vectors), dense.size, lexical.size}
    if len(sizes) != 1 or [p.id for p in passages] != [e.id for e in manifest.passages]:
        raise Inconsistent(f"the files of the index in {directory} disagree with its manifest")
    if len(windows.hashes) != len(passages):
        raise Inconsistent(f"the windows of the index in {directory} disagree with its manifest")
    return passages, vectors, dense, lexical, windows


def lexical_index(
    directory: Path, previous: Manifest | None, texts: Sequence[str]
) -> tuple[LexicalIndex, str]:
    """The BM25 index of the texts: the one in ``directory`` when it indexed the same
    texts with the same BM25 parameters and analysis (the analyser's code, compound
    splitting, derivation), else a new one; with the hash of both (kept in the manifest)."""
    bm25 = (settings.BM25_K1, settings.BM25_B, settings.BM25_METHOD)
    analysis = (settings.MIN_COMPOUND, settings.MIN_PART, settings.MIN_DERIVATION_STEM)
    parameters = " ".join(str(value) for value in (*bm25, *analysis, analyzer_stamp()))
    text_hash = content_hash("\x1e".join([parameters, *texts]))
    if previous is not None and previous.lexical_hash == text_hash:
        stored = stored_lexical(directory)
        if stored is not None:
            return stored, text_hash
    return LexicalIndex.build(texts), text_hash


def reused_vectors(
    directory: Path,
    previous: Manifest | None,
    embedder: Embedder,
    ids: Sequence[str],
    hashes: Sequence[str],
) -> tuple[np.ndarray, list[int]]:
    """The vectors an index already in ``directory`` holds for passages whose embedded
    text is unchanged (by id and hash), and the positions still to embed.

    Returns:
        (``(len(ids), dimension)`` vectors, zero where not reused; positions to embed).
    """
    vectors = np.zeros((len(ids), embedder.dimension), np.float32)
    stored, rows = _stored_vectors(directory, previous, embedder)
    todo = []
    for i, key in enumerate(zip(ids, hashes, strict=True)):
        row = rows.get(key)
        if row is None:
            todo.append(i)
        else:
            vectors[i] = stored[row]
    return vectors, todo


def check_replaceable(directory: Path) -> None:
    """Refuse to replace a folder that holds files but no index (a wrong path, say)."""
    if (
        directory.is_dir()
        and any(directory.iterdir())
        and not (directory / MANIFEST_FILE).is_file()
    ):
        raise ValueError(f"{directory} holds files but no index; refusing to replace it")


def previous_manifest(directory: Path) -> Manifest | None:
    """The manifest of an index already in ``directory``, if it has a readable one."""
    try:
        return Manifest.read(directory)
    except (OSError, ValueError):
        return None


def _made_alike(manifest: Manifest, embedder: Embedder) -> bool:
    """Whether an index's vectors were made as this build would make them: the same model
    and dimension, the same texts, the same embedding code (:func:`context.chunking`)."""
    return (manifest.model, manifest.dimension, manifest.chunking) == (
        embedder.name,
        embedder.dimension,
        chunking(),
    )


def _stored_vectors(
    directory: Path, manifest: Manifest | None, embedder: Embedder
) -> tuple[np.ndarray, dict[tuple[str, str], int]]:
    """Vectors of an index in ``directory`` made by the same model, with their rows by (id, hash)."""
    nothing = np.zeros((0, embedder.dimension), np.float32)
    if manifest is None:
        return nothing, {}
    if not _made_alike(manifest, embedder):
        logger.info(
            "the index in %s was embedded by %s (%d) another way; re-embedding everything",
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


def stored_windows(
    directory: Path, manifest: Manifest | None, embedder: Embedder
) -> SentenceWindows | None:
    """The sentence windows of an index in ``directory`` made by the same model, if they load."""
    if manifest is None or not _made_alike(manifest, embedder):
        return None
    try:
        return SentenceWindows.load(directory)
    except (OSError, ValueError, KeyError):
        return None


def stored_lexical(directory: Path) -> LexicalIndex | None:
    """The BM25 index of an index in ``directory``, if it loads."""
    try:
        return LexicalIndex.load(directory / LEXICAL_DIR)
    except (OSError, ValueError, KeyError) as error:
        logger.info("BM25 index in %s not reusable (%s); rebuilding it", directory, error)
        return None


def swap_in(staging: Path, directory: Path) -> None:
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
