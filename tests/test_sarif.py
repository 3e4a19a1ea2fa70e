"""``scan --format sarif``: a SARIF 2.1.0 log valid against the official schema, regions that point
at the spans, errors as tool notifications."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from spamscalpel.cli import main
from spamscalpel.commands.scan import example_path

_SCHEMA_PATH = Path(__file__).parent / "fixtures" / "vendor" / "sarif-2.1.0.schema.json"
if not _SCHEMA_PATH.is_file():
    pytest.skip(
        "needs the SARIF schema: run scripts/vendor_test_assets.sh (.ci/run does, from npm)",
        allow_module_level=True,
    )
SCHEMA = json.loads(_SCHEMA_PATH.read_text())


def _validate(doc: dict) -> None:
    cls = jsonschema.validators.validator_for(SCHEMA)
    errors = sorted(cls(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _sarif(args, capsys) -> tuple[int, dict]:
    status = main(["scan", "--format", "sarif", "-q", *args])
    return status, json.loads(capsys.readouterr().out)


def test_example_page_is_a_valid_sarif_log_with_exact_regions(capsys):
    status, doc = _sarif(["--example"], capsys)
    assert status == 1
    _validate(doc)
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    text = example_path().read_text(encoding="utf-8")
    assert len(run["results"]) == 3
    for res in run["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        a, n = region["charOffset"], region["charLength"]
        assert region["snippet"]["text"] == text[a : a + n]
        lines = text.split("\n")
        # Lines and columns are 1-based, the end column one past the last character.
        start = lines[region["startLine"] - 1][region["startColumn"] - 1 :]
        assert text[a : a + n].startswith(start[: min(len(start), n)])
        assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/allotment.html"
        assert res["message"]["text"].startswith("Injected ") and "Why:" in res["message"]["text"]
    kinds = {r["ruleId"] for r in run["results"]}
    assert kinds == {"spamscalpel/pharma", "spamscalpel/gambling"}


def test_clean_input_and_errors(tmp_path, capsys):
    (tmp_path / "ok.txt").write_text(
        "The volunteers repainted the hall and planted tulips.", encoding="utf-8"
    )
    (tmp_path / "empty.txt").write_bytes(b"")
    status, doc = _sarif([str(tmp_path / "ok.txt"), str(tmp_path / "empty.txt")], capsys)
    assert status == 0
    _validate(doc)
    run = doc["runs"][0]
    assert run["results"] == []
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == 1 and "empty" in notes[0]["message"]["text"]


def test_the_schema_check_is_not_vacuous():
    with pytest.raises(AssertionError):
        _validate({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})
