"""HTML to a text view with an offset map back to the raw HTML, hidden regions and links.

selectolax (lexbor, a real HTML5 parser) builds the tree and matches CSS selectors. It does not
expose source positions, so we also scan the raw HTML ourselves for the character data between
markup ("data runs") and align each text node of the tree, in document order, against those runs.
Every view character then knows the raw range it came from: a plain character its own position,
an entity such as ``&amp;`` its whole raw range, a CR LF pair both characters. Synthetic newlines
between blocks map to a zero-width position. When the tree and the raw order disagree (text the
parser moved out of a table, say) we search forward for the text, and as a last resort give it a
zero-width position at the cursor: offsets stay valid and monotonic whatever the input.
"""

from __future__ import annotations

import bisect
import io
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from html.entities import html5 as _HTML5_ENTITIES
from itertools import accumulate
from urllib.parse import urljoin

from .css import (
    ACCESSIBLE_CODES,
    HIDING_PROPERTIES,
    color_hex,
    hiding_reasons,
    iter_declarations,
    parse_color,
    parse_stylesheet,
    same_color,
)
from .markup import neutralize_source
from .view import Link, Region, TextView, link_domain

__all__ = ["html_view", "selector_path", "link_domain", "is_off_domain", "looks_like_html"]

# Elements whose content is never readable page text.
EXCLUDED_TAGS = frozenset({"script", "style", "template", "noscript", "iframe", "noembed", "noframes"})
# Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li
    listing main menu nav ol optgroup option p plaintext pre section summary table tbody td tfoot th
    thead title tr ul xmp textarea""".split()
)
# Class names (and ids) that mark text meant for screen readers or keyboard users only.
ACCESSIBILITY_NAMES = frozenset(
    """sr-only sr-only-focusable visually-hidden visuallyhidden screen-reader-text
    screen-reader-only screenreader-only show-for-sr element-invisible hidden-accessible
    a11y-hidden assistive-text u-hidden-visually skip-link skiplink skip-to-content skip-links
    screen-reader""".split()
)
META_NAMES = ("description", "keywords")

_WS = " \t\n\f\r"
_TAG_NAME = re.compile(r"[^\t\n\f\r />]*")
_SEP = re.compile(r"[\t\n\f\r /]*")
_ATTR_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r />=]*")
_SPACES = re.compile(r"[\t\n\f\r ]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
_COMMENT_END = re.compile(r"--!?>")
_SPECIAL = re.compile(r"[&\r\x00]")
_SPECIAL_LITERAL = re.compile(r"[\r\x00]")
_ENTITY = re.compile(r"&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*;?))")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# Bounds on the forward search for text the tree and the raw order disagree about: a page that
# keeps disagreeing gets zero-width offsets for those nodes instead of a quadratic scan.
_SEARCH_WINDOW = 200_000
_MAX_SEARCH_FAILURES = 200

_RAWTEXT_SKIP = frozenset({"script", "style", "iframe", "noembed", "noframes", "noscript", "template"})
_RCDATA = frozenset({"title", "textarea"})
# Start tags that make an HTML5 parser leave <svg>/<math> content.
_BREAKOUT = frozenset(
    """b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li
    listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var""".split()
)
# Elements inside <svg>/<math> whose content is parsed as HTML again.
_INTEGRATION = frozenset(
    {"foreignobject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml"}
)
_CLOSERS: dict[str, re.Pattern[str]] = {}


def _closer(name: str) -> re.Pattern[str]:
    pat = _CLOSERS.get(name)
    if pat is None:
        pat = _CLOSERS[name] = re.compile(r"</" + re.escape(name) + r"(?=[\t\n\f\r />]|\Z)", re.I)
    return pat


_TEMPLATE_TAG = re.compile(r"<(/?)template(?=[\t\n\f\r />])", re.I)


# --------------------------------------------------------------------------------------------
# Raw scanning: where the character data is


@dataclass(slots=True)
class _RawTag:
    start: int
    end: int
    attrs: list[tuple[str, int, int]]  # (name, value start, value end)


def _scan_tag(raw: str, i: int, want_attrs: bool) -> tuple[int, str, list[tuple[str, int, int]]] | None:
    """Scan a tag whose name starts at ``i``: (end just past ``>``, lower name, attributes).

    None when the input ends inside the tag: an HTML5 parser then drops the tag, and so do we.
    """
    n = len(raw)
    m = _TAG_NAME.match(raw, i)
    name = m.group().lower()
    i = m.end()
    attrs: list[tuple[str, int, int]] = []
    while True:
        i = _SEP.match(raw, i).end()
        if i >= n:
            return None
        if raw[i] == ">":
            return i + 1, name, attrs
        m = _ATTR_NAME.match(raw, i)
        aname = m.group().lower()
        i = m.end()
        j = _SPACES.match(raw, i).end()
        if j < n and raw[j] == "=":
            j = _SPACES.match(raw, j + 1).end()
            if j >= n:
                return None
            q = raw[j]
            if q == '"' or q == "'":
                k = raw.find(q, j + 1)
                if k < 0:
                    return None
                vs, ve, i = j + 1, k, k + 1
            else:
                ve = _UNQUOTED.match(raw, j).end()
                vs, i = j, ve
            if want_attrs:
                attrs.append((aname, vs, ve))
        else:
            i = j
            if want_attrs:
                attrs.append((aname, i, i))


def _offset_type(raw: str) -> str:
    """The array type code that holds every offset into ``raw``: 32 bits for any input under 2 GB."""
    return "i" if len(raw) < 2**31 - 1 else "q"


class _Runs:
    """Data runs ``[start, end)`` in raw order, as machine integers (a page has one per text node)."""

    __slots__ = ("starts", "ends", "literal")

    def __init__(self, raw: str) -> None:
        self.starts = array(_offset_type(raw))
        self.ends = array(_offset_type(raw))
        self.literal = bytearray()  # 1 where the run does not decode entities

    def append(self, start: int, end: int, literal: bool) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.literal.append(literal)

    def __len__(self) -> int:
        return len(self.starts)


def _data_runs(raw: str) -> tuple[_Runs, list[_RawTag]]:
    """The raw ranges that hold character data, in order, and the raw <meta> tags.

    Each run is ``start, end, literal``; a literal run (CDATA, <xmp>, <plaintext>) does not
    decode entities. Comments, tags and the content of script-like elements are not data.
    """
    n = len(raw)
    runs = _Runs(raw)
    metas: list[_RawTag] = []
    p = 0
    # Open <svg>/<math> ("f") and HTML integration points inside them ("h"): in foreign content
    # CDATA sections are text and <title>/<style>/<script> are not raw text.
    modes: list[str] = []
    while p < n:
        q = raw.find("<", p)
        if q < 0:
            runs.append(p, n, False)
            break
        if q > p:
            runs.append(p, q, False)
        c = raw[q + 1] if q + 1 < n else ""
        if c == "!":
            if raw.startswith("<!--", q):
                if raw.startswith("<!-->", q):
                    p = q + 5
                elif raw.startswith("<!--->", q):
                    p = q + 6
                else:
                    m = _COMMENT_END.search(raw, q + 4)
                    p = m.end() if m else n
            elif modes and modes[-1] == "f" and raw.startswith("<![CDATA[", q):
                e = raw.find("]]>", q + 9)
                end = e if e >= 0 else n
                runs.append(q + 9, end, True)
                p = end + 3 if e >= 0 else n
            else:
                e = raw.find(">", q + 2)
                p = e + 1 if e >= 0 else n
        elif c == "?":
            e = raw.find(">", q + 2)
            p = e + 1 if e >= 0 else n
        elif c == "/":
            c2 = raw[q + 2] if q + 2 < n else ""
            if c2.isascii() and c2.isalpha():
                scanned = _scan_tag(raw, q + 2, False)
                if scanned is None:
                    break
                p, name, _ = scanned
                if modes:
                    if name in ("svg", "math") and "f" in modes:
                        while modes.pop() != "f":
                            pass
                    elif name in _INTEGRATION and modes[-1] == "h":
                        modes.pop()
            elif c2 == ">":
                p = q + 3
            elif c2 == "":
                runs.append(q, n, False)
                p = n
            else:
                e = raw.find(">", q + 2)
                p = e + 1 if e >= 0 else n
        elif c.isascii() and c.isalpha():
            lead = raw[q + 1 : q + 5].lower()
            scanned = _scan_tag(raw, q + 1, lead == "meta")
            if scanned is None:
                break
            end, name, attrs = scanned
            p = end
            if name == "meta":
                metas.append(_RawTag(q, end, attrs))
            self_closing = raw[end - 2] == "/"
            if modes and modes[-1] == "f":
                if name in _BREAKOUT:
                    modes.clear()  # the parser leaves foreign content; handle the tag as HTML
                else:
                    if not self_closing:
                        if name in ("svg", "math"):
                            modes.append("f")
                        elif name in _INTEGRATION:
                            modes.append("h")
                    continue
            if name in ("svg", "math"):
                if not self_closing:
                    modes.append("f")
            elif name in _RAWTEXT_SKIP:
                if name == "template":
                    p = _template_end(raw, end)
                else:
                    m = _closer(name).search(raw, end)
                    p = m.start() if m else n
            elif name in _RCDATA or name == "xmp":
                m = _closer(name).search(raw, end)
                stop = m.start() if m else n
                if stop > end:
                    runs.append(end, stop, name == "xmp")
                p = stop
            elif name == "plaintext":
                runs.append(end, n, True)
                p = n
        else:
            runs.append(q, q + 1, False)  # a stray "<" is text
            p = q + 1
    return runs, metas


def _template_end(raw: str, i: int) -> int:
    """Position of the ``</template`` that closes a template opened just before ``i``."""
    depth = 1
    for m in _TEMPLATE_TAG.finditer(raw, i):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.start()
    return len(raw)


def _entity_at(raw: str, p: int, limit: int, in_attr: bool = False) -> tuple[str, int] | None:
    """Decode the character reference at ``raw[p] == '&'`` as HTML5 does: (text, end) or None."""
    m = _ENTITY.match(raw, p, limit)
    if not m:
        return None
    hexd, decd, name = m.groups()
    if hexd is not None or decd is not None:
        digits = hexd if hexd is not None else decd
        num = int(digits[:8], 16 if hexd is not None else 10) if len(digits) <= 8 else 0x110000
        if num == 0 or num > 0x10FFFF or 0xD800 <= num <= 0xDFFF:
            return "\ufffd", m.end()
        if 0x80 <= num <= 0x9F:
            import html as _html

            return _html.unescape(f"&#{num};"), m.end()
        return chr(num), m.end()
    if name.endswith(";") and name in _HTML5_ENTITIES:
        return _HTML5_ENTITIES[name], m.end()
    base = name.rstrip(";")
    # Legacy references (&amp, &copy, &not ...) decode without a semicolon, longest first.
    for k in range(min(len(base), 6), 1, -1):
        value = _HTML5_ENTITIES.get(base[:k])
        if value is not None:
            end = p + 1 + k
            if in_attr and end < limit and (raw[end].isalnum() or raw[end] == "="):
                return None
            return value, end
    return None


class _Aligner:
    """Walks the data runs with a cursor, matching the text of tree nodes in document order."""

    def __init__(self, raw: str, runs: _Runs) -> None:
        self.raw = raw
        self.runs = runs
        self.run_starts = runs.starts
        self.ri = 0
        self.pos = 0
        self.failures = 0

    def advance_to(self, pos: int) -> None:
        """Move the cursor forward to raw position ``pos`` (past a tag whose attribute we used)."""
        if pos <= self.pos:
            return
        ri = max(self.ri, bisect.bisect_right(self.run_starts, pos) - 1)
        self.ri = ri
        self.pos = pos

    def cursor(self) -> int:
        """The raw position just past the last matched character."""
        return self.pos

    def _match_from(self, ri: int, pos: int, text: str) -> tuple[list[int], list[int], int, int] | None:
        raw = self.raw
        run_starts, run_ends, run_literal = self.runs.starts, self.runs.ends, self.runs.literal
        nruns = len(run_starts)
        starts: list[int] = []
        ends: list[int] = []
        i = 0
        n = len(text)
        while i < n:
            if ri >= nruns:
                return None
            a, b, literal = run_starts[ri], run_ends[ri], run_literal[ri]
            if pos < a:
                pos = a
            if pos >= b:
                ri += 1
                continue
            c = raw[pos]
            want = text[i]
            if c == "\r":
                if want != "\n":
                    if i == 0:
                        pos += 1
                        continue
                    return None
                q = pos + 2 if pos + 1 < b and raw[pos + 1] == "\n" else pos + 1
                starts.append(pos)
                ends.append(q)
                pos = q
                i += 1
            elif c == "\x00":
                if want == "\ufffd":
                    starts.append(pos)
                    ends.append(pos + 1)
                    i += 1
                pos += 1  # otherwise the parser dropped it
            elif c == "&" and not literal:
                ent = _entity_at(raw, pos, b)
                if ent is not None and ent[0] and text.startswith(ent[0], i):
                    k = len(ent[0])
                    starts.extend([pos] * k)
                    ends.extend([ent[1]] * k)
                    pos = ent[1]
                    i += k
                elif want == "&":
                    starts.append(pos)
                    ends.append(pos + 1)
                    pos += 1
                    i += 1
                else:
                    return None
            else:
                m = (_SPECIAL_LITERAL if literal else _SPECIAL).search(raw, pos, b)
                k = m.start() if m else b
                length = min(k - pos, n - i)
                if raw.startswith(text[i : i + length], pos):
                    starts.extend(range(pos, pos + length))
                    ends.extend(range(pos + 1, pos + length + 1))
                    pos += length
                    i += length
                    continue
                same = 0
                while same < length and raw[pos + same] == text[i + same]:
                    same += 1
                if same:
                    starts.extend(range(pos, pos + same))
                    ends.extend(range(pos + 1, pos + same + 1))
                    pos += same
                    i += same
                elif i == 0 and raw[pos] in _WS:
                    pos += 1  # whitespace the tree dropped, or the newline after <pre>
                else:
                    return None
        return starts, ends, ri, pos

    def match(self, text: str, search: bool = True) -> tuple[list[int], list[int]] | None:
        """Map ``text`` onto the raw data at the cursor (or the next place it occurs); advance."""
        if not text:
            return [], []
        got = self._match_from(self.ri, self.pos, text)
        stripped = text.lstrip(_WS)
        if got is None and stripped and len(stripped) < len(text):
            # Leading whitespace the raw has only where the parser dropped it (before the first
            # element): match the rest and give the whitespace zero width where the rest starts.
            rest = self._match_from(self.ri, self.pos, stripped)
            if rest is not None:
                lead = len(text) - len(stripped)
                first = rest[0][0] if rest[0] else self.pos
                got = ([first] * lead + rest[0], [first] * lead + rest[1], rest[2], rest[3])
        if got is None and search and self.failures < _MAX_SEARCH_FAILURES:
            got = self._search(text)
            if got is None:
                self.failures += 1
        if got is None:
            return None
        starts, ends, self.ri, self.pos = got
        return starts, ends

    def _search(self, text: str) -> tuple[list[int], list[int], int, int] | None:
        key = text.lstrip(_WS)[:12]
        if not key:
            return None
        raw = self.raw
        f = self.pos
        stop = min(len(raw), f + _SEARCH_WINDOW)
        for _ in range(32):
            f = raw.find(key, f, stop)
            if f < 0:
                return None
            ri = bisect.bisect_right(self.run_starts, f) - 1
            if ri >= 0 and f < self.runs.ends[ri]:
                got = self._match_from(ri, f, text.lstrip(_WS))
                if got is not None:
                    lead = len(text) - len(text.lstrip(_WS))
                    if lead:
                        # Leading whitespace the raw did not have at this spot: zero width.
                        got = ([f] * lead + got[0], [f] * lead + got[1], got[2], got[3])
                    return got
            f += 1
        return None


def _align_attr(raw: str, vs: int, ve: int, text: str) -> tuple[list[int], list[int]] | None:
    """Map an attribute's decoded value onto its raw value range ``[vs, ve)``."""
    starts: list[int] = []
    ends: list[int] = []
    i, pos, n = 0, vs, len(text)
    while i < n:
        if pos >= ve:
            return None
        c = raw[pos]
        if c == "&":
            ent = _entity_at(raw, pos, ve, in_attr=True)
            if ent is not None and ent[0] and text.startswith(ent[0], i):
                k = len(ent[0])
                starts.extend([pos] * k)
                ends.extend([ent[1]] * k)
                pos, i = ent[1], i + k
                continue
        if c == "\r" and text[i] == "\n":
            q = pos + 2 if pos + 1 < ve and raw[pos + 1] == "\n" else pos + 1
            starts.append(pos)
            ends.append(q)
            pos, i = q, i + 1
            continue
        if c == "\x00" and text[i] == "\ufffd" or c == text[i]:
            starts.append(pos)
            ends.append(pos + 1)
            pos, i = pos + 1, i + 1
            continue
        return None
    return starts, ends


