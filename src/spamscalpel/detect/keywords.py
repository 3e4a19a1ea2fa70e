"""Keyword candidates: a multi-pattern automaton over normalized text, grown to the injected phrase.

A hit on a lexicon term is only a seed. Injectors wrap the keyword in commercial modifiers,
doses, country names, template words and URLs ("online pharmacy buy zyban with best prices
today in the USA", "buy advair online www.example.net/advair.html no prescription pharmacy"),
so each seed is grown over those pieces, left and right, without crossing sentence punctuation.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick

from ..lexicon import Lexicon, Term, load_lexicon
from ..normalize import Normalized
from . import Candidate, compiled

_TLDS = (
    "com|net|org|info|biz|us|uk|ca|au|de|fr|it|es|nl|ru|ua|pl|in|cn|jp|br|mx|za|nz|ie|eu|co|io|me|tv|cc|"
    "ws|su|top|xyz|site|online|shop|store|life|club|pro|name|mobi|asia|edu|gov|health|care|pharmacy|"
    "ch|at|be|se|no|dk|fi|cz|gr|pt|ro|hu|tr|kr|tw|hk|sg|my|id|ph|vn|th|ar|cl|pe|ve|li|to|fm|ly|gl|ms"
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"')\]]+"
    rf"|\b[a-z0-9][a-z0-9-]{{1,62}}(?:\.[a-z0-9-]{{1,62}})*\.(?:{_TLDS})\b(?:/[^\s<>\"')\]]*)?",
    re.IGNORECASE,
)
_DOSE = re.compile(r"\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|ml|g|iu)\b")
_SEP = re.compile(r"[ \t\u00a0]{1,3}|[ \t]?[-–—/|:][ \t]?|\s?,\s")
# Template tails seen on real hacked pages; the part after the keyword.
_TEMPLATE_TAILS = (
    ("best_prices_today", re.compile(r"with\s+best\s+prices?\s+today(?:\s+in(?:\s+the(?:\s+usa\b)?)?)?")),
    ("no_rx_pharmacy", re.compile(r"no\s+prescription\s+pharmacy\b")),
    ("dosage_and_prices", re.compile(r"dosage\s+and\s+prices?\b")),
    ("weight_gain", re.compile(r"weight\s+gain\s+before\s+and\s+after\b")),
    ("for_sale", re.compile(r"for\s+sale(?:\s+online)?\b")),
)
_ALNUM_EDGE = re.compile(r"\w")
# Quick test for anything URL-like before running the expensive URL pattern.
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})\b")  # starts with a literal: the engine skips ahead fast


def _looks_like_url(low: str) -> bool:
    """Cheap test for anything URL-like before running the expensive URL pattern."""
    return "http" in low or "www." in low or _TLD_HINT.search(low) is not None


# ``_URL`` is the reference definition, but ``_URL.finditer`` costs time quadratic in a long run of
# dotted labels without a TLD ("qq.qq.qq..."): every label start re-walks the run and tries every
# TLD at every dot. The helpers below find the same matches in linear time: a run of labels is
# walked once (possessive, no backtracking) and, when no TLD ends it, every later start inside the
# run is skipped, since it could only reach the same dots.
_URL_HEAD = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_URL_HEAD_AT = re.compile(r"(?=https?://|www\.)", re.IGNORECASE)
_DOMAIN_START = re.compile(r"\b[a-z0-9]", re.IGNORECASE)
# The first label, then every further label that a dot follows: the dots a TLD may come after.
_LABEL_RUN = re.compile(r"[a-z0-9][a-z0-9-]{1,62}+(?:\.[a-z0-9-]{1,62}+(?=\.))*+", re.IGNORECASE)
_LABEL = re.compile(r"[a-z0-9-]*+", re.IGNORECASE)
_TLD_AT = re.compile(rf"\.(?:{_TLDS})\b", re.IGNORECASE)
_URL_PATH = re.compile(r"/[^\s<>\"')\]]*")


def _domain_at(text: str, p: int) -> tuple[int | None, int]:
    """End of the bare-domain URL starting at ``p`` (None if none), and where its label run ends.

    ``p`` must be a word start. No domain starts anywhere in ``(p, run end]`` when this one fails.
    """
    run = _LABEL_RUN.match(text, p)
    if run is None or not text.startswith(".", run.end()):
        return None, p
    last = run.end()
    tld = None
    # The regex's greedy choice is the last dot a TLD follows. A TLD match from a dot up to ``last``
    # ends well before the end bound, so the bound never decides a ``\b``.
    for m in _TLD_AT.finditer(text, p, last + 16):
        if m.start() > last:
            break
        tld = m
    if tld is None:
        return None, last
    path = _URL_PATH.match(text, tld.end())
    return (path.end() if path else tld.end()), last


def _url_at(text: str, pos: int) -> tuple[int, int] | None:
    """``_URL.match(text, pos)`` as (start, end), in time linear in the URL-like run at ``pos``."""
    head = _URL_HEAD.match(text, pos)
    if head:
        return pos, head.end()
    start = _DOMAIN_START.match(text, pos)
    if start is None:
        return None
    end, _run = _domain_at(text, pos)
    return None if end is None else (pos, end)


def _iter_urls(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``_URL.finditer(text)`` match, in linear time."""
    heads = (m.start() for m in _URL_HEAD_AT.finditer(text))
    head = next(heads, None)
    pos = 0
    found: tuple[int, int] | None = None  # the next domain match at or after ``pos``
    ruled_out = 0  # no domain match starts below this, except ``found``
    while True:
        if found is None or found[0] < pos:
            found, ruled_out = _next_domain(text, max(pos, ruled_out))
        while head is not None and head < pos:
            head = next(heads, None)
        if head is not None and (found is None or head <= found[0]):
            m = _URL_HEAD.match(text, head)
            head = next(heads, None)
            if m:  # a scheme or "www." is tried first at a position, as in the alternation
                yield m.start(), m.end()
                pos = m.end()
            continue
        if found is None:
            return
        yield found
        pos = found[1]


