"""`mdsready triggers FILE.xml --format json|text`: CAA triggers of one MDS 3.0 submission file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from careplans.rules.triggers import (
    TriggeredArea,
    UnsupportedItemSet,
    carries_caa_process,
    evaluate,
    item_set_of_record,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "triggers",
        help="list the CAA care areas an MDS assessment XML triggers, with the item values that fired them",
    )
    p.add_argument("file", type=Path, metavar="FILE.xml")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.set_defaults(func=run_triggers)


def _text(triggered: list[TriggeredArea], comprehensive: bool) -> str:
    lines = []
    if not comprehensive:
        lines.append("Not a comprehensive assessment: triggers are information only (no CAA process).")
    if not triggered:
        lines.append("No care areas triggered.")
    for area in triggered:
        lines.append(f"CAA {area.caa:2d} {area.area} [{area.v_item}]")
        lines.extend(f"    {reason.text}" for reason in area.reasons)
    return "\n".join(lines)


def run_triggers(args: argparse.Namespace) -> int:
    # Imported here so the rest of the CLI works even if the XML module is unavailable.
    from mds.record.xmlio import XMLReadError, read_assessment

    try:
        answers = read_assessment(args.file.read_bytes())
    except OSError as exc:
        print(f"triggers: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except XMLReadError as exc:
        print(f"triggers: {args.file} is not a readable MDS assessment XML: {exc}", file=sys.stderr)
        return 2
    try:
        # The file's own item set (ITM_SET_VRSN_CD, else its target date A2300) picks the rules.
        triggered = evaluate(answers, item_set=item_set_of_record(answers))
    except UnsupportedItemSet as exc:
        print(f"triggers: {args.file}: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([t.as_dict() for t in triggered], ensure_ascii=False, separators=(",", ":")))
    else:
        print(_text(triggered, carries_caa_process(answers)))
    return 0
