"""The ``spamscalpel`` command line: a thin shell over ``analyze`` and ``clean``."""

from __future__ import annotations

import argparse
import importlib
import sys

from .commands import COMMAND_MODULES, MODULE_EXTRAS, extra_hint, missing_extra


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="spamscalpel",
        description="Find, explain and cut out injected SEO spam in web text.",
    )
    parser.add_argument("--version", action="version", version=f"spamscalpel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"spamscalpel.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"spamscalpel.commands.{name}":
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    hint = missing_extra(args.command)
    if hint:
        print(hint, file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except ModuleNotFoundError as exc:
        top = (exc.name or "").split(".")[0]
        if top not in MODULE_EXTRAS:
            raise
        print(extra_hint(args.command, MODULE_EXTRAS[top], [top]), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("spamscalpel: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
