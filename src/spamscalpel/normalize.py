"""Obfuscation folding with an offset map back to the original text.

Detectors read ``Normalized.text``; every offset they find is mapped back with
``Normalized.to_original`` so spans always index the caller's exact input.

Per character cluster (a base character plus its combining marks): NFKC and case folding
(``ß`` -> ``ss``), diacritics stripped from Latin letters (``viágra`` -> ``viagra``), decorating
marks dropped from Greek and Cyrillic letters, zero-width characters and soft hyphens removed.
Symbols NFKC would spell out as several chars of another kind (``…``, ``½``, ``™``) and marks
that belong to other scripts' letters (Devanagari, Arabic, Hebrew, Thai) stay as they are.

Per word: Cyrillic/Greek look-alikes folded to Latin in a word that also holds a Latin letter;
leetspeak (``v1agra``, ``c!alis``, ``ph@rmacy``, ``cia1is``) where a leet char sits between
letters, never in numbers, doses or codes (``20mg``, ``2010``, ``mp3``, ``pde5``, ``a03fa01``);
a lowercase ``l`` among capitals (``VlAGRA``); runs of four or more single letters with one
repeated space, hyphen, dot, underscore or asterisk between them (``v i a g r a``,
``p*r*o*z*a*c``) joined, the separators mapping to nothing.

Whitespace (NBSP and newlines included) stays as it is, one char each.

Lexicon keys must be folded with this same function (``normalize(key).text``) so that, for
example, ``générique`` in the lexicon meets ``generique`` in normalized text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .detect.compiled import SmallDatabase

__all__ = ["Normalized", "normalize", "needs_normalizing"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """Folded text plus a map from each folded character back to its source range."""

    text: str  # the folded text that detectors read
    source: str  # the exact original
    # starts[i]/ends[i]: half-open source range that produced normalized char i; None = identity.
    # They are OffsetSequence views over a segment map, so a long text costs a few segments, not
    # two ints per char; they index, iterate, slice and compare like tuples.
    starts: Sequence[int] | None = None
    ends: Sequence[int] | None = None

    @property
    def is_identity(self) -> bool:
        """True where normalized offsets equal original offsets."""
        return self.starts is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalized range to the half-open original range that covers it."""
        n = len(self.text)
        if not (0 <= start <= end <= n):
            raise ValueError(f"normalized range [{start}, {end}) outside [0, {n}]")
        if self.starts is None:
            return start, end
        if start == end:
            # An empty range is a point: put it where the next char begins (or at the very end).
            if start == n:
                return len(self.source), len(self.source)
            p = self.starts[start]
            if start > 0 and self.starts[start - 1] == p:
                # Inside one source char's expansion ("ß" -> "ss"): no source point lies there,
                # so answer with that char, which maps back to a range covering the point.
                return p, self.ends[start]
            return p, p
        return self.starts[start], self.ends[end - 1]

    def to_normalized(self, orig_start: int, orig_end: int) -> tuple[int, int]:
        """Map a half-open original range to the smallest normalized range whose sources overlap it."""
        m = len(self.source)
        if not (0 <= orig_start <= orig_end <= m):
            raise ValueError(f"original range [{orig_start}, {orig_end}) outside [0, {m}]")
        if self.starts is None:
            return orig_start, orig_end
        if orig_start == orig_end:
            p = bisect_left(self.starts, orig_start)
            return p, p
        s = bisect_right(self.ends, orig_start)  # first char whose source ends after orig_start
        e = bisect_left(self.starts, orig_end)  # first char whose source begins at/after orig_end
        if e < s:  # only removed characters (zero-width, separators) lie in the range
            e = s
        return s, e


