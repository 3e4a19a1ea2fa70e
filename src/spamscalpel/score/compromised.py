"""Which scored phrases are reported: the threshold, lowered on a page that already carries spam.

The scorer judges a phrase by its sentence and by the page's commercial density. A phrase it leaves
just under the threshold ("order glucophage" or "furosemide online" pasted into a leaflet) is far
more likely an injection when the same page holds phrases of the same trade that the scorer is
sure of: an injector plants a dozen anchors, rarely one. On such a page a phrase of that trade is
reported from ``BORDERLINE`` times the threshold, with evidence that says why. Left alone are the
phrases the scorer read as the page's own prose (a sentence about the drug, "and order" as an
ordinary verb phrase) and the mentions a topic-fit or code-listing rule capped (their score is
under any borderline). A clean page has no confirmed phrase, so this never adds a finding to one.
"""

from __future__ import annotations

from ..types import Evidence
from . import Scored

CONFIRMED = 0.8  # a phrase scoring this is spam the page certainly carries
BORDERLINE = 0.7  # on a page with confirmed spam of a trade, the share of the threshold its phrases need
_OWN_PROSE = ("medical_pattern", "buy_fits")  # features that read the phrase as the page's own words
_WEIGHT = 0.5


def select(scored: list[Scored], threshold: float) -> tuple[list[Scored], list[Scored]]:
    """(reported, not reported) phrases, in the scorer's order."""
    sure = max(CONFIRMED, threshold)  # a phrase under the threshold confirms nothing
    confirmed: dict[str, int] = {}
    for s in scored:
        if s.score >= sure:
            confirmed[s.candidate.category] = confirmed.get(s.candidate.category, 0) + 1
    kept: list[Scored] = []
    weak: list[Scored] = []
    for s in scored:
        if s.score >= threshold:
            kept.append(s)
        elif _borderline(s, threshold, confirmed):
            n = confirmed[s.candidate.category]
            why = (
                f"scored {s.score:.2f}, under the threshold {threshold:g}, on a page carrying {n} confirmed "
                f"{s.candidate.category} spam phrase(s) (score >= {sure:g})"
            )
            kept.append(
                Scored(s.candidate, s.score, (*s.evidence, Evidence("compromised_page", why, _WEIGHT)))
            )
        else:
            weak.append(s)
    return kept, weak


def _borderline(s: Scored, threshold: float, confirmed: dict[str, int]) -> bool:
    c = s.candidate
    return (
        c.category in confirmed
        and s.score >= BORDERLINE * threshold
        and not any(c.features.get(k) for k in _OWN_PROSE)
    )
