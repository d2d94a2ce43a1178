"""The logged-in request path (issue 16): what each page view reads and writes, counted statement by statement.

- a page view writes no session row; the idle expiry is pushed forward at most once a minute;
- the user and the facilities they may open are read in one statement per request, so a change (a facility
  withdrawn, an account disabled) is seen on the user's very next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine

from facility.core.db import engine


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app runs while the block is open (both engines go through run_querystring)."""
    db = engine()
    seen: list[str] = []
    original = db.run_querystring

    async def spy(querystring: Any, in_pool: bool = True) -> Any:
        seen.append(str(querystring))
        return await original(querystring, in_pool=in_pool)

    db.run_querystring = spy  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del db.run_querystring


def _session_writes(seen: list[str]) -> list[str]:
    return [s for s in seen if '"session_record"' in s and not s.lstrip().upper().startswith("SELECT")]


async def test_page_views_within_a_minute_write_no_session_row(client: Any, world: Any) -> None:
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False) as traveller:
        await client.login("coord_a")
        assert (await client.get("/residents")).status_code == 200
        traveller.shift(30)
        with statements() as seen:
            for path in ("/residents", "/", f"/residents/{world.resident_a}", "/residents"):
                assert (await client.get(path)).status_code == 200
        assert _session_writes(seen) == []
        # each request still reads its session (the row is the authority: logout and revocation work)
        assert sum('"session_record"' in s for s in seen) == 4


async def test_session_expiry_renewed_once_after_a_minute_and_idle_timeout_holds(
    client: Any, world: Any
) -> None:
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False) as traveller:
        await client.login("coord_a")
        traveller.shift(61)
        with statements() as seen:
            assert (await client.get("/residents")).status_code == 200
            assert (await client.get("/residents")).status_code == 200
        writes = _session_writes(seen)
        assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
        # renewed: 14 more minutes idle are fine (15 after the renewal, not after login) ...
        traveller.shift(14 * 60)
        assert (await client.get("/residents", follow_redirects=False)).status_code == 200
        # ... and 15 minutes without a request still end the session
        traveller.shift(15 * 60 + 1)
        response = await client.get("/residents", follow_redirects=False)
        assert response.status_code == 302 and response.headers["location"] == "/login"


async def test_changed_session_data_is_written_at_once(client: Any, world: Any) -> None:
    with time_machine.travel("2026-11-25 08:00:00+00:00", tick=False):
        await client.login("coord_a")
        await client.get("/residents")
        with statements() as seen:
            response = await client.post("/language", {"lang": "es"}, follow_redirects=False)
        assert response.status_code == 303
        assert len(_session_writes(seen)) == 1
        page = await client.get("/residents")
        assert 'lang="es"' in page.text


async def test_user_and_facilities_are_one_statement_per_request(client: Any, world: Any) -> None:
    await client.login("coord_a")
    with statements() as seen:
        assert (await client.get("/residents")).status_code == 200
    user_reads = [s for s in seen if '"app_user"' in s or '"user_facility"' in s]
    assert len(user_reads) == 1


async def test_withdrawn_facility_and_disabled_account_take_effect_on_the_next_request(
    client: Any, world: Any
) -> None:
    from facility.tables import User, UserFacility

    await client.login("coord_a")
    page = await client.get(f"/residents/{world.resident_a}")
    assert page.status_code == 200 and "Anders" in page.text
    coord = (await User.select(User.id).where(User.username_key == "coord_a").first())["id"]
    await UserFacility.delete().where(UserFacility.user == coord)
    gone = await client.get(f"/residents/{world.resident_a}")
    assert gone.status_code == 404 and "Anders" not in gone.text
    await User.update({User.active: False}).where(User.id == coord)
    out = await client.get("/residents", follow_redirects=False)
    assert out.status_code == 302 and out.headers["location"] == "/login"
