"""Options every command spells the same way: ``-q``, ``--color``, deprecated aliases, ``-`` for stdin."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile


def add_quiet_argument(p: argparse.ArgumentParser, what: str = "progress and summary lines") -> None:
    """``-q/--quiet``: nothing on stderr but errors and warnings."""
    p.add_argument("--quiet", "-q", action="store_true", help=f"no {what} on stderr")


def add_color_argument(p: argparse.ArgumentParser) -> None:
    """``--color auto|always|never`` for the text output (auto: a terminal, and NO_COLOR unset)."""
    from ..output import COLOR_CHOICES

    p.add_argument(
        "--color",
        choices=COLOR_CHOICES,
        default="auto",
        help="colour the text output: auto (a terminal without NO_COLOR), always or never",
    )


class DeprecatedAlias(argparse.Action):
    """An old option spelling that still works, with a warning naming the new one."""

    def __init__(self, option_strings, dest, new: str, **kwargs):
        self.new = new
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(
            f"{parser.prog}: warning: {option_string} is deprecated here; use {self.new} "
            f"(--format names the output format in every command)",
            file=sys.stderr,
        )
        setattr(namespace, self.dest, values)


def spool_stdin(name: str) -> tuple[str, str]:
    """Copy standard input to ``name`` in a fresh temporary folder; returns (path, folder)."""
    folder = tempfile.mkdtemp(prefix="spamscalpel-stdin-")
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        shutil.copyfileobj(sys.stdin.buffer, fh)
    return path, folder


def sniff_suffix(path: str) -> str:
    """A file suffix for spooled input from its first bytes (gzip, Parquet, WARC, else JSONL)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\x1f\x8b"):
        import gzip

        with gzip.open(path, "rb") as fh:
            inner = fh.read(8)
        return ".warc.gz" if inner.startswith(b"WARC/") else ".jsonl.gz"
    if head.startswith(b"PAR1"):
        return ".parquet"
    if head.startswith(b"WARC/"):
        return ".warc"
    if head.startswith(b"(\xb5/\xfd"):
        return ".jsonl.zst"
    return ".jsonl"
