"""Spam quoted in a code listing: shown to the reader as code, not published on the page.

A security write-up quotes the hidden block and the links it found on a hacked site inside a
``{% highlight html %}`` block, a Markdown fence or a ``<pre>``; the same markup outside a listing
would be the injection itself. Mentions inside a listing keep a score under any threshold and say
why. A listing that is itself hidden from visitors is not a quotation, and keeps its score; nor is
a live link inside an HTML ``<code>`` or ``<pre>`` (quoted markup there is escaped, so an ``<a>``
that works is published: injectors wrap link lists in ``<code class="...">`` too). Template and
Markdown listings are escaped by the renderer, so links in them are quoted.
"""

from __future__ import annotations

import bisect
from array import array

from ..markup import code_listings
from ..types import Document, Evidence, EvidencePool
from ..view import TextView
from . import Scored
from .trades import CAP  # the score a mention the page explains keeps: under any sensible threshold

_LIVE_MARKUP = frozenset({"pre", "code"})  # HTML listings, whose unescaped links are live links


def quote_listings(doc: Document, view: TextView, scored: list[Scored]) -> list[Scored]:
    """Cap the scores of candidates that sit inside a code listing of the raw input.

    The list is changed in place (and returned): a page of tens of thousands of quoted phrases then
    holds one Scored per phrase, not the old and the new side by side.
    """
    if not scored:
        return scored
    listings = code_listings(doc.text)
    if not listings:
        return scored
    starts = array("q", (a for a, _, _ in listings))
    shared = EvidencePool()
    for k, s in enumerate(scored):
        c = s.candidate
        rs, re_ = view.to_raw(c.start, c.end)
        i = bisect.bisect_right(starts, rs) - 1
        if (
            s.score <= CAP
            or c.features.get("hidden")
            or i < 0
            or re_ > listings[i][1]
            or (listings[i][2] in _LIVE_MARKUP and c.features.get("link"))
        ):
            continue
        why = f"shown as code inside a {listings[i][2]} listing: the page quotes it, it does not publish it"
        # A listing of thousands of copies of one phrase holds one reason list.
        scored[k] = Scored(c, CAP, shared.many((shared(Evidence("quoted_code", why, -1.0)), *s.evidence)))
    return scored
