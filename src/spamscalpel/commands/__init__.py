"""Sub-commands of the ``spamscalpel`` CLI, one module each.

Each module defines ``add_parser(subparsers)``, which adds its sub-parser and sets
``func=handler`` where ``handler(args) -> int`` returns the exit status. Modules import nothing
heavy at module level: optional dependencies are imported inside the handler.
"""

from __future__ import annotations

import importlib.util

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
    "completion",
)

# The extra a command needs beyond the plain install, and the modules that extra brings which
# the command imports. Commands not listed run on the plain install.
COMMAND_EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "site": ("site", ("httpx", "charset_normalizer")),
    "corpus": ("corpus", ("fsspec", "pyarrow", "warcio", "zstandard", "charset_normalizer")),
    "spark": ("spark", ("pyspark", "fsspec", "pyarrow")),
    "serve": ("server", ("fastapi", "uvicorn", "multipart", "prometheus_client")),
}

# For a module found missing later (a reader, a scorer's runtime): which extra brings it.
MODULE_EXTRAS: dict[str, str] = {
    "httpx": "site",
    "fsspec": "corpus",
    "pyarrow": "corpus",
    "warcio": "corpus",
    "zstandard": "corpus",
    "brotli": "corpus",
    "pyspark": "spark",
    "fastapi": "server",
    "uvicorn": "server",
    "multipart": "server",
    "prometheus_client": "server",
    "charset_normalizer": "corpus",
    "datatrove": "datatrove",
    "onnxruntime": "encoder",
    "tokenizers": "encoder",
}


def extra_hint(command: str, extra: str, missing: list[str]) -> str:
    """The one line a command prints when an optional dependency is not installed."""
    return (
        f"spamscalpel {command}: needs the '{extra}' extra: pip install 'spamscalpel[{extra}]' "
        f"(missing: {', '.join(missing)})"
    )


def missing_extra(command: str) -> str | None:
    """The hint line when ``command`` cannot run on what is installed, else None."""
    need = COMMAND_EXTRAS.get(command)
    if need is None:
        return None
    extra, modules = need
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return extra_hint(command, extra, missing) if missing else None
