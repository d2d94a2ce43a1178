"""PDPM classification: every table in ../shared/data/mds/ref/pdpm_*.csv, case by case."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from mds.pdpm import rules as pdpm

REF = Path("mds") / "ref"


def _csv(shared_data: Path, name: str) -> list[dict[str, str]]:
    with (shared_data / REF / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- GG presets (column 1)

GG_ITEMS = (
    "GG0130A",
    "GG0130B",
    "GG0130C",
    "GG0170B",
    "GG0170C",
    "GG0170D",
    "GG0170E",
    "GG0170F",
    "GG0170J",
    "GG0170K",
)


def gg(*codes: str, column: str = "1") -> dict[str, str]:
    return {f"{item}{column}": code for item, code in zip(GG_ITEMS, codes, strict=True)}


SCORE_0 = gg(*["01"] * 10)  # nursing 0, PT/OT 0
SCORE_8 = gg("04", "01", "03", "03", "03", "02", "02", "02", "01", "01")  # nursing 3+2+2+1=8, PT/OT 8
SCORE_11 = gg("06", "01", "06", "04", "04", "01", "01", "01", "01", "01")  # nursing 4+4+3+0=11
SCORE_16 = gg(*["06"] * 10)  # nursing 16, PT/OT 24
FIVE_DAY = {"A0310A": "99", "A0310B": "01"}


def classify(extra: dict[str, str], preset: dict[str, str] = SCORE_0, **kw: object) -> pdpm.PdpmResult:
    return pdpm.classify({**FIVE_DAY, **preset, **extra}, **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- shipped tables


def test_shipped_tables_match_shared_data(shared_data: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_pdpm_tables", Path(__file__).parents[3] / "scripts" / "build_pdpm_tables.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(module.render(module.build(shared_data))) == pdpm.tables()


def test_gg_points_table(shared_data: Path) -> None:
    rows = _csv(shared_data, "pdpm_gg_points.csv")
    assert len(rows) == 11
    for row in rows:
        assert pdpm.gg_points(row["gg_response"]) == int(row["points_pdpm_function_score"]), row
    assert pdpm.gg_points("") == 0 and pdpm.gg_points("^") == 0


# ---------------------------------------------------------------- function score


@pytest.mark.parametrize(
    ("preset", "ptot", "nursing"),
    [
        (SCORE_0, 0, 0),
        (SCORE_8, 8, 8),
        (SCORE_11, 11, 11),
        (SCORE_16, 24, 16),
        # bed 06/04 -> 3.5, transfer 06/06/04 -> 3.667, walk 03/02 -> 1.5:
        # PT/OT 4+4+3+3.5+3.667+1.5 = 19.667 -> 20; nursing 4+3+3.5+3.667 = 14.167 -> 14
        (gg("06", "05", "04", "06", "04", "06", "06", "04", "03", "02"), 20, 14),
        # exactly .5 rounds up: bed 04/03 -> 2.5, everything else 0
        (gg("01", "01", "01", "04", "03", "01", "01", "01", "01", "01"), 3, 3),
        # activity-not-attempted codes, dash, caret and blank score 0: transfer (0+0+4)/3, walk 4
        # -> PT/OT 1.333 + 4 = 5.333 -> 5; nursing 1.333 -> 1
        (gg("07", "09", "10", "88", "-", "^", "", "06", "06", "06"), 5, 1),
    ],
)
def test_function_score_averaging_and_rounding(preset: dict[str, str], ptot: int, nursing: int) -> None:
    result = classify({}, preset)
    assert (result.function_score, result.nursing_function_score) == (ptot, nursing)


@pytest.mark.parametrize(
    ("a0310a", "a0310b", "column"),
    [
        ("99", "01", "1"),
        ("01", "01", "1"),
        ("99", "08", "5"),
        ("01", "99", "1"),
        ("02", "99", "5"),
        ("06", "99", "5"),
    ],
)
def test_gg_column_choice(a0310a: str, a0310b: str, column: str) -> None:
    assert pdpm.gg_column(a0310a, a0310b) == column
    values = {"A0310A": a0310a, "A0310B": a0310b, **gg(*["06"] * 10, column=column)}
    assert pdpm.classify(values).function_score == 24
    other = "5" if column == "1" else "1"
    assert (
        pdpm.classify({"A0310A": a0310a, "A0310B": a0310b, **gg(*["06"] * 10, column=other)}).function_score
        == 0
    )


@pytest.mark.parametrize(
    ("a0310a", "a0310b", "key"),
    [("99", "02", "bad_a0310b"), ("99", "", "bad_a0310b"), ("99", "99", "bad_a0310a")],
)
def test_unclassifiable_assessment_types(a0310a: str, a0310b: str, key: str) -> None:
    with pytest.raises(pdpm.PdpmError) as err:
        pdpm.classify({"A0310A": a0310a, "A0310B": a0310b})
    assert err.value.key == key and err.value.messages["es"]


# ---------------------------------------------------------------- PT/OT


def _ptot_cases(shared: Path) -> list[tuple[str, int, str, str]]:
    cases = []
    for row in _csv(shared, "pdpm_ptot_groups.csv"):
        lo, _, hi = row["function_score_range"].partition("-")
        for score in {int(lo), int(hi or lo)}:
            cases.append((row["ptot_clinical_category"], score, row["ptot_group"], row["hipps_char1"]))
    return cases


def test_ptot_table_every_band_edge(shared_data: Path) -> None:
    cases = _ptot_cases(shared_data)
    assert len(cases) == 28  # 16 rows, 24-point bands have one edge
    for category, score, group, letter in cases:
        assert pdpm.ptot_group(category, score) == (group, letter)


@pytest.mark.parametrize(
    ("category", "collapsed"),
    [
        ("Major Joint Replacement or Spinal Surgery", "TC"),
        ("Orthopedic Surgery (Except Major Joint Replacement or Spinal Surgery)", "TG"),
        ("non-surgical orthopedic/musculoskeletal", "TG"),
        ("Acute Infections", "TK"),
        ("Cancer", "TK"),
        ("Pulmonary", "TK"),
        ("Cardiovascular and Coagulations", "TK"),
        ("Medical Management", "TK"),
        ("Acute Neurologic", "TO"),
        ("Non-Orthopedic Surgery", "TO"),
    ],
)
def test_clinical_category_collapse(category: str, collapsed: str) -> None:
    assert classify({}, SCORE_11, clinical_category=category).pt_ot == collapsed


def test_unknown_category_is_rejected() -> None:
    with pytest.raises(pdpm.PdpmError, match="Orthopaedics"):
        classify({}, clinical_category="Orthopaedics")


@pytest.mark.parametrize(
    ("eligible", "surgery", "expected"),
    [
        ("orthopedic", {"J2100": "1", "J2310": "1"}, "TC"),  # major joint -> category 1
        ("orthopedic", {"J2100": "1", "J2510": "1"}, "TG"),  # orthopedic surgery -> Other Orthopedic
        ("orthopedic", {"J2100": "0", "J2310": "1"}, "TK"),  # no recent surgery: default category
        ("non_orthopedic", {"J2100": "1", "J2700": "1"}, "TO"),
        ("non_orthopedic", {"J2100": "1", "J2310": "1"}, "TK"),  # wrong kind of surgery
        (None, {"J2100": "1", "J2310": "1"}, "TK"),  # diagnosis not surgery-eligible
    ],
)
def test_surgical_rerouting(eligible: str | None, surgery: dict[str, str], expected: str) -> None:
    result = classify(surgery, SCORE_11, clinical_category="Medical Management", surgery_eligible=eligible)
    assert result.pt_ot == expected


# ---------------------------------------------------------------- SLP

COUNT1_PARTS = [
    ({}, "Medical Management"),
    ({"I4300": "1"}, "Medical Management"),  # aphasia
    ({"I4300": "1", "C0500": "05"}, "Medical Management"),  # + cognitive impairment
    ({"I4300": "1", "C0500": "05"}, "Acute Neurologic"),
]
COUNT2_PARTS = [{}, {"K0100B": "1"}, {"K0100B": "1", "K0520C3": "1"}]


def test_slp_table_every_cell(shared_data: Path) -> None:
    rows = _csv(shared_data, "pdpm_slp_groups.csv")
    assert len(rows) == 12
    for row in rows:
        c1 = int(row["count_of_acute_neuro_or_slp_comorbidity_or_cognitive_impairment"])
        c2 = int(row["count_of_swallowing_disorder_or_mech_altered_diet"])
        extra1, category = COUNT1_PARTS[c1]
        values = {"C0500": "15", **extra1, **COUNT2_PARTS[c2]}
        result = classify(values, SCORE_8, clinical_category=category)
        assert result.slp == row["slp_group"], row
        assert result.hipps is not None and result.hipps[1] == row["hipps_char2"]


@pytest.mark.parametrize(
    ("values", "impaired"),
    [
        ({"C0500": "13"}, False),
        ({"C0500": "12"}, True),  # mild impairment counts for SLP
        ({"C0500": "00"}, True),
        ({"C0500": "99"}, False),  # staff assessment with nothing impaired
        ({"C0500": "99", "C0700": "1"}, True),  # short-term memory problem
        ({"C0500": "-", "C1000": "3"}, True),
        ({"C0500": "", "B0700": "2"}, True),
    ],
)
def test_slp_cognitive_impairment(values: dict[str, str], impaired: bool) -> None:
    result = classify(values, SCORE_8, clinical_category="Medical Management")
    assert result.slp == ("SD" if impaired else "SA")


@pytest.mark.parametrize("item", ["I4300", "I4500", "I4900", "I5500", "O0110E1B", "O0110F1B"])
def test_each_slp_comorbidity_item(item: str) -> None:
    assert classify({"C0500": "15", item: "1"}, SCORE_16, clinical_category="Cancer").slp == "SD"


def test_icd10_only_slp_comorbidity() -> None:
    result = classify({"C0500": "15"}, SCORE_8, clinical_category="Cancer", icd10_slp_comorbidity=True)
    assert result.slp == "SD"


# ---------------------------------------------------------------- nursing

DEP = {"D0160": "12"}
STAFF_DEP = {"D0600": "10"}
RESTOR2 = {"O0500A": "7", "O0500C": "6"}
NURSING_CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "ES3": ({"O0110E1B": "1", "O0110F1B": "1"}, SCORE_0),
    "ES2": ({"O0110E1B": "1"}, SCORE_8),
    "ES1": ({"O0110M1B": "1"}, SCORE_0),
    "HDE2": ({"I2100": "1", **DEP}, SCORE_0),
    "HDE1": ({"I2100": "1"}, SCORE_0),
    "HBC2": ({"I2100": "1", **STAFF_DEP}, SCORE_8),
    "HBC1": ({"I2100": "1"}, SCORE_8),
    "LDE2": ({"O0110J1B": "1", **DEP}, SCORE_0),
    "LDE1": ({"O0110J1B": "1"}, SCORE_0),
    "LBC2": ({"O0110J1B": "1", **DEP}, SCORE_8),
    "LBC1": ({"O0110J1B": "1"}, SCORE_8),
    "CDE2": ({"I2000": "1", **DEP}, SCORE_0),
    "CDE1": ({"I2000": "1"}, SCORE_0),
    "CBC2": ({"I2000": "1", **DEP}, SCORE_8),
    "CA2": ({"I2000": "1", **DEP}, SCORE_16),
    "CBC1": ({"I2000": "1"}, SCORE_8),
    "CA1": ({"I2000": "1"}, SCORE_16),
    "BAB2": ({"C0500": "05", **RESTOR2}, SCORE_11),
    "BAB1": ({"C0500": "05"}, SCORE_11),
    "PDE2": (RESTOR2, SCORE_0),
    "PDE1": ({}, SCORE_0),
    "PBC2": (RESTOR2, SCORE_8),
    "PA2": (RESTOR2, SCORE_16),
    "PBC1": ({}, SCORE_8),
    "PA1": ({"C0500": "15"}, SCORE_16),
}


def test_nursing_table_every_group(shared_data: Path) -> None:
    rows = _csv(shared_data, "pdpm_nursing_groups.csv")
    assert [r["nursing_group"] for r in rows] == list(NURSING_CASES)
    for row in rows:
        extra, preset = NURSING_CASES[row["nursing_group"]]
        result = classify(extra, preset, clinical_category="Medical Management")
        assert result.nursing == row["nursing_group"], row
        assert result.hipps is not None and result.hipps[2] == row["hipps_char3"]


@pytest.mark.parametrize(
    ("extra", "preset", "group"),
    [
        ({"O0110M1B": "1"}, SCORE_16, "CA1"),  # Extensive Services with function 15-16 -> Clinically Complex
        ({"I2100": "1", **DEP}, SCORE_16, "CA2"),  # SCH with function 15-16 -> Clinically Complex
        ({"I5100": "1"}, SCORE_11, "HBC1"),  # quadriplegia qualifies at nursing score <= 11 ...
        ({"I5100": "1", "C0500": "15"}, SCORE_16, "PA1"),  # ... not at 16
        ({"I2900": "1", "N0350A": "7", "N0350B": "2"}, SCORE_0, "HDE1"),
        ({"I2900": "1", "N0350A": "6", "N0350B": "2"}, SCORE_0, "PDE1"),  # insulin 6 days: no SCH
        ({"I6200": "1", "J1100C": "1"}, SCORE_0, "HDE1"),
        ({"I6200": "1"}, SCORE_0, "PDE1"),
        ({"J1550A": "1", "K0300": "2"}, SCORE_0, "HDE1"),  # fever with weight loss
        ({"J1550A": "1"}, SCORE_0, "PDE1"),  # fever alone
        ({"K0520A3": "1"}, SCORE_0, "HDE1"),  # parenteral feeding while a resident
        ({"O0400D2": "7"}, SCORE_0, "HDE1"),
        ({"B0100": "1"}, SCORE_0, "HDE1"),  # comatose and completely dependent
        ({"I6300": "1", "O0110C1B": "1"}, SCORE_0, "LDE1"),
        ({"M0300B1": "2", "M1200A": "1", "M1200C": "1"}, SCORE_0, "LDE1"),  # 2 stage-2 ulcers, 2 treatments
        ({"M0300B1": "2", "M1200A": "1", "M1200B": "1"}, SCORE_0, "PDE1"),  # A and B count once
        ({"M0300B1": "1", "M1030": "1", "M1200A": "1", "M1200C": "1"}, SCORE_0, "LDE1"),
        ({"M1040B": "1", "M1200I": "1"}, SCORE_0, "LDE1"),
        ({"K0520B3": "1", "K0710A3": "2", "K0710B3": "2"}, SCORE_0, "LDE1"),
        ({"K0520B3": "1", "K0710A3": "2", "K0710B3": "1"}, SCORE_0, "PDE1"),
        ({"M1040E": "1", "M1200G": "1"}, SCORE_0, "CDE1"),  # surgical wound care
        ({"M1040F": "1"}, SCORE_0, "CDE1"),
        ({"O0110H1B": "1"}, SCORE_0, "CDE1"),
        ({"C0500": "05"}, SCORE_8, "PBC1"),  # Behavioral/Cognitive needs nursing score >= 11
        ({"C0500": "10"}, SCORE_11, "PBC1"),  # BIMS 10: not impaired ...
        ({"C0500": "10", "E0200A": "2"}, SCORE_11, "BAB1"),  # ... but behaviours 4-6 days qualify
        ({"C0500": "99", "B0700": "2", "C0700": "1"}, SCORE_11, "BAB1"),  # staff assessment
        ({"C0500": "99", "C0700": "1"}, SCORE_11, "PBC1"),  # one indicator is not enough
        ({"H0200C": "1", "H0500": "1", "O0500J": "6"}, SCORE_0, "PDE2"),  # H0200C/H0500 count once
        ({"D0160": "99", "I2000": "1"}, SCORE_0, "CDE1"),  # 99 = interview incomplete, not depressed
    ],
)
def test_nursing_hierarchy_and_thresholds(extra: dict[str, str], preset: dict[str, str], group: str) -> None:
    assert classify(extra, preset).nursing == group


# ---------------------------------------------------------------- NTA

NTA_CASES: dict[str, dict[str, str]] = {
    "Parenteral/IV feeding - high intensity": {"K0520A3": "1", "K0710A2": "3"},
    "Parenteral/IV feeding - low intensity": {"K0520A3": "1", "K0710A2": "2", "K0710B2": "2"},
    "IV medication post-admit": {"O0110H1B": "1"},
    "Ventilator/respirator post-admit": {"O0110F1B": "1"},
    "Transfusion post-admit": {"O0110I1B": "1"},
    "Multiple sclerosis": {"I5200": "1"},
    "Asthma/COPD/chronic lung disease": {"I6200": "1"},
    "Wound infection": {"I2500": "1"},
    "Diabetes mellitus": {"I2900": "1"},
    "Diabetic foot ulcer": {"M1040B": "1"},
    "Tracheostomy care post-admit": {"O0110E1B": "1"},
    "Multi-drug resistant organism": {"I1700": "1"},
    "Isolation post-admit": {"O0110M1B": "1"},
    "Radiation post-admit": {"O0110B1B": "1"},
    "Highest stage unhealed pressure ulcer = stage 4": {"M0300D1": "2"},
    "Intermittent catheterization": {"H0100D": "1"},
    "Inflammatory bowel disease": {"I1300": "1"},
    "Suctioning post-admit": {"O0110D1B": "1"},
    "Feeding tube": {"K0520B3": "1"},
    "Malnutrition": {"I5600": "1"},
    "Ostomy": {"H0100C": "1"},
    "Foot infection/other open lesion on foot": {"M1040C": "1"},
}


def test_nta_points_table_every_condition(shared_data: Path) -> None:
    rows = [r for r in _csv(shared_data, "pdpm_nta.csv") if r["kind"] == "points" and r["value"].isdigit()]
    assert {r["key"] for r in rows} == set(NTA_CASES) | set(pdpm.NTA_EXTERNAL)
    for row in rows:
        if row["key"] in pdpm.NTA_EXTERNAL:
            result = classify({}, extra_nta={row["key"]: 99})  # table points win over the caller's
        else:
            result = classify(NTA_CASES[row["key"]])
        assert result.nta_score == int(row["value"]), row["key"]


def test_nta_groups_table_every_edge(shared_data: Path) -> None:
    rows = [r for r in _csv(shared_data, "pdpm_nta.csv") if r["kind"] == "group"]
    assert len(rows) == 6
    for row in rows:
        text = row["value"].split()[0]
        bounds = [int(text.rstrip("+"))] if text.endswith("+") else [int(x) for x in text.split("-")]
        for score in bounds:
            assert pdpm.nta_group(score) == (row["key"], row["mds_item_or_rule"].split()[-1])


def test_nta_worked_example_aapacn() -> None:
    """DOMAIN.md §5: IV meds 5 + diabetes 2 + isolation 1 + wound infection 2 = 10 -> NB."""
    result = classify({"O0110H1B": "1", "I2900": "1", "O0110M1B": "1", "I2500": "1"})
    assert (result.nta_score, result.nta) == (10, "NB")
    assert {c.items[0] for c in result.explain if c.component == "nta"} == {
        "O0110H1B",
        "I2900",
        "O0110M1B",
        "I2500",
    }


def test_pre_2023_item_set_reads_the_2019_ids_chosen_by_version() -> None:
    legacy_values = {"K0510A2": "1", "K0710A2": "3", "O0100H2": "1", "D0300": "15", "I2000": "1"}
    current_values = {"K0520A3": "1", "K0710A2": "3", "O0110H1B": "1", "D0160": "15", "I2000": "1"}
    legacy = classify({**legacy_values, "ITM_SET_VRSN_CD": "1.17"})
    by_ard = classify({**legacy_values, "A2300": "20230915"})
    current = classify({**current_values, "ITM_SET_VRSN_CD": "1.19"})
    assert (
        (legacy.nta_score, legacy.nursing)
        == (by_ard.nta_score, by_ard.nursing)
        == (current.nta_score, current.nursing)
        == (12, "HDE2")
    )
    assert pdpm.classify({**FIVE_DAY, **legacy_values}, item_set="1.17").nta_score == 12


def test_retired_ids_are_not_read_on_a_current_record() -> None:
    """No silent fallback: a 1.18+ record that carries O0100/D0300/K0510 gets nothing from them."""
    retired = {"K0510A2": "1", "K0710A2": "3", "O0100H2": "1", "D0300": "15", "I2000": "1"}
    for marker in ({"ITM_SET_VRSN_CD": "1.20"}, {"A2300": "20251015"}, {}):
        result = classify({**retired, **marker})
        assert (result.nta_score, result.nursing) == (0, "CDE1"), marker  # pneumonia only; not depressed
    # and a pre-1.18 record does not read the current ids
    assert classify({"O0110H1B": "1", "ITM_SET_VRSN_CD": "1.17"}).nta_score == 0


# ---------------------------------------------------------------- HIPPS


def test_hipps_char5_table(shared_data: Path) -> None:
    for row in _csv(shared_data, "hipps_char5_ai.csv"):
        a0310a = "02" if row["A0310B"] == "99" else "99"
        result = pdpm.classify({"A0310A": a0310a, "A0310B": row["A0310B"]}, clinical_category="Cancer")
        assert result.hipps is not None and result.hipps[4] == row["hipps_char5"]


HIP_FRACTURE_5DAY = {
    "A0310A": "01",
    "A0310B": "01",
    "I0020B": "S72.001A",
    "J2100": "1",
    "J2310": "1",
    **gg("06", "05", "04", "06", "04", "06", "06", "04", "03", "02"),  # PT/OT 20, nursing 14
    "C0500": "15",
    "D0160": "03",
    "I2900": "1",
    "I6200": "1",
    "N0350A": "3",
    "N0350B": "0",
}


def test_hipps_end_to_end_from_item_answers() -> None:
    # hip fracture repaired by hip replacement: surgery-eligible code re-routed to Major Joint (TC, C);
    # SLP: intact, no comorbidity or swallowing -> SA (A); nursing score 14, no qualifying
    # condition, BIMS 15, no restorative -> PBC1 (X); NTA diabetes 2 + COPD 2 = 4 -> ND (D); 5-day -> 1.
    result = pdpm.classify(
        HIP_FRACTURE_5DAY,
        clinical_category="Non-Surgical Orthopedic/Musculoskeletal",
        surgery_eligible="orthopedic",
    )
    assert result.as_dict() == {
        "pt_ot": "TC",
        "slp": "SA",
        "nursing": "PBC1",
        "nta": "ND",
        "nta_score": 4,
        "function_score": 20,
        "hipps": "CAXD1",
        "clinical_category": "Major Joint Replacement or Spinal Surgery",
    }
    no_surgery = pdpm.classify(HIP_FRACTURE_5DAY, clinical_category="Non-Surgical Orthopedic/Musculoskeletal")
    assert no_surgery.hipps == "GAXD1"


def test_hipps_from_the_record_alone() -> None:
    """I0020B S72.001A maps (CMS ICD-10 mapping) to Non-Surgical Orthopedic, surgery-eligible (orthopedic)."""
    assert pdpm.classify(HIP_FRACTURE_5DAY).hipps == "CAXD1"
    assert pdpm.classify({**HIP_FRACTURE_5DAY, "J2100": "0"}).hipps == "GAXD1"


@pytest.mark.parametrize(
    ("code", "reason"),
    [("R26.2", "Return to Provider"), ("G20.A1", "not in the CMS FY2020"), ("", "no primary")],
)
def test_unmapped_primary_diagnosis_only_category_free_components(code: str, reason: str) -> None:
    result = pdpm.classify({**HIP_FRACTURE_5DAY, "I0020B": code})
    assert (result.pt_ot, result.slp, result.hipps) == (None, None, None)
    assert (result.nursing, result.nta) == ("PBC1", "ND") and reason in result.warnings[0]


def test_diff_names_the_changed_components() -> None:
    before = {**HIP_FRACTURE_5DAY, "I1700": "1"}  # NTA 5 -> ND
    after = {**before, "O0110H1B": "1"}  # + IV meds 5 = 10 -> NB, and clinically complex nursing
    changes = pdpm.diff(before, after, clinical_category="Medical Management")
    assert [(c.component, c.before, c.after) for c in changes] == [
        ("nursing", "PBC1", "CBC1"),
        ("nta", "ND", "NB"),
        ("hipps", "KAXD1", "KAPB1"),
    ]
    assert changes[1].messages["en"] == "this answer changes the NTA group from ND to NB"
    assert changes[1].messages["es"] == "esta respuesta cambia el grupo NTA de ND a NB"
    assert pdpm.diff(before, dict(before), clinical_category="Medical Management") == []
