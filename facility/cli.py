"""The `mdsready` command line.

Each domain package contributes its own subcommands through `<package>/commands.py` (or any
`<package>/*_commands.py`), which defines `register(subparsers)`; every subcommand sets `func(args) -> int` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence


def command_modules() -> list[str]:
    """Every `<domain>/commands.py` and `<domain>/*_commands.py` module, so domains add commands on their own."""
    from facility.web.extensions import module_names

    return module_names("commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mdsready", description="MDS 3.0 compliance tool for nursing facilities"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in command_modules():
        importlib.import_module(module_name).register(subparsers)
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
