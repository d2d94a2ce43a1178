"""The nursing worklist and the paged compliance list: a change in condition flagged on a problem shows its
7-day revision clock while it runs; care areas by name and filterable; roles, htmx, bad input, tenants."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.integration.careplans.conftest import FALLS_AND_ULCER, fake_assessment

HX = {"HX-Request": "true"}


async def _problem_flagged_changed(client: Any, world: Any, at_time: Any) -> int:
    """A problem added at 09:00 and flagged as changed at 10:00 on 2026-03-10."""
    from careplans.tables import Problem

    at_time(datetime(2026, 3, 10, 9))
    await client.login("nurse_a")
    await client.get(f"/residents/{world.resident_a}?tab=careplan")
    await client.post(
        f"/careplans/residents/{world.resident_a}/problems",
        {"focus": "Weight loss", "not_triggered_reason": "nursing assessment"},
    )
    problem = await Problem.select().where(Problem.resident == world.resident_a).first()
    assert problem is not None
    at_time(datetime(2026, 3, 10, 10))
    await client.login("nurse_a")  # one clock: the 09:00 session has been idle an hour
    await client.get(f"/residents/{world.resident_a}?tab=careplan")
    response = await client.post(
        f"/careplans/problems/{problem['id']}/changed",
        {"version": str(problem["version"])},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return int(problem["id"])


async def test_change_in_condition_clock_on_the_nursing_worklist(
    client: Any, world: Any, mds: Any, at_time: Any
) -> None:
    problem_id = await _problem_flagged_changed(client, world, at_time)
    page = await client.get("/careplans/worklist?kind=change_clock")
    assert page.status_code == 200
    assert "Anders, Test" in page.text and "day 0 of 7" in page.text and "7 days left" in page.text
    assert f"/residents/{world.resident_a}?tab=careplan#problem-{problem_id}" in page.text
    at_time(datetime(2026, 3, 15, 9))
    await client.login("nurse_a")
    later = await client.get("/careplans/worklist?kind=change_clock")
    assert "day 5 of 7" in later.text and "2 days left" in later.text
    at_time(datetime(2026, 3, 18, 9))  # over: the overdue review row instead of the clock
    await client.login("nurse_a")
    over = await client.get("/careplans/worklist")
    assert "day 8 of 7" not in over.text and "revision_after_change_missing" not in over.text
    assert "Weight loss" in over.text and "changed on 2026-03-10; care plan not revised" in over.text
    partial = await client.get("/careplans/worklist?window=overdue", headers=HX)
    assert "<html" not in partial.text and "Weight loss" in partial.text
    await client.login("nurse_b")
    assert "Anders" not in (await client.get("/careplans/worklist")).text


async def test_nursing_worklist_in_spanish(client: Any, world: Any, mds: Any, at_time: Any) -> None:
    await _problem_flagged_changed(client, world, at_time)
    await client.post("/language", {"lang": "es"})
    page = await client.get("/careplans/worklist?kind=change_clock")
    assert "día 0 de 7" in page.text and "Cambio de estado: revisión en 7 días" in page.text


async def test_triggered_not_planned_by_care_area_name(
    client: Any, world: Any, mds: Any, at_time: Any
) -> None:
    mds.add(world.resident_a, fake_assessment(9001, v0200b2=date(2026, 1, 14)), FALLS_AND_ULCER)
    at_time(datetime(2026, 1, 25, 9))
    await client.login("nurse_a")
    falls = await client.get("/careplans/worklist?kind=not_planned&care_area=11")
    assert "Falls: triggered" in falls.text and "Pressure Ulcer/Injury: triggered" not in falls.text
    assert '<option value="16" >Pressure Ulcer/Injury</option>' in falls.text  # the filter offers names
    assert f"/residents/{world.resident_a}?tab=careplan#caa-11" in falls.text
    compliance = await client.get("/careplans/compliance?care_area=16")
    assert "Pressure Ulcer/Injury: triggered" in compliance.text and "Falls: triggered" not in compliance.text


@pytest.mark.parametrize(
    ("user", "status"), [("um_a", 403), ("viewer_a", 403), ("coord_a", 200), ("admin_a", 200)]
)
async def test_nursing_worklist_roles(client: Any, world: Any, user: str, status: int) -> None:
    await client.login(user)
    assert (await client.get("/careplans/worklist")).status_code == status


@pytest.mark.parametrize("query", ["window=tomorrow", "page=x", "kind=nope", "care_area=0"])
async def test_bad_filters(client: Any, world: Any, query: str) -> None:
    await client.login("nurse_a")
    for url in ("/careplans/worklist", "/careplans/compliance"):
        page = await client.get(f"{url}?{query}")
        assert page.status_code == 400 and 'data-testid="worklist-error"' in page.text
