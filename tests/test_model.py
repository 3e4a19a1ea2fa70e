"""model_v1: the shipped weights load and score; scores are calibrated probabilities with readable
evidence; scoring and training are deterministic; a tiny training run works end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spamscalpel.analyze import Config, analyze
from spamscalpel.lexicon import load_lexicon
from spamscalpel.pipeline import find_candidates
from spamscalpel.score import DocContext, get_scorer
from spamscalpel.score.model import MODEL_PATH, ModelV1, bucket, describe, load_weights, save_weights
from spamscalpel.types import Document
from spamscalpel.view import plain_view

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SPAM = "Our garden club meets on Tuesdays, buy cheap viagra online and bring your own gloves."
CLEAN = "The council repaired the old bridge last spring, and the ferry now runs every hour."
MEDICAL = (
    "Sildenafil can cause headaches and flushing. Patients taking nitrates should not take sildenafil, "
    "because the combination can lower blood pressure sharply."
)
CFG = Config(scorer="model_v1")


def _ctx(text: str) -> DocContext:
    view = plain_view(text)
    return DocContext.build(view, load_lexicon(), find_candidates(view))


def test_shipped_weights_load_within_budget():
    assert MODEL_PATH.is_file(), "run python -m spamscalpel.train.train_model"
    assert MODEL_PATH.stat().st_size <= 3 * 1024 * 1024
    w = load_weights()
    assert w.sparse and w.dense
    assert all(0 <= i < (1 << w.n_bits) for i in w.sparse)
    assert w.meta.get("held_out", {}).get("auc")


def test_registered_and_scores_in_unit_interval():
    scorer = get_scorer("model_v1")
    assert scorer.name == "model_v1"
    for text in (SPAM, MEDICAL, "payday loans fast, casino bonus, cialis 20mg"):
        ctx = _ctx(text)
        assert ctx.candidates
        for s in scorer.score(ctx):
            assert 0.0 <= s.score <= 1.0


def test_spam_flagged_clean_not():
    rep = analyze(SPAM, CFG)
    assert rep.is_spam
    assert any("viagra" in s.text.lower() for s in rep.spans)
    assert not analyze(CLEAN, CFG).is_spam


def test_deterministic():
    a = [(s.score, s.evidence) for s in ModelV1().score(_ctx(SPAM + " " + MEDICAL))]
    b = [(s.score, s.evidence) for s in ModelV1().score(_ctx(SPAM + " " + MEDICAL))]
    assert a == b
    assert bucket("R1=online", 18) == bucket("R1=online", 18)


def test_sparse_weight_memo_exact_and_bounded(monkeypatch):
    """The feature -> weight memo gives the logits of a bucket lookup per feature, and stays bounded."""
    import spamscalpel.score.model as model

    w = load_weights()
    ctx = _ctx(SPAM + " " + MEDICAL + " payday loans fast, casino bonus, cialis 20mg")
    rows = model.context_features(ctx)

    def reference(f, feats):
        z = w.bias + sum(w.dense[n] * v for n, v in f.values.items() if n in w.dense and v)
        for s in feats:
            z += w.sparse.get(bucket(s, w.n_bits)) or 0.0
        return z

    monkeypatch.setattr(model, "_MEMO_MAX", 5)
    for _ in range(2):  # the second pass reads the memo, cleared many times over by then
        for f, feats in rows:
            assert w.logit(f, feats)[0] == pytest.approx(reference(f, feats), abs=1e-12)
            assert len(w._memo) <= 5


def test_evidence_readable_and_serializable():
    rep = analyze(SPAM, CFG)
    span = next(s for s in rep.spans if "viagra" in s.text.lower())
    assert span.evidence
    for e in span.evidence:
        assert e.kind and e.detail and "=" not in e.detail.split("'")[0]
        json.dumps(e.to_dict())
    assert describe("R1=online") == "word 'online' right after the phrase"
    assert describe("L1=<s>").startswith("the phrase starts the sentence")


def test_candidate_features_filled_for_pipeline():
    ctx = _ctx(SPAM)
    for s in ModelV1().score(ctx):
        assert "commercial" in s.candidate.features


def test_save_load_roundtrip(tmp_path):
    w = load_weights()
    p = tmp_path / "w.bin.gz"
    save_weights(p, w)
    w2 = load_weights(p)
    assert w2.sparse == w.sparse and w2.dense == w.dense and w2.bias == w.bias
    assert p.read_bytes() == MODEL_PATH.read_bytes() or w2.meta == w.meta


def test_bad_weights_file_is_a_clear_error(tmp_path):
    import gzip

    p = tmp_path / "bad.bin.gz"
    p.write_bytes(gzip.compress(b'{"format": "something-else"}\n'))
    with pytest.raises(ValueError, match="not a spamscalpel-model-v1 file"):
        load_weights(p)
    with pytest.raises(FileNotFoundError, match="train_model"):
        load_weights(tmp_path / "missing.bin.gz")


def test_specimen():
    folder = SHARED / "specimen"
    if not folder.is_dir():
        pytest.skip(f"specimen not found at {folder} (../shared beside the repo)")
    for meta_path in sorted(folder.glob("*.spans.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        text = (folder / meta["file"]).read_text(encoding="utf-8")
        rep = analyze(Document(meta["file"], text), CFG)
        gold = [(s["start"], s["end"]) for s in meta["spans"]]
        found = [
            g
            for g in gold
            if any(2 * max(0, min(g[1], s.end) - max(g[0], s.start)) >= g[1] - g[0] for s in rep.spans)
        ]
        false = [s for s in rep.spans if not any(s.start < g[1] and g[0] < s.end for g in gold)]
        assert not false, [s.text for s in false]
        # rules_v1 finds 6/6; model_v1 misses the bare "metoclopramide" (rotation is the only
        # sign, and the synthetic data gives it no weight): pinned at 5 so a drop shows.
        assert len(found) >= len(gold) - 1, f"{len(found)}/{len(gold)} specimen spans found"


@pytest.mark.slow
def test_tiny_training_run_end_to_end_and_deterministic(tmp_path):
    pytest.importorskip("sklearn")
    from spamscalpel.train.train_model import main

    a, b = tmp_path / "a.bin.gz", tmp_path / "b.bin.gz"
    assert main(["--n-docs", "60", "--bits", "12", "--out", str(a)]) == 0
    assert main(["--n-docs", "60", "--bits", "12", "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    w = load_weights(a)
    assert w.n_bits == 12 and w.meta["n_docs"] == 60
    s = ModelV1(a).score(_ctx(SPAM))
    assert all(0.0 <= x.score <= 1.0 for x in s)


def test_training_rejects_test_split_seeds(tmp_path):
    from spamscalpel.train.train_model import main

    assert main(["--seed", "900001", "--out", str(tmp_path / "x.bin.gz")]) == 2


_FEATURE_LIST = """
import json
from spamscalpel.lexicon import load_lexicon
from spamscalpel.pipeline import find_candidates
from spamscalpel.score import DocContext
from spamscalpel.score.model import iter_context_features
from spamscalpel.view import plain_view
view = plain_view("The garden club met on Tuesday to buy cheap viagra online and discuss roses, tulips and rain.")
ctx = DocContext.build(view, load_lexicon(), find_candidates(view))
print(json.dumps([feats for _, feats in iter_context_features(ctx)]))
"""


def test_context_features_come_in_the_same_order_whatever_the_hash_seed() -> None:
    # The order decides how the logit is summed and how equal-weight evidence is listed.
    import os
    import subprocess
    import sys

    runs = [
        subprocess.run(
            [sys.executable, "-c", _FEATURE_LIST],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert runs[0] and "B=" in runs[0]
    assert runs[0] == runs[1] == runs[2]


def test_the_strongest_contributions_are_those_of_a_stable_sort_by_magnitude() -> None:
    import random

    from spamscalpel.score.model import _strongest

    rng = random.Random(2)
    for _ in range(2000):
        contrib = [
            (rng.choice([-1.5, -0.5, 0.5, 1.5, 0.25, -0.25]), "", str(i)) for i in range(rng.randint(0, 40))
        ]
        assert _strongest(contrib, 6) == sorted(contrib, key=lambda t: -abs(t[0]))[:6]
