"""The learned context scorer ``model_v1``: logistic regression over v1 features and hashed context.

Each candidate gets the numeric v1 features (``compute_features``) plus sparse string features
(neighbouring words by position, a bag of nearby words, words inside the phrase, casing shape,
punctuation around it, category, lexicon kind, document counts), hashed into ``2**n_bits``
buckets. The trainer (``spamscalpel.train.train_model``) fits the weights as a correction to the
hand-set v1 rules (their weights are the prior; each keeps its sign) and exports them, with a
Platt calibration, to ``score/data/model_v1.bin.gz``; scoring here needs only the standard
library. The exported weights already hold the rules' part: no second scorer runs.

Evidence for hashed features needs no shipped vocabulary: the scorer recomputes the feature
strings from the text, so it can name exactly the word it saw.

File format (gzip): one JSON header line, then little-endian uint32 bucket indices and float32
weights for the nonzero buckets only.
"""

from __future__ import annotations

import array
import functools
import gzip
import json
import math
import re
import sys
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..types import Evidence, EvidencePool
from . import DocContext, Scored
from .features import CandidateFeatures, compute_features, lower_words, term_detail

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model_v1.bin.gz"
FORMAT = "spamscalpel-model-v1"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_WINDOW = 8  # bag-of-words half width
_POSITIONS = 3  # position-specific words on each side
_EVIDENCE_MAX = 6
_LEAD_JUNK = " \t\"'“‘([-•*"
_MEMO_MAX = 1 << 16  # feature strings whose sparse weight a Weights remembers


