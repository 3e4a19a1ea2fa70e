"""Candidate finders: they propose ranges that might be injected spam; the scorer decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ..types import Evidence

# Every candidate's features until the scorer sets them: one shared, read-only empty mapping.
_NO_FEATURES: Mapping[str, float] = MappingProxyType({})
# Word lists of finished candidates, each distinct one held once (``Candidate.freeze``); bounded,
# since pages bring new lists without end: cleared when full (a later equal list is a new tuple).
_WORD_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {}
_WORD_LISTS_MAX = 1 << 14


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
    # ``freeze`` turns them back into tuples, shared between the candidates that have equal ones.
    modifiers: Sequence[str] = ()  # commercial words grown into the phrase
    template: str | None = None  # name of a known injection template that matched
    url: str | None = None  # a URL or domain glued to the phrase
    dose: str | None = None
    country: str | None = None
    foreign: Sequence[str] = ()
    keywords: Sequence[str] = ()  # every keyword inside the grown phrase
    features: Mapping[str, float] = field(default_factory=lambda: _NO_FEATURES)
    evidence: Sequence[Evidence] = ()
    source: str = "text"
    selector: str | None = None

    def add_modifiers(self, words: Iterable[str]) -> None:
        self._grow("modifiers", words)

    def add_foreign(self, words: Iterable[str]) -> None:
        self._grow("foreign", words)

    def add_keywords(self, words: Iterable[str]) -> None:
        self._grow("keywords", words)

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

    def merge_keywords(self, words: Iterable[str]) -> None:
        """Add each of ``words`` not among the keywords yet (nor added before it)."""
        kws = self.keywords
        if not isinstance(kws, list):
            kws = self.keywords = list(kws)
        kws.extend(k for k in words if k not in kws)

    def freeze(self) -> None:
        """The grown word lists as tuples, each equal one held once: a spun page has hundreds of
        thousands of candidates and a few dozen distinct lists of words."""
        for name in ("modifiers", "foreign", "keywords"):
            cur = getattr(self, name)
            if type(cur) is not tuple:
                if len(_WORD_LISTS) >= _WORD_LISTS_MAX:
                    _WORD_LISTS.clear()
                t = tuple(cur)
                setattr(self, name, _WORD_LISTS.setdefault(t, t))

    def absorb(self, other: Candidate) -> None:
        """Merge ``other`` (which overlaps or touches this one) into this candidate.

        The phrase covers both; the keyword, category and canonical name become those of the
        spammier term, so a merged "cialis buy cialis online" is judged by its strongest part.
        """
        self.end = max(self.end, other.end)
        self.merge_keywords(other.keywords)
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
