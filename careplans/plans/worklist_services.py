"""Data for the nurse's worklist and the facility compliance list (queries; the rows are careplans.worklist).

Read in bulk through careplans.services (census, compliance_inputs, facility_review) and kept until the
facility's next write (facility.datacache), keyed by the hour like the compliance page (deadlines are dates).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careplans.plans import services
from careplans.plans import worklist as rows
from careplans.rules import compliance as cmp
from facility.core import datacache
from facility.core.worklist import Item

REVIEW_DAYS = 3  # undocumented interventions: the documentation review page's default


@dataclass(frozen=True)
class FacilityPlans:
    inputs: tuple[cmp.Resident, ...]
    people: dict[int, dict[str, Any]]
    rollup: cmp.FacilityRollup


async def facility_plans(facility_id: int) -> FacilityPlans:
    hour = services.now().replace(minute=0, second=0, microsecond=0)
    return await datacache.cached(
        facility_id, "careplans.worklist", hour, lambda: _facility_plans(facility_id)
    )


async def _facility_plans(facility_id: int) -> FacilityPlans:
    residents = await services.census(facility_id)
    inputs = tuple(await services.compliance_inputs(residents))
    rollup = cmp.facility_rollup(inputs, services.now())
    return FacilityPlans(inputs, {int(r["id"]): r for r in residents}, rollup)


async def _review(facility_id: int) -> list[dict[str, Any]]:
    hour = services.now().replace(minute=0, second=0, microsecond=0)
    return await datacache.cached(
        facility_id,
        "careplans.worklist.review",
        hour,
        lambda: services.facility_review(facility_id, REVIEW_DAYS),
    )


async def compliance_items(facility_id: int) -> tuple[list[Item], cmp.FacilityRollup]:
    plans = await facility_plans(facility_id)
    return rows.compliance_items(plans.inputs, plans.people, plans.rollup.findings), plans.rollup


async def nurse_items(facility_id: int, today: date) -> list[Item]:
    plans = await facility_plans(facility_id)
    review = await _review(facility_id)
    return rows.nurse_items(plans.inputs, plans.people, plans.rollup.findings, review, today)
