"""A bounded same-site crawler that scans every page as a browser, as Googlebot and as a search visitor."""

from __future__ import annotations

import gzip
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from urllib.parse import quote_plus, urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from ..analyze import Config, analyze
from ..types import Document, Report
from .cloaking import Fetched, Variant, compare, spam_keys
from .fetch import CHROME_UA, GOOGLEBOT_UA, Fetcher, FetchResult, Limits, same_site
from .safety import UnsafeAddressError, check_url

ROBOTS_AGENTS: tuple[str, ...] = ("spamscalpel", "Googlebot")  # we fetch as both, so obey both
MAX_SITEMAPS = 5
MAX_CRAWL_DELAY = 10.0  # a larger robots.txt Crawl-delay is capped so a scan can finish

# Links to these are never HTML; skipping them saves the page budget for real pages.
_SKIP_EXT = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".svg",
    ".ico",
    ".css",
    ".js",
    ".pdf",
    ".zip",
    ".gz",
    ".mp4",
    ".mp3",
    ".woff",
    ".woff2",
    ".ttf",
    ".xml",
    ".json",
    ".txt",
    ".doc",
    ".docx",
    ".xls",
)


def _variants(start_url: str) -> tuple[Variant, ...]:
    host = urlsplit(start_url).hostname or ""
    referer = f"https://www.google.com/search?q={quote_plus(host)}"
    return (
        Variant("browser", (("User-Agent", CHROME_UA),), "a browser"),
        Variant("googlebot", (("User-Agent", GOOGLEBOT_UA),), "Googlebot"),
        Variant(
            "search_referer",
            (("User-Agent", CHROME_UA), ("Referer", referer)),
            f"a visitor arriving from a Google search (Referer: {referer})",
        ),
    )


@dataclass(slots=True)
class SiteSummary:
    """What one crawl did: every discovered URL is scanned, skipped (with a reason) or left unvisited."""

    start_url: str
    pages_scanned: int = 0
    pages_with_spam: int = 0
    cloaked_pages: int = 0
    search_redirect_pages: int = 0
    errors: int = 0
    skipped_robots: int = 0
    skipped_non_html: int = 0
    not_visited: int = 0  # left in the queue when --max-pages was reached
    requests: int = 0
    robots: str = "none"

    def to_dict(self) -> dict:
        return {"summary": asdict(self)}

    @property
    def exit_status(self) -> int:
        if self.pages_with_spam:
            return 1
        return 2 if self.errors else 0


def _page_links(html: str, page_url: str) -> list[str]:
    """Absolute same-page-agnostic link targets of a page (anchors), fragments dropped."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = urljoin(page_url, base_node.attributes.get("href") or "")
    out = []
    for node in tree.css("a[href], area[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
            continue
        out.append(urldefrag(urljoin(base, href))[0])
    return out


def _sitemap_locs(body: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) listed in a sitemap or sitemap index."""
    import xml.etree.ElementTree as ET

    if body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as gz:
            body = gz.read(50_000_000)
    root = ET.fromstring(body)
    pages, nested = [], []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "loc" or not (el.text or "").strip():
            continue
        parent_is_index = root.tag.rsplit("}", 1)[-1] == "sitemapindex"
        (nested if parent_is_index else pages).append(el.text.strip())
    return pages, nested


