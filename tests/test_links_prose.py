"""Links the text finder cannot see, trade prose around a link, code listings, spun pages, headlines."""

from __future__ import annotations

import pytest

from spamscalpel.analyze import analyze
from spamscalpel.markup import code_listings
from spamscalpel.types import Document

pytest.importorskip("selectolax")


def _html(body: str) -> Document:
    return Document(id="t", text=f"<html><body>{body}</body></html>", format="html")


def _kinds(span) -> set[str]:
    return {e.kind for e in span.evidence}


# --- code listings ------------------------------------------------------------------------------

_QUOTED = (
    '<div id="promo">Grab <a href="http://pills.example/">cheap viagra online</a> today and '
    'play <a href="http://spin.example/">casino online</a> games with a bonus.</div>'
)
_POST = (
    "---\nlayout: post\ntitle: What the bakery site was hiding\n---\n\n"
    "The bakery down the road asked me why its page ranked for odd searches. At the bottom of "
    "its template I found this block:\n\n{fence_open}\n" + _QUOTED + "\n{fence_close}\n\n"
    "I told them to remove it and change their passwords.\n"
)


@pytest.mark.parametrize(
    ("fence_open", "fence_close"),
    [("{% highlight html %}", "{% endhighlight %}"), ("```html", "```")],
)
def test_spam_quoted_in_a_listing_is_not_injected(fence_open: str, fence_close: str) -> None:
    text = _POST.replace("{fence_open}", fence_open).replace("{fence_close}", fence_close)
    rep = analyze(Document(id="t", text=text, format="html"))
    assert rep.verdict == "clean", rep.spans


def test_the_same_block_outside_a_listing_is_injected() -> None:
    text = _POST.replace("{fence_open}", "").replace("{fence_close}", "")
    rep = analyze(Document(id="t", text=text, format="html"))
    assert rep.is_spam


def test_live_links_inside_html_code_are_published() -> None:
    rep = analyze(
        _html(
            "<p>We move freight across the region.</p><code class='x'>swiss "
            '<a href="https://w.example/">replica watches</a> with <a href="https://v.example/">'
            "cheap replica rolex</a> for sale</code>"
        )
    )
    assert rep.is_spam


def test_code_listings_pair_tokens_and_ignore_unclosed() -> None:
    raw = "a <pre>x</pre> b <code>never closed {% highlight js %}y{% endhighlight %}"
    kinds = [k for _, _, k in code_listings(raw)]
    assert kinds == ["pre"]  # the unclosed <code> swallows nothing, and nests nothing
    assert code_listings("<pre>" * 1000) == []


# --- links the text finder cannot see ----------------------------------------------------------

_PAGE = "<p>Our allotment society meets on the first Sunday of the month to share seeds.</p>"


def test_empty_link_with_spam_title_is_reported_whole() -> None:
    link = '<a title="fake rolex" href="http://shop.example/replica-rolex/"></a>'
    rep = analyze(_html(_PAGE + link))
    assert rep.is_spam
    (span,) = rep.spans
    assert span.text == link and span.category == "replica" and "empty_link" in _kinds(span)


def test_empty_link_to_an_ordinary_page_is_nothing() -> None:
    assert (
        analyze(_html(_PAGE + '<a class="icon" href="https://club.example/about/"></a>')).verdict == "clean"
    )


_COMMENTS = (
    "# Recent comments\n\n"
    "[payday loans](http://quickcash.example/) wrote: great post, thanks!\n"
    "[loans](http://quickcash.example/) wrote: I always wanted to write something like this\n"
    "[personal loan](http://www.fastloans.example/) wrote: found your site today\n"
    "[Mira](http://mira.example/) wrote: the second recipe worked for me\n"
)


def test_links_to_a_spam_site_and_a_trade_named_site_join_the_report() -> None:
    rep = analyze(Document(id="t", text=_COMMENTS))
    texts = {sp.text: sp for sp in rep.spans}
    assert "[payday loans](http://quickcash.example/)" in texts
    assert "same_target" in _kinds(texts["[loans](http://quickcash.example/)"])
    assert "trade_link" in _kinds(texts["[personal loan](http://www.fastloans.example/)"])
    assert not any("mira" in t for t in texts)


def test_a_trade_named_link_on_a_clean_page_is_an_ordinary_link() -> None:
    text = "We compared fees before choosing a [personal loan](http://www.fastloans.example/) for the van.\n"
    assert analyze(Document(id="t", text=text)).verdict == "clean"


