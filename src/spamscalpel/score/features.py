"""Context features of a candidate: the signals both the v1 rules and the learned model read.

Each feature is a float in [0, 1] (or a small count) with a readable explanation. Features are
computed on the view text (original casing) around the candidate, on its sentence, and across
the whole document (rotation of one drug through brand/generic/modifier forms, clusters).
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from array import array
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from ..detect import Candidate
from ..detect.compiled import LiteralScanner
from ..view import link_domain
from . import DocContext

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Words after which "buy X" is an ordinary verb phrase, not an inserted anchor.
_BUY_FITS_BEFORE = frozenset(
    "can could will would should may might must cannot can't couldn't won't wouldn't shouldn't not never "
    "and or where how why when whether please you i we they he she people men women patients to didn't "
    "don't doesn't now also just only still easily legally safely".split()
)
_BUY_VERBS = ("buy", "order", "purchase", "buying", "ordering", "purchasing", "store")
# Words that ordinarily follow a drug name in real prose.
_FOLLOW_OK = frozenset(
    "and or is are was were be been being can could may might will would should must has have had does did "
    "to in for with as at on by from than that which who when while if but also alone plus versus vs "
    "tablets tablet pills pill capsules capsule dose doses dosage dosing injection injections therapy "
    "treatment treatments use users used group patients levels level oral cream gel solution syrup "
    "withdrawal overdose side effects effect interaction interactions works helps treats causes reduces "
    "increases lowers belongs acts lawsuit lawsuits litigation label labels product products prescription "
    "prescriptions generic brand online daily twice once hcl hydrochloride sodium er xr sr cr mg mcg "
    "include includes including included contain contains containing cause caused causing make makes made "
    "need needs needed take takes taken taking work worked working help helped helping may might appear "
    "appears occur occurs occurred vary varies depend depends usually often rarely commonly also only "
    "include lasts last start starts started stop stops stopped come comes came remain remains become "
    "becomes became seem seems should showed shows show reduce reduced lower lowered raise raised".split()
)
_DET_PREP = frozenset("of the a an its their his her our your this that these those is are in by".split())
_WARNING = re.compile(
    r"\b(?:illegal|illegally|counterfeit|fake|scams?|dangerous|danger|warn(?:s|ed|ing|ings)?|beware|avoid|"
    r"unlicensed|rogue|fraud(?:ulent)?|risk(?:s|y)?|unsafe|crack(?:ing)?\s+down|seized|lawsuits?|spam(?:mers?)?|"
    r"not\s+(?:legal|safe|approved)|instead\s+of|never\s+(?:buy|order)|do\s+not\s+(?:buy|order)|"
    r"don'?t\s+(?:buy|order)|offen[cs]es?|prosecut\w*)\b",
    re.IGNORECASE,
)
# ``_WARNING`` on lower-cased ASCII: no caseless matching, and a first letter checked before the
# alternatives are tried (the letters its alternatives start with).
_WARNING_LOWER = re.compile(_WARNING.pattern.replace(r"\b(?:", r"\b(?=[abcdfilnoprsuw])(?:", 1))


def _warns(text: str, a: int, b: int) -> bool:
    """``_WARNING.search(text, a, b) is not None``, several times faster on ASCII sentences."""
    s = text[a:b]
    # (A search from ``a`` reads the character before it for ``\b``; the slice does not.)
    if s.isascii() and (
        a == 0 or (text[a - 1].isascii() and not (text[a - 1].isalnum() or text[a - 1] == "_"))
    ):
        return _WARNING_LOWER.search(s.lower()) is not None
    return _WARNING.search(text, a, b) is not None


_SPAM_TALK = re.compile(
    r"\b(?:spam(?:mers?|my|s)?|scam(?:s|mers?)?|fraud(?:ulent)?|counterfeit|fake|rogue|illegal(?:ly)?|unlicensed|"
    # Site owners writing about comment moderation quote the spam they remove.
    r"(?:spam|comment)\s+filters?|moderation(?:\s+queue)?|moderators?|guestbook|captcha|akismet|bots)\b",
    re.IGNORECASE,
)
# Each alternative of ``_SPAM_TALK`` starts with one of these: ASCII text holding none of them has
# no match, found by substring tests instead of the pattern tried at every position.
_SPAM_TALK_LEADS = (
    "spam", "scam", "fraud", "counterfeit", "fake", "rogue", "illegal", "unlicensed", "comment",
    "moderat", "guestbook", "captcha", "akismet", "bots",
)  # fmt: skip


def _spam_talk_count(text: str) -> int:
    """``len(_SPAM_TALK.findall(text))``."""
    if text.isascii():  # (a caseless match may pair other scripts' letters with ASCII ones)
        low = text.lower()
        if not any(lead in low for lead in _SPAM_TALK_LEADS):
            return 0
    return len(_SPAM_TALK.findall(text))


_MED_PATTERNS_AFTER = re.compile(
    r"\s*(?:\(|®|™|\bis\b|\bare\b|\bwas\b|\bwere\b|\bcan\b|\bmay\b|\bhas\b|\bhave\b|\bshould\b|\bworks\b|\bhelps\b|"
    r"\bbelongs\b|\bcauses?\b|\breduces?\b|\btreats?\b|\bincreases?\b|\blowers?\b|\binhibits?\b|\bacts?\b|"
    r"\bwill\b|\bdoes\b|\bdid\b|\bcomes\b|\bcontains?\b|\bmust\b|\bshould\b)",
    re.IGNORECASE,
)
# A dosing schedule after "<drug> <dose>": "tadalafil 5 mg once daily", "... twice a day".
_DOSING_AFTER = re.compile(
    r"\s*(?:once|twice|three\s+times|four\s+times|daily|a\s+day|per\s+day|each\s+day|every\b|taken\b|given\b|"
    r"administered\b|at\s+night|at\s+bedtime|in\s+the\s+morning|orally|by\s+mouth|for\s+\d+\s+(?:days|weeks|months))",
    re.IGNORECASE,
)
# Words right before a drug name in a sentence about the drug ("taking ...", "such as ...").
_MED_BEFORE = (
    "taking", "take", "took", "prescribed", "prescribing", "use of", "treatment with", "treated with", "dose of",
    "doses of", "received", "receiving", "such as", "including", "like", "on", "started", "stopped",
    "switched to", "generic form of", "known as", "called", "maker of", "brand name", "and", "or",
)  # fmt: skip
# The text before the name ends with one of them (or an opening bracket, or a comma).
_MED_PATTERNS_BEFORE = re.compile(
    r"(?:\(\s*|,\s*|" + "|".join(r"\b" + r"\s+".join(p.split()) + r"\s+" for p in _MED_BEFORE) + r")$",
    re.IGNORECASE,
)
# The same language read backwards, matched at the start of the reversed text: a search for an
# ending tries every position of the window, this match only the end. (``\b`` reads the same both
# ways; ``$`` here may only sit at the very end, every alternative ending in ``\s`` runs.)
_MED_BEFORE_REVERSED = re.compile(
    r"(?:\s*\(|\s*,|"
    + "|".join(r"\s+" + r"\s+".join(w[::-1] for w in reversed(p.split())) + r"\b" for p in _MED_BEFORE)
    + ")",
    re.IGNORECASE,
)


def _med_words_before(window: str) -> bool:
    """``_MED_PATTERNS_BEFORE.search(window) is not None``, by one anchored match."""
    return _MED_BEFORE_REVERSED.match(window[::-1]) is not None


# What the patterns after a phrase may read of its sentence ("... is used to", "once daily").
_AFTER_WINDOW = 2000
# Any character that is more than opening punctuation: the phrase does not open its sentence.
_SENTENCE_TEXT = re.compile(r"[^ \t\"'“‘(\[\-•*]")


_HEALTH_PATH = Path(__file__).with_name("data") / "health_words.txt"
# A page is about health when at least this share of its sentences uses a health word.
HEALTH_PAGE_SHARE = 0.15


@functools.cache
def load_health_words() -> frozenset[str]:
    """Words that mark a sentence as being about health or medicine (``data/health_words.txt``)."""
    lines = _HEALTH_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_UNSPACED_FROM = (
    0x0E00  # Thai and the scripts after it (CJK, kana, Hangul) have no inside of a word to glue into
)
_LETTER_FOLD = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ı": "i", "ß": "ss"})


@functools.lru_cache(maxsize=1 << 14)  # keywords and terms repeat from candidate to candidate
def _unaccent(s: str) -> str:
    """Lower case, accents and hyphens dropped, single spaces: the spelling without its diacritics."""
    decomposed = unicodedata.normalize("NFKD", s.casefold().translate(_LETTER_FOLD))
    return " ".join(
        "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("-", " ").split()
    )


@dataclass(frozen=True, slots=True)
class CandidateFeatures:
    values: dict[str, float]
    notes: dict[str, str]


def _words(s: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(s)]


class _SentenceWords:
    """The vocabulary words of one sentence, found once for all the phrases in it.

    ``around(a, b)`` is ``{w for w in _words(text[start:a] + " " + text[b:end]) if w in vocab}``
    without rescanning the sentence per phrase: a run-on sentence of thousands of phrases (one
    long keyword run) would make that quadratic.
    """

    def __init__(self, text: str, start: int, end: int, vocab: frozenset[str]):
        self.text, self.start, self.end, self.vocab = text, start, end, vocab
        # Machine integers: one run-on sentence may hold hundreds of thousands of words.
        self.starts = array("q")
        self.ends = array("q")
        self.first: dict[str, int] = {}  # vocabulary word -> index of its first match
        self.last: dict[str, int] = {}
        for i, m in enumerate(_WORD.finditer(text, start, end)):
            self.starts.append(m.start())
            self.ends.append(m.end())
            w = m.group(0).lower()
            if w in vocab:
                self.first.setdefault(w, i)
                self.last[w] = i

    def around(self, a: int, b: int) -> set[str]:
        """Vocabulary words of the sentence before ``a`` and from ``b`` on."""
        found: set[str] = set()
        if a > self.start:
            # Matches that end before ``a`` are the same as those of the cut text; the scan of the
            # cut text then goes on from the end of the last of them.
            i = bisect.bisect_left(self.ends, a)
            found.update(w for w, k in self.first.items() if k < i)
            tail = self.ends[i - 1] if i else self.start
            found.update(w for w in _words_between(self.text, tail, a) if w in self.vocab)
        if b < self.end:
            # A scan from ``b`` meets the sentence's matches again at the first match both start.
            for m in _WORD.finditer(self.text, b, self.end):
                j = bisect.bisect_left(self.starts, m.start())
                if j < len(self.starts) and self.starts[j] == m.start():
                    found.update(w for w, k in self.last.items() if k >= j)
                    break
                if m.group(0).lower() in self.vocab:
                    found.add(m.group(0).lower())
        return found


# A sentence this short with this few drug phrases is read again per phrase (a few C-level scans);
# longer ones, or run-on keyword lists, are tokenized once by ``_SentenceWords``.
_DIRECT_SENTENCE = 1000
_DIRECT_PHRASES = 3


def _vocab_around(text: str, start: int, end: int, a: int, b: int, vocab: frozenset[str]) -> set[str]:
    """``_SentenceWords(text, start, end, vocab).around(a, b)``, by its definition."""
    found = set(lower_words(text[start:a]))
    found.update(lower_words(text[b:end]))
    found.intersection_update(vocab)
    return found


def lower_words(s: str) -> list[str]:
    """The lower-cased words of ``s``: ``[w.lower() for w in _WORD.findall(s)]``.

    ASCII text is lowered first and tokenized in one C-level pass (on ASCII, lowering only maps A-Z
    to a-z, which changes no word boundary). Other text is tokenized before lowering, since a case
    fold may change characters or lengths ("İ" -> "i̇").
    """
    return _WORD.findall(s.lower()) if s.isascii() else _words(s)


def _words_between(text: str, a: int, b: int) -> list[str]:
    return [w.lower() for w in _WORD.findall(text, a, b)]


@functools.lru_cache(maxsize=8)
def _vocab_scanner(vocab: frozenset[str]) -> LiteralScanner:
    return LiteralScanner({w: w for w in vocab})


def _sentences_with(text: str, starts, ends, vocab: frozenset[str]) -> set[int]:
    """The starts of the sentences ``[a, b)`` with a word (lower-cased) of ``vocab``."""
    if text.isascii():  # one lower-casing, and each sentence's words tested in one set operation
        low = text.lower()
        found = _sentences_by_scan(low, starts, ends, vocab)
        if found is not None:
            return found
        return {
            a for a, b in zip(starts, ends, strict=True) if not vocab.isdisjoint(_WORD.findall(low, a, b))
        }
    return {
        a
        for a, b in zip(starts, ends, strict=True)
        if any(m.group(0).lower() in vocab for m in _WORD.finditer(text, a, b))  # no list per sentence
    }


def _sentences_by_scan(low: str, starts, ends, vocab: frozenset[str]) -> set[int] | None:
    """``_sentences_with`` on lower-cased ASCII text from one compiled scan for the vocabulary's
    words; None without hyperscan, or where a word follows an apostrophe (whether it is a word of
    its own there depends on the words before it: the caller tokenizes those texts).

    A hit counts where ``_WORD`` reads exactly that word from there: it starts a word (no letter
    or digit before it) and the word does not go on ("pain" in "painful" or "pain's" does not
    count). Words never cross a sentence bound, so the hit's sentence is the one it starts in.
    """
    hits = _vocab_scanner(vocab).hits(low)
    if hits is None:
        return None
    out: set[int] = set()
    for end, word in hits:
        s = end + 1 - len(word)
        if s > 0 and low[s - 1].isalnum():
            continue
        if s > 1 and low[s - 1] in "'’" and low[s - 2].isalnum():
            return None
        m = _WORD.match(low, s)
        if m is None or m.end() != end + 1:
            continue
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and s < ends[i]:
            out.add(starts[i])
    return out


def _blank(text: str, cands: list[Candidate]) -> str:
    """``text`` with every candidate's range replaced by as many spaces.

    The pieces are joined a few thousand at a time: a page of hundreds of thousands of candidates
    would otherwise hold two small strings per candidate, and a list of their ranges, at once.
    """
    ranges = ((c.start, c.end) for c in cands)
    if any((a.start, a.end) > (b.start, b.end) for a, b in pairwise(cands)):
        ranges = iter(sorted(ranges))
    done: list[str] = []
    parts: list[str] = []
    pos = 0
    for a, b in ranges:
        a = max(a, pos)
        if b <= a:
            continue
        parts += (text[pos:a], " " * (b - a))
        pos = b
        if len(parts) >= 4096:
            done.append("".join(parts))
            parts.clear()
    parts.append(text[pos:])
    done.append("".join(parts))
    return "".join(done)


def _commercial(c: Candidate, lex) -> tuple[float, str]:
    best, why = 0.0, ""
    for m in c.modifiers:
        w = lex.modifiers.get(m, 0.4)
        if w > best:
            best, why = w, f"commercial modifier '{m}'"
    if c.foreign:
        w = max(lex.foreign_modifiers.get(f, 0.7) for f in c.foreign)
        if w > best:
            best, why = w, f"foreign sales word '{c.foreign[0]}'"
    if c.template:
        best, why = 1.0, f"known injection template ({c.template.replace('_', ' ')})"
    if c.url and c.kind != "drug" or (c.url and c.modifiers):
        if 0.8 > best:
            best, why = 0.8, f"URL attached: {c.url}"
    if c.country and best < 0.5 and (c.modifiers or c.kind == "spam_drug"):
        best, why = max(best, 0.5), f"market suffix '{c.country}'"
    if c.dose and c.kind in ("spam_drug", "unknown") and best < 0.3:
        best, why = 0.3, f"dose string '{c.dose}'"
    n_mod = len(set(c.modifiers)) + len(c.foreign)
    if n_mod >= 2:
        best = min(1.0, best + 0.15 * (n_mod - 1))
    elif n_mod == 1 and best < 0.45 and not (c.template or c.url or c.country or c.dose):
        # One weak word ("generic", "tablets", "online") is ordinary pharmacy prose on its own.
        best *= 0.5
    return best, why


def commercial_of(c: Candidate, lex) -> float:
    """How commercial a candidate's own phrase is (its modifiers, template, URL, market), 0..1."""
    return _commercial(c, lex)[0]


