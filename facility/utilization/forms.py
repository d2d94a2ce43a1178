"""Utilization review: pure rules (Medicare A day counts, appeal deadlines, ICD-10-CM format, Triple Check)
and form validation (plain dict in, (clean values, field errors) out; errors are English message ids).

Sources (cited where used):
* 42 CFR 409.61(b): SNF care is covered for up to 100 days per benefit period; 42 CFR 409.85 and
  Medicare Benefit Policy Manual ch. 8 §10.1: coinsurance is owed for days 21 through 100.
* 42 CFR 409.60: a benefit period ("spell of illness") ends after 60 consecutive days in which the
  beneficiary is an inpatient of neither a hospital nor a SNF; a readmission inside it keeps counting.
* Medicare Claims Processing Manual ch. 3 §20.1.1 / ch. 6: the admission day counts as a utilization
  day, the day of discharge (or death) does not (midnight census).
* Appeal time limits: 42 CFR 405.942(a) redetermination 120 days; 42 CFR 422.582(a) Medicare Advantage
  reconsideration 65 days; 42 CFR 405.1202(b) / 422.626(a) expedited QIO review of a NOMNC by noon
  of the day before services end (the NOMNC is delivered at least two days before, 405.1200(b)).
* 42 CFR 424.20: physician certification at admission, recertification by day 14 then every 30 days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from facility.core.forms import N_, NC_, Errors, parse_date
from facility.utilization import rules as ur

MEDICARE_A = "medicare_a"
UR_PAYERS = ("medicare_a", "medicare_advantage", "medicaid", "private", "hospice")
PAYER_LABELS = {
    "part_a_ended": N_("Part A ended (non-covered)"),
    "medicare_a": N_("Medicare Part A"),
    "medicare_advantage": N_("Medicare Advantage"),
    "medicaid": N_("Medicaid"),
    "private": N_("Private pay"),
    "hospice": N_("Hospice"),
    "": N_("Not set"),
}
BENEFIT_DAYS = 100
FULL_DAYS = 20  # days 1-20 without coinsurance
BENEFIT_PERIOD_GAP = 60

AUTH_STATUSES = ("requested", "approved", "denied")
AUTH_STATUS_LABELS = {"requested": N_("Requested"), "approved": N_("Approved"), "denied": N_("Denied")}
DENIAL_KINDS = ("nomnc", "denial_letter", "claim_denial", "adr")
DENIAL_KIND_LABELS = {
    "nomnc": N_("Notice of Medicare Non-Coverage (NOMNC)"),
    "denial_letter": N_("Denial of authorisation"),
    "claim_denial": N_("Claim denial"),
    "adr": N_("Additional documentation request (ADR)"),
}
APPEAL_LEVELS = ("expedited_qio", "redetermination", "reconsideration", "alj", "plan_appeal", "fair_hearing")
APPEAL_LEVEL_LABELS = {
    "expedited_qio": N_("Expedited QIO review"),
    "redetermination": N_("Redetermination (MAC)"),
    "reconsideration": N_("Reconsideration"),
    "alj": N_("Administrative law judge hearing"),
    "plan_appeal": N_("Health plan appeal"),
    "fair_hearing": N_("Medicaid fair hearing"),
}
APPEAL_OUTCOMES = ("pending", "overturned", "partial", "upheld", "withdrawn")
OUTCOME_LABELS = {
    "pending": NC_("appeal outcome", "Pending"),
    "overturned": N_("Overturned (won)"),
    "partial": N_("Partly overturned"),
    "upheld": N_("Denial upheld"),
    "withdrawn": N_("Withdrawn"),
}
DIAGNOSIS_ITEMS = {"I0020B": N_("I0020B primary diagnosis"), "I8000": N_("I8000 additional diagnosis")}
# Triple Check items the reviewer ticks; HIPPS, days and certification are also checked automatically.
MANUAL_CHECKS = {
    "diagnoses_match": N_("ICD-10 codes on the claim match I0020B/I8000 and the physician orders"),
    "therapy_minutes": N_("Therapy minutes and modes on the MDS match the therapy logs"),
    "qualifying_stay": N_("Qualifying 3-day hospital stay (or waiver) documented"),
    "notices": N_("Beneficiary notices (NOMNC, SNF ABN) given and filed"),
    "occurrence_codes": N_("Claim occurrence and value codes reviewed"),
}
TRIPLE_STATUS_LABELS = {
    "open": NC_("triple check status", "Open"),
    "passed": NC_("triple check status", "Passed"),
    "failed": NC_("triple check status", "Failed"),
}

# ICD-10-CM: a letter, a digit, an alphanumeric, then up to 4 more characters after the dot (CDC ICD-10-CM
# tabular conventions; 3-7 characters). The MDS writes the code with its decimal point (I0020B, I8000).
_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")


def normalise_icd10(raw: str) -> str | None:
    """'s72001a' / 'S72.001A' -> 'S72.001A'; None when it is not ICD-10-CM shaped."""
    code = raw.strip().upper().replace(" ", "")
    if "." not in code and len(code) > 3:
        code = code[:3] + "." + code[3:]
    return code if _ICD10.match(code) else None


# ---------------------------------------------------------------- Medicare A day count


@dataclass(frozen=True)
class CoveredSpan:
    """Medicare Part A SNF days from `start` (counted) to `end` (discharge date, not counted; None = ongoing).

    `after_inpatient`: the time since the previous span was spent as a hospital inpatient (e.g. a
    discharge with return anticipated), so it cannot end the benefit period.
    """

    start: date
    end: date | None = None
    after_inpatient: bool = False


@dataclass(frozen=True)
class MedicareDays:
    days_used: int  # in the current benefit period, 0-100
    full_days: int  # 0-20
    coinsurance_days: int  # 0-80 (days 21-100)
    days_left: int
    benefit_period_start: date | None
    coinsurance_from: date | None  # the date of day 21 (projected while the stay is open)
    last_covered_day: date | None  # the date of day 100 (projected while the stay is open)
    exhausted: bool


def _span_days(span: CoveredSpan, through: date) -> int:
    stop = through + timedelta(days=1) if span.end is None else min(span.end, through + timedelta(days=1))
    return max(0, (stop - span.start).days)


def medicare_a_days(spans: Iterable[CoveredSpan], as_of: date, prior_days_used: int = 0) -> MedicareDays:
    """Benefit days used through `as_of` across readmissions in the same benefit period.

    `prior_days_used`: SNF days of this benefit period used elsewhere before the first span (from the
    eligibility check); it is dropped when a 60-day break starts a new benefit period.
    """
    ordered = sorted((s for s in spans if s.start <= as_of), key=lambda s: s.start)
    used, period_start, previous_end = max(0, prior_days_used), None, None
    dated: list[
        tuple[CoveredSpan, int]
    ] = []  # spans of the current benefit period and the day count before each
    for span in ordered:
        if (
            previous_end is not None
            and not span.after_inpatient
            and (span.start - previous_end).days >= BENEFIT_PERIOD_GAP
        ):
            used, period_start, dated = 0, None, []  # 42 CFR 409.60: a new benefit period
        period_start = period_start or span.start
        dated.append((span, used))
        used += _span_days(span, as_of)
        previous_end = span.end or as_of
    capped = min(used, BENEFIT_DAYS)

    def date_of_day(n: int) -> date | None:
        for span, before in dated:
            if before < n <= before + ((span.end - span.start).days if span.end else 10**6):
                return span.start + timedelta(days=n - before - 1)
        return None

    return MedicareDays(
        days_used=capped,
        full_days=min(capped, FULL_DAYS),
        coinsurance_days=max(0, capped - FULL_DAYS),
        days_left=BENEFIT_DAYS - capped,
        benefit_period_start=period_start,
        coinsurance_from=date_of_day(FULL_DAYS + 1),
        last_covered_day=date_of_day(BENEFIT_DAYS),
        exhausted=used >= BENEFIT_DAYS,
    )


def covered_days_between(spans: Iterable[CoveredSpan], first: date, last: date) -> int:
    """Utilization days in [first, last] (a claim's from-through dates; the discharge day is not a day)."""
    total = 0
    for span in spans:
        start = max(span.start, first)
        stop = min(span.end or last + timedelta(days=1), last + timedelta(days=1))
        total += max(0, (stop - start).days)
    return total


def spans_from_stays(stays: Sequence[Mapping[str, Any]], payer_of: Mapping[int, str]) -> list[CoveredSpan]:
    """Covered spans from stays (with their `events`) whose payer is Medicare A.

    A re-entry after a discharge with return anticipated follows a hospital stay (inpatient); a new
    admission counts as after an inpatient stay when it came from a hospital (`admitted_from`).
    """
    spans: list[CoveredSpan] = []
    for stay in sorted(stays, key=lambda s: s["admission_date"]):
        if payer_of.get(stay["id"], stay.get("payer", "")) != MEDICARE_A:
            continue
        open_start: date | None = None
        inpatient = "hosp" in str(stay.get("admitted_from", "")).lower()
        for event in sorted(stay.get("events", []), key=lambda e: (e["event_date"], e["id"])):
            if event["kind"] in ("admission", "reentry") and open_start is None:
                open_start = event["event_date"]
            elif (
                event["kind"] in ("discharge_return_anticipated", "discharge_return_not_anticipated", "death")
                and open_start
            ):
                spans.append(CoveredSpan(open_start, event["event_date"], inpatient))
                open_start, inpatient = None, event["kind"] == "discharge_return_anticipated"
        if open_start is not None:
            spans.append(CoveredSpan(open_start, None, inpatient))
    return spans


def length_of_stay(admission: date, end: date | None, as_of: date) -> int:
    """Days in the facility: admission day counts, the discharge day does not."""
    return max(0, ((end or as_of + timedelta(days=1)) - admission).days)


# ---------------------------------------------------------------- deadlines and Triple Check


def default_appeal_deadline(payer: str, kind: str, notice_date: date) -> date | None:
    """The filing deadline when federal rules fix it; None when it depends on the state or the plan."""
    if kind == "nomnc" and payer in ("medicare_a", "medicare_advantage"):
        return notice_date + timedelta(days=1)  # expedited QIO review: by noon the day before services end
    if payer == "medicare_a" and kind in ("denial_letter", "claim_denial"):
        return notice_date + timedelta(days=120)  # redetermination, 42 CFR 405.942(a)
    if payer == "medicare_advantage" and kind in ("denial_letter", "claim_denial"):
        return notice_date + timedelta(days=65)  # plan reconsideration, 42 CFR 422.582(a)
    return None


def deadline_state(deadline: date | None, today: date, resolved: bool) -> str:
    """'' | 'due' (within 7 days) | 'late' (passed, nothing filed)."""
    if deadline is None or resolved:
        return ""
    if deadline < today:
        return "late"
    return "due" if (deadline - today).days <= 7 else ""


@dataclass(frozen=True)
class TripleCheckResult:
    hipps_match: bool | None  # None: one of the two codes is missing
    days_match: bool | None
    certified: bool
    manual: dict[str, bool]
    status: str  # open | passed | failed


def triple_check(
    mds_hipps: str,
    claim_hipps: str,
    billed_days: int,
    covered_days: int | None,
    certification_date: date | None,
    claim_through: date,
    manual: Mapping[str, bool],
) -> TripleCheckResult:
    """Passed only when every automatic and manual check holds; failed when an automatic check fails."""
    hipps = None if not (mds_hipps and claim_hipps) else mds_hipps.upper() == claim_hipps.upper()
    days = None if covered_days is None else billed_days == covered_days
    certified = certification_date is not None and certification_date <= claim_through
    ticks = {key: bool(manual.get(key)) for key in MANUAL_CHECKS}
    if hipps is False or days is False:
        status = "failed"
    elif hipps and days and certified and all(ticks.values()):
        status = "passed"
    else:
        status = "open"
    return TripleCheckResult(hipps, days, certified, ticks, status)


# ---------------------------------------------------------------- form validation


def _text(data: Mapping[str, Any], name: str, max_length: int, errors: Errors) -> str:
    value = str(data.get(name, "") or "").strip()
    if len(value) > max_length:
        errors[name] = N_("This value is too long.")
    return value


def _date(
    data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True, today: date | None = None
) -> date | None:
    raw = str(data.get(name, "") or "").strip()
    if not raw:
        if required:
            errors[name] = N_("This field is required.")
        return None
    value = parse_date(raw)
    if value is None:
        errors[name] = N_("Enter a date as YYYY-MM-DD.")
    elif value.year < 1990 or value.year > 2100:
        errors[name] = N_("The date is out of range.")
    elif today is not None and value > today:
        errors[name] = N_("The date cannot be in the future.")
    return value


def _int(
    data: Mapping[str, Any], name: str, errors: Errors, low: int, high: int, *, default: int | None = None
) -> int:
    raw = str(data.get(name, "") or "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = N_("Enter a whole number in the allowed range.")
        return 0
    return int(raw)


def _choice(
    data: Mapping[str, Any], name: str, choices: Iterable[str], errors: Errors, *, allow_blank: bool = False
) -> str:
    value = str(data.get(name, "") or "").strip()
    if (value or not allow_blank) and value not in tuple(choices):
        errors[name] = N_("Choose a value from the list.")
    return value


def validate_review(data: Mapping[str, Any], categories: Iterable[str]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "payer": _choice(data, "payer", UR_PAYERS, errors),
        "prior_days_used": _int(data, "prior_days_used", errors, 0, BENEFIT_DAYS, default=0),
        "pdpm_category": _choice(data, "pdpm_category", categories, errors, allow_blank=True),
        "medical_necessity": _text(data, "medical_necessity", 4000, errors),
        "skilled_need": _text(data, "skilled_need", 4000, errors),
        "next_review": _date(data, "next_review", errors, required=False),
    }
    return clean, errors


def validate_authorization(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "payer": _choice(data, "payer", UR_PAYERS, errors),
        "reference": _text(data, "reference", 40, errors),
        "start_date": _date(data, "start_date", errors),
        "end_date": _date(data, "end_date", errors),
        "approved_days": _int(data, "approved_days", errors, 0, 366, default=0),
        "status": _choice(data, "status", AUTH_STATUSES, errors),
        "note": _text(data, "note", 2000, errors),
    }
    if clean["start_date"] and clean["end_date"] and clean["end_date"] < clean["start_date"]:
        errors["end_date"] = N_("The end date is before the start date.")
    return clean, errors


def validate_denial(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "payer": _choice(data, "payer", UR_PAYERS, errors),
        "kind": _choice(data, "kind", DENIAL_KINDS, errors),
        "notice_date": _date(data, "notice_date", errors, today=today),
        "reason": _text(data, "reason", 4000, errors),
        "appeal_deadline": _date(data, "appeal_deadline", errors, required=False),
    }
    if not clean["reason"] and "reason" not in errors:
        errors["reason"] = N_("This field is required.")
    if not errors and clean["appeal_deadline"] is None:
        clean["appeal_deadline"] = default_appeal_deadline(
            clean["payer"], clean["kind"], clean["notice_date"]
        )
    if clean["appeal_deadline"] and clean["notice_date"] and clean["appeal_deadline"] < clean["notice_date"]:
        errors["appeal_deadline"] = N_("The deadline is before the notice date.")
    return clean, errors


def validate_appeal(data: Mapping[str, Any], notice_date: date, today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "level": _choice(data, "level", APPEAL_LEVELS, errors),
        "filed_date": _date(data, "filed_date", errors, today=today),
        "decision_due": _date(data, "decision_due", errors, required=False),
        "outcome": _choice(data, "outcome", APPEAL_OUTCOMES, errors) if data.get("outcome") else "pending",
        "outcome_date": _date(data, "outcome_date", errors, required=False, today=today),
        "note": _text(data, "note", 4000, errors),
    }
    if clean["filed_date"] and clean["filed_date"] < notice_date:
        errors["filed_date"] = N_("An appeal cannot be filed before the notice.")
    if clean["outcome"] != "pending" and clean["outcome_date"] is None and "outcome_date" not in errors:
        errors["outcome_date"] = N_("Enter the date of the decision.")
    if clean["outcome"] == "pending" and clean["outcome_date"] is not None:
        errors["outcome"] = N_("Choose the outcome of the decision.")
    return clean, errors


def validate_diagnosis(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    item = _choice(data, "item", DIAGNOSIS_ITEMS, errors)
    raw = str(data.get("code", "") or "")
    code = normalise_icd10(raw)
    if not raw.strip():
        errors["code"] = N_("This field is required.")
    elif code is None:
        errors["code"] = N_(
            "An ICD-10-CM code is a letter, a digit, a letter or digit, then up to 4 more after the dot, like S72.001A."
        )
    return {
        "item": item,
        "code": code or raw.strip()[:8],
        "description": _text(data, "description", 200, errors),
    }, errors


_HIPPS = re.compile(
    r"^[A-P][A-L][A-Y][A-F][0-6]$"
)  # PT/OT A-P, SLP A-L, nursing, NTA A-F, AI 0-6 (mds/data/pdpm_tables.json)


def validate_triple_check(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    claim_hipps = str(data.get("claim_hipps", "") or "").strip().upper()
    if claim_hipps and not _HIPPS.match(claim_hipps):
        errors["claim_hipps"] = N_("A HIPPS code has 5 characters, like KAUE0.")
    clean: dict[str, Any] = {
        "claim_from": _date(data, "claim_from", errors),
        "claim_through": _date(data, "claim_through", errors),
        "claim_hipps": claim_hipps,
        "billed_days": _int(data, "billed_days", errors, 0, 31, default=0),
        "certification_date": _date(data, "certification_date", errors, required=False),
        "assessment_id": int(str(data.get("assessment_id")))
        if str(data.get("assessment_id", "")).isdigit()
        else None,
        "checks": {key: str(data.get(f"check_{key}", "")) in ("1", "on", "true") for key in MANUAL_CHECKS},
        "note": _text(data, "note", 2000, errors),
    }
    if clean["claim_from"] and clean["claim_through"]:
        if clean["claim_through"] < clean["claim_from"]:
            errors["claim_through"] = N_("The end date is before the start date.")
        elif (clean["claim_through"] - clean["claim_from"]).days > 30 or clean["claim_from"].month != clean[
            "claim_through"
        ].month:
            errors["claim_through"] = N_("A SNF claim covers at most one calendar month.")
    return clean, errors


def validate_target(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    # Targets only for the payers that limit the stay themselves (utilization_rules.TARGET_PAYERS).
    return {
        "payer": _choice(data, "payer", ur.TARGET_PAYERS, errors),
        "target_days": _int(data, "target_days", errors, 1, 3650),
    }, errors


# ---------------------------------------------------------------- issue 19: casework forms

SERVICE_DISCIPLINES = {
    "nursing": N_("Skilled nursing"),
    "pt": N_("Physical therapy"),
    "ot": N_("Occupational therapy"),
    "slp": N_("Speech-language pathology"),
}
SERVICE_SOURCES = {
    "therapy_log": N_("Therapy log"),
    "nursing_note": N_("Skilled nursing note"),
    "order": N_("Physician order"),
}
DELIVERED_TO = {
    "resident": N_("Resident"),
    "representative": N_("Representative"),
    "refused": N_("Refused to sign"),
}
QIO_OUTCOMES = {
    "": NC_("appeal outcome", "Pending"),
    "upheld": N_("Non-coverage upheld"),
    "overturned": N_("Overturned: coverage continues"),
}
AVOIDABLE = {"": N_("Not reviewed"), "yes": N_("Avoidable"), "no": N_("Not avoidable")}


def _bool(data: Mapping[str, Any], name: str) -> bool:
    return str(data.get(name, "")) in ("1", "on", "true")


def validate_certification(
    data: Mapping[str, Any], today: date, next_sequence: int
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "sequence": next_sequence,
        "signed_date": _date(data, "signed_date", errors, today=today),
        "signed_by": _text(data, "signed_by", 200, errors),
        "note": _text(data, "note", 2000, errors),
    }
    if not clean["signed_by"] and "signed_by" not in errors:
        errors["signed_by"] = N_("Enter the name of the physician or practitioner who signed.")
    return clean, errors


def validate_skilled_service(
    data: Mapping[str, Any], today: date, admission: date
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    discipline = _choice(data, "discipline", SERVICE_DISCIPLINES, errors)
    clean: dict[str, Any] = {
        "service_date": _date(data, "service_date", errors, today=today),
        "discipline": discipline,
        "category": "nursing" if discipline == "nursing" else "rehab",
        "minutes": _int(data, "minutes", errors, 0, 600, default=0),
        "source": _choice(data, "source", SERVICE_SOURCES, errors),
        "description": _text(data, "description", 2000, errors),
    }
    if clean["service_date"] and clean["service_date"] < admission:
        errors["service_date"] = N_("The date is before the admission.")
    if discipline in ("pt", "ot", "slp") and not clean["minutes"] and "minutes" not in errors:
        errors["minutes"] = N_("Enter the therapy minutes of the day.")
    if not clean["description"] and "description" not in errors:
        errors["description"] = N_("Describe the skilled service (what only a nurse or therapist could do).")
    return clean, errors


def validate_notice(data: Mapping[str, Any], today: date, admission: date) -> tuple[dict[str, Any], Errors]:
    """A new notice: kind, payer, why coverage ends, the last covered day; the rules say whether it is required."""
    errors: Errors = {}
    clean: dict[str, Any] = {
        "kind": _choice(data, "kind", ur.NOTICE_KINDS, errors),
        "payer": _choice(data, "payer", ur.MEDICARE_PAYERS, errors),
        "end_reason": _choice(data, "end_reason", ur.END_REASONS, errors),
        "last_covered_day": _date(data, "last_covered_day", errors),
        "note": _text(data, "note", 2000, errors),
    }
    if clean["last_covered_day"] and clean["last_covered_day"] < admission:
        errors["last_covered_day"] = N_("The last covered day is before the admission.")
    if (
        not errors
        and clean["kind"] == ur.NOMNC
        and not ur.nomnc_required(clean["payer"], clean["end_reason"])
    ):
        errors["end_reason"] = N_(
            "No NOMNC is required when benefit days are exhausted or the resident ends care (CMS-10123 instructions)."
        )
    if (
        not errors
        and clean["kind"] == ur.SNF_ABN
        and not ur.snf_abn_required(clean["payer"], clean["end_reason"], True)
    ):
        errors["kind"] = N_(
            "The SNF ABN is for Original Medicare residents who stay after skilled care ends (CMS-10055)."
        )
    return clean, errors


def validate_notice_delivery(
    data: Mapping[str, Any], today: date, notice: Mapping[str, Any]
) -> tuple[dict[str, Any], Errors]:
    """Delivery, signature and the expedited determination dates of a notice; the dates must follow each other."""
    errors: Errors = {}
    clean: dict[str, Any] = {
        "delivered_date": _date(data, "delivered_date", errors, required=False, today=today),
        "delivered_to": _choice(data, "delivered_to", DELIVERED_TO, errors, allow_blank=True),
        "signer_name": _text(data, "signer_name", 200, errors),
        "qio_requested": _date(data, "qio_requested", errors, required=False, today=today),
        "qio_notified": _date(data, "qio_notified", errors, required=False, today=today),
        "denc_delivered": _date(data, "denc_delivered", errors, required=False, today=today),
        "qio_decided": _date(data, "qio_decided", errors, required=False, today=today),
        "qio_outcome": _choice(data, "qio_outcome", QIO_OUTCOMES, errors, allow_blank=True),
        "note": _text(data, "note", 2000, errors),
    }
    if clean["delivered_date"] and not clean["delivered_to"] and "delivered_to" not in errors:
        errors["delivered_to"] = N_("Say who received the notice (or that the resident refused to sign).")
    if (
        clean["delivered_to"] in ("resident", "representative")
        and not clean["signer_name"]
        and "signer_name" not in errors
    ):
        errors["signer_name"] = N_("Enter the name of the person who signed.")
    order = [
        ("delivered_date", "qio_requested"),
        ("qio_requested", "qio_notified"),
        ("qio_notified", "qio_decided"),
    ]
    for first, second in order:
        if clean[first] is None and clean[second] is not None and first == "delivered_date":
            errors[second] = N_("Record the delivery of the notice first.")
        elif clean[first] and clean[second] and clean[second] < clean[first] and second not in errors:
            errors[second] = N_("This date is before the step it follows.")
    if notice.get("kind") != "nomnc" and any(
        clean[k] for k in ("qio_requested", "qio_notified", "denc_delivered", "qio_decided")
    ):
        errors["qio_requested"] = N_("Only a NOMNC starts an expedited determination.")
    if clean["qio_outcome"] and not clean["qio_decided"] and "qio_decided" not in errors:
        errors["qio_decided"] = N_("Enter the date of the decision.")
    return clean, errors


def validate_discharge_plan(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    """The plan form: destination, date, one row per needed service (service_<key> checked, approval_<key>,
    provider_<key>), goals, education, hand-off documents (doc_<key>)."""
    errors: Errors = {}
    services = []
    for key in ur.SERVICES:
        if _bool(data, f"service_{key}"):
            approval = str(data.get(f"approval_{key}", "needed") or "needed")
            if approval not in ur.APPROVALS:
                errors[f"approval_{key}"] = N_("Choose a value from the list.")
            services.append(
                {
                    "service": key,
                    "approval": approval,
                    "provider": _text(data, f"provider_{key}", 200, errors),
                }
            )
    clean: dict[str, Any] = {
        "destination": _choice(data, "destination", ur.DESTINATIONS, errors),
        "target_date": _date(data, "target_date", errors, required=False),
        "services": services,
        "goals": _text(data, "goals", 4000, errors),
        "education": _text(data, "education", 4000, errors),
        "education_done": _bool(data, "education_done"),
        "handoff": {k: _bool(data, f"doc_{k}") for k in ur.HANDOFF_DOCUMENTS},
        "follow_up": _text(data, "follow_up", 2000, errors),
    }
    if clean["education_done"] and not clean["education"] and "education" not in errors:
        errors["education"] = N_("Describe the education given.")
    return clean, errors


def validate_transfer_review(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    kind = str(data.get("kind", "discharge") or "discharge")
    if kind not in ("discharge", "observation"):
        errors["kind"] = N_("Choose a value from the list.")
    clean: dict[str, Any] = {
        "transfer_date": _date(data, "transfer_date", errors, today=today),
        "kind": kind,
        "a2105": _choice(data, "a2105", ur.A2105_HOSPITAL, errors, allow_blank=True),
        "reason": _choice(data, "reason", ur.TRANSFER_REASONS, errors, allow_blank=True),
        "avoidable": _choice(data, "avoidable", AVOIDABLE, errors, allow_blank=True),
        "returned_date": _date(data, "returned_date", errors, required=False, today=today),
        "note": _text(data, "note", 2000, errors),
    }
    if clean["avoidable"] and not clean["reason"] and "reason" not in errors:
        errors["reason"] = N_("Give the reason before judging whether the transfer was avoidable.")
    if clean["returned_date"] and clean["transfer_date"] and clean["returned_date"] < clean["transfer_date"]:
        errors["returned_date"] = N_("The return is before the transfer.")
    if kind == "discharge":
        clean.pop("returned_date")  # a discharge returns through its stay events
    return clean, errors


WORK_KINDS = {
    "certification": N_("Physician certification"),
    "recertification": N_("Recertification"),
    "review": N_("Concurrent review"),
    "nomnc": N_("NOMNC (CMS-10123)"),
    "snf_abn": N_("SNF ABN (CMS-10055)"),
    "expedited": N_("Expedited determination (BFCC-QIO)"),
    "denc": N_("Detailed explanation (DENC, CMS-10124)"),
    "nomnc_expected": N_("Plan authorisation ends: NOMNC needed?"),
    "authorization": N_("Authorisation expired or missing"),
}
STATE_LABELS = {
    "overdue": N_("Overdue"),
    "late": N_("Delivered late"),
    "due": NC_("worklist item state", "Due"),
    "waiting": N_("Waiting"),
    "on_time": N_("On time"),
    "upcoming": NC_("worklist item state", "Upcoming"),
    "signed": NC_("worklist item state", "Signed"),
    "signed_late": N_("Signed late"),
}


AUTH_STATE_LABELS = {
    "expired": N_("Authorisation expired"),
    "expiring": N_("Authorisation ends within 2 days"),
    "missing": N_("No authorisation on file"),
}
READINESS_LABELS = {
    "plan": N_("No plan yet"),
    "destination": N_("Destination"),
    "target_date": N_("Planned discharge date"),
    "services": N_("Service approvals"),
    "goals": N_("Goals"),
    "education": N_("Education"),
    "handoff": N_("Hand-off documents"),
}


def casework_labels() -> dict[str, Any]:
    return {
        "notice_kinds": ur.NOTICE_KINDS,
        "end_reasons": ur.END_REASONS,
        "delivered_to": DELIVERED_TO,
        "qio_outcomes": QIO_OUTCOMES,
        "disciplines": SERVICE_DISCIPLINES,
        "service_sources": SERVICE_SOURCES,
        "destinations": ur.DESTINATIONS,
        "plan_services": ur.SERVICES,
        "approvals": ur.APPROVALS,
        "handoff_docs": ur.HANDOFF_DOCUMENTS,
        "q_goals": ur.Q0310A_GOALS,
        "q_sources": ur.Q_SOURCES,
        "q_reasons": ur.Q0620_REASONS,
        "nursing_items": ur.SKILLED_NURSING_ITEMS,
        "state_labels": STATE_LABELS,
        "medicare_payers": ur.MEDICARE_PAYERS,
        "a2105_labels": ur.A2105_HOSPITAL,
        "transfer_reasons": ur.TRANSFER_REASONS,
        "avoidable_labels": AVOIDABLE,
        "work_kinds": WORK_KINDS,
        "readiness_labels": READINESS_LABELS,
        "auth_state_labels": AUTH_STATE_LABELS,
    }
