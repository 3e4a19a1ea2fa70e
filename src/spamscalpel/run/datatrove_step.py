"""A datatrove pipeline step that runs analyze on every document: annotate, filter or clean.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from spamscalpel.run.datatrove_step import SpamScalpelStep

    LocalPipelineExecutor(pipeline=[
        JsonlReader("in/"),
        SpamScalpelStep(mode="clean", policy="sentence", exclusion_writer=JsonlWriter("rejected/")),
        JsonlWriter("out/"),
    ], tasks=4).run()

Every mode stores the report (``Report.to_dict()``) in ``doc.metadata["spamscalpel"]``.
``filter`` drops documents whose verdict is in ``drop_verdicts``; ``clean`` drops spam pages and
cuts spans out of the rest with ``spamscalpel.clean.clean``. Importing this module needs datatrove.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from spamscalpel.analyze import Config, analyze
from spamscalpel.types import Document, Report

MODES: tuple[str, ...] = ("annotate", "filter", "clean")


class SpamScalpelStep(PipelineStep):
    """Annotate, filter or clean datatrove documents with spamscalpel's analyze."""

    name = "✂️ spamscalpel"
    type = "🔻 - FILTER"

    def __init__(
        self,
        mode: str = "annotate",
        config: Config | None = None,
        drop_verdicts: tuple[str, ...] = ("injected", "spam_page"),
        policy: str = "span",
        min_score: float = 0.0,
        keep_spam_pages: bool = False,
        metadata_key: str = "spamscalpel",
        metadata_as_json: bool = False,
        html_metadata_key: str | None = None,
        exclusion_writer: Any = None,
    ):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
        self.mode = mode
        self.config = config
        self.drop_verdicts = tuple(drop_verdicts)
        self.policy = policy
        self.min_score = min_score
        self.keep_spam_pages = keep_spam_pages
        self.metadata_key = metadata_key
        # Flat string metadata survives every datatrove writer, nested dicts not all of them.
        self.metadata_as_json = metadata_as_json
        self.html_metadata_key = html_metadata_key  # metadata flag saying doc.text is HTML
        self.exclusion_writer = exclusion_writer

    def _report(self, doc: Any) -> Report:
        is_html = bool(self.html_metadata_key and doc.metadata.get(self.html_metadata_key))
        document = Document(id=str(doc.id), text=doc.text, format="html" if is_html else "text")
        try:
            return analyze(document, self.config)
        except Exception as exc:  # one bad document must not stop the task
            return Report.for_error(str(doc.id), f"{type(exc).__name__}: {exc}", kind="analyze")

    def _keep(self, doc: Any, report: Report) -> tuple[bool, str | None]:
        if report.verdict == "error":
            return True, None  # never drop what could not be judged; the report says why
        if self.mode == "filter":
            return (False, report.verdict) if report.verdict in self.drop_verdicts else (True, None)
        if self.mode == "clean":
            if report.verdict == "spam_page" and not self.keep_spam_pages:
                return False, "spam_page"
            if report.spans:
                from spamscalpel.clean import clean

                result = clean(doc.text, report, policy=self.policy, min_score=self.min_score)
                if result.text != doc.text:
                    self.stat_update("cleaned")
                    self.stat_update("chars_removed", value=len(doc.text) - len(result.text))
                doc.text = result.text
        return True, None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Yield the documents that are kept, each with its report in metadata."""
        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as writer:
            for doc in data:
                self.stat_update("total")
                with self.track_time():
                    report = self._report(doc)
                    self.stat_update(f"verdict_{report.verdict}")
                    d = report.to_dict()
                    doc.metadata[self.metadata_key] = (
                        json.dumps(d, ensure_ascii=False) if self.metadata_as_json else d
                    )
                    keep, reason = self._keep(doc, report)
                if keep:
                    self.stat_update("forwarded")
                    yield doc
                else:
                    self.stat_update("dropped", f"dropped_{reason}")
                    if writer is not None:
                        doc.metadata["filter_reason"] = reason
                        writer.write(doc, rank)
