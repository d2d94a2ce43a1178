"""Login throttle (issue 17 items 1 and 2; SECURITY.md target 12): atomic, keyed per account and per
address+account with backoff, never per address alone; lock-outs audited and shown to administrators."""

from __future__ import annotations

import asyncio
from typing import Any

import time_machine

PASSWORD = "correct horse battery"


async def test_forty_simultaneous_wrong_passwords_evaluate_at_most_the_limit(
    world: Any, monkeypatch: Any
) -> None:
    """Item 1: count-then-record in separate steps let all 40 be checked against a limit of 10."""
    from facility.auth import service
    from facility.core.settings import get_settings

    evaluated = 0
    real_verify = service.verify_password

    async def counting_verify(stored: Any, password: str) -> Any:
        nonlocal evaluated
        evaluated += 1
        await asyncio.sleep(0)  # let the other attempts interleave here, as a real hash does
        return await real_verify(stored, password)

    monkeypatch.setattr(service, "verify_password", counting_verify)
    results = await asyncio.gather(
        *(service.authenticate("coord_a", f"wrong guess {i:02d}", f"10.0.{i}.1") for i in range(40))
    )
    assert evaluated <= get_settings().login_max_failures
    assert sum(1 for _, reason in results if reason == "throttled") >= 40 - get_settings().login_max_failures


async def test_shared_address_never_locks_out_other_accounts(client: Any, world: Any) -> None:
    """Item 2: 50 failures from one kiosk address (many names) must not block admin's correct login there."""
    from facility.auth.service import authenticate

    for i in range(50):
        user, reason = await authenticate(f"kiosk_guess_{i % 9}", "wrong password!", "testclient")
        assert user is None
    for _ in range(12):
        await authenticate("nurse_a", "wrong password!", "testclient")
    assert (await authenticate("nurse_a", PASSWORD, "testclient"))[
        1
    ] == "throttled"  # the attacked account waits
    response = await client.login("admin_a")  # the test client's address is "testclient": the same building
    assert response.status_code == 303
    assert (await authenticate("coord_a", PASSWORD, "testclient"))[1] == ""


async def test_unknown_user_and_bad_password_throttled_alike(world: Any) -> None:
    from facility.auth.service import authenticate

    for name in ("coord_a", "nobody_at_all"):
        reasons = [(await authenticate(name, "wrong password!", "10.9.9.9"))[1] for _ in range(7)]
        assert reasons == ["invalid"] * 5 + ["throttled"] * 2  # the address+account key locks first (5)


async def test_pair_lock_delays_only_that_address_until_account_limit(world: Any) -> None:
    from facility.auth.service import authenticate

    for _ in range(6):
        await authenticate("coord_a", "wrong password!", "10.1.1.1")
    assert (await authenticate("coord_a", PASSWORD, "10.1.1.1"))[1] == "throttled"
    assert (await authenticate("coord_a", PASSWORD, "10.2.2.2"))[
        1
    ] == ""  # the nurse at the next desk logs in


async def test_backoff_doubles_and_correct_login_after_cool_down(world: Any) -> None:
    from facility.auth.service import authenticate
    from facility.auth.throttle import lock_seconds

    assert [lock_seconds(n) for n in range(6)] == [60, 120, 240, 480, 900, 900]
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False) as traveller:
        for address in range(11):
            await authenticate("coord_a", "wrong password!", f"10.3.0.{address}")
        assert (await authenticate("coord_a", PASSWORD, "10.4.0.1"))[1] == "throttled"
        traveller.shift(61)
        for address in range(11):
            await authenticate("coord_a", "wrong password!", f"10.5.0.{address}")
        traveller.shift(61)
        assert (await authenticate("coord_a", PASSWORD, "10.4.0.1"))[1] == "throttled"  # second lock: 120 s
        traveller.shift(60)
        assert (await authenticate("coord_a", PASSWORD, "10.4.0.1"))[1] == ""  # never a permanent lock-out


async def test_at_most_100_guesses_evaluated_in_an_hour_from_rotating_addresses(
    world: Any, monkeypatch: Any
) -> None:
    """SECURITY.md target 12: 150 bad passwords in an hour on one account from rotating addresses."""
    from facility.auth import service

    evaluated = 0

    async def counting_verify(stored: Any, password: str) -> Any:
        nonlocal evaluated
        evaluated += 1
        return False, None  # every guess is wrong; skipping the hash keeps the test fast

    monkeypatch.setattr(service, "verify_password", counting_verify)
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False) as traveller:
        for attempt in range(150):
            await service.authenticate("coord_a", "wrong password!", f"10.6.{attempt}.1")
            traveller.shift(24)  # 150 attempts spread over 60 minutes
    assert evaluated <= 100


async def test_lockout_is_audited_and_shown_to_the_administrator(client: Any, world: Any) -> None:
    from facility.auth.service import authenticate
    from facility.tables import AdminAlert, AuditEvent

    for _ in range(6):
        await authenticate("viewer_a", "wrong password!", "10.7.7.7")
    events = await AuditEvent.select().where(AuditEvent.action == "lockout")
    assert len(events) == 1 and events[0]["actor"] == "viewer_a" and events[0]["address"] == "10.7.7.7"
    assert await AdminAlert.count().where(AdminAlert.kind == "lockout") == 1
    await client.login("admin_a")
    page = await client.get("/admin/security")
    assert page.status_code == 200 and "pair:10.7.7.7|viewer_a" in page.text
    unlock = await client.post(
        "/admin/security/unlock", {"key": "pair:10.7.7.7|viewer_a"}, follow_redirects=False
    )
    assert unlock.status_code == 303
    assert (await authenticate("viewer_a", PASSWORD, "10.7.7.7"))[1] == ""
    nurse = await client.login("nurse_a")
    assert nurse.status_code == 303
    assert (await client.get("/admin/security")).status_code == 403
