"""The static HTML report in Chromium at desktop and phone widths: text around each span, reasons
in words (page-level ones once per document), no internal feature names, charts not clipped, no
sideways scroll at 375 px, and no serious axe-core finding."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spamscalpel.cli import main
from test_browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip(
        "needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True
    )
pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")

AXE = Path(__file__).parent / "fixtures" / "vendor" / "axe.min.js"
if not AXE.is_file():
    pytest.skip(
        "needs axe-core: run scripts/vendor_test_assets.sh (.ci/run does, from npm)", allow_module_level=True
    )
PAGE = (
    "<html><body><h1>Allotment news {i}</h1><p>The beans did well this year and the club met twice in June "
    'to share seed and stories about slugs.</p><p>Thanks to our sponsor: <a href="https://spins{i}.example/">'
    "play online casino games for real money</a>.</p><p>Treatment of blight depends on the weather, "
    "buy cheap viagra online, and on how often you water.</p><p>Next month: leaf mould and compost.</p>"
    '<div style="display:none">payday loans no credit check online pharmacy cheap cialis</div></body></html>'
)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("pages")
    cwd = os.getcwd()
    os.chdir(d)
    try:
        for i in range(20):
            Path(f"page{i:02d}.html").write_text(PAGE.format(i=i), encoding="utf-8")
        results = d / "results.jsonl"
        import contextlib
        import io

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(["scan", *sorted(str(p.name) for p in d.glob("page*.html")), "-q"])
        results.write_text(buf.getvalue(), encoding="utf-8")
        assert main(["report", str(results), "-o", str(d / "report.html"), "-q"]) == 0
    finally:
        os.chdir(cwd)
    return d / "report.html"


def test_reasons_are_in_words_with_the_text_around_each_span(report_file):
    page = report_file.read_text(encoding="utf-8")
    assert "context: " not in page and "quoted: quoted" not in page
    assert "the club met twice in June" in page or "and on how often you water" in page  # text around spans
    snippets = [x.split("</p>")[0] for x in page.split('<p class="snip">')[1:]]
    assert snippets and not any("&lt;/p&gt;" in x or "&lt;div" in x for x in snippets)  # words, not markup
    # A page-level reason is listed once per document, not under each span.
    assert page.count("About the page:") == 20
    for section in page.split('<section class="doc">')[1:]:
        items = section.split("<li>")[1:]
        assert len(items) == len(set(items)), "a reason repeats within one document"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("name, width", [("desktop", 1280), ("phone", 375)])
def test_report_fits_the_screen_and_passes_axe(browser, report_file, tmp_path, name, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(report_file.as_uri())
    shots = Path(os.environ.get("SPAMSCALPEL_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"report-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # No chart text runs past its SVG's drawing area.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('svg')].flatMap(svg => {
             const w = svg.viewBox.baseVal.width;
             return [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox(); return b.x < 0 || b.x + b.width > w; })
                                                    .map(t => t.textContent); })"""
    )
    assert clipped == []
    if name == "desktop":
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 12000, f"the worst-documents list of 20 documents is {height} px tall"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    ctx.close()
