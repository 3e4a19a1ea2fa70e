"""A self-contained static HTML page summarising a JSONL file of reports (``spamscalpel report``).

The page has inline CSS, SVG charts and a few lines of inline JS; it opens offline from file://.
Records are the report JSON that ``spamscalpel scan`` prints; a record may also carry the scanned
``text`` (top level or in ``meta``), which lets the page show each span in its context.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from .types import CATEGORIES

CONTEXT = 80  # characters of text shown each side of a span
_TAG = re.compile(r"<[^<>]*>")
_TAG_HEAD = re.compile(r"^[^<]*>")  # the end of a tag cut off at the left edge of the context
_TAG_TAIL = re.compile(r"<[^>]*$")  # the start of a tag cut off at the right edge
_URL = re.compile(r"https?://([A-Za-z0-9.-]+)", re.I)
_LINK_TO = re.compile(r"\blink to ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_COLOURS = {
    "pharma": "#c0392b",
    "gambling": "#1f5fa8",
    "loans": "#9a6a00",
    "adult": "#a0308f",
    "replica": "#23824a",
    "essay": "#5b3fb0",
    "other": "#555555",
}


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line of the input that could not be used, and why."""

    line: int
    reason: str


@dataclass(slots=True)
class Summary:
    """Everything the page shows, gathered in one pass over the records."""

    source: str = ""
    lines: int = 0
    documents: int = 0
    spam: int = 0
    errors: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)
    verdicts: Counter = field(default_factory=Counter)
    docs_by_category: Counter = field(default_factory=Counter)
    spans_by_category: Counter = field(default_factory=Counter)
    terms: Counter = field(default_factory=Counter)
    link_domains: Counter = field(default_factory=Counter)
    page_domains: Counter = field(default_factory=Counter)
    score_bins: list[int] = field(default_factory=lambda: [0] * 10)
    worst: list[dict[str, Any]] = field(default_factory=list)


def _check_record(rec: Any) -> str | None:
    """Why a parsed line is not a usable report, or None if it is."""
    if not isinstance(rec, dict):
        return f"expected a JSON object, got {type(rec).__name__}"
    for key in ("id", "verdict", "score", "spans"):
        if key not in rec:
            return f"missing field {key!r}"
    if not isinstance(rec["spans"], list):
        return "'spans' is not a list"
    if (
        isinstance(rec["score"], bool)
        or not isinstance(rec["score"], int | float)
        or math.isnan(rec["score"])
    ):
        return "'score' is not a number"
    for i, s in enumerate(rec["spans"]):
        if not isinstance(s, dict) or not all(k in s for k in ("start", "end", "text", "category")):
            return f"span {i} lacks start/end/text/category"
        if not isinstance(s["start"], int) or not isinstance(s["end"], int) or not isinstance(s["text"], str):
            return f"span {i} has non-integer offsets or non-string text"
    return None


