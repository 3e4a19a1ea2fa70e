"""Decode fetched and archived web pages: the declared charset (BOM, Content-Type, then <meta>),
else strict UTF-8, else charset-normalizer's guess; with a warning whenever bytes were replaced or
the declaration was wrong."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded body, the codec used, and a warning (None when every byte decoded as declared)."""

    text: str
    encoding: str
    warning: str | None = None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str = "") -> str | None:
    """The charset the page declares: a BOM, the Content-Type header, or a <meta> in the first 4 KB."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    m = _HEADER_CHARSET.search(content_type or "")
    if m and _codec(m.group(1)):
        return _codec(m.group(1))
    m2 = _META_CHARSET.search(body[:4096])
    if m2:
        return _codec(m2.group(1).decode("ascii", "replace"))
    return None


def _guess(body: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return _codec(best.encoding) if best is not None else None


def _replaced(body: bytes, codec: str, first_bad: int) -> Decoded:
    text = body.decode(codec, errors="replace")
    bad = text.count("\ufffd") - body.decode(codec, errors="ignore").count("\ufffd")
    return Decoded(
        text,
        codec,
        f"{bad} undecodable byte sequence(s) as {codec} (first at byte {first_bad}) replaced by U+FFFD",
    )


def decode_body(body: bytes, content_type: str = "") -> Decoded:
    """Decode a page's bytes; see the module docstring for the order of evidence."""
    declared = declared_charset(body, content_type)
    tried = declared or "utf-8"
    try:
        return Decoded(body.decode(tried), tried)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if declared:
        return _replaced(body, declared, first_bad)
    # Nothing declared and not UTF-8. Mostly-UTF-8 text with a stray byte stays UTF-8; otherwise
    # the bytes are in some legacy charset: ask the detector.
    non_ascii = sum(1 for b in body if b > 0x7F) or 1
    bad_bytes = len(body) - len(body.decode("utf-8", errors="ignore").encode("utf-8"))
    if bad_bytes / non_ascii <= 0.25:
        return _replaced(body, "utf-8", first_bad)
    guess = _guess(body)
    if guess and guess != "utf-8":
        try:
            text = body.decode(guess)
        except UnicodeDecodeError:
            pass
        else:
            return Decoded(
                text, guess, f"no charset declared and the bytes are not UTF-8; decoded as {guess} (detected)"
            )
    return _replaced(body, "utf-8", first_bad)
