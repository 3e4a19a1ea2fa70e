"""Finders -> scorer -> report. INTERIM: a tiny keyword pass until the real stages land."""

from __future__ import annotations

import re

from .types import Document, Evidence, Report, Span
from .view import plain_view

_INTERIM = re.compile(r"\b(?:buy\s+)?(viagra|cialis|levitra|reglan|metoclopramide|kamagra|casino|payday loans?)(?:\s+online)?\b", re.I)


def run_pipeline(doc: Document, cfg) -> Report:
    view = plain_view(doc.text)
    spans = []
    for m in _INTERIM.finditer(view.text):
        s, e = view.to_raw(m.start(), m.end())
        cat = "gambling" if "casino" in m.group(1).lower() else "loans" if "loan" in m.group(1).lower() else "pharma"
        spans.append(Span(s, e, doc.text[s:e], cat, 0.9, (Evidence("keyword", m.group(1), 0.9),)))
    verdict = "injected" if spans else "clean"
    return Report(doc.id, verdict, 0.9 if spans else 0.0, tuple(spans))
