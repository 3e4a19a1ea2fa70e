"""Growth ratios on adversarial shapes (issue 15 item 1), at small sizes with a generous bound.

The issue asks for these in the tests: 4x the input may cost at most about 5x the time. Times
are CPU seconds, the best of three, floored at 10 ms so that noise on tiny inputs cannot fail
the test; the bound is 8x. Shapes listed in ``STILL_QUADRATIC`` still blow up (see
bench/hostile.py for the numbers) and are left out until they are fixed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from spamscalpel import analyze
from spamscalpel.types import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from hostile import SHAPES, make  # noqa: E402

STILL_QUADRATIC: set[str] = set()
FLOOR_S = 0.01
BOUND = 8.0


def _cpu(shape: str, size: int) -> float:
    fmt, text = make(shape, size)
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        analyze(Document("g", text, format=fmt))
        best = min(best, time.process_time() - t0)
    return max(best, FLOOR_S)


@pytest.mark.parametrize("shape", sorted(set(SHAPES) - STILL_QUADRATIC))
def test_four_times_the_input_costs_at_most_about_four_times_the_time(shape: str):
    analyze("warm up buy viagra")
    small, big = _cpu(shape, 25_000), _cpu(shape, 100_000)
    assert big / small <= BOUND, f"{shape}: {small:.3f} s -> {big:.3f} s for 4x the input"


def test_a_long_repeated_sales_run_is_reported_and_says_it_was_capped():
    # One candidate as long as the run used to score lower the longer it grew (clean at 83 repeats).
    for n in (83, 400):
        report = analyze("buy cheap viagra online " * n)
        assert report.is_spam and report.spans, n
        notes = [e.detail for s in report.spans for e in s.evidence if e.kind == "phrase_cap"]
        assert notes and "phrase capped at 500 characters" in notes[0]
        assert sum(s.end - s.start for s in report.spans) > 0.95 * len("buy cheap viagra online " * n)


_URLS = [
    "see http://example.com/a?b=1 now", "www.shop.example.org/x", "buy at cheap-pills.net.", "a.b.example.co.uk/p",
    "x.example.community y.example.co-op", "rock.com.zz", "1.2.3.4 www. http:// https://x", "WWW.EXAMPLE.COM/ÄÖ",
    "q.example.com", "aa.com.qq.qq", "(cialis-online.info)", "mail me at a@b-c.de, thanks",
    "x" * 70 + ".com " + "y" * 63 + ".net " + "z" * 64 + ".org", "a-" * 40 + "b.com", "\u212aelvin.com ſhop.net",
]  # fmt: skip


def test_url_scan_finds_what_the_url_pattern_finds():
    import random

    from spamscalpel.detect.keywords import _URL, _iter_urls, _url_at

    rng = random.Random(15)
    atoms = [
        "a",
        "qq",
        ".",
        ".",
        "-",
        "/",
        " ",
        "com",
        "co",
        "net",
        "http://",
        "www.",
        "é",
        "_",
        "c" * 63,
        "d" * 64,
    ]
    texts = _URLS + ["".join(rng.choice(atoms) for _ in range(rng.randint(0, 24))) for _ in range(3000)]
    for t in texts:
        assert list(_iter_urls(t)) == [(m.start(), m.end()) for m in _URL.finditer(t)], t
        for pos in range(0, len(t), 3):
            m = _URL.match(t, pos)
            assert _url_at(t, pos) == ((m.start(), m.end()) if m else None), (t, pos)


@pytest.mark.parametrize("policy", ["span", "sentence", "mask"])
def test_cleaning_four_times_the_spans_costs_about_four_times_the_time(policy: str):
    from spamscalpel.clean import clean
    from spamscalpel.types import Report, Span

    unit = "Nice day here. Buy viagra now, cheap. "

    def cpu(k: int) -> float:
        text = unit * k
        spans = tuple(Span(i * len(unit) + 15, i * len(unit) + 36, "x", "pharma", 0.9) for i in range(k))
        report = Report("r", "injected", 0.9, spans)
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            clean(text, report, policy)
            best = min(best, time.process_time() - t0)
        return max(best, FLOOR_S)

    small, big = cpu(1500), cpu(6000)
    assert big / small <= BOUND, f"{policy}: {small:.3f} s -> {big:.3f} s for 4x the spans"


def test_elements_nested_past_the_depth_cap_are_read_as_content():
    from spamscalpel.html import MAX_DEPTH, _flatten_deep, html_view

    deep = "<html><body>" + "<div>" * (MAX_DEPTH + 50) + "buy viagra online" + "</div>" * (MAX_DEPTH + 50)
    flat = _flatten_deep(deep)
    assert len(flat) == len(deep) and flat.count("<div>") == MAX_DEPTH and flat.count("</div>") == MAX_DEPTH
    view = html_view(deep)
    assert "buy viagra online" in view.text
    shallow = '<html><body><div style="display:none">buy viagra</div><p>Hello</p></body></html>'
    assert _flatten_deep(shallow) == shallow
    # "<div/>" nests like "<div>" in HTML; stray end tags close nothing and hide no depth.
    for trick in ("<div/>" * 2000, "<div></span>" * 2000):
        assert _flatten_deep(trick).count("<div") == MAX_DEPTH
    svg = "<svg>" + '<path d="M0 0"/>' * 2000 + "</svg>"
    assert _flatten_deep(svg) == svg


@pytest.mark.parametrize("policy", ["span", "sentence", "mask"])
def test_cleaning_html_four_times_the_spans_costs_about_four_times_the_time(policy: str):
    from spamscalpel.clean import clean
    from spamscalpel.types import Report, Span

    unit = '<p>Nice day here. <a href="http://x.example/">Buy viagra now</a> and more.</p>\n'
    at = unit.index("Buy")

    def cpu(k: int) -> float:
        text = unit * k
        spans = tuple(
            Span(i * len(unit) + at, i * len(unit) + at + 14, "x", "pharma", 0.9, source="link")
            for i in range(k)
        )
        report = Report("r", "injected", 0.9, spans)
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            clean(text, report, policy, format="html")
            best = min(best, time.process_time() - t0)
        return max(best, FLOOR_S)

    small, big = cpu(400), cpu(1600)
    assert big / small <= BOUND, f"{policy}: {small:.3f} s -> {big:.3f} s for 4x the spans"


# Memory (issue 15): peak bytes per input character, traced by tracemalloc, at 160 KB; and the
# peak of 4x the input at most about 4x the peak. The 1 MB budget is 50 bytes per char of RSS
# (bench/hostile.py); the traced peak is below RSS (35-43 bytes per char for these shapes; the
# listing of one repeated phrase took 59 before equal feature records were shared).
MEMORY_SHAPES = ("md_links", "zero_width", "trade_prose", "many_links", "listings")
BYTES_PER_CHAR = 50
MEMORY_GROWTH = 5.0


def _traced_peak(shape: str, size: int) -> tuple[int, int]:
    import tracemalloc

    fmt, text = make(shape, size)
    tracemalloc.start()
    try:
        analyze(Document("m", text, format=fmt))
        return tracemalloc.get_traced_memory()[1], len(text)
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", MEMORY_SHAPES)
def test_peak_memory_grows_with_the_input_and_stays_within_bytes_per_char(shape: str):
    analyze("warm up buy viagra")
    small, _ = _traced_peak(shape, 40_000)
    big, chars = _traced_peak(shape, 160_000)
    assert big <= MEMORY_GROWTH * small, f"{shape}: {small:,} -> {big:,} bytes for 4x the input"
    assert big <= BYTES_PER_CHAR * chars, f"{shape}: {big / chars:.0f} bytes per char at {chars:,} chars"