# The last word of a window and at most three other characters after it, read backwards: matched at
# the start of the reversed window instead of searched for, at every position, with ``$``.
_PREV_WORD = re.compile(r"([^\W_]+)[^\w]{0,3}$")
_PREV_WORD_REVERSED = re.compile(r"[^\w]{0,3}([^\W_]+)")
_NEXT_WORD = re.compile(r"(\W{0,3}?)([^\W_]+)")
_SPACES = re.compile(r"\s+")
_OPENING_QUOTE = re.compile(r"(?:^|\s)'$")
_WORD_CHAR = re.compile(r"\w")


def _prev_word(text: str, pos: int) -> str:
    """``_PREV_WORD.search(text[max(0, pos - 40) : pos])``'s word, lower-cased ('' where none)."""
    window = text[max(0, pos - 40) : pos]
    backwards = window[::-1]
    m = _PREV_WORD_REVERSED.match(backwards)
    if m is None and window.endswith("\n"):  # (``$`` also matches before a final newline)
        m = _PREV_WORD_REVERSED.match(backwards, 1)
    return m.group(1)[::-1].lower() if m else ""


def _next_word(text: str, pos: int) -> tuple[str, str]:
    """The next word after ``pos`` and the characters between."""
    m = _NEXT_WORD.match(text, pos, pos + 40)
    return (m.group(2), m.group(1)) if m else ("", text[pos : pos + 3])


