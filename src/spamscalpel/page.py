"""Page-level decisions: signs that the whole page is spam, not a page with spam inserted.

A doorway page sells one product from its headline on; a keyword-stuffed page repeats one phrase;
an anchor list carries many sales phrases. These signs make the verdict ``spam_page`` and, where
no single phrase scored as spam, report the page's sales phrases.
"""

from __future__ import annotations

import re

from .score import DocContext, Scored
from .spans import span_of
from .types import Document, Evidence, Span
from .view import TextView, address_words

_EXPLAINED = frozenset({"topic_fit", "quoted_code"})


def _fits(s: Scored) -> bool:
    """Whether the page explains the mention: its topic, or a code listing that quotes it."""
    return any(e.kind in _EXPLAINED for e in s.evidence)


def _sold(c) -> bool:
    """Whether a phrase carries a sales sign beyond a dose: "Sildenafil 100mg Film-Coated Tablets"
    heads a patient leaflet as well as a shop, "Buy Sildenafil 100mg" only a shop."""
    return bool(c.modifiers or c.foreign or c.template or c.url or c.country)


def spam_page_evidence(view: TextView, scored: list[Scored], kept: list[Scored]) -> list[Evidence]:
    """Document-level signs that the whole page is spam rather than a page with spam inserted.

    Mentions that the page's topic explains (``topic_fit``: a news report on gambling sites) are
    not sales phrases and count for nothing here.
    """
    scored = [s for s in scored if not _fits(s)]
    text = view.text
    body = len(text.strip()) or 1
    ev: list[Evidence] = []
    covered = sum(s.candidate.end - s.candidate.start for s in kept)
    coverage = covered / body
    # Text hidden from visitors is an injection into the page, not the page: a theme file whose only
    # readable text is the spammer's display:none block is a hacked file, not a spam page.
    all_hidden = bool(kept) and all(s.candidate.features.get("hidden") for s in kept)
    if coverage >= 0.25 and not all_hidden:
        ev.append(
            Evidence("spam_coverage", f"spam phrases cover {coverage:.0%} of the text", round(coverage, 3))
        )
    counts: dict[str, int] = {}
    phrases: dict[str, int] = {}
    for s in scored:
        c = s.candidate
        counts[c.canonical] = counts.get(c.canonical, 0) + 1
        phrase = " ".join(text[c.start : c.end].lower().split())
        # A medicine's two-word name ("insulin glargine") repeated by a leaflet is not stuffing;
        # a sales phrase or a spam keyword repeated is.
        if " " in phrase and c.category != "other" and (c.kind != "drug" or c.features.get("commercial", 0) > 0):
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
        and _sold(s.candidate)
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


# A synonym spinner that picks WordNet senses leaves their tags glued to words: "both(prenominal)",
# "up to(p)", "rude(a)". "(s)" is left out: "word(s)" is ordinary English.
# The pattern starts with a literal, so the engine skips ahead to each "(" (no lookbehind per position).
_SPINNER_TAG = re.compile(r"\((prenominal|postnominal|p|a|ip)\)")
_SPINNER_MIN = 3


def spinner_evidence(text: str) -> list[Evidence]:
    """A page run through a synonym spinner: three of its sense tags or more, one a full tag name."""
    if "nominal)" not in text:  # no full tag name: one substring test instead of the tag search
        return []
    tags = [m for m in _SPINNER_TAG.finditer(text) if m.start() > 0 and text[m.start() - 1].isalpha()]
    if len(tags) < _SPINNER_MIN or not any(m.group(1).endswith("nominal") for m in tags):
        return []
    shown = ", ".join(f"'{text[max(0, m.start() - 12) : m.end()].split()[-1]}'" for m in tags[:3])
    return [Evidence("spun_text", f"a synonym spinner's sense tags, {len(tags)} times: {shown}", 0.8)]


def page_evidence(
    doc: Document, view: TextView, ctx: DocContext | None, scored: list[Scored], kept: list[Scored]
) -> list[Evidence]:
    """Every sign that the page itself is the spam: its phrases, its address, spun text."""
    ev = spam_page_evidence(view, scored, kept) if scored else []
    return ev + (url_evidence(doc, view, ctx, scored) if doc.url else []) + spinner_evidence(view.text)


def doorway_spans(doc: Document, view: TextView, scored: list[Scored]) -> list[Span]:
    """On a page that is the spam, its keyword phrases (those with any sales or rotation sign)."""
    return [
        span_of(doc, view, s, max(s.score, 0.5))
        for s in scored
        if not _fits(s)
        and (s.candidate.features.get("commercial", 0) > 0 or s.candidate.features.get("rotation"))
    ]


# --- the page's address ------------------------------------------------------------------------

_URL_SALES = 0.35  # a slug phrase this commercial sells (the finder's own commercial measure)


def url_evidence(
    doc: Document, view: TextView, ctx: DocContext | None, scored: list[Scored]
) -> list[Evidence]:
    """Signs in the page's URL that the page is the trade's own: its slug sells, or its host is named for it.

    A slug such as ``buy-tramadol-cheap-overnight-delivery`` or ``online-payday-loan-for-bad-credit``
    is a sales phrase (the keyword finder reads it as text); a page under it that names the same
    trade is a doorway, however cautious its text sounds. A host named for a trade
    (``replicafactory``, ``argumentativeessaypapers``) makes the page the trade's own when the page
    also uses the trade's sales words or names it in a way its topic does not explain.
    """
    if not doc.url:
        return []
    from .detect.finders import candidates_for
    from .lexicon import load_lexicon
    from .score.features import commercial_of
    from .score.trades import load_trades, sentence_words

    labels, slug = address_words(doc.url)
    on_page = {s.candidate.category for s in scored}
    sold_on_page = {s.candidate.category for s in scored if not _fits(s)}
    ev: list[Evidence] = []
    if slug and scored:
        lex = load_lexicon()
        for c in candidates_for(slug)[1]:
            com = commercial_of(c, lex)
            # Two sales words or more: "can-now-buy-viagra-online" headlines news, "buy-x-cheap-overnight" sells.
            if com >= _URL_SALES and len(set(c.modifiers)) + len(c.foreign) >= 2 and c.category in on_page:
                phrase = slug[c.start : c.end]
                ev.append(Evidence("address_sells", f"the page's address sells it: '{phrase}'", 0.8))
                break
    trades = load_trades()
    words = None
    for label in labels:
        for trade, rules in trades.items():
            hit = next((w for w in rules.domain if w in label), None)
            if hit is None:
                continue
            if words is None:
                ctx = ctx or DocContext.build(view, load_lexicon(), [])
                words = sentence_words(ctx)
            if trade in sold_on_page or words.get((trade, "sales")):
                ev.append(
                    Evidence(
                        "trade_domain", f"the site '{label}' is named for the {trade} trade ('{hit}')", 0.7
                    )
                )
                return ev
    return ev
