"""CAA triggers: each of the 20 care areas fires on its own conditions and stays silent on
near-misses, using real MDS 3.0 item ids and codes."""

from __future__ import annotations

import csv

import pytest

from careplans.triggers import (
    BASIS_APPROXIMATION,
    BASIS_SUCCESSOR,
    CARE_AREAS,
    carries_caa_process,
    evaluate,
    section_v_flags,
)

ANNUAL = {"A0310A": "03"}
ADMISSION = {"A0310A": "01"}

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
        "six-not-important", 7,
        {"F0600": "1", **{f"F0500{c}": "4" for c in "ABCDEG"}},
        [(f"F0500{c}", "4") for c in "ABCDEG"],
    ),
    # 8 Mood
    ("self-harm", 8, {"D0150I1": "1"}, [("D0150I1", "1")]),
    ("self-harm-staff", 8, {"D0500I1": "1"}, [("D0500I1", "1")]),
    ("phq-10", 8, {"D0160": "10"}, [("D0160", "10")]),
    ("phq-staff-10", 8, {"D0600": "10"}, [("D0600", "10")]),
    ("phq-worse", 8, {**ANNUAL, "D0160": "05", "V0100E": "04"}, [("D0160", "05"), ("V0100E", "04")]),
    ("phq-staff-worse", 8, {**ANNUAL, "D0160": "99", "D0600": "03", "V0100F": "02"}, [("D0600", "03"), ("V0100F", "02")]),
    # 9 Behavioral symptoms
    ("rejection", 9, {"E0800": "1"}, [("E0800", "1")]),
    ("wandering", 9, {"E0900": "3"}, [("E0900", "3")]),
    ("worse", 9, {"E1100": "2"}, [("E1100", "2")]),
    ("any-behavior", 9, {"E0300": "1"}, [("E0300", "1")]),
    # 10 Activities
    ("little-interest", 10, {"D0150A1": "1"}, [("D0150A1", "1")]),
    ("six-4-or-5", 10, {**{f"F0500{c}": "5" for c in "ABC"}, **{f"F0500{c}": "4" for c in "DEF"}},
     [(f"F0500{c}", "5") for c in "ABC"] + [(f"F0500{c}", "4") for c in "DEF"]),
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
    ("mech-altered", 12, {"K0520C2": "1"}, [("K0520C2", "1")]),
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
    ("frequent-moderate", 19, {"J0400": "2", "J0600A": "04"}, [("J0400", "2"), ("J0600A", "04")]),
    ("frequent-moderate-vds", 19, {"J0400": "1", "J0600B": "2"}, [("J0400", "1"), ("J0600B", "2")]),
    ("observed", 19, {"J0800C": "1"}, [("J0800C", "1")]),
    # 20 Return to community
    ("referral", 20, {"Q0600": "1"}, [("Q0600", "1")]),
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
    ("occasional-moderate", 19, {"J0400": "3", "J0600A": "05"}),
    ("frequent-mild", 19, {"J0400": "1", "J0600A": "03", "J0600B": "1"}),
    ("referral-not-needed", 20, {"Q0600": "0"}),
    ("referral-made", 20, {"Q0600": "2"}),
]


def _area(result, caa):
    return next((t for t in result if t.caa == caa), None)


@pytest.mark.parametrize(("case", "caa", "answers", "expected"), FIRES, ids=[f"{c[1]}-{c[0]}" for c in FIRES])
def test_area_fires_with_exact_reasons(case, caa, answers, expected):
    area = _area(evaluate(answers), caa)
    assert area is not None, f"CAA {caa} should trigger on {answers}"
    assert [(r.item, r.value) for r in area.reasons] == expected


@pytest.mark.parametrize(("case", "caa", "answers"), SILENT, ids=[f"{c[1]}-{c[0]}" for c in SILENT])
def test_area_silent_on_near_miss(case, caa, answers):
    assert _area(evaluate(answers), caa) is None


def test_bmi_boundaries_are_not_rounded():
    # 703*w/h^2 with h=65: w=111 -> 18.47 (fires), w=112 -> 18.63 (silent)
    assert _area(evaluate({"K0200A": "65", "K0200B": "111"}), 12) is not None
    assert _area(evaluate({"K0200A": "65", "K0200B": "112"}), 12) is None
    # upper bound: 24.9 inclusive is silent, just above fires
    assert _area(evaluate({"K0200A": "65", "K0200B": "149"}), 12) is None  # 24.79
    assert _area(evaluate({"K0200A": "65", "K0200B": "150"}), 12) is not None  # 24.96


