"""Blocks: runs of findings that are one injection, reported as the block the injector pasted.

Spun text pasted into a paragraph, a list of spam links, an element filled with anchors: the
block, not each keyword in it, is what was added. Decisions here widen spans that the scorer
already reported; they never report text that holds no finding.
"""

from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Sequence

from .detect import Candidate
from .score.features import HEALTH_PAGE_SHARE, load_health_words
from .spans import merge_overlaps, to_view
from .types import Document, Evidence, EvidencePool, Span
from .view import TextView

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


def glued_start(text: str, start: int, first: int) -> int:
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


def grow_blocks(
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
    breaks = [m.start() for m in re.finditer("(?=" + re.escape(para) + ")", text)]  # overlapping, as find()
    other_starts = sorted(c.start for c in others if c.category == "pharma")
    weak_starts = sorted(c.start for c in others)
    out: list[Span] = []
    run: list[tuple[int, int, Span]] = []
    health: list[_Tally] = []

    def page_health() -> _Tally:
        if not health:
            health.append(_health_tally(text))
        return health[0]

    def flush() -> None:
        products = {canon.get((sp.start, sp.end), sp.text.lower()) for _, _, sp in run}
        start = _sentence_start(text, run[0][0])
        glued = glued_start(text, start, run[0][0])
        end = _sentence_end(text, run[-1][1])
        while end > run[-1][1] and text[end - 1].isspace():
            end -= 1
        # A block stands apart from the page: it starts or ends a paragraph, or it was pasted into a
        # sentence of the page (glued on at the start, or the page's sentence running on after it).
        h = start  # the text before the block, spaces and tabs skipped (no slice of the whole page)
        while h > 0 and text[h - 1] in " \t":
            h -= 1
        t = end
        while t < len(text) and text[t] in " \t":
            t += 1
        head_glued = glued > start
        head_apart = h == 0 or text[h - 1] == "\n" or head_glued
        tail_glued = text[t : t + 1].islower()
        tail_apart = t == len(text) or text[t] == "\n" or tail_glued
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
        # Paragraph edges from the page's break positions, found once (not a search to the page's ends).
        k = bisect.bisect_right(breaks, start - len(para)) - 1
        para_start = breaks[k] + len(para) if k >= 0 else 0
        k = bisect.bisect_left(breaks, end)
        para_end = breaks[k] if k < len(breaks) else len(text)
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
            and not _foreign_health_prose(text, start, end, [(a, b) for a, b, _ in run], page_health())
        ):
            big = False
        # A paragraph of its own that is mostly spam links (a forum post that is an advert) is the
        # injection whatever its sentences say.
        if sum(sp.source == "link" for _, _, sp in run) >= _BLOCK_MIN_SPANS and apart and fills:
            big = True
        k = bisect.bisect_left(breaks, start)
        if k < len(breaks) and breaks[k] + len(para) <= end:  # a block never crosses a paragraph
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
        vs, ve = to_view(view, sp.start, sp.end)
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
    return merge_overlaps(out)


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


class _Tally:
    """The page's sentences (their starts) with running counts of those that have some property:
    built once per document, so the share outside any block costs a bisect, not a pass."""

    def __init__(self, starts: Sequence[int], hits: Sequence[int]):
        self.starts = starts
        self.prefix = array("q", [0])  # machine integers: a page may hold tens of thousands of sentences
        for h in hits:
            self.prefix.append(self.prefix[-1] + h)

    def outside(self, start: int, end: int) -> tuple[int, int]:
        """(sentences with the property, sentences) of the page that start outside ``[start, end)``."""
        i, j = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return self.prefix[-1] - (self.prefix[j] - self.prefix[i]), len(self.starts) - (j - i)


