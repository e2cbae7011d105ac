"""Adding a document from the app (:mod:`vemgorvad.ui.upload`), without the page.

Every test works on a copy of a small corpus and its build (``small_copy``), never on the
repository's ``corpus/``. A refused or failed upload must leave the corpus folder and the
build in use exactly as they were, and the engine that answers untouched.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import threading
from pathlib import Path

import pytest

from tests.ui.conftest import SMALL_CORPUS, write_file
from vemgorvad import settings
from vemgorvad.pipeline import current_build, read_manifest
from vemgorvad.ui.upload import LOCK_FILE, REFUSALS, Uploader, UploadRefused
from vemgorvad.ui.views.i18n import TEXTS

LVU = Path(__file__).resolve().parents[1] / "graph" / "data" / "sfs_1990-52_lvu_utdrag.txt"
"""A statute excerpt the small corpus does not hold (LVU, five sections)."""


def snapshot(corpus: Path, build_root: Path) -> tuple[dict[str, str], Path | None]:
    """Every file of the corpus with its hash, and the build in use."""
    files = {
        str(path.relative_to(corpus)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(corpus.rglob("*"))
        if path.is_file()
    }
    return files, current_build(build_root)


@pytest.fixture
def uploader(small_copy, small_engine):
    corpus, build_root = small_copy
    published: list = []
    uploader = Uploader(lambda: small_engine, published.append, corpus, build_root)
    uploader.published = published  # type: ignore[attr-defined]
    return uploader


def refused(uploader: Uploader, path: Path, **options) -> UploadRefused:
    before = snapshot(uploader.corpus, uploader.build_root)
    with pytest.raises(UploadRefused) as caught:
        uploader.add(path, **options)
    assert snapshot(uploader.corpus, uploader.build_root) == before
    assert uploader.published == []  # type: ignore[attr-defined]
    assert not list((uploader.build_root / "releases").glob(".staging-*"))
    return caught.value


# --- accepted -----------------------------------------------------------------------------


def test_a_statute_excerpt_enters_the_graph_and_the_answers(uploader, small_engine):
    corpus, build_root = uploader.corpus, uploader.build_root
    before = current_build(build_root)
    stages: list[str] = []
    added = uploader.add(
        LVU, title="LVU i utdrag", progress=lambda stage, done, total: stages.append(stage)
    )
    assert (corpus / LVU.name).read_bytes() == LVU.read_bytes()
    assert json.loads((corpus / f"{LVU.name}.meta.json").read_text(encoding="utf-8")) == {
        "title": "LVU i utdrag"
    }
    assert added.document.id == "SFS 1990:52" and added.document.title == "LVU i utdrag"
    assert uploader.published == [added.engine]
    assert current_build(build_root) == added.build != before
    built = [d["id"] for d in read_manifest(added.build)["documents"]]
    assert sorted(built) == ["SFS 1990:52", "SFS 2017:937", "SFS 2021:995"]
    for stage in ("documents", "graph", "index", "answers", "views"):
        assert stage in stages
    assert stages.index("graph") < stages.index("answers") < stages.index("views")

    report = added.report
    assert [p["id"] for p in report["passages"]] == [
        f"SFS 1990:52 {n} §" for n in (4, 6, 11, 13, 43)
    ]
    duties = {(d["bearer"]["label"], d["passage_id"]) for d in report["duties"]}
    assert ("Socialnämnden", "SFS 1990:52 13 §") in duties
    assert ("Polismyndigheten", "SFS 1990:52 43 §") in duties
    assert ("Förvaltningsrätten", "SFS 1990:52 4 §") in duties  # the passive's agent
    assert all(d["extracted"] for d in report["duties"])
    actors = {a["label"]: a for a in report["actors"]}
    assert {"Socialnämnden", "Polismyndigheten", "Förvaltningsrätten"} <= actors.keys()
    for actor in actors.values():  # "new" is what the graph did not hold before
        assert actor["new"] == (actor["id"] not in small_engine.graph.entities)
    assert not actors["Socialnämnden"]["new"]

    # the new engine answers from the new document; the old one still answers as before
    answer = added.engine.ask("Vem ska noga följa vården av den som får vård enligt LVU?")
    assert "SFS 1990:52 13 §" in [p["id"] for p in answer["passages"][:3]]
    old = small_engine.ask("Vem ska noga följa vården av den som får vård enligt LVU?")
    assert not any(p["id"].startswith("SFS 1990:52") for p in old["passages"])


def test_a_statute_uploaded_as_a_pdf_is_read_as_the_statute(uploader, tmp_path):
    # printed to a PDF, the statute has no blank lines; it was read as prose, its header
    # a passage and its sections without their numbers
    from tests.formats import as_pdf

    added = uploader.add(as_pdf(LVU.read_text(encoding="utf-8"), tmp_path / "lvu_utdrag.pdf"))
    assert (added.document.id, added.document.kind) == ("SFS 1990:52", "statute")
    assert [p["id"] for p in added.report["passages"]] == [
        f"SFS 1990:52 {n} §" for n in (4, 6, 11, 13, 43)
    ]
    duties = {(d["bearer"]["label"], d["passage_id"]) for d in added.report["duties"]}
    assert ("Socialnämnden", "SFS 1990:52 13 §") in duties


def test_a_word_memo_brings_its_citations_and_the_checkers_warnings(uploader, tmp_path):
    import docx

    memo = docx.Document()
    memo.add_heading("Samverkan mot våld i nära relationer", level=1)
    memo.add_paragraph(
        "Länsstyrelsen ska stödja kommunerna i arbetet mot mäns våld mot kvinnor enligt "
        "förordningen (2021:995) om länsstyrelsernas regionala arbete mot mäns våld mot kvinnor."
    )
    memo.add_paragraph(
        "Socialnämnden ska enligt 5 kap. 11 § socialtjänstlagen (2001:453) verka för att den "
        "som utsatts för brott och dennes närstående får stöd och hjälp."
    )
    path = tmp_path / "pm_samverkan.docx"
    memo.save(str(path))
    added = uploader.add(path)
    assert added.document.title == "Samverkan mot våld i nära relationer"
    report = added.report
    assert len(report["passages"]) == 2
    cited = {c["id"]: c for c in report["citations"]}
    assert cited["https://lagen.nu/2001:453#K5P11"]["label"] == "5 kap. 11 § socialtjänstlagen"
    assert "SFS 2021:995" in {c["citation"] for c in cited.values()}
    assert {d["bearer"]["label"] for d in report["duties"]} >= {"Socialnämnden"}
    warnings = " ".join(w["sv"] for w in report["warnings"])
    assert "Socialtjänstlagen" in warnings and "ersatts" in warnings  # replaced on 2025-07-01
    assert all(w["en"] for w in report["warnings"])


# --- refused: nothing is written, nothing is built ------------------------------------------


def _pdf_without_text(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as out:
        writer.write(out)
    return path


def _duplicate_passages(path: Path, engine) -> Path:
    """A prose file whose every paragraph is a passage the corpus holds."""
    texts = [p.text for p in engine.passages.values() if p.document == "SFS 2021:995"]
    path.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    return path


def _renamed_statute(path: Path) -> Path:
    """One of the corpus's statutes under another name, a line added: the same SFS."""
    text = (settings.ROOT / "corpus" / "sfs" / SMALL_CORPUS[1]).read_text(encoding="utf-8")
    path.write_text("# kopia\n\n" + text, encoding="utf-8")
    return path


