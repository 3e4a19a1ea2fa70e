"""Byte-identical check: analyze reports of this tree against those of another commit.

Speed work must not change a single report. This script exports the base commit's ``src/`` with
``git archive`` (no worktree, no checkout), runs ``analyze`` over the same documents under each
tree in its own process, writes one ``Report.to_json()`` line per document and compares the two
files byte for byte.

    python bench/compare_reports.py --base aee8a94            # the default documents
    python bench/compare_reports.py --base aee8a94 --generated 5000 --brown 3000

Documents: ../shared/data/realworld-dev.jsonl and realworld-dev2.jsonl (whole pages, as text and
with their page URL), the specimen, ``--generated`` synthetic documents (built-in sources, fixed
seed), ``--brown`` Brown-corpus 2 KB documents when bench/data/clean/brown.jsonl is there, and the
throughput benchmark's generated slices (ordinary, medical, injected).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

_WORKER = r"""
import json, sys, time
from spamscalpel import Document, analyze
docs = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
t0 = time.perf_counter()
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for d in docs:
        doc = Document(id=d["id"], text=d["text"], format=d.get("format", "text"), url=d.get("url"))
        out.write(analyze(doc).to_json() + "\n")
print(f"{time.perf_counter() - t0:.2f}")
"""


def documents(n_generated: int, n_brown: int) -> list[dict]:
    """The documents both trees analyse, as JSON-able dicts."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench" / "throughput"))
    docs: list[dict] = []
    for name in ("realworld-dev.jsonl", "realworld-dev2.jsonl"):
        path = SHARED / "data" / name
        if not path.exists():
            print(f"skip {path}: absent", file=sys.stderr)
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            rec = json.loads(line)
            url = rec.get("url") or (
                rec.get("source") if str(rec.get("source", "")).startswith("http") else None
            )
            docs.append({"id": f"{name}:{i}", "text": rec["text"]})
            docs.append({"id": f"{name}:{i}:url", "text": rec["text"], "url": url})
    spec = SHARED / "specimen" / "hemifacial-spasm.txt"
    if spec.exists():
        docs.append({"id": "specimen", "text": spec.read_text(encoding="utf-8")})
    from spamscalpel.synth import default_terms, generate, load_sources

    for ex in generate(
        n_generated, 11, sources=load_sources(fetched=False), terms=default_terms(use_lexicon=False)
    ):
        d = ex.to_document()
        docs.append({"id": f"gen:{d.id}", "text": d.text, "format": d.format, "url": d.url})
    from generate import brown_docs  # bench/throughput/generate.py
    from generate import generate as generate_throughput

    docs += [{"id": f"brown:{i}", "text": t} for i, t in enumerate(brown_docs(n_brown))]

    with tempfile.TemporaryDirectory() as tmp:
        for path in generate_throughput(Path(tmp), 2.0):
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                docs.append({"id": f"throughput:{rec['id']}", "text": rec["text"]})
    return docs


def export_src(rev: str, dest: Path) -> Path:
    """``src/`` of commit ``rev`` unpacked under ``dest``; returns the src folder."""
    tar_path = dest / "src.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(tar_path), rev, "src"], check=True)
    with tarfile.open(tar_path) as tf:
        tf.extractall(dest, filter="data")
    return dest / "src"


def run_tree(src: Path, docs_path: Path, out_path: Path) -> float:
    """Analyse every document under the package in ``src``; returns the seconds analyze took."""
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.run(
        [sys.executable, "-c", _WORKER, str(docs_path), str(out_path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Command line: exit 0 when every report is byte-identical, 1 otherwise."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="aee8a94", help="commit to compare with (default: aee8a94)")
    ap.add_argument("--generated", type=int, default=3000, help="synthetic documents (default: 3000)")
    ap.add_argument("--brown", type=int, default=2000, help="Brown 2 KB documents (default: 2000)")
    args = ap.parse_args(argv)
    docs = documents(args.generated, args.brown)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs_path = work / "docs.jsonl"
        docs_path.write_text(
            "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8"
        )
        base_src = export_src(args.base, work)
        t0 = time.perf_counter()
        secs_base = run_tree(base_src, docs_path, work / "base.jsonl")
        secs_head = run_tree(ROOT / "src", docs_path, work / "head.jsonl")
        base = (work / "base.jsonl").read_bytes().splitlines()
        head = (work / "head.jsonl").read_bytes().splitlines()
        diff = [i for i, (a, b) in enumerate(zip(base, head, strict=False)) if a != b]
        if len(base) != len(head):
            diff.append(min(len(base), len(head)))
        kinds: dict[str, int] = {}
        for d in docs:
            k = d["id"].split(":")[0]
            kinds[k] = kinds.get(k, 0) + 1
        print(f"documents: {len(docs)} ({', '.join(f'{k} {v}' for k, v in kinds.items())})")
        print(f"analyze seconds: base {args.base} {secs_base:.2f}, this tree {secs_head:.2f}")
        print(f"reports differing: {len(diff)} of {len(docs)} (wall {time.perf_counter() - t0:.0f} s)")
        for i in diff[:5]:
            print(
                f"  {docs[i]['id']}:\n    base {base[i][:300]!r}\n    head {head[i][:300]!r}"
                if i < len(base)
                else ""
            )
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
