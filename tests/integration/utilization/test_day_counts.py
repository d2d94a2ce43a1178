"""Medicare A day counts, appeal deadlines, ICD-10-CM format and the Triple Check (pure rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from facility.utilization.forms import (
    CoveredSpan,
    covered_days_between,
    default_appeal_deadline,
    length_of_stay,
    medicare_a_days,
    normalise_icd10,
    spans_from_stays,
    triple_check,
    validate_appeal,
    validate_diagnosis,
)

D0 = date(2026, 1, 1)


def day(n: int) -> date:
    """The calendar date of stay day n (day 1 = admission)."""
    return D0 + timedelta(days=n - 1)


@pytest.mark.parametrize(
    ("through_day", "used", "full", "coins", "left", "exhausted"),
    [
        (1, 1, 1, 0, 99, False),
        (20, 20, 20, 0, 80, False),  # last day without coinsurance
        (21, 21, 20, 1, 79, False),  # first coinsurance day
        (99, 99, 20, 79, 1, False),
        (100, 100, 20, 80, 0, True),  # last covered day
        (130, 100, 20, 80, 0, True),  # benefit exhausted, count capped
    ],
)
def test_single_stay_boundaries(
    through_day: int, used: int, full: int, coins: int, left: int, exhausted: bool
) -> None:
    result = medicare_a_days([CoveredSpan(D0)], day(through_day))
    assert (
        result.days_used,
        result.full_days,
        result.coinsurance_days,
        result.days_left,
        result.exhausted,
    ) == (used, full, coins, left, exhausted)
    assert result.coinsurance_from == day(21)
    assert result.last_covered_day == day(100)


def test_readmission_in_same_benefit_period_continues_the_count() -> None:
    # 15 days (discharge day not counted), 10 days in hospital, back for 10 days -> day 25, 5 coinsurance days
    spans = [CoveredSpan(day(1), day(16)), CoveredSpan(day(26), None, after_inpatient=True)]
    result = medicare_a_days(spans, day(35))
    assert (result.days_used, result.coinsurance_days) == (25, 5)
    assert result.coinsurance_from == day(26) + timedelta(
        days=5
    )  # day 21 of the benefit falls in the second span
    assert result.benefit_period_start == day(1)


@pytest.mark.parametrize(
    ("gap", "after_inpatient", "expected"), [(59, False, 15), (60, False, 5), (90, True, 15)]
)
def test_sixty_day_break_starts_a_new_benefit_period(gap: int, after_inpatient: bool, expected: int) -> None:
    first = CoveredSpan(day(1), day(11))
    second = CoveredSpan(day(11 + gap), None, after_inpatient)
    assert medicare_a_days([first, second], day(11 + gap + 4)).days_used == expected


def test_prior_days_used_elsewhere_count() -> None:
    result = medicare_a_days([CoveredSpan(D0)], day(5), prior_days_used=18)
    assert (result.days_used, result.coinsurance_days, result.coinsurance_from) == (23, 3, day(3))


def test_spans_from_stays_and_claim_days() -> None:
    events = [
        {"id": 1, "kind": "admission", "event_date": day(1)},
        {"id": 2, "kind": "discharge_return_anticipated", "event_date": day(16)},
        {"id": 3, "kind": "reentry", "event_date": day(26)},
    ]
    stays = [
        {
            "id": 7,
            "admission_date": day(1),
            "payer": "medicare_a",
            "admitted_from": "acute hospital",
            "events": events,
        },
        {"id": 8, "admission_date": day(1), "payer": "medicaid", "events": events},
    ]
    spans = spans_from_stays(stays, {})
    assert spans == [CoveredSpan(day(1), day(16), True), CoveredSpan(day(26), None, True)]
    assert spans_from_stays(stays, {7: "private"}) == []
    assert covered_days_between(spans, date(2026, 1, 1), date(2026, 1, 31)) == 15 + 6
    assert length_of_stay(day(1), day(16), day(40)) == 15
    assert length_of_stay(day(1), None, day(40)) == 40


@pytest.mark.parametrize(
    ("payer", "kind", "expected"),
    [
        ("medicare_a", "nomnc", 1),
        ("medicare_advantage", "nomnc", 1),
        ("medicare_a", "claim_denial", 120),
        ("medicare_advantage", "denial_letter", 65),
        ("medicaid", "denial_letter", None),
        ("private", "claim_denial", None),
    ],
)
def test_default_appeal_deadlines(payer: str, kind: str, expected: int | None) -> None:
    deadline = default_appeal_deadline(payer, kind, D0)
    assert (None if deadline is None else (deadline - D0).days) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("S72.001A", "S72.001A"),
        ("s72001a", "S72.001A"),
        ("I10", "I10"),
        ("U07.1", "U07.1"),
        ("E11.65", "E11.65"),
        ("72.001", None),
        ("S7", None),
        ("S72.00123", None),
        ("SS2.1", None),
        ("", None),
    ],
)
def test_icd10_format(raw: str, expected: str | None) -> None:
    assert normalise_icd10(raw) == expected
    _, errors = validate_diagnosis({"item": "I8000", "code": raw})
    assert ("code" in errors) == (expected is None)


def test_triple_check_status() -> None:
    ticks = {
        k: True
        for k in ("diagnoses_match", "therapy_minutes", "qualifying_stay", "notices", "occurrence_codes")
    }
    assert triple_check("KAUE1", "KAUE1", 14, 14, D0, day(14), ticks).status == "passed"
    assert triple_check("KAUE1", "KBUE1", 14, 14, D0, day(14), ticks).status == "failed"
    assert triple_check("KAUE1", "KAUE1", 15, 14, D0, day(14), ticks).status == "failed"
    assert triple_check("KAUE1", "KAUE1", 14, 14, None, day(14), ticks).status == "open"
    assert triple_check("", "KAUE1", 14, 14, D0, day(14), ticks).hipps_match is None
    assert triple_check("KAUE1", "KAUE1", 14, 14, D0, day(14), {**ticks, "notices": False}).status == "open"


def test_appeal_validation() -> None:
    clean, errors = validate_appeal(
        {"level": "redetermination", "filed_date": "2026-01-05", "outcome": "upheld"}, D0, day(40)
    )
    assert errors == {"outcome_date": "Enter the date of the decision."}
    _, errors = validate_appeal({"level": "redetermination", "filed_date": "2025-12-05"}, D0, day(40))
    assert "filed_date" in errors
