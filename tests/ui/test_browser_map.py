"""The actor map as a coordinator reads it, in headless Chromium: a layout by level with
no two labels overlapping at the default zoom, search, focus on an actor's neighbours
with the rest faded, relations worded from their subject both ways, details cleared
when a filter removes the actor, a PNG at twice the size and SVG arrows that stop at
the node's rim."""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path

import pytest

from tests.ui.browser import ACTOR, has_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not has_chromium(), reason="Chromium is missing: `make browser`"),
]


def _frame(visit):
    visit.map_frame()
    return visit.page.frame(url=lambda url: "vgv/map" in url)


def test_no_two_labels_overlap_at_the_default_zoom(visit):
    frame = _frame(visit)
    boxes = frame.evaluate(
        "() => { const n = window.vgvMap.network;"
        " return Object.keys(n.getPositions()).map(id => n.getBoundingBox(id)); }"
    )
    assert len(boxes) > 20
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)


def test_search_focuses_an_actor_and_fades_the_rest(visit):
    frame = _frame(visit)
    frame.fill("#f-search", "Nexus")
    frame.locator(f"#details[data-id='{ACTOR}nexus']").wait_for(timeout=20_000)
    network = frame.locator("#network")
    near = int(network.get_attribute("data-near") or 0)
    total = int(network.get_attribute("data-nodes") or 0)
    assert 2 <= near < total
    frame.select_option("#f-depth", "2")
    frame.wait_for_function(
        f"() => Number(document.getElementById('network').dataset.near) > {near}", timeout=10_000
    )


def test_relations_read_from_their_subject_both_ways(visit):
    frame = _frame(visit)
    frame.evaluate(f"() => window.vgvMap.focus('{ACTOR}nexus')")
    frame.locator(f"#details[data-id='{ACTOR}nexus']").wait_for(timeout=20_000)
    outgoing = frame.locator("#details li[data-direction='out']")
    assert outgoing.count() and outgoing.first.inner_text().startswith("Nexus ")
    incoming = frame.locator("#details li[data-direction='in']")
    assert incoming.count()
    for i in range(incoming.count()):
        item = incoming.nth(i)
        text = item.inner_text()
        if item.locator(".inverse").count():  # "Nexus har placerad hos sig …"
            assert text.startswith("Nexus "), text
        else:  # no inverse wording: the graph's subject first
            assert not text.startswith("Nexus") and re.search(r"Nexus\s*¶?\s*$", text), text
    words = " ".join(incoming.all_inner_texts())
    assert "→" not in words


def test_a_filter_that_removes_the_actor_clears_its_details(visit):
    frame = _frame(visit)
    frame.evaluate(f"() => window.vgvMap.focus('{ACTOR}nexus')")
    frame.locator(f"#details[data-id='{ACTOR}nexus']").wait_for(timeout=20_000)
    options = frame.locator("#f-law option").all()
    sosfs = next(o.get_attribute("value") for o in options if "SOSFS" in o.inner_text())
    frame.select_option("#f-law", sosfs)
    frame.locator("#details .hint").wait_for(timeout=20_000)
    assert frame.locator("#details[data-id]").count() == 0


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    return struct.unpack(">II", data[16:24])


def test_the_png_is_twice_the_svg_and_arrows_stop_at_the_rim(visit):
    frame = _frame(visit)
    with visit.page.expect_download() as download:
        frame.locator("#dl-svg").click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    with visit.page.expect_download() as download:
        frame.locator("#dl-png").click()
    assert _png_size(Path(download.value.path())) == (width * 2, height * 2)
    circles = {
        m["id"]: (float(m["x"]), float(m["y"]), float(m["r"]))
        for m in re.finditer(
            r'<circle cx="(?P<x>[-\d.e]+)" cy="(?P<y>[-\d.e]+)" r="(?P<r>[\d.]+)"[^>]*data-id="(?P<id>[^"]+)"',
            svg,
        )
    }
    lines = re.findall(r'x2="([-\d.e]+)" y2="([-\d.e]+)"[^>]*marker-end[^>]*data-to="([^"]+)"', svg)
    assert lines
    for x2, y2, target in lines:
        cx, cy, r = circles[target]
        assert abs(math.dist((float(x2), float(y2)), (cx, cy)) - (r + 2)) < 0.5
