"""Database and HTTP fixtures: every test gets a fresh, fully migrated database.

SQLite: migrations run once into a template file, then each test works on its own copy.
PostgreSQL (TEST_DATABASE_URL): migrations run once into a reset schema, each test truncates.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from facility.core.settings import get_settings

_TEMPLATE_READY = False


def _all_tables() -> list[Any]:
    from piccolo.conf.apps import Finder

    return Finder().get_table_classes()


async def _prepare_template() -> None:
    from facility.core.commands import run_migrations
    from facility.core.db import engine

    if get_settings().is_postgres:
        db = engine()
        await db.run_ddl("DROP SCHEMA IF EXISTS public CASCADE")
        await db.run_ddl("CREATE SCHEMA public")
    ok = await run_migrations()
    assert ok, "migrations failed"


@pytest.fixture(scope="session")
def migrated_template() -> Path | None:
    global _TEMPLATE_READY
    if not _TEMPLATE_READY:
        # A thread of its own: an event loop may already be running in this one (sync Playwright).
        worker = threading.Thread(target=lambda: asyncio.run(_prepare_template()))
        worker.start()
        worker.join()
        _TEMPLATE_READY = True
    return None if get_settings().is_postgres else get_settings().db_path


@pytest.fixture
async def db(migrated_template: Path | None, tmp_path: Path) -> AsyncIterator[Any]:
    from facility.core.db import PooledSQLiteEngine, engine

    tables = _all_tables()
    if migrated_template is None:  # PostgreSQL
        pg = engine()
        names = ", ".join(t._meta.tablename for t in tables)
        await pg.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        yield pg
        return
    path = tmp_path / "test.sqlite"
    shutil.copyfile(migrated_template, path)
    sqlite = PooledSQLiteEngine(path=str(path), timeout=10)  # the engine piccolo_conf.py gives the app
    previous = {t: t._meta.db for t in tables}
    for table in tables:
        table._meta.db = sqlite
    try:
        yield sqlite
    finally:
        for table, old in previous.items():
            table._meta.db = old
        sqlite.close_pool()


@dataclass
class World:
    """Two facilities (A and B) with units, residents and one user per role in A; a nurse in B."""

    facility_a: int
    facility_b: int
    unit_a: int
    unit_b: int
    resident_a: int
    resident_b: int
    stay_a: int
    stay_b: int


PASSWORD = "correct horse battery"
ROLE_USERS = {
    "admin_a": "admin",
    "coord_a": "mds_coordinator",
    "nurse_a": "nurse",
    "um_a": "um_reviewer",
    "viewer_a": "viewer",
}


@pytest.fixture
async def world(db: Any) -> World:
    from facility.auth.service import create_user
    from facility.tables import Facility, Resident, Stay, StayEvent, Unit

    fa = Facility(name="Alpha Nursing", ccn="365001", state="OH")
    fb = Facility(name="Beta Care", ccn="365002", state="OH")
    await fa.save()
    await fb.save()
    ua, ub = Unit(facility=fa.id, name="North"), Unit(facility=fb.id, name="South")
    await ua.save()
    await ub.save()
    for username, role in ROLE_USERS.items():
        await create_user(username, PASSWORD, role, ["365001"], display_name=username.title())
    await create_user("nurse_b", PASSWORD, "nurse", ["365002"])
    from facility.tables import User

    actor = (await User.select(User.id).where(User.username_key == "coord_a").first())["id"]
    ids = {}
    for key, facility, unit, name in (("a", fa, ua, "Anders"), ("b", fb, ub, "Bernal")):
        r = Resident(
            facility=facility.id,
            unit=unit.id,
            last_name=name,
            first_name="Test",
            birth_date=date(1940, 5, 1),
            sex="F",
            room="101A",
            created_by=actor,
            updated_by=actor,
        )
        await r.save()
        s = Stay(
            resident=r.id,
            facility=facility.id,
            admission_date=date(2026, 1, 10),
            created_by=actor,
            updated_by=actor,
        )
        await s.save()
        await StayEvent(stay=s.id, kind="admission", event_date=date(2026, 1, 10), created_by=actor).save()
        ids[key] = (r.id, s.id)
    return World(fa.id, fb.id, ua.id, ub.id, ids["a"][0], ids["b"][0], ids["a"][1], ids["b"][1])


_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


class Browserish:
    """An AsyncTestClient plus the CSRF token of the last page, like a browser tab."""

    def __init__(self, client: AsyncTestClient) -> None:
        self.client = client
        self.token = ""

    async def get(self, url: str, **kw: Any) -> Any:
        response = await self.client.get(url, **kw)
        match = _CSRF.search(response.text)
        if match:
            self.token = match.group(1)
        return response

    async def post(
        self, url: str, data: dict[str, Any] | None = None, *, token: bool = True, **kw: Any
    ) -> Any:
        if not self.token:
            await self.get("/login")
        payload = dict(data or {})
        if token:
            payload.setdefault("_csrf_token", self.token)
        return await self.client.post(url, data=payload, **kw)

    async def login(self, username: str, password: str = PASSWORD) -> Any:
        await self.get("/login")
        return await self.post("/login", {"username": username, "password": password}, follow_redirects=False)


@pytest.fixture
async def app(db: Any) -> Any:
    from facility.app import create_app

    return create_app()


@pytest.fixture
async def client(app: Any) -> AsyncIterator[Browserish]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        yield Browserish(c)


@pytest.fixture
async def make_client(app: Any) -> AsyncIterator[Any]:
    """Factory for extra independent browsers (a second user, an attacker)."""
    opened: list[AsyncTestClient] = []

    async def factory() -> Browserish:
        from facility.app import create_app

        # Each extra browser gets its own app instance (same database): sharing one app's lifespan between
        # several open clients hung at teardown.
        c = AsyncTestClient(app=create_app(), base_url="http://testserver.local")
        await c.__aenter__()
        opened.append(c)
        return Browserish(c)

    yield factory
    for c in opened:
        await c.__aexit__(None, None, None)
