"""Streaming readers: JSONL (plain, .gz, .zst), Parquet, WARC/WET, over local or fsspec paths.

Every reader is a generator that yields either a :class:`~spamscalpel.types.Document` or a
:class:`ReadError` for a record it could not read, so one broken record never stops a file and
every record is accounted for. Nothing here loads a whole file into memory.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, Any

from ..textsafe import scrub, surrogate_warning
from ..types import Document

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("auto", "jsonl", "parquet", "warc")
_JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson", ".jsonl.gz", ".json.gz", ".ndjson.gz")
_COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}


@dataclass(frozen=True, slots=True)
class ReadError:
    """A record that could not be read: where it was, what kind of failure, and why."""

    id: str
    location: str  # "<path>:<line>", "<path>:row <n>" or "<path>@<byte offset>"
    kind: str  # "json" | "encoding" | "schema" | "truncated" | "warc" | "parquet" | "io"
    message: str


@dataclass(frozen=True, slots=True)
class ReaderOptions:
    """Which fields hold the id and the text; constructing it does no work."""

    text_key: str = "text"
    id_key: str = "id"
    html_key: str = "html"
    keep_fields: bool = True  # carry the other fields of a record through to the cleaned corpus
    batch_size: int = 1024  # Parquet rows per batch


Record = Document | ReadError


def _strip_compression(path: str) -> str:
    for suffix in _COMPRESSIONS:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def detect_format(path: str) -> str:
    """Guess the input format of a file from its name."""
    base = _strip_compression(path.lower())
    if base.endswith(".parquet") or base.endswith(".pq"):
        return "parquet"
    if base.endswith((".warc", ".wet", ".arc")):
        return "warc"
    if base.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    raise ValueError(f"{path}: cannot tell the input format from the name; pass --format jsonl|parquet|warc")


@contextmanager
def _open_binary(path: str, compression: str | None = "infer") -> Iterator[IO[bytes]]:
    """Open a local or fsspec path for reading bytes, undoing .gz/.zst compression as it streams."""
    import fsspec

    if compression == "infer":
        compression = next((c for s, c in _COMPRESSIONS.items() if path.endswith(s)), None)
    with fsspec.open(path, "rb") as raw:
        if compression == "gzip":
            with gzip.GzipFile(fileobj=raw) as fh:
                yield fh
        elif compression == "zstd":
            import zstandard

            # read_across_frames: files made by concatenating .zst shards are common.
            reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
            with io.BufferedReader(reader, 1 << 20) as fh:  # type: ignore[arg-type]
                yield fh
        else:
            yield raw


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Expand files, directories and globs (local or fsspec URLs) into a sorted list of files."""
    import fsspec

    found: set[str] = set()
    for spec in inputs:
        fs, _, paths = fsspec.get_fs_token_paths(spec)
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        prefix = "" if protocol in ("file", "local") and "://" not in spec else f"{protocol}://"
        hits: list[str] = []
        for p in paths:
            if fs.isdir(p):
                hits.extend(f for f in fs.find(p) if not os.path.basename(f).startswith((".", "_")))
            elif fs.exists(p):
                hits.append(p)
        if not hits:
            raise FileNotFoundError(f"{spec}: no such file, directory or matching glob")
        for h in hits:
            found.add(h if prefix == "" or h.startswith(prefix) else prefix + h)
    return sorted(found)


