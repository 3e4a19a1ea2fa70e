"""Cut reported spans out of the caller's text: span, sentence and mask policies.

Detection and removal are separate steps: ``clean`` only reads a ``Report``'s spans, so it works
on any report (from ``analyze``, a sidecar file, or a hand-made one). Offsets index the exact text
the report was made for; for HTML input that is the raw markup, and the raw range is cut as is
(tags are not repaired).
"""

from __future__ import annotations

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
    text: str, report: Report, policy: str = "span", min_score: float = 0.0, marker: str = "[removed]"
) -> CleanResult:
    """Remove (or mask) the report's spans scoring at least ``min_score`` from ``text``."""
    if policy not in POLICIES:
        raise ValueError(f"unknown clean policy {policy!r}; known: {', '.join(POLICIES)}")
    spans = [s for s in report.spans if s.score >= min_score]
    for s in spans:
        if s.end > len(text):
            raise ValueError(
                f"report {report.id!r}: span [{s.start}, {s.end}) lies outside the text ({len(text)} chars); "
                "was the report made for this text?"
            )
    ranges = _merge(text, [(s.start, s.end, s) for s in spans if s.end > s.start])
    if policy == "sentence":
        ranges = _merge(text, [(*_sentence_bounds(text, a, b), best) for a, b, best in ranges])
    removed = tuple(Removal(a, b, text[a:b], best.category, best.score) for a, b, best in ranges)

    out = text
    # Right to left, so every range still to be handled keeps its offsets into ``out``.
    floor_of = ([0] + [b for _a, b, _s in ranges])[: len(ranges)]
    for (a, b, _best), floor in zip(reversed(ranges), reversed(floor_of), strict=True):
        if policy == "mask":
            out = out[:a] + marker + out[b:]
        elif policy == "sentence":
            out = _cut_sentence(out, a, b)
        else:
            out = _cut_span(out, a, b, floor)
    return CleanResult(out, removed)


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


def _cut_span(t: str, a: int, b: int, floor: int) -> str:
    """Cut ``t[a:b]`` and mend the seam; never touch characters left of ``floor``."""
    cut = t[a:b]
    if a > floor and b < len(t) and t[a - 1].isalnum() and t[b].isalnum():
        # The injection sat inside a word with no whitespace around it: glue the halves back.
        return t[:a] + t[b:]
    left, right = t[floor:a], t[b:]
    lead = t[:floor]
    # No whitespace on either side (e.g. between two tags): the seam needs no space either.
    spaced = left[-1:].isspace() or right[:1].isspace()
    left_stripped = left.rstrip(_HSPACE)
    right_stripped = right.lstrip(_HSPACE)
    if _split_word(left_stripped, right_stripped, left, right, cut):
        return lead + left_stripped + right_stripped

    at_sentence_start = _starts_sentence(lead + left_stripped)
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
        elif not (lead + left).strip() and rc in _STOP_PUNCT + _CLAUSE_PUNCT:
            right = right[1:].lstrip(_HSPACE)
            changed = True

    if at_sentence_start and cut[:1].isupper() and right[:1].islower():
        right = right[0].upper() + right[1:]
    joiner = " " if spaced else ""
    if not left or not right or left[-1] in "\n\r" or right[0] in "\n\r":
        joiner = ""
    elif right[0] in _CLAUSE_PUNCT + _STOP_PUNCT + ")]}" or left[-1] in "([{":
        joiner = ""
    return lead + left + joiner + right


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


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip()
    return not stripped or stripped[-1] in _STOP_PUNCT or before.endswith(("\n", "\r"))


def _sentence_bounds(t: str, a: int, b: int) -> tuple[int, int]:
    """The sentence(s) holding ``[a, b)``: from after the previous sentence end to past the next one."""
    start = 0
    for m in _SENTENCE_END.finditer(t, 0, a):
        start = m.end()
    # A line break or a tag edge also bounds a sentence: never cut across markup or paragraphs.
    for stop in ("\n", ">"):
        k = t.rfind(stop, start, a)
        if k != -1:
            start = max(start, k + 1)
    while start < a and t[start].isspace():
        start += 1
    m = _SENTENCE_END.search(t, b)
    end = m.end() if m else len(t)
    for stop in ("\n", "<"):
        k = t.find(stop, b, end)
        if k != -1:
            end = min(end, k)
    return start, max(end, b)


def _cut_sentence(t: str, a: int, b: int) -> str:
    """Drop ``t[a:b]`` with the spaces after it, so the next sentence moves up."""
    right = t[b:]
    stripped = right.lstrip(_HSPACE)
    left = t[:a]
    if not stripped or stripped[0] in "\n\r<":
        # Nothing follows on this line: also drop the spaces that led into the sentence.
        left = left.rstrip(_HSPACE)
    return left + stripped