def _drug_pair(phrase: str, c: Candidate, lex) -> str:
    """Two keywords of different drugs separated by spaces only, inside one candidate phrase."""
    if len(c.keywords) < 2:
        return ""
    low = phrase.lower()
    found = []
    for k in dict.fromkeys(c.keywords):  # each keyword once: a long run repeats them
        t = lex.terms.get(k)
        if t is None or t.category != "pharma":
            continue
        for m in re.finditer(rf"(?<!\w){re.escape(k)}(?!\w)", low):
            found.append((m.start(), m.end(), t.canonical))
    found.sort()
    for (s1, e1, c1), (s2, e2, c2) in zip(found, found[1:], strict=False):
        if c1 != c2 and s2 > e1 and not low[e1:s2].strip():
            return phrase[s1:e2]
    return ""


def compute_features(ctx: DocContext) -> list[CandidateFeatures]:
    """Features for every candidate of the document, in the order of ``ctx.candidates``."""
    if ctx.features is None:
        ctx.features = _compute_features(ctx)
    return ctx.features


def term_detail(c: Candidate) -> str:
    """Readable evidence for the bare-term signal: which category the keyword belongs to."""
    return f"'{c.term}' is a {c.category} term" + (f" ({c.canonical})" if c.canonical != c.term else "")


