"""Cut reported spans out of the caller's text: span, sentence and mask policies.

Detection and removal are separate steps: ``clean`` only reads a ``Report``'s spans, so it works
on any report (from ``analyze``, a sidecar file, or a hand-made one). Offsets index the exact text
the report was made for; for HTML input that is the raw markup.

HTML is cleaned so that what the spammer paid for goes: an element left with no words once the
spans are cut (a hidden block, a link whose anchor text was the spam) is removed whole, start tag,
``href`` and all, and a cut never leaves half a tag or an unmatched end tag behind.
"""

from __future__ import annotations

import bisect
import html as _html
import re
from dataclasses import dataclass

from .types import Report, Span

POLICIES: tuple[str, ...] = ("span", "sentence", "mask")

_HSPACE = " \t\u00a0"
_CLAUSE_PUNCT = ",;:"
_STOP_PUNCT = ".!?"
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
# Short English words that may follow an injected phrase as real words; any other 1-3 letter
# fragment glued after a template injection is treated as the tail of a word the injection split
# ("colou[...]rs", "weath[...]er").
_SHORT_WORDS = frozenset(
    """a an the to of in on at is it its as be by we he she you i me my our us and or but nor so
    for yet if no not do did does was are has had may can all any one two six ten few new old day
    how who why off out up via per own too now get got let see say set way end use his her him
    they them this that with from into over than then when what were been have will just also""".split()
)
_WORD_TAIL = re.compile(r"[a-z]{1,3}(?![\w'-])")
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Removal:
    """One range ``[start, end)`` of the input that was cut (or masked), with why."""

    start: int
    end: int
    text: str
    category: str
    score: float

    def to_dict(self) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": self.category,
            "score": round(float(self.score), 4),
        }


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The cleaned text and the ranges of the input that were removed, in input order."""

    text: str
    removed: tuple[Removal, ...] = ()


def clean(
    text: str,
    report: Report,
    policy: str = "span",
    min_score: float = 0.0,
    marker: str = "[removed]",
    format: str | None = None,  # noqa: A002 - the word the rest of the API uses
) -> CleanResult:
    """Remove (or mask) the report's spans scoring at least ``min_score`` from ``text``.

    ``format`` is ``"text"`` or ``"html"``; left out, a report whose spans carry an HTML ``source``
    (as ``analyze`` sets for HTML input) is cleaned as HTML.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown clean policy {policy!r}; known: {', '.join(POLICIES)}")
    spans = [s for s in report.spans if s.score >= min_score]
    for s in spans:
        if s.end > len(text):
            raise ValueError(
                f"report {report.id!r}: span [{s.start}, {s.end}) lies outside the text ({len(text)} chars); "
                "was the report made for this text?"
            )
    if format is None:
        format = "html" if any(s.source is not None for s in report.spans) else "text"
    if format not in ("text", "html"):
        raise ValueError(f"unknown format {format!r}; known: text, html")
    ranges = _merge(text, [(s.start, s.end, s) for s in spans if s.end > s.start])
    if policy == "sentence":
        index = _SentenceIndex(text)
        ranges = _merge(text, [(*index.bounds(a, b), best) for a, b, best in ranges])
    if format == "html" and ranges:
        return _clean_html(text, ranges, policy, marker)
    removed = tuple(Removal(a, b, text[a:b], best.category, best.score) for a, b, best in ranges)

    # Right to left, so every range still to be handled keeps its offsets; the edited end of the
    # text is kept in pieces (``_Out``), so each cut costs what it touches, not the whole text.
    out = _Out(text)
    floor_of = ([0] + [b for _a, b, _s in ranges])[: len(ranges)]
    for (a, b, _best), floor in zip(reversed(ranges), reversed(floor_of), strict=True):
        out.cut_from(b)
        if policy == "mask":
            out.keep_to(a)
            out.tail.push(marker)
        elif policy == "sentence":
            _cut_sentence(out, a)
        else:
            _cut_span(out, a, b, floor)
    return CleanResult(out.text(), removed)