# --------------------------------------------------------------------------------------------
# Selectors, links and format detection

_SIMPLE_ID = re.compile(r"-?[A-Za-z_][\w-]*\Z")


def _segment(tag: str, ident: str | None, index: int, total: int) -> str:
    if ident and _SIMPLE_ID.match(ident):
        return f"{tag}#{ident}"
    if total > 1:
        return f"{tag}:nth-of-type({index})"
    return tag


def _element_id(node) -> str | None:
    attrs = node.attributes
    ident = attrs.get("id")
    return ident.strip() if ident else None


def selector_path(node) -> str:
    """A CSS path to an element, e.g. ``html > body > div#HiddenDiv > p:nth-of-type(2)``."""
    parts: list[str] = []
    while node is not None and node.is_element_node:
        tag = node.tag
        index, total = 1, 1
        sib = node.prev
        while sib is not None:
            if sib.is_element_node and sib.tag == tag:
                index += 1
                total += 1
            sib = sib.prev
        sib = node.next
        while sib is not None:
            if sib.is_element_node and sib.tag == tag:
                total += 1
            sib = sib.next
        parts.append(_segment(tag, _element_id(node), index, total))
        node = node.parent
    return " > ".join(reversed(parts))


def _site(host: str) -> str:
    from .domains import registrable_domain

    return registrable_domain(host)


