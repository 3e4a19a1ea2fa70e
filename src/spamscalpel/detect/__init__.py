"""Candidate finders: they propose ranges that might be injected spam; the scorer decides."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..types import Evidence


@dataclass(slots=True)
class Candidate:
    """A proposed spam range in *view-text* offsets, with what the finder saw around it.

    ``start``/``end`` cover the whole grown phrase; ``kw_start``/``kw_end`` the keyword itself.
    Mutable on purpose: the scorer fills ``features`` in place before the report is frozen.
    """

    start: int
    end: int
    kw_start: int
    kw_end: int
    term: str  # the lexicon key that matched (normalized)
    category: str
    canonical: str  # generic name for drugs, the term itself otherwise
    kind: str  # lexicon kind: "drug" | "spam_drug" | "keyword"
    strength: float  # how spammy the bare term is
    # The word lists and the finder's notes start as one shared empty tuple (a page can have tens of
    # thousands of candidates with none) and become lists when first grown: use the add_ methods.
    modifiers: Sequence[str] = ()  # commercial words grown into the phrase
    template: str | None = None  # name of a known injection template that matched
    url: str | None = None  # a URL or domain glued to the phrase
    dose: str | None = None
    country: str | None = None
    foreign: Sequence[str] = ()
    keywords: list[str] = field(default_factory=list)  # every keyword inside the grown phrase
    features: dict[str, float] = field(default_factory=dict)
    evidence: Sequence[Evidence] = ()
    source: str = "text"
    selector: str | None = None

    def add_modifiers(self, words: Iterable[str]) -> None:
        self._grow("modifiers", words)

    def add_foreign(self, words: Iterable[str]) -> None:
        self._grow("foreign", words)

    def add_evidence(self, note: Evidence) -> None:
        self._grow("evidence", (note,))

    def _grow(self, name: str, items: Iterable) -> None:
        """Extend the list field ``name`` in place, making it a list of its own when first grown."""
        cur = getattr(self, name)
        if isinstance(cur, list):
            cur.extend(items)
        else:
            grown = [*cur, *items]
            if grown:
                setattr(self, name, grown)

    def absorb(self, other: Candidate) -> None:
        """Merge ``other`` (which overlaps or touches this one) into this candidate.

        The phrase covers both; the keyword, category and canonical name become those of the
        spammier term, so a merged "cialis buy cialis online" is judged by its strongest part.
        """
        self.end = max(self.end, other.end)
        self.keywords.extend(k for k in other.keywords if k not in self.keywords)
        self.add_modifiers(other.modifiers)
        self.add_foreign(other.foreign)
        self.template = self.template or other.template
        self.url = self.url or other.url
        self.dose = self.dose or other.dose
        self.country = self.country or other.country
        if other.strength > self.strength:
            self.term, self.category, self.canonical = other.term, other.category, other.canonical
            self.kind, self.strength = other.kind, other.strength
            self.kw_start, self.kw_end = other.kw_start, other.kw_end
