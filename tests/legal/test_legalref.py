"""Tests of vemgorvad.legal: our own data-driven cases, the memo, the statutes.

The cases are files under legalref_cases/ (format in its README.md). The memo and the
statutes are read from shared/ beside the repository, as CI has it.
"""

from __future__ import annotations

import dataclasses
import doctest
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vemgorvad.legal import KINDS, LegalRef, LegalRefParser, parse
from vemgorvad.legal import parser as legalref

CASES_DIR = Path(__file__).resolve().parent / "legalref_cases"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
MEMO = SHARED / "seeds" / "000_f1283ca4372ad09f.txt"
SOL = SHARED / "realdocs" / "sfs_2001-453_socialtjanstlag.txt"
REALDOCS = SHARED / "realdocs"

CASE_FILES = sorted(CASES_DIR.glob("*.txt"))


# ---------------------------------------------------------------------------- own cases


@dataclasses.dataclass
class Case:
    base: str | None
    committee: str | None
    text: str
    expected: list[tuple[str, str, str]]


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def read_case(path: Path) -> Case:
    """Read one case file (format: legalref_cases/README.md)."""
    raw = path.read_text(encoding="utf-8")
    head, sep, tail = raw.partition("\n====\n")
    if not sep:
        head, sep, tail = raw.rstrip("\n").partition("\n====")
    assert sep, f"{path.name}: no '====' line"
    lines = head.split("\n")
    directives: dict[str, str] = {}
    while lines and lines[0].startswith("@"):
        key, _, value = lines.pop(0)[1:].partition(" ")
        directives[key] = value.strip()
    expected = []
    for line in tail.splitlines():
        if line.strip():
            text, target, kind = line.split("\t")
            expected.append((_unescape(text), target, kind))
    return Case(directives.get("base"), directives.get("committee"), "\n".join(lines), expected)


def test_enough_cases() -> None:
    assert len(CASE_FILES) >= 60


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case(path: Path) -> None:
    case = read_case(path)
    parser = LegalRefParser(case.base, committee_report=case.committee)
    found = [(r.text, r.target, r.kind) for r in parser.parse(case.text)]
    assert found == case.expected


# ---------------------------------------------------------------------------- API


