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
from .detect.finders import candidates_in_text, find_candidates  # noqa: F401 - candidates_in_text: bench hook
from .lexicon import load_lexicon
from .links import link_spans
from .page import doorway_spans, page_evidence
from .score import DocContext, Scored, get_scorer
from .score.compromised import select
from .score.listings import quote_listings
from .score.trades import fit_topics
from .spans import spans_from_scored
from .types import Document, Evidence, Report, Span
from .view import TextView, plain_view

if TYPE_CHECKING:
    from .analyze import Config


def _view_for(doc: Document) -> TextView:
    if doc.format == "html":
        try:
            from .html import html_view
        except ImportError:  # the HTML extra is not installed: scan the markup as text
            return plain_view(doc.text)
        return html_view(doc.text, doc.url)
    return plain_view(doc.text)


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
    kept, weak = select(scored, cfg.threshold)
    spans, canon = spans_from_scored(doc, view, kept)
    spans = grow_blocks(doc, view, spans, canon, [sc.candidate for sc in weak])
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
