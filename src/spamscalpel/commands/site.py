"""``spamscalpel site URL``: crawl a live site, scan every page, and check for cloaking."""

from __future__ import annotations

import argparse
import json
import shutil
import sys


def add_parser(sub) -> None:
    p = sub.add_parser(
        "site",
        help="crawl a live site and scan each page as a browser, Googlebot and a search visitor",
        description=(
            "Crawl one site (same host, robots.txt honoured, sitemap.xml read), fetch every page as a "
            "browser, as Googlebot and with a search-engine Referer, and report injected spam, "
            "cloaking and search-only redirects. Exit status: 0 clean, 1 spam found, 2 error."
        ),
    )
    p.add_argument("url", help="start URL (http or https)")
    p.add_argument("--max-pages", type=int, default=50, help="pages to scan at most (default 50)")
    p.add_argument("--max-depth", type=int, default=3, help="link depth from the start page (default 3)")
    p.add_argument("--rate", type=float, default=2.0, help="requests per second (default 2)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument(
        "--max-bytes", type=int, default=5_000_000, help="largest response body read (default 5 MB)"
    )
    p.add_argument(
        "--allow-private",
        action="store_true",
        help="permit private, loopback and link-local addresses (for testing your own servers)",
    )
    p.add_argument("--out", help="write reports here instead of standard output")
    p.add_argument(
        "--format", choices=("jsonl", "text"), default="jsonl", help="output format (default jsonl)"
    )
    from .common import add_color_argument, add_quiet_argument

    add_quiet_argument(p, "progress line or summary")
    add_color_argument(p)
    p.set_defaults(func=run)


_PAINT = {"INJECTED": "\033[1;31m", "SPAM_PAGE": "\033[1;35m", "ERROR": "\033[1;33m", "CLEAN": "\033[32m"}


class Progress:
    """One progress line on stderr through a crawl: rewritten in place on a terminal, else a line a page."""

    def __init__(self, limit: int, stream=None) -> None:
        self.limit = limit
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", None) and self.stream.isatty())
        self.pages = self.spam = self.errors = 0

    def page(self, report) -> None:
        self.pages += 1
        self.spam += report.is_spam
        self.errors += report.verdict == "error"
        url = (report.meta or {}).get("url", report.id)
        line = f"site: {self.pages}/{self.limit} pages, {self.spam} with spam, {self.errors} errors: {url}"
        if self.tty:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r\033[K" + line[:width])
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.pages:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _text_line(report, color: bool = False) -> str:
    meta = report.meta or {}
    verdict = f"{report.verdict.upper():9}"
    if color:
        verdict = f"{_PAINT.get(verdict.strip(), '')}{verdict}\033[0m"
    head = f"{verdict} {report.score:.2f}  {meta.get('url', report.id)}"
    lines = [head]
    if report.error:
        lines.append(f"    error: {report.error}")
    if meta.get("spans_from") and meta["spans_from"] != "browser":
        lines.append(f"    spans from the {meta['spans_from']} version")
    for s in report.spans:
        lines.append(f"    [{s.start}:{s.end}] {s.category}: {s.text!r}")
    for e in report.evidence:
        if e.kind in ("cloaking", "search_redirect"):
            lines.append(f"    {e.kind}: {e.detail}")
    return "\n".join(lines)


def _summary_text(summary) -> str:
    s = summary
    return (
        f"site {s.start_url}: {s.pages_scanned} pages scanned, {s.pages_with_spam} with spam, "
        f"{s.cloaked_pages} cloaked, {s.search_redirect_pages} with search-only redirects, "
        f"{s.errors} errors; skipped {s.skipped_robots} by robots.txt, {s.skipped_non_html} not HTML, "
        f"{s.not_visited} not visited (page limit); {s.requests} requests; robots.txt {s.robots}"
    )


def _validate(args) -> str | None:
    if args.max_pages < 1:
        return "--max-pages must be at least 1"
    if args.max_depth < 0:
        return "--max-depth must not be negative"
    if args.rate <= 0:
        return "--rate must be positive"
    if args.timeout <= 0:
        return "--timeout must be positive"
    if args.max_bytes < 1:
        return "--max-bytes must be at least 1"
    return None


def run(args: argparse.Namespace) -> int:
    """Crawl, print one report per page and then the site summary; return the exit status."""
    from ..site.crawler import SiteCrawler
    from ..site.fetch import Limits

    problem = _validate(args)
    if problem:
        print(f"spamscalpel site: {problem}", file=sys.stderr)
        return 2
    try:
        import httpx  # noqa: F401
        import selectolax  # noqa: F401
    except ImportError as exc:
        print(
            f"spamscalpel site: needs the 'site' extra (pip install 'spamscalpel[site]'): {exc}",
            file=sys.stderr,
        )
        return 2
    limits = Limits(
        max_pages=args.max_pages,
        max_depth=args.max_depth,
        rate=args.rate,
        timeout=args.timeout,
        max_bytes=args.max_bytes,
        allow_private=args.allow_private,
    )
    from ..output import use_color

    crawler = SiteCrawler(args.url, limits)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    color = use_color(out, args.color)
    progress = None if args.quiet else Progress(args.max_pages)
    try:
        for report in crawler.run():
            if progress is not None:
                progress.page(report)
            out.write((report.to_json() if args.format == "jsonl" else _text_line(report, color)) + "\n")
            out.flush()
        if progress is not None:
            progress.done()
        summary = crawler.summary
        if args.format == "jsonl":
            out.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_summary_text(summary) + "\n")
        if args.out and not args.quiet:
            print(_summary_text(summary), file=sys.stderr)
    finally:
        if args.out:
            out.close()
    return summary.exit_status
