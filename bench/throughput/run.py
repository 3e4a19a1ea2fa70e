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
        "analyze (full pipeline)": lambda i, t: analyze(Document(id=i, text=t)),
        "candidate finder (hook)": (lambda i, t: hook(t)) if hook else None,
        "keyword prefilter (pyahocorasick)": prefilter,
        "datatrove GopherQualityFilter": lambda i, t: gopher.filter(DTDocument(text=t, id=i)),
    }


def measure_in_process(paths: list[Path], limit_bytes: int | None) -> list[dict]:
    """Time each method over the same documents, per slice; JSON parsing is not timed."""
    methods = _methods()
    # Warm up: first calls load lexicons and tokenizers, which is not throughput.
    for fn in methods.values():
        if fn is not None:
            fn("warm", "A short warm-up sentence about the village garden and buy cheap viagra.")
    rows = []
    for name, fn in methods.items():
        if fn is None:
            rows.append({"method": name, "slice": "all", "note": f"not provided ({CANDIDATE_FINDER_HOOK})"})
            continue
        acc: dict[str, list[float]] = {}
        for doc_id, text, slc in _docs(paths, limit_bytes):
            t0 = time.perf_counter()
            fn(doc_id, text)
            dt = time.perf_counter() - t0
            for key in (slc, "all"):
                a = acc.setdefault(key, [0, 0, 0.0])
                a[0] += 1
                a[1] += len(text.encode("utf-8"))
                a[2] += dt
        for slc, (n, nbytes, secs) in sorted(acc.items()):
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
        print(f"  measured {name}", file=sys.stderr)
    return rows


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
    if os.waitstatus_to_exitcode(status) != 0:
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


def main(argv: list[str] | None = None) -> int:
    """Command line: generate (if needed), measure, write JSON and markdown, print the table."""
    p = argparse.ArgumentParser(description="spamscalpel throughput benchmark")
    p.add_argument("--mb", type=float, default=200.0, help="generated corpus size in MB (default: 200)")
    p.add_argument(
        "--sample-mb", type=float, default=None, help="time in-process methods on this many MB only"
    )
    p.add_argument(
        "--spark-mb", type=float, default=20.0, help="MB of the corpus given to Spark (default: 20)"
    )
    p.add_argument("--no-spark", action="store_true", help="skip the Spark rows")
    p.add_argument(
        "--workers", type=int, nargs="*", default=[1, 2], help="runner worker counts (default: 1 2)"
    )
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = p.parse_args(argv)

    data = DEFAULT_DATA / f"throughput-{args.mb:g}mb"
    print(f"generating {args.mb:g} MB under {data} (reused if present)", file=sys.stderr)
    paths = generate(data, args.mb)
    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "throughput-work"

    rows = measure_in_process(paths, int(args.sample_mb * 1e6) if args.sample_mb else None)
    import resource

    bench_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    for w in args.workers:
        rows.append(measure_runner(data, work, w))
        print(f"  measured runner --workers {w}", file=sys.stderr)
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

    def rate(method: str, slc: str) -> float | None:
        return next((r["docs_per_s"] for r in rows if r["method"] == method and r["slice"] == slc), None)

    a, g = rate("analyze (full pipeline)", "ordinary"), rate("datatrove GopherQualityFilter", "ordinary")
    result = {
        "corpus_mb": args.mb,
        "sample_mb": args.sample_mb,
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "in_process_peak_rss_mb": bench_rss,
        "analyze_vs_gopher_docs_per_s_ordinary": round(a / g, 2) if a and g else None,
        "rows": rows,
    }
    (args.out / "throughput.json").write_text(json.dumps(result, indent=1))
    md = table(rows)
    md += (
        f"\nanalyze / GopherQualityFilter docs/s on ordinary text: "
        f"**{result['analyze_vs_gopher_docs_per_s_ordinary']}x** (target >= 3x); "
        f"corpus {args.mb:g} MB, {result['cores']} cores, Python {result['python']}.\n"
    )
    (args.out / "throughput.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
