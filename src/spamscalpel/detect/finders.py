"""The finders together: the prefilter over every finder, and the candidates of a text.

``keywords`` finds lexicon terms and URLs, ``patterns`` unknown product words in sales frames (it
grows phrases with the keyword finder's rules); this module is the one place that asks both, so
neither imports the other back.
"""

from __future__ import annotations

import threading

from ..lexicon import load_lexicon
from ..normalize import Normalized, needs_normalizing, normalize
from ..types import Evidence
from ..view import TextView, plain_view
from . import Candidate, compiled
from .keywords import (
    _automaton,
    _looks_like_url,
    _merge_adjacent,
    _spaced_term_hit,
    _url_has_term,
    find_keyword_candidates,
    find_url_candidates,
)
from .patterns import find_pattern_candidates, has_pattern_candidates, keyword_frame_hit, merge_candidates

# The last text whose ``has_candidates`` answer ``needs_candidate_search`` found on its way (per
# thread). The finders ask it again of the same text (``_nothing_revealed``); this saves that
# second scan. (It keeps the text alive until the next document's prefilter.)
_known = threading.local()


def has_candidates(text: str) -> bool:
    """Cheap prefilter on the raw text: does any lexicon term occur as a whole word (no folding)?

    One compiled scan (``detect/compiled.py``) where hyperscan is installed, else the pure-Python
    checks; both give the same answer.
    """
    if getattr(_known, "text", None) is text:
        return _known.has
    found = _compiled_has(text)
    return _has_candidates_python(text) if found is None else found[0]


def needs_candidate_search(text: str) -> bool:
    """``has_candidates(text) or needs_normalizing(text)``: whether the full finders must run."""
    _known.text = None
    found = _compiled_has(text)
    has = _has_candidates_python(text) if found is None else found[0]
    _known.text, _known.has = text, has
    if has:
        return True
    # Non-ASCII text has folds (confusables, casefold) the hints do not cover: always ask.
    if found is not None and text.isascii() and not compiled.has(found[1], compiled.OBFUSCATION):
        return False
    return needs_normalizing(text)


def _compiled_has(text: str) -> tuple[bool, int] | None:
    """The prefilter answer from one hyperscan scan, confirmed exactly, with the scan's kind mask;
    None without hyperscan.

    On ASCII text a term hit is exact. Every other hit (URL hint, sales frame, obfuscation hint, or
    any hit on non-ASCII text, where the patterns are supersets) is confirmed by the Python check.
    (After a term hit on ASCII text the mask's other bits are partial: the scan stopped there.)
    """
    version = load_lexicon().version
    if text.isascii():
        mask = compiled.scan_kinds(text.encode("ascii"), version, stop_at_term=True)
        if mask is None:
            return None
        if compiled.has(mask, compiled.LEXICON):
            return True, mask
        low = text.lower() if mask else text
    else:
        low = text.lower()
        if len(low) != len(text):  # a case fold changed lengths: let the full finder decide
            return True, 0
        mask = compiled.scan_kinds(low.encode("utf-8", "surrogatepass"), version, stop_at_term=False)
        if mask is None:
            return None
        if compiled.has(mask, compiled.LEXICON) and _spaced_term_hit(low, version):
            return True, mask
    if compiled.has(mask, compiled.URL) and _looks_like_url(low) and _url_has_term(low, _automaton(version)):
        return True, mask
    return compiled.has(mask, compiled.FRAME) and has_pattern_candidates(low), mask


def _has_candidates_python(text: str) -> bool:
    """The prefilter in pure Python (the fallback without hyperscan, and the reference in tests)."""
    lex = load_lexicon()
    low = text.lower()
    if len(low) != len(text):  # a case fold changed lengths: let the full finder decide
        return True
    if _spaced_term_hit(low, lex.version):
        return True
    if _looks_like_url(low) and _url_has_term(low, _automaton(lex.version)):
        return True
    # Pattern finder (detect/patterns.py): a sales frame around an unknown product word.
    return has_pattern_candidates(low)


