"""Adding a document in the app, in headless Chromium, as a person does it.

The server runs ``serve --allow-upload`` over a copy of the small corpus and its build
(``small_build``), never the repository's ``corpus/``. A statute excerpt is added through
the Källa tab: the build's progress shows, then what entered the graph, and every view
and the answers have it. Each refusal shows its sentence in the page's language and
changes nothing. Without the flag the page offers no upload at all.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.ui.browser import ACTOR, Visit, has_chromium, running_server, shoot
from tests.ui.conftest import SMALL_CORPUS, write_file
from vemgorvad import settings
from vemgorvad.ui.views.i18n import TEXTS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not has_chromium(), reason="Chromium is missing: `make browser`"),
]

LVU = Path(__file__).resolve().parents[1] / "graph" / "data" / "sfs_1990-52_lvu_utdrag.txt"
UPLOAD_TIMEOUT = 300_000  # ms: a build and a new engine on a loaded machine
STAGES = [TEXTS["sv"][f"upload_stage_{s}"] for s in ("graph", "index", "sentences", "answers")]


@pytest.fixture(scope="module")
def upload_server(small_build, tmp_path_factory):
    """``serve --allow-upload`` over a copy of the small corpus: (URL, corpus folder)."""
    corpus, build_root = small_build
    root = tmp_path_factory.mktemp("upload-server")
    shutil.copytree(corpus, root / "corpus")
    shutil.copytree(build_root, root / "build", symlinks=True)
    with running_server(root / "build", args=("--allow-upload",), corpus=root / "corpus") as url:
        yield url, root / "corpus"


def corpus_files(corpus: Path) -> dict[str, bytes]:
    return {str(p.relative_to(corpus)): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}


def upload(visit: Visit, path: Path, title: str = "") -> None:
    """Choose a file in the Källa tab's upload button (with a title, if given)."""
    page = visit.page
    visit.tab("kalla")
    if title:
        page.fill("#upload-title input", title)
    with page.expect_file_chooser() as chooser:
        page.click("#upload-file")
    chooser.value.set_files(str(path))


def outcome(visit: Visit) -> str:
    """Wait for the upload's outcome; returns its reason, or "added"."""
    visit.page.wait_for_selector(
        "#upload-result #upload-added, #upload-result #upload-refused", timeout=UPLOAD_TIMEOUT
    )
    refused = visit.page.locator("#upload-refused")
    return refused.get_attribute("data-reason") if refused.count() else "added"


def test_an_added_statute_shows_what_it_brought_and_every_view_has_it(upload_server, browser):
    url, corpus = upload_server
    visit = Visit(browser, url)
    page = visit.page
    visit.tab("matris")  # opened before the upload: shown again after it
    page.wait_for_selector("#matrix table")
    assert "SFS 1990:52" not in page.locator("#matrix").inner_html()

    upload(visit, LVU, title="LVU i utdrag")
    page.wait_for_function(  # the build's progress, stage by stage
        "stages => stages.some(s => (document.querySelector('#upload-result')?.innerText"
        " || '').includes(s))",
        arg=STAGES,
        timeout=120_000,
    )
    assert outcome(visit) == "added"
    assert (corpus / LVU.name).read_bytes() == LVU.read_bytes()
    added = page.locator("#upload-added")
    assert "«LVU i utdrag»" in added.inner_text() and "5 stycken" in added.inner_text()
    report = page.locator("#upload-report")
    duties = report.locator("[data-part=duties]")
    assert int(duties.get_attribute("data-count")) >= 5
    assert "ska noga följa vården" in duties.inner_text()
    assert "Förvaltningsrätten" in report.locator("[data-part=actors]").inner_text()
    shoot(visit, "kalla-upload.png", full_page=True)

    # Källa: the document is there, and the report's link opens it
    page.wait_for_selector("#sources article[data-document='SFS 1990:52']", timeout=30_000)
    page.locator("#upload-added a[data-vgv-passage]").click()
    page.wait_for_selector("#sources article.vgv-target[data-document='SFS 1990:52']")

    # Fråga: the new document answers
    visit.ask("Vem ska noga följa vården av den som får vård enligt LVU?")
    assert "SFS 1990:52 13 §" in page.locator("#passages").inner_text()

    # Ansvarsmatris, by law: the act is a column (under the title given), its duties in it
    visit.tab("matris")
    page.locator("#matrix-view label", has_text="Lagar").click()
    page.wait_for_function(
        "() => document.querySelector('#matrix thead')?.innerText.includes('LVU i utdrag')",
        timeout=30_000,
    )
    assert page.locator("#matrix a.vgv-plink[title^='SFS 1990:52']").count() >= 5

    # Lagrum: the act and its sections
    visit.tab("lagrum")
    assert "1990:52" in page.locator("#legal-table").inner_text()

    # Aktörskarta: the map page was loaded again and offers the document as a filter
    frame = visit.map_frame()
    options = frame.locator("#f-document option").all_inner_texts()
    assert any("LVU" in option or "1990:52" in option for option in options), options
    assert frame.locator(f"#node-list li[data-id='{ACTOR}socialnamnden']").count() == 1
    visit.close()

    # a page opened now shows the new build from the start, not the one it was made with
    later = Visit(browser, url)
    later.tab("lagrum")
    later.page.wait_for_function(
        "() => document.querySelector('#legal-table')?.innerText.includes('1990:52')",
        timeout=30_000,
    )
    later.close()