class _OffsetMap:
    """Normalized position -> source range, stored as segments so long texts stay cheap.

    A segment is either an identity run (normalized char ``pos + k`` comes from source char
    ``src + k``) or a cluster (every normalized char in it comes from source ``[src, end)``).
    """

    __slots__ = ("pos", "src", "end", "length")

    def __init__(self) -> None:
        # Machine-integer arrays: text with an invisible between every letter has a segment per char.
        self.pos = array("q")  # normalized start of each segment
        self.src = array("q")  # source start of each segment
        self.end = array("q")  # -1 for an identity run, else the cluster's source end
        self.length = 0

    @classmethod
    def identity(cls, n: int) -> _OffsetMap:
        m = cls()
        m.add_identity(0, n)
        return m

    def add_identity(self, src: int, count: int) -> None:
        if count <= 0:
            return
        if self.pos and self.end[-1] < 0 and self.src[-1] + (self.length - self.pos[-1]) == src:
            self.length += count  # continues the previous run
            return
        self.pos.append(self.length)
        self.src.append(src)
        self.end.append(-1)
        self.length += count

    def add_cluster(self, src: int, end: int, count: int) -> None:
        if count <= 0:
            return
        self.pos.append(self.length)
        self.src.append(src)
        self.end.append(end)
        self.length += count

    def _segment(self, i: int) -> int:
        if not 0 <= i < self.length:
            raise IndexError(i)
        return bisect_right(self.pos, i) - 1

    def start_of(self, i: int) -> int:
        k = self._segment(i)
        return self.src[k] + (i - self.pos[k]) if self.end[k] < 0 else self.src[k]

    def end_of(self, i: int) -> int:
        k = self._segment(i)
        return self.src[k] + (i - self.pos[k]) + 1 if self.end[k] < 0 else self.end[k]

    def keep(self, ranges: list[tuple[int, int]]) -> _OffsetMap:
        """A map of only the normalized chars in ``ranges`` (sorted, disjoint), in order."""
        out = _OffsetMap()
        nseg = len(self.pos)
        for x, y in ranges:
            if x >= y:
                continue
            k = self._segment(x)
            while x < y:
                seg_end = self.pos[k + 1] if k + 1 < nseg else self.length
                hi = min(y, seg_end)
                if self.end[k] < 0:
                    out.add_identity(self.src[k] + (x - self.pos[k]), hi - x)
                else:
                    out.add_cluster(self.src[k], self.end[k], hi - x)
                x = hi
                k += 1
        return out

    def iter_side(self, ends: bool):
        nseg = len(self.pos)
        for k in range(nseg):
            count = (self.pos[k + 1] if k + 1 < nseg else self.length) - self.pos[k]
            if self.end[k] < 0:
                base = self.src[k] + (1 if ends else 0)
                yield from range(base, base + count)
            else:
                v = self.end[k] if ends else self.src[k]
                for _ in range(count):
                    yield v


class OffsetSequence(Sequence):
    """Read-only ``starts`` or ``ends`` of a ``Normalized``: indexable, iterable, comparable."""

    __slots__ = ("_map", "_ends")

    def __init__(self, offset_map: _OffsetMap, ends: bool) -> None:
        self._map = offset_map
        self._ends = ends

    def __len__(self) -> int:
        return self._map.length

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return self._map.end_of(i) if self._ends else self._map.start_of(i)

    def __iter__(self):
        return self._map.iter_side(self._ends)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=False))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"OffsetSequence({'ends' if self._ends else 'starts'}, {len(self)} chars, {len(self._map.pos)} segments)"


def _views(offset_map: _OffsetMap | None) -> tuple[OffsetSequence | None, OffsetSequence | None]:
    if offset_map is None:
        return None, None
    return OffsetSequence(offset_map, False), OffsetSequence(offset_map, True)


# ---------------------------------------------------------------------------------------------
# Character data. Kept here as data, apart from the logic below.

# Removed outright: they render as nothing and are used to split keywords apart.
_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
# Combining marks that decorate letters (underline, strike-through, accents, enclosing).
_DECORATING_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"

# Look-alikes (after case folding) -> Latin. Only applied in a token that has a Latin letter.
_CONFUSABLE_LOWER = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "һ": "h", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ѵ": "v", "ɡ": "g", "ı": "i", "ɑ": "a",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u",
    "ν": "v", "ο": "o", "ρ": "p", "σ": "o", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
}  # fmt: skip
# Capitals that look like a different Latin letter than their lowercase form does (Greek Eta
# is an H, Nu an N, Mu an M, Upsilon a Y); looked up on the source character.
_CONFUSABLE_UPPER = {"Η": "h", "Ν": "n", "Μ": "m", "Υ": "y", "Ρ": "p", "Χ": "x", "Ѕ": "s"}


