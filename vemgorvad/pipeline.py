"""Building the graph and the index from the corpus, and loading what was built.

One build is a folder ``build/releases/<id>/`` holding ``graph.nt``, ``index/`` and
``manifest.json``; ``build/current`` is a symbolic link to the build in use. A new build
is written beside it and the link is swapped in one atomic rename only when everything
is written, so an interrupted or failed build leaves the previous one serving.

A build is skipped when nothing it depends on changed: the bytes of every document and
its metadata, the ontology, the curated facts, the embedding model's name and the build
format are hashed into a fingerprint kept in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from vemgorvad import settings
from vemgorvad.corpus.load import META_SUFFIX, DocumentError, document_files, load_corpus
from vemgorvad.corpus.model import Document

if TYPE_CHECKING:
    from vemgorvad.index.search import Context

logger = logging.getLogger(__name__)

BUILD_FORMAT = 1
"""Bump when the layout of a build changes, so older builds are rebuilt."""

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a build runs."""


class BuildError(Exception):
    """A build that could not be made; the previous build, if any, stays in place."""


@dataclass
class BuildResult:
    """What a build did."""

    path: Path
    rebuilt: bool
    seconds: float
    documents: int = 0
    passages: int = 0
    triples: int = 0
    errors: list[str] = field(default_factory=list)


def _hash_files(paths: list[Path], root: Path) -> dict[str, str]:
    out = {}
    for path in paths:
        out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _builder_sources() -> list[Path]:
    """The code and data that turn documents into a build: a change to them rebuilds."""
    package = Path(__file__).parent
    sources = [Path(__file__), package / "text.py"]
    for floor in ("corpus", "legal", "graph", "index"):
        sources += sorted(
            p for p in (package / floor).rglob("*") if p.suffix in (".py", ".tsv", ".txt", ".json")
        )
    return sources


def fingerprint(corpus: Path) -> dict[str, object]:
    """Everything a build depends on, as hashes: documents, ontology, facts, builder code,
    model and format."""
    from vemgorvad.graph.build import facts_files

    documents = document_files(corpus) if corpus.is_dir() else []
    metas = [p.with_name(p.name + META_SUFFIX) for p in documents]
    metas += [p.with_suffix(META_SUFFIX) for p in documents]
    inputs = {
        "format": BUILD_FORMAT,
        "model": settings.model_name(),
        "corpus": _hash_files(documents + [m for m in metas if m.exists()], corpus),
        "ontology": hashlib.sha256(settings.ONTOLOGY.read_bytes()).hexdigest(),
        "facts": _hash_files(facts_files(), settings.ROOT),
        "code": _hash_files(_builder_sources(), settings.ROOT),
    }
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return {"fingerprint": digest, "inputs": inputs}


def current_build(build: Path | None = None) -> Path | None:
    """The folder of the build in use, or None when nothing was built yet."""
    link = (build or settings.build_dir()) / "current"
    return link.resolve() if link.exists() else None


