"""Raw markup around a finding: whole elements, whole links, Markdown links, source-file syntax.

A finding inside a link or a hidden block is reported as the element the injector added, with
its tags, so that the cleaned copy loses the backlink too. These helpers work on the caller's raw
input (offsets never move) and look at most a bounded window around a position, so their cost
does not grow with the page.

``neutralize_source`` makes template and source files (PHP, ASP/JSP, Jinja/Liquid/Handlebars, HTML
stored in SQL dump strings) parseable as HTML by blanking their code with spaces of the same
length: the parser sees the page the file would print, and every offset still points into the
caller's text.
"""

from __future__ import annotations

import bisect
import re
import threading

_WINDOW = 20_000  # how far to look for an element's start or end tag

# Server-side code blocks; an unclosed block runs to the end of the file (a PHP front controller).
_CODE_BLOCKS = re.compile(r"<\?(?:php\b|=)?[\s\S]*?(?:\?>|\Z)|<%[\s\S]*?(?:%>|\Z)", re.IGNORECASE)
# Template tags (Jinja, Liquid, Django, Twig, Handlebars, Mustache), bounded in length.
_TEMPLATE_TAGS = re.compile(r"\{%[\s\S]{0,2000}?%\}|\{\{[\s\S]{0,2000}?\}\}|\{#[\s\S]{0,2000}?#\}")
_CODE_HINT = re.compile(r"<\?(?:php\b|=)|<%|\{%|\{\{|\{#", re.IGNORECASE)
# HTML inside SQL (or JSON, or PHP) string literals: attribute quotes escaped with a backslash.
_ESCAPED_ATTR = re.compile(r"=\\[\"']")
_ESCAPES = re.compile(r"\\([\"'nrt])")
_ESCAPE_AS = {'"': ' "', "'": " '", "n": " \n", "r": "  ", "t": "  "}


_NOT_NEWLINE = re.compile(r"[^\n]")


def _spaces(s: str) -> str:
    """``s`` as spaces of the same length; line breaks kept so line-based rules see the file's lines."""
    return _NOT_NEWLINE.sub(" ", s)


def _blank(m: re.Match[str]) -> str:
    return _spaces(m.group(0))


# A string literal in server code, and a sign that it prints markup: ``echo '<div ...><a ...>'``.
_STRING_LITERAL = re.compile(r"'(?:[^'\\\n]|\\.){0,20000}'|\"(?:[^\"\\\n]|\\.){0,20000}\"")
_PRINTS_MARKUP = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b|/[a-zA-Z])")
_LITERAL_ESCAPES = re.compile(r"\\([\"'\\nrt$])")


def _blank_code(m: re.Match[str]) -> str:
    """A code block blanked, except the markup its string literals print (what the page shows).

    Injected links often sit in an ``echo '<div style="display:none"><a href=...>'`` of a hacked
    theme; the literal's text is kept in place (its quotes and escapes become spaces, the same
    length), so the HTML parser sees the block the file prints.
    """
    code = m.group(0)
    if "<" not in code[2:]:
        return _blank(m)
    out: list[str] = []
    pos = 0
    for lit in _STRING_LITERAL.finditer(code):
        body = lit.group(0)[1:-1]
        if not _PRINTS_MARKUP.search(body):
            continue
        out.append(_spaces(code[pos : lit.start()]))
        out.append(" " + _LITERAL_ESCAPES.sub(lambda e: " " + (e.group(1) if e.group(1) in "\"'$" else " "), body) + " ")
        pos = lit.end()
    out.append(_spaces(code[pos:]))
    return "".join(out)


def neutralize_source(raw: str) -> str:
    """``raw`` with source-file syntax blanked, the same length, so HTML parsing sees the markup.

    Code blocks (``<?php ... ?>``, ``<% ... %>``) and template tags become spaces; in a file that
    holds HTML inside escaped string literals (an SQL dump: ``<div style=\\"display:none\\">``) each
    escape becomes a space plus the character it stands for. Plain HTML comes back unchanged.
    """
    out = raw
    if _CODE_HINT.search(out):
        out = _CODE_BLOCKS.sub(_blank_code, out)
        out = _TEMPLATE_TAGS.sub(_blank, out)
    if len(_ESCAPED_ATTR.findall(out, 0, 200_000)) >= 2:
        out = _ESCAPES.sub(lambda m: _ESCAPE_AS[m.group(1)], out)
    return out


