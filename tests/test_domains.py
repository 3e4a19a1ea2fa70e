"""Registrable domains by the Public Suffix List (offline snapshot) for the off-site link check."""

from __future__ import annotations

import pytest

from spamscalpel import Document, analyze
from spamscalpel.domains import registrable_domain
from spamscalpel.html import is_off_domain

CASES = [
    ("evil.github.io", "evil.github.io"),
    ("www.good.github.io", "good.github.io"),
    ("a.b.blogspot.com", "b.blogspot.com"),
    ("www.bbc.co.uk", "bbc.co.uk"),
    ("shop.example.org", "example.org"),
    ("news.example.com.au", "example.com.au"),
    ("city.kawasaki.jp", "city.kawasaki.jp"),  # an exception rule of the list
    ("127.0.0.1", "127.0.0.1"),
    ("localhost", "localhost"),
]


@pytest.mark.parametrize("host, site", CASES)
def test_registrable_domain(host, site):
    assert registrable_domain(host) == site


def test_sites_under_a_shared_suffix_are_different_sites():
    assert is_off_domain("https://evil.github.io/pills", "https://good.github.io/")
    assert is_off_domain("https://spam.blogspot.com/", "https://garden.blogspot.com/post")
    assert not is_off_domain("https://cdn.example.org/a", "https://www.example.org/")
    assert not is_off_domain("/relative", "https://good.github.io/")


def test_a_spam_link_to_a_neighbour_on_github_io_is_off_site():
    html = (
        "<html><body><p>Our allotment notes for June, with photos of the beans and the new shed.</p>"
        '<p>Sponsor: <a href="https://cheap-pills.github.io/">buy cheap viagra online</a>.</p></body></html>'
    )
    report = analyze(Document("p", html, format="html", url="https://garden-club.github.io/june.html"))
    (span,) = report.spans
    assert span.source == "link"
    assert any("cheap-pills.github.io" in e.detail for e in span.evidence if e.kind == "link_anchor")