def _health_tally(text: str) -> _Tally:
    """The page's sentences of three words or more, and which of them use a health word."""
    health = load_health_words()
    starts: list[int] = []
    hits: list[bool] = []
    pos = 0
    for m in [*_SENT_BREAK.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        words = _WORDS.findall(text[pos:end].lower())
        if len(words) >= 3:
            starts.append(pos)
            hits.append(any(w in health for w in words))
        if m is not None:
            pos = m.end()
    return _Tally(starts, hits)


def _foreign_health_prose(
    text: str, start: int, end: int, phrases: list[tuple[int, int]], page: _Tally
) -> bool:
    """Whether ``text[start:end]`` is prose about health on a page that is about something else.

    Spun pharmacy text is rewritten medical copy ("impotence ... blood circulation ... prostatitis")
    pasted onto a garden blog or a travel diary: a block of it is foreign to the page even when
    nothing glues it on. Health prose: a third of the block's sentences (its anchors blanked) use a
    health word; a page about something else: under 15% of its other sentences do, the share below
    which the scorer's features call a page not about health. The page's counts come from
    ``page``, built once per document, so many blocks cost no more than one pass over the page.
    """
    block = list(text[start:end])
    for a, b in phrases:  # the block's own words, not its anchors ("viagra tablets")
        block[max(0, a - start) : max(0, b - start)] = " " * max(0, min(b, end) - max(a, start))
    block_hits, block_n = _health_sentences("".join(block))
    page_hits, page_n = page.outside(start, end)
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


# --- link blocks -------------------------------------------------------------------------------

_LINK_BLOCK_MIN = 3  # spam links that make a list or an element one injection
_LINK_SHARE = 0.2  # in an element with other text, the spam anchors' share of its text
_ELEMENT_PAGE_SHARE = 0.6  # an element holding more of the page than this is the page, not a block
_WORDS_PER_LINK = 15  # an element with a link every this many words or fewer is a link farm
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})  # never a block: the page itself
_RUN_GAP = 400  # view characters between two links of one list, at most
_LIST_JUNK = re.compile(r"[\s|,;·•\-–—/]*")
_WINDOW = 20_000


def enclosing_element(raw: str, pos: int) -> tuple[str, int, int] | None:
    """``(tag, start, end)`` of the innermost element (other than a link) open at raw ``pos``.

    Walks back from ``pos`` over the tags of at most ``_WINDOW`` characters (from the document's
    tag index, built once), counting each tag's closings against its openings.
    """
    from .markup import element_bounds, tokens_for

    starts, ends, info, match = tokens_for(raw).all_tags()
    lo = bisect.bisect_left(starts, max(0, pos - _WINDOW))
    k = bisect.bisect_right(ends, pos) - 1
    depth: dict[str, int] = {}
    while k >= lo:
        tag, kind = info[k]
        if kind == -1:
            j = match[k]
            if j >= lo:  # a closed element before pos: skip it whole
                k = j - 1
                continue
            depth[tag] = depth.get(tag, 0) + 1
        elif kind == 1:
            if depth.get(tag):
                depth[tag] -= 1
            elif tag != "a":
                bounds = element_bounds(raw, pos, pos, tag)
                if bounds is None or bounds[0] != starts[k]:
                    return None
                return tag, bounds[0], bounds[1]
        k -= 1
    return None


def _by_start(view: TextView) -> tuple[list, list[int]]:
    """The view's links sorted by start, and their starts (for bisecting)."""
    links = sorted(view.links, key=lambda ln: ln.start)
    return links, [ln.start for ln in links]


def _only_links(view: TextView, index: tuple[list, list[int]], a: int, b: int) -> bool:
    """Whether the view text ``[a, b)`` holds nothing but link anchors, spaces and list separators."""
    text = view.text
    pos = a
    links, starts = index
    for ln in links[max(0, bisect.bisect_left(starts, a) - 1) : bisect.bisect_left(starts, b)]:
        if ln.end <= pos:
            continue
        if not _LIST_JUNK.fullmatch(text, pos, max(pos, ln.start)):
            return False
        pos = max(pos, ln.end)
    return _LIST_JUNK.fullmatch(text, min(pos, b), b) is not None


