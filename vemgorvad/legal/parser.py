"""Find Swedish legal citations in text and give each a citable IRI.

The grammar is data, not code (:mod:`vemgorvad.legal.grammar` reads it from ``data/``).
This module scans the text for tokens, strings them into runs
(:mod:`vemgorvad.legal.chains`) and turns each run into references
(:mod:`vemgorvad.legal.citation`).

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
from dataclasses import dataclass
from functools import cache

from vemgorvad.legal.chains import ChainBuilder
from vemgorvad.legal.citation import (
    KINDS,
    LegalRef,
    act_ref,
    agency_act,
    celex_number,
    eu_act,
    label_from_name,
    provision_ref,
    sfs_act,
    sfs_end,
    sfs_from,
)
from vemgorvad.legal.grammar import Act, Token, fill, grammar, sfs_iri_part, tokens
from vemgorvad.text import fold_label, normalize_space

logger = logging.getLogger(__name__)

__all__ = ["KINDS", "LegalRef", "LegalRefParser", "parse"]


@dataclass
class _Designator:
    """What a designator token says about the act the provisions before it belong to."""

    act: Act | None  # None: an unknown law, whose provisions cannot be linked
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
        self._g = grammar()
        self.base = _resolve_document(base)
        self.committee_report = _resolve_document(committee_report)
        self.reset()

    def reset(self) -> None:
        """Forget the laws named so far."""
        self._history: list[Act] = []  # acts named, oldest first
        self._learned: dict[str, Act] = {}  # names defined in the text
        self._last_document: dict[str, Act] = {}  # series -> last preparatory work named
        self._heading_chapter: str | None = None
        self._heading_section: str | None = None

    # -- public ------------------------------------------------------------------------------

    def parse(self, text: str) -> list[LegalRef]:
        """Return the legal references in ``text``, in order, with non-overlapping spans."""
        if not isinstance(text, str) or not text:
            return []
        refs: list[LegalRef] = []
        builder = ChainBuilder(self._g)
        prev_end = 0
        for tok in tokens(text):
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

    def _handle(self, text: str, tok: Token, builder: ChainBuilder, refs: list[LegalRef]) -> None:
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

    def _designator(self, tok: Token) -> _Designator | None:
        """Read a designator token; None if it is an ordinary word after all."""
        g = self._g
        role = tok.role
        whole = (tok.start, tok.end)
        if role in ("named", "multiword"):
            name = tok.group("name") or ""
            key = fold_label(name)
            sfs = sfs_from(tok)
            if sfs is not None:
                act = sfs_act(self._g, sfs)
                if key in g.anonymous_nouns:  # "lagen (1982:80) om ...": link the number
                    number = (tok.span_of("sfs_year")[0], sfs_end(tok))
                    self._history.append(act)
                    return _Designator(act, "explicit", tok.end, number, merge=False)
                if act.label == fill(g.templates["sfs"][1], sfs=sfs):  # not in acts.tsv
                    act = Act(act.kind, act.iri, label_from_name(name), act.sfs)
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
            sfs = sfs_from(tok)
            if sfs is None:
                return None
            act = sfs_act(self._g, sfs)
            self._history.append(act)
            start = tok.span_of("sfs_year")[0] if tok.name == "sfs_parens" else tok.start
            return _Designator(act, "explicit", tok.end, (start, sfs_end(tok)))
        if role == "agency":
            act = agency_act(self._g, tok)
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
        builder: ChainBuilder,
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
                refs.append(provision_ref(text, proto.start, proto.end, levels, act, how))
            return
        act, how = designator.act, designator.resolved_by
        if act is None:  # an unknown law: its provisions cannot be linked
            return
        if not protos:
            if designator.link is not None:
                refs.append(act_ref(text, *designator.link, act, how))
            return
        if len(protos) == 1 and set(protos[0].levels) != {"chapter"} and designator.merge:
            proto = protos[0]
            refs.append(
                provision_ref(text, proto.start, designator.end, proto.levels, act, how)
            )
            return
        for proto in protos:
            refs.append(provision_ref(text, proto.start, proto.end, proto.levels, act, how))
        if designator.link is not None and not designator.link_alone_only:
            refs.append(act_ref(text, *designator.link, act, how))

    def _relative_act(self) -> tuple[Act | None, str]:
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

    def _earlier_act(self, *, first: bool) -> Act | None:
        """The law named last, or (first=True) the one named before it."""
        distinct: list[Act] = []
        for act in reversed(self._history):
            if act not in distinct:
                distinct.append(act)
            if len(distinct) == 2:
                break
        if not distinct:
            return None
        return distinct[-1] if first else distinct[0]

    # -- standalone citations --------------------------------------------------------------------

    def _standalone_heading(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
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
                refs.append(provision_ref(text, start, end, levels, act, "name_lookup"))
            return
        chapter = tok.group("h_chapter")
        if chapter is not None:
            self._heading_chapter = chapter.replace(" ", "")
            self._heading_section = None
        section = tok.group("h_section_k", "h_section")
        if section is not None:
            self._heading_section = section.replace(" ", "")

    def _designator_for_word(self, word: str) -> Act | None:
        act = self._g.abbreviations.get(word) or self._g.names.get(fold_label(word))
        if act is not None:
            self._history.append(act)
        return act

    def _standalone_break(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        """A list numeral: the run of provisions before it has been closed; nothing else."""

    def _standalone_celex(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        celex = tok.group("celex") or ""
        if len(celex) == 8:  # "392L0100": sector and two-digit year
            celex = celex[0] + "19" + celex[1:]
        refs.append(act_ref(text, tok.start, tok.end, eu_act(self._g, celex), "explicit"))

    def _standalone_eu(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        eu_type = tok.group("eu_type") or "direktiv"
        a, b = tok.group("a") or "", tok.group("b") or ""
        number_first = eu_type in ("förordning",) and (
            tok.group("nr") is not None or tok.group("org") in ("EG", "EEG", "EKSG")
        )
        year, number = (b, a) if number_first else (a, b)
        type_letter = self._g.eu_type_letters[eu_type]
        act = eu_act(self._g, celex_number(type_letter, year, number))
        article = tok.group("article")
        if article is None:
            refs.append(act_ref(text, tok.start, tok.end, act, "explicit"))
            return
        part = fill(self._g.templates["article"][0], article=article)
        refs.append(
            act_ref(
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

    def _standalone_eu_short(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        celex = celex_number("L", tok.group("a") or "", tok.group("b") or "")
        refs.append(act_ref(text, tok.start, tok.end, eu_act(self._g, celex), "explicit"))

    def _standalone_document(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        series = tok.name
        year = tok.group("year", "year_old", "year_nr", "year_nr2") or ""
        number = re.sub(r"\s+", "", tok.group("no", "no_old", "no_nr", "no_nr2") or "")
        iri_template, label_template = self._g.templates[series]
        act = Act(
            "preparatory_work",
            fill(iri_template, year=year, no=number),
            fill(label_template, year=year, no=number),
        )
        self._last_document[series] = act
        self._page_refs(text, tok, act, "explicit", refs)

    def _standalone_a_document(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        act = self._last_document.get((tok.group("series") or "").lower())
        if act is not None:
            self._page_refs(text, tok, act, "context", refs)

    def _page_refs(self, text: str, tok: Token, act: Act, how: str, refs: list[LegalRef]) -> None:
        """The document, or its pages: "s. 112-121, 141" gives 112, 121 and 141."""
        if tok.group("pages") is None:
            refs.append(act_ref(text, tok.start, tok.end, act, how))
            return
        pages_start = tok.span_of("pages")[0]
        page_template = self._g.templates["page"][0]
        for i, m in enumerate(re.finditer(r"\d+", tok.group("pages") or "")):
            start = tok.start if i == 0 else pages_start + m.start()
            end = pages_start + m.end()
            part = fill(page_template, page=m.group())
            refs.append(
                act_ref(text, start, end, act, how if i == 0 else "context", part=part)
            )

    def _standalone_avsnitt(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
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
            part = fill(template, section=m.group().replace(".", "-"))
            refs.append(act_ref(text, start, end, act, "base", part=part, section=m.group()))

    def _standalone_short_form(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        act = self._g.abbreviations[tok.group("abbr", "abbr_r") or ""]
        self._history.append(act)
        levels = {
            "chapter": (tok.group("chapter", "chapter_r") or "").replace(" ", ""),
            "section": (tok.group("section", "section_r") or "").replace(" ", ""),
        }
        refs.append(provision_ref(text, tok.start, tok.end, levels, act, "name_lookup"))

    def _standalone_amendment(self, text: str, tok: Token, refs: list[LegalRef]) -> None:
        sfs = sfs_from(tok) or ""
        if self.base is None or self.base.kind != "sfs":
            refs.append(act_ref(text, tok.start, tok.end, sfs_act(self._g, sfs), "explicit"))
            return
        part = fill(self._g.templates["amendment"][0], sfs=sfs_iri_part(sfs))
        refs.append(
            act_ref(
                text, tok.start, tok.end, self.base, "base", kind="sfs_amendment", part=part
            )
        )


@cache
def _resolve_document(spec: str | None) -> Act | None:
    """The act a base specification names: an SFS number, a citation or an IRI."""
    if spec is None or not spec.strip():
        return None
    spec = spec.strip()
    g = grammar()
    if spec.startswith(("http://", "https://")):
        m = re.fullmatch(r"https://lagen\.nu/(\d{4}:[^#/]+)", spec)
        sfs = m.group(1).replace("_", " ") if m else None
        return Act("sfs" if sfs else "document", spec, spec, sfs)
    m = re.fullmatch(r"(?:SFS\s+)?(\d{4}:\d+(?:\s+s\.\s?\d+)?)", spec)
    if m:
        return sfs_act(g, normalize_space(m.group(1)))
    for ref in LegalRefParser().parse(spec):
        kind = ref.kind.removesuffix("_provision")
        return Act(kind, ref.act, ref.act_label, ref.sfs)
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