def is_off_domain(href: str | None, base_url: str | None) -> bool:
    """Whether a link leaves the page's site (subdomains of the same site count as on-site).

    A relative link is never off-domain; with no base URL every absolute link is.
    """
    host = link_domain(href)
    if not host:
        return False
    base = link_domain(base_url)
    if not base:
        return True
    return _site(host) != _site(base)


_HTML_HINT = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|</(?:p|div|a|span|li|td|body|html|title|h[1-6])>"
    r"|<(?:p|div|a\s+href|span|br|meta|title|script|style|table|ul|li|h[1-6])[\s/>]",
    re.I,
)


def looks_like_html(text: str) -> bool:
    """Cheap guess whether ``text`` is HTML rather than plain text (looks at the first 4 KB)."""
    head = text[:4096]
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return True
    hits = 0
    for _ in _HTML_HINT.finditer(head):
        hits += 1
        if hits >= 3:
            return True
    return False


# --------------------------------------------------------------------------------------------
# The view


@dataclass(slots=True)
class _Frame:
    """What the walk knows about an open element."""

    tag: str
    segment: str
    parent: _Frame | None
    hidden: bool = False
    color: tuple[int, int, int] | None = None
    background: tuple[int, int, int] | None = None
    background_of: str = ""
    link: tuple[int, str, str] | None = None  # (view start, href, rel) when this element is <a href>
    title_start: int = -1  # view start when this element is a <title>
    region_start: int = -1
    region_detail: str = ""
    block: bool = False
    foreign: bool = False  # inside <svg>/<math>
    # Text colour equals the background here but this element has no text of its own: its
    # children decide (they may set another colour).
    color_pending: bool = False

    def path(self) -> str:
        parts = []
        f: _Frame | None = self
        while f is not None:
            parts.append(f.segment)
            f = f.parent
        return " > ".join(reversed(parts))


