"""CLI tests through the installed ``spamscalpel`` entry point (a real subprocess each)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SPAM = "Our tomatoes did well. Scientists attribute this to buy viagra online of the soil."
CLEAN = "Our tomatoes did well this year. Ibuprofen helped my back after digging."


def _exe() -> str:
    cand = Path(sys.prefix) / "bin" / "spamscalpel"
    found = str(cand) if cand.exists() else shutil.which("spamscalpel")
    if not found:
        pytest.skip("the spamscalpel entry point is not installed (pip install -e .)")
    return found


def run(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [_exe(), *args], input=stdin, capture_output=True, timeout=120, env=env, cwd=cwd, check=False
    )


def jsonl(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines() if line.strip()]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "spam.txt").write_text(SPAM, encoding="utf-8")
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def test_scan_spam_text_file_exit_1(docs):
    r = run("scan", str(docs / "spam.txt"))
    assert r.returncode == 1, r.stderr
    (rep,) = jsonl(r.stdout)
    assert rep["id"] == str(docs / "spam.txt") and rep["verdict"] in ("injected", "spam_page")
    for span in rep["spans"]:
        assert SPAM[span["start"] : span["end"]] == span["text"]
    assert any("viagra" in s["text"] for s in rep["spans"])
    assert b"1 scanned, 1 spam, 0 clean, 0 error" in r.stderr


def test_scan_clean_text_file_exit_0(docs):
    r = run("scan", str(docs / "clean.txt"))
    assert r.returncode == 0, r.stderr
    (rep,) = jsonl(r.stdout)
    assert rep["verdict"] == "clean" and rep["spans"] == []


def test_scan_directory_and_formats(docs):
    r = run("scan", str(docs), "--format", "json")
    assert r.returncode == 1
    reports = json.loads(r.stdout)
    assert sorted(Path(x["id"]).name for x in reports) == ["clean.txt", "spam.txt"]

    r = run("scan", str(docs), "--format", "text")
    out = r.stdout.decode()
    assert "INJECTED" in out and "clean" in out and "\u00abbuy viagra online\u00bb" in out
    assert "\033[" not in out  # not a terminal: no colours


def test_scan_json_empty_array_when_nothing_read(tmp_path):
    r = run("scan", str(tmp_path / "missing.txt"), "--format", "json")
    assert r.returncode == 2
    (rep,) = json.loads(r.stdout)
    assert rep["verdict"] == "error" and "no such file" in rep["error"]


def test_scan_html_file_offsets_into_raw(tmp_path):
    html = '<html><body><p>Roses need sun.</p><p>Scientists attribute this to <a href="http://x.example">buy viagra online</a> of the soil.</p></body></html>'
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    r = run("scan", str(p))
    assert r.returncode == 1
    (rep,) = jsonl(r.stdout)
    assert rep["spans"] and all(html[s["start"] : s["end"]] == s["text"] for s in rep["spans"])


def test_scan_jsonl_file_and_stdin(tmp_path):
    lines = [
        {"id": "a", "text": SPAM},
        {"id": "b", "text": CLEAN},
        {"id": "c", "html": f"<p>{SPAM}</p>"},
    ]
    body = "".join(json.dumps(x) + "\n" for x in lines).encode()
    (tmp_path / "recs.jsonl").write_bytes(body)
    for args, stdin in ((["scan", str(tmp_path / "recs.jsonl")], None), (["scan", "-"], body)):
        r = run(*args, stdin=stdin)
        assert r.returncode == 1
        reps = jsonl(r.stdout)
        assert [x["id"] for x in reps] == ["a", "b", "c"]
        assert [x["verdict"] == "clean" for x in reps] == [False, True, False]


def test_scan_plain_stdin(tmp_path):
    r = run("scan", "-", stdin=CLEAN.encode())
    assert r.returncode == 0
    assert jsonl(r.stdout)[0]["id"] == "-"


def test_scan_example():
    r = run("scan", "--example")
    assert r.returncode == 1, r.stderr
    (rep,) = jsonl(r.stdout)
    assert rep["id"] == "examples/allotment.html" and rep["verdict"] != "clean"
    r = run("scan", "--example", "--format", "text")
    assert b"examples/allotment.html" in r.stdout


def test_example_gold_spans_point_into_the_page():
    from spamscalpel.commands.scan import example_path

    page = example_path().read_text(encoding="utf-8")
    gold = json.loads(example_path().with_name("allotment.spans.json").read_text(encoding="utf-8"))
    assert len(gold["spans"]) == 3
    for s in gold["spans"]:
        assert page[s["start"] : s["end"]] == s["text"]


def test_threshold_above_every_score_finds_nothing(docs):
    r = run("scan", str(docs / "spam.txt"), "--threshold", "1.01")
    assert r.returncode == 0
    assert jsonl(r.stdout)[0]["spans"] == []


# -- bad input: each record is named on stderr, accounted for in the output, and the run goes on


def test_bad_inputs_are_accounted_for(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "latin.txt").write_bytes("Caf\u00e9 notes: buy viagra online now".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("word " * 100, encoding="utf-8")
    (tmp_path / "recs.jsonl").write_bytes(b'{"id": "good", "text": "a clean line"}\n{broken\n')
    (tmp_path / "ok.txt").write_text(SPAM, encoding="utf-8")
    r = run("scan", str(tmp_path), str(tmp_path / "gone.txt"), "--max-chars", "200")
    assert r.returncode == 1, r.stderr
    reps = {Path(x["id"]).name: x for x in jsonl(r.stdout)}
    err = r.stderr.decode()
    for name, what in [
        ("empty.txt", "empty"),
        ("blob.bin", "binary"),
        ("huge.txt", "too long"),
        ("recs.jsonl:2", "malformed JSON"),
        ("gone.txt", "no such file"),
    ]:
        assert reps[name]["verdict"] == "error" and what in reps[name]["error"], name
        assert name in err and what in err
    assert reps["latin.txt"]["verdict"] != "error"
    assert "invalid UTF-8" in reps["latin.txt"]["meta"]["warning"] and "latin.txt" in err
    assert reps["good"]["verdict"] == "clean" and reps["ok.txt"]["verdict"] != "clean"
    assert "8 record(s): 3 scanned, 2 spam, 1 clean, 5 error(s)" in err


def test_exit_2_when_nothing_readable(tmp_path):
    (tmp_path / "blob.bin").write_bytes(b"\x00" * 64)
    r = run("scan", str(tmp_path / "blob.bin"))
    assert r.returncode == 2
    assert jsonl(r.stdout)[0]["verdict"] == "error"
    empty = tmp_path / "emptydir"
    empty.mkdir()
    r = run("scan", str(empty))
    assert r.returncode == 2 and b"no files" in r.stderr


def test_quiet_drops_the_summary(docs):
    r = run("scan", str(docs / "clean.txt"), "--quiet")
    assert r.returncode == 0 and r.stderr == b""


# -- clean


@pytest.mark.parametrize(
    ("policy", "check"),
    [
        ("span", lambda t: "viagra" not in t and t.startswith("Our tomatoes did well. Scientists")),
        ("sentence", lambda t: t == "Our tomatoes did well."),
        ("mask", lambda t: "[removed]" in t and "viagra" not in t),
    ],
)
def test_clean_policies_to_stdout(docs, policy, check):
    r = run("clean", str(docs / "spam.txt"), "--policy", policy)
    assert r.returncode == 1, r.stderr
    assert check(r.stdout.decode()), r.stdout
    assert b"removed [" in r.stderr


def test_clean_min_score_keeps_everything(docs):
    r = run("clean", str(docs / "spam.txt"), "--min-score", "1.01")
    assert r.stdout.decode() == SPAM


def test_clean_jsonl_keeps_fields(tmp_path):
    rec = {"id": "a", "text": SPAM, "url": "http://garden.example/"}
    body = (json.dumps(rec) + "\n{oops\n").encode()
    r = run("clean", "-", stdin=body)
    assert r.returncode == 1
    out = jsonl(r.stdout)
    assert out[0]["url"] == rec["url"] and "viagra" not in out[0]["text"] and out[0]["removed"]
    assert "malformed JSON" in out[1]["error"]


def test_clean_out_dir_mirrors_inputs(docs, tmp_path):
    out = tmp_path / "cleaned"
    r = run("clean", str(docs), "--out", str(out))
    assert r.returncode == 1
    assert (out / "clean.txt").read_text(encoding="utf-8") == CLEAN
    assert "viagra" not in (out / "spam.txt").read_text(encoding="utf-8")
    assert r.stdout == b""


def test_clean_example():
    r = run("clean", "--example")
    assert r.returncode == 1
    assert r.stdout.startswith(b"<!DOCTYPE html>") and b"</html>" in r.stdout


@pytest.mark.parametrize("scorer", ["rules_v1", "model_v1", "hybrid_v1"])
def test_scan_with_each_builtin_scorer(docs, scorer):
    r = run("scan", "--scorer", scorer, str(docs / "spam.txt"), str(docs / "clean.txt"))
    assert r.returncode == 1, r.stderr
    reps = {rep["id"]: rep for rep in jsonl(r.stdout)}
    assert reps[str(docs / "spam.txt")]["verdict"] != "clean"
    assert reps[str(docs / "clean.txt")]["verdict"] == "clean"


def test_scan_rejects_an_unknown_scorer(docs):
    r = run("scan", "--scorer", "nope", str(docs / "spam.txt"))
    assert r.returncode == 2
    assert b"invalid choice" in r.stderr and b"hybrid_v1" in r.stderr
