"""Shared command line of the generators that copy ../shared/data tables into a package.

Each generator builds its file's text from the shared-data folder; this writes it, or with
``--check`` reports whether the committed copy is stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO_ROOT.parent / "shared" / "data"


def run(
    description: str, default_out: Path, render_from: Callable[[Path], str], argv: list[str] | None = None
) -> int:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--shared-data", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--out", type=Path, default=default_out)
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed file is stale")
    args = ap.parse_args(argv)
    text = render_from(args.shared_data)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale; rerun {Path(sys.argv[0]).name}", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