def _shared(notes: dict[str, str], said: dict[str, str]) -> dict[str, str]:
    """``notes`` with each string replaced by the equal one already said on the page.

    A page of thousands of candidates would otherwise hold thousands of copies of "the page holds
    N commercial spam phrase(s)" and the like, one per candidate, for as long as its features live.
    """
    for name, note in notes.items():
        notes[name] = said.setdefault(note, note)
    return notes


def _compute_features(ctx: DocContext) -> list[CandidateFeatures]:
    view, lex, text = ctx.view, ctx.lexicon, ctx.view.text
    cands = ctx.candidates
    # Document-level tallies.
    forms: dict[str, set[str]] = defaultdict(set)
    surface_terms: dict[str, set[str]] = defaultdict(set)
    commercial_by_canon: dict[str, int] = defaultdict(int)
    pre: list[tuple[float, str]] = []
    seen: dict[tuple[float, str], tuple[float, str]] = {}  # each distinct (score, reason) held once
    for c in cands:
        com = _commercial(c, lex)
        com = seen.setdefault(com, com)
        pre.append(com)
        forms[c.canonical].add(_SPACES.sub(" ", text[c.start : c.end].lower()))
        surface_terms[c.canonical].add(c.term)
        if com[0] >= 0.15:
            commercial_by_canon[c.canonical] += 1
    n_commercial = sum(1 for com, _ in pre if com >= 0.35)
    com_starts = sorted(c.start for c, (com, _) in zip(cands, pre, strict=True) if com >= 0.35)
    # Topic fit: in how many of the page's sentences does each category come up at all?
    cat_sentences: dict[str, set[int]] = defaultdict(set)
    for c in cands:
        cat_sentences[c.category].add(ctx.sentence_of(c.kw_start)[0])
    # Where the drug phrases are, to count those of a sentence (it only picks how their medical
    # words are read: both ways give the same words).
    pharma_at = array("q", sorted(c.kw_start for c in cands if c.category == "pharma"))
    n_sentences = max(
        1, sum(1 for a, b in zip(ctx.sentence_starts, ctx.sentence_ends, strict=True) if text[a:b].strip())
    )
    # Health topic: which sentences use a health word outside the candidates themselves ("buy
    # cheap pills" must not make its own sentence medical).
    health = load_health_words()
    plain = _blank(text, cands)
    healthy_sentences = _sentences_with(plain, ctx.sentence_starts, ctx.sentence_ends, health)
    # The page's own topic: sentences carrying a commercial spam phrase (spun blocks bring their
    # own medical filler) do not count towards it.
    spam_sentences = {
        ctx.sentence_of(c.kw_start)[0] for c, (com, _) in zip(cands, pre, strict=True) if com >= 0.35
    }
    own = max(1, n_sentences - len(spam_sentences))
    health_share = len(healthy_sentences - spam_sentences) / own
    # A page that talks about spam, scams or counterfeit drugs quotes spam phrases on purpose.
    doc_warnings = _spam_talk_count(text)
    base_domain = link_domain(view.base_url) if view.base_url else ""

    # Known before the loop, so that each record is final, and pooled, as it is made (a spun page
    # rotates every drug: its records would otherwise all wait, unpooled, for the end of the page).
    med_notes = [_medical_pattern(c, text, ctx.sentence_of(c.kw_start)[1]) for c in cands]
    explained = _explained(cands, med_notes, text)
    warned: dict[int, bool] = {}  # sentence start -> the sentence warns (one search per sentence)
    pool = _Pool()
    said: dict[str, str] = {}  # each distinct note once: most notes read the same for many candidates
    # The medical words of the sentence in hand: candidates come in text order, so one sentence at a
    # time (a cache of every sentence's words would outgrow the text on a page of many sentences).
    words: _SentenceWords | None = None
    out: list[CandidateFeatures] = []
    for i, c in enumerate(cands):
        v: dict[str, float] = {}
        notes: dict[str, str] = {}
        com, why = pre[i]
        v["commercial"] = com
        if why:
            notes["commercial"] = why
        # Non-drug spam phrases ("payday loans", "replica watches") have no legitimate medical reading.
        if c.kind == "keyword":
            v["spam_keyword"] = c.strength
        else:
            v["strength"] = c.strength
        kw = text[c.kw_start : c.kw_end]
        s_start, s_end = ctx.sentence_of(c.kw_start)
        # Windows, not slices, of the sentence: a run-on sentence may hold thousands of phrases.
        before = text[max(s_start, c.start - 8) : c.start]
        prev = _prev_word(text, c.start) if c.start > s_start else ""
        nxt, gap = _next_word(text, c.end)

        # A brand written in lower case mid-sentence: editors capitalise brands, injectors paste keywords.
        brand = c.kind in ("drug", "spam_drug") and c.term != c.canonical
        at_sentence_start = _SENTENCE_TEXT.search(text, s_start, c.start) is None
        if brand and kw.islower() and not at_sentence_start and kw.isalpha() is not False:
            v["lowercase_brand"] = 1.0
            notes["lowercase_brand"] = f"brand name '{kw}' written in lower case mid-sentence"

        # A drug name in lower case opening a sentence after a full stop: editors capitalise the
        # first word of a sentence; a keyword pasted there stays as the spammer typed it. (List
        # items and lines without a full stop before them are often lower case: not counted.)
        first = text[c.start : c.start + 1]
        after_stop = text[max(0, c.start - 8) : c.start].rstrip()[-1:] in (".", "!", "?")
        if c.category == "pharma" and at_sentence_start and first.islower() and after_stop:
            v["lowercase_start"] = 1.0
            notes["lowercase_start"] = f"'{text[c.start : c.end]}' opens a sentence in lower case"
        # Pasted straight after the end of a sentence, with no space: "... is needed.online casino".
        if c.start >= 2 and text[c.start - 1] in ".!?;:" and text[c.start - 2].isalnum():
            v["glued_punct"] = 1.0
            notes["glued_punct"] = f"glued to the end of a sentence: '{text[c.start - 2 : c.start]}{kw}'"
        # Two different drugs back to back with nothing between ("Generic adderall sildenafil").
        pair = _drug_pair(text[c.start : c.end], c, lex)
        if pair:
            v["drug_pair"] = 1.0
            notes["drug_pair"] = f"two different drugs side by side: '{pair}'"

        # A brand capitalised as a proper noun while its modifiers stay lower case: editorial style.
        mods_text = text[c.start : c.kw_start] + text[c.kw_end : c.end]
        if (
            brand
            and kw[:1].isupper()
            and not kw.isupper()
            and not at_sentence_start
            and (not mods_text.strip() or mods_text == mods_text.lower())
        ):
            v["proper_noun"] = 1.0
            notes["proper_noun"] = f"'{kw}' is capitalised as a proper noun"

        # "buy X" after a modal or subject is an ordinary verb phrase.
        phrase_low = text[c.start : c.end].lower()
        if phrase_low.startswith(_BUY_VERBS) and prev in _BUY_FITS_BEFORE:
            v["buy_fits"] = 1.0
            notes["buy_fits"] = f"'{prev} {phrase_low.split()[0]}' reads as an ordinary verb phrase"
        first = phrase_low.split()[0] if phrase_low.split() else ""
        if phrase_low.startswith(_BUY_VERBS) and prev in ("of", "is", "are") and first.endswith("ing"):
            # "instead of ordering ...", "the risks of buying ...", "is buying": a gerund fits there.
            v["buy_fits"] = 1.0
            notes["buy_fits"] = f"'{prev} {first}' reads as an ordinary verb phrase"
        elif phrase_low.startswith(_BUY_VERBS) and prev in ("the", "a", "an", "of", "is", "are", "its"):
            v["grammar_break"] = 1.0
            notes["grammar_break"] = (
                f"'{prev} {phrase_low.split()[0]} ...': a purchase phrase where a noun belongs"
            )

        # Grammar: the phrase does not fit its slot in the sentence.
        nxt_low = nxt.lower()
        if nxt and gap.strip() == "" and nxt_low in ("of", "the") and (c.modifiers or c.foreign):
            v["grammar_break"] = 1.0
            notes["grammar_break"] = f"'{text[c.start : c.end]} {nxt}': the phrase breaks the sentence"
        elif (
            nxt
            and gap.strip() == ""
            and nxt.islower()
            and nxt_low not in _FOLLOW_OK
            and prev in _DET_PREP
            and not c.modifiers
            and c.kind in ("drug", "spam_drug")
            and not nxt.isdigit()
        ):
            v["drug_as_modifier"] = 1.0
            notes["drug_as_modifier"] = (
                f"'{prev} {kw} {nxt}': the drug name stands where another word belongs"
            )
        # Glued into a word: "colou<spam>rs", "weath<spam>er".
        # (Scripts written without spaces, and Korean with its particles, glue words on by design.)
        spaced_script = ord((kw or " ")[0]) < _UNSPACED_FROM
        if spaced_script and (
            (c.start > 0 and text[c.start - 1].isalpha()) or (c.end < len(text) and text[c.end].isalpha())
        ):
            if c.category != "other" and _WORD_CHAR.match(kw[:1] or " ") is not None:
                v["inside_word"] = 1.0
                notes["inside_word"] = "inserted inside a word"

        # Legitimate patterns around a drug name.
        if med_notes[i]:
            v["medical_pattern"] = 1.0
            notes["medical_pattern"] = med_notes[i]
        # Medical words make a drug mention legitimate; they do nothing for "xxx videos" or a casino.
        med_words: set[str] = set()
        if c.category == "pharma":
            n_here = bisect.bisect_left(pharma_at, s_end) - bisect.bisect_left(pharma_at, s_start)
            if s_end - s_start <= _DIRECT_SENTENCE and n_here <= _DIRECT_PHRASES:
                med_words = _vocab_around(text, s_start, s_end, c.start, c.end, lex.medical_context)
            else:
                if words is None or words.start != s_start:
                    words = _SentenceWords(text, s_start, s_end, lex.medical_context)
                med_words = words.around(c.start, c.end)
        if med_words:
            v["medical_context"] = min(1.0, len(set(med_words)) / 3)
            notes["medical_context"] = "medical words in the sentence: " + ", ".join(
                sorted(set(med_words))[:4]
            )
        if s_start not in warned:
            warned[s_start] = _warns(text, s_start, s_end)
        if warned[s_start]:
            v["warning"] = 1.0
            notes["warning"] = "the sentence warns or reports about it"
        if doc_warnings >= 2:
            v["discusses_spam"] = min(1.0, doc_warnings / 4)
            notes["discusses_spam"] = f"the page warns about spam, fraud or risks ({doc_warnings} times)"
        opener = before[-3:]
        if '"' in opener or "“" in opener or "‘" in opener or _OPENING_QUOTE.search(before[-4:]):
            v["quoted"] = 1.0

        # Rotation: one drug pushed through brand/generic/modifier forms across the page.
        n_forms = len(forms[c.canonical])
        if len(surface_terms[c.canonical]) >= 2 and commercial_by_canon[c.canonical] >= 2 and n_forms >= 3:
            v["rotation"] = 1.0
            notes["rotation"] = (
                f"'{c.canonical}' appears in {n_forms} forms ({', '.join(sorted(forms[c.canonical])[:4])}), "
                f"{commercial_by_canon[c.canonical]} of them commercial"
            )
        # Other commercial spam nearby (anchor clusters, spun blocks).
        lo, hi = bisect.bisect_right(com_starts, c.start - 400), bisect.bisect_left(com_starts, c.start + 400)
        near = hi - lo - (1 if pre[i][0] >= 0.35 else 0)
        if near:
            v["cluster"] = min(1.0, near / 3)
            notes["cluster"] = f"{near} other commercial spam phrase(s) within 400 characters"
        v["doc_commercial"] = min(1.0, n_commercial / 5)
        if n_commercial:
            notes["doc_commercial"] = f"the page holds {n_commercial} commercial spam phrase(s)"
        # Off-topic category: a lone casino/loan/replica keyword in a page about something else.
        share = len(cat_sentences[c.category]) / n_sentences
        if (
            c.kind == "keyword"
            and c.category != "pharma"
            and (len(cat_sentences[c.category]) <= 2 or share <= 0.25)
        ):
            v["off_topic"] = 1.0
            notes["off_topic"] = (
                f"{c.category} comes up in {len(cat_sentences[c.category])} of {n_sentences} sentences: "
                "the page is about something else"
            )
        # Off-topic drug: a drug name on a page that is not about health, or in a sentence that is not.
        if c.category == "pharma":
            # (A page that talks about spam names the drugs it is pestered with: that explains it.)
            if health_share < HEALTH_PAGE_SHARE and doc_warnings < 2:
                v["drug_off_topic"] = 1.0
                notes["drug_off_topic"] = (
                    f"{len(healthy_sentences - spam_sentences)} of the page's {own} own sentences are about health: "
                    "the page is about something else"
                )
            if s_start not in healthy_sentences:
                v["sentence_off_topic"] = 1.0
                notes["sentence_off_topic"] = "nothing else in the sentence is about health"
        # Obfuscated spelling (v1agra, s y n t h r o i d, Cyrillic look-alikes): nobody writes a drug
        # name like that except to slip past filters.
        # Accents are spelling, not disguise: "casinò", "cá độ bóng đá", "préstamos".
        plain_kw = _unaccent(kw)
        if kw and plain_kw != _unaccent(c.term) and not plain_kw.startswith(_unaccent(c.term)):
            if c.category != "other":
                v["obfuscated"] = 1.0
                notes["obfuscated"] = f"'{kw}' is an obfuscated spelling of '{c.term}'"

        # HTML context.
        for r in view.regions_at(c.start, c.end):
            if r.kind == "hidden":
                v["hidden"] = 1.0
                notes["hidden"] = f"inside hidden content ({r.detail})"
            elif r.kind == "link" and r.href:
                dom = link_domain(r.href)
                off = bool(base_domain) and dom != base_domain
                v["link"] = 1.0 if off or not base_domain else 0.5
                notes["link"] = f"anchor text of a link to {dom or r.href}" + (
                    " (another site)" if off else ""
                )
            elif r.kind in ("meta", "title"):
                v["meta"] = 1.0
        if v.get("rotation") and c.canonical not in explained:
            v["rotation_unexplained"] = 1.0
            notes["rotation_unexplained"] = (
                f"no sentence on the page is about '{c.canonical}' itself; it only appears in rotated forms"
            )
        out.append(pool(CandidateFeatures(v, _shared(notes, said))))
    return out


