"""The audit trail: one row per change, append-only in the database, tamper detection by hash chain."""

from __future__ import annotations

from typing import Any

import pytest


async def test_one_audit_row_per_change_with_before_and_after(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}/edit")
    start = await AuditEvent.count()
    data = {
        "last_name": "Anders",
        "first_name": "Test",
        "birth_date": "1940-05-01",
        "sex": "F",
        "room": "333C",
        "version": "1",
    }
    assert (
        await client.post(f"/residents/{world.resident_a}", data, follow_redirects=False)
    ).status_code == 303
    rows = (await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True))[start:]
    updates = [r for r in rows if r["action"] == "update"]
    assert len(updates) == 1
    row = updates[0]
    assert row["before"]["room"] == "101A" and row["after"]["room"] == "333C"
    assert (
        row["user_id"] is not None and row["resident_id"] == world.resident_a and row["at"].tzinfo is not None
    )


async def test_audit_table_refuses_update_and_delete(db: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    assert await AuditEvent.count() > 0
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.update({AuditEvent.actor: "mallory"}, force=True)
    with pytest.raises(Exception, match="append-only"):
        await AuditEvent.delete(force=True)


async def test_verify_chain_names_first_tampered_row(db: Any, world: Any) -> None:
    from facility.core.audit import verify_chain
    from facility.core.settings import get_settings
    from facility.tables import AuditEvent

    total, broken = await verify_chain()
    assert total >= 6 and broken is None  # one row per user created by the fixture
    target = (await AuditEvent.select(AuditEvent.id).order_by(AuditEvent.id))[3]["id"]
    # A privileged attacker with direct database access disables the guard first.
    if get_settings().is_postgres:
        await db.run_ddl("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        await db.run_ddl(f"UPDATE audit_event SET actor = 'mallory' WHERE id = {target}")
        await db.run_ddl("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        await db.run_ddl("DROP TRIGGER audit_event_no_update")
        await db.run_ddl(f"UPDATE audit_event SET actor = 'mallory' WHERE id = {target}")
    total, broken = await verify_chain()
    assert broken is not None and broken[0] == target and "altered" in broken[1]


async def test_removed_row_breaks_the_link(db: Any, world: Any) -> None:
    from facility.core.audit import first_broken_row
    from facility.tables import AuditEvent

    rows = await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    del rows[2]
    broken = first_broken_row(rows)
    assert broken is not None and broken[0] == rows[2]["id"] and "link" in broken[1]


async def test_failed_login_and_denials_are_audited(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("viewer_a", "wrong password!!")
    failures = await AuditEvent.select().where(
        (AuditEvent.action == "login") & (AuditEvent.outcome == "failure")
    )
    assert len(failures) == 1 and failures[0]["actor"] == "viewer_a"
    await client.login("viewer_a")
    await client.get("/admin/audit")
    denied = await AuditEvent.select().where(
        (AuditEvent.action == "denied") & (AuditEvent.actor == "viewer_a")
    )
    assert len(denied) == 1


async def test_admin_audit_page_filters(client: Any, world: Any) -> None:
    await client.login("admin_a")
    full = await client.get("/admin/audit?action=login")
    assert full.status_code == 200 and "admin_a" in full.text
    partial = await client.get("/admin/audit?action=create&actor=system", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="audit-rows"' in partial.text
    assert ">login<" not in partial.text