def _merge(text: str, items: list[tuple[int, int, Span]]) -> list[tuple[int, int, Span]]:
    """Merge overlapping or touching ranges; a merged range keeps its highest-scoring span."""
    merged: list[tuple[int, int, Span]] = []
    for a, b, span in sorted(items, key=lambda t: (t[0], t[1])):
        if merged and a <= merged[-1][1]:
            pa, pb, ps = merged[-1]
            merged[-1] = (pa, max(pb, b), ps if ps.score >= span.score else span)
        else:
            merged.append((a, b, span))
    return merged


class _Tail:
    """The edited end of the output as pieces, leftmost last: pushing and trimming the front are cheap."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def push(self, s: str) -> None:
        if s:
            self.pieces.append(s)

    def head(self, n: int) -> str:
        """The first ``n`` characters (fewer when the tail is shorter)."""
        got: list[str] = []
        size = 0
        for piece in reversed(self.pieces):
            if size >= n:
                break
            got.append(piece)
            size += len(piece)
        return "".join(got)[:n]

    def drop(self, n: int) -> None:
        """Remove the first ``n`` characters."""
        while n > 0 and self.pieces:
            piece = self.pieces.pop()
            if len(piece) > n:
                self.pieces.append(piece[n:])
                return
            n -= len(piece)

    def strip_front(self, chars: str) -> None:
        """Remove the run of ``chars`` the tail starts with."""
        while self.pieces:
            piece = self.pieces.pop()
            rest = piece.lstrip(chars)
            if rest:
                self.pieces.append(rest)
                return

    def text(self) -> str:
        return "".join(reversed(self.pieces))


class _Out:
    """The output of right-to-left edits: ``source[:cursor]`` (not yet edited) followed by ``tail``."""

    def __init__(self, text: str) -> None:
        self.source, self.cursor, self.tail = text, len(text), _Tail()

    def cut_from(self, b: int) -> None:
        """Make the tail start at output offset ``b``."""
        if b > self.cursor:  # an earlier edit reached left of ``b``: go on from the text as it is
            self.source, self.cursor, self.tail = self.text(), len(self.text()), _Tail()
        self.tail.push(self.source[b : self.cursor])
        self.cursor = b

    def keep_to(self, a: int) -> None:
        """Drop the output between ``a`` and the tail."""
        self.cursor = a

    def text(self) -> str:
        return self.source[: self.cursor] + self.tail.text()


# Characters the seam mending may eat from the right side: after them it reads a few more.
_MENDABLE = frozenset(_HSPACE + _CLAUSE_PUNCT + _STOP_PUNCT + ")]}")


def _mending_head(tail: _Tail) -> str:
    """As much of the tail's front as the seam mending can read."""
    n = 64
    while True:
        head = tail.head(n)
        stop = next((i for i, ch in enumerate(head) if ch not in _MENDABLE), len(head))
        if len(head) < n or stop + 8 < len(head):
            return head
        n *= 2


