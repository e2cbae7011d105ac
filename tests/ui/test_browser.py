"""The app end to end in headless Chromium, as a person uses it.

The real server runs as a subprocess over the test build; Debian's Chromium is driven by
Python Playwright. Each test asserts what a person sees, that no dialog ever opens (a
pasted ``<script>`` must stay text) and that no request leaves 127.0.0.1. A screenshot
of each view is saved under ``docs/screenshots/``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from tests.ui.browser import ACTOR, has_chromium
from vemgorvad.ui.views.i18n import TEXTS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not has_chromium(), reason="Chromium is missing: `make browser`"),
]

# --- Fråga ----------------------------------------------------------------------------------


def test_asking_shows_the_passage_with_the_quote_marked(visit):
    visit.ask("Vad gör Nexus?")
    page = visit.page
    summary = page.locator("#summary .vgv-summary")
    assert summary.get_attribute("data-status") in ("answer", "uncertain")
    assert "Nexus" in page.locator("#facts").inner_text()
    passages = page.locator("#passages")
    assert "Nexus är förvaltningens enhet" in passages.inner_text()
    # the answering sentences are marked, and a fact's quote where they do not cover it
    marks = page.locator("#passages mark.vgv-evidence, #passages mark.vgv-quote")
    assert marks.count() > 0
    assert marks.first.inner_text().strip() in passages.inner_text()
    assert page.locator("#facts .vgv-badge", has_text="Nexus").count() > 0


def test_the_evidence_graph_is_drawn_and_the_screenshot_of_fraga(visit):
    visit.ask("Hur hänger Ebbamottagningen ihop med socialnämnden?")
    page = visit.page
    drawn = page.locator("#evidence-graph svg.vgv-eg-svg")
    assert drawn.count() == 1
    text = drawn.text_content() or ""
    assert "Ebbamottagningen" in text and "Socialnämnden" in text


def test_a_passage_link_opens_it_in_the_source_view(visit):
    visit.ask("Vad gör Nexus?")
    page = visit.page
    link = page.locator("#passages a.vgv-plink").first
    anchor = link.get_attribute("data-vgv-passage")
    link.click()
    page.wait_for_selector(f"#{anchor}.vgv-target", state="visible", timeout=20_000)
    assert (
        page.locator("button[role=tab][aria-selected=true]").get_attribute("data-tab-id") == "kalla"
    )
    target = page.locator(f"#{anchor}")
    assert "Nexus" in target.inner_text()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_an_out_of_scope_question_abstains_plainly(visit):
    visit.ask("What is the capital of Australia?")
    summary = visit.page.locator("#summary .vgv-summary")
    assert summary.get_attribute("data-status") == "abstain"
    assert "The documents do not answer this" in summary.inner_text() or (
        "Dokumenten svarar inte på frågan" in summary.inner_text()
    )
    assert visit.page.locator("#facts .vgv-fact").count() == 0


def test_a_pasted_script_stays_text_and_never_runs(visit):
    payload = (
        "<script>alert('xss')</script><img src=x onerror=\"window.__xss=1;alert('img')\"> "
        "Vad gör Nexus?"
    )
    visit.ask(payload)
    page = visit.page
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#vgv-tabs script, #vgv-tabs img[src='x']").count() == 0
    page.get_by_text("Svaret som JSON").click()
    page.wait_for_timeout(500)
    assert "<script>alert('xss')</script>" in page.locator("#answer-json").inner_text()
    assert page.locator("#question textarea").input_value().startswith("<script>")
    # visit.close() asserts that no dialog opened


# --- Aktörskarta --------------------------------------------------------------------------


def test_the_map_shows_nexus_and_its_details(visit):
    frame = visit.map_frame()
    assert frame.locator("#network canvas").count() > 0
    assert int(frame.locator("#network").get_attribute("data-nodes")) > 20
    nexus = frame.locator(f"#node-list li[data-id='{ACTOR}nexus']")
    assert nexus.inner_text().strip() == "Nexus"
    assert nexus.get_attribute("data-kind") == "municipal"
    assert "Kommunal aktör" in frame.locator("#legend").inner_text()
    nexus.locator("button").click()
    details = frame.locator(f"#details[data-id='{ACTOR}nexus']")
    details.wait_for(timeout=10_000)
    text = details.inner_text()
    assert "Avdelning vuxen" in text and "ANSVAR" in text.upper()
    frame.locator("#fit").click()
    visit.page.wait_for_timeout(800)


def test_clicking_a_node_on_the_canvas_shows_its_details(visit):
    frame = visit.map_frame()
    inner = next(f for f in visit.page.frames if f.url.split("?")[0].endswith("/vgv/map"))
    inner.wait_for_function("() => window.vgvMap && window.vgvMap.network", timeout=20_000)
    visit.page.wait_for_timeout(1500)  # let the layout settle
    point = inner.evaluate(
        """id => { const n = window.vgvMap.network; n.fit(); const p = n.getPositions([id])[id];
                   return n.canvasToDOM(p); }""",
        ACTOR + "socialnamnden",
    )
    box = frame.locator("#network canvas").bounding_box()
    visit.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    details = frame.locator(f"#details[data-id='{ACTOR}socialnamnden']")
    details.wait_for(timeout=10_000)
    assert "Socialnämnden" in details.inner_text()


def test_the_map_downloads_png_and_svg(visit):
    frame = visit.map_frame()
    for button, suffix in (("#dl-png", ".png"), ("#dl-svg", ".svg")):
        with visit.page.expect_download() as download:
            frame.locator(button).click()
        path = Path(download.value.path())
        assert download.value.suggested_filename.endswith(suffix) and path.stat().st_size > 1000
    assert "Nexus" in path.read_text(encoding="utf-8")


def test_the_map_filters_by_law(visit):
    frame = visit.map_frame()
    everyone = int(frame.locator("#network").get_attribute("data-nodes"))
    frame.locator("#f-law").select_option(label="SOSFS 2014:4")
    frame.locator("#network[data-nodes='1']").wait_for(timeout=10_000)
    assert frame.locator("#node-list").inner_text().strip() == "Socialtjänsten"
    frame.locator("#reset").click()
    frame.locator(f"#network[data-nodes='{everyone}']").wait_for(timeout=10_000)


def test_an_actor_in_a_source_passage_opens_on_the_map(visit):
    visit.tab("kalla")
    link = visit.page.locator(f"#sources a[data-vgv-actor='{ACTOR}jamstalldhetsmyndigheten']").first
    link.click()
    frame = visit.page.frame_locator("#vgv-map-frame")
    frame.locator(f"#details[data-id='{ACTOR}jamstalldhetsmyndigheten']").wait_for(timeout=30_000)
    assert (
        visit.page.locator("button[role=tab][aria-selected=true]").get_attribute("data-tab-id")
        == "karta"
    )


def test_the_map_serves_graphml(visit, server):
    response = visit.page.request.get(server + "vgv/api/map.graphml?relation=partOf")
    assert response.ok and "<graphml" in response.text() and "Nexus" in response.text()


# --- Lagrum ---------------------------------------------------------------------------------


def test_the_checker_flags_a_section_that_does_not_exist(visit):
    visit.tab("lagrum")
    page = visit.page
    page.fill(
        "#refs-text textarea",
        "Nämnden ska enligt 5 kap. 99 § socialtjänstlagen och SOSFS 2014:4 hjälpa den som "
        "utsatts för brott. <img src=x onerror=alert(1)>",
    )
    page.click("#refs-check")
    page.wait_for_selector("#refs-result table.vgv-refs", timeout=60_000)
    result = page.locator("#refs-result").inner_text()
    assert "5 kap. 99 § finns inte i socialtjänstlagen" in result
    assert page.locator("#refs-result mark.vgv-ref-bad", has_text="5 kap. 99 §").count() == 1
    assert "<img src=x onerror=alert(1)>" in result
    legal = page.locator("#legal-table")
    row = legal.locator("tr", has=page.locator("b", has_text=re.compile(r"^Socialtjänstlagen$")))
    assert "SFS 2001:453" in row.inner_text() and "ersatt av" in row.inner_text()
    assert page.locator("#timeline li[data-date='2021-07-01']").count() == 1


def test_the_checker_reads_an_uploaded_file(visit, tmp_path):
    draft = tmp_path / "utkast.md"
    draft.write_text(
        "# Utkast\n\nStöd ges enligt 5 kap. 99 § socialtjänstlagen.\n", encoding="utf-8"
    )
    visit.tab("lagrum")
    page = visit.page
    with page.expect_file_chooser() as chooser:
        page.click("#refs-file")
    chooser.value.set_files(str(draft))
    page.wait_for_selector("#refs-file-name >> text=utkast.md", timeout=60_000)
    page.click("#refs-check")
    page.wait_for_selector("#refs-result table.vgv-refs", timeout=60_000)
    assert "finns inte" in page.locator("#refs-result .vgv-warnings").first.inner_text()


def test_lagrum_claims_only_what_it_can_source_in_the_pages_language(visit):
    visit.tab("lagrum")
    page = visit.page
    legal = page.locator("#legal-table")
    sosfs = legal.locator("tr", has=page.locator("b", has_text=re.compile(r"^SOSFS 2014:4$")))
    assert "okänd – kontrollera" in sosfs.inner_text() and "gäller" not in sosfs.inner_text()
    bb = legal.locator("tr", has=page.locator("b", has_text=re.compile(r"^Brottsbalken$")))
    assert "gäller" in bb.inner_text() and "Ikraft" in bb.inner_text()
    names = [b.strip() for b in legal.locator("tbody tr td:first-child b").all_inner_texts()]
    numbered = [int(n.split()[0]) for n in names if n[:1].isdigit()]
    assert numbered == sorted(numbered)
    tab = page.locator("#tab-lagrum").inner_text()
    assert "Välj en fil" in tab and "Drop File" not in tab and "Click to Upload" not in tab
    page.fill("#refs-text textarea", "Enligt lag (2019:999) om skydd för barn, och mer.")
    page.click("#refs-check")
    page.wait_for_selector("#refs-result table.vgv-refs", timeout=60_000)
    assert "lag (2019:999) om skydd för barn" in page.locator("#refs-result table").inner_text()


# --- Ansvarsmatris ------------------------------------------------------------------------


def test_the_matrix_filters_and_exports(visit):
    visit.tab("matris")
    page = visit.page
    page.wait_for_selector("#matrix table")
    nexus = page.locator(f"#matrix tr[data-actor='{ACTOR}nexus']")
    assert "SCN-2022-00355#" in (nexus.locator("a.vgv-plink").first.get_attribute("title") or "")
    everyone = page.locator("#matrix tbody tr").count()
    page.click("#matrix-kind input")
    page.get_by_role("option", name="Kommunal aktör").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#matrix tbody tr').length < n",
        arg=everyone,
        timeout=20_000,
    )
    assert page.locator(f"#matrix tr[data-actor='{ACTOR}nexus']").count() == 1
    assert page.locator(f"#matrix tr[data-actor='{ACTOR}jamstalldhetsmyndigheten']").count() == 0
    with page.expect_download() as download:
        page.click("#matrix-csv")
    rows = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    actors = [row[0] for row in rows[1:]]
    assert rows[0][0] == "Aktör" and "Nexus" in actors and "Jämställdhetsmyndigheten" not in actors
    with page.expect_download() as download:
        page.click("#matrix-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_matrix_fits_the_page_and_its_cells_open(visit):
    visit.tab("matris")
    page = visit.page
    page.wait_for_selector("#matrix table")
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    wrap = page.locator("#matrix .vgv-mx-wrap").bounding_box()
    assert wrap["x"] >= 0 and wrap["x"] + wrap["width"] <= width
    head = page.locator("#matrix thead th").nth(1)
    top = head.bounding_box()["y"]
    page.evaluate(
        "() => { const w = document.querySelector('#matrix .vgv-mx-wrap'); w.scrollTop = 400; w.scrollLeft = 600; }"
    )
    page.wait_for_timeout(200)
    assert abs(head.bounding_box()["y"] - top) < 2  # the group names stay in sight
    actor = page.locator("#matrix tbody th.vgv-mx-actor").first.bounding_box()
    assert actor["x"] >= wrap["x"] - 1  # and so do the actors
    shown_rows = page.locator("#matrix tbody tr").count()
    empty = page.evaluate(
        "() => [...document.querySelectorAll('#matrix tbody tr')].filter(r => [...r.querySelectorAll('td')].every(td => td.dataset.count === '0')).length"
    )
    assert empty == 0
    cell = page.locator("#matrix details.vgv-mx-cell").first
    cell.locator("summary").click()
    assert cell.locator("li.vgv-duty").first.is_visible()
    page.locator("#matrix-empty label").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#matrix tbody tr').length > n",
        arg=shown_rows,
        timeout=20_000,
    )
    page.locator("#matrix-view label", has_text="Lagar").click()
    page.wait_for_function(
        "() => document.querySelector('#matrix .vgv-meta')?.innerText.includes('regelverk')",
        timeout=20_000,
    )
    assert "Socialtjänstlagen" in page.locator("#matrix thead").inner_text()


# --- every view at a laptop's and a phone's width (the README's screenshots) ---------


SIZES = [(1366, 900, ""), (390, 844, "-390")]
"""A laptop and a phone: every view is shot at both (the README shows them)."""

VIEWS = [
    ("fraga", "fraga"),
    ("karta", "aktorskarta"),
    ("lagrum", "lagrum"),
    ("matris", "ansvarsmatris"),
    ("kalla", "kalla"),
]


@pytest.mark.parametrize("width,height,suffix", SIZES)
def test_every_view_fits_the_screen(server, browser, width, height, suffix):
    from tests.ui.browser import SCREENSHOTS

    page = browser.new_page()
    try:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server, wait_until="networkidle")
        title = page.locator("#vgv-header h1")
        box = title.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert title.inner_text().strip() == "Vem gör vad"
        radio = page.locator("#language").bounding_box()
        assert radio["y"] >= box["y"] + box["height"] or radio["x"] >= box["x"] + box["width"]
        page.fill("#question textarea", "Vad säger socialtjänstlagen om stöd till brottsoffer?")
        page.click("#ask")
        page.wait_for_selector("#evidence-graph figure.vgv-eg", timeout=120_000)
        ask = page.locator("#ask").bounding_box()
        assert ask["x"] + ask["width"] <= width
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for tab, name in VIEWS:
            _open_tab(page, tab)
            page.wait_for_timeout(1500 if tab == "karta" else 400)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width, tab
            whole = tab == "fraga" and not suffix  # the answer with its graph and sources
            page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=whole)
        _open_tab(page, "karta")
        frame = page.locator("#vgv-map-frame").bounding_box()
        assert frame["width"] >= min(0.8 * width, 900) and frame["height"] >= 500
    finally:
        page.close()


def _open_tab(page, tab: str) -> None:
    button = page.locator(f"button[data-tab-id={tab}]")
    if not button.is_visible():  # a tab Gradio folded into its menu for want of room
        label = TEXTS["sv"][dict(zip(TABS, LABEL_KEYS, strict=True))[tab]]
        page.locator(".overflow-menu > button").click()
        page.locator(".overflow-dropdown button", has_text=label).click()
        return
    button.click()


TABS = [tab for tab, _ in VIEWS]
LABEL_KEYS = ["tab_ask", "tab_map", "tab_legal", "tab_matrix", "tab_source"]


# --- the language switch and the network ---------------------------------------------------


def test_the_english_switch_changes_the_labels(visit):
    page = visit.page
    page.locator("#language label", has_text="English").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('button[role=tab]')].some(b => b.innerText.trim() === 'Actor map')",
        timeout=20_000,
    )
    assert page.locator("#ask").inner_text().strip() == "Ask"
    frame = visit.map_frame()
    assert "Municipal actor" in frame.locator("#legend").inner_text()
    visit.ask("Who coordinates the national work against human trafficking?")
    title = page.locator("#summary .vgv-summary-title").inner_text()
    assert any(words in title for words in ("Answer", "Uncertain answer", "do not answer"))
    assert "Show in source" in page.locator("#passages").inner_text()


def test_no_request_leaves_the_machine(visit):
    visit.ask("Vem samordnar arbetet mot människohandel?")
    for tab in ("karta", "lagrum", "matris", "kalla", "fraga"):
        visit.tab(tab)
        visit.page.wait_for_timeout(300)
    visit.map_frame()
    visit.page.wait_for_timeout(1000)
    assert len(visit.requests.urls) > 20
    assert visit.requests.off_machine() == []
    assert visit.errors == []
