"""Spam links the text finder cannot see: empty anchors, more links to a spam site, shop names.

The keyword finder reads anchor text. Injected links also come as an ``<a>`` with no text at all
(the hidden-link trick: ``<a title="fake rolex" href=".../replica-rolex/"></a>``), as more links to
a site the page already links with spam anchors ("[loans](http://cashusloans.com/)" beside
"[payday loans](http://cashusloans.com/)"), as an anchor naming the trade that points at a site
named for it ("[personal loan](http://www.flyingloans.com/)"), or as a bare shop name ("agen228").
Each is reported as the whole link, with evidence that says which sign it was. Apart from empty
anchors, these signs only extend a page that already has a reported spam span: on a clean page a
link to a loan company is an ordinary link.
"""

from __future__ import annotations

import bisect
import re
from urllib.parse import unquote, urlsplit

from .markup import markdown_link, whole_link
from .spans import merge_overlaps, to_view
from .types import Document, Evidence, EvidencePool, Span
from .view import Link, TextView, address_words, link_domain

_EMPTY_A = re.compile(r"<a\b([^<>]{0,2000})>(?:\s|&nbsp;)*</a\s*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(href|title)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_SPLIT = re.compile(r"[-_/.+=&?%#:]+|\d+")
_WORD = re.compile(r"[^\W\d_]+")
_EMPTY_SCORE = 0.9
_EXTEND_SCORE = 0.85


def link_spans(doc: Document, view: TextView, spans: list[Span]) -> list[Span]:
    """``spans`` plus the spam links the text finder missed (see the module docstring)."""
    page_host = link_domain(doc.url) if doc.url else ""
    found = _empty_links(doc, page_host, bool(spans)) if view.is_html else []
    if spans:
        found += _extended_links(doc, view, spans, page_host)
    if not found:
        return spans
    return merge_overlaps([*spans, *found])


def _attrs(tag_body: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(tag_body):
        out.setdefault(m.group(1).lower(), m.group(2) or m.group(3) or m.group(4) or "")
    return out


def _address_text(href: str) -> tuple[str, str]:
    """(host labels as words, path as words) of a link target."""
    try:
        parts = urlsplit(href.strip())
        host, path = (parts.hostname or ""), unquote(parts.path or "")
    except ValueError:
        return "", ""
    return " ".join(_SPLIT.split(host)), " ".join(w for w in _SPLIT.split(path) if w)


def _spam_term(text: str) -> tuple[str, str] | None:
    """(category, phrase) of the strongest spam keyword in ``text``, or None."""
    from .detect.finders import candidates_for

    if not text.strip():
        return None
    cands = [c for c in candidates_for(text)[1] if c.kind != "drug" and c.category != "other"]
    if not cands:
        return None
    best = max(cands, key=lambda c: c.strength)
    return best.category, best.term


def _empty_links(doc: Document, page_host: str, page_has_spam: bool) -> list[Span]:
    """``<a>`` elements with no text whose address or title names a spam product."""
    raw = doc.text
    if "</a" not in raw and "</A" not in raw:
        return []
    out: list[Span] = []
    shared = EvidencePool()
    for m in _EMPTY_A.finditer(raw):
        attrs = _attrs(m.group(1))
        href = attrs.get("href", "")
        host = link_domain(href)
        if not host or host == page_host:
            continue
        host_words, path_words = _address_text(href)
        title = attrs.get("title", "")
        hit = _spam_term(f"{title}\n{path_words}")
        where = "its title or address"
        if hit is None and page_has_spam:  # a host named for the product, on a page already injected
            hit, where = _spam_term(host_words), "its site's name"
        if hit is None:
            continue
        category, term = hit
        ev = Evidence(
            "empty_link",
            f"a link with no visible text to {host}; {where} names '{term}' (a hidden backlink)",
            0.9,
        )
        out.append(Span(m.start(), m.end(), m.group(0), category, _EMPTY_SCORE, (shared(ev),), source="link"))
    return out


def _extended_links(doc: Document, view: TextView, spans: list[Span], page_host: str) -> list[Span]:
    """More links on an injected page: to a reported spam site, to a trade-named site, shop names."""
    from .score.trades import load_trades

    if not view.links:
        return []
    trades = load_trades()
    reported = sorted((*to_view(view, sp.start, sp.end), n) for n, sp in enumerate(spans))
    starts = [a for a, _, _ in reported]
    spam_hosts: dict[str, Span] = {}
    inside: list[Link] = []
    for link in view.links:
        host = link_domain(link.href)
        k = bisect.bisect_right(starts, link.start) - 1
        owner = spans[reported[k][2]] if k >= 0 and link.start < reported[k][1] else None
        if owner is not None:
            if host and host != page_host:
                spam_hosts.setdefault(host, owner)
            continue
        inside.append(link)
    categories = {sp.category for sp in spans}
    out: list[Span] = []
    shared = EvidencePool()
    for link in inside:
        host = link_domain(link.href)
        if not host or host == page_host:
            continue
        sign = _link_sign(link, host, spam_hosts, categories, trades)
        if sign is None:
            continue
        category, ev = sign
        rs, re_ = view.to_raw(link.start, link.end)
        if view.is_html:
            rs, re_ = whole_link(doc.text, rs, re_)
        else:
            md = markdown_link(doc.text, rs, re_)
            if md is not None:
                rs, re_ = md[0], md[1]
        out.append(Span(rs, re_, doc.text[rs:re_], category, _EXTEND_SCORE, (shared(ev),), source="link"))
    return out


def _link_sign(
    link: Link, host: str, spam_hosts: dict[str, Span], categories: set[str], trades
) -> tuple[str, Evidence] | None:
    anchor = " ".join(link.text.split())
    if not anchor:
        return None
    if host in spam_hosts:
        owner = spam_hosts[host]
        return owner.category, Evidence(
            "same_target", f"'{anchor}' links to {host}, the site of a reported spam link", 0.8
        )
    words = {w.lower() for w in _WORD.findall(anchor)}
    labels = address_words(link.href)[0]
    for trade, rules in trades.items():
        if trade not in categories:
            continue
        named = next((w for w in rules.domain if any(w in lb for lb in labels)), None)
        if named is not None and words & (set(rules.domain) | rules.topic):
            return trade, Evidence(
                "trade_link",
                f"'{anchor}' links to {host}, a site named for the {trade} trade ('{named}')",
                0.8,
            )
        if any(re.fullmatch(p, anchor) for p in rules.brands):
            return trade, Evidence("brand_link", f"'{anchor}' is a {trade} shop name linking to {host}", 0.8)
    return None
