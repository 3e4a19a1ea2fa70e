"""Scorers: turn candidates plus their context into scored, explained findings.

A scorer is any object with ``name`` and ``score(ctx) -> list[Scored]``. Register it in
``SCORERS``; ``Config(scorer=...)`` picks it by name. Scorers are replaceable stages: the
trained context model and the v1 rules share the same inputs (``DocContext``) and outputs.
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..detect import Candidate
from ..lexicon import Lexicon
from ..types import Evidence
from ..view import TextView

# A sentence ends after . ! ? (and any closing quotes or brackets) before whitespace, at a blank
# line, before a list item, or at a line break; the separator between two sentences is group 1's
# span, or the whole match for a line break. (The punctuation is matched, not looked behind at:
# a pattern that opens with a lookbehind is tried at every position, this one only at its chars.)
_SENT_END = re.compile(r"[.!?。！？]([\"'”’)\]]*\s+)|\n\s*\n|\n(?=\s*[-•*\u2022]|\s*\d+[.)])|\n")


@dataclass(slots=True)
class DocContext:
    """Everything a scorer may look at: the view, the candidates (view offsets) and sentence bounds."""

    view: TextView
    lexicon: Lexicon
    candidates: list[Candidate]
    sentence_starts: Sequence[int] = field(default_factory=list)
    sentence_ends: Sequence[int] = field(default_factory=list)
    # compute_features(ctx) fills this once, so scorers that combine others do not redo it.
    features: list | None = None

    @classmethod
    def build(cls, view: TextView, lexicon: Lexicon, candidates: list[Candidate]) -> DocContext:
        # Machine integers: a page of tens of thousands of short lines has as many sentences.
        starts, ends = array("q", [0]), array("q")
        for m in _SENT_END.finditer(view.text):
            ends.append(m.start(1) if m.lastindex else m.start())
            starts.append(m.end())
        ends.append(len(view.text))
        return cls(view, lexicon, candidates, starts, ends)

    def sentence_of(self, pos: int) -> tuple[int, int]:
        """The sentence (start, end) holding view offset ``pos``."""
        i = max(0, bisect.bisect_right(self.sentence_starts, pos) - 1)
        return self.sentence_starts[i], self.sentence_ends[i]


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    score: float
    evidence: tuple[Evidence, ...]


class Scorer(Protocol):
    name: str

    def score(self, ctx: DocContext) -> list[Scored]: ...


def _rules_v1() -> Scorer:
    from .rules import RulesV1

    return RulesV1()


def _model_v1() -> Scorer:
    from .model import ModelV1

    return ModelV1()


def _hybrid_v1() -> Scorer:
    from .hybrid import HybridV1

    return HybridV1()


def _minilm_v1() -> Scorer:
    from .encoder import MiniLMV1

    return MiniLMV1()


SCORERS: dict[str, Callable[[], Scorer]] = {
    "rules_v1": _rules_v1,
    "model_v1": _model_v1,
    "hybrid_v1": _hybrid_v1,
    # Needs the encoder extra and the companion weights package (see score/encoder.py).
    "minilm_v1": _minilm_v1,
}
_INSTANCES: dict[str, Scorer] = {}


def get_scorer(name: str) -> Scorer:
    """The scorer registered under ``name`` (built once, then reused)."""
    if name not in _INSTANCES:
        if name not in SCORERS:
            raise ValueError(f"unknown scorer {name!r}; known: {', '.join(sorted(SCORERS))}")
        _INSTANCES[name] = SCORERS[name]()
    return _INSTANCES[name]
