"""The v1 scorer: hand-set weights over the context features, squashed to 0..1.

The weights were set by reasoning about each signal, then checked (not fitted) against the
specimen and realworld-dev; the trained model replaces this stage without changing its inputs.
"""

from __future__ import annotations

import math

from ..detect import Candidate
from ..types import Evidence
from . import DocContext, Scored
from .features import CandidateFeatures, compute_features, term_detail

# feature -> (weight, evidence kind). Positive weights point to injection.
WEIGHTS: dict[str, tuple[float, str]] = {
    "commercial": (2.6, "commercial_modifier"),
    "strength": (1.6, "spam_term"),
    "spam_keyword": (3.0, "spam_term"),
    "lowercase_brand": (1.1, "lowercase_brand"),
    "grammar_break": (2.0, "grammar_break"),
    "drug_as_modifier": (1.0, "grammar_break"),
    "inside_word": (2.0, "inside_word"),
    "obfuscated": (2.5, "obfuscated"),
    "rotation": (0.4, "rotation"),
    "rotation_unexplained": (2.8, "rotation_unexplained"),
    "cluster": (1.2, "cluster"),
    "doc_commercial": (0.6, "doc_commercial"),
    "off_topic": (0.9, "off_topic"),
    "hidden": (2.5, "hidden_css"),
    "link": (1.2, "link_anchor"),
    "meta": (0.3, "page_metadata"),
    "buy_fits": (-1.8, "fits_sentence"),
    "medical_pattern": (-1.6, "medical_context"),
    "medical_context": (-1.0, "medical_context"),
    "warning": (-2.2, "warning_context"),
    "quoted": (-1.2, "quoted"),
    "proper_noun": (-1.0, "proper_noun"),
    "discusses_spam": (-1.6, "discusses_spam"),
}
BIAS = -2.6


class RulesV1:
    """Hand-weighted logistic combination of context features."""

    name = "rules_v1"

    def score(self, ctx: DocContext) -> list[Scored]:
        feats = compute_features(ctx)
        return [self.score_one(cand, f) for cand, f in zip(ctx.candidates, feats, strict=True)]

    def score_one(self, cand: Candidate, f: CandidateFeatures) -> Scored:
        """The score and evidence of one candidate from its features."""
        z = BIAS
        contrib: list[tuple[float, str, str]] = []
        for name, val in f.values.items():
            if name not in WEIGHTS or not val:
                continue
            w, kind = WEIGHTS[name]
            z += w * val
            if name in ("strength", "spam_keyword"):
                detail = term_detail(cand)
            else:
                detail = f.notes.get(name, name.replace("_", " "))
            contrib.append((w * val, kind, detail))
        cand.features = f.values  # the features' own dict: a copy per candidate would double them
        score = 1.0 / (1.0 + math.exp(-z))
        contrib.sort(key=lambda t: -abs(t[0]))
        evidence = tuple(Evidence(kind, detail, round(w, 3)) for w, kind, detail in contrib)
        return Scored(cand, score, evidence)
