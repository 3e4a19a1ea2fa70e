"""``hybrid_v1``: the trained model, with the v1 rules deciding where a page-level structure shows.

The learned model judges a candidate by its own features and context words; generated training
text cannot teach it page-level structure such as one drug rotated through brand and generic forms
in sentences that are never about the drug (the specimen's pattern), so the model learns to
ignore it. Where that structure is present, the rules' score stands if it is higher.
"""

from __future__ import annotations

from . import DocContext, Scored
from .features import CandidateFeatures, compute_features
from .model import ModelV1
from .rules import RulesV1

# Features that describe the page rather than the candidate's own context.
STRUCTURAL = ("rotation_unexplained",)


class HybridV1:
    """model_v1 scores; the v1 rules win where a structural page signal fired and they score higher."""

    name = "hybrid_v1"

    def __init__(self) -> None:
        self._rules = RulesV1()
        self._model = ModelV1()

    def score(self, ctx: DocContext) -> list[Scored]:
        # Both scorers read the same features (computed once per document, cached on ctx); the
        # rules score only the candidates where a structural signal fired, so a page of many
        # candidates does not hold a second scored list with its evidence.
        learned = self._model.score(ctx)
        out: list[Scored] = []
        for m, f in zip(learned, compute_features(ctx), strict=True):
            r = self._rules.score_one(m.candidate, f) if structural(f) else None
            out.append(r if r is not None and r.score > m.score else m)
        return out


def structural(f: CandidateFeatures) -> bool:
    """Whether a page-level structure signal fired for a candidate (the rules may then decide)."""
    return any(f.values.get(k) for k in STRUCTURAL)
