"""Cleaning HTML removes what the spammer paid for: hidden blocks whole, links with their href,
and leaves well-formed markup. Every cleaned page here is parsed again and checked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from spamscalpel import Document, analyze, clean
from spamscalpel.clean import POLICIES
from spamscalpel.commands.scan import example_path
from spamscalpel.types import Report, Span

FIXTURES = Path(__file__).parent / "fixtures" / "html"
REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "data" / "realworld-dev.jsonl"

KEEP = "<p>Our allotment grew fine beans this year, and the club met twice in June.</p>"
AFTER = "<p>More about compost and leaf mould next week.</p>"
PAGES = {
    "hidden links": f'<html><body>{KEEP}<div style="display:none"><a href="https://rx.example/v">buy viagra '
    f'online</a> <a href="https://rx.example/c">cheap cialis</a></div>{AFTER}</body></html>',
    "hidden text then link": f'<html><body>{KEEP}<div style="display:none">Best pharmacy: '
    f'<a href="https://rx.example/v">buy viagra online</a></div>{AFTER}</body></html>',
    "visible link": "<html><body><p>Thanks to the sponsor whose banner hung by the gate: "
    '<a href="http://lucky-spins-777.example/">play online casino games for real money</a>.</p>'
    f"{AFTER}</body></html>",
    "link in a list": f"<html><body>{KEEP}<ul><li>Seed swap on Sunday</li>"
    '<li><a href="https://loans.example/fast">fast payday loans no credit check</a></li></ul>'
    f"{AFTER}</body></html>",
    "off-screen block with an image": f'<html><body>{KEEP}<div style="position:absolute;left:-9999px">'
    '<a href="https://rx.example/b"><img src="https://rx.example/b.png"> buy cheap viagra online</a>'
    f"</div>{AFTER}</body></html>",
}

_VOID = set("area base br col embed hr img input keygen link meta param source track wbr".split())
_HREF = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


class _Balance(HTMLParser):
    """Counts end tags that close nothing: a cut that leaves half an element makes one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.stray = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        else:
            self.stray += 1


def _parse(markup: str) -> _Balance:
    p = _Balance()
    p.feed(markup)
    p.close()
    return p


def _link_targets(raw: str, report: Report) -> set[str]:
    """Every href the report points at: inside a span, or of the <a> element a span sits in."""
    out = set()
    for s in report.spans:
        out |= {next(g for g in m.groups() if g is not None) for m in _HREF.finditer(s.text)}
        opened = raw.rfind("<a ", 0, s.start)
        if opened >= 0 and raw.find("</a>", opened, s.start) < 0:
            tag = raw[opened : raw.find(">", opened) + 1]
            out |= {next(g for g in m.groups() if g is not None) for m in _HREF.finditer(tag)}
    return out


