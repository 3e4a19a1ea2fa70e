"""Throughput benchmark: docs/s and MB/s per core for analyze, a keyword prefilter, and datatrove's
GopherQualityFilter on the same generated documents in the same run; the corpus runner end to end
with its peak RSS; Spark local[1] against local[2].

    python bench/throughput/run.py --mb 200          # the README numbers
    python bench/throughput/run.py --mb 20 --no-spark  # a quick check

Writes bench/out/throughput.json and bench/out/throughput.md and prints the table. Numbers are per
core: each in-process measurement runs in this one process; the end-to-end rows say how many workers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # bench/compare_reports.py
sys.path.insert(0, str(ROOT / "src"))

from generate import DEFAULT_DATA, DRUGS, generate  # noqa: E402

# The lead will expose the candidate finder alone as a function ``(text: str) -> list``; until it
# exists this row reads "not provided". Point this at it ("module:function") when it lands.
CANDIDATE_FINDER_HOOK = os.environ.get(
    "SPAMSCALPEL_CANDIDATE_FINDER", "spamscalpel.pipeline:candidates_in_text"
)

# A plain keyword prefilter, the floor any smarter finder is compared with. Terms written here.
PREFILTER_TERMS = sorted(
    set(DRUGS)
    | {
        "viagra", "cialis", "levitra", "kamagra", "casino", "poker", "slots", "payday", "replica", "rolex",
        "essay writing", "porn", "escort", "pharmacy", "prescription", "pills", "bonus", "loan",
    }
)  # fmt: skip


def _load_hook() -> Callable[[str], object] | None:
    mod_name, _, fn = CANDIDATE_FINDER_HOOK.partition(":")
    try:
        return getattr(importlib.import_module(mod_name), fn)
    except (ImportError, AttributeError):
        return None


def _docs(paths: list[Path], limit_bytes: int | None) -> Iterator[tuple[str, str, str]]:
    seen = 0
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                yield rec["id"], rec["text"], rec.get("slice", "ordinary")
                seen += len(line)
                if limit_bytes and seen >= limit_bytes:
                    return


# The base commit's analyze runs in a child process with that commit's src on its path: it reads
# one JSON text per line and answers with the seconds analyze took, so the parent can alternate it
# with its own methods document by document (contention then hits both sides alike).
_BASE_WORKER = r"""
import json, sys, time
from spamscalpel import Document, analyze
analyze(Document(id="warm", text="A short warm-up sentence and buy cheap viagra."))
for line in sys.stdin:
    text = json.loads(line)
    t0 = time.perf_counter()
    analyze(Document(id="d", text=text))
    sys.stdout.write(f"{time.perf_counter() - t0!r}\n")
    sys.stdout.flush()
