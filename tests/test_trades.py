"""Every trade: source files through the HTML path, whole elements, topic fit, languages, page URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from spamscalpel.analyze import analyze
from spamscalpel.lexicon import load_lexicon
from spamscalpel.lexicon.build import CURATED_DIR, LANG_DIR_NAME, parse_language
from spamscalpel.markup import markdown_link, neutralize_source
from spamscalpel.types import Document

pytest.importorskip("selectolax")


def test_neutralize_keeps_length_and_blanks_code() -> None:
    raw = '<div><?php if ($a->b) { ?><a href="x">hi</a><?php } ?>{{ title }}</div>'
    out = neutralize_source(raw)
    assert len(out) == len(raw)
    assert "<?php" not in out and "->" not in out and "{{" not in out
    assert '<a href="x">hi</a>' in out


def test_sql_escaped_html_is_unescaped_in_place() -> None:
    raw = r"INSERT INTO p VALUES ('<div style=\"display:none\">\n<a href=\"https://x.example\">y</a></div>');"
    out = neutralize_source(raw)
    assert len(out) == len(raw)
    assert 'style= "display:none' in out.replace(' "display', ' "display')


def test_hidden_div_in_php_template_is_reported_whole() -> None:
    raw = (
        "<?php get_header(); ?>\n<p>Our school welcomes new pupils every autumn.</p>\n"
        '<div style="display:none;">\n<a href="https://a.example/">situs toto</a>\n'
        '<a href="https://b.example/">slot gacor</a>\n</div>\n<?php get_footer(); ?>\n'
    )
    rep = analyze(Document(id="t", text=raw, format="html"))
    assert rep.is_spam
    start = raw.index('<div style="display:none;">')
    end = raw.index("</div>") + len("</div>")
    assert [(s.start, s.end) for s in rep.spans] == [(start, end)]
    assert rep.spans[0].text == raw[start:end]


def test_markdown_link_is_reported_whole() -> None:
    text = "The receiver might consume the intent, [online casino](http://casino.example/) leaving others."
    rep = analyze(text)
    s = text.index("[online")
    e = text.index(")", s) + 1
    assert [(sp.start, sp.end) for sp in rep.spans] == [(s, e)]
    assert markdown_link(text, s + 1, s + 14) == (s, e, "http://casino.example/")


def test_three_spam_links_in_a_row_are_one_block() -> None:
    raw = (
        "<html><body><p>Footer of the county guide.</p><ul>"
        '<li><a href="https://a.example/">judi bola</a></li>'
        '<li><a href="https://b.example/">slot gacor</a></li>'
        '<li><a href="https://c.example/">situs toto</a></li>'
        "</ul></body></html>"
    )
    rep = analyze(Document(id="t", text=raw, format="html"))
    assert len(rep.spans) == 1
    assert rep.spans[0].text.startswith("<ul>") and rep.spans[0].text.endswith("</ul>")
    assert any(e.kind == "link_block" for e in rep.spans[0].evidence)


NEWS = (
    "Police arrested the operators of three illegal online casino sites on Monday. "
    "The regulator said the online casino operators had no licence and fined their banks. "
    "Treatment services report more young people with gambling addiction."
)


def test_a_page_about_the_trade_keeps_its_mentions() -> None:
    rep = analyze(NEWS)
    assert not rep.is_spam, rep.spans


def test_the_same_words_wedged_into_an_unrelated_page_are_found() -> None:
    text = (
        "Our allotment grows beans and leeks. Get 200 free spins and a casino bonus, daftar now. "
        "The compost heap is turned every week."
    )
    assert analyze(text).is_spam


def test_everyday_slot_is_not_gambling() -> None:
    text = "Sew the card slots onto the lining, then fold the wallet. Press each slot flat with an iron."
    assert not analyze(text).is_spam


def test_thai_terms_match_without_spaces() -> None:
    text = "บทความเกี่ยวกับการทำสวน สมัครสล็อตเว็บตรงรับโบนัส ปลูกผักในกระถาง"
    rep = analyze(text)
    assert rep.is_spam
    assert any("สล็อตเว็บตรง" in s.text for s in rep.spans)


def test_accents_are_not_obfuscation() -> None:
    text = "Il casinò di Monte Carlo fu fondato nel 1863 dal principe. La storia del casinò è lunga."
    rep = analyze(text)
    assert all(e.kind != "obfuscated" for s in rep.spans for e in s.evidence)


@pytest.mark.parametrize("path", sorted((CURATED_DIR / LANG_DIR_NAME).glob("*.txt")), ids=lambda p: p.stem)
def test_every_language_file_lands_in_the_lexicon(path: Path) -> None:
    terms, modifiers = parse_language(path)
    assert terms, f"{path.name} lists no terms"
    lex = load_lexicon()
    for key, category, _strength, _line in terms:
        assert key in lex.terms, f"{path.name}: {key!r} missing: rebuild the lexicon"
        assert lex.terms[key].category == category
    for key in modifiers:
        assert key in lex.foreign_modifiers


def test_slug_that_sells_makes_a_spam_page() -> None:
    text = "Tramadol is a controlled pain medicine. Patients should follow a doctor's advice on tramadol."
    url = "https://shop.example.tw/2024/05/buy-tramadol-cheap-overnight-delivery/"
    rep = analyze(Document(id="t", text=text, url=url))
    assert rep.verdict == "spam_page"
    assert any(e.kind == "address_sells" for e in rep.evidence)
    news = analyze(
        Document(id="n", text=text, url="https://news.example/2013/05/men-can-now-buy-tramadol.html")
    )
    assert all(e.kind != "address_sells" for e in news.evidence)


def test_site_named_for_the_trade_with_its_sales_words() -> None:
    text = "Orders ship in three days. Every 1:1 clone movement has a five-year warranty and free shipping."
    rep = analyze(Document(id="t", text=text, url="https://www.replicafactory.example/pages/shipping"))
    assert rep.verdict == "spam_page"
    assert any(e.kind == "trade_domain" for e in rep.evidence)


def test_scan_a_theme_folder(tmp_path: Path, capsys) -> None:
    import json

    from spamscalpel.cli import main

    theme = tmp_path / "themes" / "freight"
    theme.mkdir(parents=True)
    (theme / "header.php").write_text(
        '<?php wp_head(); ?>\n<header><h1><?php bloginfo("name"); ?></h1></header>\n'
        '<div style="display:none"><a href="https://x.example/">slot gacor</a> '
        '<a href="https://y.example/">situs toto</a></div>\n',
        encoding="utf-8",
    )
    (theme / "footer.php").write_text("<footer><p>Design 2012</p></footer>\n<?php wp_footer(); ?>\n", "utf-8")
    (theme / "style.css").write_text("body { color: #333 }\n", encoding="utf-8")
    (theme / "screenshot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    code = main(["scan", str(tmp_path / "themes")])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert code == 1
    by_name = {Path(r["id"]).name: r for r in rows}
    assert set(by_name) == {"header.php", "footer.php", "style.css"}  # the image is an asset, skipped
    header = by_name["header.php"]
    assert header["verdict"] == "injected"  # a hacked file, not a spam page
    assert header["spans"][0]["text"].startswith('<div style="display:none">')
    assert header["spans"][0]["text"].endswith("</div>")
    assert by_name["footer.php"]["verdict"] == "clean"


def test_jsonl_source_url_is_the_page_url(tmp_path: Path, capsys) -> None:
    import json

    from spamscalpel.cli import main

    rec = {
        "id": "p1",
        "source": "https://shop.example.tw/2024/05/buy-tramadol-cheap-overnight-delivery/",
        "text": "Tramadol is a controlled pain medicine. Patients should follow a doctor's advice on tramadol.",
    }
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert main(["scan", str(path)]) == 1
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert row["verdict"] == "spam_page"
    assert any(e["kind"] == "address_sells" for e in row["evidence"])


def test_markup_printed_by_php_echo_is_parsed_in_place() -> None:
    raw = (
        "<?php /* footer */ ?>\n<footer><p>Hillside Plumbing, 12 Mill Lane.</p></footer>\n"
        "<?php echo '<div style=\"display:none\"><a href=\"https://s.example/\">slot gacor</a> "
        "<a href=\"https://b.example/\">judi bola online</a></div>'; $year = 'plain'; ?>\n</body></html>\n"
    )
    out = neutralize_source(raw)
    assert len(out) == len(raw) and "echo" not in out and "plain" not in out
    rep = analyze(Document(id="t", text=raw, format="html"))
    (span,) = rep.spans
    assert span.text.startswith('<div style="display:none">') and span.text.endswith("</div>")
    assert raw[span.start : span.end] == span.text


def test_escaped_quotes_in_an_echo_keep_their_length() -> None:
    raw = '<?php echo "<a href=\\"https://x.example/\\">cheap viagra</a>"; ?>'
    out = neutralize_source(raw)
    assert len(out) == len(raw)
    assert '<a href= "https://x.example/ ">cheap viagra</a>' in out


@pytest.mark.parametrize(
    ("inserted", "category", "phrase"),
    [
        ("same day payday loans", "loans", "same day payday loans"),
        ("meet hot singles tonight", "adult", "meet hot singles"),
        ("replica omega watches", "replica", "replica omega"),
    ],
)
def test_trade_phrases_inserted_mid_sentence(inserted: str, category: str, phrase: str) -> None:
    text = (
        "The harbour committee met on Tuesday to discuss the new moorings. "
        f"The moorings {inserted} will be ready in May. Members agreed to repaint the slipway."
    )
    rep = analyze(Document(id="t", text=text))
    assert any(sp.category == category and phrase in sp.text for sp in rep.spans), rep.spans
