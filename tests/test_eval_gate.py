"""Evaluation gate: accuracy on real and synthetic pages must not fall below the pinned floors.

Floors live in tests/fixtures/eval/floors.json; rewrite them with
``python bench/accuracy/run.py --pin`` after a deliberate change (and say why in the commit).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FLOORS = REPO / "tests" / "fixtures" / "eval" / "floors.json"
REPIN = "re-pin with `python bench/accuracy/run.py --pin` and say why in the commit"


def _load_bench():
    spec = importlib.util.spec_from_file_location(
        "bench_accuracy_run", REPO / "bench" / "accuracy" / "run.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


bench = _load_bench()
PINNED = json.loads(FLOORS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def metrics() -> dict[str, dict]:
    return bench.gate_metrics(PINNED["scorer"])


def _need_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared evaluation data not found at {SHARED}")


def test_evaluation_data_unchanged():
    _need_shared()
    now = bench.data_hashes()
    changed = [name for name, digest in PINNED["data_sha256"].items() if now.get(name) != digest] + [
        name for name in now if name not in PINNED["data_sha256"]
    ]
    assert not changed, f"evaluation data changed ({', '.join(changed)}): the floors need re-pinning; {REPIN}"


def test_synthetic_gate_split_unchanged():
    items = bench.gate_datasets()["synthetic"]
    assert bench.synthetic_hash(items) == PINNED["synthetic_sha256"], (
        "the generator now makes a different gate split (generator or builtin sources changed): "
        f"the synthetic floors need re-pinning; {REPIN}"
    )


@pytest.mark.parametrize("dataset", ["synthetic", "realworld", "specimen"])
def test_metrics_meet_floors(dataset, metrics):
    if dataset != "synthetic":
        _need_shared()
    if dataset not in metrics:
        pytest.skip(f"{dataset} not available under {SHARED}")
    floors = PINNED["floors"].get(dataset, {})
    assert floors, f"no floors pinned for {dataset}; {REPIN}"
    failures = []
    for metric, bound in floors.items():
        value = metrics[dataset].get(metric)
        if value is None:
            failures.append(f"{metric}: no longer measured")
        elif "min" in bound and value < bound["min"] - 1e-9:
            failures.append(f"{metric} = {value:.4f}, below its floor {bound['min']}")
        elif "max" in bound and value > bound["max"] + 1e-9:
            failures.append(f"{metric} = {value:.4f}, above its ceiling {bound['max']}")
    counts = metrics[dataset].get("counts", {})
    assert not failures, f"{dataset} ({PINNED['scorer']}): " + "; ".join(failures) + f"; counts {counts}"
