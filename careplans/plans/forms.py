"""Form validation for care plans: plain dict in, (clean values, field errors) out.

Error values are English message ids (translated when the form is rendered, en/es). Codes for
discipline, frequency and responsible role are the library's (careplans/data/library.json).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from careplans.plans.library import load_library
from facility.core.forms import N_, NC_, parse_date

Errors = dict[str, str]

PROBLEM_STATUSES = ("active", "resolved")
INTERVENTION_STATUSES = ("active", "discontinued")
RECORD_STATUSES = ("done", "refused", "not_done")
DECISIONS = ("yes", "no")
MAX_TEXT = 2000
# A documentation time may be back-dated (late entry) but not by more than this.
MAX_BACKDATE_DAYS = 30

LABELS = (
    NC_("intervention status", "Done"),
    N_("Refused"),
    N_("Not done"),
    N_("Resolved"),
    N_("Discontinued"),
)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return str(value).strip() if value is not None else ""


def _required(data: Mapping[str, Any], name: str, errors: Errors, max_length: int = MAX_TEXT) -> str:
    value = _text(data, name)
    if not value:
        errors[name] = N_("This field is required.")
    elif len(value) > max_length:
        errors[name] = N_("This value is too long.")
    return value


def _optional(data: Mapping[str, Any], name: str, errors: Errors, max_length: int = MAX_TEXT) -> str:
    value = _text(data, name)
    if len(value) > max_length:
        errors[name] = N_("This value is too long.")
    return value


def _checkbox(data: Mapping[str, Any], name: str) -> bool:
    return _text(data, name).lower() in ("1", "on", "true", "yes")


def _code(
    data: Mapping[str, Any], name: str, allowed: Mapping[str, Any] | tuple[str, ...], errors: Errors
) -> str:
    value = _text(data, name)
    if value not in allowed:
        errors[name] = N_("Choose a value from the list.")
    return value


def _date(
    data: Mapping[str, Any],
    name: str,
    errors: Errors,
    *,
    required: bool,
    earliest: date | None = None,
    latest: date | None = None,
) -> date | None:
    raw = _text(data, name)
    if not raw:
        if required:
            errors[name] = N_("This field is required.")
        return None
    value = parse_date(raw)
    if value is None:
        errors[name] = N_("Enter a date as YYYY-MM-DD.")
    elif latest is not None and value > latest:
        errors[name] = N_("The date cannot be in the future.")
    elif earliest is not None and value < earliest:
        errors[name] = N_("The date is too early.")
    return value


def parse_datetime_local(raw: str) -> datetime | None:
    """An <input type=datetime-local> value (server time is UTC) as an aware datetime."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(data: Mapping[str, Any], name: str, errors: Errors, now: datetime) -> datetime:
    """Optional time of the event; blank = now. Not in the future, not older than MAX_BACKDATE_DAYS."""
    raw = _text(data, name)
    if not raw:
        return now
    value = parse_datetime_local(raw)
    if value is None:
        errors[name] = N_("Enter a date and time.")
        return now
    if value > now + timedelta(minutes=5):
        errors[name] = N_("The time cannot be in the future.")
    elif value < now - timedelta(days=MAX_BACKDATE_DAYS):
        errors[name] = N_("Late entries can be back-dated up to 30 days.")
    return value


def validate_new_problem(data: Mapping[str, Any], triggered_caas: set[int]) -> tuple[dict[str, Any], Errors]:
    """A custom problem: from a triggered CAA, or "not from a trigger" with a reason."""
    errors: Errors = {}
    focus = _required(data, "focus", errors)
    caa_raw = _text(data, "caa")
    caa: int | None = None
    reason = _optional(data, "not_triggered_reason", errors)
    if caa_raw:
        if not caa_raw.isdigit() or int(caa_raw) not in triggered_caas:
            errors["caa"] = N_("Choose a triggered care area, or leave it blank and give a reason.")
        else:
            caa = int(caa_raw)
    if caa is None and not reason and "caa" not in errors:
        errors["not_triggered_reason"] = N_("A problem not raised by a trigger needs a reason.")
    return {"focus": focus, "caa": caa, "not_triggered_reason": "" if caa else reason}, errors


