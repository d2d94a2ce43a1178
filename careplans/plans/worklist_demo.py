"""Demo changes in condition for the worklists (runs after careplans.demo): one resident whose IDT determined a
significant change 4 days ago (the 14-day SCSA clock runs on the coordinator's worklist) and one care-plan
problem flagged as changed 2 days ago (the 7-day revision clock runs on the nursing worklist). Deterministic:
the first residents in name order that fit, skipping the care-plan walkthrough resident (fresh plan)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from careplans.plans import services
from careplans.tables import Problem
from facility.tables import Stay, StayEvent, User

SCSA_DAYS_AGO = 4
CHANGE_DAYS_AGO = 2


async def extend_demo(facility_id: int, today: date) -> None:
    coordinator = await User.select().where(User.username_key == "coordinator").first()
    if coordinator is None:
        return
    census = await services.census(facility_id)
    problems = await services.problems_for([r["id"] for r in census])
    with_plan = [r for r in census if problems.get(r["id"])]
    if len(with_plan) < 2:
        return
    scsa, changed = with_plan[0], with_plan[1]
    determined = today - timedelta(days=SCSA_DAYS_AGO)
    stay: dict[str, Any] = scsa["stay"]
    if stay["admission_date"] < determined:
        await StayEvent(
            stay=stay["id"],
            kind="significant_change",
            event_date=determined,
            note="IDT: decline in ADLs and new weight loss",
            created_by=coordinator["id"],
        ).save()
        await Stay.update({Stay.version: Stay.version + 1}).where(Stay.id == stay["id"])
    problem = next(p for p in problems[changed["id"]] if p["status"] == "active")
    at = datetime.combine(today - timedelta(days=CHANGE_DAYS_AGO), time(10, 0), tzinfo=UTC)
    await Problem.update({Problem.needs_changed_at: at, Problem.version: Problem.version + 1}).where(
        Problem.id == problem["id"]
    )
