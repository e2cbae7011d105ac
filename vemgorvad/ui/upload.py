"""Adding a document from the app: checked, put in the corpus, built, and what it brought.

Only with ``vemgorvad serve --allow-upload``. :meth:`Uploader.add` takes a file (txt, md,
pdf, docx) and either adds it or refuses it with nothing changed:

1. it is refused when it is of a kind the corpus does not read, larger than
   :data:`vemgorvad.settings.UPLOAD_MAX_BYTES`, unreadable (read by the corpus loader,
   :func:`vemgorvad.corpus.load.load_document`, as the build will read it), or a duplicate:
   a file of that name, the same bytes, a document with the same id (a statute's SFS
   number), or text whose every passage the corpus already holds;
2. it is written into the corpus folder (with a ``.meta.json`` sidecar when a title is
   given), and :func:`vemgorvad.pipeline.build` rebuilds — only what changed: the
   vectors of unchanged passages are reused;
3. a new answer engine is loaded over the new build and handed to ``publish`` (the app
   swaps it in); the old one answers until then.

When the build or the new engine fails, the file is removed from the corpus again and the
build in use stays as it was (a build that failed never replaces it; if the new one was
already in place, the corpus without the file is built again). One upload runs at a time:
a second one is refused while a build runs (the app's queue makes uploads wait their turn
instead), and a lock file in the build folder keeps two servers from building at once.

Nothing here imports Gradio: the Källa tab (:mod:`vemgorvad.ui.tabs.others`) calls it and
:mod:`vemgorvad.ui.views.upload` renders what it returns.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal
from rdflib.namespace import DCTERMS

from vemgorvad import pipeline, settings
from vemgorvad.corpus.load import (
    META_SUFFIX,
    SUFFIXES,
    DocumentError,
    document_files,
    load_document,
)
from vemgorvad.corpus.model import Document
from vemgorvad.text import normalize_space
from vemgorvad.ui import upload_report

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``: the build's stages (``documents``,
``graph``, ``index``, ``sentences``), then ``answers`` while the new engine loads and
``views`` while it is published."""

LOCK_FILE = ".upload.lock"
"""In the build folder: held while an upload builds, by whichever server runs it."""

UNREADABLE = (
    ("the file is empty", "empty"),
    ("binary content", "binary"),
    ("not text in any known encoding", "binary"),
    ("the PDF has no text layer", "no_text_layer"),
    ("not a readable PDF", "corrupt"),
    ("not a readable Word document", "corrupt"),
    ("no passages", "no_text"),
    ("a statute header but no sections", "no_text"),
)
"""The corpus loader's reasons (:class:`DocumentError`) → the refusal the page explains
in its own language; any other reason is ``unreadable`` with the loader's words."""

REFUSALS = (
    "kind",
    "name",
    "too_large",
    "empty",
    "binary",
    "no_text_layer",
    "corrupt",
    "no_text",
    "unreadable",
    "duplicate_name",
    "duplicate_content",
    "duplicate_id",
    "busy",
    "build_failed",
    "load_failed",
)
"""Every reason an upload can end without the document; each has its sentence in the
locale files (``upload_refused_<reason>``)."""


class UploadRefused(Exception):
    """An upload that did not add its document; the corpus and the build in use are as
    they were.

    Attributes:
        reason: one of :data:`REFUSALS`.
        details: what the message names (``name``, ``existing``, ``size``, ``error`` …).
    """

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(f"{reason}: {details}")
        self.reason = reason
        self.details = details

    def naming(self, name: str) -> UploadRefused:
        """The refusal, naming the file when it does not yet."""
        self.details.setdefault("name", name)
        return self


