"""score.compromised: the threshold is lowered for a trade only on a page carrying confirmed spam of it."""

from __future__ import annotations

from spamscalpel import analyze
from spamscalpel.detect import Candidate
from spamscalpel.score import Scored
from spamscalpel.score.compromised import BORDERLINE, CONFIRMED, select
from spamscalpel.types import Document


def _scored(score: float, category: str = "pharma", start: int = 0, **features: float) -> Scored:
    c = Candidate(start, start + 6, start, start + 6, "lasix", category, "furosemide", "spam_drug", 0.45)
    c.features = dict(features)  # (a candidate starts with a shared, read-only empty mapping)
    return Scored(c, score, ())


def test_no_confirmed_phrase_keeps_the_plain_threshold():
    # A phrase over the threshold but under CONFIRMED reports itself and confirms nothing.
    kept, weak = select([_scored(0.45), _scored(0.3, start=10), _scored(0.79, start=20)], 0.5)
    assert [s.score for s in kept] == [0.79]
    assert [s.score for s in weak] == [0.45, 0.3]


def test_borderline_phrase_reported_on_a_page_with_confirmed_spam_of_its_trade():
    low = BORDERLINE * 0.5
    kept, weak = select([_scored(0.9), _scored(low + 0.01, start=10), _scored(low - 0.01, start=20)], 0.5)
    assert [s.score for s in kept] == [0.9, low + 0.01]
    assert [s.score for s in weak] == [low - 0.01]
    ev = kept[1].evidence[-1]
    assert ev.kind == "compromised_page"
    assert "1 confirmed pharma spam phrase" in ev.detail and "under the threshold 0.5" in ev.detail
    assert kept[0].evidence == ()  # a phrase over the threshold is passed on untouched


def test_confirmed_spam_of_another_trade_does_not_lower_the_threshold():
    kept, weak = select([_scored(0.95, "gambling"), _scored(0.45, "pharma", start=10)], 0.5)
    assert [s.candidate.category for s in kept] == ["gambling"]
    assert [s.score for s in weak] == [0.45]


def test_phrases_read_as_the_pages_own_prose_are_left_alone():
    kept, weak = select(
        [_scored(0.9), _scored(0.45, start=10, medical_pattern=1.0), _scored(0.45, start=20, buy_fits=1.0)],
        0.5,
    )
    assert len(kept) == 1 and len(weak) == 2


def test_confirmed_follows_a_threshold_set_above_it():
    # With --threshold 0.9 a 0.85 phrase is not reported, so it cannot confirm the page either.
    kept, weak = select([_scored(0.85), _scored(0.7, start=10)], 0.9)
    assert kept == [] and len(weak) == 2
    kept, _ = select([_scored(0.95), _scored(0.7, start=10)], 0.9)
    assert [s.score for s in kept] == [0.95, 0.7]
    assert CONFIRMED <= 0.9


def test_a_clean_page_never_gets_the_evidence():
    text = (
        "Furosemide is a loop diuretic used for fluid retention in heart failure. Take it in the morning. "
        "Ask your pharmacist before you buy any medicine online, and only from a licensed pharmacy."
    )
    report = analyze(Document("leaflet", text, format="text"))
    assert report.verdict == "clean"
    assert all(e.kind != "compromised_page" for s in report.spans for e in s.evidence)
