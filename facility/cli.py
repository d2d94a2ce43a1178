"""The `mdsready` command line.

Each package's plugin lists its subcommands (`Plugin.commands`: `register(subparsers)` functions); every
subcommand sets `func(args) -> int` (the exit code). See docs/DEVELOPING.md, "Plugin contract".
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from facility.app import PLUGINS
from facility.core.plugins import activate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdsready", description="MDS 3.0 compliance tool for nursing facilities"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in activate(PLUGINS).commands:
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