CASES = {
    "kind": lambda tmp, engine: write_file(tmp / "plan.odt", b"PK\x03\x04 not ours"),
    "name": lambda tmp, engine: write_file(tmp / ".dold.txt", "Socialnämnden ska göra något här."),
    "too_large": lambda tmp, engine: write_file(
        tmp / "stor.txt", "Socialnämnden ska göra mycket.\n\n" * (settings.UPLOAD_MAX_BYTES // 30)
    ),
    "empty": lambda tmp, engine: write_file(tmp / "tom.txt", " \n\n "),
    "binary": lambda tmp, engine: write_file(tmp / "bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
    "no_text_layer": lambda tmp, engine: _pdf_without_text(tmp / "skannad.pdf"),
    "corrupt": lambda tmp, engine: write_file(tmp / "trasig.docx", b"PK\x03\x04 inte ett dokument"),
    "no_text": lambda tmp, engine: write_file(tmp / "rubriker.md", "# Rubrik\n\n## Underrubrik\n"),
    "duplicate_name": lambda tmp, engine: write_file(
        tmp / SMALL_CORPUS[0], "Ett annat dokument med samma filnamn som en lag i korpusen."
    ),
    "duplicate_content": lambda tmp, engine: write_file(
        tmp / "kopia.txt", (settings.ROOT / "corpus" / "sfs" / SMALL_CORPUS[0]).read_bytes()
    ),
    "duplicate_id": lambda tmp, engine: _renamed_statute(tmp / "samma_lag.txt"),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_each_refusal_changes_nothing(uploader, small_engine, tmp_path, reason):
    path = CASES[reason](tmp_path, small_engine)
    refusal = refused(uploader, path)
    assert refusal.reason == reason, refusal.details
    assert refusal.details["name"] == path.name
    for lang in ("sv", "en"):  # the page can say it in both languages
        assert f"upload_refused_{reason}" in TEXTS[lang]


def test_text_the_corpus_holds_in_another_file_is_a_duplicate(uploader, small_engine, tmp_path):
    refusal = refused(uploader, _duplicate_passages(tmp_path / "utdrag.md", small_engine))
    assert refusal.reason == "duplicate_content"
    assert "SFS 2021:995" in refusal.details["existing"]


def test_the_size_limit_is_the_settings_one(uploader, tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "UPLOAD_MAX_BYTES", LVU.stat().st_size - 1)
    refusal = refused(uploader, LVU)
    assert refusal.reason == "too_large" and refusal.details["size"] == LVU.stat().st_size


def test_every_reason_has_its_sentence_in_both_languages():
    for reason in REFUSALS:
        for lang in ("sv", "en"):
            assert TEXTS[lang][f"upload_refused_{reason}"].strip()
    assert TEXTS["sv"]["upload_unchanged"] != TEXTS["en"]["upload_unchanged"]


# --- a failed build or engine loses nothing ------------------------------------------------


def test_a_failed_build_keeps_the_old_build_and_a_clean_corpus(uploader, monkeypatch):
    import vemgorvad.graph.statements as statements

    def crash(*args, **kwargs):
        raise RuntimeError("the extractor crashed")

    monkeypatch.setattr(statements, "extract_statements", crash)
    refusal = refused(uploader, LVU, title="LVU")
    assert refusal.reason == "build_failed"
    assert "the extractor crashed" in refusal.details["error"]


def test_a_build_that_cannot_be_loaded_is_taken_back(uploader):
    def broken(path: Path):
        raise MemoryError("no room for a second engine")

    uploader.load_engine = broken
    before_files, before_build = snapshot(uploader.corpus, uploader.build_root)
    documents = sorted(d["id"] for d in read_manifest(before_build)["documents"])
    with pytest.raises(UploadRefused) as caught:
        uploader.add(LVU)
    assert caught.value.reason == "load_failed"
    assert "no room" in caught.value.details["error"]
    files, build = snapshot(uploader.corpus, uploader.build_root)
    assert files == before_files and uploader.published == []
    # the build that held the file was replaced by one of the corpus without it
    assert sorted(d["id"] for d in read_manifest(build)["documents"]) == documents


# --- one at a time ------------------------------------------------------------------------


def test_a_second_upload_while_one_builds_is_refused(uploader, tmp_path, monkeypatch):
    import vemgorvad.pipeline as pipeline

    building, release = threading.Event(), threading.Event()

    def slow_build(*args, **kwargs):
        building.set()
        release.wait(30)
        raise pipeline.BuildError("stopped by the test")

    monkeypatch.setattr(pipeline, "build", slow_build)
    before = snapshot(uploader.corpus, uploader.build_root)
    outcome: list[UploadRefused] = []

    def first() -> None:
        try:
            uploader.add(LVU)
        except UploadRefused as refusal:
            outcome.append(refusal)

    thread = threading.Thread(target=first)
    thread.start()
    assert building.wait(30)
    other = write_file(tmp_path / "annat.md", "Socialnämnden ska samverka med Polismyndigheten.")
    with pytest.raises(UploadRefused) as caught:
        uploader.add(other)
    assert caught.value.reason == "busy" and caught.value.details["name"] == "annat.md"
    assert not (uploader.corpus / "annat.md").exists()
    release.set()
    thread.join(30)
    assert [r.reason for r in outcome] == ["build_failed"]
    assert snapshot(uploader.corpus, uploader.build_root) == before


def test_another_process_building_makes_an_upload_wait_its_turn(uploader):
    with (uploader.build_root / LOCK_FILE).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a second server's upload would
        refusal = refused(uploader, LVU)
        fcntl.flock(held, fcntl.LOCK_UN)
    assert refusal.reason == "busy"


# --- only with serve --allow-upload, never exposed without a login ---------------------------


@pytest.fixture
def served(monkeypatch):
    """What ``vemgorvad serve`` would start the server with (the server is not started)."""
    import vemgorvad.ui.app as app

    calls: list[dict] = []
    monkeypatch.setattr(app, "serve", lambda **options: calls.append(options))
    return calls


def _main(*args: str) -> int:
    from vemgorvad.ui.cli import main

    return main(["serve", "--no-build", *args])


def test_upload_is_off_unless_asked_for(served):
    assert _main() == 0
    assert _main("--allow-upload") == 0
    assert [call["allow_upload"] for call in served] == [False, True]
    assert all(call["host"] == "127.0.0.1" for call in served)


def test_upload_on_an_exposed_host_needs_a_login(served, tmp_path, capsys):
    assert _main("--host", "0.0.0.0", "--no-auth", "--allow-upload") == 2
    message = capsys.readouterr().err
    assert "--allow-upload" in message and "--auth" in message and "Traceback" not in message
    assert served == []
    assert _main("--host", "0.0.0.0", "--no-auth") == 0  # exposed without upload: as before
    from vemgorvad.ui.auth import set_password

    users = tmp_path / "users"
    set_password(users, "anna", "ett långt lösenord")
    assert _main("--host", "0.0.0.0", "--auth", str(users), "--allow-upload") == 0
    assert [(c["allow_upload"], c["auth_file"]) for c in served] == [(False, None), (True, users)]


def test_the_command_refuses_before_loading_anything():
    import subprocess
    import sys

    command = ["serve", "--host", "0.0.0.0", "--no-auth", "--allow-upload"]
    result = subprocess.run(
        [sys.executable, "-m", "vemgorvad.ui.cli", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--allow-upload" in result.stderr and "Traceback" not in result.stderr


def test_what_the_page_shows_of_a_file_is_escaped():
    from vemgorvad.ui.views.upload import render_outcome

    name = "<img src=x onerror=alert(1)>.exe"
    html = render_outcome({"refused": {"reason": "kind", "details": {"name": name}}}, "sv")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;.exe" in html
    report = {
        key: [] for key in ("passages", "actors", "duties", "relationships", "citations")
    }
    report["warnings"] = [{"sv": "<b>varning</b>", "en": "<b>warning</b>"}]
    added = {
        "document": {"id": "x<y", "title": "<script>alert(1)</script>"},
        "path": "a.md",
        "seconds": 1.0,
        "report": report,
    }
    html = render_outcome({"added": added}, "en")
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;warning&lt;/b&gt;" in html
