"""The web page at desktop and phone widths in real Chromium: nothing of the results shows before a
scan, no sideways scroll at 375 px, a tapped span's details come into view, every pane is reachable
by keyboard, and axe-core finds no serious or critical accessibility problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_browser import FIXTURE, browser, server_url  # noqa: F401 - fixtures: Chromium and a live server

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "fixtures" / "vendor" / "axe.min.js"
if not AXE.is_file():
    pytest.skip(
        "needs axe-core: run scripts/vendor_test_assets.sh (.ci/run does, from npm)", allow_module_level=True
    )
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}


@pytest.fixture(params=sorted(WIDTHS))
def sized_page(request, browser, server_url):  # noqa: F811
    width, height = WIDTHS[request.param]
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=request.param == "phone")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server_url) else r.abort())
    page.goto(server_url + "/")
    yield request.param, width, page
    ctx.close()
    assert not errors, errors


def _scan(page) -> None:
    page.fill("#input", FIXTURE)
    page.click("#scan")
    page.wait_for_selector("#document mark")


def _serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _shots_dir(tmp_path: Path) -> Path:
    d = Path(os.environ.get("SPAMSCALPEL_SCREENSHOTS", tmp_path))
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_nothing_of_the_results_shows_before_a_scan(sized_page):
    _name, _w, page = sized_page
    for sel in ("#summary", "#panes", "#details", "#copy-json", "#download-json", ".legend"):
        assert not page.is_visible(sel), f"{sel} shows before any scan"


def test_no_sideways_scroll_and_the_tapped_span_details_come_into_view(sized_page, tmp_path):
    name, width, page = sized_page
    _scan(page)
    shots = _shots_dir(tmp_path)
    page.screenshot(path=str(shots / f"web-{name}-results.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    mark = page.locator("#document mark").first
    if name == "phone":
        mark.tap()
    else:
        mark.click()
    page.wait_for_selector("#details:not([hidden])")
    box = page.locator("#details").bounding_box()
    viewport_h = page.viewport_size["height"]
    assert box is not None and box["y"] < viewport_h and box["y"] + min(box["height"], 80) > 0, box
    page.screenshot(path=str(shots / f"web-{name}-details.png"))
    assert (shots / f"web-{name}-results.png").stat().st_size > 1000
    assert (shots / f"web-{name}-details.png").stat().st_size > 1000


def test_panes_are_reachable_by_keyboard_and_details_are_announced(sized_page):
    _name, _w, page = sized_page
    _scan(page)
    for pane in ("#document", "#cleaned"):
        page.focus(pane)
        assert page.evaluate("document.activeElement.id") == pane[1:]
    assert page.get_attribute("#details", "role") == "region"
    assert page.get_attribute("#details", "aria-live") == "polite"


def test_axe_finds_no_serious_problem_before_and_after_a_scan(sized_page):
    _name, _w, page = sized_page
    assert _serious(page) == []
    _scan(page)
    page.locator("#document mark").first.click()
    page.wait_for_selector("#details:not([hidden])")
    assert _serious(page) == []
