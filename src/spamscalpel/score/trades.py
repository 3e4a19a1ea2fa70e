"""Topic fit for the trades other than pharma: a page about gambling keeps the word "casino".

Pharma has its own context signals (health pages, medical patterns, warnings). The other trades
get theirs from one data file each (``data/trades/<trade>.toml``):

- ``legit``: words of pages about the trade that do not sell it: harm and treatment, law and
  regulators, police and courts, business news, history, consumer advice, academic integrity,
  customs seizures, content policy, in the languages the lexicon covers.
- ``sales``: the trade's calls to action (bonus, free spins, daftar, apply now, no credit check).
- ``ambiguous``: bare terms with an everyday meaning ("card slots", "hit the jackpot").

A mention is a legitimate use when nothing about the mention itself sells (no sales modifier in
the phrase, not hidden, not inside a word or glued to a sentence, no sales word in its sentence)
and either the page is about the trade (the trade comes up in two sentences or more, two or more
sentences use its legit words, and the page's sales sentences are few next to them) or its own
sentence does. An ambiguous term with no other word of its trade in the sentence is not a mention
of the trade at all. Both cap the candidate's score below any threshold and say why in evidence.
This stage runs after the scorer, whichever scorer it is; a new trade is a new data file.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from ..detect.compiled import LiteralScanner
from ..types import Evidence, EvidencePool
from . import DocContext, Scored

_DIR = Path(__file__).with_name("data") / "trades"
CAP = 0.2  # the score a legitimate use keeps: under any sensible threshold
# Signs on the mention itself that no page topic explains away.
_SELLING = ("hidden", "inside_word", "glued_punct", "obfuscated", "link")
_SALES_PHRASE = 0.5  # a phrase this commercial (its own sales modifiers) is sold, whatever the page


@dataclass(frozen=True, slots=True)
class TradeRules:
    """One trade's data file."""

    trade: str
    legit: tuple[str, ...]
    sales: tuple[str, ...]
    ambiguous: frozenset[str]
    domain: tuple[str, ...] = ()
    topic: frozenset[str] = frozenset()  # words of the trade's subject, for prose about it (blocks.py)
    brands: tuple[str, ...] = ()  # regexes of shop names ("agen228"), matched on whole link anchors
    calls: frozenset[str] = frozenset()  # the sales words that call to action (all of them if unset)
    generic: frozenset[str] = frozenset()  # names of the trade's venues and games ("roulette")


@functools.cache
def load_trades() -> dict[str, TradeRules]:
    """Every trade file under ``data/trades``, keyed by trade."""
    out: dict[str, TradeRules] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            d = tomllib.load(fh)
        try:
            rules = TradeRules(
                d["trade"],
                tuple(w.lower() for w in d.get("legit", [])),
                tuple(w.lower() for w in d.get("sales", [])),
                frozenset(w.lower() for w in d.get("ambiguous", [])),
                tuple(w.lower() for w in d.get("domain", [])),
                frozenset(w.lower() for w in d.get("topic", [])),
                tuple(d.get("brands", [])),
                frozenset(w.lower() for w in d.get("calls", d.get("sales", []))),
                frozenset(w.lower() for w in d.get("generic", [])),
            )
            for pattern in rules.brands:
                re.compile(pattern)
        except (KeyError, AttributeError, re.error) as exc:
            raise ValueError(f"{path}: bad trade file: {exc}") from exc
        out[rules.trade] = rules
    return out


def _word_automaton(tags: dict[str, list]) -> ahocorasick.Automaton:
    """An automaton whose values are (word, its tags) for every word of ``tags``."""
    auto = ahocorasick.Automaton()
    for w, t in tags.items():
        auto.add_word(w, (w, tuple(t)))
    auto.make_automaton()
    return auto


def _word_hits(text: str, words: tuple[ahocorasick.Automaton, LiteralScanner]) -> Iterable[tuple[int, tuple]]:
    """(end index, (word, tags)) of every occurrence of every word: one compiled scan on ASCII
    text, the automaton on other text or without hyperscan (the same hits, in another order)."""
    auto, scanner = words
    found = scanner.hits(text)
    return auto.iter(text) if found is None else found


def _words_and_scanner(tags: dict[str, list]) -> tuple[ahocorasick.Automaton, LiteralScanner]:
    return _word_automaton(tags), LiteralScanner({w: (w, tuple(t)) for w, t in tags.items()})


@functools.cache
def _automaton() -> tuple[ahocorasick.Automaton, LiteralScanner]:
    tags: dict[str, list[tuple[str, str]]] = {}
    for rules in load_trades().values():
        for kind, words in (("legit", rules.legit), ("sales", rules.sales)):
            for w in words:
                tags.setdefault(w, []).append((rules.trade, kind))
    return _words_and_scanner(tags)