def _describe(tag: str, attrs: dict) -> str:
    ident = (attrs.get("id") or "").strip()
    if ident:
        return f"{tag}#{ident}"
    classes = (attrs.get("class") or "").split()
    if classes:
        return tag + "".join("." + c for c in classes[:3])
    return tag


# A variable is read from the start of its identifier only, and whole (possessive): tried from every
# letter of a long identifier, the regex cost time quadratic in its length (a 40 KB <script> of one
# name took minutes). The suffix of an identifier is the same variable's tail, never another one.
_SCRIPT_TARGET = (
    r"(?:document\s*\.\s*getElementById\s*\(\s*(['\"])(?P<id>[^'\"]+)\1\s*\)"
    r"|document\s*\.\s*querySelector(?:All)?\s*\(\s*(['\"])(?P<sel>[^'\"]+)\3\s*\)(?:\s*\[\s*\d+\s*\])?"
    r"|document\s*\.\s*getElementsByClassName\s*\(\s*(['\"])(?P<cls>[^'\"]+)\5\s*\)\s*\[\s*\d+\s*\]"
    r"|(?<![\w$])(?P<var>[A-Za-z_$][\w$]*+))"
)
_SCRIPT_STYLE_SET = re.compile(
    _SCRIPT_TARGET
    + r"\s*\.\s*style\s*\.\s*(?P<prop>display|visibility)\s*=\s*(['\"])\s*(?P<val>none|hidden)\s*\9",
    re.I,
)
_SCRIPT_CSSTEXT = re.compile(
    _SCRIPT_TARGET
    + r"\s*\.\s*(?:style\s*\.\s*cssText\s*=|setAttribute\s*\(\s*['\"]style['\"]\s*,)\s*(['\"])(?P<css>[^'\"]*)\7",
    re.I,
)
_SCRIPT_VAR = re.compile(
    r"(?<![\w$])(?P<var>[A-Za-z_$][\w$]*+)\s*=\s*document\s*\.\s*getElementById\s*\(\s*(['\"])(?P<id>[^'\"]+)\2\s*\)"
)
_JQUERY_HIDE = re.compile(
    r"(?:\$|jQuery)\s*\(\s*(['\"])(?P<sel>[^'\"]+)\1\s*\)\s*\.\s*"
    r"(?:hide\s*\(\s*\)|css\s*\(\s*(['\"])(?P<prop>display|visibility)\3\s*,\s*(['\"])(?P<val>none|hidden)\5)",
    re.I,
)


