"""Scan WordPress exports (mysqldump .sql/.sql.gz, or WXR XML) and write a cleaned copy.

Spans index the *unescaped* column value. The cleaned dump is the input byte for byte except for
the string literals that lost spans, and the ``comment_approved`` value of spam comments, which
becomes ``'spam'``: WordPress then files the comment under Spam (it can be reviewed and deleted in
wp-admin) instead of showing an edited comment that still reads as spam. Changed literals are
re-escaped the way mysqldump writes them. PHP
serialized values (widgets, options, post meta) are cleaned string by string and their ``s:N:``
byte lengths rewritten, so WordPress can still unserialize them.
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..analyze import Config, analyze
from ..types import Document, Report

# table kind -> (primary key, {column: input format})
WP_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "posts": ("ID", {"post_title": "text", "post_content": "html", "post_excerpt": "html"}),
    "comments": (
        "comment_ID",
        {"comment_author": "text", "comment_author_url": "text", "comment_content": "html"},
    ),
    "options": ("option_id", {"option_value": "html"}),
    "postmeta": ("meta_id", {"meta_value": "html"}),
}
# comment_approved values of comments WordPress already keeps out of view: not scanned again.
_FILED = frozenset({"spam", "trash", "post-trashed"})
# Context columns copied into a report's meta so a person can find the row in wp-admin.
_CONTEXT = {
    "comments": ("comment_post_ID",),
    "options": ("option_name",),
    "postmeta": ("post_id", "meta_key"),
}

# Column order of a stock WordPress schema, for dumps without CREATE TABLE or column lists.
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": (
        "ID",
        "post_author",
        "post_date",
        "post_date_gmt",
        "post_content",
        "post_title",
        "post_excerpt",
        "post_status",
        "comment_status",
        "ping_status",
        "post_password",
        "post_name",
        "to_ping",
        "pinged",
        "post_modified",
        "post_modified_gmt",
        "post_content_filtered",
        "post_parent",
        "guid",
        "menu_order",
        "post_type",
        "post_mime_type",
        "comment_count",
    ),  # fmt: skip
    "comments": (
        "comment_ID",
        "comment_post_ID",
        "comment_author",
        "comment_author_email",
        "comment_author_url",
        "comment_author_IP",
        "comment_date",
        "comment_date_gmt",
        "comment_content",
        "comment_karma",
        "comment_approved",
        "comment_agent",
        "comment_type",
        "comment_parent",
        "user_id",
    ),  # fmt: skip
    "options": ("option_id", "option_name", "option_value", "autoload"),
    "postmeta": ("meta_id", "post_id", "meta_key", "meta_value"),
}

_TABLE_KIND = re.compile(r"(?:\w*_)?(posts|comments|options|postmeta)", re.I)
_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|#[^\n]*(?:\n|$)|/\*(?!!).*?\*/)*", re.S)
_INSERT_HEAD = re.compile(
    r"(?:INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\s+)*(?:INTO\s+)?"
    r"((?:`(?:[^`]|``)+`|[\w$]+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|[\w$]+))?)\s*(\([^)]*\))?\s*VALUES?\s*",
    re.I,
)
_CREATE_HEAD = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:`(?:[^`]|``)+`|[\w$]+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|[\w$]+))?)\s*\(",
    re.I,
)
_CREATE_COL = re.compile(r"^\s*(`(?:[^`]|``)+`|[\w$]+)\s+\w", re.M)
_STRING = {q: re.compile(q + r"((?:[^" + q + r"\\]++|\\.|" + q + q + r")*+)" + q, re.S) for q in "'\""}
_INTRODUCER = re.compile(r"_[A-Za-z0-9]+\s*(?=['\"])")
_BAREWORD = re.compile(r"[^,()\s]+")
# The body of a literal up to (not including) its closing quote; escapes may hide a newline.
_BODY = {q: re.compile(r"(?:[^" + q + r"\\]++|\\.)*+", re.S) for q in "'\""} | {"`": re.compile(r"[^`]*+")}
_SCAN = re.compile(r"['\"`;#]|/\*|--(?=\s)")

_UNESCAPE = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}
_ESCAPE = {"\\": "\\\\", "\0": "\\0", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z", "'": "\\'", '"': '\\"'}
_UNESCAPE_RE = {q: re.compile(r"\\(.)|" + q + q, re.S) for q in "'\""}
_ESCAPE_RE = re.compile(r"[\\\0\n\r\x1a'\"]")


class DumpError(ValueError):
    """A dump that cannot be read or written."""


def unescape_mysql(body: str, quote: str = "'") -> str:
    """The value of a MySQL string literal's body (between the quotes)."""
    if "\\" not in body and quote * 2 not in body:
        return body
    return _UNESCAPE_RE[quote].sub(_unescape_one, body)


