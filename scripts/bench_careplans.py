"""Compliance recompute for a 120-resident facility (issue 6 asks < 1 s).

Builds a throw-away SQLite database with the demo facility (120 residents, their care plans and,
where the MDS domain provides them, assessments), then times `careplans.plans.services.facility_compliance`
(every query plus the pure roll-up), and the pure roll-up alone. Prints the figures.
Usage: .venv/bin/python scripts/bench_careplans.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def main() -> None:
    from careplans.plans import services
    from careplans.rules import compliance
    from facility.app import PLUGINS
    from facility.core.commands import run_migrations
    from facility.core.demo import DEMO_CCN, create_demo
    from facility.core.plugins import activate

    activate(PLUGINS)  # demo extenders come from the plugins
    from facility.tables import Facility

    assert await run_migrations(), "migrations failed"
    await create_demo(date.today())
    facility = await Facility.select(Facility.id).where(Facility.ccn == DEMO_CCN).first()
    census = await services.census(facility["id"])
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        data = await services.facility_compliance(facility["id"])
        timings.append(time.perf_counter() - start)
    rollup = data["rollup"]
    print(f"residents in the building: {len(census)} (of 120 demo residents)")
    print(
        f"facility compliance (queries + rules): best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms "
        f"(target < 1000 ms); {rollup.percent_compliant}% compliant, {len(rollup.findings)} findings"
    )
    # The pure roll-up on 120 residents (the census above padded by repetition to exactly 120).
    inputs = await services.compliance_inputs(census)
    inputs = (inputs * (120 // max(len(inputs), 1) + 1))[:120]
    start = time.perf_counter()
    compliance.facility_rollup(inputs, services.now())
    print(f"pure roll-up, 120 residents: {(time.perf_counter() - start) * 1000:.1f} ms")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MDSREADY_DB_PATH"] = str(Path(tmp) / "bench.sqlite")
        os.environ.pop("DATABASE_URL", None)
        from facility.core.commands import _ensure_conf_importable

        _ensure_conf_importable()
        asyncio.run(main())
