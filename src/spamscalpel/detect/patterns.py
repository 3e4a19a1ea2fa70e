"""Pattern candidates: sales frames around a product word the lexicon has never heard of.

A drug-name list never proposes "buy tadalista20 online" or "cheap fildenafilix pills": spammers
coin and misspell brands faster than any list grows. The frame gives them away instead. A frame
is commercial wording ("buy ... online", "... 20 mg no prescription", "best ... casino") around
one token that is neither a lexicon term nor an ordinary English word (``load_common_words``), so
"buy tickets online" and "order pizza online" never become candidates. The scorer still decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..lexicon import Lexicon, load_common_words, load_lexicon
from ..normalize import Normalized
from . import Candidate
from .compiled import LiteralScanner, group_alternatives
from .keywords import _grow_left, _grow_right, find_keyword_candidates

# The product slot: a letter first, then letters or digits, one inner hyphen at most ("super-x").
_TOK = r"(?P<w>[a-z][a-z0-9]*(?:-[a-z0-9]+)?)(?![\w'-])"
_B = r"(?<![\w-])"  # a frame word starts a word
_ADJ = r"(?:(?:cheap|cheapest|generic|discount|brand|online)\s+){0,2}"
_NO_RX = r"(?:without\s+(?:a\s+)?(?:doctors?'?\s+)?prescription|no\s+prescription|no\s+rx)\b"
_DOSE = r"\d+(?:[.,]\d+)?\s?(?:mg|mcg)\b"
_SALES_TAIL = (
    rf"(?:online|{_NO_RX}|pills?\b|tablets?\b|capsules?\b|{_DOSE}|over\s+the\s+counter|overnight\b"
    r"|for\s+sale\b|with\s+best\s+prices?)"
)


@dataclass(frozen=True, slots=True)
class Frame:
    """One sales frame: where the product word sits and what the frame says about it."""

    name: str
    hints: tuple[str, ...]  # substrings, one of which the text must hold before the pattern runs
    pattern: re.Pattern[str]
    category: str  # "pharma", a non-pharma category, or "" (decided by the words around it)
    side: str  # "right": the product word is group ``w``; "left": it is the word before the match
    modifier: str | None = None  # frame wording the lexicon does not list as a modifier
    # What the candidate must cover: the whole match, or (next to a lexicon keyword, which has its
    # own candidate) only the group ``c`` if the pattern has one, else only the product word.
    cover_frame: bool = True


FRAMES: tuple[Frame, ...] = (
    Frame(
        "buy",
        ("buy", "order", "purchas"),
        re.compile(rf"{_B}(?:buy|order|purchase)(?:ing)?\s+{_ADJ}{_TOK}\s+{_SALES_TAIL}"),
        "",
        "right",
    ),
    Frame(
        "cheap",
        ("cheap", "generic", "discount"),
        re.compile(rf"{_B}(?:cheap|cheapest|generic|discount)\s+{_TOK}\s+{_SALES_TAIL}"),
        "",
        "right",
    ),
    Frame(
        "where_to_buy",
        ("buy", "order", "purchas"),
        re.compile(
            rf"{_B}where\s+(?:to|can\s+i)\s+(?:buy|order|purchase)\s+(?:(?:cheap|generic)\s+)?{_TOK}"
            # The product ends the phrase: "where can i buy alderney cheese" is a question about cheese.
            r"(?=\s*(?:$|[^\w\s-]|online\b|in\s|from\s|\n))"
        ),
        "",
        "right",
        "where to buy",
    ),
    Frame(
        "dose_sale",
        ("mg",),
        re.compile(rf"{_B}{_DOSE}\s+(?:online|price|prices|order|buy|cheap|for\s+sale|{_NO_RX})"),
        "pharma",
        "left",
    ),
    Frame("no_rx", ("prescription", "no rx"), re.compile(rf"{_B}{_NO_RX}"), "pharma", "left"),
    Frame("for_sale_online", ("for sale",), re.compile(rf"{_B}for\s+sale\s+online\b"), "", "left"),
    Frame(
        "best_gambling",
        ("best",),
        re.compile(
            rf"{_B}(?P<c>best\s+{_TOK})\s+(?:online\s+)?(?:casinos?|slots|betting|sportsbook|poker)\b"
        ),
        "gambling",
        "right",
        "best",
        cover_frame=False,
    ),
    Frame("payday", ("payday",), re.compile(rf"{_B}payday\s+loans?\b"), "loans", "left", cover_frame=False),
    Frame(
        "replica",
        ("replica",),
        re.compile(
            rf"{_B}replica\s+(?P<c>{_TOK}\s+(?:watch(?:es)?|handbags?|bags?|purses?|shoes|jerseys?|sunglasses)\b)"
        ),
        "replica",
        "right",
        "replica",
        cover_frame=False,
    ),
    Frame("write_my", ("write my",), re.compile(rf"{_B}write\s+my\s+{_TOK}"), "essay", "right", "write my"),
    # Drug-shop wording after the word: pharmacy, over-the-counter, pill forms, a bare dose.
    Frame(
        "otc_pharmacy",
        ("over the counter", "pharmac", "drugstore"),
        re.compile(rf"{_B}(?:over\s+the\s+counter|(?:online\s+)?(?:pharmacy|drugstore))\b"),
        "pharma",
        "left",
    ),
    Frame(
        "pill_form",
        ("pill", "tablet", "capsul"),
        re.compile(rf"{_B}(?:pills?|tablets?|capsules?)\b"),
        "pharma",
        "left",
    ),
    Frame("dose", ("mg",), re.compile(rf"{_B}{_DOSE}"), "pharma", "left"),
)


# --- the frames' search forms ------------------------------------------------------------------
# A pattern that opens with the lookbehind ``_B`` has no first character the regex engine can skip
# ahead to, so it is tried at every position of the text (about 40 us per 2 KB per frame). The same
# test made after the pattern's first character, ``c(?<![\w-].)``, asks the same of the character
# before the match and lets the engine jump between the places where ``c`` occurs. Each frame is
# searched with that form where its pattern has one (the same matches and groups: tested against
# the patterns), and with its pattern where not (an optional group first).
_B_AFTER_FIRST = r"(?<![\w-].)"


def _after_first_char(rx: str) -> str | None:
    r"""``rx`` with ``_B_AFTER_FIRST`` after its first character, in every alternative; None where
    the first element is not one plain character or ``\d`` (alone or with ``+``) or such a group."""
    if rx.startswith(("(?:", "(?P<")):
        head = 3 if rx.startswith("(?:") else rx.index(">") + 1
        found = group_alternatives(rx, head)
        if found is None or rx[found[1] + 1 : found[1] + 2] in ("?", "*", "{"):
            return None  # a group that may match nothing has no first character
        alts = [_after_first_char(a) for a in found[0]]
        if any(a is None for a in alts):
            return None
        return rx[:head] + "|".join(alts) + rx[found[1] :]  # type: ignore[arg-type]
    end = 2 if rx.startswith(r"\d") else 1 if rx[:1].isalnum() else 0
    if not end or rx[end : end + 1] in ("*", "?", "{"):
        return None
    atom = rx[:end]
    if rx[end : end + 1] == "+":  # "\d+": one, the test, then any more
        return atom + _B_AFTER_FIRST + atom + "*" + rx[end + 1 :]
    return atom + _B_AFTER_FIRST + rx[end:]


def _search_form(pattern: re.Pattern[str]) -> re.Pattern[str]:
    rx = pattern.pattern
    fast = _after_first_char(rx[len(_B) :]) if rx.startswith(_B) else None
    return pattern if fast is None else re.compile(fast, pattern.flags)


_SEARCH = {f.name: _search_form(f.pattern) for f in FRAMES}


# Frames that end in a lexicon keyword ("best X casino") never decide the prefilter: the keyword
# alone already lets the document through.
_KEYWORD_FRAMES = frozenset({"best_gambling", "payday", "replica"})
_PREFILTER_HINTS = tuple(sorted({h for f in FRAMES if f.name not in _KEYWORD_FRAMES for h in f.hints}))


# Each distinct hint once, with the bit mask of the frames it opens (frames share "buy", "mg").
_HINT_FRAMES = tuple(
    (h, sum(1 << i for i, f in enumerate(FRAMES) if h in f.hints))
    for h in sorted({h for f in FRAMES for h in f.hints})
)

_HINT_SCANNER = LiteralScanner(dict(_HINT_FRAMES))


def _frames_for(low: str) -> list[Frame]:
    """The frames (in ``FRAMES`` order) with a hint in ``low``.

    Substring tests are far cheaper than any regex: most ordinary text runs no frame at all. On
    ASCII text one compiled scan finds every hint at once (20 substring tests cost about 25 us
    per 2 KB, the scan about 2).
    """
    on = 0
    found = _HINT_SCANNER.hits(low)
    if found is not None:
        for _, bits in found:
            on |= bits
    else:
        for hint, bits in _HINT_FRAMES:
            if hint in low:
                on |= bits
    return [f for i, f in enumerate(FRAMES) if on >> i & 1] if on else []


_PHARMA_WORDS = re.compile(
    r"\b(?:pharmacy|pharmacies|prescription|rx|pills?|tablets?|capsules?|mg|mcg|drugstore|meds|dosage)\b"
)
# Drug-name endings (international nonproprietary stems and spam coinages): an unknown word that
# ends like a drug, in a sales frame, is sold as one.
_DRUG_STEM = re.compile(
    r"(?:afil|agra|alis|alista|pril|sartan|olol|azole|statin|cillin|mycin|cycline|floxacin|"
    r"oxetine|pam|zolam|triptan|prazole|tidine|dronate|semide|thiazide|codone|morphone|"
    r"phen|mine|done|dine|pine|xine|vir|mab|nib|ide|ine)\d*$"
)
# Before a pill form or a dose the odd word is often a formulation adjective ("chewable tablets",
# "enteric-coated tablets", "sublingual tablets"), which no brand is named like.
_ADJECTIVE_END = re.compile(r"(?:able|ible|ent|ant|al|ic|ous|ive|ed|ing|ary|ory)$")
_FORM_FRAMES = frozenset({"pill_form", "dose", "otc_pharmacy"})
_WORD_BEFORE = re.compile(r"(?<![\w'-])([a-z][a-z0-9]*(?:-[a-z0-9]+)?)\s+$")
_FRAME_WORDS = frozenset(
    "buy buying order ordering purchase purchasing cheap cheapest generic discount brand online where "
    "best write replica payday with for sale".split()
)

STRENGTH_PHARMA = 0.5  # a drug-like word in a pharmacy frame: as spammy as a mid-strength drug name
STRENGTH_OTHER = 0.35  # "buy X online" alone: a coined product, but it takes more to call it spam
STRENGTH_KEYWORD_FRAME = 0.3  # next to its own keyword ("best X casino"): the keyword leads the merge


def is_unknown_word(word: str, lexicon: Lexicon | None = None, common: frozenset[str] | None = None) -> bool:
    """True when ``word`` (lowercase) could be a coined product name: 4-20 chars, not a term, not English."""
    lex = lexicon or load_lexicon()
    common = common if common is not None else load_common_words()
    if not 4 <= len(word) <= 20 or not word[0].isalpha():
        return False
    if word in lex.terms or word in lex.modifiers or word in lex.countries or word in lex.stop_terms:
        return False
    if word in lex.medical_context or word in lex.foreign_modifiers or word in _FRAME_WORDS:
        return False
    if "-" in word:
        if word.replace("-", "") in common:
            return False
        # A number part is a dose or a year ("tadalista-20", "covid-19"): judge the word part.
        parts = [p for p in word.split("-") if not p.isdigit()]
        if len(parts) == 1:
            return is_unknown_word(parts[0], lex, common)
        # "e-books", "x-ray", "anti-aging" are English; "super-x" ends in a bare letter, a brand.
        first, last = parts[0], parts[-1]
        return not (
            all(p in common for p in parts[1:]) and len(last) > 1 and (len(first) == 1 or first in common)
        )
    letters = word.rstrip("0123456789")
    if len(letters) < 4 or not letters.isalpha():
        return False  # "ps5", "mp3", "h2o": codes, not brands
    if letters in common:
        return False
    # Plurals and simple inflections of ordinary words ("bentleys", "refurbs" are not worth a miss).
    for suffix, repl in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if letters.endswith(suffix) and letters[: -len(suffix)] + repl in common:
            return False
    return True


def _unknown_in(text: str, frame: Frame, m: re.Match[str], lex: Lexicon, common: frozenset[str]):
    """The product word of a frame match as (start, end), or None when it is a known word."""
    if frame.side == "right":
        s, e = m.start("w"), m.end("w")
    else:
        before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        # Skip sales words between the product and the frame ("zolofexa online no prescription").
        for _ in range(2):
            if before is None or before.group(1) not in lex.modifiers:
                break
            before = _WORD_BEFORE.search(text, max(0, before.start() - 40), before.start())
        if before is None:
            return None
        s, e = before.start(1), before.end(1)
        if frame.name in _FORM_FRAMES and _ADJECTIVE_END.search(text, s, e):
            return None
    return (s, e) if is_unknown_word(text[s:e], lex, common) else None


def has_pattern_candidates(low: str) -> bool:
    """Cheap test on lower-cased text: does any sales frame hold an unknown product word?"""
    if not any(h in low for h in _PREFILTER_HINTS):
        return False
    lex, common = load_lexicon(), load_common_words()
    for frame in _frames_for(low):
        if frame.name in _KEYWORD_FRAMES:
            continue
        for m in _SEARCH[frame.name].finditer(low):
            if _unknown_in(low, frame, m, lex, common) is not None:
                return True
    return False


def keyword_frame_hit(low: str) -> bool:
    """Whether a frame that ends in a lexicon keyword ("best X casino", "payday loans") matches."""
    return any(
        _SEARCH[f.name].search(low)
        for f in FRAMES
        if f.name in _KEYWORD_FRAMES and any(h in low for h in f.hints)
    )


def find_pattern_candidates(
    norm: Normalized, lexicon: Lexicon | None = None, taken: Sequence[Candidate] | None = None
) -> list[Candidate]:
    """Unknown product words in sales frames, in ``norm.text`` offsets, sorted, never overlapping ``taken``.

    ``taken`` holds the keyword candidates (they win); without it the keyword finder is run here.
    """
    lex = lexicon or load_lexicon()
    text = norm.text
    frames = _frames_for(text)
    if not frames:
        return []
    if taken is None:
        taken = find_keyword_candidates(norm, lex)
    common = load_common_words()
    blocked = sorted((c.start, c.end) for c in taken)
    found: dict[int, Candidate] = {}
    for frame in frames:
        for m in _SEARCH[frame.name].finditer(text):
            span = _unknown_in(text, frame, m, lex, common)
            if span is None or _overlaps(blocked, *span):
                continue
            # The frame's words already belong to a keyword phrase ("colou<online pharmacy buy
            # symbicort>rs"): the word before it is not what is being sold.
            if frame.side == "left" and frame.name not in _KEYWORD_FRAMES and _overlaps(blocked, *m.span()):
                continue
            # A word found only by its place before the frame, right after a keyword phrase, is
            # the leftover of a split word ("isotret<sertraline pills> inoin"), not a second product.
            if frame.side == "left" and any(
                0 <= span[0] - e <= 2 and not text[e : span[0]].strip() for _, e in blocked
            ):
                continue
            cand = _grow(text, frame, m, span, lex, blocked)
            prev = found.get(span[0])
            if prev is None:
                found[span[0]] = cand
            else:  # a second frame around the same word may reach further
                prev.start = min(prev.start, cand.start)
                prev.absorb(cand)
    out: list[Candidate] = []
    for cand in sorted(found.values(), key=lambda c: (c.start, -c.end)):
        cand.modifiers = list(dict.fromkeys(cand.modifiers))
        if out and cand.start < out[-1].end:
            out[-1].absorb(cand)
            continue
        out.append(cand)
    return out


def merge_candidates(text: str, cands: Sequence[Candidate], extra: Sequence[Candidate]) -> list[Candidate]:
    """Merge pattern candidates into keyword candidates, sorted; touching ones join and the keyword leads."""
    out: list[Candidate] = []
    for c in sorted([*cands, *extra], key=lambda c: c.start):
        if out and c.start - out[-1].end <= 2 and not text[out[-1].end : c.start].strip():
            prev = out[-1]
            if prev.kind == "unknown" and c.kind != "unknown":
                out[-1] = _absorb_keeping(c, prev)
            else:
                _absorb_keeping(prev, c) if c.kind == "unknown" else prev.absorb(c)
            continue
        out.append(c)
    return out


def _absorb_keeping(lead: Candidate, other: Candidate) -> Candidate:
    """``lead.absorb(other)``, but ``lead`` keeps its own term: a known keyword outranks a guess."""
    kept = (lead.term, lead.category, lead.canonical, lead.kind, lead.strength, lead.kw_start, lead.kw_end)
    start = min(lead.start, other.start)
    lead.absorb(other)
    lead.term, lead.category, lead.canonical, lead.kind, lead.strength, lead.kw_start, lead.kw_end = kept
    lead.start = start
    return lead


def _overlaps(blocked: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in blocked)


def _grow(
    text: str,
    frame: Frame,
    m: re.Match[str],
    span: tuple[int, int],
    lex: Lexicon,
    blocked: list[tuple[int, int]],
) -> Candidate:
    s, e = span
    word = text[s:e]
    cand = Candidate(
        start=s,
        end=e,
        kw_start=s,
        kw_end=e,
        term=word,
        category="other",
        canonical=word,
        kind="unknown",
        strength=STRENGTH_OTHER,
        keywords=[word],
    )
    # Growth crosses no keyword (empty hit maps): keyword candidates keep their own ranges.
    end = _grow_right(text, e, lex, cand, {})
    start = _grow_left(text, s, lex, cand, {})
    if frame.cover_frame:
        start, end = min(start, m.start()), max(end, m.end())
    elif "c" in frame.pattern.groupindex:
        start, end = min(start, m.start("c")), max(end, m.end("c"))
    # Keyword candidates win: stop growth where one begins or ends.
    for bs, be in blocked:
        if be <= s and be > start:
            start = be
        elif bs >= e and bs < end:
            end = bs
    cand.start, cand.end = start, end
    if frame.modifier:
        cand.add_modifiers((frame.modifier,))
    phrase = text[start:end]
    if frame.category == "pharma" or _PHARMA_WORDS.search(phrase) or cand.dose or _DRUG_STEM.search(word):
        cand.category, cand.strength = "pharma", STRENGTH_PHARMA
    elif frame.category:
        cand.category, cand.strength = frame.category, STRENGTH_KEYWORD_FRAME
    # Strong templates: nobody writes these about a product they merely discuss.
    if cand.template is None:
        if phrase.startswith("online pharmacy buy"):
            cand.template = "online_pharmacy_buy"
        elif frame.name == "dose_sale":
            cand.template = "dose_sale"
        elif frame.name == "buy" and re.search(_NO_RX, phrase):
            cand.template = "buy_no_prescription"
    return cand
