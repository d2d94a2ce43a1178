"""TOTP MFA with recovery codes (SECURITY.md target 13) and break-glass access with review (target 2)."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
import time_machine

PASSWORD = "correct horse battery"


@pytest.fixture
def mfa_required(monkeypatch: Any) -> None:
    """The production setting: administrators and signers must use a second factor."""
    from dataclasses import replace

    from facility.core import settings

    current = settings.get_settings()
    monkeypatch.setattr(settings, "get_settings", lambda: replace(current, mfa_required=True))
    for module in ("facility.auth.mfa", "facility.auth.throttle"):
        monkeypatch.setattr(f"{module}.get_settings", lambda: replace(current, mfa_required=True))


def _secret(page: str) -> str:
    match = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page)
    assert match, "set-up page shows no key"
    return match.group(1)


async def _enroll(client: Any, username: str) -> tuple[str, list[str]]:
    response = await client.login(username)
    assert response.status_code == 303 and response.headers["location"] == "/login/mfa/setup"
    assert (
        await client.get("/residents", follow_redirects=False)
    ).status_code == 302  # no session before the code
    await client.login(username)  # leaving the half-finished login dropped it: start again
    page = await client.get("/login/mfa/setup")
    secret = _secret(page.text)
    bad = await client.post("/login/mfa/setup", {"code": "000000"})
    assert bad.status_code == 422
    done = await client.post("/login/mfa/setup", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.text)
    assert len(codes) == 10
    return secret, codes


async def test_admin_without_mfa_is_blocked_until_enrolled(
    client: Any, world: Any, mfa_required: None
) -> None:
    await _enroll(client, "admin_a")
    assert (await client.get("/admin/audit")).status_code == 200


async def test_totp_valid_reused_drift_and_recovery_code(
    client: Any, make_client: Any, world: Any, mfa_required: None
) -> None:
    from facility.tables import AuditEvent

    secret, codes = await _enroll(client, "coord_a")
    totp = pyotp.TOTP(secret)
    with time_machine.travel(time.time() + 300, tick=False):
        other = await make_client()
        first = await other.login("coord_a")
        assert first.headers["location"] == "/login/mfa"
        await other.get("/login/mfa")
        drift = totp.at(time.time() - 30)  # the previous 30-second step: accepted (clock drift)
        ok = await other.post("/login/mfa", {"code": drift}, follow_redirects=False)
        assert ok.status_code == 303 and (await other.get("/residents")).status_code == 200
        await other.post("/logout")
        await other.login("coord_a")
        await other.get("/login/mfa")
        reused = await other.post("/login/mfa", {"code": drift})
        assert reused.status_code == 401  # a code works once
        far = await other.post("/login/mfa", {"code": totp.at(time.time() - 120)})
        assert far.status_code == 401
        recovery = await other.post("/login/mfa", {"code": codes[0].upper()}, follow_redirects=False)
        assert recovery.status_code == 303
        await other.post("/logout")
        await other.login("coord_a")
        await other.get("/login/mfa")
        assert (await other.post("/login/mfa", {"code": codes[0]})).status_code == 401  # spent
    assert await AuditEvent.count().where(AuditEvent.outcome == "mfa_failure") == 3


async def test_mfa_optional_in_development_and_viewer_never_asked(
    client: Any, world: Any, mfa_required: None
) -> None:
    viewer = await client.login("viewer_a")
    assert viewer.headers["location"] == "/"  # a read-only role signs nothing


async def test_mfa_codes_are_throttled(client: Any, world: Any, mfa_required: None) -> None:
    await _enroll(client, "nurse_a")
    await client.post("/logout")
    await client.login("nurse_a")
    await client.get("/login/mfa")
    statuses = [(await client.post("/login/mfa", {"code": f"{n:06d}"})).status_code for n in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[-1] == 429


async def test_optional_enrolment_from_the_account_page(client: Any, world: Any) -> None:
    await client.login("coord_a")  # development setting: no second factor asked
    page = await client.get("/account/mfa")
    secret = _secret(page.text)
    done = await client.post("/account/mfa", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "Recovery codes" in done.text
    await client.post("/logout")
    again = await client.login("coord_a")
    assert again.headers["location"] == "/login/mfa"  # once on, it is always asked


# --- break-glass --------------------------------------------------------------------------------


async def test_break_glass_reason_grant_alert_review_and_expiry(
    client: Any, make_client: Any, world: Any
) -> None:
    from facility.tables import AdminAlert, AuditEvent, BreakGlass

    await client.login("nurse_b")
    url = f"/emergency/residents/{world.resident_a}"
    assert (
        await client.get(f"/residents/{world.resident_a}")
    ).status_code == 404  # ordinary route: other facility
    without = await client.get(url)
    assert without.status_code == 403 and "Anders" not in without.text
    short = await client.post(url, {"reason": "urgent"})
    assert short.status_code == 403 and await BreakGlass.count() == 0
    with time_machine.travel(time.time(), tick=False) as traveller:
        granted = await client.post(
            url,
            {"reason": "Transferred to our ER unconscious; need allergies and code status."},
            follow_redirects=False,
        )
        assert granted.status_code == 303
        page = await client.get(url)
        assert (
            page.status_code == 200
            and "Anders" in page.text
            and 'data-testid="emergency-banner"' in page.text
        )
        assert await AuditEvent.count().where(AuditEvent.action == "emergency") == 1
        assert await AdminAlert.count().where(AdminAlert.kind == "emergency") == 1
        traveller.shift(4 * 3600 + 1)
        client.client.cookies.clear()
        await client.login("nurse_b")
        expired = await client.get(url)
        assert expired.status_code == 403 and "Anders" not in expired.text
    admin = await make_client()
    await admin.login("admin_a")
    security = await admin.get("/admin/security")
    assert "nurse_b" in security.text and "need allergies" in security.text
    grant_id = (await BreakGlass.select(BreakGlass.id).first())["id"]
    reviewed = await admin.post(
        f"/admin/security/break-glass/{grant_id}/review",
        {"note": "Checked with the ER: justified."},
        follow_redirects=False,
    )
    assert reviewed.status_code == 303
    row = await BreakGlass.select().first()
    assert row["reviewed_at"] is not None and row["review_note"] == "Checked with the ER: justified."


async def test_break_glass_roles_and_search(client: Any, world: Any) -> None:
    from facility.tables import Resident

    await Resident.update({Resident.medicare_number: "1EG4TE5MK73"}).where(Resident.id == world.resident_a)
    await client.login("viewer_a")
    assert (await client.get(f"/emergency/residents/{world.resident_a}")).status_code == 403
    await client.login("nurse_b")
    found = await client.get("/emergency?mbi=1eg4te5mk73&last_name=anders")
    assert found.status_code == 200 and f"/emergency/residents/{world.resident_a}" in found.text
    assert (
        f"/emergency/residents/{world.resident_a}"
        not in (await client.get("/emergency?mbi=1EG4TE5MK73&last_name=x")).text
    )
    own = await client.get(f"/emergency/residents/{world.resident_b}", follow_redirects=False)
    assert own.status_code == 303  # a resident of the user's own facility needs no emergency access
