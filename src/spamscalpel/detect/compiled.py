"""One compiled prefilter: every lexicon term, the URL hints, the sales-frame shapes and the
obfuscation hints in a single hyperscan database, so a document with no candidate costs one scan.

Nearly every document of a crawl holds no spam at all, and for those the prefilter is the whole
cost of ``analyze``. The pure-Python prefilter (``finders.has_candidates`` before this module,
kept as the fallback) lower-cases the text, rewrites it with spaces for word boundaries and runs
an automaton over it, then tests substring hints for URLs, sales frames and obfuscations one by
one. Here all of that is one pass of a compiled automaton over the UTF-8 bytes.

The database only says which *kinds* of thing may be present (``LEXICON``, ``URL``, ``FRAME``,
``OBFUSCATION``); the callers in ``keywords`` confirm every kind except an ASCII term hit with the
exact Python checks, so the answers are the fallback's answers:

- A term is compiled as its words alone, ``word (non-alnum+ word)*``, caseless: a literal-led
  pattern, which hyperscan matches with its literal engines. The word boundaries the fallback
  asks for, ``(^|non-alnum) ... s? (non-alnum|$)``, are checked at each hit in the match callback
  (``_whole_word``), so for ASCII text a confirmed term hit is exact. (Compiled into the patterns
  themselves, the boundaries made a 9 MB database that took 15-35 s to build; as literals it is
  about 2.5 MB and builds in about a second. Ordinary English meets a term's letters inside a
  longer word about once per 2 KB, so the callbacks cost little.)
- For other text every pattern is a superset (a non-ASCII byte counts as a separator, ``\\s`` as
  any multi-byte character), and a hit is confirmed by the fallback.

The database is compiled at most once per process and kept, serialized, in a user cache folder
keyed by the lexicon version and a digest of the patterns (``SPAMSCALPEL_CACHE_DIR``, else
``$XDG_CACHE_HOME/spamscalpel``, else ``~/.cache/spamscalpel``). Without the optional
``hyperscan`` package ``scan_kinds`` returns None and the callers use the pure-Python path.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import platform
import re
import tempfile
import threading
import time
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("spamscalpel.prefilter")

LEXICON, URL, FRAME, OBFUSCATION = 0, 1, 2, 3  # kinds; a pattern id is 4 * index + kind

_NON_ALNUM = "[^a-zA-Z0-9]"
# Python's \s and \d on str, as bytes: the ASCII members exactly, any multi-byte character for the
# rest (a superset: every pattern that uses these is confirmed by the exact check).
_WS = r"(?:[\t-\r\x1c-\x20]|[\x80-\xff]{2,3})"
_DIGIT = r"(?:[0-9]|[\x80-\xff]{2,4})"
_FORMAT = 2  # bump when the meaning of the patterns changes


def _term_words(key: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", key) if w]


def _term_pattern(words: list[str]) -> str:
    """The words of one lexicon key in order, separators between them.

    Whole-word boundaries are not in the pattern: ``_whole_word`` checks them at each hit.
    """
    return f"{_NON_ALNUM}+".join(re.escape(w) for w in words)


_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _whole_word(data: bytes, end: int, lengths: tuple[int, ...]) -> bool:
    """Whether the term hit ending at ``end`` (words of ``lengths``, separator runs between) stands
    as whole words: ``(^|non-alnum) words s? (non-alnum|$)``, as the fallback's test means.

    A separator run is maximal (words end in an alphanumeric byte), so walking back over the
    words and the non-alphanumeric runs between them finds the start of the hit.
    """
    n = len(data)
    tail = end < n and data[end] in _ALNUM
    if tail and not (data[end] in b"sS" and (end + 1 == n or data[end + 1] not in _ALNUM)):
        return False
    pos = end - lengths[-1]
    for length in lengths[-2::-1]:
        while pos > 0 and data[pos - 1] not in _ALNUM:
            pos -= 1
        pos -= length
    return pos <= 0 or data[pos - 1] not in _ALNUM


def group_alternatives(rx: str, head: int) -> tuple[list[str], int] | None:
    """The top-level alternatives of the regex group whose body starts at ``rx[head]``, and the
    index of its closing parenthesis, minding escapes and character classes; None if it does not
    close."""
    depth, j, in_class, alts, start = 0, head, False, [], head
    while j < len(rx):
        c = rx[j]
        if c == "\\":
            j += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if rx[j + 1 : j + 2] == "]":  # "[]...]": the first "]" is a member
                j += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return [*alts, rx[start:j]], j
            depth -= 1
        elif c == "|" and depth == 0:
            alts.append(rx[start:j])
            start = j + 1
        j += 1
    return None


def _skip_group(rx: str, i: int) -> int:
    """Index just past the group that opens at ``rx[i]``."""
    found = group_alternatives(rx, i + 1)
    if found is None:
        raise ValueError(f"unbalanced group in {rx!r}")
    return found[1] + 1


def relaxed(rx: str) -> str:
    """A hyperscan form of a Python pattern that matches wherever the Python one does.

    Lookarounds are dropped (a weaker pattern), named groups become plain groups, ``\\s`` and
    ``\\d`` become byte classes that cover their Unicode meaning. ``\\b`` stays: an ASCII word
    boundary holds wherever a Unicode one does next to an ASCII letter.
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(rx):
        c = rx[i]
        if c == "\\":
            esc = rx[i : i + 2]
            if esc in (r"\s", r"\d", r"\w", r"\W", r"\S", r"\D") and in_class:
                raise ValueError(f"class escape {esc} inside [...] is not supported: {rx!r}")
            if esc in (r"\w", r"\W", r"\S", r"\D"):
                raise ValueError(f"{esc} outside a lookaround is not supported: {rx!r}")
            out.append(_WS if esc == r"\s" else _DIGIT if esc == r"\d" else esc)
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif rx.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _skip_group(rx, i)
            continue
        elif rx.startswith("(?P<", i):
            out.append("(?:")
            i = rx.index(">", i) + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def prefilter_patterns() -> list[tuple[str, int, bool]]:
    """Every pattern of the database as (regex, kind, caseless), deduplicated, in a fixed order."""
    return [p for p, _ in _patterns_and_words()]


