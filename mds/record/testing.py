"""Synthetic MDS records for tests and the benchmark (no resident data; deterministic per Random seed).

`random_assessment(rng, isc=...)` builds a record that passes every implemented edit: every item active
on the item subset is present, values come from the catalog, and the gateway / skip-pattern / date rules
of mds.record.edits are honoured. `inject_error(values, rng)` plants one known error and returns its edit id.
The hypothesis strategy in tests/unit/mds/strategies.py drives this with a hypothesis-controlled Random.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import date, timedelta

from mds.record.catalog import CARET, DEFAULT_VERSION, Item, get_catalog
from mds.record.edits import _C_SKIPPED, _D_SKIPPED, _GG_COL1, _J_SKIPPED, item_range
from mds.record.isc import EXAMPLE_RFA
from mds.record.skips import apply_skips

ASSESSMENT_ISCS = ("NC", "NQ", "NP", "NPE", "IPA", "ND", "NT", "SP", "SD", "ST")


def _ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _value_for(item: Item, rng: random.Random) -> str:
    if item.type in ("code", "checklist"):
        return rng.choice(item.values)
    if item.type == "numeric":
        n = rng.randint(item.min or 0, min(item.max or 0, 30))
        return str(n).zfill(item.width or 1)
    if item.type == "text":
        n = rng.randint(1, min(item.max_length or 1, 10))
        return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))
    return ""  # dates are set from the date chain


def _rfa(isc: str, rng: random.Random) -> dict[str, str]:
    values = dict(EXAMPLE_RFA[isc])
    if isc == "NC":
        values["A0310A"] = rng.choice(["01", "03", "04", "05"])
    elif isc == "NQ":
        values["A0310A"] = rng.choice(["02", "06"])
    elif isc in ("ND", "SD"):
        values["A0310F"] = rng.choice(["10", "11"])
    elif isc in ("NT", "ST"):
        values["A0310F"] = rng.choice(["01", "12"])
    first_allowed = (
        (values.get("A0310A") in ("01", "02", "03", "04", "05", "06") and values.get("A0200") == "1")
        or values.get("A0310B") == "01"
        or values.get("A0310F") in ("10", "11")
    )
    values["A0310E"] = "1" if first_allowed and rng.random() < 0.3 else "0"
    return values


def random_assessment(
    rng: random.Random, *, isc: str | None = None, version: str = DEFAULT_VERSION
) -> dict[str, str]:
    """A valid record (item id -> value) for `isc` (random when None) on item set `version`: its target
    date falls inside that item set's effective period, so the validator picks the same set."""
    catalog = get_catalog(version)
    isc = isc or rng.choice(ASSESSMENT_ISCS)
    active = catalog.active_items(isc)
    values: dict[str, str] = {}
    rfa = _rfa(isc, rng) if isc != "XX" else {"A0050": "3"}
    for item_id, item in catalog.items.items():
        if item_id in active:
            values[item_id] = _value_for(item, rng)
    values.update({k: v for k, v in rfa.items() if k in active})
    values.update(_controls(catalog.itm_set_vrsn_cd, catalog.spec_vrsn_cd, isc, rng))
    _dates(values, rng, catalog)
    for fix in _FIXES:
        fix(values, rng)
    # Last, the skip patterns (mds.record.skips): skipped items are submitted as ^, as the entry form saves them.
    values = apply_skips(values, active, version)
    return {k: v for k, v in values.items() if k in active}


def _controls(version_code: str, spec_code: str, isc: str, rng: random.Random) -> dict[str, str]:
    return {
        "ASMT_SYS_CD": "MDS",
        "ITM_SBST_CD": isc,
        "ITM_SET_VRSN_CD": version_code,
        "SPEC_VRSN_CD": spec_code,
        "PRODN_TEST_CD": "T",
        "STATE_CD": rng.choice(["CA", "TX", "NY", "FL", "PR"]),
        "FAC_ID": f"FAC{rng.randint(1000, 9999)}",
        "SFTWR_VNDR_ID": "123456789",
        "SFTWR_VNDR_NAME": "mdsready",
        "SFTWR_VNDR_EMAIL_ADR": "dev@example.org",
        "SFTWR_PROD_NAME": "mdsready",
        "SFTWR_PROD_VRSN_CD": "0.1",
        "FAC_DOC_ID": str(rng.randint(1, 10**9)),
    }


