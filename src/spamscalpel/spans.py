"""Spans: scored candidates become reported spans in the caller's raw offsets.

A finding inside a hidden element is reported as that whole element, tags included; one on link
anchor text (an HTML ``<a>`` or a Markdown ``[text](url)``) as the whole link: the element or the
backlink is what the injector added, and what a cleaned copy must lose.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from .markup import element_bounds, markdown_link, whole_link
from .score import Scored
from .types import Document, Span
from .view import TextView

_TAG = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)")


def _region_tag(selector: str | None) -> str | None:
    """The tag name of the last step of a selector path (``body > div:nth-of-type(2)`` -> div)."""
    if not selector:
        return None
    m = _TAG.match(selector.rsplit(">", 1)[-1].strip())
    return m.group(1).lower() if m else None


def _hidden_block(view: TextView, s: Scored) -> tuple[int, int, str | None] | None:
    for r in view.regions_at(s.candidate.start, s.candidate.end):
        if r.kind == "hidden":
            return r.start, r.end, r.selector
    return None


def spans_from_scored(doc: Document, view: TextView, kept: list[Scored]) -> tuple[list[Span], dict]:
    """Reported spans of the kept findings (overlaps merged) and each span's canonical product."""
    spans: list[Span] = []
    hidden_done: set[tuple[int, int]] = set()
    canon: dict[tuple[int, int], str] = {}
    for s in kept:
        c = s.candidate
        start, end, source, selector = c.start, c.end, c.source, c.selector
        block = _hidden_block(view, s) if view.is_html else None
        if block is not None:
            hs, he, selector = block
            if (hs, he) in hidden_done:
                continue
            hidden_done.add((hs, he))
            start, end, source = hs, he, "hidden"
        rs, re_ = view.to_raw(start, end)
        link = (
            next((r for r in view.regions_at(start, end) if r.kind == "link"), None)
            if view.is_html and block is None
            else None
        )
        if block is not None:
            tag = _region_tag(selector)
            whole = element_bounds(doc.text, rs, re_, tag) if tag else None
            if whole is not None:
                rs, re_ = whole
        elif link is not None:
            rs, re_ = whole_link(doc.text, rs, re_)
            source, selector = "link", selector or link.selector
        else:
            md = markdown_link(doc.text, rs, re_)
            if md is not None:
                rs, re_ = md[0], md[1]
                source = "link"
        canon[(rs, re_)] = c.canonical
        spans.append(
            Span(
                rs,
                re_,
                doc.text[rs:re_],
                c.category,
                min(1.0, s.score),
                s.evidence,
                source=source if view.is_html or source == "link" else None,
                selector=selector,
            )
        )
    return merge_overlaps(spans), canon


def span_of(doc: Document, view: TextView, s: Scored, score: float) -> Span:
    """The span of one scored candidate as it stands, with the given score."""
    c = s.candidate
    rs, re_ = view.to_raw(c.start, c.end)
    return Span(
        rs,
        re_,
        doc.text[rs:re_],
        c.category,
        min(1.0, score),
        s.evidence,
        source=c.source if view.is_html else None,
        selector=c.selector,
    )


def to_view(view: TextView, rs: int, re_: int) -> tuple[int, int]:
    """The view range whose raw image is ``[rs, re_)`` (identity for plain text)."""
    if view.raw_starts is None or view.raw_ends is None:
        return rs, re_
    return bisect.bisect_left(view.raw_starts, rs), bisect.bisect_right(view.raw_ends, re_)


def merge_overlaps(spans: list[Span]) -> list[Span]:
    spans.sort(key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            prev = out[-1]
            if s.end <= prev.end:
                continue
            keep = prev if prev.score >= s.score else s
            out[-1] = replace(
                keep, start=prev.start, end=s.end, text=prev.text + s.text[prev.end - s.start :]
            )
            continue
        out.append(s)
    return out