def _wrapper(doc: Document, view: TextView, sp: Span) -> tuple[int, int]:
    """The element that holds nothing but this link (a list item), else the link itself."""
    el = enclosing_element(doc.text, sp.start)
    if el is None:
        return sp.start, sp.end
    vs, ve = to_view(view, el[1], el[2])
    ls, le = to_view(view, sp.start, sp.end)
    if view.text[vs:ls].strip() or view.text[le:ve].strip():
        return sp.start, sp.end
    return el[1], el[2]


def _block_span(doc: Document, members: list[Span], rs: int, re_: int, detail: str) -> Span:
    best = max(members, key=lambda sp: sp.score)
    cats: dict[str, int] = {}
    for sp in members:
        cats[sp.category] = cats.get(sp.category, 0) + 1
    category = max(cats.items(), key=lambda kv: kv[1])[0]
    ev = (Evidence("link_block", detail, 0.5), *best.evidence)
    return Span(
        rs, re_, doc.text[rs:re_], category, best.score, ev, source=best.source, selector=best.selector
    )


def link_blocks(doc: Document, view: TextView, spans: list[Span]) -> list[Span]:
    """Report a list of spam links, or an element filled with them, as one block.

    A footer or sidebar of pasted backlinks, or a paragraph of spun text with a link every few
    words, is one injection: three spam links or more in a row with nothing but other links and
    separators between them become one span (from the first link's list item to the last one's),
    and an element holding three or more, whose anchors make a fifth of its text or more and which
    is not most of the page, is reported whole with its tags.
    """
    links = [sp for sp in spans if sp.source == "link"]
    if len(links) < _LINK_BLOCK_MIN:
        return spans
    if not view.is_html:  # Markdown links: the container is the line (a post, a list item)
        out = [sp for sp in spans if sp.source != "link"] + _element_blocks(doc, view, links, _line_of)
        out.sort(key=lambda sp: (sp.start, -sp.end))
        return merge_overlaps(out)
    out = [sp for sp in spans if sp.source != "link"]
    vpos = {id(sp): to_view(view, sp.start, sp.end) for sp in links}
    index = _by_start(view)
    runs: list[list[Span]] = [[links[0]]]
    for sp in links[1:]:
        prev = runs[-1][-1]
        a, b = vpos[id(prev)][1], vpos[id(sp)][0]
        if b - a <= _RUN_GAP and _only_links(view, index, a, b):
            runs[-1].append(sp)
        else:
            runs.append([sp])
    rest: list[Span] = []
    for run in runs:
        if len(run) < _LINK_BLOCK_MIN:
            rest.extend(run)
            continue
        rs = _wrapper(doc, view, run[0])[0]
        re_ = _wrapper(doc, view, run[-1])[1]
        el = enclosing_element(doc.text, rs)
        if el is not None and el[2] >= re_:
            vs, ve = to_view(view, el[1], el[2])
            if _only_links(view, index, vs, ve):
                rs, re_ = el[1], el[2]
        out.append(_block_span(doc, run, rs, re_, f"a list of {len(run)} spam links"))
    out.extend(_element_blocks(doc, view, rest, enclosing_element))
    out.sort(key=lambda sp: (sp.start, -sp.end))
    return merge_overlaps(out)


def _line_of(text: str, pos: int) -> tuple[str, int, int] | None:
    start = text.rfind("\n", max(0, pos - _WINDOW), pos) + 1
    end = text.find("\n", pos, pos + _WINDOW)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1].isspace():
        end -= 1
    return "line", start, end