def _dates(values: dict[str, str], rng: random.Random, catalog) -> None:
    birth = date(1930, 1, 1) + timedelta(days=rng.randint(0, 11000))
    # Admission, entry, ARD and discharge all fall within 60 days from the start of the item set's
    # period (each period is a year), so every target date (-9017) picks this item set.
    admission = date.fromisoformat(catalog.effective) + timedelta(days=rng.randint(0, 30))
    entry = admission + timedelta(days=rng.randint(0, 30))
    ard = entry + timedelta(days=rng.randint(0, 20))
    signed = ard + timedelta(days=rng.randint(0, 7))
    caa = signed + timedelta(days=rng.randint(0, 3))
    care_plan = caa + timedelta(days=rng.randint(0, 7))
    chain = {
        "A0900": birth,
        "A1900": admission,
        "A1600": entry,
        "A2300": ard,
        "Z0500B": signed,
        "V0200B2": caa,
        "V0200C2": care_plan,
        "X1100E": care_plan + timedelta(days=1),
    }
    for item_id, item in catalog.items.items():
        if item_id not in values or item.type not in ("date", "birthdate"):
            continue
        if item_id in chain:
            values[item_id] = _ymd(chain[item_id])
        elif item.type == "birthdate":
            values[item_id] = _ymd(birth)
        else:  # group-B and other dates: between entry and the ARD
            values[item_id] = _ymd(entry + timedelta(days=rng.randint(0, (ard - entry).days)))
    if "A2000" in values:
        values["A2000"] = _ymd(ard) if values.get("A0310F") in ("10", "11", "12") else CARET
    for start, end in (("O0400A5", "O0400A6"), ("O0400B5", "O0400B6"), ("O0400C5", "O0400C6")):
        if start in values and end in values and values[end] < values[start]:
            values[start], values[end] = values[end], values[start]


def _caret(values: dict[str, str], ids: tuple[str, ...] | list[str]) -> None:
    for i in ids:
        if i in values:
            values[i] = CARET


def _fix_x_items(values: dict[str, str], rng: random.Random) -> None:
    if values.get("A0050") == "1":
        _caret(values, item_range("X0150", "X1100E"))
    elif "X0800" in values:
        values["X0800"] = "01"


def _fix_gateways(values: dict[str, str], rng: random.Random) -> None:
    if values.get("B0100") == "1" and rng.random() < 0.8:
        values["B0100"] = "0"
    if values.get("B0100") == "1":
        _caret(values, item_range("B0200", "F0800Z"))
    for gate, skipped in (
        ("C0100", _C_SKIPPED),
        ("D0100", _D_SKIPPED),
        ("J0200", _J_SKIPPED),
        ("F0300", item_range("F0400A", "F0700")),
    ):
        if gate in values and values[gate] == "0":
            _caret(values, skipped)
    if values.get("J1800") == "0":
        _caret(values, ("J1900A", "J1900B", "J1900C"))
    elif values.get("J1800") == "1":
        falls = [i for i in ("J1900A", "J1900B", "J1900C") if i in values]
        if falls:
            values[rng.choice(falls)] = rng.choice(["1", "2"])