"""


class _BaseAnalyze:
    """``analyze`` of another commit, timed in its own process (see ``_BASE_WORKER``)."""

    def __init__(self, rev: str, tmp: Path):
        from compare_reports import export_src  # bench/compare_reports.py

        src = export_src(rev, tmp)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BASE_WORKER],
            env=dict(os.environ, PYTHONPATH=str(src)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def timed(self, text: str) -> float:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(text) + "\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _methods() -> dict[str, Callable[[str, str], object] | None]:
    import ahocorasick
    from datatrove.data import Document as DTDocument
    from datatrove.pipeline.filters import GopherQualityFilter

    from spamscalpel import Document, analyze

    automaton = ahocorasick.Automaton()
    for t in PREFILTER_TERMS:
        automaton.add_word(t, t)
    automaton.make_automaton()

    def prefilter(doc_id: str, text: str) -> bool:
        for _ in automaton.iter(text.lower()):
            return True
        return False

    gopher = GopherQualityFilter()
    hook = _load_hook()
    return {
        ANALYZE: lambda i, t: analyze(Document(id=i, text=t)),
        "candidate finder (hook)": (lambda i, t: hook(t)) if hook else None,
        PREFILTER: prefilter,
        GOPHER: lambda i, t: gopher.filter(DTDocument(text=t, id=i)),
    }


ANALYZE = "analyze (full pipeline)"
PREFILTER = "keyword prefilter (pyahocorasick, 150 terms)"
GOPHER = "datatrove GopherQualityFilter"


def _brown_path(n_docs: int, out: Path) -> Path | None:
    """A JSONL of Brown 2 KB documents (slice "brown"), or None without the fetched corpus."""
    from generate import brown_docs

    docs = brown_docs(n_docs)
    if not docs:
        print("no Brown corpus (run scripts/fetch_corpora.sh): brown slice skipped", file=sys.stderr)
        return None
    path = out / f"brown-{n_docs}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i, text in enumerate(docs):
            fh.write(json.dumps({"id": f"b{i}", "text": text, "slice": "brown"}) + "\n")
    return path


def _blocks(docs: Iterator[tuple[str, str, str]], size: int) -> Iterator[list[tuple[str, str, str]]]:
    block: list[tuple[str, str, str]] = []
    for doc in docs:
        block.append(doc)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


def measure_in_process(
    paths: list[Path], limit_bytes: int | None, base: str | None = None, block: int = 64
) -> list[dict]:
    """Time every method on every document, alternating methods block by block.

    The documents go in blocks of ``block``; every method runs on a whole block (each document timed
    on its own), then the next method on the same block, and the order of the methods rotates from
    one block to the next, so neither a burst of load from other processes nor going first favours
    one method. With ``block=1`` the methods alternate document by document: then each method starts
    every document with caches the others have filled, which costs a method with a large working
    set (analyze's compiled database and lexicons) up to 3x, where a corpus run, one method over a
    stream of documents, does not pay it. JSON parsing is not timed.
    """
    methods = {k: v for k, v in _methods().items() if v is not None}
    # Warm up: first calls load lexicons, compiled databases and tokenizers, which is not throughput.
    # A method whose dependency is missing (Gopher needs spaCy: the bench extra) is dropped, and said.
    for name, fn in list(methods.items()):
        try:
            fn("warm", "A short warm-up sentence about the village garden and buy cheap viagra.")
        except ImportError as exc:
            print(f"{name}: not measured ({exc}; pip install -e '.[bench]')", file=sys.stderr)
            del methods[name]
    tmp = Path(tempfile.mkdtemp(prefix="throughput-base-"))
    base_proc = _BaseAnalyze(base, tmp) if base else None
    timers: list[tuple[str, Callable[[str, str], float]]] = []
    for name, fn in methods.items():

        def timed(i: str, t: str, fn: Callable[[str, str], object] = fn) -> float:
            t0 = time.perf_counter()
            fn(i, t)
            return time.perf_counter() - t0

        timers.append((name, timed))
    if base_proc is not None:
        timers.append((f"analyze @{base}", lambda i, t: base_proc.timed(t)))
    acc: dict[tuple[str, str], list[float]] = {}
    try:
        for k, docs in enumerate(_blocks(_docs(paths, limit_bytes), max(1, block))):
            sized = [(doc_id, text, slc, len(text.encode("utf-8"))) for doc_id, text, slc in docs]
            r = k % len(timers)
            for name, timed in timers[r:] + timers[:r]:
                for doc_id, text, slc, nbytes in sized:
                    dt = timed(doc_id, text)
                    for key in ((name, slc), (name, "all")):
                        a = acc.setdefault(key, [0, 0, 0.0])
                        a[0] += 1
                        a[1] += nbytes
                        a[2] += dt
    finally:
        if base_proc is not None:
            base_proc.close()
    rows = []
    for (name, slc), (n, nbytes, secs) in sorted(acc.items()):
        rows.append(
            {
                "method": name,
                "slice": slc,
                "docs": n,
                "mb": round(nbytes / 1e6, 2),
                "seconds": round(secs, 3),
                "docs_per_s": round(n / secs, 1) if secs else None,
                "mb_per_s": round(nbytes / 1e6 / secs, 2) if secs else None,
            }
        )
    return rows


def ratios(rows: list[dict], base: str | None) -> list[dict]:
    """Throughput ratios per slice from the interleaved rows (> 1: the first is faster)."""

    def mbps(method: str, slc: str) -> float | None:
        return next((r["mb_per_s"] for r in rows if r["method"] == method and r["slice"] == slc), None)

    pairs = [(ANALYZE, PREFILTER, 0.8), (ANALYZE, GOPHER, 100.0)]
    if base:
        pairs.append((ANALYZE, f"analyze @{base}", None))
    out = []
    for slc in sorted({r["slice"] for r in rows if r["method"] == ANALYZE}):
        for a, b, target in pairs:
            x, y = mbps(a, slc), mbps(b, slc)
            if x and y:
                out.append({"slice": slc, "ratio": f"{a} / {b}", "value": round(x / y, 3), "target": target})
    return out


def _run_measured(cmd: list[str]) -> tuple[float, int, str]:
    """Run a command; return wall seconds, peak RSS (MB) of it and its children, stderr tail."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    # Linux carries a process's peak RSS over fork and exec, so a child of this (large) benchmark
    # process would report at least the benchmark's own peak. GNU time forks from a small process
    # and reports the command's own peak; without it the number is an upper bound.
    rss_file = Path(tempfile.mkstemp(suffix=".rss")[1]) if Path("/usr/bin/time").exists() else None
    if rss_file:
        cmd = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file), *cmd]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read() if proc.stderr else ""
    _, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in (0, 1):  # 1: spam found (scan, corpus and spark)
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    rss_kb = rusage.ru_maxrss
    if rss_file:
        try:
            rss_kb = int(rss_file.read_text().split()[-1])
        except (ValueError, IndexError, OSError):
            pass
        rss_file.unlink(missing_ok=True)
    return wall, rss_kb // 1024, err.strip().splitlines()[-1] if err.strip() else ""


