"""Form validation for the facility domain: plain dict in, (clean values, field errors) out.

Error values are English message ids, translated when the form is rendered (en/es).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

from facility.web.i18n import NC_ as NC_  # the context marker, beside N_

Errors = dict[str, str]

# Control characters (tab, newline and carriage return kept) and lone surrogates. PostgreSQL refuses NUL in
# text ("invalid byte sequence") where SQLite stores it silently, and no clinical text needs the others.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The largest value a 4-byte INTEGER column holds on both engines (PostgreSQL refuses more: "out of range").
MAX_DB_INT = 2**31 - 1


def N_(message: str) -> str:
    """Marks a message id for extraction; it is translated when the form is rendered."""
    return message


def clean_text(value: str) -> str:
    """User text as stored: control characters removed (applied once to every form value, see web.core)."""
    return _CONTROL.sub("", value)


def parse_int(raw: str, low: int = 0, high: int = MAX_DB_INT) -> int | None:
    """A whole number within [low, high], else None. ASCII digits only: "²".isdigit() is true but int() fails."""
    text = raw.strip()
    body = text[1:] if text[:1] == "-" else text
    if not body or len(body) > 12 or not (body.isascii() and body.isdigit()):
        return None
    value = int(text)
    return value if low <= value <= high else None


SEXES = {"M": N_("Male"), "F": N_("Female")}
STATUS_LABELS = (NC_("resident status", "Active"), N_("Discharged"), N_("Expired"))
RESIDENT_STATUSES = ("active", "discharged", "expired")
STAY_EVENT_KINDS = (
    "discharge_return_anticipated",
    "discharge_return_not_anticipated",
    "reentry",
    "death",
    "significant_change",  # the IDT's significant-change determination: starts the 14-day SCSA clock (483.20(b)(2)(ii))
)
# CMS Medicare Beneficiary Identifier: 11 characters, letters exclude S, L, O, I, B, Z.
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(
    rf"^[1-9]{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y][0-9]{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y][0-9]{_MBI_LETTER}{{2}}[0-9]{{2}}$"
)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name, "")
    return clean_text(str(value)).strip() if value is not None else ""


def parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _required_text(data: Mapping[str, Any], name: str, max_length: int, errors: Errors) -> str:
    value = _text(data, name)
    if not value:
        errors[name] = N_("This field is required.")
    elif len(value) > max_length:
        errors[name] = N_("This value is too long.")
    return value


def _date_field(
    data: Mapping[str, Any], name: str, errors: Errors, *, today: date, earliest: date | None = None
) -> date | None:
    raw = _text(data, name)
    if not raw:
        errors[name] = N_("This field is required.")
        return None
    value = parse_date(raw)
    if value is None:
        errors[name] = N_("Enter a date as YYYY-MM-DD.")
    elif value > today:
        errors[name] = N_("The date cannot be in the future.")
    elif earliest and value < earliest:
        errors[name] = N_("The date is too early.")
    return value


def validate_resident(
    data: Mapping[str, Any], unit_ids: set[int], today: date
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "last_name": _required_text(data, "last_name", 100, errors),
        "first_name": _required_text(data, "first_name", 100, errors),
        "birth_date": _date_field(data, "birth_date", errors, today=today, earliest=date(1890, 1, 1)),
    }
    sex = _text(data, "sex").upper()
    if sex not in SEXES:
        errors["sex"] = N_("Choose a value from the list.")
    clean["sex"] = sex
    mbi = _text(data, "medicare_number").upper().replace("-", "")
    if mbi and not _MBI.match(mbi):
        errors["medicare_number"] = N_("A Medicare number (MBI) has 11 characters, like 1EG4TE5MK73.")
    clean["medicare_number"] = mbi
    medicaid = _text(data, "medicaid_number")
    if medicaid and (len(medicaid) > 20 or not medicaid.replace("-", "").isalnum()):
        errors["medicaid_number"] = N_("Use up to 20 letters and digits.")
    clean["medicaid_number"] = medicaid
    room = _text(data, "room")
    if len(room) > 20:
        errors["room"] = N_("This value is too long.")
    clean["room"] = room
    unit_raw = _text(data, "unit_id")
    clean["unit_id"] = None
    if unit_raw:
        unit_id = parse_int(unit_raw)
        if unit_id is None or unit_id not in unit_ids:
            errors["unit_id"] = N_("Choose a value from the list.")
        else:
            clean["unit_id"] = unit_id
    return clean, errors


def parse_version(data: Mapping[str, Any]) -> int | None:
    return parse_int(_text(data, "version"), 1)


def validate_stay(data: Mapping[str, Any], birth_date: date, today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    admission = _date_field(data, "admission_date", errors, today=today, earliest=birth_date)
    admitted_from = _text(data, "admitted_from")
    payer = _text(data, "payer")
    if len(admitted_from) > 40:
        errors["admitted_from"] = N_("This value is too long.")
    if payer and payer not in PAYERS:
        errors["payer"] = N_("Choose a value from the list.")
    admitted_at = None
    raw_time = _text(data, "admission_time")
    if raw_time:  # the moment of arrival (UTC) starts the 48-hour baseline care plan clock (F655)
        try:
            clock = time.fromisoformat(raw_time)
        except ValueError:
            errors["admission_time"] = N_("Enter the admission time as HH:MM.")
        else:
            if admission is not None:
                admitted_at = datetime.combine(admission, clock.replace(second=0, microsecond=0), tzinfo=UTC)
    return {
        "admission_date": admission,
        "admitted_from": admitted_from,
        "payer": payer,
        "admitted_at": admitted_at,
    }, errors


PAYERS = ("medicare_a", "medicare_advantage", "medicaid", "private", "hospice", "other")

# Which events may follow which stay status (a discharged-return-anticipated stay may re-enter).
_EVENT_ALLOWED_FROM = {
    "discharge_return_anticipated": {"in_facility"},
    "discharge_return_not_anticipated": {"in_facility"},
    "death": {"in_facility"},
    "reentry": {"discharged_ra"},
    "significant_change": {"in_facility"},
}
EVENT_RESULT_STATUS = {
    "discharge_return_anticipated": "discharged_ra",
    "discharge_return_not_anticipated": "discharged_rna",
    "death": "expired",
    "reentry": "in_facility",
    "significant_change": "in_facility",  # the resident stays; only the schedule changes
}


def validate_stay_event(
    data: Mapping[str, Any], stay_status: str, last_event_date: date, today: date
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    kind = _text(data, "kind")
    if kind not in STAY_EVENT_KINDS:
        errors["kind"] = N_("Choose a value from the list.")
    elif stay_status not in _EVENT_ALLOWED_FROM[kind]:
        errors["kind"] = N_("This event is not possible for the stay's current status.")
    event_date = _date_field(data, "event_date", errors, today=today, earliest=last_event_date)
    note = _text(data, "note")
    if len(note) > 2000:
        errors["note"] = N_("This value is too long.")
    return {"kind": kind, "event_date": event_date, "note": note}, errors


US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR VI GU AS MP".split()
)


def npi_valid(npi: str) -> bool:
    """NPI check digit: Luhn over the 80840 prefix + the first 9 digits (CMS NPI standard)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi[:9]]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10 == int(npi[9])


def validate_facility(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    name = _required_text(data, "name", 200, errors)
    ccn = _text(data, "ccn").upper()
    # CMS Certification Number: 2-digit state code + 4 characters (nursing facilities use 5000-6499 etc.).
    if not (len(ccn) == 6 and ccn.isalnum() and ccn[:2].isdigit()):
        errors["ccn"] = N_("A CCN has 6 characters, starting with the 2-digit state code, like 365001.")
    state = _text(data, "state").upper()
    if state not in US_STATES:
        errors["state"] = N_("Enter a 2-letter US state code.")
    npi = _text(data, "npi")
    if npi and not npi_valid(npi):
        errors["npi"] = N_("This is not a valid 10-digit NPI.")
    language = _text(data, "language") or "en"
    if language not in ("en", "es"):
        errors["language"] = N_("Choose a value from the list.")
    return {"name": name, "ccn": ccn, "state": state, "npi": npi, "language": language}, errors