def test_api_fields() -> None:
    (ref,) = parse("Människohandel regleras i 4 kap. 1 a § brottsbalken.")
    assert ref == LegalRef(
        text="4 kap. 1 a § brottsbalken",
        start=26,
        end=51,
        kind="sfs_provision",
        target="https://lagen.nu/1962:700#K4P1a",
        act="https://lagen.nu/1962:700",
        act_label="Brottsbalken",
        sfs="1962:700",
        chapter="4",
        section="1a",
        paragraph=None,
        point=None,
        resolved_by="name_lookup",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.text = "x"  # type: ignore[misc]


def test_fields_of_a_deep_provision() -> None:
    ref, act = parse("enligt 5 kap. 2 § 9 förordningen (2004:329) om bank", base=None)
    assert (act.text, act.kind) == ("2004:329", "sfs")  # an unnamed act: its number is a link
    assert (ref.chapter, ref.section, ref.paragraph, ref.point) == ("5", "2", 1, "9")
    assert ref.target == "https://lagen.nu/2004:329#K5P2S1N9"
    assert ref.resolved_by == "explicit"


def test_relative_reference_base_and_no_base() -> None:
    text = "Bistånd enligt 11 § första stycket får förenas med villkor."
    (with_base,) = parse(text, base="2001:453")
    assert with_base.target == "https://lagen.nu/2001:453#P11S1"
    assert with_base.resolved_by == "base"
    assert parse(text) == []  # no base, no law named: nothing to resolve against
    (after_name,) = parse("Enligt socialtjänstlagen gäller 4 kap. 1 §.")[1:]
    assert after_name.target == "https://lagen.nu/2001:453#K4P1"


def test_base_accepts_iri_and_sfs_prefix() -> None:
    for base in ("https://lagen.nu/2001:453", "SFS 2001:453", "Socialtjänstlag (2001:453)"):
        (ref,) = parse("enligt 3 kap. 2 §", base=base)
        assert ref.target == "https://lagen.nu/2001:453#K3P2", base


def test_parser_memory_and_reset() -> None:
    parser = LegalRefParser("9999:999")
    parser.parse("Första omnämnandet av påhittadelagen (1960:729).")
    assert [r.target for r in parser.parse("Sedan påhittadelagen.")] == [
        "https://lagen.nu/1960:729"
    ]
    parser.reset()
    assert parser.parse("Sedan påhittadelagen.") == []


def test_kinds_are_documented() -> None:
    text = MEMO.read_text(encoding="utf-8") + "\n" + SOL.read_text(encoding="utf-8")
    assert {r.kind for r in parse(text, base="2001:453")} <= set(KINDS)


def test_module_doctests() -> None:
    result = doctest.testmod(legalref)
    assert result.attempted > 0 and result.failed == 0


# ---------------------------------------------------------------------------- properties


def _check_spans(text: str, refs: list[LegalRef]) -> None:
    end = 0
    for ref in refs:
        assert 0 <= ref.start < ref.end <= len(text)
        assert ref.start >= end, "spans overlap or are out of order"
        assert text[ref.start : ref.end] == ref.text
        assert ref.target.startswith("https://")
        assert ref.target.startswith(ref.act)
        assert ref.kind in KINDS
        end = ref.end


LEGAL_BITS = st.sampled_from(
    [
        " ",
        "\n",
        ", ",
        " och ",
        " eller ",
        "-",
        "–",
        "§",
        "§§",
        "kap.",
        "st.",
        "stycket",
        "första",
        "andra",
        "1",
        "2",
        "11",
        "4 a",
        "(",
        ")",
        "2001:453",
        "(2001:453)",
        "lagen",
        "socialtjänstlagen",
        "brottsbalken",
        "SoL",
        "samma lag",
        "denna lag",
        "prop.",
        "2016/17:10",
        "s. 45",
        "SOU",
        "direktiv",
        "2011/36/EU",
        "(EU)",
        "artikel",
        "SOSFS",
        "2014:4",
        "Lag",
        ".",
        "i",
        "punkt",
        "mom.",
        "a. prop.",
        "avsnitt 6.1",
        "\u00a0",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    _check_spans(text, parse(text))
    _check_spans(text, parse(text, base="2001:453"))


@settings(max_examples=500, deadline=None)
@given(st.lists(LEGAL_BITS, max_size=40).map("".join), st.sampled_from([None, "2001:453"]))
def test_never_raises_on_citation_like_text(text: str, base: str | None) -> None:
    _check_spans(text, parse(text, base=base))


# ---------------------------------------------------------------------------- the memo

MEMO_MUST_FIND = {
    "socialtjänstlagen": "https://lagen.nu/2001:453",
    "brottsbalken": "https://lagen.nu/1962:700",
    "Sexköpslagen": "https://lagen.nu/1998:408",
    "skr. 2016/17:10": "https://lagen.nu/skr/2016/17:10",
    "SOSFS 2014:4": "https://lagen.nu/sosfs/2014:4",
    "barnkonventionen": "https://lagen.nu/2018:1197",
    "Palermoprotokollets": "https://w3id.org/vemgorvad/id/law/palermoprotokollet",
    "Bryssel II-förordningen": "https://lagen.nu/ext/celex/32019R1111",
    "1996 års Haagkonvention": "https://w3id.org/vemgorvad/id/law/haagkonventionen-1996",
    "Europarådets konvention om bekämpande av människohandel": (
        "https://w3id.org/vemgorvad/id/law/europaradets-konvention-om-bekampande-av-manniskohandel"
    ),
    "människohandelsdirektivet": "https://lagen.nu/ext/celex/32011L0036",
}


def test_memo() -> None:
    text = MEMO.read_text(encoding="utf-8")
    refs = parse(text)
    _check_spans(text, refs)
    found = {(r.text, r.target) for r in refs}
    for needle, target in MEMO_MUST_FIND.items():
        assert (needle, target) in found, needle
    assert sum(r.target == "https://lagen.nu/2001:453" for r in refs) >= 5
    # nothing else: no number in the memo ("Mål 5", "18 år", "2022-05-17") is a citation
    assert {r.target for r in refs} == set(MEMO_MUST_FIND.values())


# ---------------------------------------------------------------------------- the statutes

CROSS_REF = re.compile(r"(?<![\d\w])(\d{1,3}(?: [a-z])?)\s+kap\.\s+(\d{1,3}(?: [a-z])?)\s+§(?!§)")
OTHER_LAWS = {
    "patientsäkerhetslagen": "https://lagen.nu/2010:659",
    "föräldrabalken": "https://lagen.nu/1949:381",
    "offentlighets- och sekretesslagen": "https://lagen.nu/2009:400",
    "socialförsäkringsbalken": "https://lagen.nu/2010:110",
    "kommunallagen": "https://lagen.nu/2017:725",
    "hälso- och sjukvårdslagen": "https://lagen.nu/2017:30",
    "brottsbalken": "https://lagen.nu/1962:700",
    "jordabalken": "https://lagen.nu/1970:994",
    "samma lag": "https://lagen.nu/2009:400",  # after offentlighets- och sekretesslagen
    "balken": "https://lagen.nu/2010:110",  # "102 kap. 29 § 4 balken": socialförsäkringsbalken
    "samma balk": "https://lagen.nu/2010:110",
}


def test_socialtjanstlag_cross_references() -> None:
    text = SOL.read_text(encoding="utf-8")
    refs = parse(text, base="2001:453")
    _check_spans(text, refs)
    starts = {r.start: r for r in refs}
    checked = found = 0
    for m in CROSS_REF.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if not text[line_start : m.start()].strip() and re.match(r"\s+[A-ZÅÄÖ]", text[m.end() :]):
            continue  # "1 kap. 1 § Rubrik" would be a heading, not a reference
        ref = starts.get(m.start()) or next((r for r in refs if r.start <= m.start() < r.end), None)
        assert ref is not None, f"not found: {m.group(0)!r} at {m.start()}"
        found += 1
        chapter, section = (g.replace(" ", "") for g in m.groups())
        assert f"#K{chapter}" in ref.target, (m.group(0), ref)
        after = re.sub(r"\s+", " ", text[m.end() : m.end() + 80])
        after = re.sub(r"^ ?(?:(?:första|andra|tredje|fjärde) stycket|\d+)\s?", "", after).lstrip()
        if re.match(r"(?:[,–-]|och |eller |samt )", after):
            continue  # a list goes on: whose it is shows further on, beyond this simple check
        other = next((law for law in OTHER_LAWS if after.lower().startswith(law)), None)
        numbered = re.match(
            r"(?:i )?(?:[\w-]+ och )?[\w-]*(?:lagen|balken|förordningen) ?\((\d{4}:\d+)\)", after
        )
        if numbered:
            expected_act = f"https://lagen.nu/{numbered.group(1)}"
        else:
            expected_act = OTHER_LAWS[other] if other else "https://lagen.nu/2001:453"
        if ref.start == m.start() and f"K{chapter}P{section}" in ref.target:
            assert ref.act == expected_act, (m.group(0), after[:40], ref)
            checked += 1
    assert found >= 125  # every "N kap. M §" in the act (130) is found ...
    assert checked >= 70  # ... and those not inside a list (79) belong to the right act
    by_text = {(r.text.replace("\n", " "), r.target) for r in refs}
    for expected in [
        ("4 kap. 5 a § patientsäkerhetslagen (2010:659)", "https://lagen.nu/2010:659#K4P5a"),
        ("1 kap. 2 §", "https://lagen.nu/2001:453#K1P2"),
        ("10 kap. 19 § samma lag", "https://lagen.nu/2009:400#K10P19"),
        ("6 kap. 8 § föräldrabalken", "https://lagen.nu/1949:381#K6P8"),
        ("Lag (2012:776).", "https://lagen.nu/2001:453#L2012:776"),
        ("Bryssel II-förordningen", "https://lagen.nu/ext/celex/32019R1111"),
    ]:
        assert any(t.replace("  ", " ") == expected[0] and g == expected[1] for t, g in by_text), (
            expected
        )


def test_socialtjanstlag_is_fast() -> None:
    text = SOL.read_text(encoding="utf-8")
    assert len(text.splitlines()) > 2500
    parse(text, base="2001:453")  # load the grammar first
    started = time.perf_counter()
    parse(text, base="2001:453")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("path", sorted(REALDOCS.glob("sfs_*.txt")), ids=lambda p: p.stem)
def test_every_statute_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"SFS-nummer: (\S+)", text)
    base = m.group(1) if m else None
    refs = parse(text, base=base)
    _check_spans(text, refs)
    assert refs, "a statute cites something"


def test_line_start_citation_is_not_a_heading() -> None:
    refs = parse("  5 kap. 11 § SoL gäller.\n3 § Socialtjänstlagen gäller också.\n1 § Samhällets")
    assert [(r.text, r.target) for r in refs] == [
        ("5 kap. 11 § SoL", "https://lagen.nu/2001:453#K5P11"),
        ("3 § Socialtjänstlagen", "https://lagen.nu/2001:453#P3"),
    ]