def test_empty_and_no_information_trigger_nothing():
    assert evaluate({}) == []
    every_item_dashed = {item: "-" for item in ("C0500", "C0700", "B1000", "H0300", "J1800", "Q0600", "M0150")}
    assert evaluate(every_item_dashed) == []


def test_reason_text_and_area_metadata():
    (area,) = evaluate({"A0310A": "01", "C0500": "08"})
    assert area.reasons[0].text == "C0500=08 (BIMS 0–12)"
    assert (area.caa, area.area, area.v_item) == (2, "Cognitive Loss/Dementia", "V0200A02A")
    assert area.area_es == "Pérdida cognitiva/demencia"
    assert area.as_dict() == {"caa": 2, "area": "Cognitive Loss/Dementia", "reasons": [{"item": "C0500", "value": "08"}]}


@pytest.mark.parametrize(
    ("a0310a", "expected"),
    [("01", True), ("03", True), ("04", True), ("05", True), ("02", False), ("06", False), ("99", False),
     ("-", False), (None, False)],
)
def test_caa_process_only_on_comprehensive(a0310a, expected):
    assert carries_caa_process(a0310a) is expected
    answers = {"C0500": "05"} if a0310a is None else {"A0310A": a0310a, "C0500": "05"}
    assert carries_caa_process(answers) is expected
    # triggers are still reported on other assessments, flagged as information only
    (area,) = evaluate(answers)
    assert area.caa_process is expected


def test_prior_assessment_fills_missing_section_v():
    current = {**ANNUAL, "C0500": "09", "D0160": "08"}
    prior = {"C0500": "13", "D0160": "04"}
    areas = {t.caa: t for t in evaluate(current, prior=prior)}
    assert [(r.item, r.value) for r in areas[1].reasons] == [("C0500", "09"), ("V0100D", "13")]
    assert [(r.item, r.value) for r in areas[8].reasons] == [("D0160", "08"), ("V0100E", "04")]
    # Section V on the record wins over the prior record's answers
    assert _area(evaluate({**current, "V0100D": "08"}, prior=prior), 1) is None


@pytest.mark.parametrize(
    ("answers", "caa", "item"),
    [
        ({"C1600": "1"}, 1, "C1600"),
        ({"D0300": "12"}, 8, "D0300"),
        ({"D0200I1": "1"}, 8, "D0200I1"),
        ({"N0410A": "3"}, 17, "N0410A"),
        ({"K0510B2": "1"}, 13, "K0510B2"),
        ({"J0500A": "1"}, 19, "J0500A"),
    ],
)
def test_legacy_item_ids_still_trigger(answers, caa, item):
    """Records from older item sets (before the CMS renames) keep working."""
    area = _area(evaluate(answers), caa)
    assert area is not None and area.reasons[0].item == item


def test_current_item_wins_over_legacy():
    # J0510=1 (rarely or not at all) is a "no"; the legacy J0500A must not override it.
    assert _area(evaluate({"J0510": "1", "J0500A": "1"}), 19) is None


def test_basis_marks_successor_and_approximation():
    areas = {t.caa: t for t in evaluate({**ADMISSION, "C0500": "10", "GG0130A1": "02", "N0415A1": "1"})}
    assert areas[5].reasons[0].basis == BASIS_APPROXIMATION
    assert areas[17].reasons[0].basis == BASIS_SUCCESSOR
    assert areas[2].reasons[0].basis == "cat2010"


def test_section_v_flags_cover_all_twenty():
    flags = section_v_flags(evaluate({"C0500": "08", "Q0600": "1"}))
    assert len(flags) == 20 and len(CARE_AREAS) == 20
    assert flags["V0200A02A"] == "1" and flags["V0200A20A"] == "1" and flags["V0200A01A"] == "0"


# Items added or renamed after item set 1.17 are absent from the 1.17 reference list.
NEWER_THAN_V1_17 = ("D0150", "D0160", "K0520", "N0415", "J0510", "J0530", "Q0600", "V0100")


def test_unchanged_items_exist_in_reference_item_list(shared_data):
    with (shared_data / "mds" / "mds3builder_items_v1_17.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    # The list files H0600 under a duplicate "H0100D" id; its label still ends "(H0600)".
    known = {row["item"].upper() for row in rows} | {
        row["label"].rsplit("(", 1)[-1].rstrip(")").upper() for row in rows if row["label"].endswith(")")
    }
    used = {item for _c, _a, answers, _e in FIRES for item in answers}
    unknown = sorted(i for i in used if i not in known and not i.startswith(NEWER_THAN_V1_17))
    assert unknown == []