def _next_domain(text: str, q: int) -> tuple[tuple[int, int] | None, int]:
    """The first bare-domain match starting at or after ``q``, and the position below which no other starts."""
    n = len(text)
    while True:
        s = _DOMAIN_START.search(text, q)
        if s is None:
            return None, n + 1
        p = s.start()
        end, run_end = _domain_at(text, p)
        if end is not None:
            return (p, end), run_end + 1
        if run_end == p:  # no dot after this label: none after the same label either ("a-a-a-...")
            label_end = _LABEL.match(text, p).end()
            if not text.startswith(".", label_end):
                run_end = label_end - 1
            elif label_end - p > 63:  # too long a label: a start in its last 63 characters may fit
                run_end = label_end - 64
        q = max(p + 1, run_end + 1)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    key: str
    term: Term


@cache
def _automaton(lexicon_version: str) -> ahocorasick.Automaton:
    lex = load_lexicon()
    auto = ahocorasick.Automaton()
    for key, term in lex.terms.items():
        if key in lex.stop_terms:
            continue
        auto.add_word(key, (key, term))
    auto.make_automaton()
    return auto


@cache
def _phrase_regex(lexicon_version: str) -> re.Pattern[str]:
    """One alternation of every growable word or phrase, longest first."""
    lex = load_lexicon()
    words = set(lex.modifiers) | set(lex.foreign_modifiers) | set(lex.countries)
    alts = sorted((re.escape(w).replace(r"\ ", r"[\s-]+") for w in words if w), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(alts) + r")(?!\w)")


