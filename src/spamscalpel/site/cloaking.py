"""Compare what a browser, Googlebot and a search visitor are served; name the differences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..types import Evidence, Report
from .fetch import FetchResult

_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Variant:
    """One way of fetching a page: a name, the request headers, and who it pretends to be."""

    name: str
    headers: tuple[tuple[str, str], ...]
    who: str  # readable, used in evidence ("Googlebot", "a visitor from a Google search")


@dataclass(frozen=True, slots=True)
class Fetched:
    """A variant's fetch result and, when it returned HTML, its analysis."""

    variant: Variant
    result: FetchResult
    report: Report | None = None


def spam_keys(report: Report | None) -> set[str]:
    """The spam a report found, as comparable strings (lower case, spaces collapsed)."""
    if report is None:
        return set()
    return {_WS.sub(" ", s.text).strip().lower() for s in report.spans}


def _quote_list(keys: set[str], limit: int = 5) -> str:
    shown = sorted(keys)[:limit]
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(repr(k) for k in shown) + more


def compare(browser: Fetched, other: Fetched) -> list[Evidence]:
    """Evidence of cloaking or a search-only redirect in ``other`` relative to the browser fetch."""
    found: list[Evidence] = []
    b, o = browser.result, other.result
    if o.error is None and b.error is None and o.destination != b.destination:
        how = f"redirected ({o.hops[-1].status}) to {o.destination}" if o.hops else f"served {o.destination}"
        seen = f"redirected to {b.destination}" if b.hops else f"served the page itself (status {b.status})"
        found.append(
            Evidence(
                "search_redirect",
                f"{other.variant.who} is {how}; a browser visiting directly is {seen}",
                1.0,
            )
        )
    only = spam_keys(other.report) - spam_keys(browser.report)
    if only and o.body != b.body:
        n = sum(1 for s in other.report.spans if _WS.sub(" ", s.text).strip().lower() in only)
        found.append(
            Evidence(
                "cloaking",
                f"{other.variant.who} is served spam a browser is not: {_quote_list(only)} "
                f"({n} span{'s' if n != 1 else ''}; the page differs: {len(o.body):,} bytes vs "
                f"{len(b.body):,} for a browser)",
                1.0,
            )
        )
    return found
