"""``spamscalpel spark``: annotate a corpus on Spark (local or a cluster master)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..run.spark import build_parser

    p = sub.add_parser(
        "spark",
        help="annotate JSONL, Parquet or WARC files on Spark",
        description=(
            "Run analyze in Spark mapPartitions over the input files; writes annotations/ (JSONL), "
            "annotations_parquet/ and stats.json under --out. Needs pyspark and Java 17+."
        ),
    )
    build_parser(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Handler: run the Spark job."""
    from ..run.spark import run_from_args

    return run_from_args(args)
