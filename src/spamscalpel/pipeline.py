"""Finders -> scorer -> report: the stages behind ``analyze``.

1. A view of the input (identity for text; visible+hidden text with a raw-offset map for HTML).
2. A cheap prefilter: a document with no lexicon term and nothing obfuscated stops here.
3. Normalization and candidate finding in normalized offsets, mapped back to the view.
4. The configured scorer gives each candidate a score and evidence.
5. Spans over the threshold are mapped to raw offsets; the document gets a verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .blocks import grow_blocks, link_blocks
from .detect import Candidate
from .detect.keywords import candidates_for, needs_candidate_search
from .lexicon import load_lexicon
from .page import doorway_spans, spam_page_evidence, url_evidence
from .score import DocContext, get_scorer
from .score.trades import fit_topics
from .spans import spans_from_scored
from .types import Document, Report
from .view import TextView, plain_view

if TYPE_CHECKING:
    from .analyze import Config

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
    """All candidates of a view, in view-text offsets."""
    text = view.text
    if not needs_candidate_search(text):  # one compiled scan: most documents stop here
        return []
    norm, cands = candidates_for(text)
    for c in cands:
        c.start, c.end = norm.to_original(c.start, c.end)
        c.kw_start, c.kw_end = norm.to_original(c.kw_start, c.kw_end)
        c.start, c.end = _trim(text, c.start, c.end)
        if c.end <= c.start:
            c.start, c.end = c.kw_start, c.kw_end
    return [c for c in cands if c.end > c.start]


def candidates_in_text(text: str) -> list[Candidate]:
    """The candidate finder alone over plain text (for benchmarks: no scoring, no report)."""
    return find_candidates(plain_view(text))


def run_pipeline(doc: Document, cfg: Config) -> Report:
    """Analyse one document with the given configuration (``analyze`` validates and calls this)."""
    view = _view_for(doc)
    cands = find_candidates(view)
    if not cands:
        ev = url_evidence(doc, view, None, []) if doc.url else []
        if ev:  # a site named for a trade, selling it in words the lexicon has no term for
            return Report(doc.id, "spam_page", round(max(e.weight for e in ev), 4), (), evidence=tuple(ev))
        return Report(doc.id, "clean", 0.0, ())
    ctx = DocContext.build(view, load_lexicon(), cands)
    scored = fit_topics(ctx, get_scorer(cfg.scorer).score(ctx))
    kept = [s for s in scored if s.score >= cfg.threshold]
    spans, canon = spans_from_scored(doc, view, kept)
    weak = [sc.candidate for sc in scored if sc.score < cfg.threshold]
    spans = grow_blocks(doc, view, spans, canon, weak)
    spans = link_blocks(doc, view, spans)
    doc_ev = spam_page_evidence(view, scored, kept) + url_evidence(doc, view, ctx, scored)
    if not spans and doc_ev:
        # A doorway page written to look editorial: the page is the spam, so report its keyword phrases.
        spans = doorway_spans(doc, view, scored)
    if not spans:
        if doc_ev:  # the page is the spam even with no phrase to cut out of it
            top = max(e.weight for e in doc_ev)
            return Report(doc.id, "spam_page", round(top, 4), (), evidence=tuple(doc_ev))
        top = max((s.score for s in scored), default=0.0)
        return Report(doc.id, "clean", round(top, 4), ())
    miss = 1.0
    for sp in spans:
        miss *= 1.0 - sp.score
    verdict = "spam_page" if doc_ev else "injected"
    return Report(doc.id, verdict, round(1.0 - miss, 4), tuple(spans), evidence=tuple(doc_ev))
