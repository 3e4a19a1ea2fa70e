"""Shared test helpers: where ../shared lives, and skipping cleanly when it is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a message when it is not there."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent: the shared data set is not checked out beside the repository")
    return p


@pytest.fixture(scope="session")
def specimen() -> tuple[str, list[dict]]:
    text = shared_path("specimen", "hemifacial-spasm.txt").read_text(encoding="utf-8")
    gold = json.loads(shared_path("specimen", "hemifacial-spasm.spans.json").read_text(encoding="utf-8"))[
        "spans"
    ]
    return text, gold


@pytest.fixture(scope="session")
def realworld() -> list[dict]:
    path = shared_path("data", "realworld-dev.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