def _element_blocks(doc: Document, view: TextView, links: list[Span], container) -> list[Span]:
    groups: dict[tuple[str, int, int], list[Span]] = {}
    loose: list[Span] = []
    for sp in links:
        el = container(doc.text, sp.start)
        if el is None:
            loose.append(sp)
        else:
            groups.setdefault(el, []).append(sp)
    page = len(view.text.strip()) or 1
    starts = _by_start(view)[1]
    out = loose
    for (tag, rs, re_), members in groups.items():
        vs, ve = to_view(view, rs, re_)
        body = len(view.text[vs:ve].strip()) or 1
        anchors = sum(e - s for s, e in (to_view(view, sp.start, sp.end) for sp in members))
        n_links = bisect.bisect_left(starts, ve) - bisect.bisect_left(starts, vs)
        words = len(view.text[vs:ve].split())
        # Spun text carries a link every few words, the spam ones among them: "swiss <a>replica
        # watches</a> delivers the feeling ... <a>patekphilippewatches</a> showing ...".
        dense = n_links * _WORDS_PER_LINK >= words and 3 * len(members) >= n_links
        if (
            len(members) >= _LINK_BLOCK_MIN
            and tag not in _PAGE_TAGS
            and ((anchors >= _LINK_SHARE * body and body <= _ELEMENT_PAGE_SHARE * page) or dense)
        ):
            out.append(
                _block_span(
                    doc,
                    members,
                    rs,
                    re_,
                    f"{len(members)} spam links in one " + ("line" if tag == "line" else f"<{tag}> element"),
                )
            )
        else:
            out.extend(members)
    return out


# --- trade prose -------------------------------------------------------------------------------

# A sentence end inside a paragraph: terminal punctuation, closing quotes, space, then a capital
# or a digit. Line breaks are not sentence ends here: HTML source wraps its paragraphs anywhere.
_PROSE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_PROSE_MIN_SENTENCES = 3
_PROSE_PAGE_SHARE = 0.15  # the rest of the page uses the trade's words in fewer sentences than this
_LETTERS = re.compile(r"[^\W\d_]+")


def _topic_hit(sentence: str, topic: frozenset[str]) -> bool:
    """Whether the sentence uses a topic word or a run of words that is a topic phrase.

    Word by word, with only the last few words in hand: a "sentence" with no full stop can be a
    whole page, and a list of its words would outgrow the text.
    """
    longest, phrases = _topic_phrases(topic)
    last: list[str] = []
    for m in _LETTERS.finditer(sentence):
        w = m.group().lower()
        if w in topic:
            return True
        last.append(w)
        del last[: -longest or len(last)]
        if any(" ".join(last[-k:]) in phrases for k in range(2, len(last) + 1)):
            return True
    return False


