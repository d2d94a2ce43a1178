"""MDS entry forms: the control for each catalog item type, and parsing a posted section into raw MDS
values. Value checks (codes, dates, ranges, `-`/`^` where allowed) are the CMS format edits of
mds.record.edits, shown inline after the save; this module only normalises what browsers send (ISO dates,
unpadded numbers, unchecked boxes) and refuses what cannot be stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from facility.core.forms import N_, parse_date
from mds.i18n import gettext
from mds.record import rfa as rfa_rules
from mds.record.catalog import (
    CARET,
    DASH,
    DEFAULT_VERSION,
    Item,
    UnsupportedTargetDate,
    get_catalog,
    version_for_date,
)

MAX_VALUE_LENGTH = 200
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
X0900_CODES = ("X0900A", "X0900B", "X0900C", "X0900D", "X0900Z")
X1050_CODES = ("X1050A", "X1050Z")


def control_for(item: Item) -> str:
    """select (codes), checkbox (checklists), date, number or text."""
    if item.type == "code":
        return "select"
    if item.type == "checklist":
        return "checkbox"
    if item.type in ("date", "birthdate"):
        return "date"
    return "number" if item.type == "numeric" else "text"


# (id(item), lang) -> (item, [(code, option unselected, option selected)]): the item is kept so its id stays its own
_OPTIONS: dict[tuple[int, str], tuple[Item, tuple[tuple[str, str, str], ...]]] = {}


def _options_of(item: Item, lang: str) -> tuple[tuple[str, str, str], ...]:
    key = (id(item), lang)
    hit = _OPTIONS.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    labels = [(code, f"{escape(code)}. {escape(item.value_label(code, lang))}") for code in item.values]
    if DASH in item.special:
        labels.append((DASH, "- " + str(escape(gettext(lang, "Not assessed / no information")))))
    if CARET in item.special:
        labels.append((CARET, "^ " + str(escape(gettext(lang, "Blank (skip pattern)")))))
    built = tuple(
        (
            code,
            f'<option value="{escape(code)}">{text}</option>',
            f'<option value="{escape(code)}" selected>{text}</option>',
        )
        for code, text in labels
    )
    _OPTIONS[key] = (item, built)
    return built


def select_options(item: Item, value: str, lang: str) -> Markup:
    """The <option>s of a coded item's select with `value` selected. A section page has up to a hundred coded
    items of up to a dozen codes: the option markup of each (item, language) is built once per process."""
    return Markup(
        "".join(selected if code == value else plain for code, plain, selected in _options_of(item, lang))
    )


def display_value(item: Item, value: str) -> str:
    """A stored raw value as the form shows it (ISO dates for date pickers)."""
    if item.type == "date" and len(value) == 8 and value.isdigit():
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def _normalise(item: Item, raw: str) -> str:
    if raw in (DASH, CARET):
        return raw
    if item.type in ("date", "birthdate"):
        if m := _ISO.match(raw):
            return "".join(m.groups())
        if item.type == "birthdate" and (m := _ISO_PARTIAL.match(raw)):
            return "".join(g for g in m.groups() if g)
        return raw
    if item.type == "numeric" and raw.isdigit():
        # Browsers send "7"; CMS wants the item's width, e.g. C0500 "07" (-3679).
        return raw.zfill(item.width) if item.width else str(int(raw))
    return raw


def parse_section(
    form: Mapping[str, Any], item_ids: list[str], version: str = DEFAULT_VERSION
) -> tuple[dict[str, str], dict[str, str]]:
    """(item -> raw MDS value, item -> error message id) for items of item set `version`. Blank = unanswered (not
    stored); a blank text item whose value list allows `^` is stored as `^` (CMS: blank text is sent as a caret)."""
    catalog = get_catalog(version)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item_id in item_ids:
        item = catalog.items[item_id]
        raw = str(form.get(item_id, "") or "").strip()
        if len(raw) > MAX_VALUE_LENGTH:
            errors[item_id] = N_("This value is too long.")
            continue
        if item.type == "checklist":
            values[item_id] = raw if raw in (DASH, CARET) else ("1" if raw in ("1", "on") else "0")
        elif raw:
            values[item_id] = _normalise(item, raw)
        elif item.type == "text" and CARET in item.special and f"{item_id}__shown" in form:
            values[item_id] = CARET
    return values, errors


def validate_start(
    form: Mapping[str, Any], today: date, admission: date | None, prior_since_entry: int
) -> tuple[dict[str, Any], dict[str, str]]:
    """The start form: the RFA combination (mds.record.rfa codes) and the ARD. A0310E follows from the stay's
    earlier records (mds.record.rfa.first_since_entry); A0310G (planned/unplanned) is asked on discharges."""
    errors: dict[str, str] = {}
    code = str(form.get("rfa", "")).strip()
    choices = {c["value"] for c in rfa_rules.rfa_choices("en")}
    rfa = None
    if code not in choices:
        errors["rfa"] = N_("Choose a reason for assessment from the list.")
    else:
        rfa = rfa_rules.from_code(code)
        first = rfa_rules.first_since_entry(rfa, prior_since_entry) == "1"
        rfa = _with_e_and_g(rfa, first, str(form.get("discharge_type", "1")))
        if rfa_rules.validate(rfa):
            errors["rfa"] = N_("This combination of reasons for assessment is not allowed.")
    ard = parse_date(str(form.get("ard", "")).strip())
    if ard is None:
        errors["ard"] = N_("Enter a date as YYYY-MM-DD.")
    elif admission and ard < admission:
        errors["ard"] = N_("The assessment reference date cannot be before the admission.")
    elif (ard - today).days > 30:
        errors["ard"] = N_("The assessment reference date is too far in the future.")
    elif not _item_set_supported(ard):
        errors["ard"] = N_(
            "The target date is before 2023-10-01: records of item sets older than 1.18.11 cannot be "
            "entered here."
        )
    return {
        "rfa": rfa,
        "ard": ard,
        "carry_forward": str(form.get("carry_forward", "")) in ("1", "on"),
        "stay_id": str(form.get("stay_id", "")),
    }, errors


def _item_set_supported(target: date) -> bool:
    try:
        version_for_date(target)
    except UnsupportedTargetDate:
        return False
    return True


def _with_e_and_g(rfa: rfa_rules.Rfa, first: bool, discharge_type: str) -> rfa_rules.Rfa:
    """A0310E: 1 on the first assessment since entry; entry and death tracking records carry 0 (a caret is
    not an allowed value there: fatal -3676). A0310G only on discharges."""
    e = "0" if rfa_rules.is_tracking(rfa) else ("1" if first and rfa.b != "08" else "0")
    g = (discharge_type if discharge_type in ("1", "2") else "1") if rfa_rules.is_discharge(rfa) else None
    return rfa_rules.Rfa(a=rfa.a, b=rfa.b, f=rfa.f, h=rfa.h, e=e, g=g)


def parse_password(form: Mapping[str, Any]) -> str:
    return str(form.get("password", ""))[:128]


def parse_correction(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """kind (modify | inactivate), the X0900/X1050 reasons checked, other text."""
    errors: dict[str, str] = {}
    kind = str(form.get("kind", ""))
    if kind not in ("modify", "inactivate"):
        errors["kind"] = N_("Choose a modification or an inactivation.")
    allowed = X0900_CODES if kind == "modify" else X1050_CODES
    getall = getattr(form, "getall", None)
    picked = getall("reasons", []) if getall else [form.get("reasons")] if form.get("reasons") else []
    reasons = [str(r) for r in picked if str(r) in allowed]
    other = str(form.get("other_text", "")).strip()[:500]
    return {"kind": kind, "reasons": reasons, "other_text": other}, errors
