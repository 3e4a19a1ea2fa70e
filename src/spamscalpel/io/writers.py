"""Writers for one shard: sidecar annotations, a cleaned corpus, and rejected documents.

Each writer writes to a temporary file next to its destination and only renames it into place on
``commit``, so a reader never sees half a shard and a killed run leaves nothing that looks done.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..textsafe import dumps
from ..types import Document, Report

POLICIES: tuple[str, ...] = ("span", "sentence", "mask")


def _dumps(obj: Any) -> str:
    # default=str keeps Parquet timestamps and decimals from failing a whole shard; NaN fields
    # become null and stray surrogates escapes, so every line is valid JSON.
    return dumps(obj, separators=(",", ":"), default=str)


class AtomicFile:
    """A text file written under a temporary name and renamed into place on ``commit``."""

    def __init__(self, path: str):
        self.path = path
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        # The pid keeps an orphaned worker of a killed run from clobbering a resumed run's file.
        self.tmp = f"{path}.tmp-{os.getpid()}"
        self._fh: IO[str] | None = open(self.tmp, "w", encoding="utf-8")  # noqa: SIM115
        self.count = 0

    def write_line(self, line: str) -> None:
        assert self._fh is not None, "write after commit"
        self._fh.write(line)
        self._fh.write("\n")
        self.count += 1

    def commit(self) -> None:
        """Flush, fsync and rename the file into place."""
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Drop the temporary file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)


def write_json_atomic(path: str, obj: Any) -> None:
    """Write a JSON file so that it is either complete or absent."""
    f = AtomicFile(path)
    assert f._fh is not None
    f._fh.write(dumps(obj, indent=1, sort_keys=True))
    f.commit()


def document_record(doc: Document, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A JSON record for a document: id, text, format, url and its other original fields."""
    rec: dict[str, Any] = {"id": doc.id, "text": doc.text if text is None else text}
    if doc.format != "text":
        rec["format"] = doc.format
    for k, v in doc.meta:
        rec.setdefault(k, v)
    if doc.url and "url" not in rec:
        rec["url"] = doc.url
    rec.update(extra)
    return rec


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """How to build the cleaned corpus; ``policy=None`` means annotate only."""

    policy: str | None = None
    min_score: float = 0.0
    keep_spam_pages: bool = False  # keep (cleaned) spam_page documents instead of rejecting them


def load_cleaner() -> Callable[..., Any]:
    """Import the cleaner lazily, with a clear error if it is not available."""
    try:
        from ..clean import clean
    except ImportError as exc:
        raise RuntimeError(f"cleaning needs spamscalpel.clean.clean, which is not available: {exc}") from exc
    return clean


class ShardWriter:
    """All outputs of one shard under ``out``: annotations/, and with a policy cleaned/ and rejected/."""

    def __init__(self, out: str, shard: str, clean_opts: CleanOptions | None = None):
        self.clean_opts = clean_opts or CleanOptions()
        if self.clean_opts.policy is not None and self.clean_opts.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.clean_opts.policy!r}; known: {', '.join(POLICIES)}")
        self._clean = load_cleaner() if self.clean_opts.policy else None
        self.annotations = AtomicFile(os.path.join(out, "annotations", f"{shard}.jsonl"))
        self.cleaned = self.rejected = None
        if self.clean_opts.policy:
            self.cleaned = AtomicFile(os.path.join(out, "cleaned", f"{shard}.jsonl"))
            self.rejected = AtomicFile(os.path.join(out, "rejected", f"{shard}.jsonl"))

    def _files(self) -> list[AtomicFile]:
        return [f for f in (self.annotations, self.cleaned, self.rejected) if f is not None]

    def write(self, report: Report, doc: Document | None) -> str:
        """Write one document's outputs; returns where its text went: kept|cleaned|rejected|none."""
        self.annotations.write_line(_dumps(report.to_dict()))
        if self.cleaned is None or self.rejected is None or doc is None:
            return "none"
        if report.verdict == "error":
            self.rejected.write_line(_dumps(document_record(doc, reason="error", error=report.error)))
            return "rejected"
        if report.verdict == "spam_page" and not self.clean_opts.keep_spam_pages:
            self.rejected.write_line(_dumps(document_record(doc, reason="spam_page", score=report.score)))
            return "rejected"
        if not report.spans:
            self.cleaned.write_line(_dumps(document_record(doc)))
            return "kept"
        assert self._clean is not None
        result = self._clean(
            doc.text, report, policy=self.clean_opts.policy, min_score=self.clean_opts.min_score
        )
        self.cleaned.write_line(_dumps(document_record(doc, text=result.text)))
        return "cleaned"

    def commit(self) -> None:
        """Rename every output of the shard into place."""
        for f in self._files():
            f.commit()

    def abort(self) -> None:
        """Drop every temporary output of the shard."""
        for f in self._files():
            f.abort()
