"""Unit tests for reading CLI inputs: formats, sniffing, and every kind of bad input."""

from __future__ import annotations

import io
import json

import pytest

from spamscalpel.inputs import decode, looks_like_html, read_inputs


def _records(paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


def test_plain_text_file(tmp_path):
    p = tmp_path / "note.txt"
    p.write_text("Water the beans every evening.", encoding="utf-8")
    (rec,) = _records([p])
    assert rec.error is None and rec.document.format == "text"
    assert rec.document.text == "Water the beans every evening."
    assert rec.id == str(p)


def test_html_by_extension_and_by_sniffing(tmp_path):
    (tmp_path / "a.html").write_text("<p>hello</p>", encoding="utf-8")
    (tmp_path / "b.page").write_text("<!DOCTYPE html><html><body><p>hi</p></body></html>", encoding="utf-8")
    recs = _records([tmp_path / "a.html", tmp_path / "b.page"])
    assert [r.document.format for r in recs] == ["html", "html"]


def test_jsonl_by_extension_and_by_sniffing(tmp_path):
    lines = [{"id": "a", "text": "one"}, {"id": "b", "html": "<p>two</p>"}]
    body = "\n".join(json.dumps(x) for x in lines) + "\n"
    (tmp_path / "x.jsonl").write_text(body, encoding="utf-8")
    (tmp_path / "y.dump").write_text(body, encoding="utf-8")
    for name in ("x.jsonl", "y.dump"):
        recs = _records([tmp_path / name])
        assert [r.id for r in recs] == ["a", "b"]
        assert [r.document.format for r in recs] == ["text", "html"]
        assert recs[1].field == "html" and recs[1].fields == lines[1]


def test_stdin_text_and_jsonl():
    (rec,) = read_inputs(["-"], stdin=io.BytesIO(b"plain words here"))
    assert rec.id == "-" and rec.document.text == "plain words here"
    recs = list(read_inputs(["-"], stdin=io.BytesIO(b'{"id": "r1", "text": "hi"}\n')))
    assert [r.id for r in recs] == ["r1"]


def test_forced_input_format(tmp_path):
    p = tmp_path / "page.txt"
    p.write_text("<p>a</p><p>b</p>", encoding="utf-8")
    assert _records([p])[0].document.format == "text"
    assert _records([p], input_format="html")[0].document.format == "html"
    with pytest.raises(ValueError, match="auto, text, jsonl, html"):
        _records([p], input_format="pdf")


def test_directory_recursive_skips_hidden(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("alpha", encoding="utf-8")
    (tmp_path / "sub" / "b.txt").write_text("beta", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    (tmp_path / ".git" / "c.txt").write_text("gamma", encoding="utf-8")
    recs = _records([tmp_path])
    assert sorted(r.document.text for r in recs) == ["alpha", "beta"]
    assert sorted(r.rel for r in recs) == ["a.txt", "sub/b.txt"]


def test_empty_directory_is_one_error(tmp_path):
    (rec,) = _records([tmp_path])
    assert rec.document is None and "no files" in rec.error and str(tmp_path) in rec.error


def test_missing_file(tmp_path):
    (rec,) = _records([tmp_path / "nope.txt"])
    assert "no such file" in rec.error and "nope.txt" in rec.error


def test_empty_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    (rec,) = _records([p])
    assert "empty" in rec.error and "empty.txt" in rec.error


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00" * 20, bytes(range(1, 32)) * 30])
def test_binary_file(tmp_path, data):
    p = tmp_path / "blob.bin"
    p.write_bytes(data)
    (rec,) = _records([p])
    assert "binary" in rec.error and "blob.bin" in rec.error


def test_invalid_utf8_is_replaced_with_a_warning(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes("Caf\u00e9 garden, buy viagra".encode("latin-1"))
    (rec,) = _records([p])
    assert rec.error is None
    assert rec.document.text == "Caf\ufffd garden, buy viagra"
    assert "invalid UTF-8" in rec.warning and "latin.txt" in rec.warning


def test_decode_counts_bad_sequences_and_drops_bom():
    assert decode("x", b"\xef\xbb\xbfok") == ("ok", None)
    text, warning = decode("x", b"a\xffb\xfec")
    assert text == "a\ufffdb\ufffdc" and "2 bad" in warning


def test_huge_text_is_an_error(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("x" * 500, encoding="utf-8")
    (rec,) = _records([p], max_chars=100)
    assert "too long" in rec.error and "huge.txt" in rec.error


def test_jsonl_bad_lines_are_named_and_the_rest_read(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(
        b'{"id": "ok1", "text": "fine"}\n'
        b"{not json\n"
        b"\n"
        b"[1, 2]\n"
        b'{"id": "nobody"}\n'
        b'{"id": "num", "text": 5}\n'
        b'{"id": "big", "text": "' + b"y" * 300 + b'"}\n'
        b'{"text": "no id here"}\n'
    )
    recs = _records([p], max_chars=100)
    assert len(recs) == 7  # the blank line is not a record
    ok = [r for r in recs if r.error is None]
    assert [r.id for r in ok] == ["ok1", f"{p}:8"]
    errors = {r.id: r.error for r in recs if r.error}
    assert f"{p}:2: malformed JSON" in errors[f"{p}:2"]
    assert "expected a JSON object" in errors[f"{p}:4"]
    assert 'neither "text" nor "html"' in errors["nobody"]
    assert "must be a string" in errors["num"]
    assert "too long" in errors["big"] and f"{p}:7" in errors["big"]


def test_empty_jsonl_file(tmp_path):
    p = tmp_path / "none.jsonl"
    p.write_text("\n\n", encoding="utf-8")
    (rec,) = _records([p])
    assert "empty" in rec.error


def test_looks_like_html():
    assert looks_like_html("<html><body>x</body></html>")
    assert looks_like_html("intro <p>one</p> <p>two</p>")
    assert not looks_like_html("a < b and c > d")