def read_manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def build(
    corpus: Path | None = None,
    build_root: Path | None = None,
    *,
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build graph and index from the corpus, unless the current build is up to date.

    Args:
        corpus: the corpus folder (default: settings).
        build_root: the build folder (default: settings).
        strict: stop at the first unreadable document instead of skipping it.
        force: rebuild even when nothing changed.
        progress: reports progress as ``(stage, done, total)``.

    Returns:
        What was built (or found up to date).

    Raises:
        BuildError: the build failed; the previous build stays in use.
    """
    started = time.perf_counter()
    corpus = corpus or settings.corpus_dir()
    build_root = build_root or settings.build_dir()
    report = progress or (lambda stage, done, total: None)
    try:
        stamp = fingerprint(corpus)
    except (OSError, DocumentError) as error:
        raise BuildError(str(error)) from error
    existing = current_build(build_root)
    if existing and not force:
        try:
            manifest = read_manifest(existing)
        except (OSError, json.JSONDecodeError):
            manifest = {}
        # graph store: a SPARQL endpoint, if one is set, must hold this build's graph too
        if manifest.get("fingerprint") == stamp["fingerprint"] and _store_holds(manifest):
            return BuildResult(existing, rebuilt=False, seconds=time.perf_counter() - started)

    releases = build_root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    staging = releases / f".staging-{os.getpid()}-{time.time_ns()}"
    try:
        result = _build_into(staging, corpus, existing, strict, report, stamp)
        final = releases / str(stamp["fingerprint"])[:16]
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
        _point_current(build_root, final)
    except BuildError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"build failed: {error}") from error
    _prune(releases, keep=final)
    result.path = final
    result.seconds = time.perf_counter() - started
    return result


def _build_into(
    staging: Path,
    corpus: Path,
    previous: Path | None,
    strict: bool,
    report: Progress,
    stamp: dict[str, object],
) -> BuildResult:
    from vemgorvad.graph.build import FactError, build_graph
    from vemgorvad.graph.extract import link_mentions
    from vemgorvad.graph.statements import extract_statements
    from vemgorvad.index.embed import load_embedder
    from vemgorvad.index.search import PassageIndex

    staging.mkdir(parents=True)
    files = document_files(corpus) if corpus.is_dir() else []
    counter = iter(range(1, len(files) + 1))
    try:
        loaded = load_corpus(
            corpus,
            strict=strict,
            on_document=lambda p: report("documents", next(counter), len(files)),
        )
    except DocumentError as error:
        raise BuildError(str(error)) from error
    documents: list[Document] = loaded.documents
    if not documents:
        raise BuildError(f"{corpus}: no readable documents")
    passages = [p for d in documents for p in d.passages]

    report("graph", 0, 2)
    try:
        graph = build_graph(documents)
    except FactError as error:
        raise BuildError(str(error)) from error
    report("graph", 1, 2)
    extraction = link_mentions(graph, documents)
    logger.info("extraction: %s", extraction.summary())
    statements = extract_statements(graph, documents)  # duties and relationships, by rule
    logger.info("statements: %s", statements.summary())
    graph.serialize(destination=staging / "graph.nt", format="nt", encoding="utf-8")
    report("graph", 2, 2)

    index_dir = staging / "index"
    if previous and (previous / "index").is_dir():
        shutil.copytree(previous / "index", index_dir)  # reuse vectors of unchanged passages
    embedder = load_embedder()
    PassageIndex.build(
        passages,
        index_dir,
        embedder,
        progress=lambda done, total: report("index", done, total),
        contexts=passage_contexts(graph, documents),
        window_progress=lambda done, total: report("sentences", done, total),
    )
    published = _publish(staging, str(stamp["fingerprint"]))  # graph store; {} if embedded
    errors = [str(error) for error in loaded.errors]
    manifest = {
        **stamp,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "path": d.path,
                "sha256": d.sha256,
                "passages": len(d.passages),
            }
            for d in documents
        ],
        "passages": len(passages),
        "triples": len(graph),
        "model": embedder.name,
        "errors": errors,
        **published,
    }
    (staging / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return BuildResult(staging, True, 0.0, len(documents), len(passages), len(graph), errors)


def heading(document: Document, section: str | None) -> list[str]:
    """What stands above a passage: its document's title, and its section heading when that
    is not the title itself (the index reads them before the text)."""
    return [document.title] + ([section] if section and section != document.title else [])


def passage_contexts(graph: Graph, documents: list[Document]) -> dict[str, Context]:
    """What the build knows of each passage besides its text, the same for every document.

    The dense side gets the document's title and the section heading before the text;
    the lexical side gets those and the names of what the graph knows the passage refers
    to: the preferred labels of the regulations and provisions it cites (so a section
    citing "4 kap. 1 a § brottsbalken" is also found by "människohandel") and of the
    actors it mentions. The measurements that chose this are in ``settings``.

    Args:
        graph: the built graph, with mentions and citations linked.
        documents: the loaded documents.

    Returns:
        passage id → its context.
    """
    from vemgorvad.index.search import Context
    from vemgorvad.vocab import VGV, passage_iri

    def label(node: object) -> str | None:
        labels = [o for o in graph.objects(node, SKOS.prefLabel) if isinstance(o, Literal)]  # type: ignore[arg-type]
        swedish = [str(o) for o in labels if o.language in ("sv", None)]
        return swedish[0] if swedish else None

    out: dict[str, Context] = {}
    for document in documents:
        for passage in document.passages:
            head = heading(document, passage.section)
            node = passage_iri(passage.id)
            names: list[str] = []
            for predicate in (VGV.cites, VGV.mentions):
                for target in sorted(graph.objects(node, predicate), key=str):
                    name = label(target)
                    if name and name not in names:
                        names.append(name)
            dense = ". ".join(head) if settings.CONTEXT_FOR_DENSE else ""
            lexical = ". ".join(head + names) if settings.CONTEXT_FOR_LEXICAL else ""
            out[passage.id] = Context(dense=dense, lexical=lexical)
    return out


def _point_current(build_root: Path, target: Path) -> None:
    link = build_root / "current"
    temporary = build_root / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target.relative_to(build_root))
    os.replace(temporary, link)  # atomic: readers see the old build or the new one


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prune(releases: Path, keep: Path) -> None:
    """Remove older builds, and the staging folders of builds whose process died."""
    for path in releases.iterdir():
        if path == keep or not path.is_dir():
            continue
        if path.name.startswith(".staging-"):
            pid = path.name.split("-")[1]
            if pid.isdigit() and _alive(int(pid)):
                continue  # another build is still writing there
        shutil.rmtree(path, ignore_errors=True)


# --- graph store (vemgorvad.graph.store): graph.nt in the build folder, and a SPARQL
# endpoint's named graph when VEMGORVAD_STORE=sparql ----------------------------------


def load_graph(path: Path) -> Graph:
    """The graph of a build folder, from the configured graph store: the folder's
    ``graph.nt`` (embedded, the default) or the endpoint's named graph, checked to be
    this build's (see :mod:`vemgorvad.graph.store`), with the project's prefixes bound.

    Raises:
        OSError: the graph cannot be read (``StoreError`` for the endpoint).
        ValueError: the store settings are wrong.
    """
    from vemgorvad.graph.store_factory import create_store

    return create_store().read(path)


def _store_holds(manifest: dict) -> bool:
    """Whether the configured store holds the graph of the build with this manifest
    (always true for the embedded store; one ASK query for an endpoint)."""
    from vemgorvad.graph.store import StoreError
    from vemgorvad.graph.store_factory import create_store

    try:
        return create_store().holds(manifest)
    except (StoreError, ValueError) as error:
        raise BuildError(str(error)) from error


def _publish(staging: Path, fingerprint: str) -> dict[str, object]:
    """Write the staged graph to the configured store; returns the manifest's entries."""
    from vemgorvad.graph.store import StoreError
    from vemgorvad.graph.store_factory import create_store

    try:
        return create_store().publish(staging, fingerprint)
    except (StoreError, ValueError) as error:
        raise BuildError(f"cannot write the graph to the store: {error}") from error
