"""The `mdsready` command line.

Each domain package contributes its own subcommands through `<package>/commands.py`, which
defines `register(subparsers)`; every subcommand sets `func(args) -> int` (the exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

DOMAIN_COMMAND_MODULES = (
    "facility.commands",
    "mds.commands",
    "mds.pdpm_commands",
    "careplans.commands",
    "surveys.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mdsready", description="MDS 3.0 compliance tool for nursing facilities")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in DOMAIN_COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # that domain has no commands yet
            raise
        module.register(subparsers)
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
