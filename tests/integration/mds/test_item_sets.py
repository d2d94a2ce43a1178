"""Item set per record (issue 14): a new record stores the item set in effect on its target date and keeps it;
a target date before 2023-10-01 is refused (422, nothing created); the migration labels existing rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.integration.mds.conftest import ADMISSION, start


async def test_new_record_takes_the_item_set_of_its_target_date(client: Any, world: Any) -> None:
    from mds.services import assessment_answers, assessments_for_resident
    from mds.tables import Assessment

    await client.login("coord_a")
    assessment_id = await start(client, world, ard="2026-01-20")
    row = await Assessment.select(Assessment.item_set).where(Assessment.id == assessment_id).first()
    assert row["item_set"] == "1.20.1"
    assert (await assessments_for_resident(world.resident_a))[0]["item_set"] == "1.20.1"
    assert (await assessment_answers(assessment_id))["ITM_SET_VRSN_CD"] == "1.20"


async def test_target_date_before_2023_10_01_is_refused(client: Any, world: Any) -> None:
    from facility.tables import Stay
    from mds.tables import Assessment

    await Stay.update({Stay.admission_date: date(2023, 9, 1)}).where(Stay.id == world.stay_a)
    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}?tab=assessments")
    response = await client.post(f"/mds/residents/{world.resident_a}/assessments",
                                 {"rfa": ADMISSION, "ard": "2023-09-30", "stay_id": str(world.stay_a)}, follow_redirects=False)
    assert response.status_code == 422
    assert "2023-10-01" in response.text and "1.18.11" in response.text
    assert await Assessment.count() == 0


async def test_migration_sets_existing_rows_from_their_target_date(client: Any, world: Any) -> None:
    import importlib

    from facility.db import engine
    from mds.tables import Assessment

    await client.login("coord_a")
    ids = [await start(client, world, ard="2026-01-20") for _ in range(4)]
    targets = [date(2026, 1, 20), date(2025, 3, 1), date(2024, 1, 15), date(2022, 6, 1)]
    for assessment_id, target in zip(ids, targets, strict=True):
        await Assessment.update({Assessment.ard: target, Assessment.item_set: "1.20.1"}).where(Assessment.id == assessment_id)
    migration = importlib.import_module("mds.piccolo_migrations.mds_2026_12_06t00_05_01_000000")
    await engine().run_ddl(migration.FILL)
    rows = await Assessment.select(Assessment.id, Assessment.item_set).order_by(Assessment.id)
    assert [r["item_set"] for r in rows] == ["1.20.1", "1.19.1", "1.18.11", "1.18.11"]