def _with_accented_forms(table: dict[str, str]) -> dict[str, str]:
    """Add the accented Greek and Cyrillic letters whose base letter is a look-alike (ί -> i)."""
    out = dict(table)
    for o in [*range(0x370, 0x530), *range(0x1F00, 0x2000)]:
        c = chr(o)
        base = unicodedata.normalize("NFKD", c.casefold())[:1]
        if c == c.casefold() and base in table and c not in out:
            out[c] = table[base]
    return out


_CONFUSABLE_LOWER = _with_accented_forms(_CONFUSABLE_LOWER)
_CONF_CLASS = "".join(sorted(_CONFUSABLE_LOWER))
_CONF_TABLE = str.maketrans(_CONFUSABLE_LOWER)

# Leetspeak: character -> letter. "1" and "|" become "l" next to an "i" (cia1is) and "i" otherwise.
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "i"}
_LEET_CHARS = "013457@$!|"
# "!" and "|" are also punctuation ("wow!", "Home|About"): they never end a word, and between
# letters they only count when one side is a fragment of at most this many letters.
_PUNCT_LEET = "!|"
_PUNCT_LEET_MAX_SIDE = 2
_LEET_MIN_LETTERS = 3  # fewer letters in the word and it is a code or unit (h1n1, mp3), not a word
_LEET_MAX_WORD = 64  # a longer run of word chars and leet symbols is a blob, not an obfuscated word

_L = r"[^\W\d_]"  # a letter in any script
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_LC = re.escape(_LEET_CHARS)

# Candidate finders. Each starts with a character class that is rare in ordinary text, so the
# regex engine skips ahead in C; the few hits are expanded to their word in Python.
_LEET_HIT = re.compile(f"[{_LC}](?:(?=[a-z])|(?<=[a-z].))")
_LEET_SEGMENT_TAIL = re.compile(rf"[\w{_LC}]*")
# Where the leet fold can edit at all: a run of one or two leet chars between letters, or "@"/"$"
# after three letters (``_fold_leet_segment`` folds nothing else: a digit at a word's end only
# with a run between letters elsewhere in the word, "!" and "|" only between letters). Most
# "7th", "1960s" and "wow!" have neither, and the fold need not walk them.
_LEET_MAY_FOLD = re.compile(rf"[{_LC}](?:(?<=[a-z].)[{_LC}]?[a-z]|(?<=[a-z]{{3}}[@$]))")
# One hint per separator: a literal first char lets the engine jump between candidates.
_SPACED_HINTS = {
    sep: re.compile(rf"{re.escape(sep)}{_L}{re.escape(sep)}{_L}{re.escape(sep)}") for sep in " ._-*"
}
_UPPER_L_HINT = re.compile(r"l[A-Z]")
_ASCII_WORD_TAIL = re.compile(r"[A-Za-z]*")
_UPPER_L_WORD = re.compile(r"[A-Z]+(?:l[A-Z]+)+")
_LATIN_RUN = re.compile(r"[a-z]+")
_NONASCII_WORD_RUN = re.compile(r"[^\W\x00-\x7f]+")
_WORD_TAIL = re.compile(r"\w*")
_CONF_RE = re.compile(f"[{_CONF_CLASS}]")
_LATIN_RE = re.compile("[a-z]")
# Four or more single letters with one identical separator between each.
_SPACED = re.compile(rf"(?<![^\W_]){_L}([ ._*-]){_L}(?:\1{_L}){{2,}}(?![^\W_])")


# ---------------------------------------------------------------------------------------------
# Stage A: per-cluster folding.


def _is_latin(ch: str) -> bool:
    o = ord(ch)
    return (
        o < 0x80
        or 0xC0 <= o <= 0x2AF
        or 0x1E00 <= o <= 0x1EFF
        or 0x2C60 <= o <= 0x2C7F
        or 0xA720 <= o <= 0xA7FF
    )


def _is_greek_or_cyrillic(ch: str) -> bool:
    o = ord(ch)
    return 0x370 <= o <= 0x52F or 0x1F00 <= o <= 0x1FFF or 0x1C80 <= o <= 0x1C8F


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M"


_DECORATING_RE = re.compile(f"[{_DECORATING_MARKS}]")
_INVISIBLE_SET = frozenset(_INVISIBLE)


