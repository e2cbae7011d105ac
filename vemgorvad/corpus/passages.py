"""Splitting a document's text into sections and stable, citable passages.

Two layouts are read:

* prose (memos, reports; txt, md, and the text of pdf and docx files): paragraphs
  separated by blank lines, short unpunctuated lines as headings, a paragraph that a
  page break split in two (the second half starts in lower case) joined again, and a
  markdown table's rows as sentences of their cells;
* consolidated Swedish statutes (SFST text, as in Regeringskansliets rättsdatabaser, or
  with riksdagen.se's header): one passage per section (§), with its chapter as context
  and an id such as ``SFS 2001:453 5 kap. 11 §``. A statute in a Word document or a PDF
  is first laid out as its text file (:func:`statute_text`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vemgorvad.corpus.model import Passage, text_key
from vemgorvad.text import normalize_space

MIN_PASSAGE_WORDS = 3
"""Blocks with fewer words are letterhead noise (dates, file numbers), not passages."""

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12

CLOSING_ABBREVIATIONS = ("m.m.", "m.fl.", "o.d.", "e.d.", "o.s.v.", "osv.", "etc.")
"""Abbreviations that close an enumeration: a heading may end with one and its full stop
("Socialnämndens uppgiftsskyldighet m.m.", "Tillsyn m.m."), where any other full stop
ends a sentence."""

_MARKUP_BETWEEN_WORDS = re.compile(r"(?<=\w)\*\*(?=\w)")
_MARKUP = re.compile(r"\*\*|__")
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*]|\d+[.)])\s+")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_ROW = re.compile(r"^\|.*\|$")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Block:
    """A paragraph of source text; ``heading_level`` is set when it is a heading."""

    text: str
    heading_level: int = 0


def clean_inline(text: str) -> str:
    """Remove inline emphasis markup (``**bold**``) and normalise white space."""
    text = _MARKUP_BETWEEN_WORDS.sub(" ", text)
    return normalize_space(_MARKUP.sub("", text))


def split_blocks(text: str) -> list[str]:
    """Split text into paragraphs at blank lines; hard line wraps inside one are joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return [block for block in re.split(r"\n[ \t\xa0]*\n", text) if block.strip()]


def looks_like_heading(block: str) -> bool:
    """Whether a paragraph is a heading: one short line, capitalised, not punctuated.

    >>> looks_like_heading("Aktuell lagstiftning")
    True
    >>> looks_like_heading("Socialtjänsten har ett ansvar.")
    False
    >>> looks_like_heading("1. att uppdra till förvaltningen")
    False
    >>> looks_like_heading("Socialnämndens uppgiftsskyldighet m.m.")
    True
    """
    line = clean_inline(block)
    if "\n" in block.strip() or not line or len(line) > MAX_HEADING_CHARS:
        return False
    closed = line.endswith(CLOSING_ABBREVIATIONS)
    if len(line.split()) > MAX_HEADING_WORDS or (line[-1] in ".:;,!?)" and not closed):
        return False
    return line[0].isalpha() and line[0].isupper() and not _LIST_ITEM.match(line)


def prose_blocks(text: str, markdown: bool = False) -> list[Block]:
    """Read prose into blocks, recognising headings and mending page-break splits. A
    markdown file's comments (``<!-- … -->``) are its writer's notes, not its text.

    >>> [b.text for b in prose_blocks("# Rutin\\n\\n<!-- utkast -->\\n\\nNämnden ska …", markdown=True)]
    ['Rutin', 'Nämnden ska …']
    """
    if markdown:
        text = _MD_COMMENT.sub("", text)
    blocks: list[Block] = []
    for raw in split_blocks(text):
        md = _MD_HEADING.match(raw.strip()) if markdown else None
        if md:
            blocks.append(Block(clean_inline(md.group(2)), heading_level=len(md.group(1))))
            continue
        lines = raw.strip().split("\n")
        if markdown and all(_MD_TABLE_ROW.match(line.strip()) for line in lines):
            rows = [[clean_inline(cell) for cell in line.strip().strip("|").split("|")] for line in lines]
            blocks += [Block(row) for row in table_rows([r for r in rows if not _is_rule(r)])]
            continue
        line = clean_inline(raw)
        if not markdown and looks_like_heading(raw):
            blocks.append(Block(line, heading_level=1))
        elif line[:1].islower() and blocks and not blocks[-1].heading_level:
            # A page break split this paragraph: it continues the one before.
            blocks[-1] = Block(f"{blocks[-1].text} {line}")
        else:
            blocks.append(Block(line))
    return blocks