def _patterns_and_words() -> list[tuple[tuple[str, int, bool], tuple[int, ...] | None]]:
    """Each pattern with, for a term that must stand as whole words, its words' byte lengths."""
    from ..lexicon import load_lexicon
    from ..normalize import _LEET_CHARS, _SPACED_HINTS
    from .keywords import _TLDS, _needs_boundary
    from .patterns import _KEYWORD_FRAMES, FRAMES

    lex = load_lexicon()
    pats: dict[tuple[str, int, bool], tuple[int, ...] | None] = {}
    for key in lex.terms:
        if key in lex.stop_terms:
            continue
        words = _term_words(key)
        if not words:
            continue
        # Scripts without word boundaries (Thai, CJK): the words in order, anywhere. A term with a
        # non-ASCII word is not checked either: its hits are on non-ASCII text, where every hit is
        # confirmed by the fallback, and the walk back cannot tell its letters from separators.
        # A pattern shared by keys that differ only in punctuation is checked only if every key is.
        check = _needs_boundary(key) and all(w.isascii() for w in words)
        lengths = tuple(len(w) for w in words) if check else None
        k = (_term_pattern(words), LEXICON, True)
        pats[k] = lengths if k not in pats else (pats[k] and lengths)
    for p in ("http", r"www\.", rf"\.(?:{_TLDS})\b"):
        pats[(p, URL, True)] = None
    for frame in FRAMES:
        if frame.name not in _KEYWORD_FRAMES:
            pats[(relaxed(frame.pattern.pattern), FRAME, True)] = None
    # Where the leet fold can edit (``normalize._LEET_MAY_FOLD``): one or two leet chars between
    # letters, or "@"/"$" after three letters; one pattern per leet char, which scans several times
    # faster than one class-led pattern. ("7th", "1960s" or "wow!" match none of them.)
    leet = "[" + re.escape(_LEET_CHARS) + "]"
    for c in _LEET_CHARS:
        pats[(f"[a-z]{re.escape(c)}{leet}?[a-z]", OBFUSCATION, True)] = None
    for c in "@$":
        pats[(f"[a-z]{{3}}{re.escape(c)}", OBFUSCATION, True)] = None
    for hint in _SPACED_HINTS.values():
        pats[(relaxed(hint.pattern.replace(r"[^\W\d_]", "[a-z]")), OBFUSCATION, True)] = None
    pats[("l[A-Z]", OBFUSCATION, False)] = None  # VlAGRA: case matters
    return list(pats.items())


