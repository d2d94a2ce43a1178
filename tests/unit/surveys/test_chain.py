"""surveys.chain: each hop of MDS item -> care area -> problem -> measure -> F-tag -> finding, and back (pure),
with the real trigger rules (careplans.triggers) and real measure flags (surveys.qm.MeasureFlag)."""

from __future__ import annotations

import pytest

from careplans.rules.triggers import evaluate
from surveys.chain import rules as chain
from surveys.qm.rules import MeasureFlag

RECORD = {"A0310A": "01", "ITM_SET_VRSN_CD": "1.20", "A2300": "20260301", "J1800": "1", "E0900": "1"}
TRIGGERED = evaluate(RECORD, item_set="1.20.1")


@pytest.mark.parametrize(
    ("item", "areas"),
    [
        ("J1800", [11]),  # a fall since admission: Falls only
        ("E0900", [2, 9, 11]),  # wandering: cognitive loss, behavioural symptoms, falls
        ("A2300", []),  # read by no trigger
    ],
)
def test_areas_triggered_by_an_item(item: str, areas: list[int]) -> None:
    hits = chain.areas_triggered_by(item, TRIGGERED)
    assert [h.caa for h in hits] == areas
    assert all(h.values == ((item, RECORD[item]),) for h in hits)


@pytest.mark.parametrize(("caa", "items"), [(11, {"E0900", "J1800"}), (9, {"E0900"}), (16, set())])
def test_items_behind_an_area(caa: int, items: set[str]) -> None:
    assert {i for i, _ in chain.items_behind_area(caa, TRIGGERED)} == items


FLAGS = (
    MeasureFlag("410", "numerator", "triggered", {"J1900C": "1"}),
    MeasureFlag("479", "denominator", "not_triggered", {"M0300B1": "0"}),
    MeasureFlag("481", "excluded", "condition", {"I6000": "1"}),
    MeasureFlag("406", "not_applicable", "short_stay", {"J1900C": "1"}),
)


@pytest.mark.parametrize(
    ("item", "codes"), [("J1900C", ["410"]), ("M0300B1", ["479"]), ("I6000", ["481"]), ("J1800", [])]
)
def test_measures_fed_by_an_item(item: str, codes: list[str]) -> None:
    assert [f.code for f in chain.measures_fed_by(item, FLAGS)] == codes


@pytest.mark.parametrize(
    ("code", "tags", "areas"),
    [("410", ["F689"], [11]), ("479", ["F686"], [16, 12]), ("407", ["F690", "F880"], [6]), ("999", [], [])],
)
def test_measure_links(code: str, tags: list[str], areas: list[int]) -> None:
    assert chain.ftags_of_measure(code) == tags and chain.areas_of_measure(code) == areas


@pytest.mark.parametrize(
    ("tag", "measures", "areas"),
    [
        ("F689", ["410"], [11]),
        ("F0689", ["410"], [11]),  # as stored on the 2567
        ("f690", ["406", "407"], [6]),
        ("F605", ["481", "434"], [17]),
        ("F880", ["407"], [6]),
        ("F641", [], []),
        ("nonsense", [], []),
    ],
)
def test_back_from_an_ftag(tag: str, measures: list[str], areas: list[int]) -> None:
    assert chain.measures_of_ftag(tag) == measures and chain.areas_of_ftag(tag) == areas


@pytest.mark.parametrize(("caa", "measures"), [(11, ["410"]), (17, ["481", "434"]), (3, [])])
def test_measures_of_an_area(caa: int, measures: list[str]) -> None:
    assert chain.measures_of_area(caa) == measures


def test_findings_are_matched_on_the_tag_shown_today() -> None:
    findings = [{"id": 1, "tag": "F0689"}, {"id": 2, "tag": "F0880"}, {"id": 3, "tag": "F0656"}]
    assert [f["id"] for f in chain.findings_citing(["F689", "F880"], findings)] == [1, 2]
    assert chain.findings_citing([], findings) == []


def test_problems_for_areas_only_active_ones() -> None:
    problems: list[dict[str, object]] = [
        {"id": 1, "caa": 11, "status": "active"},
        {"id": 2, "caa": 11, "status": "resolved"},
        {"id": 3, "caa": None, "status": "active"},
        {"id": 4, "caa": 16, "status": "active"},
    ]
    assert [p["id"] for p in chain.problems_for_areas(problems, [11, 16])] == [1, 4]


def test_residents_in_a_measure() -> None:
    flags = {"7": FLAGS, "3": (MeasureFlag("410", "numerator", "triggered", {"J1900C": "2"}),), "5": ()}
    assert [rid for rid, _ in chain.residents_in_measure("410", flags)] == [3, 7]
    assert chain.residents_in_measure("479", flags) == []
    assert [rid for rid, _ in chain.residents_in_measure("479", flags, ("denominator",))] == [7]