def _is_rule(cells: list[str]) -> bool:
    """Whether a markdown table's row is the rule under its header (``|---|:--:|``)."""
    return all(re.fullmatch(r":?-+:?", cell) for cell in cells)


def table_rows(rows: Sequence[Sequence[str]]) -> list[str]:
    """A table's rows as sentences of their cells: with the header row's names when the
    first row is one (short, capitalised, unpunctuated names), else the cells in order.

    >>> table_rows([["Aktör", "Ansvar"], ["Polismyndigheten", "Utreder brott."]])
    ['Aktör: Polismyndigheten; Ansvar: Utreder brott.']
    >>> table_rows([["Polismyndigheten", "Utreder brott."]])
    ['Polismyndigheten; Utreder brott.']
    """
    rows = [row for row in rows if any(row)]
    head = rows[0] if len(rows) > 1 else []
    if head and all(head) and all(looks_like_heading(name) for name in head):
        return [
            "; ".join(f"{name}: {cell}" for name, cell in zip(head, row, strict=False) if cell)
            for row in rows[1:]
        ]
    return ["; ".join(cell for cell in row if cell) for row in rows]


def passages_from_blocks(document_id: str, blocks: Iterable[Block]) -> list[Passage]:
    """Turn blocks into passages, each under the nearest heading before it.

    Ids are ``<document>#<hash of the text>``: the same text in the same document keeps
    its id across builds however the text around it changes.
    """
    passages: list[Passage] = []
    section = ""
    seen: dict[str, int] = {}
    for block in blocks:
        if block.heading_level:
            section = block.text
            continue
        if len(block.text.split()) < MIN_PASSAGE_WORDS:
            continue
        key = text_key(block.text)
        seen[key] = seen.get(key, 0) + 1
        suffix = "" if seen[key] == 1 else f"-{seen[key]}"
        passages.append(
            Passage(
                id=f"{document_id}#{key}{suffix}",
                document=document_id,
                section=section,
                text=block.text,
                ordinal=len(passages),
            )
        )
    return passages


# --- statutes --------------------------------------------------------------------------

_STATUTE_FIELD = re.compile(r"^([A-ZÅÄÖa-zåäö -]+):\s*(.*)$")
_CHAPTER = re.compile(r"^(\d+\s?[a-z]?)\s+kap\.\s*(.*)$")
_SECTION = re.compile(r"^(\d+\s?[a-z]?)\s+§\s*(.*)$", re.DOTALL)
_ARTICLE = re.compile(r"^Artikel\s+([0-9IVXL]+)$")
_AMENDMENT = re.compile(r"^\d{4}:\d+$")
_APPENDIX = re.compile(r"^Bilaga(?:\s+\d+)?$")
TRANSITIONAL = "Övergångsbestämmelser"
_REPEAL_NOTICE = re.compile(
    r"^(?:\d+\s?[a-z]?\s+§\s*)?(?:har upphävts|upphävd|har upphört att gälla)"
    r" genom (?:lag|förordning)\s*\(\d{4}:\d+\)\.?$",
    re.IGNORECASE,
)


def repeal_notice(text: str) -> bool:
    """Whether a passage says nothing but that its section was repealed: a consolidated
    statute keeps the number ("9 § Har upphävts genom lag (2021:399)."), so it can be
    cited, but it answers no question.

    >>> repeal_notice("9 § Har upphävts genom lag (2021:399)."), repeal_notice("9 § Lagen gäller.")
    (True, False)
    """
    return bool(_REPEAL_NOTICE.match(normalize_space(text)))


@dataclass(frozen=True)
class StatuteHeader:
    """The SFST header of a consolidated statute."""

    sfs: str
    title: str
    fields: dict[str, str]
    body: str