def _pages() -> list[tuple[str, str]]:
    pages = list(PAGES.items())
    pages += [(p.name, p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.html"))]
    pages.append(("example", example_path().read_text(encoding="utf-8")))
    if REALWORLD.exists():
        for line in REALWORLD.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec.get("html"):
                pages.append((rec["id"], rec["html"]))
    return pages


def check_cleaned(raw: str, report: Report, policy: str) -> str:
    """Clean ``raw`` and assert the result is well-formed and keeps no reported link target."""
    out = clean(raw, report, policy=policy).text
    before, after = _parse(raw), _parse(out)
    assert after.stray <= before.stray, f"{policy}: the cut left an end tag that closes nothing"
    assert not re.search(r"<[a-zA-Z/][^<>]*(?=<|$)", out[-200:]), "a tag was cut in half"
    targets = _link_targets(raw, report)
    # A target the page also links to outside every span is the site's own link, not the spammer's.
    legit = set(before.hrefs) - targets
    kept = set(after.hrefs) & targets - legit
    assert not kept, f"{policy}: reported link targets survive the cleaning: {sorted(kept)}"
    return out


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hidden_blocks_and_links_go_whole(name):
    raw = PAGES[name]
    report = analyze(Document(name, raw, format="html"))
    assert report.is_spam and report.spans
    for policy in POLICIES:
        out = check_cleaned(raw, report, policy)
        assert (
            KEEP in out or "Thanks to the sponsor" in out or (policy == "sentence" and name == "visible link")
        )
        assert AFTER in out
        if policy != "mask":
            assert "rx.example" not in out and "loans.example" not in out and "lucky-spins" not in out
            assert not re.search(r"viagra|cialis|casino|payday", out, re.I)
            assert "display:none" not in out and "-9999px" not in out  # the emptied block went too
    if name == "link in a list":
        assert "<li>Seed swap on Sunday</li></ul>" in clean(raw, report).text  # the emptied <li> went


def test_issue_example_is_not_left_as_broken_markup():
    raw = PAGES["hidden text then link"]
    report = analyze(Document("x", raw, format="html"))
    out = clean(raw, report).text
    assert out == f"<html><body>{KEEP}{AFTER}</body></html>"
    # The hidden block is reported as its whole element, so even a plain-text cut leaves no orphan tag.
    assert "</a></div>" not in clean(raw, report, format="text").text


def test_a_span_across_an_element_edge_keeps_the_markup_balanced():
    raw = "<div><p>Roses like sun. <b>cheap viagra</b> and mulch.</p><p>Prune in March.</p></div>"
    s = raw.index("viagra")
    e = raw.index(" and")
    span = Span(s, e, raw[s:e], "pharma", 0.9, source="text")
    report = Report("x", "injected", 0.9, (span,))
    out = clean(raw, report).text
    assert out == "<div><p>Roses like sun. <b>cheap </b> and mulch.</p><p>Prune in March.</p></div>"
    assert _parse(out).stray == 0


def test_a_span_ending_inside_a_tag_is_snapped_to_the_tag():
    raw = '<p>Notes. <a href="https://rx.example/">cheap viagra</a> More.</p>'
    s = raw.index("cheap")
    e = raw.index("</a>") + 2  # ends inside "</a>"
    report = Report("x", "injected", 0.9, (Span(s, e, raw[s:e], "pharma", 0.9, source="text"),))
    out = clean(raw, report).text
    assert out == "<p>Notes. More.</p>"


@pytest.mark.parametrize("policy", POLICIES)
def test_every_cleaned_page_parses_and_keeps_no_reported_link(policy):
    checked = 0
    for name, raw in _pages():
        report = analyze(Document(name, raw, format="html"))
        if not report.spans:
            continue
        check_cleaned(raw, report, policy)
        checked += 1
    assert checked >= len(PAGES) + 1


def test_wordpress_bare_comment_status_becomes_a_string(tmp_path):
    from spamscalpel.site.wordpress import DumpScanner, iter_statements, parse_insert

    dump = tmp_path / "c.sql"
    dump.write_text(
        "INSERT INTO `wp_comments` (comment_ID, comment_content, comment_approved) VALUES "
        "(5,'Great post! Get payday loans now at our site, best casino bonus too.',1),"
        "(6,'Lovely basil this year.',1);\n",
        encoding="utf-8",
    )
    out = tmp_path / "c.clean.sql"
    scanner = DumpScanner(dump)
    reports = [r for r in scanner.run(out=out) if r.is_spam]
    assert [r.meta["action"] for r in reports] == ["marked_spam"]
    (stmt,) = [s for s in iter_statements(out.read_text().splitlines(keepends=True)) if s.strip()]
    rows = {r[0].text: r for r in parse_insert(stmt).rows}
    assert rows["5"][2].kind == "str" and rows["5"][2].text == "spam"
    assert rows["5"][1].text.startswith("Great post! Get payday loans")  # not edited
    assert rows["6"][2].text == "1"
    # The cleaned copy has nothing left to act on: the filed comment is not reported again.
    assert [r for r in DumpScanner(out).run() if r.is_spam] == []
