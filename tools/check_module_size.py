"""Fails when a module under src/ exceeds 800 lines (generated files exempt)."""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 800


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "src"
    too_big = [
        (path, n)
        for path in sorted(root.rglob("*.py"))
        if "_generated" not in path.name
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    ]
    for path, n in too_big:
        print(f"{path.relative_to(root.parent)}: {n} lines (limit {LIMIT})")
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
