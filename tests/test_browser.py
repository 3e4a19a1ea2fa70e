"""The web page in a real headless Chromium (Debian's), against the real server under uvicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SPECIMEN = SHARED / "specimen" / "hemifacial-spasm.txt"

FIXTURE = (
    "Gardening notes for March. Prune the roses before the buds swell.\n"
    "Cheap offer: buy cheap viagra online today, and try payday loans too.\n"
    "Water seedlings in the morning."
)

if not CHROMIUM.exists():
    pytest.skip(
        "needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)", allow_module_level=True
    )
pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
pytest.importorskip("uvicorn", reason="needs the server extra: pip install 'spamscalpel[server]'")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    port = _free_port()
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "spamscalpel.server:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        # Wait for the server to answer (startup, not a timing assertion).
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"server exited with {proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(url + "/v1/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("server did not start within 60 s")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server_url):
    ctx = browser.new_context()
    p = ctx.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    # The page must work offline: refuse anything that is not this server.
    ctx.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(server_url) else route.abort()
    )
    p.goto(server_url + "/")
    yield p
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _api_spans(server_url: str, text: str) -> list[dict]:
    req = urllib.request.Request(
        server_url + "/v1/scan",
        data=json.dumps({"text": text}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["spans"]


def _scan(page, text: str) -> None:
    page.fill("#input", text)
    page.check("input[name=format][value=text]")
    page.click("#scan")
    page.wait_for_selector("#summary:not([hidden])")
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('Done')")


def _specimen() -> str:
    if not SPECIMEN.exists():
        pytest.skip(f"specimen not found at {SPECIMEN} (../shared beside the repo)")
    return SPECIMEN.read_text(encoding="utf-8")


def test_specimen_highlights_match_the_api(page, server_url):
    text = _specimen()
    _scan(page, text)
    marks = page.locator("#document mark")
    spans = _api_spans(server_url, text)
    assert marks.count() == len(spans)
    shown = [marks.nth(i).text_content() for i in range(marks.count())]
    assert shown == [s["text"] for s in sorted(spans, key=lambda s: s["start"])]


def test_specimen_shows_the_six_gold_spans(page, server_url):
    """Passes once the real scorer lands: the specimen has exactly six injected drug keywords."""
    text = _specimen()
    _scan(page, text)
    assert page.locator("#document mark").count() == len(_api_spans(server_url, text)) == 6


def test_highlight_evidence_on_hover_click_and_keyboard(page):
    _scan(page, FIXTURE)
    marks = page.locator("#document mark")
    assert marks.count() >= 2
    first = marks.first
    assert "viagra" in first.text_content().lower()
    assert first.get_attribute("data-category") == "pharma"
    assert first.get_attribute("tabindex") == "0"
    # Hover: the evidence is in the title tooltip.
    assert "pharma" in first.get_attribute("title")
    # Click: the details panel shows this span's evidence.
    first.click()
    details = page.locator("#details")
    assert details.is_visible()
    assert "viagra" in page.locator("#details-heading").text_content().lower()
    assert page.locator("#details-evidence li.evidence").count() >= 1
    # Keyboard: Tab onto the second highlight and press Enter.
    second = marks.nth(1)
    page.locator("#copy-json").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "MARK" and page.evaluate(
            "document.activeElement.dataset.index"
        ) == second.get_attribute("data-index"):
            break
    else:
        pytest.fail("Tab never reached the second highlight")
    page.keyboard.press("Enter")
    heading = page.locator("#details-heading").text_content().lower()
    assert second.text_content().lower() in heading
    assert "loan" in heading


def test_cleaned_text_and_verdict_are_shown(page):
    _scan(page, FIXTURE)
    assert page.locator("#verdict").text_content() in ("injected", "spam page")
    cleaned = page.locator("#cleaned").text_content()
    assert "viagra" not in cleaned.lower()
    assert "Prune the roses" in cleaned
    assert page.locator("#results").get_attribute("aria-live") == "polite"


def test_clean_text_has_no_highlights(page):
    _scan(page, "A short note about tomatoes and basil in a summer garden.")
    assert page.locator("#document mark").count() == 0
    assert page.locator("#verdict").text_content() == "clean"


def test_bad_input_shows_a_readable_error(page):
    page.fill("#input", "   ")
    page.click("#scan")
    assert "Paste some text" in page.locator("#status").text_content()


def test_download_json(page):
    _scan(page, FIXTURE)
    with page.expect_download() as info:
        page.click("#download-json")
    path = info.value.path()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    assert data["report"]["spans"]


def test_uploaded_html_file_is_scanned_as_html(page, tmp_path):
    html = "<html><body><p>Opening hours: nine to five.</p><p>Get payday loans and cheap viagra online.</p></body></html>"
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    page.set_input_files("#file", str(f))
    page.wait_for_function("document.querySelector('#input').value.includes('Opening hours')")
    assert page.is_checked("input[name=format][value=html]")
    page.click("#scan")
    page.wait_for_function("document.querySelector('#status').textContent.startsWith('Done')")
    assert "html" in page.locator("#doc-heading").text_content()
    marks = page.locator("#document mark")
    assert marks.count() >= 1
    for i in range(marks.count()):
        m = marks.nth(i)
        start, end = int(m.get_attribute("data-start")), int(m.get_attribute("data-end"))
        assert html[start:end] == m.text_content()
