"""Z0400 attestations and the Z0500 signature (password re-entered, roles), the SHA-256 lock, locked
records refusing edits, the correction chain (X0800 01 → 02), versions and diff, DB tamper detection,
and the CAA gate on comprehensive records."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.conftest import PASSWORD
from tests.integration.mds.conftest import PPS_DISCHARGE, fill_all, section_version, start


async def _signed(client: Any, world: Any) -> int:
    """A Part A PPS discharge (ISC NPE) filled, attested and signed by the RN coordinator."""
    await client.login("coord_a")
    assessment_id = await start(client, world, rfa=PPS_DISCHARGE)
    statuses = await fill_all(client, assessment_id, "NPE")
    assert set(statuses.values()) == {"Complete"}, statuses
    await client.get(f"/mds/assessments/{assessment_id}")
    attested = await client.post(
        f"/mds/assessments/{assessment_id}/attest",
        {"sections": list(statuses), "password": PASSWORD},
        follow_redirects=False,
    )
    assert attested.status_code == 303, attested.text[-3000:]
    signed = await client.post(
        f"/mds/assessments/{assessment_id}/sign",
        {"z0500b": "2026-01-22", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[-3000:]
    return assessment_id


async def test_sign_locks_with_hash_and_refuses_edits(client: Any, rn: Any) -> None:
    from facility.tables import AuditEvent
    from mds.assessments import signing
    from mds.assessments.services import assessment_answers, assessments_for_resident, integrity_ok
    from mds.tables import Assessment

    assessment_id = await _signed(client, rn)
    row = await Assessment.select().where(Assessment.id == assessment_id).first()
    answers = await assessment_answers(assessment_id)
    assert row["status"] == "completed" and row["content_hash"] == signing.content_hash(answers)
    assert answers["Z0500B"] == "20260122" and await integrity_ok(assessment_id)
    listed = (await assessments_for_resident(rn.resident_a))[0]
    assert listed["z0500b"].isoformat() == "2026-01-22" and listed["signed_at"] is not None
    url = f"/mds/assessments/{assessment_id}/sections/GG"
    page = await client.get(url)
    assert 'data-testid="locked"' in page.text and "Correct this assessment" in page.text
    edit = await client.post(
        url,
        {"GG0130A1": "01", "version": str(await section_version(assessment_id, "GG"))},
        headers={"HX-Request": "true"},
    )
    assert edit.status_code == 409 and "/correct" in edit.text
    assert (await client.post(f"{url}/draft", {"GG0130A1": "01"})).status_code == 409
    assert await integrity_ok(assessment_id)  # nothing changed
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "sign") & (AuditEvent.object_type == "mds_assessment")
        )
        == 1
    )
    # the export pipeline accepts the signed record as it is
    from mds.record.validate import validate_record
    from mds.record.xmlio import export_assessment

    result = validate_record("signed.xml", export_assessment(answers))
    assert result.status == "accepted", [(i.edit_id, i.item, i.message) for i in result.issues][:10]


async def test_wrong_password_refused(client: Any, rn: Any) -> None:
    from mds.tables import Assessment, AssessmentAttestation

    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=PPS_DISCHARGE)
    statuses = await fill_all(client, assessment_id, "NPE")
    bad = await client.post(
        f"/mds/assessments/{assessment_id}/attest", {"sections": list(statuses), "password": "nope"}
    )
    assert bad.status_code == 422 and "The password is not correct." in bad.text
    assert await AssessmentAttestation.count() == 0
    bad_sign = await client.post(
        f"/mds/assessments/{assessment_id}/sign", {"z0500b": "2026-01-22", "password": "wrong pass"}
    )
    assert bad_sign.status_code == 422 and "The password is not correct." in bad_sign.text
    row = await Assessment.select(Assessment.status).where(Assessment.id == assessment_id).first()
    assert row["status"] == "in_progress"


async def test_sign_needs_attestations_and_open_sections_block(client: Any, rn: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=PPS_DISCHARGE)
    early = await client.post(
        f"/mds/assessments/{assessment_id}/sign", {"z0500b": "2026-01-22", "password": PASSWORD}
    )
    assert early.status_code == 422 and "Complete every section before signing" in early.text
    await fill_all(client, assessment_id, "NPE")
    unattested = await client.post(
        f"/mds/assessments/{assessment_id}/sign", {"z0500b": "2026-01-22", "password": PASSWORD}
    )
    assert unattested.status_code == 422 and "No Z0400 attestation covers section(s)" in unattested.text


async def test_nurse_attests_but_only_coordinator_signs(client: Any, rn: Any, make_client: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, rn, rfa=PPS_DISCHARGE)
    nurse = await make_client()
    await nurse.login("nurse_a")
    statuses = await fill_all(nurse, assessment_id, "NPE")  # a nurse enters sections
    await nurse.get(f"/mds/assessments/{assessment_id}")
    ok = await nurse.post(
        f"/mds/assessments/{assessment_id}/attest",
        {"sections": list(statuses), "password": PASSWORD},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    denied = await nurse.post(
        f"/mds/assessments/{assessment_id}/sign", {"z0500b": "2026-01-22", "password": PASSWORD}
    )
    assert denied.status_code == 403
    signed = await client.post(
        f"/mds/assessments/{assessment_id}/sign",
        {"z0500b": "2026-01-22", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    overview = await client.get(f"/mds/assessments/{assessment_id}")
    assert "Nurse_A" in overview.text and "Signed and locked" in overview.text


async def test_correction_chain_versions_and_diff(client: Any, rn: Any) -> None:
    from mds.assessments.services import assessment_answers, versions_of
    from mds.tables import Assessment

    assessment_id = await _signed(client, rn)
    await client.get(f"/mds/assessments/{assessment_id}/correct")
    missing = await client.post(
        f"/mds/assessments/{assessment_id}/correct", {"kind": "modify", "password": PASSWORD}
    )
    assert missing.status_code == 422 and "Give at least one reason" in missing.text
    original = (await assessment_answers(assessment_id))["J1800"]
    first = "0" if original == "1" else "1"  # each modification changes J1800 (seeded record may have either)
    for number, value in (("01", first), ("02", "1" if first == "0" else "0")):
        started = await client.post(
            f"/mds/assessments/{assessment_id}/correct",
            {"kind": "modify", "reasons": ["X0900B"], "password": PASSWORD},
            follow_redirects=False,
        )
        assert started.status_code == 303, started.text[-2000:]
        row = await Assessment.select().where(Assessment.id == assessment_id).first()
        assert row["status"] == "correcting"
        section = await client.get(f"/mds/assessments/{assessment_id}/sections/J")
        assert 'data-testid="locked"' not in section.text
        answers = await assessment_answers(assessment_id)
        assert (
            answers["A0050"] == "2" and answers["X0800"] == number
        )  # the record being edited is the modification
        data = {k: v for k, v in answers.items() if k.startswith("J")}
        falls = ("1", "0", "0") if value == "1" else ("", "", "")
        data.update(
            {
                "J1800": value,
                "J1900A": falls[0],
                "J1900B": falls[1],
                "J1900C": falls[2],
                "version": str(await section_version(assessment_id, "J")),
            }
        )
        saved = await client.post(f"/mds/assessments/{assessment_id}/sections/J", data)
        assert saved.status_code == 200 and 'data-testid="section-status">Complete' in saved.text, saved.text[
            -3000:
        ]
        signed = await client.post(
            f"/mds/assessments/{assessment_id}/sign",
            {"z0500b": "2026-01-23", "password": PASSWORD},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[-3000:]
        final = await assessment_answers(assessment_id)
        assert final["A0050"] == "2" and final["X0800"] == number and final["X0150"] == "1"
    versions = await versions_of(assessment_id)
    assert [(v["number"], v["a0050"], v["x0800"]) for v in versions] == [
        (1, "1", ""),
        (2, "2", "01"),
        (3, "2", "02"),
    ]
    assert all(v["intact"] for v in versions) and versions[1]["reasons"] == "X0900B"
    page = await client.get(f"/mds/assessments/{assessment_id}/versions?a=1&b=2")
    assert page.status_code == 200 and "J1800" in page.text and "X0800" in page.text
    fragment = await client.get(
        f"/mds/assessments/{assessment_id}/versions?a=2&b=3", headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text and 'id="diff"' in fragment.text and "J1800" in fragment.text


async def test_inactivation_appends_a0050_3(client: Any, rn: Any) -> None:
    from mds.assessments.services import assessment_answers, integrity_ok, versions_of

    assessment_id = await _signed(client, rn)
    done = await client.post(
        f"/mds/assessments/{assessment_id}/correct",
        {"kind": "inactivate", "reasons": ["X1050A"], "password": PASSWORD},
        follow_redirects=False,
    )
    assert done.status_code == 303
    answers = await assessment_answers(assessment_id)
    assert answers["A0050"] == "3" and answers["ITM_SBST_CD"] == "XX" and answers["X0800"] == "01"
    versions = await versions_of(assessment_id)
    assert [v["a0050"] for v in versions] == ["1", "3"] and versions[0]["answers"]["A0050"] == "1"
    assert await integrity_ok(assessment_id)
    again = await client.post(
        f"/mds/assessments/{assessment_id}/correct",
        {"kind": "modify", "reasons": ["X0900A"], "password": PASSWORD},
    )
    assert again.status_code == 422


async def test_database_tampering_is_detected(client: Any, rn: Any) -> None:
    from mds.assessments.services import integrity_ok, integrity_problems
    from mds.tables import AssessmentSection, AssessmentVersion

    assessment_id = await _signed(client, rn)
    row = (
        await AssessmentSection.select()
        .where((AssessmentSection.assessment == assessment_id) & (AssessmentSection.section == "J"))
        .output(load_json=True)
        .first()
    )
    answers = row["answers"] if isinstance(row["answers"], dict) else json.loads(row["answers"])
    answers["J1800"] = "0" if answers.get("J1800") == "1" else "1"
    await AssessmentSection.update({AssessmentSection.answers: json.dumps(answers)}).where(
        AssessmentSection.id == row["id"]
    )
    assert not await integrity_ok(assessment_id) and await integrity_problems(assessment_id) == [
        "signed record"
    ]
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert 'data-testid="integrity-failure"' in page.text
    version = (
        await AssessmentVersion.select()
        .where(AssessmentVersion.assessment == assessment_id)
        .output(load_json=True)
        .first()
    )
    stored = version["answers"] if isinstance(version["answers"], dict) else json.loads(version["answers"])
    stored["A0500C"] = "Forged"
    await AssessmentVersion.update({AssessmentVersion.answers: json.dumps(stored)}).where(
        AssessmentVersion.id == version["id"]
    )
    assert "version 1" in await integrity_problems(assessment_id)


async def test_rows_cannot_be_deleted(client: Any, rn: Any) -> None:
    import pytest

    from mds.tables import Assessment, AssessmentSection

    await client.login("coord_a")
    assessment_id = await start(client, rn)
    for table in (Assessment, AssessmentSection):
        with pytest.raises(Exception, match="never deleted"):
            await table.delete(force=True)
    assert await Assessment.count().where(Assessment.id == assessment_id) == 1


async def test_comprehensive_needs_caa_decisions(client: Any, rn: Any) -> None:
    from mds.tables import Assessment

    await client.login("coord_a")
    assessment_id = await start(client, rn)  # admission: comprehensive (NC)
    statuses = await fill_all(client, assessment_id, "NC")
    assert set(statuses.values()) == {"Complete"}, statuses
    await client.get(f"/mds/assessments/{assessment_id}")
    await client.post(
        f"/mds/assessments/{assessment_id}/attest", {"sections": list(statuses), "password": PASSWORD}
    )
    blocked = await client.post(
        f"/mds/assessments/{assessment_id}/sign", {"z0500b": "2026-01-22", "password": PASSWORD}
    )
    row = await Assessment.select(Assessment.status).where(Assessment.id == assessment_id).first()
    if blocked.status_code == 422:
        assert "Care Area Assessment decision missing" in blocked.text and row["status"] == "in_progress"
    else:  # no care area triggered by this record
        assert row["status"] == "completed"


async def _same_as_single_reads(ids: list[int], resident_id: int, facility_id: int) -> None:
    from mds.assessments.services import (
        answers_for,
        assessment_answers,
        assessments_for_facility,
        assessments_for_resident,
        assessments_for_residents,
    )

    assert await answers_for(ids) == {i: await assessment_answers(i) for i in ids}
    single = await assessments_for_resident(resident_id)
    assert [
        {k: v for k, v in row.items() if k != "resident_id"}
        for row in (await assessments_for_residents([resident_id]))[resident_id]
    ] == [{k: v for k, v in row.items() if k != "resident_id"} for row in single]
    assert (await assessments_for_facility(facility_id))[resident_id] == (
        await assessments_for_residents([resident_id])
    )[resident_id]


async def test_bulk_reads_match_single_reads(client: Any, rn: Any) -> None:
    """The facility roll-ups (reports, QMs, care-plan compliance) read in bulk: the same records as one by one,
    for an open record, a signed one (its locked version), one being corrected and one corrected and re-signed."""
    from datetime import date

    from mds.assessments.services import answers_for, assessments_for_facility

    signed_id = await _signed(client, rn)
    open_id = await start(client, rn, ard="2026-02-10")
    ids = [signed_id, open_id]
    await _same_as_single_reads(ids, rn.resident_a, rn.facility_a)
    started = await client.post(
        f"/mds/assessments/{signed_id}/correct",
        {"kind": "modify", "reasons": ["X0900B"], "password": PASSWORD},
        follow_redirects=False,
    )
    assert started.status_code == 303
    await _same_as_single_reads(
        ids, rn.resident_a, rn.facility_a
    )  # the pending modification, not the locked version
    assert (await answers_for([signed_id]))[signed_id]["A0050"] == "2"
    signed = await client.post(
        f"/mds/assessments/{signed_id}/sign",
        {"z0500b": "2026-01-23", "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[-3000:]
    await _same_as_single_reads(ids, rn.resident_a, rn.facility_a)
    assert (await answers_for([signed_id]))[signed_id]["X0800"] == "01"
    # filters: signed only, ARD window, another facility's records never appear
    only_signed = await assessments_for_facility(rn.facility_a, signed_only=True)
    assert [a["id"] for a in only_signed[rn.resident_a]] == [signed_id]
    assert await assessments_for_facility(rn.facility_a, ard_from=date(2026, 2, 1)) == {
        rn.resident_a: [
            a for a in (await assessments_for_facility(rn.facility_a))[rn.resident_a] if a["id"] == open_id
        ]
    }
    assert await assessments_for_facility(rn.facility_b) == {} and await answers_for([]) == {}
    # analytics take a few items out of the locked versions in the database: the latest signed version only
    from mds.assessments.services import assessment_answers, signed_items_for_facility

    items = ["A0050", "A2300", "J1800", "X0800", "Z9999"]
    record = await assessment_answers(signed_id)
    assert await signed_items_for_facility(rn.facility_a, items) == {
        rn.resident_a: [{k: record[k] for k in items if k in record}]
    }
    assert await signed_items_for_facility(rn.facility_a, items, ard_from=date(2026, 2, 1)) == {}
    assert await signed_items_for_facility(rn.facility_b, items) == {}
    with pytest.raises(ValueError):
        await signed_items_for_facility(rn.facility_a, ["J1800') --"])
