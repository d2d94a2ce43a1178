"""Utilization review rules: skilled level of care, physician certification, Medicare liability notices,
discharge-plan readiness, hospital transfers and the facility's hospitalization rates, the board's payer of today.

Pure: dates and plain values in, small frozen results out; no I/O. Every rule names its source; the table-driven
tests (tests/unit/utilization/test_rules.py) repeat the citation next to each case.

Sources
* 42 CFR 409.31(b): SNF level of care = skilled services, needed and received on a daily basis, that as a
  practical matter can only be provided in a SNF on an inpatient basis. 409.32-409.33: what is skilled (examples
  of skilled nursing and skilled rehabilitation services). 409.34(a): "daily basis" = skilled nursing 7 days a
  week, or skilled rehabilitation at least 5 days a week; 409.34(b): a break of one or two days in rehabilitation
  does not end daily-basis coverage. 409.35: practical matter (availability, economy, efficiency).
* 42 CFR 424.20(a): physician certification at admission or as soon thereafter as is reasonable and practicable;
  424.20(c)(1): first recertification no later than the 14th day of inpatient extended care services;
  424.20(c)(2): subsequent recertifications at intervals not exceeding 30 days.
* Notice of Medicare Non-Coverage, form CMS-10123 and its form instructions; 42 CFR 405.1200(b)(1) (Original
  Medicare) and 422.624(b)(1) (Medicare Advantage): delivered at least two calendar days before covered services
  end ("not a 48-hour requirement"); not required when the SNF benefit days are exhausted or the beneficiary ends
  care on his or her own initiative. A late notice: coverage runs until two days after a valid notice.
* Expedited determination by the BFCC-QIO: 42 CFR 405.1202(b)(1) / 422.626(a)(1) request by noon of the day
  before the effective date of the end of coverage; 405.1202(e)(6) / 422.626(d)(5) decision within 72 hours of
  the request (whole days here); 405.1202(f)(1) / 422.626(e)(1) the provider gives the Detailed Explanation of
  Non-Coverage (CMS-10124) by close of business of the day the QIO notifies it. 405.1204(b)(1): expedited
  reconsideration (QIC) by noon of the calendar day after the QIO's decision; 405.1204(c)(3): QIC decision
  within 72 hours.
* SNF Advance Beneficiary Notice, form CMS-10055 and Medicare Claims Processing Manual ch. 30 §70: Original
  Medicare only, before the SNF furnishes care that Medicare usually covers but will not cover here (not
  reasonable and necessary, or custodial) and the resident stays; not for benefit exhaustion (a statutory limit).
* Transfers: MDS 3.0 item A2105 "Discharge Status" (v1.18.11 item set, from 2023-10-01; A2100 retired):
  04 short-term general hospital, 05 LTCH, 07 inpatient psychiatric, 11 critical access hospital.
* Rates: CMS Nursing Home Care Compare claims measures (Provider Data Catalog ijh5-nb2v): 521 "percentage of
  short-stay residents who were rehospitalized after a nursing home admission" (entered from a hospital,
  re-admitted within 30 days of entry); 551 "number of hospitalizations per 1,000 long-stay resident days"
  (long-stay days = days after the 100th cumulative day, medicaid.gov scorecard definition).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from facility.core.forms import N_, NC_

DAY = timedelta(days=1)

# ---------------------------------------------------------------- payers of today, targets, authorisations

MEDICARE_A = "medicare_a"
MEDICARE_ADVANTAGE = "medicare_advantage"
PART_A_ENDED = (
    "part_a_ended"  # a Part A stay whose coverage ended (benefit exhausted or last covered day passed)
)
# Length-of-stay targets only for the payers that limit the stay themselves: the 100-day Part A benefit with its
# facility utilisation goal, and Medicare Advantage plans that authorise days. Medicaid, private pay and hospice
# stays are open-ended, so a "target" there would flag every long-term resident (issue 19).
TARGET_PAYERS = (MEDICARE_A, MEDICARE_ADVANTAGE)
MEDICARE_PAYERS = (MEDICARE_A, MEDICARE_ADVANTAGE)


def payer_today(payer: str, exhausted: bool, coverage_end: date | None, today: date) -> str:
    """The payer as it is today: a Part A stay past its last covered day (benefit exhausted, or coverage ended by
    a NOMNC) is no longer Part A."""
    if payer == MEDICARE_A and (exhausted or (coverage_end is not None and coverage_end < today)):
        return PART_A_ENDED
    return payer


def over_target(payer: str, length_of_stay: int, target: int | None) -> bool:
    return payer in TARGET_PAYERS and bool(target) and length_of_stay > (target or 0)


def authorization_state(payer: str, authorised_through: date | None, today: date) -> str:
    """'' | 'expiring' (ends within 2 days) | 'expired' | 'missing' — only Medicare Advantage plans authorise."""
    if payer != MEDICARE_ADVANTAGE:
        return ""
    if authorised_through is None:
        return "missing"
    if authorised_through < today:
        return "expired"
    return "expiring" if (authorised_through - today).days <= 2 else ""


# ---------------------------------------------------------------- skilled level of care (42 CFR 409.31-409.35)

NURSING, REHAB = "nursing", "rehab"
NURSING_DAYS_PER_WEEK = 7  # 409.34(a)(1)
REHAB_DAYS_PER_WEEK = 5  # 409.34(a)(2)
REHAB_BREAK_DAYS = 2  # 409.34(b): a break of one or two days

# MDS items that evidence a skilled nursing service "while a resident" (409.33(a)-(b) examples; item ids of the
# v1.18.11 item set, read by id from the record). Therapy minutes: O0425 (Part A therapies, 7-day look-back).
SKILLED_NURSING_ITEMS = {
    "O0110H1B": N_("IV medications"),
    "O0110I1B": N_("Transfusions"),
    "O0110J1B": N_("Dialysis"),
    "O0110D1B": N_("Suctioning"),
    "O0110E1B": N_("Tracheostomy care"),
    "O0110F1B": N_("Invasive mechanical ventilator"),
    "O0110G1B": N_("Non-invasive mechanical ventilator"),
    "O0110M1B": N_("Isolation for active infectious disease"),
    "K0520A2": N_("Parenteral/IV feeding"),
    "K0520B2": N_("Feeding tube"),
    "M1200E": N_("Pressure ulcer/injury care"),
    "M1200G": N_("Application of nonsurgical dressings"),
}
THERAPY_MINUTE_ITEMS = {
    "slp": ("O0425A1", "O0425A2", "O0425A3", "O0425A4"),
    "ot": ("O0425B1", "O0425B2", "O0425B3", "O0425B4"),
    "pt": ("O0425C1", "O0425C2", "O0425C3", "O0425C4"),
}
THERAPY_DAY_ITEMS = {"slp": "O0425A5", "ot": "O0425B5", "pt": "O0425C5"}


def _number(value: str | None) -> int:
    text = (value or "").strip()
    return int(text) if text.isdigit() else 0  # '-', '^' and blanks are "not assessed / skipped"


def mds_skilled_evidence(record: Mapping[str, str]) -> dict[str, object]:
    """What one MDS record shows: therapy minutes and days per discipline (O0425) and the skilled nursing items."""
    minutes = {d: sum(_number(record.get(i)) for i in items) for d, items in THERAPY_MINUTE_ITEMS.items()}
    days = {d: _number(record.get(i)) for d, i in THERAPY_DAY_ITEMS.items()}
    nursing = [item for item in SKILLED_NURSING_ITEMS if (record.get(item) or "").strip() == "1"]
    return {
        "minutes": minutes,
        "days": days,
        "nursing_items": nursing,
        "therapy_minutes": sum(minutes.values()),
    }


@dataclass(frozen=True)
class SkilledWeek:
    start: date
    end: date  # inclusive
    nursing_days: int
    rehab_days: int
    met: bool
    reason: str  # 'nursing_daily' | 'rehab_5' | 'rehab_break' | 'gap' | 'partial'
    missing: tuple[date, ...]


def skilled_weeks(services: Iterable[tuple[date, str]], start: date, through: date) -> list[SkilledWeek]:
    """Daily-basis test per 7-day week of covered care counted from `start` (409.34). `services`: (date, 'nursing' |
    'rehab') for each skilled service furnished. A week still running (fewer than 7 days through `through`) is
    'partial' and counts as met while no day has been missed beyond what the rule allows."""
    by_day: dict[date, set[str]] = {}
    for day, kind in services:
        by_day.setdefault(day, set()).add(kind)
    weeks: list[SkilledWeek] = []
    week_start = start
    while week_start <= through:
        end = min(week_start + 6 * DAY, through)
        days = [week_start + i * DAY for i in range((end - week_start).days + 1)]
        nursing = sum(1 for d in days if NURSING in by_day.get(d, set()))
        rehab = sum(1 for d in days if REHAB in by_day.get(d, set()))
        missing = tuple(d for d in days if not by_day.get(d))
        full = len(days) == 7
        if nursing == len(days) and full:
            met, reason = True, "nursing_daily"
        elif rehab >= REHAB_DAYS_PER_WEEK:
            met, reason = True, "rehab_5"
        elif (
            full
            and rehab >= REHAB_DAYS_PER_WEEK - REHAB_BREAK_DAYS
            and _longest_gap(days, by_day) <= REHAB_BREAK_DAYS
        ):
            met, reason = True, "rehab_break"  # 409.34(b): the break is documented in the review
        elif not full:
            met, reason = len(missing) <= REHAB_BREAK_DAYS, "partial"
        else:
            met, reason = False, "gap"
        weeks.append(SkilledWeek(week_start, end, nursing, rehab, met, reason, missing))
        week_start += 7 * DAY
    return weeks


def _longest_gap(days: Sequence[date], by_day: Mapping[date, set[str]]) -> int:
    longest = current = 0
    for d in days:
        current = 0 if by_day.get(d) else current + 1
        longest = max(longest, current)
    return longest


# ---------------------------------------------------------------- certification (42 CFR 424.20)

FIRST_RECERT_DAY = 14  # 424.20(c)(1)
RECERT_INTERVAL = 30  # 424.20(c)(2)


@dataclass(frozen=True)
class CertificationDue:
    sequence: int  # 0 = certification, 1.. = recertifications
    due: date
    signed: date | None
    state: str  # 'signed' | 'signed_late' | 'overdue' | 'due' (within 3 days) | 'upcoming'


def certification_schedule(
    coverage_start: date, signed: Sequence[date], today: date, coverage_end: date | None = None
) -> list[CertificationDue]:
    """Certification and recertifications of a covered stay, up to the first one not yet signed.

    Day 1 is the first day of covered extended care: the certification is due on day 1 (424.20(a)), the first
    recertification on day 14 (424.20(c)(1)), each later one within 30 days of the previous recertification
    (424.20(c)(2)), counted from its signature. `signed`: signature dates in order, certification first. Nothing
    is due after the last covered day."""
    out: list[CertificationDue] = []
    due = coverage_start
    for sequence in range(len(signed) + 1):
        if coverage_end is not None and due > coverage_end:
            break
        sig = signed[sequence] if sequence < len(signed) else None
        out.append(CertificationDue(sequence, due, sig, _cert_state(due, sig, today, sequence)))
        if sig is None:
            break
        due = coverage_start + (FIRST_RECERT_DAY - 1) * DAY if sequence == 0 else sig + RECERT_INTERVAL * DAY
    return out


def _cert_state(due: date, signed: date | None, today: date, sequence: int) -> str:
    if signed is not None:
        # The initial certification may follow admission "as soon thereafter as is reasonable and practicable".
        return "signed" if signed <= due or sequence == 0 else "signed_late"
    if due < today:
        return "overdue"
    return "due" if (due - today).days <= 3 else "upcoming"


def next_certification(schedule: Sequence[CertificationDue]) -> CertificationDue | None:
    return next((c for c in schedule if c.signed is None), None)


# Concurrent-review interval by payer (days). Not regulation: the weekly Medicare utilization meeting is common
# practice, and a Medicare Advantage plan reviews at the end of each authorised period, so the earlier wins.
REVIEW_INTERVAL = {MEDICARE_A: 7, MEDICARE_ADVANTAGE: 7, "medicaid": 90, "hospice": 30, "private": 0}


def next_review(
    payer: str,
    last_review: date | None,
    start: date,
    authorised_through: date | None,
    certification_due: date | None,
) -> date | None:
    """The next concurrent review: the payer's interval after the last review (or the stay's start), brought
    forward to the last authorised day and to the next certification due date."""
    interval = REVIEW_INTERVAL.get(payer, 0)
    if not interval:
        return None
    candidates = [(last_review or start) + interval * DAY]
    if payer == MEDICARE_ADVANTAGE and authorised_through is not None:
        candidates.append(authorised_through)
    if payer in MEDICARE_PAYERS and certification_due is not None:
        candidates.append(certification_due)
    return min(candidates)


# ---------------------------------------------------------------- Medicare liability notices

NOMNC, SNF_ABN = "nomnc", "snf_abn"
NOTICE_KINDS = {NOMNC: N_("NOMNC (CMS-10123)"), SNF_ABN: N_("SNF ABN (CMS-10055)")}
END_REASONS = {
    "skilled_ended": N_("Skilled services no longer needed"),
    "benefit_exhausted": N_("Benefit days exhausted"),
    "resident_initiated": N_("Resident chose to end care"),
    "plan_decision": N_("Plan ended authorisation"),
}
NOMNC_LEAD_DAYS = 2  # CMS-10123 instructions; 405.1200(b)(1); 422.624(b)(1)


def nomnc_required(payer: str, reason: str) -> bool:
    """Every covered Original Medicare or Medicare Advantage SNF stay ending, except exhausted benefit days and
    care the resident ends on his or her own initiative (CMS-10123 form instructions)."""
    return payer in MEDICARE_PAYERS and reason not in ("benefit_exhausted", "resident_initiated")


def snf_abn_required(payer: str, reason: str, stays_on: bool) -> bool:
    """Original Medicare only; the resident stays after coverage ends because care is no longer skilled (CMS-10055,
    Claims Processing Manual ch. 30 §70). Benefit exhaustion is a statutory limit, not a liability decision."""
    return payer == MEDICARE_A and reason == "skilled_ended" and stays_on


def nomnc_due(last_covered_day: date) -> date:
    """At least two calendar days before covered services end: last covered day Friday -> delivered by Wednesday."""
    return last_covered_day - NOMNC_LEAD_DAYS * DAY


def snf_abn_due(last_covered_day: date) -> date:
    """Before the first non-covered day is furnished: on or before the last covered day."""
    return last_covered_day


def notice_due(kind: str, last_covered_day: date) -> date:
    return nomnc_due(last_covered_day) if kind == NOMNC else snf_abn_due(last_covered_day)


@dataclass(frozen=True)
class NoticeStatus:
    due: date
    state: (
        str  # 'on_time' | 'late' | 'overdue' (not delivered, past due) | 'due' (within 2 days) | 'upcoming'
    )
    days_late: int
    valid_last_covered_day: date | None  # a late NOMNC moves the earliest valid end of coverage


def notice_status(kind: str, last_covered_day: date, delivered: date | None, today: date) -> NoticeStatus:
    due = notice_due(kind, last_covered_day)
    if delivered is not None:
        late = max(0, (delivered - due).days)
        valid = max(last_covered_day, delivered + NOMNC_LEAD_DAYS * DAY) if kind == NOMNC else None
        return NoticeStatus(due, "late" if late else "on_time", late, valid)
    if due < today:
        return NoticeStatus(due, "overdue", (today - due).days, None)
    return NoticeStatus(due, "due" if (due - today).days <= 2 else "upcoming", 0, None)


@dataclass(frozen=True)
class ExpeditedClock:
    request_by: date  # noon
    denc_by: date | None  # close of business of the day the QIO notifies the SNF
    qio_decision_by: date | None
    reconsideration_by: date | None  # noon, the day after the QIO's decision
    qic_decision_by: date | None
    timely_request: bool | None


def expedited_clock(
    last_covered_day: date,
    requested: date | None = None,
    qio_notified: date | None = None,
    qio_decided: date | None = None,
    reconsideration_requested: date | None = None,
) -> ExpeditedClock:
    return ExpeditedClock(
        request_by=last_covered_day - DAY,  # 405.1202(b)(1), 422.626(a)(1)
        denc_by=qio_notified,  # 405.1202(f)(1)
        qio_decision_by=requested + 3 * DAY if requested else None,  # 72 hours, 405.1202(e)(6)
        reconsideration_by=qio_decided + DAY if qio_decided else None,  # 405.1204(b)(1)
        qic_decision_by=reconsideration_requested + 3 * DAY
        if reconsideration_requested
        else None,  # 405.1204(c)(3)
        timely_request=None if requested is None else requested <= last_covered_day - DAY,
    )


# ---------------------------------------------------------------- discharge planning (Section Q)

DESTINATIONS = {
    "home": N_("Home / community"),
    "home_health": N_("Home with home health"),
    "assisted_living": N_("Assisted living"),
    "long_term_care": N_("Long-term care in this facility"),
    "other_facility": N_("Another facility"),
    "hospice": N_("Hospice"),
    "undecided": N_("Not decided yet"),
}
SERVICES = {
    "home_health": N_("Home health"),
    "outpatient_therapy": N_("Outpatient therapy"),
    "dme": N_("Medical equipment (DME)"),
    "meals": N_("Meals / home support"),
    "transport": N_("Transportation"),
    "follow_up": N_("Follow-up appointment"),
    "hospice": N_("Hospice"),
}
APPROVALS = {
    "needed": N_("Approval needed"),
    "requested": N_("Requested"),
    "approved": N_("Approved"),
    "denied": N_("Denied"),
    "not_needed": N_("No approval needed"),
}
HANDOFF_DOCUMENTS = {
    "discharge_summary": N_("Discharge summary"),
    "medication_list": N_("Reconciled medication list"),
    "orders": N_("Physician orders for the next provider"),
    "care_instructions": N_("Care instructions for the family"),
}
# Section Q items of the current item set (v1.18.11: Q0310 replaced Q0300 from 2023-10-01), read by id.
SECTION_Q_ITEMS = ("Q0310A", "Q0310B", "Q0400A", "Q0490", "Q0500B", "Q0550A", "Q0610A", "Q0620")
Q0310A_GOALS = {
    "01": N_("Discharge to the community"),
    "02": N_("Remain in this facility"),
    "03": N_("Discharge to another facility/institution"),
    "09": N_("Unknown or uncertain"),
}
Q_SOURCES = {
    "01": N_("Resident"),
    "02": N_("Family"),
    "03": N_("Significant other"),
    "04": N_("Legal guardian"),
    "05": N_("Other legally authorized representative"),
    "09": N_("None of the above"),
}
Q0620_REASONS = {
    "01": N_("LCA unknown"),
    "02": N_("Referral previously made"),
    "03": N_("Referral not wanted"),
    "04": N_("Discharge date 3 or fewer months away"),
    "05": N_("Discharge date more than 3 months away"),
}
# Destinations that agree with each Q0310A goal: a plan for home while the resident's goal is to stay is flagged.
_GOAL_DESTINATIONS = {
    "01": {"home", "home_health", "assisted_living"},
    "02": {"long_term_care"},
    "03": {"other_facility", "hospice", "assisted_living"},
}


def section_q_goals(record: Mapping[str, str]) -> dict[str, str]:
    """The Section Q answers of an MDS record (codes as recorded; '^' and blanks dropped)."""
    return {
        item: record[item].strip()
        for item in SECTION_Q_ITEMS
        if (record.get(item) or "").strip() not in ("", "^", "-")
    }


def goal_agrees(q0310a: str, destination: str) -> bool | None:
    """None when either side is unknown; otherwise whether the planned destination matches the resident's goal."""
    allowed = _GOAL_DESTINATIONS.get(q0310a)
    if allowed is None or destination in ("", "undecided"):
        return None
    return destination in allowed


