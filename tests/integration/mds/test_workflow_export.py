"""Export of signed assessments to a validated zip (checked with `mdsready validate`), fatal records left
out, tamper blocking export, submission tracking (submitted → accepted | rejected) through the result
CSV import with line-numbered errors, refused transitions, roles and facility-B ids."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.integration.conftest import PASSWORD
from tests.integration.mds.conftest import PPS_DISCHARGE, fill_all, start

REPO = Path(__file__).resolve().parents[3]


async def _signed(client: Any, world: Any, z0500b: str = "2026-01-22") -> int:
    assessment_id = await start(client, world, rfa=PPS_DISCHARGE)
    statuses = await fill_all(client, assessment_id, "NPE")
    await client.get(f"/mds/assessments/{assessment_id}")
    attested = await client.post(
        f"/mds/assessments/{assessment_id}/attest",
        {"sections": list(statuses), "password": PASSWORD},
        follow_redirects=False,
    )
    assert attested.status_code == 303
    signed = await client.post(
        f"/mds/assessments/{assessment_id}/sign",
        {"z0500b": z0500b, "password": PASSWORD},
        follow_redirects=False,
    )
    assert signed.status_code == 303, signed.text[-2000:]
    return assessment_id


async def _export(client: Any, *ids: int) -> Any:
    await client.get("/mds/exports")
    return await client.post("/mds/exports", {"assessment": [str(i) for i in ids]})


def _validate_cli(tmp_path: Path, data: bytes) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "export.zip"
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "facility.cli", "validate", str(path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_export_zip_validates_and_tracks_results(client: Any, rn: Any, tmp_path: Path) -> None:
    from facility.tables import AuditEvent
    from mds.tables import Assessment
    from mds.workflow.tables import ExportBatch, ExportRecord

    await client.login("coord_a")
    assessment_id = await _signed(client, rn)
    page = await client.get("/mds/exports")
    assert f'value="{assessment_id}"' in page.text
    empty = await client.post("/mds/exports", {})
    assert empty.status_code == 422 and "Select at least one signed assessment" in empty.text
    done = await _export(client, assessment_id)
    assert done.status_code == 200 and 'data-testid="download-zip"' in done.text, done.text[-3000:]
    batch = await ExportBatch.select().first()
    assert batch["record_count"] == 1 and batch["excluded_count"] == 0
    download = await client.get(f"/mds/exports/{batch['id']}/download")
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/zip")
    assert zipfile.ZipFile(io.BytesIO(download.content)).namelist() == [f"mds_{assessment_id:08d}_00.xml"]
    result = _validate_cli(tmp_path, download.content)
    assert (
        result.returncode == 0 and "ACCEPTED" in result.stdout and "1 accepted, 0 rejected" in result.stdout
    ), result.stdout

    def state() -> Any:
        return Assessment.select(Assessment.submission_state).where(Assessment.id == assessment_id).first()

    assert (await state())["submission_state"] == "exported"
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "export") & (AuditEvent.object_type == "mds_export_batch")
        )
        == 1
    )

    # the coordinator uploads it; marking twice is refused by the state machine
    await client.get(f"/mds/exports/{batch['id']}")
    ok = await client.post(f"/mds/exports/{batch['id']}/submitted", follow_redirects=False)
    assert ok.status_code == 303 and (await state())["submission_state"] == "submitted"
    again = await client.post(f"/mds/exports/{batch['id']}/submitted")
    assert again.status_code == 409 and "cannot be submitted" in again.text

    csv_text = (
        f"record_id,status,error_ids\n{assessment_id},accepted,\n999999,accepted,\n"
        f",rejected,-3693\n{assessment_id + 1000},maybe,\n"
    )
    # all or nothing: the good line 2 is not applied while lines 3-5 are bad (it used to half-save)
    half = await client.post("/mds/exports/results", {"text": csv_text})
    assert half.status_code == 422, half.text[-2000:]
    assert (await state())["submission_state"] == "submitted"
    assert "Nothing was imported" in half.text
    errors = half.text.split('data-testid="import-errors"', 1)[1]
    for line in ("Line 3:", "Line 4:", "Line 5:"):
        assert line in errors
    assert "Line 2:" not in errors  # the good line is not blamed
    assert "Record 999999 was not exported from this facility." in errors and "Missing record id." in errors
    assert await AuditEvent.count().where(AuditEvent.action == "import") == 0
    imported = await client.post(
        "/mds/exports/results", {"text": f"record_id,status,error_ids\n{assessment_id},accepted,\n"}
    )
    assert imported.status_code == 200, imported.text[-2000:]
    assert (await state())["submission_state"] == "accepted" and "1 record updated." in imported.text
    # an accepted record never changes: a later rejection of it is refused line by line
    refused = await client.post(
        "/mds/exports/results", {"text": f"record_id,status,error_ids\n{assessment_id},rejected,-3693\n"}
    )
    assert refused.status_code == 422 and "Line 2:" in refused.text and "accepted by CMS" in refused.text
    rec = await ExportRecord.select().first()
    assert rec["state"] == "accepted" and rec["error_ids"] == "" and rec["result_line"] == 2
    assert (await state())["submission_state"] == "accepted"
    assert await AuditEvent.count().where(AuditEvent.action == "import") == 1
    bad_header = await client.post("/mds/exports/results", {"text": "a,b\n1,2\n"})
    assert bad_header.status_code == 422 and "The first line must name the columns" in bad_header.text


async def test_rejected_result_then_reexport(client: Any, rn: Any) -> None:
    from mds.tables import Assessment
    from mds.workflow.tables import ExportBatch, ExportRecord

    await client.login("coord_a")
    assessment_id = await _signed(client, rn)
    await _export(client, assessment_id)
    member = f"mds_{assessment_id:08d}_00.xml"
    imported = await client.post(
        "/mds/exports/results", {"text": f"record_id,status,error_ids\n{member},rejected,-3693 -3658\n"}
    )
    assert imported.status_code == 200
    rec = await ExportRecord.select().first()
    assert rec["state"] == "rejected" and rec["error_ids"] == "-3693 -3658"
    board = await client.get("/mds/dashboard")
    assert "-3693 -3658" in board.text.split('id="exported_not_accepted"', 1)[1]
    # and on the assessment, where the coordinator fixes it
    page = await client.get(f"/mds/assessments/{assessment_id}")
    shown = page.text.split('data-testid="cms-result"', 1)[1].split("</div>", 1)[0]
    assert "Rejected by CMS" in shown and "<code>-3693</code>" in shown and "<code>-3658</code>" in shown
    assert f"{member}, line 2 of the imported result" in shown
    again = await _export(client, assessment_id)  # rejected → export is allowed (mds.record.submission)
    assert again.status_code == 200 and await ExportBatch.count() == 2
    row = await Assessment.select(Assessment.submission_state).where(Assessment.id == assessment_id).first()
    assert row["submission_state"] == "exported"


async def test_fatal_record_excluded_and_tamper_blocks(client: Any, rn: Any, monkeypatch: Any) -> None:
    import json

    from facility.tables import AuditEvent
    from mds.record import validate
    from mds.record.edits import FATAL, Finding
    from mds.tables import Assessment, AssessmentSection
    from mds.workflow.tables import ExportBatch

    await client.login("coord_a")
    good = await _signed(client, rn)
    early = await _signed(client, rn)
    # The signature checks each section's edits; CMS runs every edit again at submission. A record-level
    # fatal edit raised only by the submission pipeline (here -3851, date order) must keep it out of the zip.
    real = validate.run_edits

    def with_date_edit(values: Any, **kw: Any) -> list[Finding]:
        found = list(real(values, **kw))
        if values.get("FAC_DOC_ID") == str(early):
            found.append(
                Finding(
                    "-3851",
                    FATAL,
                    "Z0500B",
                    None,
                    {"en": "Z0500B is before A2300", "es": "Z0500B es anterior a A2300"},
                    {"en": "Fix the dates", "es": "Corrija las fechas"},
                )
            )
        return found

    monkeypatch.setattr(validate, "run_edits", with_date_edit)
    outcome = await _export(client, good, early)
    assert outcome.status_code == 200, outcome.text[-2000:]
    excluded = outcome.text.split('data-testid="excluded"', 1)[1].split("</ul>\n", 1)[0]
    assert f"#{early}" in excluded and "-3851" in excluded and f"#{good}" not in excluded
    batch = await ExportBatch.select().first()
    assert batch["record_count"] == 1 and batch["excluded_count"] == 1
    states = {
        r["id"]: r["submission_state"]
        for r in await Assessment.select(Assessment.id, Assessment.submission_state)
    }
    assert states == {good: "exported", early: "completed"}

    # tamper with the signed answers in the database: export is blocked, nothing written
    section = await AssessmentSection.select().where(AssessmentSection.assessment == good).first()
    answers = section["answers"] if isinstance(section["answers"], dict) else json.loads(section["answers"])
    key = next(iter(answers))
    answers[key] = "9" if answers[key] != "9" else "8"
    await AssessmentSection.update({AssessmentSection.answers: json.dumps(answers)}).where(
        AssessmentSection.id == section["id"]
    )
    blocked = await _export(client, good)
    assert blocked.status_code == 422 and "integrity check failed" in blocked.text
    assert await ExportBatch.count() == 1
    assert await AuditEvent.count().where(AuditEvent.action == "export") == 1


async def test_roles_and_other_facility(client: Any, rn: Any, make_client: Any) -> None:
    from facility.auth.service import create_user
    from mds.tables import Assessment
    from mds.workflow.tables import ExportBatch, ExportRecord

    await client.login("coord_a")
    assessment_id = await _signed(client, rn)
    await _export(client, assessment_id)
    batch_id = (await ExportBatch.select(ExportBatch.id).first())["id"]
    for user, status in (("nurse_a", 403), ("viewer_a", 403), ("um_a", 403)):
        other = await make_client()
        await other.login(user)
        assert (await other.get("/mds/exports")).status_code == status
        assert (await other.get(f"/mds/exports/{batch_id}/download")).status_code == status
        assert (await other.post("/mds/exports", {"assessment": str(assessment_id)})).status_code == status
    await create_user("admin_b", PASSWORD, "admin", ["365002"])
    intruder = await make_client()
    await intruder.login("admin_b")
    assert (await intruder.get(f"/mds/exports/{batch_id}")).status_code == 404
    assert (await intruder.get(f"/mds/exports/{batch_id}/download")).status_code == 404
    assert (await intruder.post(f"/mds/exports/{batch_id}/submitted")).status_code == 404
    cross = await intruder.post("/mds/exports", {"assessment": str(assessment_id)})
    assert cross.status_code == 422 and "Not found in this facility." in cross.text
    result = await intruder.post(
        "/mds/exports/results", {"text": f"record_id,status,error_ids\n{assessment_id},accepted,\n"}
    )
    assert result.status_code == 422 and "was not exported from this facility" in result.text
    assert (await ExportRecord.select(ExportRecord.state).first())["state"] == "exported"
    assert (await Assessment.select(Assessment.submission_state).first())["submission_state"] == "exported"
    assert await ExportBatch.count() == 1


async def test_result_import_is_all_or_nothing_on_bad_input(client: Any, rn: Any) -> None:
    """Every bad input answers 422 naming the line and the rule, never a 500, and changes nothing."""
    from facility.tables import AuditEvent
    from mds.tables import Assessment
    from mds.workflow.tables import ExportRecord

    await client.login("coord_a")
    assessment_id = await _signed(client, rn)
    await _export(client, assessment_id)
    member = f"mds_{assessment_id:08d}_00.xml"
    bad_inputs = {
        # the same assessment twice, once by id and once by file name: which result is right?
        f"record_id,status,error_ids\n{assessment_id},accepted,\n{member},rejected,-3693\n": (
            "Line 3:",
            "same assessment as line 2",
        ),
        # an unterminated quote: the CSV cannot be read past it
        f'record_id,status,error_ids\n{assessment_id},accepted,\n"{assessment_id},rejected,-3693\n': (
            "Line",
            "cannot be read as CSV",
        ),
        f"record_id,status,error_ids\n{assessment_id},rejected,\n": ("Line 2:", "lists no fatal error id"),
        f"record_id,status,error_ids\n{assessment_id},rejected,3693\n": ("Line 2:", "is not an MDS edit id"),
        "record_id,status,error_ids\n": None,  # a header alone: nothing to import is not an error page crash
    }
    for text, expected in bad_inputs.items():
        answer = await client.post("/mds/exports/results", {"text": text})
        assert answer.status_code in (200, 422), (text, answer.status_code)
        if expected is not None:
            assert answer.status_code == 422, text
            errors = answer.text.split('data-testid="import-errors"', 1)[1].split("</ul>")[0]
            assert expected[0] in errors and expected[1] in errors, (text, errors)
        rec = await ExportRecord.select(ExportRecord.state, ExportRecord.error_ids).first()
        assert rec["state"] == "exported" and not rec["error_ids"], text
        row = (
            await Assessment.select(Assessment.submission_state).where(Assessment.id == assessment_id).first()
        )
        assert row["submission_state"] == "exported"
    assert await AuditEvent.count().where(AuditEvent.action == "import") == 0
    binary = await client.post("/mds/exports/results", {"text": "\x00\x01\x02"})
    assert binary.status_code == 422  # control characters: refused with a message, never a 500
    assert (
        "The first line must name the columns" in binary.text
        or "Choose the final validation result" in binary.text
    )
