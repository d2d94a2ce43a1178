"""A 50-facility chain (5,000 residents, ~100,000 assessments) on SQLite and on PostgreSQL: page times of the
facility dashboards, the monthly report and the chain roll-up (p50/p95), through the whole app (routing, auth,
session, audit, templates).

How the chain is built (one run, a few minutes):
1. one seed facility from the demo generator with 100 residents admitted over five years, so the RAI
   schedule gives each long-stay resident its real quarterly/annual chain and each Medicare stay its PPS
   records (the same code as `mdsready demo`: care plans, surveys, utilization review, submissions);
2. a history multiplier: the seed's signed records are copied a year, two years … back (older quarters the
   pages must not read) until the seed holds ~2,000 assessments;
3. the seed is copied in the database (INSERT … SELECT with id offsets, every facility-scoped table of every
   domain) into 49 more facilities across several states.

Goals (issue 8): p95 < 50 ms per facility page, < 500 ms for the chain roll-up.
Usage: .venv/bin/python scripts/bench_chain.py [--runs N] [--backend sqlite|postgres|both] [--facilities N]
PostgreSQL: PG_URL (default postgresql://postgres@127.0.0.1:5432/test) names the server; the benchmark creates
and drops its own database `mdsready_bench_chain` there.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESIDENTS_PER_FACILITY = 100
HISTORY_DAYS = 5 * 365
TARGET_ASSESSMENTS_PER_FACILITY = 2_000
STATES = ("OH", "PA", "IN", "MI", "KY")
BENCH_DB = "mdsready_bench_chain"

# Tables that are not copied per facility: users and their access, sessions, the audit chain (hash-linked, one per
# installation) and the CMS public data.
NOT_COPIED = {
    "app_user",
    "user_facility",
    "session_record",
    "login_failure",
    "audit_event",
    "cms_deficiency",
    "facility",
}
# Integer columns that hold another table's id without a foreign key (they cross a domain boundary).
SOFT_REFERENCES = {
    ("triple_check", "assessment_id"): "assessment",
    ("caa_decision", "assessment_id"): "assessment",
    ("problem", "assessment_id"): "assessment",
    ("assessment", "carried_from"): "assessment",
}

# (label, user, url, mode): mode None = the page again (its data kept since the last view: facility.core.datacache),
# "write" = a write in the facility before each request (what the first view after a nurse's save costs),
# "cold" = every cache emptied before each request (the first view after a restart).
PAGES = [
    ("home", "coordinator", "/", None),
    ("residents", "coordinator", "/residents", None),
    ("MDS dashboard", "coordinator", "/mds/dashboard", None),
    ("MDS dashboard, after a write", "coordinator", "/mds/dashboard", "write"),
    ("care-plan compliance", "coordinator", "/careplans/compliance", None),
    ("care-plan compliance, after a write", "coordinator", "/careplans/compliance", "write"),
    ("survey readiness", "admin", "/surveys/dashboard", None),
    ("survey readiness, after a write", "admin", "/surveys/dashboard", "write"),
    ("utilization board", "um", "/utilization", None),
    ("quality measures", "admin", "/quality-measures", None),
    ("quality measures, cold", "admin", "/quality-measures", "cold"),
    ("monthly report", "admin", "/reports/monthly", None),
    ("monthly report, after a write", "admin", "/reports/monthly", "write"),
    ("monthly report, cold", "admin", "/reports/monthly", "cold"),
    ("chain roll-up", "admin", "/reports/chain", None),
    ("chain roll-up, refreshed after a write", "admin", "/reports/chain?refresh=true", "write"),
    ("chain roll-up, cold", "admin", "/reports/chain", "cold"),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- building the chain


def _tables() -> list[Any]:
    """Piccolo tables in foreign-key order (parents first)."""
    from piccolo.apps.migrations.auto.migration_manager import sort_table_classes
    from piccolo.conf.apps import Finder

    return sort_table_classes(Finder().get_table_classes())


def _copy_sql(table: Any, offsets: dict[str, int], copies: int, postgres: bool) -> str | None:
    """INSERT … SELECT copying every original row of `table` `copies` times with its ids (and the ids it
    references) moved by one offset per copy."""
    from piccolo.columns import ForeignKey

    name = table._meta.tablename
    if name in NOT_COPIED:
        return None
    columns, values = [], []
    for column in table._meta.columns:
        db_name = column._meta.db_column_name
        columns.append(f'"{db_name}"')
        target = None
        if db_name == "id":
            target = name
        elif isinstance(column, ForeignKey):
            target = column._foreign_key_meta.resolved_references._meta.tablename
            target = None if target in NOT_COPIED - {"facility"} else target
        elif (name, db_name) in SOFT_REFERENCES:
            target = SOFT_REFERENCES[(name, db_name)]
        if not offsets.get(target or "", 0):  # not moved: users, or a table this copy leaves alone
            values.append(f't."{db_name}"')
        else:
            values.append(f't."{db_name}" + k.n * {offsets[target]}')
    series = (
        f"SELECT generate_series(1, {copies}) AS n"
        if postgres
        else (
            f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {copies}) SELECT n FROM s"
        )
    )
    return (
        f'INSERT INTO "{name}" ({", ".join(columns)}) SELECT {", ".join(values)} '
        f'FROM "{name}" AS t CROSS JOIN ({series}) AS k WHERE t.id <= {offsets[name]}'
    )


async def _max_ids(tables: list[Any]) -> dict[str, int]:
    out = {}
    for table in tables:
        row = await table.raw(f'SELECT COALESCE(MAX(id), 0) AS m FROM "{table._meta.tablename}"')
        out[table._meta.tablename] = int(row[0]["m"])
    return out


async def _multiply_history(facility_id: int, target: int) -> int:
    """Copies the seed's signed assessments (with their sections, attestations and versions) 1, 2 … years back
    until the facility holds about `target` assessments: old quarters that a page for today must not read."""
    from mds.tables import Assessment, AssessmentAttestation, AssessmentSection, AssessmentVersion

    tables = [Assessment, AssessmentSection, AssessmentAttestation, AssessmentVersion]
    seed_max = (await _max_ids([Assessment]))["assessment"]  # copies are always of the seed's own records
    year = 0
    while (missing := target - await Assessment.count().where(Assessment.facility == facility_id)) > 0:
        year += 1
        offsets = await _max_ids(tables)
        # the oldest `missing` signed records of the seed (all of them when fewer) go one more year back
        last = await Assessment.raw(
            f"SELECT id FROM assessment WHERE status = 'completed' AND id <= {seed_max} "
            f"ORDER BY id LIMIT 1 OFFSET {missing - 1}"
        )
        cutoff = last[0]["id"] if last else seed_max
        chosen = f"SELECT id FROM assessment WHERE status = 'completed' AND id <= {cutoff}"
        shift = 364 * year  # whole weeks: weekday-sensitive rules see the same pattern
        for table in tables:
            sql = _copy_sql(table, offsets, 1, _is_postgres())
            assert sql is not None
            if table is Assessment:
                for column in ('t."ard"', 't."z0500b"'):
                    sql = sql.replace(column, _date_minus(column, shift))
                sql += f" AND t.id IN ({chosen})"
            else:
                sql += f' AND t."assessment" IN ({chosen})'
            await table.raw(sql)
    return await Assessment.count().where(Assessment.facility == facility_id)


def _is_postgres() -> bool:
    from facility.core.db import is_sqlite

    return not is_sqlite()


def _date_minus(expr: str, days: int) -> str:
    return f"({expr} - INTERVAL '{days} days')::date" if _is_postgres() else f"date({expr}, '-{days} days')"


async def _reset_sequences(tables: list[Any]) -> None:
    if not _is_postgres():
        return
    for table in tables:
        name = table._meta.tablename
        await table.raw(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"
        )


async def build_chain(facilities: int, today: date) -> dict[str, Any]:
    from facility.app import PLUGINS
    from facility.core.db import write_transaction
    from facility.core.demo import create_demo
    from facility.core.plugins import activate

    activate(PLUGINS)  # demo extenders come from the plugins
    from facility.tables import Facility, Resident
    from mds.tables import Assessment, AssessmentSection

    started = time.perf_counter()
    await create_demo(today, residents=RESIDENTS_PER_FACILITY, history_days=HISTORY_DAYS)
    seeded = time.perf_counter()
    seed = await Facility.select().where(Facility.is_demo == True).first()
    assert seed is not None and seed["id"] == 1, "the chain benchmark needs a fresh database"
    await _multiply_history(seed["id"], TARGET_ASSESSMENTS_PER_FACILITY)
    tables = _tables()
    offsets = await _max_ids(tables)
    copies = facilities - 1
    async with write_transaction():
        for k in range(1, copies + 1):
            await Facility.insert(
                Facility(
                    id=1 + k * offsets["facility"],
                    name=f"Sunrise Care Center {k + 1:02d}",
                    ccn=f"{990000 + k:06d}",
                    state=STATES[k % len(STATES)],
                    npi=seed["npi"],
                    is_demo=False,
                )
            )
        for table in tables:
            sql = _copy_sql(table, offsets, copies, _is_postgres())
            if sql is not None:
                await table.raw(sql)
    await _reset_sequences(tables)
    # The demo's coordinator, nurse and UM reviewer work in the seed facility only; the chain-wide admin sees all.
    await Facility.raw("ANALYZE")
    return {
        "facilities": await Facility.count(),
        "residents": await Resident.count(),
        "assessments": await Assessment.count(),
        "sections": await AssessmentSection.count(),
        "seed_seconds": round(seeded - started, 1),
        "copy_seconds": round(time.perf_counter() - seeded, 1),
    }


# ---------------------------------------------------------------- timing


async def time_pages(runs: int) -> list[tuple[str, float, float]]:
    import logging

    import httpx

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from litestar.testing import AsyncTestClient

    from facility.app import create_app
    from facility.core import datacache
    from surveys.qm import services as qm_services
    from surveys.reports import services as reports
    from tests.integration.conftest import Browserish

    def cold() -> None:
        reports.clear_cache()  # the chain roll-up and facility.core.datacache
        qm_services.clear_cache()

    seed = 1  # the facility the coordinator, UM reviewer and (first in the list) the chain admin look at
    before = {None: lambda: None, "write": lambda: datacache.note_write(seed), "cold": cold}

    out = []
    # One app (one lifespan: on PostgreSQL one connection pool on one event loop), one cookie jar per user.
    async with AsyncTestClient(app=create_app(), base_url="http://testserver.local") as raw:
        jars = {}
        for name in ("coordinator", "um", "admin"):
            raw.cookies = httpx.Cookies()
            await Browserish(raw).login(name, f"demo-{name}-pass")
            jars[name] = raw.cookies
        client = Browserish(raw)
        for label, user, url, mode in PAGES:
            raw.cookies = jars[user]
            first = await client.get(url)  # warm-up and sanity check
            assert first.status_code == 200, (url, first.status_code, first.text[:300])
            times = []
            for _ in range(
                min(runs, 5) if mode == "cold" and url.startswith("/reports/chain") else runs
            ):  # 50 facilities each
                before[mode]()
                start = time.perf_counter()
                response = await client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            out.append((label, statistics.median(times), _pct(times, 0.95)))
    return out


async def run(backend: str, runs: int, facilities: int) -> None:
    from facility.core.commands import run_migrations

    assert await run_migrations(), "migrations failed"
    today = date.today()
    from facility.tables import Facility

    if await Facility.count() > 1:  # --sqlite-path of an earlier run: time the pages again on the same chain
        from facility.tables import Resident
        from mds.tables import Assessment, AssessmentSection

        figures = {
            "facilities": await Facility.count(),
            "residents": await Resident.count(),
            "assessments": await Assessment.count(),
            "sections": await AssessmentSection.count(),
            "seed_seconds": 0,
            "copy_seconds": 0,
        }
    else:
        figures = await build_chain(facilities, today)
    print(
        f"[{backend}] chain: {figures['facilities']} facilities, {figures['residents']:,} residents, "
        f"{figures['assessments']:,} assessments ({figures['sections']:,} section rows); seed {figures['seed_seconds']} s, "
        f"copies {figures['copy_seconds']} s",
        flush=True,
    )
    print(f"[{backend}] {'page':40} {'p50 ms':>8} {'p95 ms':>8} {'goal':>8}   ({runs} requests each)")
    for label, p50, p95 in await time_pages(runs):
        goal = 500 if label.startswith("chain") else 50
        print(
            f"[{backend}] {label:40} {p50:8.1f} {p95:8.1f} {goal:8d}  {'ok' if p95 < goal else 'OVER'}",
            flush=True,
        )


def _pg_reachable(url: str) -> bool:
    async def probe() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(url, timeout=3)
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return False
        await conn.close()
        return True

    return asyncio.run(probe())


def _pg_database(url: str, action: str) -> str:
    async def go() -> None:
        import asyncpg

        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            if action == "create":
                await conn.execute(f"CREATE DATABASE {BENCH_DB}")
        finally:
            await conn.close()

    asyncio.run(go())
    return url.rsplit("/", 1)[0] + "/" + BENCH_DB


def child(backend: str, runs: int, facilities: int) -> None:
    from facility.core.commands import _ensure_conf_importable

    _ensure_conf_importable()
    asyncio.run(run(backend, runs, facilities))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--facilities", type=int, default=50)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument(
        "--quick", action="store_true", help="10 facilities, 5 requests per page (make bench --quick)"
    )
    parser.add_argument(
        "--sqlite-path", help="keep the SQLite chain in this file and reuse it when it exists"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # scripts/bench.py passes its arguments to every benchmark
    if args.quick:
        args.runs, args.facilities = 5, 10
    if args.child:
        child(args.backend, args.runs, args.facilities)
        return 0
    env = {
        **os.environ,
        "MDSREADY_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "MDSREADY_ENV": "development",
    }  # plain-http session cookie for the in-process client
    env.pop("DATABASE_URL", None)
    failed = 0
    argv = [
        sys.executable,
        __file__,
        "--child",
        "--runs",
        str(args.runs),
        "--facilities",
        str(args.facilities),
    ]
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            path = args.sqlite_path or str(Path(tmp) / "chain.sqlite")
            result = subprocess.run(
                [*argv, "--backend", "sqlite"], cwd=ROOT, env={**env, "MDSREADY_DB_PATH": path}
            )
            failed += result.returncode != 0
    if args.backend in ("postgres", "both"):
        server = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
        if not _pg_reachable(server):
            print("[postgres] not reachable at PG_URL; skipped")
        else:
            url = _pg_database(server, "create")
            try:
                result = subprocess.run(
                    [*argv, "--backend", "postgres"], cwd=ROOT, env={**env, "DATABASE_URL": url}
                )
                failed += result.returncode != 0
            finally:
                _pg_database(server, "drop")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
