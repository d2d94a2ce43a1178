"""CAA triggers: each of the 20 care areas fires on its own conditions and stays silent on
near-misses, on the current item ids of item sets 1.18.11, 1.19.1 and 1.20.1.

The cases are written from the CAT conditions in ../shared/data/mds/ref/
caa_triggers_catspec_2010_transcription.csv (one block per care area), with each retired item
replaced by the successor that ../shared/data/mds/ref/item_set_changes.csv names (D0200/D0300 ->
D0150/D0160, N0410 -> N0415, K0510 -> K0520, J0400 -> J0410 with its reversed scale, J0500 ->
J0510/J0530, Q0600 -> Q0500B/Q0610A, Section G -> Section GG), not from the rules' code.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from careplans.rules import notes_review
from careplans.rules.triggers import (
    BASIS_APPROXIMATION,
    BASIS_SUCCESSOR,
    CARE_AREAS,
    ITEM_SET_OF_VRSN_CD,
    ITEM_SETS,
    PRIOR_SCORE_SOURCE,
    UnsupportedItemSet,
    carries_caa_process,
    evaluate,
    item_set_of_record,
    item_set_on,
    items_read,
    section_v_flags,
)

ANNUAL = {"A0310A": "03"}
ADMISSION = {"A0310A": "01"}
CURRENT = "1.20.1"

# (case id, CAA number, answers, expected (item, value) reasons) — each must trigger exactly that.
FIRES = [
    # 1 Delirium
    ("bims-declined", 1, {**ANNUAL, "C0500": "09", "V0100D": "12"}, [("C0500", "09"), ("V0100D", "12")]),
    ("acute-change", 1, {"C1310A": "1"}, [("C1310A", "1")]),
    # 2 Cognitive loss
    ("bims-12", 2, {"C0500": "12"}, [("C0500", "12")]),
    ("bims-00", 2, {"C0500": "00"}, [("C0500", "00")]),
    ("stm-no-bims", 2, {"C0500": "99", "C0700": "1"}, [("C0700", "1")]),
    ("ltm-dash-bims", 2, {"C0500": "-", "C0800": "1"}, [("C0800", "1")]),
    ("decisions-no-bims", 2, {"C1000": "3"}, [("C1000", "3")]),
    ("inattention", 2, {"C0500": "15", "C1310B": "2"}, [("C1310B", "2")]),
    ("physical-behavior", 2, {"E0200A": "1"}, [("E0200A", "1")]),
    ("rejection", 2, {"E0800": "3"}, [("E0800", "3")]),
    ("wandering", 2, {"E0900": "2"}, [("E0900", "2")]),
    # 3 Visual function
    ("cataracts", 3, {"I6500": "1"}, [("I6500", "1")]),
    ("vision-4", 3, {"B1000": "4"}, [("B1000", "4")]),
    # 4 Communication
    ("hearing", 4, {"B0200": "1"}, [("B0200", "1")]),
    ("self-understood", 4, {"B0700": "3"}, [("B0700", "3")]),
    ("understand-others", 4, {"B0800": "2"}, [("B0800", "2")]),
    # 5 ADL (Section GG approximation), cognition gate C1000 0-2 or BIMS 05-15
    ("gg-selfcare-adm", 5, {**ADMISSION, "C0500": "05", "GG0130A1": "04"}, [("GG0130A1", "04")]),
    ("gg-walk-annual", 5, {**ANNUAL, "C1000": "2", "GG0170I5": "01"}, [("GG0170I5", "01")]),
    (
        "gg-hygiene-5day",
        5,
        {"A0310A": "99", "A0310B": "01", "C0500": "10", "GG0130I1": "03"},
        [("GG0130I1", "03")],
    ),
    (
        "gg-hygiene-quarterly",
        5,
        {"A0310A": "02", "A0310B": "99", "C0500": "10", "GG0130I5": "02"},
        [("GG0130I5", "02")],
    ),
    # 6 Urinary
    ("toileting", 6, {**ADMISSION, "GG0130C1": "03"}, [("GG0130C1", "03")]),
    ("indwelling", 6, {"H0100A": "1"}, [("H0100A", "1")]),
    ("external", 6, {"H0100B": "1"}, [("H0100B", "1")]),
    ("intermittent", 6, {"H0100D": "1"}, [("H0100D", "1")]),
    ("incontinence-1", 6, {"H0300": "1"}, [("H0300", "1")]),
    ("masd", 6, {"M1040H": "1"}, [("M1040H", "1")]),
    # 7 Psychosocial
    ("little-interest", 7, {"D0150A1": "1"}, [("D0150A1", "1")]),
    ("little-interest-staff", 7, {"D0500A1": "1"}, [("D0500A1", "1")]),
    ("fav-activities", 7, {"F0500F": "3"}, [("F0500F", "3")]),
    ("f0800q", 7, {"F0800Q": "0"}, [("F0800Q", "0")]),
    ("behavior-no-dementia", 7, {"E0200B": "2", "I4800": "0", "I4200": "-"}, [("E0200B", "2")]),
    (
        "six-not-important",
        7,
        {"F0600": "1", **{f"F0500{c}": "4" for c in "ABCDEG"}},
        [(f"F0500{c}", "4") for c in "ABCDEG"],
    ),
    # 8 Mood
    ("self-harm", 8, {"D0150I1": "1"}, [("D0150I1", "1")]),
    ("self-harm-staff", 8, {"D0500I1": "1"}, [("D0500I1", "1")]),
    ("phq-10", 8, {"D0160": "10"}, [("D0160", "10")]),
    ("phq-staff-10", 8, {"D0600": "10"}, [("D0600", "10")]),
    ("phq-worse", 8, {**ANNUAL, "D0160": "05", "V0100E": "04"}, [("D0160", "05"), ("V0100E", "04")]),
    (
        "phq-staff-worse",
        8,
        {**ANNUAL, "D0160": "99", "D0600": "03", "V0100F": "02"},
        [("D0600", "03"), ("V0100F", "02")],
    ),
    # 9 Behavioral symptoms
    ("rejection", 9, {"E0800": "1"}, [("E0800", "1")]),
    ("wandering", 9, {"E0900": "3"}, [("E0900", "3")]),
    ("worse", 9, {"E1100": "2"}, [("E1100", "2")]),
    ("any-behavior", 9, {"E0300": "1"}, [("E0300", "1")]),
    # 10 Activities
    ("little-interest", 10, {"D0150A1": "1"}, [("D0150A1", "1")]),
    (
        "six-4-or-5",
        10,
        {**{f"F0500{c}": "5" for c in "ABC"}, **{f"F0500{c}": "4" for c in "DEF"}},
        [(f"F0500{c}", "5") for c in "ABC"] + [(f"F0500{c}", "4") for c in "DEF"],
    ),
    ("six-unchecked", 10, {f"F0800{c}": "0" for c in "LMNOPQ"}, [(f"F0800{c}", "0") for c in "LMNOPQ"]),
    # 11 Falls
    ("wandering", 11, {"E0900": "1"}, [("E0900", "1")]),
    ("unsteady", 11, {**ADMISSION, "GG0170D1": "04"}, [("GG0170D1", "04")]),
    ("fall-month-before", 11, {**ADMISSION, "J1700A": "1"}, [("J1700A", "1")]),
    ("fall-2-6-months", 11, {**ADMISSION, "J1700B": "1"}, [("J1700B", "1")]),
    ("fall-since", 11, {"J1800": "1"}, [("J1800", "1")]),
    ("antianxiety", 11, {"N0415B1": "1"}, [("N0415B1", "1")]),
    ("antidepressant", 11, {"N0415C1": "1"}, [("N0415C1", "1")]),
    ("trunk-restraint", 11, {"P0100E": "2"}, [("P0100E", "2")]),
    # 12 Nutrition
    ("dehydrated", 12, {"J1550C": "1"}, [("J1550C", "1")]),
    ("bmi-low", 12, {"K0200A": "65", "K0200B": "110"}, [("K0200A", "65"), ("K0200B", "110")]),  # 18.30
    ("bmi-high", 12, {"K0200A": "65", "K0200B": "150"}, [("K0200A", "65"), ("K0200B", "150")]),  # 24.96
    ("weight-loss", 12, {"K0300": "1"}, [("K0300", "1")]),
    ("weight-gain", 12, {"K0310": "2"}, [("K0310", "2")]),
    ("iv-feeding", 12, {"K0520A3": "1"}, [("K0520A3", "1")]),
    ("mech-altered", 12, {"K0520C3": "1"}, [("K0520C3", "1")]),
    ("therapeutic", 12, {"K0520D3": "1"}, [("K0520D3", "1")]),
    ("ulcer", 12, {"M0300G1": "1"}, [("M0300G1", "1")]),
    # 13 Feeding tube
    ("tube", 13, {"K0520B3": "1"}, [("K0520B3", "1")]),
    # 14 Dehydration
    ("fever", 14, {"J1550A": "1"}, [("J1550A", "1")]),
    ("vomiting", 14, {"J1550B": "1"}, [("J1550B", "1")]),
    ("bleeding", 14, {"J1550D": "1"}, [("J1550D", "1")]),
    ("uti", 14, {"I2300": "1"}, [("I2300", "1")]),
    ("foot-infection", 14, {"M1040A": "1"}, [("M1040A", "1")]),
    ("constipation", 14, {"H0600": "1"}, [("H0600", "1")]),
    ("tube-while-resident", 14, {"K0520B3": "1"}, [("K0520B3", "1")]),
    ("iv-before-entry", 14, {"K0520A2": "1"}, [("K0520A2", "1")]),
    ("tube-before", 14, {"K0520B2": "1"}, [("K0520B2", "1")]),
    # 15 Dental
    ("dentures", 15, {"L0200A": "1"}, [("L0200A", "1")]),
    ("mouth-pain", 15, {"L0200F": "1"}, [("L0200F", "1")]),
    # 16 Pressure ulcer
    ("bed-mobility", 16, {**ADMISSION, "GG0170A1": "88"}, [("GG0170A1", "88")]),
    ("urinary-frequent", 16, {"H0300": "2"}, [("H0300", "2")]),
    ("bowel-always", 16, {"H0400": "3"}, [("H0400", "3")]),
    ("weight-loss-unplanned", 16, {"K0300": "2"}, [("K0300", "2")]),
    ("at-risk", 16, {"M0150": "1"}, [("M0150", "1")]),
    ("stage-2", 16, {"M0300B1": "2"}, [("M0300B1", "2")]),
    ("stage-1", 16, {"M0300A1": "1"}, [("M0300A1", "1")]),
    ("trunk-restraint-bed", 16, {"P0100B": "1"}, [("P0100B", "1")]),
    # 17 Psychotropics
    ("antipsychotic", 17, {"N0415A1": "1"}, [("N0415A1", "1")]),
    ("hypnotic", 17, {"N0415D1": "1"}, [("N0415D1", "1")]),
    # 18 Restraints
    ("bed-rail", 18, {"P0100A": "1"}, [("P0100A", "1")]),
    ("chair-prevents-rising", 18, {"P0100G": "2"}, [("P0100G", "2")]),
    # 19 Pain
    ("sleep", 19, {"J0510": "2"}, [("J0510", "2")]),
    ("activities", 19, {"J0530": "4"}, [("J0530", "4")]),
    ("nrs-7", 19, {"J0600A": "07"}, [("J0600A", "07")]),
    ("vds-severe", 19, {"J0600B": "3"}, [("J0600B", "3")]),
    ("frequent-moderate", 19, {"J0410": "3", "J0600A": "04"}, [("J0410", "3"), ("J0600A", "04")]),
    ("almost-constant-moderate-vds", 19, {"J0410": "4", "J0600B": "2"}, [("J0410", "4"), ("J0600B", "2")]),
    ("observed", 19, {"J0800C": "1"}, [("J0800C", "1")]),
    ("sleep-almost-constantly", 19, {"J0510": "4"}, [("J0510", "4")]),
    # 20 Return to community
    ("wants-to-talk-no-referral", 20, {"Q0500B": "1", "Q0610A": "0"}, [("Q0500B", "1"), ("Q0610A", "0")]),
]

# (case id, CAA number, answers) — near-misses: the area must NOT trigger.
SILENT = [
    ("bims-same", 1, {**ANNUAL, "C0500": "12", "V0100D": "12"}),
    ("bims-declined-admission", 1, {**ADMISSION, "C0500": "09", "V0100D": "12"}),
    ("bims-declined-quarterly", 1, {"A0310A": "02", "C0500": "09", "V0100D": "12"}),
    ("prior-bims-99", 1, {**ANNUAL, "C0500": "09", "V0100D": "99"}),
    ("no-acute-change", 1, {"C1310A": "0"}),
    ("bims-13", 2, {"C0500": "13"}),
    ("bims-99-alone", 2, {"C0500": "99"}),
    ("stm-with-bims", 2, {"C0500": "14", "C0700": "1"}),
    ("decisions-0-no-bims", 2, {"C1000": "0"}),
    ("no-delirium-signs", 2, {"C0500": "15", "C1310B": "0", "C1310C": "0", "C1310D": "0"}),
    ("no-behaviors", 2, {"E0200A": "0", "E0800": "0", "E0900": "0"}),
    ("behavior-dash", 2, {"E0200A": "-", "E0800": "^"}),
    ("vision-adequate", 3, {"B1000": "0", "I6500": "0"}),
    ("vision-dash", 3, {"B1000": "-", "I6500": "-"}),
    ("communication-ok", 4, {"B0200": "0", "B0700": "0", "B0800": "0"}),
    ("gg-independent", 5, {**ADMISSION, "C0500": "15", "GG0130A1": "05", "GG0170I1": "06"}),
    ("gg-help-but-bims-04", 5, {**ADMISSION, "C0500": "04", "GG0130A1": "01"}),
    ("gg-help-severe-decisions", 5, {**ADMISSION, "C1000": "3", "GG0130A1": "01"}),
    ("gg-not-attempted", 5, {**ADMISSION, "C0500": "15", "GG0130A1": "88", "GG0170I1": "07"}),
    ("gg-wrong-column", 5, {**ANNUAL, "C0500": "15", "GG0130A2": "01"}),
    ("toileting-supervision", 6, {**ADMISSION, "GG0130C1": "04"}),
    ("continent", 6, {"H0300": "0", "H0100A": "0", "M1040H": "0"}),
    ("interest-no", 7, {"D0150A1": "0", "F0500F": "2", "F0800Q": "1"}),
    ("behavior-with-dementia", 7, {"E0200B": "2", "I4800": "1", "I4200": "0"}),
    ("five-not-important", 7, {"F0600": "1", **{f"F0500{c}": "4" for c in "ABCDE"}}),
    ("six-not-important-family", 7, {"F0600": "2", **{f"F0500{c}": "4" for c in "ABCDEG"}}),
    ("phq-9", 8, {"D0160": "09", "D0600": "09"}),
    ("phq-worse-admission", 8, {**ADMISSION, "D0160": "05", "V0100E": "04"}),
    ("phq-staff-worse-when-interview-done", 8, {**ANNUAL, "D0160": "03", "D0600": "05", "V0100F": "02"}),
    ("behavior-same", 9, {"E1100": "1", "E0300": "0", "E0800": "0"}),
    ("five-4-or-5", 10, {f"F0500{c}": "4" for c in "ABCDE"}),
    ("five-unchecked", 10, {f"F0800{c}": "0" for c in "LMNOP"}),
    ("fall-history-not-admission", 11, {**ANNUAL, "J1700A": "1", "J1700B": "1"}),
    ("no-fall", 11, {"J1800": "0", "N0415B1": "0", "P0100E": "0"}),
    ("steady", 11, {**ADMISSION, "GG0170D1": "05", "GG0170I1": "06"}),
    ("bmi-normal", 12, {"K0200A": "65", "K0200B": "130"}),  # 21.6
    ("bmi-missing-height", 12, {"K0200A": "-", "K0200B": "90"}),
    ("weight-stable", 12, {"K0300": "0", "K0310": "0", "M0300B1": "0"}),
    ("tube-before-only", 13, {"K0520B2": "1"}),
    ("no-fever", 14, {"J1550A": "0", "I2300": "0", "H0600": "0"}),
    ("unable-to-examine", 15, {"L0200G": "1"}),
    ("bed-mobility-setup", 16, {**ADMISSION, "GG0170A1": "05", "GG0170B1": "07"}),
    ("occasional-incontinence", 16, {"H0300": "1", "H0400": "1"}),
    ("weight-loss-prescribed", 16, {"K0300": "1"}),
    ("no-psychotropics", 17, {"N0415A1": "0", "N0415B1": "0", "N0415C1": "0", "N0415D1": "0"}),
    ("anticoagulant-only", 17, {"N0415E1": "1"}),
    ("no-restraint", 18, {f"P0100{c}": "0" for c in "ABCDEFGH"}),
    ("sleep-rarely", 19, {"J0510": "1", "J0530": "1"}),
    ("pain-unable", 19, {"J0510": "8", "J0600A": "99", "J0600B": "9"}),
    ("nrs-6", 19, {"J0600A": "06"}),
    ("occasional-moderate", 19, {"J0410": "2", "J0600A": "05"}),
    ("frequent-mild", 19, {"J0410": "4", "J0600A": "03", "J0600B": "1"}),
    ("does-not-want-to-talk", 20, {"Q0500B": "0", "Q0610A": "0"}),
    ("unsure-no-referral", 20, {"Q0500B": "9", "Q0610A": "0"}),
    ("referral-made", 20, {"Q0500B": "1", "Q0610A": "1"}),
    ("referral-unanswered", 20, {"Q0500B": "1", "Q0610A": "-"}),
    ("no-pain-interference", 19, {"J0510": "0", "J0530": "8"}),
    ("rarely-pain-moderate", 19, {"J0410": "1", "J0600A": "06"}),
    ("frequency-unable", 19, {"J0410": "9", "J0600B": "2"}),
    ("constipation-dash", 14, {"H0600": "-"}),
    ("mech-altered-on-admission-only", 12, {"K0520C1": "1", "K0520C4": "1"}),
    ("gg-admission-reads-column-1-only", 5, {**ADMISSION, "C0500": "15", "GG0130A5": "01", "GG0130A1": "06"}),
    ("gg-annual-reads-column-5-only", 5, {**ANNUAL, "C0500": "15", "GG0130A1": "01", "GG0130A5": "06"}),
    ("phq-no-response-9", 8, {"D0150I1": "9", "D0160": "99"}),
]


def _area(result, caa):
    return next((t for t in result if t.caa == caa), None)


@pytest.mark.parametrize("item_set", ITEM_SETS)
@pytest.mark.parametrize(("case", "caa", "answers", "expected"), FIRES, ids=[f"{c[1]}-{c[0]}" for c in FIRES])
def test_area_fires_with_exact_reasons(case, caa, answers, expected, item_set):
    area = _area(evaluate(answers, item_set=item_set), caa)
    assert area is not None, f"CAA {caa} should trigger on {answers}"
    assert [(r.item, r.value) for r in area.reasons] == expected


@pytest.mark.parametrize("item_set", ITEM_SETS)
@pytest.mark.parametrize(("case", "caa", "answers"), SILENT, ids=[f"{c[1]}-{c[0]}" for c in SILENT])
def test_area_silent_on_near_miss(case, caa, answers, item_set):
    assert _area(evaluate(answers, item_set=item_set), caa) is None


def _transcription(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "mds" / "ref" / "caa_triggers_catspec_2010_transcription.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_care_area_of_the_reference_has_firing_and_silent_cases(shared_data):
    rows = _transcription(shared_data)
    assert [(int(r["caa_number"]), r["care_area"], r["section_v_trigger_item"]) for r in rows] == [
        (a.caa, a.name_en, a.v_item) for a in CARE_AREAS
    ]
    assert {c[1] for c in FIRES} == {c[1] for c in SILENT} == set(range(1, 21))


# The new ids the issue names: each must be able to fire its care area on every current item set.
NEW_ID_CASES = [
    (14, {"H0600": "1"}, "H0600"),
    (19, {"J0410": "3", "J0600B": "2"}, "J0410"),
    (19, {"J0510": "3"}, "J0510"),
    (19, {"J0530": "2"}, "J0530"),
    (20, {"Q0500B": "1", "Q0610A": "0"}, "Q0610A"),
    (7, {"D0150A1": "1"}, "D0150A1"),
    (8, {"D0160": "15"}, "D0160"),
    (17, {"N0415A1": "1"}, "N0415A1"),
    (11, {"N0415B1": "1"}, "N0415B1"),
    (13, {"K0520B3": "1"}, "K0520B3"),
    (11, {"A0310A": "02", "GG0170I5": "04"}, "GG0170I5"),
]


@pytest.mark.parametrize("item_set", ITEM_SETS)
@pytest.mark.parametrize(("caa", "answers", "item"), NEW_ID_CASES, ids=[c[2] for c in NEW_ID_CASES])
def test_current_ids_fire(caa, answers, item, item_set):
    area = _area(evaluate(answers, item_set=item_set), caa)
    assert area is not None and item in [r.item for r in area.reasons]


def test_bmi_boundaries_are_not_rounded():
    def fires(weight):
        return _area(evaluate({"K0200A": "65", "K0200B": weight}, item_set=CURRENT), 12) is not None

    # 703*w/h^2 with h=65: w=111 -> 18.47 (fires), w=112 -> 18.63 (silent); 149 -> 24.79, 150 -> 24.96
    assert (fires("111"), fires("112"), fires("149"), fires("150")) == (True, False, False, True)


def test_empty_and_no_information_trigger_nothing():
    assert evaluate({}, item_set=CURRENT) == []
    dashed = {
        item: "-"
        for item in (
            "C0500",
            "C0700",
            "B1000",
            "H0300",
            "J1800",
            "Q0610A",
            "Q0500B",
            "M0150",
            "H0600",
            "J0410",
            "J0510",
            "J0530",
            "D0160",
            "N0415A1",
        )
    }
    assert evaluate(dashed, item_set=CURRENT) == []


def test_reason_text_and_area_metadata():
    (area,) = evaluate({"A0310A": "01", "C0500": "08"}, item_set=CURRENT)
    assert area.reasons[0].text == "C0500=08 (BIMS 0–12)"
    assert (area.caa, area.area, area.v_item) == (2, "Cognitive Loss/Dementia", "V0200A02A")
    assert area.area_es == "Pérdida cognitiva/demencia"
    assert area.as_dict() == {
        "caa": 2,
        "area": "Cognitive Loss/Dementia",
        "reasons": [{"item": "C0500", "value": "08"}],
    }


@pytest.mark.parametrize(
    ("a0310a", "expected"),
    [
        ("01", True),
        ("03", True),
        ("04", True),
        ("05", True),
        ("02", False),
        ("06", False),
        ("99", False),
        ("-", False),
        (None, False),
    ],
)
def test_caa_process_only_on_comprehensive(a0310a, expected):
    assert carries_caa_process(a0310a) is expected
    answers = {"C0500": "05"} if a0310a is None else {"A0310A": a0310a, "C0500": "05"}
    assert carries_caa_process(answers) is expected
    # triggers are still reported on other assessments, flagged as information only
    (area,) = evaluate(answers, item_set=CURRENT)
    assert area.caa_process is expected


def test_prior_assessment_fills_missing_section_v():
    current = {**ANNUAL, "C0500": "09", "D0160": "08"}
    prior = {"C0500": "13", "D0160": "04"}
    areas = {t.caa: t for t in evaluate(current, item_set=CURRENT, prior=prior)}
    assert [(r.item, r.value) for r in areas[1].reasons] == [("C0500", "09"), ("V0100D", "13")]
    assert [(r.item, r.value) for r in areas[8].reasons] == [("D0160", "08"), ("V0100E", "04")]
    # Section V on the record wins over the prior record's answers
    assert _area(evaluate({**current, "V0100D": "08"}, item_set=CURRENT, prior=prior), 1) is None


@pytest.mark.parametrize(
    "answers",
    [
        {"C1600": "1"},
        {"C1300A": "2"},
        {"D0300": "12"},
        {"D0200I1": "1"},
        {"D0200A1": "1"},
        {"N0410A": "3"},
        {"N0410B": "7"},
        {"K0510B2": "1"},
        {"K0510A1": "1"},
        {"J0500A": "1"},
        {"J0500B": "1"},
        {"Q0600": "1"},
        {"G0110A1": "3", "C0500": "12"},
        {"G0300A": "1"},
        {"M0300A": "2"},
        {"J0400": "1", "J0600A": "05"},
    ],
    ids=lambda a: "+".join(a),
)
def test_retired_ids_never_trigger(answers):
    """No silent fallback: a retired id on a current-item-set record is not read."""
    fired = {(r.item) for t in evaluate(answers, item_set=CURRENT) for r in t.reasons}
    assert not fired & set(answers) - {"C0500", "J0600A"}


def test_basis_marks_successor_and_approximation():
    areas = {
        t.caa: t
        for t in evaluate({**ADMISSION, "C0500": "10", "GG0130A1": "02", "N0415A1": "1"}, item_set=CURRENT)
    }
    assert areas[5].reasons[0].basis == BASIS_APPROXIMATION
    assert areas[17].reasons[0].basis == BASIS_SUCCESSOR
    assert areas[2].reasons[0].basis == "cat2010"


def test_section_v_flags_cover_all_twenty():
    flags = section_v_flags(evaluate({"C0500": "08", "Q0500B": "1", "Q0610A": "0"}, item_set=CURRENT))
    assert len(flags) == 20 and len(CARE_AREAS) == 20
    assert flags["V0200A02A"] == "1" and flags["V0200A20A"] == "1" and flags["V0200A01A"] == "0"


# --------------------------------------------------------------------------- item sets


@pytest.mark.parametrize("item_set", ["1.17", "1.16", "", "2.0"])
def test_unsupported_item_set_is_refused(item_set):
    with pytest.raises(UnsupportedItemSet, match="not supported"):
        evaluate({"C0500": "05"}, item_set=item_set)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"ITM_SET_VRSN_CD": "1.18"}, "1.18.11"),
        ({"ITM_SET_VRSN_CD": "1.19"}, "1.19.1"),
        ({"ITM_SET_VRSN_CD": "1.20"}, "1.20.1"),
        ({"A2300": "20240930"}, "1.18.11"),
        ({"A2300": "20241001"}, "1.19.1"),
        ({"A2300": "20251001"}, "1.20.1"),
        ({"ITM_SET_VRSN_CD": "1.20", "A2300": "20240101"}, "1.20.1"),
    ],
)
def test_item_set_of_record(record, expected):
    assert item_set_of_record(record) == expected


@pytest.mark.parametrize("record", [{"ITM_SET_VRSN_CD": "1.17"}, {"A2300": "20230930"}, {}, {"A2300": "-"}])
def test_item_set_of_old_or_unknown_record_is_refused(record):
    with pytest.raises(UnsupportedItemSet):
        item_set_of_record(record)


def test_item_set_on_boundaries():
    assert item_set_on(date(2023, 10, 1)) == "1.18.11"
    assert item_set_on(date(2025, 9, 30)) == "1.19.1"
    with pytest.raises(UnsupportedItemSet):
        item_set_on(date(2023, 9, 30))


# --------------------------------------------------------------------------- items read vs the reference item lists


def _changes(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "mds" / "ref" / "item_set_changes.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _ids(cell: str) -> list[str]:
    return [i.strip() for i in cell.split(";") if i.strip()]


def _retired_by(shared_data: Path, item_set: str) -> tuple[set[str], tuple[str, ...]]:
    """Ids (and id prefixes, for rows like 'G0110*') removed or renamed away up to `item_set`."""
    effective = dict(zip(ITEM_SETS, ("2023-10-01", "2024-10-01", "2025-10-01"), strict=True))[item_set]
    exact, prefixes = set(), []
    for row in _changes(shared_data):
        if row["effective"] > effective or row["change"] not in ("removed", "renamed"):
            continue
        old = row["item"].split("->")[0]
        for item in _ids(old):
            (prefixes.append(item[:-1]) if item.endswith("*") else exact.add(item))
    # Retired before the item sets above (C1300/C1600 -> C1310 in 2016, M0300A -> M0300A1, Section G
    # names): the 'known_later_changes' column of caa_triggers_catspec_2010_transcription.csv.
    exact |= {"C1600", "C1300A", "C1300B", "C1300C", "C1300D", "M0300A", "Q0600"}
    return exact, tuple(prefixes)


def _reference_items(shared_data: Path, item_set: str) -> set[str]:
    """Builder v1.18.11 items, plus the items item_set_changes.csv adds up to `item_set`, less those it removes."""
    with (shared_data / "mds" / "mds3builder_items_v1_18_11.csv").open(newline="") as fh:
        items = {row["item"].upper() for row in csv.DictReader(fh)}
    effective = dict(zip(ITEM_SETS, ("2023-10-01", "2024-10-01", "2025-10-01"), strict=True))[item_set]
    for row in _changes(shared_data):
        if "2023-10-01" < row["effective"] <= effective and row["change"] in ("added", "renamed"):
            items |= set(_ids(row["item"].split("->")[-1]))
    return items


def _all_reads(item_set: str) -> set[str]:
    return {i for reads in items_read(item_set).values() for i in reads} | set(PRIOR_SCORE_SOURCE.values())


@pytest.mark.parametrize("item_set", ITEM_SETS)
def test_no_rule_reads_a_retired_id(shared_data, item_set):
    exact, prefixes = _retired_by(shared_data, item_set)
    reads = _all_reads(item_set) | set(notes_review.SCSA_ITEMS_READ)
    retired = sorted(i for i in reads if i in exact or i.startswith(prefixes))
    assert retired == []
    # the check knows the retired ids the issue names
    named = (
        "D0300",
        "D0200A1",
        "N0410A",
        "J0400",
        "J0500A",
        "A1100A",
        "K0510A1",
        "G0110A1",
        "O0100A1",
        "Q0300A",
    )
    assert [i for i in named if not (i in exact or i.startswith(prefixes))] == []


# Section V (V0100D-F prior scores) is absent from the builder; CMS names these items in edit -3744
# (ITEM-SETS.md §3b).
NOT_IN_BUILDER = {"V0100D", "V0100E", "V0100F"}


@pytest.mark.parametrize("item_set", ITEM_SETS)
def test_every_read_id_is_in_the_reference_item_set(shared_data, item_set):
    reference = _reference_items(shared_data, item_set) | NOT_IN_BUILDER
    reads = _all_reads(item_set) | set(notes_review.SCSA_ITEMS_READ)
    assert sorted(reads - reference) == []


def test_every_read_id_is_in_the_shipped_catalog():
    catalog = pytest.importorskip("mds.record.catalog")
    if not hasattr(catalog, "version_for_date"):
        pytest.skip("per-item-set catalogs (mds.record.catalog.version_for_date) not shipped yet")
    missing = {}
    for item_set in ITEM_SETS:
        if item_set not in catalog.known_versions():
            missing[item_set] = ["(no catalog)"]
            continue
        items = catalog.get_catalog(item_set).items
        reads = _all_reads(item_set) | set(notes_review.SCSA_ITEMS_READ)
        if absent := sorted(i for i in reads if i not in items):
            missing[item_set] = absent
    assert missing == {}, json.dumps(missing)


def test_item_set_choice_agrees_with_the_shipped_catalog():
    """triggers keeps its own (pure) table of item sets; it must pick what mds.record.catalog picks."""
    catalog = pytest.importorskip("mds.record.catalog")
    if not hasattr(catalog, "version_for_code"):
        pytest.skip("per-item-set catalogs not shipped yet")
    assert set(ITEM_SETS) == set(catalog.known_versions())
    for code, item_set in ITEM_SET_OF_VRSN_CD.items():
        assert catalog.version_for_code(code) == item_set
    for day in (
        date(2023, 10, 1),
        date(2024, 9, 30),
        date(2024, 10, 1),
        date(2025, 9, 30),
        date(2025, 10, 1),
        date(2026, 12, 5),
    ):
        assert item_set_on(day) == catalog.version_for_date(day)
