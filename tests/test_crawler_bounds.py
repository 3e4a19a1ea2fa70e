"""Crawler bounds (issue 15 item 6): a whole-request deadline, and --max-pages bounding requests."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("httpx")

from spamscalpel.site import Limits, SiteCrawler  # noqa: E402

PAGE = "<!doctype html><html><body><p>Water the beds early.</p><a href='/trickle'>t</a></body></html>"


class Handler(BaseHTTPRequestHandler):
    requests = 0

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        type(self).requests += 1
        host = self.headers.get("Host")
        if self.path == "/robots.txt":
            return self._send(200, f"User-agent: *\nSitemap: http://{host}/sitemap.xml\n", "text/plain")
        if self.path == "/sitemap.xml":
            locs = "".join(f"<url><loc>http://{host}/file/{i}</loc></url>" for i in range(300))
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            return self._send(200, body, "application/xml")
        if self.path.startswith("/file/"):
            return self._send(200, "%PDF-1.4 not a page", "application/octet-stream")
        if self.path == "/trickle":
            # Headers one byte every 0.1 s for 30 s: every read is quick, the request never ends.
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            try:
                for ch in b"X-Slow: " + b"z" * 300:
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:  # the crawler hung up, as it should
                pass
            return None
        return self._send(200, PAGE)

    def _send(self, status, body, ctype="text/html"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def site():
    Handler.requests = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_max_pages_bounds_requests_when_sitemap_urls_are_not_html(site):
    crawler = SiteCrawler(
        site + "/", Limits(max_pages=5, rate=500.0, timeout=5.0, allow_private=True, max_depth=1)
    )
    list(crawler.run())
    s = crawler.summary
    # robots + sitemap + 5 pages x 3 variants, and as much again for URLs that turn out not to be HTML.
    assert s.requests <= 1 + 5 + 2 * 5 * 3, s
    assert Handler.requests == s.requests
    assert s.not_visited > 200  # the rest of the sitemap is left, and said to be left


def test_headers_that_trickle_in_hit_the_whole_request_deadline(site):
    crawler = SiteCrawler(site + "/trickle", Limits(rate=500.0, timeout=0.5, allow_private=True, max_depth=0))
    (report,) = list(crawler.run())
    assert report.verdict == "error"
    assert "longer than 0.5 s" in report.error
