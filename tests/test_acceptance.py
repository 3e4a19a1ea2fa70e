"""Acceptance on real pages (issue 2): the specimen and realworld-dev. Skips where ../shared is absent."""

from __future__ import annotations

from collections import Counter

from spamscalpel import Document, analyze


def _covered(span: dict, spans) -> int:
    return sum(max(0, min(s.end, span["end"]) - max(s.start, span["start"])) for s in spans)


def test_specimen_all_six_spans_and_nothing_else(specimen) -> None:
    text, gold = specimen
    report = analyze(Document("hemifacial-spasm", text))
    assert report.verdict != "clean"
    for g in gold:
        assert _covered(g, report.spans) * 2 >= g["end"] - g["start"], f"gold span {g['text']!r} not found"
    for s in report.spans:
        assert text[s.start : s.end] == s.text
        assert any(min(s.end, g["end"]) > max(s.start, g["start"]) for g in gold), f"false span {s.text!r}"


def test_realworld_dev_floors(realworld) -> None:
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for rec in realworld:
        report = analyze(Document(rec["id"], rec["text"]))
        total[rec["kind"]] += 1
        flagged[rec["kind"]] += report.verdict != "clean"
    assert flagged["injected"] >= 8, flagged
    assert flagged["clean_medical"] <= 3, flagged
    assert flagged["clean_other"] == 0, flagged
    assert total["injected"] == 10 and total["clean_medical"] == 17 and total["clean_other"] == 12