def _unescape_one(m: re.Match) -> str:
    esc = m.group(1)
    if esc is None:  # a doubled quote
        return m.group()[0]
    return _UNESCAPE.get(esc, esc)


def escape_mysql(value: str) -> str:
    """A literal body for ``value`` as mysqldump writes it (valid inside '' and "")."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPE[m.group()], value)


def iter_statements(lines: Iterable[str]) -> Iterator[str]:
    """Split SQL text into statements (each with the comments before it); joined, they are the input."""
    buf: list[str] = []
    state: str | None = None  # None, a quote character, or "*" inside /* */
    for line in lines:
        pos, start, n = 0, 0, len(line)
        while pos < n:
            if state is None:
                m = _SCAN.search(line, pos)
                if m is None:
                    break
                tok = m.group()
                if tok == ";":
                    buf.append(line[start : m.end()])
                    yield "".join(buf)
                    buf, start, pos = [], m.end(), m.end()
                elif tok in ("#", "--"):
                    break  # a comment to the end of the line
                elif tok == "/*":
                    state, pos = "*", m.end()
                else:
                    state, pos = tok, m.end()
            elif state == "*":
                end = line.find("*/", pos)
                if end < 0:
                    break
                state, pos = None, end + 2
            else:  # inside a quoted string or identifier
                q = state
                k = _BODY[q].match(line, pos).end()
                if k >= n or line[k] != q:
                    break  # the literal goes on past this line
                if line.startswith(q * 2, k):
                    pos = k + 2  # a doubled quote stands for itself
                    continue
                state, pos = None, k + 1
        buf.append(line[start:])
    if buf and any(buf):
        yield "".join(buf)


def _ident(name: str) -> str:
    last = re.split(r"\s*\.\s*(?=`|[\w$])", name.strip())[-1]
    return last[1:-1].replace("``", "`") if last.startswith("`") else last


@dataclass(frozen=True, slots=True)
class Value:
    """One value of a VALUES row: a string literal body's range in the statement, or a bare token."""

    kind: str  # "str" | "null" | "other"
    start: int  # for "str": start of the body, just past the opening quote
    end: int
    quote: str = ""
    text: str = ""  # unescaped value for "str", the raw token otherwise


@dataclass(frozen=True, slots=True)
class Insert:
    """A parsed INSERT/REPLACE statement."""

    table: str
    columns: tuple[str, ...] | None
    rows: tuple[tuple[Value, ...], ...]