@functools.cache
def _topic_automaton() -> tuple[ahocorasick.Automaton, LiteralScanner]:
    tags: dict[str, list[str]] = {}
    for rules in load_trades().values():
        for w in rules.topic:
            tags.setdefault(w, []).append(rules.trade)
    return _words_and_scanner(tags)


def _folded(raw: str) -> str:
    """``raw`` in lower case with its offsets kept (a character whose case fold is longer stays)."""
    text = raw.lower()
    if len(text) != len(raw):
        text = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in raw)
    return text


def _sentence_text(ctx: DocContext, i: int) -> str:
    """The text of sentence ``i``, up to the next sentence's start."""
    starts = ctx.sentence_starts
    lo = starts[i] if i < len(starts) else 0
    hi = starts[i + 1] if i + 1 < len(starts) else len(ctx.view.text)
    return ctx.view.text[lo:hi]


def _topic_sentences(ctx: DocContext, scored: list[Scored]) -> dict[str, set[int]]:
    """trade -> sentences that use one of its topic words outside every candidate phrase.

    Such a sentence speaks of the trade in its own words: "the Gambling Commission fined two
    casinos" does, while "the relevant [casino online] principles of the court" is a court's
    sentence with a keyword pasted in.
    """
    words = _topic_automaton()
    if not len(words[0]):
        return {}
    text = _folded(ctx.view.text)
    phrases = sorted((s.candidate.start, s.candidate.end) for s in scored)
    starts = [a for a, _ in phrases]
    reach = []  # the farthest end of the phrases starting at or before each index
    far = -1
    for _, b in phrases:
        far = max(far, b)
        reach.append(far)
    out: dict[str, set[int]] = {}
    for end_idx, (word, trades) in _word_hits(text, words):
        start = end_idx - len(word) + 1
        if not _bounded(text, start, end_idx + 1):
            continue
        k = bisect.bisect_right(starts, start) - 1
        if k >= 0 and reach[k] >= end_idx + 1:
            continue  # inside a candidate phrase (or one that runs past it)
        i = max(0, bisect.bisect_right(ctx.sentence_starts, start) - 1)
        for t in trades:
            out.setdefault(t, set()).add(i)
    return out


def _bounded(text: str, start: int, end: int) -> bool:
    """A word of an alphabetic script must stand alone; scripts without spaces match anywhere."""
    if not text[start].isascii() and not text[end - 1].isascii() and not text[start].isalpha():
        return True
    if ord(text[start]) >= 0x0E00 and not (0x0400 <= ord(text[start]) < 0x0530):
        return True  # Thai, CJK, Hangul and the like: no spaces between words
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not (after.isalnum() and after != "s")


def sentence_words(ctx: DocContext) -> dict[tuple[str, str], dict[int, list[str]]]:
    """(trade, kind) -> sentence index -> the trade words found in that sentence."""
    text = _folded(ctx.view.text)
    hits: list[tuple[int, int, str, tuple]] = []
    for end_idx, (word, tags) in _word_hits(text, _automaton()):
        start = end_idx - len(word) + 1
        if _bounded(text, start, end_idx + 1):
            hits.append((start, -(end_idx + 1), word, tags))
    # A word inside a longer one is not a word of its own: "plagiarism" in "plagiarism-free".
    hits.sort()
    found: dict[tuple[str, str], dict[int, list[str]]] = {}
    reach = -1
    for start, neg_end, word, tags in hits:
        if -neg_end <= reach:
            continue
        reach = -neg_end
        i = max(0, bisect.bisect_right(ctx.sentence_starts, start) - 1)
        for tag in tags:
            found.setdefault(tag, {}).setdefault(i, []).append(word)
    return found


@dataclass(frozen=True, slots=True)
class _Page:
    """What the page says about one trade: computed once per document, read for each mention."""

    legit: dict[int, list[str]]  # sentence index -> legit words there
    sales: dict[int, list[str]]  # sentence index -> sales words there
    plain: dict[int, int]  # sentence index -> candidates of the trade there that are not ambiguous terms
    about: str | None  # why the page is about the trade without selling it, or None
    calls: frozenset[int] = frozenset()  # sentences that call to action or make a numbered offer
    generic: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # sentence -> generic names


