"""Finders -> scorer -> report: the stages behind ``analyze``.

1. A view of the input (identity for text; visible+hidden text with a raw-offset map for HTML).
2. A cheap prefilter: a document with no lexicon term and nothing obfuscated stops here.
3. Normalization and candidate finding in normalized offsets, mapped back to the view.
4. The configured scorer gives each candidate a score and evidence.
5. Spans over the threshold are mapped to raw offsets; the document gets a verdict.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .blocks import grow_blocks, link_blocks, trade_prose
from .detect import Candidate
from .detect.keywords import candidates_for, needs_candidate_search
from .lexicon import load_lexicon
from .links import link_spans
from .page import doorway_spans, page_evidence
from .score import DocContext, Scored, get_scorer
from .score.listings import quote_listings
from .score.trades import fit_topics
from .spans import spans_from_scored
from .types import Document, Evidence, Report, Span
from .view import TextView, plain_view

if TYPE_CHECKING:
    from .analyze import Config

# Longest phrase judged as one candidate; real injected runs in the corpora reach about 260.
PHRASE_CAP = 500
_EDGE_JUNK = " \t\r\n\u00a0,;:.!?\"'“”‘’()[]{}<>|-–—/"


def _view_for(doc: Document) -> TextView:
    if doc.format == "html":
        try:
            from .html import html_view
        except ImportError:  # the HTML extra is not installed: scan the markup as text
            return plain_view(doc.text)
        return html_view(doc.text, doc.url)
    return plain_view(doc.text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def find_candidates(view: TextView) -> list[Candidate]:
    """All candidates of a view, in view-text offsets, none longer than ``PHRASE_CAP`` characters."""
    text = view.text
    if not needs_candidate_search(text):  # one compiled scan: most documents stop here
        return []
    out: list[Candidate] = []
    for c in _candidates_in(text, 0, len(text)):
        out.extend(_capped(text, c) if c.end - c.start > PHRASE_CAP else (c,))
    return out


def _candidates_in(text: str, lo: int, hi: int) -> list[Candidate]:
    """Candidates of ``text[lo:hi]``, in offsets into ``text``."""
    norm, cands = candidates_for(text[lo:hi] if (lo, hi) != (0, len(text)) else text)
    for c in cands:
        c.start, c.end = (lo + p for p in norm.to_original(c.start, c.end))
        c.kw_start, c.kw_end = (lo + p for p in norm.to_original(c.kw_start, c.kw_end))
        c.start, c.end = _trim(text, c.start, c.end)
        if c.end <= c.start:
            c.start, c.end = c.kw_start, c.kw_end
    return [c for c in cands if c.end > c.start]


def _capped(text: str, long: Candidate) -> list[Candidate]:
    """A phrase over ``PHRASE_CAP`` characters, found again in pieces of at most that length.

    A run of keywords and sales words can grow without end ("buy cheap viagra online " repeated):
    as one candidate, every phrase-level count grows with it and the scorer sees an ever stranger
    phrase whose score falls. Each piece is judged like an ordinary phrase, and says it was capped.
    """
    note = Evidence(
        "phrase_cap",
        f"phrase capped at {PHRASE_CAP} characters (a run of {long.end - long.start:,} characters judged in pieces)",
        0.0,
    )
    out: list[Candidate] = []
    length = long.end - long.start
    n_pieces = -(-length // PHRASE_CAP)
    size = -(-length // n_pieces)  # pieces of about equal length, none over the cap
    pos = long.start
    while pos < long.end:
        stop = long.end
        if stop - pos > PHRASE_CAP:
            stop = pos + size
            space = max(text.rfind(" ", pos + size // 2, stop), text.rfind("\n", pos + size // 2, stop))
            stop = space if space > pos else stop  # cut between words where there is a space
        for c in _candidates_in(text, pos, stop):
            c.evidence.append(note)
            out.append(c)
        pos = stop
    return out


def candidates_in_text(text: str) -> list[Candidate]:
    """The candidate finder alone over plain text (for benchmarks: no scoring, no report)."""
    return find_candidates(plain_view(text))


def _with_finder_evidence(scored: list[Scored]) -> list[Scored]:
    """Scored candidates with what the finder noted about them (a capped phrase) in their evidence."""
    return [
        replace(s, evidence=(*s.evidence, *s.candidate.evidence)) if s.candidate.evidence else s
        for s in scored
    ]


def run_pipeline(doc: Document, cfg: Config) -> Report:
    """Analyse one document with the given configuration (``analyze`` validates and calls this)."""
    view = _view_for(doc)
    cands = find_candidates(view)
    if not cands:  # an empty spam link, a trade-named site or spun text can still show
        return _report(doc, link_spans(doc, view, []), page_evidence(doc, view, None, [], []), 0.0)
    ctx = DocContext.build(view, load_lexicon(), cands)
    scored = quote_listings(doc, view, _with_finder_evidence(fit_topics(ctx, get_scorer(cfg.scorer).score(ctx))))
    kept = [s for s in scored if s.score >= cfg.threshold]
    spans, canon = spans_from_scored(doc, view, kept)
    weak = [sc.candidate for sc in scored if sc.score < cfg.threshold]
    spans = grow_blocks(doc, view, spans, canon, weak)
    spans = trade_prose(doc, view, link_blocks(doc, view, link_spans(doc, view, spans)))
    doc_ev = page_evidence(doc, view, ctx, scored, kept)
    if not spans and doc_ev:
        # A doorway page written to look editorial: the page is the spam, so report its keyword phrases.
        spans = doorway_spans(doc, view, scored)
    return _report(doc, spans, doc_ev, max((s.score for s in scored), default=0.0))


def _report(doc: Document, spans: list[Span], doc_ev: list[Evidence], top: float) -> Report:
    """The verdict from the spans and the page-level evidence."""
    if not spans:
        if doc_ev:  # the page is the spam even with no phrase to cut out of it
            return Report(doc.id, "spam_page", round(max(e.weight for e in doc_ev), 4), (), evidence=tuple(doc_ev))
        return Report(doc.id, "clean", round(top, 4), ())
    miss = 1.0
    for sp in spans:
        miss *= 1.0 - sp.score
    verdict = "spam_page" if doc_ev else "injected"
    return Report(doc.id, verdict, round(1.0 - miss, 4), tuple(spans), evidence=tuple(doc_ev))