@dataclass(frozen=True)
class Readiness:
    state: str  # 'not_started' | 'in_progress' | 'ready'
    done: int
    total: int
    missing: tuple[str, ...] = field(default=())


def discharge_readiness(plan: Mapping[str, Any] | None) -> Readiness:
    """Ready when the destination and date are set, every needed service is approved (or needs no approval), the
    resident's goal is recorded, education is given and the hand-off documents are sent."""
    if not plan:
        return Readiness("not_started", 0, 6, ("plan",))
    services = list(plan.get("services") or [])
    docs = dict(plan.get("handoff") or {})
    checks = {
        "destination": str(plan.get("destination") or "") not in ("", "undecided"),
        "target_date": plan.get("target_date") is not None,
        "services": all(s.get("approval") in ("approved", "not_needed") for s in services),
        "goals": bool(str(plan.get("goals") or "").strip()),
        "education": bool(plan.get("education_done")),
        "handoff": all(docs.get(k) for k in HANDOFF_DOCUMENTS),
    }
    missing = tuple(k for k, ok in checks.items() if not ok)
    return Readiness(
        "ready" if not missing else "in_progress", len(checks) - len(missing), len(checks), missing
    )


# ---------------------------------------------------------------- hospital transfers and rates

A2105_HOSPITAL = {
    "04": N_("Short-term general hospital"),
    "05": N_("Long-term care hospital"),
    "07": N_("Inpatient psychiatric facility"),
    "11": N_("Critical access hospital"),
}
A2105_ACUTE = ("04", "11")  # the claims measures count acute inpatient (IPPS/CAH) admissions
RETURN_WINDOW = 30
SHORT_STAY_WINDOW = 30  # measure 521
LONG_STAY_DAY = 100  # long-stay days are those after the 100th cumulative day (measure 551)
TRANSFER_REASONS = {
    "fall_injury": N_("Fall with injury"),
    "respiratory": N_("Respiratory (pneumonia, COPD, shortness of breath)"),
    "cardiac": N_("Cardiac (heart failure, chest pain, arrhythmia)"),
    "infection": N_("Infection / sepsis / UTI"),
    "change_in_condition": N_("Change in condition / altered mental status"),
    "gi_bleed": N_("Gastrointestinal (bleeding, obstruction)"),
    "planned": N_("Planned procedure"),
    "other": NC_("transfer reason", "Other"),
}