@lru_cache(maxsize=8192)
def _fold_cluster(cluster: str) -> str:
    """Fold one base character plus its marks; the result never mixes word and non-word chars."""
    if cluster[0] in _INVISIBLE_SET:
        return ""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", cluster).casefold())
    base = next((c for c in folded if not _is_mark(c)), "")
    if not base:  # marks with nothing under them (a token starting with a mark)
        out = _DECORATING_RE.sub("", unicodedata.normalize("NFKC", folded))
    elif _is_latin(base):
        # Strip every mark: accents and underlines alike are decoration on a Latin letter.
        out = unicodedata.normalize("NFKC", "".join(c for c in folded if not _is_mark(c)))
    else:
        out = unicodedata.normalize("NFKC", folded)
        if _is_greek_or_cyrillic(base):
            out = _DECORATING_RE.sub("", out)
    out = "".join(c for c in out if c not in _INVISIBLE_SET)
    # NFKC may turn one symbol into several of different kinds ("½" -> "1⁄2", "™" -> "tm");
    # a word must not grow or split because of it, so such symbols are kept as they are.
    src_word = _is_word(cluster[0])
    if out and any(_is_word(c) != src_word for c in out):
        out = cluster[0].casefold()
    elif not src_word and len(out) > 1:
        # Punctuation that NFKC spells out ("…" -> "...") carries no keyword; keeping it whole
        # spares the document an offset map.
        out = cluster[0].casefold()
    return out


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _is_unstable(c: str) -> bool:
    """True where folding ``c`` as a cluster gives more than ``c.casefold()``, one char for one."""
    if c in _INVISIBLE_SET or _DECORATING_RE.match(c):
        return True
    if _is_mark(c):
        # Vowel signs and points of Indic, Arabic, Hebrew, Thai... are part of their letters,
        # not decoration: they stay as they are, and such text keeps the fast path.
        return unicodedata.normalize("NFKC", c) != c
    cf = c.casefold()
    if len(cf) != 1:
        return True
    for x in (c, cf):
        d = unicodedata.decomposition(x)
        if not d:
            continue
        if d.startswith("<") or unicodedata.normalize("NFKC", x) != x:
            return True  # a compatibility form (fullwidth, ligature, math letter) or a singleton
        if _is_latin(chr(int(d.split()[0], 16))):
            return True  # an accented Latin letter loses its accent
    return False


@lru_cache(maxsize=1)
def _unstable_re() -> re.Pattern[str]:
    """A class of every char that needs cluster folding; built once, on the first non-ASCII text.

    Computed from this Python's Unicode tables (about 50 ms) rather than shipped, so it always
    agrees with ``unicodedata``. Whitespace is left out: it stays as it is. Astral chars are all
    in, since mathematical letters there need NFKC and the rest is rare.
    """
    ranges: list[str] = []
    run_start = -1
    for o in range(0x80, 0x10001):
        hit = o < 0x10000 and not (0xD800 <= o <= 0xDFFF) and not chr(o).isspace() and _is_unstable(chr(o))
        if hit and run_start < 0:
            run_start = o
        elif not hit and run_start >= 0:
            ranges.append(f"{re.escape(chr(run_start))}-{re.escape(chr(o - 1))}")
            run_start = -1
    ranges.append("\U00010000-\U0010ffff")
    return re.compile(f"[{''.join(ranges)}]")


def _fold_chars(text: str) -> tuple[str, _OffsetMap | None]:
    """Stage A: NFKC, case folding, marks and invisibles; a map only where lengths changed."""
    if text.isascii():
        return text.lower(), None
    n = len(text)
    # One pass builds the folded text and its map; the map is dropped when every cluster kept its
    # length (fullwidth letters, accents stripped, ...). No list of clusters is kept on the way:
    # text with an invisible between every letter has a cluster per character.
    out = io.StringIO()  # not a list of pieces: one piece per invisible would cost more than the text
    omap = _OffsetMap()
    same_length = True
    pos = done = 0
    for m in _unstable_re().finditer(text):
        p = m.start()
        if p < done:
            continue  # a mark already folded with its base
        a = p
        if _is_mark(text[p]):
            # A mark belongs to the char before its run of marks, unless that is whitespace.
            while a > done and _is_mark(text[a - 1]):
                a -= 1
            if a > done and not text[a - 1].isspace():
                a -= 1
        b = p + 1
        while b < n and _is_mark(text[b]):
            b += 1
        f = _fold_cluster(text[a:b])
        same_length = same_length and b - a == len(f)
        if pos < a:
            out.write(text[pos:a].casefold())
            omap.add_identity(pos, a - pos)
        if f:
            out.write(f)
            omap.add_cluster(a, b, len(f))
        pos = done = b
    if not done:
        return text.casefold(), None
    if pos < n:
        out.write(text[pos:].casefold())
        omap.add_identity(pos, n - pos)
    return out.getvalue(), (None if same_length else omap)


