"""HTML view: text, offset map back to the raw HTML, hidden regions, links, selectors."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("selectolax")

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from spamscalpel.css import hiding_reasons, parse_color, parse_declarations, parse_stylesheet  # noqa: E402
from spamscalpel.html import (  # noqa: E402
    html_view,
    is_off_domain,
    link_domain,
    looks_like_html,
    selector_path,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def assert_offsets_valid(view) -> None:
    """Offsets cover every view character, lie inside the raw input and never go backwards."""
    n = len(view.raw)
    assert len(view.raw_starts) == len(view.text) == len(view.raw_ends)
    prev_s = prev_e = 0
    for s, e in zip(view.raw_starts, view.raw_ends, strict=True):
        assert 0 <= s <= e <= n
        assert s >= prev_s and e >= prev_e
        prev_s, prev_e = s, e


def assert_words_map_back(view) -> None:
    """Every word of the view, mapped to the raw HTML and entity-decoded, is the same word."""
    for m in re.finditer(r"\S+", view.text):
        s, e = view.to_raw(m.start(), m.end())
        piece = view.raw[s:e]
        if "<" in piece and "<" not in m.group():
            continue  # the word runs across inline markup (<b>a</b>b): a range, not a text node
        assert html.unescape(piece) == m.group(), (m.group(), piece)


def hidden(view) -> list[tuple[str, str]]:
    return [(view.text[r.start : r.end].strip(), r.detail) for r in view.regions if r.kind == "hidden"]


# --- the table: page -> what must be hidden, what must not -------------------------------------

PAGES = [
    (
        "theme_header_hack.html",
        {"buy cheap viagra online": "display:none (set by script)"},
        ["Our next meeting", "calendar"],
    ),
    (
        "style_rules.html",
        {
            "best online casino": "off-screen (left:-9999px) (style rule .lnk-box)",
            "payday loans today": "font-size:0px (style rule div.tiny p)",
            "cheap cialis pills": "height:0 with overflow:hidden (style rule #footer-extra)",
            "kamagra oral jelly": "opacity:0 (style rule .ghost)",
            "levitra 20mg": "color #ffffff matches background #ffffff of body",
        },
        ["Patch the tube", "Printable checklist", "chain tool"],
    ),
    (
        "inline_hiding.html",
        {
            "hidden by display": "display:none (inline style) on div",
            "hidden by visibility": "visibility:hidden",
            "hidden off screen": "off-screen (left:-2000px)",
            "hidden tiny font": "font-size:1px",
            "hidden zero width": "width:0 with overflow:hidden",
            "hidden transparent": "opacity:0.0",
            "hidden attribute": "hidden attribute",
            "hidden black on black": "color #000000 matches background #000000 of body",
            "hidden upper case": "display:none",
            "hidden aria": "with aria-hidden",
        },
        ["Welcome to the pottery studio", "shown after override", "visible grey text"],
    ),
    (
        "accessibility.html",
        {"buy viagra online": "with aria-hidden", "payday loans": "display:none (inline style)"},
        ["Skip to content", "Skip navigation", "(current page)", "for the main branch"],
    ),
    ("clean.html", {}, ["Hemifacial spasm causes", "society's page"]),
]


@pytest.mark.parametrize(("name", "must_hide", "must_show"), PAGES, ids=[p[0] for p in PAGES])
def test_page_table(name, must_hide, must_show):
    view = html_view(fixture(name), "https://club.example/")
    assert view.is_html
    assert_offsets_valid(view)
    assert_words_map_back(view)
    found = hidden(view)
    for text, detail in must_hide.items():
        hits = [d for t, d in found if text in t]
        assert hits, f"{text!r} not reported hidden in {name}: {found}"
        assert any(detail in d for d in hits), (text, hits)
    for text in must_show:
        assert text in view.text
        assert not any(text in t for t, _ in found), f"{text!r} wrongly reported hidden in {name}"
    for r in view.regions:
        if r.kind == "hidden":
            assert r.selector and r.selector.startswith("html > body")


def test_script_hidden_div_like_wordpress_hack():
    view = html_view(fixture("theme_header_hack.html"), "https://club.example/")
    [region] = [r for r in view.regions if r.kind == "hidden"]
    assert region.selector == "html > body > div#PromoBox"
    assert "visibility:hidden (set by script)" in region.detail and "on div#PromoBox" in region.detail
    spam_links = [lk for lk in view.links if "example/" in lk.href and lk.hidden]
    assert [lk.text for lk in spam_links] == ["buy cheap viagra online", "cialis without prescription"]
    assert all(is_off_domain(lk.href, view.base_url) for lk in spam_links)
    own = [lk for lk in view.links if not lk.hidden]
    assert [(lk.text, lk.href) for lk in own] == [("calendar", "https://club.example/calendar/")]
    assert not is_off_domain(own[0].href, view.base_url)
    # A hidden span maps back onto the raw HTML the caller gave.
    start = view.text.index("buy cheap viagra online")
    s, e = view.to_raw(start, start + len("buy cheap viagra online"))
    assert view.raw[s:e] == "buy cheap viagra online"


def test_title_and_meta():
    view = html_view(fixture("theme_header_hack.html"))
    assert view.title == "Riverside Garden Club \u2013 Home"
    kinds = {r.kind: r for r in view.regions if r.kind in ("title", "meta")}
    assert view.text[kinds["title"].start : kinds["title"].end] == view.title
    meta = kinds["meta"]
    assert meta.detail == "meta description"
    assert view.text[meta.start : meta.end].startswith("News, meetings")
    s, e = view.to_raw(meta.start, meta.end)
    assert view.raw[s:e] == "News, meetings and planting tips from the Riverside Garden Club."
    # Entities in the title map to their whole raw range.
    i = view.text.index("\u2013")
    assert view.raw[slice(*view.to_raw(i, i + 1))] == "&ndash;"


def test_meta_keywords_with_entities():
    raw = '<head><meta name="Keywords" content="pills &amp; more, loans"><title>x</title></head><p>body'
    view = html_view(raw)
    [meta] = [r for r in view.regions if r.kind == "meta"]
    assert meta.detail == "meta keywords"
    assert view.text[meta.start : meta.end] == "pills & more, loans"
    s, e = view.to_raw(meta.start, meta.end)
    assert raw[s:e] == "pills &amp; more, loans"


def test_text_excludes_scripts_styles_templates_noscript():
    raw = (
        "<p>one</p><script>var spam='viagra';</script><style>p{color:red}</style>"
        "<template><p>tpl</p></template><noscript>ns text</noscript><p>two</p>"
    )
    view = html_view(raw)
    assert view.text.split() == ["one", "two"]
    assert_offsets_valid(view)


def test_blocks_and_inline_separation():
    view = html_view("<div>alpha <b>beta</b><i>gamma</i></div><p>delta<br>epsilon</p>")
    assert view.text.split("\n")[:3] == ["alpha betagamma", "delta", "epsilon"]
    # Synthetic newlines map to a zero-width raw position.
    i = view.text.index("\n")
    assert view.raw_starts[i] == view.raw_ends[i]


def test_entity_maps_to_whole_raw_range():
    raw = "<p>Tom &amp; Jerry &eacute;t&#233; &#x2603; &notit;</p>"
    view = html_view(raw)
    assert view.text.strip() == "Tom & Jerry \u00e9t\u00e9 \u2603 \u00acit;"
    i = view.text.index("&")
    assert raw[view.raw_starts[i] : view.raw_ends[i]] == "&amp;"
    assert_words_map_back(view)


def test_color_matching_background_only_where_text_has_that_colour():
    raw = (
        "<body style='background:#ffffff'>"
        "<div style='background:#333;color:#333'><p style='color:#fff'>light on dark, visible</p></div>"
        "<div style='color:#fff'><span><b>white on white</b></span></div>"
        "<table bgcolor=white><tr><td><font color=#FFFFFE>font on table</font></td></tr></table></body>"
    )
    found = hidden(html_view(raw))
    assert [t for t, _ in found] == ["white on white", "font on table"]
    assert "color #ffffff matches background #ffffff of body" in found[0][1]
    assert "of table" in found[1][1]


def test_sr_only_exempt_but_not_when_aria_hidden():
    view = html_view(fixture("accessibility.html"))
    texts = [t for t, _ in hidden(view)]
    assert "(current page)" not in texts
    assert "buy viagra online" in texts


def test_links_resolution_rel_and_regions():
    raw = (
        '<base href="https://blog.example/posts/">'
        '<p><a href="../about">About</a> <a href="//cheap-pills.example/buy" rel="Nofollow  Sponsored">cheap pills</a>'
        ' <a name="anchor">no href</a> <a href="mailto:x@y.example">mail</a></p>'
    )
    view = html_view(raw, "https://blog.example/posts/1")
    assert [(lk.text, lk.href, lk.rel) for lk in view.links] == [
        ("About", "https://blog.example/about", ""),
        ("cheap pills", "https://cheap-pills.example/buy", "nofollow sponsored"),
        ("mail", "mailto:x@y.example", ""),
    ]
    link_regions = [r for r in view.regions if r.kind == "link"]
    assert [view.text[r.start : r.end] for r in link_regions] == ["About", "cheap pills", "mail"]
    assert link_regions[1].href == "https://cheap-pills.example/buy"
    assert [is_off_domain(lk.href, view.base_url) for lk in view.links] == [False, True, False]


@pytest.mark.parametrize(
    ("href", "domain"),
    [
        ("https://www.Example.COM/x", "example.com"),
        ("//cdn.example.net/a.js", "cdn.example.net"),
        ("/relative/path", ""),
        ("page.html", ""),
        ("mailto:a@b.example", ""),
        ("http://[bad", ""),
        ("", ""),
    ],
)
def test_link_domain(href, domain):
    assert link_domain(href) == domain


@pytest.mark.parametrize(
    ("href", "base", "off"),
    [
        ("https://shop.example.com/x", "https://www.example.com/", False),
        ("https://evil.example.org/", "https://www.example.com/", True),
        ("https://a.example.co.uk/", "https://b.example.co.uk/", False),
        ("https://other.co.uk/", "https://mine.co.uk/", True),
        ("/local", "https://www.example.com/", False),
        ("https://anything.example/", None, True),
    ],
)
def test_is_off_domain(href, base, off):
    assert is_off_domain(href, base) is off


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", True),
        ("  <html lang=en><p>x", True),
        ("<div class=a><p>One</p><p>Two</p></div>", True),
        ("Buy cheap viagra online today, best prices.", False),
        ("Use the <p> tag for paragraphs.", False),
        ("a < b and c > d", False),
        ("", False),
    ],
)
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected


def test_selector_path_matches_walk_and_finds_element():
    raw = fixture("style_rules.html") + fixture("theme_header_hack.html")
    view = html_view(raw)
    tree = LexborHTMLParser(raw)
    selectors = [r.selector for r in view.regions if r.selector] + [lk.selector for lk in view.links]
    assert selectors
    for sel in selectors:
        node = tree.css_first(sel)
        assert node is not None, sel
        assert selector_path(node) == sel
    assert selector_path(tree.css("p")[1]) == "html > body > div:nth-of-type(2) > p"
    assert selector_path(tree.css("p")[2]) == "html > body > p:nth-of-type(2)"


MALFORMED = [
    "",
    "just words, no markup",
    "<",
    "&",
    "<!--",
    "<!-- never closed <p>text",
    "<p>a\r\nb\rc</p>",
    "a\x00b<p>c\x00d",
    "x\ud800y<p>z",
    "<div style='display:none'",
    "<a href='x>never closed",
    "<p>&#0;&#x110000;&#128;&#xD800;&#99999999999;&#x41 &am &amp",
    "<table>junk<tr><td>cell</td></tr>more</table>after",
    "<plaintext>a<b>&amp;",
    "<xmp>a&amp;<b></xmp>",
    "<title>a<b>&amp;</title>rest",
    "<svg><![CDATA[x<y]]></svg><![CDATA[html]]>z",
    "<p>a</p></body></html>tail <p>after html",
    "<P CLASS=x>UPPER <B>case</B></P><DIV STYLE=DISPLAY:NONE>gone</DIV>",
    "<script>if (a < b) document.write('<p>x</p>')</script>after",
    "<style>p { color: red } </style",
    "</>stray</ notatag> <3 & <# <>",
    "<div>" * 3000 + "deep" + "</div>" * 3000,
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_never_crashes_and_keeps_offsets_valid(raw):
    view = html_view(raw)
    assert_offsets_valid(view)
    for r in view.regions:
        assert 0 <= r.start <= r.end <= len(view.text)


def test_svg_title_is_not_the_page_title():
    raw = (
        "<html><head><title>Shop</title></head><body><svg><title>Search icon</title><path d='M0 0'/></svg>"
        "<p>after <svg><desc>d</desc></svg><textarea>&lt;b&gt;</textarea></p></body></html>"
    )
    view = html_view(raw)
    assert view.title == "Shop"
    assert [r.kind for r in view.regions] == ["title"]
    assert "Search icon" in view.text
    assert_offsets_valid(view)
    assert_words_map_back(view)


def test_malformed_fixture():
    view = html_view(fixture("malformed.html"))
    assert_offsets_valid(view)
    assert_words_map_back(view)
    assert "Unclosed paragraph & a stray < sign" in view.text
    assert "<b>not a tag</b> in textarea" in view.text
    assert "svg cdata text" in view.text
    assert "not cdata in html" not in view.text
    assert [t for t, _ in hidden(view)] == ["unquoted hidden"]
    [link] = view.links
    assert (link.text, link.href) == ("anchor > text", "http://spam.example/x")


def test_realworld_wordpress_hack_record():
    path = SHARED / "data" / "realworld-dev.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data set is not checked out beside the repository")
    import json

    record = next(
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if '"rw-A-014"' in line
    )
    view = html_view(record["text"])
    assert_offsets_valid(view)
    assert_words_map_back(view)
    [region] = [r for r in view.regions if r.kind == "hidden"]
    assert "display:none (set by script)" in region.detail
    assert "viagra" in view.text[region.start : region.end]
    assert view.links and all(lk.hidden for lk in view.links)


# --- css helpers -------------------------------------------------------------------------------


def test_css_helpers():
    assert parse_declarations("Display: NONE !important; color:red; display:block") == {
        "display": "NONE",
        "color": "red",
    }
    assert [r.code for r in hiding_reasons({"position": "absolute", "left": "-999em"})] == ["offscreen"]
    assert hiding_reasons({"height": "0", "overflow": "visible"}) == []
    assert hiding_reasons({"position": "static", "left": "-9999px"}) == []
    assert parse_color("#FFF") == parse_color("white") == parse_color("rgb(255, 255, 255)") == (255, 255, 255)
    assert parse_color("transparent") is None and parse_color("rgba(0,0,0,0)") is None
    rules = parse_stylesheet(
        "@media print{.a{display:none}} .b:hover{display:none} .c, div > .d{display:none} .e{margin:0}"
    )
    assert [r.selector for r in rules] == [".c", "div > .d"]


# --- property test: generated documents --------------------------------------------------------

WORDS = st.sampled_from(
    [
        "viagra",
        "cheap",
        "caf&eacute;",
        "Tom&amp;Jerry",
        "x&lt;y",
        "&quot;quoted&quot;",
        "&#233;t&#xE9;",
        "snow&#x2603;man",
        "&copy",
        "na\u00efve",
        "\u65e5\u672c",
        "a&notit;",
        "100%",
        "&nbsp;",
        "R&D",
        "&amp",
        "word",
    ]
)
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(lambda ws: " " + " ".join(ws) + " ")
ATTR_VALUE = st.sampled_from(["x", "a b", "a>b", "it's", 'say "hi"', "display:none", "", "&amp;"])


@st.composite
def attributes(draw):
    out = []
    for name in draw(
        st.lists(st.sampled_from(["id", "class", "title", "style", "data-x"]), max_size=3, unique=True)
    ):
        value = draw(ATTR_VALUE)
        quote = draw(st.sampled_from(['"', "'", ""]))
        if quote == "" and (not value or re.search(r"[\s\"'=<>`]", value)):
            quote = '"'
        if quote and quote in value:
            quote = "'" if quote == '"' else '"'
            if quote in value:
                continue
        out.append(f" {name}={quote}{value}{quote}")
    return "".join(out)


ELEMENTS = ["div", "p", "span", "b", "i", "em", "section", "li", "h2", "strong", "a", "DIV", "Span"]


def html_fragments(children):
    @st.composite
    def element(draw):
        tag = draw(st.sampled_from(ELEMENTS))
        attrs = draw(attributes())
        if tag.lower() == "a":
            attrs += ' href="http://links.example/p?a=1&amp;b=2"'
        inner = "".join(draw(st.lists(children, max_size=4)))
        close = draw(st.booleans()) or tag.lower() not in ("p", "li")
        return f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if close else "")

    return st.one_of(element(), children)


LEAVES = st.one_of(
    TEXT,
    TEXT,
    st.just("<!-- a comment -- with dashes -->"),
    st.just("<script>var s = '<p>not text</p>' + (1 < 2);</script>"),
    st.just("<style>.x{display:none}</style>"),
    st.just("<br>"),
    st.just("<img src=x.png alt='viagra'>"),
    st.just("\r\n"),
)
BODY = st.recursive(LEAVES, html_fragments, max_leaves=25)


@st.composite
def documents(draw):
    parts = draw(st.lists(BODY, min_size=1, max_size=5))
    head = draw(
        st.sampled_from(
            [
                "",
                "<!DOCTYPE html>",
                "<!doctype html><html><head><title> Page &amp; title </title></head><body>",
            ]
        )
    )
    return head + "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_property_every_word_maps_back(raw):
    view = html_view(raw)
    assert_offsets_valid(view)
    for m in re.finditer(r"\S+", view.text):
        s, e = view.to_raw(m.start(), m.end())
        assert 0 <= s <= e <= len(raw)
        assert html.unescape(raw[s:e]) == m.group(), (m.group(), raw[s:e])


@pytest.mark.parametrize("raw", ["\r\n<div>\r\n caf&eacute; </div>", "\n<div>\n caf&eacute; x</div>"])
def test_whitespace_the_parser_drops_before_the_first_element(raw: str) -> None:
    view = html_view(raw)
    for m in re.finditer(r"\S+", view.text):
        s, e = view.to_raw(m.start(), m.end())
        assert html.unescape(raw[s:e]) == m.group()
