"""Helpers for the MDS assessment tests: start an assessment and fill sections through the HTTP routes."""

from __future__ import annotations

from typing import Any

import pytest

ADMISSION = "01-99-99-0"  # A0310A=01 admission, no PPS, no discharge (ISC NC)
QUARTERLY = "02-99-99-0"  # ISC NQ


@pytest.fixture
async def rn(world: Any) -> Any:
    """Give the coordinator an RN title (the Z0500 signature requires it)."""
    from facility.tables import User

    await User.update({User.title: "RN"}).where(User.username_key.is_in(["coord_a", "nurse_a"]))
    return world


async def start(client: Any, world: Any, rfa: str = ADMISSION, ard: str = "2026-01-20", **extra: Any) -> int:
    await client.get(f"/residents/{world.resident_a}?tab=assessments")
    response = await client.post(f"/mds/residents/{world.resident_a}/assessments",
                                 {"rfa": rfa, "ard": ard, "stay_id": str(world.stay_a), **extra}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def section_version(assessment_id: int, section: str) -> int:
    from mds.tables import AssessmentSection

    row = await AssessmentSection.select(AssessmentSection.version).where(
        (AssessmentSection.assessment == assessment_id) & (AssessmentSection.section == section)).first()
    return int(row["version"])


def complete_answers(isc: str, section: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """A valid answer for every item of the section (first listed value; dates; numbers in range)."""
    from mds.catalog import get_catalog
    from mds.services import section_items

    catalog = get_catalog()
    out: dict[str, str] = {}
    for item_id in section_items(isc, section):
        item = catalog.items[item_id]
        if item.type == "code":
            out[item_id] = item.values[0]
        elif item.type == "checklist":
            out[item_id] = "0"
        elif item.type == "date":
            out[item_id] = "2026-01-15"
        elif item.type == "birthdate":
            out[item_id] = "19400501"
        elif item.type == "numeric":
            out[item_id] = str(item.min or 0)
        else:
            out[item_id] = "X"
    out.update(overrides or {})
    return out