def validate_library_pick(data: Mapping[str, Any], triggered_caas: set[int]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    library_id = _text(data, "library_id")
    try:
        entry = load_library().problem(library_id)
    except KeyError:
        return {}, {"library_id": N_("Choose a value from the list.")}
    reason = _optional(data, "not_triggered_reason", errors)
    if entry.caa not in triggered_caas and not reason:
        errors["not_triggered_reason"] = N_("A problem not raised by a trigger needs a reason.")
    return {
        "library_id": library_id,
        "caa": entry.caa,
        "triggered": entry.caa in triggered_caas,
        "not_triggered_reason": reason,
    }, errors


def validate_problem_update(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    return {
        "focus": _required(data, "focus", errors),
        "status": _code(data, "status", PROBLEM_STATUSES, errors),
    }, errors


def validate_goal(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    """Goals are measurable and time-bound (F656): a target date is required."""
    errors: Errors = {}
    text = _required(data, "text", errors)
    target = _date(
        data,
        "target_date",
        errors,
        required=True,
        earliest=today - timedelta(days=365),
        latest=today + timedelta(days=730),
    )
    return {"text": text, "target_date": target, "met": _checkbox(data, "met")}, errors


def validate_intervention(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    lib = load_library()
    errors: Errors = {}
    clean = {
        "text": _required(data, "text", errors),
        "discipline": _code(data, "discipline", lib.disciplines, errors),
        "frequency": _code(data, "frequency", lib.frequencies, errors),
        "responsible_role": _code(data, "responsible_role", lib.roles, errors),
    }
    status = _text(data, "status") or "active"
    if status not in INTERVENTION_STATUSES:
        errors["status"] = N_("Choose a value from the list.")
    clean["status"] = status
    return clean, errors


def validate_record(data: Mapping[str, Any], now: datetime) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    status = _code(data, "status", RECORD_STATUSES, errors)
    at = _when(data, "at", errors, now)
    note = _optional(data, "note", errors)
    if status in ("refused", "not_done") and not note and "status" not in errors:
        errors["note"] = N_("Say why it was refused or not done.")
    return {"status": status, "at": at, "note": note}, errors


def validate_note(data: Mapping[str, Any], now: datetime) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    return {
        "text": _required(data, "text", errors, 5000),
        "written_at": _when(data, "written_at", errors, now),
    }, errors


def validate_conference(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    held = _date(data, "held_on", errors, required=True, earliest=today - timedelta(days=366), latest=today)
    return {
        "held_on": held,
        "attendees": _required(data, "attendees", errors),
        "resident_participated": _checkbox(data, "resident_participated"),
        "family_participated": _checkbox(data, "family_participated"),
        "family_names": _optional(data, "family_names", errors, 200),
        "summary": _optional(data, "summary", errors),
    }, errors


def validate_decision(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    """One CAA worksheet row. The decision may be left blank while the analysis is in progress;
    "no care plan" needs its rationale (RAI ch. 4)."""
    errors: Errors = {}
    decision = _text(data, "care_plan")
    if decision and decision not in DECISIONS:
        errors["care_plan"] = N_("Choose a value from the list.")
    analysis = _optional(data, "analysis", errors, 5000)
    rationale = _optional(data, "rationale", errors)
    if decision == "no" and not rationale:
        errors["rationale"] = N_("'No care plan' needs a documented reason.")
    if decision and not analysis:
        errors["analysis"] = N_("Write the analysis of findings before deciding.")
    location = _optional(data, "location", errors, 200)
    documented_on = _date(
        data, "documented_on", errors, required=False, earliest=today - timedelta(days=730), latest=today
    )
    if decision and (not location or documented_on is None):
        errors.setdefault("location", N_("Say where and when the CAA is documented."))
    return {
        "care_plan": decision,
        "analysis": analysis,
        "rationale": rationale,
        "location": location,
        "documented_on": documented_on,
    }, errors