def _domain(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    # Free-text sources ("public repository file") are not domains.
    if not host or "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    return host.removeprefix("www.")


def _doc_text(rec: dict[str, Any]) -> str | None:
    text = rec.get("text")
    if not isinstance(text, str):
        text = (rec.get("meta") or {}).get("text") if isinstance(rec.get("meta"), dict) else None
    return text if isinstance(text, str) else None


def summarize(lines: Iterable[str], source: str = "", top: int = 20) -> Summary:
    """Read JSONL report lines into a Summary; malformed lines are counted, never fatal."""
    s = Summary(source=source)
    candidates: list[tuple[float, int, int, dict[str, Any]]] = []
    for n, line in enumerate(lines, start=1):
        s.lines = n
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            s.bad_lines.append(BadLine(n, f"not JSON: {exc.msg} at column {exc.colno}"))
            continue
        reason = _check_record(rec)
        if reason:
            s.bad_lines.append(BadLine(n, reason))
            continue
        s.documents += 1
        verdict = str(rec["verdict"])
        s.verdicts[verdict] += 1
        if verdict == "error":
            s.errors += 1
            continue
        score = min(1.0, max(0.0, float(rec["score"])))
        s.score_bins[min(9, int(score * 10))] += 1
        spam = verdict in ("injected", "spam_page")
        if spam:
            s.spam += 1
        cats = set()
        for sp in rec["spans"]:
            cat = sp["category"] if sp["category"] in CATEGORIES else "other"
            cats.add(cat)
            s.spans_by_category[cat] += 1
            s.terms[" ".join(_words_of(sp["text"]).lower().split())[:60]] += 1
            if sp.get("source") == "link":
                blob = " ".join(
                    str(e.get("detail", "")) for e in sp.get("evidence") or [] if isinstance(e, dict)
                )
                # The href sits in the span text (the whole <a> element) and/or is named in the evidence.
                hosts = set(_URL.findall(sp["text"])) | set(_URL.findall(blob)) | set(_LINK_TO.findall(blob))
                for host in hosts:
                    s.link_domains[host.lower().removeprefix("www.")] += 1
        for cat in cats:
            s.docs_by_category[cat] += 1
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        if spam:
            host = _domain(meta.get("url") or rec.get("url") or meta.get("source") or rec.get("source"))
            if host:
                s.page_domains[host] += 1
        if rec["spans"] or spam:
            candidates.append((score, len(rec["spans"]), -n, rec))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]), reverse=True)
    s.worst = [c[3] for c in candidates[:top]]
    return s


# ------------------------------------------------------------------------------------------
# SVG charts: horizontal bars with labels; text is escaped, sizes are computed here.
# ------------------------------------------------------------------------------------------


def bar_chart(
    title: str, rows: list[tuple[str, float, str]], value_fmt: str = "{:g}", chart_id: str = ""
) -> str:
    """An inline SVG horizontal bar chart of (label, value, colour) rows."""
    if not rows:
        return f'<figure class="chart" id="{chart_id}"><figcaption>{escape(title)}</figcaption><p class="none">nothing to show</p></figure>'
    bar_h, gap, label_w, plot_w = 18, 6, 190, 330
    height = len(rows) * (bar_h + gap) + gap
    peak = max(v for _, v, _ in rows) or 1
    parts = [
        f'<figure class="chart" id="{chart_id}"><figcaption>{escape(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{label_w + plot_w + 120}" height="{height}" viewBox="0 0 {label_w + plot_w + 120} {height}">',
    ]
    for i, (label, value, colour) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1.0, plot_w * value / peak) if value else 0
        shown = label if len(label) <= 28 else label[:27] + "…"
        text = value_fmt.format(value)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(text)}</title>'
            f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{label_w + w + 5:.1f}" y="{y + bar_h - 5}">{escape(text)}</text></g>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


