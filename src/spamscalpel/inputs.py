"""Read CLI inputs (files, directories, stdin) into documents, one record per document.

Every input yields records; a record that cannot be read carries an ``error`` instead of a
document, so callers can account for it (``Report.for_error``) and go on.

Decoding choice: bytes are decoded as UTF-8 (a BOM is dropped). Invalid UTF-8 is decoded with
U+FFFD replacement characters and the record carries a ``warning`` saying how many bytes were
replaced; span offsets then index that decoded string, which is what was scanned. Binary data
(NUL bytes or mostly control characters) is an error, not a document.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .textsafe import scrub, surrogate_warning
from .types import Document

INPUT_FORMATS: tuple[str, ...] = ("auto", "text", "jsonl", "html")
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
# Templates and server pages print HTML: their markup goes through the HTML path (code blanked).
HTML_SUFFIXES = frozenset(
    {
        ".html",
        ".htm",
        ".xhtml",
        ".php",
        ".phtml",
        ".asp",
        ".aspx",
        ".jsp",
        ".tpl",
        ".twig",
        ".liquid",
        ".hbs",
        ".handlebars",
        ".mustache",
        ".jinja",
        ".j2",
        ".njk",
        ".erb",
        ".cshtml",
        ".vue",
    }
)
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
DEFAULT_MAX_CHARS = 20_000_000
STDIN = "-"
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One input document, or the error that kept it from being read.

    ``source`` is the file (or ``-``) it came from, ``line`` its JSONL line number, ``rel`` its
    path relative to the argument it was found under (for mirroring into an output folder), and
    ``fields`` the original JSONL object, so a cleaned copy can keep the caller's other keys.
    """

    id: str
    document: Document | None = None
    error: str | None = None
    warning: str | None = None
    source: str = ""
    line: int | None = None
    rel: str = ""
    kind: str = "text"  # "text" | "html" | "jsonl": how the source was read
    field: str = "text"  # for JSONL records: the key that held the document
    fields: dict[str, Any] | None = None


def read_inputs(
    paths: Iterable[str],
    input_format: str = "auto",
    max_chars: int = DEFAULT_MAX_CHARS,
    stdin: BinaryIO | None = None,
) -> Iterator[InputRecord]:
    """Yield one record per document found under ``paths`` (files, directories, ``-`` for stdin)."""
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; known: {', '.join(INPUT_FORMATS)}")
    for arg in paths:
        if arg == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_bytes(STDIN, stream.read(), input_format, max_chars, rel="stdin")
            continue
        path = Path(arg)
        if path.is_dir():
            yield from _read_dir(path, arg, input_format, max_chars)
        elif path.exists():
            yield from read_file(path, arg, input_format, max_chars, rel=path.name)
        else:
            yield InputRecord(arg, error=f"{arg}: no such file or directory", source=arg)


def list_files(paths: Iterable[str]) -> list[str]:
    """The files ``read_inputs`` would open (directories expanded, stdin kept as ``-``)."""
    out: list[str] = []
    for arg in paths:
        path = Path(arg)
        if arg != STDIN and path.is_dir():
            out.extend(str(p) for p, _rel in _walk(path))
        else:
            out.append(arg)
    return out


# Files in a folder walk that are never text (a theme's images, fonts, media, archives): skipped.
# Named on the command line they are still read, and refused with an error record.
ASSET_SUFFIXES = frozenset(
    ".png .jpg .jpeg .gif .webp .ico .bmp .tif .tiff .avif .woff .woff2 .ttf .otf .eot .mp3 .mp4 .webm "
    ".ogg .wav .mov .pdf .zip .tar .tgz .rar .7z .psd .ai .map .mo .pyc .so .dll .exe".split()
)


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    # Hidden files and folders (.git, .DS_Store, editor swap files) are never documents.
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() not in ASSET_SUFFIXES:
                p = Path(dirpath) / name
                yield p, str(p.relative_to(root))


def record_url(obj: dict) -> str | None:
    """The page URL of a JSON record: its ``url``, else a ``source`` that is an http(s) URL."""
    url = _str_or_none(obj.get("url"))
    if url:
        return url
    src = _str_or_none(obj.get("source"))
    return src if src and src.startswith(("http://", "https://")) else None


def _read_dir(root: Path, arg: str, input_format: str, max_chars: int) -> Iterator[InputRecord]:
    found = 0
    for path, rel in _walk(root):
        found += 1
        yield from read_file(path, str(path), input_format, max_chars, rel=rel)
    # Unreadable files already got their own records; an empty folder needs one to be seen at all.
    if not found:
        yield InputRecord(arg, error=f"{arg}: directory holds no files to scan", source=arg)