def _fix_none_of_above(values: dict[str, str], rng: random.Random) -> None:
    for options, none in (
        (("M0100A", "M0100B", "M0100C"), "M0100Z"),
        (tuple(f"Q0110{c}" for c in "ABCDE"), "Q0110Z"),
        (tuple(f"O0390{c}" for c in "ABCDE"), "O0390Z"),
    ):
        if none in values:
            values[none] = "0" if any(values.get(o) == "1" for o in options) else "1"
    if "A1005A" in values:
        for c in "ABCDEXY":
            values[f"A1005{c}"] = "0"
        values["A1005A"] = "1"
    if "A1010A" in values:
        for c in "ABCDEFGHIJKLMNXYZ":
            values[f"A1010{c}"] = "0"
        values[f"A1010{rng.choice('ABCDEFGHIJKLMN')}"] = "1"


def _fix_rfa_dependent(values: dict[str, str], rng: random.Random) -> None:
    a, b, e = values.get("A0310A"), values.get("A0310B"), values.get("A0310E")
    if not (a == "01" or b == "01"):
        _caret(values, _GG_COL1)
    if not (a == "01" or e == "1"):
        _caret(values, ("J1700A", "J1700B", "J1700C"))
    if e == "1":
        _caret(values, item_range("V0100A", "V0100F"))
    elif values.get("V0100A") == "99" and values.get("V0100B") == "99":
        values["V0100B"] = "01"
    days = None
    if values.get("A2300", "").isdigit() and values.get("A1600", "").isdigit():
        days = (
            date(int(values["A2300"][:4]), int(values["A2300"][4:6]), int(values["A2300"][6:]))
            - date(int(values["A1600"][:4]), int(values["A1600"][4:6]), int(values["A1600"][6:]))
        ).days
    if days is not None and days >= 7:
        _caret(values, ("K0520A2", "K0520B2", "K0520Z2"))


def _fix_therapy(values: dict[str, str], rng: random.Random) -> None:
    if not all(i in values for i in ("O0400C1", "O0400C2", "O0400C3")):
        return
    total = sum(int(values[i]) for i in ("O0400C1", "O0400C2", "O0400C3"))
    if total == 0:
        _caret(values, ("O0400C3A", "O0400C4", "O0400C5", "O0400C6"))
    elif "O0400C3A" in values:
        values["O0400C3A"] = str(rng.randint(0, total))


def _fix_billing(values: dict[str, str], rng: random.Random) -> None:
    """Z0100A-Z0250B are computed (Z0100A at signing) or not available: ^ on a generated record, as on a draft."""
    for item_id in ("Z0100A", "Z0100B", "Z0200A", "Z0200B", "Z0200C", "Z0250A", "Z0250B"):
        if item_id in values:
            values[item_id] = CARET


_FIXES: tuple[Callable[[dict[str, str], random.Random], None], ...] = (
    _fix_billing,
    _fix_x_items,
    _fix_gateways,
    _fix_none_of_above,
    _fix_rfa_dependent,
    _fix_therapy,
)

# One planted error per kind: (edit id, mutation). Each mutation returns False when the record lacks the item.
_INJECTIONS: list[tuple[str, Callable[[dict[str, str]], bool]]] = [
    ("-3676", lambda v: _set(v, "A0310A", "07")),
    ("-3677", lambda v: _set(v, "A2300", "20251345")),
    ("-3679", lambda v: _set(v, "K0200B", "1234")),
    ("-3796", lambda v: _set(v, "ITM_SBST_CD", "NQ" if v.get("ITM_SBST_CD") != "NQ" else "NC")),
    ("-3851", lambda v: _set(v, "Z0500B", "20000101")),
    ("-3807", lambda v: _set(v, "ITM_SET_VRSN_CD", "1.20.1")),
]


def _set(values: dict[str, str], item_id: str, value: str) -> bool:
    if item_id not in values:
        return False
    values[item_id] = value
    return True


def inject_error(values: dict[str, str], rng: random.Random) -> str | None:
    """Plant one error (in place); returns the edit id it should trigger, or None if none applied."""
    for edit_id, mutate in rng.sample(_INJECTIONS, len(_INJECTIONS)):
        if mutate(values):
            return edit_id
    return None
