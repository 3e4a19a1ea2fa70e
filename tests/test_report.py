"""The static HTML report: summary numbers, charts, highlights, malformed lines, and that it opens."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from spamscalpel import Document, analyze
from spamscalpel.cli import main
from spamscalpel.report import build_report, summarize

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHROMIUM = Path("/usr/bin/chromium")

SPAMMY = "Fresh bread every morning. Buy cheap viagra online and try payday loans today."
CLEAN = "The library opens at nine and closes at six on weekdays."


def _lines(with_text: bool = True) -> list[str]:
    spam = analyze(Document(id="spam-1", text=SPAMMY)).to_dict()
    spam["meta"] = {"url": "https://www.example-bakery.test/news"}
    if with_text:
        spam["text"] = SPAMMY
    clean = analyze(Document(id="clean-1", text=CLEAN)).to_dict()
    error = {"id": "broken-1", "verdict": "error", "score": 0.0, "spans": [], "error": "could not decode"}
    return [
        json.dumps(spam),
        json.dumps(clean),
        "",
        "{this is not json",
        json.dumps({"id": "x", "score": 0.1, "spans": []}),  # no verdict
        json.dumps([1, 2, 3]),
        json.dumps(error),
    ]


def _parse(page: str) -> ET.Element:
    # The page is written to be well-formed XML as well as HTML; parse it strictly.
    assert page.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(page.split("\n", 1)[1])


def test_summary_counts_every_line():
    s = summarize(_lines(), source="t")
    assert s.lines == 7
    assert s.documents == 3
    assert s.spam == 1
    assert s.errors == 1
    assert [b.line for b in s.bad_lines] == [4, 5, 6]
    assert "not JSON" in s.bad_lines[0].reason
    assert "verdict" in s.bad_lines[1].reason
    assert s.spans_by_category["pharma"] >= 1
    assert s.page_domains["example-bakery.test"] == 1
    assert [r["id"] for r in s.worst] == ["spam-1"]


def test_page_is_well_formed_with_charts_and_highlights():
    page, s = build_report(_lines(), source="results.jsonl")
    root = _parse(page)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert {"chart-category", "chart-terms", "chart-scores", "chart-domains", "worst", "malformed"} <= ids
    svgs = [el for el in root.iter() if el.tag.endswith("svg")]
    assert len(svgs) >= 4
    marks = [el for el in root.iter("mark")]
    assert marks and any("viagra" in (m.text or "").lower() for m in marks)
    for m in marks:
        assert m.get("data-category") and m.get("title")
    # Context around the span comes from the record's text.
    assert "Fresh bread every morning." in page
    assert "3 malformed" not in page and ">3</b>malformed lines" in page


def test_page_is_self_contained():
    page, _ = build_report(_lines(), source="r")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)
    assert not re.search(r"url\(", page)
    # The only URLs are the SVG namespace and the document URL shown as text.
    urls = set(re.findall(r"https?://[^\s\"'<]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "https://www.example-bakery.test/news"}


def test_link_domains_chart_from_html_link_spans():
    html = (
        "<html><body><p>Welcome to our garden club. We meet on Tuesdays.</p>"
        '<p>Read more: <a href="http://pills-shop.example/buy">buy cheap viagra online</a></p></body></html>'
    )
    rep = analyze(Document(id="h1", text=html, format="html")).to_dict()
    if not any(sp.get("source") == "link" for sp in rep["spans"]):
        pytest.skip("this analyzer build reports no link spans for HTML input")
    s = summarize([json.dumps(rep)])
    assert s.link_domains["pills-shop.example"] == 1
    page, _ = build_report([json.dumps(rep)])
    assert 'id="chart-link-domains"' in page
    _parse(page)


def test_records_without_text_show_span_texts():
    page, _ = build_report(_lines(with_text=False), source="r")
    root = _parse(page)
    marks = list(root.iter("mark"))
    assert marks and any("viagra" in (m.text or "").lower() for m in marks)
    assert "Fresh bread" not in page


def test_empty_input_still_makes_a_page():
    page, s = build_report([], source="empty")
    _parse(page)
    assert s.documents == 0
    assert "No document had spans" in page


def test_html_in_span_text_is_escaped():
    rec = {
        "id": "<b>x</b>",
        "verdict": "injected",
        "score": 0.9,
        "spans": [
            {"start": 0, "end": 20, "text": "<script>alert(1)</script>", "category": "pharma", "score": 0.9}
        ],
    }
    page, _ = build_report([json.dumps(rec)], source="r")
    _parse(page)
    assert "<script>alert(1)" not in page
    # The span shows as words (a span reported as an element carries its tags), escaped.
    assert "alert(1)" in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_report_command_writes_the_page(tmp_path, capsys):
    src = tmp_path / "results.jsonl"
    src.write_text("\n".join(_lines()) + "\n", encoding="utf-8")
    out = tmp_path / "report.html"
    assert main(["report", str(src), "-o", str(out)]) == 0
    _parse(out.read_text(encoding="utf-8"))
    err = capsys.readouterr().err
    assert "3 document(s)" in err and "3 malformed line(s)" in err and "line 4:" in err


def test_report_command_missing_file_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "r.html")]) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_realworld_dev_results():
    data = SHARED / "data" / "realworld-dev.jsonl"
    if not data.exists():
        pytest.skip(f"real-world data not found at {data} (../shared beside the repo)")
    lines = []
    for line in data.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        report = analyze(Document(id=rec["id"], text=rec["text"])).to_dict()
        report["text"] = rec["text"]
        lines.append(json.dumps(report))
    page, s = build_report(lines, source=str(data))
    _parse(page)
    assert s.documents == len(lines) and not s.bad_lines
    assert s.spam >= 1 and s.worst


@pytest.mark.browser
def test_page_opens_offline_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")
    out = tmp_path / "report.html"
    page_html, _ = build_report(_lines(), source="r")
    out.write_text(page_html, encoding="utf-8")
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        ctx = browser.new_context(offline=True)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(out.as_uri())
        assert page.locator("svg").count() >= 4
        assert page.locator("#chart-category rect").count() >= 1
        assert page.locator("section.doc").count() == 1
        page.fill("#filter", "no such thing")
        assert page.locator("section.doc").first.is_hidden()
        page.fill("#filter", "viagra")
        assert page.locator("section.doc").first.is_visible()
        browser.close()
        assert not errors
