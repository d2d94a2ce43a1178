"""Item set per record (issue 14): a new record stores the item set in effect on its target date and keeps it;
a target date before 2023-10-01 is refused (422, nothing created); the migration labels existing rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.integration.mds.conftest import ADMISSION, start


async def test_new_record_takes_the_item_set_of_its_target_date(client: Any, world: Any) -> None:
    from mds.assessments.services import assessment_answers, assessments_for_resident
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
    response = await client.post(
        f"/mds/residents/{world.resident_a}/assessments",
        {"rfa": ADMISSION, "ard": "2023-09-30", "stay_id": str(world.stay_a)},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "2023-10-01" in response.text and "1.18.11" in response.text
    assert await Assessment.count() == 0


async def test_migration_sets_existing_rows_from_their_target_date(client: Any, world: Any) -> None:
    import importlib

    from facility.core.db import engine
    from mds.tables import Assessment

    await client.login("coord_a")
    ids = [await start(client, world, ard="2026-01-20") for _ in range(4)]
    targets = [date(2026, 1, 20), date(2025, 3, 1), date(2024, 1, 15), date(2022, 6, 1)]
    for assessment_id, target in zip(ids, targets, strict=True):
        await Assessment.update({Assessment.ard: target, Assessment.item_set: "1.20.1"}).where(
            Assessment.id == assessment_id
        )
    migration = importlib.import_module("mds.piccolo_migrations.mds_2026_12_06t00_05_01_000000")
    await engine().run_ddl(migration.FILL)
    rows = await Assessment.select(Assessment.id, Assessment.item_set).order_by(Assessment.id)
    assert [r["item_set"] for r in rows] == ["1.20.1", "1.19.1", "1.18.11", "1.18.11"]


ENTRY = "99-99-01-0"  # entry tracking record (ISC NT)
PPS_DISCHARGE = "99-99-99-1"  # standalone Part A PPS discharge (ISC NPE)


async def _attest_and_sign(client: Any, assessment_id: int, sections: list[str], z0500b: str) -> Any:
    from tests.integration.conftest import PASSWORD

    await client.get(f"/mds/assessments/{assessment_id}")
    attested = await client.post(
        f"/mds/assessments/{assessment_id}/attest",
        {"sections": sections, "password": PASSWORD},
        follow_redirects=False,
    )
    assert attested.status_code == 303, attested.text[-3000:]
    return await client.post(
        f"/mds/assessments/{assessment_id}/sign",
        {"z0500b": z0500b, "password": PASSWORD},
        follow_redirects=False,
    )


async def test_entry_tracking_record_signs_with_section_a_alone(client: Any, rn: Any) -> None:
    from mds.assessments.services import assessment_answers, entry_sections
    from mds.record.catalog import get_catalog
    from tests.integration.mds.conftest import fill_all

    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=ENTRY)
    assert entry_sections("NT", "1.20.1") == ["A"]
    statuses = await fill_all(client, assessment_id, "NT")
    assert statuses == {"A": "Complete"}
    signed = await _attest_and_sign(client, assessment_id, ["A"], "2026-01-22")
    assert signed.status_code == 303, signed.text[-3000:]
    record = await assessment_answers(assessment_id)
    catalog = get_catalog("1.20.1")
    assert {catalog.items[i].section for i in record} <= {"CTRL", "A", "X", "Z"}
    assert record["ITM_SBST_CD"] == "NT" and record["A0310F"] == "01"


async def test_correction_of_a_2024_record_stays_on_1_18_11_with_its_x_items(client: Any, rn: Any) -> None:
    """A record with a 2024 target date is entered on item set 1.18.11; its modification keeps that set, locates the
    prior record with X0300 (from A0800) and carries X0900/X1100 through export and re-import."""
    from facility.tables import Stay
    from mds.assessments.services import assessment_answers, versions_of
    from mds.record.validate import validate_record
    from mds.record.xmlio import export_assessment, read_assessment, version_of
    from mds.tables import Assessment
    from tests.integration.conftest import PASSWORD
    from tests.integration.mds.conftest import fill_all, section_version

    await Stay.update({Stay.admission_date: date(2024, 4, 21)}).where(Stay.id == rn.stay_a)
    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=PPS_DISCHARGE, ard="2024-05-01")
    statuses = await fill_all(client, assessment_id, "NPE", version="1.18.11", signed_on="20240503")
    assert set(statuses.values()) == {"Complete"}, statuses
    assert (await _attest_and_sign(client, assessment_id, list(statuses), "2024-05-03")).status_code == 303
    original = await assessment_answers(assessment_id)
    assert original["ITM_SET_VRSN_CD"] == "1.18" and "A0800" in original and "A0810" not in original

    started = await client.post(
        f"/mds/assessments/{assessment_id}/correct",
        {"kind": "modify", "reasons": ["X0900B"], "password": PASSWORD},
        follow_redirects=False,
    )
    assert started.status_code == 303, started.text[-2000:]
    data = {k: v for k, v in original.items() if k.startswith("J")}
    data["version"] = str(await section_version(assessment_id, "J"))
    saved = await client.post(f"/mds/assessments/{assessment_id}/sections/J", data)
    assert saved.status_code == 200
    signed = await client.post(
        f"/mds/assessments/{assessment_id}/sign",
        {"z0500b": "2026-01-23", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[-3000:]

    row = await Assessment.select(Assessment.item_set).where(Assessment.id == assessment_id).first()
    assert row["item_set"] == "1.18.11"
    final = await assessment_answers(assessment_id)
    assert final["ITM_SET_VRSN_CD"] == "1.18" and final["A0050"] == "2" and final["X0800"] == "01"
    assert final["X0300"] == original["A0800"] and "X0310" not in final  # locator of the 1.18.11 prior record
    assert final["X0900B"] == "1" and final["X0900A"] == "0" and final["X1100E"].isdigit()
    assert final["X1100C"] == "RN"
    assert [v["a0050"] for v in await versions_of(assessment_id)] == ["1", "2"]
    xml = export_assessment(final, version=version_of(final))
    back = read_assessment(xml)
    assert {k: v for k, v in back.items() if k.startswith("X")} == {
        k: v for k, v in final.items() if k.startswith("X")
    }
    result = validate_record("correction.xml", xml)
    assert result.status == "accepted", [(i.edit_id, i.item, i.message) for i in result.issues][:10]


async def test_signing_writes_the_section_v_items_of_the_care_plan_worksheet(
    client: Any, rn: Any, monkeypatch: Any
) -> None:
    """sign() asks careplans.plans.services.section_v_record for the record's Section V items after the CAA check and
    stores them in the V section within the signing transaction: the hash, the stored version and the record
    rebuilt from the sections agree. (The worksheet is replaced here so the test controls what it returns; items
    the record's item subset does not carry are left out.)"""
    import careplans.plans.services as careplans_services
    from mds.assessments.services import assessment_answers, integrity_ok, sections_of, versions_of
    from tests.integration.mds.conftest import fill_all

    calls: list[dict[str, str]] = []

    async def section_v_record(assessment_id: int, record: dict[str, str]) -> dict[str, str]:
        calls.append(record)
        return {"V0200B2": "20260122", "V0200C2": "20260123", "V0200A01A": "1", "Z0500B": "20991231"}

    async def no_blockers(assessment_id: int, record: dict[str, str]) -> list[str]:
        return []

    monkeypatch.setattr(careplans_services, "section_v_record", section_v_record)
    monkeypatch.setattr(careplans_services, "caa_blockers", no_blockers)
    await client.login("coord_a")
    assessment_id = await start(client, rn)  # admission: comprehensive (NC)
    statuses = await fill_all(client, assessment_id, "NC")
    signed = await _attest_and_sign(client, assessment_id, list(statuses), "2026-01-22")
    assert signed.status_code == 303, signed.text[-3000:]
    assert len(calls) == 1 and calls[0]["ITM_SBST_CD"] == "NC"
    record = await assessment_answers(assessment_id)
    assert record["V0200C2"] == "20260123" and record["V0200A01A"] == "1"
    assert record["Z0500B"] == "20260122"  # not a Section V item: the worksheet cannot overwrite it
    assert (await sections_of(assessment_id))["V"]["answers"]["V0200C2"] == "20260123"
    assert (await versions_of(assessment_id))[-1]["answers"]["V0200C2"] == "20260123"
    assert await integrity_ok(assessment_id)
