"""The citation grammar and its tables, read from the data files in ``data/``.

``grammar.txt`` holds the token regexes and their scanning order, ``acts.tsv`` the law
names and abbreviations, ``iris.tsv`` the IRI templates, ``levels.tsv`` the levels of a
provision (kapitel, paragraf, stycke, punkt ...), ``eu_types.tsv`` the CELEX type letter
of each kind of EU act, ``ordinals.tsv``, ``agency_series.tsv`` and ``not_acts.txt`` the
word lists. :func:`grammar` compiles them once; :func:`tokens` scans a text with them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vemgorvad.text import fold_label

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class Act:
    """A cited document as a whole."""

    kind: str  # sfs | eu | international | agency_regulation | preparatory_work
    iri: str
    label: str
    sfs: str | None = None


@dataclass(frozen=True)
class TokenDef:
    """One token of ``grammar.txt``: its name, its role in a run and its regex."""

    name: str
    role: str
    regex: re.Pattern[str]


@dataclass
class Grammar:
    """Everything the data files say, compiled: tokens, names, templates and levels."""

    tokens: dict[str, TokenDef]
    master: re.Pattern[str]
    names: dict[str, Act]  # normalised name (any case, genitive too) -> act
    abbreviations: dict[str, Act]  # case-sensitive
    standalone_abbreviations: frozenset[str]
    acts_by_id: dict[str, Act]  # SFS number / CELEX / slug -> act
    ordinals: dict[str, int]
    not_acts: frozenset[str]
    anonymous_nouns: frozenset[str]
    templates: dict[str, tuple[str, str]]  # kind -> (IRI template, label template)
    levels: tuple[str, ...]  # outermost first
    fragment_letters: dict[str, str]
    child_level: dict[str, str]  # the level a bare number after this level belongs to
    eu_type_letters: dict[str, str]  # "direktiv" -> "L": the CELEX type letter


def data_rows(name: str) -> Iterator[list[str]]:
    """Yield the tab-separated rows of a data file, skipping comments and blank lines."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first, spaces matching any whitespace."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in unique)


def sfs_iri_part(sfs: str) -> str:
    """An SFS number as it stands in an IRI: spaces as ``_`` ("1736:0123_s._2")."""
    return re.sub(r"\s+", "_", sfs.strip())


def fill(template: str, **values: str) -> str:
    """A template of ``iris.tsv`` with its ``{placeholders}`` filled in."""
    return template.format(**values)


