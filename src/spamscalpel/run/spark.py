"""Run analyze over a corpus on Spark, in mapInArrow, with the same readers as the local runner.

Input files are listed on the driver, split into the local runner's work units (a big JSONL or
Parquet file becomes several, see ``run.local.plan_units``) and spread over partitions; each
executor reads its units with :mod:`spamscalpel.io.readers` (so JSONL, Parquet and WARC behave
exactly as in the local runner, bad records included) and hands back Arrow batches of report
rows, which Spark writes without converting or re-verifying them row by row. Outputs under ``--out``:
``annotations/`` (JSONL, one report per line, the same records as the local runner's sidecar),
``annotations_parquet/`` (id, verdict, score, categories, error, report JSON) and ``stats.json``.

For a DataFrame you already have, :func:`annotate_dataframe` adds the report columns row-wise.

Run it with ``spamscalpel spark IN --out DIR --master local[4]`` (or a cluster master), or with
spark-submit, which runs this file as a script (so every import here is absolute)::

    spark-submit --master spark://host:7077 src/spamscalpel/run/spark.py IN --out DIR

Executors import spamscalpel, so it is installed on every node (``pip install 'spamscalpel[spark]'``,
or the wheel ``pip wheel --no-deps -w dist .`` builds): the lexicon and model ship as package data.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import Any

# Absolute imports: spark-submit may run this file as a script, outside its package.
from spamscalpel.analyze import Config
from spamscalpel.io.readers import ReaderOptions

REPORT_COLUMNS = (
    "id string, verdict string, score double, categories array<string>, error string, report string"
)


def java_available() -> bool:
    """Whether a Java runtime for Spark is on PATH or JAVA_HOME."""
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


def _report_row(report: Any) -> tuple:
    d = report.to_dict()
    line = json.dumps(d, ensure_ascii=False, separators=(",", ":"))
    cats = sorted({s["category"] for s in d["spans"]})
    return (d["id"], d["verdict"], d["score"], cats, d.get("error"), line)


_ARROW_BATCH_ROWS = 512


def _arrow_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("verdict", pa.string()),
            ("score", pa.float64()),
            ("categories", pa.list_(pa.string())),
            ("error", pa.string()),
            ("report", pa.string()),
        ]
    )


def _to_batch(rows: list[tuple], schema: Any) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(zip(*rows, strict=True), schema, strict=True)],
        schema=schema,
    )


def annotate_unit_batches(
    batches: Iterable[Any],
    fmt: str = "auto",
    reader: ReaderOptions | None = None,
    config: Config | None = None,
) -> Iterator[Any]:
    """mapInArrow body: Arrow batches of work units (path, part, parts) in, batches of report rows out."""
    from spamscalpel.io.readers import read_file
    from spamscalpel.run.local import annotate_records

    schema = _arrow_schema()
    for batch in batches:
        cols = batch.to_pydict()
        for path, k, n in zip(cols["path"], cols["part"], cols["parts"], strict=True):
            rows: list[tuple] = []
            part = (k, n) if n > 1 else None
            for report, _doc in annotate_records(read_file(path, fmt, reader, part), config):
                rows.append(_report_row(report))
                if len(rows) >= _ARROW_BATCH_ROWS:
                    yield _to_batch(rows, schema)
                    rows = []
            if rows:
                yield _to_batch(rows, schema)


def annotate_paths(
    paths: Iterable[str], fmt: str = "auto", reader: ReaderOptions | None = None, config: Config | None = None
) -> Iterator[tuple]:
    """Read and analyse files on an executor, yielding one report row per record."""
    from spamscalpel.io.readers import read_file
    from spamscalpel.run.local import annotate_records

    for path in paths:
        for report, _doc in annotate_records(read_file(path, fmt, reader), config):
            yield _report_row(report)


def annotate_dataframe(
    df: Any, text_col: str = "text", id_col: str = "id", config: Config | None = None
) -> Any:
    """Return a DataFrame of report rows (see REPORT_COLUMNS) for a DataFrame with id and text columns."""

    def partition(rows: Iterable[Any]) -> Iterator[tuple]:
        from spamscalpel.run.local import annotate_records
        from spamscalpel.types import Document

        docs = (
            Document(id=str(r[id_col]), text=r[text_col] if r[text_col] is not None else "") for r in rows
        )
        for report, _doc in annotate_records(docs, config):
            yield _report_row(report)

    return df.select(id_col, text_col).rdd.mapPartitions(partition).toDF(REPORT_COLUMNS)


def spark_session(master: str | None = None, app_name: str = "spamscalpel") -> Any:
    """Get or create a SparkSession; a local master uses this Python for its workers."""
    if not java_available():
        raise RuntimeError(
            "Spark needs a Java runtime (17+); install one, e.g. apt-get install -y default-jre-headless"
        )
    from pyspark.sql import SparkSession

    if master is None or master.startswith("local"):
        # Local workers must run the interpreter that has spamscalpel installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    # A small corpus must not pay for 200 shuffle partitions.
    builder = builder.config("spark.sql.shuffle.partitions", "8").config("spark.ui.enabled", "false")
    return builder.getOrCreate()


def run_spark(
    inputs: list[str],
    out: str,
    spark: Any = None,
    master: str | None = None,
    fmt: str = "auto",
    reader: ReaderOptions | None = None,
    config: Config | None = None,
    partitions: int | None = None,
    unit_mb: float = 64.0,
) -> dict[str, Any]:
    """Annotate every record of the inputs on Spark; write JSONL and Parquet reports and stats."""
    from spamscalpel.io.readers import expand_inputs
    from spamscalpel.io.writers import write_json_atomic
    from spamscalpel.run.local import _warm_prefilter, plan_units

    files = expand_inputs(inputs)
    units = plan_units(files, fmt, unit_mb)
    _warm_prefilter()  # the driver compiles once; executors on this machine load the cached file
    spark = spark or spark_session(master)
    sc = spark.sparkContext
    n_parts = partitions or max(1, min(len(units), sc.defaultParallelism * 4))
    reader = reader or ReaderOptions()

    def partition(batches: Iterable[Any]) -> Iterator[Any]:
        return annotate_unit_batches(batches, fmt, reader, config)

    unit_rows = sc.parallelize([(u.path, u.index, u.count) for u in units], n_parts)
    rows = spark.createDataFrame(unit_rows, "path string, part int, parts int")
    df = rows.mapInArrow(partition, REPORT_COLUMNS).cache()
    try:
        df.write.mode("overwrite").parquet(os.path.join(out, "annotations_parquet"))
        df.select("report").write.mode("overwrite").text(os.path.join(out, "annotations"))
        stats = _stats(df)
    finally:
        df.unpersist()
    stats["files"] = len(files)
    stats["units"] = len(units)
    write_json_atomic(os.path.join(out, "stats.json"), stats)
    return stats


def _stats(df: Any) -> dict[str, Any]:
    from pyspark.sql import functions as F

    verdicts = {r["verdict"]: r["count"] for r in df.groupBy("verdict").count().collect()}
    cats = {
        r["c"]: r["count"]
        for r in df.select(F.explode("categories").alias("c")).groupBy("c").count().collect()
    }
    kinds = {
        r["kind"]: r["count"]
        for r in df.where("verdict = 'error'")
        .select(F.get_json_object("report", "$.meta.kind").alias("kind"))
        .groupBy("kind")
        .count()
        .collect()
    }
    total = sum(verdicts.values())
    errors = verdicts.get("error", 0)
    return {
        "docs_in": total,
        "annotated": total - errors,
        "errors": errors,
        "verdicts": dict(sorted(verdicts.items())),
        "categories": dict(sorted(cats.items())),
        "errors_by_kind": dict(sorted((str(k), v) for k, v in kinds.items())),
    }


def build_parser(p: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Arguments of the Spark job (shared by ``spamscalpel spark`` and spark-submit)."""
    p = p or argparse.ArgumentParser(prog="spamscalpel-spark", description="Annotate a corpus on Spark.")
    p.add_argument("inputs", nargs="+", metavar="IN", help="files, directories, globs or fsspec URLs")
    p.add_argument("--out", required=True, help="output directory (Spark writes part files under it)")
    p.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: spark-submit's)")
    p.add_argument(
        "--input-format",
        dest="fmt",
        choices=("auto", "jsonl", "parquet", "warc"),
        default="auto",
        help="input format",
    )
    p.add_argument(
        "--partitions", type=int, default=None, help="number of partitions (default: from the cluster)"
    )
    p.add_argument("--text-key", default="text")
    p.add_argument("--html-key", default="html")
    p.add_argument("--id-key", default="id")
    p.add_argument(
        "--threshold", type=float, default=None, help="analyze threshold (default: the Config default)"
    )
    from spamscalpel.commands.common import add_quiet_argument
    from spamscalpel.commands.scan import add_scorer_argument

    add_scorer_argument(p)
    add_quiet_argument(p, "summary line")
    return p


def run_from_args(args: argparse.Namespace) -> int:
    """Run the Spark job for parsed arguments; prints a summary line to stderr."""
    from spamscalpel.commands.corpus import config_from_args, exit_status

    reader = ReaderOptions(text_key=args.text_key, id_key=args.id_key, html_key=args.html_key)
    try:
        config = config_from_args(args)
        stats = run_spark(
            args.inputs,
            args.out,
            master=args.master,
            fmt=args.fmt,
            reader=reader,
            config=config,
            partitions=args.partitions,
        )
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"spamscalpel spark: {exc}", file=sys.stderr)
        return 2
    verdicts = ", ".join(f"{k} {v:,}" for k, v in stats["verdicts"].items())
    if not getattr(args, "quiet", False):
        print(
            f"spamscalpel spark: {stats['docs_in']:,} docs in = {stats['annotated']:,} annotated + "
            f"{stats['errors']:,} errors | {verdicts} | {stats['files']} files -> {args.out}",
            file=sys.stderr,
        )
    return exit_status(stats)


def main(argv: list[str] | None = None) -> int:
    """spark-submit entry point."""
    return run_from_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
