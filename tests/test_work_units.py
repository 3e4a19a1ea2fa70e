"""Work units: one big JSONL(.gz)/Parquet file split into parts that workers share, every record
read exactly once, line numbers of the whole file, resume exact per unit."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from spamscalpel.io.readers import ReadError, count_units, read_file
from spamscalpel.run.local import RunOptions, Unit, plan_units, run_corpus

SPAM = "The weather was mild. buy cheap viagra online with no prescription."
CLEAN = "The volunteers repainted the community hall and planted tulips along the path."


def _lines(n: int) -> list[str]:
    out = []
    for i in range(n):
        if i % 97 == 5:
            out.append("")  # blank: no record
        elif i % 89 == 7:
            out.append("{not json")  # an error record keyed by its line
        elif i % 83 == 3:
            out.append(json.dumps({"text": f"no id here {i}. {CLEAN}"}))  # id from the location
        else:
            text = SPAM if i % 10 == 0 else CLEAN
            out.append(json.dumps({"id": f"d{i}", "text": f"{text} {'é' * (i % 3)} {i}"}, ensure_ascii=False))
    return out


def _write(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _key(rec) -> tuple[str, str]:
    return (rec.id, rec.location) if isinstance(rec, ReadError) else (rec.id, rec.text)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
@pytest.mark.parametrize("n", [2, 3, 7])
def test_units_read_every_record_once(tmp_path, suffix, n):
    path = str(_write(tmp_path / f"big{suffix}", _lines(2000)))
    whole = [_key(r) for r in read_file(path)]
    parts = [[_key(r) for r in read_file(path, part=(k, n))] for k in range(n)]
    assert all(parts)
    got = [x for p in parts for x in p]
    assert sorted(got) == sorted(whole) and len(got) == len(whole)
    if suffix == ".jsonl":  # byte ranges: the parts in order are the file in order
        assert got == whole


def test_truncated_gz_reports_once(tmp_path):
    data = gzip.compress(("\n".join(_lines(3000)) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    whole = list(read_file(str(path)))
    got = [r for k in range(3) for r in read_file(str(path), part=(k, 3))]
    assert sorted(map(_key, got)) == sorted(map(_key, whole))
    cut = [r for r in got if isinstance(r, ReadError) and r.kind == "truncated"]
    assert len(cut) == 1


def test_parquet_units_are_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [{"id": f"r{i}", "text": (SPAM if i % 7 == 0 else CLEAN) + f" {i}"} for i in range(1000)]
    path = tmp_path / "big.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=100)
    assert count_units(str(path), "auto", 1) == 10
    whole = [_key(r) for r in read_file(str(path))]
    got = [_key(r) for k in range(4) for r in read_file(str(path), part=(k, 4))]
    assert sorted(got) == sorted(whole) and len(got) == 1000


def test_plan_depends_on_size_not_workers(tmp_path):
    path = _write(tmp_path / "big.jsonl", _lines(3000))
    size = path.stat().st_size
    units = plan_units([str(path)], unit_mb=size / 3e6 + 1e-6)
    assert [(u.index, u.count) for u in units] == [(0, 3), (1, 3), (2, 3)]
    assert plan_units([str(path)], unit_mb=0) == [Unit(str(path))]
    assert len({u.name for u in units}) == 3


def _annotations(out: Path) -> list[str]:
    return sorted(line for p in (out / "annotations").glob("*.jsonl") for line in p.read_text().splitlines())


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_split_run_equals_whole_run(tmp_path, suffix):
    path = _write(tmp_path / f"big{suffix}", _lines(1500))
    data = path.read_bytes()
    text_size = len(gzip.decompress(data)) if suffix.endswith(".gz") else len(data)  # units go by text size
    unit_mb = text_size / 4e6 + 1e-6
    whole = run_corpus([str(path)], str(tmp_path / "whole"), RunOptions(progress=False, unit_mb=0))
    split = run_corpus(
        [str(path)], str(tmp_path / "split"), RunOptions(progress=False, unit_mb=unit_mb, workers=2)
    )
    assert split.shards_total == 4 and split.shards_run == 4
    assert split.stats["docs_in"] == whole.stats["docs_in"] > 1000
    assert split.stats["verdicts"] == whole.stats["verdicts"]
    assert _annotations(tmp_path / "split") == _annotations(tmp_path / "whole")


def test_resume_redoes_only_missing_units_and_refuses_another_split(tmp_path):
    path = _write(tmp_path / "big.jsonl", _lines(1200))
    unit_mb = path.stat().st_size / 3e6 + 1e-6
    out = tmp_path / "out"
    opts = RunOptions(progress=False, unit_mb=unit_mb)
    first = run_corpus([str(path)], str(out), opts)
    want = _annotations(out)
    # Lose one unit's marker and outputs, as a crash would: only that unit runs again.
    marker = sorted((out / "done").glob("*part0001of0003.done"))[0]
    marker.unlink()
    again = run_corpus([str(path)], str(out), opts)
    assert (again.shards_run, again.shards_skipped) == (1, 2)
    assert again.stats["docs_in"] == first.stats["docs_in"]
    assert _annotations(out) == want
    with pytest.raises(ValueError, match="other work units"):
        run_corpus([str(path)], str(out), RunOptions(progress=False, unit_mb=unit_mb / 2))
    with pytest.raises(ValueError, match="other work units"):
        run_corpus([str(path)], str(out), RunOptions(progress=False, unit_mb=0))
