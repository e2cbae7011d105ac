"""The index manifest: what an index directory holds and what it was built with.

``manifest.json`` records the format version, the embedding model and its dimension,
how passages were turned into embedded and lexical text, the dense index kind, and a
content hash of every passage and document. Loading compares it with the running code
and model; a rebuild uses the per-passage hashes to re-embed only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT_VERSION = 2
"""Bumped whenever the files of an index directory change meaning."""

MANIFEST_FILE = "manifest.json"


def content_hash(text: str) -> str:
    """A short, exact (case- and space-sensitive) hash of a text.

    >>> content_hash("Socialnämnden")
    '7159592b00460787'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PassageEntry:
    """One passage as the manifest records it.

    Attributes:
        id: the passage id.
        document: its document's id.
        hash: :func:`content_hash` of the text that was embedded for it.
    """

    id: str
    document: str
    hash: str


@dataclass
class Manifest:
    """What an index directory holds.

    Attributes:
        format_version: :data:`FORMAT_VERSION` of the code that wrote it.
        model: the embedding model's name.
        dimension: the vectors' length.
        chunking: how passages became texts and vectors (:func:`vemgorvad.index.context.chunking`).
        dense_kind: ``flat`` or ``hnsw``.
        passages: every passage in index order, with its content hash.
        documents: document id → hash of its passages' hashes, in order.
        lexical_hash: hash of BM25's parameters and of all texts given to it, in order
            (its index is reused when this is unchanged).
    """

    format_version: int
    model: str
    dimension: int
    chunking: dict[str, Any]
    dense_kind: str
    passages: list[PassageEntry] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)
    lexical_hash: str = ""

    @staticmethod
    def document_hashes(passages: list[PassageEntry]) -> dict[str, str]:
        """Each document's hash, from its passages' ids and hashes in order."""
        grouped: dict[str, list[str]] = {}
        for entry in passages:
            grouped.setdefault(entry.document, []).append(f"{entry.id}\x1f{entry.hash}")
        return {doc: content_hash("\x1e".join(parts)) for doc, parts in grouped.items()}

    def differences(self, expected: dict[str, Any]) -> list[str]:
        """What differs from the expected settings, in words.

        Args:
            expected: values for ``format_version``, ``model``, ``dimension``, ``chunking``.

        Returns:
            One phrase per difference, empty when everything matches.
        """
        found = []
        for key, wanted in expected.items():
            actual = getattr(self, key)
            if actual != wanted:
                found.append(f"{key.replace('_', ' ')} is {actual!r}, expected {wanted!r}")
        return found

    def write(self, directory: Path) -> None:
        """Write ``manifest.json`` into a directory (atomically)."""
        data = asdict(self)
        path = directory / MANIFEST_FILE
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(partial, path)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        """Read ``manifest.json`` from a directory.

        Raises:
            FileNotFoundError: there is none.
            ValueError: it is not a manifest.
        """
        data = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
        try:
            passages = [PassageEntry(**entry) for entry in data.pop("passages")]
            return cls(passages=passages, **data)
        except (KeyError, TypeError) as error:
            raise ValueError(
                f"{directory / MANIFEST_FILE} is not an index manifest: {error}"
            ) from error
