from __future__ import annotations

from datetime import date

import pytest

from careplans.rules.caa import (
    AreaDecision,
    SectionVSignatures,
    Signature,
    can_complete,
    care_plan_due,
    section_v_items,
)
from careplans.rules.triggers import evaluate

ADMISSION_FALLS_PU = {"A0310A": "01", "J1800": "1", "M0300B1": "1"}  # CAA 11, 12, 16
D = date(2025, 10, 3)


def _full(caa: int, care_plan: bool = True, rationale: str = "") -> AreaDecision:
    return AreaDecision(
        caa,
        care_plan,
        analysis="findings reviewed",
        rationale=rationale,
        location="CAA note",
        documented_on=D,
    )


def test_triggered_area_without_decision_blocks_completion():
    triggered = evaluate(ADMISSION_FALLS_PU, item_set="1.20.1")
    assert [t.caa for t in triggered] == [11, 12, 16]
    problems = can_complete(triggered, {11: _full(11)})
    assert [(p.code, p.caa) for p in problems] == [("no_decision", 12), ("no_decision", 16)]
    assert "CAA 12 Nutritional Status" in problems[0].message["en"]
    assert (
        problems[0].message["es"] == "CAA 12 Estado nutricional: falta la decisión sobre el plan de cuidados"
    )


def test_all_decided_may_complete():
    triggered = evaluate(ADMISSION_FALLS_PU, item_set="1.20.1")
    decisions = [_full(11), _full(12, False, "Ulcer healing; dietitian: intake adequate"), _full(16)]
    assert can_complete(triggered, decisions) == []


@pytest.mark.parametrize(
    ("decision", "codes"),
    [
        (AreaDecision(11, None), ["no_decision"]),
        (AreaDecision(11, False, analysis="x", location="note", documented_on=D), ["no_rationale"]),
        (AreaDecision(11, True, analysis=" ", location="note", documented_on=D), ["no_analysis"]),
        (AreaDecision(11, True, analysis="x", location="note"), ["no_location"]),
        (AreaDecision(11, True, analysis="x", documented_on=D), ["no_location"]),
    ],
)
def test_decision_content_rules(decision, codes):
    triggered = evaluate({"A0310A": "03", "J1800": "1"}, item_set="1.20.1")
    assert [p.code for p in can_complete(triggered, [decision])] == codes


def test_quarterly_triggers_need_no_decision():
    triggered = evaluate({"A0310A": "02", "J1800": "1"}, item_set="1.20.1")
    assert triggered and not triggered[0].caa_process
    assert can_complete(triggered, {}) == []


@pytest.mark.parametrize(
    ("b2", "c2", "z", "codes"),
    [
        (date(2025, 10, 3), date(2025, 10, 10), date(2025, 10, 2), []),  # day 7: on time
        (date(2025, 10, 3), date(2025, 10, 11), date(2025, 10, 2), ["v0200c_late"]),  # day 8
        (date(2025, 10, 3), date(2025, 10, 2), None, ["v0200c_before_v0200b"]),
        (date(2025, 10, 1), date(2025, 10, 3), date(2025, 10, 2), ["v0200b_before_z0500b"]),
    ],
)
def test_signature_dates(b2, c2, z, codes):
    sig = SectionVSignatures(Signature("A. Nurse", "RN", b2), Signature("B. Nurse", "RN", c2), z)
    assert [p.code for p in can_complete([], {}, signatures=sig)] == codes


def test_missing_signatures():
    problems = can_complete([], {}, signatures=SectionVSignatures(None, None))
    assert [p.code for p in problems] == ["no_v0200b", "no_v0200c"]


def test_care_plan_due_is_seven_days_after_v0200b2():
    assert care_plan_due(date(2025, 12, 29)) == date(2026, 1, 5)


def test_section_v_items():
    triggered = evaluate(ADMISSION_FALLS_PU, item_set="1.20.1")
    sig = SectionVSignatures(Signature("A", "RN", date(2025, 10, 3)), None)
    items = section_v_items(triggered, {11: _full(11), 12: _full(12, False, "r")}, sig)
    assert items["V0200A11A"] == "1" and items["V0200A11B"] == "1"
    assert items["V0200A12A"] == "1" and items["V0200A12B"] == "0"
    assert items["V0200A01A"] == "0" and items["V0200A16B"] == "0"
    assert items["V0200B2"] == "20251003" and items["V0200C2"] == "^"
    assert len([k for k in items if k.startswith("V0200A")]) == 40
