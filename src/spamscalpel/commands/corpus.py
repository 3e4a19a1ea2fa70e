"""``spamscalpel corpus``: annotate (and optionally clean) a corpus, sharded and resumable."""

from __future__ import annotations

import argparse
import logging
import os
import sys

INPUT_FORMATS = ("auto", "jsonl", "parquet", "warc")


def add_common_input_args(p: argparse.ArgumentParser) -> None:
    """Options shared by ``corpus`` and ``spark``: keys, cleaning policy, score threshold."""
    p.add_argument("--text-key", default="text", help="field holding the text (default: text)")
    p.add_argument("--html-key", default="html", help="field holding HTML when the text field is absent")
    p.add_argument("--id-key", default="id", help="field holding the document id (default: id)")
    p.add_argument(
        "--policy",
        choices=("span", "sentence", "mask"),
        default=None,
        help="also write cleaned/ and rejected/ with this cleaning policy (default: annotate only)",
    )
    p.add_argument("--min-score", type=float, default=0.0, help="clean only spans scoring at least this")
    p.add_argument(
        "--keep-spam-pages", action="store_true", help="clean spam_page documents instead of rejecting"
    )
    p.add_argument(
        "--threshold", type=float, default=None, help="analyze threshold (default: the Config default)"
    )
    from .scan import add_scorer_argument

    add_scorer_argument(p)


def config_from_args(args: argparse.Namespace):
    """The analysis Config for parsed ``corpus``/``spark`` arguments; ValueError for an unavailable scorer."""
    from dataclasses import replace

    from ..analyze import Config

    cfg = Config()
    if args.threshold is not None:
        cfg = replace(cfg, threshold=args.threshold)
    if getattr(args, "scorer", None):
        cfg = replace(cfg, scorer=args.scorer)
    from .scan import check_scorer

    why = check_scorer(cfg.scorer)  # fail before any work, not once per document
    if why:
        raise ValueError(why)
    return cfg


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "corpus",
        help="annotate/clean JSONL, Parquet or WARC files, sharded and resumable",
        description=(
            "Annotate every document of a corpus with a sidecar report (annotations/), and with --policy "
            "write a cleaned corpus (cleaned/) and rejected documents (rejected/). A shard is one input "
            "file, or one part of a JSONL/Parquet file larger than --unit-mb; a rerun skips shards that "
            "have a completion marker in done/."
        ),
    )
    p.add_argument(
        "inputs", nargs="+", metavar="IN", help="files, directories, globs, fsspec URLs, or - for stdin"
    )
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--workers", type=int, default=1, help="worker processes on this machine (default: 1)")
    p.add_argument("--rank", type=int, default=0, help="this machine's rank (default: 0)")
    p.add_argument(
        "--world-size", type=int, default=1, help="number of machines sharing the work (default: 1)"
    )
    p.add_argument(
        "--unit-mb",
        type=float,
        default=64.0,
        help="split JSONL/Parquet files larger than this many MB into work units, so that workers share "
        "one big file (default: 64; 0: one unit per file; a resumed run must use the same value)",
    )
    from .common import DeprecatedAlias, add_quiet_argument

    p.add_argument(
        "--input-format",
        dest="fmt",
        choices=INPUT_FORMATS,
        default="auto",
        help="input format (default: by file name)",
    )
    p.add_argument(
        "--format", dest="fmt", choices=INPUT_FORMATS, action=DeprecatedAlias, new="--input-format",
        help=argparse.SUPPRESS,
    )  # fmt: skip
    add_quiet_argument(p, "progress bar or summary line")
    p.add_argument(
        "--progress", dest="progress", action="store_true", default=None, help="always show progress"
    )
    p.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    add_common_input_args(p)
    p.set_defaults(func=run)


def options_from_args(args: argparse.Namespace):
    """Build RunOptions from parsed arguments."""
    from ..io.readers import ReaderOptions
    from ..io.writers import CleanOptions
    from ..run.local import RunOptions

    config = config_from_args(args)
    return RunOptions(
        fmt=getattr(args, "fmt", "auto"),
        reader=ReaderOptions(text_key=args.text_key, id_key=args.id_key, html_key=args.html_key),
        clean=CleanOptions(
            policy=args.policy, min_score=args.min_score, keep_spam_pages=args.keep_spam_pages
        ),
        config=config,
        workers=getattr(args, "workers", 1),
        rank=getattr(args, "rank", 0),
        world_size=getattr(args, "world_size", 1),
        unit_mb=getattr(args, "unit_mb", 64.0),
        progress=False if getattr(args, "quiet", False) else getattr(args, "progress", None),
    )


def run(args: argparse.Namespace) -> int:
    """Handler: run the corpus job and print a summary line to stderr."""
    import shutil

    from ..run.local import run_corpus
    from .common import sniff_suffix, spool_stdin

    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    inputs, spooled = list(args.inputs), None
    try:
        if "-" in inputs:
            path, spooled = spool_stdin("stdin")
            suffix = {"jsonl": ".jsonl", "parquet": ".parquet", "warc": ".warc"}.get(
                args.fmt
            ) or sniff_suffix(path)
            os.replace(path, path + suffix)
            inputs = [path + suffix if i == "-" else i for i in inputs]
        opts = options_from_args(args)
        if opts.clean.policy:
            from ..io.writers import load_cleaner

            load_cleaner()  # fail before any work if cleaning cannot run
        summary = run_corpus(inputs, args.out, opts)
    except (ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"spamscalpel corpus: {exc}", file=sys.stderr)
        return 2
    finally:
        if spooled:
            shutil.rmtree(spooled, ignore_errors=True)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    if summary.shards_failed:
        return 2
    return exit_status(summary.stats)


def exit_status(stats: dict) -> int:
    """0 nothing found, 1 spam found, 2 nothing at all could be read (the same as ``scan``)."""
    verdicts = stats.get("verdicts", {})
    if verdicts.get("injected", 0) or verdicts.get("spam_page", 0):
        return 1
    if stats.get("docs_in", 0) and not stats.get("annotated", 0):
        return 2
    return 0
