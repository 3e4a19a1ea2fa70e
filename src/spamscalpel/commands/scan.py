"""``spamscalpel scan``: report injected spam in files, folders, JSONL records or stdin."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

EXAMPLE_NAME = "examples/allotment.html"
PROGRESS_MIN_FILES = 20


def example_path() -> Path:
    """The bundled example page (an allotment newsletter with three injections)."""
    from importlib.resources import files

    return Path(str(files("spamscalpel") / "examples" / "allotment.html"))


def add_scorer_argument(p: argparse.ArgumentParser) -> None:
    """``--scorer``: which registered scorer judges the candidates."""
    from ..analyze import DEFAULT_CONFIG
    from ..score import SCORERS

    p.add_argument(
        "--scorer",
        choices=sorted(SCORERS),
        default=None,
        help=f"scorer for candidates (default {DEFAULT_CONFIG.scorer}; minilm_v1 needs its companion package)",
    )


def check_scorer(name: str) -> str | None:
    """None when the scorer can be built, else a readable reason (missing weights or libraries)."""
    from ..score import get_scorer

    try:
        get_scorer(name)
    except Exception as exc:  # noqa: BLE001 - reported to the user as a start-up error
        return f"scorer {name!r} is unavailable: {exc}"
    return None


def cannot_start(args: argparse.Namespace, say: Messages) -> bool:
    """Report why ``scan``/``clean`` cannot start (no input, an unavailable scorer); True if so."""
    from ..analyze import DEFAULT_CONFIG

    if not args.paths and not args.example and sys.stdin.isatty():
        say.error("no input: give files or folders, - for stdin, or --example")
        return True
    why = check_scorer(args.scorer or DEFAULT_CONFIG.scorer)
    if why:
        say.error(why)
        return True
    return False


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments shared by ``scan`` and ``clean``: what to read and how to score it."""
    from ..analyze import DEFAULT_CONFIG
    from ..inputs import INPUT_FORMATS

    p.add_argument("paths", nargs="*", metavar="PATH", help="files, folders (recursive) or - for stdin")
    p.add_argument(
        "--input-format",
        choices=INPUT_FORMATS,
        default="auto",
        help="how to read inputs (default: by extension, then by sniffing the content)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        metavar="T",
        help=f"report candidates scoring at least T (default {DEFAULT_CONFIG.threshold})",
    )
    add_scorer_argument(p)
    p.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_CONFIG.max_chars,
        metavar="N",
        help="longer documents are reported as errors (default %(default)s)",
    )
    p.add_argument("--example", action="store_true", help="also read the bundled example page")
    p.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar, removals or summary on stderr"
    )


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..output import OUTPUT_FORMATS

    p = sub.add_parser(
        "scan",
        help="report injected spam spans",
        description="Report injected spam spans, one JSON report per document (or --format text). "
        "Exit status: 0 nothing found, 1 spam found, 2 nothing could be read.",
    )
    add_input_arguments(p)
    p.add_argument(
        "--format",
        choices=OUTPUT_FORMATS,
        default="jsonl",
        help="output format: jsonl (default), json, text (highlighted, with evidence) or sarif (SARIF 2.1.0)",
    )
    from .common import add_color_argument

    add_color_argument(p)
    p.set_defaults(func=run)


class Messages:
    """Error and warning lines on stderr that do not tear through a progress bar."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None

    def error(self, msg: str) -> None:
        self._emit(f"spamscalpel: error: {msg}")

    def warn(self, msg: str) -> None:
        self._emit(f"spamscalpel: warning: {msg}")

    def info(self, msg: str) -> None:
        if not self.quiet:
            self._emit(msg)

    def _emit(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr, flush=True)


def analyzed_records(args: argparse.Namespace, say: Messages) -> Iterator[tuple[object, object]]:
    """Yield ``(InputRecord, Report)`` for every input record; unreadable ones get error reports."""
    from ..analyze import Config, analyze
    from ..inputs import list_files, read_file, read_inputs
    from ..types import Report

    paths = list(args.paths)
    if not paths and not args.example:
        paths = ["-"]
    cfg = Config(max_chars=args.max_chars)
    if getattr(args, "scorer", None):
        cfg = replace(cfg, scorer=args.scorer)
    if args.threshold is not None:
        cfg = replace(cfg, threshold=args.threshold)

    def records():
        if args.example:
            yield from read_file(
                example_path(), EXAMPLE_NAME, args.input_format, args.max_chars, "allotment.html"
            )
        yield from read_inputs(paths, args.input_format, args.max_chars)

    stream = records()
    files = list_files(paths) if paths else []
    many = len(files) >= PROGRESS_MIN_FILES or any(
        f == "-" or f.endswith((".jsonl", ".ndjson")) for f in files
    )
    # On one terminal a bar would tear through the text report, so it shows only when stdout is elsewhere.
    text_on_tty = getattr(args, "format", "jsonl") == "text" and sys.stdout.isatty()
    if many and not args.quiet and sys.stderr.isatty() and not text_on_tty:
        stream = _with_progress(stream, say)

    for rec in stream:
        if rec.error is not None:
            say.error(rec.error)
            yield rec, Report.for_error(rec.id, rec.error)
            continue
        if rec.warning:
            say.warn(rec.warning)
        try:
            report = analyze(rec.document, cfg)
        except Exception as exc:  # one bad record must not stop the run
            msg = f"{rec.id}: analysis failed: {type(exc).__name__}: {exc}"
            say.error(msg)
            yield rec, Report.for_error(rec.id, msg)
            continue
        if rec.warning:
            report = replace(report, meta={**report.meta, "warning": rec.warning})
        yield rec, report


def _with_progress(stream: Iterator, say: Messages) -> Iterator:
    try:
        from tqdm import tqdm
    except ImportError:  # the progress bar is a nicety, not a dependency
        yield from stream
        return
    with tqdm(stream, unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        say.bar = bar
        try:
            yield from bar
        finally:
            say.bar = None


def exit_status(tally) -> int:
    """0 nothing found, 1 spam found, 2 nothing at all could be read."""
    if tally.scanned == 0:
        return 2
    return 1 if tally.spam else 0


def run(args: argparse.Namespace) -> int:
    """Scan every input and print one report per record."""
    from ..output import ReportWriter, Tally, use_color

    say = Messages(args.quiet)
    if cannot_start(args, say):
        return 2
    writer = ReportWriter(sys.stdout, args.format, color=use_color(sys.stdout, args.color))
    tally = Tally()
    for rec, report in analyzed_records(args, say):
        tally.add(report)
        text = rec.document.text if rec.document is not None else None
        writer.write(report, text)
    writer.close()
    say.info(tally.summary())
    return exit_status(tally)
