"""MDS upload pages: background validation with progress, the FVR-like report, CSV, roles and tenants."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import random
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from mds.record.testing import inject_error, random_assessment
from mds.record.xmlio import export_assessment, export_batch
from tests.integration.conftest import Browserish

XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE ASSESSMENT [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<ASSESSMENT><A0100A>&xxe;</A0100A></ASSESSMENT>"
)


def _valid(seed: int) -> dict[str, str]:
    return random_assessment(random.Random(seed), isc="NC")


def _fatal(seed: int) -> dict[str, str]:
    values = _valid(seed)
    assert inject_error(values, random.Random(seed))
    return values


def _batch() -> bytes:
    """3 valid, 1 fatal, 1 warning-only record (a lower-case tag is read, with warning MR-304)."""
    records = [(f"r{n}.xml", _valid(n)) for n in range(1, 4)] + [("r4.xml", _fatal(4))]
    data = io.BytesIO()
    import zipfile

    with (
        zipfile.ZipFile(io.BytesIO(export_batch(records))) as src,
        zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
        warning_only = (
            export_assessment(_valid(5)).replace(b"<A0500A>", b"<a0500a>").replace(b"</A0500A>", b"</a0500a>")
        )
        out.writestr("r5.xml", warning_only)
    return data.getvalue()


def _files(*pairs: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, body, "application/octet-stream")) for name, body in pairs]


async def _upload(client: Browserish, *pairs: tuple[str, bytes]) -> int:
    await client.get("/mds/uploads")
    response = await client.post("/mds/uploads", {}, files=_files(*pairs), follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    match = re.fullmatch(r"/mds/uploads/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


async def _finish(client: Browserish, submission_id: int) -> Any:
    """Poll like htmx does until the server says stop (286); the validation runs on the app's own loop."""
    for _ in range(600):
        response = await client.get(f"/mds/uploads/{submission_id}/progress", headers={"HX-Request": "true"})
        if response.status_code == 286:
            return response
        assert response.status_code == 200
        await asyncio.sleep(0.05)
    raise AssertionError("validation did not finish")


