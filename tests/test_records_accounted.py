"""Hostile records (issue 15): lone surrogates, NaN fields, cut or corrupt files, changed options.

Every input record must come out as a report (or an error report), and every output line must be
valid JSON that a UTF-8 writer can write.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from spamscalpel import analyze
from spamscalpel.io.readers import ReadError, read_file
from spamscalpel.io.writers import CleanOptions
from spamscalpel.run.local import RunOptions, run_corpus
from spamscalpel.textsafe import dumps, replace_surrogates
from spamscalpel.types import Document

ROOT = Path(__file__).resolve().parents[1]
SPAM = "Our allotment did well this year. buy cheap viagra online with no prescription."
CLEAN = "The volunteers repainted the community hall and planted tulips along the path."


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run(
        [sys.executable, "-m", "spamscalpel", *args], capture_output=True, env=env, cwd=cwd, timeout=300
    )


def _lines(data: bytes) -> list[dict]:
    # Strict: bytes must be UTF-8 and every line must be JSON without NaN.
    def no_constants(name: str):
        raise ValueError(f"non-standard JSON constant {name}")

    return [json.loads(x, parse_constant=no_constants) for x in data.decode("utf-8").splitlines() if x]


# -- lone surrogates (item 3) ----------------------------------------------------------------
SURROGATE_JSONL = (
    b'{"id": "a", "text": "Our allotment did well. buy cheap viagra\\ud800 online with no prescription."}\n'
    b'{"id": "b\\udc00", "text": "The tulips came up early this spring.", "note": "x\\udbff"}\n'
)


def test_analyze_replaces_lone_surrogates_with_a_warning():
    text = "buy cheap viagra\ud800 online with no prescription"
    report = analyze(text)
    assert "surrogate" in report.meta["warning"]
    fixed, n = replace_surrogates(text)
    assert n == 1 and len(fixed) == len(text)
    for s in report.spans:
        assert s.text == fixed[s.start : s.end]
    report.to_json().encode("utf-8")  # writable


def test_scan_and_clean_write_every_surrogate_record(tmp_path: Path):
    src = tmp_path / "s.jsonl"
    src.write_bytes(SURROGATE_JSONL)
    for cmd in ("scan", "clean"):
        r = _cli(cmd, str(src))
        assert b"Traceback" not in r.stderr, r.stderr.decode()
        assert r.returncode == 1, r.stderr.decode()
        out = _lines(r.stdout)
        assert len(out) == 2, cmd
        assert b"lone surrogate" in r.stderr
    out = _lines(_cli("scan", str(src)).stdout)
    assert out[0]["verdict"] != "error" and out[0]["spans"]
    assert all("surrogate" in o["meta"]["warning"] for o in out)


def test_corpus_annotates_surrogate_records_and_counts_the_warning(tmp_path: Path):
    src = tmp_path / "in" / "s.jsonl"
    src.parent.mkdir()
    src.write_bytes(SURROGATE_JSONL)
    out = tmp_path / "out"
    summary = run_corpus([str(src)], str(out), RunOptions(clean=CleanOptions(policy="span"), progress=False))
    ann = [rec for p in (out / "annotations").glob("*.jsonl") for rec in _lines(p.read_bytes())]
    assert len(ann) == 2 and all(a["verdict"] != "error" for a in ann)
    assert any(a["spans"] for a in ann)
    cleaned = [rec for p in (out / "cleaned").glob("*.jsonl") for rec in _lines(p.read_bytes())]
    rejected = [rec for p in (out / "rejected").glob("*.jsonl") for rec in _lines(p.read_bytes())]
    assert len(cleaned) + len(rejected) == 2
    assert summary.stats["docs_in"] == 2 and summary.stats["warnings"] == 2
    assert summary.stats["verdicts"].get("clean", 0) + sum(
        v for k, v in summary.stats["verdicts"].items() if k != "clean"
    ) == len(ann)


def test_writers_escape_surrogates_and_write_nan_as_null():
    line = dumps({"id": "x\ud800", "score": float("nan"), "n": [float("inf"), 1.5]})
    line.encode("utf-8")
    assert json.loads(line) == {"id": "x\ud800", "score": None, "n": [None, 1.5]}


# -- NaN fields (item 9) ---------------------------------------------------------------------
def test_nan_fields_are_written_as_valid_json(tmp_path: Path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": [SPAM, CLEAN], "quality": [float("nan"), 0.5]}), src)
    out = tmp_path / "out"
    run_corpus([str(src)], str(out), RunOptions(clean=CleanOptions(policy="span"), progress=False))
    rows = [
        rec
        for d in ("cleaned", "rejected")
        for p in (out / d).glob("*.jsonl")
        for rec in _lines(p.read_bytes())
    ]
    assert {r["id"]: r["quality"] for r in rows} == {"a": None, "b": 0.5}
    jl = tmp_path / "n.jsonl"
    jl.write_text(json.dumps({"id": "a", "text": SPAM, "quality": float("nan")}) + "\n")  # Python writes NaN
    r = _cli("clean", str(jl))
    assert _lines(r.stdout)[0]["quality"] is None


# -- Parquet and WARC (item 7) ---------------------------------------------------------------
def _parquet_with_bad_group(path: Path, rows: int = 2000, group: int = 500) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    recs = [
        {"id": f"r{i}", "text": f"Note {i}: the hall was repainted and tulips were planted."}
        for i in range(rows)
    ]
    pq.write_table(pa.Table.from_pylist(recs), path, row_group_size=group)
    md = pq.ParquetFile(path).metadata
    col = md.row_group(0).column(1)  # the first group's text column
    data = bytearray(path.read_bytes())
    start = col.dictionary_page_offset or col.data_page_offset
    for k in range(start + 20, start + col.total_compressed_size - 20):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))


def test_corrupt_parquet_row_group_is_skipped_and_every_row_counted(tmp_path: Path):
    p = tmp_path / "bad.parquet"
    _parquet_with_bad_group(p)
    out = list(read_file(str(p)))
    errors = [r for r in out if isinstance(r, ReadError)]
    docs = [r for r in out if isinstance(r, Document)]
    assert len(out) == 2000
    assert len(errors) == 500 and all(e.kind == "parquet" and "row group 0" in e.message for e in errors)
    assert [d.id for d in docs] == [f"r{i}" for i in range(500, 2000)]
    assert len({e.id for e in errors}) == 500  # one error per lost row, each with its own id


def _warc(gz: bool, n: int = 4) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for i in range(n):
        body = f"<html><body><p>Page {i}: {CLEAN}</p></body></html>".encode()
        hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(
            w.create_warc_record(
                f"http://example.org/{i}", "response", payload=io.BytesIO(body), http_headers=hh
            )
        )
    return buf.getvalue()


@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_reports_the_cut_record(tmp_path: Path, gz: bool):
    data = _warc(gz)
    whole = list(read_file(_write(tmp_path / "w.warc", data, gz)))
    assert len(whole) == 4 and not any(isinstance(r, ReadError) for r in whole)
    for cut in (len(data) - 7, len(data) - 60, len(data) - 150):
        out = list(read_file(_write(tmp_path / f"c{cut}.warc", data[:cut], gz)))
        errors = [r for r in out if isinstance(r, ReadError)]
        docs = [r for r in out if isinstance(r, Document)]
        assert len(errors) == 1 and errors[0].kind == "truncated", (cut, errors)
        assert len(docs) == 3, cut


def _write(path: Path, data: bytes, gz: bool) -> str:
    target = path.with_name(path.name + (".gz" if gz else ""))
    target.write_bytes(data)
    return str(target)


# -- WordPress dumps (item 4) ----------------------------------------------------------------
def _dump_sql(rows: int = 60) -> str:
    cells = "".join(
        f"({i},1,'2024-01-01','2024-01-01','<p>Post {i}: {CLEAN}</p>','Title {i}','','publish','open','open',"
        f"'','p{i}','','','2024-01-01','2024-01-01','',0,'http://x/?p={i}',0,'post','',0)"
        + (",\n" if i < rows - 1 else ";\n")
        for i in range(rows)
    )
    return "-- MySQL dump\n" + "INSERT INTO `wp_posts` VALUES " + cells


def test_wordpress_truncated_or_corrupt_gzip_is_a_clear_error(tmp_path: Path):
    raw = gzip.compress(_dump_sql().encode())
    rng = random.Random(15)
    for k in range(12):
        data = bytearray(raw)
        if k % 2:
            data = data[: rng.randrange(12, len(data) - 1)]
        else:
            for _ in range(3):
                data[rng.randrange(12, len(data) - 8)] ^= 0xFF
        p = tmp_path / f"m{k}.sql.gz"
        p.write_bytes(bytes(data))
        r = _cli("wordpress", str(p))
        assert b"Traceback" not in r.stderr, r.stderr.decode()
        assert r.returncode == 2, (k, r.stderr.decode())
        assert b"truncated or corrupt" in r.stderr


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.sql", b"", b"empty"),
        ("empty.sql.gz", gzip.compress(b"", mtime=0), b"empty"),
        ("blob.sql", bytes(range(256)) * 40, b"binary"),
        ("blob.sql.gz", gzip.compress(bytes(range(256)) * 40, mtime=0), b"binary"),
    ],
    ids=["empty", "empty-gz", "binary", "binary-gz"],
)
def test_wordpress_empty_or_binary_file_exits_2(tmp_path: Path, name: str, content: bytes, needle: bytes):
    p = tmp_path / name
    p.write_bytes(content)
    r = _cli("wordpress", str(p))
    assert r.returncode == 2 and needle in r.stderr, r.stderr.decode()


# -- resume with other options, name collisions (item 8) ---------------------------------------
def test_resume_with_other_options_is_refused(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"id": "a", "text": SPAM}) + "\n")
    out = tmp_path / "out"
    first = _cli("corpus", str(src), "--out", str(out), "--no-progress")
    assert first.returncode == 1, first.stderr.decode()  # exit 1: spam found
    again = _cli("corpus", str(src), "--out", str(out), "--no-progress")
    assert again.returncode in (0, 1) and b"1 already done" in again.stderr
    changed = _cli("corpus", str(src), "--out", str(out), "--no-progress", "--policy", "span")
    assert changed.returncode == 2
    assert b"other options" in changed.stderr and b"clean.policy None -> 'span'" in changed.stderr
    assert not (out / "cleaned").exists()


def test_clean_refuses_two_inputs_with_one_output_name(tmp_path: Path):
    for d, text in (("a", SPAM), ("b", CLEAN)):
        (tmp_path / d).mkdir()
        (tmp_path / d / "x.txt").write_text(text)
    r = _cli("clean", "a/x.txt", "b/x.txt", "--out", "D", cwd=tmp_path)
    assert r.returncode == 2 and b"would both be written to x.txt" in r.stderr
    assert not (tmp_path / "D").exists()
    assert _cli("clean", "a", "b", "--out", "D", cwd=tmp_path).returncode == 2  # a/x.txt, b/x.txt -> D/x.txt
    ok = _cli("clean", ".", "--out", "D", cwd=tmp_path)  # one folder: a/x.txt and b/x.txt stay apart
    assert ok.returncode == 1, ok.stderr.decode()
    assert (tmp_path / "D" / "b" / "x.txt").read_text() == CLEAN
