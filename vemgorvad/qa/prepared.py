"""What the answer engine computes once per build and keeps beside it.

Embedding every fact and entity and matching every passage against the graph's labels
take seconds; both are cached beside the build, keyed by everything they depend on, so a
restart reuses them and any change recomputes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from rdflib import URIRef
from rdflib.namespace import DCTERMS

from vemgorvad.graph.actor_names import place_of
from vemgorvad.graph.model import Entity, KnowledgeGraph
from vemgorvad.legal import parse as parse_citations
from vemgorvad.qa import understand
from vemgorvad.vocab import VGV, document_iri, passage_iri

logger = logging.getLogger(__name__)

LAW_NUMBER = understand.LAW_NUMBER
law_key = understand.law_key


def cached_vectors(embedder: Any, texts: list[str], cache: Path | None) -> np.ndarray:
    """Passage-side vectors of texts, kept beside the build so a restart need not re-embed.

    The cache holds one vector per text, keyed by the model and the text, so a build that
    adds a document embeds only its new facts; a build with no cache yet borrows the
    vectors of the newest build beside it (``releases/<id>/``) that has one.
    """
    keys = [_text_key(embedder.name, text) for text in texts]
    known = _stored_vectors(cache)
    if cache is not None and not known:
        for other in _newest_first(cache.parent.parent.glob(f"*/{cache.name}")):
            known = _stored_vectors(other)
            if known:
                break
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    missing = sorted({key: i for i, key in enumerate(keys) if key not in known}.values())
    if missing:
        found = embedder.encode_passages([texts[i] for i in missing])
        known.update({keys[i]: vector for i, vector in zip(missing, found, strict=True)})
    for i, key in enumerate(keys):
        vectors[i] = known[key]
    if cache is not None and (missing or not cache.exists()):
        try:
            temporary = cache.with_suffix(".tmp.npz")
            mine = sorted(set(keys))
            kept = np.zeros((len(mine), embedder.dimension), dtype=np.float32)
            for row, key in enumerate(mine):
                kept[row] = known[key]
            np.savez(temporary, keys=np.asarray(mine), vectors=kept)
            temporary.replace(cache)
        except OSError:
            logger.warning("could not write cache %s", cache)
    return vectors


def _newest_first(paths: Iterable[Path]) -> list[Path]:
    """Files newest first; one removed meanwhile (another build cleaning up) is left out."""
    dated = []
    for path in paths:
        with contextlib.suppress(OSError):
            dated.append((path.stat().st_mtime, path))
    return [path for _, path in sorted(dated, reverse=True)]


def _text_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\x1f{text}".encode()).hexdigest()


def _stored_vectors(cache: Path | None) -> dict[str, np.ndarray]:
    """The vectors a cache file holds by key (empty when it is missing or unreadable)."""
    if cache is None or not cache.exists():
        return {}
    try:
        with np.load(cache) as stored:
            return dict(zip(stored["keys"].tolist(), np.asarray(stored["vectors"]), strict=True))
    except (OSError, KeyError, ValueError):
        logger.warning("ignoring unreadable cache %s", cache)
        return {}


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


def document_places(graph: KnowledgeGraph, documents: set[str]) -> dict[str, str]:
    """The place of each document of a municipality ("Uppsala" for "Uppsala kommun", its
    ``dcterms:spatial``: the issuer's or the one it names); a statute has none."""
    out = {}
    for document in sorted(documents):
        municipality = graph.graph.value(document_iri(document), DCTERMS.spatial)
        if municipality is not None:
            out[document] = place_of(str(municipality))
    return out


def regulation_kinds(graph: KnowledgeGraph, iri: str) -> frozenset[str]:
    """Every kind a regulation is (a concept's local name): barnkonventionen is a
    convention and, as SFS 2018:1197, a law."""
    return frozenset(
        str(kind).rsplit("#", 1)[-1] for kind in graph.graph.objects(URIRef(iri), VGV.regulationKind)
    )


def passage_laws(graph: KnowledgeGraph, passages: dict[str, str]) -> dict[str, frozenset[str]]:
    """The law each passage is the text of: its statute (``vgv:hasText``) and its provision
    (``vgv:passage``), so that a section refers to its own act as a memo citing it does.

    Args:
        graph: the knowledge graph.
        passages: passage id → its document id.
    """
    acts = {
        document: frozenset(
            str(act) for act in graph.graph.subjects(VGV.hasText, document_iri(document))
        )
        for document in set(passages.values())
    }
    return {
        pid: acts[document]
        | frozenset(str(p) for p in graph.graph.subjects(VGV.passage, passage_iri(pid)))
        for pid, document in passages.items()
    }


def sections_cited(target: str, words: str) -> set[str]:
    """The sections a citation names: its target down to the section, and when the
    target is a whole act (the graph holds no node for the section), the sections its
    words cite within that act.

    >>> sorted(sections_cited("https://lagen.nu/1962:700", "3 kap. 5 §"))
    ['https://lagen.nu/1962:700', 'https://lagen.nu/1962:700#K3P5']
    """
    found = {understand.section_of(target)}
    if "#" not in target and words and (number := LAW_NUMBER.search(target)):
        found |= {
            understand.section_of(ref.target)
            for ref in parse_citations(words, base=number.group(1))
            if ref.section and ref.target
        }
    return found


def describe(entity: Entity) -> str:
    names = ", ".join([entity.label, *entity.alt_labels[:6]])
    return f"{names}. {entity.definition or ''}".strip()
