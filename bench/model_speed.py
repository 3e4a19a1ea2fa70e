"""Scorer speed: candidate windows per second per core, and ``analyze`` MB/s, per scorer.

    .venv/bin/python bench/model_speed.py [--scorers rules_v1,model_v1,hybrid_v1,minilm_v1] [--n-docs 300] [--mb 2]

1. Scoring alone: candidates are found once on generated documents (test split, a fixed seed),
   then each scorer's ``score(ctx)`` is timed over the same contexts in this one process, so the
   number is windows per second on one core.
2. The whole pipeline: bench/speed.py's ordinary and drug-dense corpora through
   ``analyze(doc, Config(scorer=...))``, side by side.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def contexts(n_docs: int, seed: int) -> list:
    """Scorer inputs for ``n_docs`` generated test-split documents that have candidates."""
    from spamscalpel.lexicon import load_lexicon
    from spamscalpel.pipeline import _view_for, find_candidates
    from spamscalpel.score import DocContext
    from spamscalpel.synth import generate

    lex = load_lexicon()
    out = []
    for ex in generate(n_docs, seed, split="test"):
        view = _view_for(ex.to_document())
        try:
            cands = find_candidates(view)
        except ValueError:  # a finder bug on one document must not stop a benchmark
            continue
        if cands:
            out.append(DocContext.build(view, lex, cands))
    return out


def time_scorer(name: str, ctxs: list, repeats: int = 3) -> dict:
    """Best-of-``repeats`` time for one scorer over all contexts."""
    from spamscalpel.score import get_scorer

    scorer = get_scorer(name)
    scorer.score(ctxs[0])  # load weights outside the timed loop
    n = sum(len(c.candidates) for c in ctxs)
    best = float("inf")
    for _ in range(repeats):
        for c in ctxs:
            c.features = None  # features are cached per document: time them every round
        t0 = time.perf_counter()
        for c in ctxs:
            scorer.score(c)
        best = min(best, time.perf_counter() - t0)
    return {"scorer": name, "windows": n, "seconds": round(best, 3), "windows_per_s": round(n / best)}


def time_pipeline(name: str, kind: str, mb: float, seed: int) -> dict:
    """``analyze`` over bench/speed.py's corpus ``kind`` with scorer ``name``."""
    from spamscalpel import Document, analyze
    from spamscalpel.analyze import Config
    from speed import make_corpus

    cfg = Config(scorer=name)
    analyze("warm up: buy viagra online", cfg)
    docs = make_corpus(kind, mb, seed)
    size = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
    flagged = 0
    t0 = time.perf_counter()
    for i, text in enumerate(docs):
        flagged += analyze(Document(f"d{i}", text), cfg).is_spam
    secs = time.perf_counter() - t0
    return {
        "scorer": name,
        "corpus": kind,
        "docs": len(docs),
        "mb": round(size, 3),
        "seconds": round(secs, 3),
        "mb_per_s": round(size / secs, 2),
        "flagged": flagged,
    }


def main(argv: list[str] | None = None) -> int:
    """Run both measurements, print markdown tables, write bench/out/model_speed.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scorers", default="rules_v1,model_v1,hybrid_v1")
    ap.add_argument("--n-docs", type=int, default=300, help="generated documents for the scoring-only run")
    ap.add_argument("--seed", type=int, default=900_101)
    ap.add_argument("--mb", type=float, default=2.0, help="megabytes per corpus for the pipeline run")
    ap.add_argument("--out", type=Path, default=HERE / "out" / "model_speed.json")
    args = ap.parse_args(argv)
    names = [s.strip() for s in args.scorers.split(",") if s.strip()]

    ctxs = contexts(args.n_docs, args.seed)
    scoring = [time_scorer(n, ctxs) for n in names]
    print(f"scoring only: {len(ctxs)} documents (Python {platform.python_version()}, one core)\n")
    print("| scorer | windows | s | windows/s/core |\n|---|---:|---:|---:|")
    for r in scoring:
        print(f"| {r['scorer']} | {r['windows']} | {r['seconds']} | {r['windows_per_s']} |")

    pipeline = [time_pipeline(n, k, args.mb, 7) for k in ("ordinary", "medical") for n in names]
    print(f"\nanalyze on bench/speed.py corpora ({args.mb} MB each)\n")
    print("| corpus | scorer | docs | MB/s | flagged |\n|---|---|---:|---:|---:|")
    for r in pipeline:
        print(f"| {r['corpus']} | {r['scorer']} | {r['docs']} | {r['mb_per_s']} | {r['flagged']} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "n_docs": args.n_docs}
    args.out.write_text(json.dumps({"meta": meta, "scoring": scoring, "pipeline": pipeline}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
