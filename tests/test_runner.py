"""The local corpus runner: sharding, workers, resume after SIGKILL, malformed input, stats."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spamscalpel.io.writers import CleanOptions
from spamscalpel.run.local import RunOptions, run_corpus, select_shards, shard_name

SPAM = "The weather was mild. buy cheap viagra online with no prescription."
LOANS = "Need cash fast? payday loans approved in minutes."
CLEAN = "The volunteers repainted the community hall and planted tulips along the path."
ROOT = Path(__file__).resolve().parents[1]


def _write_corpus(d: Path, files: int, docs: int) -> int:
    d.mkdir(parents=True, exist_ok=True)
    n = 0
    for f in range(files):
        with open(d / f"part-{f:03d}.jsonl", "w") as fh:
            for i in range(docs):
                text = (SPAM, LOANS, CLEAN, CLEAN)[(f + i) % 4]
                fh.write(
                    json.dumps({"id": f"f{f}-d{i}", "text": f"{text} Paragraph {i}. " + CLEAN * 3}) + "\n"
                )
                n += 1
    return n


def _annotations(out: Path) -> list[str]:
    lines: list[str] = []
    for p in sorted((out / "annotations").glob("*.jsonl")):
        lines.extend(p.read_text().splitlines())
    return lines


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.Popen(
        [sys.executable, "-m", "spamscalpel", "corpus", *args, "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so the kill reaches worker processes too
        **kw,
    )


def test_select_shards_partitions_files_deterministically():
    files = [f"f{i}" for i in range(10)]
    parts = [select_shards(list(reversed(files)), r, 3) for r in range(3)]
    assert sorted(sum(parts, [])) == sorted(files)
    assert parts[0] == ["f0", "f3", "f6", "f9"]
    with pytest.raises(ValueError, match="rank"):
        select_shards(files, 3, 3)
    assert shard_name("/a/b/x.jsonl") == shard_name("/a/b/x.jsonl") != shard_name("/c/x.jsonl")


def test_ranks_and_workers_cover_every_record_once(tmp_path: Path):
    n = _write_corpus(tmp_path / "in", files=5, docs=20)
    single = run_corpus([str(tmp_path / "in")], str(tmp_path / "one"), RunOptions(progress=False))
    assert single.stats["docs_in"] == n and single.stats["errors"] == 0
    for rank in range(2):
        run_corpus(
            [str(tmp_path / "in")],
            str(tmp_path / "multi"),
            RunOptions(rank=rank, world_size=2, workers=2, progress=False),
        )
    assert sorted(_annotations(tmp_path / "multi")) == sorted(_annotations(tmp_path / "one"))
    stats = json.loads((tmp_path / "multi" / "stats.json").read_text())
    spam = stats["verdicts"].get("injected", 0) + stats["verdicts"].get("spam_page", 0)
    assert stats["docs_in"] == n and spam > 0 and stats["verdicts"].get("clean", 0) > 0
    assert sum(stats["categories"].values()) > 0


def test_rerun_skips_completed_shards(tmp_path: Path):
    _write_corpus(tmp_path / "in", files=3, docs=5)
    first = run_corpus([str(tmp_path / "in")], str(tmp_path / "out"), RunOptions(progress=False))
    again = run_corpus([str(tmp_path / "in")], str(tmp_path / "out"), RunOptions(progress=False))
    assert first.shards_run == 3 and again.shards_run == 0 and again.shards_skipped == 3
    assert again.stats["docs_in"] == first.stats["docs_in"] == 15


def test_malformed_records_are_counted_and_the_rest_processed(tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_bytes(
        b'{"id": "a1", "text": "payday loans for everyone"}\n{broken json\n{"id": "a3", "text": "caf\xe9 \xff"}\n'
        b'{"id": "a4", "text": "a calm afternoon"}\n'
    )
    gz = gzip.compress(
        b"".join(json.dumps({"id": f"g{i}", "text": CLEAN}).encode() + b"\n" for i in range(300))
    )
    (d / "b.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    (d / "c.warc").write_bytes(b"definitely not a warc file\r\n\r\n")
    proc = _cli(str(d), "--out", str(tmp_path / "out"))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err  # spam found (a1), as in scan
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    ann = [json.loads(x) for x in _annotations(tmp_path / "out")]
    assert stats["docs_in"] == len(ann) == stats["annotated"] + stats["errors"]
    assert stats["errors_by_kind"] == {"encoding": 1, "json": 1, "truncated": 1, "warc": 1}
    assert {"a1", "a4", "g0"} <= {r["id"] for r in ann if r["verdict"] != "error"}
    errors = [r for r in ann if r["verdict"] == "error"]
    assert all(r["meta"]["location"] and r["error"] for r in errors)
    # Each error is logged with its location, and the summary balances.
    assert f"{d / 'a.jsonl'}:2" in err and f"{d / 'a.jsonl'}:3" in err
    summary = err.strip().splitlines()[-1]
    assert f"{stats['docs_in']} docs in = {stats['annotated']} annotated + 4 errors" in summary


def test_sigkill_then_resume_equals_an_uninterrupted_run(tmp_path: Path):
    _write_corpus(tmp_path / "in", files=40, docs=400)
    ref = _cli(str(tmp_path / "in"), "--out", str(tmp_path / "ref"), "--workers", "2")
    ref.communicate(timeout=300)
    assert ref.returncode == 1  # spam found
    expected = _annotations(tmp_path / "ref")
    assert len(expected) == len(set(expected)) == 40 * 400

    out = tmp_path / "killed"
    proc = _cli(str(tmp_path / "in"), "--out", str(out), "--workers", "2")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = list((out / "done").glob("*.done")) if (out / "done").exists() else []
        if len(done) >= 3:
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    n_done = len(list((out / "done").glob("*.done")))
    assert 0 < n_done < 40, "the run was not killed part-way; make the corpus larger"

    resumed = _cli(str(tmp_path / "in"), "--out", str(out), "--workers", "2")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 1, err  # spam found
    got = _annotations(out)
    assert len(got) == len(set(got))  # no duplicates
    assert sorted(got) == sorted(expected)  # nothing lost, nothing changed
    assert not list(out.rglob("*.tmp-*"))
    assert f"{40 - n_done} run" in err.splitlines()[-1] or "already done" in err.splitlines()[-1]


def test_bad_options_give_clear_errors(tmp_path: Path):
    proc = _cli(str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "no such file" in err
    proc = _cli(str(tmp_path), "--out", str(tmp_path / "o"), "--rank", "2", "--world-size", "2")
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "rank" in err


def test_policy_writes_cleaned_and_rejected_accounting_for_every_document(tmp_path: Path):
    pytest.importorskip("spamscalpel.clean")
    n = _write_corpus(tmp_path / "in", files=2, docs=12)
    with open(tmp_path / "in" / "part-000.jsonl", "a") as fh:
        fh.write("{not json\n")
    summary = run_corpus(
        [str(tmp_path / "in")],
        str(tmp_path / "out"),
        RunOptions(clean=CleanOptions(policy="span"), progress=False),
    )
    cleaned = [
        json.loads(x)
        for p in (tmp_path / "out" / "cleaned").glob("*.jsonl")
        for x in p.read_text().splitlines()
    ]
    rejected = [
        json.loads(x)
        for p in (tmp_path / "out" / "rejected").glob("*.jsonl")
        for x in p.read_text().splitlines()
    ]
    assert summary.stats["docs_in"] == n + 1 and summary.stats["errors"] == 1
    # An unreadable record has no text to keep or reject; every readable one lands in exactly one set.
    assert len(cleaned) + len(rejected) == n
    assert not {r["id"] for r in cleaned} & {r["id"] for r in rejected}
    assert all("viagra" not in r["text"].lower() for r in cleaned)
    assert all(r["reason"] in ("spam_page", "error") for r in rejected)
    outputs = summary.stats["outputs"]
    assert sum(outputs.values()) == n and outputs.get("kept", 0) > 0
