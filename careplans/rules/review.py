"""When each care-plan problem is next due for review, tied to the MDS assessment schedule (pure).

42 CFR 483.21(b)(2)(iii): the comprehensive care plan is reviewed and revised by the IDT after each
assessment, including both the comprehensive and quarterly review assessments. The next review of a
problem is therefore due by the earliest of:

1. for each OBRA assessment (A0310A 01-06) completed (Z0500B) after the problem's last review:
   completion + 7 days (the facility policy default used by the compliance checks,
   careplans.rules.compliance.REVISION_AFTER_ASSESSMENT_DAYS);
2. the next OBRA assessment the schedule requires: with no OBRA assessment yet, the comprehensive
   care plan deadline for a new admission (admission + 21 days, F657); otherwise the end of the
   quarterly ARD window (last OBRA ARD + 92 days, mds.workflow.schedule.QUARTERLY_MAX_DAYS): the team reviews
   the problem with that assessment;
3. 92 days after the last review (careplans.rules.compliance.REVIEW_INTERVAL_DAYS).

The team may set an earlier date for a problem (a wound reviewed weekly); never a later one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from careplans.rules.compliance import (
    ADMISSION_CARE_PLAN_DAYS,
    REVIEW_INTERVAL_DAYS,
    REVISION_AFTER_ASSESSMENT_DAYS,
)
from facility.core.forms import N_, parse_date

OBRA = frozenset({"01", "02", "03", "04", "05", "06"})
QUARTERLY_MAX_DAYS = (
    92  # mds.workflow.schedule.QUARTERLY_MAX_DAYS (not imported: care plans work without the MDS domain)
)
DUE_SOON_DAYS = 7

OVERDUE, DUE_SOON, SCHEDULED = "overdue", "due_soon", "scheduled"
REASONS = {
    "assessment": N_("after the assessment of %(ard)s"),
    "admission": N_("comprehensive care plan for the admission"),
    "quarterly": N_("with the next quarterly assessment"),
    "interval": N_("92 days after the last review"),
    "team": N_("set by the team"),
}


@dataclass(frozen=True, slots=True)
class ObraRecord:
    a0310a: str
    ard: date
    completed_on: date | None = None  # Z0500B


@dataclass(frozen=True, slots=True)
class ReviewDue:
    due: date
    reason: str  # key of REASONS
    ard: date | None = None  # the assessment behind "assessment"
    state: str = SCHEDULED


def scheduled_due(
    admission: date, records: Iterable[ObraRecord], last_review: date
) -> tuple[date, str, date | None]:
    """(date, reason, ARD) the assessment schedule requires the next review of a problem last reviewed on
    `last_review` (or created then)."""
    obra = [r for r in records if r.a0310a in OBRA]
    candidates: list[tuple[date, str, date | None]] = [
        (r.completed_on + timedelta(days=REVISION_AFTER_ASSESSMENT_DAYS), "assessment", r.ard)
        for r in obra
        if r.completed_on is not None and r.completed_on > last_review
    ]
    stay_obra = [r for r in obra if r.ard >= admission]
    if stay_obra:
        last_ard = max(r.ard for r in stay_obra)
        candidates.append((last_ard + timedelta(days=QUARTERLY_MAX_DAYS), "quarterly", None))
    else:
        candidates.append((admission + timedelta(days=ADMISSION_CARE_PLAN_DAYS), "admission", None))
    candidates.append((last_review + timedelta(days=REVIEW_INTERVAL_DAYS), "interval", None))
    return min(candidates, key=lambda c: c[0])


def state_of(due: date, today: date) -> str:
    if today > due:
        return OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return DUE_SOON
    return SCHEDULED


def next_review(
    admission: date,
    records: Iterable[ObraRecord],
    last_review: date,
    team_due: date | None,
    today: date,
) -> ReviewDue:
    """The problem's next review: the schedule's date, or the team's when it is earlier (a team date from
    before the last review is spent and no longer counts)."""
    due, reason, ard = scheduled_due(admission, records, last_review)
    if team_due is not None and team_due > last_review and team_due < due:
        due, reason, ard = team_due, "team", None
    return ReviewDue(due, reason, ard, state_of(due, today))


def validate_review(
    data: Mapping[str, Any],
    today: date,
    admission: date,
    records: Iterable[ObraRecord],
    last_review: date,
    earliest: date,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The review form of one problem: `reviewed_on` (optional: records an IDT review, not in the future,
    not before the problem was added, `earliest`) and `review_due` (optional: blank = by the schedule; otherwise after the
    review and no later than the schedule allows)."""
    errors: dict[str, str] = {}
    records = list(records)
    raw_reviewed = str(data.get("reviewed_on", "") or "").strip()
    reviewed = parse_date(raw_reviewed) if raw_reviewed else None
    if raw_reviewed and reviewed is None:
        errors["reviewed_on"] = N_("Enter a date as YYYY-MM-DD.")
    elif reviewed is not None and reviewed > today:
        errors["reviewed_on"] = N_("This date is in the future.")
    elif reviewed is not None and reviewed < earliest:
        errors["reviewed_on"] = N_("This date is before the problem was added to the care plan.")
    raw_due = str(data.get("review_due", "") or "").strip()
    due = parse_date(raw_due) if raw_due else None
    if raw_due and due is None:
        errors["review_due"] = N_("Enter a date as YYYY-MM-DD.")
    if not raw_reviewed and not raw_due:
        errors["review_due"] = N_("Enter the review date or the next review date.")
    if due is not None and "reviewed_on" not in errors:
        base = max(reviewed or last_review, last_review)
        limit, _reason, _ard = scheduled_due(admission, records, base)
        if due <= max(base, today - timedelta(days=1)):
            errors["review_due"] = N_("The next review must be after the last review and not in the past.")
        elif due > limit:
            errors["review_due"] = N_(
                "The assessment schedule requires the next review by %(limit)s: choose that date or an earlier one."
            )
            errors["review_due_limit"] = limit.isoformat()
    return {"reviewed_on": reviewed, "review_due": due}, errors
