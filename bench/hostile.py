"""Adversarial corpus: time and memory of ``analyze`` on hostile shapes at 10 KB, 40 KB and 1 MB.

Issue 15's acceptance: for every shape, time growth per 4x input <= 5x, no input over 2 s per
100 KB on one core, peak memory <= 50 bytes per input byte. Each run is a fresh subprocess with a
time cap (a shape that blows up is stopped and reported, not waited for), so one bad shape cannot
stall the bench. ``--profile SHAPE`` prints the functions that cost the most on that shape.

    .venv/bin/python bench/hostile.py                       # all shapes, 10 KB / 40 KB / 1 MB
    .venv/bin/python bench/hostile.py --sizes 10000 40000 --cap 20
    .venv/bin/python bench/hostile.py --profile url_dots --sizes 10000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = Path(__file__).resolve().parent / "out"

# name -> (format, head, unit repeated to the size, tail). Written for this file.
SHAPES: dict[str, tuple[str, str, str, str]] = {
    "prose": ("text", "", "The volunteers repainted the hall and planted tulips along the path. ", ""),
    "url_dots": ("text", "", "qq.", " .com"),
    "drug_commas": ("text", "", "viagra, ", ""),
    "seven_drugs": ("text", "", "viagra cialis levitra tramadol xanax valium ambien ", ""),
    "buy_cheap": ("text", "", "buy cheap viagra online ", ""),
    "zero_width": ("text", "", "v\u200bi\u200ba\u200bg\u200br\u200ba\u200b ", ""),
    "long_token": ("text", "buy ", "x", " viagra"),
    "separators": ("text", "", "-.-/_|", " viagra"),
    "script_ident": ("html", "<html><body><p>Hello.</p><script>", "a", "</script></body></html>"),
    "rgb_style": ("html", '<html><body><div style="color:', "rgb(", '">buy viagra</div></body></html>'),
    "nested_divs": ("html", "<html><body>", "<div>", "buy viagra online</body></html>"),
    "huge_attr": ("html", '<html><body><a href="http://x.example/', "b", '">buy viagra</a></body></html>'),
    "many_links": (
        "html",
        "<html><body>",
        '<a href="http://rx.example/">cheap cialis</a> ',
        "</body></html>",
    ),
    "empty_links": ("html", "<html><body><p>", '<a href="https://x.example/replica-rolex/"></a> ', "</p></body></html>"),
    "md_links": ("text", "", "[payday loans](http://q.example/) wrote: nice. [loans](http://q.example/) x\n", ""),
    "php_echo": ("html", "", "<?php echo '<a href=\"https://s.example/\">slot gacor</a>'; ?>\n", ""),
    "listings": ("html", "<html><body><p>", "<pre>cheap viagra online</pre> ", "</p></body></html>"),
    "trade_prose": (
        "html",
        "<html><body><p>",
        'Watches are fine. <a href="https://w.example/">replica rolex</a> watches look good. The dial shines. ',
        "</p></body></html>",
    ),
    "spinner_tags": ("text", "", "both(prenominal) up to(p) ", ""),
}


def make(shape: str, size: int) -> tuple[str, str]:
    """(format, document) of about ``size`` characters for ``shape``."""
    fmt, head, unit, tail = SHAPES[shape]
    n = max(1, (size - len(head) - len(tail)) // len(unit))
    return fmt, head + unit * n + tail


_CHILD = r"""
import json, resource, sys, time
from spamscalpel import analyze
from spamscalpel.types import Document
sys.path.insert(0, {bench!r})
from hostile import make
analyze(Document("w", "warm up buy viagra", format="text"))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
fmt, text = make({shape!r}, {size})
t0 = time.process_time()
report = analyze(Document("h", text, format=fmt))
cpu = time.process_time() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"cpu_s": cpu, "chars": len(text), "spans": len(report.spans), "verdict": report.verdict,
                  "extra_rss_kb": peak - base}}))
