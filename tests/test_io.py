"""Readers and writers: JSONL (.gz/.zst), Parquet, WARC/WET, globs, fsspec URLs, malformed records."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest

from spamscalpel.io.readers import (
    ReaderOptions,
    ReadError,
    detect_format,
    expand_inputs,
    read_file,
    read_inputs,
)
from spamscalpel.io.writers import ShardWriter
from spamscalpel.types import Document, Report, Span

SPAM = "Our clinic garden is lovely. buy cheap viagra online today."
CLEAN = "The committee met on Tuesday to plan the library's summer reading programme."


def _jsonl_bytes(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def _docs(records):
    return [r for r in records if isinstance(r, Document)]


def _errors(records):
    return [r for r in records if isinstance(r, ReadError)]


def test_jsonl_plain_gz_zst_read_alike(tmp_path: Path):
    import zstandard

    recs = [{"id": "a", "text": SPAM}, {"id": "b", "text": CLEAN, "lang": "en"}]
    raw = _jsonl_bytes(recs)
    (tmp_path / "p.jsonl").write_bytes(raw)
    (tmp_path / "g.jsonl.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "z.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(raw))
    for name in ("p.jsonl", "g.jsonl.gz", "z.jsonl.zst"):
        docs = list(read_file(str(tmp_path / name)))
        assert [(d.id, d.text) for d in docs] == [("a", SPAM), ("b", CLEAN)], name
        assert dict(docs[1].meta) == {"lang": "en"}


def test_jsonl_html_key_missing_id_and_custom_keys(tmp_path: Path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(_jsonl_bytes([{"html": "<p>hi</p>"}, {"doc": "k1", "body": CLEAN}]))
    first = list(read_file(str(p)))[0]
    assert first.format == "html" and first.id == f"{p}:1"
    custom = list(read_file(str(p), opts=ReaderOptions(text_key="body", id_key="doc")))
    assert custom[1].id == "k1" and custom[1].text == CLEAN


def test_malformed_jsonl_records_are_located_and_the_rest_is_read(tmp_path: Path):
    p = tmp_path / "bad.jsonl"
    p.write_bytes(
        b'{"id": "ok1", "text": "fine"}\n'
        b"{not json\n"
        b'{"id": "utf", "text": "caf\xff"}\n'
        b"[1, 2]\n"
        b'{"id": "notext"}\n'
        b"\n"
        b'{"id": "ok2", "text": "also fine"}\n'
    )
    out = list(read_file(str(p)))
    assert [d.id for d in _docs(out)] == ["ok1", "ok2"]
    errs = {e.kind: e for e in _errors(out)}
    assert set(errs) == {"json", "encoding", "schema"}
    assert errs["json"].location == f"{p}:2"
    assert errs["encoding"].id == "utf" and errs["encoding"].location == f"{p}:3"
    assert len(out) == 6  # every non-blank line is accounted for


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path):
    data = gzip.compress(_jsonl_bytes([{"id": f"d{i}", "text": CLEAN * 3} for i in range(500)]))
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(data[: len(data) // 2])
    out = list(read_file(str(p)))
    errs = _errors(out)
    assert len(errs) == 1 and errs[0].kind == "truncated"
    assert errs[0].location.startswith(f"{p}:")
    assert 0 < len(_docs(out)) < 500


def test_parquet_batches_and_extra_columns(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 2500
    table = pa.table(
        {
            "id": [f"r{i}" for i in range(n)],
            "text": [SPAM if i % 7 == 0 else CLEAN for i in range(n)],
            "n": list(range(n)),
        }
    )
    p = tmp_path / "t.parquet"
    pq.write_table(table, p, row_group_size=1000)
    docs = list(read_file(str(p), opts=ReaderOptions(batch_size=300)))
    assert len(docs) == n and docs[7].text == SPAM and dict(docs[5].meta) == {"n": 5}


def test_parquet_null_text_is_a_schema_error(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": ["a", None], "text": [None, CLEAN]}), p)
    out = list(read_file(str(p)))
    assert isinstance(out[0], ReadError) and out[0].kind == "schema"
    assert out[1].id == f"{p}:row 1"


def _warc_bytes(gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    html = f"<html><body><p>{CLEAN}</p><p>{SPAM}</p></body></html>".encode()
    # Gzip content-encoding inside a chunked transfer encoding: both must be undone.
    body = gzip.compress(html)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    http = StatusAndHeaders(
        "200 OK",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
        ],
        protocol="HTTP/1.1",
    )
    w.write_record(
        w.create_warc_record(
            "http://example.org/a", "response", payload=io.BytesIO(chunked), http_headers=http
        )
    )
    w.write_record(
        w.create_warc_record("http://example.org/a", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
    )
    deflated = zlib.compress(CLEAN.encode())
    http2 = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Encoding", "deflate")], protocol="HTTP/1.1"
    )
    w.write_record(
        w.create_warc_record(
            "http://example.org/b.txt", "response", payload=io.BytesIO(deflated), http_headers=http2
        )
    )
    img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    w.write_record(
        w.create_warc_record(
            "http://example.org/c.png", "response", payload=io.BytesIO(b"\x89PNG"), http_headers=img
        )
    )
    return buf.getvalue()


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_response_is_decoded(tmp_path: Path, gz: bool):
    p = tmp_path / ("c.warc.gz" if gz else "c.warc")
    p.write_bytes(_warc_bytes(gz))
    out = list(read_file(str(p)))
    assert not _errors(out)
    html, txt = out
    assert html.format == "html" and html.url == "http://example.org/a"
    assert SPAM in html.text and html.id.startswith("<urn:uuid:")
    assert txt.format == "text" and txt.text == CLEAN


def test_wet_conversion_records(tmp_path: Path):
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    rec = w.create_warc_record(
        "http://example.org/w",
        "conversion",
        payload=io.BytesIO(SPAM.encode()),
        warc_content_type="text/plain",
    )
    w.write_record(rec)
    p = tmp_path / "x.warc.wet.gz"
    p.write_bytes(buf.getvalue())
    (doc,) = list(read_file(str(p)))
    assert doc.text == SPAM and doc.format == "text" and doc.url == "http://example.org/w"


@pytest.mark.parametrize("gz", [False, True])
def test_broken_warc_record_is_reported_and_reading_resumes(tmp_path: Path, gz: bool):
    good = _warc_bytes(gz)
    if gz:
        broken = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffthis is not deflate data at all"
    else:
        broken = b"this line is no WARC header\r\nContent-Length: 12\r\n\r\n0123456789\r\n\r\n"
    p = tmp_path / ("b.warc.gz" if gz else "b.warc")
    p.write_bytes(good + broken + good)
    out = list(read_file(str(p)))
    errs = _errors(out)
    assert len(errs) == 1 and errs[0].kind == "warc" and errs[0].location.startswith(f"{p}@")
    assert len(_docs(out)) == 4  # both good halves are read in full


def test_directories_globs_and_fsspec_urls(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_bytes(_jsonl_bytes([{"id": "a", "text": CLEAN}]))
    (tmp_path / "b.jsonl").write_bytes(_jsonl_bytes([{"id": "b", "text": SPAM}]))
    (tmp_path / "_SUCCESS").write_bytes(b"")
    assert len(expand_inputs([str(tmp_path)])) == 2
    assert len(expand_inputs([str(tmp_path / "*.jsonl")])) == 1
    files = expand_inputs([f"file://{tmp_path}/sub/a.jsonl"])
    assert files[0].startswith("file://")
    assert [d.id for d in read_inputs([f"file://{tmp_path}/**/*.jsonl"])] == ["b", "a"] or len(files) == 1
    with pytest.raises(FileNotFoundError, match="nothing"):
        expand_inputs([str(tmp_path / "nothing*.jsonl")])


def test_detect_format():
    assert detect_format("x/y.jsonl.zst") == "jsonl"
    assert detect_format("a.parquet") == "parquet"
    assert detect_format("CC-MAIN-1.warc.wet.gz") == "warc"
    with pytest.raises(ValueError, match="--format"):
        detect_format("a.bin")


def test_shard_writer_annotations_only_is_atomic(tmp_path: Path):
    w = ShardWriter(str(tmp_path), "s1")
    w.write(Report("a", "clean", 0.0), Document("a", CLEAN))
    w.write(Report.for_error("b", "bad JSON", location="f:2", kind="json"), None)
    final = tmp_path / "annotations" / "s1.jsonl"
    assert not final.exists()  # nothing visible until commit
    w.commit()
    lines = [json.loads(x) for x in final.read_text().splitlines()]
    assert [r["id"] for r in lines] == ["a", "b"] and lines[1]["verdict"] == "error"
    assert not list((tmp_path / "annotations").glob("*.tmp-*"))


def test_shard_writer_rejects_spam_pages_and_cleans_injected(tmp_path: Path):
    try:
        from spamscalpel.clean import clean  # noqa: F401
    except ImportError:
        pytest.skip("spamscalpel.clean.clean is not available yet")
    from spamscalpel.io.writers import CleanOptions

    w = ShardWriter(str(tmp_path), "s", CleanOptions(policy="span"))
    # Hand-made reports: this tests the writer's routing, not the scorer.
    text = f"{CLEAN} {SPAM}"
    s = text.index("buy cheap viagra online")
    span = Span(s, s + 23, text[s : s + 23], "pharma", 0.9)
    w.write(Report("i", "injected", 0.9, (span,)), Document("i", text))
    w.write(Report("p", "spam_page", 0.99), Document("p", "viagra " * 20))
    w.write(Report("c", "clean", 0.0), Document("c", CLEAN))
    w.commit()
    cleaned = {
        r["id"]: r for r in map(json.loads, (tmp_path / "cleaned" / "s.jsonl").read_text().splitlines())
    }
    rejected = [json.loads(x) for x in (tmp_path / "rejected" / "s.jsonl").read_text().splitlines()]
    assert set(cleaned) == {"i", "c"} and "viagra" not in cleaned["i"]["text"].lower()
    assert cleaned["c"]["text"] == CLEAN
    assert [r["id"] for r in rejected] == ["p"] and rejected[0]["reason"] == "spam_page"
