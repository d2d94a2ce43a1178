from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from careplans.rules.compliance import (
    Assessment,
    CarePlan,
    CarePlanProblem,
    Goal,
    Intervention,
    Resident,
    check_resident,
    comprehensive_care_plan_due,
    facility_rollup,
)

ADMIT = datetime(2025, 10, 1, 14, 30)
IV = (Intervention("i1", "Toilet every 2 h while awake", "Nursing", "q2h", "CNA"),)


def _resident(plan: CarePlan | None = None, assessments=(), admitted=ADMIT) -> Resident:
    return Resident(
        "r1", "Test Resident", admitted, plan or CarePlan(baseline_completed_at=admitted), tuple(assessments)
    )


def _codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


# --- F655 baseline: 48 hours -------------------------------------------------------------


@pytest.mark.parametrize(
    ("done_after", "now_after", "expected"),
    [
        (timedelta(hours=48), timedelta(days=3), []),  # exactly 48 h: on time
        (timedelta(hours=48, minutes=1), timedelta(days=3), ["baseline_late"]),
        (None, timedelta(hours=48), ["baseline_due"]),  # not done, deadline not passed
        (None, timedelta(hours=48, minutes=1), ["baseline_missing"]),
    ],
)
def test_baseline_48h_boundary(done_after, now_after, expected):
    done = ADMIT + done_after if done_after is not None else None
    findings = check_resident(_resident(CarePlan(baseline_completed_at=done)), ADMIT + now_after)
    assert _codes(findings) == expected
    assert all(f.ftag == "F655" for f in findings)


def test_baseline_missing_is_high_and_counts_days():
    (f,) = check_resident(_resident(CarePlan()), ADMIT + timedelta(days=5))
    assert (f.severity, f.due, f.days_overdue) == ("high", date(2025, 10, 3), 3)
    assert "48 h" in f.message["en"] and "48 h" in f.message["es"]


# --- F657 comprehensive care plan: 7 days after V0200B2, <= 21 days after admission ------

B2 = date(2025, 10, 10)


@pytest.mark.parametrize(
    ("c2", "today", "expected"),
    [
        (B2 + timedelta(days=7), B2 + timedelta(days=30), []),
        (B2 + timedelta(days=8), B2 + timedelta(days=30), ["care_plan_late"]),
        (None, B2 + timedelta(days=7), ["care_plan_due"]),
        (None, B2 + timedelta(days=8), ["care_plan_missing"]),
    ],
)
def test_comprehensive_care_plan_7_day_boundary(c2, today, expected):
    annual = Assessment("a1", "03", ard=B2 - timedelta(days=3), v0200b2=B2, v0200c2=c2)
    plan = CarePlan(baseline_completed_at=ADMIT, review_dates=(today,))
    findings = check_resident(_resident(plan, [annual]), datetime.combine(today, datetime.min.time()))
    assert _codes(findings) == expected
    assert all(f.ftag == "F657" for f in findings)


def test_admission_care_plan_capped_at_21_days():
    late_caa = Assessment("a1", "01", ard=date(2025, 10, 14), v0200b2=date(2025, 10, 20))
    assert comprehensive_care_plan_due(late_caa, ADMIT) == date(2025, 10, 22)  # admit + 21 < b2 + 7
    early_caa = Assessment("a1", "01", ard=date(2025, 10, 5), v0200b2=date(2025, 10, 8))
    assert comprehensive_care_plan_due(early_caa, ADMIT) == date(2025, 10, 15)
    no_caa_yet = Assessment("a1", "01", ard=date(2025, 10, 5))
    assert comprehensive_care_plan_due(no_caa_yet, ADMIT) == date(2025, 10, 22)
    quarterly = Assessment("a2", "02", ard=date(2025, 12, 20))
    assert comprehensive_care_plan_due(quarterly, ADMIT) is None


# --- F657 92-day review ------------------------------------------------------------------


@pytest.mark.parametrize(("days", "expected"), [(92, []), (93, ["not_reviewed_92"])])
def test_review_92_day_boundary(days, expected):
    last = date(2025, 10, 20)
    plan = CarePlan(baseline_completed_at=ADMIT, review_dates=(last,))
    now = datetime.combine(last + timedelta(days=days), datetime.min.time())
    findings = check_resident(_resident(plan), now)
    assert _codes(findings) == expected
    if expected:
        assert findings[0].days_overdue == 1 and findings[0].ftag == "F657"


def test_review_required_after_quarterly():
    q = Assessment("q1", "02", ard=date(2025, 12, 28), completed_on=date(2025, 12, 30))
    base = CarePlan(baseline_completed_at=ADMIT, review_dates=(date(2025, 12, 1),))
    now = datetime(2026, 1, 7)  # completed + 8 days
    assert _codes(check_resident(_resident(base, [q]), now)) == ["review_after_assessment_missing"]
    assert _codes(check_resident(_resident(base, [q]), datetime(2026, 1, 6))) == []  # day 7
    reviewed = CarePlan(baseline_completed_at=ADMIT, review_dates=(date(2025, 12, 1), date(2026, 1, 2)))
    assert _codes(check_resident(_resident(reviewed, [q]), now)) == []


