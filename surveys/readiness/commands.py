"""Survey CLI: `mdsready import-deficiencies FILE.csv` and `mdsready survey-score --ccn CCN [--format json]`.

import-deficiencies loads the CMS Provider Data Catalog "Health Deficiencies" file (r5ix-sfxw, its 23
published columns): rows are upserted on (CCN, survey date, tag) so importing the same or a refreshed
file twice never duplicates; each bad row is reported as `line N: message` on stderr and skipped
whole. Exit code 0 = every row imported, 1 = some rows (or the whole file) rejected, 2 = unreadable.

survey-score prints the Five-Star health-inspection score of one CCN from the imported rows
(surveys.readiness.scoring: 2 standard cycles at 75/25, complaint and infection-control citations of 36 months).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from facility.core import clock
from surveys.readiness import deficiencies_csv


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return None


async def import_text(text: str, source: str) -> tuple[Any, list[deficiencies_csv.ParseError]]:
    """Parse and upsert; returns (ImportSummary | None when the file was rejected, errors)."""
    from facility.core.audit import Actor
    from surveys.readiness import services

    rows, errors = deficiencies_csv.parse(text)
    if not rows:
        return None, errors
    summary = await services.import_cms_deficiencies(rows, Actor(None, "cli"), Path(source).name)
    return summary, errors


def cmd_import_deficiencies(args: argparse.Namespace) -> int:
    from facility.core.commands import _ensure_conf_importable

    _ensure_conf_importable()
    text = _read(args.file)
    if text is None:
        return 2
    summary, errors = asyncio.run(import_text(text, args.file))
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if summary is None:
        print(f"nothing imported from {args.file} ({len(errors)} problem(s))", file=sys.stderr)
        return 1
    print(
        f"{args.file}: {summary.created} new, {summary.updated} updated, {summary.unchanged} unchanged, "
        f"{len(errors)} rejected"
    )
    return 1 if errors else 0


def _text_report(result: Any) -> str:
    lines = [f"CCN {result.ccn} as of {result.as_of.isoformat()}"]
    for c in result.cycles:
        lines.append(
            f"  cycle {c.cycle} {c.survey_date.isoformat()}: {c.points} points "
            f"({len(c.deficiencies)} citations, weight {c.weight:.0%})"
        )
    lines.append(
        f"  complaint/infection-control: {result.complaint_points_recent} points in the last 12 months, "
        f"{result.complaint_points_older} in months 13-36"
    )
    lines.append(f"  weighted score: {result.weighted_score:g}")
    return "\n".join(lines)


def cmd_survey_score(args: argparse.Namespace) -> int:
    from facility.core.commands import _ensure_conf_importable
    from surveys.readiness import services

    _ensure_conf_importable()
    ccn = args.ccn.strip().upper()
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else clock.today()
    except ValueError:
        print(f"--as-of must be a date YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
        return 2
    result = asyncio.run(services.cms_score(ccn, as_of))
    if result is None:
        print(
            f"no imported CMS citation for CCN {ccn}; run: mdsready import-deficiencies FILE.csv",
            file=sys.stderr,
        )
        return 1
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(result.to_dict(), separators=(",", ":")))
    else:
        print(_text_report(result))
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("import-deficiencies", help="load the CMS Health Deficiencies CSV (idempotent)")
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(func=cmd_import_deficiencies)

    p = subparsers.add_parser(
        "survey-score", help="Five-Star health-inspection score of a CCN from imported citations"
    )
    p.add_argument("--ccn", required=True)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--as-of", help="score date (default today), YYYY-MM-DD")
    p.set_defaults(func=cmd_survey_score)