def _script_hiding(tree, scripts: list[str]) -> tuple[dict[str, list[str]], dict[int, list[str]]]:
    """Elements hidden by scripts: ``({element id: [reasons]}, {node mem_id: [reasons]})``."""
    by_id: dict[str, list[str]] = {}
    by_node: dict[int, list[str]] = {}

    def add_selector(sel: str, reason: str) -> None:
        try:
            nodes = tree.css(sel)
        except Exception:  # an invalid selector in someone's script is not our error
            return
        for node in nodes:
            by_node.setdefault(node.mem_id, []).append(reason)

    for code in scripts:
        variables = {m.group("var"): m.group("id") for m in _SCRIPT_VAR.finditer(code)}
        found: list[tuple[re.Match[str], str]] = []
        for m in _SCRIPT_STYLE_SET.finditer(code):
            found.append((m, f"{m.group('prop').lower()}:{m.group('val').lower()}"))
        for m in _SCRIPT_CSSTEXT.finditer(code):
            decls = {p: v for p, v, _ in iter_declarations(m.group("css"))}
            for r in hiding_reasons(decls):
                found.append((m, r.description))
        for m, reason in found:
            if m.group("id"):
                by_id.setdefault(m.group("id"), []).append(reason)
            elif m.group("sel"):
                add_selector(m.group("sel"), reason)
            elif m.group("cls"):
                add_selector("." + m.group("cls").split()[0], reason)
            elif m.group("var") in variables:
                by_id.setdefault(variables[m.group("var")], []).append(reason)
        for m in _JQUERY_HIDE.finditer(code):
            reason = (
                f"{m.group('prop').lower()}:{m.group('val').lower()}" if m.group("prop") else "display:none"
            )
            add_selector(m.group("sel"), reason)
    return by_id, by_node


def _style_rules(tree, styles: list[str]) -> dict[int, list[tuple[tuple, str, str, str]]]:
    """Per node mem_id: ``(priority, property, value, source)`` from <style> rules that match it."""
    matched: dict[int, list[tuple[tuple, str, str, str]]] = {}
    order = 0
    for css_text in styles:
        rules = parse_stylesheet(css_text, order)
        order += len(rules) + 1
        for rule in rules:
            try:
                nodes = tree.css(rule.selector)
            except Exception:  # selectors lexbor cannot read are skipped, not fatal
                continue
            for node in nodes:
                bucket = matched.setdefault(node.mem_id, [])
                for prop, value, important in rule.declarations:
                    prio = (important, 0, rule.specificity, rule.order)
                    bucket.append((prio, prop, value, f"style rule {rule.selector}"))
    return matched


