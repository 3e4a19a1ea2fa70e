"""The local corpus runner: deterministic shards, several processes, resumable after a crash.

A shard is one work unit: a whole input file, or, for a JSONL or Parquet file larger than
``unit_mb``, one of the parts it splits into (byte ranges of a plain JSONL file, turns of line
blocks of a compressed one, row groups of a Parquet file; see ``io.readers.read_file``). The split
depends only on the file's size and ``unit_mb``, never on the worker count, so a resumed run sees
the same units. Shards are split across machines by ``rank``/``world_size`` and across worker
processes on this machine. A shard's outputs are written to temporary files, renamed
into place, then its stats file and finally a completion marker are written; on restart a shard
with a marker is skipped and any other shard is redone from scratch, so a killed run loses and
duplicates nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..analyze import Config, analyze
from ..io.readers import ReaderOptions, ReadError, count_units, expand_inputs, read_file
from ..io.writers import CleanOptions, ShardWriter, _dumps, write_json_atomic
from ..types import Document, Report

log = logging.getLogger("spamscalpel.corpus")

_PROGRESS_EVERY_S = 0.25


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything a corpus run needs besides its inputs and output directory."""

    fmt: str = "auto"
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    config: Config = field(default_factory=Config)
    workers: int = 1
    rank: int = 0
    world_size: int = 1
    progress: bool | None = None  # None: show a bar only when stderr is a terminal
    unit_mb: float = 64.0  # split JSONL/Parquet files larger than this into work units; 0: never


@dataclass(frozen=True, slots=True)
class Summary:
    """The outcome of one run: merged stats over all completed shards, and what this run did."""

    stats: dict[str, Any]
    shards_total: int
    shards_run: int
    shards_skipped: int
    shards_failed: tuple[str, ...]
    seconds: float

    def line(self) -> str:
        """One human-readable summary line."""
        s = self.stats
        verdicts = ", ".join(f"{k} {v:,}" for k, v in sorted(s.get("verdicts", {}).items()))
        rate = s["docs_in_this_run"] / self.seconds if self.seconds > 0 else 0.0
        mb = s["bytes_this_run"] / 1e6 / self.seconds if self.seconds > 0 else 0.0
        failed = f", {len(self.shards_failed)} FAILED" if self.shards_failed else ""
        return (
            f"spamscalpel corpus: {s['docs_in']:,} docs in = {s['annotated']:,} annotated + {s['errors']:,} errors"
            f" | {verdicts or 'no documents'} | shards {self.shards_run} run, {self.shards_skipped} already done"
            f"{failed} | {self.seconds:.1f} s, {rate:,.0f} docs/s, {mb:.2f} MB/s"
        )


@dataclass(frozen=True, slots=True, order=True)
class Unit:
    """One shard: part ``index`` of ``count`` of an input file (0 of 1: the whole file)."""

    path: str
    index: int = 0
    count: int = 1

    @property
    def name(self) -> str:
        """The shard name: the file's, with the part appended when the file is split."""
        base = shard_name(self.path)
        return base if self.count == 1 else f"{base}.part{self.index:04d}of{self.count:04d}"


def shard_name(path: str) -> str:
    """A stable, file-system-safe shard name for an input path."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", os.path.basename(path.rstrip("/")))[:60]
    digest = hashlib.sha1(path.encode("utf-8")).hexdigest()[:10]
    return f"{base}-{digest}"


def plan_units(files: list[str], fmt: str = "auto", unit_mb: float = 64.0) -> list[Unit]:
    """Every work unit of the given files, sorted: large JSONL/Parquet files split by size."""
    unit_bytes = int(unit_mb * 1e6)
    units = []
    for path in sorted(files):
        n = count_units(path, fmt, unit_bytes)
        units.extend(Unit(path, k, n) for k in range(n))
    return units


def select_shards(files: list, rank: int = 0, world_size: int = 1) -> list:
    """The shards this rank owns: every ``world_size``-th of the sorted list, from ``rank``."""
    if world_size < 1 or not (0 <= rank < world_size):
        raise ValueError(f"need 0 <= rank < world_size, got rank={rank} world_size={world_size}")
    return sorted(files)[rank::world_size]


def marker_path(out: str, shard: str) -> str:
    return os.path.join(out, "done", f"{shard}.done")


def output_options(opts: RunOptions) -> dict[str, Any]:
    """The options that decide what a shard's outputs hold (not how many workers made them)."""
    r, c, k = opts.reader, opts.clean, opts.config
    return {
        "format": opts.fmt,
        "reader": {
            "text_key": r.text_key,
            "id_key": r.id_key,
            "html_key": r.html_key,
            "keep_fields": r.keep_fields,
        },
        "clean": {"policy": c.policy, "min_score": c.min_score, "keep_spam_pages": c.keep_spam_pages},
        "analyze": {"threshold": k.threshold, "scorer": k.scorer, "max_chars": k.max_chars},
    }


