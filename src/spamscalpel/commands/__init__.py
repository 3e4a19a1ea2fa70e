"""Sub-commands of the ``spamscalpel`` CLI, one module each.

Each module defines ``add_parser(subparsers)``, which adds its sub-parser and sets
``func=handler`` where ``handler(args) -> int`` returns the exit status. Modules import nothing
heavy at module level: optional dependencies are imported inside the handler.
"""

# Order here is the order in ``spamscalpel --help``. A module that is missing is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "scan",
    "clean",
    "site",
    "wordpress",
    "corpus",
    "spark",
    "serve",
    "report",
)