def parse_insert(stmt: str) -> Insert | None:
    """Parse an INSERT statement's table, column list and rows; None when it is another statement."""
    m0 = _LEADING_NOISE.match(stmt)
    pos = m0.end() if m0 else 0
    head = _INSERT_HEAD.match(stmt, pos)
    if head is None:
        return None
    table = _ident(head.group(1))
    columns = None
    if head.group(2):
        columns = tuple(_ident(c) for c in head.group(2)[1:-1].split(",") if c.strip())
    i, n = head.end(), len(stmt)
    rows: list[tuple[Value, ...]] = []
    while True:
        while i < n and stmt[i].isspace():
            i += 1
        if i >= n or stmt[i] != "(":
            break
        i += 1
        values: list[Value] = []
        while True:
            while i < n and stmt[i].isspace():
                i += 1
            if i < n and stmt[i] == ")" and not values:
                i += 1
                break
            intro = _INTRODUCER.match(stmt, i)
            if intro:
                i = intro.end()
            if i < n and stmt[i] in "'\"":
                q = stmt[i]
                sm = _STRING[q].match(stmt, i)
                if sm is None:
                    raise DumpError(f"table {table}: unterminated string at character {i} of the statement")
                values.append(Value("str", sm.start(1), sm.end(1), q, unescape_mysql(sm.group(1), q)))
                i = sm.end()
            else:
                bm = _BAREWORD.match(stmt, i)
                if bm is None:
                    raise DumpError(f"table {table}: unexpected {stmt[i : i + 20]!r} in row {len(rows) + 1}")
                word = bm.group()
                # X'..' and b'..' literals: the bareword stops at the quote, take the quoted part too.
                if i + len(word) < n and stmt[i + len(word)] == "'" and word.lower() in ("x", "b"):
                    sm = _STRING["'"].match(stmt, i + len(word))
                    word = stmt[i : sm.end()] if sm else word
                values.append(
                    Value("null" if word.upper() == "NULL" else "other", i, i + len(word), "", word)
                )
                i += len(word)
            while i < n and stmt[i].isspace():
                i += 1
            if i < n and stmt[i] == ",":
                i += 1
                continue
            if i < n and stmt[i] == ")":
                i += 1
                break
            raise DumpError(
                f"table {table}: expected ',' or ')' in row {len(rows) + 1}, found {stmt[i : i + 20]!r}"
            )
        rows.append(tuple(values))
        while i < n and stmt[i].isspace():
            i += 1
        if i < n and stmt[i] == ",":
            i += 1
            continue
        break
    return Insert(table, columns, tuple(rows))


def parse_create_table(stmt: str) -> tuple[str, tuple[str, ...]] | None:
    """(table, column names in order) of a CREATE TABLE statement, or None."""
    m0 = _LEADING_NOISE.match(stmt)
    head = _CREATE_HEAD.match(stmt, m0.end() if m0 else 0)
    if head is None:
        return None
    cols = []
    skip = ("PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK")
    for m in _CREATE_COL.finditer(stmt, head.end()):
        name = m.group(1)
        if not name.startswith("`") and name.upper() in skip:
            continue
        cols.append(_ident(name))
    return _ident(head.group(1)), tuple(cols)


# -- PHP serialized values ---------------------------------------------------------------------
_PHP_SCALAR = re.compile(r"(?:[bid]:[^;]*;|N;)")
_PHP_STR = re.compile(r's:(\d+):"')
_PHP_ARR = re.compile(r"a:(\d+):\{")
_PHP_OBJ = re.compile(r'O:\d+:"[^"]*":(\d+):\{')


def _blen(ch: str) -> int:
    return len(ch.encode("utf-8", errors="surrogateescape"))


def _php_value(s: str, i: int, leaves: list[tuple[int, int, int]], depth: int = 0) -> int:
    if depth > 64:
        raise ValueError("nested too deep")
    m = _PHP_SCALAR.match(s, i)
    if m:
        return m.end()
    m = _PHP_STR.match(s, i)
    if m:
        want, j = int(m.group(1)), m.end()
        got = 0
        while got < want and j < len(s):
            got += _blen(s[j])
            j += 1
        if got != want or not s.startswith('";', j):
            raise ValueError("bad string length")
        leaves.append((i, m.end(), j))
        return j + 2
    m = _PHP_ARR.match(s, i) or _PHP_OBJ.match(s, i)
    if m:
        j = m.end()
        for _ in range(2 * int(m.group(1))):
            j = _php_value(s, j, leaves, depth + 1)
        if not s.startswith("}", j):
            raise ValueError("unclosed array")
        return j + 1
    raise ValueError(f"unexpected {s[i : i + 10]!r}")


