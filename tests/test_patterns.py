"""Tests for the pattern finder (unknown product words in sales frames) and the common-word list."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from spamscalpel import analyze
from spamscalpel.detect.finders import candidates_for, has_candidates
from spamscalpel.detect.keywords import find_keyword_candidates
from spamscalpel.detect.patterns import (
    find_pattern_candidates,
    has_pattern_candidates,
    is_unknown_word,
)
from spamscalpel.lexicon import COMMON_WORDS_PATH, LexiconError, load_common_words
from spamscalpel.normalize import normalize


def _patterns(text: str):
    norm = normalize(text)
    return norm, find_pattern_candidates(norm, taken=find_keyword_candidates(norm))


# (text, the unknown product word, category)
POSITIVES = [
    ("online pharmacy buy zolofexa with best prices today in the USA", "zolofexa", "pharma"),
    ("buy tadalista20 online", "tadalista20", "pharma"),
    ("cheap fildenafilix pills", "fildenafilix", "pharma"),
    ("vardenix 20 mg online", "vardenix", "pharma"),
    ("Order generic Fildenafilix online without a prescription.", "fildenafilix", "pharma"),
    ("purchase cheap kovalenzo 40mg", "kovalenzo", "pharma"),
    ("zolofexa without a prescription", "zolofexa", "pharma"),
    ("Buy Tadalista-20 no prescription", "tadalista-20", "pharma"),
    ("super-x for sale online", "super-x", "other"),
    ("where to buy zolofexa", "zolofexa", "other"),
    ("buy zorbify online", "zorbify", "other"),
    ("best spinzilla casino", "spinzilla", "gambling"),
    ("quickcashly payday loans", "quickcashly", "loans"),
    ("replica bvlgari watches", "bvlgari", "replica"),
    ("write my dissertaton", "dissertaton", "essay"),
    ("priloxen over the counter", "priloxen", "pharma"),
    ("melorin pills", "melorin", "pharma"),
    ("fildenafilix online pharmacy", "fildenafilix", "pharma"),
    ("tadavexa 50 mg", "tadavexa", "pharma"),
]

NEGATIVES = [
    "buy tickets online",
    "order pizza online",
    "cheap flights to Lisbon",
    "generic medicines save money",
    "buy kombucha online",
    "the 20 mg dose of prednisone",
    "Where to buy furniture",
    "Where can I buy Alderney cheese?",
    "buy e-books online",
    "You can buy groceries and lumber online.",
    "We buy ps5 online.",
    "order your covid-19 test online",
    "the best pizza casino night",  # 'pizza' is English
    "cheap tablets for students",
    "write my name on the form",
    "Dissolve the effervescent tablets in water.",
    "Swallow the enteric-coated tablets whole.",
    "Chewable tablets are available for children.",
    "Use the Groupon coupon for the best price.",
]


@pytest.mark.parametrize(("text", "word", "category"), POSITIVES)
def test_positive_frames(text: str, word: str, category: str) -> None:
    norm, cands = _patterns(text)
    assert len(cands) == 1, cands
    (c,) = cands
    assert (c.term, c.canonical, c.kind, c.category) == (word, word, "unknown", category)
    assert 0.0 < c.strength <= 0.6
    # Offsets map back to the original text, and the phrase holds the product word.
    start, end = norm.to_original(c.start, c.end)
    kw_start, kw_end = norm.to_original(c.kw_start, c.kw_end)
    assert text[kw_start:kw_end].lower() == word
    assert start <= kw_start < kw_end <= end
    # Frames that end in a lexicon keyword ("best X casino") pass the prefilter by that keyword.
    if category in ("pharma", "other", "essay"):
        assert has_pattern_candidates(text.lower())
    assert has_candidates(text)


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negatives(text: str) -> None:
    _, cands = _patterns(text)
    assert cands == []
    assert not has_pattern_candidates(text.lower())


def test_frame_words_become_modifiers() -> None:
    _, (c,) = _patterns("Order generic Fildenafilix online without a prescription.")
    assert {"order", "generic", "online", "without a prescription"} <= set(c.modifiers)
    assert len(c.modifiers) == len(set(c.modifiers))
    _, (c,) = _patterns("online pharmacy buy zolofexa with best prices today in the USA")
    assert c.template == "best_prices_today" and "online pharmacy" in c.modifiers
    _, (c,) = _patterns("vardenix 20 mg online")
    assert c.dose == "20 mg" and c.template == "dose_sale"


def test_offsets_inside_a_longer_text() -> None:
    text = "Our café serves soup.  Buy  ＴＡＤＡＬＩＳＴＡ20 online\u00a0now, said the sign."
    norm, (c,) = _patterns(text)
    start, end = norm.to_original(c.start, c.end)
    assert text[start:end].startswith("Buy  ＴＡＤＡＬＩＳＴＡ20 online")


def test_keyword_candidates_win() -> None:
    # The keyword is its own candidate; the unknown word beside it joins it and the keyword leads.
    for text, term in (
        ("best spinzilla casino", "casino"),
        ("quickcashly payday loans", "payday loan"),
        ("replica bvlgari watches", "replica"),
    ):
        norm, cands = candidates_for(text)
        assert len(cands) == 1, cands
        c = cands[0]
        assert c.kind == "keyword" and c.term.startswith(term)
        assert norm.text[c.start : c.end] == text
    # A pattern candidate never overlaps a keyword candidate.
    norm, cands = candidates_for("buy viagra online and buy zolofexa online")
    assert [c.term for c in cands] == ["viagra", "zolofexa"]
    assert cands[0].end <= cands[1].start


def test_leftover_of_a_split_word_is_not_a_product() -> None:
    # "isotret<sertraline pills>inoin": the injection split a word; "inoin" is no brand.
    norm, cands = candidates_for("Sites that sell isotret sertraline pills inoin without a prescription")
    assert [norm.text[c.start : c.end] for c in cands] == ["sertraline pills"]


def test_candidates_are_sorted_and_disjoint() -> None:
    text = "buy zolofexa online. cheap fildenafilix pills; kamagra 100mg; vardenix 20 mg online"
    norm, cands = candidates_for(text)
    assert len(cands) == 4
    for a, b in zip(cands, cands[1:], strict=False):
        assert a.end <= b.start


@pytest.mark.parametrize(
    ("word", "unknown"),
    [
        ("zolofexa", True),
        ("tadalista20", True),
        ("tadalista-20", True),
        ("super-x", True),
        ("tickets", False),
        ("bentleys", False),  # plural of an English word
        ("covid-19", False),
        ("e-books", False),
        ("x-ray", False),
        ("ps5", False),
        ("viagra", False),  # a lexicon term: the keyword finder's business
        ("online", False),
        ("abc", False),  # too short
        ("a" * 21, False),  # too long
    ],
)
def test_is_unknown_word(word: str, unknown: bool) -> None:
    assert is_unknown_word(word) is unknown


# --- end to end ------------------------------------------------------------------------------

PARAGRAPH = (
    "The allotment society met on Sunday to plan the spring planting. {} Volunteers repaired the "
    "shed roof and measured the new beds, and the river path was cleared of fallen branches."
)


@pytest.mark.parametrize(
    "injection",
    [
        "buy tadalista20 online",
        "Order generic Fildenafilix online without a prescription.",
        "online pharmacy buy zolofexa with best prices today in the USA",
        "cheap fildenafilix pills",
        "vardenix 20 mg online",
    ],
)
def test_analyze_reports_unknown_brand_injection(injection: str) -> None:
    text = PARAGRAPH.format(injection)
    report = analyze(text)
    assert report.verdict in ("injected", "spam_page")
    start = text.index(injection)
    spans = [s for s in report.spans if s.start < start + len(injection) and start < s.end]
    assert spans and all(s.category == "pharma" for s in spans)
    for s in spans:
        assert text[s.start : s.end] == s.text


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_analyze_keeps_negatives_clean(sentence: str) -> None:
    report = analyze(PARAGRAPH.format(sentence.rstrip(".") + "."))
    assert report.verdict == "clean" and not report.spans


def test_prefilter_still_skips_ordinary_text() -> None:
    assert not has_candidates(PARAGRAPH.format("Order the seeds before the best week of March."))


# --- the common-word list --------------------------------------------------------------------


def test_common_words_cut() -> None:
    words = load_common_words()
    assert isinstance(words, frozenset) and load_common_words() is words
    for w in ("tickets", "groceries", "lumber", "pizza", "kombucha", "furniture"):
        assert w in words, w
    for w in ("zyban", "symbicort", "advair", "reglan", "addyi", "kamagra"):
        assert w not in words, w
    assert all(w == w.lower() for w in words)


def test_common_words_file_is_small() -> None:
    assert COMMON_WORDS_PATH.stat().st_size < 400_000


def test_common_words_missing_or_bad_file(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        load_common_words(tmp_path / "nope.txt.gz")
    bad = tmp_path / "bad.txt.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(LexiconError, match="unreadable"):
        load_common_words(bad)


@pytest.mark.slow
def test_common_words_rebuild_is_byte_identical() -> None:
    if importlib.util.find_spec("wordfreq") is None:
        pytest.skip("wordfreq is not installed (pip install 'spamscalpel[lexicon-build]')")
    import gzip
    import json

    from spamscalpel.lexicon import DATA_PATH, build

    shipped = json.loads(gzip.decompress(DATA_PATH.read_bytes()))
    if shipped["sources"] != build.source_versions():
        pytest.skip(
            f"source packages differ from the ones the shipped files were built with: {shipped['sources']}"
        )
    data = build.encode_words(build.build_common_words())
    assert data == COMMON_WORDS_PATH.read_bytes(), "rebuild differs: run python -m spamscalpel.lexicon.build"


def test_frames_for_are_the_frames_with_a_hint_in_the_text() -> None:
    import random

    from spamscalpel.detect import patterns as P

    hints = sorted({h for f in P.FRAMES for h in f.hints})
    rng = random.Random(2)
    for _ in range(3000):
        low = "".join(rng.choice([*hints, " ", "x", "é", "bu", "ord", "s"]) for _ in range(rng.randint(0, 6)))
        assert P._frames_for(low) == [f for f in P.FRAMES if any(h in low for h in f.hints)], low


def test_search_forms_find_what_the_frame_patterns_find() -> None:
    import random

    from spamscalpel.detect import patterns as P

    changed = [f.name for f in P.FRAMES if P._SEARCH[f.name] is not f.pattern]
    assert len(changed) >= 10, changed  # all but frames whose pattern opens with an optional group
    pieces = [
        "buy", "order", "purchase", "ing", "cheap", "cheapest", "generic", "discount", "where to", "can i",
        "10", "5.5", "0,5", "mg", "mcg", "online", "price", "without a doctor's prescription", "no rx",
        "for sale", "best", "casino", "slots", "payday loans", "replica", "watches", "write my", "essay",
        "over the counter", "pharmacy", "pills", "tablets", "capsule", "x", "x1", "-", "_", "'", "é", "9",
    ]  # fmt: skip
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "  ", "-", "x", "\n"]) for _ in range(rng.randint(1, 9)))
        for f in P.FRAMES:
            want = [(m.span(), m.groups()) for m in f.pattern.finditer(text)]
            assert [(m.span(), m.groups()) for m in P._SEARCH[f.name].finditer(text)] == want, (f.name, text)
