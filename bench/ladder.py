"""Size ladder: one document of 2 KB, 200 KB, 2 MB and 20 MB, of ordinary, drug-dense and
spun-block text; ``analyze`` time and peak memory per size.

Each (kind, size) runs in its own process, so peak RSS is that document's (minus the process's
RSS after imports and a warm-up call, reported apart), and a size that runs past ``--timeout``
seconds is reported as such instead of stalling the ladder.

    python bench/ladder.py                      # every kind and size
    python bench/ladder.py --sizes 2e3 2e5 2e6  # skip 20 MB
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench" / "throughput"))

# Spun blocks: the same sales sentence with its words swapped from small synonym sets, as spun
# link blocks on hacked pages read.
_SPIN = [
    ["buy", "order", "purchase", "get"],
    ["cheap", "discount", "generic", "low cost"],
    ["viagra", "cialis", "levitra", "tadalafil", "sildenafil", "kamagra"],
    ["online", "without prescription", "no rx", "overnight"],
    ["best price", "fast shipping", "free pills", "USA pharmacy"],
]

_WORKER = r"""
import json, resource, sys, time
from spamscalpel import Document, analyze
# Every stage once (the drug, gambling and loan rules, their word lists and databases load on
# first use), so that the timed call measures analysis, not start-up.
analyze(Document(id="warm", text="warm up: buy cheap viagra online. Play casino slots today and "
                 "get payday loans fast. The garden was quiet."))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
text = open(sys.argv[1], encoding="utf-8").read()
t0 = time.perf_counter()
rep = analyze(Document(id="ladder", text=text))
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": dt, "base_rss_mb": base / 1024, "peak_rss_mb": peak / 1024,
                  "verdict": rep.verdict, "spans": len(rep.spans)}))
"""


def make_text(kind: str, size: int, seed: int = 3) -> str:
    """About ``size`` characters of one kind of text."""
    from generate import brown_docs, make_document

    rng = random.Random(seed)
    parts: list[str] = []
    n = 0
    brown = brown_docs(max(1, min(2000, size // 2000 + 1))) if kind == "ordinary" else []
    while n < size:
        if kind == "ordinary":
            t = brown[len(parts) % len(brown)] if brown else make_document(rng, "ordinary")
        elif kind == "drug-dense":
            t = make_document(rng, "medical")
        else:
            t = " ".join(" ".join(rng.choice(s) for s in _SPIN) + "." for _ in range(rng.randint(5, 20)))
        parts.append(t)
        n += len(t) + 2
    return "\n\n".join(parts)[:size]


def run_one(kind: str, size: int, timeout: float, tmp: Path) -> dict:
    """Time analyze on one document of ``kind`` and ``size`` in a fresh process."""
    path = tmp / f"{kind}-{size}.txt"
    path.write_text(make_text(kind, size), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    row = {"kind": kind, "size": size}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WORKER, str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {**row, "note": f"over {timeout:g} s"}
    if proc.returncode != 0:
        return {**row, "note": proc.stderr.strip().splitlines()[-1][:200]}
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    r["mb_per_s"] = size / 1e6 / r["seconds"] if r["seconds"] else None
    return {**row, **r}


def main(argv: list[str] | None = None) -> int:
    """Command line: run the ladder, print a table, write bench/out/ladder.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="*", default=[2e3, 2e5, 2e6, 2e7])
    ap.add_argument("--kinds", nargs="*", default=["ordinary", "drug-dense", "spun-block"])
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per document (default: 300)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / "ladder-work"
    tmp.mkdir(exist_ok=True)
    rows = []
    print(
        "| kind | size | s | MB/s | peak RSS MB (after warm-up) | verdict, spans |\n|---|---:|---:|---:|---:|---|"
    )
    for kind in args.kinds:
        for size in map(int, args.sizes):
            r = run_one(kind, size, args.timeout, tmp)
            rows.append(r)
            if "note" in r:
                print(f"| {kind} | {size:,} | {r['note']} | | | |", flush=True)
            else:
                print(
                    f"| {kind} | {size:,} | {r['seconds']:.3f} | {r['mb_per_s']:.2f} | "
                    f"{r['peak_rss_mb']:.0f} ({r['base_rss_mb']:.0f}) | {r['verdict']}, {r['spans']} |",
                    flush=True,
                )
    (args.out / "ladder.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
