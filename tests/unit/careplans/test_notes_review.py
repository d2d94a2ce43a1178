from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from careplans.rules.compliance import CarePlanProblem, Intervention
from careplans.rules.notes_review import (
    InterventionRecord,
    ProgressNote,
    mentions,
    notes_missing_from_plan,
    significant_change_screen,
    undocumented_interventions,
)

NOW = datetime(2025, 10, 20, 12, 0)
IV1 = Intervention("i1", "Reposition every 2 h")
IV2 = Intervention("i2", "Offer fluids")
SKIN = CarePlanProblem("p1", "Skin integrity", caa=16, interventions=(IV1, IV2))


# --- interventions without documentation ---------------------------------------------


@pytest.mark.parametrize(
    ("last", "flagged"),
    [(NOW - timedelta(days=3), False), (NOW - timedelta(days=3, seconds=1), True), (None, True)],
)
def test_undocumented_boundary(last, flagged):
    records = [InterventionRecord("i2", NOW - timedelta(hours=2), "refused")]
    if last:
        records.append(InterventionRecord("i1", last, "done"))
    result = undocumented_interventions([SKIN], records, NOW, days=3)
    assert [r.intervention_id for r in result] == (["i1"] if flagged else [])
    if flagged and last:
        assert result[0].days_without == 3 and result[0].last_documented_at == last
    if flagged and not last:
        assert result[0].days_without is None


def test_resolved_problems_and_future_records_ignored():
    resolved = CarePlanProblem("p2", "Old", status="resolved", interventions=(Intervention("i9", "x"),))
    future = [
        InterventionRecord("i1", NOW + timedelta(days=1), "done"),
        InterventionRecord("i2", NOW, "not_done"),
    ]
    assert [r.intervention_id for r in undocumented_interventions([SKIN, resolved], future, NOW)] == ["i1"]


# --- notes mentioning conditions absent from the plan --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Resident found on floor next to bed at 0300, no injury", {"falls": ("found on floor",)}),
        ("Residente se cayó en el baño", {"falls": ("se cayo",)}),
        ("Caída sin lesiones", {"falls": ("caida",)}),
        ("Stage 2 pressure ulcer noted on sacrum", {"pressure_ulcer": ("pressure ulcer",)}),
        ("Dx L89.152 documented", {"pressure_ulcer": ("L89.152",)}),
        ("Poor appetite, ate 25% of lunch", {"weight_loss": ("poor appetite",)}),
        ("Complains of pain 6/10 in left knee", {"pain": ("pain",)}),
        ("Le duele la rodilla", {"pain": ("duele",)}),
        ("Agitated and yelling at staff during care", {"behaviours": ("agitated", "yelling")}),
        ("Denies pain. No falls this shift.", {}),
        ("Sin dolor, tranquila", {}),
        ("Painting class attended; befalls nobody", {}),  # whole words only
        ("Vitals stable, ate 100%", {}),
    ],
)
def test_mentions(text, expected):
    assert mentions(text) == expected


def test_note_flagged_only_when_plan_lacks_the_condition():
    notes = [
        ProgressNote("n1", NOW, "Found on the floor, complains of pain in hip"),
        ProgressNote("n2", NOW, "Sacral pressure injury dressing changed"),
    ]
    pain_plan = CarePlanProblem("p9", "Chronic pain", caa=19, interventions=(IV1,))
    result = notes_missing_from_plan(notes, [SKIN, pain_plan])
    assert [(m.note_id, m.condition, m.matched) for m in result] == [("n1", "falls", ("found on the floor",))]
    assert "found on the floor" in result[0].explanation("en")
    assert "caídas" in result[0].explanation("es")


def test_problem_focus_words_count_as_addressed():
    falls_not_from_trigger = CarePlanProblem("p3", "Risk for falls (not from a trigger)", caa=None)
    assert (
        notes_missing_from_plan([ProgressNote("n1", NOW, "Fell in hallway")], [falls_not_from_trigger]) == []
    )
    resolved = CarePlanProblem("p4", "Falls", caa=11, status="resolved")
    assert len(notes_missing_from_plan([ProgressNote("n1", NOW, "Fell in hallway")], [resolved])) == 1


# --- significant change screen ---------------------------------------------------------

BEFORE = {
    "C1000": "1",
    "H0300": "1",
    "H0400": "0",
    "GG0130A5": "05",
    "GG0170I5": "04",
    "E0200A": "0",
    "E0800": "0",
    "M0300B1": "0",
    "K0300": "0",
    "D0160": "04",
}


@pytest.mark.parametrize(
    ("changes", "declines", "improvements", "flag"),
    [
        ({}, [], [], False),
        ({"H0300": "3"}, ["urinary_continence"], [], False),  # one area: no SCSA prompt
        ({"H0300": "3", "C1000": "2"}, ["decision_making", "urinary_continence"], [], True),
        ({"GG0130A5": "03", "K0300": "2"}, ["adl", "weight_loss"], [], True),
        ({"GG0170I5": "05"}, [], [], False),  # stays in the 04-06 band: not an SCSA-type change
        ({"M0300B1": "1", "E0800": "2"}, ["behaviour", "pressure_ulcers"], [], True),
        ({"D0160": "12", "H0400": "2"}, ["bowel_continence", "mood"], [], True),
        ({"H0300": "0", "C1000": "0"}, [], ["decision_making", "urinary_continence"], True),
        ({"H0300": "-", "C1000": "^"}, [], [], False),  # no information is not a change
    ],
)
def test_significant_change_screen(changes, declines, improvements, flag):
    screen = significant_change_screen(BEFORE, {**BEFORE, **changes})
    assert sorted(c.area for c in screen.declines) == declines
    assert sorted(c.area for c in screen.improvements) == improvements
    assert screen.may_need_scsa is flag
    if flag:
        assert "2+" in screen.message("en") and "2+" in screen.message("es")
    else:
        assert screen.message_id == "scsa_no" and screen.message("es").startswith("Menos")


def test_scsa_change_items_are_explained():
    screen = significant_change_screen(BEFORE, {**BEFORE, "H0300": "3", "GG0130A5": "02"})
    assert {c.items for c in screen.declines} == {("H0300 1→3",), ("GG0130A 05→02",)}
