"""mds.worklist: the coordinator's rows from the RAI schedule and the assessment rows (pure), as tables of cases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from mds.record import rfa
from mds.workflow import schedule
from mds.workflow.worklist import coordinator_items

TODAY = date(2026, 3, 10)
PEOPLE = {1: {"name": "Adams, Ann", "unit": "East", "room": "101"}}


def due(kind: str, phase: str, state: str, start: int, end: int, **kw: Any) -> schedule.DueItem:
    return schedule.DueItem(
        1, 7, kind, phase, TODAY + timedelta(days=start), TODAY + timedelta(days=end), None, state, **kw
    )


def rows(
    items: list[schedule.DueItem], assessments: tuple[dict[str, Any], ...] = (), exports: Any = None
) -> list[Any]:
    starts = {id(i): {"resident": 1, "stay": 7, "kind": i.kind, "ard": TODAY.isoformat()} for i in items}
    return coordinator_items(items, assessments, exports or {}, PEOPLE, rfa.KIND_LABELS, starts, TODAY)


@pytest.mark.parametrize(
    ("item", "kind", "ftag", "fix"),
    [
        (due("admission", "ard", "late", -20, -3), "missing", "F636", "/mds/dashboard/start?"),
        (
            due("quarterly", "complete", "late", -20, -1, assessment_id=5),
            "late",
            "F638",
            "/mds/assessments/5",
        ),
        (due("annual", "submit", "late", -20, -1, assessment_id=6), "late", "F640", "/mds/assessments/6"),
        (due("significant_change", "ard", "due", -4, 10), "change_clock", "F637", "/mds/dashboard/start?"),
        (due("quarterly", "ard", "due", -2, 5), "due", "F638", "/mds/dashboard/start?"),
        (due("pps_5day", "ard", "due", -2, 5), "due", "", "/mds/dashboard/start?"),
        (due("entry", "submit", "due", -2, 5, assessment_id=8), "due", "F640", "/mds/assessments/8"),
        (due("quarterly", "ard", "upcoming", 30, 40), "upcoming", "F638", "/mds/dashboard/start?"),
    ],
)
def test_schedule_rows(item: schedule.DueItem, kind: str, ftag: str, fix: str) -> None:
    [row] = rows([item])
    assert (row.kind, row.ftag, row.due) == (kind, ftag, item.window_end)
    assert row.fix_url.startswith(fix)
    assert (row.resident, row.unit, row.room) == ("Adams, Ann", "East", "101")


@pytest.mark.parametrize(
    "item",
    [
        due("quarterly", "ard", "upcoming", 31, 45),  # opens beyond 30 days
        due("quarterly", "done", "done", -90, -80, assessment_id=3),
        due(
            "annual", "submit", "late", -20, -1, assessment_id=6, record_state="rejected"
        ),  # listed as rejected
    ],
)
def test_rows_left_out(item: schedule.DueItem) -> None:
    assert rows([item]) == []


def test_significant_change_clock_runs_from_the_determination() -> None:
    """A real schedule: IDT determination 4 days ago -> ARD/completion within 14 days, shown as day 4 of 14."""
    stay = schedule.Stay(1, 7, date(2025, 12, 1), significant_changes=(TODAY - timedelta(days=4),))
    items = [i for i in schedule.compute_due(stay, [], TODAY) if i.kind == "significant_change"]
    [row] = [r for r in rows(items) if r.kind == "change_clock"]
    assert row.clock is not None
    assert (row.clock.day(TODAY), row.clock.total, row.clock.left(TODAY)) == (4, 14, 10)
    assert row.clock.running(TODAY)


def test_unsigned_and_rejected_records() -> None:
    assessments = (
        {
            "id": 5,
            "resident": 1,
            "kind": "quarterly",
            "ard": TODAY,
            "status": "in_progress",
            "submission_state": "",
        },
        {
            "id": 6,
            "resident": 1,
            "kind": "annual",
            "ard": TODAY,
            "status": "completed",
            "submission_state": "rejected",
        },
        {
            "id": 9,
            "resident": 1,
            "kind": "annual",
            "ard": TODAY,
            "status": "completed",
            "submission_state": "accepted",
        },
    )
    exports = {6: [{"state": "rejected", "error_ids": "-3804"}]}
    by_kind = {r.kind: r for r in rows([], assessments, exports)}
    assert set(by_kind) == {"unsigned", "rejected"}
    assert by_kind["unsigned"].fix_url == "/mds/assessments/5"
    assert by_kind["unsigned"].due == TODAY + timedelta(days=schedule.COMPLETION_DAYS)
    assert (
        by_kind["rejected"].fix_url == "/mds/assessments/6/correct"
        and "-3804" in by_kind["rejected"].detail["en"]
    )
    assert "rechazada" in by_kind["rejected"].detail["es"]