def _cut_span(out: _Out, a: int, b: int, floor: int) -> None:
    """Cut ``[a, b)`` (the tail starts at ``b``) and mend the seam; never touch characters left of ``floor``."""
    t = out.source
    raw_right = _mending_head(out.tail)
    cut = t[a:b]
    if a > floor and raw_right and t[a - 1].isalnum() and raw_right[0].isalnum():
        # The injection sat inside a word with no whitespace around it: glue the halves back.
        out.keep_to(a)
        return
    left, right = t[floor:a], raw_right
    # No whitespace on either side (e.g. between two tags): the seam needs no space either.
    spaced = left[-1:].isspace() or right[:1].isspace()
    left_stripped = left.rstrip(_HSPACE)
    right_stripped = right.lstrip(_HSPACE)
    out.tail.drop(len(raw_right))
    if _split_word(left_stripped, right_stripped, left, right, cut):
        out.keep_to(floor + len(left_stripped))
        out.tail.push(right_stripped)
        return

    at_sentence_start = _starts_sentence(t, floor + len(left_stripped))
    left, right = left_stripped, right_stripped
    # Mend punctuation until nothing changes: ", ," -> ",", ", ." -> ".", ". ." -> ".", "()" -> "".
    changed = True
    while changed:
        changed = False
        lc = left[-1:] if left else ""
        rc = right[:1]
        if not rc:
            break
        if lc in _CLOSERS and rc == _CLOSERS[lc]:
            spaced = left[-2:-1].isspace() or right[1:2].isspace()
            left, right = left[:-1].rstrip(_HSPACE), right[1:].lstrip(_HSPACE)
            changed = True
        elif lc and lc in _CLAUSE_PUNCT and rc in _CLAUSE_PUNCT:
            right = right[1:].lstrip(_HSPACE)
            changed = True
        elif lc and lc in _CLAUSE_PUNCT and rc in _STOP_PUNCT:
            left = left[:-1].rstrip(_HSPACE)
            changed = True
        elif lc in _STOP_PUNCT and lc and rc in _STOP_PUNCT + _CLAUSE_PUNCT:
            right = right[1:].lstrip(_HSPACE)
            changed = True
        elif _all_space_before(t, floor + len(left)) and rc in _STOP_PUNCT + _CLAUSE_PUNCT:
            right = right[1:].lstrip(_HSPACE)
            changed = True

    if at_sentence_start and cut[:1].isupper() and right[:1].islower():
        right = right[0].upper() + right[1:]
    joiner = " " if spaced else ""
    if not left or not right or left[-1] in "\n\r" or right[0] in "\n\r":
        joiner = ""
    elif right[0] in _CLAUSE_PUNCT + _STOP_PUNCT + ")]}" or left[-1] in "([{":
        joiner = ""
    out.keep_to(floor + len(left))
    out.tail.push(joiner + right)


def _all_space_before(t: str, k: int) -> bool:
    """Whether ``t[:k]`` is all whitespace (``not t[:k].strip()`` without the copy)."""
    return _NOT_SPACE.search(t, 0, k) is None


_NOT_SPACE = re.compile(r"\S")


def _split_word(left: str, right: str, raw_left: str, raw_right: str, cut: str) -> bool:
    """True when an injection bounded by spaces split one word in two ("colou[ ... ]rs.")."""
    if not (raw_left.endswith(" ") and raw_right.startswith(" ")) or len(cut.split()) < 4:
        return False
    if not left or not left[-1].islower():
        return False
    m = _WORD_TAIL.match(right)
    if not m or m.group(0) in _SHORT_WORDS:
        return False
    head = re.search(r"[a-z]+$", left)
    return bool(head) and head.group(0) not in _SHORT_WORDS


def _starts_sentence(t: str, k: int) -> bool:
    """Whether text after ``t[:k]`` starts a sentence (nothing before it, a full stop, a line break)."""
    if k > 0 and t[k - 1] in "\n\r":
        return True
    j = k
    while j > 0 and t[j - 1].isspace():
        j -= 1
    return j == 0 or t[j - 1] in _STOP_PUNCT


