"""Section V and Z items written at signing (issue 14): a comprehensive record carries the 40 CAA flags
V0200A01A-V0200A20B from the care-plan worksheet (careplans.plans.services.section_v_record, not replaced here), a
PPS record carries Z0100A (Medicare Part A HIPPS); both export and validate against the generated XSD and the
edits, and a quarterly carries no Section V. Expected values come from the shared reference data
(ref/hipps_char5_ai.csv, ref/caa_triggers_catspec_2010_transcription.csv), not from the code under test."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.integration.mds.conftest import ADMISSION, QUARTERLY, start

PPS_5DAY = "99-01-99-0"  # A0310B=01 5-day PPS (ISC NP)


async def _sign(client: Any, assessment_id: int, sections: list[str]) -> Any:
    from tests.integration.mds.test_item_sets import _attest_and_sign

    return await _attest_and_sign(client, assessment_id, sections, "2026-01-22")


def _caa_flag_ids(shared_data: Path) -> list[str]:
    path = shared_data / "mds" / "ref" / "caa_triggers_catspec_2010_transcription.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        ids = [row["section_v_trigger_item"] for row in csv.DictReader(fh)]
    return ids + [i[:-1] + "B" for i in ids]


async def test_comprehensive_record_exports_its_caa_flags(
    client: Any, rn: Any, monkeypatch: Any, shared_data: Path
) -> None:
    import careplans.plans.services as careplans_services
    from mds.assessments.services import assessment_answers, integrity_ok
    from mds.record.validate import validate_record
    from mds.record.xmlio import export_assessment, read_assessment, version_of
    from tests.integration.mds.conftest import fill_all

    async def no_blockers(assessment_id: int, record: dict[str, str]) -> list[str]:
        return []  # the worksheet's own completeness rules are tested in tests/integration/careplans

    monkeypatch.setattr(careplans_services, "caa_blockers", no_blockers)
    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=ADMISSION)
    statuses = await fill_all(client, assessment_id, "NC")
    signed = await _sign(client, assessment_id, list(statuses))
    assert signed.status_code == 303, signed.text[-3000:]
    record = await assessment_answers(assessment_id)
    flags = _caa_flag_ids(shared_data)
    assert len(flags) == 40 and all(record[i] in ("0", "1") for i in flags)
    assert all(record[i] == "0" for i in flags if i.endswith("B"))  # no care-plan decision was recorded
    assert await integrity_ok(assessment_id)
    xml = export_assessment(record, version=version_of(record))
    assert b"<V0200A01A>" in xml and b"<V0200A20B>" in xml
    assert {k: v for k, v in read_assessment(xml).items() if k in flags} == {k: record[k] for k in flags}
    result = validate_record("comprehensive.xml", xml)
    assert result.status == "accepted", [(i.edit_id, i.item, i.message) for i in result.issues][:10]


async def test_quarterly_carries_no_section_v(client: Any, rn: Any) -> None:
    from mds.assessments.services import assessment_answers
    from tests.integration.mds.conftest import fill_all

    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=QUARTERLY)
    statuses = await fill_all(client, assessment_id, "NQ")
    assert "V" not in statuses
    assert (await _sign(client, assessment_id, list(statuses))).status_code == 303
    record = await assessment_answers(assessment_id)
    assert not [i for i in record if i.startswith("V")]
    assert record["Z0100B"] == "^" and record["Z0200A"] == "^"


async def test_pps_record_carries_the_hipps_code_in_z0100a(client: Any, rn: Any, shared_data: Path) -> None:
    from mds.assessments.services import assessment_answers, integrity_ok, section_items
    from mds.record.validate import validate_record
    from mds.record.xmlio import export_assessment, version_of
    from tests.integration.mds.conftest import fill_all, section_version

    with (shared_data / "mds" / "ref" / "hipps_char5_ai.csv").open(newline="", encoding="utf-8") as fh:
        char5 = {row["A0310B"]: row["hipps_char5"] for row in csv.DictReader(fh)}
    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=PPS_5DAY)
    before = await assessment_answers(assessment_id)
    assert before["Z0100A"] == "^"  # computed only when the record is signed
    statuses = await fill_all(client, assessment_id, "NP", seed=1)  # a record with A0310E=1, like ours
    # A primary diagnosis the CMS FY2020 ICD-10 mapping classifies (S72.001A: hip fracture, orthopedic surgery)
    current = await assessment_answers(assessment_id)
    data = {i: current.get(i, "") for i in section_items("NP", "I")}
    data |= {"I0020": "01", "I0020B": "S72.001A", "version": str(await section_version(assessment_id, "I"))}
    saved = await client.post(
        f"/mds/assessments/{assessment_id}/sections/I", data, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    signed = await _sign(client, assessment_id, list(statuses))
    assert signed.status_code == 303, signed.text[-3000:]
    record = await assessment_answers(assessment_id)
    hipps = record["Z0100A"]
    assert len(hipps) == 5 and hipps[4] == char5["01"], hipps
    assert hipps[0] in "ABCDEFGHIJKLMNOP" and hipps[3] in "ABCDEF"  # PT/OT A-P, NTA A-F (pdpm_nta.csv)
    assert await integrity_ok(assessment_id)
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert hipps in page.text  # the HIPPS the PDPM panel shows is the one submitted
    result = validate_record("pps.xml", export_assessment(record, version=version_of(record)))
    assert result.status == "accepted", [(i.edit_id, i.item, i.message) for i in result.issues][:10]
    assert not [i for i in result.issues if i.edit_id == "-3935"]  # the recalculated HIPPS agrees
