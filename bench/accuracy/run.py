"""Accuracy benchmark: spamscalpel's scorers against a word list and SpamAssassin, side by side.

    python bench/accuracy/run.py [--synthetic-n N] [--scorers rules_v1,model_v1] [--out bench/out/accuracy.json]
    python bench/accuracy/run.py --pin     # rewrite tests/fixtures/eval/floors.json from a run

Datasets: (a) a synthetic test split (other seeds and other source texts than training),
(b) ../shared/data/realworld-dev.jsonl, (c) the specimen in ../shared/specimen/.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FLOORS = ROOT / "tests" / "fixtures" / "eval" / "floors.json"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import Prediction, SpamAssassin, WordList  # noqa: E402

SYNTH_TEST_SEED = 900_001  # training uses other seeds (the lead's trainer: < 900_000)
GATE_SYNTH = {"n": 80, "seed": 424_242, "split": "test"}  # small split the eval gate regenerates
SPAM_KINDS = ("injected", "spam_page")
CLEAN_KINDS = ("clean_medical", "clean_other")
# Direction of each metric: floors for "min" metrics, ceilings for "max" metrics.
DIRECTION = {
    "recall_injected": "min",
    "recall_spam_page": "min",
    "fpr_clean_medical": "max",
    "fpr_clean_other": "max",
    "span_recall": "min",
    "span_precision": "min",
    "span_f1": "min",
    "char_f1": "min",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One evaluation document with gold labels."""

    id: str
    text: str
    kind: str
    spans: tuple[tuple[int, int], ...]
    format: str = "text"
    url: str | None = None
    category: str = ""
    language: str = ""
    # Synthetic items only: each gold span's trade, and the ids of the clean sources used.
    span_categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    span_techniques: tuple[str, ...] = ()


# --- datasets ---------------------------------------------------------------------------------


def synthetic(
    n: int,
    seed: int = SYNTH_TEST_SEED,
    split: str = "test",
    fetched: bool = True,
    use_lexicon: bool = True,
    mined: bool | None = None,
) -> list[Item]:
    """A synthetic split as evaluation items.

    ``fetched``: the built real-text sources too; ``mined`` (default: as ``fetched``): the sales
    phrases mined from spam mails as anchors too.
    """
    from spamscalpel.synth import default_terms, generate, load_sources

    exs = generate(
        n,
        seed,
        sources=load_sources(split=split, fetched=fetched),
        split=split,
        terms=default_terms(use_lexicon, mined=fetched if mined is None else mined),
    )
    return [
        Item(
            e.id,
            e.text,
            e.kind,
            tuple((s, t) for s, t, _ in e.spans),
            e.format,
            span_categories=tuple(c for *_, c in e.spans),
            sources=e.sources,
            # One technique per edit; a page-level technique list does not line up with spans.
            span_techniques=e.techniques if len(e.techniques) == len(e.spans) else (),
        )
        for e in exs
    ]


def source_shares(items: Sequence[Item], fetched: bool = True) -> dict:
    """Each source corpus's share of the documents that have a clean side, and the real-text share.

    A document counts as real text when more than half of its clean paragraphs come from a corpus
    of real writing (Wikipedia, Brown, mail, ...) rather than the hand-written passages.
    """
    from spamscalpel.synth import load_sources
    from spamscalpel.synth.sources import is_real_text

    by_id = {s.id: s for s in load_sources(fetched=fetched)}
    docs = [it for it in items if it.sources]
    origins: dict[str, int] = {}
    trade_negatives: dict[str, int] = {}
    real = 0
    for it in docs:
        srcs = [by_id[i] for i in it.sources if i in by_id]
        for o in sorted({s.origin for s in srcs}):
            origins[o] = origins.get(o, 0) + 1
        if it.kind in CLEAN_KINDS:
            for t in sorted({s.trade for s in srcs if s.trade}):
                trade_negatives[t] = trade_negatives.get(t, 0) + 1
        real += 2 * sum(map(is_real_text, srcs)) > len(srcs)
    n = len(docs)
    return {
        "documents": n,
        "real_text_share": real / n if n else 0.0,
        "origin_share": {o: k / n for o, k in sorted(origins.items(), key=lambda x: -x[1])},
        "clean_documents_with_trade_article": dict(sorted(trade_negatives.items())),
    }


