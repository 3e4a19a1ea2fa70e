"""Candidate finder: a table of (text, expected grown phrases), boundaries, obfuscation, conformance."""

from __future__ import annotations

import pytest

from spamscalpel.detect.finders import candidates_for, has_candidates
from spamscalpel.detect.keywords import find_keyword_candidates
from spamscalpel.normalize import normalize
from spamscalpel.pipeline import find_candidates
from spamscalpel.view import plain_view


def phrases(text: str) -> list[str]:
    return [text[c.start : c.end] for c in find_candidates(plain_view(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Scientists attribute this to buy metoclopramide online of the skull.",
            ["buy metoclopramide online"],
        ),
        ("Treatment depends on the cause of reglan pills, as well as on", ["reglan pills"]),
        (
            "the view of the fall colou online pharmacy buy symbicort with best prices today in the USA rs. Next",
            ["online pharmacy buy symbicort with best prices today in the USA"],
        ),
        (
            "thi buy advair online www.example-med.net/wp-content/advair.html no prescription pharmacy s month",
            ["buy advair online www.example-med.net/wp-content/advair.html no prescription pharmacy"],
        ),
        ("due to variety cheapest viagra australia of reasons", ["cheapest viagra australia"]),
        ("found within viagra 50 mg your body", ["viagra 50 mg"]),
        ("Get cheap cialis 20mg without prescription today", ["Get cheap cialis 20mg without prescription"]),
        ("levitra 10 mg order the bending", ["levitra 10 mg order"]),
        ("kamagra prezzo basso e tadalafil generico", ["kamagra prezzo", "tadalafil generico"]),
        ("Try our no fax payday loans now", ["no fax payday loans"]),
        ("The best replica watches shop here", ["best replica watches shop"]),
        ("it said “buy levitra no prescription” again", ["buy levitra no prescription"]),
        # A URL pasted before a sales anchor belongs to it; before a bare drug name it does not.
        (
            "spelt out in the http://shop-example.life/#vrwkr buy metoclopramide online preamble",
            ["http://shop-example.life/#vrwkr buy metoclopramide online"],
        ),
        ("Read more at www.nhs.uk metformin is a diabetes medicine.", ["metformin"]),
        # One anchor sells one trade: a casino or loan keyword does not swallow the page's drug
        # words beside it, nor modifiers that only ever sell medicine.
        ("ask about situs slot fluconazole today", ["situs slot", "fluconazole"]),
        ("the generic loans online vardenafil tablets are", ["loans online", "vardenafil tablets"]),
        ("a pharmacy discount payday advance here", ["discount payday advance"]),
        ("get cheap payday loans online no credit check", ["get cheap payday loans online no credit check"]),
        ("buy cheap viagra cialis online now", ["buy cheap viagra cialis online"]),
    ],
)
def test_grown_phrases(text: str, expected: list[str]) -> None:
    assert phrases(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Socialism and specialists discussed the social contract.",  # cialis inside words
        "The committee will meet today about the cold weather.",
        "We went to buy tickets online for the concert.",
        "",
        "    \n\n  ",
    ],
)
def test_no_candidates(text: str) -> None:
    assert phrases(text) == []


@pytest.mark.parametrize(
    ("text", "keyword_source"),
    [
        ("order v1agra now", "v1agra"),
        ("cheap c!alis pills", "c!alis"),
        ("buy v i a g r a online", "v i a g r a"),
        ("buy VlAGRA online", "VlAGRA"),
        ("buy v\u0456agra online", "v\u0456agra"),  # Cyrillic i
        ("buy via\u200bgra online", "via\u200bgra"),  # zero-width space
    ],
)
def test_obfuscated_keywords_map_back_to_the_original(text: str, keyword_source: str) -> None:
    cands = find_candidates(plain_view(text))
    assert len(cands) == 1
    c = cands[0]
    assert text[c.kw_start : c.kw_end] == keyword_source
    assert c.canonical == "sildenafil" or c.canonical == "tadalafil"


def test_url_spelling_a_spam_term_is_a_candidate() -> None:
    text = "nice post! http://buycialispremiumpharmacy.com/#xyz thanks"
    _, cands = candidates_for(text)
    assert [text[c.start : c.end] for c in cands] == ["http://buycialispremiumpharmacy.com/#xyz"]
    assert cands[0].category == "pharma"


def test_cjk_keyword_needs_no_word_boundary() -> None:
    text = "他們沒有在家裏做飯。manbetx万博软件\n夏天是這裏"
    got = phrases(text)
    assert got and "万博" in "".join(got)


def test_prefilter_agrees_with_finder() -> None:
    assert has_candidates("Cheap VIAGRA here")
    assert not has_candidates("A quiet afternoon by the river with a book.")


def test_candidates_conform() -> None:
    """Every candidate: offsets inside the text, keyword inside the phrase, a known category, deterministic."""
    from spamscalpel.types import CATEGORIES

    text = (
        "Buy cheap viagra online! Casino bonus at www.best-casino.example.com. Replica watches and "
        "essay writing service. reglan pills, metoclopramide 10 mg, payday loans no credit check."
    )
    first = [(c.start, c.end, c.category) for c in find_candidates(plain_view(text))]
    second = [(c.start, c.end, c.category) for c in find_candidates(plain_view(text))]
    assert first == second and first
    for c in find_candidates(plain_view(text)):
        assert 0 <= c.start <= c.kw_start < c.kw_end <= c.end <= len(text)
        assert c.category in CATEGORIES


def test_normalized_offsets_feed_the_finder() -> None:
    norm = normalize("Cheap  V-I-A-G-R-A today")
    cands = find_keyword_candidates(norm)
    assert cands and norm.text[cands[0].kw_start : cands[0].kw_end] == "viagra"


def test_keywords_and_patterns_do_not_import_each_other_back() -> None:
    """patterns grows phrases with the keyword finder's rules; keywords never imports patterns or
    finders (the module that asks both), at the top or inside a function."""
    import ast
    from pathlib import Path

    import spamscalpel.detect.keywords as kw

    tree = ast.parse(Path(kw.__file__).read_text(encoding="utf-8"))
    names = {
        (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
    }
    assert not names & {"patterns", "finders"}, names


def test_finished_candidates_share_equal_word_lists() -> None:
    # A spun page repeats a few word lists over thousands of phrases: each is held once.
    text = " ".join(
        f"buy cheap {d} online fast shipping." for _ in range(40) for d in ("viagra", "cialis", "levitra")
    )
    cands = find_candidates(plain_view(text))
    assert len(cands) == 120
    by_words: dict[tuple, int] = {}
    for c in cands:
        assert type(c.modifiers) is tuple and type(c.keywords) is tuple
        assert by_words.setdefault(tuple(c.modifiers), id(c.modifiers)) == id(c.modifiers)
    assert len(by_words) <= 3
    # A frozen candidate still grows: its list becomes its own again.
    c = cands[0]
    before = c.keywords
    twin = next(d for d in cands[1:] if d.keywords is before)
    c.merge_keywords(["tadalafil", before[0], "tadalafil"])
    assert c.keywords == [*before, "tadalafil"]
    assert twin.keywords is before and "tadalafil" not in before
