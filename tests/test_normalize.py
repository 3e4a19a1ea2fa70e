"""Normalizer: a table per obfuscation kind, hard negatives, and offset-map properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from spamscalpel.normalize import Normalized, needs_normalizing, normalize

WORD = re.compile(r"\w+")

# (input, expected normalized text, keyword in the normalized text, its expected original span)
TABLE = [
    # plain case folding
    ("Buy VIAGRA now", "buy viagra now", "viagra", (4, 10)),
    # leetspeak
    ("buy v1agra online", "buy viagra online", "viagra", (4, 10)),
    ("cheap c!alis", "cheap cialis", "cialis", (6, 12)),
    ("best ph@rmacy", "best pharmacy", "pharmacy", (5, 13)),
    ("v!agra pills", "viagra pills", "viagra", (0, 6)),
    ("order cia1is", "order cialis", "cialis", (6, 12)),
    ("tr@mad0l 50mg", "tramadol 50mg", "tramadol", (0, 8)),
    ("ca$ino bonus", "casino bonus", "casino", (0, 6)),
    ("buy viagr@", "buy viagra", "viagra", (4, 10)),
    ("v1agr4 now", "viagra now", "viagra", (0, 6)),
    ("l3vitra!", "levitra!", "levitra", (0, 7)),
    # a lowercase l among capitals
    ("BUY VlAGRA", "buy viagra", "viagra", (4, 10)),
    ("CIALlS 20mg", "cialis 20mg", "cialis", (0, 6)),
    # spaced, hyphenated, dotted, underscored, starred apart
    ("buy v i a g r a today", "buy viagra today", "viagra", (4, 15)),
    ("v-i-a-g-r-a", "viagra", "viagra", (0, 11)),
    ("get c.i.a.l.i.s here", "get cialis here", "cialis", (4, 15)),
    ("c_a_s_i_n_o", "casino", "casino", (0, 11)),
    ("buy p*r*o*z*a*c now", "buy prozac now", "prozac", (4, 15)),
    # invisible characters
    ("vi\u200bag\u200dra", "viagra", "viagra", (0, 8)),
    ("cia\u00adlis", "cialis", "cialis", (0, 7)),
    ("\ufeffcasino", "casino", "casino", (1, 7)),  # a leading BOM is not part of the word
    ("via\u2060gra", "viagra", "viagra", (0, 7)),
    # decorating combining marks and accents on Latin letters
    ("v\u0332i\u0332a\u0332g\u0332r\u0332a\u0332", "viagra", "viagra", (0, 12)),
    ("c\u0336i\u0336a\u0336lis", "cialis", "cialis", (0, 9)),
    ("Vi\u00e1gra", "viagra", "viagra", (0, 6)),
    ("Via\u0301gra", "viagra", "viagra", (0, 7)),
    # Cyrillic and Greek look-alikes inside a Latin token
    ("buy vi\u0430gra", "buy viagra", "viagra", (4, 10)),
    ("\u0441ialis", "cialis", "cialis", (0, 6)),
    ("\u0440h\u0430rm\u0430\u0441y", "pharmacy", "pharmacy", (0, 8)),
    ("VI\u0391GRA", "viagra", "viagra", (0, 6)),
    ("\u0397CG drops", "hcg drops", "hcg", (0, 3)),
    ("l\u03b5vitra", "levitra", "levitra", (0, 7)),
    # compatibility forms and length-changing folds
    ("\uff36\uff49\uff41\uff47\uff52\uff41", "viagra", "viagra", (0, 6)),
    (
        "\U0001d42f\U0001d422\U0001d41a\U0001d420\U0001d42b\U0001d41a",
        "viagra",
        "viagra",
        (0, 6),
    ),  # astral chars are one code point each
    ("Stra\u00dfe viagra", "strasse viagra", "viagra", (7, 13)),
    ("\u0130stanbul casino", "istanbul casino", "casino", (9, 15)),
]


@pytest.mark.parametrize(("raw", "expected", "keyword", "span"), TABLE, ids=[t[0] for t in TABLE])
def test_table(raw: str, expected: str, keyword: str, span: tuple[int, int]) -> None:
    n = normalize(raw)
    assert n.text == expected
    k = n.text.index(keyword)
    assert n.to_original(k, k + len(keyword)) == span
    assert normalize(raw[span[0] : span[1]]).text == keyword
    _check_contract(n)


NEGATIVES = [
    "Привет, как дела? Сегодня хорошая погода.",
    "Η Ελλάδα είναι μια χώρα στην Ευρώπη.",
    "2010",
    "20mg",
    "take 100 mg twice daily",
    "socialism",
    "mp3",
    "h1n1 and covid19",
    "1st, 2nd, 3rd and 4th",
    "wow! great",
    "Home|About|Contact",
    "mail john@example.com",
    "I am a b c",  # only three single letters
    "U.S.A. in 1999",
    "price $5",
    "pde5 inhibitors",  # a trailing digit alone is a name, not leet
    "python3 and big5",
    "id a03fa01",  # hex codes keep their digits
    "上午11點開放",  # digits between CJK characters
    "sk8er boi",
]


@pytest.mark.parametrize("raw", NEGATIVES)
def test_negatives_only_case_fold(raw: str) -> None:
    n = normalize(raw)
    assert n.text == raw.casefold()
    assert n.starts is None and n.ends is None


def test_russian_prose_stays_russian() -> None:
    raw = "Врач назначил препарат, а аптека рядом."
    assert normalize(raw).text == raw.lower()


def test_mixed_script_only_latin_tokens_fold() -> None:
    # "сор" is Russian and stays; "соpy" has a Latin p so its look-alikes fold.
    n = normalize("сор соpy")
    assert n.text == "сор copy"


def test_identity_fast_path() -> None:
    raw = "An ordinary sentence about gardening, with numbers 2010 and 20 mg."
    assert not needs_normalizing(raw)
    n = normalize(raw)
    assert n.starts is None and n.text == raw.lower()
    assert n.to_original(3, 11) == (3, 11)
    assert n.to_normalized(3, 11) == (3, 11)


def test_needs_normalizing_flags_obfuscation() -> None:
    for raw in ("v1agra", "v i a g r a", "VlAGRA", "vi\u200bagra", "viаgra", "Stra\u00dfe", "ｖｉａｇｒａ"):
        assert needs_normalizing(raw), raw


@pytest.mark.parametrize("raw", ["On the 7th of May", "the 1960s band", "wow!! 3 to 1", "mp3 and h1n1", "pde5 big5"])
def test_leet_chars_that_cannot_fold_need_no_normalizing(raw: str) -> None:
    # A leet char beside a letter ("7th", "0s", "w!") is in one ordinary document in six; the
    # fold edits only runs between letters and "@"/"$" after three letters.
    assert not needs_normalizing(raw)
    assert normalize(raw).text == raw.lower()


_LEETISH = st.text(alphabet="abcxyzeiol013457@$!|. _-\n", max_size=16)


@settings(max_examples=3000, deadline=None)
@given(_LEETISH)
@example("ab$!x")
@example("abc$")
@example("v1agr4")
def test_leet_may_fold_is_a_necessary_condition_of_the_fold(raw: str) -> None:
    from spamscalpel.normalize import _LEET_MAY_FOLD, _fold_leet

    edits: dict[int, str] = {}
    _fold_leet(raw, edits)
    if edits:
        assert _LEET_MAY_FOLD.search(raw), (raw, edits)


@pytest.mark.parametrize(
    "raw", ["Привет, как дела?", "don\u2019t \u201cquote\u201d \u2013 dash", "中文文本", "a\u00a0b"]
)
def test_needs_normalizing_false_on_plain_unicode(raw: str) -> None:
    assert not needs_normalizing(raw)
    n = normalize(raw)
    assert n.text == raw.casefold() and n.starts is None


def test_long_text_keeps_a_compact_map() -> None:
    # One zero-width char in a long text: the map is a few segments, and it maps exactly.
    raw = "plain words " * 5000 + "vi\u200bagra" + " more words" * 5000
    n = normalize(raw)
    k = n.text.index("viagra")
    assert n.source[slice(*n.to_original(k, k + 6))] == "vi\u200bagra"
    assert "segments" in repr(n.starts)
    assert n.to_original(3, 8) == (3, 8)
    tail = len(n.text) - 5
    assert n.source[slice(*n.to_original(tail, len(n.text)))] == n.text[tail:]


def test_offset_sequences_act_like_tuples() -> None:
    n = normalize("Stra\u00dfe v i a g r a")
    starts, ends = tuple(n.starts), tuple(n.ends)
    assert n.starts == starts and n.ends == ends
    assert hash(n.starts) == hash(starts)
    assert n.starts[-1] == starts[-1] and list(n.starts[2:6]) == list(starts[2:6])
    assert len(n.starts) == len(n.text)
    with pytest.raises(IndexError):
        n.starts[len(n.text)]


def test_removed_only_range_maps_to_empty() -> None:
    n = normalize("a\u200bb")
    assert n.text == "ab"
    assert n.to_normalized(1, 2) == (1, 1)
    assert n.to_original(1, 1) == (2, 2)


def test_bad_ranges_raise() -> None:
    n = normalize("v i a g r a")
    with pytest.raises(ValueError):
        n.to_original(0, 99)
    with pytest.raises(ValueError):
        n.to_normalized(5, 2)
    with pytest.raises(TypeError):
        normalize(b"bytes")  # type: ignore[arg-type]


def test_is_frozen() -> None:
    n = normalize("v1agra")
    with pytest.raises(AttributeError):
        n.text = "x"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Properties over an alphabet rich in the cases above.

ALPHABET = (
    list("viagrcls aoepmxyhtdnkbIVAGRL")
    + list("0134579@$!|._-")
    + list(" \n\t\u00a0")
    + ["\u200b", "\u200d", "\u00ad", "\ufeff", "\u0332", "\u0301", "\u0336"]
    + list("аеорсухіјѕкмнтвАЕОРСН")  # Cyrillic
    + list("αονιεκρτυχΑΗΝΜ")  # Greek
    + ["ß", "İ", "ﬁ", "½", "™", "…", "Ｖ", "é", "ё", "й", "中", "\U0001d42f"]
)
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


def _check_contract(n: Normalized) -> None:
    src_len = len(n.source)
    if n.starts is None:
        assert n.ends is None
        assert len(n.text) == src_len
        return
    assert len(n.starts) == len(n.ends) == len(n.text)
    prev = 0
    for i, (s, e) in enumerate(zip(n.starts, n.ends, strict=True)):
        assert 0 <= s < e <= src_len
        assert s >= prev
        assert n.starts[i] == s and n.ends[i] == e  # indexing agrees with iteration
        prev = s


@settings(max_examples=300, deadline=None)
@given(texts)
@example("v i a g r a")
@example("ß\u200bİ")
@example("Stra\u00dfe v\u0332i\u0332a\u0332")
def test_map_contract(raw: str) -> None:
    _check_contract(normalize(raw))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_identity_when_nothing_changed(raw: str) -> None:
    n = normalize(raw)
    if n.text == raw:
        assert n.starts is None


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_ranges_round_trip(raw: str, data: st.DataObject) -> None:
    n = normalize(raw)
    m = len(n.text)
    a = data.draw(st.integers(0, m))
    b = data.draw(st.integers(a, m))
    s, e = n.to_original(a, b)
    assert 0 <= s <= e <= len(raw)
    ns, ne = n.to_normalized(s, e)
    assert ns <= a and ne >= b
    # and the other way: any original range maps inside the normalized text
    oa = data.draw(st.integers(0, len(raw)))
    ob = data.draw(st.integers(oa, len(raw)))
    x, y = n.to_normalized(oa, ob)
    assert 0 <= x <= y <= m


@settings(max_examples=300, deadline=None)
@given(texts)
@example("buy v1agra and c!alis, VlAGRA, v-i-a-g-r-a")
@example("соpy ΗCG")
def test_words_renormalize_to_themselves(raw: str) -> None:
    n = normalize(raw)
    for w in WORD.finditer(n.text):
        s, e = n.to_original(*w.span())
        assert normalize(raw[s:e]).text == w.group(), (raw[s:e], w.group())


@settings(max_examples=200, deadline=None)
@given(texts)
def test_needs_normalizing_is_safe(raw: str) -> None:
    # False must mean the fold is plain case folding with an identity map.
    if not needs_normalizing(raw):
        n = normalize(raw)
        assert n.text == raw.casefold() and n.starts is None


def test_long_blob_is_not_leet_folded_but_its_parts_are() -> None:
    blob = "a1b" * 30  # 90 chars: a hash or an id, not a word
    n = normalize(f"{blob}!v1agra")
    assert n.text == f"{blob}!viagra"


leet_texts = st.text(alphabet=st.sampled_from(list("abcilv AIVLl0134@$!|.-") + ["\u200b", "а"]), max_size=160)


@settings(max_examples=150, deadline=None)
@given(leet_texts)
def test_long_leet_runs_keep_the_contract(raw: str) -> None:
    n = normalize(raw)
    _check_contract(n)
    for w in WORD.finditer(n.text):
        s, e = n.to_original(*w.span())
        assert normalize(raw[s:e]).text == w.group(), (raw[s:e], w.group())


def test_the_compiled_spaced_hint_never_misses_what_the_hint_patterns_find() -> None:
    import random

    from spamscalpel import normalize as N

    rng = random.Random(0)
    alphabet = "ab .-_*XY1é"
    for _ in range(100_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if any(h.search(s) for h in N._SPACED_HINTS.values()):
            assert N._may_have_spaced_hint(s), s
    assert N._may_have_spaced_hint("buy v i a g r a now")
    assert N._spaced_runs("buy v i a g r a now") and not N._spaced_runs("a plain sentence, nothing spaced")
