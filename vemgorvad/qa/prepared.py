"""What the answer engine computes once per build and keeps beside it.

Embedding every fact and entity and matching every passage against the graph's labels
take seconds; both are cached beside the build, keyed by everything they depend on, so a
restart reuses them and any change recomputes them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rdflib.namespace import DCTERMS

from vemgorvad.graph.model import Entity, KnowledgeGraph
from vemgorvad.qa import understand
from vemgorvad.vocab import document_iri

logger = logging.getLogger(__name__)

LAW_NUMBER = re.compile(r"(\d{4}:\d+)")


def law_key(iri: str) -> str:
    """What a law IRI or a statute's document id is known by: its SFS number, else itself.

    >>> law_key("https://lagen.nu/2001:453#K5P11"), law_key("SFS 2001:453")
    ('2001:453', '2001:453')
    """
    found = LAW_NUMBER.search(iri)
    return found.group(1) if found else iri


def cached_vectors(embedder: Any, texts: list[str], cache: Path | None) -> np.ndarray:
    """Passage-side vectors of texts, kept beside the build so a restart need not re-embed."""
    key = hashlib.sha256("\x1f".join([embedder.name, *texts]).encode()).hexdigest()
    if cache is not None and cache.exists():
        try:
            with np.load(cache) as stored:
                if str(stored["key"]) == key:
                    return np.asarray(stored["vectors"])
        except (OSError, KeyError, ValueError):
            logger.warning("ignoring unreadable cache %s", cache)
    vectors = embedder.encode_passages(texts) if texts else np.zeros((0, embedder.dimension))
    if cache is not None:
        try:
            temporary = cache.with_suffix(".tmp.npz")
            np.savez(temporary, key=key, vectors=vectors)
            temporary.replace(cache)
        except OSError:
            logger.warning("could not write cache %s", cache)
    return np.asarray(vectors, dtype=np.float32)


def cached_named(
    named_in: Callable[[str], list[str]],
    passages: dict[str, str],
    facts: dict[str, str],
    labels: list[tuple[str | None, ...]],
    cache: Path | None,
) -> dict[str, dict[str, list[str]]]:
    """The entities each passage and each fact's words name, kept beside the build.

    Matching every passage takes a second or two; the cache is keyed by the texts, the
    labels and the matcher's code, so any change to them matches afresh.
    """
    source = Path(understand.__file__).read_bytes()
    key = hashlib.sha256(
        json.dumps([passages, facts, labels], ensure_ascii=False).encode() + source
    ).hexdigest()
    if cache is not None and cache.exists():
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            if stored.get("key") == key:
                return stored["named"]
        except (OSError, ValueError, AttributeError):
            logger.warning("ignoring unreadable cache %s", cache)
    named = {
        "passages": {pid: named_in(text) for pid, text in passages.items()},
        "facts": {iri: named_in(text) for iri, text in facts.items()},
    }
    if cache is not None:
        try:
            temporary = cache.with_suffix(".tmp")
            temporary.write_text(json.dumps({"key": key, "named": named}), encoding="utf-8")
            temporary.replace(cache)
        except OSError:
            logger.warning("could not write cache %s", cache)
    return named


def specificity(named: dict[str, list[str]], passages: int) -> dict[str, float]:
    """How much naming an entity narrows the documents down: 1 for an entity that no
    passage names, towards 0 for one that every passage names (idf over the passages,
    scaled to [0, 1]).

    >>> {iri: round(s, 3) for iri, s in specificity({"p1": ["a", "b"], "p2": ["a"]}, 3).items()}
    {'a': 0.208, 'b': 0.5}
    """
    counts: dict[str, int] = {}
    for iris in named.values():
        for iri in iris:
            counts[iri] = counts.get(iri, 0) + 1
    n = passages + 1
    return {iri: math.log(n / (count + 1)) / math.log(n) for iri, count in sorted(counts.items())}


def document_titles(graph: KnowledgeGraph, documents: set[str]) -> dict[str, str]:
    """Each document's title, as the graph holds it."""
    out = {}
    for document in sorted(documents):
        title = graph.graph.value(document_iri(document), DCTERMS.title)
        out[document] = str(title) if title is not None else ""
    return out


def describe(entity: Entity) -> str:
    names = ", ".join([entity.label, *entity.alt_labels[:6]])
    return f"{names}. {entity.definition or ''}".strip()
