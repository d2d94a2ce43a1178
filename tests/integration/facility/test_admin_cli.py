"""Facility administration pages and the shell's CLI commands (run as real subprocesses on their own database)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]


async def test_chain_admin_adds_facility_with_validation(client: Any, world: Any) -> None:
    from facility.auth.service import create_user
    from facility.tables import Facility

    await create_user("chain", "correct horse battery", "admin", [], chain_wide=True)
    await client.login("chain")
    await client.get("/admin/facilities")
    bad = await client.post(
        "/admin/facilities", {"name": "", "ccn": "12", "state": "ZZ", "npi": "1234567890"}
    )
    assert bad.status_code == 422
    for message in (
        "This field is required.",
        "A CCN has 6 characters",
        "2-letter US state",
        "valid 10-digit NPI",
    ):
        assert message in bad.text
    dup = await client.post("/admin/facilities", {"name": "Dup", "ccn": "365001", "state": "OH"})
    assert dup.status_code == 422 and "already exists" in dup.text
    ok = await client.post(
        "/admin/facilities",
        {"name": "Gamma Home", "ccn": "365003", "state": "oh", "npi": "1234567893"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    row = await Facility.select(Facility.state, Facility.npi).where(Facility.ccn == "365003").first()
    assert row == {"state": "OH", "npi": "1234567893"}


async def test_facility_admin_cannot_add_facilities_but_adds_units(client: Any, world: Any) -> None:
    from facility.tables import Unit

    await client.login("admin_a")
    await client.get("/admin/facilities")
    denied = await client.post("/admin/facilities", {"name": "X", "ccn": "365009", "state": "OH"})
    assert denied.status_code == 403
    ok = await client.post(
        f"/admin/facilities/{world.facility_a}/units", {"name": "Rehab"}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert await Unit.exists().where((Unit.name == "Rehab") & (Unit.facility == world.facility_a))


async def test_home_shows_resident_list(client: Any, world: Any) -> None:
    await client.login("coord_a")
    home = await client.get("/")
    assert "Anders" in home.text and 'id="resident-results"' in home.text and "Log out" in home.text


def _cli(db_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["MDSREADY_DB_PATH"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "facility.cli", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cli.sqlite"
    migrate = _cli(path, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert str(path) in migrate.stdout
    demo = _cli(path, "demo", "--if-empty")
    assert demo.returncode == 0, demo.stderr
    assert "coordinator" in demo.stdout and "demo-coordinator-pass" in demo.stdout
    return path


def _count(path: Path, sql: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_demo_creates_facility_and_is_idempotent(demo_db: Path) -> None:
    assert _count(demo_db, "select count(*) from facility where ccn = '999001'") == 1
    assert _count(demo_db, "select count(*) from resident") == 120
    assert _count(demo_db, "select count(*) from unit") == 3
    assert _count(demo_db, "select count(distinct role) from app_user") == 5
    assert _count(demo_db, "select count(*) from stay_event where kind = 'discharge_return_anticipated'") > 0
    assert _count(demo_db, "select count(*) from stay_event where kind = 'death'") > 0
    again = _cli(demo_db, "demo")
    assert again.returncode == 0 and "already present" in again.stdout
    assert _count(demo_db, "select count(*) from resident") == 120


def test_demo_if_empty_leaves_a_real_database_alone(tmp_path: Path) -> None:
    path = tmp_path / "real.sqlite"
    assert _cli(path, "migrate").returncode == 0
    made = _cli(
        path,
        "create-user",
        "--username",
        "boss",
        "--role",
        "admin",
        "--chain-wide",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert made.returncode == 0, made.stderr
    demo = _cli(path, "demo", "--if-empty")
    assert demo.returncode == 0 and "not loaded" in demo.stdout
    assert _count(path, "select count(*) from facility") == 0  # no demo passwords in a real database


def test_create_user_rules(demo_db: Path) -> None:
    ok = _cli(
        demo_db,
        "create-user",
        "--username",
        "jdoe",
        "--role",
        "nurse",
        "--facility",
        "999001",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert ok.returncode == 0, ok.stderr
    dup = _cli(
        demo_db,
        "create-user",
        "--username",
        "JDOE",
        "--role",
        "nurse",
        "--facility",
        "999001",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert dup.returncode == 1 and "username_taken" in dup.stderr
    short = _cli(
        demo_db,
        "create-user",
        "--username",
        "kim",
        "--role",
        "nurse",
        "--facility",
        "999001",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.returncode == 1 and "password_too_short" in short.stderr
    unknown = _cli(
        demo_db,
        "create-user",
        "--username",
        "lee",
        "--role",
        "nurse",
        "--facility",
        "000000",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert unknown.returncode == 1 and "facility_unknown" in unknown.stderr
    no_stdin = _cli(demo_db, "create-user", "--username", "max", "--role", "nurse", "--facility", "999001")
    assert no_stdin.returncode == 2


def test_audit_verify_detects_tampering(demo_db: Path, tmp_path: Path) -> None:
    import shutil
    import sqlite3

    intact = _cli(demo_db, "audit-verify")
    assert intact.returncode == 0 and "intact" in intact.stdout
    copy = tmp_path / "tampered.sqlite"
    shutil.copyfile(demo_db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("DROP TRIGGER audit_event_no_update")
        target = conn.execute("select id from audit_event order by id limit 1 offset 2").fetchone()[0]
        conn.execute("update audit_event set outcome = 'forged' where id = ?", (target,))
    tampered = _cli(copy, "audit-verify")
    assert tampered.returncode == 1 and f"audit row {target}" in tampered.stdout


def test_migrate_fails_loudly_on_a_broken_database(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a sqlite database" * 100)
    result = _cli(path, "migrate")
    assert result.returncode != 0
