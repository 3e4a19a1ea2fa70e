"""Synthetic documents with injected spam and exact gold offsets, deterministic by seed.

Injections copy what real injectors do (see ../shared/specimen and realworld-dev): anchors
inserted between words or inside a word, a noun phrase or adjective replaced by a drug keyword,
brand/generic rotation across a page, bare drug names, URLs, appended link lists, spun text
blocks, hidden HTML blocks, foreign-language anchors and obfuscated spellings. Spam pages are
doorways, keyword lists and comment-spam dumps. Clean documents come from clean sources only.
"""

from __future__ import annotations

import html
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..types import Document
from .medical import DRUGS
from .sources import Source, load_sources

KINDS: tuple[str, ...] = ("injected", "spam_page", "clean_medical", "clean_other")
DEFAULT_MIX: dict[str, float] = {
    "injected": 0.45,
    "spam_page": 0.15,
    "clean_medical": 0.2,
    "clean_other": 0.2,
}
SPAM_CATEGORIES: tuple[str, ...] = ("pharma", "gambling", "loans", "replica", "essay", "adult")
_CATEGORY_WEIGHTS = (0.58, 0.1, 0.09, 0.08, 0.08, 0.07)


@dataclass(frozen=True, slots=True)
class Example:
    """One synthetic document with its gold spans ``(start, end, category)``, half-open, into ``text``."""

    id: str
    text: str
    kind: str
    spans: tuple[tuple[int, int, str], ...] = ()
    format: str = "text"
    # What each gold span was meant to contain, recorded when it was inserted (tests compare it with
    # text[start:end]), and the ids of the clean sources used (tests check train/test disjointness).
    span_texts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    techniques: tuple[str, ...] = ()

    def to_document(self) -> Document:
        """The example as an ``analyze`` input."""
        return Document(id=self.id, text=self.text, format=self.format)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, shaped like realworld-dev.jsonl records."""
        return {
            "id": self.id,
            "kind": self.kind,
            "format": self.format,
            "text": self.text,
            "spans": [
                {"start": s, "end": e, "category": c, "text": self.text[s:e]} for s, e, c in self.spans
            ],
            "sources": list(self.sources),
            "techniques": list(self.techniques),
        }


# --- term lists (fallback; extended from spamscalpel.lexicon when it is available) ------------


@dataclass(frozen=True, slots=True)
class Terms:
    """Vocabularies the generator draws from."""

    drug_pairs: tuple[tuple[str, str], ...]  # (brand, generic) for rotation
    spam_drugs: tuple[str, ...]  # spammer favourites without a generic pair
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # non-pharma anchors by category
    origin: str = "builtin"
    # Sales phrases mined from real spam mails, by category (sources.load_phrases); may be empty.
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)


_FALLBACK_SPAM_DRUGS = (
    "kamagra",
    "cenforce",
    "vidalista",
    "tadacip",
    "suhagra",
    "silagra",
    "fildena",
    "malegra",
    "zenegra",
    "caverta",
    "apcalis",
    "tadalis",
    "eriacta",
    "filitra",
    "snovitra",
    "avana",
    "modafinil",
    "armodafinil",
    "phentermine",
    "adipex",
    "xenical",
    "clomid",
    "nolvadex",
)
_FALLBACK_KEYWORDS: dict[str, tuple[str, ...]] = {
    "gambling": (
        "online casino",
        "casino bonus",
        "slot gacor",
        "judi slot online",
        "free spins no deposit",
        "best online casino",
        "poker online",
        "roulette online",
        "sports betting tips",
        "situs slot",
        "casino en ligne",
        "online casino echtgeld",
        "live casino",
        "baccarat online",
        "togel online",
    ),
    "loans": (
        "payday loans",
        "payday loans online",
        "no fax payday loans",
        "cash advance",
        "instant payday loan",
        "quick loans no credit check",
        "bad credit loans",
        "title loans",
        "fast cash loans",
        "same day loans",
    ),
    "replica": (
        "replica watches",
        "rolex replica",
        "fake rolex",
        "replica handbags",
        "louis vuitton replica",
        "cheap ugg boots",
        "michael kors outlet",
        "swiss replica watches",
        "replica designer bags",
    ),
    "essay": (
        "buy essay online",
        "write my essay",
        "essay writing service",
        "cheap essay writers",
        "custom term papers",
        "pay someone to do my homework",
        "buy dissertation",
        "essay help online",
    ),
    "adult": (
        "free porn",
        "xxx videos",
        "live sex cams",
        "hot webcam girls",
        "adult dating",
        "escort service",
        "porn tube",
        "sex chat",
    ),
}


def default_terms(use_lexicon: bool = True, mined: bool = True, data_dir=None) -> Terms:
    """Builtin term lists, extended from ``spamscalpel.lexicon`` when it loads.

    With ``mined``, the sales phrases mined from the SpamAssassin spam mails (built by
    ``python -m spamscalpel.synth.sources build``) are added when they are present.
    """
    pairs = tuple((d.brand.lower(), d.generic) for d in DRUGS if " " not in d.generic)
    pairs += (("kamagra", "sildenafil"), ("zithromax", "azithromycin"), ("ultram", "tramadol"))
    spam = _FALLBACK_SPAM_DRUGS
    keywords = dict(_FALLBACK_KEYWORDS)
    origin = "builtin"
    if use_lexicon:
        try:
            from ..lexicon import load_lexicon

            lx = load_lexicon()
            extra = sorted(
                k for k, t in lx.terms.items() if t.kind == "spam_drug" and re.fullmatch(r"[a-z]{5,}", k)
            )
            spam = tuple(dict.fromkeys(spam + tuple(extra)))
            for cat in keywords:
                # A lone ambiguous word ("replica", "poker") is a weak injection; real injectors
                # use it, but the gold label would then be arguable, so keep only strong ones.
                more = sorted(
                    k
                    for k, t in lx.terms.items()
                    if t.category == cat
                    and t.kind == "keyword"
                    and re.fullmatch(r"[\w ]{3,}", k)
                    and (" " in k or t.strength >= 0.5)
                )
                keywords[cat] = tuple(dict.fromkeys(keywords[cat] + tuple(more)))
            origin = f"lexicon {lx.version}"
        except Exception:  # noqa: BLE001 - the lexicon is optional here; fall back to builtin lists
            pass
    phrases: dict[str, tuple[str, ...]] = {}
    if mined:
        from .sources import load_phrases

        phrases = {k: v for k, v in load_phrases(data_dir).items() if k in SPAM_CATEGORIES and v}
        if phrases:
            origin += f" + {sum(map(len, phrases.values()))} mined phrases"
    return Terms(pairs, spam, keywords, origin, phrases)


# --- anchor making ----------------------------------------------------------------------------

_DOSES = ("5mg", "10 mg", "20mg", "20 mg", "40mg", "50 mg", "100mg", "100 mg", "200 mg", "500mg")
_COUNTRIES = ("india", "canada", "usa", "uk", "australia", "mexico", "europe", "from canada", "nz")
_PHARMA_PATTERNS = (
    "buy {d} online",
    "{d} online",
    "{d} pills",
    "cheap {d}",
    "generic {d}",
    "{d} without prescription",
    "{d} no prescription",
    "order {d}",
    "{d} {dose}",
    "{d} {dose} price",
    "buy {d} {country}",
    "{d} {country}",
    "online pharmacy buy {d} with best prices today in the USA",
    "{d} for sale",
    "cheapest {d} {country} Dosage and Prices",
    "{d} over the counter",
    "discount {d}",
    "where to buy {d}",
    "{d} best price",
    "{d} coupon",
    "generic {d} {country}",
    "{d} {dose} order",
    "buy cheap {d}",
    "{d} online pharmacy",
    "{d}",
    "{d}",
    "{d}",
)
_FOREIGN_PATTERNS = (
    "{d} prezzo",
    "{d} kaufen",
    "comprar {d}",
    "acheter {d} en ligne",
    "{d} bestellen ohne rezept",
    "{d} generico",
    "{d} precio",
    "{d} rezeptfrei",
    "acquistare {d}",
    "{d} bez recepty",
    "{d} günstig",
)
# Forms of one drug on a rotated page; bare names are the commonest, as in the specimen.
_ROTATION_PATTERNS = (
    "{d}",
    "{d}",
    "{d}",
    "{d} pills",
    "buy {d} online",
    "{d} online",
    "{d} tablets",
    "generic {d}",
)
_URL_PATTERNS = (
    "buy {d} online {url} no prescription pharmacy",
    "{d} {url}",
    "{url} buy {d} online",
)
_DOMAIN_WORDS = (
    "rx",
    "meds",
    "pill",
    "pharma",
    "health",
    "care",
    "direct",
    "shop",
    "store",
    "best",
    "cheap",
    "online",
)
_TLDS = ("com", "net", "org", "biz", "info", "ru", "top", "xyz", "life")
_CYRILLIC = {"a": "а", "o": "о", "e": "е", "c": "с", "p": "р", "i": "і", "x": "х", "y": "у"}
_LEET = {"i": "1", "a": "@", "o": "0", "e": "3", "s": "$"}


def _domain(r: random.Random, word: str = "") -> str:
    parts = r.sample(_DOMAIN_WORDS, 2)
    if word and r.random() < 0.5:
        parts.insert(r.randrange(3), re.sub(r"[^a-z0-9]", "", word.lower()))
    return "".join(parts) + str(r.randint(1, 99) if r.random() < 0.3 else "") + "." + r.choice(_TLDS)


def _url(r: random.Random, word: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", word.lower()).strip("-") or "item"
    dom = _domain(r, word)
    choice = r.randrange(4)
    if choice == 0:
        return f"www.{dom}/wp-content/uploads/20{r.randint(15, 25)}/0{r.randint(1, 9)}/{slug}.html"
    if choice == 1:
        return f"https://{dom}/buy-{slug}-online/"
    if choice == 2:
        return f"http://{dom}/#{''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(5))}"
    return dom


def _obfuscate(word: str, r: random.Random) -> str:
    how = r.randrange(4)
    if how == 0:  # leetspeak: one or two letters
        chars = list(word)
        idx = [i for i, c in enumerate(chars) if c.lower() in _LEET]
        for i in r.sample(idx, min(len(idx), r.randint(1, 2))):
            chars[i] = _LEET[chars[i].lower()]
        return "".join(chars)
    if how == 1:
        return " ".join(word)
    if how == 2:
        return r.choice((".", "-", "*")).join(word)
    chars = list(word)
    idx = [i for i, c in enumerate(chars) if c.lower() in _CYRILLIC]
    for i in r.sample(idx, min(len(idx), r.randint(1, 3))):
        chars[i] = _CYRILLIC[chars[i].lower()]
    return "".join(chars)


# Share of anchors drawn from the mined phrases when a category has them: (other trades, pharma).
# Pharma's mined pool is small and almost all Viagra, so it gets less.
_MINED_SHARE = (0.2, 0.1)


class _DocPlan:
    """Per-document choices that keep a page consistent: one category, one rotated drug pair."""

    def __init__(self, r: random.Random, terms: Terms, carrier_drugs: Sequence[tuple[str, str]]):
        self.r = r
        self.terms = terms
        self.category = r.choices(SPAM_CATEGORIES, _CATEGORY_WEIGHTS)[0]
        # On-topic drugs (named in the carrier itself) are the hardest case: the same word is
        # legitimate one sentence earlier.
        if carrier_drugs and r.random() < 0.5:
            self.pair = r.choice(list(carrier_drugs))
        elif r.random() < 0.25:
            name = r.choice(terms.spam_drugs)
            self.pair = (name, name)
        else:
            self.pair = r.choice(terms.drug_pairs)
        self.obfuscate = r.random() < 0.15
        self.foreign = r.random() < 0.12
        # Injected rotation (the specimen): one drug family pushed through brand, generic and
        # modifier forms, often bare, replacing noun phrases of an unrelated article.
        # Only off-topic pairs: rotation into a leaflet on the same drug is not the pattern.
        self.rotation = (
            self.category == "pharma"
            and self.pair[0] != self.pair[1]
            and self.pair not in carrier_drugs
            and r.random() < 0.45
        )
        self._turn = r.randrange(2)

    def drug(self) -> str:
        """Brand and generic rotate across the page (reglan / metoclopramide / reglan online ...)."""
        if self.rotation:  # strict alternation, so every rotated page shows both names
            self._turn ^= 1
            name = self.pair[self._turn]
        else:
            name = self.r.choice(self.pair)
        if self.r.random() < 0.15:
            name = name.capitalize()
        return name

    def anchor(self, category: str | None = None, url: bool | None = None) -> tuple[str, str, str]:
        """(anchor text, category, technique)."""
        r = self.r
        if self.rotation and category is None:
            d = self.drug()
            pat = r.choice(_ROTATION_PATTERNS)
            if url:
                return f"{d} {_url(r, d)}", "pharma", "url"
            return pat.format(d=d), "pharma", "bare" if pat == "{d}" else "rotation"
        cat = category or (
            self.category if r.random() < 0.85 else r.choices(SPAM_CATEGORIES, _CATEGORY_WEIGHTS)[0]
        )
        mined = self.terms.phrases.get(cat)
        # Real spam phrasing ("FREE CASINO", "Lowest Viagra"), as often as the pool allows.
        if mined and r.random() < _MINED_SHARE[cat == "pharma"]:
            text = r.choice(mined)
            if url or (url is None and r.random() < 0.12):
                return f"{text} {_url(r, text)}", cat, "mined_url"
            return text, cat, "mined"
        if cat != "pharma":
            kw = r.choice(self.terms.keywords[cat])
            if url or (url is None and r.random() < 0.15):
                return f"{kw} {_url(r, kw)}", cat, "keyword_url"
            return kw, cat, "keyword"
        d = self.drug()
        technique = "anchor"
        if self.obfuscate and r.random() < 0.7:
            d = _obfuscate(d, r)
            technique = "obfuscated"
        if url or (url is None and r.random() < 0.12):
            pat, technique = r.choice(_URL_PATTERNS), "url"
        elif self.foreign and r.random() < 0.7:
            pat, technique = r.choice(_FOREIGN_PATTERNS), "foreign"
        else:
            pat = r.choice(_PHARMA_PATTERNS)
            if pat == "{d}":
                technique = "bare" if technique == "anchor" else technique
        text = pat.format(d=d, dose=r.choice(_DOSES), country=r.choice(_COUNTRIES), url="{url}")
        if "{url}" in text:
            text = text.replace("{url}", _url(r, d))
        return text, "pharma", technique


# --- edits over a carrier text ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int  # range of the carrier replaced (start == end for an insertion)
    end: int
    replacement: str
    gold: tuple[tuple[int, int, str], ...]  # spans relative to ``replacement``
    technique: str


_STOP = frozenset(
    "the and that this with from have been were they their there which when what will would could should "
    "about into than then them these those also only very more most such some many much other over".split()
)
_DETERMINERS = frozenset("the a an this its their his her our your".split())
_WORD = re.compile(r"(?<![&#\w])[A-Za-z]{4,}(?![;\w])")


def _apply(text: str, edits: list[_Edit]) -> tuple[str, list[tuple[int, int, str, str]], list[str]]:
    """Apply non-overlapping edits; return the new text, absolute gold spans (with text) and techniques."""
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    spans: list[tuple[int, int, str, str]] = []
    pos = 0
    length = 0
    for ed in edits:
        chunk = text[pos : ed.start]
        out.append(chunk)
        length += len(chunk)
        for s, e, cat in ed.gold:
            spans.append((length + s, length + e, cat, ed.replacement[s:e]))
        out.append(ed.replacement)
        length += len(ed.replacement)
        pos = ed.end
    out.append(text[pos:])
    return "".join(out), spans, [e.technique for e in edits]


def _free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end + 1 < s or start > e + 1 for s, e in taken)


def _words(text: str) -> list[re.Match[str]]:
    return [m for m in _WORD.finditer(text) if m.group().lower() not in _STOP]


def _spun_block(plan: _DocPlan, filler: Sequence[str]) -> tuple[str, list[tuple[int, int, str]]]:
    """A block of spun sentences carrying several anchors mid-clause; gold is the whole block."""
    r = plan.r
    sents: list[str] = []
    sentences = [x for t in filler for x in re.split(r"(?<=[.!?]) ", t) if len(x.split()) >= 6]
    if not sentences:  # no prose to spin: a run of anchors is still a block
        sentences = [" ".join(plan.anchor()[0] for _ in range(6))]
    for _ in range(r.randint(2, 4)):
        words = r.choice(sentences).rstrip(".!?").split()
        cut = r.randint(1, len(words) - 1)
        anchor, _, _ = plan.anchor(category=plan.category)
        sents.append(" ".join(words[:cut] + [anchor] + words[cut:]) + ".")
    block = " ".join(sents)
    return block, [(0, len(block), plan.category)]


def _link_list(plan: _DocPlan, as_html: bool) -> tuple[str, str]:
    r = plan.r
    items = []
    for _ in range(r.randint(3, 8)):
        anchor, _, _ = plan.anchor(url=False)
        if as_html:
            items.append(f'<a href="{_url(r, anchor)}">{html.escape(anchor, quote=False)}</a>')
        else:
            items.append(anchor if r.random() < 0.6 else f"{anchor} {_url(r, anchor)}")
    sep = r.choice((", ", " | ", " - ", "\n"))
    return sep.join(items), "link_list"


def _plan_edits(text: str, plan: _DocPlan, n: int, as_html: bool, filler: Sequence[str]) -> list[_Edit]:
    r = plan.r
    edits: list[_Edit] = []
    taken: list[tuple[int, int]] = []
    # In HTML, edit only paragraph text: never tag names, attributes or the title.
    body = (
        [(m.start(1), m.end(1)) for m in re.finditer(r"<p>(.*?)</p>", text, re.S)]
        if as_html
        else [(0, len(text))]
    )

    def inside(p: int) -> bool:
        return any(s <= p <= e for s, e in body)

    words = [m for m in _words(text) if inside(m.start()) and inside(m.end())]
    spaces = [m.start() for m in re.finditer(r"(?<=[a-z,]) (?=[a-z])", text) if inside(m.start())]
    ops = ["between", "between", "in_word", "replace", "replace", "replace", "glued", "url", "spun"]
    if as_html:
        ops += ["html_link", "html_link", "hidden"]
    if plan.rotation:  # rotated forms mostly stand in for the article's own noun phrases
        ops = ["replace"] * 5 + ["between", "glued"] + (["html_link"] if as_html else [])
    for _ in range(n):
        op = r.choice(ops)
        for _attempt in range(12):
            if op in ("between", "url", "html_link", "spun") and spaces:
                p = r.choice(spaces)
                if not _free(taken, p, p):
                    continue
                if op == "spun":
                    block, gold = _spun_block(plan, filler)
                    if as_html:
                        block = html.escape(block, quote=False)
                        gold = [(0, len(block), plan.category)]
                    edits.append(
                        _Edit(p, p, " " + block, tuple((s + 1, e + 1, c) for s, e, c in gold), "spun_block")
                    )
                elif op == "html_link":
                    anchor, cat, tech = plan.anchor(url=False)
                    a = html.escape(anchor, quote=False)
                    head = f' <a href="{_url(r, anchor)}">'
                    rep = f"{head}{a}</a>"
                    # Gold is the whole <a> element, as realworld-dev labels injected links: the
                    # link, not just its visible words, is what a cleaner must cut.
                    edits.append(_Edit(p, p, rep, ((1, len(rep), cat),), "html_link"))
                else:
                    anchor, cat, tech = plan.anchor(url=True if op == "url" else None)
                    if as_html:
                        anchor = html.escape(anchor, quote=False)
                    edits.append(_Edit(p, p, " " + anchor, ((1, 1 + len(anchor), cat),), f"between/{tech}"))
                taken.append((p, p))
                break
            if op == "in_word" and words:
                m = r.choice(words)
                if len(m.group()) < 5:
                    continue
                p = m.start() + r.randint(2, len(m.group()) - 2)
                if not _free(taken, p, p):
                    continue
                anchor, cat, tech = plan.anchor()
                if as_html:
                    anchor = html.escape(anchor, quote=False)
                edits.append(_Edit(p, p, f" {anchor} ", ((1, 1 + len(anchor), cat),), f"in_word/{tech}"))
                taken.append((p, p))
                break
            if op == "replace" and words:
                m = r.choice(words)
                s, e = m.start(), m.end()
                # Replace "the disease" as a unit half the time: "the cause of [reglan pills]".
                before = text[max(0, s - 8) : s]
                det = re.search(r"\b([A-Za-z]+) $", before)
                if det and det.group(1).lower() in _DETERMINERS and r.random() < 0.5:
                    s -= len(det.group(0))
                if not _free(taken, s, e):
                    continue
                anchor, cat, tech = plan.anchor(url=False)
                if as_html:
                    anchor = html.escape(anchor, quote=False)
                edits.append(_Edit(s, e, anchor, ((0, len(anchor), cat),), f"replace/{tech}"))
                taken.append((s, e))
                break
            if op == "glued":
                ends = [m.end() for m in re.finditer(r"[.!?](?=\s*\n|\s*$|\s*<)", text) if inside(m.end())]
                if not ends:
                    op = "between"
                    continue
                p = r.choice(ends)
                if not _free(taken, p, p):
                    continue
                anchor, cat, tech = plan.anchor(url=False)
                if as_html:
                    anchor = html.escape(anchor, quote=False)
                lead = r.choice(("", " "))
                edits.append(
                    _Edit(p, p, lead + anchor, ((len(lead), len(lead) + len(anchor), cat),), f"glued/{tech}")
                )
                taken.append((p, p))
                break
            if op == "hidden":
                paras = [m.start() for m in re.finditer(r"<p>", text)]
                if not paras:
                    break
                p = r.choice(paras)
                if not _free(taken, p, p):
                    continue
                inner, _ = _link_list(plan, as_html=True)
                style = r.choice(
                    ("display:none", "visibility:hidden", "position:absolute;left:-9999px", "font-size:0")
                )
                block = f'<div style="{style}">{inner}</div>'
                edits.append(_Edit(p, p, block, ((0, len(block), plan.category),), "hidden_block"))
                taken.append((p, p))
                break
            op = r.choice(("between", "replace"))
    return edits


# --- whole documents ----------------------------------------------------------------------------


def _carrier(
    r: random.Random, pool: Sequence[Source], lo: int = 2, hi: int = 5, max_chars: int = 3000
) -> list[Source]:
    picked: list[Source] = []
    total = 0
    for _ in range(r.randint(lo, hi)):
        s = r.choice(pool)
        if s in picked:
            continue
        if picked and total + len(s.text) > max_chars:
            break
        picked.append(s)
        total += len(s.text)
    return picked


def _as_html(paras: Sequence[str], title: str) -> str:
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras)
    return f"<html><head><title>{html.escape(title)}</title></head><body>\n{body}\n</body></html>"


def _drugs_in(text: str, terms: Terms) -> list[tuple[str, str]]:
    low = text.lower()
    return [p for p in terms.drug_pairs if re.search(rf"\b({re.escape(p[0])}|{re.escape(p[1])})\b", low)]


def _by_trade(r: random.Random, articles: Sequence[Source]) -> Source:
    """A trade first, then one of its articles: each trade gets its share of hard negatives, however
    few articles it has (the English summaries hold 10 times more on drugs than on gambling)."""
    trades = sorted({s.trade for s in articles})
    pick = r.choice(trades)
    return r.choice([s for s in articles if s.trade == pick])


def _injected(
    r: random.Random, doc_id: str, med: Sequence[Source], other: Sequence[Source], terms: Terms
) -> Example:
    use_med = bool(med) and (not other or r.random() < 0.4)
    carrier = _carrier(r, med if use_med else other)
    # Spam also lands on pages that honestly talk about drugs or spam (jokes, complaints): the
    # model must learn the injection, not "a page mentioning viagra is clean".
    genre = [s for s in other if s.origin == "hard_genre" and s not in carrier]
    if not use_med and genre and r.random() < 0.12:
        carrier.insert(r.randint(0, len(carrier)), r.choice(genre))
    # Real articles about a trade (Casino, Loan, Plagiarism): spam for that trade lands on them too,
    # next to the honest mentions, which is the case a word list gets wrong.
    trade_articles = [s for s in other if s.trade and s.trade != "pharma" and s not in carrier]
    if not use_med and trade_articles and r.random() < 0.15:
        carrier.insert(r.randint(0, len(carrier)), _by_trade(r, trade_articles))
    paras = [s.text for s in carrier]
    as_html = r.random() < 0.3
    text = _as_html(paras, paras[0][:40]) if as_html else "\n\n".join(paras)
    plan = _DocPlan(r, terms, _drugs_in(text, terms))
    on_topic = sorted({s.trade for s in carrier if s.trade and s.trade != "pharma"})
    if on_topic and r.random() < 0.5:
        plan.category = r.choice(on_topic)
        plan.rotation = False
    n = r.choices(range(1, 9), (0.22, 0.22, 0.16, 0.12, 0.1, 0.08, 0.05, 0.05))[0]
    if plan.rotation:
        n = max(n, r.randint(3, 6))
    filler = [s.text for s in med] or paras
    edits = _plan_edits(text, plan, n, as_html, filler)
    if not as_html and len(edits) < 8 and r.random() < 0.12:
        lst, _ = _link_list(plan, as_html=False)
        lead = "\n\n"
        edits.append(
            _Edit(
                len(text),
                len(text),
                lead + lst,
                ((len(lead), len(lead) + len(lst), plan.category),),
                "link_list",
            )
        )
    if not edits:  # every injected document carries at least one injection
        anchor, cat, tech = plan.anchor(url=False)
        anchor = html.escape(anchor, quote=False) if as_html else anchor
        edits.append(_Edit(0, 0, anchor + " ", ((0, len(anchor), cat),), f"lead/{tech}"))
    new, spans, techniques = _apply(text, edits)
    return Example(
        id=doc_id,
        text=new,
        kind="injected",
        spans=tuple((s, e, c) for s, e, c, _ in spans),
        format="html" if as_html else "text",
        span_texts=tuple(t for *_, t in spans),
        sources=tuple(s.id for s in carrier),
        techniques=tuple(techniques),
    )


def _spam_page(r: random.Random, doc_id: str, med: Sequence[Source], terms: Terms) -> Example:
    plan = _DocPlan(r, terms, ())
    style = r.choice(("doorway", "doorway", "keyword_list", "comment_spam", "keyword_page"))
    if style == "doorway" and plan.category == "pharma":
        brand, generic = plan.pair
        kw = r.choice(
            (f"buy {generic} online", f"{generic} without prescription", f"{brand} 20mg", f"generic {brand}")
        )
        title = r.choice(
            (f"Buy {brand.capitalize()} Online Without Prescription", f"{kw.title()}: What You Need to Know")
        )
        related = [s.text for s in med if generic in s.text.lower() or brand in s.text.lower()] or [
            s.text for s in med
        ]
        body = [title]
        for t in r.sample(related, min(len(related), r.randint(2, 4))):
            sents = t.split(". ")
            i = r.randrange(len(sents))
            sents.insert(i, f"Many people choose to {kw} because it is fast and discreet")
            body.append(". ".join(sents))
        body.append(
            f"In our pharmacy, you can {kw} with delivery in 5-14 days to {r.choice(_COUNTRIES)}. "
            f"Discreet packaging, lowest prices and no doctor visit needed. Order {brand} today."
        )
        text = "\n\n".join(body)
    elif style == "keyword_list" or (style == "doorway" and plan.category != "pharma"):
        sep = r.choice((" ", "\n", ", "))
        text = sep.join(plan.anchor(url=False)[0] for _ in range(r.randint(6, 30)))
    elif style == "comment_spam":
        rows = []
        for k in range(r.randint(3, 10)):
            a1, a2 = plan.anchor(url=False)[0], plan.anchor(url=False)[0]
            u = _url(r, a1)
            fmt = r.randrange(3)
            if fmt == 0:
                rows.append(
                    f'comment{k}, <a href="http://{_domain(r, a1)}">{a1}</a>, [url=http://{_domain(r, a2)}]{a2}[/url], {u} {a1}, :-)'
                )
            elif fmt == 1:
                rows.append(f"{a1} - {a2} , {u} {a1}")
            else:
                rows.append(f"Great post, thanks! {a1} {u}")
        text = "\n".join(rows)
    else:
        kw = plan.anchor(url=False)[0]
        lines = [kw.title(), f"Looking for {kw}? You are in the right place."]
        for _ in range(r.randint(3, 7)):
            lines.append(
                r.choice(
                    (
                        f"Our {kw} offers are updated every day, and {kw} customers get a bonus.",
                        f"Compare the best {kw} deals and choose {kw} that suits you.",
                        f"Why {kw}? Because {kw} is trusted by thousands of happy clients.",
                        f"Read our guide to {kw} before you sign up for {plan.anchor(url=False)[0]}.",
                    )
                )
            )
        text = " ".join(lines)
    return Example(id=doc_id, text=text, kind="spam_page", techniques=(f"{style}/{plan.category}",))


def _clean(r: random.Random, doc_id: str, kind: str, pool: Sequence[Source]) -> Example:
    carrier = _carrier(r, pool, lo=1 if kind == "clean_medical" else 2, hi=4)
    # The fetched corpora were filtered of spam-list words, so mix in the hand-written hard negatives
    # ("buy tickets online", "the casino in Monte Carlo") at a steady rate.
    builtin = [s for s in pool if s.origin == "builtin" and s not in carrier]
    if kind == "clean_other" and builtin and r.random() < 0.35:
        carrier.insert(r.randint(0, len(carrier)), r.choice(builtin))
    # Jokes and spam complaints (hard_negatives.py) are rare on the web but are exactly the pages a
    # word-shaped model flags, so they get a steady share of clean everyday documents.
    genre = [s for s in pool if s.origin == "hard_genre" and s not in carrier]
    if kind == "clean_other" and genre and r.random() < 0.25:
        carrier.insert(r.randint(0, len(carrier)), r.choice(genre))
    # Real articles that mention a trade honestly (Lottery, Mortgage, Pornography) are each trade's
    # hard negatives; drawn at random they would be rare, so they get a steady share too.
    trade_articles = [s for s in pool if s.trade and s not in carrier]
    if trade_articles and r.random() < 0.3:
        carrier.insert(r.randint(0, len(carrier)), _by_trade(r, trade_articles))
    paras = [s.text for s in carrier]
    as_html = r.random() < 0.2
    text = _as_html(paras, paras[0][:40]) if as_html else "\n\n".join(paras)
    return Example(
        id=doc_id,
        text=text,
        kind=kind,
        format="html" if as_html else "text",
        sources=tuple(s.id for s in carrier),
    )


def generate(
    n_docs: int,
    seed: int,
    sources: Sequence[Source] | None = None,
    kinds: Sequence[str] | dict[str, float] | None = None,
    split: str | None = None,
    terms: Terms | None = None,
) -> list[Example]:
    """``n_docs`` synthetic examples, identical for identical arguments (and sources, terms)."""
    if n_docs < 0:
        raise ValueError(f"n_docs must be >= 0, not {n_docs}")
    if sources is None:
        sources = load_sources(split=split)
    elif split is not None:
        from .sources import split_of

        sources = [s for s in sources if split_of(s.id) == split]
    med = [s for s in sources if s.kind == "medical"]
    other = [s for s in sources if s.kind != "medical"]
    if not med and not other:
        raise ValueError("no clean sources to build documents from")
    mix = (
        dict(DEFAULT_MIX)
        if kinds is None
        else (dict(kinds) if isinstance(kinds, dict) else dict.fromkeys(kinds, 1.0))
    )
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    if "clean_medical" in mix and not med:
        raise ValueError("kind clean_medical needs medical sources")
    if "clean_other" in mix and not other:
        raise ValueError("kind clean_other needs non-medical sources")
    terms = terms or default_terms()
    names, weights = list(mix), [mix[k] for k in mix]
    tag = split or "all"
    out: list[Example] = []
    for i in range(n_docs):
        # One generator per document: example i does not depend on how many came before it.
        r = random.Random(f"spamscalpel-synth:{seed}:{i}")
        # Cycle through kinds first so that small runs still contain every kind.
        kind = names[i % len(names)] if i < len(names) else r.choices(names, weights)[0]
        doc_id = f"syn-{tag}-{seed}-{i:05d}"
        if kind == "injected":
            out.append(_injected(r, doc_id, med, other, terms))
        elif kind == "spam_page":
            out.append(_spam_page(r, doc_id, med, terms))
        else:
            out.append(_clean(r, doc_id, kind, med if kind == "clean_medical" else other))
    return out
