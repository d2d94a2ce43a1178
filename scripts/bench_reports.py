"""Page times of the utilization board, the quality-measures page, the monthly report (HTML/CSV/PDF) and
the chain roll-up on the demo data (p50/p95), through the whole app (routing, auth, session, audit, templates).

Builds a throw-away SQLite database with the demo facility (or uses DATABASE_URL when given: a PostgreSQL
database that is migrated and gets the demo if it has none). The monthly report is cached for 60 s per
facility and month, so it is timed cold (cache cleared before each request) and warm.
Usage: .venv/bin/python scripts/bench_reports.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = [
    ("utilization board", "um", "demo-um-pass", "/utilization", None),
    ("utilization stay page", "um", "demo-um-pass", "/utilization/stays/{stay}", None),
    ("quality measures", "admin", "demo-admin-pass", "/quality-measures", None),
    ("monthly report, cold", "admin", "demo-admin-pass", "/reports/monthly", "cold"),
    ("monthly report, warm", "admin", "demo-admin-pass", "/reports/monthly", None),
    ("monthly report CSV, warm", "admin", "demo-admin-pass", "/reports/monthly.csv", None),
    ("monthly report PDF, warm", "admin", "demo-admin-pass", "/reports/monthly.pdf", None),
    ("chain roll-up, cold", "admin", "demo-admin-pass", "/reports/chain", "cold"),
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main(runs: int) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from litestar.testing import AsyncTestClient

    from facility.app import PLUGINS, create_app
    from facility.core.commands import run_migrations
    from facility.core.demo import DEMO_CCN, create_demo
    from facility.core.plugins import activate

    activate(PLUGINS)  # demo extenders come from the plugins
    from facility.tables import Facility, Stay
    from surveys.qm import services as qm_services
    from surveys.reports import services as reports
    from tests.integration.conftest import Browserish

    assert await run_migrations(), "migrations failed"
    await create_demo(date.today())
    facility = await Facility.select(Facility.id).where(Facility.ccn == DEMO_CCN).first()
    stay = (
        await Stay.select(Stay.id)
        .where((Stay.facility == facility["id"]) & (Stay.status == "in_facility"))
        .first()
    )
    clear: dict[str | None, Callable[[], None]] = {
        "cold": lambda: (reports.clear_cache(), qm_services.clear_cache())
    }
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8}   ({runs} requests each, SQLite demo: 120 residents)")
    clients: dict[str, Browserish] = {}
    async with (
        AsyncTestClient(app=create_app(), base_url="http://testserver.local") as raw_um,
        AsyncTestClient(app=create_app(), base_url="http://testserver.local") as raw_admin,
    ):
        for name, raw in (("um", raw_um), ("admin", raw_admin)):
            clients[name] = Browserish(raw)
            await clients[name].login(name, f"demo-{name}-pass")
        for label, user, _, url, mode in PAGES:
            client = clients[user]
            target = url.format(stay=stay["id"])
            first = await client.get(target)  # warm-up and sanity check
            assert first.status_code == 200, (target, first.status_code, first.text[:300])
            times = []
            for _ in range(runs):
                if mode in clear:
                    clear[mode]()
                start = time.perf_counter()
                response = await client.get(target)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            print(f"{label:32} {statistics.median(times):8.1f} {_pct(times, 0.95):8.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="5 requests per page (make bench --quick)")
    args, _ = parser.parse_known_args()  # scripts/bench.py passes its arguments to every benchmark
    if args.quick:
        args.runs = 5
    with tempfile.TemporaryDirectory() as tmp:
        if not os.environ.get("DATABASE_URL"):
            os.environ["MDSREADY_DB_PATH"] = str(Path(tmp) / "bench.sqlite")
        os.environ.setdefault("MDSREADY_SECRET_KEY", "bench-secret-key-0123456789abcdef0123456789")
        os.environ.setdefault(
            "MDSREADY_ENV", "development"
        )  # plain-http session cookie for the in-process client
        from facility.core.commands import _ensure_conf_importable

        _ensure_conf_importable()
        asyncio.run(main(args.runs))
