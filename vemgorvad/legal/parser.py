"""Find Swedish legal citations in text and give each a citable IRI.

The grammar is data, not code: ``data/grammar.txt`` holds the token regexes and
their scanning order, ``acts.tsv`` the law names and abbreviations, ``iris.tsv`` the IRI
templates, ``levels.tsv`` the levels of a provision (kapitel, paragraf, stycke, punkt ...),
``ordinals.tsv``, ``agency_series.tsv`` and ``not_acts.txt`` the word lists. This module
scans the text for tokens, strings them into runs and turns each run into references.

What it reads, with the IRI it gives:

* statutes by SFS number, name or abbreviation: "socialtjänstlagen (2001:453)",
  "Socialtjänstlag (2001:453)", "SFS 2001:453", "brottsbalken", "Äktenskapsbalkens", "SoL"
  -> ``https://lagen.nu/2001:453``;
* provisions: "5 kap. 11 § SoL", "4 kap. 1 a § brottsbalken", "SoL 5:11", "11 §",
  "första stycket", "1–3 §§", "12 kap. 10 § samma lag" -> ``https://lagen.nu/2001:453#K5P11``
  (fragment ``K<kapitel>P<paragraf>S<stycke>N<punkt>M<mening>O<moment>``, a letter suffix
  appended: ``#K4P1a``; a punkt straight after § implies the first stycke: ``#K5P2S1N9``);
* amendment notes closing a paragraph, "Lag (2013:421).", against the base act:
  ``https://lagen.nu/2001:453#L2013:421``;
* agency regulations "SOSFS 2014:4", "HSLF-FS 2022:39" -> ``https://lagen.nu/sosfs/2014:4``;
* preparatory works and government papers "prop. 2016/17:10 s. 51", "skr. 2016/17:10",
  "SOU 2023:97", "Ds 2020:1", "bet. 2017/18:JuU11", "rskr. 2017/18:100", "a. prop. s. 51"
  -> ``https://lagen.nu/prop/2016/17:10#sid51``;
* EU acts "direktiv 2011/36/EU", "förordning (EU) 2019/1111", "95/46/EG", CELEX numbers,
  "artikel 25.6 i ... direktiv 95/46/EG", "människohandelsdirektivet"
  -> ``https://lagen.nu/ext/celex/32011L0036`` (``#25.6`` for an article);
* international instruments by name ("Palermoprotokollet", "1996 års Haagkonvention")
  -> ``https://w3id.org/vemgorvad/id/law/<slug>``.

Relative references ("11 §", "första stycket", "3 kap. 2 §", "denna lag") resolve against
the base document the caller passes; without one, against the law named last. "samma lag",
"den lagen" and "den sistnämnda" resolve to the law named last, "den förstnämnda lagen" to
the one named before it. A list of provisions followed by a law name belongs to that law
("4 kap. 19 och 20 §§ konkurslagen (1987:672)").

How a list is cut into references follows lagen.nu (ferenda): one reference per item
("4, 8, 9 och 15 §§" gives four), a range gives its two end points ("6 - 9 §§" gives "6" and
"9 §§"), and the law name is a reference of its own unless a single provision precedes it
("12 § delgivningslagen (1970:428)" is one reference, "7 § lagen (1982:80)" is two).

>>> [(r.text, r.target) for r in parse("enligt 5 kap. 11 § SoL och 6 kap. 11 § brottsbalken")]
[('5 kap. 11 § SoL', 'https://lagen.nu/2001:453#K5P11'), ('6 kap. 11 § brottsbalken', 'https://lagen.nu/1962:700#K6P11')]
>>> [(r.text, r.target) for r in parse("se 3 kap. 2 § och första stycket", base="2001:453")]
[('3 kap. 2 §', 'https://lagen.nu/2001:453#K3P2'), ('första stycket', 'https://lagen.nu/2001:453#S1')]
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from vemgorvad.text import fold_label

logger = logging.getLogger(__name__)

__all__ = [
    "KINDS",
    "LegalRef",
    "LegalRefParser",
    "parse",
]

DATA_DIR = Path(__file__).with_name("data")

#: Values of :attr:`LegalRef.kind`. A reference to part of a document has the document's kind
#: plus ``_provision``; the whole document has the bare kind.
KINDS = (
    "sfs",  # a whole statute (SFS)
    "sfs_provision",  # kapitel/paragraf/stycke/punkt of a statute
    "sfs_amendment",  # "Lag (2013:421)." closing a paragraph: the amendment of the base act
    "agency_regulation",  # SOSFS 2014:4, HSLF-FS 2022:39
    "agency_regulation_provision",
    "preparatory_work",  # prop., SOU, Ds, bet., rskr., skr., optionally a page or a section
    "eu",  # an EU act (CELEX)
    "eu_provision",  # an article of an EU act
    "international",  # a convention or protocol without a Swedish incorporation act
)

_PREPARATORY_SERIES = ("prop", "sou", "ds", "bet", "rskr", "skr")


@dataclass(frozen=True)
class LegalRef:
    """One legal citation found in a text.

    ``chapter`` and ``section`` are written as in the IRI fragment: digits with any letter
    suffix attached and no space ("1a" for "1 a §"). ``paragraph`` is the stycke; when a punkt
    follows § directly ("5 kap. 2 § 9") the first stycke is implied and ``paragraph`` is 1.
    ``resolved_by`` says where the act came from: ``explicit`` (its number is in the text),
    ``name_lookup`` (a known name or abbreviation), ``context`` (named earlier in the text,
    or "samma lag") or ``base`` (the base document given by the caller).
    """

    text: str
    start: int
    end: int
    kind: str
    target: str
    act: str
    act_label: str
    sfs: str | None
    chapter: str | None
    section: str | None
    paragraph: int | None
    point: str | None = None
    resolved_by: str = "explicit"


# ---------------------------------------------------------------------------------------------
# The data: grammar, tables and templates


@dataclass(frozen=True)
class _Act:
    """A cited document as a whole."""

    kind: str  # sfs | eu | international | agency_regulation | preparatory_work
    iri: str
    label: str
    sfs: str | None = None


@dataclass(frozen=True)
class _TokenDef:
    name: str
    role: str
    regex: re.Pattern[str]


@dataclass
class _Grammar:
    tokens: dict[str, _TokenDef]
    master: re.Pattern[str]
    names: dict[str, _Act]  # normalised name (any case, genitive too) -> act
    abbreviations: dict[str, _Act]  # case-sensitive
    standalone_abbreviations: frozenset[str]
    acts_by_id: dict[str, _Act]  # SFS number / CELEX / slug -> act
    ordinals: dict[str, int]
    not_acts: frozenset[str]
    anonymous_nouns: frozenset[str]
    templates: dict[str, tuple[str, str]]  # kind -> (IRI template, label template)
    levels: tuple[str, ...]  # outermost first
    fragment_letters: dict[str, str]
    child_level: dict[str, str]  # the level a bare number after this level belongs to


def _data_rows(name: str) -> Iterator[list[str]]:
    """Yield the tab-separated rows of a data file, skipping comments and blank lines."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n").split("\t")


