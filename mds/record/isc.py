"""Item subset code (ITM_SBST_CD) derivation from the reason-for-assessment items.

Rules (the data specifications' item subset table, docs/item-sets-isc.md; edits -3607 and -3796, DS-3.02.1 / DS-3.00.1):
- A0050=3 (inactivation) -> XX, whatever the RFA items say (-3796).
- Character 1: N when A0200=1 (nursing home), S when A0200=2 (swing bed) (-3607).
- The rest comes from A0310A/B/F/H, most inclusive subset first:
  NC  A0310A=01,03,04,05 (comprehensive)      NQ  A0310A=02,06 (quarterly)
  NP  A0310B=01 (5-day PPS)                   IPA A0310B=08 (interim payment)
  ND  A0310F=10,11 (discharge)                NT  A0310F=01,12 (entry / death tracking)
  NPE A0310H=1 standalone (Part A PPS discharge, no other RFA)
  Swing beds: SP (PPS), SD (discharge), ST (tracking); IPA keeps its code (active list has no "SIPA").
- A combination with no subset (a "dashes" row of the CMS ISC report) returns None: -3607 rejects it.

Assumptions, documented in docs/item-sets.md because the ISC_VAL table itself was not seen:
swing beds may not carry an OBRA reason (A0310A must be 99); a standalone swing-bed Part A PPS
discharge (A0310H=1) maps to SD; tracking records (entry/death) and IPA cannot be combined with
other reasons.
"""

from __future__ import annotations

from collections.abc import Mapping

COMPREHENSIVE = frozenset({"01", "03", "04", "05"})
QUARTERLY = frozenset({"02", "06"})
DISCHARGE = frozenset({"10", "11"})
TRACKING = frozenset({"01", "12"})


def derive_isc(values: Mapping[str, str]) -> str | None:
    """The ISC implied by A0050, A0200 and A0310A/B/F/H, or None when the combination is not allowed."""
    if values.get("A0050") == "3":
        return "XX"
    provider = values.get("A0200")
    if provider not in ("1", "2"):
        return None
    a, b = values.get("A0310A"), values.get("A0310B")
    f, h = values.get("A0310F"), values.get("A0310H", "0")
    if a is None or b is None or f is None:
        return None
    h = "1" if h == "1" else "0"
    if provider == "1":
        return _nursing_home(a, b, f, h)
    return _swing_bed(a, b, f, h)


def _nursing_home(a: str, b: str, f: str, h: str) -> str | None:
    if f in TRACKING:
        # A tracking record is never combined with an assessment.
        return "NT" if (a, b, h) == ("99", "99", "0") else None
    if b == "08":
        return "IPA" if (a, f, h) == ("99", "99", "0") else None
    if a in COMPREHENSIVE:
        return "NC" if f in DISCHARGE | {"99"} else None
    if a in QUARTERLY:
        return "NQ" if f in DISCHARGE | {"99"} else None
    if a != "99":
        return None
    if b == "01":
        return "NP" if f in DISCHARGE | {"99"} else None
    if b != "99":
        return None
    if f in DISCHARGE:
        return "ND"
    if f == "99" and h == "1":
        return "NPE"
    return None  # no reason for assessment at all


def _swing_bed(a: str, b: str, f: str, h: str) -> str | None:
    if a != "99":
        return None
    if f in TRACKING:
        return "ST" if (b, h) == ("99", "0") else None
    if b == "08":
        return "IPA" if (f, h) == ("99", "0") else None
    if b == "01":
        return "SP" if f in DISCHARGE | {"99"} else None
    if b != "99":
        return None
    if f in DISCHARGE or (f == "99" and h == "1"):
        return "SD"
    return None


# Canonical RFA values per ISC, used by generators and tests (one representative each).
EXAMPLE_RFA: dict[str, dict[str, str]] = {
    "NC": {"A0050": "1", "A0200": "1", "A0310A": "01", "A0310B": "99", "A0310F": "99", "A0310H": "0"},
    "NQ": {"A0050": "1", "A0200": "1", "A0310A": "02", "A0310B": "99", "A0310F": "99", "A0310H": "0"},
    "NP": {"A0050": "1", "A0200": "1", "A0310A": "99", "A0310B": "01", "A0310F": "99", "A0310H": "0"},
    "NPE": {"A0050": "1", "A0200": "1", "A0310A": "99", "A0310B": "99", "A0310F": "99", "A0310H": "1"},
    "IPA": {"A0050": "1", "A0200": "1", "A0310A": "99", "A0310B": "08", "A0310F": "99", "A0310H": "0"},
    "ND": {"A0050": "1", "A0200": "1", "A0310A": "99", "A0310B": "99", "A0310F": "10", "A0310H": "0"},
    "NT": {"A0050": "1", "A0200": "1", "A0310A": "99", "A0310B": "99", "A0310F": "01", "A0310H": "0"},
    "SP": {"A0050": "1", "A0200": "2", "A0310A": "99", "A0310B": "01", "A0310F": "99", "A0310H": "0"},
    "SD": {"A0050": "1", "A0200": "2", "A0310A": "99", "A0310B": "99", "A0310F": "11", "A0310H": "0"},
    "ST": {"A0050": "1", "A0200": "2", "A0310A": "99", "A0310B": "99", "A0310F": "12", "A0310H": "0"},
    "XX": {"A0050": "3"},
}
