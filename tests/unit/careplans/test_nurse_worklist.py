"""careplans.worklist: compliance findings and changes in condition as worklist rows (pure), tables of cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from careplans.plans.worklist import change_clocks, compliance_items, notes_items, nurse_items
from careplans.rules import compliance as cmp

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PEOPLE = {1: {"id": 1, "last_name": "Adams", "first_name": "Ann", "unit_name": "East", "room": "101"}}


def resident(*problems: cmp.CarePlanProblem, assessments: tuple[cmp.Assessment, ...] = ()) -> cmp.Resident:
    return cmp.Resident(
        "1",
        "Adams, Ann",
        datetime(2026, 1, 5, tzinfo=UTC),
        cmp.CarePlan(baseline_completed_at=datetime(2026, 1, 5, 20, tzinfo=UTC), problems=problems),
        assessments,
    )


def problem(
    pid: str, caa: int | None = 11, changed_days_ago: int | None = None, **kw: object
) -> cmp.CarePlanProblem:
    changed = NOW - timedelta(days=changed_days_ago) if changed_days_ago is not None else None
    values: dict[str, object] = {"interventions": (cmp.Intervention("i1", "Bed low"),), **kw}
    return cmp.CarePlanProblem(pid, "Falls", caa, needs_changed_at=changed, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days_ago", "revised_days_ago", "expected"),
    [
        (0, None, (0, 7)),  # flagged today: day 0 of 7
        (2, None, (2, 5)),
        (7, None, (7, 0)),  # last day, still running
        (8, None, None),  # over: the overdue finding takes over
        (2, 1, None),  # revised after the change: no clock
    ],
)
def test_seven_day_revision_clock(
    days_ago: int, revised_days_ago: int | None, expected: tuple[int, int] | None
) -> None:
    revised = NOW - timedelta(days=revised_days_ago) if revised_days_ago is not None else None
    r = resident(problem("p1", changed_days_ago=days_ago, last_revised_at=revised))
    items = change_clocks([r], PEOPLE, TODAY)
    if expected is None:
        assert items == []
        return
    [row] = items
    assert row.clock is not None and (row.clock.day(TODAY), row.clock.left(TODAY)) == expected
    assert (row.kind, row.ftag, row.care_areas) == ("change_clock", "F657", (11,))
    assert row.fix_url == "/residents/1?tab=careplan#problem-p1"


def test_overdue_change_becomes_a_review_row_with_its_care_area() -> None:
    r = resident(problem("p1", changed_days_ago=9))
    findings = cmp.check_resident(r, NOW)
    rows = nurse_items([r], PEOPLE, findings, [], TODAY)
    assert [(x.kind, x.ftag, x.care_areas) for x in rows] == [("review_due", "F657", (11,))]
    assert rows[0].fix_url.endswith("#problem-p1")


@pytest.mark.parametrize(
    ("caa", "name_en", "name_es"),
    [(11, "Falls", "Caídas"), (16, "Pressure Ulcer/Injury", "Úlcera/lesión por presión")],
)
def test_triggered_not_planned_names_the_care_area(caa: int, name_en: str, name_es: str) -> None:
    a = cmp.Assessment(
        "a1",
        "01",
        date(2026, 1, 12),
        v0200b2=date(2026, 1, 14),
        v0200c2=date(2026, 1, 15),
        triggered_caas=(caa,),
    )
    r = resident(assessments=(a,))
    findings = cmp.check_resident(r, NOW)
    [row] = [x for x in nurse_items([r], PEOPLE, findings, [], TODAY) if x.kind == "not_planned"]
    assert row.care_areas == (caa,) and row.ftag == "F656"
    assert row.detail["en"].startswith(name_en) and row.detail["es"].startswith(name_es)
    assert "CAA" not in row.detail["en"]
    assert row.fix_url == f"/residents/1?tab=careplan#caa-{caa}"


def test_care_plan_due_carries_the_seven_day_clock_from_caa_completion() -> None:
    a = cmp.Assessment("a1", "04", date(2026, 3, 1), v0200b2=date(2026, 3, 8))  # SCSA, CAAs done 2 days ago
    r = resident(assessments=(a,))
    findings = cmp.check_resident(r, NOW)
    [row] = [x for x in nurse_items([r], PEOPLE, findings, [], TODAY) if x.kind == "care_plan_due"]
    assert row.clock is not None and (row.clock.start, row.clock.end) == (date(2026, 3, 8), date(2026, 3, 15))
    assert (row.clock.day(TODAY), row.clock.left(TODAY)) == (2, 5)


def test_compliance_list_has_one_row_per_finding_with_names() -> None:
    a = cmp.Assessment("a1", "01", date(2026, 1, 12), v0200b2=date(2026, 1, 14), triggered_caas=(11, 16))
    r = resident(problem("p1", caa=11, interventions=()), assessments=(a,))
    findings = cmp.check_resident(r, NOW)
    items = compliance_items([r], PEOPLE, findings)
    assert len(items) == len(findings) and len({i.key for i in items}) == len(items)
    kinds = {i.kind for i in items}
    assert {"triggered_unaddressed", "care_plan_missing"} <= kinds
    assert all("CAA 1" not in i.detail["en"] for i in items)
    by_kind = {i.kind: i for i in items}
    assert by_kind["triggered_unaddressed"].care_areas == (16,)


def test_notes_flagged_rows() -> None:
    from careplans.rules import notes_review

    mention = notes_review.NoteMention("n9", "falls", "fall", "caída", ("fell",))
    review = [
        {
            "resident": PEOPLE[1],
            "mentions": [{"mention": mention, "note": {}}],
            "undocumented": [],
            "scsa": None,
        }
    ]
    [row] = notes_items(review, TODAY)
    assert (row.kind, row.due, row.resident) == ("notes_flagged", TODAY, "Adams, Ann")
    assert 11 in row.care_areas  # the falls condition is planned under CAA 11