def _header_field(line: str) -> re.Match[str] | None:
    """A field of a statute's SFST header ("Utfärdad: 2014-05-15"), not its title, whose
    SFS number has a colon too ("Lag (1988:870) om vård av missbrukare …")."""
    if line.startswith(("Lag ", "Förordning ")):
        return None
    return _STATUTE_FIELD.match(line)


def read_statute_header(text: str) -> StatuteHeader | None:
    """Read the ``SFS-nummer: …`` header of an SFST text, or None if it has none."""
    lines = text.replace("\r\n", "\n").split("\n")
    fields: dict[str, str] = {}
    sources: list[str] = []
    title = ""
    index = 0
    while index < len(lines) and (not lines[index].strip() or lines[index].startswith("#")):
        if lines[index].startswith("#"):
            sources.append(lines[index].lstrip("# ").strip())
        index += 1
    if index >= len(lines):
        return None
    if not lines[index].startswith("SFS-nummer:"):
        found = _riksdagen_header(lines[index:])
        if found is None:
            return None
        header, body = found
        sourced = [f"# {source}" for source in sources]
        return read_statute_header("\n".join([*sourced, *header, "", *lines[index + body :]]))
    while index < len(lines) and lines[index].strip():
        if match := _header_field(lines[index]):
            fields[match.group(1).strip()] = match.group(2).strip()
        elif not title:
            title = lines[index].strip()
        index += 1
    if sources:
        fields["Källa"] = " ".join(sources)
    sfs = fields.get("SFS-nummer", "").strip()
    return StatuteHeader(sfs=sfs, title=title, fields=fields, body="\n".join(lines[index:]))


def statute_text(units: Sequence[str], *, wrapped: bool) -> str | None:
    """A statute read from a Word document or a PDF, laid out as its SFST text file is.

    A Word document gives one paragraph per unit, a PDF one printed line per unit, and
    neither has the blank lines the text file separates its header and its sections by.
    When the units open with an SFST header (``SFS-nummer: …``) or riksdagen.se's
    (:func:`_riksdagen_header`), the header is put as the SFST header and every
    paragraph of the body after a blank line, so the statute is read as one saved as
    text: its SFS number, title and one passage per section. A PDF's lines are joined
    into paragraphs first (:func:`_rejoin_lines`).

    Args:
        units: the document's paragraphs (``wrapped=False``) or printed lines (``True``).
        wrapped: whether a paragraph may run over several units.

    Returns:
        The text, or None when the document does not open with a statute's header.

    >>> print(statute_text(["SFS-nummer: 2014:322", "Brottsskadelag (2014:322)",
    ...     "Ikraft: 2014-07-01", "Lagens tillämpningsområde", "1 § Ersättning betalas",
    ...     "enligt denna lag.", "2 § Den betalas om brottet har begåtts i Sverige."],
    ...     wrapped=True))
    SFS-nummer: 2014:322
    Brottsskadelag (2014:322)
    Ikraft: 2014-07-01
    <BLANKLINE>
    Lagens tillämpningsområde
    <BLANKLINE>
    1 § Ersättning betalas
    enligt denna lag.
    <BLANKLINE>
    2 § Den betalas om brottet har begåtts i Sverige.
    """
    lines = [normalize_space(unit) for unit in units]
    start = next((index for index, line in enumerate(lines) if line), len(lines))
    if start == len(lines):
        return None
    if lines[start].startswith("SFS-nummer:"):
        header, index = _sfst_header(lines, start, wrapped=wrapped)
    else:
        found = _riksdagen_header(lines[start:])
        if found is None:
            return None
        header, index = found[0], start + found[1]
    body = lines[index:]
    blocks = _rejoin_lines(body) if wrapped else [line for line in body if line]
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks)


def _sfst_header(lines: list[str], start: int, *, wrapped: bool) -> tuple[list[str], int]:
    """The SFST header's lines from ``start`` on, and the index of the body's first line."""
    header = [lines[start]]
    index = start + 1
    titled = False
    while index < len(lines):
        line = lines[index]
        following = next((later for later in lines[index + 1 :] if later), "")
        if not line:
            pass
        elif _header_field(line):
            header.append(line)
        elif not titled:
            header.append(line)
            titled = True
        elif wrapped and not _opens_body(line, following):
            header[-1] = f"{header[-1]} {line}"  # a long title or field wrapped in print
        else:
            break
        index += 1
    return header, index


