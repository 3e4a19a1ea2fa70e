"""One convention across commands: exit 0/1/2, --input-format vs --format, -q, - for stdin,
--color, the extra a command needs named in one line, shell completion, a site progress line."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from spamscalpel.cli import build_parser, main
from spamscalpel.commands import COMMAND_EXTRAS, COMMAND_MODULES
from test_site import site  # noqa: F401 - the fixture: a small local test site

ROOT = Path(__file__).resolve().parents[1]
SPAM = "The weather was mild. buy cheap viagra online with no prescription."
CLEAN = "The volunteers repainted the community hall and planted tulips along the path."


def _run(*args: str, stdin: str | bytes | None = None, env: dict | None = None, python: str = sys.executable):
    return subprocess.run(
        [python, "-m", "spamscalpel", *args],
        input=stdin,
        capture_output=True,
        text=not isinstance(stdin, bytes),
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
        timeout=300,
    )


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)))
    return path


# -- the extra each command needs ---------------------------------------------------------------
@pytest.fixture(scope="module")
def plain_python(tmp_path_factory) -> str:
    """A real virtual environment holding only what ``pip install .`` brings: the two core wheels."""
    venv = tmp_path_factory.mktemp("plain") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_dir = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    here = Path(sysconfig.get_paths()["purelib"])
    core = [p for p in here.iterdir() if p.name.startswith(("ahocorasick", "selectolax", "publicsuffixlist"))]
    assert len(core) >= 3, f"core dependencies not found in {here}"
    for p in core:
        (site_dir / p.name).symlink_to(p)
    (site_dir / "spamscalpel-src.pth").write_text(str(ROOT / "src") + "\n")
    return str(venv / "bin" / "python")


def test_plain_install_scans_and_each_other_command_names_its_extra(plain_python, tmp_path):
    py = plain_python
    assert _run("scan", "--example", "-q", python=py).returncode == 1  # the core runs
    data = _jsonl(tmp_path / "in.jsonl", [SPAM])
    cases = {
        "corpus": ["corpus", str(data), "--out", str(tmp_path / "o")],
        "spark": ["spark", str(data), "--out", str(tmp_path / "s")],
        "serve": ["serve", "--port", "9"],
        "site": ["site", "http://127.0.0.1:9/"],
    }
    assert set(cases) == set(COMMAND_EXTRAS)
    for command, args in cases.items():
        proc = _run(*args, python=py)
        extra = COMMAND_EXTRAS[command][0]
        assert proc.returncode == 2, (command, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr, (command, proc.stderr)
        assert f"pip install 'spamscalpel[{extra}]'" in lines[0] and lines[0].startswith(
            f"spamscalpel {command}:"
        )
    assert _run("wordpress", str(tmp_path / "none.sql"), python=py).returncode == 2  # runs, no such file


def _expand(extras: dict[str, list[str]], name: str) -> set[str]:
    out = {name}
    for req in extras[name]:
        if req.startswith("spamscalpel["):
            for inner in req[len("spamscalpel[") : req.index("]")].split(","):
                out |= _expand(extras, inner.strip())
    return out


def test_the_all_extra_covers_every_command_and_the_readme_lists_each():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    covered = _expand(extras, "all")
    readme = (ROOT / "README.md").read_text()
    for command, (extra, _modules) in COMMAND_EXTRAS.items():
        assert extra in covered, f"spamscalpel[all] lacks {extra!r}, which {command} needs"
        assert f"| `{extra}` |" in readme, f"README's table of extras lacks {extra}"


# -- exit status ----------------------------------------------------------------------------------
def test_corpus_exit_status_is_0_clean_1_spam_2_error(tmp_path):
    clean = _jsonl(tmp_path / "clean.jsonl", [CLEAN])
    spam = _jsonl(tmp_path / "spam.jsonl", [CLEAN, SPAM])
    assert main(["corpus", str(clean), "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["corpus", str(spam), "--out", str(tmp_path / "b"), "-q"]) == 1
    assert main(["corpus", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "c"), "-q"]) == 2
    (tmp_path / "bad.jsonl").write_text("{broken\n")
    assert main(["corpus", str(tmp_path / "bad.jsonl"), "--out", str(tmp_path / "d"), "-q"]) == 2


# -- --input-format and --format ------------------------------------------------------------------
def test_input_format_is_the_input_and_the_old_corpus_spelling_warns(tmp_path):
    data = tmp_path / "records.txt"  # a name that says nothing about the format
    data.write_text(json.dumps({"id": "a", "text": SPAM}) + "\n")
    new = _run("corpus", str(data), "--out", str(tmp_path / "new"), "--input-format", "jsonl")
    assert new.returncode == 1 and "deprecated" not in new.stderr, new.stderr
    old = _run("corpus", str(data), "--out", str(tmp_path / "old"), "--format", "jsonl")
    assert old.returncode == 1
    assert "--format is deprecated here; use --input-format" in old.stderr
    ann = lambda d: sorted(p.read_text() for p in (tmp_path / d / "annotations").glob("*.jsonl"))  # noqa: E731
    assert ann("new") == ann("old") and ann("new")
    for name in ("scan", "site", "wordpress"):
        sub = _subparser(name)
        fmt = next(a for a in sub._actions if "--format" in a.option_strings)
        assert "jsonl" in fmt.choices and "parquet" not in fmt.choices  # --format is the output


def _subparser(name: str):
    import argparse

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


# -- -q everywhere ------------------------------------------------------------------------------
def test_every_command_takes_q():
    for name in COMMAND_MODULES:
        if name == "completion":
            continue
        opts = {o for a in _subparser(name)._actions for o in a.option_strings}
        assert {"-q", "--quiet"} <= opts, name


def test_q_silences_the_summaries(tmp_path):
    data = _jsonl(tmp_path / "in.jsonl", [SPAM])
    loud = _run("corpus", str(data), "--out", str(tmp_path / "a"), "--no-progress")
    quiet = _run("corpus", str(data), "--out", str(tmp_path / "b"), "-q")
    assert "docs in" in loud.stderr and quiet.stderr == ""
    reports = tmp_path / "r.jsonl"
    reports.write_text(_run("scan", "--example", "-q").stdout)
    assert _run("report", str(reports), "-o", str(tmp_path / "r.html"), "-q").stderr == ""


# -- - for stdin ----------------------------------------------------------------------------------
def test_corpus_reads_stdin(tmp_path):
    records = "".join(json.dumps({"id": f"s{i}", "text": t}) + "\n" for i, t in enumerate([CLEAN, SPAM]))
    proc = _run("corpus", "-", "--out", str(tmp_path / "o"), "-q", stdin=records)
    assert proc.returncode == 1, proc.stderr
    ann = [
        json.loads(x)
        for p in (tmp_path / "o" / "annotations").glob("*.jsonl")
        for x in p.read_text().splitlines()
    ]
    assert sorted(r["id"] for r in ann) == ["s0", "s1"]
    gz = _run("corpus", "-", "--out", str(tmp_path / "g"), "-q", stdin=gzip.compress(records.encode()))
    assert gz.returncode == 1, gz.stderr


def test_wordpress_reads_stdin(tmp_path):
    dump = (
        "INSERT INTO `wp_posts` (ID, post_content, post_title) VALUES "
        "(7,'Water at dawn. <div style=\"display:none\">buy cheap viagra online</div>','Tomatoes');\n"
    )
    out = tmp_path / "clean.sql"
    proc = _run("wordpress", "-", "--out", str(out), stdin=dump)
    assert proc.returncode == 1, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert lines[0]["meta"]["row_id"] == "7" and lines[-1]["summary"]["dump"] == "-"
    assert "viagra" not in out.read_text() and "Water at dawn." in out.read_text()
    assert "spamscalpel wordpress:" in proc.stderr  # the summary, silenced by -q
    assert _run("wordpress", "-", "-q", stdin=dump).stderr == ""


# -- --color ------------------------------------------------------------------------------------------
def test_color_always_never_and_auto():
    always = _run("scan", "--example", "--format", "text", "--color", "always", "-q").stdout
    never = _run("scan", "--example", "--format", "text", "--color", "never", "-q").stdout
    auto = _run("scan", "--example", "--format", "text", "-q").stdout  # a pipe, not a terminal
    assert "\033[1;31m" in always and "\033[" not in never and "\033[" not in auto
    assert never.replace("\u00ab", "").replace("\u00bb", "") != "" and "INJECTED" in never
    forced = _run("scan", "--example", "--format", "text", "--color", "always", "-q", env={"NO_COLOR": "1"})
    assert "\033[" in forced.stdout  # an explicit --color always wins over NO_COLOR
    for name in ("scan", "site", "wordpress"):
        opts = {o for a in _subparser(name)._actions for o in a.option_strings}
        assert "--color" in opts, name


# -- site progress ------------------------------------------------------------------------------------
def test_site_prints_a_progress_line_per_page_on_stderr(site, capsys):  # noqa: F811
    status = main(["site", site + "/", "--allow-private", "--rate", "200", "--max-depth", "1"])
    captured = capsys.readouterr()
    progress = [line for line in captured.err.splitlines() if line.startswith("site: ")]
    pages = len(captured.out.splitlines()) - 1
    assert status == 1 and len(progress) == pages >= 3
    assert progress[0].startswith("site: 1/50 pages, ") and progress[-1].startswith(f"site: {pages}/50 pages")
    assert "site: " not in captured.out
    main(["site", site + "/", "--allow-private", "--rate", "200", "--max-depth", "1", "-q"])
    assert capsys.readouterr().err == ""


# -- shell completion -------------------------------------------------------------------------------
def _complete(script: str, words: list[str]) -> list[str]:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    line = " ".join(words)
    probe = (
        script
        + f"\nCOMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}; COMP_LINE={line!r}\n"
        + '_spamscalpel; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run([bash, "--norc", "--noprofile"], input=probe, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_bash_completion_offers_commands_options_and_values():
    script = _run("completion", "bash").stdout
    assert "complete -o filenames -F _spamscalpel spamscalpel" in script
    assert {"scan", "corpus", "completion"} <= set(_complete(script, ["spamscalpel", ""]))
    assert set(_complete(script, ["spamscalpel", "scan", "--fo"])) == {"--format"}
    assert set(_complete(script, ["spamscalpel", "scan", "--format", ""])) == {
        "jsonl",
        "json",
        "text",
        "sarif",
    }
    assert set(_complete(script, ["spamscalpel", "corpus", "--input-format", "p"])) == {"parquet"}
    assert set(_complete(script, ["spamscalpel", "completion", ""])) == {"bash", "zsh"}
    zsh = _run("completion", "zsh").stdout
    assert zsh.startswith("#compdef spamscalpel") and "bashcompinit" in zsh and "_spamscalpel()" in zsh
    if shutil.which("zsh"):
        proc = subprocess.run(
            ["zsh", "-f", "-c", zsh + "\nwhence -w _spamscalpel"], capture_output=True, text=True
        )
        assert "function" in proc.stdout, proc.stderr