class _SentenceIndex:
    """Sentence ends and line/tag edges of a text, found once, for the bounds of many spans."""

    def __init__(self, t: str) -> None:
        self.t = t
        found = list(_SENTENCE_END.finditer(t))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]
        self.before = [m.start() for m in re.finditer(r"[\n>]", t)]
        self.after = [m.start() for m in re.finditer(r"[\n<]", t)]

    def bounds(self, a: int, b: int) -> tuple[int, int]:
        """The sentence(s) holding ``[a, b)``: from after the previous sentence end to past the next one."""
        t = self.t
        # The last sentence end in t[:a]: one ending right at ``a`` (the cut text's end counts as a
        # space), else the last of the whole text's that ends by ``a``.
        if _ends_with_sentence_end(t, a):
            start = a
        else:
            i = bisect.bisect_right(self.ends, a)
            start = self.ends[i - 1] if i else 0
        # A line break or a tag edge also bounds a sentence: never cut across markup or paragraphs.
        j = bisect.bisect_left(self.before, a) - 1
        if j >= 0 and self.before[j] >= start:
            start = self.before[j] + 1
        while start < a and t[start].isspace():
            start += 1
        # The next sentence end from ``b`` (as a search from ``b`` finds it).
        i = bisect.bisect_right(self.ends, b)
        if i == len(self.ends):
            end = len(t)
        elif self.starts[i] >= b or t[b] in _STOP_PUNCT:
            end = self.ends[i]
        else:  # ``b`` lies in the quotes or brackets after a full stop: the next one
            end = self.ends[i + 1] if i + 1 < len(self.ends) else len(t)
        k = bisect.bisect_left(self.after, b)
        if k < len(self.after) and self.after[k] < end:
            end = self.after[k]
        return start, max(end, b)


_CLOSING_MARKS = "\"'\u201d\u2019)]"


def _ends_with_sentence_end(t: str, a: int) -> bool:
    """Whether ``t[:a]`` ends with a full stop, maybe followed by quotes or brackets."""
    i = a
    while i > 0 and t[i - 1] in _CLOSING_MARKS:
        i -= 1
    return i > 0 and t[i - 1] in _STOP_PUNCT


def _cut_sentence(out: _Out, a: int) -> None:
    """Drop ``[a, tail start)`` with the spaces after it, so the next sentence moves up."""
    out.tail.strip_front(_HSPACE)
    first = out.tail.head(1)
    if not first or first in "\n\r<":
        # Nothing follows on this line: also drop the spaces that led into the sentence.
        while a > 0 and out.source[a - 1] in _HSPACE:
            a -= 1
    out.keep_to(a)


# -- HTML -----------------------------------------------------------------------------------------
_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
# Void elements a reader sees: an element holding one of these is not empty.
_CONTENT_VOID = frozenset("img input embed area".split())
_RAW_TEXT = frozenset("script style textarea title xmp".split())
# Structure whose removal would damage the page around the spam: never removed whole.
_KEEP = frozenset("html head body table thead tbody tfoot tr td th caption colgroup".split())
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_COMMENT_END = re.compile(r"--!?>")
_WORDLESS = re.compile(r"(?:[^\w&]|&(?:nbsp|#160|#xa0);|&[#\w]+;|_)*", re.I)


@dataclass(slots=True)
class _Element:
    name: str
    start: int  # start of the start tag
    open_end: int  # end of the start tag
    close_start: int  # start of the end tag; where it was implicitly closed when there is none
    end: int  # end of the end tag (== close_start without one)


@dataclass(slots=True)
class _Markup:
    elements: list[_Element]
    texts: list[tuple[int, int]]  # text runs a reader sees
    tags: list[tuple[int, int, int, bool]]  # (start, end, element index, is the end tag)
    content: list[int]  # positions of visible void elements (images, inputs)