def measure_runner(data: Path, out: Path, workers: int) -> dict:
    """The corpus command end to end (read, analyze, write sidecars): docs/s, MB/s, peak RSS."""
    dest = out / f"runner-w{workers}"
    subprocess.run(["rm", "-rf", str(dest)], check=True)
    cmd = [sys.executable, "-m", "spamscalpel", "corpus", str(data), "--out", str(dest), "--no-progress"]
    wall, rss, line = _run_measured(cmd + ["--workers", str(workers)])
    stats = json.loads((dest / "stats.json").read_text())
    return {
        "method": f"spamscalpel corpus --workers {workers}",
        "slice": "all",
        "docs": stats["docs_in"],
        "mb": round(stats["bytes"] / 1e6, 2),
        "seconds": round(wall, 2),
        "docs_per_s": round(stats["docs_in"] / wall, 1),
        "mb_per_s": round(stats["bytes"] / 1e6 / wall, 2),
        "peak_rss_mb": rss,
        "summary": line,
    }


def measure_spark(files: list[Path], out: Path, master: str) -> dict:
    """The Spark job on ``files``, wall time including JVM start-up."""
    dest = out / f"spark-{master.replace('[', '').replace(']', '')}"
    cmd = [
        sys.executable,
        "-m",
        "spamscalpel",
        "spark",
        *map(str, files),
        "--out",
        str(dest),
        "--master",
        master,
    ]
    wall, rss, line = _run_measured(cmd)
    stats = json.loads((dest / "stats.json").read_text())
    nbytes = sum(f.stat().st_size for f in files)
    return {
        "method": f"spamscalpel spark --master {master}",
        "slice": "all",
        "docs": stats["docs_in"],
        "mb": round(nbytes / 1e6, 2),
        "seconds": round(wall, 2),
        "docs_per_s": round(stats["docs_in"] / wall, 1),
        "mb_per_s": round(nbytes / 1e6 / wall, 2),
        "peak_rss_mb": rss,
        "note": "wall time includes JVM start-up; RSS is the Python driver side",
    }


def table(rows: list[dict]) -> str:
    """A markdown table of the result rows."""
    head = "| method | slice | docs | MB | s | docs/s | MB/s | peak RSS MB |\n|---|---|---:|---:|---:|---:|---:|---:|\n"
    body = ""
    for r in rows:
        if "note" in r and "docs" not in r:
            body += f"| {r['method']} | {r['slice']} | {r['note']} | | | | | |\n"
            continue
        body += (
            f"| {r['method']} | {r['slice']} | {r['docs']:,} | {r['mb']} | {r['seconds']} | "
            f"{r['docs_per_s']:,} | {r['mb_per_s']} | {r.get('peak_rss_mb', '')} |\n"
        )
    return head + body


def one_big_file(paths: list[Path], dest: Path) -> Path:
    """The generated shards as one gzip JSONL file (the case one-file-one-unit could not split)."""
    import gzip

    if not dest.exists():
        tmp = dest.with_suffix(".tmp")
        with gzip.open(tmp, "wb", compresslevel=1) as out:
            for p in paths:
                out.write(p.read_bytes())
        tmp.replace(dest)
    return dest


