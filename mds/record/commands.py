"""`mdsready validate` and `mdsready xsd` (registered by facility/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mds.record.catalog import DEFAULT_VERSION, known_versions


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate",
        help="validate MDS 3.0 submission files (.xml or .zip)",
        description="Validate MDS XML records record by record. Exit 0: all accepted (warnings allowed); "
        "1: any record rejected; 2: an input could not be read at all.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help=".xml record or .zip batch")
    p.add_argument(
        "--format",
        choices=("text", "json", "jsonl", "csv"),
        default="text",
        help="text (default); json: one document; jsonl: one JSON object per record, then a summary line; "
        "csv: one row per finding (counts on stderr). Every format is written record by record.",
    )
    p.add_argument("--lang", choices=("en", "es"), default="en")
    p.add_argument(
        "--jobs",
        "--workers",
        dest="jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes to use (default 1; 0: one per core). Results keep the input order.",
    )
    p.add_argument(
        "--max-members",
        type=int,
        default=0,
        metavar="N",
        help="refuse a zip with more than N members (default: no limit; the web upload keeps its own cap)",
    )
    p.add_argument(
        "--version",
        default=None,
        choices=known_versions(),
        help="validate every record against this item set (default: each record's own set, from its "
        "ITM_SET_VRSN_CD and target date; a mismatch is edit MR-310)",
    )
    p.set_defaults(func=validate_command)

    x = subparsers.add_parser("xsd", help="write the generated MDS XSD of an item set")
    x.add_argument("--out", required=True, type=Path, metavar="DIR")
    x.add_argument(
        "--version",
        default=DEFAULT_VERSION,
        choices=known_versions(),
        help=f"item set (default {DEFAULT_VERSION}); writes mds_<version>.xsd",
    )
    x.set_defaults(func=xsd_command)


def validate_command(args: argparse.Namespace) -> int:
    from mds.record.batch import cli_limits, validate_stream

    if args.jobs < 0 or args.max_members < 0:
        print("mdsready validate: --jobs and --max-members take a number >= 0", file=sys.stderr)
        return 2
    totals = validate_stream(
        args.paths,
        sys.stdout,
        fmt=args.format,
        lang=args.lang,
        jobs=args.jobs,
        version=args.version,
        limits=cli_limits(args.max_members),
    )
    return totals.exit_code()


def xsd_command(args: argparse.Namespace) -> int:
    from mds.record.xsd import write_xsd

    path = write_xsd(args.out, args.version)
    print(path)
    return 0