def _doc_from_mapping(
    rec: dict[str, Any], fallback_id: str, location: str, opts: ReaderOptions
) -> Document | ReadError:
    # Lone surrogates (legal in JSON, possible in Arrow strings) cannot be written as UTF-8:
    # replace them here, one code point for one, and say so.
    rec, n_bad = scrub(rec)
    warning = surrogate_warning(location, n_bad) if n_bad else None
    raw_id = rec.get(opts.id_key)
    doc_id = fallback_id if raw_id is None or raw_id == "" else str(raw_id)
    fmt = "text"
    text = rec.get(opts.text_key)
    if text is None and opts.html_key in rec:
        text, fmt = rec.get(opts.html_key), "html"
    if not isinstance(text, str):
        what = "missing" if text is None else f"a {type(text).__name__}, not a string"
        return ReadError(doc_id, location, "schema", f"field {opts.text_key!r} is {what}")
    url = rec.get("url")
    if not isinstance(url, str) or not url:  # datasets that keep the page address as "source"
        src = rec.get("source")
        url = src if isinstance(src, str) and src.startswith(("http://", "https://")) else None
    meta: tuple[tuple[str, Any], ...] = ()
    if opts.keep_fields:
        skip = {opts.text_key, opts.html_key, opts.id_key}
        meta = tuple((k, v) for k, v in rec.items() if k not in skip)
    return Document(
        id=doc_id,
        text=text,
        format=fmt,
        url=url if isinstance(url, str) else None,
        meta=meta,
        warning=warning,
    )


