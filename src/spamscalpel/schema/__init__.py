"""The JSON Schema of the report contract, shipped with the package for tools outside the repo."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REPORT_SCHEMA_PATH = Path(__file__).resolve().parent / "report.schema.json"


@cache
def report_schema() -> dict[str, Any]:
    """The report JSON Schema (draft 2020-12) as a dict."""
    return json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8"))
