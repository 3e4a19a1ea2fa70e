"""WordPress dumps: mysqldump and WXR scanning, row ids, and a cleaned copy that loads again."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spamscalpel.cli import main
from spamscalpel.site.wordpress import (
    DumpError,
    DumpScanner,
    escape_mysql,
    iter_statements,
    parse_insert,
    php_string_leaves,
    unescape_mysql,
)


def lit(value):
    """A MySQL string literal the way mysqldump writes it (written here independently of the module)."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    out = value.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0").replace("\x1a", "\\Z")
    return "'" + out + "'"


def php_s(value):
    return f's:{len(value.encode("utf-8"))}:"{value}";'


POST_SPAM = (
    'It\'s a "great" year for tomatoes.\r\nKeep notes in C:\\garden\\log.txt \u2014 na\u00efve caf\u00e9 '
    "\u65e5\u672c \U0001f331.\n"
    '<div style="display:none"><a href="https://rx-shop.example/">buy cheap viagra online</a></div>\n'
    "Water at dawn; mulch at dusk."
)
POST_CLEAN = "Don't over-water: roots rot.\nUse a 50/50 mix \\ compost."
COMMENT_SPAM = "Great post! Get payday loans now at our site, best casino bonus too."
COMMENT_CLEAN = 'Thanks \u2014 my basil loved the "morning water" tip!'
WIDGET_TEXT = "Garden links. Buy cheap viagra online today."
WIDGET = (
    "a:1:{i:2;a:2:{"
    + php_s("title")
    + php_s("Links \u00e9t\u00e9")
    + php_s("text")
    + php_s(WIDGET_TEXT)
    + "}}"
)

POST_COLS = (
    "ID, post_author, post_date, post_date_gmt, post_content, post_title, post_excerpt, post_status, "
    "comment_status, ping_status, post_password, post_name, to_ping, pinged, post_modified, "
    "post_modified_gmt, post_content_filtered, post_parent, guid, menu_order, post_type, post_mime_type, "
    "comment_count"
).split(", ")


def post_row(pid, content, title):
    vals = [pid, 1, "2024-05-01 10:00:00", "2024-05-01 08:00:00", content, title, "", "publish", "open"]
    vals += ["open", "", f"post-{pid}", "", "", "2024-05-01 10:00:00", "2024-05-01 08:00:00", "", 0]
    vals += [f"https://garden.example/?p={pid}", 0, "post", "", 2]
    return "(" + ",".join(lit(v) for v in vals) + ")"


def comment_row(cid, post_id, content, url):
    vals = [cid, post_id, "Visitor", "v@example.org", url, "203.0.113.9", "2024-05-02 10:00:00"]
    vals += ["2024-05-02 08:00:00", content, 0, "1", "Mozilla/5.0", "comment", 0, 0]
    return "(" + ",".join(lit(v) for v in vals) + ")"


def make_dump(prefix="wp_"):
    create_posts = (
        f"CREATE TABLE `{prefix}posts` (\n"
        + ",\n".join(f"  `{c}` longtext NOT NULL" for c in POST_COLS)
        + ",\n  PRIMARY KEY (`ID`),\n  KEY `type_status_date` (`post_type`)\n) ENGINE=InnoDB;\n"
    )
    return (
        "-- MySQL dump 10.13  Distrib 8.0\n"
        "/*!40101 SET NAMES utf8mb4 */;\n"
        f"DROP TABLE IF EXISTS `{prefix}posts`;\n" + create_posts + f"LOCK TABLES `{prefix}posts` WRITE;\n"
        f"INSERT INTO `{prefix}posts` VALUES "
        + post_row(7, POST_SPAM, "Tomatoes; a year's notes")
        + ","
        + post_row(8, POST_CLEAN, "Roots")
        + ";\nUNLOCK TABLES;\n"
        # No CREATE TABLE for comments: the stock WordPress column order applies.
        f"INSERT INTO `{prefix}comments` VALUES "
        + comment_row(31, 7, COMMENT_SPAM, "https://loans.example/")
        + ",\n"
        + comment_row(32, 7, COMMENT_CLEAN, "")
        + ";\n"
        f"INSERT INTO `{prefix}options` (`option_id`, `option_name`, `option_value`, `autoload`) VALUES "
        f"(150,'widget_text',{lit(WIDGET)},'yes'),(151,'blogname','Garden notes','yes');\n"
        f"INSERT INTO `{prefix}postmeta` VALUES (900,7,'_edit_lock','1714550400:1');\n"
        "-- Dump completed\n"
    )


@pytest.fixture()
def dump(tmp_path):
    path = tmp_path / "site.sql"
    path.write_text(make_dump(), encoding="utf-8", newline="")
    return path


