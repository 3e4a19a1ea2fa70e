"""A text view of an input document, with an offset map back to the raw input.

Plain text is its own view. HTML input becomes visible (and hidden) text plus regions that say
which parts are hidden, inside a link, or page metadata; ``to_raw`` maps a view range back to
the exact characters of the HTML the caller gave.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .markup import markdown_links


@dataclass(frozen=True, slots=True)
class Region:
    """A range ``[start, end)`` of the view text with what is known about where it came from."""

    start: int
    end: int
    kind: str  # "hidden" | "link" | "title" | "meta" | "script" ...
    detail: str = ""  # e.g. "display:none", the href, "meta description"
    selector: str | None = None  # CSS selector path of the element in the raw HTML
    href: str | None = None  # for kind == "link"


@dataclass(frozen=True, slots=True)
class Link:
    """An <a> element: its anchor text range in the view, href, rel, and the raw HTML range."""

    start: int
    end: int
    text: str
    href: str
    rel: str = ""
    selector: str | None = None
    hidden: bool = False


@dataclass(slots=True)
class TextView:
    """``text`` is what detectors read; ``to_raw`` maps its offsets back to the caller's input.

    ``raw_starts[i]`` is the raw offset of view character i; ``raw_ends[i]`` the raw offset just
    past it. ``None`` for both means the identity map (plain text input).
    """

    text: str
    raw: str
    raw_starts: Sequence[int] | None = None  # an array of machine integers for HTML
    raw_ends: Sequence[int] | None = None
    regions: list[Region] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str = ""
    base_url: str | None = None
    is_html: bool = False
    _region_starts: list[int] | None = None
    _region_parents: list[int] | None = None

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open view range to the half-open raw range that covers it."""
        if self.raw_starts is None or self.raw_ends is None:
            return start, end
        if end <= start:
            pos = self.raw_starts[start] if start < len(self.raw_starts) else len(self.raw)
            return pos, pos
        return self.raw_starts[start], self.raw_ends[end - 1]

    def regions_at(self, start: int, end: int) -> list[Region]:
        """Regions that overlap ``[start, end)``, in (start, end) order.

        Costs the regions found plus the nesting depth, not the number of regions: the regions
        that begin before ``start`` and are still open there are walked through parent links
        (each region's parent is the latest earlier region still open where it begins).
        """
        if not self.regions:
            return []
        if self._region_starts is None:
            self._index_regions()
        starts, parents, regions = self._region_starts, self._region_parents, self.regions
        lo, hi = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        found = [regions[k] for k in range(lo, hi) if regions[k].end > start]
        k = lo - 1
        open_before: list[Region] = []
        while k >= 0:
            if regions[k].end > start:
                open_before.append(regions[k])
            k = parents[k]
        return open_before[::-1] + found if open_before else found

    def _index_regions(self) -> None:
        self.regions.sort(key=lambda r: (r.start, r.end))
        self._region_starts = [r.start for r in self.regions]
        parents: list[int] = []
        stack: list[int] = []
        for k, r in enumerate(self.regions):
            while stack and self.regions[stack[-1]].end <= r.start:
                stack.pop()
            parents.append(stack[-1] if stack else -1)
            stack.append(k)
        self._region_parents = parents


def plain_view(text: str) -> TextView:
    """The identity view of plain text; Markdown links (``[anchor](https://...)``) are link regions."""
    links = markdown_links(text)
    if not links:
        return TextView(text=text, raw=text)
    regions = [Region(s, e, "link", href, href=href) for s, e, href in links]
    return TextView(
        text=text, raw=text, regions=regions, links=[Link(s, e, text[s:e], href) for s, e, href in links]
    )


def link_domain(href: str | None) -> str:
    """The host of an absolute (or protocol-relative) link, lower case, without ``www.``; "" if none."""
    if not href:
        return ""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(href.strip()).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


# Separators between the words of a URL slug or host label.
SLUG_SPLIT = re.compile(r"[-_/.+=&?%]+|\d+")


def address_words(url: str) -> tuple[list[str], str]:
    """The host's own labels (no ``www``, no suffix) and the path as lower-case words."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(url if "//" in url else "//" + url)
        host = (parts.hostname or "").lower()
        path = unquote(parts.path or "")
    except ValueError:
        return [], ""
    labels = [lb for lb in host.split(".") if lb and lb != "www"][:-1]
    words = " ".join(w for w in SLUG_SPLIT.split(path.lower()) if w)
    return labels, words