def cache_dir() -> Path:
    """Where compiled databases are kept."""
    if os.environ.get("SPAMSCALPEL_CACHE_DIR"):
        return Path(os.environ["SPAMSCALPEL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spamscalpel"


def _compile(hs: Any, patterns: list[tuple[str, int, bool]]) -> Any:
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    # A term's hit may fail its boundary check and the same term stand whole later on: every hit of
    # a term is reported. Other kinds need one hit each.
    flags = [
        (0 if kind == LEXICON else hs.HS_FLAG_SINGLEMATCH) | (hs.HS_FLAG_CASELESS if ci else 0)
        for _, kind, ci in patterns
    ]
    db.compile(
        expressions=[p.encode("utf-8") for p, _, _ in patterns],
        ids=[4 * i + kind for i, (_, kind, _) in enumerate(patterns)],
        elements=len(patterns),
        flags=flags,
    )
    return db


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_POLICY = {"compile": os.environ.get("SPAMSCALPEL_PREFILTER", "") == "compile"}
_RECHECK_S = 30.0  # how often a process without a database looks for one another process compiled
_loaded: dict[str, tuple[Any, list[tuple[int, ...] | None]]] = {}  # version -> (database, word lengths)
_missing: dict[str, float] = {}  # version -> when to look for the cached file again
_lock = threading.Lock()


def allow_compile() -> None:
    """Let this process compile the database when no cached copy exists.

    Compiling takes about a second once per machine, which a batch job or a server pays gladly
    and a one-off ``scan`` of a page need not (its Python prefilter costs milliseconds): by default a process uses a cached database if there is
    one and the pure-Python prefilter otherwise (the same answers, slower). The corpus runner,
    Spark's driver and ``serve`` (in the background) call this; ``SPAMSCALPEL_PREFILTER=compile``
    does it for any process.
    """
    _POLICY["compile"] = True
    _missing.clear()


def database(lexicon_version: str) -> Any:
    """The compiled prefilter database (loaded from the cache, or compiled and cached when this
    process may compile, see ``allow_compile``), or None: hyperscan is not installed, or there is
    no cached copy yet and this process does not compile (it looks again every 30 s)."""
    loaded = _database_and_words(lexicon_version)
    return None if loaded is None else loaded[0]


def _database_and_words(lexicon_version: str) -> tuple[Any, list[tuple[int, ...] | None]] | None:
    """``database`` with, per pattern, the word lengths its hits are checked with (None: no check)."""
    loaded = _loaded.get(lexicon_version)
    if loaded is not None:
        return loaded
    if time.monotonic() < _missing.get(lexicon_version, 0.0):
        return None
    with _lock:
        if lexicon_version not in _loaded:
            patterns = _patterns_and_words()
            db = _load_or_compile(lexicon_version, [p for p, _ in patterns])
            if db is None:
                _missing[lexicon_version] = time.monotonic() + _RECHECK_S
                return None
            _loaded[lexicon_version] = (db, [w for _, w in patterns])
        return _loaded[lexicon_version]


def _load_or_compile(lexicon_version: str, patterns: list[tuple[str, int, bool]]) -> Any:
    try:
        import hyperscan as hs
    except ImportError:
        _missing[lexicon_version] = float("inf")
        return None
    digest = hashlib.sha256(
        repr((_FORMAT, patterns, hs.__version__, platform.machine())).encode("utf-8")
    ).hexdigest()[:16]
    path = cache_dir() / f"prefilter-{lexicon_version}-{digest}.hsdb"
    try:
        return hs.loadb(path.read_bytes(), hs.HS_MODE_BLOCK)
    except FileNotFoundError:
        if not _POLICY["compile"]:
            return None
    except Exception as exc:  # a truncated file, another CPU or hyperscan build: compile anew
        if not _POLICY["compile"]:
            return None
        log.warning("cached prefilter %s unusable (%s); recompiling", path, exc)
    db = _compile(hs, patterns)
    try:
        _write_atomic(path, hs.dumpb(db))
    except OSError as exc:  # a read-only home: the database still works for this process
        log.warning("could not cache the prefilter database in %s: %s", path.parent, exc)
    return db


def warm_in_background(lexicon_version: str) -> threading.Thread:
    """Compile (or load) the database in a daemon thread: a server starts at once and its analysis
    processes pick the cached file up when it is there."""
    allow_compile()
    t = threading.Thread(target=database, args=(lexicon_version,), name="prefilter-compile", daemon=True)
    t.start()
    return t


_local = threading.local()  # hyperscan scratch space is per thread


def _scratch(db: Any) -> Any:
    sc = getattr(_local, "scratch", None)
    if sc is None or getattr(_local, "db", None) is not db:
        import hyperscan as hs

        sc = _local.scratch = hs.Scratch(db)
        _local.db = db
    return sc


def _on_match(pid: int, start: int, end: int, flags: int, ctx: list) -> bool:
    kind = pid & 3
    if kind == LEXICON:
        mask, stop, data, words = ctx
        if mask & 1 and not stop:  # already known; nothing left to learn from term hits
            return False
        lengths = words[pid >> 2]
        if lengths is not None and not _whole_word(data, end, lengths):
            return False  # the term's letters inside a longer word: scan on
        ctx[0] = mask | 1
        return bool(stop)  # True stops the scan
    ctx[0] |= 1 << kind
    return False


def scan_kinds(data: bytes, lexicon_version: str, stop_at_term: bool) -> int | None:
    """Bit mask (1 << kind) of the kinds whose patterns match ``data``; None without hyperscan.

    With ``stop_at_term`` the scan stops at the first lexicon hit (the other bits are then partial).
    """
    loaded = _database_and_words(lexicon_version)
    if loaded is None:
        return None
    db, words = loaded
    ctx = [0, stop_at_term, data, words]
    try:
        db.scan(data, match_event_handler=_on_match, context=ctx, scratch=_scratch(db))
    except Exception as exc:
        if type(exc).__name__ != "ScanTerminated":
            raise
    return ctx[0]


@functools.cache
def _term_keys(lexicon_version: str) -> dict[int, tuple[tuple[str, Any, int], ...]] | None:
    """Per term pattern index, the lexicon keys it stands for: (key, term, chars of the key after
    its last word). None where some ASCII key has no pattern (a key of punctuation alone)."""
    from ..lexicon import load_lexicon

    lex = load_lexicon()
    index = {p: i for i, p in enumerate(prefilter_patterns())}
    keys: dict[int, list[tuple[str, Any, int]]] = {}
    complete = True
    for key, term in lex.terms.items():
        if key in lex.stop_terms:
            continue
        words = _term_words(key)
        i = index.get((_term_pattern(words), LEXICON, True)) if words else None
        if i is None:
            complete = complete and not key.isascii()
            continue
        keys.setdefault(i, []).append((key, term, len(key) - key.rindex(words[-1]) - len(words[-1])))
    return {i: tuple(v) for i, v in keys.items()} if complete else None


def _on_term(pid: int, start: int, end: int, flags: int, ends: array) -> bool:
    if pid & 3 == LEXICON:
        ends.append(pid >> 2)
        ends.append(end)
    return False


def term_hits(text: str, lexicon_version: str) -> Iterator[tuple[int, str, Any]] | None:
    """Every occurrence of every lexicon key in ASCII ``text`` as a substring, the answer of the
    keyword finder's automaton (``(end index, key, term)``, in no particular order), from one scan
    of the compiled database; None without it or for other text. (The scan's hits are kept as
    machine integers and read lazily: a page of 100,000 drug names holds 1.6 MB of them.)

    A key's pattern matches wherever the key does (its words with separator runs between), ending
    where its last word ends; each hit is confirmed by comparing the key with the text there.
    """
    if not text.isascii():
        return None
    loaded = _database_and_words(lexicon_version)
    keys = _term_keys(lexicon_version) if loaded is not None else None
    if keys is None:
        return None
    db = loaded[0]
    ends = array("q")
    db.scan(text.encode("ascii"), match_event_handler=_on_term, context=ends, scratch=_scratch(db))
    return _confirmed(text, ends, keys)


def _confirmed(text: str, ends: array, keys: dict) -> Iterator[tuple[int, str, Any]]:
    for j in range(0, len(ends), 2):
        end = ends[j + 1]
        for key, term, tail in keys.get(ends[j], ()):
            stop = end + tail
            if stop >= len(key) and text.startswith(key, stop - len(key)):
                yield stop - 1, key, term


def has(mask: int, kind: int) -> bool:
    """Whether ``kind`` is set in a mask from ``scan_kinds``."""
    return bool(mask >> kind & 1)


class SmallDatabase:
    """A few hyperscan patterns as one block-mode database: compiled once per machine (a few ms)
    and kept serialized in the cache folder beside the prefilter's, keyed by a digest of the
    patterns; each database keeps its own per-thread scratch, so databases do not evict each
    other's (``_scratch`` holds one per thread, for the prefilter)."""

    def __init__(self, expressions: list[bytes], caseless: bool = False, single_match: bool = False):
        self.expressions = expressions
        self._caseless, self._single = caseless, single_match
        self._db: Any = None
        self._unavailable = not expressions  # hyperscan compiles no empty database
        self._local = threading.local()
        self._lock = threading.Lock()

    def database(self) -> Any:
        """The database, or None without hyperscan (or without patterns)."""
        if self._db is None and not self._unavailable:
            with self._lock:
                if self._db is None and not self._unavailable:
                    try:
                        import hyperscan as hs
                    except ImportError:
                        self._unavailable = True
                        return None
                    self._db = self._load_or_compile(hs)
        return self._db

    def _load_or_compile(self, hs: Any) -> Any:
        """The database from the user cache folder, else compiled and cached there."""
        key = repr(
            (_FORMAT, self.expressions, self._caseless, self._single, hs.__version__, platform.machine())
        )
        path = cache_dir() / f"small-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.hsdb"
        try:
            return hs.loadb(path.read_bytes(), hs.HS_MODE_BLOCK)
        except Exception:  # absent, truncated, another CPU or hyperscan build: compile anew
            pass
        flag = (hs.HS_FLAG_CASELESS if self._caseless else 0) | (
            hs.HS_FLAG_SINGLEMATCH if self._single else 0
        )
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        n = len(self.expressions)
        db.compile(expressions=self.expressions, ids=list(range(n)), elements=n, flags=[flag] * n)
        try:
            _write_atomic(path, hs.dumpb(db))
        except OSError as exc:  # a read-only home: the database still works for this process
            log.warning("could not cache a small database in %s: %s", path.parent, exc)
        return db

    def scan(self, data: bytes, handler: Any, context: Any = None) -> bool | None:
        """Scan ``data``: True if ``handler`` stopped the scan (returned True), False if it ran to
        the end, None without a database."""
        db = self.database()
        if db is None:
            return None
        sc = getattr(self._local, "scratch", None)
        if sc is None:
            import hyperscan as hs

            sc = self._local.scratch = hs.Scratch(db)
        try:
            db.scan(data, match_event_handler=handler, context=context, scratch=sc)
        except Exception as exc:
            if type(exc).__name__ != "ScanTerminated":
                raise
            return True
        return False


class LiteralScanner:
    """Every occurrence of a fixed set of strings in ASCII text from one hyperscan scan: the hits
    an Aho-Corasick automaton of the same strings yields, as ``(end index, value)``, in no
    particular order. A pure-Python automaton walks about 30 ns per character; this scan a few.

    ``hits`` returns None without hyperscan or for text that is not ASCII (the caller keeps its
    automaton for those). The words are a ``SmallDatabase`` (compiled in 1-20 ms once per machine).
    """

    def __init__(self, items: dict[str, Any]):
        # Sorted, so that the database and its cache file do not follow the order of a set of
        # words (which follows the hash seed); words that are not ASCII never match ASCII text.
        self._items = sorted(((w, v) for w, v in items.items() if w and w.isascii()), key=lambda wv: wv[0])
        self._db = SmallDatabase(
            ["".join(f"\\x{b:02x}" for b in w.encode("ascii")).encode() for w, _ in self._items]
        )

    def hits(self, text: str) -> Iterator[tuple[int, Any]] | None:
        """The hits in ``text`` (read lazily from machine integers), or None (see the class)."""
        if not text.isascii():
            return None
        if not self._items:
            return iter(())
        ends = array("q")
        if self._db.scan(text.encode("ascii"), _on_literal, ends) is None:
            return None
        return self._read(ends)

    def _read(self, ends: array) -> Iterator[tuple[int, Any]]:
        items = self._items
        for j in range(0, len(ends), 2):
            yield ends[j + 1] - 1, items[ends[j]][1]


def _on_literal(pid: int, start: int, end: int, flags: int, ends: array) -> bool:
    ends.append(pid)
    ends.append(end)
    return False