def rows_of(text):
    """{(table, first value): [unescaped values]} for every INSERT row of a dump text."""
    out = {}
    for stmt in iter_statements(text.splitlines(keepends=True)):
        ins = parse_insert(stmt)
        if ins:
            for row in ins.rows:
                out[(ins.table, row[0].text)] = [v.text if v.kind == "str" else v.text for v in row]
    return out


def test_spam_found_with_table_row_and_column(dump):
    reports = list(DumpScanner(dump).run())
    found = {(r.meta["table"], r.meta["row_id"], r.meta["column"]): r for r in reports if r.is_spam}
    assert ("wp_posts", "7", "post_content") in found
    assert ("wp_comments", "31", "comment_content") in found
    assert ("wp_options", "150", "option_value") in found
    assert not any(k[1] in ("8", "32", "151", "900") for k in found)
    assert found[("wp_comments", "31", "comment_content")].meta["comment_post_ID"] == "7"
    assert found[("wp_options", "150", "option_value")].meta["option_name"] == "widget_text"
    # Offsets index the unescaped column value.
    values = {
        ("wp_posts", "7", "post_content"): POST_SPAM,
        ("wp_comments", "31", "comment_content"): COMMENT_SPAM,
        ("wp_options", "150", "option_value"): WIDGET,
    }
    for key, value in values.items():
        for s in found[key].spans:
            assert value[s.start : s.end] == s.text
    assert "viagra" in " ".join(s.text for s in found[("wp_posts", "7", "post_content")].spans)


def test_cleaned_copy_loads_again_without_the_spans(dump, tmp_path):
    before = hashlib.sha256(dump.read_bytes()).hexdigest()
    out = tmp_path / "site.clean.sql"
    scanner = DumpScanner(dump)
    reports = [r for r in scanner.run(out=out) if r.is_spam]
    assert hashlib.sha256(dump.read_bytes()).hexdigest() == before  # the original is untouched
    assert scanner.summary.cleaned_copy == str(out) and scanner.summary.cells_cleaned >= 2

    cleaned = out.read_text(encoding="utf-8")
    rows = rows_of(cleaned)
    orig = rows_of(dump.read_text(encoding="utf-8"))
    assert set(rows) == set(orig)  # every row survived
    post = rows[("wp_posts", "7")][POST_COLS.index("post_content")]
    assert "viagra" not in post
    assert post.startswith('It\'s a "great" year for tomatoes.\r\nKeep notes in C:\\garden\\log.txt')
    assert "\U0001f331" in post and post.endswith("Water at dawn; mulch at dusk.")
    # The spam comment is filed as spam (comment_approved = 'spam'), its text left as the spammer wrote it.
    assert rows[("wp_comments", "31")][8] == COMMENT_SPAM and rows[("wp_comments", "31")][10] == "spam"
    assert rows[("wp_comments", "32")][10] == "1"
    assert scanner.summary.comments_marked_spam == 1
    # Untouched rows are byte-identical, and so is everything outside changed literals.
    assert rows[("wp_posts", "8")] == orig[("wp_posts", "8")]
    assert rows[("wp_comments", "32")] == orig[("wp_comments", "32")]
    assert cleaned.count("\n") == dump.read_text(encoding="utf-8").count("\n")
    # The widget is still valid PHP serialized data, its string lengths rewritten.
    widget = rows[("wp_options", "150")][2]
    assert "viagra" not in widget and php_string_leaves(widget) is not None
    # Scanning the cleaned copy finds none of the removed spans (comments were filed, not edited).
    again = [r for r in DumpScanner(out).run() if r.is_spam and r.meta["table"] != "wp_comments"]
    removed = {s.text for r in reports if r.meta["table"] != "wp_comments" for s in r.spans}
    assert not any(s.text in removed for r in again for s in r.spans)


def test_refuses_to_overwrite_the_input(dump):
    with pytest.raises(DumpError, match="overwrite"):
        list(DumpScanner(dump).run(out=dump))
    assert main(["wordpress", str(dump), "--out", str(dump)]) == 2


def test_gzip_dump_and_other_table_prefix(tmp_path):
    path = tmp_path / "blog.sql.gz"
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(make_dump(prefix="blog7_"))
    out = tmp_path / "blog.clean.sql.gz"
    scanner = DumpScanner(path)
    spam = {(r.meta["table"], r.meta["row_id"]) for r in scanner.run(out=out) if r.is_spam}
    assert ("blog7_posts", "7") in spam and ("blog7_comments", "31") in spam
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        assert "viagra online" not in fh.read()
    assert scanner.summary.tables == {
        "blog7_posts": 2,
        "blog7_comments": 2,
        "blog7_options": 2,
        "blog7_postmeta": 1,
    }