def histogram(title: str, bins: list[int], chart_id: str = "") -> str:
    """An inline SVG column chart of the score histogram (ten bins over 0..1)."""
    col_w, gap, plot_h = 34, 6, 150
    width = len(bins) * (col_w + gap) + 40
    peak = max(bins) or 1
    parts = [
        f'<figure class="chart" id="{chart_id}"><figcaption>{escape(title)}</figcaption>',
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{plot_h + 54}" viewBox="0 0 {width} {plot_h + 54}">',
    ]
    for i, count in enumerate(bins):
        x = 20 + i * (col_w + gap)
        h = plot_h * count / peak
        lo, hi = i / 10, (i + 1) / 10
        parts.append(
            f'<g class="bar"><title>score {lo:.1f}–{hi:.1f}: {count} document(s)</title>'
            f'<rect x="{x}" y="{24 + plot_h - h:.1f}" width="{col_w}" height="{h:.1f}" fill="#0b5394"/>'
            f'<text x="{x + col_w / 2}" y="{19 + plot_h - h:.1f}" text-anchor="middle">{count}</text>'
            f'<text x="{x + col_w / 2}" y="{plot_h + 40}" text-anchor="middle">{lo:.1f}</text></g>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)


# ------------------------------------------------------------------------------------------
# The page.
# ------------------------------------------------------------------------------------------

_CSS = """
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fdfdfc}
main{max-width:72rem;margin:0 auto;padding:0 1rem 3rem}
h1{font-size:1.5rem;margin:1rem 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem}
.meta{color:#4a4a4a}.stats{display:flex;flex-wrap:wrap;gap:1.5rem;margin:1rem 0}
.stats div{border:1px solid #ccc;padding:.5rem 1rem}.stats b{display:block;font-size:1.4rem}
.charts{display:flex;flex-wrap:wrap;gap:2rem}.chart{margin:0;max-width:100%}.chart svg{max-width:100%;height:auto}.chart figcaption{font-weight:600;margin-bottom:.25rem}
.chart svg text{font:12px system-ui,sans-serif;fill:#1b1b1b}.none{color:#4a4a4a}
.doc{border:1px solid #ccc;margin:1rem 0;padding:.5rem 1rem;background:#fff}
.doc h3{font-size:1rem;margin:.25rem 0}.snip{font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;margin:.35rem 0}
mark{color:#1b1b1b;border-bottom:2px solid #555}
.cat-pharma{background:#ffd5d5}.cat-gambling{background:#d9e8ff}.cat-loans{background:#fff0b3}
.cat-adult{background:#f4d4f4}.cat-replica{background:#d6f5df}.cat-essay{background:#e6ddff}.cat-other{background:#e4e4e4}
.ev{color:#4a4a4a;font-size:.85rem;margin:0 0 .5rem 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
input[type=search]{font:inherit;padding:.3rem;width:20rem;max-width:100%}
.doc{overflow-wrap:anywhere}.ev-head{margin:.25rem 0 0;font-size:.85rem;color:#4a4a4a}.more{color:#4a4a4a;font-size:.85rem}
.table-wrap{max-width:100%;overflow-x:auto}
"""

# Filters the worst-documents list as you type; wrapped in CDATA so the page is also valid XML.
_JS = """//<![CDATA[
(function(){var q=document.getElementById('filter');if(!q)return;
q.addEventListener('input',function(){var v=q.value.toLowerCase();
document.querySelectorAll('.doc').forEach(function(d){d.hidden=v!==''&&d.textContent.toLowerCase().indexOf(v)===-1;});});})();
//]]>"""


def _span_mark(sp: dict[str, Any], text: str) -> str:
    cat = sp["category"] if sp["category"] in CATEGORIES else "other"
    reasons = _readable([e for e in sp.get("evidence") or [] if isinstance(e, dict)])
    ev = "; ".join(f"{k}: {d}" for k, d in reasons[:EVIDENCE_SHOWN])
    tip = f"{cat} {float(sp.get('score', 0)):.2f}" + (f" | {ev}" if ev else "")
    return (
        f'<mark class="cat-{cat}" data-category="{cat}" data-start="{sp["start"]}" data-end="{sp["end"]}" '
        f'title="{escape(tip)}">{escape(_words_of(text))}</mark>'
    )


def _words_of(text: str) -> str:
    """A span's readable words: a span reported as a whole element or link carries its tags."""
    if "<" not in text:
        return text
    words = " ".join(_TAG.sub(" ", text).split())
    return words or text


SPANS_SHOWN = 5  # spans shown per document; the rest are counted
EVIDENCE_SHOWN = 3  # reasons shown per span
_MAX_FILE = 5_000_000
# Evidence kinds that are the scorer's bookkeeping, not a reason a site owner can check.
_INTERNAL_KINDS = frozenset({"context", "quoted", "model", "encoder", "bias"})
_FRIENDLY = {
    "commercial_modifier": "sales wording",
    "grammar_break": "breaks the sentence",
    "lowercase_brand": "brand in lower case",
    "drug_off_topic": "off the page's topic",
    "link_anchor": "link to another site",
    "hidden": "hidden from visitors",
    "hidden_css": "hidden from visitors",
    "spam_term": "spam term",
    "cluster": "near other spam",
    "doc_commercial": "the page's other spam",
    "rotation": "one drug under many names",
    "obfuscation": "disguised spelling",
    "fits_sentence": "reads as ordinary text",
    "glued": "glued into a word",
}


def _file_text(doc_id: str) -> str | None:
    """The scanned file itself, when a record's id is a readable path (``scan`` ids are paths)."""
    try:
        path = Path(doc_id)
        if path.is_file() and path.stat().st_size <= _MAX_FILE:
            return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return None
    return None


def _readable(ev: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, detail) of the reasons worth showing, strongest first, internal feature lines dropped."""
    out = []
    for e in sorted(ev, key=lambda e: -abs(float(e.get("weight") or 0))):
        kind, detail = str(e.get("kind", "")), str(e.get("detail", ""))
        if kind in _INTERNAL_KINDS or not detail or detail == kind:
            continue
        out.append((_FRIENDLY.get(kind, kind.replace("_", " ")), detail))
    return out


def _doc_block(rec: dict[str, Any]) -> str:
    text = _doc_text(rec)
    if text is None:
        text = _file_text(str(rec["id"]))
    spans = sorted(rec["spans"], key=lambda sp: (sp["start"], sp["end"]))
    head = (
        f"<h3>{escape(str(rec['id']))} <small>{escape(str(rec['verdict']))}, score {float(rec['score']):.2f}, "
        f"{len(spans)} span(s)</small></h3>"
    )
    out = [f'<section class="doc">{head}']
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    url = meta.get("url") or rec.get("url")
    if isinstance(url, str) and url:
        link = escape(url)
        if url.startswith(("http://", "https://")):
            link = f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{link}</a>'
        out.append(f'<p class="meta">Source: {link}</p>')
    reasons = [_readable([e for e in sp.get("evidence") or [] if isinstance(e, dict)]) for sp in spans]
    # A reason several spans give word for word is about the page: said once, above the spans.
    seen = Counter(r for rs in reasons for r in set(rs))
    shared = {r for r, n in seen.items() if n > 1}
    if shared:
        order = list(dict.fromkeys(r for rs in reasons for r in rs if r in shared))
        items = "".join(f"<li><b>{escape(k)}</b>: {escape(d)}</li>" for k, d in order)
        out.append(f'<p class="ev-head">About the page:</p><ul class="ev">{items}</ul>')
    for sp, why in list(zip(spans, reasons, strict=True))[:SPANS_SHOWN]:
        if text is not None and 0 <= sp["start"] <= sp["end"] <= len(text):
            before = text[max(0, sp["start"] - 3 * CONTEXT) : sp["start"]]
            after = text[sp["end"] : sp["end"] + 3 * CONTEXT]
            if sp.get("source"):  # HTML input: the words around the span, not the markup
                before = _TAG.sub(" ", _TAG_HEAD.sub("", before))
                after = _TAG.sub(" ", _TAG_TAIL.sub("", after))
            before, after = before[-CONTEXT:], after[:CONTEXT]
            shown = text[sp["start"] : sp["end"]]
            lead = "…" if sp["start"] > CONTEXT else ""
            tail = "…" if sp["end"] + CONTEXT < len(text) else ""
            out.append(
                f'<p class="snip">{lead}{escape(" ".join(before.split()))} {_span_mark(sp, shown)} '
                f"{escape(' '.join(after.split()))}{tail}</p>"
            )
        else:
            # No source text in the record or on disk: show the span text and where it sat.
            out.append(
                f'<p class="snip">[{sp["start"]}–{sp["end"]}] {_span_mark(sp, sp["text"])}'
                + (f" <small>{escape(str(sp.get('source')))}</small>" if sp.get("source") else "")
                + "</p>"
            )
        own = [(k, d) for k, d in why if (k, d) not in shared][:EVIDENCE_SHOWN]
        if own:
            items = "".join(f"<li><b>{escape(k)}</b>: {escape(d)}</li>" for k, d in own)
            out.append(f'<ul class="ev">{items}</ul>')
    if len(spans) > SPANS_SHOWN:
        out.append(f'<p class="more">… and {len(spans) - SPANS_SHOWN} more span(s) in this document.</p>')
    out.append("</section>")
    return "".join(out)


def render_html(s: Summary, title: str = "spamscalpel report") -> str:
    """The whole page for a Summary, as one HTML string that is also well-formed XML."""
    scanned = s.documents - s.errors
    rate_rows = [
        (cat, 100.0 * s.docs_by_category[cat] / scanned if scanned else 0.0, _COLOURS[cat])
        for cat in CATEGORIES
        if s.docs_by_category[cat]
    ]
    term_rows = [(t, float(n), "#0b5394") for t, n in s.terms.most_common(15)]
    charts = [
        bar_chart("Spam rate by category (% of documents)", rate_rows, "{:.1f}%", "chart-category"),
        bar_chart("Top injected terms (spans)", term_rows, "{:g}", "chart-terms"),
        histogram("Document score histogram", s.score_bins, "chart-scores"),
    ]
    if s.link_domains:
        rows = [(d, float(n), "#5b3fb0") for d, n in s.link_domains.most_common(15)]
        charts.append(bar_chart("Top injected link domains", rows, "{:g}", "chart-link-domains"))
    if s.page_domains:
        rows = [(d, float(n), "#5b3fb0") for d, n in s.page_domains.most_common(15)]
        charts.append(bar_chart("Top domains of spam documents", rows, "{:g}", "chart-domains"))
    spam_pct = f"{100.0 * s.spam / scanned:.1f}%" if scanned else "n/a"
    stats = [
        ("documents", s.documents),
        ("spam", f"{s.spam} ({spam_pct})"),
        ("spans", sum(s.spans_by_category.values())),
        ("error records", s.errors),
        ("malformed lines", len(s.bad_lines)),
    ]
    bad = ""
    if s.bad_lines:
        rows = "".join(f"<tr><td>{b.line}</td><td>{escape(b.reason)}</td></tr>" for b in s.bad_lines[:200])
        more = f"<p>… and {len(s.bad_lines) - 200} more.</p>" if len(s.bad_lines) > 200 else ""
        bad = (
            f'<h2 id="malformed">Malformed lines ({len(s.bad_lines)})</h2>'
            f"<div class='table-wrap'><table><thead><tr><th>line</th><th>reason</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>{more}"
        )
    worst = "".join(_doc_block(r) for r in s.worst) or '<p class="none">No document had spans.</p>'
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{escape(s.source)}: {s.lines} line(s), made {made}</p>'
        '<div class="stats">'
        + "".join(f"<div><b>{escape(str(v))}</b>{escape(k)}</div>" for k, v in stats)
        + "</div>"
        + '<h2>Charts</h2><div class="charts">'
        + "".join(charts)
        + "</div>"
        + f'<h2 id="worst">Worst documents (top {len(s.worst)})</h2>'
        + '<p><label for="filter">Filter: </label><input id="filter" type="search" placeholder="id, term, category"/></p>'
        + worst
        + bad
        + f"</main><script>{_JS}</script></body></html>\n"
    )


def build_report(
    inp: TextIO, source: str = "", top: int = 20, title: str = "spamscalpel report"
) -> tuple[str, Summary]:
    """Read JSONL reports from ``inp`` and return (HTML page, Summary)."""
    s = summarize(inp, source=source, top=top)
    return render_html(s, title=title), s


def write_report(
    path: str | Path, out: str | Path, top: int = 20, title: str = "spamscalpel report"
) -> Summary:
    """Read a JSONL file of reports and write the static HTML page to ``out``."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        page, s = build_report(fh, source=str(path), top=top, title=title)
    Path(out).write_text(page, encoding="utf-8")
    return s
