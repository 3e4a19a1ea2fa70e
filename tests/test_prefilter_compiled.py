"""The compiled (hyperscan) prefilter gives the pure-Python prefilter's answers, on every input.

Differential tests: the accuracy sets, the specimen, generated documents, Brown-like prose, and
random text built from the characters and words that sit on the edges of the patterns (leet
chars, separators, case folds that change lengths, Cyrillic and CJK terms, URLs, sales frames).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from spamscalpel.detect import compiled
from spamscalpel.detect import finders as keywords  # the prefilter lives with the finders
from spamscalpel.lexicon import load_lexicon
from spamscalpel.normalize import needs_normalizing

hs = pytest.importorskip("hyperscan")
compiled.allow_compile()  # these tests are about the compiled path: let this process build it


def _reference(text: str) -> tuple[bool, bool]:
    has = keywords._has_candidates_python(text)
    return has, has or needs_normalizing(text)


def _check(texts) -> int:
    n = 0
    for text in texts:
        want = _reference(text)
        got = (keywords.has_candidates(text), keywords.needs_candidate_search(text))
        assert got == want, f"compiled {got} != python {want} on {text[:300]!r}"
        n += 1
    return n


def _jsonl(name: str) -> list[str]:
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return [
        json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def test_hyperscan_is_used():
    assert compiled.database(load_lexicon().version) is not None
    assert compiled.scan_kinds(b"buy viagra", load_lexicon().version, True) & 1


@pytest.mark.parametrize("name", ["realworld-dev.jsonl", "realworld-dev2.jsonl"])
def test_same_answers_on_accuracy_sets(name):
    texts = _jsonl(name)
    # Whole pages, and every paragraph alone (most paragraphs hold no candidate).
    paras = [p for t in texts for p in re.split(r"\n\s*\n|(?<=[.!?])\s+(?=[A-Z])", t) if p.strip()]
    assert _check(texts + paras) > 50


def test_same_answers_on_specimen(specimen):
    text, _ = specimen
    assert _check([text, *text.splitlines(), text.upper(), text.replace(" ", "\u00a0")]) > 3


def test_same_answers_on_generated_docs():
    from spamscalpel.synth import default_terms, generate, load_sources

    docs = generate(600, 5, sources=load_sources(fetched=False), terms=default_terms(use_lexicon=False))
    texts = [d.text for d in docs]
    assert _check(texts + [t.lower() for t in texts[:100]]) == 700


_WORDS = (
    "the garden order buy cheap generic online pills tablets 20mg 5 mg no prescription without a "
    "doctor's prescription where to buy best casino slots payday loans replica watches write my essay "
    "viagra VIAGRA ViAgRa cialis cialiss kamagra's levitra-online tadalista20 fildenafilix zolofexa "
    "pharmacy drugstore over the counter http https://x.example/p www.shop.biz site.com. e.g. U.S.S.R. "
    "v i a g r a c-i-a-l-i-s v1agra c!alis 7th 1960s wow!! VlAGRA Home|About $5 @home "
    "виагра казино онлайн ВИАГРА займ на карту 万博 manbetx万博 คาสิโน lo đe café Kamagra İstanbul "
    "\u212aamagra naïve — – … “quoted” ‘x’ _viagra_ viagra_ x_cialis 中文 日本語 ß ﬁ"
).split()
_JOINERS = [" ", " ", " ", "  ", "\n", "\t", "-", ".", ",", "", "_", "/", "\u00a0", "\u2003", "!", "'"]


def _random_texts(seed: int, n: int) -> list[str]:
    r = random.Random(seed)
    out = []
    for _ in range(n):
        k = r.randint(1, 12)
        parts = []
        for _ in range(k):
            parts.append(r.choice(_WORDS))
            parts.append(r.choice(_JOINERS))
        out.append("".join(parts))
    for _ in range(n // 4):  # raw character noise
        alphabet = "abcxyzAILl0134579@$!|._-* \n\t\u00a0éİ\u212aжЖ万ß'"
        out.append("".join(r.choice(alphabet) for _ in range(r.randint(1, 40))))
    return out


def test_same_answers_on_random_text():
    assert _check(_random_texts(13, 4000)) == 5000


def test_same_answers_on_every_lexicon_term_in_context():
    lex = load_lexicon()
    r = random.Random(3)
    texts = []
    for key in sorted(lex.terms)[::7]:
        left, right = r.choice(_JOINERS), r.choice(_JOINERS)
        texts.append(f"a{left}{key}{right}b")
        texts.append(f"{key.upper()}s")
        texts.append(f"x{key}")
    assert _check(texts) == len(texts)


def test_fallback_without_hyperscan(monkeypatch):
    monkeypatch.setattr(compiled, "scan_kinds", lambda *a, **k: None)
    for text in _random_texts(5, 300):
        assert keywords.has_candidates(text) == keywords._has_candidates_python(text)
        assert keywords.needs_candidate_search(text) == _reference(text)[1]


def test_database_is_cached_on_disk():
    compiled.database(load_lexicon().version)
    files = list(compiled.cache_dir().glob(f"prefilter-{load_lexicon().version}-*.hsdb"))
    assert files
    db = hs.loadb(files[0].read_bytes(), hs.HS_MODE_BLOCK)
    assert db is not None


def test_relaxed_drops_lookarounds_and_named_groups():
    rx = r"(?<![\w-])(?P<w>[a-z]+)\s+(?:x|y)(?=\s*(?:$|[^\w\s-]|in\s))\d?"
    out = compiled.relaxed(rx)
    assert "(?<" not in out and "(?=" not in out and "(?P" not in out
    assert out.startswith("(?:[a-z]+)")
    with pytest.raises(ValueError):
        compiled.relaxed(r"[\s]x")


def _prose_with_obfuscation_hints(seed: int, n: int) -> list[str]:
    """Ordinary sentences with what sends prose to normalization: "7th", "1960s", "wow!!", "U.S.S.R."."""
    r = random.Random(seed)
    bits = ["the 7th", "in the 1960s", "wow!!", "U.S.S.R.", "a 101b form", "Home|About", "$5 off", "v1agra"]
    base = "The committee met on the 20th and agreed the garden needed work before the festival."
    out = []
    for _ in range(n):
        words = base.split()
        for _ in range(r.randint(1, 4)):
            words.insert(r.randrange(len(words)), r.choice(bits + _WORDS))
        out.append(" ".join(words))
    return out


def test_skipping_finders_when_normalization_revealed_nothing_changes_no_candidate(monkeypatch):
    from spamscalpel.pipeline import candidates_in_text

    texts = _prose_with_obfuscation_hints(21, 1500) + _random_texts(8, 1000)
    texts += _jsonl("realworld-dev.jsonl")[:40]
    fast = [repr(candidates_in_text(t)) for t in texts]
    monkeypatch.setattr(keywords, "_nothing_revealed", lambda text, norm: False)
    slow = [repr(candidates_in_text(t)) for t in texts]
    assert fast == slow
    assert sum(1 for t in texts if t.isascii()) > 1000


def test_whole_word_checks_at_each_hit():
    # The database holds a term's words without boundaries; the match callback checks them.
    # Letters inside a longer word, then the same term whole: the later hit must still count.
    texts = [
        "The ambient noise was loud.",  # "ambien" inside a word
        "ambientambien",
        "The ambient room. Take ambien at night.",
        "xviagra viagrax viagras viagraS viagrass",
        "viagra_ _viagra 9viagra viagra9 viagra's",
        "buy  -- viagra, buy\tviagra; buyviagra; buy viagrax; xbuy viagra; buy viagras",
        "payday_loans payday---loans payday loansx payday loans.",
        "casino royale; online_casino; online   casino!",
    ]
    assert _check(texts) == len(texts)
    version = load_lexicon().version
    assert compiled.scan_kinds(b"The ambient noise was loud.", version, True) & 1 == 0
    assert compiled.scan_kinds(b"The ambient room. Take ambien at night.", version, True) & 1


def test_whole_word_walk():
    # "buy viagra" has word lengths (3, 6); the hit ends after "viagra".
    data = b"x buy -- viagras y"
    end = data.index(b"viagra") + 6
    assert compiled._whole_word(data, end, (3, 6))  # plural s, separator run of several bytes
    assert not compiled._whole_word(b"xbuy viagra", 11, (3, 6))  # glued on at the start
    assert not compiled._whole_word(b"buy viagrax", 10, (3, 6))  # runs on at the end
    assert compiled._whole_word(b"viagra", 6, (6,))  # the whole input
    assert not compiled._whole_word(b"viagrass", 6, (6,))  # "s" then a letter is not a plural


def test_term_patterns_are_literal_led():
    # Boundaries compiled into every term pattern made a 9 MB database; the words alone, about 2.5 MB.
    patterns = compiled.prefilter_patterns()
    terms = [p for p, kind, _ in patterns if kind == compiled.LEXICON]
    assert terms and not any(p.startswith("(?:^|") for p in terms)
    assert len(hs.dumpb(compiled._compile(hs, patterns))) < 5_000_000


def test_the_prefilter_answer_remembered_for_one_text_is_that_texts_answer() -> None:
    from spamscalpel.detect.finders import has_candidates, needs_candidate_search

    hint_only = "He typed h3llo w0rld on the U.S.S.R. map. " * 3  # obfuscation hints, no term
    with_term = "On the 7th of May the band bought viagra online. " * 3
    assert needs_candidate_search(hint_only) and not has_candidates(hint_only)
    assert needs_candidate_search(with_term) and has_candidates(with_term)
    needs_candidate_search(hint_only)
    assert has_candidates(with_term)  # another text is scanned, not answered from memory
    assert has_candidates("".join(["buy viagra ", "online"]))


def _automaton_hits(text: str) -> list[tuple[int, str]]:
    from spamscalpel.detect.keywords import _automaton

    return sorted((end, key) for end, (key, _term) in _automaton(load_lexicon().version).iter(text))


def test_term_hits_are_the_automatons_hits():
    # Every occurrence of every key, inside words too ("ovide" in "provide"), keys that share a
    # pattern ("e-cig", "e cig"), keys with punctuation at their edges, overlapping keys.
    lex = load_lexicon()
    ascii_keys = sorted(k for k in lex.terms if k.isascii() and k not in lex.stop_terms)
    rng = random.Random(11)
    glue = ["", " ", "  ", "-", ".", "_", "s ", "x", "\n", ", ", "'s "]
    fragments = ["pro", "the ", "an", "vide", "ing", "buy", "7", "@"]
    checked = 0
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 6)):
            parts.append(rng.choice(ascii_keys) if rng.random() < 0.7 else rng.choice(fragments))
            parts.append(rng.choice(glue))
        text = "".join(parts)
        found = compiled.term_hits(text, lex.version)
        assert found is not None
        got = list(found)
        assert sorted((end, key) for end, key, _ in got) == _automaton_hits(text), text
        checked += bool(got)
    assert checked > 2000
    prose = "They provide evidence; the e-cig and e cig shops sold viagra-cialis packs."
    assert sorted((e, k) for e, k, _ in compiled.term_hits(prose, lex.version)) == _automaton_hits(prose)
    assert compiled.term_hits("viagra ü", lex.version) is None  # other text: the automaton decides


def test_literal_scanner_gives_the_automatons_hits():
    from spamscalpel.detect.compiled import LiteralScanner
    from spamscalpel.score.trades import _automaton, _topic_automaton

    words = ["bet", "betting", "bets", "loan", "a loan", "no-fee", "ing", "é-card"]
    scanner = LiteralScanner({w: w.upper() for w in words})
    rng = random.Random(5)
    for _ in range(2000):
        text = "".join(rng.choice([*words[:-1], " ", "x", "-", "s"]) for _ in range(rng.randint(0, 10)))
        want = sorted((i, w) for w in words for i in range(len(text)) if text.startswith(w, i))
        got = scanner.hits(text)
        assert sorted((end - len(v) + 1, v.lower()) for end, v in got) == want, text
    assert scanner.hits("un bet é") is None  # not ASCII: the caller's automaton answers
    assert list(LiteralScanner({}).hits("anything")) == []
    # The trade word lists: the scanner and the automaton agree on prose of those words.
    for auto, scan in (_automaton(), _topic_automaton()):
        vocab = [w for w, _ in auto.items() if w.isascii()]
        for _ in range(300):
            text = " ".join(rng.choice(vocab) + rng.choice(["", "s", "-", "x"]) for _ in range(8))
            assert sorted(scan.hits(text)) == sorted(auto.iter(text)), text


def test_literal_scanner_database_is_cached_by_its_words(tmp_path, monkeypatch):
    from spamscalpel.detect.compiled import LiteralScanner

    monkeypatch.setenv("SPAMSCALPEL_CACHE_DIR", str(tmp_path))
    a = LiteralScanner({"loan": 1, "bet": 2, "casino": 3})
    assert sorted(a.hits("a bet on a loan")) == [(4, 2), (14, 1)]
    files = list(tmp_path.glob("small-*.hsdb"))
    assert len(files) == 1
    b = LiteralScanner({"casino": 3, "bet": 2, "loan": 1})  # the same words in another order
    assert sorted(b.hits("a bet on a loan")) == [(4, 2), (14, 1)]
    assert list(tmp_path.glob("small-*.hsdb")) == files
    files[0].write_bytes(b"not a database")  # a damaged file is compiled anew
    assert sorted(LiteralScanner({"loan": 1, "bet": 2, "casino": 3}).hits("casino")) == [(5, 3)]