def candidates_for(text: str) -> tuple[Normalized, list[Candidate]]:
    """Normalize ``text`` and find keyword and URL candidates in normalized offsets."""
    norm = normalize(text)
    if _nothing_revealed(text, norm):
        return norm, []
    cands = find_keyword_candidates(norm)
    urls = find_url_candidates(norm)
    if urls:
        for u in urls:
            if any(c.start <= u.start and u.end <= c.end for c in cands):
                continue  # already grown into a keyword phrase
            # A keyword inside a URL ("/accutane.html") is part of the URL candidate.
            inside = [c for c in cands if u.start <= c.start and c.end <= u.end]
            for c in inside:
                u.merge_keywords(c.keywords)
            cands = [c for c in cands if c not in inside]
            cands.append(u)
        cands.sort(key=lambda c: c.start)
        cands = _merge_adjacent(norm.text, cands)
    # Pattern finder (detect/patterns.py): unknown product words in sales frames; never overlaps cands.
    extra = find_pattern_candidates(norm, taken=cands)
    if extra:
        cands = merge_candidates(norm.text, cands, extra)
    return norm, cands


def _nothing_revealed(text: str, norm: Normalized) -> bool:
    """True where the finders below can only come back empty, so they need not run.

    The finders read ``norm.text`` alone, and on ASCII text a keyword hit, a URL candidate or a
    sales frame is a prefilter hit, except the frames that end in a keyword ("best X casino"),
    which are tested here. So where the normalized text is ASCII and the prefilter sees nothing in
    it, nothing is there to find. (A "7th", a "1960s" or a "wow!!" sends about one ordinary
    document in six here as a possible obfuscation; its folded text is then scanned once more
    instead of being searched by every finder.)
    """
    folded = norm.text
    if not folded.isascii() or has_candidates(text if folded == text.lower() else folded):
        return False
    return not keyword_frame_hit(folded)


# --- candidates of a view -----------------------------------------------------------------------

# Longest phrase judged as one candidate; real injected runs in the corpora reach about 260.
PHRASE_CAP = 500
_EDGE_JUNK = " \t\r\n\u00a0,;:.!?\"'“”‘’()[]{}<>|-–—/"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_JUNK:
        start += 1
    while end > start and text[end - 1] in _EDGE_JUNK:
        end -= 1
    return start, end


def find_candidates(view: TextView) -> list[Candidate]:
    """All candidates of a view, in view-text offsets, none longer than ``PHRASE_CAP`` characters."""
    text = view.text
    if not needs_candidate_search(text):  # one compiled scan: most documents stop here
        return []
    out: list[Candidate] = []
    for c in _candidates_in(text, 0, len(text)):
        for piece in _capped(text, c) if c.end - c.start > PHRASE_CAP else (c,):
            piece.freeze()  # final now: its word lists become shared tuples
            out.append(piece)
    return out


def _candidates_in(text: str, lo: int, hi: int) -> list[Candidate]:
    """Candidates of ``text[lo:hi]``, in offsets into ``text``."""
    norm, cands = candidates_for(text[lo:hi] if (lo, hi) != (0, len(text)) else text)
    for c in cands:
        c.start, c.end = (lo + p for p in norm.to_original(c.start, c.end))
        c.kw_start, c.kw_end = (lo + p for p in norm.to_original(c.kw_start, c.kw_end))
        c.start, c.end = _trim(text, c.start, c.end)
        if c.end <= c.start:
            c.start, c.end = c.kw_start, c.kw_end
    return [c for c in cands if c.end > c.start]


def _capped(text: str, long: Candidate) -> list[Candidate]:
    """A phrase over ``PHRASE_CAP`` characters, found again in pieces of at most that length.

    A run of keywords and sales words can grow without end ("buy cheap viagra online " repeated):
    as one candidate, every phrase-level count grows with it and the scorer sees an ever stranger
    phrase whose score falls. Each piece is judged like an ordinary phrase, and says it was capped.
    """
    note = Evidence(
        "phrase_cap",
        f"phrase capped at {PHRASE_CAP} characters (a run of {long.end - long.start:,} characters judged in pieces)",
        0.0,
    )
    out: list[Candidate] = []
    length = long.end - long.start
    n_pieces = -(-length // PHRASE_CAP)
    size = -(-length // n_pieces)  # pieces of about equal length, none over the cap
    pos = long.start
    while pos < long.end:
        stop = long.end
        if stop - pos > PHRASE_CAP:
            stop = pos + size
            space = max(text.rfind(" ", pos + size // 2, stop), text.rfind("\n", pos + size // 2, stop))
            stop = space if space > pos else stop  # cut between words where there is a space
        for c in _candidates_in(text, pos, stop):
            c.add_evidence(note)
            out.append(c)
        pos = stop
    return out


def candidates_in_text(text: str) -> list[Candidate]:
    """The candidate finder alone over plain text (for benchmarks: no scoring, no report)."""
    return find_candidates(plain_view(text))
