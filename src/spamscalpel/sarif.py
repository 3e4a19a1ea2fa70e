"""SARIF 2.1.0 output for ``scan --format sarif``: one result per spam span, for code scanning.

Security teams upload it where they upload other scanners' findings (for example a theme or
plugin folder scanned in CI). Each category is a rule; each span is a result whose region gives
line, column and character offsets into the scanned file, and whose message says why.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from .types import CATEGORIES, Report

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/spamscalpel/"
_SNIPPET_CHARS = 400

_RULE_TEXT = {
    "pharma": "Injected pharmacy spam (drug names sold online)",
    "gambling": "Injected gambling spam (casino, betting, slots)",
    "loans": "Injected loan spam (payday loans, quick credit)",
    "adult": "Injected adult-content spam",
    "replica": "Injected replica-goods spam (fake watches, bags)",
    "essay": "Injected essay-writing-service spam",
    "other": "Injected SEO spam of another kind",
}


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": f"spamscalpel/{cat}",
            "name": f"Injected{cat.capitalize()}Spam",
            "shortDescription": {"text": _RULE_TEXT[cat]},
            "fullDescription": {
                "text": f"{_RULE_TEXT[cat]}: text a site hacker inserted into the page, often as hidden "
                "blocks or links, to sell rank to another site. Remove it, then find how it got in."
            },
            "helpUri": INFO_URI,
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["security", "seo-spam", cat], "security-severity": "7.5"},
        }
        for cat in CATEGORIES
    ]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in code points) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


class SarifLog:
    """Collects reports and renders one SARIF 2.1.0 log with a single run."""

    def __init__(self) -> None:
        from . import __version__

        self.version = __version__
        self.results: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []
        self.artifacts: dict[str, int] = {}

    def _artifact(self, uri: str) -> int:
        return self.artifacts.setdefault(uri, len(self.artifacts))

    def add(self, report: Report, text: str | None = None) -> None:
        """Add one report's spans as results (an error record becomes a notification)."""
        uri = quote(report.id, safe="/:@")
        if report.verdict == "error":
            self.notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{report.id}: {report.error}"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
            return
        for span in report.spans:
            region: dict[str, Any] = {"charOffset": span.start, "charLength": span.end - span.start}
            if text is not None and span.end <= len(text):
                sl, sc = _line_col(text, span.start)
                el, ec = _line_col(text, span.end)
                region.update(startLine=sl, startColumn=sc, endLine=el, endColumn=ec)
            region["snippet"] = {"text": span.text[:_SNIPPET_CHARS]}
            why = "; ".join(e.detail for e in span.evidence[:3] if e.detail)
            quoted = " ".join(span.text.split())[:120]
            where = f" in a {span.source} element" if span.source in ("hidden", "link") else ""
            message = f'Injected {span.category} spam{where}: "{quoted}" (score {span.score:.2f}).'
            if why:
                message += f" Why: {why}."
            digest = hashlib.sha256(f"{span.category}\0{' '.join(span.text.lower().split())}".encode())
            self.results.append(
                {
                    "ruleId": f"spamscalpel/{span.category}",
                    "ruleIndex": CATEGORIES.index(span.category),
                    "level": "error",
                    "message": {"text": message},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "index": self._artifact(uri)},
                                "region": region,
                            }
                        }
                    ],
                    "partialFingerprints": {"spamscalpelSpan/v1": digest.hexdigest()[:32]},
                    "properties": {
                        "score": round(float(span.score), 4),
                        "verdict": report.verdict,
                        **({"selector": span.selector} if span.selector else {}),
                    },
                }
            )

    def to_dict(self) -> dict[str, Any]:
        """The SARIF log as plain data."""
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "spamscalpel",
                            "version": self.version,
                            "informationUri": INFO_URI,
                            "rules": _rules(),
                        }
                    },
                    "invocations": [
                        {
                            "executionSuccessful": True,
                            "toolExecutionNotifications": self.notifications,
                        }
                    ],
                    "artifacts": [{"location": {"uri": uri}} for uri in self.artifacts],
                    "columnKind": "unicodeCodePoints",
                    "results": self.results,
                }
            ],
        }