def is_hospital(a2105: str) -> bool:
    return a2105 in A2105_HOSPITAL


def returned_within(transfer: date, returned: date | None, window: int = RETURN_WINDOW) -> bool:
    return returned is not None and 0 <= (returned - transfer).days <= window


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: float
    value: float | None  # percent (521) or per 1,000 days (551); None without a denominator


@dataclass(frozen=True)
class Entry:
    """One entry (admission or re-entry) into the facility, with the hospital transfers that followed it."""

    resident: int
    entered: date
    from_hospital: bool
    transfers: tuple[date, ...] = ()


def short_stay_rehospitalization(
    entries: Iterable[Entry], start: date, end: date
) -> tuple[Rate, list[Entry]]:
    """Measure 521 as a facility can count it: entries from a hospital dated in [start, end] (the caller ends the
    window 30 days before today so every 30-day follow-up has closed), re-hospitalized within 30 days of entry.
    Returns the rate and the entries of the numerator (the drill-down)."""
    counted = [e for e in entries if e.from_hospital and start <= e.entered <= end]
    readmitted = [
        e for e in counted if any(0 <= (t - e.entered).days <= SHORT_STAY_WINDOW for t in e.transfers)
    ]
    value = round(100.0 * len(readmitted) / len(counted), 1) if counted else None
    return Rate(len(readmitted), len(counted), value), readmitted


def long_stay_days(
    in_facility: Iterable[tuple[date, date]], start: date, end: date
) -> tuple[int, date | None]:
    """Resident days in [start, end] after the 100th cumulative day in the facility. `in_facility`: (from, to)
    spans with `to` exclusive (the discharge day is not a day). Returns (days, the first long-stay day)."""
    cumulative = 0
    long_from: date | None = None
    counted = 0
    for span_start, span_end in sorted(in_facility):
        day = span_start
        while day < span_end:
            cumulative += 1
            if cumulative > LONG_STAY_DAY:
                long_from = long_from or day
                if start <= day <= end:
                    counted += 1
            day += DAY
    return counted, long_from


def per_thousand(events: int, days: int) -> Rate:
    return Rate(events, days, round(1000.0 * events / days, 2) if days else None)


def compare(value: float | None, reference: float | None) -> str:
    """'' | 'better' | 'worse' | 'same' — lower is better for both measures."""
    if value is None or reference is None:
        return ""
    if abs(value - reference) < 0.005:
        return "same"
    return "better" if value < reference else "worse"