"""


def run_one(shape: str, size: int, cap: float) -> dict:
    """Analyse one shape at one size in a fresh process; ``timed_out`` when it passed ``cap``."""
    code = _CHILD.format(bench=str(Path(__file__).parent), shape=shape, size=size)
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    t0 = time.perf_counter()
    try:
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=cap + 5, env=env
        )
    except subprocess.TimeoutExpired:
        return {"shape": shape, "size": size, "timed_out": True, "wall_s": round(time.perf_counter() - t0, 1)}
    if res.returncode != 0:
        return {"shape": shape, "size": size, "error": res.stderr.strip().splitlines()[-1:]}
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out.update(shape=shape, size=size, timed_out=False)
    return out


def profile(shape: str, size: int, top: int = 12) -> None:
    """Print the most expensive functions of one analysis (cumulative and own time)."""
    import cProfile
    import pstats

    sys.path.insert(0, str(REPO / "src"))
    from spamscalpel import analyze
    from spamscalpel.types import Document

    analyze(Document("w", "warm up buy viagra"))
    fmt, text = make(shape, size)
    prof = cProfile.Profile()
    prof.enable()
    analyze(Document("h", text, format=fmt))
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000, 1_000_000])
    ap.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    ap.add_argument("--cap", type=float, default=30.0, help="seconds before a run is stopped (default 30)")
    ap.add_argument("--profile", choices=list(SHAPES), help="profile one shape at the first size instead")
    args = ap.parse_args()
    if args.profile:
        profile(args.profile, args.sizes[0])
        return 0
    sizes = sorted(args.sizes)
    rows = []
    failed = []
    for shape in args.shapes:
        runs: list[dict] = []
        for size in sizes:
            if runs and (runs[-1].get("timed_out") or "error" in runs[-1]):
                runs.append({"shape": shape, "size": size, "skipped": "the smaller size already failed"})
                continue
            runs.append(run_one(shape, size, args.cap))
        verdict = _judge(runs)
        if verdict:
            failed.append(shape)
        rows.append({"shape": shape, "runs": runs, "problems": verdict})
        print(_line(shape, runs, verdict), flush=True)
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cap_s": args.cap,
        "shapes": rows,
        "failed": failed,
    }
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"hostile-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(
        f"{len(failed)} of {len(rows)} shapes fail the budget: {', '.join(failed) or 'none'}; written to {path}"
    )
    return 1 if failed else 0


def growth_per_4x(small: dict, big: dict) -> float:
    """Time ratio scaled to a 4x larger input (1 ms floor so tiny times do not make noise)."""
    ts, tb = max(small["cpu_s"], 1e-3), max(big["cpu_s"], 1e-3)
    return (tb / ts) ** (math.log(4) / math.log(big["chars"] / small["chars"]))


def _judge(runs: list[dict]) -> list[str]:
    problems = []
    done = [r for r in runs if "cpu_s" in r]
    for r in runs:
        if r.get("timed_out"):
            problems.append(f"{r['size']:,} chars: stopped after {r['wall_s']} s")
        elif "error" in r:
            problems.append(f"{r['size']:,} chars: error {r['error']}")
    for r in done:
        if r["cpu_s"] > 2.0 * r["chars"] / 100_000 and r["cpu_s"] > 0.05:
            problems.append(f"{r['chars']:,} chars: {r['cpu_s']:.2f} s is over 2 s per 100 KB")
        if r["extra_rss_kb"] * 1024 > 50 * r["chars"] and r["chars"] >= 100_000:
            problems.append(
                f"{r['chars']:,} chars: {r['extra_rss_kb'] / 1024:.0f} MB is over 50 bytes per char"
            )
    for a, b in zip(done, done[1:], strict=False):
        g = growth_per_4x(a, b)
        if g > 5.0 and b["cpu_s"] > 0.05:
            problems.append(f"{a['chars']:,} -> {b['chars']:,} chars: time grows {g:.1f}x per 4x input")
    return problems


def _line(shape: str, runs: list[dict], problems: list[str]) -> str:
    cells = []
    for r in runs:
        if "cpu_s" in r:
            cells.append(f"{r['size'] // 1000} KB {r['cpu_s']:.2f} s {r['extra_rss_kb'] / 1024:.0f} MB")
        elif r.get("timed_out"):
            cells.append(f"{r['size'] // 1000} KB >{r['wall_s']} s")
        else:
            cells.append(f"{r['size'] // 1000} KB -")
    status = "ok" if not problems else "FAIL: " + "; ".join(problems)
    return f"{shape:13} " + " | ".join(cells) + f"  {status}"


if __name__ == "__main__":
    sys.exit(main())