def _cascade(
    inline: str | None, rules: list[tuple[tuple, str, str, str]] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """Winning ``{property: value}`` and ``{property: source}`` for one element."""
    best: dict[str, tuple[tuple, str, str]] = {}
    if rules:
        for prio, prop, value, source in rules:
            cur = best.get(prop)
            if cur is None or prio >= cur[0]:
                best[prop] = (prio, value, source)
    if inline:
        for n, (prop, value, important) in enumerate(iter_declarations(inline)):
            if prop not in HIDING_PROPERTIES:
                continue
            prio = (important, 1, (0, 0, 0), n)
            cur = best.get(prop)
            if cur is None or prio >= cur[0]:
                best[prop] = (prio, value, "inline style")
    return {p: v[1] for p, v in best.items()}, {p: v[2] for p, v in best.items()}


def _is_accessibility_element(tag: str, attrs: dict, node) -> bool:
    names = set((attrs.get("class") or "").lower().split())
    ident = (attrs.get("id") or "").strip().lower()
    if ident:
        names.add(ident)
    if names & ACCESSIBILITY_NAMES:
        return True
    if tag == "a" and (attrs.get("href") or "").startswith("#"):
        text = (node.text(deep=True) or "").strip().lower()
        return text.startswith(("skip", "jump to"))
    return False


class _Builder:
    """Accumulates the view text, its offset map and regions during the walk."""

    def __init__(self, raw: str, aligner: _Aligner) -> None:
        self.raw = raw
        self.aligner = aligner
        self.parts: list[str] = []
        # Machine integers, not a list of int objects: 8 bytes per view character instead of ~80.
        self.starts = array(_offset_type(raw))
        self.ends = array(_offset_type(raw))
        self.length = 0
        self.last = ""  # last character of the view so far
        self.high = 0  # raw end of the last mapped character: offsets never go below it

    def _add(self, text: str, starts: list[int], ends: list[int]) -> None:
        if starts and starts[0] < self.high:
            # Out of raw order (text the parser moved): never let offsets run backwards.
            starts = ends = [self.high] * len(text)
        elif ends:
            self.high = ends[-1]
        self.parts.append(text)
        self.starts.extend(starts)
        self.ends.extend(ends)
        self.length += len(text)
        self.last = text[-1]

    def separator(self, char: str = "\n") -> None:
        """A synthetic separator at the cursor, unless the view already ends in whitespace."""
        if self.length == 0 or self.last == "\n" or (char == " " and self.last in _WS):
            return
        pos = max(self.aligner.cursor(), self.high)
        self._add(char, [pos], [pos])

    def text(self, text: str) -> None:
        """Text of a tree node: aligned against the raw HTML."""
        if not text:
            return
        if not text.strip(_WS):
            # Whitespace between tags: keep the cursor moving, show at most one space.
            self.aligner.match(text, search=False)
            self.separator(" ")
            return
        got = self.aligner.match(text)
        if got is None:
            pos = max(self.aligner.cursor(), self.high)
            self._add(text, [pos] * len(text), [pos] * len(text))
        else:
            self._add(text, got[0], got[1])

    def mapped(self, text: str, starts: list[int], ends: list[int]) -> None:
        if text:
            self._add(text, starts, ends)


_WHITE = (255, 255, 255)


def _unreadable(color: tuple[int, int, int] | None, background: tuple[int, int, int] | None) -> bool:
    """Text a reader cannot see: its colour is the background's, or near-white where none is set.

    With no background colour anywhere above the text the page is white (the browser default; a
    template file's stylesheet is not in hand), and text within a few shades of white on it, such
    as ``color:#f3f4f3``, is as unreadable as the exact match.
    """
    if background is None:
        return color is not None and same_color(color, _WHITE, tolerance=16)
    return same_color(color, background)


def _sanitize(raw: str) -> str:
    """Replace lone surrogates (which cannot be encoded for the parser) without moving offsets."""
    try:
        raw.encode("utf-8")
        return raw
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", raw)


# Elements nested deeper than this are read as plain content of the deepest one. HTML parsers cost
# time quadratic in nesting depth (100,000 nested <div>s took lexbor minutes); browsers cap depth
# the same way (Blink at 512). Real pages stay far below it.
MAX_DEPTH = 512
_DEPTH_TAG = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|<!--", re.S)
# Elements that close by themselves or hold no content do not add to the depth.
_FLAT = frozenset(
    "p li dt dd option optgroup tr td th thead tbody tfoot rb rt rp colgroup caption head body html "
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
_RAW_CONTENT = frozenset("script style textarea title xmp plaintext noembed noframes iframe".split())


_TAG_OPENING = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")


def _may_nest_deep(src: str) -> bool:
    """A cheap bound: could ``src`` nest elements more than about ``MAX_DEPTH`` deep?

    Start tags minus end tags, at their highest, bound the depth unless end tags close nothing
    (a stray ``</span>`` lowers the count but not the depth); end tags of a name beyond its start
    tags are such strays, and many of them send the page to the exact scan too. Per tag, only C
    code runs: one regex, a Counter, a map over a small table of tag kinds.
    """
    tags = _TAG_OPENING.findall(src)
    counts = Counter(tags)
    step = {(slash, name): 0 if name.lower() in _FLAT else (-1 if slash else 1) for slash, name in counts}
    if max(accumulate(map(step.__getitem__, tags)), default=0) > MAX_DEPTH // 2:
        return True
    opened: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for (slash, name), n in counts.items():
        if step[slash, name]:
            (closed if slash else opened)[name.lower()] += n
    return sum(max(0, n - opened[name]) for name, n in closed.items()) > MAX_DEPTH // 2


def _flatten_deep(src: str) -> str:
    """``src`` with the tags of elements nested deeper than ``MAX_DEPTH`` made empty comments (same length)."""
    if src.count("<") <= MAX_DEPTH or not _may_nest_deep(src):
        return src
    # Compact state: a page of 200,000 nested tags must not cost more memory than its text.
    names: list[str] = []  # open elements, innermost last (names shared through ``seen``)
    deep = bytearray()  # 1 where that element's tags are blanked
    seen: dict[str, str] = {}
    blank = array("q")  # start, end of each tag to blank
    foreign = 0  # open <svg>/<math> elements
    pos = 0
    while True:
        m = _DEPTH_TAG.search(src, pos)
        if m is None:
            break
        pos = m.end()
        if m.group(0) == "<!--":
            pos = _comment_end(src, pos)
            continue
        name = m.group(2).lower()
        name = seen.setdefault(name, name)
        if m.group(1):  # an end tag closes the innermost open element of its name (looked for nearby)
            at = next(
                (k for k in range(len(names) - 1, max(-1, len(names) - 64), -1) if names[k] == name), None
            )
            if at is not None:
                if deep[at]:
                    blank.extend(m.span())
                foreign -= sum(1 for n in names[at:] if n in ("svg", "math"))
                del names[at:], deep[at:]
            continue
        if name in _RAW_CONTENT:
            close = re.compile(r"</" + re.escape(name) + r"(?=[\s/>])", re.I).search(src, pos)
            pos = close.start() if close else len(src)
            continue
        # "<div/>" opens a div like "<div>"; only inside <svg> and <math> does "/>" close at once.
        if name in _FLAT or (foreign and m.group(0).endswith("/>")):
            continue
        foreign += name in ("svg", "math")
        too_deep = len(names) >= MAX_DEPTH
        if too_deep:
            blank.extend(m.span())
        names.append(name)
        deep.append(too_deep)
    if not blank:
        return src
    out = io.StringIO()
    last = 0
    for k in range(0, len(blank), 2):
        a, b = blank[k], blank[k + 1]
        out.write(src[last:a])
        out.write(_as_comment(b - a))
        last = b
    out.write(src[last:])
    return out.getvalue()


def _comment_end(src: str, pos: int) -> int:
    """Where a comment whose ``<!--`` ends at ``pos`` ends (``<!-->`` and ``<!--->`` close at once)."""
    if src.startswith(">", pos):
        return pos + 1
    if src.startswith("->", pos):
        return pos + 2
    m = _COMMENT_END.search(src, pos)
    return m.end() if m else len(src)


def _as_comment(n: int) -> str:
    """An empty comment of exactly ``n`` characters (spaces when too short for one)."""
    if n >= 7:
        return "<!--" + " " * (n - 7) + "-->"
    return {5: "<!-->", 6: "<!--->"}.get(n, " " * n)


def html_view(raw: str, base_url: str | None = None) -> TextView:
    """Parse HTML into a text view: readable (and hidden) text, offset map, regions, links."""
    if not isinstance(raw, str):
        raise TypeError(f"html_view() takes str, not {type(raw).__name__}")
    # Template and source files (PHP, Jinja, HTML in SQL strings) parse as the page they print.
    src = _flatten_deep(neutralize_source(_sanitize(raw)))
    runs, raw_metas = _data_runs(src)
    out = _Builder(src, _Aligner(src, runs))
    regions: list[Region] = []
    links: list = []  # (start, end, href, rel, selector, hidden) until the text is final
    # The parser's tree lives only inside _read_tree: it is freed before the view is put together.
    parsed, effective_base = _read_tree(src, base_url, raw_metas, out, regions, links)
    if not parsed:
        return TextView(text="", raw=raw, raw_starts=[], raw_ends=[], base_url=base_url, is_html=True)
    text = "".join(out.parts)
    links = [Link(s, e, text[s:e], href, rel, sel, hid) for s, e, href, rel, sel, hid in links]
    title = ""
    for r in regions:
        if r.kind == "title":
            title = text[r.start : r.end].strip()
            break
    view_base = base_url if base_url else (effective_base if link_domain(effective_base) else None)
    return TextView(
        text=text,
        raw=raw,
        raw_starts=out.starts,
        raw_ends=out.ends,
        regions=sorted(regions, key=lambda r: (r.start, r.end)),
        links=links,
        title=title,
        base_url=view_base,
        is_html=True,
    )


def _read_tree(
    src: str, base_url: str | None, raw_metas, out: _Builder, regions, links
) -> tuple[bool, str | None]:
    """Parse ``src`` and walk its tree into ``out``, ``regions`` and ``links``.

    Returns whether the page has a root element and the base URL its links resolve against.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(src)
    styles = [n.text(deep=True) or "" for n in tree.css("style")]
    scripts = [n.text(deep=True) or "" for n in tree.css("script")]
    rules = _style_rules(tree, styles) if styles else {}
    script_ids, script_nodes = _script_hiding(tree, scripts) if scripts else ({}, {})

    effective_base = base_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        bhref = (base_node.attributes.get("href") or "").strip()
        try:
            effective_base = urljoin(base_url, bhref) if base_url else (bhref or None)
        except ValueError:
            pass

    meta_cursor = 0
    root = tree.root
    if root is None:
        return False, effective_base

    # Iterative depth-first walk, one sibling at a time: ``stack`` holds the open elements, ``item``
    # the element to enter next as (node, parent frame, index among same-tag siblings, their count,
    # tag). Deep pages cannot hit a recursion limit, and a wide one (64,000 children of <body>)
    # never has its children listed.
    stack: list[_Open] = []
    item: tuple | None = (root, None, 1, 1, root.tag or "html")
    while item is not None or stack:
        if item is None:
            item = _next_child(stack, out, regions, links, effective_base)
            continue
        node, parent, index, total, tag = item
        item = None
        attrs = node.attributes
        ident = attrs.get("id")
        frame = _Frame(tag, _segment(tag, ident.strip() if ident else None, index, total), parent)
        if parent is not None:
            frame.hidden = parent.hidden
            frame.color = parent.color
            frame.background = parent.background
            frame.background_of = parent.background_of
            frame.foreign = parent.foreign
        if tag in ("svg", "math"):
            frame.foreign = True
        if tag in EXCLUDED_TAGS:
            continue

        # Style: cascade rule and inline declarations; colours are needed even when not hidden.
        inline = attrs.get("style")
        node_rules = rules.get(node.mem_id)
        decls, sources = _cascade(inline, node_rules) if (inline or node_rules) else ({}, {})
        own_color = parse_color(decls.get("color")) or (
            parse_color(attrs.get("color")) if tag == "font" else None
        )
        own_bg = parse_color(decls.get("background-color")) or parse_color(decls.get("background"))
        if own_bg is None and attrs.get("bgcolor"):
            own_bg = parse_color(attrs.get("bgcolor"))
        if own_color is not None:
            frame.color = own_color
        if own_bg is not None:
            frame.background = own_bg
            frame.background_of = _describe(tag, attrs)

        color_reason = ""
        if (
            not frame.hidden
            and (own_color is not None or own_bg is not None or (parent is not None and parent.color_pending))
            and _unreadable(frame.color, frame.background)
        ):
            if _has_own_text(node):
                src_ = sources.get("color") or ("color attribute" if own_color is not None else "inherited")
                if frame.background is None:
                    color_reason = (
                        f"color {color_hex(frame.color)} is near-invisible on the default white background"  # type: ignore[arg-type]
                        f" ({src_})"
                    )
                else:
                    color_reason = (
                        f"color {color_hex(frame.color)} matches background {color_hex(frame.background)}"  # type: ignore[arg-type]
                        f" of {frame.background_of} ({src_})"
                    )
            else:
                frame.color_pending = True

        if not frame.hidden:
            detail = _hiding_detail(node, tag, attrs, decls, sources, color_reason, script_ids, script_nodes)
            if detail:
                frame.hidden = True
                frame.region_detail = detail

        frame.block = tag in BLOCK_TAGS
        if frame.block:
            out.separator("\n")
        elif tag == "br":
            out.separator("\n")
        if frame.region_detail:
            frame.region_start = out.length

        if tag == "a" and "href" in attrs:
            href = (attrs.get("href") or "").strip()
            if effective_base:
                try:
                    href = urljoin(effective_base, href)
                except ValueError:
                    pass
            rel = " ".join((attrs.get("rel") or "").lower().split())
            frame.link = (out.length, href, rel)
        if tag == "title" and not frame.foreign:
            frame.title_start = out.length
        if tag == "meta":
            name = (attrs.get("name") or "").strip().lower()
            content = attrs.get("content")
            if name in META_NAMES and content:
                meta_cursor = _emit_meta(out, src, raw_metas, meta_cursor, name, content, frame, regions)

        stack.append(_Open(frame, node))
    return True, effective_base


class _Open:
    """An element the walk is inside: its frame, the next child to visit, same-tag sibling counts."""

    __slots__ = ("frame", "child", "seen", "counts")

    def __init__(self, frame: _Frame, node) -> None:
        self.frame = frame
        self.child = node.child
        self.seen: dict[str, int] = {}
        self.counts = _tag_counts(node)


def _next_child(stack: list[_Open], out: _Builder, regions, links, base) -> tuple | None:
    """Visit the next child of the innermost open element.

    Text goes to ``out``; an element comes back as the walk's next item; comments and the like are
    skipped; an element with no children left is closed.
    """
    top = stack[-1]
    child = top.child
    if child is None:
        stack.pop()
        _close(top.frame, out, regions, links, base)
        return None
    top.child = child.next
    if child.is_element_node:
        tag = child.tag or ""
        k = top.seen[tag] = top.seen.get(tag, 0) + 1
        return child, top.frame, k, top.counts[tag], tag
    if child.is_text_node:
        out.text(child.text_content or "")
    return None


def _tag_counts(node) -> dict[str, int]:
    """How many child elements of each tag ``node`` has (for ``:nth-of-type``)."""
    counts: dict[str, int] = {}
    child = node.child
    while child is not None:
        if child.is_element_node:
            tag = child.tag or ""
            counts[tag] = counts.get(tag, 0) + 1
        child = child.next
    return counts


def _has_own_text(node) -> bool:
    """Whether one of the element's own text nodes (not a descendant's) has non-blank text."""
    child = node.child
    while child is not None:
        if child.is_text_node and (child.text_content or "").strip():
            return True
        child = child.next
    return False


def _hiding_detail(node, tag, attrs, decls, sources, color_reason, script_ids, script_nodes) -> str:
    """A readable reason why this element hides its content, or "" when it does not."""
    found: list[tuple[str, str]] = []  # (code, "what (source)")
    if "hidden" in attrs:
        found.append(("hidden-attr", "hidden attribute"))
    for reason in hiding_reasons(decls) if decls else ():
        source = sources.get(reason.props[0], "style")
        found.append((reason.code, f"{reason.description} ({source})"))
    ident = (attrs.get("id") or "").strip()
    for reason in script_ids.get(ident, ()) if ident else ():
        found.append(("script", f"{reason} (set by script)"))
    for reason in script_nodes.get(node.mem_id, ()):
        found.append(("script", f"{reason} (set by script)"))
    if color_reason:
        found.append(("color", color_reason))
    if not found:
        return ""
    aria_hidden = (attrs.get("aria-hidden") or "").strip().lower() == "true"
    if not aria_hidden and _is_accessibility_element(tag, attrs, node):
        # Screen-reader-only text is kept out of sight on purpose; only techniques that also
        # hide it from assistive technology (display:none, ...) still count.
        found = [f for f in found if f[0] not in ACCESSIBLE_CODES]
        if not found:
            return ""
    seen: set[str] = set()
    parts = []
    for _, what in found:
        if what not in seen:
            seen.add(what)
            parts.append(what)
    detail = ", ".join(parts) + f" on {_describe(tag, attrs)}"
    if aria_hidden:
        detail += " with aria-hidden"
    return detail


def _emit_meta(out: _Builder, src, raw_metas, cursor, name, content, frame, regions) -> int:
    """Add a meta description/keywords value as its own line, mapped onto the attribute value."""
    out.separator("\n")
    start = out.length
    mapped = None
    floor = max(out.aligner.cursor(), out.high)
    for k in range(cursor, min(len(raw_metas), cursor + 64)):
        tag = raw_metas[k]
        if tag.start < floor:
            continue
        for aname, vs, ve in tag.attrs:
            if aname == "content":
                mapped = _align_attr(src, vs, ve, content)
                break
        if mapped is not None:
            cursor = k + 1
            out.aligner.advance_to(tag.end)
            break
    if mapped is None:
        pos = max(out.aligner.cursor(), out.high)
        mapped = ([pos] * len(content), [pos] * len(content))
    out.mapped(content, mapped[0], mapped[1])
    regions.append(Region(start, out.length, "meta", f"meta {name}", frame.path()))
    out.separator("\n")
    return cursor


def _close(frame: _Frame, out: _Builder, regions, links, base) -> None:
    """Finish an element: close its regions and links, and end its line if it is a block."""
    end = out.length
    if frame.title_start >= 0 and end > frame.title_start:
        regions.append(Region(frame.title_start, end, "title", "title", frame.path()))
    if frame.link is not None:
        start, href, rel = frame.link
        sel = frame.path()
        links.append((start, end, href, rel, sel, frame.hidden))
        if end > start:
            regions.append(Region(start, end, "link", href, sel, href))
    if frame.region_detail and frame.region_start >= 0 and end > frame.region_start:
        regions.append(Region(frame.region_start, end, "hidden", frame.region_detail, frame.path()))
    if frame.block:
        out.separator("\n")