def measure_workers(data: Path, work: Path, counts: list[int], repeats: int) -> tuple[list[dict], dict]:
    """The corpus runner at each worker count, alternated ``repeats`` times; best wall of each."""
    best: dict[int, dict] = {}
    for rep in range(repeats):
        for w in counts if rep % 2 == 0 else counts[::-1]:
            row = measure_runner(data, work, w)
            print(f"  runner --workers {w}: {row['seconds']} s", file=sys.stderr)
            if w not in best or row["seconds"] < best[w]["seconds"]:
                best[w] = row
    rows = [best[w] for w in counts]
    ratio = {}
    if 1 in best:
        for w in counts:
            if w != 1:
                ratio[f"workers {w} / workers 1 ({data.name})"] = round(
                    best[1]["seconds"] / best[w]["seconds"], 3
                )
    return rows, ratio


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (if needed), measure, write JSON and markdown, print the table."""
    p = argparse.ArgumentParser(description="spamscalpel throughput benchmark")
    p.add_argument("--mb", type=float, default=200.0, help="generated corpus size in MB (default: 200)")
    p.add_argument(
        "--sample-mb", type=float, default=None, help="time in-process methods on this many MB only"
    )
    p.add_argument("--brown", type=int, default=20000, help="Brown 2 KB documents (default: 20000; 0: none)")
    p.add_argument(
        "--base", default=None, help="also time analyze of this commit, interleaved (e.g. aee8a94)"
    )
    p.add_argument(
        "--block",
        type=int,
        default=64,
        help="documents each method runs in turn before the next takes the same ones (default: 64;"
        " 1: alternate document by document, every method then starts each document on cold caches)",
    )
    p.add_argument(
        "--spark-mb", type=float, default=20.0, help="MB of the corpus given to Spark (default: 20)"
    )
    p.add_argument("--no-spark", action="store_true", help="skip the Spark rows")
    p.add_argument(
        "--workers", type=int, nargs="*", default=[1, 2], help="runner worker counts (default: 1 2)"
    )
    p.add_argument("--repeats", type=int, default=2, help="alternated runner repeats (default: 2)")
    p.add_argument(
        "--runner-input",
        choices=["one-gz", "shards"],
        default="one-gz",
        help="the runner reads the corpus as one JSONL.gz file (default) or as its 16 MB shards",
    )
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = p.parse_args(argv)

    data = DEFAULT_DATA / f"throughput-{args.mb:g}mb"
    print(f"generating {args.mb:g} MB under {data} (reused if present)", file=sys.stderr)
    paths = generate(data, args.mb)
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "throughput-work"
    work.mkdir(parents=True, exist_ok=True)
    load_before = _load()

    brown = _brown_path(args.brown, work) if args.brown else None
    limit = int(args.sample_mb * 1e6) if args.sample_mb else None
    rows = measure_in_process(
        ([brown] if brown else []) + paths,
        limit and limit + (brown.stat().st_size if brown else 0),
        args.base,
        args.block,
    )
    print(f"  measured in-process methods (interleaved in blocks of {args.block})", file=sys.stderr)
    import resource

    bench_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    runner_data = (
        one_big_file(paths, DEFAULT_DATA / f"throughput-{args.mb:g}mb.jsonl.gz")
        if args.runner_input == "one-gz"
        else data
    )
    runner_rows, worker_ratio = measure_workers(runner_data, work, args.workers, args.repeats)
    rows += runner_rows
    if not args.no_spark:
        # Several files, so that local[2] has partitions to run side by side (one file = one task).
        spark_dir = DEFAULT_DATA / f"throughput-spark-{args.spark_mb:g}mb"
        spark_files = generate(spark_dir, args.spark_mb, shard_mb=max(0.5, args.spark_mb / 8))
        # A one-record job shows what JVM and session start-up alone cost. It is reported as its own
        # row, not subtracted: start-up varies from run to run (JVM and file caches), and a
        # difference of two noisy walls can come out meaningless or negative.
        tiny = generate(DEFAULT_DATA / "throughput-spark-tiny", 0.002)
        rows.append(
            dict(measure_spark(tiny, work, "local[1]"), method="spamscalpel spark start-up (1-record job)")
        )
        for master in ("local[1]", "local[2]"):
            rows.append(measure_spark(spark_files, work, master))
            print(f"  measured spark {master}", file=sys.stderr)

    result = {
        "corpus_mb": args.mb,
        "sample_mb": args.sample_mb,
        "brown_docs": args.brown if brown else 0,
        "base": args.base,
        "interleave_block_docs": args.block,
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_before_after": [load_before, _load()],
        "in_process_peak_rss_mb": bench_rss,
        "ratios": ratios(rows, args.base),
        "worker_ratio": worker_ratio,
        "rows": rows,
    }
    (args.out / "throughput.json").write_text(json.dumps(result, indent=1))
    md = table(rows)
    md += f"\n| slice | ratio (MB/s over MB/s, same documents, interleaved in blocks of {args.block}) | value | target |\n|---|---|---:|---:|\n"
    for r in result["ratios"]:
        md += f"| {r['slice']} | {r['ratio']} | {r['value']}x | {'>= ' + str(r['target']) + 'x' if r['target'] else ''} |\n"
    for k, v in worker_ratio.items():
        md += f"| all | {k} (wall, best of {args.repeats} alternated) | {v}x | >= 1.7x |\n"
    md += (
        f"\ncorpus {args.mb:g} MB, {result['cores']} cores, Python {result['python']}, "
        f"load average before/after {load_before} / {_load()}.\n"
    )
    (args.out / "throughput.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