def _parse_markup(raw: str) -> _Markup:
    """A small tolerant tag scanner: element ranges, text runs and tag positions in ``raw``."""
    elements: list[_Element] = []
    texts: list[tuple[int, int]] = []
    tags: list[tuple[int, int, int, bool]] = []
    content: list[int] = []
    stack: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        j = raw.find("<", i)
        if j < 0:
            texts.append((i, n))
            break
        if j > i:
            texts.append((i, j))
        if raw.startswith("<!--", j):
            m = _COMMENT_END.search(raw, j + 4)
            i = m.end() if m else n
            continue
        m = _TAG.match(raw, j)
        if m is None:
            if raw.startswith(("<!", "<?"), j):
                k = raw.find(">", j)
                i = n if k < 0 else k + 1
            else:  # a lone "<" is text
                texts.append((j, j + 1))
                i = j + 1
            continue
        name = m.group(2).lower()
        if m.group(1):  # an end tag
            at = next((k for k in range(len(stack) - 1, -1, -1) if elements[stack[k]].name == name), None)
            if at is not None:
                for idx in stack[at + 1 :]:  # implicitly closed by this end tag
                    elements[idx].close_start = elements[idx].end = j
                el = elements[stack[at]]
                el.close_start, el.end = j, m.end()
                tags.append((j, m.end(), stack[at], True))
                del stack[at:]
            i = m.end()
            continue
        idx = len(elements)
        elements.append(_Element(name, j, m.end(), m.end(), m.end()))
        tags.append((j, m.end(), idx, False))
        i = m.end()
        if name in _VOID or m.group(3).rstrip().endswith("/"):
            if name in _CONTENT_VOID:
                content.append(j)
            continue
        if name in _RAW_TEXT:
            close = re.compile(r"</" + re.escape(name) + r"(?=[\s/>])", re.I).search(raw, i)
            k = close.start() if close else n
            if name in ("textarea", "title"):
                texts.append((i, k))
            elif k > i:
                content.append(i)  # a script or style counts as content: never emptied by a cut
            i = k
        stack.append(idx)
    for idx in stack:
        elements[idx].close_start = elements[idx].end = n
    return _Markup(elements, texts, tags, content)


class _Cuts:
    """Cut ranges kept sorted, disjoint and merged (touching ranges join), with bisected lookups."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for a, b in _merge_cuts(ranges):
            self.starts.append(a)
            self.ends.append(b)

    def covered(self, a: int, b: int) -> bool:
        """Whether one cut holds all of ``[a, b)``."""
        k = bisect.bisect_right(self.starts, a) - 1
        return k >= 0 and b <= self.ends[k]

    def overlaps(self, a: int, b: int) -> bool:
        k = bisect.bisect_right(self.ends, a)  # the first cut ending after ``a``
        return k < len(self.starts) and self.starts[k] < b

    def add(self, a: int, b: int) -> None:
        i = bisect.bisect_left(self.ends, a)  # from the first cut that reaches ``a``
        j = bisect.bisect_right(self.starts, b)  # to the last that starts by ``b``
        if i < j:
            a, b = min(a, self.starts[i]), max(b, self.ends[j - 1])
        self.starts[i:j] = [a]
        self.ends[i:j] = [b]

    def as_list(self) -> list[tuple[int, int]]:
        return list(zip(self.starts, self.ends, strict=True))


def _has_words(raw: str, mk: _Markup, el: _Element, cuts: _Cuts, text_ends: list[int]) -> bool:
    """Whether ``el`` still holds words (or an image) outside the cut ranges.

    A link counts words only: an image inside a spam link is the same paid-for backlink.
    """
    lo, hi = el.open_end, el.close_start
    if el.name != "a":
        i = bisect.bisect_left(mk.content, lo)
        while i < len(mk.content) and mk.content[i] < hi:
            p = mk.content[i]
            if not cuts.covered(p, p + 1):
                return True
            k = bisect.bisect_right(cuts.starts, p) - 1  # skip what the covering cut holds
            i = bisect.bisect_left(mk.content, cuts.ends[k], i + 1)
    for t in range(bisect.bisect_right(text_ends, lo), len(mk.texts)):
        ta, tb = mk.texts[t]
        if ta >= hi:
            break
        ta, tb = max(ta, lo), min(tb, hi)
        pos = ta
        k = bisect.bisect_right(cuts.ends, pos)
        while k < len(cuts.starts) and cuts.starts[k] < tb:
            ca, cb = cuts.starts[k], cuts.ends[k]
            if ca > pos and not _WORDLESS.fullmatch(raw, pos, ca):
                return True
            pos = max(pos, cb)
            k += 1
        if pos < tb and not _WORDLESS.fullmatch(raw, pos, tb):
            return True
    return False


def _merge_cuts(cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(cuts):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _parents(elements: list[_Element]) -> list[int]:
    """Index of each element's parent (-1 at the top); elements nest and come in start order."""
    parents: list[int] = []
    stack: list[int] = []
    for el in elements:
        while stack and elements[stack[-1]].end <= el.start:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(len(parents) - 1)
    return parents