def _alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first, spaces matching any whitespace."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(re.escape(part) for part in w.split()) for w in unique)


def _sfs_iri_part(sfs: str) -> str:
    return re.sub(r"\s+", "_", sfs.strip())


def _fill(template: str, **values: str) -> str:
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


@cache
def _grammar() -> _Grammar:
    """Load and compile all data files (once)."""
    templates = {row[0]: (row[1], row[2] if len(row) > 2 else "") for row in _data_rows("iris.tsv")}

    names: dict[str, _Act] = {}
    abbreviations: dict[str, _Act] = {}
    clashing: set[str] = set()
    standalone: set[str] = set()
    acts_by_id: dict[str, _Act] = {}
    multiword: list[str] = []
    for row in _data_rows("acts.tsv"):
        row += [""] * (6 - len(row))
        kind, ident, label, name_list, abbr_list, standalone_list = row[:6]
        if kind == "sfs":
            iri = _fill(templates["sfs"][0], sfs=_sfs_iri_part(ident))
        elif kind == "eu":
            iri = _fill(templates["eu"][0], celex=ident)
        else:
            iri = _fill(templates["international"][0], slug=ident)
        act = _Act(kind, iri, label, ident if kind == "sfs" else None)
        acts_by_id[ident] = act
        for name in filter(None, name_list.split("|")):
            for form in (name, name + "s") if not name.endswith("s") else (name,):
                names[fold_label(form)] = act
            if " " in name.strip():
                multiword.append(name.strip())
        for abbr in filter(None, abbr_list.split("|")):
            if abbr in abbreviations and abbreviations[abbr] != act:
                clashing.add(abbr)
            abbreviations[abbr] = act
        standalone.update(filter(None, standalone_list.split("|")))
    for abbr in clashing:  # an abbreviation two acts share says nothing
        logger.warning("legalref: abbreviation %s names several acts; ignored", abbr)
        del abbreviations[abbr]

    ordinals = {row[0]: int(row[1]) for row in _data_rows("ordinals.tsv")}
    series = [row[0] for row in _data_rows("agency_series.tsv")]
    not_acts = frozenset(
        fold_label(line)
        for line in (DATA_DIR / "not_acts.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    level_rows = list(_data_rows("levels.tsv"))

    extra = {
        "ordinal_words": _alternation(list(ordinals)),
        "abbreviations": _alternation(list(abbreviations)) or "(?!)",
        "multiword_names": _alternation(multiword) or "(?!)",
        "agency_series": _alternation(series),
    }
    token_sources, words = _read_grammar(extra)
    flags = re.VERBOSE | re.MULTILINE
    tokens = {
        name: _TokenDef(name, role, re.compile(source, flags))
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
    return _Grammar(
        tokens=tokens,
        master=master,
        names=names,
        abbreviations=abbreviations,
        standalone_abbreviations=frozenset(standalone),
        acts_by_id=acts_by_id,
        ordinals=ordinals,
        not_acts=not_acts,
        anonymous_nouns=frozenset(words.get("anonymous_nouns", [])),
        templates=templates,
        levels=tuple(row[0] for row in level_rows),
        fragment_letters={row[0]: row[1] for row in level_rows},
        child_level={row[0]: row[2] for row in level_rows},
    )


# ---------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class _Token:
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


def _tokens(text: str) -> Iterator[_Token]:
    g = _grammar()
    for m in g.master.finditer(text):
        if m.lastgroup is None or m.end() == m.start():
            continue
        token_def = g.tokens[m.lastgroup]
        exact = token_def.regex.match(text, m.start())
        if exact is None:  # cannot happen: the same regex matched in the scanner
            continue
        yield _Token(token_def.name, token_def.role, exact.start(), exact.end(), exact)


# ---------------------------------------------------------------------------------------------
# Lists of provisions ("7 kap. 22, 23 och 26 §§")


@dataclass(eq=False)
class _Seg:
    """One level of one provision: "7 kap." (chapter 7) or "22" (section 22)."""

    level: str
    value: str
    start: int
    end: int
    own: bool = True  # written with its own unit word, not shared ("22" in "22 och 26 §§")


@dataclass(eq=False)
class _Item:
    segs: dict[str, _Seg]


@dataclass
class _Pending:
    kind: str  # number | ordinal | letter
    value: str
    start: int
    end: int
    after_unit: bool  # straight after "§" or "stycket": a punkt unless a unit word follows
    sep_before: bool


@dataclass
class _Proto:
    """A reference cut from a list, before its act is known."""

    start: int
    end: int
    levels: dict[str, str]


@dataclass
class _Chain:
    items: list[_Item] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    prev_role: str | None = None
    sep_seen: bool = False
    point_marker: bool = False
    range_level: str | None = None  # "3-5" after a resolved "3": the level "5" takes

    @property
    def empty(self) -> bool:
        return not self.items and not self.pending


class _ChainBuilder:
    """Turns the chain tokens of one run into provisions (levels and spans)."""

    def __init__(self, grammar: _Grammar) -> None:
        self.g = grammar
        self.rank = {level: i for i, level in enumerate(grammar.levels)}
        self.chain = _Chain()

    def reset(self) -> None:
        self.chain = _Chain()

    def feed(self, tok: _Token) -> None:
        c = self.chain
        role = tok.role
        if role.startswith("unit:"):
            self._resolve(role.removeprefix("unit:"), tok)
        elif role in ("number", "ordinal", "letter"):
            if role == "number":
                value = (tok.group("num") or "") + (tok.group("letter", "letter_i") or "")
            elif role == "ordinal":
                value = str(self.g.ordinals[(tok.group("ordinal") or "").lower()])
            else:
                value = tok.group("letter") or ""
            after_unit = c.prev_role in ("unit:section", "unit:paragraph")
            if role == "letter" and not after_unit:
                self.settle()
                c.prev_role = "other"
                return
            self.settle()
            pending = _Pending(role, value, tok.start, tok.end, after_unit, c.sep_seen)
            c.sep_seen = False
            level = "point" if c.point_marker else c.range_level
            c.point_marker, c.range_level = False, None
            if level is not None and role == "number":
                self._place(level, pending, tok.end, own=True)
            else:
                c.pending.append(pending)
        elif role in ("sep", "dash"):
            self.settle()
            c.sep_seen = True
            c.range_level = None
            if role == "dash" and not c.pending and c.items and c.prev_role in ("number", "letter"):
                c.range_level = max(c.items[-1].segs, key=lambda lv: self.rank[lv])
        elif role == "point_marker":
            self.settle()
            # "punkt 4" only inside a provision ("41 § anvisningarna punkt 4"), not on its own
            c.point_marker = bool(c.items)
        else:  # connector
            self.settle()
        c.prev_role = role

    def settle(self) -> None:
        """A lone number straight after "§"/"stycket" with no unit of its own is a punkt."""
        c = self.chain
        if len(c.pending) == 1 and c.pending[0].after_unit and c.pending[0].kind != "ordinal":
            p = c.pending.pop()
            self._place("point", p, p.end, own=True)

    def _resolve(self, level: str, unit: _Token) -> None:
        c = self.chain
        pending, c.pending = c.pending, []
        for i, p in enumerate(pending):
            if p.kind == "ordinal" and level not in ("paragraph", "point", "sentence"):
                continue
            last = i == len(pending) - 1
            self._place(level, p, unit.end if last else p.end, own=last)

    def _place(self, level: str, p: _Pending, end: int, own: bool) -> None:
        items = self.chain.items
        seg = _Seg(level, p.value.replace(" ", ""), p.start, end, own)
        last = items[-1] if items else None
        if last is not None and not p.sep_before and level not in last.segs:
            top = min(self.rank[lv] for lv in last.segs)
            if self.rank[level] > top:  # refines the provision before: "7 kap." + "22"
                last.segs[level] = seg
                last.segs = dict(sorted(last.segs.items(), key=lambda kv: self.rank[kv[0]]))
                return
        inherited: dict[str, _Seg] = {}
        if last is not None:
            lowest = max(last.segs, key=lambda lv: self.rank[lv])
            below = self.rank[level] > self.rank[lowest]
            # after a separator, only a bare child continues the provision before it
            # ("första stycket och 3" is punkt 3 of that stycke; "2 § och första stycket" not)
            if not below or self.g.child_level[lowest] == level:
                inherited = {
                    lv: s for lv, s in last.segs.items() if self.rank[lv] < self.rank[level]
                }
        items.append(_Item({**inherited, level: seg}))

    def finish(self) -> list[_Proto]:
        """Close the run: resolve what is left and cut it into references."""
        c = self.chain
        self.settle()
        if c.pending and c.items:
            lowest = max(c.items[-1].segs, key=lambda lv: self.rank[lv])
            level = self.g.child_level[lowest]
            for p in c.pending:
                if p.kind != "ordinal":
                    self._place(level, p, p.end, own=True)
        c.pending = []
        protos = self._cut(c.items)
        self.reset()
        return protos

    def _cut(self, items: list[_Item]) -> list[_Proto]:
        """Cut provisions into references the way lagen.nu links them.

        A chapter shared by several provisions that do not all have their own "§" is a
        reference of its own ("7 kap." in "7 kap. 22, 23 och 26 §§"); so is a section whose
        provisions differ only in punkt ("7 §" in "7 § 1 eller 2").
        """
        shared = Counter(id(seg) for item in items for seg in item.segs.values())
        parents: dict[int, list[_Seg]] = {}  # id(first seg of the parent) -> segs of the parent
        for item in items:
            chapter = item.segs.get("chapter")
            if chapter is not None and shared[id(chapter)] > 1 and id(chapter) not in parents:
                siblings = [it for it in items if it.segs.get("chapter") is chapter]
                if any(
                    (s := it.segs.get("section")) is None or not s.own or shared[id(s)] > 1
                    for it in siblings
                ):
                    parents[id(chapter)] = [chapter]
            section = item.segs.get("section")
            if section is not None and shared[id(section)] > 1 and id(section) not in parents:
                siblings = [it for it in items if it.segs.get("section") is section]
                stycken = {id(it.segs.get("paragraph")) for it in siblings}
                if all("point" in it.segs for it in siblings) and len(stycken) == 1:
                    parent = [s for lv, s in item.segs.items() if lv in ("chapter", "section")]
                    if "paragraph" in item.segs:
                        parent.append(item.segs["paragraph"])
                    parents[id(section)] = parent

        protos: list[_Proto] = []
        covered: set[int] = set()

        def emit(segs: list[_Seg]) -> None:
            fresh = [s for s in segs if id(s) not in covered]
            if not fresh:
                return
            covered.update(id(s) for s in segs)
            protos.append(
                _Proto(fresh[0].start, max(s.end for s in fresh), {s.level: s.value for s in segs})
            )

        for item in items:
            for seg in list(item.segs.values()):
                shared_parent = parents.get(id(seg))
                if shared_parent is not None and id(shared_parent[-1]) not in covered:
                    emit(shared_parent)
            emit(list(item.segs.values()))
        return protos


# ---------------------------------------------------------------------------------------------
# The parser


@dataclass
class _Designator:
    """What a designator token says about the act the provisions before it belong to."""

    act: _Act | None  # None: an unknown law, whose provisions cannot be linked
    resolved_by: str
    end: int  # end of the designator token
    link: tuple[int, int] | None = None  # span of its own reference, when it gets one
    merge: bool = True  # a single provision before it and it make one reference
    link_alone_only: bool = False  # its own reference only when no provision precedes it


_CHAIN_ROLES = frozenset(
    {"number", "ordinal", "letter", "sep", "dash", "connector", "point_marker"}
)
_DESIGNATOR_ROLES = frozenset(
    {"named", "multiword", "abbreviation", "sfs", "agency", "anaphor", "this_act"}
)


class LegalRefParser:
    """A parser that remembers the laws named so far, across calls to :meth:`parse`.

    Use one parser for the paragraphs of one document, so that "samma lag" and names defined
    earlier ("påhittadelagen (1960:729)") carry over; call :meth:`reset` to forget them.

    Args:
        base: the document relative references belong to: an SFS number ("2001:453"), any
            citation this parser reads ("prop. 1996/97:44", "socialtjänstlagen") or an IRI.
        committee_report: for a base that is a proposition, the committee report that
            "kommitténs betänkande" means ("SOU 1997:39").
    """

    def __init__(self, base: str | None = None, *, committee_report: str | None = None) -> None:
        self._g = _grammar()
        self.base = _resolve_document(base)
        self.committee_report = _resolve_document(committee_report)
        self.reset()

    def reset(self) -> None:
        """Forget the laws named so far."""
        self._history: list[_Act] = []  # acts named, oldest first
        self._learned: dict[str, _Act] = {}  # names defined in the text
        self._last_document: dict[str, _Act] = {}  # series -> last preparatory work named
        self._heading_chapter: str | None = None
        self._heading_section: str | None = None

    # -- public ------------------------------------------------------------------------------

    def parse(self, text: str) -> list[LegalRef]:
        """Return the legal references in ``text``, in order, with non-overlapping spans."""
        if not isinstance(text, str) or not text:
            return []
        refs: list[LegalRef] = []
        builder = _ChainBuilder(self._g)
        prev_end = 0
        for tok in _tokens(text):
            if text[prev_end : tok.start].strip():
                self._close_chain(text, builder, None, refs)
            prev_end = tok.end
            try:
                self._handle(text, tok, builder, refs)
            except (KeyError, ValueError, IndexError) as exc:  # a grammar gap, never fatal
                logger.debug("legalref: skipped %r: %s", tok.match.group(0), exc)
                builder.reset()
        self._close_chain(text, builder, None, refs)
        return _without_overlaps(text, refs)

    # -- tokens --------------------------------------------------------------------------------

    def _handle(self, text: str, tok: _Token, builder: _ChainBuilder, refs: list[LegalRef]) -> None:
        role = tok.role
        if role.startswith("unit:") or role in _CHAIN_ROLES:
            if role == "connector" and builder.chain.empty:
                return
            builder.feed(tok)
        elif role in _DESIGNATOR_ROLES:
            self._close_chain(text, builder, self._designator(tok), refs)
        else:
            self._close_chain(text, builder, None, refs)
            getattr(self, f"_standalone_{role}")(text, tok, refs)

    def _designator(self, tok: _Token) -> _Designator | None:
        """Read a designator token; None if it is an ordinary word after all."""
        g = self._g
        role = tok.role
        whole = (tok.start, tok.end)
        if role in ("named", "multiword"):
            name = tok.group("name") or ""
            key = fold_label(name)
            sfs = _sfs_from(tok)
            if sfs is not None:
                act = self._sfs_act(sfs)
                if key in g.anonymous_nouns:  # "lagen (1982:80) om ...": link the number
                    number = (tok.span_of("sfs_year")[0], _sfs_end(tok))
                    self._history.append(act)
                    return _Designator(act, "explicit", tok.end, number, merge=False)
                if act.label == _fill(g.templates["sfs"][1], sfs=sfs):  # not in acts.tsv
                    act = _Act(act.kind, act.iri, _label_from_name(name), act.sfs)
                for form in (key, key + "s"):
                    self._learned[form] = act
                self._history.append(act)
                return _Designator(act, "explicit", tok.end, whole)
            if key in self._learned:
                act, how = self._learned[key], "context"
            elif key in g.names:
                act, how = g.names[key], "name_lookup"
            elif key in g.not_acts:
                return None
            else:  # "23 § okändalagen", or a bare "lagen"
                return _Designator(None, "unknown", tok.end)
            self._history.append(act)
            return _Designator(act, how, tok.end, whole)
        if role == "abbreviation":
            abbr = tok.group("abbr") or ""
            act = g.abbreviations[abbr]
            self._history.append(act)
            link = whole if abbr in g.standalone_abbreviations else None
            return _Designator(act, "name_lookup", tok.end, link)
        if role == "sfs":
            sfs = _sfs_from(tok)
            if sfs is None:
                return None
            act = self._sfs_act(sfs)
            self._history.append(act)
            start = tok.span_of("sfs_year")[0] if tok.name == "sfs_parens" else tok.start
            return _Designator(act, "explicit", tok.end, (start, _sfs_end(tok)))
        if role == "agency":
            act = self._agency_act(tok)
            self._history.append(act)
            return _Designator(act, "explicit", tok.end, whole)
        if role == "anaphor":
            which = fold_label(tok.group("which") or "")
            earlier = self._earlier_act(first="förstnämnda" in which) or self.base
            link = whole if which.startswith("samma ") else None
            return _Designator(earlier, "context", tok.end, link, link_alone_only=True)
        if role == "this_act":
            return _Designator(self.base, "base", tok.end, merge=False)
        return None

    def _close_chain(
        self,
        text: str,
        builder: _ChainBuilder,
        designator: _Designator | None,
        refs: list[LegalRef],
    ) -> None:
        """Turn the provisions read so far into references, given the act they belong to."""
        protos = builder.finish()
        if designator is None:
            act, how = self._relative_act()
            if act is None:
                return
            for proto in protos:
                levels = self._with_heading_context(proto.levels) if how == "base" else proto.levels
                refs.append(self._provision_ref(text, proto.start, proto.end, levels, act, how))
            return
        act, how = designator.act, designator.resolved_by
        if act is None:  # an unknown law: its provisions cannot be linked
            return
        if not protos:
            if designator.link is not None:
                refs.append(self._act_ref(text, *designator.link, act, how))
            return
        if len(protos) == 1 and set(protos[0].levels) != {"chapter"} and designator.merge:
            proto = protos[0]
            refs.append(
                self._provision_ref(text, proto.start, designator.end, proto.levels, act, how)
            )
            return
        for proto in protos:
            refs.append(self._provision_ref(text, proto.start, proto.end, proto.levels, act, how))
        if designator.link is not None and not designator.link_alone_only:
            refs.append(self._act_ref(text, *designator.link, act, how))

    def _relative_act(self) -> tuple[_Act | None, str]:
        if self.base is not None and self.base.kind in ("sfs", "agency_regulation"):
            return self.base, "base"
        act = self._earlier_act(first=False)
        if act is not None:
            return act, "context"
        return None, "unknown"

    def _with_heading_context(self, levels: dict[str, str]) -> dict[str, str]:
        """Add the chapter (and section) of the statute heading the text is under."""
        if "chapter" in levels or (self._heading_chapter is None and self._heading_section is None):
            return levels
        context: dict[str, str] = {}
        if self._heading_chapter is not None:
            context["chapter"] = self._heading_chapter
        if "section" not in levels and self._heading_section is not None:
            context["section"] = self._heading_section
        merged = {**context, **levels}
        return {lv: merged[lv] for lv in self._g.levels if lv in merged}

    def _earlier_act(self, *, first: bool) -> _Act | None:
        """The law named last, or (first=True) the one named before it."""
        distinct: list[_Act] = []
        for act in reversed(self._history):
            if act not in distinct:
                distinct.append(act)
            if len(distinct) == 2:
                break
        if not distinct:
            return None
        return distinct[-1] if first else distinct[0]

    # -- standalone citations --------------------------------------------------------------------

    def _standalone_heading(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        rest = text[tok.end : tok.end + 60].split()
        first_word = re.sub(r"[^\wåäöÅÄÖ-]", "", rest[0]) if rest else ""
        if first_word in self._g.abbreviations or fold_label(first_word) in self._g.names:
            # "5 kap. 11 § Socialtjänstlagen" at the start of a line is a citation after all
            chapter = tok.group("h_chapter")
            section = tok.group("h_section_k", "h_section")
            levels = {
                lv: v.replace(" ", "")
                for lv, v in (("chapter", chapter), ("section", section))
                if v is not None
            }
            act = self._designator_for_word(first_word)
            if act is not None:
                start = tok.start + len(tok.match.group(0)) - len(tok.match.group(0).lstrip())
                end = text.index(first_word, tok.end) + len(first_word)
                refs.append(self._provision_ref(text, start, end, levels, act, "name_lookup"))
            return
        chapter = tok.group("h_chapter")
        if chapter is not None:
            self._heading_chapter = chapter.replace(" ", "")
            self._heading_section = None
        section = tok.group("h_section_k", "h_section")
        if section is not None:
            self._heading_section = section.replace(" ", "")

    def _designator_for_word(self, word: str) -> _Act | None:
        act = self._g.abbreviations.get(word) or self._g.names.get(fold_label(word))
        if act is not None:
            self._history.append(act)
        return act

    def _standalone_break(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        """A list numeral: the run of provisions before it has been closed; nothing else."""

    def _standalone_celex(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        celex = tok.group("celex") or ""
        if len(celex) == 8:  # "392L0100": sector and two-digit year
            celex = celex[0] + "19" + celex[1:]
        refs.append(self._act_ref(text, tok.start, tok.end, self._eu_act(celex), "explicit"))

    def _standalone_eu(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        eu_type = tok.group("eu_type") or "direktiv"
        a, b = tok.group("a") or "", tok.group("b") or ""
        number_first = eu_type in ("förordning",) and (
            tok.group("nr") is not None or tok.group("org") in ("EG", "EEG", "EKSG")
        )
        year, number = (b, a) if number_first else (a, b)
        type_letter = {"direktiv": "L", "förordning": "R", "beslut": "D", "rambeslut": "F"}[eu_type]
        act = self._eu_act(_celex(type_letter, year, number))
        article = tok.group("article")
        if article is None:
            refs.append(self._act_ref(text, tok.start, tok.end, act, "explicit"))
            return
        part = _fill(self._g.templates["article"][0], article=article)
        refs.append(
            self._act_ref(
                text,
                tok.start,
                tok.end,
                act,
                "explicit",
                kind="eu_provision",
                part=part,
                section=article,
            )
        )

    def _standalone_eu_short(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        celex = _celex("L", tok.group("a") or "", tok.group("b") or "")
        refs.append(self._act_ref(text, tok.start, tok.end, self._eu_act(celex), "explicit"))

    def _standalone_document(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        series = tok.name
        year = tok.group("year", "year_old", "year_nr", "year_nr2") or ""
        number = re.sub(r"\s+", "", tok.group("no", "no_old", "no_nr", "no_nr2") or "")
        iri_template, label_template = self._g.templates[series]
        act = _Act(
            "preparatory_work",
            _fill(iri_template, year=year, no=number),
            _fill(label_template, year=year, no=number),
        )
        self._last_document[series] = act
        self._page_refs(text, tok, act, "explicit", refs)

    def _standalone_a_document(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        act = self._last_document.get((tok.group("series") or "").lower())
        if act is not None:
            self._page_refs(text, tok, act, "context", refs)

    def _page_refs(self, text: str, tok: _Token, act: _Act, how: str, refs: list[LegalRef]) -> None:
        """The document, or its pages: "s. 112-121, 141" gives 112, 121 and 141."""
        if tok.group("pages") is None:
            refs.append(self._act_ref(text, tok.start, tok.end, act, how))
            return
        pages_start = tok.span_of("pages")[0]
        page_template = self._g.templates["page"][0]
        for i, m in enumerate(re.finditer(r"\d+", tok.group("pages") or "")):
            start = tok.start if i == 0 else pages_start + m.start()
            end = pages_start + m.end()
            part = _fill(page_template, page=m.group())
            refs.append(
                self._act_ref(text, start, end, act, how if i == 0 else "context", part=part)
            )

    def _standalone_avsnitt(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        committee = tok.group("committee") is not None
        act = self.committee_report if committee else self.base
        if act is None or act.kind != "preparatory_work":
            return
        sections_start = tok.span_of("sections")[0]
        numbers = list(re.finditer(r"\d+(?:\.\d+)*", tok.group("sections") or ""))
        template = self._g.templates["section"][0]
        for i, m in enumerate(numbers):
            start = tok.start if i == 0 else sections_start + m.start()
            end = tok.end if i == len(numbers) - 1 else sections_start + m.end()
            part = _fill(template, section=m.group().replace(".", "-"))
            refs.append(self._act_ref(text, start, end, act, "base", part=part, section=m.group()))

    def _standalone_short_form(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        act = self._g.abbreviations[tok.group("abbr", "abbr_r") or ""]
        self._history.append(act)
        levels = {
            "chapter": (tok.group("chapter", "chapter_r") or "").replace(" ", ""),
            "section": (tok.group("section", "section_r") or "").replace(" ", ""),
        }
        refs.append(self._provision_ref(text, tok.start, tok.end, levels, act, "name_lookup"))

    def _standalone_amendment(self, text: str, tok: _Token, refs: list[LegalRef]) -> None:
        sfs = _sfs_from(tok) or ""
        if self.base is None or self.base.kind != "sfs":
            refs.append(self._act_ref(text, tok.start, tok.end, self._sfs_act(sfs), "explicit"))
            return
        part = _fill(self._g.templates["amendment"][0], sfs=_sfs_iri_part(sfs))
        refs.append(
            self._act_ref(
                text, tok.start, tok.end, self.base, "base", kind="sfs_amendment", part=part
            )
        )

    # -- building references -------------------------------------------------------------------

    def _sfs_act(self, sfs: str) -> _Act:
        known = self._g.acts_by_id.get(sfs)
        if known is not None:
            return known
        iri = _fill(self._g.templates["sfs"][0], sfs=_sfs_iri_part(sfs))
        return _Act("sfs", iri, _fill(self._g.templates["sfs"][1], sfs=sfs), sfs)

    def _agency_act(self, tok: _Token) -> _Act:
        series = re.sub(r"\s+", "", tok.group("series") or "")
        year, number = tok.group("year") or "", tok.group("no") or ""
        iri_template, label_template = self._g.templates["agency_regulation"]
        return _Act(
            "agency_regulation",
            _fill(iri_template, series=series.lower(), year=year, no=number),
            _fill(label_template, SERIES=series, year=year, no=number),
        )

    def _eu_act(self, celex: str) -> _Act:
        known = self._g.acts_by_id.get(celex)
        if known is not None:
            return known
        iri_template, label_template = self._g.templates["eu"]
        return _Act("eu", _fill(iri_template, celex=celex), _fill(label_template, celex=celex))

    def _act_ref(
        self,
        text: str,
        start: int,
        end: int,
        act: _Act,
        how: str,
        *,
        kind: str | None = None,
        part: str = "",
        section: str | None = None,
    ) -> LegalRef:
        """A reference to an act, or to a part of it without chapters (an article, a
        page, a numbered section, an amendment): ``part`` is the IRI fragment after the
        act's, ``kind`` the reference's kind when it is not the act's."""
        return LegalRef(
            text=text[start:end],
            start=start,
            end=end,
            kind=kind or act.kind,
            target=act.iri + part,
            act=act.iri,
            act_label=act.label,
            sfs=act.sfs,
            chapter=None,
            section=section,
            paragraph=None,
            resolved_by=how,
        )

    def _provision_ref(
        self, text: str, start: int, end: int, levels: dict[str, str], act: _Act, how: str
    ) -> LegalRef:
        g = self._g
        parts: list[str] = []
        for level in g.levels:
            if (
                level == "paragraph"
                and level not in levels
                and "point" in levels
                and ("section" in levels)
            ):
                parts.append(g.fragment_letters[level] + "1")  # "6 § 1": punkt 1 of stycke 1
            if level in levels:
                parts.append(g.fragment_letters[level] + levels[level])
        paragraph = levels.get("paragraph")
        if paragraph is None and "point" in levels and "section" in levels:
            paragraph = "1"
        return LegalRef(
            text=text[start:end],
            start=start,
            end=end,
            kind=f"{act.kind}_provision",
            target=f"{act.iri}#{''.join(parts)}",
            act=act.iri,
            act_label=act.label,
            sfs=act.sfs,
            chapter=levels.get("chapter"),
            section=levels.get("section"),
            paragraph=int(paragraph) if paragraph is not None and paragraph.isdigit() else None,
            point=levels.get("point"),
            resolved_by=how,
        )


# ---------------------------------------------------------------------------------------------
# Helpers


def _sfs_from(tok: _Token) -> str | None:
    year, number = tok.group("sfs_year"), tok.group("sfs_no")
    if year is None or number is None:
        return None
    page = tok.group("sfs_page")
    return f"{year}:{number}" + (f" s. {page}" if page else "")


def _sfs_end(tok: _Token) -> int:
    """End offset of the SFS number in a token (page suffix included)."""
    for name in ("sfs_page", "sfs_no"):
        if tok.match.group(name) is not None:
            return tok.span_of(name)[1]
    return tok.end


def _celex(type_letter: str, year: str, number: str) -> str:
    """CELEX number of an EU act, four-digit year: ("L", "95", "46") -> "31995L0046"."""
    if len(year) == 2:
        year = ("19" if int(year) >= 50 else "20") + year
    return f"3{year}{type_letter}{int(number):04d}"


def _label_from_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip()
    return name[:1].upper() + name[1:]


@cache
def _resolve_document(spec: str | None) -> _Act | None:
    """The act a base specification names: an SFS number, a citation or an IRI."""
    if spec is None or not spec.strip():
        return None
    spec = spec.strip()
    g = _grammar()
    if spec.startswith(("http://", "https://")):
        m = re.fullmatch(r"https://lagen\.nu/(\d{4}:[^#/]+)", spec)
        sfs = m.group(1).replace("_", " ") if m else None
        return _Act("sfs" if sfs else "document", spec, spec, sfs)
    m = re.fullmatch(r"(?:SFS\s+)?(\d{4}:\d+(?:\s+s\.\s?\d+)?)", spec)
    if m:
        sfs = re.sub(r"\s+", " ", m.group(1))
        known = g.acts_by_id.get(sfs)
        if known is not None:
            return known
        iri = _fill(g.templates["sfs"][0], sfs=_sfs_iri_part(sfs))
        return _Act("sfs", iri, _fill(g.templates["sfs"][1], sfs=sfs), sfs)
    for ref in LegalRefParser().parse(spec):
        kind = ref.kind.removesuffix("_provision")
        return _Act(kind, ref.act, ref.act_label, ref.sfs)
    logger.warning("legalref: base %r names no document; relative references stay unlinked", spec)
    return None


def _without_overlaps(text: str, refs: list[LegalRef]) -> list[LegalRef]:
    """Sort by offset, drop empty or overlapping spans (the earlier one wins)."""
    kept: list[LegalRef] = []
    end = -1
    for ref in sorted(refs, key=lambda r: (r.start, -r.end)):
        if ref.start >= end and 0 <= ref.start < ref.end <= len(text) and ref.text.strip():
            kept.append(ref)
            end = ref.end
    return kept


def parse(text: str, base: str | None = None) -> list[LegalRef]:
    """Return the legal references in ``text``.

    Args:
        text: any text; the parser never raises on it.
        base: the document relative references ("11 §", "första stycket", "denna lag")
            belong to, e.g. the SFS number of the statute the text is part of ("2001:453").
            Without it they resolve against the law named last in the text.

    Returns:
        The references in order of appearance; spans never overlap and
        ``ref.text == text[ref.start:ref.end]``.
    """
    return LegalRefParser(base).parse(text)
