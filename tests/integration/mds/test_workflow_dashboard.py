"""The coordinator dashboard (full page and htmx fragment), unit and coordinator filters, the prefilled
start of a due assessment, the missing-assessments report, roles, facility-B ids, and the
`mdsready due` JSON contract on a crafted database (a real subprocess with its own MDSREADY_DB_PATH)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.mds.conftest import QUARTERLY, start

REPO = Path(__file__).resolve().parents[3]
HX = {"HX-Request": "true", "HX-Target": "dashboard-board"}


async def test_dashboard_full_and_htmx(client: Any, world: Any) -> None:
    await client.login("coord_a")
    page = await client.get("/mds/dashboard")
    assert page.status_code == 200 and "<html" in page.text and 'data-testid="dashboard-filters"' in page.text
    late = page.text.split('id="late"', 1)[1].split("</section>", 1)[0]
    # resident A was admitted 2026-01-10 with nothing recorded: entry tracking and admission are late
    assert "Anders, Test" in late and "Entry tracking record" in late and "Admission (OBRA)" in late
    assert (
        f"/mds/dashboard/start?resident={world.resident_a}&amp;stay={world.stay_a}&amp;kind=admission" in late
    )
    assert "Bernal" not in page.text  # facility B's resident
    fragment = await client.get("/mds/dashboard", headers=HX)
    assert (
        fragment.status_code == 200
        and "<html" not in fragment.text
        and 'id="dashboard-board"' in fragment.text
    )
    assert 'data-testid="count-late">2<' in fragment.text


async def test_filters_by_unit_and_coordinator(client: Any, world: Any) -> None:
    from facility.tables import Unit, User

    other = Unit(facility=world.facility_a, name="Rehab")
    await other.save()
    await client.login("coord_a")
    assert "Anders" in (await client.get(f"/mds/dashboard?unit={world.unit_a}")).text
    assert "Anders" not in (await client.get(f"/mds/dashboard?unit={other.id}", headers=HX)).text
    assert (
        "Anders" in (await client.get(f"/mds/dashboard?unit={world.unit_b}")).text
    )  # another facility's unit is ignored
    assessment_id = await start(client, world, rfa=QUARTERLY, ard="2026-01-20")
    coord = (await User.select(User.id).where(User.username_key == "coord_a").first())["id"]
    nurse = (await User.select(User.id).where(User.username_key == "nurse_a").first())["id"]
    mine = await client.get(f"/mds/dashboard?coordinator={coord}", headers=HX)
    assert f"/mds/assessments/{assessment_id}" in mine.text.split('id="in_progress"', 1)[1]
    theirs = await client.get(f"/mds/dashboard?coordinator={nurse}", headers=HX)
    assert "Anders" not in theirs.text and 'data-testid="count-in_progress">0<' in theirs.text
    junk = await client.get("/mds/dashboard?unit=abc&coordinator=%27;drop")
    assert junk.status_code == 200 and "Anders" in junk.text


async def test_start_prefilled_and_missing_report(client: Any, world: Any) -> None:
    await client.login("coord_a")
    form = await client.get(
        f"/mds/dashboard/start?resident={world.resident_a}&stay={world.stay_a}&kind=admission&ard=2026-01-20"
    )
    assert (
        form.status_code == 200
        and 'value="01-99-99-0" selected' in form.text
        and 'value="2026-01-20"' in form.text
    )
    assert f'action="/mds/residents/{world.resident_a}/assessments"' in form.text
    started = await client.post(
        f"/mds/residents/{world.resident_a}/assessments",
        {"rfa": "01-99-99-0", "ard": "2026-01-20", "stay_id": str(world.stay_a)},
        follow_redirects=False,
    )
    assert started.status_code == 303
    board = await client.get("/mds/dashboard")
    assert "Complete and sign" in board.text.split('id="late"', 1)[1].split("</section>", 1)[0]
    missing = await client.get("/mds/missing")
    assert missing.status_code == 200 and "Anders, Test" in missing.text
    assert "No record started" in missing.text and "Not signed" in missing.text
    assert "<html" not in (await client.get("/mds/missing", headers={"HX-Request": "true"})).text


async def test_roles_and_facility_b_ids(client: Any, world: Any, make_client: Any) -> None:
    from facility.tables import AuditEvent

    for user, status in (("viewer_a", 403), ("um_a", 403), ("nurse_a", 200), ("admin_a", 200)):
        other = await make_client()
        await other.login(user)
        assert (await other.get("/mds/dashboard")).status_code == status, user
        assert (await other.get("/mds/missing")).status_code == status, user
    await client.login("coord_a")
    nav = await client.get("/")
    assert 'href="/mds/dashboard"' in nav.text and 'href="/mds/exports"' in nav.text
    cross = await client.get(
        f"/mds/dashboard/start?resident={world.resident_b}&stay={world.stay_b}&kind=admission"
    )
    assert cross.status_code == 404
    assert await AuditEvent.exists().where(
        (AuditEvent.action == "denied") & (AuditEvent.object_type == "resident")
    )
    nurse_b = await make_client()
    await nurse_b.login("nurse_b")
    theirs = await nurse_b.get("/mds/dashboard")
    assert "Bernal, Test" in theirs.text and "Anders" not in theirs.text


# ---------------------------------------------------------------- mdsready due


def _cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["MDSREADY_DB_PATH"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "facility.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def crafted_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Facility 365777: resident 1 admitted 2026-01-10 (nothing recorded); resident 2 admitted 2025-12-01,
    discharged return not anticipated 2026-01-05 (entry, admission and discharge expected)."""
    path = tmp_path_factory.mktemp("due") / "due.sqlite"
    assert _cli(path, "migrate").returncode == 0
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO facility (name, ccn, state, npi, language, is_demo, active, version, created_at) "
            "VALUES ('Crafted', '365777', 'OH', '', 'en', 0, 1, 1, '2026-01-01T00:00:00+00:00')"
        )
        db.execute(
            "INSERT INTO app_user (username, username_key, display_name, title, password_hash, role, language, chain_wide,"
            " active, created_at) VALUES ('x', 'x', 'X', '', '-', 'admin', '', 0, 1, '2026-01-01T00:00:00+00:00')"
        )
        for rid, admitted in ((1, "2026-01-10"), (2, "2025-12-01")):
            db.execute(
                "INSERT INTO resident (id, facility, unit, last_name, first_name, birth_date, sex, medicare_number,"
                " medicaid_number, room, status, active, version, created_by, updated_by, created_at, updated_at) VALUES"
                " (?, 1, NULL, 'R', 'T', '1940-01-01', 'F', '', '', '', 'active', 1, 1, 1, 1, ?, ?)",
                (rid, "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
            )
            db.execute(
                "INSERT INTO stay (id, resident, facility, admission_date, admitted_from, payer, status, active, version,"
                " created_by, updated_by, created_at) VALUES (?, ?, 1, ?, '', '', 'in_facility', 1, 1, 1, 1, ?)",
                (rid, rid, admitted, "2026-01-01T00:00:00+00:00"),
            )
            db.execute(
                "INSERT INTO stay_event (stay, kind, event_date, note, active, created_by, created_at) VALUES"
                " (?, 'admission', ?, '', 1, 1, '2026-01-01T00:00:00+00:00')",
                (rid, admitted),
            )
        db.execute(
            "INSERT INTO stay_event (stay, kind, event_date, note, active, created_by, created_at) VALUES"
            " (2, 'discharge_return_not_anticipated', '2026-01-05', '', 1, 1, '2026-01-05T00:00:00+00:00')"
        )
    return path


def test_due_json_contract(crafted_db: Path) -> None:
    result = _cli(crafted_db, "due", "--facility", "365777", "--date", "2026-02-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all(
        list(r) == ["resident_id", "stay_id", "kind", "window_start", "window_end", "state", "days_late"]
        for r in rows
    )
    by_key = {(r["resident_id"], r["kind"]): r for r in rows}
    assert by_key[(1, "entry")] == {
        "resident_id": 1,
        "stay_id": 1,
        "kind": "entry",
        "window_start": "2026-01-10",
        "window_end": "2026-01-17",
        "state": "late",
        "days_late": 15,
    }
    assert by_key[(1, "admission")] == {
        "resident_id": 1,
        "stay_id": 1,
        "kind": "admission",
        "window_start": "2026-01-10",
        "window_end": "2026-01-23",
        "state": "late",
        "days_late": 9,
    }
    # discharge (RNA) on 2026-01-05: the discharge assessment (ARD = discharge day, complete within 14 days)
    assert (
        by_key[(2, "discharge_rna")]["window_end"] == "2026-01-19"
        and by_key[(2, "discharge_rna")]["days_late"] == 13
    )
    assert (2, "quarterly") not in by_key  # the episode ended: no OBRA schedule after the discharge
    assert [r["state"] for r in rows] == sorted(
        (r["state"] for r in rows), key=["late", "due", "upcoming"].index
    )


def test_due_states_on_other_days_and_errors(crafted_db: Path) -> None:
    early = json.loads(
        _cli(crafted_db, "due", "--facility", "365777", "--date", "2026-01-12", "--format", "json").stdout
    )
    mine = {r["kind"]: r for r in early if r["resident_id"] == 1}
    assert (
        mine["entry"]["state"] == "due"
        and mine["admission"]["state"] == "due"
        and mine["admission"]["days_late"] == 0
    )
    boundary = json.loads(_cli(crafted_db, "due", "--date", "2026-01-23", "--format", "json").stdout)
    assert {r["kind"]: r["state"] for r in boundary if r["resident_id"] == 1}[
        "admission"
    ] == "due"  # day 14: still on time
    day15 = json.loads(_cli(crafted_db, "due", "--date", "2026-01-24", "--format", "json").stdout)
    assert {r["kind"]: r for r in day15 if r["resident_id"] == 1}["admission"]["days_late"] == 1
    text = _cli(crafted_db, "due", "--facility", "365777", "--date", "2026-02-01")
    assert text.returncode == 0 and "late" in text.stdout and "admission" in text.stdout
    unknown = _cli(crafted_db, "due", "--facility", "999999")
    assert unknown.returncode == 2 and "no active facility" in unknown.stderr
    bad = _cli(crafted_db, "due", "--date", "01/02/2026")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
