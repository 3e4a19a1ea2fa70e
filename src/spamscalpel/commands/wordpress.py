"""``spamscalpel wordpress DUMP``: scan a WordPress mysqldump or WXR export, optionally write a cleaned copy."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub) -> None:
    p = sub.add_parser(
        "wordpress",
        help="scan a WordPress database dump (.sql, .sql.gz) or WXR export; write a cleaned copy",
        description=(
            "Scan wp_posts, wp_comments, wp_options and wp_postmeta rows of a mysqldump (any table "
            "prefix), or the posts, comments and post meta of a WXR export. Reports name the table, "
            "row id and column; span offsets index the unescaped column value. With --out, a cleaned "
            "copy is written as a new file; the input is never changed. "
            "Exit status: 0 clean, 1 spam found, 2 error."
        ),
    )
    p.add_argument("dump", help="mysqldump .sql / .sql.gz, or a WXR .xml export; - reads standard input")
    p.add_argument("--out", help="write a cleaned copy here (a new file; .gz suffix writes gzip)")
    p.add_argument(
        "--policy", choices=("span", "sentence", "mask"), default="span", help="how spans are removed"
    )
    p.add_argument("--min-score", type=float, default=0.0, help="only remove spans scoring at least this")
    p.add_argument("--all", action="store_true", help="report clean cells too, not only cells with spam")
    p.add_argument(
        "--format", choices=("jsonl", "text"), default="jsonl", help="output format (default jsonl)"
    )
    from .common import add_color_argument, add_quiet_argument

    add_quiet_argument(p, "summary line")
    add_color_argument(p)
    p.set_defaults(func=run)


_PAINT = {"INJECTED": "\033[1;31m", "SPAM_PAGE": "\033[1;35m", "ERROR": "\033[1;33m", "CLEAN": "\033[32m"}


def _text_line(report, color: bool = False) -> str:
    m = report.meta or {}
    where = f"{m.get('table', '?')} id={m.get('row_id', '?')} {m.get('column', '')}".strip()
    verdict = f"{report.verdict.upper():9}"
    if color:
        verdict = f"{_PAINT.get(verdict.strip(), '')}{verdict}\033[0m"
    if m.get("action") == "marked_spam":
        where += " (marked spam in the cleaned copy)"
    lines = [f"{verdict} {report.score:.2f}  {where}"]
    if report.error:
        lines.append(f"    error: {report.error}")
    for s in report.spans:
        lines.append(f"    [{s.start}:{s.end}] {s.category}: {s.text!r}")
    return "\n".join(lines)


def _summary_text(s) -> str:
    tables = ", ".join(f"{t} {n}" for t, n in sorted(s.tables.items())) or "none"
    text = (
        f"{s.format} dump {s.dump}: {s.rows} rows ({tables}), {s.cells_scanned} cells scanned, "
        f"{s.cells_with_spam} with spam ({s.spans} spans), {s.errors} errors"
    )
    if s.cleaned_copy:
        text += (
            f"; cleaned copy with {s.cells_cleaned} cells changed and {s.comments_marked_spam} "
            f"comments marked spam: {s.cleaned_copy}"
        )
    return text


def run(args: argparse.Namespace) -> int:
    """Scan the dump, print reports and a summary; return the exit status."""
    import shutil

    from ..output import use_color
    from ..site.wordpress import DumpError, DumpScanner
    from .common import spool_stdin

    spooled = None
    dump = args.dump
    if dump == "-":
        if args.out == "-":
            print(
                "spamscalpel wordpress: --out needs a file name when the dump comes from stdin",
                file=sys.stderr,
            )
            return 2
        dump, spooled = spool_stdin("stdin.sql")
    color = use_color(sys.stdout, args.color)
    scanner = DumpScanner(dump, policy=args.policy, min_score=args.min_score, report_clean=args.all)
    try:
        for report in scanner.run(out=args.out):
            line = report.to_json() if args.format == "jsonl" else _text_line(report, color)
            sys.stdout.write(line + "\n")
    except (DumpError, OSError) as exc:
        print(f"spamscalpel wordpress: {exc}", file=sys.stderr)
        return 2
    finally:
        if spooled:
            shutil.rmtree(spooled, ignore_errors=True)
    summary = scanner.summary
    if args.dump == "-":
        summary.dump = "-"
    if args.format == "jsonl":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
        if not args.quiet:
            print(f"spamscalpel wordpress: {_summary_text(summary)}", file=sys.stderr)
    else:
        sys.stdout.write(_summary_text(summary) + "\n")
    return summary.exit_status
