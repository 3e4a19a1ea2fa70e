"""The Spark job in real local mode gives the same reports as the local runner."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spamscalpel.run.spark import java_available

pytestmark = pytest.mark.spark

if not java_available():
    pytest.skip(
        "Spark needs Java 17+; install it with apt-get install -y default-jre-headless (OpenJDK 17 on Debian 12)",
        allow_module_level=True,
    )
pytest.importorskip("pyspark", reason="pyspark is not installed (extra: spark)")

from spamscalpel.run.local import RunOptions, run_corpus  # noqa: E402
from spamscalpel.run.spark import annotate_dataframe, run_spark, spark_session  # noqa: E402

TEXTS = [
    "Members of the rowing club met at dawn to practise starts before the regatta.",
    "The recipe needs two eggs, a cup of flour and a pinch of salt. buy cheap viagra online now.",
    "Fast payday loans with no credit check, apply today and get cash tonight.",
    "Metoclopramide can cause tardive dyskinesia; discuss long-term use with your doctor.",
]


@pytest.fixture(scope="module")
def spark():
    session = spark_session("local[2]", app_name="spamscalpel-test")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = tmp_path_factory.mktemp("spark-in")
    rows = [{"id": f"j{i}", "text": TEXTS[i % 4] + f" Note {i}."} for i in range(60)]
    (d / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows[:30]) + "{broken\n")
    (d / "b.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows[30:]).encode()))
    pq.write_table(
        pa.table({"id": [f"p{i}" for i in range(40)], "text": [TEXTS[i % 4] for i in range(40)]}),
        d / "c.parquet",
    )
    return d


def _local_lines(corpus: Path, out: Path) -> list[str]:
    run_corpus([str(corpus)], str(out), RunOptions(progress=False))
    return sorted(line for p in (out / "annotations").glob("*.jsonl") for line in p.read_text().splitlines())


def test_spark_equals_local_runner(spark, corpus: Path, tmp_path: Path):
    stats = run_spark([str(corpus)], str(tmp_path / "spark"), spark=spark)
    got = sorted(
        line
        for p in (tmp_path / "spark" / "annotations").glob("part-*")
        for line in p.read_text().splitlines()
    )
    expected = _local_lines(corpus, tmp_path / "local")
    assert got == expected
    assert stats["docs_in"] == 101 == stats["annotated"] + stats["errors"] and stats["errors_by_kind"] == {
        "json": 1
    }
    local_stats = json.loads((tmp_path / "local" / "stats.json").read_text())
    for key in ("docs_in", "annotated", "errors", "verdicts", "categories", "errors_by_kind"):
        assert stats[key] == local_stats[key], key
    parquet = spark.read.parquet(str(tmp_path / "spark" / "annotations_parquet"))
    assert parquet.count() == 101
    assert {r["verdict"] for r in parquet.select("verdict").collect()} >= {"clean", "error"}


def test_annotate_dataframe_matches_analyze(spark):
    from spamscalpel import analyze
    from spamscalpel.types import Document

    df = spark.createDataFrame([(f"d{i}", t) for i, t in enumerate(TEXTS)], "id string, text string")
    rows = {r["id"]: r for r in annotate_dataframe(df).collect()}
    for i, t in enumerate(TEXTS):
        want = analyze(Document(f"d{i}", t))
        assert rows[f"d{i}"]["verdict"] == want.verdict
        assert json.loads(rows[f"d{i}"]["report"]) == json.loads(want.to_json())


def test_spark_cli_with_parquet_input(corpus: Path, tmp_path: Path):
    # The same job as spark-submit runs, through the CLI, in its own process.
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "-m", "spamscalpel", "spark", str(corpus / "c.parquet"), "--out", str(out)]
        + ["--master", "local[1]", "--input-format", "parquet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-3000:]  # spam found, as in scan and corpus
    assert "40 docs in = 40 annotated + 0 errors" in proc.stderr
    lines = [json.loads(x) for p in (out / "annotations").glob("part-*") for x in p.read_text().splitlines()]
    assert sorted(r["id"] for r in lines) == sorted(f"p{i}" for i in range(40))


def test_spark_submit_runs_the_job_script(corpus: Path, tmp_path: Path):
    # The README's cluster command, with a local master: spark-submit runs run/spark.py as a script.
    submit = Path(sys.executable).with_name("spark-submit")
    if not submit.exists():
        pytest.skip(f"no spark-submit beside {sys.executable}")
    import spamscalpel.run.spark as job

    out = tmp_path / "submitted"
    proc = subprocess.run(
        [str(submit), "--master", "local[1]", job.__file__, str(corpus / "c.parquet"), "--out", str(out)]
        + ["--input-format", "parquet"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable},
    )
    assert "attempted relative import" not in proc.stderr
    assert proc.returncode == 1, proc.stderr[-3000:]  # spam found
    assert len([x for p in (out / "annotations").glob("part-*") for x in p.read_text().splitlines()]) == 40