async def _rows(submission_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    from mds.tables import Submission, SubmissionRecord, ValidationIssue

    sub = await Submission.select().where(Submission.id == submission_id).first()
    records = (
        await SubmissionRecord.select()
        .where(SubmissionRecord.submission == submission_id)
        .order_by(SubmissionRecord.position)
    )
    issues = await ValidationIssue.select().where(ValidationIssue.submission == submission_id)
    return sub, list(records), list(issues)


async def test_valid_xml_is_accepted_and_audited(client: Browserish, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("coord_a")
    sid = await _upload(client, ("one.xml", export_assessment(_valid(11))))
    done = await _finish(client, sid)
    assert "<html" not in done.text and 'data-status="done"' in done.text
    assert "every 1s" not in done.text  # the finished report no longer polls
    sub, records, issues = await _rows(sid)
    assert (sub["status"], sub["total_records"], sub["done_records"], sub["accepted"], sub["rejected"]) == (
        "done",
        1,
        1,
        1,
        0,
    )
    assert sub["facility"] == world.facility_a and sub["filename"] == "one.xml"
    assert records[0]["status"] == "accepted" and records[0]["isc"] == "NC" and records[0]["resident_name"]
    assert issues == []
    event = (
        await AuditEvent.select()
        .where((AuditEvent.action == "import") & (AuditEvent.object_type == "submission"))
        .first()
    )
    assert event and event["object_id"] == str(sid) and event["facility_id"] == world.facility_a


async def test_zip_batch_one_bad_record_keeps_its_neighbours(client: Browserish, world: Any) -> None:
    await client.login("coord_a")
    sid = await _upload(client, ("batch.zip", _batch()))
    await _finish(client, sid)
    sub, records, issues = await _rows(sid)
    assert (sub["total_records"], sub["done_records"], sub["accepted"], sub["rejected"], sub["warnings"]) == (
        5,
        5,
        4,
        1,
        1,
    )
    assert [r["source"] for r in records] == [f"batch.zip:r{n}.xml" for n in range(1, 6)]
    assert [r["status"] for r in records] == ["accepted"] * 3 + ["rejected", "accepted"]
    fatal = [i for i in issues if i["severity"] == "fatal"]
    assert fatal and all(i["record"] == records[3]["id"] for i in fatal)
    assert fatal[0]["edit_id"].startswith("-") and fatal[0]["item"] and fatal[0]["line"]
    assert all(i["message_en"] and i["message_es"] and i["message_en"] != i["message_es"] for i in issues)
    warning = [i for i in issues if i["severity"] == "warning"]
    assert [(w["edit_id"], w["record"]) for w in warning] == [("MR-304", records[4]["id"])]

    page = await client.get(f"/mds/uploads/{sid}")
    assert page.status_code == 200 and "<html" in page.text
    assert 'data-testid="by-edit"' in page.text and fatal[0]["edit_id"] in page.text and "MR-304" in page.text
    assert 'data-testid="by-item"' in page.text and fatal[0]["item"] in page.text
    assert 'data-testid="rejected-count">1<' in page.text and 'data-testid="accepted-count">4<' in page.text
    await client.post("/language", {"lang": "es"})
    spanish = await client.get(f"/mds/uploads/{sid}")
    assert "Informe de validación" in spanish.text and fatal[0]["message_es"] in spanish.text.replace(
        "&#39;", "'"
    )


async def test_severity_filter_plain_get_and_htmx_fragment(client: Browserish, world: Any) -> None:
    await client.login("coord_a")
    sid = await _upload(client, ("batch.zip", _batch()))
    await _finish(client, sid)
    fatal_only = await client.get(f"/mds/uploads/{sid}?severity=fatal")
    assert "<html" in fatal_only.text and "MR-304" not in fatal_only.text
    fragment = await client.get(f"/mds/uploads/{sid}?severity=warning", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<section id="upload-issues">') and "MR-304" in fragment.text
    assert "1 finding" in fragment.text
    junk = await client.get(f"/mds/uploads/{sid}?severity=<script>")
    assert junk.status_code == 200 and "<script>" not in junk.text and "MR-304" in junk.text


async def test_csv_download_is_complete_and_formula_safe(client: Browserish, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("coord_a")
    sid = await _upload(client, ("batch.zip", _batch()))
    await _finish(client, sid)
    response = await client.get(f"/mds/uploads/{sid}/report.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="mds-validation-{sid}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["source"] for r in rows} == {f"batch.zip:r{n}.xml" for n in range(1, 6)}
    # names, not codes (issue 18): the status and severity read as on the report page
    fatal = [r for r in rows if r["severity"] == "Fatal error"]
    assert fatal and all(r["status"] == "Rejected" for r in fatal)
    assert {r["status"] for r in rows} <= {"Accepted", "Rejected"} and "None" not in response.text
    # CMS edit ids are negative numbers: a spreadsheet would read "-3679" as a formula operand
    assert all(r["edit_id"].startswith("'-") for r in fatal)
    assert [r["edit_id"] for r in rows if r["severity"] == "Warning"] == ["MR-304"]
    await client.post("/language", {"lang": "es"})
    es = (await client.get(f"/mds/uploads/{sid}/report.csv")).content.decode("utf-8-sig")
    es_rows = list(csv.DictReader(io.StringIO(es)))
    assert {r["status"] for r in es_rows} <= {"Aceptado", "Aceptada", "Rechazado", "Rechazada"}, es_rows[0]
    assert "fatal" not in {r["severity"] for r in es_rows}
    only_warnings = await client.get(f"/mds/uploads/{sid}/report.csv?severity=warning")
    assert len(list(csv.DictReader(io.StringIO(only_warnings.content.decode("utf-8-sig"))))) == 1
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "export") & (AuditEvent.object_type == "submission")
        )
        == 3  # English, warnings only, Spanish
    )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+A1", "'+A1"),
        ("-3677", "'-3677"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("A0310A", "A0310A"),
        ("", ""),
        (None, ""),
        (14, "14"),
    ],
)
def test_csv_cell_neutralises_formulas(value: Any, expected: str) -> None:
    from mds.upload.services import csv_cell

    assert csv_cell(value) == expected