def php_string_leaves(value: str) -> list[tuple[int, int, int]] | None:
    """(header start, body start, body end) of every string in a PHP serialized value, else None."""
    if not value or value[0] not in "aOsbidN" or value[1:2] not in (":", ";"):
        return None
    leaves: list[tuple[int, int, int]] = []
    try:
        end = _php_value(value, 0, leaves)
    except (ValueError, IndexError):
        return None
    return leaves if end == len(value) else None


def _clean_text(text: str, report: Report, policy: str, min_score: float) -> str:
    from ..clean import clean

    return clean(text, report, policy=policy, min_score=min_score).text


def clean_value(value: str, report: Report, policy: str = "span", min_score: float = 0.0) -> str:
    """``value`` without the report's spans; PHP serialized values stay valid serialized data."""
    leaves = php_string_leaves(value)
    if leaves is None:
        return _clean_text(value, report, policy, min_score)
    out = value
    for head, a, b in reversed(leaves):
        inner = tuple(
            replace(s, start=s.start - a, end=s.end - a) for s in report.spans if a <= s.start and s.end <= b
        )
        if not inner:
            continue
        cleaned = _clean_text(value[a:b], replace(report, spans=inner), policy, min_score)
        n = sum(_blen(c) for c in cleaned)
        out = out[:head] + f's:{n}:"' + cleaned + out[b:]
    return out


# -- scanning ------------------------------------------------------------------------------------
@dataclass(slots=True)
class DumpSummary:
    """What one dump scan did: every row of the WordPress tables is counted."""

    dump: str
    format: str = "sql"
    statements: int = 0
    rows: int = 0
    cells_scanned: int = 0
    cells_with_spam: int = 0
    spans: int = 0
    cells_cleaned: int = 0
    comments_marked_spam: int = 0
    errors: int = 0
    tables: dict[str, int] = field(default_factory=dict)
    cleaned_copy: str | None = None

    def to_dict(self) -> dict:
        return {"summary": asdict(self)}

    @property
    def exit_status(self) -> int:
        if self.cells_with_spam:
            return 1
        return 2 if self.errors else 0


def _open_text(path: Path, mode: str, gz: bool = False):
    """Open a dump (gzip by magic bytes on read, by ``gz`` on write) so bytes round-trip exactly."""
    kw = dict(encoding="utf-8", errors="surrogateescape", newline="")
    if mode == "r":
        with open(path, "rb") as fh:
            magic = fh.read(2)
        return gzip.open(path, "rt", **kw) if magic == b"\x1f\x8b" else open(path, **kw)
    return gzip.open(path, "wt", **kw) if gz else open(path, "w", **kw)


def _check_readable(path: Path) -> None:
    """Refuse an empty or binary file up front: scanning it would report "0 rows" and exit 0."""
    with _open_text(path, "r") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise DumpError(f"{path}: the file is empty; nothing to scan")
    # surrogateescape turns bytes that are not UTF-8 into U+DC80..U+DCFF; a dump's head is text.
    odd = sum(1 for ch in head if (ch < " " and ch not in "\t\n\r\f\x1b") or "\udc80" <= ch <= "\udcff")
    if "\x00" in head or odd > len(head) * 0.1:
        raise DumpError(f"{path}: binary data, not a mysqldump (.sql, .sql.gz) or WXR export")


def _is_wxr(path: Path) -> bool:
    with _open_text(path, "r") as fh:
        head = fh.read(4096).lstrip("\ufeff \t\r\n")
    return head.startswith("<?xml") or head.startswith("<rss")