_RIKSDAGEN_FIELD = re.compile(r"^([A-ZÅÄÖ][A-Za-zÅÄÖåäö /-]{1,40}):\s*(.*)$")
_RIKSDAGEN_NAMES = {
    "SFS nr": "SFS-nummer",
    "SFS nummer": "SFS-nummer",
    "Departement/myndighet": "Departement",
    "Departement/ myndighet": "Departement",
    "Ändrad": "Ändring införd",
}
RIKSDAGEN_HEADER_LINES = 12
"""How far down the riksdagen.se layout's "SFS nr:" line is looked for."""


def _riksdagen_header(lines: Sequence[str]) -> tuple[list[str], int] | None:
    """A statute's header as riksdagen.se gives it (or an SFST header with the title put
    first), put as the SFST header, and the index of the body's first line; None if the
    lines do not open with one.

    The riksdagen.se text has the title first and each field's value on its own line::

        Brottsskadelag (2014:322)
        SFS nr:
        2014:322
        Departement/myndighet:
        Justitiedepartementet L2

    >>> _riksdagen_header(["Brottsskadelag (2014:322)", "", "SFS nr:", "2014:322", "",
    ...     "Departement/myndighet: Justitiedepartementet L2", "", "1 § Till den som …"])
    (['SFS-nummer: 2014:322', 'Brottsskadelag (2014:322)', 'Departement: Justitiedepartementet L2'], 7)

    The SFST header with its title put first is read the same way:

    >>> _riksdagen_header(["Brottsskadelag (2014:322)", "SFS-nummer: 2014:322", "", "1 § …"])
    (['SFS-nummer: 2014:322', 'Brottsskadelag (2014:322)'], 3)
    """
    filled = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    opening = ("SFS nr:", "SFS-nummer:", "SFS nummer:")
    if not any(line.startswith(opening) for _, line in filled[:RIKSDAGEN_HEADER_LINES]):
        return None
    title = ""
    fields: dict[str, str] = {}
    position = 0
    while position < len(filled):
        line = filled[position][1]
        match = _RIKSDAGEN_FIELD.match(line)
        if match:
            value = match.group(2).strip()
            if not value and position + 1 < len(filled):
                following = filled[position + 1][1]
                if not _RIKSDAGEN_FIELD.match(following):
                    value, position = following, position + 1
            fields[_RIKSDAGEN_NAMES.get(match.group(1).strip(), match.group(1).strip())] = value
        elif not fields:
            title = f"{title} {line}".strip()  # a long title wraps in print
        elif _value_goes_on(line, filled[position + 1][1] if position + 1 < len(filled) else ""):
            name = next(reversed(fields))
            fields[name] = f"{fields[name]} {line}"  # so does a field's value
        else:
            break
        position += 1
    sfs = fields.pop("SFS-nummer", "")
    if not re.match(r"^\d{4}:\d+$", sfs):
        return None
    header = [f"SFS-nummer: {sfs}", title or f"SFS {sfs}"]
    header += [f"{name}: {value}" for name, value in fields.items()]
    body = filled[position][0] if position < len(filled) else len(lines)
    return header, body


def _value_goes_on(line: str, following: str) -> bool:
    """Whether a short printed line after a header field is the rest of its value
    ("Justitiedepartementet" / "L2"), not the first line of the statute's body."""
    return len(line.split()) <= 3 and not line.endswith(".") and not _opens_body(line, following)


def _opens_body(line: str, following: str) -> bool:
    """Whether a printed line after a statute's title opens its body rather than going
    on with the header: a section, chapter or article, or a heading before one of those
    or before another heading (a field of the header, "Utfärdad: …", is no heading)."""
    if _SECTION.match(line) or _CHAPTER.match(line) or _ARTICLE.match(line):
        return True
    return (
        looks_like_heading(line)
        and not _STATUTE_FIELD.match(following)
        and _opens_unit(following)
    )


