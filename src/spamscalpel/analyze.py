"""The one entry point: a document in, a report out. Every other shell calls ``analyze``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .textsafe import replace_surrogates, surrogate_warning
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


def _pipeline():
    # Imported on first use (``import spamscalpel`` stays light), then kept: a function-level
    # import statement costs about half a microsecond per call, a few percent of a clean document.
    global _run_pipeline
    if _run_pipeline is None:
        from .pipeline import run_pipeline

        _run_pipeline = run_pipeline
    return _run_pipeline


_run_pipeline = None


def analyze(doc: Document | str, config: Config | None = None) -> Report:
    """Turn one document into a report of injected spam spans."""
    run_pipeline = _pipeline()
    document = _as_document(doc)
    cfg = config or DEFAULT_CONFIG
    if len(document.text) > cfg.max_chars:
        raise ValueError(
            f"document {document.id!r} has {len(document.text):,} characters; the limit is {cfg.max_chars:,}"
        )
    document, warning = _repaired(document)
    report = run_pipeline(document, cfg)
    if warning:
        report = replace(report, meta={**report.meta, "warning": warning})
    return report


def _repaired(doc: Document) -> tuple[Document, str | None]:
    """The document with lone surrogates replaced (offsets unchanged), and the warning to report."""
    text, n = replace_surrogates(doc.text)
    doc_id, n_id = replace_surrogates(doc.id)
    warnings = [doc.warning] if doc.warning else []
    if n or n_id:
        doc = replace(doc, id=doc_id, text=text)
        warnings.append(surrogate_warning(f"document {doc_id!r}", n + n_id))
    return doc, "; ".join(warnings) or None


def analyze_many(docs: Iterable[Document], config: Config | None = None) -> Iterator[Report]:
    """Analyse documents one by one; a document that fails yields an error report, never stops the batch."""
    for doc in docs:
        try:
            yield analyze(doc, config)
        except Exception as exc:  # one bad record must not stop a batch
            yield Report.for_error(getattr(doc, "id", "?"), f"{type(exc).__name__}: {exc}")