class DumpScanner:
    """Scan one dump; ``run()`` yields a report per spam cell (or all cells), then ``summary`` is final."""

    def __init__(
        self,
        path: str | os.PathLike,
        config: Config | None = None,
        policy: str = "span",
        min_score: float = 0.0,
        report_clean: bool = False,
    ):
        self.path = Path(path)
        self.config = config
        self.policy = policy
        self.min_score = min_score
        self.report_clean = report_clean
        self.summary = DumpSummary(str(path))

    def _analyze_cell(
        self, kind: str, table: str, row_id: str, column: str, value: str, meta: dict
    ) -> Report:
        fmt = WP_TABLES[kind][1][column]
        doc_id = f"{table}:{row_id}:{column}"
        self.summary.cells_scanned += 1
        try:
            report = analyze(Document(id=doc_id, text=value, format=fmt), self.config)
        except Exception as exc:  # this cell fails, the scan goes on
            self.summary.errors += 1
            return Report.for_error(
                doc_id, f"{type(exc).__name__}: {exc}", table=table, row_id=row_id, column=column, **meta
            )
        full_meta = {"table": table, "row_id": row_id, "column": column, **meta}
        return replace(report, meta={**report.meta, **full_meta})

    def run(self, out: str | os.PathLike | None = None) -> Iterator[Report]:
        """Yield reports; with ``out``, also write a cleaned copy there (never over the input)."""
        if not self.path.is_file():
            raise DumpError(f"{self.path}: no such file")
        try:
            _check_readable(self.path)
            yield from self._scan(out)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            # A cut or damaged .gz: rows read so far were reported, the rest cannot be.
            raise DumpError(
                f"{self.path}: the compressed dump is truncated or corrupt ({type(exc).__name__}: {exc}); "
                f"{self.summary.rows} row(s) were read before it (no cleaned copy is written)"
            ) from exc

    def _scan(self, out: str | os.PathLike | None) -> Iterator[Report]:
        out_path = Path(out) if out else None
        if out_path is not None and out_path.exists() and os.path.samefile(out_path, self.path):
            raise DumpError(f"{out_path}: refusing to overwrite the input dump; name a new file")
        if out_path is not None and out_path.resolve() == self.path.resolve():
            raise DumpError(f"{out_path}: refusing to overwrite the input dump; name a new file")
        wxr = _is_wxr(self.path)
        self.summary.format = "wxr" if wxr else "sql"
        if out_path is None:
            yield from (self._run_wxr(None) if wxr else self._run_sql(None))
            return
        # Write beside the target and rename at the end: a failed scan leaves no half-written copy.
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".part", dir=out_path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        gz = out_path.suffix == ".gz"
        try:
            if wxr:
                yield from self._run_wxr(tmp, gz)
            else:
                with _open_text(tmp, "w", gz) as sink:
                    yield from self._run_sql(sink)
            os.replace(tmp, out_path)
            self.summary.cleaned_copy = str(out_path)
        finally:
            if tmp.exists():
                tmp.unlink()

    # -- SQL -------------------------------------------------------------------------------
    def _run_sql(self, sink) -> Iterator[Report]:
        known_columns: dict[str, tuple[str, ...]] = {}
        line = 1
        with _open_text(self.path, "r") as fh:
            for stmt in iter_statements(fh):
                self.summary.statements += 1
                new_stmt = stmt
                lead = _LEADING_NOISE.match(stmt)
                at = line + stmt[: lead.end() if lead else 0].count("\n")  # line of the statement keyword
                try:
                    created = parse_create_table(stmt)
                    if created:
                        known_columns[created[0].lower()] = created[1]
                        insert = None
                    else:
                        insert = parse_insert(stmt)
                except DumpError as exc:
                    insert = None
                    self.summary.errors += 1
                    yield Report.for_error(f"{self.path.name}:line{at}", f"line {at}: {exc}", line=at)
                if insert is not None:
                    kind_m = _TABLE_KIND.fullmatch(insert.table)
                    if kind_m:
                        edits: list[tuple[int, int, str]] = []
                        yield from self._sql_rows(insert, kind_m.group(1).lower(), known_columns, at, edits)
                        if edits:
                            new_stmt = _apply(stmt, edits)
                if sink is not None:
                    sink.write(new_stmt)
                line += stmt.count("\n")

    def _sql_rows(self, insert: Insert, kind: str, known: dict, line: int, edits: list) -> Iterator[Report]:
        table = insert.table
        columns = insert.columns or known.get(table.lower()) or DEFAULT_COLUMNS[kind]
        pk, scanned = WP_TABLES[kind]
        index = {c.lower(): k for k, c in enumerate(columns)}
        targets = [(c, index[c.lower()]) for c in scanned if c.lower() in index]
        context = [(c, index[c.lower()]) for c in _CONTEXT.get(kind, ()) if c.lower() in index]
        pk_at = index.get(pk.lower())
        for n, row in enumerate(insert.rows, 1):
            self.summary.rows += 1
            self.summary.tables[table] = self.summary.tables.get(table, 0) + 1
            if len(row) != len(columns):
                self.summary.errors += 1
                yield Report.for_error(
                    f"{table}:row{n}@line{line}",
                    f"{table}, statement at line {line}, row {n}: {len(row)} values but {len(columns)} columns",
                    table=table,
                    line=line,
                )
                continue
            row_id = row[pk_at].text if pk_at is not None else f"row{n}@line{line}"
            meta = {"line": line, **{c: row[k].text for c, k in context}}
            mark = None
            approved_at = index.get("comment_approved") if kind == "comments" else None
            if approved_at is not None:
                if row[approved_at].text in _FILED:
                    continue  # already in Spam or Trash: nothing left for the site owner to do
                mark = self._sql_marker(row[approved_at], edits)
            for column, k in targets:
                v = row[k]
                if v.kind != "str" or not v.text.strip():
                    continue
                report = self._analyze_cell(kind, table, row_id, column, v.text, meta)
                yield from self._account(
                    report,
                    v.text,
                    lambda new, v=v: edits.append((v.start, v.end, escape_mysql(new))),
                    mark,
                )

    def _sql_marker(self, approved: Value, edits: list):
        """A callable that sets this row's ``comment_approved`` to 'spam' once; True when it changed."""
        done: list[bool] = []

        def mark() -> bool:
            if done or approved.text == "spam":
                return False
            done.append(True)
            # A quoted value keeps its quotes; a bare 0 or 1 becomes a string literal.
            edits.append((approved.start, approved.end, "spam" if approved.kind == "str" else "'spam'"))
            self.summary.comments_marked_spam += 1
            return True

        return mark

    def _account(self, report: Report, value: str, write, mark=None) -> Iterator[Report]:
        if report.is_spam and report.spans:
            self.summary.cells_with_spam += 1
            self.summary.spans += len(report.spans)
            if mark is not None:
                # A spam comment is filed as spam, not edited into a shorter spam comment.
                mark()
                yield replace(report, meta={**report.meta, "action": "marked_spam"})
                return
            try:
                cleaned = clean_value(value, report, self.policy, self.min_score)
            except Exception as exc:  # keep the original cell; say why it was not cleaned
                self.summary.errors += 1
                yield Report.for_error(
                    report.id, f"could not clean: {type(exc).__name__}: {exc}", **report.meta
                )
            else:
                if cleaned != value:
                    write(cleaned)
                    self.summary.cells_cleaned += 1
            yield report
        elif report.is_spam or self.report_clean or report.verdict == "error":
            yield report

    # -- WXR -------------------------------------------------------------------------------
    def _run_wxr(self, out_path: Path | None, gz: bool = False) -> Iterator[Report]:
        import xml.etree.ElementTree as ET

        with _open_text(self.path, "r") as fh:
            data = fh.read()
        namespaces: dict[str, str] = {}
        for _event, (prefix, uri) in ET.iterparse(_StringSource(data), events=("start-ns",)):
            namespaces.setdefault(prefix, uri)
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise DumpError(f"{self.path}: not well-formed XML: {exc}") from exc

        def local(el) -> str:
            return el.tag.rsplit("}", 1)[-1]

        def ns(el) -> str:
            return el.tag[1:].split("}", 1)[0] if el.tag.startswith("{") else ""

        def child(el, name: str):
            return next((c for c in el if local(c) == name and "wordpress.org/export" in ns(c)), None)

        def scan(el, kind, table, row_id, column, meta, mark=None) -> Iterator[Report]:
            if el is None or not (el.text or "").strip():
                return
            report = self._analyze_cell(kind, table, row_id, column, el.text, meta)

            def write(new, el=el):
                el.text = new

            yield from self._account(report, el.text, write, mark)

        def wxr_marker(comment):
            done: list[bool] = []

            def mark() -> bool:
                approved = child(comment, "comment_approved")
                if done or (approved is not None and (approved.text or "").strip() == "spam"):
                    return False
                done.append(True)
                if approved is None:
                    approved = ET.SubElement(comment, f"{{{ns(comment)}}}comment_approved")
                approved.text = "spam"
                self.summary.comments_marked_spam += 1
                return True

            return mark

        for item in root.iter():
            if local(item) != "item":
                continue
            post_id_el = child(item, "post_id")
            post_id = (post_id_el.text or "").strip() if post_id_el is not None else "?"
            self.summary.rows += 1
            self.summary.tables["posts"] = self.summary.tables.get("posts", 0) + 1
            for c in item:
                name, space = local(c), ns(c)
                if name == "title" and not space:
                    yield from scan(c, "posts", "posts", post_id, "post_title", {"source": "wxr"})
                elif name == "encoded" and "content" in space:
                    yield from scan(c, "posts", "posts", post_id, "post_content", {"source": "wxr"})
                elif name == "encoded" and "excerpt" in space:
                    yield from scan(c, "posts", "posts", post_id, "post_excerpt", {"source": "wxr"})
                elif name == "comment":
                    cid_el = child(c, "comment_id")
                    cid = (cid_el.text or "").strip() if cid_el is not None else "?"
                    self.summary.rows += 1
                    self.summary.tables["comments"] = self.summary.tables.get("comments", 0) + 1
                    meta = {"source": "wxr", "comment_post_ID": post_id}
                    mark = wxr_marker(c)
                    filed = child(c, "comment_approved")
                    if filed is not None and (filed.text or "").strip() in _FILED:
                        continue
                    for col in ("comment_author", "comment_author_url", "comment_content"):
                        yield from scan(child(c, col), "comments", "comments", cid, col, meta, mark)
                elif name == "postmeta":
                    key_el = child(c, "meta_key")
                    key = (key_el.text or "") if key_el is not None else ""
                    self.summary.rows += 1
                    self.summary.tables["postmeta"] = self.summary.tables.get("postmeta", 0) + 1
                    meta = {"source": "wxr", "post_id": post_id, "meta_key": key}
                    row = f"{post_id}/{key}"
                    yield from scan(child(c, "meta_value"), "postmeta", "postmeta", row, "meta_value", meta)
        if out_path is not None:
            for prefix, uri in namespaces.items():
                ET.register_namespace(prefix, uri)
            with _open_text(out_path, "w", gz) as sink:
                sink.write('<?xml version="1.0" encoding="UTF-8" ?>\n')
                sink.write(ET.tostring(root, encoding="unicode"))


class _StringSource:
    """A file-like object over a string, for ``iterparse``."""

    def __init__(self, data: str):
        self._data = data.encode("utf-8", errors="surrogateescape")
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._pos + size
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk


def _apply(stmt: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace statement ranges right to left so earlier offsets stay valid."""
    for a, b, text in sorted(edits, reverse=True):
        stmt = stmt[:a] + text + stmt[b:]
    return stmt