class SiteCrawler:
    """Crawl one site within ``limits``; ``run()`` yields a report per page, then ``summary`` is final."""

    def __init__(self, start_url: str, limits: Limits | None = None, config: Config | None = None):
        self.start_url = start_url
        self.limits = limits or Limits()
        self.config = config
        self.summary = SiteSummary(start_url)
        self.variants = _variants(start_url)
        self._robots: RobotFileParser | None = None
        self._robots_block_all = False

    # -- robots.txt and sitemaps -------------------------------------------------------------
    def _load_robots(self, fetcher: Fetcher) -> list[str]:
        parts = urlsplit(self.start_url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        res = fetcher.get(robots_url, {"User-Agent": CHROME_UA}, accept=None)
        if res.error or res.status is None or res.status >= 500:
            # RFC 9309: an unreachable robots.txt means assume everything is disallowed.
            self._robots_block_all = True
            self.summary.robots = f"unreachable ({res.error or res.status}): nothing crawled"
            return []
        if res.status >= 400 or res.offsite_redirect:
            self.summary.robots = f"absent ({res.status})"
            return []
        rp = RobotFileParser()
        rp.parse(res.body.decode("utf-8", errors="replace").splitlines())
        self._robots = rp
        self.summary.robots = "honoured"
        delays = [rp.crawl_delay(a) for a in ROBOTS_AGENTS]
        delay = max((float(d) for d in delays if d), default=0.0)
        if delay:
            fetcher.slow_down(min(delay, MAX_CRAWL_DELAY))
        return list(rp.site_maps() or [])

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets both of our user agents fetch ``url``."""
        if self._robots_block_all:
            return False
        if self._robots is None:
            return True
        return all(self._robots.can_fetch(agent, url) for agent in ROBOTS_AGENTS)

    def _sitemap_pages(self, fetcher: Fetcher, listed: list[str]) -> list[str]:
        parts = urlsplit(self.start_url)
        todo = deque(listed or [f"{parts.scheme}://{parts.netloc}/sitemap.xml"])
        pages: list[str] = []
        fetched = 0
        while todo and fetched < MAX_SITEMAPS:
            url = todo.popleft()
            if not same_site(self.start_url, url):
                continue
            fetched += 1
            res = fetcher.get(url, {"User-Agent": CHROME_UA}, accept=None)
            if res.error or res.status != 200 or not res.body:
                continue
            try:
                found, nested = _sitemap_locs(res.body)
            except Exception:  # a broken sitemap only costs us its URLs
                continue
            pages.extend(found)
            todo.extend(nested)
        return pages

    # -- pages --------------------------------------------------------------------------------
    def _analyze(self, url: str, res: FetchResult) -> Report | None:
        if res.text is None:
            return None
        return analyze(Document(id=url, text=res.text, format="html", url=url), self.config)

    def scan_page(self, fetcher: Fetcher, url: str) -> tuple[Report | None, list[str]]:
        """Fetch ``url`` in every variant and build its report; returns (report, links to follow)."""
        fetched: list[Fetched] = []
        for variant in self.variants:
            res = fetcher.get(url, dict(variant.headers))
            if variant.name == "browser":
                if res.error:
                    return Report.for_error(url, res.error, url=url, status=res.status), []
                if res.text is None and not res.offsite_redirect and not res.error:
                    self.summary.skipped_non_html += 1
                    return None, []
            try:
                report = self._analyze(url, res)
            except Exception as exc:  # this page fails, the crawl goes on
                return Report.for_error(url, f"{type(exc).__name__}: {exc}", url=url), []
            fetched.append(Fetched(variant, res, report))

        browser = fetched[0]
        evidence = []
        for other in fetched[1:]:
            evidence.extend(compare(browser, other))
        # The spans come from the version with the most spam (for a cloaked page, what Google sees).
        chosen = max(fetched, key=lambda f: (len(spam_keys(f.report)), f is browser))
        base = chosen.report or Report(url, "clean", 0.0)
        verdict, score = base.verdict, base.score
        if evidence and verdict == "clean":
            verdict = "injected"
        if evidence:
            score = max(score, 0.9)  # serving search engines other content is itself a compromise signal
        links: list[str] = []
        for f in fetched[:2]:  # follow links in both the browser and the Googlebot versions
            if f.result.text is not None:
                links.extend(_page_links(f.result.text, f.result.final_url))
        meta = {
            "url": url,
            "status": browser.result.status,
            "final_url": browser.result.final_url,
            "spans_from": chosen.variant.name,
            "variants": [self._variant_meta(f) for f in fetched],
        }
        report = Report(
            id=url,
            verdict=verdict,
            score=score,
            spans=base.spans,
            evidence=tuple(base.evidence) + tuple(evidence),
            error=base.error,
            meta=meta,
        )
        return report, links

    @staticmethod
    def _variant_meta(f: Fetched) -> dict:
        r = f.result
        d = {
            "variant": f.variant.name,
            "headers": dict(f.variant.headers),
            "status": r.status,
            "final_url": r.final_url,
            "bytes": len(r.body),
            "sha256": r.sha256,
        }
        if r.hops:
            d["redirects"] = [h.to_dict() for h in r.hops]
        if r.offsite_redirect:
            d["offsite_redirect"] = r.offsite_redirect
        if r.error:
            d["error"] = r.error
        if f.report is not None:
            d["verdict"] = f.report.verdict
            d["spans"] = len(f.report.spans)
        return d

    def _skip_url(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        return not same_site(self.start_url, url) or path.endswith(_SKIP_EXT)

    def run(self) -> Iterator[Report]:
        """Yield one report per page crawled; ``self.summary`` is complete once this is exhausted."""
        start = urldefrag(self.start_url)[0]
        with Fetcher(self.limits) as fetcher:
            # --max-pages bounds requests too: a page costs one per variant, and URLs that turn out
            # not to be HTML (a sitemap full of PDFs) may cost as much again, no more.
            budget = 1 + MAX_SITEMAPS + 2 * self.limits.max_pages * len(self.variants)
            fetcher.max_requests = budget
            try:
                queue: deque[tuple[str, int]] = deque([(start, 0)])
                seen = {start}
                try:
                    check_url(start, self.limits.allow_private)
                except UnsafeAddressError as exc:
                    self.summary.errors += 1
                    yield Report.for_error(start, str(exc), url=start)
                    return
                sitemaps = self._load_robots(fetcher)
                if self._robots_block_all:
                    # Nothing may be crawled; say why instead of ending with an empty, "clean" scan.
                    self.summary.errors += 1
                    yield Report.for_error(start, f"robots.txt {self.summary.robots}", url=start)
                    return
                if not self._robots_block_all and self.limits.max_depth >= 1:
                    for page in self._sitemap_pages(fetcher, sitemaps):
                        page = urldefrag(page)[0]
                        if page not in seen and not self._skip_url(page):
                            seen.add(page)
                            queue.append((page, 1))
                while (
                    queue
                    and self.summary.pages_scanned + self.summary.errors < self.limits.max_pages
                    and fetcher.requests + len(self.variants) <= budget
                ):
                    url, depth = queue.popleft()
                    if not self.allowed(url):
                        self.summary.skipped_robots += 1
                        continue
                    report, links = self.scan_page(fetcher, url)
                    if report is None:
                        continue
                    self._count(report)
                    yield report
                    if depth < self.limits.max_depth:
                        for link in links:
                            if link not in seen and not self._skip_url(link):
                                seen.add(link)
                                queue.append((link, depth + 1))
                self.summary.not_visited = len(queue)
            finally:
                self.summary.requests = fetcher.requests

    def _count(self, report: Report) -> None:
        if report.verdict == "error":
            self.summary.errors += 1
            return
        self.summary.pages_scanned += 1
        if report.is_spam:
            self.summary.pages_with_spam += 1
        kinds = {e.kind for e in report.evidence}
        self.summary.cloaked_pages += "cloaking" in kinds
        self.summary.search_redirect_pages += "search_redirect" in kinds


def scan_site(
    start_url: str, limits: Limits | None = None, config: Config | None = None
) -> tuple[list[Report], SiteSummary]:
    """Crawl a site and return every page report plus the summary."""
    crawler = SiteCrawler(start_url, limits, config)
    reports = list(crawler.run())
    return reports, crawler.summary


__all__ = ["Limits", "SiteCrawler", "SiteSummary", "scan_site"]
