"""Page-level decisions: signs that the whole page is spam, not a page with spam inserted.

A doorway page sells one product from its headline on; a keyword-stuffed page repeats one phrase;
an anchor list carries many sales phrases. These signs make the verdict ``spam_page`` and, where
no single phrase scored as spam, report the page's sales phrases.
"""

from __future__ import annotations

from .score import Scored
from .spans import span_of
from .types import Document, Evidence, Span
from .view import TextView


def spam_page_evidence(view: TextView, scored: list[Scored], kept: list[Scored]) -> list[Evidence]:
    """Document-level signs that the whole page is spam rather than a page with spam inserted."""
    text = view.text
    body = len(text.strip()) or 1
    ev: list[Evidence] = []
    covered = sum(s.candidate.end - s.candidate.start for s in kept)
    coverage = covered / body
    if coverage >= 0.25:
        ev.append(
            Evidence("spam_coverage", f"spam phrases cover {coverage:.0%} of the text", round(coverage, 3))
        )
    counts: dict[str, int] = {}
    phrases: dict[str, int] = {}
    for s in scored:
        c = s.candidate
        counts[c.canonical] = counts.get(c.canonical, 0) + 1
        phrase = " ".join(text[c.start : c.end].lower().split())
        if " " in phrase and c.category != "other":
            phrases[phrase] = phrases.get(phrase, 0) + 1
    top, n_top = max(counts.items(), key=lambda kv: kv[1]) if counts else ("", 0)
    # A headline (a short first line) that sells the drug the page is about: a doorway page.
    lead = text.lstrip()
    offset = len(text) - len(lead)
    nl = lead.find("\n")
    first_line_end = offset + (nl if 0 <= nl <= 160 else (len(lead) if len(lead) <= 160 else 0))
    head = [
        s
        for s in scored
        if s.candidate.start < first_line_end
        and s.candidate.canonical == top
        and s.candidate.features.get("commercial", 0) >= 0.2
        and not s.candidate.features.get("buy_fits")
        and not s.candidate.features.get("warning")
    ]
    if head and n_top >= 3:
        ev.append(Evidence("doorway", f"the headline sells '{top}' and the page names it {n_top} times", 0.9))
    selling = [
        s
        for s in scored
        if s.candidate.canonical == top
        and s.candidate.features.get("commercial", 0) >= 0.6
        and not s.candidate.features.get("warning")
        and not s.candidate.features.get("discusses_spam")
    ]
    if len(selling) >= 3 and len(selling) >= 0.4 * n_top and not any(e.kind == "doorway" for e in ev):
        ev.append(
            Evidence(
                "doorway",
                f"the page offers '{top}' in {len(selling)} sales phrases out of {n_top} mentions",
                0.8,
            )
        )
    phrase, n_phrase = max(phrases.items(), key=lambda kv: kv[1]) if phrases else ("", 0)
    if n_phrase >= 4:
        ev.append(Evidence("keyword_stuffing", f"the phrase '{phrase}' is repeated {n_phrase} times", 0.8))
    n_commercial = sum(1 for s in kept if s.candidate.features.get("commercial", 0) >= 0.35)
    if n_commercial >= 6 and coverage >= 0.08:
        ev.append(Evidence("anchor_list", f"{n_commercial} commercial spam phrases on one page", 0.8))
    return ev


def doorway_spans(doc: Document, view: TextView, scored: list[Scored]) -> list[Span]:
    """On a page that is the spam, its keyword phrases (those with any sales or rotation sign)."""
    return [
        span_of(doc, view, s, max(s.score, 0.5))
        for s in scored
        if s.candidate.features.get("commercial", 0) > 0 or s.candidate.features.get("rotation")
    ]
