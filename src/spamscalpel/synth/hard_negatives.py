"""Hard-negative genres, written for this project: pages that name spam drugs for honest reasons.

A context model trained only on leaflets and everyday prose learns that "buy X online", "cheap X"
or a lower-case brand in a joke mean spam. Real pages say these things legitimately, so the
generator also writes, from templates with slot fillers:

- ``legal_sales``: news and trade pieces on lawful sales (over-the-counter switches, makers or
  licensed pharmacies selling online, price cuts, coupons, insurance cover, shortages);
- ``humour``: humour, satire and personal blog posts that mention lifestyle drugs in passing;
- ``spam_complaint``: posts and consumer warnings that quote spam phrases in quotation marks;
- ``rotation_leaflet``: leaflets and legal articles that alternate brand and generic names.

Each rendered passage has a stable id (its slot fillers depend on the id only), so the train/test
split of source texts stays fixed. ``legal_sales`` and ``rotation_leaflet`` are medical sources;
``humour`` and ``spam_complaint`` are everyday ("other") sources.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

from .medical import AGENCIES, CITIES, DRUGS, FIRST_NAMES, Drug

# Drugs that spammers push and that jokes, complaints and lifestyle news are about.
LIFESTYLE = ("Viagra", "Cialis", "Levitra", "Propecia", "Priligy", "Addyi", "Xanax", "Ambien", "Ultram")
# Single-word generics only: the rotation genre alternates one brand with one generic name.
_SIMPLE = tuple(d for d in DRUGS if " " not in d.generic)

_MONTHS = ("January", "March", "April", "June", "August", "September", "October", "November")
_OUTLETS = (
    "Pharmacy Trade Weekly",
    "the Chemist Review",
    "Retail Health News",
    "the Dispensary Journal",
    "Health Business Daily",
)
_MAKERS = ("Pfizer", "Lilly", "Bayer", "Teva", "Sandoz", "Viatris", "Sun Pharma", "GSK")
_CHAINS = ("Boots", "Walgreens", "CVS", "Shoppers Drug Mart", "Lloyds Pharmacy", "Chemist Warehouse")
_OFFICIALS = (
    "a spokesperson",
    "the chief pharmacist",
    "the regulator's medical director",
    "a company vice president",
)
_INSURERS = (
    "Medicare Part D plans",
    "the national health service",
    "several large insurers",
    "state Medicaid programmes",
)


def _pick(r: random.Random, seq):
    return seq[r.randrange(len(seq))]


def _date(r: random.Random) -> str:
    return f"{r.randint(1, 28)} {_pick(r, _MONTHS)} {r.randint(2008, 2025)}"


# --- 1. news and trade pieces on legal sales --------------------------------------------------


def _otc_switch(d: Drug, r: random.Random) -> str:
    agency, official = _pick(r, AGENCIES), _pick(r, _OFFICIALS)
    return (
        f"{_date(r)}. {d.generic.capitalize()} tablets are now available without a prescription after "
        f"{agency} agreed to reclassify the medicine. Adults can buy {d.brand} or generic "
        f'{d.generic} from a pharmacy counter once they have answered a short consultation. "This switch '
        f'means patients no longer need an appointment just to get a repeat of {d.brand}," {official} told '
        f"{_pick(r, _OUTLETS)}. Pharmacists must still refuse a sale to anyone taking {d.interaction}."
    )


def _maker_online(d: Drug, r: random.Random) -> str:
    maker, year = _pick(r, _MAKERS), r.randint(2012, 2025)
    return (
        f"In {year} {maker} began selling {d.brand} directly to patients through its own website, a first "
        f"for the company. Men and women can now buy {d.brand} online after a video consultation with a "
        f"licensed doctor, and the tablets arrive from a registered pharmacy. The company said the move was "
        f"meant to steer people away from counterfeit {d.generic} sold by unlicensed sites. Critics "
        f"questioned whether a brief online questionnaire is enough to screen for {d.side_effects[-1]}."
    )


def _price_cut(d: Drug, r: random.Random) -> str:
    chain = _pick(r, _CHAINS)
    old, new = r.randint(30, 90), r.randint(3, 25)
    return (
        f"Generic {d.generic} costs far less than it did a year ago. {chain} cut the price of a month's "
        f"supply from ${old} to ${new} on {_date(r)}, and other chains followed within weeks. Analysts at "
        f"{_pick(r, _OUTLETS)} said cheap {d.generic} was good news for patients paying out of pocket, but "
        f"warned that thin margins could push smaller makers of {d.brand} copies out of the market."
    )


def _coupon(d: Drug, r: random.Random) -> str:
    pct = r.choice((20, 30, 40, 50, 75))
    return (
        f"Can a coupon lower what you pay for {d.brand}? Often, yes. The manufacturer offers a savings card "
        f"that takes up to {pct}% off the cash price, and pharmacy discount programmes list generic "
        f"{d.generic} for a few dollars a month. Coupons cannot be combined with government insurance in "
        f"some countries, so ask the pharmacist which option is cheaper before you pay for {d.generic}."
    )


def _insurance(d: Drug, r: random.Random) -> str:
    insurer, year = _pick(r, _INSURERS), r.randint(2010, 2025)
    return (
        f"Coverage news, {year}: {insurer} will pay for {d.generic} for {d.use} from next quarter, "
        f"reversing an earlier decision. Patients who have been buying {d.brand} at full price should ask "
        f'their doctor for a new prescription so that the pharmacy can bill the plan. "We reviewed the '
        f'evidence on {d.generic} again and the benefit is clear," {_pick(r, _OFFICIALS)} said.'
    )


def _shortage(d: Drug, r: random.Random) -> str:
    agency, weeks = _pick(r, AGENCIES), r.randint(3, 20)
    return (
        f"Supply alert. {agency.capitalize() if agency.startswith('the') else agency} has listed {d.brand} "
        f"({d.generic}) as in short supply for about {weeks} weeks because of a manufacturing delay. "
        f"Pharmacies in {_pick(r, CITIES)} report that some strengths of {d.generic} are available only "
        f"as imported stock. Patients should not buy {d.brand} from unfamiliar websites during the "
        f"shortage; a pharmacist can suggest an alternative to discuss with the prescriber."
    )


def _telehealth(d: Drug, r: random.Random) -> str:
    return (
        f"Licensed online pharmacies now handle a large share of repeat prescriptions for {d.generic}. "
        f"A patient fills in a medical form, a prescriber reviews it, and {d.brand} or its generic is "
        f"posted in plain packaging. {_pick(r, _CHAINS)} said orders for {d.generic} online rose by "
        f"{r.randint(10, 60)}% last year. Regulators remind buyers to check that a site displays its "
        f"registration number before ordering any prescription medicine."
    )


def _otc_advice(d: Drug, r: random.Random) -> str:
    months = r.choice(("three", "six", "twelve"))
    return (
        f"Counter training, {_pick(r, _OUTLETS)}. Since {d.generic} became available OTC, staff should ask "
        f"every customer the screening questions before a sale. Anyone buying {d.generic} OTC for the first "
        f"time should be told to see their doctor within {months} months. Refer customers who report "
        f"{d.side_effects[-1]} or who take {d.interaction}, and record each {d.brand} sale in the log."
    )


def _headline(d: Drug, r: random.Random) -> str:
    head = _pick(
        r,
        (
            f"Patients can now order {d.brand} online, and it is the genuine article",
            f"You can now buy {d.brand} online legally: what changes",
            f"{d.brand} goes on sale online from its own maker",
            f"Cheaper {d.generic}: pharmacies slash prices",
        ),
    )
    return (
        f"{head}\n{_date(r)}, {_pick(r, CITIES)}. {d.brand} tablets are now being sold online by a "
        f"licensed pharmacy partner of {_pick(r, _MAKERS)}, after a short health questionnaire. "
        f'"People were going to buy {d.generic} online anyway; now they get the real thing," '
        f"{_pick(r, _OFFICIALS)} said. Doctors' groups asked for clear advice on {d.side_effects[0]}."
    )


LEGAL_SALES: dict[str, Callable[[Drug, random.Random], str]] = {
    "otc_advice": _otc_advice,
    "headline": _headline,
    "otc_switch": _otc_switch,
    "maker_online": _maker_online,
    "price_cut": _price_cut,
    "coupon": _coupon,
    "insurance": _insurance,
    "shortage": _shortage,
    "telehealth": _telehealth,
}


# --- 2. humour, satire and personal blogs ------------------------------------------------------

_HUMOUR = (
    "My uncle turned seventy this year and announced at dinner that his secret to a long life was "
    "{low} and crossword puzzles, in that order. My aunt said the crosswords were doing most of the "
    "work. Nobody has looked at the crossword page the same way since.",
    "Satire: the {town} council has voted to add {brand} to the water supply after complaints that "
    "the town had 'lost its get-up-and-go'. Officials promised a full review in nine months, and "
    "the maternity ward has asked for more staff.",
    "Dear diary, day three of the diet. I dreamt about cheese. {name} says I am grumpier than a man "
    "whose {low} has run out on a Saturday night. I said that was unkind. She said it was accurate.",
    "Our pub quiz team is called '{brand} Falls' because, as {name} puts it, we never rise to the "
    "occasion. We came fourth again on Thursday, one point behind the retired teachers.",
    "Stand-up notes: I'm at the age where the doctor asks about {low} and I ask about the parking. "
    "Both of us are disappointed with the answers. At least the parking ticket lasts four hours.",
    "Why did the pharmacist refuse to tell the {brand} joke? Because it took too long to get up to "
    "the punchline. {name} groaned so loudly that the whole carriage turned round.",
    "I asked my grandfather what changed most in his lifetime. He said television, the moon landing "
    "and {low}, and he would not say which one he watched most. Grandma just rolled her eyes.",
    "A limerick from the staff newsletter: there once was a clerk from {town}, whose spirits were "
    "terribly down; a pill called {brand} made him gleeful and brave, and he now wears a paper crown.",
)


def _humour(i: int, r: random.Random) -> str:
    brand = _pick(r, LIFESTYLE)
    low = brand.lower() if r.random() < 0.5 else brand
    return _HUMOUR[i].format(brand=brand, low=low, name=_pick(r, FIRST_NAMES), town=_pick(r, CITIES))


# --- 3. complaints and advice about spam --------------------------------------------------------

_COMPLAINTS = (
    "Another morning, another two hundred comments in the moderation queue. Every one says something "
    'like "{q1}" or "{q2}" with a link to a site registered last week. I have turned on the spam '
    "filter again; if your real comment vanished, email me and I will rescue it.",
    'Consumer warning from {agency}: emails promising "{q1}" are a scam. Typical messages also offer '
    '"{q2}" and claim to ship from {city}. Do not click the links, do not reply, and report the '
    "message as junk.",
    'Blog housekeeping: comments are closed on old posts because spammers kept leaving "{q1}" under '
    'my knitting patterns. One of them even wrote "{q2}" in the name field. Knitting has never been '
    "that exciting.",
    'How to spot a fake pharmacy email. Watch for subject lines such as "{q1}", "{q2}" or "{q3}"; '
    "bad grammar; prices far below a real pharmacy; and no address or pharmacist registration. A real "
    "pharmacy will never send you offers like these.",
    '{name} writes: my elderly father keeps getting texts saying "{q1}". What should he do? Answer: '
    "block the number, never buy from it, and talk to his own doctor if he needs {brand}. These "
    "messages are spam and the pills they sell are often fake.",
    'The forum moderators removed a wave of posts from new accounts that said nothing but "{q1}" and '
    '"{q3}". Accounts that post links in their first message will now be held for review.',
)
_SPAM_QUOTES = (
    "cheap {low} online",
    "buy {low} no prescription",
    "{low} without prescription",
    "generic {low} 100mg",
    "order {brand} now",
    "best price {low}",
    "{low} online pharmacy",
    "discount {brand} pills",
    "buy {low} online canada",
    "payday loans fast",
    "online casino bonus",
    "replica watches",
)


# Composed rants: an opener, sentences that name the drug unquoted and in lower case (the way
# people grumble about it), and a closer, so that the context words vary from post to post.
_RANT_OPEN = (
    "Spam report for this week.",
    "Sorry for the silence, I have been fighting the bots.",
    "Site news: the comment filter is working overtime.",
    "A small moan before the weekend.",
    "Admin note for regular readers.",
    "Well, that was a fun morning in the inbox.",
)
_RANT_MIDDLE = (
    "Somebody keeps trying to sell {low} in my guestbook.",
    "The {low} bots found the contact form again.",
    "Half the new sign-ups are {low} shops with made-up names.",
    "One of them is not even a proper {low} seller, just a page of links.",
    "The {low} people seem to think a gardening blog is their market.",
    "I deleted forty posts advertising {low} and {low2} before breakfast.",
    "Yes, {brand} spam has reached my little corner of the web.",
    "Apparently my readers urgently need {low}, according to a robot.",
    "The latest batch calls itself a {q1} site, which is at least honest.",
    "The subject line was {q1}, naturally.",
)
_RANT_CLOSE = (
    "Real comments are welcome as always.",
    "Back to the vegetable patch tomorrow.",
    "If your comment went missing, it was probably caught by mistake; tell me.",
    "I am flattered, in a way. Mostly annoyed.",
    "Moderation is on until they get bored.",
)
_QUOTE_MARKS = (('"', '"'), ("\u201c", "\u201d"), ("'", "'"))


def _rant(r: random.Random) -> str:
    brand = _pick(r, LIFESTYLE)
    low, low2 = brand.lower(), _pick(r, LIFESTYLE).lower()
    lq, rq = _pick(r, _QUOTE_MARKS)
    q1 = lq + _pick(r, _SPAM_QUOTES).format(brand=brand, low=low) + rq
    middle = r.sample(_RANT_MIDDLE, r.randint(2, 4))
    parts = [_pick(r, _RANT_OPEN)] + [m.format(low=low, low2=low2, brand=brand, q1=q1) for m in middle]
    return " ".join(parts + [_pick(r, _RANT_CLOSE)])


def _complaint(i: int, r: random.Random) -> str:
    brand = _pick(r, LIFESTYLE)
    low = brand.lower()
    q1, q2, q3 = (q.format(brand=brand, low=low) for q in r.sample(_SPAM_QUOTES, 3))
    lq, rq = _pick(r, _QUOTE_MARKS)
    if (lq, rq) != ('"', '"'):
        q1, q2, q3 = (q.replace('"', "") for q in (q1, q2, q3))
        return (
            _COMPLAINTS[i]
            .replace('\\"', "")
            .replace('"{q', lq + "{q")
            .replace('}"', "}" + rq)
            .format(
                q1=q1,
                q2=q2,
                q3=q3,
                brand=brand,
                name=_pick(r, FIRST_NAMES),
                agency=_pick(r, AGENCIES),
                city=_pick(r, CITIES),
            )
        )
    return _COMPLAINTS[i].format(
        q1=q1,
        q2=q2,
        q3=q3,
        brand=brand,
        name=_pick(r, FIRST_NAMES),
        agency=_pick(r, AGENCIES),
        city=_pick(r, CITIES),
    )


# --- 4. legitimate brand/generic rotation ---------------------------------------------------------


def _rotation_leaflet(d: Drug, r: random.Random) -> str:
    se = d.side_effects
    return (
        f"{d.brand} ({d.generic}) tablets. {d.generic.capitalize()}, sold as {d.brand}, is a "
        f"{d.drug_class} used for {d.use}. Take {d.brand} exactly as prescribed; the usual dose of "
        f"{d.generic} is {d.dose}. Stop {d.brand} and call your doctor if you notice {se[-1]}. "
        f"{d.generic.capitalize()} may also cause {se[0]}. Store {d.brand} below 25 degrees and keep "
        f"{d.generic} out of the reach of children."
    )


def _rotation_legal(d: Drug, r: random.Random) -> str:
    year = r.randint(2004, 2024)
    return (
        f"Product liability. In {year} a jury in {_pick(r, CITIES)} heard claims that {d.brand} caused "
        f"{d.side_effects[-1]}. The plaintiff had taken {d.generic} for several years. Lawyers for the "
        f"maker of {d.brand} argued that the label for {d.generic} warned of the risk, while the "
        f"plaintiff said that generic {d.generic} labels lagged behind the {d.brand} label. Cases about "
        f"{d.brand} and generic {d.generic} raise the question of who must update a warning."
    )


def _rotation_compare(d: Drug, r: random.Random) -> str:
    return (
        f"Brand or generic? {d.brand} and generic {d.generic} contain the same active ingredient in the "
        f"same strength. Some patients notice that generic {d.generic} tablets look different from "
        f"{d.brand}; the shape and colour may change, but the medicine does not. If you switch from "
        f"{d.brand} to {d.generic}, tell your pharmacist about any new {d.side_effects[0]}."
    )


ROTATION: dict[str, Callable[[Drug, random.Random], str]] = {
    "leaflet": _rotation_leaflet,
    "legal": _rotation_legal,
    "compare": _rotation_compare,
}


def _rng(pid: str) -> random.Random:
    # Slot fillers depend on the passage id only, so the pool (and the source split) is fixed.
    return random.Random(int(hashlib.sha256(pid.encode()).hexdigest()[:12], 16))


def hard_negative_passages() -> list[tuple[str, str, str]]:
    """All hard-negative passages as ``(id, kind, text)``; kind is "medical" or "other"."""
    out: list[tuple[str, str, str]] = []
    for name, fn in LEGAL_SALES.items():
        for d in _SIMPLE:
            pid = f"hn:legal_sales:{name}:{d.generic}"
            # Sales news is mostly about lifestyle drugs; for the rest keep about one in three, so
            # that honest sales talk does not outweigh injected brand/generic rotation in training.
            if d.brand not in LIFESTYLE and int(hashlib.sha256(pid.encode()).hexdigest()[:4], 16) % 3:
                continue
            out.append((pid, "medical", fn(d, _rng(pid))))
    for name, fn in ROTATION.items():
        for d in _SIMPLE:
            pid = f"hn:rotation:{name}:{d.generic}"
            out.append((pid, "medical", fn(d, _rng(pid))))
    # Several renderings per joke and complaint template, each with its own drug and names.
    for i in range(len(_HUMOUR)):
        for k in range(6):
            pid = f"hn:humour:{i}:{k}"
            out.append((pid, "other", _humour(i, _rng(pid))))
    for i in range(len(_COMPLAINTS)):
        for k in range(8):
            pid = f"hn:spam_complaint:{i}:{k}"
            out.append((pid, "other", _complaint(i, _rng(pid))))
    for k in range(60):
        pid = f"hn:spam_complaint:rant:{k}"
        out.append((pid, "other", _rant(_rng(pid))))
    return out