@functools.cache
def _topic_phrases(topic: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The most words in one of the topic's phrases, and its phrases of more than one word."""
    phrases = frozenset(t for t in topic if " " in t)
    return max((len(t.split(" ")) for t in phrases), default=0), phrases


def _prose_sentences(text: str, start: int, end: int) -> tuple[array, array]:
    """The starts and the ends of the prose sentences of ``text[start:end]`` that are not blank.

    Machine integers, not a list of pairs: one paragraph may hold tens of thousands of sentences.
    """
    starts, ends = array("q"), array("q")

    def add(a: int, b: int) -> None:
        if text[a:b].strip():
            starts.append(a)
            ends.append(b)

    pos = start
    for m in _PROSE_BREAK.finditer(text, start, end):
        add(pos, m.start())
        pos = m.end()
    if pos < end:
        add(pos, end)
    return starts, ends


def _topic_hits(text: str, starts: array, ends: array, topic: frozenset[str]) -> bytearray:
    """For each sentence, 1 when it uses one of the topic words."""
    return bytearray(_topic_hit(text[a:b], topic) for a, b in zip(starts, ends, strict=True))


class _Paragraphs:
    """The paragraph holding each span, each found once: a block element in HTML, blank lines in text."""

    def __init__(self, doc: Document, view: TextView):
        self.doc, self.view = doc, view
        self.found: list[tuple[int, int]] = []  # view ranges of the elements found so far, sorted
        self.breaks = [] if view.is_html else [m.start() for m in re.finditer(r"\n\n", view.text)]

    def of(self, sp: Span) -> tuple[int, int]:
        vs, ve = to_view(self.view, sp.start, sp.end)
        if not self.view.is_html:
            i = bisect.bisect_right(self.breaks, vs - 2)
            p0 = self.breaks[i - 1] + 2 if i else 0
            p1 = self.breaks[i] if i < len(self.breaks) else len(self.view.text)
            return p0, max(p1, ve)
        k = bisect.bisect_right(self.found, (vs, len(self.view.text) + 1)) - 1
        if k >= 0 and self.found[k][0] <= vs and ve <= self.found[k][1]:
            return self.found[k]  # a later span in an element already found (no second tag scan)
        el = enclosing_element(self.doc.text, sp.start)
        if el is None or el[0] in _PAGE_TAGS or el[2] < sp.end:
            return vs, ve
        rng = to_view(self.view, el[1], el[2])
        bisect.insort(self.found, rng)
        return rng


def _runs(hits: Sequence[int]) -> tuple[array, array]:
    """For each sentence, the first and last index of the run of topic sentences around it."""
    lo, hi = array("q", range(len(hits))), array("q", range(len(hits)))
    for k in range(1, len(hits)):
        if hits[k] and hits[k - 1]:
            lo[k] = lo[k - 1]
    for k in range(len(hits) - 2, -1, -1):
        if hits[k] and hits[k + 1]:
            hi[k] = hi[k + 1]
    return lo, hi


def _topic_tally(text: str, topic: frozenset[str]) -> _Tally:
    """The page's sentences and which of them use a trade's topic words."""
    starts, ends = _prose_sentences(text, 0, len(text))
    return _Tally(starts, _topic_hits(text, starts, ends, topic))


def trade_prose(doc: Document, view: TextView, spans: list[Span]) -> list[Span]:
    """Grow a spam link into the sentences about its trade pasted around it on an unrelated page.

    "... (sole trader/contractor). For watch enthusiasts seeking premium alternatives, <a>replica
    rolex</a> timepieces offer excellent value ... These watches faithfully reproduce ..." is one
    paste: the link's sentence and the sentences next to it in its paragraph that speak of the
    trade (its ``topic`` words), three sentences or more, on a page whose other sentences rarely
    do (under 15%). The page's own sentences before and after stay.
    """
    from .score.trades import load_trades

    trades = load_trades()
    text = view.text
    pages: dict[str, _Tally] = {}
    paragraphs: dict[tuple[int, int, str], tuple[array, array, bytearray, array, array]] = {}
    where = _Paragraphs(doc, view)
    grown: list[Span] = []
    shared = EvidencePool()
    for sp in spans:
        rules = trades.get(sp.category)
        if rules is None or not rules.topic or (grown and sp.end <= grown[-1].end):
            continue
        p0, p1 = where.of(sp)
        key = (p0, p1, sp.category)
        if key not in paragraphs:  # each paragraph is split and read once, however many spans it holds
            starts, ends = _prose_sentences(text, p0, p1)
            hits = _topic_hits(text, starts, ends, rules.topic)
            paragraphs[key] = (starts, ends, hits, *_runs(hits))
        starts, ends, hits, run_lo, run_hi = paragraphs[key]
        vs, _ = to_view(view, sp.start, sp.end)
        k = bisect.bisect_right(starts, vs) - 1
        if k < 0 or not starts[k] <= vs < ends[k]:
            continue
        # The link's sentence and the runs of topic sentences on either side of it.
        i = run_lo[k - 1] if k > 0 and hits[k - 1] else k
        j = run_hi[k + 1] if k + 1 < len(starts) and hits[k + 1] else k
        if j - i + 1 < _PROSE_MIN_SENTENCES:
            continue
        a, b = starts[i], ends[j]
        if sp.category not in pages:
            pages[sp.category] = _topic_tally(text, rules.topic)
        page_hits, page_n = pages[sp.category].outside(a, b)
        if page_n < 3 or page_hits >= _PROSE_PAGE_SHARE * page_n:
            continue
        rs, re_ = view.to_raw(a, b)
        if rs > sp.start or re_ < sp.end:
            continue
        detail = f"{j - i + 1} sentences about {sp.category} around the link, on a page about something else"
        ev = (shared(Evidence("trade_prose", detail, 0.5)), *sp.evidence)
        grown.append(Span(rs, re_, doc.text[rs:re_], sp.category, sp.score, ev, source="text"))
    if not grown:
        return spans
    return merge_overlaps([*spans, *grown])