def _medical_pattern(c: Candidate, text: str, s_end: int) -> str:
    """The note of a legitimate pattern around drug phrase ``c`` ('' where none): a dosing schedule
    after it, or the words of a sentence about the drug before or after it."""
    if c.modifiers or c.template:
        return ""
    after = text[c.end : min(s_end, c.end + _AFTER_WINDOW)]
    if c.dose and _DOSING_AFTER.match(after):
        return f"'{text[c.start : c.end]}' is followed by how often to take it"
    if c.kind in ("drug", "spam_drug") and (
        _MED_PATTERNS_AFTER.match(after) or _med_words_before(text[max(0, c.start - 30) : c.start])
    ):
        return "reads like a sentence about the drug"
    return ""


def _explained(cands: list[Candidate], med_notes: list[str], text: str) -> set[str]:
    """The drugs whose rotation the page explains: a leaflet, a lawsuit article or sales news that
    alternates "Reglan" and "metoclopramide" also writes sentences about the drug ("Reglan is used
    to ...") and capitalises the brand somewhere; an injector only drops lower-case names into
    sentences about something else."""
    return {
        c.canonical
        for c, note in zip(cands, med_notes, strict=True)
        if note or (c.term != c.canonical and text[c.kw_start : c.kw_start + 1].isupper())
    }


class _Pool:
    """Each feature record equal to an earlier one replaced by that one, once it no longer changes.

    A link farm or a listing repeats one phrase thousands of times, and each copy's features and
    notes read the same: held once, they cost what one costs. Records are equal when their values
    and notes print the same, in the same order (the order of the evidence follows it; ``repr``
    keeps ``1`` from ``1.0`` and ``-0.0`` from ``0.0``). The pool keeps a hash per distinct record,
    so a page of distinct candidates pays a few bytes each while its features are computed.
    """

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[int, CandidateFeatures] = {}

    def __call__(self, f: CandidateFeatures) -> CandidateFeatures:
        key = (repr(f.values), repr(f.notes))
        h = hash(key)
        g = self._seen.setdefault(h, f)
        return g if g is not f and (repr(g.values), repr(g.notes)) == key else f