def read_file(
    path: Path, name: str, input_format: str = "auto", max_chars: int = DEFAULT_MAX_CHARS, rel: str = ""
) -> Iterator[InputRecord]:
    """Yield the record(s) of one file; errors become records, never exceptions."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            yield InputRecord(name, error=f"{name}: not a regular file", source=name, rel=rel)
            return
        kind = _format_from_suffix(path) if input_format == "auto" else input_format
        # A UTF-8 character is at most 4 bytes: a file this big cannot fit under the limit.
        if kind != "jsonl" and size > 4 * max_chars:
            yield InputRecord(name, error=_too_long(name, size, max_chars, "bytes"), source=name, rel=rel)
            return
        if kind == "jsonl" or (kind is None and _sniff_jsonl_file(path)):
            with path.open("rb") as fh:
                yield from _read_jsonl(name, fh, max_chars, rel)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputRecord(name, error=f"{name}: cannot read: {exc.strerror or exc}", source=name, rel=rel)
        return
    yield from _read_bytes(name, data, kind or "auto", max_chars, rel=rel)


def _format_from_suffix(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return None


def _sniff_jsonl_file(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    return _looks_like_jsonl(head)


def _looks_like_jsonl(head: bytes) -> bool:
    """True when the first non-blank line is a whole JSON object."""
    for raw in head.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith(b"{"):
            return False
        try:
            return isinstance(json.loads(line), dict)
        except ValueError:
            return False
    return False


def looks_like_html(text: str) -> bool:
    """Cheap sniff: a doctype, an <html>/<body> tag, or several common tags near the start."""
    head = text[:4096].lower()
    if head.lstrip().startswith(("<!doctype html", "<html")) or "<body" in head:
        return True
    return sum(head.count(t) for t in ("<p>", "<p ", "<div", "<a href", "<br", "</p>")) >= 2


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) * 0.1


def decode(name: str, data: bytes) -> tuple[str, str | None]:
    """UTF-8 text and, when bytes had to be replaced, a warning naming the record."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        return text, (
            f"{name}: invalid UTF-8 (first at byte {exc.start}); {bad} bad byte sequence(s) "
            "replaced with U+FFFD, offsets index the replaced text"
        )


def _too_long(name: str, n: int, max_chars: int, unit: str = "characters") -> str:
    return f"{name}: too long ({n:,} {unit}; the limit is {max_chars:,} characters)"


def _read_bytes(name: str, data: bytes, input_format: str, max_chars: int, rel: str) -> Iterator[InputRecord]:
    if input_format == "jsonl" or (input_format == "auto" and _looks_like_jsonl(data[: 1 << 16])):
        import io

        yield from _read_jsonl(name, io.BytesIO(data), max_chars, rel)
        return
    if not data.strip():
        yield InputRecord(name, error=f"{name}: empty input, nothing to scan", source=name, rel=rel)
        return
    if _is_binary(data):
        yield InputRecord(name, error=f"{name}: binary data, not text", source=name, rel=rel)
        return
    text, warning = decode(name, data)
    if len(text) > max_chars:
        yield InputRecord(name, error=_too_long(name, len(text), max_chars), source=name, rel=rel)
        return
    fmt = input_format if input_format in ("text", "html") else ("html" if looks_like_html(text) else "text")
    yield InputRecord(
        name, Document(name, text, format=fmt), warning=warning, source=name, rel=rel, kind=fmt, field=fmt
    )


def _read_jsonl(name: str, fh: BinaryIO, max_chars: int, rel: str) -> Iterator[InputRecord]:
    seen = 0
    for lineno, raw in enumerate(fh, 1):
        if not raw.strip():
            continue
        seen += 1
        where = f"{name}:{lineno}"
        base = {"source": name, "line": lineno, "rel": rel, "kind": "jsonl"}
        # Each JSON line may hold up to ~6 escaped bytes per character; beyond that it is too long.
        if len(raw) > 6 * max_chars + 1024:
            yield InputRecord(where, error=_too_long(where, len(raw), max_chars, "bytes"), **base)
            continue
        text, warning = decode(where, raw)
        try:
            obj = json.loads(text)
        except ValueError as exc:
            yield InputRecord(where, error=f"{where}: malformed JSON: {exc}", **base)
            continue
        if not isinstance(obj, dict):
            yield InputRecord(
                where, error=f"{where}: expected a JSON object, got {type(obj).__name__}", **base
            )
            continue
        if _ESCAPED_SURROGATE.search(raw):
            # Legal JSON, but no UTF-8 writer can encode the result: repair it here, once.
            obj, n = scrub(obj)
            if n:
                note = surrogate_warning(where, n)
                warning = f"{warning}; {note}" if warning else note
        raw_id = obj.get("id")
        doc_id = str(raw_id) if raw_id not in (None, "") else where
        field = "html" if "html" in obj and "text" not in obj else "text"
        body = obj.get(field)
        if body is None:
            msg = f'{where}: record {doc_id!r} has neither "text" nor "html"'
            yield InputRecord(doc_id, error=msg, fields=obj, **base)
            continue
        if not isinstance(body, str):
            msg = f"{where}: record {doc_id!r}: {field!r} must be a string, not {type(body).__name__}"
            yield InputRecord(doc_id, error=msg, fields=obj, **base)
            continue
        if len(body) > max_chars:
            yield InputRecord(doc_id, error=_too_long(where, len(body), max_chars), fields=obj, **base)
            continue
        doc = Document(doc_id, body, format="html" if field == "html" else "text", url=record_url(obj))
        yield InputRecord(doc_id, doc, warning=warning, field=field, fields=obj, **base)
    if not seen:
        yield InputRecord(
            name, error=f"{name}: empty input, nothing to scan", source=name, rel=rel, kind="jsonl"
        )


def _str_or_none(v: Any) -> str | None:
    return v if isinstance(v, str) else None
