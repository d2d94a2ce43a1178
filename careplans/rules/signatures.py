"""Signatures on the care plan (pure): who may sign and the form's rules.

42 CFR 483.21(b)(2)(ii): the comprehensive care plan is prepared by an interdisciplinary team that
includes the attending physician, a registered nurse with responsibility for the resident, a nurse
aide with responsibility for the resident, a member of food and nutrition services staff, to the
extent practicable the participation of the resident and the resident's representative(s), and
other appropriate staff or professionals. The recorded signatures (name, role, date) are printed
on the care-plan PDF; every role not yet recorded gets a blank line for a wet signature.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from facility.core.forms import N_, parse_date

# code -> (English label message id, printed as a wet-signature line when nobody has signed for it yet)
ROLES: dict[str, tuple[str, bool]] = {
    "resident": (N_("Resident"), True),
    "representative": (N_("Resident representative or family"), True),
    "physician": (N_("Attending physician"), True),
    "rn": (N_("Registered nurse responsible for the resident"), True),
    "cna": (N_("Nurse aide responsible for the resident"), True),
    "dietary": (N_("Food and nutrition services"), True),
    "social": (N_("Social services"), True),
    "therapy": (N_("Therapy services"), False),
    "activities": (N_("Activities program"), False),
    "mds": (N_("MDS coordinator (resident assessment)"), False),
    "other": (N_("Other IDT member"), False),
}
RESIDENT_SIDE = frozenset({"resident", "representative"})
MAX_BACKDATE_DAYS = 366


def label(role: str, lang: str) -> str:
    """The role's name in `lang` (the careplans catalog)."""
    from careplans.i18n import gettext

    english = ROLES[role][0] if role in ROLES else role
    return gettext(lang, english) if role in ROLES else role


def wet_lines(recorded: Sequence[Mapping[str, Any]]) -> list[str]:
    """Roles that get a blank signature line on the PDF: the required ones nobody has signed for yet."""
    signed = {str(s["role"]) for s in recorded}
    return [code for code, (_label, line) in ROLES.items() if line and code not in signed]


def validate(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    name = str(data.get("name", "") or "").strip()
    if not name:
        errors["name"] = N_("This field is required.")
    elif len(name) > 200:
        errors["name"] = N_("This value is too long.")
    role = str(data.get("role", "") or "").strip()
    if role not in ROLES:
        errors["role"] = N_("Choose a value from the list.")
    raw = str(data.get("signed_on", "") or "").strip()
    signed_on = parse_date(raw) if raw else today
    if signed_on is None:
        errors["signed_on"] = N_("Enter a date as YYYY-MM-DD.")
    elif signed_on > today:
        errors["signed_on"] = N_("This date is in the future.")
    elif signed_on < today - timedelta(days=MAX_BACKDATE_DAYS):
        errors["signed_on"] = N_("This date is more than a year ago.")
    return {"name": name, "role": role, "signed_on": signed_on}, errors