# ---------------------------------------------------------------------------------------------
# Stage B: token rewrites on the folded text. Substitutions are one char for one char, so only
# the spaced-letter join touches the map.


def _source_char(source: str, starts: Sequence[int] | None, i: int) -> str:
    return source[i] if starts is None else source[starts[i]]


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _expand(text: str, p: int, tail: re.Pattern[str], member) -> tuple[int, int]:
    """The maximal run around position p of chars that ``member`` accepts (``tail`` matches them)."""
    a = p
    while a > 0 and member(text[a - 1]):
        a -= 1
    return a, tail.match(text, p).end()


def _fold_confusables(text: str, source: str, starts: Sequence[int] | None, edits: dict[int, str]) -> None:
    # Walk whichever side is rarer: Latin runs in Cyrillic/Greek prose, non-ASCII runs otherwise.
    if _CONF_RE.search(text) is None:
        return
    n = len(text)
    non_ascii = n - len(text.encode("ascii", "ignore"))
    finder = _LATIN_RUN if 2 * non_ascii > n else _NONASCII_WORD_RUN
    done = -1
    for m in finder.finditer(text):
        p, q = m.span()
        if p < done or (
            (p == 0 or not _is_word_char(text[p - 1])) and (q == n or not _is_word_char(text[q]))
        ):
            continue  # already seen, or the run is a whole word in one script
        a, b = _expand(text, p, _WORD_TAIL, _is_word_char)
        done = b
        word = text[a:b]
        if _LATIN_RE.search(word) is None or _CONF_RE.search(word) is None:
            continue
        for k, ch in enumerate(word):
            if ch in _CONFUSABLE_LOWER:
                i = a + k
                src = unicodedata.normalize("NFKC", _source_char(source, starts, i))
                edits[i] = _CONFUSABLE_UPPER.get(src[:1], ch.translate(_CONF_TABLE))


def _alpha_run(word: str, k: int, step: int) -> int:
    """Number of Latin letters next to position k going in direction step."""
    n = 0
    k += step
    while 0 <= k < len(word) and word[k] in _ASCII_LETTERS:
        n += 1
        k += step
    return n


def _is_leet_member(c: str) -> bool:
    return c.isalnum() or c == "_" or c in _LEET


def _leet_hits(text: str):
    """Positions of leet chars that touch a Latin letter."""
    for m in _LEET_HIT.finditer(text):
        yield m.start()


def _fold_leet(text: str, edits: dict[int, str]) -> None:
    if not any(c in text for c in _LEET_CHARS):  # memchr-fast; most prose stops here
        return
    done = -1
    for i in _leet_hits(text):
        if i < done:
            continue
        a, b = _expand(text, i, _LEET_SEGMENT_TAIL, _is_leet_member)
        done = b
        _fold_leet_segment(text, a, b, edits)


