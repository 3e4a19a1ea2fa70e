"""Pages about a trade keep their mentions; the same pages with an advert pasted in do not.

The fixture pages under ``fixtures/trades/`` were written for these tests: a gambling-harm guide,
loan advice, an article on contract cheating, a guide to spotting fake watches, casino history,
a forum's adult-content policy, a recipe that uses "slot" and "jackpot", news reports on
gambling arrests and harm in Indonesian, Korean, Thai, Spanish, Russian, Vietnamese, Japanese,
Chinese, Turkish and Polish, a German consumer warning about loans, a hotel review with a casino floor, poker strategy, bank
loan rates, a homage watch review, essay-writing tips and a sexual-health page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spamscalpel.analyze import analyze
from spamscalpel.types import Document

FIXTURES = Path(__file__).parent / "fixtures" / "trades"
PAGES = sorted(p.name for p in FIXTURES.glob("*.txt"))


def _page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_about_the_trade_is_clean(name: str) -> None:
    rep = analyze(Document(id=name, text=_page(name)))
    assert rep.verdict == "clean", [(s.text, [e.detail for e in s.evidence][:3]) for s in rep.spans]


_ADVERTS = {
    "gambling_harm.txt": ("gambling", "Daftar sekarang di situs slot gacor hari ini, bonus new member 100%! "),
    "loan_advice.txt": ("loans", "Apply now for instant payday loans online with no credit check and get cash today. "),
    "essay_integrity.txt": ("essay", "Order now: cheap essay writing service, plagiarism-free papers, 24/7 support! "),
    "fake_watches.txt": ("replica", "Buy cheap replica rolex watches online with free shipping, order now! "),
    "de_loans.txt": ("loans", "Jetzt beantragen: Kredit ohne Schufa, sofort aufs Konto! "),
    "pl_gambling.txt": ("gambling", "Zagraj teraz w kasyno online, darmowe spiny i bonus bez depozytu! "),
    "tr_gambling.txt": ("gambling", "Deneme bonusu veren siteler: hemen üye ol, bedava bonus al! "),
    "es_gambling.txt": ("gambling", "Regístrate en el mejor casino online y consigue giros gratis hoy. "),
    "casino_hotel.txt": ("gambling", "Play online casino slots with free spins and a welcome bonus at our site today. "),
}


@pytest.mark.parametrize("name", sorted(_ADVERTS))
def test_an_advert_pasted_into_the_page_is_found(name: str) -> None:
    category, advert = _ADVERTS[name]
    text = _page(name)
    cut = text.index("\n\n", min(200, text.index("\n\n"))) + 2
    doc = text[:cut] + advert + text[cut:]
    rep = analyze(Document(id=name, text=doc))
    assert rep.is_spam
    assert any(sp.category == category and cut <= sp.start < cut + len(advert) for sp in rep.spans)


def test_a_numbered_offer_sells_even_on_a_page_about_gambling() -> None:
    text = _page("gambling_harm.txt") + "\nOur casino pick: 500 free spins and a 200% bonus on your first deposit.\n"
    rep = analyze(Document(id="t", text=text))
    assert rep.is_spam


def test_a_keyword_list_of_games_is_not_a_description() -> None:
    text = _page("casino_hotel.txt")
    cut = text.index("\n\n") + 2
    doc = text[:cut] + "casino roulette blackjack poker slots bingo baccarat " + text[cut:]
    assert analyze(Document(id="t", text=doc)).is_spam


def test_a_title_with_a_trade_word_is_a_name() -> None:
    text = (
        "The first James Bond novel, Casino Royale, was published in 1953. Fleming wrote it in "
        "eight weeks at his house in Jamaica, and it sold out its first printing within a month.\n"
    )
    assert analyze(Document(id="t", text=text)).verdict == "clean"
    sold = text.replace("Casino Royale", "Casino Online")
    assert analyze(Document(id="t", text=sold)).is_spam


def test_games_described_in_spanish_are_not_sold() -> None:
    text = (
        "El póquer es un juego de cartas en el que los jugadores hacen apuestas sobre una puja "
        "inicial, y la suma total de las apuestas se la lleva quien tiene la mejor combinación.\n"
    )
    assert analyze(Document(id="t", text=text)).verdict == "clean"


@pytest.mark.parametrize(
    "text",
    [
        "The hotel has a poker room with twelve tables and a small theatre on the ground floor.",
        "The casino's poker room is open until 4 am, and the blackjack tables close at two. The spa opens "
        "at nine and the pool has a bar. Rooms start at 120 dollars a night.",
        "The studio's first shooter brought online gaming to consoles in 2004, and online gaming has "
        "grown every year since.",
    ],
)
def test_poker_rooms_and_online_gaming_keep_their_everyday_meaning(text: str) -> None:
    rep = analyze(Document(id="x", text=text))
    assert rep.verdict == "clean", [(s.text, [e.detail for e in s.evidence][:3]) for s in rep.spans]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "The museum reopened on Sunday with a new wing for local pottery play virtual casino and a cafe "
            "on the roof. Visitors queued for an hour.",
            "play virtual casino",
        ),
        (
            "Our town hosts the regional poker rooms online championship at the library, the mayor said.",
            "poker rooms online",
        ),
    ],
)
def test_gambling_phrases_pasted_into_prose_are_cut_whole(text: str, phrase: str) -> None:
    rep = analyze(Document(id="x", text=text))
    assert [s.text for s in rep.spans] == [phrase]
    assert rep.spans[0].category == "gambling"