def parse_jsonl_line(raw: bytes, path: str, lineno: int, opts: ReaderOptions) -> Record | None:
    """Parse one JSONL line into a Document or a ReadError; ``None`` for a blank line."""
    location = f"{path}:{lineno}"
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Key the error by the record's own id when the rest of the line still parses.
        doc_id = location
        try:
            rec = json.loads(raw.decode("utf-8", errors="replace"))
            if isinstance(rec, dict) and rec.get(opts.id_key) not in (None, ""):
                doc_id = str(rec[opts.id_key])
        except ValueError:
            pass
        return ReadError(doc_id, location, "encoding", f"invalid UTF-8 at byte {exc.start}")
    if not line.strip():
        return None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        return ReadError(location, location, "json", f"bad JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(rec, dict):
        return ReadError(location, location, "schema", f"expected a JSON object, got {type(rec).__name__}")
    return _doc_from_mapping(rec, location, location, opts)


Part = tuple[int, int]  # (index, count): one of ``count`` work units of a file
_BLOCK_LINES = 256  # lines per block when the units of a compressed file take turns
# Every unit of a compressed file decompresses all of it (it cannot seek), so splitting one into
# many units costs more decompression than it saves analysis: a few units let a few workers share it.
_MAX_COMPRESSED_UNITS = 8


def _owner(lineno: int, count: int) -> int:
    """The unit that reads line ``lineno`` (1-based) of a compressed file split ``count`` ways."""
    return (lineno - 1) // _BLOCK_LINES % count


def read_jsonl(path: str, opts: ReaderOptions | None = None, part: Part | None = None) -> Iterator[Record]:
    """Yield one Document or ReadError per non-blank line of a JSONL file (.gz/.zst ok).

    With ``part=(k, n)`` only the k-th of n disjoint work units: for a plain file the lines that
    start in the k-th n-th of its bytes; for a compressed file, which cannot seek, blocks of
    ``_BLOCK_LINES`` lines taken in turn (each unit decompresses the file, parses only its lines).
    Line numbers, and so the ids of records without one, are those of the whole file.
    """
    opts = opts or ReaderOptions()
    k, n = part or (0, 1)
    if n > 1 and not any(path.endswith(s) for s in _COMPRESSIONS):
        yield from _read_jsonl_range(path, opts, k, n)
        return
    lineno = 0
    try:
        with _open_binary(path) as fh:
            for lineno, raw in enumerate(fh, start=1):  # noqa: B007 (lineno is used after the loop)
                if n > 1 and _owner(lineno, n) != k:
                    continue
                rec = parse_jsonl_line(raw, path, lineno, opts)
                if rec is not None:
                    yield rec
    except (EOFError, OSError, ValueError) as exc:
        # A truncated .gz/.zst raises here; what was read before it stays valid.
        if n == 1 or _owner(lineno + 1, n) == k:  # one unit reports it, not every unit
            location = f"{path}:{lineno + 1}"
            kind = "truncated" if isinstance(exc, EOFError) or "compress" in str(exc).lower() else "io"
            yield ReadError(location, location, kind, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # zstandard raises its own error type on a cut-off frame
        if n == 1 or _owner(lineno + 1, n) == k:
            location = f"{path}:{lineno + 1}"
            yield ReadError(location, location, "truncated", f"{type(exc).__name__}: {exc}")


def _read_jsonl_range(path: str, opts: ReaderOptions, k: int, n: int) -> Iterator[Record]:
    """The lines of a plain JSONL file that start in bytes [k*size/n, (k+1)*size/n)."""
    import fsspec

    lineno = 0
    try:
        with fsspec.open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            start, end = k * size // n, (k + 1) * size // n
            pos = 0
            if start > 0:
                fh.seek(start - 1)
                pos = start - 1 + len(fh.readline())  # to the first line that starts at or after start
            fh.seek(0)
            lineno, left = 0, pos
            while left > 0:  # the whole file's line numbers: count the newlines before the range
                chunk = fh.read(min(left, 1 << 22))
                if not chunk:
                    break
                lineno += chunk.count(b"\n")
                left -= len(chunk)
            fh.seek(pos)
            while pos < end:
                raw = fh.readline()
                if not raw:
                    break
                pos += len(raw)
                lineno += 1
                rec = parse_jsonl_line(raw, path, lineno, opts)
                if rec is not None:
                    yield rec
    except (OSError, ValueError) as exc:
        location = f"{path}:{lineno + 1}"
        yield ReadError(location, location, "io", f"{type(exc).__name__}: {exc}")


def _decompressed_size(fs: Any, path: str, size: int) -> int:
    """A compressed file's text size: the gzip trailer's for one member under 4 GiB, else 4x."""
    if path.endswith(".gz") and size >= 18:
        try:
            with fs.open(path, "rb") as fh:
                fh.seek(size - 4)
                isize = int.from_bytes(fh.read(4), "little")
            if isize >= size:  # smaller: several members or past 4 GiB, where it wraps
                return isize
        except OSError:
            pass
    return size * 4


def count_units(path: str, fmt: str, unit_bytes: int) -> int:
    """How many work units a file splits into: one per ``unit_bytes`` of its size (JSONL; at most
    ``_MAX_COMPRESSED_UNITS`` when compressed), at most one per row group (Parquet), always one for
    WARC or when ``unit_bytes`` is 0."""
    import fsspec

    kind = detect_format(path) if fmt == "auto" else fmt
    if unit_bytes <= 0 or kind not in ("jsonl", "parquet"):
        return 1
    try:
        fs, _, (p,) = fsspec.get_fs_token_paths(path)
        size = fs.size(p) or 0
    except Exception:  # unreadable here: the reader reports it, as one unit
        return 1
    compressed = kind == "jsonl" and any(path.endswith(s) for s in _COMPRESSIONS)
    if compressed:  # the work is in the text: judge by the decompressed size
        size = _decompressed_size(fs, p, size)
    units = max(1, -(-size // unit_bytes))
    if compressed:
        units = min(units, _MAX_COMPRESSED_UNITS)
    if kind == "parquet" and units > 1:
        try:
            import pyarrow.parquet as pq

            with _open_binary(path, compression=None) as fh:
                units = min(units, pq.ParquetFile(fh).metadata.num_row_groups)
        except Exception:
            return 1
    return max(1, units)


def read_parquet(path: str, opts: ReaderOptions | None = None, part: Part | None = None) -> Iterator[Record]:
    """Yield one Document or ReadError per row of a Parquet file, reading it batch by batch.

    A row group that cannot be decoded is skipped with one ReadError per row it held (the
    footer says how many), and reading goes on with the next group, so every row is counted.
    With ``part=(k, n)`` only the row groups ``g`` with ``g % n == k``.
    """
    import pyarrow.parquet as pq

    opts = opts or ReaderOptions()
    k, n = part or (0, 1)
    row = 0
    try:
        with _open_binary(path, compression=None) as fh:
            pf = pq.ParquetFile(fh)
            names = set(pf.schema_arrow.names)
            columns = (
                None
                if opts.keep_fields
                else [c for c in (opts.id_key, opts.text_key, opts.html_key) if c in names]
            )
            for group in range(pf.num_row_groups):
                group_rows = pf.metadata.row_group(group).num_rows
                first = row
                if group % n != k:
                    row = first + group_rows
                    continue
                try:
                    for batch in pf.iter_batches(
                        batch_size=opts.batch_size, row_groups=[group], columns=columns
                    ):
                        for rec in batch.to_pylist():
                            location = f"{path}:row {row}"
                            yield _doc_from_mapping(rec, location, location, opts)
                            row += 1
                except Exception as exc:  # a corrupt page: lose this group's remaining rows, not the file
                    why = f"row group {group} unreadable: {type(exc).__name__}: {exc}"
                    for lost in range(row, first + group_rows):
                        location = f"{path}:row {lost}"
                        yield ReadError(location, location, "parquet", why)
                row = first + group_rows
    except Exception as exc:  # no readable footer: the rows cannot even be counted
        if k == 0 or row > 0:
            location = f"{path}:row {row}"
            yield ReadError(location, location, "io", f"{type(exc).__name__}: {exc}")


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip("\"' ").lower()
            try:
                "".encode(charset)
                return charset
            except LookupError:
                return "utf-8"
    return "utf-8"


def _resync_offset(path: str, after: int, gz: bool) -> int | None:
    """Find the start of the next WARC record (or gzip member) after a broken one."""
    marker = b"\x1f\x8b\x08" if gz else b"WARC/1."
    with _open_binary(path, compression=None) as fh:
        fh.seek(after + 1)
        pos, tail = after + 1, b""
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                return None
            buf = tail + chunk
            hit = buf.find(marker)
            if hit >= 0:
                return pos - len(tail) + hit
            tail = buf[-(len(marker) - 1) :]
            pos += len(chunk)


def read_warc(path: str, opts: ReaderOptions | None = None) -> Iterator[Record]:
    """Yield Documents from WARC response records (HTML or text) and WET conversion records.

    A file cut short is reported: the record it cut becomes a ReadError (warcio itself reads a
    truncated gzip member as if it ended there, or skips it without a word).
    """
    from warcio.archiveiterator import ArchiveIterator

    gz = path.endswith(".gz")
    start = 0
    while start is not None:
        offset = start
        held: Record | None = None  # the last record is yielded once the file is known to be whole
        last_offset = start
        try:
            with _open_binary(path, compression=None) as fh:
                fh.seek(start)
                # warcio decodes chunked transfer and gzip/deflate/br content encodings for us.
                it = ArchiveIterator(fh)
                for record in it:
                    doc = _warc_document(record, path)
                    cut = _short_body(record)
                    # Only ask for the offset once the body is read: warcio skips to the record end.
                    # Offsets are absolute: warcio starts counting at fh.tell(), i.e. at ``start``.
                    rec_offset, rec_length = it.get_record_offset(), it.member_info[1]
                    if held is not None:
                        yield held
                        held = None
                    if cut:
                        doc = ReadError(f"{path}@{rec_offset}", f"{path}@{rec_offset}", "truncated", cut)
                    if doc is not None:
                        if isinstance(doc, Document) and not doc.id:
                            doc = replace(doc, id=f"{path}@{rec_offset}")
                        held = doc
                    last_offset, offset = rec_offset, rec_offset + rec_length
                start = None
            cut_member, problem = _tail_problem(path, last_offset, offset, gz)
            if cut_member:
                # The last record's own gzip member is cut: what warcio made of it is not the record.
                location = f"{path}@{last_offset}"
                yield ReadError(held.id if held is not None else location, location, "truncated", problem)
                held = None
            if held is not None:
                yield held
            if problem and not cut_member:
                location = f"{path}@{offset}"
                yield ReadError(location, location, "truncated", problem)
        except Exception as exc:  # a broken record: log it, skip to the next record, keep going
            if held is not None:
                yield held
            location = f"{path}@{offset}"
            yield ReadError(location, location, "warc", f"{type(exc).__name__}: {exc}")
            start = _resync_offset(path, offset, gz)


def _short_body(record: Any) -> str | None:
    """Why a record's block is shorter than its Content-Length says (a cut file), or None."""
    declared = record.length
    raw = getattr(record, "raw_stream", None)
    left = getattr(raw, "limit", None)
    if declared is None or not isinstance(left, int):
        return None
    try:
        while raw.read(1 << 20):  # what the caller did not read: a record is whole or cut, not in part
            pass
    except Exception:  # noqa: BLE001 - a read error here is reported as the cut itself
        pass
    if raw.limit > 0:
        return f"record cut short: {declared - raw.limit:,} of {declared:,} bytes (truncated file)"
    return None


def _tail_problem(path: str, last_offset: int, end: int, gz: bool) -> tuple[bool, str | None]:
    """(whether the last record's gzip member is cut, what is wrong) after the last record read."""
    import zlib

    with _open_binary(path, compression=None) as fh:
        if gz:
            fh.seek(last_offset)
            d = zlib.decompressobj(31)
            while not d.eof:
                chunk = fh.read(1 << 20)
                if not chunk:
                    return True, "the last gzip member is cut short (truncated file)"
                d.decompress(chunk, 1 << 16)  # output is not needed, only where the member ends
                while d.unconsumed_tail and not d.eof:
                    d.decompress(d.unconsumed_tail, 1 << 16)
            rest = d.unused_data + fh.read(1 << 16)
        else:
            fh.seek(end)
            rest = fh.read(1 << 16)
    if rest.strip(b"\r\n\x00 "):
        return (
            False,
            f"bytes after the last complete record (offset {end:,}) could not be read (truncated file?)",
        )
    return False, None


def _warc_document(record: Any, path: str) -> Record | None:
    if record.format == "arc" and ".arc" not in path.lower():
        # warcio falls back to the old ARC format on any unknown header line; in a WARC file
        # that means a broken record, not an ARC one.
        raise ValueError("not a WARC record header")
    rec_type = record.rec_type
    if rec_type not in ("response", "conversion", "resource"):
        return None
    headers = record.rec_headers
    doc_id = headers.get_header("WARC-Record-ID") or ""
    url = headers.get_header("WARC-Target-URI")
    if rec_type == "response":
        if record.http_headers is None:
            return None
        if record.http_headers.get_statuscode() and not record.http_headers.get_statuscode().startswith("2"):
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    else:
        content_type = headers.get_header("Content-Type") or "text/plain"
    mime = content_type.split(";")[0].strip().lower()
    if "html" in mime:
        fmt = "html"
    elif mime.startswith("text/") or mime == "":
        fmt = "text"
    else:
        return None  # images, PDFs and the like are not documents we analyse
    try:
        body = record.content_stream().read()
    except Exception as exc:
        return ReadError(doc_id or path, path, "warc", f"cannot decode body: {type(exc).__name__}: {exc}")
    from ..charset import decode_body

    decoded = decode_body(body, content_type)  # header, then <meta>, then detection
    text, n_bad = scrub(decoded.text)
    warning = surrogate_warning(doc_id or path, n_bad) if n_bad else None
    meta = (("url", url),) if url else ()
    if decoded.warning:
        log.warning("%s: %s", doc_id or path, decoded.warning)
        meta += (("warning", decoded.warning),)
    return Document(id=doc_id, text=text, format=fmt, url=url, meta=meta, warning=warning)


_READERS = {"jsonl": read_jsonl, "parquet": read_parquet, "warc": read_warc}


def read_file(
    path: str, fmt: str = "auto", opts: ReaderOptions | None = None, part: Part | None = None
) -> Iterator[Record]:
    """Read one file (or work unit ``part=(k, n)`` of it) in the given or detected format."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    kind = detect_format(path) if fmt == "auto" else fmt
    if part is not None and part[1] > 1 and kind == "warc":
        raise ValueError(f"{path}: WARC files are read as one unit")
    try:
        yield from (_READERS[kind](path, opts, part) if part and part[1] > 1 else _READERS[kind](path, opts))
    except OSError as exc:  # cannot open the file at all
        yield ReadError(path, path, "io", f"{type(exc).__name__}: {exc}")


def read_inputs(
    inputs: Iterable[str], fmt: str = "auto", opts: ReaderOptions | None = None
) -> Iterator[Record]:
    """Read every file matched by the given paths, directories or globs, in a stable order."""
    for path in expand_inputs(inputs):
        yield from read_file(path, fmt, opts)