def _fold_leet_segment(text: str, a: int, b: int, edits: dict[int, str]) -> None:
    """Fold leet chars in text[a:b], a run of word chars and leet symbols."""
    if b - a > _LEET_MAX_WORD:
        # No keyword is this long (a blob, a hash): only its symbol-separated parts can be words.
        # Splitting at every symbol keeps each part folding the same alone as in the blob.
        pos = a
        for q in range(a, b):
            if not _is_word_char(text[q]):
                if pos < q:
                    _fold_leet_segment(text, pos, q, edits)
                pos = q + 1
        if pos < b and pos > a:
            _fold_leet_segment(text, pos, b, edits)
        return
    word = text[a:b]
    if sum(c in _ASCII_LETTERS for c in word) < _LEET_MIN_LETTERS:
        return
    # john@example.com is an address, not a word with an "a" in it.
    email = "@" in word and b + 1 < len(text) and text[b] == "." and text[b + 1].isalnum()
    n = len(word)
    chunks: list[list] = []  # [start, end, convert] per run of leet chars
    k = 0
    while k < n:
        if word[k] not in _LEET:
            k += 1
            continue
        j = k
        while j < n and word[j] in _LEET:
            j += 1
        chunk = word[k:j]
        left = _alpha_run(word, k, -1)
        right = _alpha_run(word, j - 1, +1)
        between = left > 0 and right > 0 and len(chunk) <= 2
        at_end = j == n and left >= 3 and len(chunk) == 1
        if any(c in _PUNCT_LEET for c in chunk):
            ok = between and min(left, right) <= _PUNCT_LEET_MAX_SIDE
        else:
            ok = between or at_end
        if ok and email and "@" in chunk:
            ok = False
        chunks.append([k, j, ok, between])
        k = j
    # Digits: a trailing one only counts once the word is plainly obfuscated elsewhere (v1agr4,
    # not pde5 or big5); and one digit that cannot be a letter makes the word a code (a03fa01,
    # covid19, sk8er), whose digits all stay.
    digit_chunks = [c for c in chunks if any(ch.isdigit() for ch in word[c[0] : c[1]])]
    for c in digit_chunks:
        if c[2] and not c[3] and not any(o[3] and o[2] for o in chunks if o is not c):
            c[2] = False
    is_code = any(ch.isdigit() and ch not in _LEET for ch in word) or any(not c[2] for c in digit_chunks)
    if is_code:
        for c in digit_chunks:
            c[2] = False
    # A symbol left alone (@ $ ! |) splits the run into words, and each of those words must fold
    # the same way on its own as inside the run: fold the pieces as runs of their own.
    kept = [(k, j) for k, j, ok, _ in chunks if not ok and not word[k:j].isalnum()]
    if kept:
        pos = a
        for k, j in kept:
            for q in range(k, j):
                if not word[q].isalnum():
                    if pos < a + q:
                        _fold_leet_segment(text, pos, a + q, edits)
                    pos = a + q + 1
        if pos < b:
            _fold_leet_segment(text, pos, b, edits)
        return
    for k, j, ok, _ in chunks:
        if not ok:
            continue
        for q in range(k, j):
            c = word[q]
            letter = _LEET[c]
            if c in "1|":
                near = word[q - 1 : q] + word[q + 1 : q + 2]
                letter = "l" if "i" in near else "i"
            edits[a + q] = letter


def _upper_l_words(source: str):
    """Source ranges of all-capital words with a lowercase l among the capitals (VlAGRA)."""
    done = -1
    for m in _UPPER_L_HINT.finditer(source):
        if m.start() < done:
            continue
        a, b = _expand(source, m.start(), _ASCII_WORD_TAIL, lambda c: c.isascii() and c.isalpha())
        done = b
        if _UPPER_L_WORD.fullmatch(source, a, b):
            yield a, b


def _fold_upper_l(text: str, source: str, starts: Sequence[int] | None, edits: dict[int, str]) -> None:
    # A lowercase l among capitals stands for an I. Found on the source, where case lives.
    for a, b in _upper_l_words(source):
        for p in range(a, b):
            if source[p] != "l":
                continue
            if starts is None:
                i = p
            else:
                i = bisect_left(starts, p)
                if i >= len(starts) or starts[i] != p:
                    continue
            if text[i] == "l":
                edits[i] = "i"


def _apply_edits(text: str, edits: dict[int, str]) -> str:
    if not edits:
        return text
    # Splice by slices: a long text with a few edits never becomes a list of single chars.
    out: list[str] = []
    pos = 0
    for i in sorted(edits):
        out.append(text[pos:i])
        out.append(edits[i])
        pos = i + 1
    out.append(text[pos:])
    return "".join(out)


# The ``_SPACED_HINTS`` for ASCII text as one compiled database. Python's engine tries the space
# hint at every space of a page (about 12 us per 2 KB of prose); one compiled pass answers whether
# any hint is there at all. On ASCII, ``[a-z]`` caseless is ``_L``.
_SPACED_HINT_DB = SmallDatabase(
    [f"{re.escape(s)}[a-z]{re.escape(s)}[a-z]{re.escape(s)}".encode("ascii") for s in _SPACED_HINTS],
    caseless=True,
    single_match=True,
)


