"""The MDS coordinator's worklist: a significant-change determination recorded on the stay starts the 14-day
clock the worklist shows while it runs; filters, bad parameters, htmx, roles and tenants."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

HX = {"HX-Request": "true"}


async def _determine_significant_change(client: Any, world: Any) -> None:
    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    response = await client.post(
        f"/stays/{world.stay_a}/events",
        {
            "kind": "significant_change",
            "event_date": date.today().isoformat(),
            "note": "IDT: ADL decline",
            "version": "1",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303


async def test_significant_change_clock_runs_on_the_worklist(client: Any, world: Any) -> None:
    await _determine_significant_change(client, world)
    page = await client.get("/mds/worklist?kind=change_clock")
    assert page.status_code == 200
    assert "Anders, Test" in page.text and "day 0 of 14" in page.text and "14 days left" in page.text
    assert "Significant change in status" in page.text and "/mds/dashboard/start?" in page.text
    assert "Bernal" not in page.text  # facility B never shows
    everything = await client.get("/mds/worklist")
    assert 'data-testid="count-change_clock"' in everything.text
    assert "Missing record" in everything.text  # no admission assessment for a January admission
    partial = await client.get("/mds/worklist?kind=change_clock", headers=HX)
    assert "<html" not in partial.text and "day 0 of 14" in partial.text


async def test_worklist_in_spanish(client: Any, world: Any) -> None:
    await _determine_significant_change(client, world)
    await client.post("/language", {"lang": "es"})
    page = await client.get("/mds/worklist?kind=change_clock")
    assert "día 0 de 14" in page.text and "Cambio significativo de estado" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("window=soon", "Choose a due window from the list."),
        ("page=0", "There is no such page."),
        ("care_area=99", "Choose a value from the list."),
        ("sort=evil", "Choose a sort order from the list."),
    ],
)
async def test_bad_filters_are_a_clear_400(client: Any, world: Any, query: str, message: str) -> None:
    await client.login("coord_a")
    page = await client.get(f"/mds/worklist?{query}")
    assert page.status_code == 400 and message in page.text


@pytest.mark.parametrize(
    ("user", "status"), [("nurse_a", 403), ("um_a", 403), ("viewer_a", 403), ("admin_a", 200)]
)
async def test_roles(client: Any, world: Any, user: str, status: int) -> None:
    await client.login(user)
    assert (await client.get("/mds/worklist")).status_code == status


async def test_a_significant_change_cannot_be_recorded_on_another_facilitys_stay(
    client: Any, world: Any
) -> None:
    await client.login("coord_a")
    await client.get("/residents")
    response = await client.post(
        f"/stays/{world.stay_b}/events",
        {"kind": "significant_change", "event_date": date.today().isoformat(), "version": "1"},
        follow_redirects=False,
    )
    assert response.status_code in (403, 404)
    from facility.tables import StayEvent

    kinds = await StayEvent.select(StayEvent.kind).where(StayEvent.stay == world.stay_b)
    assert [k["kind"] for k in kinds] == ["admission"]  # nothing recorded