REFUSED = [
    ("kind", lambda tmp: write_file(tmp / "plan.odt", b"PK\x03\x04 not a document we read")),
    (
        "too_large",
        lambda tmp: write_file(tmp / "stor.txt", "Nämnden ska.\n\n" * (settings.UPLOAD_MAX_BYTES // 12)),
    ),
    ("binary", lambda tmp: write_file(tmp / "bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")),
    ("corrupt", lambda tmp: write_file(tmp / "trasig.pdf", b"%PDF-1.4 trasig")),
    (
        "duplicate_name",
        lambda tmp: write_file(tmp / SMALL_CORPUS[1], "Ett annat dokument med samma namn som en lag."),
    ),
    (
        "duplicate_content",
        lambda tmp: write_file(
            tmp / "kopia.txt", (settings.ROOT / "corpus" / "sfs" / SMALL_CORPUS[0]).read_bytes()
        ),
    ),
    (
        "duplicate_id",
        lambda tmp: write_file(
            tmp / "samma_lag.txt",
            "# en kopia\n\n"
            + (settings.ROOT / "corpus" / "sfs" / SMALL_CORPUS[1]).read_text(encoding="utf-8"),
        ),
    ),
]


@pytest.mark.parametrize("reason,make", REFUSED, ids=[reason for reason, _ in REFUSED])
def test_each_refusal_says_why_and_changes_nothing(upload_server, browser, tmp_path, reason, make):
    url, corpus = upload_server
    before = corpus_files(corpus)
    path = make(tmp_path)
    visit = Visit(browser, url)
    upload(visit, path)
    assert outcome(visit) == reason
    shown = visit.page.locator("#upload-refused").inner_text()
    assert f"«{path.name}»" in shown
    assert TEXTS["sv"]["upload_unchanged"] in shown
    assert corpus_files(corpus) == before
    visit.tab("kalla")
    assert visit.page.locator(f"#sources article[data-document='{path.stem}']").count() == 0
    visit.close()


def test_a_refusal_is_said_in_english_on_the_english_page(upload_server, browser, tmp_path):
    url, _ = upload_server
    visit = Visit(browser, url)
    page = visit.page
    visit.tab("kalla")
    page.locator("#language label", has_text="English").click()
    page.wait_for_function(
        "() => document.querySelector('#upload-file')?.innerText.includes('Choose a file')",
        timeout=20_000,
    )
    empty = write_file(tmp_path / "tom.md", "\n\n   \n")
    upload(visit, empty)
    assert outcome(visit) == "empty"
    shown = page.locator("#upload-refused").inner_text()
    assert "«tom.md» is empty." in shown and TEXTS["en"]["upload_unchanged"] in shown
    # and the switch back says it in Swedish
    page.locator("#language label", has_text="Svenska").click()
    page.wait_for_function(
        "() => document.querySelector('#upload-refused')?.innerText.includes('är tom')",
        timeout=20_000,
    )
    visit.close()


def test_without_the_flag_there_is_no_upload(visit):
    visit.tab("kalla")
    visit.page.wait_for_selector("#sources article")
    assert visit.page.locator("#upload-file, #upload-title").count() == 0
