"""Make hostile strings safe to analyse and to write: lone surrogates and non-finite numbers.

A JSON file may legally hold ``"\\ud800"``: Python decodes it to a lone surrogate, a code point
that UTF-8 cannot encode, so the first write of such a string raises. Readers and ``analyze``
replace each lone surrogate with U+FFFD, one code point for one, so every offset stays valid,
and say so in a warning. Writers escape any surrogate that still reaches them and write NaN
and infinities as ``null``, so their output is always valid JSON.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with every lone surrogate replaced by U+FFFD (same length), and how many there were."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text, 0
    return _SURROGATE.subn(REPLACEMENT, text)


def surrogate_warning(name: str, n: int) -> str:
    """The warning a reader attaches to a record that had ``n`` surrogates replaced."""
    return f"{name}: {n} lone surrogate(s) replaced with U+FFFD; offsets are unchanged"


def scrub(obj: Any) -> tuple[Any, int]:
    """A JSON-like value with lone surrogates replaced in every string (keys too), and how many.

    The value itself is returned, not a copy, when it holds none (the common case).
    """
    if isinstance(obj, str):
        return replace_surrogates(obj)
    if isinstance(obj, dict):
        total = 0
        out: dict[Any, Any] = {}
        for k, v in obj.items():
            k2, n1 = scrub(k) if isinstance(k, str) else (k, 0)
            v2, n2 = scrub(v)
            out[k2] = v2
            total += n1 + n2
        return (out, total) if total else (obj, 0)
    if isinstance(obj, list | tuple):
        items = [scrub(v) for v in obj]
        total = sum(n for _, n in items)
        return (type(obj)(v for v, _ in items), total) if total else (obj, 0)
    return obj, 0


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _escape_surrogate(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group(0)):04x}"


def dumps(obj: Any, **kw: Any) -> str:
    """``json.dumps`` that always yields valid JSON encodable as UTF-8.

    NaN and infinities become ``null``; a lone surrogate becomes its ``\\uXXXX`` escape (raw
    characters only occur inside JSON strings, where that escape means the same code point).
    """
    kw.setdefault("ensure_ascii", False)
    try:
        out = json.dumps(obj, allow_nan=False, **kw)
    except ValueError:  # a NaN or infinity somewhere: the fast path above is the common case
        out = json.dumps(_finite(obj), allow_nan=False, **kw)
    if out.isascii() or _SURROGATE.search(out) is None:
        return out
    return _SURROGATE.sub(_escape_surrogate, out)