@cache
def _left_phrases(lexicon_version: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """Growable phrases keyed by their last word, longest first, so each step checks only a few."""
    lex = load_lexicon()
    kinds = [(w, "modifier") for w in lex.modifiers]
    kinds += [(w, "foreign") for w in lex.foreign_modifiers]
    by_last: dict[str, list[tuple[str, str]]] = {}
    for phrase, kind in kinds:
        if phrase.split():
            by_last.setdefault(phrase.split()[-1], []).append((phrase, kind))
    return {k: tuple(sorted(v, key=lambda p: len(p[0]), reverse=True)) for k, v in by_last.items()}


_LAST_WORD = re.compile(r"([^\W_]+)$")


def _is_word_char(ch: str) -> bool:
    # Only letters of alphabetic scripts glue to a Latin keyword; "manbetx万博" is two words.
    return ch.isalnum() and ord(ch) < 0x2E80


def _needs_boundary(key: str) -> bool:
    # Scripts written without spaces (CJK) have no word boundaries to check.
    return bool(_ALNUM_EDGE.match(key[0])) and key[0].isascii()


@cache
def _boundary_keys(lexicon_version: str) -> frozenset[str]:
    """The automaton's keys that must stand as whole words (``_needs_boundary``), tested once each."""
    return frozenset(key for _, (key, _term) in _automaton(lexicon_version).items() if _needs_boundary(key))


def scan_keywords(text: str, lexicon: Lexicon | None = None) -> list[_Hit]:
    """Raw lexicon hits in normalized ``text`` (lowercase), longest match wins, with word-boundary rules."""
    lex = lexicon or load_lexicon()
    auto = _automaton(lex.version)
    bounded = _boundary_keys(lex.version)
    # (Raw hits as plain tuples sorted faster but took a third more memory on a page of 100,000
    # drug names: slotted ``_Hit``s and a stable sort by (start, longest first).)
    hits: list[_Hit] = []
    n = len(text)
    raw = compiled.term_hits(text, lex.version)  # one compiled scan; the same hits as the automaton's
    for end_idx, key, term in raw if raw is not None else ((e, k, t) for e, (k, t) in auto.iter(text)):
        start = end_idx - len(key) + 1
        end = end_idx + 1
        if key in bounded:
            if start > 0 and _is_word_char(text[start - 1]):
                continue
            if end < n and _is_word_char(text[end]):
                # allow a plural / possessive: "pills", "loans", "viagra's"
                if not (text[end] == "s" and (end + 1 >= n or not _is_word_char(text[end + 1]))):
                    continue
                end += 1
        hits.append(_Hit(start, end, key, term))
    hits.sort(key=lambda h: (h.start, h.start - h.end))
    kept: list[_Hit] = []
    last_end = -1
    for h in hits:
        if h.start >= last_end:  # a hit overlapping a kept (earlier or longer) one is dropped
            kept.append(h)
            last_end = h.end
    return kept


@cache
def _prefilter(lexicon_version: str) -> ahocorasick.Automaton:
    """Whole-word patterns (" term ") of every term, for a boundary-exact prefilter.

    The text is lower-cased and every run of non-word characters becomes one space, so a hit here
    is a whole-word hit: no Python-level boundary checks on the hot path.
    """
    lex = load_lexicon()
    auto = ahocorasick.Automaton()
    for key in lex.terms:
        if key in lex.stop_terms:
            continue
        if not _needs_boundary(key):
            auto.add_word(key, key)
            continue
        tok = " ".join(_NON_WORD.sub(" ", key).split())
        if not tok:
            continue
        for pattern in (f" {tok} ", f" {tok}s "):
            auto.add_word(pattern, key)
    auto.make_automaton()
    return auto


_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_WORD = bytes(c if chr(c).isalnum() else 32 for c in range(256))


def _spaced_term_hit(low: str, lexicon_version: str) -> bool:
    """Whether lower-cased ``low`` holds a lexicon term as a whole word."""
    if low.isascii():  # bytes.translate + split run in C, several times faster than a regex sub
        spaced = " " + " ".join(low.encode("ascii").translate(_ASCII_NON_WORD).decode("ascii").split()) + " "
    else:
        spaced = " " + _NON_WORD.sub(" ", low) + " "
    for _ in _prefilter(lexicon_version).iter(spaced):
        return True
    return False


def _url_has_term(low: str, auto: ahocorasick.Automaton) -> bool:
    for start, end in _iter_urls(low):
        for _ in auto.iter(low[start:end]):
            return True
    return False


def _same_trade(cand: Candidate, hit: _Hit) -> bool:
    """Whether keyword ``hit`` can belong to the same anchor as ``cand``.

    One anchor sells one trade: "cheap viagra cialis" is one phrase, but "situs slot" written
    straight before the page's own "fluconazole", or "loans online" inserted between the page's
    "generic" and "vardenafil tablets", are a keyword and the page's words next to it.
    """
    return _compatible(cand.category, hit.term.category)


def _compatible(a: str, b: str) -> bool:
    return a == b or "other" in (a, b)


# Modifiers that only ever sell medicine: next to a casino or loan keyword they are the page's own
# words ("the pharmacy discount" before an inserted "payday advance").
_PHARMA_ONLY = re.compile(
    r"pharmac|drugstore|prescri|\bpills?\b|tablet|capsule|generic|\brx\b|script|\botc\b|counter|trial"
)


def _modifier_fits(cand: Candidate, phrase: str) -> bool:
    return cand.category in ("pharma", "other") or not _PHARMA_ONLY.search(phrase)


def _grow_right(text: str, pos: int, lex: Lexicon, cand: Candidate, hits_at: dict[int, _Hit]) -> int:
    phrase_re = _phrase_regex(lex.version)
    n = len(text)
    while pos < n:
        glued = hits_at.get(pos)  # another keyword written straight on ("manbetx万博")
        if glued is not None and _same_trade(cand, glued):
            cand.add_keywords((glued.key,))
            pos = glued.end
            continue
        m = _SEP.match(text, pos)
        if not m:
            break
        nxt = m.end()
        if "," in m.group(0):  # a comma only continues a run of keywords ("viagra, cialis")
            hit = hits_at.get(nxt)
            if hit is None or not _same_trade(cand, hit):
                break
        grown = False
        for name, tail in _TEMPLATE_TAILS:
            t = tail.match(text, nxt)
            if t:
                cand.template = cand.template or name
                pos, grown = t.end(), True
                break
        if grown:
            continue
        hit = hits_at.get(nxt)
        if hit is not None:
            if not _same_trade(cand, hit):
                break
            cand.add_keywords((hit.key,))
            pos = hit.end
            continue
        d = _DOSE.match(text, nxt)
        if d:
            cand.dose = cand.dose or d.group(0)
            pos = d.end()
            continue
        p = phrase_re.match(text, nxt)
        if p:
            word = sys.intern(re.sub(r"[\s-]+", " ", p.group(0)))  # one string per lexicon word
            if not _modifier_fits(cand, word):
                break
            if word in lex.countries:
                cand.country = cand.country or word
            elif word in lex.foreign_modifiers:
                cand.add_foreign((word,))
            else:
                cand.add_modifiers((word,))
            pos = p.end()
            continue
        u = _url_at(text, nxt)
        if u and nxt - pos <= 3:
            url = text[u[0] : u[1]].rstrip(".,;:")
            cand.url = cand.url or url
            pos = nxt + len(url)
            continue
        break
    return pos


_DOSE_END = re.compile(r"\d+(?:[.,]\d+)?\s?(?:mg|mcg|ml)$")


def _token_before(text: str, j: int) -> str | None:
    r"""``re.search(r"\S{4,300}$", text[max(0, j - 300) : j])``'s match, without the search.

    The search tries every start in the window, each walking to the end of its run: quadratic in
    a long run. The match is the run of non-space characters that ends the window (``$`` also
    matches before a final newline), when it is 4 or more long; the window bounds it at 300.
    ``str.isspace`` and ``\s`` agree on every character.
    """
    lo = max(0, j - 300)
    end = j - 1 if j > lo and text[j - 1] == "\n" else j
    window = text[lo:end]
    if not window or window[-1].isspace():
        return None
    run = window.rsplit(None, 1)[-1]  # split on whitespace runs: the last piece is the final run
    return run if len(run) >= 4 else None


def _grow_left(text: str, pos: int, lex: Lexicon, cand: Candidate, hits_end: dict[int, _Hit]) -> int:
    phrases = _left_phrases(lex.version)
    while pos > 0:
        j = pos
        while j > 0 and text[j - 1] in " \t\u00a0" and pos - j < 3:
            j -= 1
        if j == pos:
            break
        hit = hits_end.get(j)
        if hit is not None:
            if not _same_trade(cand, hit):
                break
            cand.add_keywords((hit.key,))
            pos = hit.start
            continue
        window = text[max(0, j - 40) : j].replace("-", " ")
        found = None
        last = _LAST_WORD.search(window)
        for phrase, kind in phrases.get(last.group(1), ()) if last else ():
            if window.endswith(phrase):
                k = j - len(phrase)
                if k == 0 or not _is_word_char(text[k - 1]):
                    found = (phrase, kind, k)
                    break
        if found is None:
            d = _DOSE_END.search(window)
            if d:
                cand.dose = cand.dose or d.group(0)
                pos = j - len(d.group(0))
                continue
            # A URL pasted right before a sales anchor ("http://shop.example/#x buy cialis online").
            sales = cand.modifiers or cand.foreign or cand.template or cand.kind != "drug"
            token = _token_before(text, j) if sales and not cand.url else None
            if token and _looks_like_url(token.lower()):
                u = _URL.fullmatch(token.rstrip(".,;:"))
                if u and token[-1] not in ".,;:":
                    cand.url = u.group(0)
                    pos = j - len(token)
                    continue
            break
        phrase, kind, k = found
        if not _modifier_fits(cand, phrase):
            break
        (cand.add_foreign if kind == "foreign" else cand.add_modifiers)((phrase,))
        pos = k
    return pos


def find_keyword_candidates(norm: Normalized, lexicon: Lexicon | None = None) -> list[Candidate]:
    """Keyword candidates in ``norm.text`` offsets (the caller maps them back)."""
    lex = lexicon or load_lexicon()
    text = norm.text
    hits = scan_keywords(text, lex)
    if not hits:
        return []
    hits_at = {h.start: h for h in hits}
    hits_end = {h.end: h for h in hits}
    cands: list[Candidate] = []
    consumed_until = -1
    for h in hits:
        if h.start < consumed_until:
            continue
        c = Candidate(
            start=h.start,
            end=h.end,
            kw_start=h.start,
            kw_end=h.end,
            term=h.key,
            category=h.term.category,
            canonical=h.term.canonical,
            kind=h.term.kind,
            strength=h.term.strength,
            keywords=[h.key],
        )
        c.end = _grow_right(text, h.end, lex, c, hits_at)
        c.start = _grow_left(text, h.start, lex, c, hits_end)
        if cands and c.start <= cands[-1].end:
            prev = cands[-1]
            if c.start < prev.start:
                continue
            prev.absorb(c)
        else:
            if cands:  # grown in full now: its word lists become shared tuples
                cands[-1].freeze()
            cands.append(c)
        consumed_until = c.end
    return cands


def find_url_candidates(norm: Normalized, lexicon: Lexicon | None = None) -> list[Candidate]:
    """URLs and bare domains whose letters spell a spam term ("buycialispremiumpharmacy.com")."""
    lex = lexicon or load_lexicon()
    auto = _automaton(lex.version)
    out: list[Candidate] = []
    if not _looks_like_url(norm.text):
        return out
    for m_start, m_end in _iter_urls(norm.text):
        url = norm.text[m_start:m_end].rstrip(".,;:")
        best: tuple[str, Term] | None = None
        for _, (key, term) in auto.iter(url):
            if term.kind == "drug" and len(key) < 6:
                continue
            if best is None or term.strength > best[1].strength:
                best = (key, term)
        if best is None:
            continue
        key, term = best
        c = Candidate(
            start=m_start,
            end=m_start + len(url),
            kw_start=m_start,
            kw_end=m_start + len(url),
            term=key,
            category=term.category,
            canonical=term.canonical,
            kind=term.kind,
            strength=term.strength,
            url=url,
            keywords=[key],
        )
        low = url.lower()
        c.modifiers = [
            w
            for w in (
                "buy",
                "cheap",
                "order",
                "pharmacy",
                "pills",
                "online",
                "generic",
                "rx",
                "meds",
                "without-prescription",
                "no-prescription",
                "discount",
            )
            if w in low
        ]
        out.append(c)
    return out


def _merge_adjacent(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Join candidates separated only by a little whitespace ("<url> buy viagra online")."""
    out: list[Candidate] = []
    for c in cands:
        if (
            out
            and 0 <= c.start - out[-1].end <= 2
            and not text[out[-1].end : c.start].strip()
            and _compatible(out[-1].category, c.category)
        ):
            out[-1].absorb(c)
            continue
        out.append(c)
    return out
