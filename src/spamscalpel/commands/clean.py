"""``spamscalpel clean``: write a copy of each input with the injected spans cut out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    from ..clean import POLICIES
    from .scan import add_input_arguments

    p = sub.add_parser(
        "clean",
        help="cut injected spam out and write cleaned copies",
        description="Cut injected spam out of each input. With --out - (the default) one plain or HTML "
        "document is written to stdout as is; several documents, or JSONL input, are written as JSONL "
        "records with the cleaned text and what was removed. With --out DIR each input is mirrored "
        "under DIR. Removals are listed on stderr. Exit status: 0 nothing removed, 1 spam found, "
        "2 nothing could be read.",
    )
    add_input_arguments(p)
    p.add_argument("--policy", choices=POLICIES, default="span", help="what to remove (default span)")
    p.add_argument(
        "--min-score", type=float, default=0.0, metavar="S", help="only remove spans scoring at least S"
    )
    p.add_argument("--marker", default="[removed]", help="replacement text for --policy mask")
    p.add_argument("--out", default="-", metavar="DIR|-", help="output folder, or - for stdout (default)")
    p.set_defaults(func=run)


def _record_json(rec, report, cleaned) -> dict:
    """The caller's JSONL record with its text replaced, or a fresh one for file input."""
    if rec.fields is not None:
        out = dict(rec.fields)
    else:
        out = {"id": rec.id}
    if report.verdict == "error":
        out["error"] = report.error
        return out
    out[rec.field if rec.fields is not None else "text"] = cleaned.text
    out["removed"] = [r.to_dict() for r in cleaned.removed]
    return out


def _safe_rel(rel: str, fallback: str) -> Path:
    # Never write outside the output folder, whatever the input path looked like.
    parts = [p for p in Path(rel or fallback).parts if p not in ("", ".", "..", "/")]
    return Path(*parts) if parts else Path(fallback)


def run(args: argparse.Namespace) -> int:
    """Clean every input; write cleaned text to stdout or mirror it under ``--out``."""
    from ..clean import clean
    from ..output import Tally
    from ..textsafe import dumps
    from ..types import Report
    from .scan import Messages, analyzed_records, cannot_start, exit_status

    say = Messages(args.quiet)
    if cannot_start(args, say):
        return 2
    out_dir = None if args.out == "-" else Path(args.out)
    if out_dir is not None:
        clash = _name_clash(args.paths)
        if clash:
            say.error(f"{clash}; nothing written (clean them into separate --out folders)")
            return 2
        out_dir.mkdir(parents=True, exist_ok=True)

    tally = Tally()
    pending = []  # stdout, single-document case: decided once we know how many documents there are
    as_jsonl = False
    jsonl_files: dict[Path, object] = {}
    try:
        for rec, report in analyzed_records(args, say):
            cleaned = None
            if report.verdict != "error":
                try:
                    cleaned = clean(rec.document.text, report, args.policy, args.min_score, args.marker)
                except ValueError as exc:  # a report that does not fit its text: that record only
                    msg = f"{rec.id}: cannot clean: {exc}"
                    say.error(msg)
                    report = Report.for_error(rec.id, msg)
            tally.add(report)
            for r in cleaned.removed if cleaned else ():
                say.info(f"{rec.id}: removed [{r.start}:{r.end}] {r.category} {r.score:.2f} {r.text!r}")

            if out_dir is not None:
                _write_to_dir(out_dir, rec, report, cleaned, jsonl_files)
                continue
            if as_jsonl or rec.kind == "jsonl" or pending:
                as_jsonl = True
                for prev in pending:
                    sys.stdout.write(dumps(_record_json(*prev)) + "\n")
                pending = []
                sys.stdout.write(dumps(_record_json(rec, report, cleaned)) + "\n")
            else:
                pending.append((rec, report, cleaned))
        for rec, report, cleaned in pending:
            if cleaned is not None:
                sys.stdout.write(cleaned.text)
            else:
                sys.stdout.write(dumps(_record_json(rec, report, cleaned)) + "\n")
        sys.stdout.flush()
    finally:
        for fh in jsonl_files.values():
            fh.close()
    say.info(tally.summary())
    return exit_status(tally)


def _name_clash(paths: list[str]) -> str | None:
    """Why two inputs would be written to the same file under ``--out``, or None."""
    from ..inputs import STDIN, _walk

    owner: dict[Path, str] = {}
    for arg in paths:
        p = Path(arg)
        if arg == STDIN:
            found = [(arg, "stdin")]
        elif p.is_dir():
            found = [(str(f), rel) for f, rel in _walk(p)]
        else:
            found = [(arg, p.name)]
        for source, rel in found:
            target = _safe_rel(rel, "stdin")
            if owner.setdefault(target, source) != source:
                return f"{owner[target]} and {source} would both be written to {target}"
    return None


def _write_to_dir(out_dir: Path, rec, report, cleaned, jsonl_files: dict) -> None:
    from ..textsafe import dumps

    if rec.kind == "jsonl":
        target = out_dir / _safe_rel(rec.rel, "stdin.jsonl")
        fh = jsonl_files.get(target)
        if fh is None:
            target.parent.mkdir(parents=True, exist_ok=True)
            fh = jsonl_files[target] = target.open("w", encoding="utf-8")
        fh.write(dumps(_record_json(rec, report, cleaned)) + "\n")
        return
    if cleaned is None:
        return  # the error is on stderr; there is nothing to copy
    target = out_dir / _safe_rel(rec.rel, "stdin.txt")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(cleaned.text, encoding="utf-8")
