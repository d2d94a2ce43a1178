"""Benchmark: MDS section saves through the whole web stack (ASGI test client, no network).

A fresh SQLite file gets the migrations and the demo data; the demo coordinator starts a comprehensive
admission (ISC NC, 644 active items: the largest item subset of v1.20.1) on a demo resident, then every
section is saved --saves times as an htmx request (CSRF, session, role guard, tenant check, skip
patterns, section-scoped CMS edits, optimistic-lock UPDATE, audit row, fragment rendering).
Prints p50/p95 per section and overall. Target (issue 5): every section save answers in < 100 ms.
Usage: python scripts/bench_mds_entry.py [--saves 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _run(saves: int) -> int:
    from litestar.testing import AsyncTestClient

    from facility.app import PLUGINS, create_app
    from facility.core.commands import run_migrations
    from facility.core.demo import create_demo
    from facility.core.plugins import activate

    activate(PLUGINS)  # demo extenders come from the plugins
    from facility.tables import Resident, Stay
    from mds.assessments.services import entry_sections, section_items
    from mds.record.testing import random_assessment
    from mds.tables import AssessmentSection
    from tests.integration.conftest import csrf_from

    assert await run_migrations()
    await create_demo()
    stay = await Stay.select().where(Stay.status == "in_facility").order_by(Stay.id).first()
    resident = await Resident.select(Resident.id).where(Resident.id == stay["resident"]).first()
    record = random_assessment(random.Random(2), isc="NC")
    async with AsyncTestClient(app=create_app(), base_url="http://testserver.local") as client:
        token = csrf_from((await client.get("/login")).text)
        await client.post(
            "/login",
            data={"username": "coordinator", "password": "demo-coordinator-pass", "_csrf_token": token},
        )
        token = csrf_from((await client.get(f"/residents/{resident['id']}?tab=assessments")).text)
        started = await client.post(
            f"/mds/residents/{resident['id']}/assessments",
            follow_redirects=False,
            data={
                "rfa": "01-99-99-0",
                "ard": stay["admission_date"].isoformat(),
                "stay_id": str(stay["id"]),
                "_csrf_token": token,
            },
        )
        assert started.status_code == 303, started.text[-500:]
        assessment_id = int(started.headers["location"].rsplit("/", 1)[1])
        floor: list[float] = []
        for _ in range(saves):  # the app's floor on this machine: an authenticated page with a few queries
            t0 = time.perf_counter()
            await client.get(f"/residents/{resident['id']}", headers={"HX-Request": "true"})
            floor.append((time.perf_counter() - t0) * 1000)
        times: dict[str, list[float]] = {}
        for section in entry_sections("NC"):
            ids = section_items("NC", section)
            data = {i: record.get(i, "") for i in ids}
            for _ in range(saves):
                row = (
                    await AssessmentSection.select(AssessmentSection.version)
                    .where(
                        (AssessmentSection.assessment == assessment_id)
                        & (AssessmentSection.section == section)
                    )
                    .first()
                )
                payload = {**data, "version": str(row["version"]), "_csrf_token": token}
                t0 = time.perf_counter()
                response = await client.post(
                    f"/mds/assessments/{assessment_id}/sections/{section}",
                    data=payload,
                    headers={"HX-Request": "true"},
                )
                times.setdefault(section, []).append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (section, response.status_code)
    every = [t for ts in times.values() for t in ts]
    print(f"MDS section saves, ISC NC, {saves} saves per section, {len(every)} saves (ms)")
    print(f"{'section':>8} {'items':>6} {'p50':>8} {'p95':>8}")
    for section, ts in times.items():
        print(
            f"{section:>8} {len(section_items('NC', section)):>6} {statistics.median(ts):8.1f} {_percentile(ts, 0.95):8.1f}"
        )
    print(
        f"baseline GET /residents/<id> (htmx): p50 {statistics.median(floor):.1f} ms, p95 {_percentile(floor, 0.95):.1f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    worst = max(_percentile(ts, 0.95) for ts in times.values())
    print(
        f"{'all':>8} {'':>6} {statistics.median(every):8.1f} {_percentile(every, 0.95):8.1f}   worst section p95 {worst:.1f} ms "
        f"(target < 100 ms: {'met' if worst < 100 else 'NOT met'})"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-mds-entry-")
    os.environ["MDSREADY_DB_PATH"] = str(Path(tmp) / "bench.sqlite")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("MDSREADY_SECRET_KEY", "bench-secret-key-0123456789abcdef0123456789")
    from facility.core.commands import _ensure_conf_importable

    _ensure_conf_importable()
    return asyncio.run(_run(args.saves))


if __name__ == "__main__":
    sys.exit(main())