def trade_recall(
    items: Sequence[Item], preds: Sequence[Prediction], missed: dict[str, list[str]] | None = None
) -> dict[str, tuple[int, int]]:
    """Per trade: (gold spans found, gold spans) on the injected documents, as span_recall counts.

    With ``missed``, each missed gold span is appended to ``missed[trade]`` as "technique: text".
    """
    out: dict[str, list[int]] = {}
    for it, pr in zip(items, preds, strict=True):
        if it.kind != "injected" or pr.spans is None:
            continue
        pred = _merge(pr.spans)
        techniques = it.span_techniques or ("",) * len(it.spans)
        for g, cat, tech in zip(it.spans, it.span_categories, techniques, strict=True):
            c = out.setdefault(cat, [0, 0])
            found = _covered(g, pred) * 2 >= (g[1] - g[0])
            c[0] += found
            c[1] += 1
            if missed is not None and not found:
                text = " ".join(it.text[g[0] : g[1]].split())
                missed.setdefault(cat, []).append(f"{tech}: {text[:70]}")
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def realworld(path: Path | None = None) -> list[Item] | None:
    """realworld-dev.jsonl, or None when absent."""
    from spamscalpel.html import looks_like_html

    path = path or SHARED / "data" / "realworld-dev.jsonl"
    if not path.is_file():
        return None
    items = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                r = json.loads(line)
                # Some records are raw HTML/PHP files: read them as the CLI would (sniffed format).
                fmt = "html" if looks_like_html(r["text"]) else "text"
                src = r.get("url") or r.get("source") or ""
                items.append(
                    Item(
                        r["id"],
                        r["text"],
                        r["kind"],
                        tuple((s["start"], s["end"]) for s in r["spans"]),
                        fmt,
                        src if src.startswith(("http://", "https://")) else None,
                        r.get("category", ""),
                        r.get("language", ""),
                    )
                )
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{lineno}: bad record: {exc}") from exc
    return items