def _pages(ctx: DocContext, scored: list[Scored], trades: dict[str, TradeRules]) -> dict[str, _Page]:
    words = sentence_words(ctx)
    mentions: dict[str, set[int]] = {}
    plain: dict[str, dict[int, int]] = {}
    generic: dict[str, dict[int, list[tuple[int, int]]]] = {}
    for s in scored:
        c = s.candidate
        rules = trades.get(c.category)
        if rules is None:
            continue
        i = _sentence_index(ctx, c.kw_start)
        mentions.setdefault(c.category, set()).add(i)
        if c.term in rules.generic and not c.modifiers and not c.foreign and len(c.keywords) <= 1:
            generic.setdefault(c.category, {}).setdefault(i, []).append((c.kw_start, c.kw_end))
        if c.term not in rules.ambiguous:
            counts = plain.setdefault(c.category, {})
            counts[i] = counts.get(i, 0) + 1
    out: dict[str, _Page] = {}
    on_topic = _topic_sentences(ctx, scored)
    for trade, sents in mentions.items():
        legit = words.get((trade, "legit"), {})
        # Legit words count only on a page that speaks of the trade in its own words somewhere (a
        # legit sentence with a topic word outside the keyword phrases); a court ruling or a news
        # item with "casino online" pasted into it uses legit words about something else.
        if trades[trade].topic and not any(i in on_topic.get(trade, ()) for i in legit):
            legit = {}
        sales = words.get((trade, "sales"), {})
        n_legit, n_sales = len(legit), len(set(sales) - set(legit))
        about = None
        # ... and names the trade in one of those sentences or next to one that speaks of it: a page
        # on censorship that once says "pornography" is not about the "cam girls" pasted elsewhere.
        near = {j for i in legit if i in on_topic.get(trade, ()) for j in (i - 1, i, i + 1)}
        named_there = not sents.isdisjoint(legit) or not sents.isdisjoint(near)
        if named_there and (len(sents) >= 2 and n_legit >= 2 or n_legit >= 3) and 3 * n_sales <= n_legit:
            sample = sorted({w for ws in legit.values() for w in ws})[:4]
            sells = "nothing" if not n_sales else f"only {n_sales} sentence(s)"
            about = (
                f"the page is about {trade} ({n_legit} sentences on it: {', '.join(sample)}) "
                f"and {sells} on the page sells it"
            )
        calls = frozenset(
            i
            for i, ws in sales.items()
            if any(w in trades[trade].calls for w in ws)
            or _offer(ctx, i, ws)
            or len(ws) + plain.get(trade, {}).get(i, 0) >= _PACKED
        )
        out[trade] = _Page(legit, sales, plain.get(trade, {}), about, calls, generic.get(trade, {}))
    return out


# A sentence this packed with the trade's terms and sales words is an advert on any page:
# "Zagraj teraz w kasyno online, darmowe spiny i bonus bez depozytu!".
_PACKED = 4

# A number right before a sales word makes an offer: "500 Freispiele", "200% bonus", "100 free spins".
_OFFER_NUMBER = re.compile(r"\d[\d.,]*\s*%?\s*(?:[^\W\d_]+\s+)?$")


def _offer(ctx: DocContext, i: int, words: list[str]) -> bool:
    low = _sentence_text(ctx, i).lower()
    for w in set(words):
        pos = low.find(w)
        if pos > 0 and _OFFER_NUMBER.search(low, max(0, pos - 24), pos):
            return True
    return False


def _sentence_index(ctx: DocContext, pos: int) -> int:
    return max(0, bisect.bisect_right(ctx.sentence_starts, pos) - 1)


def fit_topics(ctx: DocContext, scored: list[Scored]) -> list[Scored]:
    """Cap the scores of legitimate mentions of non-pharma trades (see the module docstring)."""
    trades = load_trades()
    if not any(s.candidate.category in trades for s in scored):
        return scored
    pages = _pages(ctx, scored, trades)
    names: dict[str, bool] = {}  # term -> the page writes it as a mixed-case name somewhere
    out: list[Scored] = []
    shared = EvidencePool()
    for s in scored:
        c = s.candidate
        rules = trades.get(c.category)
        if rules is None or s.score <= CAP:
            out.append(s)
            continue
        why = _legit_use(c, rules, _sentence_index(ctx, c.kw_start), pages[c.category], ctx, names)
        if why is None:
            out.append(s)
        else:
            out.append(Scored(c, CAP, shared.many((shared(Evidence("topic_fit", why, -1.0)), *s.evidence))))
    return out


