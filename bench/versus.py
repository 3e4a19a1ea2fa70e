"""Side-by-side speed of ``analyze`` in this tree and at an earlier commit, on the same documents.

The earlier commit is checked out into a temporary git worktree. Each round runs one child
process per tree over the same generated corpus (``bench/speed.py``'s ordinary or drug-dense
text), alternating which tree goes first, so machine load affects both sides alike. The figure
is the median MB/s per tree over the rounds and the ratio this tree / the other.

    .venv/bin/python bench/versus.py --ref aee8a94 --kind ordinary --mb 2 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from speed import make_corpus
from spamscalpel.analyze import analyze
docs = make_corpus(sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
analyze(docs[0])  # load the lexicon and the model outside the timing
t0 = time.perf_counter()
for d in docs:
    analyze(d)
dt = time.perf_counter() - t0
print(json.dumps({"seconds": dt, "bytes": sum(len(d.encode("utf-8")) for d in docs)}))
"""


def _run(src: Path, kind: str, mb: float, seed: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(ROOT / "bench"), kind, str(mb), str(seed)],
        check=True,
        capture_output=True,
        text=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["bytes"] / r["seconds"] / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", required=True, help="the earlier commit to compare with")
    ap.add_argument("--kind", choices=["ordinary", "medical"], default="ordinary")
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ref_tree = Path(tmp) / "ref"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(ref_tree), args.ref],
            check=True,
            capture_output=True,
        )
        try:
            here: list[float] = []
            there: list[float] = []
            for i in range(args.rounds):
                order = [("here", ROOT / "src"), ("ref", ref_tree / "src")]
                if i % 2:
                    order.reverse()
                for name, src in order:
                    (here if name == "here" else there).append(_run(src, args.kind, args.mb, args.seed))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(ref_tree)], check=False
            )
    a, b = statistics.median(here), statistics.median(there)
    print(
        json.dumps(
            {
                "kind": args.kind,
                "mb": args.mb,
                "rounds": args.rounds,
                "ref": args.ref,
                "this_tree_mb_s": round(a, 3),
                "ref_mb_s": round(b, 3),
                "ratio": round(a / b, 3),
                "this_tree_runs": [round(x, 3) for x in here],
                "ref_runs": [round(x, 3) for x in there],
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