# --- features ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 12)
def _shape(word: str) -> str:
    """The casing of ``word``. Cached: a page repeats its keywords ("Viagra", "viagra")."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return "none"
    if all(ch.islower() for ch in letters):
        return "lower"
    if all(ch.isupper() for ch in letters):
        return "upper" if len(letters) > 1 else "cap"
    if letters[0].isupper() and all(ch.islower() for ch in letters[1:]):
        return "cap"
    return "mixed"


def _char_class(ch: str) -> str:
    """What sits directly next to the phrase: a punctuation mark itself, or a class of character."""
    if not ch:
        return "edge"
    if ch == "\n":
        return "newline"
    if ch.isspace():
        return "space"
    if ch.isalpha():
        return "letter"
    if ch.isdigit():
        return "digit"
    return ch


def _bucket_count(n: int) -> str:
    """Counts in coarse log bins, so that one weight covers 'a few' or 'many'."""
    if n <= 2:
        return str(n)
    if n <= 4:
        return "3-4"
    if n <= 8:
        return "5-8"
    if n <= 16:
        return "9-16"
    return "17+"


def _right_words(text: str, end: int) -> list[str]:
    """The first ``_WINDOW`` lower-cased words of ``text[end : end + 120]``: all the scorer reads.

    Tried on the first 64 characters: when those hold more than ``_WINDOW`` words, the first
    ``_WINDOW`` are the same as the longer window's (a word is decided by the characters up to one
    past its end, and the next word starts beyond that, inside the shorter window).
    """
    words = lower_words(text[end : end + 64])
    if len(words) <= _WINDOW:
        words = lower_words(text[end : end + 120])
    return words[:_WINDOW]


def _words_from(text: str, lo: int, s_start: int, end: int, n_window: int) -> int:
    """``min(len(_WORD.findall(text[max(s_start, lo) : end])), _POSITIONS)``; ``text[lo:end]`` has ``n_window`` words.

    Only the first ``_POSITIONS`` words before the phrase are read, so only that many are counted.
    A sentence that starts before the window holds all of the window's words: no second scan.
    """
    if s_start <= lo:
        return min(n_window, _POSITIONS)
    n = 0
    for _ in _WORD.finditer(text, s_start, end):  # pos/endpos: the pattern looks at nothing outside
        n += 1
        if n == _POSITIONS:
            break
    return n


def context_features(ctx: DocContext) -> list[tuple[CandidateFeatures, list[str]]]:
    """For every candidate: its v1 features and its sparse context features (as strings)."""
    return list(iter_context_features(ctx))


def iter_context_features(ctx: DocContext) -> Iterator[tuple[CandidateFeatures, list[str]]]:
    """``context_features`` one candidate at a time: a page of many candidates never holds every
    candidate's feature strings at once (the scorer needs them only while it sums a logit)."""
    text = ctx.view.text
    v1 = compute_features(ctx)
    cands = ctx.candidates
    cats = Counter(c.category for c in cands)
    # Few document-level counts on purpose: how often a page names a drug, or how long it is,
    # mostly reflects how the generator assembles pages, and weights learned on it do not carry
    # over to real pages. The v1 features already hold the doc-level signals that do (rotation,
    # clusters, commercial density, pages discussing spam).
    doc = [f"doc:cats={min(len(cats), 3)}", f"doc:html={int(ctx.view.is_html)}"]
    for c, f in zip(cands, v1, strict=True):
        s_start, _ = ctx.sentence_of(c.kw_start)
        lo = max(0, c.start - 120)
        left = lower_words(text[lo : c.start])
        right = _right_words(text, c.end)
        # Words beyond the sentence start are marked as such rather than read as neighbours.
        in_sentence = _words_from(text, lo, s_start, c.start, len(left))  # at most _POSITIONS
        feats = list(doc)
        for i in range(1, _POSITIONS + 1):
            lw = left[-i] if i <= len(left) else "<edge>"
            if i > in_sentence:
                lw = "<s>"
            feats.append(f"L{i}={lw}")
            feats.append(f"R{i}={right[i - 1] if i <= len(right) else '<edge>'}")
        # Each word once, in text order (a set's order moves with the hash seed, and with it the order
        # in which the logit is summed and equal-weight evidence is listed).
        for w in dict.fromkeys(left[-_WINDOW:] + right[:_WINDOW]):
            feats.append(f"B={w}")
        phrase = text[c.start : c.end]
        for w in dict.fromkeys(_WORD.findall(phrase.lower())):
            feats.append(f"P={w}")
        kw = text[c.kw_start : c.kw_end]
        shape = _shape(kw)
        feats += [
            f"shape={shape}",
            f"shape|kind={shape}|{c.kind}",
            f"before={_char_class(text[c.start - 1 : c.start])}",
            f"after={_char_class(text[c.end : c.end + 1])}",
            f"sstart={int(not text[s_start : c.start].strip(_LEAD_JUNK))}",
            f"cat={c.category}",
            f"kind={c.kind}",
            f"cat|kind={c.category}|{c.kind}",
            f"L1|kind={left[-1] if left and in_sentence else '<s>'}|{c.kind}",
            f"R1|kind={right[0] if right else '<edge>'}|{c.kind}",
            f"n_words={_bucket_count(len(phrase.split()))}",
        ]
        for m in c.modifiers:
            feats.append(f"mod={m}")
        for flag, val in (
            ("template", c.template),
            ("url", c.url),
            ("dose", c.dose),
            ("country", c.country),
            ("foreign", c.foreign),
        ):
            if val:
                feats.append(f"has={flag}")
        yield f, feats


def _crc_bucket(feature: str, n_bits: int) -> int:
    """The hash bucket of a string feature (CRC-32: stable across runs and platforms)."""
    return zlib.crc32(feature.encode("utf-8")) & ((1 << n_bits) - 1)


@functools.lru_cache(maxsize=1 << 16)
def bucket(feature: str, n_bits: int) -> int:
    """``_crc_bucket``, cached: context words repeat from candidate to candidate ("L1=the")."""
    return _crc_bucket(feature, n_bits)


@functools.lru_cache(maxsize=1 << 16)
def _context_evidence(feature: str, weight: float) -> Evidence:
    """The evidence of one sparse feature: shared between candidates (a sparse weight is the same for
    every candidate that has the feature), so a page of thousands of candidates holds each once."""
    return Evidence("context", describe(feature), weight)


