"""Care-plan compliance timing and content checks, per resident and facility-wide (pure).

Regulation (42 CFR 483.21, SOM Appendix PP):
- F655 §483.21(a): baseline care plan within 48 hours of admission.
- F657 §483.21(b)(2)(i): comprehensive care plan within 7 days after the comprehensive
  assessment is completed (CAA completion V0200B2), and for a new admission no more than 21 days
  after admission; §483.21(b)(2)(iii): reviewed and revised after each assessment (discharge
  assessments excepted) and when the resident's needs change.
- F656 §483.21(b)(1): the plan has measurable objectives and timeframes and the services to
  meet the needs the assessment found: every triggered care area is care planned or has a
  documented "no care plan" reason (RAI ch. 4), every active problem has interventions, and every
  goal has a target date.
The 92-day review interval mirrors the quarterly OBRA cycle (ARD within 92 days of the prior
OBRA ARD; RAI ch. 2): a plan untouched for longer has missed at least one cycle.

Severity: "high" = overdue and not done; "medium" = done late or content gap; "info" = due soon.
A resident is compliant when they have no high or medium finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from careplans.i18n import T_
from facility.core.forms import N_

BASELINE_HOURS = 48
CARE_PLAN_DAYS_AFTER_CAA = 7
ADMISSION_CARE_PLAN_DAYS = 21
REVIEW_INTERVAL_DAYS = 92
REVISION_AFTER_ASSESSMENT_DAYS = 7  # facility policy default; the regulation says "after each assessment"
REVISION_AFTER_CHANGE_DAYS = 7  # facility policy default for "when needs change"

COMPREHENSIVE = frozenset({"01", "03", "04", "05"})
OBRA_NON_COMPREHENSIVE = frozenset({"02", "06"})  # quarterly, significant correction to prior quarterly

SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_INFO = "high", "medium", "info"
NON_COMPLIANT = frozenset({SEVERITY_HIGH, SEVERITY_MEDIUM})

MESSAGES: dict[str, str] = {
    "baseline_missing": N_("Baseline care plan not done; due %(due_at)s (48 h after admission)"),
    "baseline_late": N_("Baseline care plan completed %(done)s, after the 48-hour deadline %(due)s"),
    "baseline_due": N_("Baseline care plan due by %(due_at)s"),
    "care_plan_missing": N_("Comprehensive care plan for assessment of %(ard)s not completed; due %(due)s"),
    "care_plan_late": N_(
        "Comprehensive care plan for assessment of %(ard)s completed %(done)s, after %(due)s"
    ),
    "care_plan_due": N_("Comprehensive care plan for assessment of %(ard)s due by %(due)s"),
    "review_after_assessment_missing": N_(
        "Care plan not reviewed after the assessment of %(ard)s; due %(due)s"
    ),
    "revision_after_change_missing": N_(
        "Problem '%(focus)s' changed on %(changed)s; care plan not revised (due %(due)s)"
    ),
    "triggered_unaddressed": N_(
        "CAA %(caa)s triggered on %(ard)s has neither a care-plan problem nor a 'no care plan' reason"
    ),
    "problem_no_interventions": N_("Problem '%(focus)s' has no interventions"),
    "goal_no_target": N_("Goal '%(goal)s' has no target date (goals must be measurable and time-bound)"),
    "goal_past_target": N_("Goal '%(goal)s' passed its target date %(due)s without being met or revised"),
    "not_reviewed_92": N_("Care plan not reviewed since %(last)s; review was due %(due)s (92 days)"),
}


@dataclass(frozen=True, slots=True)
class Intervention:
    id: str
    text: str
    discipline: str = ""
    frequency: str = ""
    responsible_role: str = ""


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    text: str
    target_date: date | None
    met: bool = False


@dataclass(frozen=True, slots=True)
class CarePlanProblem:
    id: str
    focus: str
    caa: int | None = None  # None = "not from a trigger"
    status: str = "active"  # active | resolved
    goals: tuple[Goal, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    needs_changed_at: datetime | None = None  # condition change that requires a revision
    last_revised_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CarePlan:
    baseline_completed_at: datetime | None = None
    problems: tuple[CarePlanProblem, ...] = ()
    review_dates: tuple[date, ...] = ()  # IDT reviews/revisions of the whole plan
    no_care_plan_caas: Mapping[int, str] = field(default_factory=dict)  # CAA -> "no care plan" reason


@dataclass(frozen=True, slots=True)
class Assessment:
    id: str
    a0310a: str
    ard: date  # A2300
    completed_on: date | None = None  # Z0500B
    v0200b2: date | None = None  # CAA completion
    v0200c2: date | None = None  # care-plan completion
    triggered_caas: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Resident:
    id: str
    name: str
    admitted_at: datetime
    care_plan: CarePlan
    assessments: tuple[Assessment, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    resident_id: str
    code: str
    ftag: str
    severity: str
    due: date
    days_overdue: int
    message: Mapping[str, str]  # translated when read: message["en"], message["es"]
    ref: str = ""  # problem/goal/assessment id or CAA number


def _days_over(due: date, when: date) -> int:
    return max(0, (when - due).days)


def _finding(
    resident: Resident,
    code: str,
    ftag: str,
    severity: str,
    due: date,
    when: date,
    ref: str = "",
    **fmt: object,
) -> Finding:
    fmt = {"due": due, **fmt}
    return Finding(
        resident.id,
        code,
        ftag,
        severity,
        due,
        _days_over(due, when),
        T_(MESSAGES[code], **fmt),
        ref,
    )


def _baseline(resident: Resident, now: datetime) -> list[Finding]:
    due = resident.admitted_at + timedelta(hours=BASELINE_HOURS)
    done = resident.care_plan.baseline_completed_at
    due_text = due.strftime("%Y-%m-%d %H:%M")
    if done is not None:
        if done <= due:
            return []
        return [
            _finding(
                resident,
                "baseline_late",
                "F655",
                SEVERITY_MEDIUM,
                due.date(),
                done.date(),
                due_at=due_text,
                done=done.strftime("%Y-%m-%d %H:%M"),
            )
        ]
    if now > due:
        return [
            _finding(
                resident, "baseline_missing", "F655", SEVERITY_HIGH, due.date(), now.date(), due_at=due_text
            )
        ]
    return [
        _finding(resident, "baseline_due", "F655", SEVERITY_INFO, due.date(), now.date(), due_at=due_text)
    ]


def comprehensive_care_plan_due(assessment: Assessment, admitted_at: datetime) -> date | None:
    """V0200B2 + 7 days; for the admission assessment also no later than admission + 21 days."""
    candidates = []
    if assessment.v0200b2 is not None:
        candidates.append(assessment.v0200b2 + timedelta(days=CARE_PLAN_DAYS_AFTER_CAA))
    if assessment.a0310a == "01":
        candidates.append(admitted_at.date() + timedelta(days=ADMISSION_CARE_PLAN_DAYS))
    return min(candidates) if candidates else None


def _comprehensive(resident: Resident, a: Assessment, today: date) -> list[Finding]:
    due = comprehensive_care_plan_due(a, resident.admitted_at)
    if due is None:  # CAAs not completed yet and not an admission: nothing to time yet
        return []
    if a.v0200c2 is not None:
        if a.v0200c2 <= due:
            return []
        return [
            _finding(
                resident,
                "care_plan_late",
                "F657",
                SEVERITY_MEDIUM,
                due,
                a.v0200c2,
                a.id,
                ard=a.ard,
                done=a.v0200c2,
            )
        ]
    if today > due:
        return [_finding(resident, "care_plan_missing", "F657", SEVERITY_HIGH, due, today, a.id, ard=a.ard)]
    return [_finding(resident, "care_plan_due", "F657", SEVERITY_INFO, due, today, a.id, ard=a.ard)]


def _review_after(resident: Resident, a: Assessment, today: date) -> list[Finding]:
    """Quarterly-type OBRA assessments: the plan must be reviewed once the assessment is done."""
    if a.completed_on is None:
        return []
    due = a.completed_on + timedelta(days=REVISION_AFTER_ASSESSMENT_DAYS)
    if any(r >= a.ard for r in resident.care_plan.review_dates) or today <= due:
        return []
    return [
        _finding(
            resident, "review_after_assessment_missing", "F657", SEVERITY_HIGH, due, today, a.id, ard=a.ard
        )
    ]


def _triggered_unaddressed(resident: Resident, a: Assessment, today: date) -> list[Finding]:
    plan = resident.care_plan
    planned = {p.caa for p in plan.problems if p.caa is not None}
    missing = [
        c for c in a.triggered_caas if c not in planned and not plan.no_care_plan_caas.get(c, "").strip()
    ]
    due = comprehensive_care_plan_due(a, resident.admitted_at) or a.ard
    severity = SEVERITY_HIGH if today > due else SEVERITY_INFO
    return [
        _finding(resident, "triggered_unaddressed", "F656", severity, due, today, str(c), caa=c, ard=a.ard)
        for c in missing
    ]


def _problem_findings(resident: Resident, problem: CarePlanProblem, now: datetime) -> list[Finding]:
    if problem.status != "active":
        return []
    today = now.date()
    out = []
    if not problem.interventions:
        out.append(
            _finding(
                resident,
                "problem_no_interventions",
                "F656",
                SEVERITY_MEDIUM,
                today,
                today,
                problem.id,
                focus=problem.focus,
            )
        )
    for goal in problem.goals:
        if goal.met:
            continue
        if goal.target_date is None:
            out.append(
                _finding(
                    resident, "goal_no_target", "F656", SEVERITY_MEDIUM, today, today, goal.id, goal=goal.text
                )
            )
        elif goal.target_date < today:
            out.append(
                _finding(
                    resident,
                    "goal_past_target",
                    "F657",
                    SEVERITY_MEDIUM,
                    goal.target_date,
                    today,
                    goal.id,
                    goal=goal.text,
                )
            )
    changed = problem.needs_changed_at
    if changed is not None and (problem.last_revised_at is None or problem.last_revised_at < changed):
        due = changed.date() + timedelta(days=REVISION_AFTER_CHANGE_DAYS)
        if today > due:
            out.append(
                _finding(
                    resident,
                    "revision_after_change_missing",
                    "F657",
                    SEVERITY_HIGH,
                    due,
                    today,
                    problem.id,
                    focus=problem.focus,
                    changed=changed.date(),
                )
            )
    return out


def _last_review(resident: Resident) -> date | None:
    dates = [*resident.care_plan.review_dates, *(a.v0200c2 for a in resident.assessments if a.v0200c2)]
    return max(dates) if dates else None


def _review_interval(resident: Resident, today: date) -> list[Finding]:
    last = _last_review(resident)
    if last is None:
        return []  # no plan yet: the baseline/comprehensive checks already speak
    due = last + timedelta(days=REVIEW_INTERVAL_DAYS)
    if today <= due:
        return []
    return [_finding(resident, "not_reviewed_92", "F657", SEVERITY_HIGH, due, today, last=last)]


def check_resident(resident: Resident, now: datetime) -> list[Finding]:
    """Every compliance finding for one resident at `now` (timezone handling is the caller's)."""
    today = now.date()
    findings = _baseline(resident, now)
    comprehensive = [a for a in resident.assessments if a.a0310a in COMPREHENSIVE]
    for a in comprehensive:
        findings += _comprehensive(resident, a, today)
    for a in resident.assessments:
        if a.a0310a in OBRA_NON_COMPREHENSIVE:
            findings += _review_after(resident, a, today)
    if comprehensive:
        latest = max(comprehensive, key=lambda a: a.ard)
        findings += _triggered_unaddressed(resident, latest, today)
    for problem in resident.care_plan.problems:
        findings += _problem_findings(resident, problem, now)
    findings += _review_interval(resident, today)
    return findings


@dataclass(frozen=True, slots=True)
class FacilityRollup:
    residents: int
    compliant: int
    percent_compliant: float
    by_code: dict[str, int]
    by_ftag: dict[str, int]
    findings: tuple[Finding, ...]


def facility_rollup(residents: Iterable[Resident], now: datetime) -> FacilityRollup:
    """Counts and % of residents with no high/medium finding (info findings do not count)."""
    all_findings: list[Finding] = []
    total = compliant = 0
    for resident in residents:
        found = check_resident(resident, now)
        total += 1
        compliant += not any(f.severity in NON_COMPLIANT for f in found)
        all_findings += found
    counted = [f for f in all_findings if f.severity in NON_COMPLIANT]
    return FacilityRollup(
        residents=total,
        compliant=compliant,
        percent_compliant=round(100.0 * compliant / total, 1) if total else 100.0,
        by_code=dict(Counter(f.code for f in counted)),
        by_ftag=dict(Counter(f.ftag for f in counted)),
        findings=tuple(all_findings),
    )
