"""Loading the documents of a corpus folder: txt, md, pdf, docx and SFST statute texts.

Any file with one of those endings below the folder is a document. Its metadata comes
from a sidecar ``<file>.meta.json`` when there is one (``id``, ``title``, ``date``,
``issuer``, ``kind`` and any other string fields), from the SFST header of a statute, or
from the file itself (name and first heading). A file that cannot be read raises
:class:`DocumentError` naming it; :func:`load_corpus` collects those so that the other
documents still load, or stops at the first when asked to be strict.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vemgorvad.corpus.model import Document, Passage
from vemgorvad.corpus.passages import (
    Block,
    clean_inline,
    looks_like_heading,
    passages_from_blocks,
    prose_blocks,
    read_statute_header,
    statute_passages,
    statute_text,
    table_rows,
)

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", ".pdf", ".docx")
META_SUFFIX = ".meta.json"
MAX_BYTES = 16 * 1024 * 1024
"""Larger files are refused with a message: a memo or a consolidated statute is well under
1 MiB, and a build embeds every passage of what it reads."""


class DocumentError(Exception):
    """A document that cannot be read; the message names the file and says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class LoadReport:
    """The documents that loaded and the errors of those that did not."""

    documents: list[Document] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)


def decode_text(data: bytes, path: Path | str) -> str:
    """Decode a text file: UTF-8 when it is, else the detected legacy encoding (cp1252 …).

    Raises:
        DocumentError: the bytes are binary or no encoding reads them.
    """
    if b"\x00" in data[:65536]:
        raise DocumentError(path, "binary content (NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "latin_1", "iso8859_15", "utf_16"]).best()
    if best is None:
        raise DocumentError(path, "not text in any known encoding")
    logger.info("%s: read as %s", path, best.encoding)
    return str(best)


def _read_pdf(path: Path) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = line_spaced([_page_text(page) for page in reader.pages])
        info: dict[str, object] = dict(reader.metadata or {})
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise DocumentError(path, f"not a readable PDF ({error})") from error
    text = "\n\n".join(without_running_lines(pages))
    if not text.strip():
        raise DocumentError(path, "the PDF has no text layer (a scan?); run OCR on it first")
    title = str(info.get("/Title") or "").strip()
    return text, ({"title": title} if _real_title(title) else {})


def _real_title(title: str) -> bool:
    """Whether a PDF's or Word document's title property names the document, not the file
    or program it was made from ("Microsoft Word - pm.docx", "Dokument1").

    >>> _real_title("Tjänsteskrivelse om prostitution"), _real_title("Microsoft Word - pm.docx")
    (True, False)
    >>> _real_title("Dokument1"), _real_title("untitled")
    (False, False)
    """
    plain = title.strip().casefold()
    return bool(plain) and not (
        plain.startswith(("microsoft word", "microsoft powerpoint"))
        or re.search(r"\.(docx?|pdf|odt|rtf|txt)$", plain)
        or re.fullmatch(r"(dokument|document|untitled|namnlös)\s*\d*", plain)
    )


def line_spaced(pages: list[str]) -> list[str]:
    """PDF pages with a blank line between paragraphs only, whatever the line spacing.

    Laid out, a page set with wide line spacing has a blank line between every two
    lines of a paragraph and two between paragraphs; read as it is, each line was a
    paragraph of its own (the memo printed double-spaced gave 58 of its 73 passages).
    The gap the pages leave most often before a line that goes on in lower case (inside
    a paragraph, then) is the line spacing; a wider one is a paragraph's end.

    >>> line_spaced(["Ett\\n\\nstycke.\\n\\n\\nEtt\\n\\nannat."])
    ['Ett\\nstycke.\\n\\nEtt\\nannat.']
    >>> line_spaced(["Rubrik\\n\\nEtt\\nstycke.\\n\\nEtt annat."])  # single spacing: as it is
    ['Rubrik\\n\\nEtt\\nstycke.\\n\\nEtt annat.']
    """
    gaps: dict[int, int] = {}
    for page in pages:
        for run in re.findall(r"(?<=\S)\n((?:[ \t]*\n)*)(?=[ \t]*[a-zåäö])", page):
            gaps[run.count("\n")] = gaps.get(run.count("\n"), 0) + 1
    spacing = max(gaps, key=lambda gap: (gaps[gap], -gap)) if gaps else 0
    if spacing == 0:
        return pages
    return [
        re.sub(
            r"(?<=\S)[ \t]*\n((?:[ \t]*\n)*)(?=[ \t]*\S)",
            lambda run: "\n" if run.group(1).count("\n") <= spacing else "\n\n",
            page,
        )
        for page in pages
    ]


RUNNING_LINES = 3
"""How many lines at the top and at the foot of a PDF page may be its running header or
footer."""


def without_running_lines(pages: list[str]) -> list[str]:
    """PDF pages without their running header and footer: a line among the first or last
    ``RUNNING_LINES`` of more than half of the pages (both of two), its figures aside
    ("Sida 2 (12)", the letterhead), unless it ends a sentence. Left in, the letterhead
    was glued to a paragraph on every page.

    >>> pages = [f"Uppsala kommun\\n{text}\\n\\nSida {n} (3)"
    ...          for n, text in enumerate(["Bakgrund.", "Ansvar.", "Förslag."], start=1)]
    >>> without_running_lines(pages)[1]
    'Ansvar.\\n'
    >>> without_running_lines(pages[:2])[0]
    'Bakgrund.\\n'
    """
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", " ".join(line.split()))

    def edges(page: str) -> set[str]:
        lines = [line for line in page.splitlines() if line.strip()]
        return {key(line) for line in lines[:RUNNING_LINES] + lines[-RUNNING_LINES:]}

    counts: dict[str, int] = {}
    for page in pages:
        for line in edges(page):
            counts[line] = counts.get(line, 0) + 1
    # a sentence is no running line, however often it recurs ("Lag (2018:651).")
    running = {
        line for line, count in counts.items() if count > len(pages) / 2 and not line.endswith(".")
    }
    if not running:
        return pages
    kept = []
    for page in pages:
        lines = page.splitlines()
        filled = [index for index, line in enumerate(lines) if line.strip()]
        edge = set(filled[:RUNNING_LINES] + filled[-RUNNING_LINES:])
        kept.append("\n".join(
            line for index, line in enumerate(lines) if index not in edge or key(line) not in running
        ))
    return kept


def _page_text(page) -> str:  # type: ignore[no-untyped-def]
    """A PDF page's text as laid out on the page: a blank line where the page leaves a gap
    between paragraphs. pypdf's plain extraction gives only the printed lines, so a memo's
    page was one passage (4 passages of up to 12,000 characters for the 73 of its text
    file); laid out, the memo printed to a PDF gives 72 of them word for word."""
    from pypdf.errors import PdfReadError

    try:
        text = page.extract_text(extraction_mode="layout") or ""
    except (PdfReadError, ValueError, KeyError, TypeError, ZeroDivisionError):
        text = ""  # a page layout mode cannot read is read line by line
    if not text.strip():
        text = page.extract_text() or ""
    return "\n".join(line.strip() for line in text.splitlines())


def _read_docx(path: Path) -> tuple[list[Block], list[str], dict[str, str]]:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError(path, f"not a readable Word document ({error})") from error
    # paragraphs and tables in the order they stand; a table's row is a paragraph of its own
    paragraphs: list[tuple[str, str]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            paragraphs += [(row, TABLE_ROW) for row in _table_rows(item)]
        elif text := clean_inline(item.text):
            paragraphs.append((text, (item.style.name if item.style is not None else "") or ""))
    # a document written without heading styles has its headings as short plain lines,
    # read as in a text file; one that uses the styles is taken at its word
    styled = any(_heading_level(style) and style != "Title" for _, style in paragraphs)
    blocks: list[Block] = []
    for text, style in paragraphs:
        plain = styled or style == TABLE_ROW or not looks_like_heading(text)
        level = _heading_level(style) or (0 if plain else 1)
        if style == TABLE_ROW:
            blocks.append(Block(text))
        elif level:
            blocks.append(Block(text, level))
        elif text[:1].islower() and blocks and not blocks[-1].heading_level:
            blocks[-1] = Block(f"{blocks[-1].text} {text}")
        else:
            blocks.append(Block(text))
    core = document.core_properties
    meta = {"title": core.title.strip()} if _real_title(core.title or "") else {}
    if core.created:
        meta["date"] = core.created.date().isoformat()
    return blocks, [text for text, _ in paragraphs], meta


TABLE_ROW = "\ttable row"
"""The style a table's row is read with: never a heading, never joined to the line before."""


def _table_rows(table) -> list[str]:  # type: ignore[no-untyped-def]
    """A Word table's rows as sentences of their cells (:func:`table_rows`); a merged
    cell is read once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(clean_inline(cell.text))
        rows.append(cells)
    return table_rows(rows)


def _heading_level(style: str) -> int:
    """The heading level a Word paragraph style gives (0 for body text).

    >>> _heading_level("Heading 2"), _heading_level("Rubrik 1"), _heading_level("Title"), _heading_level("Normal")
    (2, 1, 1, 0)
    """
    if style == "Title":
        return 1
    match = re.match(r"(?:Heading|Rubrik)\s*(\d)", style)
    return int(match.group(1)) if match else 0


def _read_meta(path: Path) -> dict[str, str]:
    sidecar = path.with_name(path.name + META_SUFFIX)
    if not sidecar.exists():
        sidecar = path.with_suffix(META_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DocumentError(sidecar, f"metadata is not valid JSON ({error})") from error
    if not isinstance(meta, dict):
        raise DocumentError(sidecar, "metadata must be a JSON object")
    return {str(key): str(value) for key, value in meta.items() if value is not None}


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """A markdown file's front matter (``---`` / ``title: …`` / ``---`` at its top) as
    metadata, and the text after it; a file without one is returned as it is. Only flat
    ``key: value`` lines are read, the fields a sidecar holds (``title``, ``date`` …).

    >>> front_matter("---\\ntitle: Rutin\\ndate: '2024-03-01'\\n---\\n\\n# Rutin\\n")
    ({'title': 'Rutin', 'date': '2024-03-01'}, '\\n# Rutin\\n')
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() and not line[:1].isspace():
            meta[key.strip()] = value.strip().strip("\"'")
    return {key: value for key, value in meta.items() if value}, text[match.end() :]


def load_document(path: Path, root: Path | None = None) -> Document:
    """Load one document file into a :class:`Document` with its passages.

    Args:
        path: the file (txt, md, pdf or docx).
        root: the corpus folder, to record the path relative to it.

    Raises:
        DocumentError: the file is empty, too large, binary, corrupt or has no text.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(path, f"too large ({size // 2**20} MiB > {MAX_BYTES // 2**20} MiB)")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(path, f"cannot be read ({error.strerror})") from error
    if not data.strip():
        raise DocumentError(path, "the file is empty")
    meta = _read_meta(path)
    suffix = path.suffix.lower()
    relative = str(path.relative_to(root)) if root else path.name
    sha = hashlib.sha256(data).hexdigest()
    # a statute is read as one in every format: in a Word document or a PDF its text is
    # laid out as in the SFST text file first (statute_text), since neither keeps the
    # blank lines its header and sections are told apart by
    blocks: list[Block]
    if suffix == ".docx":
        blocks, paragraphs, found = _read_docx(path)
        meta = {**found, **meta}
        statute = statute_text(paragraphs, wrapped=False)
    elif suffix == ".pdf":
        text, found = _read_pdf(path)
        meta = {**found, **meta}
        statute = statute_text(text.splitlines(), wrapped=True)
    else:
        text = decode_text(data, path)
        if suffix == ".md":
            found, text = front_matter(text)
            meta = {**found, **meta}
        statute = text
    header = read_statute_header(statute) if statute is not None else None
    if header is not None:
        return _statute_document(header, meta, relative, sha)
    if suffix != ".docx":
        blocks = prose_blocks(text, markdown=suffix == ".md")
    document_id = meta.get("id") or path.stem
    title = meta.get("title") or next((b.text for b in blocks if b.heading_level), path.stem)
    passages = passages_from_blocks(document_id, blocks)
    if not passages:
        raise DocumentError(path, "no passages: the file holds no paragraph of text")
    return _document(document_id, title, relative, sha, meta, tuple(passages))


def _statute_document(header, meta: dict[str, str], relative: str, sha: str) -> Document:  # type: ignore[no-untyped-def]
    document_id = meta.get("id") or f"SFS {header.sfs}"
    fields = {**header.fields, **meta}
    fields.setdefault("kind", "statute")
    fields.setdefault("sfs", header.sfs)
    fields.setdefault("title", header.title)
    if "Ikraft" in fields:
        fields.setdefault("in_force", fields["Ikraft"].split()[0])
    if "Utfärdad" in fields:
        fields.setdefault("date", fields["Utfärdad"])
    passages = tuple(statute_passages(document_id, header.sfs, header.body))
    if not passages:
        raise DocumentError(relative, "a statute header but no sections")
    return _document(document_id, fields["title"], relative, sha, fields, passages)


def _document(
    document_id: str,
    title: str,
    relative: str,
    sha: str,
    meta: dict[str, str],
    passages: tuple[Passage, ...],
) -> Document:
    known = {"id", "title", "date", "issuer", "kind", "sfs"}
    return Document(
        id=document_id,
        title=title,
        path=relative,
        sha256=sha,
        kind=meta.get("kind", "document"),
        date=meta.get("date"),
        issuer=meta.get("issuer"),
        sfs=meta.get("sfs"),
        passages=passages,
        meta={key: value for key, value in meta.items() if key not in known},
    )


_STATUTE_HEADER = re.compile(r"^SFS-nummer:.*?(?:\n[ \t]*\n|\Z)", re.MULTILINE | re.DOTALL)
"""The SFST header at the top of a statute's text file, up to its first blank line."""


def read_text(path: Path) -> tuple[str, str | None]:
    """The text of one txt, md, docx or pdf file as a reader gives it, and its SFS number
    when it is a statute: a statute's SFST header is blanked out (it is no prose), every
    offset of the body kept.

    Raises:
        DocumentError: the file is missing, unreadable or of another type.
    """
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(path, f"cannot be read ({error.strerror})") from error
        text = decode_text(data, path)
        header = read_statute_header(text)
        if header is None:
            return text, None
        head = _STATUTE_HEADER.search(text)
        if head is not None:
            text = re.sub(r"[^\n]", " ", text[: head.end()]) + text[head.end() :]
        return text, header.sfs
    if suffix in (".docx", ".pdf"):
        document = load_document(path)
        return "\n\n".join(passage.text for passage in document.passages), document.sfs
    raise DocumentError(path, "not a text file: give a .txt, .md, .docx or .pdf file")


def document_files(root: Path) -> list[Path]:
    """The document files below a corpus folder, in a stable order."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(".")
    )


def load_corpus(
    root: Path,
    strict: bool = False,
    on_document: Callable[[Path], None] | None = None,
) -> LoadReport:
    """Load every document below ``root``.

    A second file of a document already loaded (the same statute as text and as PDF, say:
    the same id) is skipped like an unreadable one, its error naming the file that is used;
    the first in path order is kept.

    Args:
        root: the corpus folder.
        strict: stop at the first unreadable document (raise) instead of skipping it.
        on_document: called with each file before it is read (for progress bars).

    Returns:
        The loaded documents and the errors of the files that could not be read.

    Raises:
        DocumentError: with ``strict``, the first unreadable document or second file of
            one document.
    """
    if not root.is_dir():
        raise DocumentError(root, "the corpus folder does not exist")
    report = LoadReport()
    by_id: dict[str, Document] = {}
    for path in document_files(root):
        if on_document:
            on_document(path)
        try:
            document = load_document(path, root)
            if document.id in by_id:
                raise DocumentError(
                    path,
                    f"the same document ({document.id}) as {by_id[document.id].path}, which "
                    "is used: remove one of the two",
                )
        except DocumentError as error:
            if strict:
                raise
            logger.warning("skipped %s", error)
            report.errors.append(error)
            continue
        by_id[document.id] = document
        report.documents.append(document)
    return report
