"""Charsets of archived and fetched pages: <meta> and detection, and a warning when bytes were replaced."""

from __future__ import annotations

import io
import json

import pytest

from spamscalpel.charset import decode_body

RU = "Наш сад цветёт весной, и мы рады гостям из соседних деревень. Купить дешёвые таблетки онлайн."


def test_meta_charset_only():
    body = f'<html><head><meta charset="windows-1251"></head><body><p>{RU}</p></body></html>'.encode("cp1251")
    d = decode_body(body, "text/html")
    assert RU in d.text and d.warning is None and d.encoding == "cp1251"
    body = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>'
        f"<body>{RU}</body></html>"
    ).encode("koi8-r")
    assert RU in decode_body(body, "text/html").text


def test_undeclared_legacy_bytes_are_detected_with_a_warning():
    d = decode_body(f"<html><body><p>{RU}</p></body></html>".encode("cp1251"), "text/html")
    assert RU in d.text and "\ufffd" not in d.text
    assert d.warning and "detected" in d.warning


def test_replaced_bytes_are_named():
    d = decode_body("café au lait".encode() + b" \xff.", "text/html; charset=utf-8")
    assert d.text.startswith("café au lait") and "\ufffd" in d.text
    assert d.warning and "1 undecodable" in d.warning and "U+FFFD" in d.warning
    assert decode_body("café".encode(), "").warning is None


def test_warc_page_with_meta_charset_decodes_and_warns_on_replacement(tmp_path, caplog):
    pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from spamscalpel.cli import main

    path = tmp_path / "crawl.warc.gz"
    pages = {
        "https://sad.example/": f'<html><head><meta charset="windows-1251"></head><body><p>{RU}</p></body></html>'.encode(
            "cp1251"
        ),
        "https://bad.example/": b"<html><body><p>Tomatoes \xff\xfe like sun.</p></body></html>",
    }
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages.items():
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8" if "bad" in url else "text/html")],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    out = tmp_path / "out"
    with caplog.at_level("WARNING"):
        main(["corpus", str(path), "--out", str(out), "-q", "--policy", "span"])
    cleaned = [json.loads(x) for p in (out / "cleaned").rglob("*.jsonl") for x in p.read_text().splitlines()]
    texts = " ".join(r.get("text", "") + r.get("html", "") for r in cleaned)
    assert "Наш сад цветёт весной" in texts  # not U+FFFD
    assert any("undecodable" in r.message and "bad.example" in r.message for r in caplog.records) or any(
        "undecodable" in r.getMessage() for r in caplog.records
    )