@pytest.mark.parametrize(
    "name, body, edit_id",
    [
        ("xxe.xml", XXE, "MR-202"),
        ("not-a-zip.zip", b"this is plain text, not a zip archive", "1001"),
    ],
)
async def test_hostile_file_is_a_rejected_record_with_a_clear_message(
    client: Browserish, world: Any, name: str, body: bytes, edit_id: str
) -> None:
    await client.login("coord_a")
    sid = await _upload(client, (name, body), ("ok.xml", export_assessment(_valid(3))))
    await _finish(client, sid)
    sub, records, issues = await _rows(sid)
    assert sub["status"] == "done" and (sub["accepted"], sub["rejected"]) == (1, 1)
    assert records[0]["status"] == "rejected" and records[0]["source"] == name
    assert issues[0]["message_en"] and "Traceback" not in issues[0]["message_en"]
    if edit_id != "MR-202":
        assert issues[0]["edit_id"] == edit_id
    page = await client.get(f"/mds/uploads/{sid}")
    assert page.status_code == 200 and issues[0]["edit_id"] in page.text


async def test_form_errors_are_422_and_nothing_is_queued(client: Browserish, world: Any) -> None:
    from mds.tables import Submission

    await client.login("coord_a")
    await client.get("/mds/uploads")
    none = await client.post("/mds/uploads", {})
    assert none.status_code == 422 and "Choose at least one .xml or .zip file." in none.text
    wrong = await client.post("/mds/uploads", {}, files=_files(("notes.pdf", b"%PDF-1.4")))
    assert wrong.status_code == 422 and "notes.pdf is not an .xml or .zip file." in wrong.text
    await client.post("/language", {"lang": "es"})
    empty = await client.post("/mds/uploads", {}, files=_files(("empty.xml", b"")))
    assert empty.status_code == 422 and "empty.xml está vacío." in empty.text
    assert await Submission.count() == 0


def test_too_large_file_is_refused_by_the_service() -> None:
    from mds.upload.safety import Limits
    from mds.upload.services import UploadedFile, check_files

    problems = check_files([UploadedFile("big.zip", b"x" * 2_000_001)], Limits(max_upload_bytes=1_000_000))
    assert problems == [
        (
            "%(name)s is %(size)s MB; each file may be at most %(max)s MB.",
            {"name": "big.zip", "size": "2.0", "max": "1.0"},
        )
    ]


async def test_body_over_the_app_cap_gets_the_413_page(db: Any, world: Any) -> None:
    from facility.app import create_app
    from facility.core.settings import get_settings
    from mds.tables import Submission

    app = create_app(dataclasses.replace(get_settings(), upload_max_bytes=20_000))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as raw:
        client = Browserish(raw)
        await client.login("coord_a")
        await client.get("/mds/uploads")
        response = await client.post(
            "/mds/uploads", {}, files=_files(("big.zip", b"PK\x03\x04" + b"\0" * 40_000))
        )
        assert response.status_code == 413 and "The file is too large" in response.text
    assert await Submission.count() == 0


async def test_progress_endpoint_with_and_without_htmx(client: Browserish, world: Any) -> None:
    await client.login("coord_a")
    sid = await _upload(client, ("one.xml", export_assessment(_valid(21))))
    await _finish(client, sid)
    full = await client.get(f"/mds/uploads/{sid}/progress")
    assert full.status_code == 200 and "<html" in full.text and 'data-testid="records-table"' in full.text
    fragment = await client.get(f"/mds/uploads/{sid}/progress", headers={"HX-Request": "true"})
    assert fragment.status_code == 286 and fragment.text.lstrip().startswith('<section id="upload-status"')


