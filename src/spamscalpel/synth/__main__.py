"""``python -m spamscalpel.synth N SEED [--split train|test] [--out FILE]``: write examples as JSONL."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .generate import KINDS, default_terms, generate
from .sources import load_sources


def main(argv: list[str] | None = None) -> int:
    """Write ``N`` synthetic examples, one JSON object a line."""
    ap = argparse.ArgumentParser(prog="python -m spamscalpel.synth", description=__doc__)
    ap.add_argument("n", type=int)
    ap.add_argument("seed", type=int)
    ap.add_argument("--split", choices=("train", "test"), default="train")
    ap.add_argument(
        "--kinds", help=f"comma-separated kinds (default: the standard mix of {', '.join(KINDS)})"
    )
    ap.add_argument("--builtin-only", action="store_true", help="ignore fetched corpora under bench/data")
    ap.add_argument("--no-lexicon", action="store_true", help="use the generator's own term lists only")
    ap.add_argument("--out", type=Path, help="output file (default: stdout)")
    args = ap.parse_args(argv)
    sources = load_sources(split=args.split, fetched=not args.builtin_only)
    kinds = [k for k in args.kinds.split(",") if k] if args.kinds else None
    examples = generate(
        args.n,
        args.seed,
        sources=sources,
        kinds=kinds,
        split=args.split,
        terms=default_terms(not args.no_lexicon, mined=not args.builtin_only),
    )
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        for ex in examples:
            out.write(json.dumps(ex.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
