"""The datatrove step, run in-process with real datatrove readers, writers and executor."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("datatrove", reason="datatrove is not installed (extra: datatrove)")

from datatrove.data import Document as DTDocument  # noqa: E402

from spamscalpel.run.datatrove_step import SpamScalpelStep  # noqa: E402
from spamscalpel.types import Report, Span  # noqa: E402

CLEAN = "The library opens at nine on weekdays and the reading room is quiet in the mornings."
SPAM = "Need cash fast? payday loans with no credit check, buy cheap viagra online today."


def _docs():
    return [
        DTDocument(text=CLEAN, id="c1"),
        DTDocument(text=SPAM, id="s1"),
        DTDocument(text=CLEAN * 2, id="c2"),
    ]


def test_annotate_keeps_every_document_and_adds_the_report():
    out = list(SpamScalpelStep(mode="annotate").run(iter(_docs())))
    assert [d.id for d in out] == ["c1", "s1", "c2"]
    reports = {d.id: Report.from_dict(d.metadata["spamscalpel"]) for d in out}
    assert reports["c1"].verdict == "clean" and reports["s1"].is_spam
    assert out[1].text == SPAM  # annotate never changes the text


def test_filter_drops_spam_into_the_exclusion_writer(tmp_path: Path):
    from datatrove.pipeline.writers import JsonlWriter

    step = SpamScalpelStep(
        mode="filter", metadata_as_json=True, exclusion_writer=JsonlWriter(str(tmp_path / "rej"))
    )
    out = list(step.run(iter(_docs())))
    assert [d.id for d in out] == ["c1", "c2"]
    assert json.loads(out[0].metadata["spamscalpel"])["verdict"] == "clean"
    (rej,) = list((tmp_path / "rej").glob("*.jsonl.gz"))
    rejected = [json.loads(x) for x in gzip.decompress(rej.read_bytes()).decode().splitlines()]
    assert [r["id"] for r in rejected] == ["s1"] and rejected[0]["metadata"]["filter_reason"] in (
        "injected",
        "spam_page",
    )
    assert step.stats["dropped"].total == 1


def test_clean_mode_cuts_spans(monkeypatch):
    pytest.importorskip("spamscalpel.clean")
    from spamscalpel.clean import clean  # noqa: F401
    from spamscalpel.run import datatrove_step

    text = f"{CLEAN} payday loans here. {CLEAN}"
    s = text.index("payday loans")
    fixed = Report("x", "injected", 0.9, (Span(s, s + 12, "payday loans", "loans", 0.9),))
    # Pin the report so the test is about the step, not the scorer.
    monkeypatch.setattr(datatrove_step, "analyze", lambda doc, cfg=None: fixed)
    (out,) = list(SpamScalpelStep(mode="clean").run(iter([DTDocument(text=text, id="x")])))
    assert "payday" not in out.text and out.text.count("library") == 2
    spam_page = Report("y", "spam_page", 0.99)
    monkeypatch.setattr(datatrove_step, "analyze", lambda doc, cfg=None: spam_page)
    assert list(SpamScalpelStep(mode="clean").run(iter([DTDocument(text="x", id="y")]))) == []


def test_in_a_local_pipeline_executor(tmp_path: Path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    src = tmp_path / "in"
    src.mkdir()
    for part in range(2):
        rows = [{"id": f"p{part}-{i}", "text": (CLEAN, SPAM)[i % 2]} for i in range(6)]
        (src / f"part{part}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(src)),
            SpamScalpelStep(mode="filter", exclusion_writer=JsonlWriter(str(tmp_path / "rejected"))),
            JsonlWriter(str(tmp_path / "kept")),
        ],
        tasks=2,
        workers=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()

    def ids(d: Path) -> list[str]:
        return [
            json.loads(x)["id"]
            for f in d.glob("*.jsonl.gz")
            for x in gzip.decompress(f.read_bytes()).splitlines()
        ]

    kept, rejected = ids(tmp_path / "kept"), ids(tmp_path / "rejected")
    assert len(kept) == len(rejected) == 6 and not set(kept) & set(rejected)
    assert all(int(i.split("-")[1]) % 2 == 0 for i in kept)


def test_unknown_mode_lists_known_ones():
    with pytest.raises(ValueError, match="annotate, filter, clean"):
        SpamScalpelStep(mode="drop")