@functools.lru_cache(maxsize=1 << 14)
def _v1_evidence(name: str, detail: str, weight: float) -> Evidence:
    """The evidence of v1 feature ``name`` with its note: made once for the candidates that share it
    (the pool then holds each once per page, as before)."""
    return Evidence(_v1_kind(name), detail or name.replace("_", " "), weight)


def describe(feature: str) -> str:
    """A readable phrase for a sparse feature string."""
    key, _, val = feature.partition("=")
    pos = {"1": "right", "2": "two words", "3": "three words"}
    if key[:1] in "LR" and key[1:] in pos and len(key) == 2:
        side = "before" if key[0] == "L" else "after"
        where = "right" if key[1] == "1" else pos[key[1]]
        if val == "<s>":
            return f"the phrase starts the sentence ({where} {side})"
        if val == "<edge>":
            return f"nothing {where} {side} the phrase"
        return f"word '{val}' {where} {side} the phrase"
    names = {
        "B": "word '{}' within 8 words",
        "P": "word '{}' inside the phrase",
        "shape": "keyword written in {} case",
        "before": "'{}' directly before the phrase",
        "after": "'{}' directly after the phrase",
        "cat": "category {}",
        "kind": "lexicon kind {}",
        "mod": "modifier '{}' in the phrase",
        "has": "phrase carries a {}",
        "n_words": "{} word(s) in the phrase",
    }
    if key in names:
        return names[key].format(val)
    if key == "sstart":
        return "the phrase starts its sentence" if val == "1" else "the phrase is mid-sentence"
    if key == "doc:html":
        return "the page is HTML" if val == "1" else "the page is plain text"
    if key == "doc:cats":
        return f"{val} candidate categor{'y' if val == '1' else 'ies'} on the page"
    return feature


# --- the model --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Weights:
    """A loaded model: dense v1 weights, sparse hashed weights, bias and Platt calibration."""

    n_bits: int
    dense: dict[str, float]
    sparse: dict[int, float]
    bias: float
    calib_a: float
    calib_b: float
    meta: dict
    # Feature string -> its sparse weight (0.0 where none): one dict lookup per feature instead of
    # an encode, a CRC and two lookups. Exact, since the weights never change after loading;
    # bounded, since a page may hold millions of distinct words: cleared when full.
    _memo: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def logit(self, f: CandidateFeatures, feats: list[str]) -> tuple[float, list[tuple[float, str, str]]]:
        """Raw (uncalibrated) logit and every nonzero contribution as (value, kind, detail)."""
        z = self.bias
        contrib: list[tuple[float, str, str]] = []
        for name, val in f.values.items():
            w = self.dense.get(name)
            if w is None or not val:
                continue
            z += w * val
            contrib.append((w * val, name, f.notes.get(name, "")))
        memo = self._memo
        for s in feats:
            w = memo.get(s)
            if w is None:
                w = self._sparse_weight(s)
            if w:
                z += w
                contrib.append((w, "", s))
        return z, contrib

    def _sparse_weight(self, feature: str) -> float:
        """The weight of ``feature``'s bucket (0.0 where the bucket has none), remembered in the memo."""
        memo = self._memo
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        w = self.sparse.get(_crc_bucket(feature, self.n_bits))
        memo[feature] = w = 0.0 if w is None else w
        return w

    def probability(self, z: float) -> float:
        """Calibrated probability of a raw logit."""
        t = self.calib_a * z + self.calib_b
        if t < -60:
            return 0.0
        return 1.0 / (1.0 + math.exp(-t))


def _strongest(contrib: list[tuple[float, str, str]], n: int) -> list[tuple[float, str, str]]:
    """The ``n`` contributions of largest magnitude, ties in their order: a stable sort by ``-|value|``.

    The keys are computed in one comprehension and the sort reads them by index (no Python call per
    comparison key): a candidate has some 35 contributions and only ``n`` are shown.
    """
    keys = [-abs(t[0]) for t in contrib]
    return [contrib[i] for i in sorted(range(len(keys)), key=keys.__getitem__)[:n]]


