"""Care-plan test helpers: a fake MDS assessment source (the MDS domain's contract, monkeypatched)
and small helpers to find rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

# Admission assessment answers that trigger CAA 11 (J1700A, J1800) and CAA 16 (M0150) only. The record
# carries its item set (ITM_SET_VRSN_CD) as every MDS record does: the triggers use that set's rules.
FALLS_AND_ULCER = {
    "ITM_SET_VRSN_CD": "1.20",
    "A2300": "20260114",
    "A0310A": "01",
    "A0310B": "99",
    "A0310F": "99",
    "C0500": "14",
    "J1700A": "1",
    "J1800": "1",
    "M0150": "1",
}


def fake_assessment(
    assessment_id: int,
    *,
    ard: date = date(2026, 1, 14),
    v0200b2: date | None = None,
    kind: str = "admission",
    comprehensive: bool = True,
) -> dict[str, Any]:
    return {
        "id": assessment_id,
        "stay_id": 1,
        "kind": kind,
        "label": {"en": "Admission (OBRA)", "es": "Ingreso (OBRA)"},
        "isc": "NC",
        "ard": ard,
        "status": "in_progress",
        "is_comprehensive": comprehensive,
        "signed_at": None,
        "z0500b": None,
        "v0200b2": v0200b2,
        "v0200c2": None,
        "a0310a": "01" if kind == "admission" else "02",
    }


class FakeMds:
    """assessments_for_resident / assessment_answers as the MDS domain provides them."""

    def __init__(self) -> None:
        self.by_resident: dict[int, list[dict[str, Any]]] = {}
        self.answers: dict[int, dict[str, str]] = {}

    def add(self, resident_id: int, assessment: dict[str, Any], answers: dict[str, str]) -> None:
        self.by_resident.setdefault(resident_id, []).insert(0, assessment)
        self.answers[int(assessment["id"])] = answers

    async def assessments_for_resident(self, resident_id: int) -> list[dict[str, Any]]:
        return list(self.by_resident.get(resident_id, []))

    async def assessment_answers(self, assessment_id: int) -> dict[str, str]:
        if assessment_id not in self.answers:
            raise LookupError(assessment_id)
        return dict(self.answers[assessment_id])

    async def assessments_for_residents(
        self, resident_ids: Any, ard_from: date | None = None
    ) -> dict[int, list[dict[str, Any]]]:
        return {
            rid: [a for a in self.by_resident[rid] if ard_from is None or a["ard"] >= ard_from]
            for rid in resident_ids
            if rid in self.by_resident
        }

    async def answers_for(self, assessment_ids: Any) -> dict[int, dict[str, str]]:
        return {i: dict(self.answers[i]) for i in assessment_ids if i in self.answers}


@pytest.fixture
def mds(monkeypatch: pytest.MonkeyPatch) -> FakeMds:
    import mds.assessments.services

    fake = FakeMds()
    monkeypatch.setattr(
        mds.assessments.services, "assessments_for_resident", fake.assessments_for_resident, raising=False
    )
    monkeypatch.setattr(
        mds.assessments.services, "assessment_answers", fake.assessment_answers, raising=False
    )
    monkeypatch.setattr(
        mds.assessments.services, "assessments_for_residents", fake.assessments_for_residents, raising=False
    )
    monkeypatch.setattr(mds.assessments.services, "answers_for", fake.answers_for, raising=False)
    return fake


@pytest.fixture
def at_time(monkeypatch: pytest.MonkeyPatch) -> Any:
    """at_time(datetime) freezes the application clock (facility.core.clock.now, UTC; today() follows)."""
    from facility.core import clock

    def freeze(moment: datetime) -> None:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return freeze