def _changed(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(_changed(a, b, f"{prefix}{key}."))
        elif a != b:
            out.append(f"{prefix}{key} {a!r} -> {b!r}")
    return out


def check_resume(out: str, units: list[Unit], opts: RunOptions) -> None:
    """Refuse to resume into ``out`` when a done shard was made with other output options, or when
    an input was split into other units than now (its old parts would be kept beside new ones).

    Skipping such a shard would leave its old outputs in place (a cleaned/ folder missing for a
    run that added --policy, say) while the run reports success.
    """
    want = output_options(opts)
    planned = {u.name for u in units}
    inputs = {u.path for u in units}
    done_dir = os.path.join(out, "done")
    names = sorted(n for n in os.listdir(done_dir) if n.endswith(".done")) if os.path.isdir(done_dir) else []
    for name in names:
        shard = name[: -len(".done")]
        try:
            with open(os.path.join(done_dir, name), encoding="utf-8") as fh:
                marker = json.load(fh)
            had = marker.get("options")
        except (OSError, ValueError) as exc:
            if shard not in planned:
                continue
            marker, had = {}, {"unreadable marker": str(exc)}
        if shard not in planned:
            if marker.get("input") in inputs:
                raise ValueError(
                    f"{out} holds shard {shard} of {marker['input']}, which this run splits into other "
                    f"work units (--unit-mb changed?); resuming would analyse its records twice. Use the "
                    f"--unit-mb of the first run, a new --out folder, or delete {done_dir} to redo every shard."
                )
            continue
        if had != want:
            diff = _changed(had or {}, want) if had else ["the marker records no options"]
            raise ValueError(
                f"{out} holds shards made with other options ({'; '.join(diff)}); resuming would mix "
                f"them. Use a new --out folder, or delete {os.path.join(out, 'done')} to redo every shard."
            )


def error_report(err: ReadError) -> Report:
    """The sidecar record for a record that could not be read."""
    return Report.for_error(err.id, err.message, location=err.location, kind=err.kind)


def annotate_records(
    records: Iterable[Document | ReadError], config: Config | None = None
) -> Iterator[tuple[Report, Document | None]]:
    """Analyse a stream of records; unreadable or failing records become error reports."""
    for rec in records:
        if isinstance(rec, ReadError):
            log.warning("%s: %s error: %s", rec.location, rec.kind, rec.message)
            yield error_report(rec), None
            continue
        try:
            yield analyze(rec, config), rec
        except Exception as exc:  # one bad record must not stop the shard
            msg = f"{type(exc).__name__}: {exc}"
            log.warning("%s: analyze error: %s", rec.id, msg)
            yield Report.for_error(rec.id, msg, kind="analyze"), rec


def empty_stats() -> dict[str, Any]:
    return {
        "docs_in": 0,
        "annotated": 0,
        "errors": 0,
        "warnings": 0,
        "bytes": 0,
        "verdicts": {},
        "categories": {},
        "errors_by_kind": {},
        "outputs": {},
        "seconds": 0.0,
    }


def merge_stats(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Add up per-shard stats."""
    total = empty_stats()
    for p in parts:
        for k in ("docs_in", "annotated", "errors", "warnings", "bytes", "seconds"):
            total[k] += p.get(k, 0)
        for k in ("verdicts", "categories", "errors_by_kind", "outputs"):
            c = Counter(total[k])
            c.update(p.get(k, {}))
            total[k] = dict(sorted(c.items()))
    total["seconds"] = round(total["seconds"], 3)
    return total


_progress_queue: Any = None


def _init_worker(queue: Any) -> None:
    global _progress_queue
    _progress_queue = queue
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)


def process_shard(path: str | Unit, out: str, opts: RunOptions, progress: Any = None) -> dict[str, Any]:
    """Annotate (and optionally clean) one work unit (or whole file) into its shard outputs; returns its stats."""
    unit = path if isinstance(path, Unit) else Unit(path)
    path, shard = unit.path, unit.name
    part = (unit.index, unit.count) if unit.count > 1 else None
    t0 = time.perf_counter()
    writer = ShardWriter(out, shard, opts.clean)
    verdicts: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    error_kinds: Counter[str] = Counter()
    outputs: Counter[str] = Counter()
    n_in = n_bytes = warnings = 0
    pending_docs = pending_bytes = 0
    last = time.monotonic()
    try:
        for report, doc in annotate_records(read_file(path, opts.fmt, opts.reader, part), opts.config):
            n_in += 1
            size = len(doc.text) if doc is not None else 0
            n_bytes += size
            verdicts[report.verdict] += 1
            if report.verdict == "error":
                error_kinds[str(report.meta.get("kind", "analyze"))] += 1
            categories.update({s.category for s in report.spans})
            if report.meta.get("warning"):
                warnings += 1
            try:
                outputs[writer.write(report, doc)] += 1
            except Exception as exc:  # cleaning one document failed: record it, keep the shard going
                log.warning("%s: clean error: %s: %s", report.id, type(exc).__name__, exc)
                error_kinds["clean"] += 1
                if writer.rejected is not None and doc is not None:
                    writer.rejected.write_line(
                        _dumps({"id": doc.id, "text": doc.text, "reason": "clean_error", "error": str(exc)})
                    )
                outputs["rejected"] += 1
            pending_docs += 1
            pending_bytes += size
            if progress is not None and time.monotonic() - last > _PROGRESS_EVERY_S:
                progress(pending_docs, pending_bytes)
                pending_docs = pending_bytes = 0
                last = time.monotonic()
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    if progress is not None and pending_docs:
        progress(pending_docs, pending_bytes)
    outputs.pop("none", None)
    errors = verdicts.get("error", 0)
    stats = {
        "shard": shard,
        "input": path,
        **({"part": [unit.index, unit.count]} if part else {}),
        "docs_in": n_in,
        "annotated": n_in - errors,
        "errors": errors,
        "warnings": warnings,
        "bytes": n_bytes,
        "verdicts": dict(sorted(verdicts.items())),
        "categories": dict(sorted(categories.items())),
        "errors_by_kind": dict(sorted(error_kinds.items())),
        "outputs": dict(sorted(outputs.items())),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    # Order matters for resuming: outputs, then stats, then the marker that says all of it is there.
    write_json_atomic(os.path.join(out, "stats", f"{shard}.json"), stats)
    write_json_atomic(
        marker_path(out, shard),
        {
            "shard": shard,
            "input": path,
            **({"part": [unit.index, unit.count]} if part else {}),
            "docs_in": n_in,
            "options": output_options(opts),
        },
    )
    return stats


def _queue_progress(docs: int, nbytes: int) -> None:
    if _progress_queue is not None:
        _progress_queue.put((docs, nbytes))


def _pool_task(args: tuple[Unit, str, RunOptions]) -> tuple[str, dict[str, Any] | None, str | None]:
    unit, out, opts = args
    label = unit.path if unit.count == 1 else f"{unit.path} (part {unit.index + 1} of {unit.count})"
    try:
        return label, process_shard(unit, out, opts, _queue_progress), None
    except Exception as exc:
        return label, None, f"{type(exc).__name__}: {exc}"


class _Progress:
    """A tqdm bar on stderr with docs/s and MB/s, or nothing when stderr is not a terminal."""

    def __init__(self, enabled: bool | None):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = None
        self.t0 = time.perf_counter()
        self.docs = self.bytes = 0
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit=" docs", unit_scale=True, file=sys.stderr, dynamic_ncols=True)

    def __call__(self, docs: int, nbytes: int) -> None:
        self.docs += docs
        self.bytes += nbytes
        if self.bar is not None:
            self.bar.update(docs)
            elapsed = max(time.perf_counter() - self.t0, 1e-9)
            self.bar.set_postfix_str(f"{self.bytes / 1e6 / elapsed:.2f} MB/s", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def load_all_stats(out: str) -> list[dict[str, Any]]:
    """Stats of every completed shard in an output directory."""
    stats_dir = os.path.join(out, "stats")
    done_dir = os.path.join(out, "done")
    if not os.path.isdir(stats_dir):
        return []
    parts = []
    for name in sorted(os.listdir(stats_dir)):
        if not name.endswith(".json"):
            continue
        shard = name[: -len(".json")]
        if os.path.exists(os.path.join(done_dir, f"{shard}.done")):
            with open(os.path.join(stats_dir, name), encoding="utf-8") as fh:
                parts.append(json.load(fh))
    return parts


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        # A killed worker whose parent died can linger as a zombie; it writes nothing more.
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def remove_stale_temp_files(out: str) -> int:
    """Delete temporary files left by processes of a killed run; returns how many."""
    removed = 0
    for sub in ("annotations", "cleaned", "rejected", "stats", "done"):
        d = os.path.join(out, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            m = re.search(r"\.tmp-(\d+)$", name)
            if m and not _pid_alive(int(m.group(1))):
                os.unlink(os.path.join(d, name))
                removed += 1
    return removed


def run_corpus(inputs: Iterable[str], out: str, opts: RunOptions | None = None) -> Summary:
    """Run analyze over every input file this rank owns, writing shard outputs under ``out``."""
    opts = opts or RunOptions()
    t0 = time.perf_counter()
    select_shards([], opts.rank, opts.world_size)  # check rank/world size before listing inputs
    units = select_shards(
        plan_units(expand_inputs(inputs), opts.fmt, opts.unit_mb), opts.rank, opts.world_size
    )
    os.makedirs(out, exist_ok=True)
    remove_stale_temp_files(out)
    check_resume(out, units, opts)
    todo = [u for u in units if not os.path.exists(marker_path(out, u.name))]
    skipped = len(units) - len(todo)
    if skipped:
        log.info("resuming: %d of %d shards already done", skipped, len(units))
    if todo:
        _warm_prefilter()  # a batch job: compile (or load) the prefilter once here, before any worker
    progress = _Progress(opts.progress)
    run_stats: list[dict[str, Any]] = []
    failed: list[str] = []
    try:
        if opts.workers <= 1 or len(todo) <= 1:
            for unit in todo:
                try:
                    run_stats.append(process_shard(unit, out, opts, progress))
                except Exception as exc:
                    log.error("%s: shard failed: %s: %s", unit.name, type(exc).__name__, exc)
                    failed.append(unit.path if unit.count == 1 else unit.name)
        else:
            run_stats, failed = _run_pool(todo, out, opts, progress)
    finally:
        progress.close()
    merged = merge_stats(load_all_stats(out))
    merged["docs_in_this_run"] = sum(s["docs_in"] for s in run_stats)
    merged["bytes_this_run"] = sum(s["bytes"] for s in run_stats)
    merged["shards_done"] = len(load_all_stats(out))
    write_json_atomic(os.path.join(out, "stats.json"), merged)
    return Summary(
        merged, len(units), len(todo) - len(failed), skipped, tuple(failed), time.perf_counter() - t0
    )


def _warm_prefilter() -> None:
    """Compile the prefilter database into the user cache before workers start (each then loads it)."""
    try:
        from ..detect.compiled import allow_compile, database
        from ..lexicon import load_lexicon

        allow_compile()
        database(load_lexicon().version)
    except Exception as exc:  # the workers fall back or compile themselves
        log.warning("prefilter warm-up failed: %s: %s", type(exc).__name__, exc)


def _run_pool(
    todo: list[Unit], out: str, opts: RunOptions, progress: _Progress
) -> tuple[list[dict[str, Any]], list[str]]:
    import multiprocessing as mp
    import queue as queue_mod

    # spawn: workers start clean, whatever threads (tqdm, JVM bridges) the parent holds.
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    run_stats: list[dict[str, Any]] = []
    failed: list[str] = []
    with ctx.Pool(min(opts.workers, len(todo)), initializer=_init_worker, initargs=(q,)) as pool:
        results = pool.imap_unordered(_pool_task, [(p, out, opts) for p in todo])
        remaining = len(todo)
        while remaining:
            try:
                path, stats, err = results.next(timeout=_PROGRESS_EVERY_S)
            except mp.TimeoutError:
                pass
            else:
                remaining -= 1
                if err is not None:
                    log.error("%s: shard failed: %s", path, err)
                    failed.append(path)
                else:
                    run_stats.append(stats)  # type: ignore[arg-type]
            while True:
                try:
                    progress(*q.get_nowait())
                except queue_mod.Empty:
                    break
    return run_stats, failed
