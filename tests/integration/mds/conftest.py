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
    response = await client.post(
        f"/mds/residents/{world.resident_a}/assessments",
        {"rfa": rfa, "ard": ard, "stay_id": str(world.stay_a), **extra},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    return int(response.headers["location"].rsplit("/", 1)[1])


async def section_version(assessment_id: int, section: str) -> int:
    from mds.tables import AssessmentSection

    row = (
        await AssessmentSection.select(AssessmentSection.version)
        .where((AssessmentSection.assessment == assessment_id) & (AssessmentSection.section == section))
        .first()
    )
    return int(row["version"])


def complete_answers(isc: str, section: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """A valid answer for every item of the section (first listed value; dates; numbers in range)."""
    from mds.assessments.services import section_items
    from mds.record.catalog import get_catalog

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


PPS_DISCHARGE = "99-99-99-1"  # A0310H=1 standalone Part A PPS discharge (ISC NPE): small, not comprehensive


async def fill_all(
    client: Any,
    assessment_id: int,
    isc: str,
    seed: int = 2,
    version: str = "1.20.1",
    signed_on: str = "20260122",
) -> dict[str, str]:
    """Post every section with a record from mds.record.testing (valid for the edits; seed 2 gives an
    admission with A0310E=1 on NC) on item set `version`, CAA/care-plan dates `signed_on`; returns the section
    statuses shown after each save."""
    import random

    from mds.assessments.services import entry_sections, section_items
    from mds.record.testing import random_assessment

    record = random_assessment(random.Random(seed), isc=isc, version=version)
    from mds.assessments.services import assessment_answers

    fixed = await assessment_answers(assessment_id)  # our RFA, ARD and prefilled dates win
    for key in (
        "A0310A",
        "A0310B",
        "A0310E",
        "A0310F",
        "A0310G",
        "A0310H",
        "A2300",
        "A1600",
        "A1900",
        "A0900",
    ):
        if key in fixed:
            record[key] = fixed[key]
    for k in ("K0520A2", "K0520B2", "K0520Z2"):  # -4055: ARD 2026-01-20 is 10 days after entry 2026-01-10
        if k in record:
            record[k] = "^"
    for k in ("V0200B2", "V0200C2"):  # CAA and care-plan signatures come after the ARD (-3851)
        if k in record:
            record[k] = signed_on
    statuses = {}
    for section in entry_sections(isc, version):
        data = {i: record.get(i, "") for i in section_items(isc, section, version)}
        data["version"] = str(await section_version(assessment_id, section))
        response = await client.post(
            f"/mds/assessments/{assessment_id}/sections/{section}", data, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200, response.text[:500]
        marker = 'data-testid="section-status">'
        statuses[section] = response.text.split(marker, 1)[1].split("<", 1)[0]
    return statuses
