from __future__ import annotations

import csv

import pytest

from mds.record import rfa
from mds.record.rfa import Rfa


def _builder_values(shared_data, item: str) -> list[str]:
    with open(shared_data / "mds" / "mds3builder_items_v1_17.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["item"] == item:
                return row["values"].split("|")
    raise AssertionError(item)


@pytest.mark.parametrize(
    ("item", "ours"),
    [
        ("A0310A", rfa.A0310A_VALUES),
        ("A0310B", rfa.A0310B_VALUES),
        ("A0310F", rfa.A0310F_VALUES),
        ("A0310E", rfa.A0310E_VALUES),
    ],
)
def test_value_lists_match_cms_item_values(shared_data, item, ours):
    assert set(_builder_values(shared_data, item)) == set(ours)


def test_a0310h_and_g_values_match_builder(shared_data):
    assert set(_builder_values(shared_data, "A0310H")) - {"^"} == set(rfa.A0310H_VALUES)
    assert set(_builder_values(shared_data, "A0310G")) - {"^"} == set(rfa.A0310G_VALUES)


@pytest.mark.parametrize(
    ("r", "kind", "kinds", "label_en"),
    [
        (Rfa("01", "01"), "admission", ("admission", "pps_5day"), "Admission (OBRA) + 5-day PPS"),
        (Rfa("01"), "admission", ("admission",), "Admission (OBRA)"),
        (Rfa("02"), "quarterly", ("quarterly",), "Quarterly (OBRA)"),
        (Rfa("03"), "annual", ("annual",), "Annual (OBRA)"),
        (Rfa("04"), "significant_change", ("significant_change",), "Significant change in status"),
        (
            Rfa("05"),
            "significant_correction_comprehensive",
            ("significant_correction_comprehensive",),
            "Significant correction to prior comprehensive",
        ),
        (
            Rfa("06"),
            "significant_correction_quarterly",
            ("significant_correction_quarterly",),
            "Significant correction to prior quarterly",
        ),
        (Rfa(b="01"), "pps_5day", ("pps_5day",), "5-day PPS"),
        (Rfa(b="08"), "ipa", ("ipa",), "Interim Payment Assessment (IPA)"),
        (Rfa(f="11"), "discharge_ra", ("discharge_ra",), "Discharge, return anticipated"),
        (Rfa(f="10"), "discharge_rna", ("discharge_rna",), "Discharge, return not anticipated"),
        (Rfa(h="1"), "pps_discharge", ("pps_discharge",), "Part A PPS discharge"),
        (
            Rfa(f="10", h="1"),
            "discharge_rna",
            ("discharge_rna", "pps_discharge"),
            "Discharge, return not anticipated + Part A PPS discharge",
        ),
        (Rfa(f="01"), "entry", ("entry",), "Entry tracking record"),
        (Rfa(f="12"), "death", ("death",), "Death in facility tracking record"),
    ],
)
def test_kinds_and_labels(r, kind, kinds, label_en):
    assert rfa.kind_of(r) == kind
    assert rfa.kinds_of(r) == kinds
    assert rfa.label(r) == label_en
    assert rfa.label(r, "es") and rfa.label(r, "es") != label_en


@pytest.mark.parametrize(
    ("r", "comprehensive", "obra", "pps", "tracking"),
    [
        (Rfa("01"), True, True, False, False),
        (Rfa("02"), False, True, False, False),
        (Rfa("03"), True, True, False, False),
        (Rfa("04"), True, True, False, False),
        (Rfa("05"), True, True, False, False),
        (Rfa("06"), False, True, False, False),
        (Rfa(b="01"), False, False, True, False),
        (Rfa(b="08"), False, False, True, False),
        (Rfa(h="1"), False, False, True, False),
        (Rfa(f="11"), False, False, False, False),
        (Rfa(f="01"), False, False, False, True),
        (Rfa(f="12"), False, False, False, True),
    ],
)
def test_classifiers(r, comprehensive, obra, pps, tracking):
    assert (rfa.is_comprehensive(r), rfa.is_obra(r), rfa.is_pps(r), rfa.is_tracking(r)) == (
        comprehensive,
        obra,
        pps,
        tracking,
    )


@pytest.mark.parametrize(
    ("r", "error_ids"),
    [
        (Rfa("01", "01", e="1"), []),
        (Rfa("02", e="0"), []),
        (Rfa(f="11", e="1", g="2"), []),
        (Rfa("04", f="10", h="1", e="0", g="1"), []),
        (Rfa(f="01"), []),
        (Rfa(f="12"), []),
        (Rfa(b="08", e="0"), []),
        (Rfa(e="0"), ["no_reason"]),
        (Rfa("07", e="0"), ["bad_value"]),
        (Rfa(b="02", e="0"), ["bad_value"]),
        (Rfa("01", f="01"), ["tracking_alone"]),
        (Rfa(b="01", f="12"), ["tracking_alone"]),
        (Rfa("02", "08", e="0"), ["ipa_alone"]),
        (Rfa(b="08", e="1"), ["ipa_first"]),  # -3953
        (Rfa(h="1", e="1"), ["first_needs_reason"]),  # -3920
        (Rfa("02"), ["e_missing"]),
        (Rfa(f="10", e="0"), ["g_missing"]),
        (Rfa("02", e="0", g="1"), ["g_only_discharge"]),
        (Rfa(f="01", g="1"), ["g_only_discharge"]),
    ],
)
def test_validate(r, error_ids):
    assert [mid for mid, _ in rfa.validate(r)] == error_ids


def test_ensure_valid_raises_with_both_languages():
    with pytest.raises(rfa.InvalidRfa) as exc:
        rfa.ensure_valid(Rfa(b="08", e="1"))
    assert "-3953" in str(exc.value)
    assert "-3953" in rfa.message("ipa_first", "es")


def test_choices_are_valid_unique_and_labelled():
    choices = rfa.rfa_choices()
    values = [c["value"] for c in choices]
    assert len(values) == len(set(values)) == 86
    assert choices[0]["label"] == "Admission (OBRA)"
    assert {
        "value": "01-01-99-0",
        "label": "Admission (OBRA) + 5-day PPS",
        "group": "Admission (OBRA)",
        "kind": "admission",
    } in choices
    assert "99-99-99-0" not in values
    assert "99-08-99-0" in values and "02-08-99-0" not in values
    for c in choices:
        assert not rfa.combination_errors(rfa.from_code(c["value"]))
    es = rfa.rfa_choices("es")
    assert es[0]["label"] == "Ingreso (OBRA)"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            {"A0310A": "01", "A0310B": "01", "A0310E": "1", "A0310F": "99", "A0310G": "^", "A0310H": "0"},
            Rfa("01", "01", e="1"),
        ),
        ({"A0310A": "99", "A0310B": "99", "A0310F": "01", "A0310H": "^"}, Rfa(f="01")),
    ],
)
def test_items_round_trip(items, expected):
    got = rfa.from_items(items)
    assert got == expected
    assert rfa.from_items(got.to_items()) == expected


def test_from_code_rejects_garbage():
    with pytest.raises(rfa.InvalidRfa):
        rfa.from_code("01-01")


@pytest.mark.parametrize(
    ("r", "prior", "expected"),
    [
        (Rfa("01"), 0, "1"),
        (Rfa("02"), 1, "0"),
        (Rfa(b="08"), 0, "0"),
        (Rfa(f="11"), 0, "1"),
        (Rfa(h="1"), 0, "0"),
    ],
)
def test_first_since_entry(r, prior, expected):
    assert rfa.first_since_entry(r, prior) == expected