# --- F656 content ------------------------------------------------------------------------


def test_triggered_area_needs_problem_or_reason():
    a = Assessment(
        "a1",
        "01",
        ard=date(2025, 10, 7),
        v0200b2=date(2025, 10, 8),
        v0200c2=date(2025, 10, 9),
        triggered_caas=(11, 16, 19),
    )
    plan = CarePlan(
        baseline_completed_at=ADMIT,
        problems=(CarePlanProblem("p1", "Risk for falls", caa=11, interventions=IV),),
        no_care_plan_caas={19: "Pain controlled on current regimen; resident declines plan", 16: "  "},
        review_dates=(date(2025, 10, 9),),
    )
    findings = check_resident(_resident(plan, [a]), datetime(2025, 10, 20))
    assert [(f.code, f.ref, f.severity) for f in findings] == [("triggered_unaddressed", "16", "high")]


def test_problem_and_goal_content():
    today = date(2025, 11, 1)
    problems = (
        CarePlanProblem("p1", "Pain", caa=19, goals=(Goal("g1", "Pain <= 3/10", date(2025, 10, 31)),)),
        CarePlanProblem(
            "p2",
            "Falls",
            caa=11,
            interventions=IV,
            goals=(
                Goal("g2", "No falls", None),
                Goal("g3", "Walks 50 ft", date(2025, 11, 1)),
                Goal("g4", "Met goal", date(2025, 10, 1), met=True),
            ),
        ),
        CarePlanProblem("p3", "Resolved", status="resolved"),
    )
    plan = CarePlan(baseline_completed_at=ADMIT, problems=problems, review_dates=(date(2025, 10, 15),))
    findings = check_resident(_resident(plan), datetime.combine(today, datetime.min.time()))
    assert [(f.code, f.ref, f.ftag) for f in findings] == [
        ("problem_no_interventions", "p1", "F656"),
        ("goal_past_target", "g1", "F657"),
        ("goal_no_target", "g2", "F656"),
    ]
    assert findings[1].days_overdue == 1


def test_revision_when_problem_changes():
    changed = datetime(2025, 10, 10, 9)
    p = CarePlanProblem(
        "p1",
        "Skin integrity",
        caa=16,
        interventions=IV,
        needs_changed_at=changed,
        last_revised_at=datetime(2025, 10, 5),
    )
    plan = CarePlan(baseline_completed_at=ADMIT, problems=(p,), review_dates=(date(2025, 10, 5),))
    assert _codes(check_resident(_resident(plan), datetime(2025, 10, 17))) == []
    assert _codes(check_resident(_resident(plan), datetime(2025, 10, 18))) == [
        "revision_after_change_missing"
    ]
    revised = CarePlanProblem(
        "p1",
        "Skin integrity",
        caa=16,
        interventions=IV,
        needs_changed_at=changed,
        last_revised_at=datetime(2025, 10, 11),
    )
    plan2 = CarePlan(baseline_completed_at=ADMIT, problems=(revised,), review_dates=(date(2025, 10, 11),))
    assert _codes(check_resident(_resident(plan2), datetime(2025, 10, 18))) == []


# --- facility roll-up --------------------------------------------------------------------


def _facility(n: int) -> list[Resident]:
    residents = []
    for i in range(n):
        admitted = ADMIT - timedelta(days=i)
        a = Assessment(
            f"a{i}",
            "01",
            ard=admitted.date() + timedelta(days=5),
            v0200b2=admitted.date() + timedelta(days=6),
            v0200c2=admitted.date() + timedelta(days=10),
            triggered_caas=(2, 11, 16),
        )
        problems = tuple(
            CarePlanProblem(
                f"p{i}-{c}",
                f"focus {c}",
                caa=c,
                interventions=IV,
                goals=(Goal(f"g{i}-{c}", "goal", date(2026, 3, 1)),),
            )
            for c in (2, 11, 16)
        )
        baseline = admitted + timedelta(hours=24 if i % 4 else 60)  # every 4th resident late
        residents.append(
            Resident(
                f"r{i}",
                f"R{i}",
                admitted,
                CarePlan(baseline, problems, (admitted.date() + timedelta(days=10),)),
                (a,),
            )
        )
    return residents


def test_facility_rollup_counts():
    roll = facility_rollup(_facility(8), datetime(2025, 10, 30))
    assert roll.residents == 8 and roll.compliant == 6
    assert roll.percent_compliant == 75.0
    assert roll.by_code == {"baseline_late": 2} and roll.by_ftag == {"F655": 2}


def test_facility_rollup_empty():
    assert facility_rollup([], datetime(2025, 10, 30)).percent_compliant == 100.0


def test_120_residents_rollup():
    # Speed is measured by scripts/bench_careplans.py (no timed assertions in tests).
    roll = facility_rollup(_facility(120), datetime(2025, 10, 30))
    assert roll.residents == 120 and roll.by_code["baseline_late"] == 30  # every 4th resident
