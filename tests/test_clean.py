"""Table tests for the cleaner: (text, spans, policy) -> expected text."""

from __future__ import annotations

import pytest

from spamscalpel.clean import POLICIES, CleanResult, Removal, clean
from spamscalpel.types import Report, Span

TEMPLATE = "online pharmacy buy symbicort with best prices today in the USA"


def _report(text: str, pieces: list[str | tuple[int, int]], score: float = 0.9) -> Report:
    """Spans for each piece: a substring (first occurrence) or explicit (start, end)."""
    spans = []
    for p in pieces:
        if isinstance(p, tuple):
            s, e = p
        else:
            s = text.index(p)
            e = s + len(p)
        spans.append(Span(s, e, text[s:e], "pharma", score))
    return Report("t", "injected", score, tuple(spans))


CASES = [
    # span policy: spacing and punctuation mended
    (
        "Scientists attribute this to buy reglan online of the skull.",
        ["buy reglan online"],
        "span",
        "Scientists attribute this to of the skull.",
    ),
    (
        "The cause of reglan pills, as well as the patient.",
        ["reglan pills"],
        "span",
        "The cause of, as well as the patient.",
    ),
    (
        "We grew apples, buy cheap viagra, and pears.",
        ["buy cheap viagra"],
        "span",
        "We grew apples, and pears.",
    ),
    ("We grew apples, buy cheap viagra.", ["buy cheap viagra"], "span", "We grew apples."),
    ("Water daily (buy viagra online) in summer.", ["buy viagra online"], "span", "Water daily in summer."),
    ("Buy viagra online the tomatoes ripen late.", ["Buy viagra online"], "span", "The tomatoes ripen late."),
    ("buy viagra online the tomatoes ripen late.", ["buy viagra online"], "span", "the tomatoes ripen late."),
    ("Hello there. Buy viagra now. Bye.", ["Buy viagra now"], "span", "Hello there. Bye."),
    ("Mulch well.  payday loans  Then rest.", ["payday loans"], "span", "Mulch well. Then rest."),
    (
        "First paragraph.\n\npayday loans\n\nSecond paragraph.",
        ["payday loans"],
        "span",
        "First paragraph.\n\n\n\nSecond paragraph.",
    ),
    ("casino", ["casino"], "span", ""),
    # mid-word template injections: the halves of the split word are glued back
    (f"the fall colou {TEMPLATE} rs.", [TEMPLATE], "span", "the fall colours."),
    (f"the fall colou {TEMPLATE} rs.", [f" {TEMPLATE} "], "span", "the fall colours."),
    (f"the fall colou{TEMPLATE}rs.", [TEMPLATE], "span", "the fall colours."),
    (f"in the past {TEMPLATE} two days", [TEMPLATE], "span", "in the past two days"),
    # overlapping and touching spans are merged first
    ("Get buy cheap viagra online now.", ["buy cheap viagra", "cheap viagra online"], "span", "Get now."),
    ("Get buy cheap viagra online now.", [(4, 13), (13, 27)], "span", "Get now."),
    # sentence policy
    (
        "Roses like sun. Buy cialis online cheap. Prune in March.",
        ["Buy cialis online"],
        "sentence",
        "Roses like sun. Prune in March.",
    ),
    (
        "Roses like sun. Prune in March, buy cialis online.",
        ["buy cialis online"],
        "sentence",
        "Roses like sun.",
    ),
    ("One. Two viagra. Three cialis. Four.", ["viagra", "cialis"], "sentence", "One. Four."),
    ("Title\nThe garden reglan thrives.\nNext line.", ["reglan"], "sentence", "Title\n\nNext line."),
    # mask policy
    ("Try buy viagra online today.", ["buy viagra online"], "mask", "Try [removed] today."),
    # raw HTML: the raw range is cut as is
    (
        '<p>Soil <a href="x">online casino</a> tips.</p>',
        ["online casino"],
        "span",
        '<p>Soil <a href="x"></a> tips.</p>',
    ),
    (
        "<p>Soil care. Play casino games.</p><p>More.</p>",
        ["casino"],
        "sentence",
        "<p>Soil care.</p><p>More.</p>",
    ),
]


@pytest.mark.parametrize(("text", "pieces", "policy", "expected"), CASES)
def test_clean_table(text, pieces, policy, expected):
    result = clean(text, _report(text, pieces), policy=policy)
    assert result.text == expected


def test_removed_pieces_point_into_input():
    text = "Roses like sun. Buy cialis online cheap. Prune in March."
    for policy in POLICIES:
        result = clean(text, _report(text, ["cialis online"]), policy=policy)
        assert isinstance(result, CleanResult)
        assert len(result.removed) == 1
        r = result.removed[0]
        assert isinstance(r, Removal)
        assert text[r.start : r.end] == r.text
        assert r.category == "pharma"


def test_min_score_filters_spans():
    text = "Try buy viagra online today."
    result = clean(text, _report(text, ["buy viagra online"], score=0.3), min_score=0.5)
    assert result.text == text
    assert result.removed == ()


def test_custom_marker():
    text = "Try viagra today."
    assert clean(text, _report(text, ["viagra"]), policy="mask", marker="***").text == "Try *** today."


def test_unknown_policy_lists_known():
    with pytest.raises(ValueError, match="span, sentence, mask"):
        clean("x", Report("t", "clean", 0.0), policy="shred")


def test_span_outside_text_is_a_clear_error():
    report = Report("doc-7", "injected", 0.9, (Span(0, 50, "x", "pharma", 0.9),))
    with pytest.raises(ValueError, match="doc-7"):
        clean("short", report)


def test_clean_report_changes_nothing():
    text = "Ibuprofen eases pain; take it with food."
    assert clean(text, Report("t", "clean", 0.0)).text == text


def test_with_analyze_output():
    from spamscalpel import analyze

    text = "Tomatoes need sun. We attribute this to buy viagra online of the soil."
    result = clean(text, analyze(text))
    assert "viagra" not in result.text
    assert result.text.startswith("Tomatoes need sun.")