def test_bad_row_is_reported_and_the_rest_scanned(tmp_path):
    text = make_dump().replace(
        "INSERT INTO `wp_postmeta` VALUES (900,7,'_edit_lock','1714550400:1');",
        "INSERT INTO `wp_postmeta` VALUES (900,7,'only three');",
    )
    path = tmp_path / "bad.sql"
    path.write_text(text, encoding="utf-8")
    reports = list(DumpScanner(path).run())
    errors = [r for r in reports if r.verdict == "error"]
    assert (
        len(errors) == 1 and "wp_postmeta" in errors[0].error and "3 values but 4 columns" in errors[0].error
    )
    assert any(r.is_spam and r.meta["row_id"] == "7" for r in reports)


def test_cli_jsonl_and_exit_status(dump, tmp_path, capsys):
    out = tmp_path / "clean.sql"
    assert main(["wordpress", str(dump), "--out", str(out)]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    summary = lines[-1]["summary"]
    assert summary["rows"] == 7 and summary["cells_with_spam"] >= 3 and summary["errors"] == 0
    assert main(["wordpress", str(out), "--format", "text"]) == 0
    assert "0 with spam" in capsys.readouterr().out


WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Garden notes</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Tomatoes</title><dc:creator><![CDATA[admin]]></dc:creator>
<content:encoded><![CDATA[<p>Water early & mulch.</p><div style="display:none">buy cheap viagra online</div>]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>7</wp:post_id>
<wp:postmeta><wp:meta_key><![CDATA[_edit_lock]]></wp:meta_key><wp:meta_value><![CDATA[1714550400:1]]></wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>31</wp:comment_id><wp:comment_author><![CDATA[Visitor]]></wp:comment_author>
<wp:comment_author_url>https://loans.example/</wp:comment_author_url>
<wp:comment_content><![CDATA[Great post! Get payday loans now at our site, best casino bonus too.]]></wp:comment_content></wp:comment>
<wp:comment><wp:comment_id>32</wp:comment_id><wp:comment_content><![CDATA[Lovely basil.]]></wp:comment_content></wp:comment>
</item></channel></rss>
"""


def test_wxr_export_scan_and_clean(tmp_path):
    import xml.etree.ElementTree as ET

    path = tmp_path / "export.xml"
    path.write_text(WXR, encoding="utf-8")
    out = tmp_path / "export.clean.xml"
    scanner = DumpScanner(path)
    spam = {(r.meta["table"], r.meta["row_id"], r.meta["column"]) for r in scanner.run(out=out) if r.is_spam}
    assert ("posts", "7", "post_content") in spam and ("comments", "31", "comment_content") in spam
    assert scanner.summary.format == "wxr" and path.read_text(encoding="utf-8") == WXR
    root = ET.parse(out).getroot()  # loads again
    wp = "{http://wordpress.org/export/1.2/}"
    content = root.find(".//{http://purl.org/rss/1.0/modules/content/}encoded").text
    assert "viagra" not in content and "Water early & mulch." in content
    comments = {
        c.find(wp + "comment_id").text: c.find(wp + "comment_content").text for c in root.iter(wp + "comment")
    }
    assert "payday loans" in comments["31"] and comments["32"] == "Lovely basil."  # not edited...
    approved = {
        c.find(wp + "comment_id").text: c.find(wp + "comment_approved") for c in root.iter(wp + "comment")
    }
    assert approved["31"].text == "spam" and approved["32"] is None  # ...but filed as spam
    assert "xmlns:wp=" in out.read_text(encoding="utf-8")  # namespace prefixes kept


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\\'\"\n\r\0\x1a%_;")))
def test_escape_round_trip(value):
    assert unescape_mysql(escape_mysql(value)) == value
    stmt = f"INSERT INTO `wp_options` VALUES (1,'k','{escape_mysql(value)}',\"{escape_mysql(value)}\");\n"
    chunks = list(iter_statements(stmt.splitlines(keepends=True)))
    assert "".join(chunks) == stmt and len([c for c in chunks if c.strip()]) == 1
    (row,) = parse_insert(chunks[0]).rows
    assert row[2].text == value and row[3].text == value


def test_doubled_quotes_and_introducers():
    stmt = "INSERT INTO wp_posts (ID, post_content) VALUES (5, 'it''s _not_ \\% done'), (6, _utf8mb4'caf\u00e9');"
    ins = parse_insert(stmt)
    assert ins.columns == ("ID", "post_content")
    assert [r[1].text for r in ins.rows] == ["it's _not_ \\% done", "caf\u00e9"]
