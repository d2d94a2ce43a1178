"""`mdsready pdpm FILE.xml` — PDPM groups and the HIPPS code of one MDS submission file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mds.pdpm import icd10 as pdpm_icd10
from mds.pdpm import rules as pdpm


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pdpm", help="classify an MDS assessment XML under PDPM (HIPPS code)")
    p.add_argument("file", type=Path, metavar="FILE.xml")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.add_argument(
        "--category",
        metavar="NAME",
        help="override the PDPM clinical category that I0020B gets from the shipped CMS ICD-10 mapping "
        f"({pdpm_icd10.MAPPING_YEAR}; for a code it lacks); one of: " + "; ".join(pdpm.CLINICAL_CATEGORIES),
    )
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"mdsready pdpm: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from mds.record.xmlio import XMLReadError, read_assessment

    try:
        values = read_assessment(args.file.read_bytes())
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    except XMLReadError as exc:
        return _fail(f"{args.file} is not a readable MDS assessment XML: {exc}")
    try:
        result = pdpm.classify(values, clinical_category=args.category)
    except pdpm.PdpmError as exc:
        return _fail(str(exc))
    for warning in result.warnings:
        print(f"mdsready pdpm: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.as_dict(), separators=(",", ":")))
    else:
        for key, value in result.as_dict().items():
            print(f"{key}: {'-' if value is None else value}")
        for c in result.explain:
            print(f"  {c.component}: {', '.join(c.items)} -> {c.effect}")
    return 0
