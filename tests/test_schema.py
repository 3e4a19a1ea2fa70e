"""Every shell emits reports that validate against the shipped JSON Schema (the contract)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from spamscalpel import Document, analyze
from spamscalpel.schema import report_schema
from spamscalpel.types import Report

VALIDATOR = jsonschema.Draft202012Validator(report_schema())

SAMPLES = [
    Document("plain", "Our tomatoes love the sun, cheap viagra australia, and they need water."),
    Document("clean", "A quiet afternoon by the river with a book."),
    Document(
        "doorway",
        "Buy Prednisone 20mg Online\n\nMany people buy prednisone 20mg online. Order prednisone 20mg now.",
    ),
    Document(
        "html",
        '<p>Garden notes.</p><div style="display:none"><a href="http://rx.example/">buy cheap viagra online</a></div>',
        format="html",
    ),
]


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())


@pytest.mark.parametrize("doc", SAMPLES, ids=lambda d: d.id)
def test_analyze_reports_validate(doc: Document) -> None:
    d = analyze(doc).to_dict()
    VALIDATOR.validate(d)
    for s in d["spans"]:
        assert doc.text[s["start"] : s["end"]] == s["text"]


def test_error_report_validates() -> None:
    VALIDATOR.validate(Report.for_error("broken.jsonl:3", "bad JSON", path="broken.jsonl").to_dict())


def test_schema_rejects_a_broken_report() -> None:
    bad = analyze(SAMPLES[0]).to_dict()
    bad["verdict"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(bad)


def test_cli_output_validates(tmp_path: Path) -> None:
    exe = shutil.which("spamscalpel", path=str(Path(sys.executable).parent)) or shutil.which("spamscalpel")
    assert exe, "the spamscalpel entry point is not installed"
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({"id": d.id, d.format if d.format == "html" else "text": d.text}) for d in SAMPLES
        )
        + "\n{not json\n",
        encoding="utf-8",
    )
    proc = subprocess.run([exe, "scan", str(src)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(SAMPLES) + 1  # every record accounted for, the broken one as an error
    for rec in lines:
        VALIDATOR.validate(rec)
    assert sum(r["verdict"] == "error" for r in lines) == 1