def specimen(folder: Path | None = None) -> list[Item] | None:
    """The specimen page(s), or None when absent."""
    folder = folder or SHARED / "specimen"
    if not folder.is_dir():
        return None
    items = []
    for meta_path in sorted(folder.glob("*.spans.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (folder / meta["file"]).read_text(encoding="utf-8")
        spans = tuple((s["start"], s["end"]) for s in meta["spans"])
        items.append(Item(meta["file"], text, meta.get("verdict", "injected"), spans))
    return items or None


def data_hashes() -> dict[str, str]:
    """SHA-256 of each shared evaluation file, keyed by its path under shared/."""
    files = [
        SHARED / "data" / "realworld-dev.jsonl",
        SHARED / "data" / "realworld-dev2.jsonl",
        *sorted((SHARED / "specimen").glob("*")),
    ]
    return {
        str(p.relative_to(SHARED)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()
    }


def synthetic_hash(items: Sequence[Item]) -> str:
    """SHA-256 of a generated split, so the gate can tell a generator change from a quality drop."""
    h = hashlib.sha256()
    for it in items:
        h.update(json.dumps([it.id, it.kind, it.format, it.text, it.spans]).encode("utf-8"))
    return h.hexdigest()


# --- systems --------------------------------------------------------------------------------


class Spamscalpel:
    """spamscalpel.analyze with one registered scorer."""

    def __init__(self, scorer: str):
        self.scorer = scorer
        self.name = f"spamscalpel:{scorer}"

    def available(self) -> str | None:
        try:
            from spamscalpel.analyze import Config, analyze
            from spamscalpel.score import get_scorer

            get_scorer(self.scorer)  # a scorer whose weights are missing says so here
            analyze("probe", Config(scorer=self.scorer))
        except Exception as exc:  # noqa: BLE001 - an unknown or broken scorer is reported, not fatal
            return f"{type(exc).__name__}: {exc}"
        return None

    def predict(self, docs: Sequence[Item]) -> list[Prediction]:
        from spamscalpel.analyze import Config, analyze
        from spamscalpel.types import Document

        cfg = Config(scorer=self.scorer)
        out = []
        for d in docs:
            try:
                rep = analyze(Document(id=d.id, text=d.text, format=d.format, url=d.url), cfg)
                out.append(Prediction(rep.is_spam, tuple((s.start, s.end) for s in rep.spans)))
            except Exception as exc:  # noqa: BLE001 - one bad document never stops the run
                out.append(Prediction(False, (), f"{d.id}: {type(exc).__name__}: {exc}"))
        return out


# --- metrics --------------------------------------------------------------------------------


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _covered(span: tuple[int, int], union: Sequence[tuple[int, int]]) -> int:
    s, e = span
    return sum(max(0, min(e, b) - max(s, a)) for a, b in union)


def score(items: Sequence[Item], preds: Sequence[Prediction]) -> dict:
    """All metrics of one system on one dataset; span metrics are None for document-level systems."""
    m: dict = {"counts": {}}
    for kind in SPAM_KINDS + CLEAN_KINDS:
        idx = [i for i, it in enumerate(items) if it.kind == kind]
        if not idx:
            continue
        k = sum(preds[i].flagged for i in idx)
        m["counts"][kind] = f"{k}/{len(idx)}"
        key = f"recall_{kind}" if kind in SPAM_KINDS else f"fpr_{kind}"
        m[key] = k / len(idx)
    inj = [i for i, it in enumerate(items) if it.kind == "injected" and it.spans]
    if inj and all(preds[i].spans is not None for i in inj):
        gold_n = gold_found = pred_n = pred_ok = 0
        tp = fp = fn = 0
        for i in inj:
            gold = _merge(items[i].spans)
            pred = _merge(preds[i].spans or ())
            for g in items[i].spans:
                gold_n += 1
                gold_found += _covered(g, pred) * 2 >= (g[1] - g[0])
            for p in preds[i].spans or ():
                pred_n += 1
                pred_ok += _covered(p, gold) * 2 >= (p[1] - p[0])
            inter = sum(_covered(g, pred) for g in gold)
            tp += inter
            fp += sum(e - s for s, e in pred) - inter
            fn += sum(e - s for s, e in gold) - inter
        r = gold_found / gold_n if gold_n else 0.0
        p = pred_ok / pred_n if pred_n else (1.0 if not gold_n else 0.0)
        m.update(
            span_recall=r,
            span_precision=p,
            span_f1=2 * p * r / (p + r) if p + r else 0.0,
            char_f1=2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0,
        )
        m["counts"]["spans_found"] = f"{gold_found}/{gold_n}"
        m["counts"]["spans_correct"] = f"{pred_ok}/{pred_n}"
    scores = [p.score for p in preds if p.score is not None]
    if scores:
        m["mean_score"] = round(sum(scores) / len(scores), 3)
        m["max_score"] = max(scores)
    errors = [p.error for p in preds if p.error]
    if errors:
        m["errors"] = {"n": len(errors), "first": errors[:3]}
    return m


# --- running and printing -------------------------------------------------------------------


def evaluate(datasets: dict[str, list[Item]], systems: Sequence, keep: dict | None = None) -> dict:
    """Run every available system on every dataset (predictions into ``keep[(dataset, system)]``)."""
    results: dict = {"datasets": {}, "systems": {}}
    for sysm in systems:
        why = sysm.available()
        results["systems"][sysm.name] = {"available": why is None, **({"why": why} if why else {})}
    for dname, items in datasets.items():
        results["datasets"][dname] = {"n": len(items), "systems": {}}
        for sysm in systems:
            if not results["systems"][sysm.name]["available"]:
                continue
            t0 = time.perf_counter()
            preds = sysm.predict(items)
            if keep is not None:
                keep[(dname, sysm.name)] = preds
            m = score(items, preds)
            m["seconds"] = round(time.perf_counter() - t0, 2)
            results["datasets"][dname]["systems"][sysm.name] = m
            print(f"  {dname:<10} {sysm.name:<26} done in {m['seconds']} s", file=sys.stderr)
        for sysm in systems:
            v = getattr(sysm, "version", "") or getattr(sysm, "origin", "")
            if v:
                results["systems"][sysm.name]["version"] = v
    return results


def _cell(m: dict | None, metric: str) -> str:
    if m is None:
        return "n/a"
    v = m.get(metric)
    if v is None:
        return "–"
    kind = metric.removeprefix("recall_").removeprefix("fpr_")
    count = m["counts"].get(kind)
    if metric == "span_recall":
        count = m["counts"].get("spans_found")
    elif metric == "span_precision":
        count = m["counts"].get("spans_correct")
    return f"{v:.3f}" + (f" ({count})" if count else "")


def markdown(results: dict) -> str:
    """One table per dataset: metrics as rows, systems as columns."""
    names = list(results["systems"])
    lines = []
    for dname, d in results["datasets"].items():
        lines += [
            f"\n### {dname} ({d['n']} documents)\n",
            "| metric | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names),
        ]
        for metric in DIRECTION:
            row = [_cell(d["systems"].get(n), metric) for n in names]
            if all(c in ("n/a", "–") for c in row):
                continue
            arrow = "↑" if DIRECTION[metric] == "min" else "↓"
            lines.append(f"| {metric} {arrow} | " + " | ".join(row) + " |")
    gone = [f"{n}: {s['why']}" for n, s in results["systems"].items() if not s["available"]]
    if gone:
        lines.append("\nUnavailable: " + "; ".join(gone))
    return "\n".join(lines)


def breakdown(datasets: dict[str, list[Item]], system) -> str:
    """Per trade and per language rows for the datasets that label them (one system)."""
    lines = []
    for dname, items in datasets.items():
        for field in ("category", "language"):
            groups = sorted({getattr(it, field) for it in items if getattr(it, field)})
            if not groups:
                continue
            lines += [
                f"\n### {dname} by {field} ({system.name})\n",
                f"| {field} | " + " | ".join(SPAM_KINDS + CLEAN_KINDS) + " | span recall | span precision |",
                "|---|" + "---|" * (len(SPAM_KINDS + CLEAN_KINDS) + 2),
            ]
            for g in groups:
                sub = [it for it in items if getattr(it, field) == g]
                m = score(sub, system.predict(sub))
                cells = [m["counts"].get(k, "–") for k in SPAM_KINDS + CLEAN_KINDS]
                cells += [m["counts"].get("spans_found", "–"), m["counts"].get("spans_correct", "–")]
                lines.append(f"| {g} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def synthetic_tables(per_trade: dict[str, dict[str, tuple[int, int]]], shares: dict) -> str:
    """The synthetic split's span recall per trade (one column per scorer) and its source shares."""
    names = list(per_trade)
    trades = sorted({t for v in per_trade.values() for t in v})
    lines = [
        "\n### synthetic span recall by trade\n",
        "| trade | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for t in trades:
        cells = []
        for n in names:
            a, b = per_trade[n].get(t, (0, 0))
            cells.append(f"{a / b:.3f} ({a}/{b})" if b else "–")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    lines += [
        f"\n### synthetic sources ({shares['documents']} documents with a clean side; "
        f"real text in {shares['real_text_share']:.1%})\n",
        "| source | share of documents |",
        "|---|---|",
    ]
    lines += [f"| {o} | {v:.1%} |" for o, v in shares["origin_share"].items()]
    neg = shares["clean_documents_with_trade_article"]
    if neg:
        lines.append(
            "\nClean documents holding a real article about a trade (hard negatives): "
            + ", ".join(f"{t} {k}" for t, k in neg.items())
        )
    return "\n".join(lines)


def gate_datasets() -> dict[str, list[Item]]:
    """The datasets the evaluation gate checks (no fetched corpora, no lexicon: stable anywhere)."""
    ds: dict[str, list[Item]] = {
        "synthetic": synthetic(
            GATE_SYNTH["n"], GATE_SYNTH["seed"], GATE_SYNTH["split"], fetched=False, use_lexicon=False
        )
    }
    rw, rw2, sp = realworld(), realworld(SHARED / "data" / "realworld-dev2.jsonl"), specimen()
    if rw is not None:
        ds["realworld"] = rw
    if rw2 is not None:
        ds["realworld2"] = rw2
    if sp is not None:
        ds["specimen"] = sp
    return ds


def gate_metrics(scorer: str = "hybrid_v1") -> dict[str, dict]:
    """Metrics of one spamscalpel scorer on the gate datasets."""
    sysm = Spamscalpel(scorer)
    return {name: score(items, sysm.predict(items)) for name, items in gate_datasets().items()}


def pin(scorer: str, slack: float = 0.0) -> dict:
    """Write floors.json from the current system's numbers (``slack`` loosens each bound)."""
    metrics = gate_metrics(scorer)
    floors: dict = {}
    for dname, m in metrics.items():
        floors[dname] = {}
        for metric, direction in DIRECTION.items():
            if m.get(metric) is None:
                continue
            v = float(m[metric])
            # Round away from the measured value so that the run that pinned a bound passes it.
            if direction == "min":
                bound = max(0.0, math.floor((v - slack) * 1e4) / 1e4)
            else:
                bound = min(1.0, math.ceil((v + slack) * 1e4) / 1e4)
            floors[dname][metric] = {direction: bound}
    doc = {
        "scorer": scorer,
        "synthetic": GATE_SYNTH,
        "data_sha256": data_hashes(),
        "synthetic_sha256": synthetic_hash(gate_datasets()["synthetic"]),
        "floors": floors,
        "pinned_from": {d: {k: m[k] for k in DIRECTION if m.get(k) is not None} for d, m in metrics.items()},
    }
    FLOORS.parent.mkdir(parents=True, exist_ok=True)
    FLOORS.write_text(json.dumps(doc, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    return doc


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--synthetic-n", type=int, default=400, help="documents in the synthetic test split")
    ap.add_argument("--seed", type=int, default=SYNTH_TEST_SEED)
    ap.add_argument(
        "--scorers",
        default="hybrid_v1,rules_v1,model_v1",
        help="comma-separated spamscalpel scorers (the first is the one --pin pins: the default scorer)",
    )
    ap.add_argument("--no-spamassassin", action="store_true", help="skip the SpamAssassin baseline")
    ap.add_argument(
        "--synthetic-builtin",
        action="store_true",
        help="synthetic split from the hand-written sources only (ignore the built real-text files)",
    )
    ap.add_argument(
        "--no-mined-phrases", action="store_true", help="synthetic split without the mined spam phrases"
    )
    ap.add_argument(
        "--show-missed", type=int, default=0, metavar="N", help="list N missed synthetic spans per trade"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "accuracy.json")
    ap.add_argument("--pin", action="store_true", help="rewrite tests/fixtures/eval/floors.json and exit")
    ap.add_argument("--slack", type=float, default=0.0, help="with --pin: loosen each pinned bound by this")
    args = ap.parse_args(argv)
    # SIGTERM becomes SystemExit so that the private spamd is stopped in its ``finally``.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scorers = [s.strip() for s in args.scorers.split(",") if s.strip()]

    if args.pin:
        doc = pin(scorers[0], args.slack)
        print(json.dumps(doc["pinned_from"], indent=1))
        print(f"wrote {FLOORS}")
        return 0

    fetched = not args.synthetic_builtin
    datasets: dict[str, list[Item]] = {
        "synthetic": synthetic(
            args.synthetic_n, args.seed, fetched=fetched, mined=fetched and not args.no_mined_phrases
        )
    }
    loaders = (
        ("realworld", realworld),
        ("realworld2", lambda: realworld(SHARED / "data" / "realworld-dev2.jsonl")),
        ("specimen", specimen),
    )
    for name, loader in loaders:
        items = loader()
        if items is None:
            print(f"skip {name}: not found under {SHARED}", file=sys.stderr)
        else:
            datasets[name] = items
    systems: list = [WordList()]
    if not args.no_spamassassin:
        systems.append(SpamAssassin())
    systems += [Spamscalpel(s) for s in scorers]
    preds: dict = {}
    results = evaluate(datasets, systems, preds)
    shares = source_shares(datasets["synthetic"], fetched=fetched)
    missed: dict[str, list[str]] = {}
    per_trade = {
        sysm.name: trade_recall(
            datasets["synthetic"],
            preds[("synthetic", sysm.name)],
            missed if sysm.name == f"spamscalpel:{scorers[0]}" else None,
        )
        for sysm in systems
        if ("synthetic", sysm.name) in preds and isinstance(sysm, Spamscalpel)
    }
    results["synthetic_by_trade"] = {
        n: {t: f"{a}/{b}" for t, (a, b) in v.items()} for n, v in per_trade.items()
    }
    results["synthetic_sources"] = shares
    results["meta"] = {
        "synthetic": {
            "n": args.synthetic_n,
            "seed": args.seed,
            "split": "test",
            "real_text": fetched,
            "mined_phrases": fetched and not args.no_mined_phrases,
        },
        "data_sha256": data_hashes(),
    }
    table = (
        markdown(results) + synthetic_tables(per_trade, shares) + breakdown(datasets, Spamscalpel(scorers[0]))
    )
    print(table)
    if args.show_missed:
        print(f"\n### missed synthetic spans ({scorers[0]}, first {args.show_missed} per trade)\n")
        for trade, rows in sorted(missed.items()):
            print(f"- {trade} ({len(rows)}): " + "; ".join(rows[: args.show_missed]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