def _stop(*_args) -> bool:
    return True  # the first hint answers the question


def _may_have_spaced_hint(text: str) -> bool:
    """False only where no ``_SPACED_HINTS`` pattern matches ``text`` (True: perhaps, ask the regexes)."""
    if not text.isascii():
        return True
    return _SPACED_HINT_DB.scan(text.encode("ascii"), _stop) is not False


def _spaced_runs(text: str) -> list[re.Match[str]]:
    """Non-overlapping matches of ``_SPACED``, found from hints so prose costs a few fast scans."""
    found: list[re.Match[str]] = []
    if not _may_have_spaced_hint(text):
        return found
    for sep, hint in _SPACED_HINTS.items():
        if sep not in text:
            continue
        done = -1
        for h in hint.finditer(text):
            p = h.start()
            if p < done:
                continue
            start = p - 1 if p > 0 else p + 1
            while start >= 2 and text[start - 1] == sep and text[start - 2].isalpha():
                start -= 2
            for q in range(start, p + 2, 2):
                m = _SPACED.match(text, q)
                if m:
                    done = m.end()
                    found.append(m)
                    break
    if len(found) > 1:
        found.sort(key=lambda m: m.start())
        kept = [found[0]]
        for m in found[1:]:
            if m.start() >= kept[-1].end():
                kept.append(m)
        found = kept
    return found


def _join_spaced(text: str, omap: _OffsetMap | None) -> tuple[str, _OffsetMap | None]:
    """Join runs of spaced-apart single letters; the separators map to nothing."""
    runs = _spaced_runs(text)
    if not runs:
        return text, omap
    if omap is None:
        omap = _OffsetMap.identity(len(text))
    out: list[str] = []
    keep: list[tuple[int, int]] = []
    pos = 0
    for m in runs:
        a, b = m.span()
        out.append(text[pos:a])
        keep.append((pos, a))
        out.append(text[a:b:2])  # letters sit at every other position of the run
        keep.extend((i, i + 1) for i in range(a, b, 2))
        pos = b
    out.append(text[pos:])
    keep.append((pos, len(text)))
    return "".join(out), omap.keep(keep)


def _ascii_is_plain(text: str, lowered: str) -> bool:
    """True where no sign of leet, spaced letters or VlAGRA is present (``lowered`` is the folded text)."""
    return not _leet_edits(lowered) and not _spaced_runs(lowered) and next(_upper_l_words(text), None) is None


def _leet_edits(lowered: str) -> bool:
    """Whether the leet fold changes ``lowered``: the fold itself, since a leet char next to a
    letter is in about one ordinary document in six ("7th", "1960s", "wow!") and seldom folds."""
    if _LEET_MAY_FOLD.search(lowered) is None:
        return False
    edits: dict[int, str] = {}
    _fold_leet(lowered, edits)
    return bool(edits)


def needs_normalizing(text: str) -> bool:
    """Cheap check: False means ``normalize(text)`` is just ``text.casefold()`` with an identity map."""
    if text.isascii():
        return not _ascii_is_plain(text, text.lower())
    if _unstable_re().search(text) is not None:
        return True
    folded = text.casefold()
    edits: dict[int, str] = {}
    _fold_confusables(folded, text, None, edits)
    return bool(edits) or not _ascii_is_plain(text, folded)


def normalize(text: str) -> Normalized:
    """Fold obfuscations out of ``text``, keeping a map from every folded char to its source."""
    if not isinstance(text, str):
        raise TypeError(f"normalize() takes str, not {type(text).__name__}")
    # Each stage below is a scan that hits rarely, so plain text costs lower() plus a few scans.
    folded, omap = _fold_chars(text)
    starts, _ = _views(omap)
    edits: dict[int, str] = {}
    if not folded.isascii():
        _fold_confusables(folded, text, starts, edits)
        folded = _apply_edits(folded, edits)
        edits = {}
    _fold_leet(folded, edits)
    _fold_upper_l(folded, text, starts, edits)
    folded = _apply_edits(folded, edits)
    folded, omap = _join_spaced(folded, omap)
    if folded == text:
        omap = None
    starts, ends = _views(omap)
    return Normalized(folded, text, starts, ends)