def _tag_res(tag: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    t = re.escape(tag)
    return re.compile(rf"<{t}(?=[\s>/\\])[^>]*>", re.IGNORECASE), re.compile(rf"</{t}\s*>", re.IGNORECASE)


_TAG_CACHE: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _tags(tag: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    if tag not in _TAG_CACHE:
        _TAG_CACHE[tag] = _tag_res(tag)
    return _TAG_CACHE[tag]


VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Any start or end tag: closing slash, name, self-closing slash.
ANY_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^<>]*?(/?)>")


class _Tokens:
    """Tag positions of one raw document, found in one pass per tag name (not per query).

    Queries keep the window semantics of a scan of ``raw[lo:hi]``: a token counts when it lies
    wholly inside the window.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self._by_tag: dict[str, tuple[list[int], list[int], list[int], list[int]]] = {}
        self._all: tuple[list[int], list[int], list[tuple[str, int]], list[int]] | None = None

    def all_tags(self) -> tuple[list[int], list[int], list[tuple[str, int]], list[int]]:
        """Every tag of the document (``ANY_TAG``), in order: starts, ends, (lower-case name, kind)
        with kind 1 for an opening tag, -1 for a closing one and 0 for a void or self-closed one,
        and for each closing tag the index of the opening tag it closes (-1 if none)."""
        if self._all is None:
            starts: list[int] = []
            ends: list[int] = []
            info: list[tuple[str, int]] = []
            match: list[int] = []
            open_at: dict[str, list[int]] = {}
            for k, m in enumerate(ANY_TAG.finditer(self.raw)):
                name = m.group(2).lower()
                kind = 0 if name in VOID_TAGS or m.group(3) else (-1 if m.group(1) else 1)
                starts.append(m.start())
                ends.append(m.end())
                info.append((name, kind))
                stack = open_at.setdefault(name, [])
                if kind == 1:
                    stack.append(k)
                    match.append(-1)
                else:
                    match.append(stack.pop() if kind == -1 and stack else -1)
            self._all = (starts, ends, info, match)
        return self._all

    def of(self, tag: str) -> tuple[list[int], list[int], list[int], list[int]]:
        """(opener starts, opener ends, closer starts, closer ends) of ``tag``, in order."""
        if tag not in self._by_tag:
            opener, closer = _tags(tag)
            o = [(m.start(), m.end()) for m in opener.finditer(self.raw)]
            c = [(m.start(), m.end()) for m in closer.finditer(self.raw)]
            self._by_tag[tag] = ([x for x, _ in o], [y for _, y in o], [x for x, _ in c], [y for _, y in c])
        return self._by_tag[tag]


_LAST = threading.local()  # per thread: the index of the document that thread is analysing


def tokens_for(raw: str) -> _Tokens:
    """The token index of ``raw``, built once while the same document is being analysed."""
    cur = getattr(_LAST, "tokens", None)
    if cur is not None and cur.raw is raw:
        return cur
    cur = _LAST.tokens = _Tokens(raw)
    return cur


def _inside(starts: list[int], ends: list[int], lo: int, hi: int) -> range:
    """Indices of the tokens lying wholly inside ``[lo, hi)``."""
    i = bisect.bisect_left(starts, lo)
    j = bisect.bisect_right(ends, hi)
    return range(i, max(i, j))


def element_bounds(raw: str, rs: int, re_: int, tag: str) -> tuple[int, int] | None:
    """The raw range of the innermost ``<tag>...</tag>`` element around ``[rs, re_)``, or None.

    Nested elements of the same tag are counted, so ``<div><div>x</div>[spam]</div>`` finds the
    outer one. Either tag may be missing (a slice of a file that starts inside the element): the
    side that was found is used and the other stays at the finding's edge. Looks at most
    ``_WINDOW`` characters to each side; the tag positions come from a per-document index.
    """
    os_, oe, cs, ce = tokens_for(raw).of(tag.lower())
    lo = max(0, rs - _WINDOW)
    opens, closes = _inside(os_, oe, lo, rs), _inside(cs, ce, lo, rs)
    start = None
    depth = 0
    i, j = len(opens) - 1, len(closes) - 1
    while i >= 0 or j >= 0:  # backwards through both kinds, latest first
        if j >= 0 and (i < 0 or cs[closes[j]] > os_[opens[i]]):
            depth += 1
            j -= 1
        elif depth == 0:
            start = os_[opens[i]]
            break
        else:
            depth -= 1
            i -= 1
    hi = min(len(raw), re_ + _WINDOW)
    opens, closes = _inside(os_, oe, re_, hi), _inside(cs, ce, re_, hi)
    end = None
    depth = 0
    i = j = 0
    while i < len(opens) or j < len(closes):  # forwards, earliest first
        if i < len(opens) and (j >= len(closes) or os_[opens[i]] < cs[closes[j]]):
            depth += 1
            i += 1
        elif depth == 0:
            end = ce[closes[j]]
            break
        else:
            depth -= 1
            j += 1
    if start is None and end is None:
        return None
    return (rs if start is None else start), (re_ if end is None else end)


def whole_link(raw: str, rs: int, re_: int) -> tuple[int, int]:
    """Widen a span on link anchor text to the whole ``<a ...>...</a>`` element: the link is the injection."""
    found = element_bounds(raw, rs, re_, "a")
    return found if found is not None else (rs, re_)


# A Markdown inline link: [anchor](target "title"), the anchor on one line.
_MD_TAIL = re.compile(r"[^\[\]\n]{0,300}\]\(\s*<?([^\s()<>]{1,2000})>?(?:\s+\"[^\"\n]{0,300}\")?\s*\)")


def markdown_link(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """``(start, end, target)`` of the Markdown link whose anchor holds ``[start, end)``, or None."""
    open_at = text.rfind("[", max(0, start - 301), start)
    if open_at < 0 or any(ch in text[open_at + 1 : start] for ch in "[]\n"):
        return None
    tail = _MD_TAIL.match(text, end)
    if tail is None or "[" in text[start:end] or "]" in text[start:end]:
        return None
    return open_at, tail.end(), tail.group(1)


_MD_LINK = re.compile(
    r"\[([^\[\]\n]{1,300})\]\(\s*<?((?:https?:)?//[^\s()<>]{1,2000})>?(?:\s+\"[^\"\n]{0,300}\")?\s*\)"
)


def markdown_links(text: str) -> list[tuple[int, int, str]]:
    """Anchor ranges and absolute targets of the Markdown links in ``text``."""
    if "](" not in text:
        return []
    return [(m.start(1), m.end(1), m.group(2)) for m in _MD_LINK.finditer(text)]


# --- code listings -----------------------------------------------------------------------------

# Openers and closers of blocks a page shows as code: Liquid/Jekyll highlight and raw blocks,
# Markdown fences, HTML <pre>, <code> and <xmp>. Paired in one pass, so the cost stays linear.
_LISTING_TOKENS = re.compile(
    r"\{%-?\s*(?P<lo>highlight|raw|codeblock)\b[^%\n]{0,200}%\}"
    r"|\{%-?\s*end(?P<lc>highlight|raw|codeblock)\s*-?%\}"
    r"|^(?P<fence>```|~~~)[^\n]{0,100}$"
    r"|<(?P<ho>pre|code|xmp)\b[^<>]{0,2000}>"
    r"|</(?P<hc>pre|code|xmp)\s*>",
    re.IGNORECASE | re.MULTILINE,
)


def code_listings(raw: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` raw ranges of the code listings in ``raw`` (what a page shows as code).

    A post about a hacked site quotes the spam it found inside a listing (``{% highlight html %}``,
    a Markdown fence, ``<pre>``): there the links and the hidden block are shown to the reader as
    code, not published. Unclosed listings are ignored (a stray ``<code>`` does not swallow a page).
    """
    if not any(hint in raw for hint in ("{%", "```", "~~~", "<pre", "<code", "<xmp", "<PRE", "<CODE")):
        return []
    out: list[tuple[int, int, str]] = []
    names: dict[str, str] = {}  # one string per kind of listing, however many listings there are
    open_kind: str | None = None
    open_at = 0
    for m in _LISTING_TOKENS.finditer(raw):
        if m.group("fence"):
            kind, opening = "fence:" + m.group("fence"), open_kind is None
            closing = open_kind == kind
        else:
            name = (m.group("lo") or m.group("lc") or m.group("ho") or m.group("hc")).lower()
            kind = ("liquid:" if (m.group("lo") or m.group("lc")) else "html:") + name
            opening = bool(m.group("lo") or m.group("ho")) and open_kind is None
            closing = bool(m.group("lc") or m.group("hc")) and open_kind == kind
        if closing:
            out.append((open_at, m.end(), names.setdefault(open_kind, open_kind.split(":", 1)[1])))
            open_kind = None
        elif opening:
            open_kind, open_at = kind, m.start()
    return out
