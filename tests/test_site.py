"""The site crawler against a real HTTP server on 127.0.0.1 serving a small hacked site."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("httpx")
pytest.importorskip("selectolax")

from spamscalpel.cli import main  # noqa: E402
from spamscalpel.site import Limits, SiteCrawler  # noqa: E402

CLEAN = """<!doctype html><html><head><title>Garden notes</title></head><body>
<h1>Tomatoes in July</h1><p>Water early in the morning and mulch the beds.</p>
<a href="/pills.html">Pest control</a> <a href="/cloaked.html">Compost</a>
<a href="/landing.html">Seeds</a> <a href="/private/admin.html">Admin</a>
<a href="/deep/1.html">Archive</a> <a href="/logo.png">logo</a>
</body></html>"""

PILLS = """<!doctype html><html><head><title>Pest control</title></head><body>
<p>Aphids leave when you spray soapy water on the leaves.</p>
<div style="display:none">
<a href="https://rx-shop.example/viagra">buy cheap viagra online</a>
<a href="https://rx-shop.example/cialis">cialis 20mg no prescription</a>
<a href="https://rx-shop.example/kamagra">kamagra oral jelly</a>
</div></body></html>"""

CLOAKED_FOR_PEOPLE = """<!doctype html><html><head><title>Compost</title></head><body>
<p>Turn the heap every two weeks.</p></body></html>"""

CLOAKED_FOR_BOTS = """<!doctype html><html><head><title>Best online casino bonus</title></head><body>
<p>Turn the heap every two weeks. Play the best online casino and get payday loans today.</p>
<a href="https://casino-spam.example/">online casino</a></body></html>"""

LANDING = """<!doctype html><html><head><title>Seeds</title></head><body>
<p>Save seeds from the healthiest plants.</p></body></html>"""

DEEP = """<!doctype html><html><body><p>Archive page {n}.</p><a href="/deep/{next}.html">older</a></body></html>"""

ORPHAN = """<!doctype html><html><body><p>Only the sitemap links here.</p></body></html>"""


class SiteHandler(BaseHTTPRequestHandler):
    """A small site: clean, hidden-link, Googlebot-cloaked and search-redirect pages."""

    log: list[tuple[str, str, str]] = []
    hosts: list[str] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status, body="", ctype="text/html; charset=utf-8", headers=()):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        ua = self.headers.get("User-Agent", "")
        ref = self.headers.get("Referer", "")
        self.log.append((self.path, ua, ref))
        host = self.headers.get("Host")
        path = self.path.split("?", 1)[0]
        if path == "/robots.txt":
            return self._send(
                200,
                f"User-agent: *\nDisallow: /private/\n\nSitemap: http://{host}/sitemap.xml\n",
                "text/plain",
            )
        if path == "/sitemap.xml":
            urls = [
                "/",
                "/pills.html",
                "/cloaked.html",
                "/landing.html",
                "/orphan.html",
                "/private/hidden.html",
            ]
            body = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            body += "".join(f"<url><loc>http://{host}{u}</loc></url>" for u in urls) + "</urlset>"
            return self._send(200, body, "application/xml")
        if path in ("/", "/index.html"):
            return self._send(200, CLEAN)
        if path == "/pills.html":
            return self._send(200, PILLS)
        if path == "/cloaked.html":
            return self._send(200, CLOAKED_FOR_BOTS if "Googlebot" in ua else CLOAKED_FOR_PEOPLE)
        if path == "/landing.html":
            if "google." in ref:
                return self._send(302, "", headers=[("Location", "https://pharmacy-spam.example/?src=seo")])
            return self._send(200, LANDING)
        if path == "/orphan.html":
            return self._send(200, ORPHAN)
        if path.startswith("/deep/"):
            n = int(path.rsplit("/", 1)[1].split(".")[0])
            return self._send(200, DEEP.format(n=n, next=n + 1))
        if path == "/big.html":
            return self._send(200, "<p>" + "x" * 50_000 + "</p>")
        if path == "/to-local":
            return self._send(302, "", headers=[("Location", "/")])
        if path == "/slow.html":
            time.sleep(1.0)
            return self._send(200, CLEAN)
        if path == "/echo-host":
            SiteHandler.hosts.append(host)
            return self._send(200, f"<p>host={host}</p>")
        if path == "/logo.png":
            return self._send(200, "PNG", "image/png")
        return self._send(404, "<p>not found</p>")


@pytest.fixture()
def site():
    SiteHandler.log = []
    SiteHandler.hosts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SiteHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


FAST = dict(rate=200.0, timeout=5.0, allow_private=True)


def crawl(url, **kw):
    crawler = SiteCrawler(url + "/", Limits(**{**FAST, **kw}))
    reports = {r.meta.get("url", r.id).removeprefix(url): r for r in crawler.run()}
    return reports, crawler.summary


def test_full_crawl_finds_spam_cloaking_and_search_redirect(site):
    reports, summary = crawl(site, max_pages=20, max_depth=1)
    assert {"/", "/pills.html", "/cloaked.html", "/landing.html", "/orphan.html"} <= set(reports)

    home = reports["/"]
    assert home.verdict == "clean" and not home.spans and not home.evidence

    pills = reports["/pills.html"]
    assert pills.is_spam
    texts = " ".join(s.text.lower() for s in pills.spans)
    assert "viagra" in texts and "cialis" in texts and "kamagra" in texts
    assert not any(e.kind == "cloaking" for e in pills.evidence)  # hidden, but served to everyone

    cloaked = reports["/cloaked.html"]
    assert cloaked.is_spam
    assert cloaked.meta["spans_from"] == "googlebot"
    cloaking = [e for e in cloaked.evidence if e.kind == "cloaking"]
    assert cloaking and "Googlebot" in cloaking[0].detail and "casino" in cloaking[0].detail
    # Spans index the Googlebot version's HTML, the one whose hash is in the variant meta.
    bot_html = CLOAKED_FOR_BOTS
    for s in cloaked.spans:
        assert bot_html[s.start : s.end] == s.text

    landing = reports["/landing.html"]
    redirects = [e for e in landing.evidence if e.kind == "search_redirect"]
    assert redirects and "pharmacy-spam.example" in redirects[0].detail and "Referer" in redirects[0].detail
    assert landing.is_spam
    variants = {v["variant"]: v for v in landing.meta["variants"]}
    assert variants["search_referer"]["offsite_redirect"].startswith("https://pharmacy-spam.example/")
    assert "offsite_redirect" not in variants["browser"]

    assert summary.pages_with_spam == 3
    assert summary.cloaked_pages == 1 and summary.search_redirect_pages == 1
    assert summary.errors == 0 and summary.exit_status == 1
    # Nobody visited the off-site shop: the redirect was reported, not followed.
    assert all("pharmacy-spam" not in p for p, _, _ in SiteHandler.log)


def test_every_span_indexes_the_served_html(site):
    reports, _ = crawl(site, max_pages=20, max_depth=1)
    served = {"/pills.html": PILLS, "/": CLEAN}
    for path, html in served.items():
        for s in reports[path].spans:
            assert html[s.start : s.end] == s.text


def test_robots_disallow_is_honoured(site):
    reports, summary = crawl(site, max_pages=20, max_depth=2)
    assert not any(p.startswith("/private/") for p in reports)
    assert not any(p.startswith("/private/") for p, _, _ in SiteHandler.log)
    assert summary.skipped_robots >= 1 and summary.robots == "honoured"


def test_each_page_is_fetched_as_browser_googlebot_and_search_visitor(site):
    crawl(site, max_pages=1, max_depth=0)
    home = [(ua, ref) for p, ua, ref in SiteHandler.log if p == "/"]
    assert len(home) == 3
    assert any("Chrome/" in ua and not ref for ua, ref in home)
    assert any("Googlebot" in ua for ua, _ in home)
    assert any("Chrome/" in ua and "google.com/search" in ref for ua, ref in home)


def test_page_and_depth_limits(site):
    reports, summary = crawl(site, max_pages=2, max_depth=5)
    assert len(reports) == 2 and summary.not_visited > 0
    reports, _ = crawl(site, max_pages=50, max_depth=1)
    assert "/deep/1.html" in reports and "/deep/2.html" not in reports
    assert not any(p.startswith("/deep/2") for p, _, _ in SiteHandler.log)
    # Depth 0 scans the start page only, and the sitemap (depth 1) is not read.
    reports, _ = crawl(site, max_pages=50, max_depth=0)
    assert set(reports) == {"/"}


def test_response_size_limit_gives_a_page_error(site):
    crawler = SiteCrawler(site + "/big.html", Limits(**FAST, max_bytes=1000, max_depth=0))
    (report,) = list(crawler.run())
    assert report.verdict == "error" and "limit" in report.error
    assert crawler.summary.errors == 1 and crawler.summary.exit_status == 2


def test_timeout_gives_a_page_error(site):
    crawler = SiteCrawler(
        site + "/slow.html", Limits(rate=200.0, timeout=0.3, allow_private=True, max_depth=0)
    )
    (report,) = list(crawler.run())
    assert report.verdict == "error" and "Timeout" in report.error


def test_connection_goes_to_the_checked_address_with_the_real_host_header(site):
    # The socket is opened to the address the guard approved; the Host header keeps the name.
    port = site.rsplit(":", 1)[1]
    crawler = SiteCrawler(f"http://localhost:{port}/echo-host", Limits(**FAST, max_depth=0))
    (report,) = list(crawler.run())
    assert report.verdict == "clean" and report.meta["variants"][0]["bytes"] > 0
    assert SiteHandler.hosts and set(SiteHandler.hosts) == {f"localhost:{port}"}


def test_non_html_is_skipped_not_scanned(site):
    reports, summary = crawl(site, max_pages=50, max_depth=1)
    assert "/logo.png" not in reports
    assert not any(p == "/logo.png" for p, _, _ in SiteHandler.log)  # skipped by extension


def test_loopback_is_refused_without_allow_private(site):
    crawler = SiteCrawler(site + "/", Limits(rate=200.0, timeout=5.0))
    (report,) = list(crawler.run())
    assert report.verdict == "error" and "loopback" in report.error and "allow-private" in report.error
    assert SiteHandler.log == []  # refused before any connection


def test_cli_text_format_and_out_file(site, tmp_path, capsys):
    out = tmp_path / "site.jsonl"
    status = main(
        ["site", site + "/", "--allow-private", "--rate", "200", "--max-depth", "1", "--out", str(out)]
    )
    assert status == 1
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["summary"]["cloaked_pages"] == 1
    assert all("verdict" in line for line in lines[:-1])
    status = main(
        ["site", site + "/", "--allow-private", "--rate", "200", "--max-depth", "0", "--format", "text"]
    )
    text = capsys.readouterr().out
    assert status == 0 and "CLEAN" in text and "1 pages scanned" in text


def test_cli_rejects_bad_limits(capsys):
    assert main(["site", "http://127.0.0.1:9/", "--max-pages", "0"]) == 2
    assert "--max-pages" in capsys.readouterr().err


def test_installed_entry_point(site):
    exe = Path(sys.executable).with_name("spamscalpel")
    if not exe.exists():
        pytest.skip(f"no installed entry point at {exe}")
    proc = subprocess.run(
        [
            str(exe),
            "site",
            site + "/",
            "--allow-private",
            "--rate",
            "200",
            "--max-pages",
            "20",
            "--max-depth",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    by_url = {line["meta"]["url"]: line for line in lines[:-1]}
    assert any(e["kind"] == "cloaking" for e in by_url[site + "/cloaked.html"]["evidence"])
    assert lines[-1]["summary"]["pages_with_spam"] == 3
