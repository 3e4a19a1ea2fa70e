"""Finders -> scorer -> report: the stages behind ``analyze``.

1. A view of the input (identity for text; visible+hidden text with a raw-offset map for HTML).
2. A cheap prefilter: a document with no lexicon term and nothing obfuscated stops here.
3. Normalization and candidate finding in normalized offsets, mapped back to the view.
4. The configured scorer gives each candidate a score and evidence.
5. Spans over the threshold are mapped to raw offsets; the document gets a verdict.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .detect import Candidate
from .detect.keywords import candidates_for, has_candidates
from .lexicon import load_lexicon
from .normalize import needs_normalizing
from .score import DocContext, Scored, get_scorer
from .score.features import HEALTH_PAGE_SHARE, load_health_words
from .types import Document, Evidence, Report, Span
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
    if not has_candidates(text) and not needs_normalizing(text):
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


def _hidden_block(view: TextView, s: Scored) -> tuple[int, int, str | None] | None:
    for r in view.regions_at(s.candidate.start, s.candidate.end):
        if r.kind == "hidden":
            return r.start, r.end, r.selector
    return None


def _spam_page_evidence(view: TextView, scored: list[Scored], kept: list[Scored]) -> list[Evidence]:
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


def run_pipeline(doc: Document, cfg: Config) -> Report:
    """Analyse one document with the given configuration (``analyze`` validates and calls this)."""
    view = _view_for(doc)
    cands = find_candidates(view)
    if not cands:
        return Report(doc.id, "clean", 0.0, ())
    lex = load_lexicon()
    ctx = DocContext.build(view, lex, cands)
    scored = get_scorer(cfg.scorer).score(ctx)
    kept = [s for s in scored if s.score >= cfg.threshold]
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
        if view.is_html and source != "hidden":
            link = next((r for r in view.regions_at(start, end) if r.kind == "link"), None)
            if link is not None:
                rs, re_ = _whole_link(doc.text, rs, re_)
                source, selector = "link", selector or link.selector
        canon[(rs, re_)] = c.canonical
        spans.append(
            Span(
                rs,
                re_,
                doc.text[rs:re_],
                c.category,
                min(1.0, s.score),
                s.evidence,
                source=source if view.is_html else None,
                selector=selector,
            )
        )
    spans = _merge_overlaps(spans)
    spans = _grow_blocks(doc, view, spans, canon, [sc.candidate for sc in scored if sc.score < cfg.threshold])
    doc_ev = _spam_page_evidence(view, scored, kept)
    if not spans and doc_ev:
        # A doorway page written to look editorial: the page is the spam, so report its keyword phrases.
        spans = [
            _span_of(doc, view, s, max(s.score, 0.5))
            for s in scored
            if s.candidate.features.get("commercial", 0) > 0 or s.candidate.features.get("rotation")
        ]
    if not spans:
        top = max((s.score for s in scored), default=0.0)
        return Report(doc.id, "clean", round(top, 4), ())
    miss = 1.0
    for sp in spans:
        miss *= 1.0 - sp.score
    score = 1.0 - miss
    verdict = "spam_page" if doc_ev else "injected"
    return Report(doc.id, verdict, round(score, 4), tuple(spans), evidence=tuple(doc_ev))


_A_OPEN = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)


def _whole_link(raw: str, rs: int, re_: int) -> tuple[int, int]:
    """Widen a span on link anchor text to the whole ``<a ...>...</a>`` element: the link is the injection."""
    before = raw[max(0, rs - 2000) : rs]
    opens = list(_A_OPEN.finditer(before))
    if opens:
        o = opens[-1]
        if not _A_CLOSE.search(before, o.end()):
            rs = rs - len(before) + o.start()
    close = _A_CLOSE.search(raw, re_, min(len(raw), re_ + 2000))
    if close and not _A_OPEN.search(raw, re_, close.start()):
        re_ = close.end()
    return rs, re_


_BLOCK_MIN_SPANS = 3
_BLOCK_MAX_GAP = 350
_BLOCK_PARA_SHARE = 0.5  # a block bounded by a paragraph edge on one side only must fill this much of it
# A block that stands apart by paragraph edges alone (pasted nowhere) must carry spam phrases in this
# many sentences, as a pasted spun article does; fewer is an ordinary paragraph holding some anchors.
_BLOCK_EDGE_SENTENCES = 4
_WORDS = re.compile(r"[a-z]+")
# A sentence end: terminal punctuation (plus closing quotes) and space, or a line break.
_SENT_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n")
# A sentence glued on mid-line: "... At least Your doctor may ...": a lower-case word, a space, then
# a capitalised ordinary word (checked against the common-word list, so names do not count).
_GLUE = re.compile(r"(?<=[a-z,;])[ \t]+(?=([A-Z][a-z]+)\b)")
_LAST_WORD = re.compile(r"([A-Za-z]+)$")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
_NAME_LEAD = frozenset("the a an this that these those his her its their our my your".split())
_OPENERS = frozenset(
    "i it you we they he she there here if when while although because as so but and or".split()
)


def _to_view(view: TextView, rs: int, re_: int) -> tuple[int, int]:
    """The view range whose raw image is ``[rs, re_)`` (identity for plain text)."""
    if view.raw_starts is None or view.raw_ends is None:
        return rs, re_
    return bisect.bisect_left(view.raw_starts, rs), bisect.bisect_right(view.raw_ends, re_)


def _glued_start(text: str, start: int, first: int) -> int:
    """Where a spun block begins inside the sentence ``[start, first)`` that its first phrase sits in.

    Injectors paste blocks at any space, so the block's first sentence often hangs on the end of a
    sentence of the page ("... At least [Your doctor may change ...]"). The block then begins at the
    last capitalised ordinary word that follows a lower-case word with no punctuation between.
    A capitalised word that is part of a name is the page's own sentence going on, not a paste:
    after an article or a possessive ("the Court", "its Board"), after or before another capitalised
    word ("Medicines Agency", "Art Neuendorffer"), or a drug brand ("says Xanax remains safe").
    A function word never names anything, so "the The ..." or "go It ..." is still a paste.
    """
    from .lexicon import load_common_words, load_lexicon

    common = load_common_words()
    lex = load_lexicon()
    best = start
    for m in _GLUE.finditer(text, start, first):
        word = m.group(1).lower()
        if word not in common:
            continue
        if word not in _NAME_LEAD and word not in _OPENERS:
            before = _LAST_WORD.search(text, max(start, m.start() - 24), m.start())
            after = _NEXT_WORD.match(text, m.end() + len(m.group(1)))
            term = lex.lookup(word)
            if (
                (before and (before.group(1).lower() in _NAME_LEAD or before.group(1)[0].isupper()))
                or (after and after.group(1)[0].isupper())
                or (term is not None and term.category == "pharma")
            ):
                continue
        best = m.end()
    return best


def _grow_blocks(
    doc: Document,
    view: TextView,
    spans: list[Span],
    canon: dict[tuple[int, int], str],
    others: list[Candidate],
) -> list[Span]:
    """Grow a run of spam phrases in consecutive sentences into the spun text block that carries them.

    Injectors paste whole paragraphs of spun text with an anchor in every sentence or so; the block,
    not just its anchors, is the injection. A run needs phrases in the same or neighbouring
    sentences (at most one sentence without a phrase between two of them), no paragraph break
    between them, and either three phrases, or two when the text between them is itself drug prose
    (other drug names that were not reported), the mark of spun pharmacy text rather than two
    templates in an ordinary paragraph. One drug rotated through a page in sentences far apart is
    keyword substitution and is cut word by word. In HTML only text phrases grow (a link or a hidden
    block is already reported whole), and a block never leaves its paragraph.

    A block must stand apart from the page on both sides. One side is enough for a run of two
    products or more when that side shows the paste (a capitalised sentence glued onto a lower-case
    word, or the page's sentence running on in lower case after it) or when the block fills at least
    half of its paragraph, and for a run of one product through three sentences or more when that
    side shows the paste. A block pasted nowhere (standing apart by paragraph edges alone) must
    carry phrases in four sentences or more, as spun articles do, or be medical prose on a page
    about something else; a pair of phrases must be pasted. Otherwise the anchors are cut one by
    one: deleting a site owner's own sentences is the worse mistake.
    """
    if len(spans) < 2:
        return spans
    text = view.text
    para = "\n" if view.is_html else "\n\n"
    other_starts = sorted(c.start for c in others if c.category == "pharma")
    weak_starts = sorted(c.start for c in others)
    out: list[Span] = []
    run: list[tuple[int, int, Span]] = []

    def flush() -> None:
        products = {canon.get((sp.start, sp.end), sp.text.lower()) for _, _, sp in run}
        start = _sentence_start(text, run[0][0])
        glued = _glued_start(text, start, run[0][0])
        end = _sentence_end(text, run[-1][1])
        while end > run[-1][1] and text[end - 1].isspace():
            end -= 1
        # A block stands apart from the page: it starts or ends a paragraph, or it was pasted into a
        # sentence of the page (glued on at the start, or the page's sentence running on after it).
        head = text[:start].rstrip(" \t")
        tail = text[end:].lstrip(" \t")
        head_glued = glued > start
        head_apart = not head or head.endswith("\n") or head_glued
        tail_glued = tail[:1].islower()
        tail_apart = not tail or tail[0] == "\n" or tail_glued
        apart = head_apart and tail_apart
        start = glued
        lo, hi = bisect.bisect_left(other_starts, start), bisect.bisect_left(other_starts, end)
        drug_prose = hi - lo >= 1
        # Standing apart on one side is enough for a run of several products when that side shows
        # the paste (glued on at the start, or the page's sentence running on in lower case after
        # it), or when the block fills half its paragraph or more. A paragraph edge alone is weak:
        # every paragraph has two, and an ordinary paragraph full of anchors would be cut whole.
        # A run of one product needs the paste and three sentences or more: a spun block can push
        # a single drug, while one drug rotated through the page's own sentences is never glued on.
        p0 = text.rfind(para, 0, start)
        para_start = p0 + len(para) if p0 >= 0 else 0
        para_end = text.find(para, end)
        para_end = len(text) if para_end < 0 else para_end
        fills = (end - glued) >= _BLOCK_PARA_SHARE * max(1, para_end - para_start)
        pasted = head_glued or tail_glued
        one_side = pasted or ((head_apart or tail_apart) and fills)
        # Sentences holding the run's phrases.
        n_sent = 1 + sum(
            bool(_SENT_BREAK.search(text[a[1] : b[0]])) for a, b in zip(run, run[1:], strict=False)
        )
        big = len(run) >= _BLOCK_MIN_SPANS and (
            apart or (len(products) >= 2 and one_side) or (n_sent >= 3 and pasted)
        )
        # Pasted nowhere (no glue on either side), a block stands apart by its paragraph edges alone,
        # which every paragraph has: cut it whole only when it runs on as spun text does, with spam in
        # sentence after sentence, or when it is medical copy on a page about something else. Two or
        # three anchored sentences are otherwise the page's own paragraph with keywords stuck in it,
        # and so is a pair of phrases around other drug names.
        if (
            not pasted
            and 2 <= n_sent < _BLOCK_EDGE_SENTENCES
            and not _foreign_health_prose(text, start, end, [(a, b) for a, b, _ in run])
        ):
            big = False
        if para in text[start:end]:  # a block never crosses a paragraph
            big = apart = False
        if big or (len(run) == 2 and apart and pasted and drug_prose):
            best = max((sp for _, _, sp in run), key=lambda sp: sp.score)
            detail = f"{len(run)} spam phrases within one block of text"
            if not big:
                detail += f" around {hi - lo} other drug name(s)"
            ev = (Evidence("spun_block", detail, 0.5), *best.evidence)
            rs, re_ = view.to_raw(start, end)
            out.append(Span(rs, re_, doc.text[rs:re_], best.category, best.score, ev))
        else:
            out.extend(sp for _, _, sp in run)
        run.clear()

    for sp in spans:
        if view.is_html and sp.source in ("hidden", "link"):
            out.append(sp)
            continue
        vs, ve = _to_view(view, sp.start, sp.end)
        if run:
            # Neighbouring phrases sit in the same or the next sentence; one sentence more may lie
            # between them when it holds a weaker spam candidate (an anchor scored below threshold).
            prev_end = run[-1][1]
            between = text[prev_end:vs]
            lo = bisect.bisect_left(weak_starts, prev_end)
            weak_between = lo < len(weak_starts) and weak_starts[lo] < vs
            allowed = 2 if weak_between else 1
            if (
                vs - prev_end > _BLOCK_MAX_GAP
                or para in between
                or len(_SENT_BREAK.findall(between)) > allowed
            ):
                flush()
        run.append((vs, ve, sp))
    if run:
        flush()
    out.sort(key=lambda sp: (sp.start, -sp.end))
    return _merge_overlaps(out)


def _health_sentences(text: str) -> tuple[int, int]:
    """(sentences using a health word, sentences) in ``text``."""
    health = load_health_words()
    n = hits = 0
    for sent in _SENT_BREAK.split(text):
        words = _WORDS.findall(sent.lower())
        if len(words) < 3:
            continue
        n += 1
        hits += any(w in health for w in words)
    return hits, n


def _foreign_health_prose(text: str, start: int, end: int, phrases: list[tuple[int, int]]) -> bool:
    """Whether ``text[start:end]`` is prose about health on a page that is about something else.

    Spun pharmacy text is rewritten medical copy ("impotence ... blood circulation ... prostatitis")
    pasted onto a garden blog or a travel diary: a block of it is foreign to the page even when
    nothing glues it on. Health prose: a third of the block's sentences (its anchors blanked) use a
    health word; a page about something else: under 15% of its other sentences do, the share below
    which the scorer's features call a page not about health.
    """
    block = list(text[start:end])
    for a, b in phrases:  # the block's own words, not its anchors ("viagra tablets")
        block[max(0, a - start) : max(0, b - start)] = " " * max(0, min(b, end) - max(a, start))
    block_hits, block_n = _health_sentences("".join(block))
    page_hits, page_n = _health_sentences(text[:start] + "\n" + text[end:])
    return (
        block_n >= 2 and 3 * block_hits >= block_n and page_n >= 3 and page_hits < HEALTH_PAGE_SHARE * page_n
    )


def _sentence_start(text: str, pos: int) -> int:
    floor = max(0, pos - 400)
    best = floor
    for m in _SENT_BREAK.finditer(text, floor, pos):
        best = m.end()
    return best if best < pos else pos


def _sentence_end(text: str, pos: int) -> int:
    m = re.compile(r"[.!?](?=[\"'”’)]*(?:\s|$))|\n").search(text, pos, min(len(text), pos + 400))
    return m.end() if m else min(len(text), pos + 400) if pos + 400 >= len(text) else pos


def _span_of(doc: Document, view: TextView, s: Scored, score: float) -> Span:
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


def _merge_overlaps(spans: list[Span]) -> list[Span]:
    spans.sort(key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for s in spans:
        if out and s.start < out[-1].end:
            prev = out[-1]
            if s.end <= prev.end:
                continue
            keep = prev if prev.score >= s.score else s
            from dataclasses import replace

            out[-1] = replace(
                keep, start=prev.start, end=s.end, text=prev.text + s.text[prev.end - s.start :]
            )
            continue
        out.append(s)
    return out