def test_shop_name_anchor_next_to_spam_link_is_reported() -> None:
    body = (
        _PAGE + '<p><a href="https://b1.example/">Judi Bola</a> <a href="https://b2.example/">agen228</a></p>'
        "<p>Bring gloves and a flask of tea.</p>"
    )
    rep = analyze(_html(body))
    assert any(sp.text.endswith(">agen228</a>") and "brand_link" in _kinds(sp) for sp in rep.spans)


# --- trade prose around a link -----------------------------------------------------------------

_ICT = (
    "This course covers networks, databases and the basics of programming. Students work in "
    "teams on a project for a local business and present it at the end of the term. "
)
_REPLICA = (
    'For watch lovers on a budget, <a href="https://w.example/">replica rolex</a> timepieces '
    "look the part. The best replicas use steel cases and sapphire glass. These watches copy the "
    "famous bezel and dial down to the last detail."
)
_MORE_ICT = "".join(
    f"<p>Unit {i} teaches how to plan a database, test the code and document the work.</p>" for i in range(4)
)


def test_sentences_about_the_trade_around_a_link_are_one_span() -> None:
    rep = analyze(_html(f"<p>{_ICT}{_REPLICA}</p>{_MORE_ICT}"))
    (span,) = rep.spans
    assert span.text.startswith("For watch lovers") and span.text.endswith("last detail.")
    assert "trade_prose" in _kinds(span)


def test_on_a_page_about_watches_only_the_link_is_cut() -> None:
    watch_page = "".join(
        f"<p>Watch {i}: the dial and bezel of this luxury watch were restored by hand.</p>" for i in range(6)
    )
    rep = analyze(_html(f"<p>{_ICT}{_REPLICA}</p>{watch_page}"))
    assert rep.is_spam
    assert all("trade_prose" not in _kinds(sp) for sp in rep.spans)
    assert any(sp.text.startswith("<a ") for sp in rep.spans)
    assert not any("For watch lovers" in sp.text for sp in rep.spans)


# --- page-level signs ----------------------------------------------------------------------------


def test_spinner_sense_tags_make_a_spam_page() -> None:
    text = (
        "I walk both(prenominal) trails each week, and the climb is up to(p) the view. From point A "
        "to a higher(prenominal) point B, the rude(a) path goes on through the trees. " * 2
    )
    rep = analyze(Document(id="t", text=text))
    assert rep.verdict == "spam_page"
    assert any(e.kind == "spun_text" for e in rep.evidence)


def test_plural_marks_are_not_spinner_tags() -> None:
    text = "List the item(s) you bring and the name(s) of your guest(s). Mark option(s) (a) or (b).\n"
    assert analyze(Document(id="t", text=text)).verdict == "clean"


_LEAFLET = (
    "Sildenafil 100mg Film-Coated Tablets\nPackage leaflet: information for the patient\n"
    "Read all of this leaflet before you start taking Sildenafil.\n"
    "1. What Sildenafil is and what it is used for\n2. How to take Sildenafil\n3. How to store Sildenafil\n"
    "Sildenafil belongs to a group of medicines that relax the blood vessels.\n"
)


def test_a_leaflet_headline_with_a_dose_is_not_a_doorway() -> None:
    rep = analyze(Document(id="t", text=_LEAFLET))
    assert rep.verdict != "spam_page"
    assert all(e.kind != "doorway" for e in rep.evidence)


def test_a_headline_that_sells_the_drug_is_a_doorway() -> None:
    text = _LEAFLET.replace("Sildenafil 100mg Film-Coated Tablets", "Buy Sildenafil 100mg Online Cheap")
    rep = analyze(Document(id="t", text=text))
    assert rep.verdict == "spam_page"


def test_a_leaflet_repeating_a_two_word_drug_name_is_not_stuffing() -> None:
    text = "".join(
        f"Tell your pharmacist about any insulin glargine you use. Dose {i} of insulin glargine is "
        "adjusted to your blood sugar.\n\n"
        for i in range(3)
    )
    rep = analyze(Document(id="t", text=text))
    assert all(e.kind != "keyword_stuffing" for e in rep.evidence)
    sold = text + "buy insulin glargine online. " * 4
    assert any(e.kind == "keyword_stuffing" for e in analyze(Document(id="t", text=sold)).evidence)
