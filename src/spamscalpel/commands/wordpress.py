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
    p.add_argument("dump", help="mysqldump .sql / .sql.gz, or a WXR .xml export")
    p.add_argument("--out", help="write a cleaned copy here (a new file; .gz suffix writes gzip)")
    p.add_argument(
        "--policy", choices=("span", "sentence", "mask"), default="span", help="how spans are removed"
    )
    p.add_argument("--min-score", type=float, default=0.0, help="only remove spans scoring at least this")
    p.add_argument("--all", action="store_true", help="report clean cells too, not only cells with spam")
    p.add_argument(
        "--format", choices=("jsonl", "text"), default="jsonl", help="output format (default jsonl)"
    )
    p.set_defaults(func=run)


def _text_line(report) -> str:
    m = report.meta or {}
    where = f"{m.get('table', '?')} id={m.get('row_id', '?')} {m.get('column', '')}".strip()
    lines = [f"{report.verdict.upper():9} {report.score:.2f}  {where}"]
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
    from ..site.wordpress import DumpError, DumpScanner

    scanner = DumpScanner(args.dump, policy=args.policy, min_score=args.min_score, report_clean=args.all)
    try:
        for report in scanner.run(out=args.out):
            line = report.to_json() if args.format == "jsonl" else _text_line(report)
            sys.stdout.write(line + "\n")
    except (DumpError, OSError) as exc:
        print(f"spamscalpel wordpress: {exc}", file=sys.stderr)
        return 2
    summary = scanner.summary
    if args.format == "jsonl":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_summary_text(summary) + "\n")
    return summary.exit_status
