"""Throughput of ``html_view`` on a typical ~20 KB page: ``python bench/html_speed.py [repeats]``."""

from __future__ import annotations

import sys
import time

from spamscalpel.html import html_view


def typical_page(target_bytes: int = 20_000) -> str:
    """A made-up but ordinary page: stylesheet, nav, paragraphs with links, a hidden block, scripts."""
    head = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Garden notes &amp; tips</title>"
        "<meta name='description' content='Seasonal notes from a small allotment.'>"
        "<style>body{background:#fff;color:#222}.nav a{margin:0 4px}.promo{display:none}"
        ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden}</style>"
        "</head><body><div class='nav'>"
        + "".join(f"<a href='/section/{i}'>Section {i}</a>" for i in range(12))
        + "</div><main id='content'>"
    )
    para = (
        "<p>Tomatoes like a sunny spot and regular watering; pinch out the side shoots "
        "and feed them weekly once the first truss has set. See <a href='/tips/{i}'>tip {i}</a> "
        "or the <a href='https://seeds.example.org/{i}' rel='nofollow'>seed catalogue</a> &mdash; "
        "caf&eacute; talk at the allotment says r&eacute;sum&eacute;s of old varieties matter.</p>\n"
    )
    tail = (
        "<div class='promo'>buy cheap viagra online <a href='http://pills.example/'>viagra</a></div>"
        "<script>window.dataLayer=[];function g(){dataLayer.push(arguments)}</script>"
        "</main><footer><p>&copy; 2024 Allotment society</p></footer></body></html>"
    )
    body = []
    size = len(head) + len(tail)
    i = 0
    while size < target_bytes:
        chunk = para.replace("{i}", str(i))
        body.append(chunk)
        size += len(chunk)
        i += 1
    return head + "".join(body) + tail


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    page = typical_page()
    nbytes = len(page.encode("utf-8"))
    html_view(page)  # warm up: import selectolax, compile regexes
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        view = html_view(page)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"page {nbytes:,} bytes, view {len(view.text):,} chars, {len(view.links)} links, "
        f"{sum(r.kind == 'hidden' for r in view.regions)} hidden regions"
    )
    # CPU time is the steadier number on a shared machine; wall time is what a user waits.
    print(
        f"html_view: {dt / repeats * 1000:.2f} ms/page wall, {nbytes * repeats / dt / 1e6:.2f} MB/s wall, "
        f"{nbytes * repeats / cpu / 1e6:.2f} MB/s CPU ({repeats} repeats)"
    )


if __name__ == "__main__":
    main()
