"""Rewrite the README's quick-start output block from a real run of `spamscalpel scan --example`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(Output of \(a\):\n\n```text\n)(.*?)(```)", re.S)


def quick_start_output() -> str:
    """What the README's command (a) prints, stdout then the stderr summary, without colour."""
    proc = subprocess.run(
        [sys.executable, "-m", "spamscalpel", "scan", "--example", "--format", "text", "--color", "never"],
        capture_output=True,
        text=True,
    )
    return proc.stdout + proc.stderr


def main() -> int:
    text = README.read_text(encoding="utf-8")
    new, n = BLOCK.subn(lambda m: m.group(1) + quick_start_output() + m.group(3), text, count=1)
    if n != 1:
        print("README has no quick-start output block", file=sys.stderr)
        return 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
