"""Pure rules for stays and their events: stays of one resident never overlap, and a stay event is
corrected (new date, with a reason) only where it keeps the stay's events in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from facility.core.forms import N_, parse_date

OPEN_STATUSES = (
    "in_facility",
    "discharged_ra",
)  # a return-anticipated discharge continues the stay on re-entry
MAX_REASON = 500


def stay_end(stay: Mapping[str, Any]) -> date | None:
    """Last day of a closed stay (its last event); None while the stay is open."""
    if stay["status"] in OPEN_STATUSES:
        return None
    events = stay.get("events") or []
    return max((e["event_date"] for e in events), default=stay["admission_date"])


def overlap_error(
    admission: date, stays: Sequence[Mapping[str, Any]], *, ignore_stay: int | None = None
) -> tuple[str, dict[str, str]] | None:
    """(message id, its parameters) when a stay admitted on `admission` would overlap another stay.

    A new stay runs from its admission on, so it must start on or after the end of every other stay
    (discharge and readmission on the same day is allowed, as two separate stays).
    """
    for stay in stays:
        if stay["id"] == ignore_stay:
            continue
        end = stay_end(stay)
        if end is None:
            return N_("This resident already has an open stay; record a discharge or re-entry on it."), {}
        if admission < end:
            return (
                N_("This admission date falls inside another stay of this resident (%(start)s to %(end)s)."),
                {"start": stay["admission_date"].isoformat(), "end": end.isoformat()},
            )
    return None


def validate_correction(
    data: Mapping[str, Any],
    event: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    today: date,
    birth_date: date,
) -> tuple[dict[str, Any], dict[str, str]]:
    """New date and reason of a corrected event; its date must stay between its neighbours' dates."""
    errors: dict[str, str] = {}
    raw = str(data.get("event_date", "")).strip()
    reason = str(data.get("reason", "")).strip()
    new_date = parse_date(raw) if raw else None
    if new_date is None:
        errors["event_date"] = N_("Enter a date as YYYY-MM-DD.")
    elif new_date > today:
        errors["event_date"] = N_("The date cannot be in the future.")
    elif new_date < birth_date:
        errors["event_date"] = N_("The date is too early.")
    else:
        ordered = sorted(events, key=lambda e: (e["event_date"], e["id"]))
        position = next(i for i, e in enumerate(ordered) if e["id"] == event["id"])
        before = ordered[position - 1]["event_date"] if position else None
        after = ordered[position + 1]["event_date"] if position + 1 < len(ordered) else None
        if (before and new_date < before) or (after and new_date > after):
            errors["event_date"] = N_(
                "The corrected date must keep the stay's events in order (between the event before and the event after it)."
            )
        elif new_date == event["event_date"]:
            errors["event_date"] = N_("This is the date already recorded.")
    if not reason:
        errors["reason"] = N_("Give the reason for the correction.")
    elif len(reason) > MAX_REASON:
        errors["reason"] = N_("This value is too long.")
    return {"event_date": new_date, "reason": reason}, errors


def _interval(stay: Mapping[str, Any]) -> tuple[date, date | None]:
    return stay["admission_date"], stay_end(stay)


def first_overlap(stays: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    """The first pair of stays (in admission order) that overlap; only the latest stay may be open."""
    ordered = sorted(stays, key=lambda s: (s["admission_date"], s["id"]))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        end = stay_end(earlier)
        if end is None or later["admission_date"] < end:
            return earlier, later
    return None


def with_corrected_event(
    stays: Sequence[Mapping[str, Any]], stay_id: int, event_id: int, new_date: date
) -> list[dict[str, Any]]:
    """The resident's stays as they would be after the correction (an admission event moves the stay's start)."""
    out = []
    for stay in stays:
        copy = dict(stay)
        if stay["id"] == stay_id:
            events = [
                dict(e, event_date=new_date) if e["id"] == event_id else dict(e)
                for e in stay.get("events") or []
            ]
            copy["events"] = events
            moved = next((e for e in events if e["id"] == event_id), None)
            if moved and moved["kind"] == "admission":
                copy["admission_date"] = new_date
        out.append(copy)
    return out
