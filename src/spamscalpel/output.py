"""Render reports for the CLI: JSONL (the contract), one JSON array, a human text view, or SARIF."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TextIO

from .textsafe import dumps
from .types import Report

OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "json", "text", "sarif")
COLOR_CHOICES: tuple[str, ...] = ("auto", "always", "never")
CONTEXT_CHARS = 48

_RESET = "\033[0m"
_STYLE = {
    "span": "\033[1;31m",  # bold red: the injected text itself
    "injected": "\033[1;31m",
    "spam_page": "\033[1;35m",
    "clean": "\033[32m",
    "error": "\033[1;33m",
    "dim": "\033[2m",
    "bold": "\033[1m",
}


def use_color(stream: TextIO, mode: str = "auto") -> bool:
    """``--color``: always, never, or (auto) only on a terminal and never when NO_COLOR is set."""
    if mode not in COLOR_CHOICES:
        raise ValueError(f"unknown color mode {mode!r}; known: {', '.join(COLOR_CHOICES)}")
    if mode != "auto":
        return mode == "always"
    if "NO_COLOR" in os.environ:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@dataclass(slots=True)
class Tally:
    """Running counts for the end-of-run summary."""

    scanned: int = 0
    spam: int = 0
    clean: int = 0
    errors: int = 0

    def add(self, report: Report) -> None:
        if report.verdict == "error":
            self.errors += 1
            return
        self.scanned += 1
        if report.is_spam:
            self.spam += 1
        else:
            self.clean += 1

    def summary(self) -> str:
        total = self.scanned + self.errors
        return (
            f"spamscalpel: {total} record(s): {self.scanned} scanned, {self.spam} spam, "
            f"{self.clean} clean, {self.errors} error(s)"
        )


class ReportWriter:
    """Write reports one by one to ``stream`` in one of ``OUTPUT_FORMATS``; call ``close`` at the end."""

    def __init__(self, stream: TextIO, fmt: str = "jsonl", color: bool | None = None) -> None:
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; known: {', '.join(OUTPUT_FORMATS)}")
        self.stream = stream
        self.fmt = fmt
        self.color = use_color(stream) if color is None else color
        self._count = 0
        self._sarif = None
        if fmt == "sarif":
            from .sarif import SarifLog

            self._sarif = SarifLog()

    def write(self, report: Report, text: str | None = None) -> None:
        """Write one report; ``text`` (the scanned input) lets the text view show context."""
        if self.fmt == "jsonl":
            self.stream.write(report.to_json() + "\n")
        elif self._sarif is not None:
            self._sarif.add(report, text)
            return
        elif self.fmt == "json":
            # Streamed as an array so memory stays flat on big runs.
            sep = "[\n" if self._count == 0 else ",\n"
            self.stream.write(sep + dumps(report.to_dict()))
        else:
            self.stream.write(render_text(report, text, self.color))
        self._count += 1
        self.stream.flush()

    def close(self) -> None:
        """Finish the output (closes the JSON array)."""
        if self.fmt == "json":
            self.stream.write("[]\n" if self._count == 0 else "\n]\n")
        elif self._sarif is not None:
            self.stream.write(dumps(self._sarif.to_dict(), indent=1) + "\n")
        self.stream.flush()


def _paint(s: str, style: str, color: bool) -> str:
    return f"{_STYLE[style]}{s}{_RESET}" if color else s


def _flat(s: str) -> str:
    return s.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")


def render_text(report: Report, text: str | None = None, color: bool = False) -> str:
    """A human view of one report: verdict line, then each span in context with its evidence."""
    verdict = report.verdict.upper() if report.verdict != "clean" else "clean"
    head = f"{_paint(report.id, 'bold', color)}  {_paint(verdict, report.verdict, color)}"
    if report.verdict == "error":
        return f"{head}  {report.error or ''}\n"
    n = len(report.spans)
    head += f"  score {report.score:.2f}" + (f"  ({n} span{'s' if n != 1 else ''})" if n else "")
    lines = [head]
    for i, span in enumerate(report.spans, 1):
        where = f"@{span.start}-{span.end}"
        if span.source:
            where += f" {span.source}"
        lines.append(f"  [{i}] {span.category} {span.score:.2f} {where}  {dumps(span.text)}")
        if text is not None and span.end <= len(text):
            before = _flat(text[max(0, span.start - CONTEXT_CHARS) : span.start])
            after = _flat(text[span.end : span.end + CONTEXT_CHARS])
            mid = _flat(text[span.start : span.end])
            mid = _paint(mid, "span", True) if color else f"\u00ab{mid}\u00bb"
            lines.append(f"      ...{before}{mid}{after}...")
        for ev in span.evidence:
            detail = f": {ev.detail}" if ev.detail else ""
            lines.append(_paint(f"      - {ev.kind}{detail} ({ev.weight:+.2f})", "dim", color))
    for ev in report.evidence:
        detail = f": {ev.detail}" if ev.detail else ""
        lines.append(_paint(f"  document: {ev.kind}{detail} ({ev.weight:+.2f})", "dim", color))
    return "\n".join(lines) + "\n"