def _read_grammar(
    extra_fragments: dict[str, str],
) -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    """Read grammar.txt: return the tokens as (name, role, regex source) and the word lists."""
    fragments: dict[str, str] = dict(extra_fragments)
    token_order: list[tuple[str, str]] = []
    words: dict[str, list[str]] = {}
    current: str | None = None
    for raw in (DATA_DIR / "grammar.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw.startswith("@token "):
            _, name, role = raw.split()
            token_order.append((name, role))
            current = None
        elif raw.startswith("@words "):
            _, name, *items = raw.split()
            words[name] = items
            current = None
        elif raw[0].isspace() and current is not None:
            fragments[current] += "\n" + raw.strip()
        else:
            name, _, body = raw.partition(":=")
            current = name.strip()
            fragments[current] = body.strip()

    def expand(source: str, seen: tuple[str, ...]) -> str:
        def substitute(m: re.Match[str]) -> str:
            ref = m.group(1)
            if ref in seen:
                raise ValueError(f"grammar.txt: fragment {ref!r} refers to itself")
            return "(?:" + expand(fragments[ref], (*seen, ref)) + ")"

        return re.sub(r"\{([A-Za-z_]\w*)\}", substitute, source)

    tokens = [(name, role, expand(fragments[name], (name,))) for name, role in token_order]
    return tokens, words


@dataclass
class _ActTable:
    """What ``acts.tsv`` says: acts by name, abbreviation and id, and the multiword names."""

    names: dict[str, Act]
    abbreviations: dict[str, Act]
    standalone: set[str]
    acts_by_id: dict[str, Act]
    multiword: list[str]


def _read_acts(templates: dict[str, tuple[str, str]]) -> _ActTable:
    """Read acts.tsv; an abbreviation two acts share is dropped (it says nothing)."""
    table = _ActTable({}, {}, set(), {}, [])
    clashing: set[str] = set()
    for row in data_rows("acts.tsv"):
        row += [""] * (6 - len(row))
        kind, ident, label, name_list, abbr_list, standalone_list = row[:6]
        if kind == "sfs":
            iri = fill(templates["sfs"][0], sfs=sfs_iri_part(ident))
        elif kind == "eu":
            iri = fill(templates["eu"][0], celex=ident)
        else:
            iri = fill(templates["international"][0], slug=ident)
        act = Act(kind, iri, label, ident if kind == "sfs" else None)
        table.acts_by_id[ident] = act
        for name in filter(None, name_list.split("|")):
            for form in (name, name + "s") if not name.endswith("s") else (name,):
                table.names[fold_label(form)] = act
            if " " in name.strip():
                table.multiword.append(name.strip())
        for abbr in filter(None, abbr_list.split("|")):
            if abbr in table.abbreviations and table.abbreviations[abbr] != act:
                clashing.add(abbr)
            table.abbreviations[abbr] = act
        table.standalone.update(filter(None, standalone_list.split("|")))
    for abbr in clashing:
        logger.warning("legalref: abbreviation %s names several acts; ignored", abbr)
        del table.abbreviations[abbr]
    return table


@cache
def act_names(sfs: str) -> tuple[str, ...]:
    """The names and stand-alone abbreviations a statute goes by (``acts.tsv``), by its SFS
    number: what a reader calls it besides its title.

    >>> act_names("1988:870")
    ('lagen om vård av missbrukare i vissa fall', 'LVM')
    >>> act_names("1999:999")
    ()
    """
    for row in data_rows("acts.tsv"):
        row += [""] * (6 - len(row))
        kind, ident, _, names, _, standalone = row[:6]
        if kind == "sfs" and ident == sfs:
            return tuple(filter(None, [*names.split("|"), *standalone.split("|")]))
    return ()


@cache
def english_names() -> dict[str, tuple[str, ...]]:
    """Every statute's English title and other English names (``acts_en.tsv``), title
    first, by SFS number (read once)."""
    table: dict[str, tuple[str, ...]] = {}
    for row in data_rows("acts_en.tsv"):
        others = row[2].split("|") if len(row) > 2 else []
        table[row[0]] = tuple(name.strip() for name in [row[1], *others] if name.strip())
    return table


def act_names_en(sfs: str) -> tuple[str, ...]:
    """A statute's English title and other English names, by its SFS number, the title
    first; empty for one the table does not hold.

    >>> act_names_en("2014:322")
    ('Criminal Injuries Compensation Act',)
    >>> act_names_en("1999:999")
    ()
    """
    return english_names().get(sfs, ())


@cache
def grammar() -> Grammar:
    """Load and compile all data files (once)."""
    templates = {row[0]: (row[1], row[2] if len(row) > 2 else "") for row in data_rows("iris.tsv")}
    acts = _read_acts(templates)

    ordinals = {row[0]: int(row[1]) for row in data_rows("ordinals.tsv")}
    series = [row[0] for row in data_rows("agency_series.tsv")]
    not_acts = frozenset(
        fold_label(line)
        for line in (DATA_DIR / "not_acts.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    level_rows = list(data_rows("levels.tsv"))

    extra = {
        "ordinal_words": _alternation(list(ordinals)),
        "abbreviations": _alternation(list(acts.abbreviations)) or "(?!)",
        "multiword_names": _alternation(acts.multiword) or "(?!)",
        "agency_series": _alternation(series),
    }
    token_sources, words = _read_grammar(extra)
    flags = re.VERBOSE | re.MULTILINE
    tokens = {
        name: TokenDef(name, role, re.compile(source, flags))
        for name, role, source in token_sources
    }
    # One scanner for all tokens: the same regexes with their groups made anonymous.
    anonymous_groups = re.compile(r"\(\?P<\w+>")
    master = re.compile(
        "|".join(
            f"(?P<{name}>{anonymous_groups.sub('(?:', source)})"
            for name, _role, source in token_sources
        ),
        flags,
    )
    return Grammar(
        tokens=tokens,
        master=master,
        names=acts.names,
        abbreviations=acts.abbreviations,
        standalone_abbreviations=frozenset(acts.standalone),
        acts_by_id=acts.acts_by_id,
        ordinals=ordinals,
        not_acts=not_acts,
        anonymous_nouns=frozenset(words.get("anonymous_nouns", [])),
        templates=templates,
        levels=tuple(row[0] for row in level_rows),
        fragment_letters={row[0]: row[1] for row in level_rows},
        child_level={row[0]: row[2] for row in level_rows},
        eu_type_letters={row[0]: row[1] for row in data_rows("eu_types.tsv")},
    )


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    name: str
    role: str
    start: int
    end: int
    match: re.Match[str]

    def group(self, *names: str) -> str | None:
        """The first of the named groups that took part in the match."""
        groups = self.match.re.groupindex
        for name in names:
            if name in groups and self.match.group(name) is not None:
                return self.match.group(name)
        return None

    def span_of(self, name: str) -> tuple[int, int]:
        return self.match.span(name)


def tokens(text: str) -> Iterator[Token]:
    g = grammar()
    for m in g.master.finditer(text):
        if m.lastgroup is None or m.end() == m.start():
            continue
        token_def = g.tokens[m.lastgroup]
        exact = token_def.regex.match(text, m.start())
        if exact is None:  # cannot happen: the same regex matched in the scanner
            continue
        yield Token(token_def.name, token_def.role, exact.start(), exact.end(), exact)
