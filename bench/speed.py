"""Speed benchmark: MB/s and docs/s of ``analyze`` on generated ordinary text and drug-dense text.

Both corpora are generated deterministically (a seeded RNG over word lists and sentence templates
written for this file), so runs are comparable across machines and commits. A plain
pyahocorasick pass over the lexicon terms is timed alongside as a floor for what any
keyword-based prefilter costs.

    .venv/bin/python bench/speed.py --mb 2
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from pathlib import Path

DOC_BYTES = 2048
OUT_DIR = Path(__file__).resolve().parent / "out"

# -- ordinary English-like text: everyday topics, no drug or spam vocabulary
SUBJECTS = [
    "the town council",
    "our neighbour",
    "the old mill",
    "a local baker",
    "the library",
    "the river path",
    "the school choir",
    "a retired teacher",
    "the allotment society",
    "the ferry",
    "the museum",
    "the farmers' market",
    "a young carpenter",
    "the village hall",
    "the cycling club",
    "the harbour",
]
VERBS = [
    "repaired",
    "opened",
    "described",
    "painted",
    "planned",
    "visited",
    "measured",
    "photographed",
    "restored",
    "celebrated",
    "cleaned",
    "rebuilt",
    "discussed",
    "mapped",
    "planted",
    "recorded",
]
OBJECTS = [
    "the stone bridge",
    "a row of apple trees",
    "the clock tower",
    "an old railway line",
    "the garden wall",
    "the parish records",
    "a set of oak benches",
    "the north meadow",
    "the bread oven",
    "the east window",
    "a winter timetable",
    "the bandstand",
    "the market square",
    "the reading room",
    "the slipway",
]
TIMES = [
    "last spring",
    "after the storm",
    "in the early morning",
    "before the harvest",
    "over the summer",
    "during the festival",
    "in 1896",
    "each September",
    "on rainy weekends",
    "after the flood",
]
CLAUSES = [
    "and nobody expected the work to take so long",
    "which drew a small crowd from the next valley",
    "because the original plans had been lost",
    "while the children watched from the fence",
    "so that visitors could find their way in the dark",
    "though the weather turned cold by noon",
    "and the results were written up in the newsletter",
]
ORDINARY_TEMPLATES = [
    "{S} {V} {O} {T}, {C}.",
    "{T}, {S} {V} {O}.",
    "It was {S} that {V} {O}, {C}.",
    "Few people remember how {S} {V} {O} {T}.",
]

# -- drug-dense medical text: legitimate drug information naming many drugs
DRUGS = [
    "metformin",
    "lisinopril",
    "atorvastatin",
    "amlodipine",
    "omeprazole",
    "sertraline",
    "levothyroxine",
    "ibuprofen",
    "paracetamol",
    "warfarin",
    "metoclopramide",
    "tramadol",
    "sildenafil",
    "tadalafil",
    "amoxicillin",
    "prednisolone",
    "salbutamol",
    "gabapentin",
    "citalopram",
    "furosemide",
    "diazepam",
    "ondansetron",
    "insulin glargine",
    "clopidogrel",
    "losartan",
    "simvastatin",
    "doxycycline",
]
CONDITIONS = [
    "type 2 diabetes",
    "high blood pressure",
    "raised cholesterol",
    "gastro-oesophageal reflux",
    "depression",
    "an underactive thyroid",
    "chronic pain",
    "atrial fibrillation",
    "nausea after surgery",
    "erectile dysfunction",
    "asthma",
    "nerve pain",
    "heart failure",
    "a chest infection",
]
EFFECTS = [
    "headache",
    "dizziness",
    "nausea",
    "a dry cough",
    "muscle aches",
    "drowsiness",
    "diarrhoea",
    "low blood sugar",
    "swollen ankles",
    "a rash",
    "blurred vision",
    "tiredness",
]
MEDICAL_TEMPLATES = [
    "{D} is prescribed for {X}; the usual starting dose is {N} mg once a day.",
    "Common side effects of {D} include {E} and {E2}, which often settle within two weeks.",
    "Patients taking {D} together with {D2} should have their kidney function checked regularly.",
    "Treatment with {D} may be stopped if {E} persists; talk to your doctor before changing the dose.",
    "In the trial, {D} reduced symptoms of {X} more than placebo, though {E} was more frequent.",
    "Do not take {D} if you are allergic to it, and tell your pharmacist about any {D2} you use.",
    "For {X}, guidelines list {D} as a first choice and {D2} as an alternative.",
]


def _doc(rng: random.Random, fill) -> str:
    parts: list[str] = []
    size = 0
    while size < DOC_BYTES:
        sentence = fill(rng)
        parts.append(sentence)
        size += len(sentence) + 1
        if rng.random() < 0.15:
            parts.append("\n\n")
    return " ".join(parts).replace(" \n\n ", "\n\n")


def _ordinary(rng: random.Random) -> str:
    s = rng.choice(ORDINARY_TEMPLATES).format(
        S=rng.choice(SUBJECTS),
        V=rng.choice(VERBS),
        O=rng.choice(OBJECTS),
        T=rng.choice(TIMES),
        C=rng.choice(CLAUSES),
    )
    return s[0].upper() + s[1:]


def _medical(rng: random.Random) -> str:
    d, d2 = rng.sample(DRUGS, 2)
    e, e2 = rng.sample(EFFECTS, 2)
    s = rng.choice(MEDICAL_TEMPLATES).format(
        D=d, D2=d2, X=rng.choice(CONDITIONS), E=e, E2=e2, N=rng.choice([5, 10, 20, 25, 40, 50, 100, 500])
    )
    return s[0].upper() + s[1:]


def make_corpus(kind: str, mb: float, seed: int = 7) -> list[str]:
    """``mb`` megabytes of ~2 KB documents of the given kind ("ordinary" or "medical")."""
    rng = random.Random(f"{kind}-{seed}")
    fill = _ordinary if kind == "ordinary" else _medical
    docs: list[str] = []
    total = 0
    while total < mb * 1_000_000:
        d = _doc(rng, fill)
        docs.append(d)
        total += len(d.encode("utf-8"))
    return docs


def _prefilter_terms() -> list[str]:
    try:
        from spamscalpel.lexicon import load_lexicon

        return [t for t in load_lexicon().terms if t]
    except Exception:  # the lexicon API is still moving; fall back to this file's own list
        return DRUGS + ["viagra", "cialis", "casino", "payday loan", "kamagra"]


def time_analyze(docs: list[str]) -> tuple[float, int]:
    from spamscalpel import Document, analyze

    flagged = 0
    t0 = time.perf_counter()
    for i, text in enumerate(docs):
        flagged += analyze(Document(f"d{i}", text)).is_spam
    return time.perf_counter() - t0, flagged


def time_prefilter(docs: list[str], terms: list[str]) -> tuple[float, int]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for t in terms:
        automaton.add_word(t.lower(), t)
    automaton.make_automaton()
    hits = 0
    t0 = time.perf_counter()
    for text in docs:
        for _ in automaton.iter(text.lower()):
            hits += 1
            break  # a prefilter only asks "any term at all?"
    return time.perf_counter() - t0, hits


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a markdown table and write bench/out/speed.json."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=2.0, help="megabytes of text per corpus (default 2)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=OUT_DIR / "speed.json")
    args = ap.parse_args(argv)

    from spamscalpel import analyze

    analyze("warm up: load the lexicon and scorer once, outside the timed loop; buy viagra online")
    terms = _prefilter_terms()
    rows = []
    for kind in ("ordinary", "medical"):
        docs = make_corpus(kind, args.mb, args.seed)
        mb = sum(len(d.encode("utf-8")) for d in docs) / 1_000_000
        for stage, fn in (("analyze", time_analyze), ("aho-corasick prefilter", None)):
            secs, flagged = fn(docs) if fn else time_prefilter(docs, terms)
            rows.append(
                {
                    "corpus": kind,
                    "stage": stage,
                    "docs": len(docs),
                    "mb": round(mb, 3),
                    "seconds": round(secs, 3),
                    "mb_per_s": round(mb / secs, 2) if secs else None,
                    "docs_per_s": round(len(docs) / secs, 1) if secs else None,
                    "flagged" if stage == "analyze" else "docs_with_a_term": flagged,
                }
            )

    print(
        f"| corpus | stage | docs | MB | s | MB/s | docs/s | flagged |  (Python {platform.python_version()})"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        flagged = r.get("flagged", r.get("docs_with_a_term"))
        print(
            f"| {r['corpus']} | {r['stage']} | {r['docs']} | {r['mb']} | {r['seconds']} | "
            f"{r['mb_per_s']} | {r['docs_per_s']} | {flagged} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "mb_per_corpus": args.mb}
    args.out.write_text(
        json.dumps({"meta": meta, "rows": rows, "prefilter_terms": len(terms)}, indent=1) + "\n"
    )
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
