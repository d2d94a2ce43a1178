"""`mdsready due`: the RAI schedule's outstanding records (late, due, upcoming) from the database.

JSON contract (mds.workflow.schedule.to_json_rows): a list of
{"resident_id", "stay_id", "kind", "window_start", "window_end", "state", "days_late"} — exactly these keys.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import date

from facility.core import clock


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "due",
        help="list MDS records that are late, due or upcoming (RAI schedule)",
        description="Compute the RAI schedule from stays, stay events and prior assessments. Exit 0; 2 when the "
        "facility is unknown or the date is not YYYY-MM-DD.",
    )
    p.add_argument("--facility", metavar="CCN", help="facility CCN (default: every active facility)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="compute as of this day (default: today)")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=due_command)


def due_command(args: argparse.Namespace) -> int:
    try:
        today = date.fromisoformat(args.date) if args.date else clock.today()
    except ValueError:
        print(f"mdsready due: --date must be YYYY-MM-DD, got {args.date!r}", file=sys.stderr)
        return 2
    from facility.core.commands import _ensure_conf_importable

    _ensure_conf_importable()
    rows = asyncio.run(_rows(args.facility, today))
    if rows is None:
        print(f"mdsready due: no active facility with CCN {args.facility!r}", file=sys.stderr)
        return 2
    if args.format == "json":
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_text(rows))
    return 0


async def _rows(ccn: str | None, today: date) -> list[dict] | None:
    from facility.tables import Facility
    from mds.workflow import schedule
    from mds.workflow.services import due_for_facility

    query = Facility.select(Facility.id).where(Facility.active == True).order_by(Facility.id)
    if ccn:
        query = query.where(Facility.ccn == ccn.strip().upper())
    facilities = await query
    if ccn and not facilities:
        return None
    rows: list[dict] = []
    for facility in facilities:
        rows += schedule.to_json_rows(await due_for_facility(facility["id"], today))
    order = {"late": 0, "due": 1, "upcoming": 2}
    return sorted(
        rows,
        key=lambda r: (
            order.get(r["state"], 3),
            -r["days_late"],
            r["window_end"],
            r["resident_id"],
            r["kind"],
        ),
    )


def _text(rows: list[dict]) -> str:
    if not rows:
        return "nothing late, due or upcoming\n"
    lines = [f"{'state':9} {'days':>4}  {'resident':>8} {'stay':>6}  {'kind':38} window"]
    for r in rows:
        lines.append(
            f"{r['state']:9} {r['days_late']:>4}  {r['resident_id']:>8} {r['stay_id']:>6}  {r['kind']:38} "
            f"{r['window_start']} .. {r['window_end']}"
        )
    counts = {s: sum(1 for r in rows if r["state"] == s) for s in ("late", "due", "upcoming")}
    lines.append(f"{counts['late']} late, {counts['due']} due, {counts['upcoming']} upcoming")
    return "\n".join(lines) + "\n"
