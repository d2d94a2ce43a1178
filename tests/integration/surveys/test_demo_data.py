"""The demo facility looks like a real one: QM rates near the CMS averages, current item sets only,
PDPM from every signed PPS record, Section V decided on every signed comprehensive record.

The CMS averages are computed here from ../shared/data/surveys/mds_quality_measures_djen-97ju_sample289.csv
(four-quarter average scores, mean over the facilities in the file), not from the project's code.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

TODAY = date(2026, 12, 5)
# Four complete quarters before TODAY, as CMS's four-quarter average score.
QUARTERS = ("2025Q4", "2026Q1", "2026Q2", "2026Q3")


def cms_averages(shared_data: Path) -> dict[str, float]:
    scores: dict[str, list[float]] = defaultdict(list)
    with (shared_data / "surveys" / "mds_quality_measures_djen-97ju_sample289.csv").open(
        newline="", encoding="utf-8"
    ) as fh:
        for row in csv.DictReader(fh):
            value = row["Four Quarter Average Score"].strip()
            if value:
                scores[row["Measure Code"]].append(float(value))
    return {code: sum(v) / len(v) for code, v in scores.items()}


def band(average: float) -> tuple[float, float]:
    """A demo of ~70 long-stay residents moves 1.5 points per resident: 5 points or half the average, whichever is wider."""
    width = max(5.0, average / 2)
    return max(0.0, average - width), average + width


@pytest.fixture
async def demo(db: Any) -> int:
    from facility.core.demo import create_demo
    from facility.tables import Facility

    assert await create_demo(TODAY)
    return int((await Facility.select(Facility.id).where(Facility.ccn == "999001").first())["id"])


async def test_demo_qm_rates_near_cms_averages(demo: int, shared_data: Path) -> None:
    from surveys.qm import rules as qm
    from surveys.qm import services as qm_services

    averages = cms_averages(shared_data)
    result = await qm_services.facility_qm(demo, QUARTERS)
    pooled: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for quarter in QUARTERS:
        for code, rate in result.rates[quarter].items():
            pooled[code][0] += rate.numerator
            pooled[code][1] += rate.denominator
    outside = {}
    for code in qm.MEASURES:
        numerator, denominator = pooled[code]
        assert denominator > 0, f"QM {code} has no resident in its denominator"
        percent = 100 * numerator / denominator
        low, high = band(averages[code])
        if not low <= percent <= high:
            outside[code] = (round(percent, 1), round(low, 1), round(high, 1))
    assert outside == {}
    # the long-stay antipsychotic measure reads N0415A1 from entered data
    assert pooled["481"][0] > 0


async def test_demo_records_are_current_and_coherent(demo: int) -> None:
    from mds.assessments.services import answers_for, assessments_for_facility
    from mds.pdpm import rules as pdpm

    rows = [a for group in (await assessments_for_facility(demo)).values() for a in group]
    assert rows and all(a["ard"] >= date(2023, 10, 1) for a in rows if a.get("ard"))
    signed_pps = [a for a in rows if a["status"] == "completed" and a["a0310b"] in ("01", "08")]
    records = await answers_for([a["id"] for a in signed_pps])
    assert signed_pps
    hipps = [pdpm.classify(records[a["id"]]).hipps for a in signed_pps]
    assert sum(h is not None for h in hipps) >= 0.8 * len(
        hipps
    )  # a few primary diagnoses are Return to Provider codes
    for a in signed_pps:
        record = records[a["id"]]
        assert record.get("I0020B") and record.get("I0020")
        assert record.get("N0415A1") in ("0", "1")


async def test_signed_comprehensive_records_have_section_v_decisions(demo: int) -> None:
    from careplans.plans import services as cp
    from mds.assessments.services import answers_for, assessments_for_facility

    rows = [a for group in (await assessments_for_facility(demo)).values() for a in group]
    comprehensive = [a for a in rows if a.get("is_comprehensive") and a["status"] == "completed"]
    records = await answers_for([a["id"] for a in comprehensive])
    decided = defaultdict(set)
    for row in await cp.decisions_for([a["id"] for a in comprehensive]):
        decided[row["assessment_id"]].add(row["caa"])
        assert row["care_plan"] in ("yes", "no") and row["analysis"] and row["signed_by"]
        assert row["care_plan"] == "yes" or row["rationale"]
    for a in comprehensive:
        triggered = {t.caa for t in cp.record_triggers(records[a["id"]])}
        assert triggered <= decided[a["id"]], a["id"]