def _rejoin_lines(lines: Sequence[str]) -> list[str]:
    """A statute's printed lines joined into its headings and sections.

    A heading, a chapter's or an article's title, "Övergångsbestämmelser" and an
    amendment's SFS number are paragraphs of their own, a long heading or chapter title
    with the line it wraps onto. A heading is a short unpunctuated line before a section,
    another heading or a line that starts anew (in upper case). Another line opens a
    paragraph when it opens a section ("4 § Brottsskadeersättning …") and the line before
    it closes a sentence or a heading, and so does a line after a gap on the page (a
    blank line, as pypdf lays the page out) when the line before it closes a sentence or
    it is a list's item: a section's paragraphs (stycken) are told apart as in the text
    file. The rest go on with the paragraph before them; a PDF read without its gaps
    keeps a section's stycken together, a passage being the whole section anyway.
    """
    blocks: list[list[str]] = []
    heads: list[bool] = []  # whether a block is a heading, a chapter's title …
    text = [line for line in lines if line]
    # where the page leaves a gap before a line (a blank line): a stycke may start there
    gaps, blank = [], False
    for line in lines:
        if line:
            gaps.append(blank)
        blank = not line
    position = 0
    while position < len(text):
        line = text[position]
        chapter = bool(_CHAPTER.match(line)) and "§" not in line
        width = 1
        if chapter or looks_like_heading(line):
            limit = 2 * MAX_HEADING_CHARS if chapter else MAX_HEADING_CHARS
            while (
                position + width < len(text)
                and "§" not in text[position + width]
                and _goes_on(text[position + width - 1], text[position + width])
                and len(" ".join(text[position : position + width + 1])) <= limit
            ):
                width += 1
        title = " ".join(text[position : position + width])
        following = text[position + width] if position + width < len(text) else ""
        head = bool(
            chapter
            or _ARTICLE.match(line)
            or line == TRANSITIONAL
            or _AMENDMENT.match(line)
            or _APPENDIX.match(line)
            or (
                looks_like_heading(title)
                and "§" not in title
                and (_starts_anew(following) or following[:1] == "(")
            )
        )
        after_head = not blocks or heads[-1]
        last = blocks[-1][-1] if blocks else ""
        closed = after_head or (last.endswith((".", ":", ";", ")")) and not last.endswith(" kap."))
        alone = line == TRANSITIONAL or bool(_AMENDMENT.match(line))  # whatever comes before
        stycke = (
            gaps[position]
            and (closed or bool(_LIST_ITEM.match(line)))
            and not (_SECTION.match(line) and not _opens_section(line))
        )
        if after_head or alone or stycke or (closed and (head or _opens_section(line))):
            blocks.append([title if head else line])
            heads.append(head)
            position += width if head else 1
        else:
            blocks[-1].append(line)
            position += 1
    return ["\n".join(block) for block in blocks]


_OPEN_ENDINGS = frozenset(
    "och eller om med för av i på till mellan vid från enligt mot inom samt".split()  # noqa: SIM905
)
"""Words a heading does not end with: the line it wraps onto goes on with it."""


def _starts_anew(line: str) -> bool:
    """Whether a printed line starts anew after a heading: a section, a chapter, an
    article, another heading or any line in upper case."""
    return _opens_section(line) or (line[:1].isupper() and not _SECTION.match(line))


def _goes_on(line: str, following: str) -> bool:
    """Whether a heading's printed line wraps onto the next: it goes on in lower case, or
    the line stops at a word no heading ends with ("Särskilt om samverkan med" /
    "Säkerhetspolisen")."""
    words = line.split()
    return bool(following) and (
        following[:1].islower() or (bool(words) and words[-1] in _OPEN_ENDINGS)
    )


def _opens_section(line: str) -> bool:
    """Whether a printed line opens a section: "4 § Brottsskadeersättning …", not a line
    that a reference to one wrapped onto ("1 § första stycket.", "6 § 2, ska …").

    >>> _opens_section("4 § Brottsskadeersättning betalas för personskada."), _opens_section("1 § första stycket.")
    (True, False)
    """
    match = _SECTION.match(line)
    if not match:
        return False
    rest = match.group(2).strip()
    return not rest or rest[0].isupper() or rest.startswith(("/", "har upphävts"))


def _join_statute_text(parts: list[str]) -> str:
    return "\n".join(normalize_space(part) for part in parts)


