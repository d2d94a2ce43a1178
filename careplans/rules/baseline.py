"""Baseline care plan (F655, 42 CFR 483.21(a)): the 48-hour clock and the required content (pure).

483.21(a)(1): within 48 hours of admission the facility develops and implements a baseline care plan
that includes the instructions needed to provide effective, person-centred care, and that includes
the minimum healthcare information necessary to care for the resident:
(i) initial goals based on admission orders, (ii) physician orders, (iii) dietary orders,
(iv) therapy services, (v) social services, (vi) PASARR recommendation, if applicable.
483.21(a)(4): the resident and their representative receive a summary of the baseline care plan.

The clock starts at the admission moment (stay.admitted_at). Stays recorded before the time was
asked for only have a date: the clock then starts at 00:00 of that day, the earliest the admission
can have happened, so the deadline shown is never later than the real one (`time_known` False).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from facility.core.forms import N_, parse_date

BASELINE_HOURS = 48
MAX_TEXT = 2000

# (form field, label message id): the minimum content, 483.21(a)(1)(i)-(v); PASARR (vi) only if applicable.
CONTENT: tuple[tuple[str, str], ...] = (
    ("baseline_goals", N_("Initial goals based on the admission orders")),
    ("baseline_physician_orders", N_("Physician orders")),
    ("baseline_dietary_orders", N_("Dietary orders")),
    ("baseline_therapy", N_("Therapy services")),
    ("baseline_social", N_("Social services")),
)
PASARR_LABEL = N_("PASARR recommendation")

RUNNING, OVERDUE, DONE, DONE_LATE = "running", "overdue", "done", "done_late"


@dataclass(frozen=True, slots=True)
class Clock:
    state: str  # running | overdue | done | done_late
    started_at: datetime
    due_at: datetime
    minutes_left: int  # while running: whole minutes until the deadline (0 once it passed)
    minutes_over: int  # overdue or done late: whole minutes past the deadline
    time_known: bool


def admission_moment(admission_date: date, admitted_at: datetime | None) -> tuple[datetime, bool]:
    """(when the clock starts, whether the admission time was recorded). A recorded time on another day
    than admission_date (a stay moved by a correction) is not trusted: midnight of the date is used."""
    if admitted_at is not None:
        aware = admitted_at.replace(tzinfo=UTC) if admitted_at.tzinfo is None else admitted_at.astimezone(UTC)
        if aware.date() == admission_date:
            return aware, True
    return datetime.combine(admission_date, time(0, 0), tzinfo=UTC), False


def clock(
    admission_date: date, admitted_at: datetime | None, completed_at: datetime | None, now: datetime
) -> Clock:
    start, known = admission_moment(admission_date, admitted_at)
    due = start + timedelta(hours=BASELINE_HOURS)
    if completed_at is not None:
        if completed_at <= due:
            return Clock(DONE, start, due, 0, 0, known)
        return Clock(DONE_LATE, start, due, 0, _minutes_up(completed_at - due), known)
    if now <= due:
        return Clock(RUNNING, start, due, int((due - now).total_seconds() // 60), 0, known)
    return Clock(OVERDUE, start, due, 0, _minutes_up(now - due), known)


def _minutes_up(delta: timedelta) -> int:
    """Whole minutes past a deadline, rounded up: 20 seconds late is late by 1 minute, never by 0."""
    return -int(-delta.total_seconds() // 60)


def hours_minutes(minutes: int) -> tuple[int, int]:
    return minutes // 60, minutes % 60


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return str(value).strip() if value is not None else ""


def _when(value: str) -> datetime | None:
    """A datetime-local value (YYYY-MM-DDTHH:MM, read as UTC like every time on the server)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def validate(
    data: Mapping[str, Any], now: datetime, admission_date: date | None, started_at: datetime | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The baseline form. Saving keeps work in progress (content may be partial); completing
    (`complete` set) needs every required item, the summary given, and the completion time."""
    errors: dict[str, str] = {}
    complete = _text(data, "complete") in ("1", "on", "true", "yes")
    clean: dict[str, Any] = {"complete": complete}
    for field, _label in CONTENT:
        value = _text(data, field)
        if len(value) > MAX_TEXT:
            errors[field] = N_("This value is too long.")
        elif complete and not value:
            errors[field] = N_("Required for the baseline care plan.")
        clean[field] = value
    applies = _text(data, "baseline_pasarr_applies") in ("1", "on", "true", "yes")
    pasarr = _text(data, "baseline_pasarr")
    if len(pasarr) > MAX_TEXT:
        errors["baseline_pasarr"] = N_("This value is too long.")
    elif applies and complete and not pasarr:
        errors["baseline_pasarr"] = N_("Enter the PASARR recommendation, or untick 'PASARR applies'.")
    clean["baseline_pasarr_applies"] = applies
    clean["baseline_pasarr"] = pasarr if applies else ""
    summary_to = _text(data, "baseline_summary_to")
    if len(summary_to) > 200:
        errors["baseline_summary_to"] = N_("This value is too long.")
    elif complete and not summary_to:
        errors["baseline_summary_to"] = N_(
            "Say who received the summary (the resident or their representative)."
        )
    clean["baseline_summary_to"] = summary_to
    raw_on = _text(data, "baseline_summary_on")
    summary_on = parse_date(raw_on) if raw_on else None
    if raw_on and summary_on is None:
        errors["baseline_summary_on"] = N_("Enter a date as YYYY-MM-DD.")
    elif summary_on is not None and summary_on > now.date():
        errors["baseline_summary_on"] = N_("This date is in the future.")
    elif summary_on is not None and admission_date is not None and summary_on < admission_date:
        errors["baseline_summary_on"] = N_("This date is before the admission.")
    elif complete and summary_on is None:
        errors["baseline_summary_on"] = N_("Enter the date the summary was given.")
    clean["baseline_summary_on"] = summary_on
    completed_at = None
    if complete:
        raw = _text(data, "completed_at")
        completed_at = _when(raw) if raw else now
        if completed_at is None:
            errors["completed_at"] = N_("Enter a date and time.")
        elif completed_at > now + timedelta(minutes=5):
            errors["completed_at"] = N_("This time is in the future.")
        elif started_at is not None and completed_at < started_at:
            errors["completed_at"] = N_("The baseline care plan cannot be before the admission.")
    clean["completed_at"] = completed_at
    return clean, errors


def validate_admission_time(
    data: Mapping[str, Any], admission_date: date, now: datetime
) -> tuple[datetime | None, dict[str, str]]:
    """HH:MM on the stay's admission date (UTC). Blank clears nothing: the time is required here."""
    raw = _text(data, "admission_time")
    try:
        parsed = time.fromisoformat(raw) if raw else None
    except ValueError:
        parsed = None
    if parsed is None:
        return None, {"admission_time": N_("Enter the admission time as HH:MM.")}
    moment = datetime.combine(admission_date, parsed.replace(second=0, microsecond=0), tzinfo=UTC)
    if moment > now + timedelta(minutes=5):
        return None, {"admission_time": N_("This time is in the future.")}
    return moment, {}