def _html_cuts(raw: str, mk: _Markup, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The span ranges, snapped out of tags and grown over every element they leave without words."""
    starts = [t[0] for t in mk.tags]  # tags do not overlap and come in order
    snapped = []
    for a, b in spans:
        i = bisect.bisect_left(starts, a) - 1  # the last tag starting before ``a``
        if i >= 0 and a < mk.tags[i][1]:
            a = mk.tags[i][0]
        i = bisect.bisect_left(starts, b) - 1
        if i >= 0 and b < mk.tags[i][1]:
            b = mk.tags[i][1]
        snapped.append((a, b))
    cuts = _Cuts(snapped)
    # Grow to a fixed point: an element emptied by a cut goes whole, then maybe its parent too.
    # Growing only ever empties more, so the fixed point does not depend on the order: check the
    # elements a cut touches, and after each growth the ancestors of the element that went.
    elements = mk.elements
    parents = _parents(elements)
    text_ends = [tb for _ta, tb in mk.texts]
    todo = [i for i, el in enumerate(elements) if cuts.overlaps(el.start, el.end)]
    queued = set(todo)
    todo.reverse()
    while todo:
        i = todo.pop()
        queued.discard(i)
        el = elements[i]
        if el.name in _KEEP or cuts.covered(el.start, el.end) or not cuts.overlaps(el.start, el.end):
            continue
        if not _has_words(raw, mk, el, cuts, text_ends):
            cuts.add(el.start, el.end)
            up = parents[i]
            while up >= 0:
                if up not in queued:
                    queued.add(up)
                    todo.append(up)
                up = parents[up]
    return cuts.as_list()


def _clean_html(text: str, ranges: list[tuple[int, int, Span]], policy: str, marker: str) -> CleanResult:
    mk = _parse_markup(text)
    cuts = _html_cuts(text, mk, [(a, b) for a, b, _s in ranges])
    removed = []
    range_ends = [rb for _ra, rb, _s in ranges]  # ranges are merged: disjoint and in order
    for a, b in cuts:
        inside = []
        for ra, _rb, span in ranges[bisect.bisect_right(range_ends, a) :]:
            if ra >= b:
                break
            inside.append(span)
        best = max(inside, key=lambda s: s.score)
        removed.append(Removal(a, b, text[a:b], best.category, best.score))
    out = _Out(text)
    tag_starts = [t[0] for t in mk.tags]
    floor_of = ([0] + [b for _a, b in cuts])[: len(cuts)]
    for (a, b), floor in zip(reversed(cuts), reversed(floor_of), strict=True):
        # Tags inside the cut whose partner lies outside it stay, so the markup stays balanced.
        kept = "".join(
            text[ts:te]
            for ts, te, idx, _end in _tags_within(mk.tags, tag_starts, a, b)
            if not (a <= mk.elements[idx].start and mk.elements[idx].end <= b)
        )
        out.cut_from(b)
        if policy == "mask":
            out.keep_to(a)
            out.tail.push(_html.escape(marker) + kept)
        elif kept:
            out.keep_to(a)
            out.tail.push(kept)
        elif policy == "sentence":
            _cut_sentence(out, a)
        else:
            _cut_span(out, a, b, floor)
    return CleanResult(out.text(), tuple(removed))


def _tags_within(tags: list[tuple[int, int, int, bool]], starts: list[int], a: int, b: int):
    """The tags lying wholly inside ``[a, b)``, in order."""
    for tag in tags[bisect.bisect_left(starts, a) :]:
        if tag[0] >= b:
            break
        if tag[1] <= b:
            yield tag
