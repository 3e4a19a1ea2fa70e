"""The fast forms of the feature searches give the answers of the patterns they stand for."""

from __future__ import annotations

import random

from spamscalpel.score import features as F

_PIECES = [
    *(p for p in F._MED_BEFORE),
    *"TAKING Such As  generic\tform\nof ( , ; - _ x7 the patient's dosE Ok".split(" "),
    *"illegal Illegally counterfeit fake scams WARNINGS beware avoid crack down not safe instead of".split(),
    *"never buy do not order don't buy dont order offences prosecuted spammer unsafe risky ſcam K İ é".split(),
]


def _texts(n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        words = [rng.choice(_PIECES) for _ in range(rng.randint(0, 8))]
        yield "".join(w + rng.choice([" ", "  ", "", ",", "\n", "-", " (", "_"]) for w in words)


def test_words_before_a_name_read_backwards_match_the_forward_pattern() -> None:
    for text in _texts(30_000, 1):
        window = text[-30:]
        assert F._med_words_before(window) == (F._MED_PATTERNS_BEFORE.search(window) is not None), window
    assert F._med_words_before("patients taking ") and F._med_words_before("such as\n")
    assert not F._med_words_before("overtaking ") and not F._med_words_before("taking")


def test_a_sentence_warns_by_the_fast_search_as_by_the_pattern() -> None:
    for text in _texts(30_000, 2):
        for a in {0, min(1, len(text)), len(text) // 2}:
            b = len(text) - (a % 3)
            assert F._warns(text, a, b) == (F._WARNING.search(text, a, b) is not None), (text, a, b)
    assert F._warns("Avoid fake pills.", 0, 17) and not F._warns("xfake", 1, 5)


def test_spam_talk_counted_as_by_the_pattern() -> None:
    for text in _texts(20_000, 3):
        assert F._spam_talk_count(text) == len(F._SPAM_TALK.findall(text)), text


def test_medical_words_around_a_phrase_read_directly_as_by_the_sentence_index() -> None:
    vocab = frozenset({"dose", "patient's", "patients", "taking", "side", "effects", "liver", "é"})
    rng = random.Random(4)
    words = [*vocab, "don't", "Patient's", "DOSE", "x", "İstanbul", "effects’", "viagra", "of", "’s"]
    for _ in range(20_000):
        text = "".join(
            rng.choice(words) + rng.choice([" ", "", "'", ", ", "-"]) for _ in range(rng.randint(1, 10))
        )
        start, end = sorted(rng.sample(range(len(text) + 1), 2)) if len(text) > 1 else (0, len(text))
        a = rng.randint(max(0, start - 3), end)
        b = rng.randint(a, min(len(text), end + 3))
        index = F._SentenceWords(text, start, end, vocab)
        assert F._vocab_around(text, start, end, a, b, vocab) == index.around(a, b), (text, start, end, a, b)


def test_sentence_bounds_are_those_of_the_lookbehind_pattern() -> None:
    import re

    from spamscalpel.lexicon import load_lexicon
    from spamscalpel.score import DocContext
    from spamscalpel.view import plain_view

    # The definition: a sentence ends where this pattern's match starts, the next one where it ends.
    defined = re.compile(r"(?<=[.!?。！？])[\"'”’)\]]*\s+|\n\s*\n|\n(?=\s*[-•*\u2022]|\s*\d+[.)])|\n")
    rng = random.Random(3)
    pieces = ["Word", "a", ".", "!", "?", "。", "！", '"', "”", ")", "]", " ", "  ", "\n", "\n\n", "- ", "1) ", "2.", "\t", "..."]
    lex = load_lexicon()
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        ctx = DocContext.build(plain_view(text), lex, [])
        ms = list(defined.finditer(text))
        assert list(ctx.sentence_ends) == [m.start() for m in ms] + [len(text)], repr(text)
        assert list(ctx.sentence_starts) == [0] + [m.end() for m in ms], repr(text)


def test_health_sentences_by_scan_are_those_of_the_tokenizer() -> None:
    import pytest

    pytest.importorskip("hyperscan")
    from spamscalpel.lexicon import load_lexicon
    from spamscalpel.score import DocContext
    from spamscalpel.view import plain_view

    vocab = frozenset({"pain", "doctor", "crohn's", "acid"})
    pieces = ["pain", "Pain", "painful", "doctor", "crohn's", "crohn", "'s", "acid", "x", "_", "'", "s", " ", ". ", "\n", "9", "-"]
    rng = random.Random(4)
    lex = load_lexicon()
    scanned = 0
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        ctx = DocContext.build(plain_view(text), lex, [])
        low = text.lower()
        want = {
            a
            for a, b in zip(ctx.sentence_starts, ctx.sentence_ends, strict=True)
            if not vocab.isdisjoint(F._WORD.findall(low, a, b))
        }
        got = F._sentences_by_scan(low, ctx.sentence_starts, ctx.sentence_ends, vocab)
        if got is not None:
            scanned += 1
            assert got == want, repr(text)
        assert F._sentences_with(text, ctx.sentence_starts, ctx.sentence_ends, vocab) == want, repr(text)
    assert scanned > 10_000


def test_blanked_text_is_the_text_with_every_candidate_range_spaced_out() -> None:
    from spamscalpel.detect import Candidate

    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice("ab c.\n") for _ in range(rng.randint(0, 200)))
        cands = []
        for _ in range(rng.randint(0, 12)):
            a = rng.randint(0, len(text))
            b = rng.randint(a, min(len(text), a + 20))
            cands.append(Candidate(a, b, a, b, "x", "pharma", "x", "drug", 0.5))
        if rng.random() < 0.5:
            cands.sort(key=lambda c: (c.start, c.end))
        want = list(text)
        for c in cands:
            want[c.start : c.end] = " " * (c.end - c.start)
        assert F._blank(text, cands) == "".join(want)


def test_previous_and_next_word_read_as_by_the_patterns_on_the_window() -> None:
    rng = random.Random(6)
    chars = "ab Z9_.,;-'\n\t\"(é İ"
    for _ in range(40_000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 60)))
        pos = rng.randint(0, len(text))
        m = F._PREV_WORD.search(text[max(0, pos - 40) : pos])
        assert F._prev_word(text, pos) == (m.group(1).lower() if m else ""), (text, pos)
        m = F._NEXT_WORD.match(text[pos : pos + 40])
        assert F._next_word(text, pos) == ((m.group(2), m.group(1)) if m else ("", text[pos : pos + 3]))
    assert F._prev_word("we buy viagra", 7) == "buy" and F._prev_word("say: Buy...\n", 12) == "buy"
    assert F._prev_word("price_", 6) == "" and F._next_word("x - Cialis now", 1) == ("Cialis", " - ")
