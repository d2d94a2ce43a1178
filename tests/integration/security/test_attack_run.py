"""Issue 17: the failures an attack run found, each kept out by a test (both engines: TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

TODAY = date.today()
SURVEY = {
    "kind": "standard",
    "start_date": (TODAY - timedelta(days=12)).isoformat(),
    "exit_date": (TODAY - timedelta(days=9)).isoformat(),
    "received_2567": "",
    "team": "",
    "notes": "",
}
FINDING = {
    "tag": "F689",
    "scope_severity": "G",
    "narrative": "Interventions not in place.",
    "idr": "",
    "idr_outcome": "",
    "status": "open",
}


async def _survey(client: Any) -> int:
    await client.get("/surveys/new")
    response = await client.post("/surveys", SURVEY, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


# 3. HTTP 500 when an F-tag field contains `%` (the message %-formatted the user's value).
@pytest.mark.parametrize("tag", ["50%", "%(x)s", "F%d", "%", "<b>x</b>%"])
async def test_percent_in_ftag_field_is_422_not_500(client: Any, world: Any, tag: str) -> None:
    from surveys.tables import Finding

    await client.login("coord_a")
    survey_id = await _survey(client)
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.post(
            f"/surveys/{survey_id}/findings", {**FINDING, "tag": tag}, headers=headers
        )
        assert response.status_code == 422
        assert "is not a tag number" in response.text
        assert "<b>x</b>" not in response.text  # user text in a message is escaped, never marked safe
    assert await Finding.count() == 0


# 4. HTTP 500 on PostgreSQL when care-plan text contains a NUL byte (SQLite stored it silently).
async def test_nul_and_control_characters_stripped_from_every_form(client: Any, world: Any) -> None:
    from careplans.tables import Problem
    from facility.tables import Resident

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    saved = await client.post(
        f"/careplans/residents/{world.resident_a}/problems",
        {"focus": "Hearing\x00 aid\x07 care", "not_triggered_reason": "Family\x00 request\x1b"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    row = await Problem.select().first()
    assert row["focus"] == "Hearing aid care" and row["not_triggered_reason"] == "Family request"
    await client.get("/residents/new")
    resident = await client.post(
        "/residents",
        {
            "last_name": "Nu\x00ll",
            "first_name": "Te\x0bst",
            "birth_date": "1940-01-02",
            "sex": "F",
            "unit_id": str(world.unit_a),
        },
        follow_redirects=False,
    )
    assert resident.status_code == 303, resident.text
    assert await Resident.exists().where(Resident.last_name == "Null")


# 5. HTTP 500 when a form's `version` is a huge integer (and path ids beyond the INTEGER range).
@pytest.mark.parametrize("version", ["9" * 40, "99999999999", "-1", "²", "١"])
async def test_huge_or_odd_version_is_422_not_500(client: Any, world: Any, version: str) -> None:
    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}/edit")
    response = await client.post(
        f"/residents/{world.resident_a}",
        {
            "last_name": "Anders",
            "first_name": "Test",
            "birth_date": "1940-05-01",
            "sex": "F",
            "version": version,
        },
    )
    assert response.status_code in (409, 422)


async def test_huge_path_id_is_404_not_500(client: Any, world: Any) -> None:
    await client.login("coord_a")
    for url in (f"/residents/{'9' * 30}", "/surveys/99999999999", f"/surveys/findings/{2**63}"):
        assert (await client.get(url)).status_code == 404


def test_parse_int_range_and_ascii_digits() -> None:
    from facility.core.forms import MAX_DB_INT, parse_int

    assert parse_int("42") == 42 and parse_int(" 7 ") == 7 and parse_int(str(MAX_DB_INT)) == MAX_DB_INT
    assert parse_int(str(MAX_DB_INT + 1)) is None and parse_int("9" * 400) is None
    assert (
        parse_int("²") is None
        and parse_int("-3") is None
        and parse_int("-3", -5) == -3
        and parse_int("") is None
    )


# 6. A zip member with an empty name crashed the validator; the other members were left unchecked.
def _zip_with_empty_name(good: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo(""), b"<ASSESSMENT/>")
        archive.writestr("0002.xml", good)
    return buffer.getvalue()


def test_zip_member_with_empty_name_is_a_member_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from facility.cli import main
    from mds.record.testing import random_assessment
    from mds.record.xmlio import export_assessment

    path = tmp_path / "batch.zip"
    path.write_bytes(_zip_with_empty_name(export_assessment(random_assessment(random.Random(1), isc="NC"))))
    assert main(["validate", str(path), "--format", "json"]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    assert '"MR-108"' in out.out and "0002.xml" in out.out and '"accepted"' in out.out


# 8. `mdsready validate --format csv` wrote file names starting with = + - @ verbatim.
@pytest.mark.parametrize("name", ["=HYPERLINK(1).xml", "+1.xml", "-2.xml", "@SUM(A1).xml"])
def test_validate_csv_neutralises_formula_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from facility.cli import main

    path = tmp_path / name
    path.write_bytes(b"<ASSESSMENT><A0050>1</A0050></ASSESSMENT>")
    main(["validate", str(path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(r["source"].startswith("'") for r in rows)
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


# 9. Any nurse could enter 2567 findings.
async def test_floor_nurse_cannot_record_surveys_or_findings(
    client: Any, world: Any, make_client: Any
) -> None:
    from facility.tables import AuditEvent
    from surveys.tables import Finding, Survey

    await client.login("coord_a")
    survey_id = await _survey(client)
    nurse = await make_client()
    await nurse.login("nurse_a")
    page = await nurse.get(f"/surveys/{survey_id}")
    assert page.status_code == 200 and "Add a finding" not in page.text
    assert (await nurse.post(f"/surveys/{survey_id}/findings", FINDING)).status_code == 403
    assert (await nurse.post("/surveys", SURVEY)).status_code == 403
    assert (await nurse.get("/surveys/new")).status_code == 403
    assert await Finding.count() == 0 and await Survey.count() == 1
    assert (
        await AuditEvent.count().where((AuditEvent.action == "denied") & (AuditEvent.actor == "nurse_a")) == 3
    )
    ok = await client.post(f"/surveys/{survey_id}/findings", FINDING, follow_redirects=False)
    assert ok.status_code == 303


async def test_don_and_administrator_may_record_findings(client: Any, world: Any) -> None:
    from facility.auth.service import create_user

    await create_user("don_a", "correct horse battery", "nurse", ["365001"], title="DON")
    for user in ("don_a", "admin_a"):
        await client.login(user)
        survey_id = await _survey(client)
        assert (
            await client.post(f"/surveys/{survey_id}/findings", FINDING, follow_redirects=False)
        ).status_code == 303


# 7. `password`, `12345678` and password = username were accepted.
@pytest.mark.parametrize(
    "username, password, problem",
    [
        ("jdoe", "password", "password_too_short"),
        ("jdoe", "12345678", "password_too_short"),
        ("jdoe", "password1234", "password_common"),
        ("jdoe", "qwertyuiop123", "password_common"),
        ("jdoe_nurse", "jdoe_nurse", "password_too_short"),
        ("jdoe_nurse_home", "jdoe_nurse_home", "password_contains_username"),
        ("maria.santos", "my name is Maria.Santos!", "password_contains_username"),
    ],
)
def test_password_policy_refuses(username: str, password: str, problem: str) -> None:
    from facility.auth.passwords import password_problem

    assert password_problem(password, username) == problem


def test_password_policy_accepts_a_long_uncommon_passphrase_and_demo_exemption() -> None:
    from facility.auth.passwords import common_passwords, password_problem

    assert len(common_passwords()) >= 10_000
    assert password_problem("correct horse battery", "coord_a") is None
    assert password_problem("demo-nurse-pass", "nurse") == "password_contains_username"
    assert password_problem("demo-nurse-pass", "nurse", demo=True) is None


async def test_create_user_enforces_the_policy(db: Any) -> None:
    from facility.auth.service import UserError, create_user
    from facility.tables import Facility

    await Facility(name="Alpha", ccn="365001", state="OH").save()
    for password in ("password", "12345678", "qwertyuiop123", "kim.lee.nurse.kim"):
        with pytest.raises(UserError):
            await create_user("kim.lee", password, "nurse", ["365001"])
