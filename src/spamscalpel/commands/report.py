"""``spamscalpel report``: turn a JSONL file of reports into a static HTML page."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the ``report`` sub-command."""
    p = sub.add_parser(
        "report",
        help="write a static HTML report (charts, worst documents) from scan results",
        description="Read RESULTS.jsonl (one report per line, as `spamscalpel scan` prints) and write a "
        "self-contained HTML page that opens offline. Malformed lines are counted and listed.",
    )
    p.add_argument("results", help="JSONL file of reports ('-' for stdin)")
    p.add_argument("-o", "--output", default="report.html", help="HTML file to write (default: report.html)")
    p.add_argument("--top", type=int, default=20, help="how many worst documents to show (default: 20)")
    p.add_argument("--title", default="spamscalpel report", help="page title")
    from .common import add_quiet_argument

    add_quiet_argument(p, "summary line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the page; exit 0 on success, 2 when the input cannot be read."""
    from pathlib import Path

    from ..report import build_report

    if args.top < 0:
        print("spamscalpel report: --top must be zero or more", file=sys.stderr)
        return 2
    try:
        if args.results == "-":
            page, summary = build_report(sys.stdin, source="stdin", top=args.top, title=args.title)
        else:
            with open(args.results, encoding="utf-8", errors="replace") as fh:
                page, summary = build_report(fh, source=args.results, top=args.top, title=args.title)
        Path(args.output).write_text(page, encoding="utf-8")
    except OSError as exc:
        print(f"spamscalpel report: {exc}", file=sys.stderr)
        return 2
    if args.quiet:
        return 0
    print(
        f"spamscalpel report: {summary.documents} document(s), {summary.spam} spam, "
        f"{summary.errors} error record(s), {len(summary.bad_lines)} malformed line(s) -> {args.output}",
        file=sys.stderr,
    )
    for bad in summary.bad_lines[:5]:
        print(f"  line {bad.line}: {bad.reason}", file=sys.stderr)
    return 0
