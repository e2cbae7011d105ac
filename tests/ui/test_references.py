"""The reference checker as the faces give it (vemgorvad.ui.viewmodels.references: every
message worded from the locale files) and ``vemgorvad refs``.

The checker runs against the graph of the real corpus (the root conftest's
``corpus_graph``). The sample texts are files under refs_samples/ (format in its
README.md); the CLI runs against the session build that tests/conftest.py provides as
the fixture ``built``. What the checker itself finds is tested in
tests/graph/test_checker.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from vemgorvad import settings
from vemgorvad.graph.checker import MAX_CITED_IN, MESSAGES, ReferenceChecker
from vemgorvad.ui.viewmodels.references import check_file, check_text, worded
from vemgorvad.ui.views.i18n import WARNINGS

SAMPLES = Path(__file__).resolve().parent / "refs_samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*.md") if p.with_suffix(".expected.tsv").exists())
MEMO = settings.ROOT / "corpus" / "SCN-2022-00355.txt"
KEYS = {
    "text", "start", "end", "kind", "target", "act", "resolved", "in_force", "status",
    "section_exists", "cited_in", "cited_in_count", "warnings", "warnings_en",
}  # fmt: skip


@pytest.fixture(scope="module")
def graph(corpus_graph: Graph) -> Graph:
    return corpus_graph


def _by_text(results: list[dict], text: str) -> dict:
    return next(r for r in results if r["text"] == text)


def _expected(sample: Path) -> list[tuple[str, str]]:
    expected = sample.with_suffix(".expected.tsv")
    rows = []
    for line in expected.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            reference, _, words = line.partition("\t")
            rows.append((reference, words))
    return rows


# --- samples -------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_gives_exactly_the_expected_warnings(graph: Graph, sample: Path) -> None:
    results = check_file(sample, graph)
    expected = _expected(sample)
    given = [(r["text"], w) for r in results for w in r["warnings"]]
    assert len(given) == len(expected), given
    for reference, words in expected:
        assert any(text == reference and words in w for text, w in given), (reference, given)


def test_planted_errors_are_each_flagged(graph: Graph) -> None:
    results = check_file(SAMPLES / "planted_errors.md", graph)
    unknown = _by_text(results, "2031:999")
    assert unknown["resolved"] is None and unknown["status"] == "unknown"
    missing = _by_text(results, "6 kap. 99 § brottsbalken")
    assert missing["section_exists"] is False
    assert missing["resolved"]["id"] == "https://lagen.nu/1962:700"
    dated = _by_text(results, "Barnkonventionen")
    assert dated["in_force"] == "2020-01-01"
    assert any("2019" in w and "2020-01-01" in w for w in dated["warnings"])


def test_every_warning_is_also_said_in_english(graph: Graph) -> None:
    from vemgorvad.ui.views.legal import render_check

    text = (SAMPLES / "planted_errors.md").read_text(encoding="utf-8")
    results = check_text(text, graph)
    assert sum(len(r["warnings"]) for r in results) >= 3
    for result in results:
        assert len(result["warnings_en"]) == len(result["warnings"])
    english = " ".join(w for r in results for w in r["warnings_en"])
    for words in ("Unknown regulation", "does not exist in", "does not agree with the graph"):
        assert words in english
    assert "entered into force 2020-01-01" in english
    page = render_check(text, results, "en")
    assert "Unknown regulation" in page and "Okänd författning" not in page
    assert "Okänd författning" in render_check(text, results, "sv")


@pytest.mark.parametrize("lang", sorted(WARNINGS))
def test_every_message_has_a_sentence_with_its_values(lang: str) -> None:
    for key, values in MESSAGES.items():
        placeholders = set(re.findall(r"{(\w+)}", WARNINGS[lang][key]))
        assert placeholders == set(values), (lang, key)
    assert WARNINGS[lang]["date_in_force"] and WARNINGS[lang]["date_event"]


# --- the memo -----------------------------------------------------------------------------


def test_memo_references_to_socialtjanstlagen_have_aged(graph: Graph) -> None:
    results = check_text(MEMO.read_text(encoding="utf-8"), graph)
    sol = [r for r in results if r["act"] == "https://lagen.nu/2001:453"]
    assert sol
    for result in sol:
        assert result["status"].startswith("replaced by Socialtjänstlag (2025:400)")
        assert any(
            "har ersatts av socialtjänstlag (2025:400) från 2025-07-01" in w
            for w in result["warnings"]
        )
        assert result["cited_in"] and len(result["cited_in"]) <= MAX_CITED_IN
        assert result["cited_in"][0].startswith("SCN-2022-00355#")  # other documents first
        assert result["cited_in_count"] >= len(result["cited_in"])
    bryssel = _by_text(results, "Bryssel II-förordningen")
    assert bryssel["resolved"]["id"] == "https://lagen.nu/ext/celex/32003R2201"
    assert bryssel["status"].startswith("replaced by Bryssel II b-förordningen")
    # "Från den 1 juli 2021 infördes en ny bestämmelse i brottsbalken": a date of a provision
    assert not _by_text(results, "brottsbalken")["warnings"]


def test_replacements_in_the_future_are_announced(graph: Graph) -> None:
    checker = ReferenceChecker(graph, today=dt.date(2024, 1, 1))
    (result,) = worded(checker.check("enligt socialtjänstlagen"))
    assert "ersätts av socialtjänstlag (2025:400) från 2025-07-01" in result["warnings"][0]
    assert (
        "will be replaced by socialtjänstlag (2025:400) from 2025-07-01" in result["warnings_en"][0]
    )


# --- the result --------------------------------------------------------------------------


def test_result_shape(graph: Graph) -> None:
    text = "Enligt 4 kap. 1 a § brottsbalken och SOSFS 2014:4 samt lagen (2031:999) om x."
    results = check_text(text, graph)
    assert [r["text"] for r in results] == ["4 kap. 1 a § brottsbalken", "SOSFS 2014:4", "2031:999"]
    for result in results:
        assert set(result) == KEYS
        assert text[result["start"] : result["end"]] == result["text"]
        assert isinstance(result["warnings"], list)
        json.dumps(result)
    provision, agency, unknown = results
    assert provision["resolved"] == {
        "id": "https://lagen.nu/1962:700#K4P1a",
        "label": "Människohandelsbestämmelsen",
        "kind": "Bestämmelse",
        "citation": "SFS 1962:700 4 kap. 1 a §",
    }
    assert provision["section_exists"] is True and provision["status"] == "in force"
    assert provision["warnings"] == []
    assert agency["section_exists"] is None  # we hold no text of SOSFS 2014:4
    assert agency["resolved"]["kind"] == "Myndighetsföreskrift"
    assert unknown["resolved"] is None and unknown["in_force"] is None


def test_dates_need_a_cue_and_ignore_numbers_in_references(graph: Graph) -> None:
    quiet = [
        "Lag (2018:1197) om Förenta nationernas konvention om barnets rättigheter gäller "
        "från och med den 1 januari 2020.",
        "Sexköpslagen från 1998 nämndes i rapporten 2005.",  # no cue word: no claim
    ]
    for text in quiet:
        assert not any("Årtalet" in w for r in check_text(text, graph) for w in r["warnings"])
    (result,) = check_text("Sexköpslagen infördes 2005.", graph)
    assert any("Årtalet 2005" in w and "1999" in w for w in result["warnings"])


def test_extracted_acts_are_flagged(graph: Graph) -> None:
    # lagen (1990:52) is cited in socialtjänstlagen, so only the extractor knows it
    (result,) = check_text(
        "enligt lagen (1990:52) med särskilda bestämmelser om vård av unga", graph
    )
    assert result["status"] == "unknown"
    assert result["resolved"]["citation"] == "SFS 1990:52"
    assert "automatisk extraktion" in result["warnings"][0]
    assert result["cited_in"]


# --- the command line -------------------------------------------------------------------------


def _run(*args: str, build_root: Path, lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VEMGORVAD_BUILD": str(build_root), "HF_HUB_OFFLINE": "1"}
    env.update({"LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""})
    return subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", "refs", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.ROOT,
        timeout=300,
    )


@pytest.fixture
def build_root(request: pytest.FixtureRequest) -> Path:
    """The build folder of the session build from the real corpus (tests/conftest.py)."""
    try:
        built = request.getfixturevalue("built")
    except pytest.FixtureLookupError:
        pytest.skip("no session fixture `built` in tests/conftest.py yet")
    return Path(built).parent.parent


def test_cli_json_on_the_memo(build_root: Path) -> None:
    run = _run(str(MEMO), "--json", build_root=build_root)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert results and all(set(r) == KEYS for r in results)
    sol = [r for r in results if r["act"] == "https://lagen.nu/2001:453"]
    assert sol and all(r["status"].startswith("replaced by") for r in sol)


def test_cli_table_on_planted_errors(build_root: Path) -> None:
    run = _run(str(SAMPLES / "planted_errors.md"), build_root=build_root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("REFERENCE")
    assert run.stdout.count("    ! ") == 3
    assert "4 references, 3 with warnings" in run.stdout


def test_cli_table_speaks_the_terminals_language(build_root: Path) -> None:
    run = _run(str(SAMPLES / "planted_errors.md"), build_root=build_root, lang="sv_SE.UTF-8")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("HÄNVISNING")
    assert "4 hänvisningar, 3 med varningar" in run.stdout
    english = _run(str(SAMPLES / "planted_errors.md"), build_root=build_root)
    assert run.stdout.count("    ! ") == english.stdout.count("    ! ") == 3
    assert run.stdout != english.stdout


def test_cli_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    run = _run(str(MEMO), build_root=tmp_path)
    assert run.returncode == 2
    assert "vemgorvad build" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_cli_bad_file(tmp_path: Path, graph: Graph) -> None:
    link = tmp_path / "current"
    release = tmp_path / "releases" / "x"
    release.mkdir(parents=True)
    graph.serialize(release / "graph.nt", format="nt", encoding="utf-8")
    link.symlink_to(release.relative_to(tmp_path))
    run = _run(str(tmp_path / "missing.md"), build_root=tmp_path)
    assert run.returncode == 2
    assert "missing.md" in run.stderr and "Traceback" not in run.stderr
    run = _run(str(SAMPLES / "correct.md"), "--json", build_root=tmp_path)
    assert run.returncode == 0, run.stderr
    assert all(r["warnings"] == [] for r in json.loads(run.stdout))
