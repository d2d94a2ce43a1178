"""Compliance timing through the pages at the 48 h / 7 d / 92 d boundaries (resident admitted
2026-01-10; the baseline clock starts at 00:00 UTC of the admission day)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.integration.careplans.conftest import FALLS_AND_ULCER, fake_assessment

HX = {"HX-Request": "true"}


async def _record_baseline(world: Any, when: datetime) -> None:
    from careplans.tables import CarePlan

    await CarePlan(
        facility=world.facility_a,
        resident=world.resident_a,
        baseline_completed_at=when,
        created_by=1,
        updated_by=1,
    ).save()


@pytest.mark.parametrize(
    ("moment", "expected", "absent"),
    [
        (
            datetime(2026, 1, 11, 23, 59),
            "Baseline care plan due by 2026-01-12 00:00",
            "Baseline care plan not done",
        ),
        (
            datetime(2026, 1, 12, 0, 0),
            "Baseline care plan due by 2026-01-12 00:00",
            "Baseline care plan not done",
        ),  # exactly 48 h
        (
            datetime(2026, 1, 12, 0, 1),
            "Baseline care plan not done; due 2026-01-12 00:00",
            "Baseline care plan due by",
        ),
    ],
)
async def test_baseline_48_hours(
    client: Any, world: Any, mds: Any, at_time: Any, moment: datetime, expected: str, absent: str
) -> None:
    at_time(moment)
    await client.login("admin_a")
    page = await client.get("/careplans/compliance")
    assert expected in page.text and absent not in page.text
    tab = await client.get(f"/residents/{world.resident_a}?tab=careplan")
    assert expected in tab.text
    late = "F655" in page.text and 'data-testid="count-F655">1<' in page.text
    assert late == (moment > datetime(2026, 1, 12, 0, 0))


@pytest.mark.parametrize(
    ("day", "expected", "overdue"),
    [
        (date(2026, 1, 21), "Comprehensive care plan for assessment of 2026-01-14 due by 2026-01-21", None),
        (
            date(2026, 1, 22),
            "Comprehensive care plan for assessment of 2026-01-14 not completed; due 2026-01-21",
            "1 day overdue",
        ),
        (
            date(2026, 1, 28),
            "Comprehensive care plan for assessment of 2026-01-14 not completed; due 2026-01-21",
            "7 days overdue",
        ),
    ],
)
async def test_comprehensive_care_plan_7_days_after_caa(
    client: Any, world: Any, mds: Any, at_time: Any, day: date, expected: str, overdue: str | None
) -> None:
    mds.add(world.resident_a, fake_assessment(9001, v0200b2=date(2026, 1, 14)), FALLS_AND_ULCER)
    await _record_baseline(world, datetime(2026, 1, 10, 20, 0))
    at_time(datetime.combine(day, datetime.min.time().replace(hour=9)))
    await client.login("coord_a")
    page = await client.get("/careplans/compliance?ftag=F657")
    assert expected in page.text
    if overdue:
        assert overdue in page.text
    partial = await client.get("/careplans/compliance?ftag=F657", headers=HX)
    assert "<html" not in partial.text and expected in partial.text
    f656 = await client.get("/careplans/compliance?ftag=F656", headers=HX)
    assert "Falls: triggered, with neither" in f656.text  # neither a problem nor a 'no care plan' reason


@pytest.mark.parametrize(("day", "finding"), [(date(2026, 4, 22), False), (date(2026, 4, 23), True)])
async def test_review_every_92_days(
    client: Any, world: Any, mds: Any, at_time: Any, day: date, finding: bool
) -> None:
    from careplans.tables import Conference

    await _record_baseline(world, datetime(2026, 1, 10, 20, 0))
    await Conference(
        facility=world.facility_a,
        resident=world.resident_a,
        held_on=date(2026, 1, 20),
        attendees="IDT",
        created_by=1,
    ).save()
    at_time(datetime.combine(day, datetime.min.time()))
    await client.login("admin_a")
    page = await client.get("/careplans/compliance")
    message = "Care plan not reviewed since 2026-01-20; review was due 2026-04-22 (92 days)"
    assert (message in page.text) == finding
    if finding:
        assert "1 day overdue" in page.text
    else:
        assert (
            "No resident has a care-plan finding." in page.text
            and 'data-testid="percent-compliant">100%' in page.text
        )


async def test_adding_problems_updates_the_facility_page(
    client: Any, world: Any, mds: Any, at_time: Any
) -> None:
    from careplans.plans.library import load_library

    mds.add(world.resident_a, fake_assessment(9001, v0200b2=date(2026, 1, 14)), FALLS_AND_ULCER)
    await _record_baseline(world, datetime(2026, 1, 10, 20, 0))
    at_time(datetime(2026, 1, 25, 9))
    await client.login("nurse_a")
    before = await client.get("/careplans/compliance?ftag=F656")
    assert "Falls: triggered" in before.text and "Pressure Ulcer/Injury: triggered" in before.text
    for caa in (11, 16):
        await client.post(
            f"/careplans/residents/{world.resident_a}/library",
            {"library_id": load_library().for_caa(caa)[0].id},
        )
    after = await client.get("/careplans/compliance?ftag=F656")
    assert "Falls: triggered" not in after.text and "Pressure Ulcer/Injury: triggered" not in after.text