def _legit_use(
    c, rules: TradeRules, i: int, page: _Page, ctx: DocContext, names: dict[str, bool]
) -> str | None:
    f = c.features
    kw_raw = ctx.view.text[c.kw_start : c.kw_end]
    if _mixed_case(kw_raw):
        return f"'{kw_raw}' is written as a name (mixed case), not the {rules.trade} word"
    name = _title_name(ctx.view.text, c, rules)
    if name:
        return f"'{name}' is a name (a title or a place), not the {rules.trade} word"
    if c.url:
        if c.term not in names:
            names[c.term] = _written_as_name(ctx.view.text, c.term)
        if names[c.term] and _host_label(c.url, c.term):
            return (
                f"'{c.url}' is the address of '{c.term}' as the page names it (a product name, not the trade)"
            )
    if any(f.get(k) for k in _SELLING) or c.template:
        return None
    if f.get("commercial", 0) >= _SALES_PHRASE and not _described(c, i, page):
        return None
    # A sales sentence sells (one that also warns against signing up reports, not sells); on a page
    # about the trade only a call to action does: a harm report describes bonuses and free spins.
    if i in page.sales and i not in page.legit and (page.about is None or i in page.calls):
        return None
    kw = kw_raw.lower()
    # Another candidate of the trade in the sentence, not itself an ambiguous term, is a co-term.
    others = page.plain.get(i, 0) - (c.term not in rules.ambiguous)
    # (A strong sales word on the term itself, "play poker online", is not the everyday meaning;
    # "a real jackpot" or "the best slot" is.)
    if (c.term in rules.ambiguous or kw in rules.ambiguous) and others <= 0 and not _sold_on(c):
        return f"'{kw}' has its everyday meaning here: no other {rules.trade} word in the sentence"
    if page.about:
        return page.about
    if i in page.legit:
        return f"its sentence is about {rules.trade}, not selling it: {', '.join(sorted(set(page.legit[i]))[:3])}"
    if _describes_venue(c, rules, i, page, ctx):
        return (
            f"'{kw}' is one of the {rules.trade} venues or games a sentence describes, selling none of them"
        )
    return None


_VENUE_SENTENCE_WORDS = 10  # a description is a sentence, not a keyword list, and its names are
# under 30% of its words


def _describes_venue(c, rules: TradeRules, i: int, page: _Page, ctx: DocContext) -> bool:
    """A sentence naming two of the trade's venues or games with no sales word: "the casino floor has
    1,500 slot machines and forty tables for blackjack and roulette" in a hotel review."""
    names = page.generic.get(i, [])
    if (c.kw_start, c.kw_end) not in names or i in page.sales or len(names) < 2:
        return False
    text = ctx.view.text
    n_words = len(_sentence_text(ctx, i).split())
    if n_words < _VENUE_SENTENCE_WORDS or 10 * sum(len(text[a:b].split()) for a, b in names) > 3 * n_words:
        return False
    # Names back to back ("casino roulette blackjack") are a keyword list, not a description.
    return not any(
        (b <= c.kw_start and not text[b : c.kw_start].strip())
        or (c.kw_end <= a and not text[c.kw_end : a].strip())
        for a, b in names
    )


_STRONG_MODIFIER = 0.4


def _sold_on(c) -> bool:
    from ..lexicon import load_lexicon

    mods = load_lexicon().modifiers
    return any(mods.get(m, 0.4) >= _STRONG_MODIFIER for m in c.modifiers) or bool(c.foreign)


def _described(c, i: int, page: _Page) -> bool:
    """A phrase with one sales word, in a sentence about the trade on a page about it: described, not
    sold ("cheap replicas use mass-produced movements" in a guide to spotting fakes)."""
    return (
        page.about is not None
        and not c.url
        and i in page.legit
        and i not in page.calls
        and len(set(c.modifiers)) + len(c.foreign) <= 1
    )


_NEXT_TITLE = re.compile(r"[ \t]([A-Z][a-z]+)\b")


def _title_name(text: str, c, rules: TradeRules) -> str | None:
    """A capitalised term followed by a capitalised ordinary word: "Casino Royale", "Casino Baden".

    The next word must be no spam term, sales word or modifier itself ("Casino Online" sells).
    """
    kw = text[c.kw_start : c.kw_end]
    if c.modifiers or c.foreign or c.end != c.kw_end or not kw[:1].isupper() or not kw.istitle():
        return None
    m = _NEXT_TITLE.match(text, c.kw_end)
    if m is None:
        return None
    from ..lexicon import load_lexicon

    word = m.group(1).lower()
    lex = load_lexicon()
    if lex.lookup(word) is not None or word in lex.modifiers or word in rules.sales or word in rules.topic:
        return None
    return f"{kw} {m.group(1)}"


def _host_label(url: str, term: str) -> bool:
    """Whether ``url``'s host has ``term`` as one whole label ("casino.rbcas.com")."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return False
    return term in host.split(".")


def _written_as_name(text: str, term: str) -> bool:
    """Whether the page writes ``term`` somewhere in mixed case, as a product name ("CASino")."""
    low = text.lower()
    pos = low.find(term)
    while pos >= 0:
        if _mixed_case(text[pos : pos + len(term)]):
            return True
        pos = low.find(term, pos + 1)
    return False


def _mixed_case(word: str) -> bool:
    """A cased word that is neither lower case, upper case nor capitalised: "CASino", "PayPal"."""
    return (
        word.isalpha()
        and any(ch.isupper() for ch in word)
        and any(ch.islower() for ch in word)
        and not word.istitle()
    )
