"""Login, session rotation, timeouts, logout, throttling, CSRF and cookie flags."""

from __future__ import annotations

from typing import Any

import time_machine

from facility.core.settings import Settings


async def test_login_page_contract(client: Any) -> None:
    page = await client.get("/login")
    assert page.status_code == 200
    assert (
        'name="username"' in page.text
        and 'name="password"' in page.text
        and 'name="_csrf_token"' in page.text
    )
    assert 'action="/login"' in page.text


async def test_login_redirects_home_with_logout_control(client: Any, world: Any) -> None:
    response = await client.login("coord_a")
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = await client.get("/")
    assert home.status_code == 200
    assert "Log out" in home.text


async def test_unknown_user_and_wrong_password_look_the_same(client: Any, world: Any) -> None:
    wrong = await client.login("coord_a", "not the password")
    unknown = await client.login("nobody_here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Invalid username or password." in wrong.text and "Invalid username or password." in unknown.text


async def test_session_id_rotated_at_login_and_planted_id_stays_anonymous(
    client: Any, make_client: Any, world: Any
) -> None:
    """Session fixation (ASVS 5.0 7.2.4): an attacker-planted id must not become the victim's session."""
    planted = "a" * 64
    client.client.cookies.set("session", planted, domain="testserver.local")
    await client.login("coord_a")
    issued = client.client.cookies.get("session")
    assert issued and issued != planted
    assert (await client.get("/residents")).status_code == 200

    attacker = await make_client()
    attacker.client.cookies.set("session", planted, domain="testserver.local")
    response = await attacker.get("/residents", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/login"


async def test_existing_anonymous_session_is_replaced_at_login(client: Any, world: Any) -> None:
    await client.get("/login")
    await client.post("/language", {"lang": "es"})  # creates an anonymous session
    before = client.client.cookies.get("session")
    assert before
    await client.login("coord_a")
    after = client.client.cookies.get("session")
    assert after and after != before


async def test_idle_timeout_logs_out_and_htmx_gets_401_redirect(client: Any, world: Any) -> None:
    with time_machine.travel(0, tick=True) as traveller:
        traveller.move_to("2026-11-25 08:00:00+00:00")
        await client.login("coord_a")
        assert (await client.get("/residents")).status_code == 200
        traveller.shift(15 * 60 + 1)
        full = await client.get("/residents", follow_redirects=False)
        assert full.status_code == 302 and full.headers["location"] == "/login"
        assert "Anders" not in full.text
        partial = await client.get("/residents", headers={"HX-Request": "true"}, follow_redirects=False)
        assert partial.status_code == 401 and partial.headers["hx-redirect"] == "/login"
        assert "Anders" not in partial.text


async def test_activity_keeps_session_alive_until_absolute_limit(client: Any, world: Any) -> None:
    with time_machine.travel(0, tick=True) as traveller:
        traveller.move_to("2026-11-25 07:00:00+00:00")
        await client.login("coord_a")
        for _ in range(12 * 6):  # a request every 10 minutes for 12 hours
            traveller.shift(10 * 60)
            response = await client.get("/health")
            if (await client.get("/", follow_redirects=False)).status_code != 200:
                break
        traveller.shift(60)
        response = await client.get("/", follow_redirects=False)
        assert response.status_code == 302


async def test_logout_invalidates_session_on_server(client: Any, make_client: Any, world: Any) -> None:
    await client.login("coord_a")
    cookie = client.client.cookies.get("session")
    page = await client.get("/")
    response = await client.post("/logout", follow_redirects=False)
    assert response.status_code == 303
    replay = await make_client()
    replay.client.cookies.set("session", cookie, domain="testserver.local")
    assert (await replay.get("/residents", follow_redirects=False)).status_code == 302
    assert page.status_code == 200


async def test_disabled_account_loses_its_sessions(client: Any, world: Any) -> None:
    from facility.tables import User

    await client.login("nurse_a")
    assert (await client.get("/residents")).status_code == 200
    await User.update({User.active: False}).where(User.username_key == "nurse_a")
    assert (await client.get("/residents", follow_redirects=False)).status_code == 302


async def test_login_throttled_per_account(client: Any, world: Any) -> None:
    for _ in range(10):
        await client.login("coord_a", "wrong password!")
    blocked = await client.login("coord_a", "correct horse battery")
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text
    unknown = await client.login("ghost", "x" * 9)
    assert unknown.status_code == 401  # other names are not blocked by coord_a's failures


async def test_post_without_csrf_token_is_403(client: Any, world: Any) -> None:
    await client.login("coord_a")
    response = await client.post("/residents", {"last_name": "X"}, token=False)
    assert response.status_code == 403
    wrong = await client.client.post("/residents", data={"last_name": "X", "_csrf_token": "0" * 40})
    assert wrong.status_code == 403
    login_without = await client.client.post(
        "/login", data={"username": "coord_a", "password": "correct horse battery"}
    )
    assert login_without.status_code == 403


async def test_password_hashes_are_argon2id(db: Any, world: Any) -> None:
    from facility.tables import User

    hashes = await User.select(User.password_hash)
    assert hashes and all(h["password_hash"].startswith("$argon2id$") for h in hashes)
    assert all("m=19456" in h["password_hash"] or "m=65536" in h["password_hash"] for h in hashes)


async def test_usernames_unique_case_insensitively(db: Any, world: Any) -> None:
    import pytest

    from facility.auth.service import UserError, create_user

    with pytest.raises(UserError, match="username_taken"):
        await create_user("Coord_A", "another long password", "nurse", ["365001"])


def test_production_cookie_flags_and_secret_rules() -> None:
    import pytest

    with pytest.raises(ValueError):
        Settings.from_env({"MDSREADY_ENV": "production"})
    with pytest.raises(ValueError):
        Settings.from_env(
            {"MDSREADY_ENV": "production", "MDSREADY_SECRET_KEY": "x" * 40, "MDSREADY_SECURE_COOKIES": "0"}
        )
    prod = Settings.from_env({"MDSREADY_ENV": "production", "MDSREADY_SECRET_KEY": "x" * 40})
    assert prod.secure_cookies and prod.session_cookie_name == "__Host-session"
    assert prod.csrf_cookie_name == "__Host-csrftoken"


async def test_production_session_cookie_has_host_prefix_secure_httponly(db: Any, world: Any) -> None:
    from litestar.testing import AsyncTestClient

    from facility.app import create_app

    prod = Settings.from_env(
        {
            "MDSREADY_ENV": "production",
            "MDSREADY_SECRET_KEY": "y" * 40,
            "MDSREADY_ALLOWED_HOSTS": "testserver.local",
        }
    )
    async with AsyncTestClient(app=create_app(prod), base_url="https://testserver.local") as c:
        page = await c.get("/login")
        assert "max-age=31536000" in page.headers["strict-transport-security"]
        import re

        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
        response = await c.post(
            "/login", data={"username": "coord_a", "password": "correct horse battery", "_csrf_token": token}
        )
        cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
        session_cookie = next(v for v in cookies if v.startswith("__Host-session="))
        assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "Path=/" in session_cookie
        assert "Domain" not in session_cookie and "samesite=lax" in session_cookie.lower()
        csrf_cookies = [v for k, v in page.headers.multi_items() if k == "set-cookie"]
        assert any(v.startswith("__Host-csrftoken=") and "Secure" in v for v in csrf_cookies)
