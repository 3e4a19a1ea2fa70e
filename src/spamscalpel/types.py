"""Plain result types shared by every entry point (CLI, server, corpus runner, Spark, datatrove).

The JSON form produced by ``Report.to_dict`` is a public contract (``schema/report.schema.json``):
``{"id", "verdict", "score", "spans": [{"start", "end", "text", "category", "score", "evidence"}]}``
plus optional extension keys that are only present when set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES: tuple[str, ...] = ("pharma", "gambling", "loans", "adult", "replica", "essay", "other")
VERDICTS: tuple[str, ...] = ("clean", "injected", "spam_page")
INPUT_FORMATS: tuple[str, ...] = ("text", "html")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One readable reason behind a finding: which signal fired, what it saw, how much it weighed."""

    kind: str
    detail: str
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "weight": round(float(self.weight), 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        return cls(kind=str(d["kind"]), detail=str(d.get("detail", "")), weight=float(d.get("weight", 0.0)))


class EvidencePool:
    """Each distinct piece of evidence once, for one stage of one document.

    A page of thousands of findings gives most of them the same reasons ("the page holds 40
    commercial spam phrase(s)"); sharing the frozen objects keeps the page's evidence as large as
    what it says, not as the number of findings. The weight's ``repr`` is part of the key, so
    ``-0.0`` and ``0`` stay apart from ``0.0`` and the reports stay the same to the byte.
    """

    __slots__ = ("_seen", "_tuples")

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str], Evidence] = {}
        self._tuples: dict[tuple[int, ...], tuple[Evidence, ...]] = {}

    def __call__(self, ev: Evidence) -> Evidence:
        """The evidence equal to ``ev`` already handed out by this pool, else ``ev`` itself."""
        return self._seen.setdefault((ev.kind, ev.detail, repr(ev.weight)), ev)

    def many(self, evidence: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        """The tuple of the same objects in the same order already handed out, else ``evidence``.

        With its members shared, a finding repeated thousands of times holds one reason list. (The
        key is the members' identities: the tuples kept here keep those objects alive.)
        """
        return self._tuples.setdefault(tuple(map(id, evidence)), evidence)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into the exact input the caller gave."""

    start: int
    end: int
    text: str
    category: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    # Extension: where the span came from ("text", "hidden", "link", "meta", ...) and, for HTML
    # input, a CSS selector path to the element that holds it.
    source: str | None = None
    selector: str | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.start <= self.end):
            raise ValueError(f"bad span offsets [{self.start}, {self.end})")
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}; known: {', '.join(CATEGORIES)}")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "category": self.category,
            "score": round(float(self.score), 4),
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.source is not None:
            d["source"] = self.source
        if self.selector is not None:
            d["selector"] = self.selector
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            text=str(d["text"]),
            category=str(d["category"]),
            score=float(d["score"]),
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
            source=d.get("source"),
            selector=d.get("selector"),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """One input: ``text`` is the raw string (plain text or HTML, per ``format``)."""

    id: str
    text: str
    format: str = "text"
    url: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()
    # What the reader had to repair (replaced bytes or surrogates); analyze copies it to the report.
    warning: str | None = None

    def __post_init__(self) -> None:
        if self.format not in INPUT_FORMATS:
            raise ValueError(f"unknown input format {self.format!r}; known: {', '.join(INPUT_FORMATS)}")
        if not isinstance(self.text, str):
            raise TypeError(f"document {self.id!r}: text must be str, not {type(self.text).__name__}")


@dataclass(frozen=True, slots=True)
class Report:
    """What ``analyze`` says about one document."""

    id: str
    verdict: str
    score: float
    spans: tuple[Span, ...] = ()
    # Extensions, present in JSON only when set.
    evidence: tuple[Evidence, ...] = ()  # document-level signals (cloaking, spam-page features, ...)
    error: str | None = None  # set on a record that could not be analysed
    meta: dict[str, Any] = field(default_factory=dict)  # url, table/row, etc. passed through

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS and self.verdict != "error":
            raise ValueError(f"unknown verdict {self.verdict!r}; known: {', '.join(VERDICTS)}")

    @property
    def is_spam(self) -> bool:
        return self.verdict in ("injected", "spam_page")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(float(self.score), 4),
            "spans": [s.to_dict() for s in self.spans],
        }
        if self.evidence:
            d["evidence"] = [e.to_dict() for e in self.evidence]
        if self.error is not None:
            d["error"] = self.error
        if self.meta:
            d["meta"] = dict(self.meta)
        return d

    def to_json(self) -> str:
        from .textsafe import dumps

        return dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        return cls(
            id=str(d["id"]),
            verdict=str(d["verdict"]),
            score=float(d["score"]),
            spans=tuple(Span.from_dict(s) for s in d.get("spans", ())),
            evidence=tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
            error=d.get("error"),
            meta=dict(d.get("meta") or {}),
        )

    @classmethod
    def for_error(cls, doc_id: str, message: str, **meta: Any) -> Report:
        """A placeholder report for a record that could not be read or analysed."""
        return cls(id=doc_id, verdict="error", score=0.0, error=message, meta=dict(meta))
