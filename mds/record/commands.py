"""`mdsready validate` and `mdsready xsd` (registered by facility/cli.py)."""

from __future__ import annotations

import argparse
import csv
import io
import json
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
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--lang", choices=("en", "es"), default="en")
    p.add_argument("--workers", type=int, default=1, help="processes to use (default 1)")
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
    from mds.record.validate import validate_paths

    report = validate_paths(args.paths, args.lang, workers=max(1, args.workers), version=args.version)
    for path, reason in report.unreadable:
        print(f"mdsready validate: cannot read {path}: {reason}", file=sys.stderr)
    out = sys.stdout
    if args.format == "json":
        json.dump(report.to_dict(), out, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        out.write(_csv(report))
    else:
        out.write(_text(report, args.lang))
    return report.exit_code()


def _csv(report) -> str:
    """Every cell through csv_cell: a batch member named "=HYPERLINK(...).xml" must not become a formula."""
    from facility.core.csvsafe import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["source", "status", "isc", "edit_id", "severity", "item", "line", "message", "hint"])
    for r in report.records:
        rows = [
            [
                r.source,
                r.status,
                r.isc or "",
                i.edit_id,
                i.severity,
                i.item or "",
                "" if i.line is None else i.line,
                i.message,
                i.hint,
            ]
            for i in r.issues
        ]
        for row in rows or [[r.source, r.status, r.isc or "", "", "", "", "", "", ""]]:
            w.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


_WORDS = {
    "en": {
        "accepted": "ACCEPTED",
        "rejected": "REJECTED",
        "line": "line",
        "summary": "{files} files: {accepted} accepted, "
        "{rejected} rejected, {warnings} warnings in {seconds}s",
        "fix": "fix",
    },
    "es": {
        "accepted": "ACEPTADO",
        "rejected": "RECHAZADO",
        "line": "línea",
        "summary": "{files} archivos: {accepted} aceptados, "
        "{rejected} rechazados, {warnings} advertencias en {seconds}s",
        "fix": "solución",
    },
}


def _text(report, lang: str) -> str:
    words = _WORDS[lang]
    lines = []
    for r in report.records:
        lines.append(f"{words[r.status]:9} {r.source}" + (f" [{r.isc}]" if r.isc else ""))
        for i in r.issues:
            where = f" {words['line']} {i.line}" if i.line else ""
            lines.append(f"  {i.severity:7} {i.edit_id:>7} {i.item or '-'}{where}: {i.message}")
            lines.append(f"          {words['fix']}: {i.hint}")
    lines.append(words["summary"].format(**report.summary()))
    return "\n".join(lines) + "\n"


def xsd_command(args: argparse.Namespace) -> int:
    from mds.record.xsd import write_xsd

    path = write_xsd(args.out, args.version)
    print(path)
    return 0
