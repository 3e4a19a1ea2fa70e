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
import tomllib
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

from ..types import Evidence
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
            )
        except (KeyError, AttributeError) as exc:
            raise ValueError(f"{path}: bad trade file: {exc}") from exc
        out[rules.trade] = rules
    return out


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    tags: dict[str, list[tuple[str, str]]] = {}
    for rules in load_trades().values():
        for kind, words in (("legit", rules.legit), ("sales", rules.sales)):
            for w in words:
                tags.setdefault(w, []).append((rules.trade, kind))
    auto = ahocorasick.Automaton()
    for w, t in tags.items():
        auto.add_word(w, (w, tuple(t)))
    auto.make_automaton()
    return auto


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
    raw = ctx.view.text
    text = raw.lower()
    if len(text) != len(raw):  # a case fold that changes lengths would move offsets
        text = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in raw)
    found: dict[tuple[str, str], dict[int, list[str]]] = {}
    for end_idx, (word, tags) in _automaton().iter(text):
        start = end_idx - len(word) + 1
        if not _bounded(text, start, end_idx + 1):
            continue
        i = max(0, bisect.bisect_right(ctx.sentence_starts, start) - 1)
        for tag in tags:
            found.setdefault(tag, {}).setdefault(i, []).append(word)
    return found


def fit_topics(ctx: DocContext, scored: list[Scored]) -> list[Scored]:
    """Cap the scores of legitimate mentions of non-pharma trades (see the module docstring)."""
    trades = load_trades()
    if not any(s.candidate.category in trades for s in scored):
        return scored
    words = sentence_words(ctx)
    sent_of = {id(s): ctx.sentence_of(s.candidate.kw_start) for s in scored}
    index = {start: i for i, start in enumerate(ctx.sentence_starts)}
    trade_sents: dict[str, set[int]] = {}
    for s in scored:
        if s.candidate.category in trades:
            trade_sents.setdefault(s.candidate.category, set()).add(index[sent_of[id(s)][0]])
    out: list[Scored] = []
    for s in scored:
        c = s.candidate
        rules = trades.get(c.category)
        if rules is None:
            out.append(s)
            continue
        i = index[sent_of[id(s)][0]]
        legit = words.get((c.category, "legit"), {})
        sales = words.get((c.category, "sales"), {})
        why = _legit_use(c, rules, i, legit, sales, trade_sents.get(c.category, set()), ctx)
        if why is None or s.score <= CAP:
            out.append(s)
        else:
            out.append(Scored(c, CAP, (Evidence("topic_fit", why, -1.0), *s.evidence)))
    return out


def _legit_use(c, rules: TradeRules, i: int, legit, sales, mentions: set[int], ctx: DocContext) -> str | None:
    f = c.features
    kw_raw = ctx.view.text[c.kw_start : c.kw_end]
    if _mixed_case(kw_raw):
        return f"'{kw_raw}' is written as a name (mixed case), not the {rules.trade} word"
    if c.url and _names_own_site(ctx.view.text, c.url, c.term):
        return f"'{c.url}' is the address of '{c.term}' as the page names it (a product name, not the trade)"
    if any(f.get(k) for k in _SELLING) or c.template or f.get("commercial", 0) >= _SALES_PHRASE:
        return None
    if i in sales and i not in legit:  # (a sentence that warns against signing up reports, not sells)
        return None
    kw = ctx.view.text[c.kw_start : c.kw_end].lower()
    if (c.term in rules.ambiguous or kw in rules.ambiguous) and not _co_term(ctx, c, i):
        return f"'{kw}' has its everyday meaning here: no other {rules.trade} word in the sentence"
    n_legit, n_sales = len(legit), len(set(sales) - set(legit))
    if (len(mentions) >= 2 and n_legit >= 2 or n_legit >= 3) and 3 * n_sales <= n_legit:
        sample = sorted({w for ws in legit.values() for w in ws})[:4]
        sells = "nothing" if not n_sales else f"only {n_sales} sentence(s)"
        return (
            f"the page is about {rules.trade} ({n_legit} sentences on it: {', '.join(sample)}) "
            f"and {sells} on the page sells it"
        )
    if i in legit:
        return f"its sentence is about {rules.trade}, not selling it: {', '.join(sorted(set(legit[i]))[:3])}"
    return None


def _co_term(ctx: DocContext, c, i: int) -> bool:
    """Another candidate of the same trade, not itself ambiguous, in the same sentence."""
    start, end = ctx.sentence_starts[i], ctx.sentence_ends[i]
    ambiguous = load_trades()[c.category].ambiguous
    return any(
        o is not c and o.category == c.category and start <= o.kw_start < end and o.term not in ambiguous
        for o in ctx.candidates
    )


def _names_own_site(text: str, url: str, term: str) -> bool:
    """Whether ``url``'s host has ``term`` as a whole label and the page writes it as a mixed-case name."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return False
    if term not in host.split("."):
        return False
    low = text.lower()
    pos = low.find(term)
    while pos >= 0:
        word = text[pos : pos + len(term)]
        if _mixed_case(word):
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