async def test_running_page_polls_and_offers_a_refresh_link(client: Browserish, world: Any) -> None:
    from mds.tables import Submission
    from mds.upload import services as upload_services

    await client.login("coord_a")
    sid = await _upload(client, ("one.xml", export_assessment(_valid(22))))
    await _finish(client, sid)
    # Pretend a task of this process is still working on it.
    await Submission.update(
        {Submission.status: "running", Submission.total_records: 4, Submission.done_records: 1}
    ).where(Submission.id == sid)
    upload_services._LIVE[sid] = asyncio.get_running_loop().create_future()  # type: ignore[assignment]
    try:
        page = await client.get(f"/mds/uploads/{sid}")
        assert 'hx-trigger="every 1s"' in page.text and f'href="/mds/uploads/{sid}"' in page.text
        assert 'value="1" max="4"' in page.text and "1 of 4 records checked" in page.text
        poll = await client.get(f"/mds/uploads/{sid}/progress", headers={"HX-Request": "true"})
        assert poll.status_code == 200 and 'hx-trigger="every 1s"' in poll.text
    finally:
        upload_services._LIVE.pop(sid).cancel()  # type: ignore[union-attr]


async def test_submission_left_running_by_a_restart_is_marked_failed(client: Browserish, world: Any) -> None:
    from facility.tables import User
    from mds.tables import Submission

    coord = await User.select(User.id).where(User.username_key == "coord_a").first()
    orphan = Submission(
        facility=world.facility_a,
        uploaded_by=coord["id"],
        filename="lost.zip",
        status="running",
        total_records=10,
        done_records=3,
    )
    await orphan.save()
    await client.login("coord_a")
    poll = await client.get(f"/mds/uploads/{orphan.id}/progress", headers={"HX-Request": "true"})
    assert poll.status_code == 286 and "Validation was interrupted" in poll.text
    row = await Submission.select().where(Submission.id == orphan.id).first()
    assert row["status"] == "failed" and "Upload the file again" in row["error"] and row["finished_at"]
    listing = await client.get("/mds/uploads")
    assert "lost.zip" in listing.text and "Failed" in listing.text


async def test_results_survive_a_new_app_instance(client: Browserish, world: Any, make_client: Any) -> None:
    await client.login("coord_a")
    sid = await _upload(client, ("batch.zip", _batch()))
    await _finish(client, sid)
    from facility.app import create_app

    async with AsyncTestClient(app=create_app(), base_url="http://testserver.local") as raw:
        other = Browserish(raw)
        await other.login("admin_a")
        page = await other.get(f"/mds/uploads/{sid}")
        assert page.status_code == 200 and 'data-testid="rejected-count">1<' in page.text
        listing = await other.get("/mds/uploads")
        assert "batch.zip" in listing.text


@pytest.mark.parametrize(
    "username, allowed",
    [("coord_a", True), ("admin_a", True), ("nurse_a", False), ("um_a", False), ("viewer_a", False)],
)
async def test_roles(client: Browserish, world: Any, username: str, allowed: bool) -> None:
    await client.login(username)
    page = await client.get("/mds/uploads")
    assert page.status_code == (200 if allowed else 403)
    assert ('href="/mds/uploads"' in (await client.get("/")).text) is allowed
    if not allowed:
        await client.get("/")
        post = await client.post("/mds/uploads", {}, files=_files(("one.xml", export_assessment(_valid(1)))))
        assert post.status_code == 403


async def test_facility_b_submission_is_404_on_every_route(
    client: Browserish, make_client: Any, world: Any
) -> None:
    from facility.auth.service import create_user
    from facility.tables import AuditEvent
    from mds.tables import Submission

    await create_user("coord_b", "correct horse battery", "mds_coordinator", ["365002"])
    other = await make_client()
    await other.login("coord_b")
    sid = await _upload(other, ("b.zip", _batch()))
    await _finish(other, sid)
    before = await Submission.select().where(Submission.id == sid).first()

    await client.login("coord_a")
    for url in (
        f"/mds/uploads/{sid}",
        f"/mds/uploads/{sid}?severity=fatal",
        f"/mds/uploads/{sid}/progress",
        f"/mds/uploads/{sid}/report.csv",
    ):
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.get(url, headers=headers)
            assert response.status_code == 404, url
            assert "b.zip" not in response.text and "Bernal" not in response.text
    listing = await client.get("/mds/uploads")
    assert "b.zip" not in listing.text
    assert await Submission.select().where(Submission.id == sid).first() == before
    denied = await AuditEvent.count().where(
        (AuditEvent.action == "denied") & (AuditEvent.object_type == "submission")
    )
    assert denied == 8