@dataclass
class Added:
    """A document that entered the corpus, the graph and the index."""

    document: Document
    path: Path
    engine: Any
    report: dict[str, Any]
    seconds: float
    build: Path = field(default_factory=Path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unreadable(error: DocumentError) -> UploadRefused:
    """The refusal of a file the corpus loader cannot read."""
    for start, reason in UNREADABLE:
        if error.reason.startswith(start):
            return UploadRefused(reason, detail=error.reason)
    return UploadRefused("unreadable", detail=error.reason)


@contextlib.contextmanager
def _build_lock(build_root: Path) -> Iterator[bool]:
    """Hold the build folder's upload lock if no other process does; yields whether held."""
    build_root.mkdir(parents=True, exist_ok=True)
    with (build_root / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Uploader:
    """Adds uploaded documents to one corpus and its build, one at a time.

    Args:
        current: the engine in use (its passages are what the corpus holds now).
        publish: called with the new engine once it is loaded, before the lock is let go.
        corpus: the corpus folder (default: settings).
        build_root: the build folder (default: settings).
        load_engine: loads the engine of a build folder (default:
            :meth:`vemgorvad.qa.answer.Engine.load`).
    """

    def __init__(
        self,
        current: Callable[[], Any],
        publish: Callable[[Any], None],
        corpus: Path | None = None,
        build_root: Path | None = None,
        load_engine: Callable[[Path], Any] | None = None,
    ) -> None:
        self.current = current
        self.publish = publish
        self.corpus = corpus or settings.corpus_dir()
        self.build_root = build_root or settings.build_dir()
        self.load_engine = load_engine or _load_engine
        self._lock = threading.Lock()

    # --- the checks ------------------------------------------------------------------

    def check_file(self, source: Path, name: str) -> None:
        """Refuse a file by its name, kind and size, before it is read.

        Raises:
            UploadRefused: ``name``, ``kind``, ``too_large`` or ``duplicate_name``.
        """
        if not name or name.startswith(".") or name != Path(name).name:
            raise UploadRefused("name", name=name)
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES or name.lower().endswith(META_SUFFIX):
            raise UploadRefused("kind", name=name, kinds=", ".join(s[1:] for s in SUFFIXES))
        try:
            size = source.stat().st_size
        except OSError as error:
            raise UploadRefused("unreadable", name=name, detail=error.strerror) from error
        if size > settings.UPLOAD_MAX_BYTES:
            raise UploadRefused(
                "too_large", name=name, size=size, limit=settings.UPLOAD_MAX_BYTES
            )
        taken = self.corpus / name
        same = [p for p in self._documents() if p.name.casefold() == name.casefold()]
        if taken.exists() or taken.is_symlink() or _sidecar(taken).exists() or same:
            existing = same[0] if same else taken
            raise UploadRefused("duplicate_name", name=name, existing=self._relative(existing))

    def check_document(self, source: Path, document: Document) -> None:
        """Refuse a readable document the corpus already holds.

        Raises:
            UploadRefused: ``duplicate_content`` (the same bytes, or every passage's text
                already in the corpus) or ``duplicate_id``.
        """
        digest = _sha256(source)
        for path in self._documents():
            if path.stat().st_size == source.stat().st_size and _sha256(path) == digest:
                raise UploadRefused("duplicate_content", existing=self._relative(path))
        engine = self.current()
        built = {p.document for p in engine.passages.values()}
        if document.id in built:
            raise UploadRefused("duplicate_id", id=document.id, existing=self._title(document.id))
        held: dict[str, str] = {}
        for passage in engine.passages.values():
            held.setdefault(normalize_space(passage.text).casefold(), passage.document)
        found = [held.get(normalize_space(p.text).casefold()) for p in document.passages]
        if found and all(found):
            existing = max(set(found), key=found.count)
            raise UploadRefused("duplicate_content", existing=self._title(str(existing)))

    def _documents(self) -> list[Path]:
        return document_files(self.corpus) if self.corpus.is_dir() else []

    def _relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.corpus))
        except ValueError:
            return path.name

    def _title(self, document_id: str) -> str:
        graph = self.current().graph.graph
        for node in graph.subjects(DCTERMS.identifier, Literal(document_id)):
            title = graph.value(node, DCTERMS.title)
            if title is not None and str(title) != document_id:
                return f"{title} ({document_id})"
        return document_id

    # --- adding ----------------------------------------------------------------------

    def add(
        self,
        source: Path,
        *,
        name: str | None = None,
        title: str | None = None,
        progress: Progress | None = None,
    ) -> Added:
        """Check a file, add it to the corpus, build, load and publish the new engine.

        Args:
            source: the uploaded file (left where it is).
            name: the file name to give it in the corpus (default: ``source``'s).
            title: the document's title, kept in its ``.meta.json`` (optional).
            progress: reports ``(stage, done, total)``.

        Returns:
            What was added and what it brought into the graph.

        Raises:
            UploadRefused: the file was refused, or the build failed; nothing changed.
        """
        report = progress or (lambda stage, done, total: None)
        name = name if name is not None else source.name
        if not self._lock.acquire(blocking=False):
            raise UploadRefused("busy", name=name)
        try:
            with _build_lock(self.build_root) as held:
                if not held:
                    raise UploadRefused("busy")
                return self._add(source, name, (title or "").strip(), report)
        except UploadRefused as refusal:
            refusal.naming(name)
            raise
        finally:
            self._lock.release()

    def _add(self, source: Path, name: str, title: str, report: Progress) -> Added:
        started = time.perf_counter()
        self.check_file(source, name)
        with tempfile.TemporaryDirectory(prefix="vgv-upload-") as folder:
            staged = Path(folder) / name
            shutil.copyfile(source, staged)
            if title:
                _write_meta(staged, title)
            try:
                document = load_document(staged, Path(folder))
            except DocumentError as error:
                raise unreadable(error) from error
            self.check_document(staged, document)
            target = self.corpus / name
            written = self._place(staged, target, title)
        before = self.current()
        failure = "build_failed"
        try:
            path = self._build(report)
            if document.id not in _built_ids(path):
                raise UploadRefused("build_failed", error=f"{document.id} is not in the build")
            failure = "load_failed"
            report("answers", 0, 1)
            engine = self.load_engine(path)
            report("answers", 1, 1)
            passages = [p for p in engine.passages.values() if p.document == document.id]
            summary = upload_report.document_report(engine.graph, passages, before.graph, document.sfs)
            report("views", 0, 1)
            self.publish(engine)
            report("views", 1, 1)
        except UploadRefused:
            self._take_back(written, document.id)
            raise
        except Exception as error:
            logger.exception("adding %s failed", target)
            self._take_back(written, document.id)
            raise UploadRefused(failure, error=str(error) or type(error).__name__) from error
        seconds = time.perf_counter() - started
        logger.info("added %s (%s) in %.1f s", target, document.id, seconds)
        return Added(document, target, engine, summary, seconds, path)

    def _place(self, staged: Path, target: Path, title: str) -> list[Path]:
        """Write the staged file, and its sidecar when there is a title, into the corpus,
        each in one rename (the build never reads half a file); returns what was written."""
        pairs = [(staged, target)]
        if title:
            pairs.insert(0, (_sidecar(staged), _sidecar(target)))
        written: list[Path] = []
        try:
            self.corpus.mkdir(parents=True, exist_ok=True)
            for source, destination in pairs:
                temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
                shutil.copyfile(source, temporary)
                os.replace(temporary, destination)
                written.append(destination)
        except OSError as error:
            self._remove(written)
            raise UploadRefused("build_failed", error=f"cannot write to the corpus ({error})") from error
        return written

    def _build(self, report: Progress) -> Path:
        try:
            result = pipeline.build(self.corpus, self.build_root, progress=report)
        except pipeline.BuildError as error:
            raise UploadRefused("build_failed", error=str(error)) from error
        return result.path

    def _remove(self, paths: Iterable[Path]) -> None:
        for path in paths:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                logger.exception("could not remove %s from the corpus", path)

    def _take_back(self, written: list[Path], document_id: str) -> None:
        """Remove what was written; if a build with the document is in place on disk
        (the engine over it failed), build the corpus without it again, so that a restart
        serves what is served now."""
        self._remove(written)
        path = pipeline.current_build(self.build_root)
        try:
            if path is not None and document_id in _built_ids(path):
                logger.warning("%s holds %s: building the corpus without it", path, document_id)
                pipeline.build(self.corpus, self.build_root)
        except (pipeline.BuildError, OSError, ValueError):
            logger.exception("could not build the corpus again without %s", document_id)


def _sidecar(document: Path) -> Path:
    return document.with_name(document.name + META_SUFFIX)


def _write_meta(document: Path, title: str) -> None:
    _sidecar(document).write_text(json.dumps({"title": title}, ensure_ascii=False), encoding="utf-8")


def _built_ids(path: Path) -> list[str]:
    return [str(d["id"]) for d in pipeline.read_manifest(path).get("documents", [])]


def _load_engine(path: Path) -> Any:
    from vemgorvad.qa.answer import Engine

    return Engine.load(path)


# --- what entered the graph ------------------------------------------------------------------
