"""The corpus's data model: documents, their sections and their citable passages.

A passage is the unit everything else cites: the index embeds it, the graph says a fact
was derived from it, an answer quotes it. Its id is stable: the same text in the same
document gives the same id on every build.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from vemgorvad.text import fold


def text_key(text: str) -> str:
    """A short content hash of a text, insensitive to white space and case."""
    return hashlib.sha1(fold(text).encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True)
class Passage:
    """A citable stretch of a document: a paragraph of a memo, a section (§) of a statute.

    Attributes:
        id: stable id, e.g. ``SCN-2022-00355#a1b2c3d4e5`` or ``SFS 2001:453 5 kap. 11 §``.
        document: the id of the document it belongs to.
        section: the title of the section it stands in (for statutes, chapter and heading).
        text: the passage's text, white space normalised.
        ordinal: its position in the document, from 0.
    """

    id: str
    document: str
    section: str
    text: str
    ordinal: int


@dataclass(frozen=True)
class Document:
    """A loaded document with its metadata and its passages in reading order.

    Attributes:
        id: the document's identifier (a diarienummer, ``SFS 2001:453``, or the file name).
        title: its title.
        path: the file it was read from, relative to the corpus folder.
        sha256: hash of the file's bytes, for rebuild decisions.
        kind: ``memo``, ``statute`` or another kind named in its metadata.
        date: ISO date of the document, when known.
        issuer: the body that issued it, when known.
        sfs: the SFS number of a statute (``2001:453``), else None.
        passages: its passages.
        meta: any further metadata fields given for the document.
    """

    id: str
    title: str
    path: str
    sha256: str
    kind: str = "document"
    date: str | None = None
    issuer: str | None = None
    sfs: str | None = None
    passages: tuple[Passage, ...] = ()
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sections(self) -> list[tuple[str, list[Passage]]]:
        """The passages grouped by section title, in reading order."""
        groups: list[tuple[str, list[Passage]]] = []
        for passage in self.passages:
            if not groups or groups[-1][0] != passage.section:
                groups.append((passage.section, []))
            groups[-1][1].append(passage)
        return groups