def _opens_unit(block: str) -> bool:
    """Whether a block starts a section, chapter or article (so a line before it is a heading)."""
    first_line = block.split("\n", 1)[0]
    return bool(
        _SECTION.match(block)
        or _CHAPTER.match(first_line)
        or _ARTICLE.match(first_line)
        or (looks_like_heading(block) and "\n" not in block)
    )


def _wrapped_heading(block: str) -> bool:
    """Whether a statute's block is a heading, on one line or wrapped onto a second
    (:func:`_goes_on`).

    >>> _wrapped_heading("Förutsättningar för att pröva en ansökan om\\nbrottsskadeersättning")
    True
    >>> _wrapped_heading("Brottsskadeersättning betalas inte om den sammanlagda\\nersättningen är lägre än 100 kronor.")
    False
    >>> _wrapped_heading("Nämnden utses av regeringen.\\nÖverklagande och omprövning")
    False
    >>> _wrapped_heading("Brottsskadeersättning\\nErsättningsgilla skador")  # two headings
    False
    """
    first, _, second = block.partition("\n")
    return (
        "\n" not in second
        and "§" not in block
        and looks_like_heading(first)
        and (not second or _goes_on(first, second.strip()))
        and looks_like_heading(normalize_space(block))
    )


def statute_passages(document_id: str, sfs: str, body: str) -> list[Passage]:
    """Split a statute's body into one passage per section (§), article or transitional note."""
    passages: list[Passage] = []
    taken: dict[str, int] = {}
    chapter = ""
    chapter_title = ""
    heading = ""
    unit: str | None = None  # the ref of the open passage: "5 kap. 11 §", "artikel 3" …
    parts: list[str] = []
    in_transitional = False

    def title() -> str:
        chapter_part = f"{chapter} kap. {chapter_title}".strip() if chapter else ""
        return " – ".join(part for part in (chapter_part, heading) if part)

    def flush() -> None:
        nonlocal unit, parts
        if unit and parts:
            base = f"SFS {sfs} {unit}"
            taken[base] = taken.get(base, 0) + 1
            passage_id = base if taken[base] == 1 else f"{base} ({taken[base]})"
            passages.append(
                Passage(passage_id, document_id, title(), _join_statute_text(parts), len(passages))
            )
        unit, parts = None, []

    blocks = [raw.strip() for raw in split_blocks(body)]
    for position, block in enumerate(blocks):
        following = blocks[position + 1] if position + 1 < len(blocks) else ""
        single_line = "\n" not in block
        # A chapter heading may wrap onto a second line; it never holds a section sign.
        heading_like = single_line or (block.count("\n") <= 2 and "§" not in block)
        chapter_match = _CHAPTER.match(normalize_space(block)) if heading_like else None
        section_match = _SECTION.match(block)
        article_match = _ARTICLE.match(block) if single_line else None
        if block == TRANSITIONAL:
            flush()
            in_transitional, chapter, chapter_title, heading = True, "", "", TRANSITIONAL
        elif in_transitional and single_line and _AMENDMENT.match(block):
            flush()
            unit = f"övergångsbestämmelser {block}"
        elif in_transitional:
            parts.append(block)
        elif chapter_match and len(block) <= 2 * MAX_HEADING_CHARS:
            flush()
            chapter = chapter_match.group(1)
            chapter_title, heading = chapter_match.group(2).strip(), ""
        elif section_match:
            flush()
            number = section_match.group(1).strip()
            unit = f"{chapter} kap. {number} §" if chapter else f"{number} §"
            parts = [block]
        elif article_match:
            flush()
            unit = f"artikel {article_match.group(1)}"
            parts = [block]
        elif _wrapped_heading(block) and (_opens_unit(following) or _APPENDIX.match(block)):
            flush()  # a heading closes the section before it
            heading = normalize_space(block)
        elif unit:
            parts.append(block)
        else:
            # Text outside any section (a preamble): its own passage under the heading.
            text = normalize_space(block)
            if len(text.split()) >= MIN_PASSAGE_WORDS:
                key = f"SFS {sfs} #{text_key(text)}"
                passages.append(Passage(key, document_id, title(), text, len(passages)))
    flush()
    return passages