def save_weights(path: Path, w: Weights) -> int:
    """Write ``w`` in the shipped format (byte-identical for identical weights); returns the size."""
    items = sorted((i, v) for i, v in w.sparse.items() if v)
    idx = array.array("I", (i for i, _ in items))
    val = array.array("f", (v for _, v in items))
    if sys.byteorder != "little":
        idx.byteswap()
        val.byteswap()
    header = {
        "format": FORMAT,
        "n_bits": w.n_bits,
        "n_sparse": len(items),
        "bias": w.bias,
        "dense": w.dense,
        "calibration": {"a": w.calib_a, "b": w.calib_b},
        "meta": w.meta,
    }
    body = json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + idx.tobytes() + val.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same weights give the same bytes, so the shipped file is reproducible.
    data = gzip.compress(body, compresslevel=9, mtime=0)
    path.write_bytes(data)
    return len(data)


def load_weights(path: Path = MODEL_PATH) -> Weights:
    """Read a weights file written by ``save_weights``."""
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"model weights not found at {path}; build them with python -m spamscalpel.train.train_model"
        ) from None
    nl = raw.index(b"\n")
    header = json.loads(raw[:nl])
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file (format {header.get('format')!r})")
    n = int(header["n_sparse"])
    body = raw[nl + 1 :]
    if len(body) != 8 * n:
        raise ValueError(f"{path}: expected {8 * n} bytes of weights, found {len(body)}")
    idx = array.array("I")
    idx.frombytes(body[: 4 * n])
    val = array.array("f")
    val.frombytes(body[4 * n :])
    if sys.byteorder != "little":
        idx.byteswap()
        val.byteswap()
    cal = header["calibration"]
    return Weights(
        n_bits=int(header["n_bits"]),
        dense={k: float(v) for k, v in header["dense"].items()},
        sparse=dict(zip(idx, val, strict=True)),
        bias=float(header["bias"]),
        calib_a=float(cal["a"]),
        calib_b=float(cal["b"]),
        meta=header.get("meta", {}),
    )


_LOCK = threading.Lock()
_CACHE: dict[Path, Weights] = {}


def shipped_weights(path: Path = MODEL_PATH) -> Weights:
    """The weights at ``path``, read once per process."""
    with _LOCK:
        if path not in _CACHE:
            _CACHE[path] = load_weights(path)
        return _CACHE[path]


@functools.cache
def _v1_kind(name: str) -> str:
    """The evidence kind of v1 feature ``name`` (cached: the import statement costs a lookup per call)."""
    from .rules import WEIGHTS

    return WEIGHTS[name][1] if name in WEIGHTS else name


class ModelV1:
    """Learned, calibrated logistic scorer over v1 features and hashed context words."""

    name = "model_v1"

    def __init__(self, path: Path | None = None):
        self.path = path or MODEL_PATH
        self._weights: Weights | None = None

    @property
    def weights(self) -> Weights:
        """The model weights, loaded on first use."""
        if self._weights is None:
            self._weights = shipped_weights(self.path)
        return self._weights

    def score(self, ctx: DocContext) -> list[Scored]:
        """Score every candidate of ``ctx`` with a calibrated probability and its top reasons."""
        return [s for s, _ in self.score_with_logits(ctx)]

    def score_with_logits(self, ctx: DocContext) -> list[tuple[Scored, float]]:
        """``score``, with each candidate's raw (uncalibrated) logit beside it, for stackers."""
        w = self.weights
        out: list[tuple[Scored, float]] = []
        shared = EvidencePool()
        for cand, (f, feats) in zip(ctx.candidates, iter_context_features(ctx), strict=True):
            z, contrib = w.logit(f, feats)
            cand.features = f.values  # the features' own dict: a copy per candidate would double them
            evidence = []
            for val, name, detail in _strongest(contrib, _EVIDENCE_MAX):
                if name:  # a v1 feature: its own readable note
                    if name in ("strength", "spam_keyword"):
                        detail = term_detail(cand)
                    evidence.append(shared(_v1_evidence(name, detail, round(val, 3))))
                else:
                    evidence.append(_context_evidence(detail, round(val, 3)))
            out.append((Scored(cand, w.probability(z), shared.many(tuple(evidence))), z))
        return out
