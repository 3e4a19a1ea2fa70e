"""Property tests (hypothesis) over analyze, clean and the readers with mutated files (issue 15).

Kept small (few examples, no deadline) so CI on two cores stays quick; a longer run is
``HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from spamscalpel import analyze  # noqa: E402
from spamscalpel.clean import clean  # noqa: E402
from spamscalpel.io.readers import ReadError, read_file  # noqa: E402
from spamscalpel.textsafe import replace_surrogates  # noqa: E402
from spamscalpel.types import Document  # noqa: E402

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WORDS = ["buy", "cheap", "viagra", "online", "cialis", "casino", "payday", "loans", "the", "garden",
         "tulips", "no", "prescription", ".", ",", "<a href='http://x.example/'>", "</a>", "<p>", "</p>",
         "\u200b", "\ud800", "\n", "\u00e9", "\U0001f600", "<div style='display:none'>", "</div>"]  # fmt: skip
texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
    st.text(max_size=300),
)


@given(texts, st.sampled_from(["text", "html"]))
def test_analyze_spans_index_the_input(text: str, fmt: str):
    report = analyze(Document("f", text, format=fmt))
    seen, _ = replace_surrogates(text)  # lone surrogates are replaced one for one
    for s in report.spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert s.text == seen[s.start : s.end]
    json.loads(report.to_json())


@given(texts, st.sampled_from(["span", "sentence", "mask"]))
def test_clean_removes_only_reported_spans(text: str, policy: str):
    text, _ = replace_surrogates(text)
    report = analyze(text)
    result = clean(text, report, policy=policy)
    for r in result.removed:
        assert text[r.start : r.end] == r.text
        assert any(r.start <= s.start and s.end <= r.end for s in report.spans)  # covers a span
    if not report.spans:
        assert result.text == text
    if policy == "span":
        kept = "".join(ch for ch in text if not ch.isspace())
        assert len(result.text) <= len(text)
        assert all(ch in kept for ch in result.text if not ch.isspace() and ch not in ".,;:!?")


def _jsonl() -> bytes:
    recs = [
        {"id": f"d{i}", "text": f"Note {i}: buy cheap viagra online. The tulips are up."} for i in range(6)
    ]
    return b"".join(json.dumps(r).encode() + b"\n" for r in recs)


def _warc() -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    for i in range(3):
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = io.BytesIO(f"<p>Page {i}: the tulips are up.</p>".encode())
        w.write_record(
            w.create_warc_record(f"http://e.example/{i}", "response", payload=body, http_headers=hh)
        )
    return buf.getvalue()


def _parquet() -> bytes:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    buf = io.BytesIO()
    table = pa.table({"id": [f"r{i}" for i in range(40)], "text": [f"row {i} of notes" for i in range(40)]})
    pq.write_table(table, buf, row_group_size=10)
    return buf.getvalue()


ORIGINALS = {"x.jsonl": _jsonl, "x.jsonl.gz": lambda: gzip.compress(_jsonl(), mtime=0), "x.warc.gz": _warc,
             "x.parquet": _parquet}  # fmt: skip
mutations = st.lists(
    st.tuples(st.sampled_from(["flip", "cut", "insert"]), st.floats(0, 1), st.integers(0, 255)), max_size=4
)


def _mutate(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, where, byte in ops:
        if not buf:
            break
        k = min(len(buf) - 1, int(where * len(buf)))
        if op == "flip":
            buf[k] ^= byte or 1
        elif op == "cut":
            del buf[k:]
        else:
            buf[k:k] = bytes([byte])
    return bytes(buf)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(sorted(ORIGINALS)), mutations)
def test_readers_survive_mutated_files(tmp_path: Path, name: str, ops):
    path = tmp_path / name
    path.write_bytes(_mutate(ORIGINALS[name](), ops))
    records = list(read_file(str(path)))  # never raises
    for r in records:
        assert isinstance(r, Document | ReadError)
        if isinstance(r, Document):
            r.text.encode("utf-8")  # no lone surrogates get through
            analyze(r)
