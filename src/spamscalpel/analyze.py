"""The one entry point: a document in, a report out. Every other shell calls ``analyze``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .types import Document, Report


@dataclass(frozen=True, slots=True)
class Config:
    """Knobs of one analysis run. Constructing it does no work."""

    threshold: float = 0.5  # a candidate scoring at least this is reported as a span
    scorer: str = "hybrid_v1"  # name of a registered scorer (see spamscalpel.score)
    max_chars: int = 20_000_000  # longer inputs are rejected with a clear error


DEFAULT_CONFIG = Config()


def _as_document(doc: Document | str, doc_id: str = "-") -> Document:
    if isinstance(doc, Document):
        return doc
    if isinstance(doc, str):
        return Document(id=doc_id, text=doc)
    raise TypeError(f"analyze() takes a Document or str, not {type(doc).__name__}")


def analyze(doc: Document | str, config: Config | None = None) -> Report:
    """Turn one document into a report of injected spam spans."""
    from .pipeline import run_pipeline

    document = _as_document(doc)
    cfg = config or DEFAULT_CONFIG
    if len(document.text) > cfg.max_chars:
        raise ValueError(
            f"document {document.id!r} has {len(document.text):,} characters; the limit is {cfg.max_chars:,}"
        )
    return run_pipeline(document, cfg)


def analyze_many(docs: Iterable[Document], config: Config | None = None) -> Iterator[Report]:
    """Analyse documents one by one; a document that fails yields an error report, never stops the batch."""
    for doc in docs:
        try:
            yield analyze(doc, config)
        except Exception as exc:  # one bad record must not stop a batch
            yield Report.for_error(getattr(doc, "id", "?"), f"{type(exc).__name__}: {exc}")
