"""Users page (administrators only), the audit page's before/after, record views, stays that never
overlap and stay events corrected with a reason; the README's create-user line on the demo."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from tests.integration.conftest import PASSWORD

REPO = Path(__file__).resolve().parents[3]


async def _user_id(username: str) -> int:
    from facility.tables import User

    return int((await User.select(User.id).where(User.username_key == username).first())["id"])


def _fingerprint(html: str) -> str:
    match = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)
    assert match, "form has no fingerprint"
    return match.group(1)


async def test_only_admins_open_the_users_page(client: Any, world: Any) -> None:
    await client.login("coord_a")
    assert (await client.get("/admin/users/")).status_code == 403
    await client.login("admin_a")
    page = await client.get("/admin/users/")
    assert page.status_code == 200
    assert (
        "coord_a" in page.text and "nurse_b" not in page.text
    )  # a facility admin sees its own facility's users


async def test_create_user_validates_and_audits(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent, User, UserFacility

    await client.login("admin_a")
    await client.get("/admin/users/new")
    bad = await client.post(
        "/admin/users/",
        {
            "username": "new nurse",
            "password": "short",
            "role": "boss",
            "facility_ids": [str(world.facility_b)],
        },
    )
    assert bad.status_code == 422
    for message in (
        "without spaces",
        "too short",
        "Choose a value from the list.",
        "only grant facilities you administer",
    ):
        assert message in bad.text
    assert 'value="short"' not in bad.text
    taken = await client.post(
        "/admin/users/",
        {
            "username": "NURSE_A",
            "password": "long enough pass",
            "role": "nurse",
            "facility_ids": [str(world.facility_a)],
        },
    )
    assert taken.status_code == 422 and "username is taken" in taken.text
    ok = await client.post(
        "/admin/users/",
        {
            "username": "pat",
            "display_name": "Pat Lee",
            "title": "LPN",
            "password": "long enough pass",
            "role": "nurse",
            "facility_ids": [str(world.facility_a)],
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    pat = await _user_id("pat")
    assert await UserFacility.count().where(UserFacility.user == pat) == 1
    row = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "user") & (AuditEvent.object_id == str(pat)))
        .output(load_json=True)
        .first()
    )
    assert row["action"] == "create" and row["actor"] == "admin_a" and row["after"]["role"] == "nurse"
    assert "password" not in str(row["after"])
    assert (await User.select(User.role).where(User.id == pat).first())["role"] == "nurse"


async def test_change_role_disable_and_reset_password(client: Any, world: Any, make_client: Any) -> None:
    from facility.tables import AuditEvent

    nurse = await make_client()
    assert (await nurse.login("nurse_a")).status_code == 303
    assert (await nurse.get("/residents/")).status_code == 200

    await client.login("admin_a")
    nurse_id = await _user_id("nurse_a")
    page = await client.get(f"/admin/users/{nurse_id}")
    token = _fingerprint(page.text)
    changed = await client.post(
        f"/admin/users/{nurse_id}",
        {
            "fingerprint": token,
            "role": "mds_coordinator",
            "display_name": "Nurse A",
            "facility_ids": [str(world.facility_a)],
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    stale = await client.post(
        f"/admin/users/{nurse_id}",
        {"fingerprint": token, "role": "viewer", "facility_ids": [str(world.facility_a)]},
    )
    assert stale.status_code == 409 and "Someone else changed this user" in stale.text

    audit = await client.get(f"/admin/audit?object_type=user&object_id={nurse_id}")
    assert "nurse" in audit.text and "mds_coordinator" in audit.text and "<del>" in audit.text

    page = await client.get(f"/admin/users/{nurse_id}")
    token = _fingerprint(page.text)
    short = await client.post(
        f"/admin/users/{nurse_id}/password", {"fingerprint": token, "password": "x", "password_again": "x"}
    )
    assert short.status_code == 422 and "too short" in short.text
    reset = await client.post(
        f"/admin/users/{nurse_id}/password",
        {"fingerprint": token, "password": "brand new passphrase", "password_again": "brand new passphrase"},
        follow_redirects=False,
    )
    assert reset.status_code == 303
    assert (await nurse.get("/residents/", follow_redirects=False)).status_code in (
        302,
        303,
        401,
    )  # session ended
    assert (await nurse.login("nurse_a", "brand new passphrase")).status_code == 303

    page = await client.get(f"/admin/users/{nurse_id}")
    disabled = await client.post(
        f"/admin/users/{nurse_id}/active",
        {"fingerprint": _fingerprint(page.text), "active": "0"},
        follow_redirects=False,
    )
    assert disabled.status_code == 303
    assert (await nurse.get("/residents/", follow_redirects=False)).status_code in (302, 303, 401)
    assert (await nurse.login("nurse_a", "brand new passphrase")).status_code == 401
    rows = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.object_type == "user") & (AuditEvent.object_id == str(nurse_id))
    )
    assert {r["action"] for r in rows} >= {"update", "inactivate"}


async def test_admin_cannot_lock_themself_out(client: Any, world: Any) -> None:
    await client.login("admin_a")
    me = await _user_id("admin_a")
    page = await client.get(f"/admin/users/{me}")
    token = _fingerprint(page.text)
    demote = await client.post(
        f"/admin/users/{me}",
        {"fingerprint": token, "role": "viewer", "facility_ids": [str(world.facility_a)]},
    )
    assert demote.status_code == 422 and "your own role" in demote.text
    off = await client.post(f"/admin/users/{me}/active", {"fingerprint": token, "active": "0"})
    assert off.status_code == 422 and "your own account" in off.text


async def test_other_facility_user_is_not_found(client: Any, world: Any) -> None:
    await client.login("admin_a")
    other = await _user_id("nurse_b")
    assert (await client.get(f"/admin/users/{other}")).status_code == 404


async def test_mds_record_views_are_audited(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}?tab=assessments")
    started = await client.post(
        f"/mds/residents/{world.resident_a}/assessments",
        {"rfa": "01-99-99-0", "ard": "2026-01-20", "stay_id": str(world.stay_a)},
        follow_redirects=False,
    )
    assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
    assert (await client.get(f"/mds/assessments/{assessment_id}")).status_code == 200
    await client.login("admin_a")
    page = await client.get("/admin/audit?action=view&object_type=mds_assessment")
    assert "coord_a" in page.text and f"MDS record {assessment_id}" in page.text
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "view") & (AuditEvent.object_id == str(assessment_id))
    )


async def _discharge(client: Any, world: Any, when: str) -> None:
    from facility.tables import Stay

    version = (await Stay.select(Stay.version).where(Stay.id == world.stay_a).first())["version"]
    done = await client.post(
        f"/stays/{world.stay_a}/events",
        {"kind": "discharge_return_not_anticipated", "event_date": when, "version": str(version)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


async def test_stays_cannot_overlap(client: Any, world: Any) -> None:
    from facility.tables import Stay

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    open_stay = await client.post(f"/residents/{world.resident_a}/stays", {"admission_date": "2026-03-01"})
    assert open_stay.status_code == 422 and "already has an open stay" in open_stay.text
    await _discharge(client, world, "2026-02-10")
    inside = await client.post(f"/residents/{world.resident_a}/stays", {"admission_date": "2026-02-01"})
    assert (
        inside.status_code == 422
        and "falls inside another stay" in inside.text
        and "2026-02-10" in inside.text
    )
    before = await client.post(f"/residents/{world.resident_a}/stays", {"admission_date": "2025-12-01"})
    assert before.status_code == 422
    assert await Stay.count().where(Stay.resident == world.resident_a) == 1
    same_day = await client.post(
        f"/residents/{world.resident_a}/stays", {"admission_date": "2026-02-10"}, follow_redirects=False
    )
    assert same_day.status_code == 303


async def test_stay_event_corrected_with_reason(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent, Stay, StayEvent

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    await _discharge(client, world, "2026-02-10")
    event = (
        await StayEvent.select()
        .where((StayEvent.stay == world.stay_a) & (StayEvent.kind != "admission"))
        .first()
    )
    version = (await Stay.select(Stay.version).where(Stay.id == world.stay_a).first())["version"]
    url = f"/stays/{world.stay_a}/events/{event['id']}/correct"
    no_reason = await client.post(url, {"event_date": "2026-02-12", "reason": "", "version": str(version)})
    assert no_reason.status_code == 422 and "reason for the correction" in no_reason.text
    too_early = await client.post(
        url, {"event_date": "2026-01-01", "reason": "typo", "version": str(version)}
    )
    assert too_early.status_code == 422 and "in order" in too_early.text
    ok = await client.post(
        url,
        {"event_date": "2026-02-12", "reason": "Discharge slip says the 12th", "version": str(version)},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    rows = (
        await StayEvent.select()
        .where((StayEvent.stay == world.stay_a) & (StayEvent.kind == event["kind"]))
        .order_by(StayEvent.id)
    )
    assert [(r["active"], r["event_date"]) for r in rows] == [
        (False, date(2026, 2, 10)),
        (True, date(2026, 2, 12)),
    ]
    row = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "stay_event") & (AuditEvent.object_id == str(event["id"])))
        .output(load_json=True)
        .first()
    )
    assert (
        row["before"]["event_date"] == "2026-02-10"
        and row["after"]["reason"] == "Discharge slip says the 12th"
    )
    stale = await client.post(url, {"event_date": "2026-02-11", "reason": "again", "version": str(version)})
    assert stale.status_code in (404, 422)


async def test_correcting_an_admission_cannot_overlap_the_previous_stay(client: Any, world: Any) -> None:
    from facility.tables import Stay, StayEvent

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    await _discharge(client, world, "2026-02-10")
    assert (
        await client.post(
            f"/residents/{world.resident_a}/stays", {"admission_date": "2026-03-01"}, follow_redirects=False
        )
    ).status_code == 303
    second = (
        await Stay.select().where((Stay.resident == world.resident_a) & (Stay.id != world.stay_a)).first()
    )
    admission = (
        await StayEvent.select()
        .where((StayEvent.stay == second["id"]) & (StayEvent.kind == "admission"))
        .first()
    )
    clash = await client.post(
        f"/stays/{second['id']}/events/{admission['id']}/correct",
        {"event_date": "2026-02-05", "reason": "wrong", "version": str(second["version"])},
    )
    assert clash.status_code == 422 and "would overlap" in clash.text
    ok = await client.post(
        f"/stays/{second['id']}/events/{admission['id']}/correct",
        {"event_date": "2026-02-20", "reason": "census sheet", "version": str(second["version"])},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert (await Stay.select(Stay.admission_date).where(Stay.id == second["id"]).first())[
        "admission_date"
    ] == date(2026, 2, 20)


def test_readme_create_user_example_works_on_the_demo(tmp_path: Path) -> None:
    """The README's line, run by a shell as written, against a fresh demo database."""
    line = next(
        x
        for x in (REPO / "README.md").read_text().splitlines()
        if "create-user" in x and x.lstrip().startswith(("printf", "echo"))
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["MDSREADY_DB_PATH"] = str(tmp_path / "demo.sqlite")
    cli = f"{sys.executable} -m facility.cli"
    for step in ("migrate", "demo"):
        assert (
            subprocess.run(
                f"{cli} {step}", shell=True, cwd=REPO, env=env, capture_output=True, timeout=300
            ).returncode
            == 0
        )
    command = line.split("#")[0].replace(".venv/bin/mdsready", cli)
    result = subprocess.run(
        command, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "created user jdoe" in result.stdout


assert PASSWORD  # the fixtures' shared password (imported so a change there shows up here)
