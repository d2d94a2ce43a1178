"""MDS quality measures: episodes, resident flags at each boundary, facility rates, benchmarks, cut points."""

from __future__ import annotations

import csv
import importlib.util
import json
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from surveys.qm import rules as qm

Q1 = qm.Period.quarter("2025Q1")  # 2025-01-01 .. 2025-03-31
END = Q1.end


def d(x: date) -> str:
    return x.strftime("%Y%m%d")


def entry(when: date, a1700: str = "1") -> dict[str, str]:
    return {"A0310A": "99", "A0310B": "99", "A0310F": "01", "A1700": a1700, "A1600": d(when)}


def discharge(when: date, kind: str = "11") -> dict[str, str]:
    return {"A0310A": "99", "A0310B": "99", "A0310F": kind, "A2000": d(when)}


def asmt(when: date, a0310a: str = "02", a0310b: str = "99", **items: str) -> dict[str, str]:
    return {"A0310A": a0310a, "A0310B": a0310b, "A0310F": "99", "A2300": d(when), **items}


LONG_ADMIT = date(2024, 6, 1)  # CDIF at 2025Q1 end far above 100


def long_stay(*records: dict[str, str]) -> list[dict[str, str]]:
    return [entry(LONG_ADMIT), asmt(LONG_ADMIT + timedelta(days=4), "01", "01"), *records]


def flag(records: list[dict[str, str]], code: str, period: qm.Period = Q1) -> qm.MeasureFlag:
    result = qm.evaluate_resident("r1", records, period)
    return next(f for f in result.flags if f.code == code)


# ---------------------------------------------------------------- shipped data


def test_shipped_measure_data_matches_shared_data(shared_data: Path) -> None:
    path = Path(__file__).parents[3] / "scripts" / "build_qm_data.py"
    spec = importlib.util.spec_from_file_location("build_qm_data", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(module.render(module.build(shared_data))) == qm.measure_data()


def test_every_computable_measure_is_in_the_catalog_with_mds_logic() -> None:
    cat = qm.catalog()
    for code, (stay, _) in qm.MEASURES.items():
        assert cat[code]["stay"] == stay and cat[code]["logic"], code
    # catalog rows that carry MDS-item logic are exactly the computed ones (plus SNF QRP S_038)
    with_logic = {c for c, row in cat.items() if row["logic"] and row["dataset"] == "djen-97ju"}
    assert with_logic == set(qm.MEASURES)


def test_quarter_period() -> None:
    assert (Q1.start, Q1.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert qm.Period.quarter("2024Q4").end == date(2024, 12, 31)


# ---------------------------------------------------------------- episodes and CDIF


@pytest.mark.parametrize(
    ("admitted", "cdif", "stay"), [(date(2024, 12, 21), 101, "long"), (date(2024, 12, 22), 100, "short")]
)
def test_long_stay_boundary_at_cdif_101(admitted: date, cdif: int, stay: str) -> None:
    ep = qm.build_episode([entry(admitted), asmt(date(2025, 3, 1))], Q1)
    assert ep is not None and (ep.cdif, ep.stay_type) == (cdif, stay)


def test_readmission_within_30_days_continues_the_episode() -> None:
    records = [
        entry(date(2024, 10, 1)),
        discharge(date(2024, 11, 1)),  # 31 days
        entry(date(2024, 12, 1), a1700="2"),  # back after 30 days: same episode
        asmt(date(2025, 3, 1)),
    ]
    ep = qm.build_episode(records, Q1)
    assert ep is not None and ep.cdif == 31 + 121 and len(ep.stays) == 2


def test_reentry_after_31_days_starts_a_new_episode() -> None:
    records = [
        entry(date(2024, 10, 1)),
        discharge(date(2024, 11, 1)),
        entry(date(2024, 12, 2), a1700="2"),
        asmt(date(2025, 3, 1)),
    ]
    ep = qm.build_episode(records, Q1)
    assert ep is not None and ep.cdif == 120 and len(ep.stays) == 1


def test_discharge_return_not_anticipated_ends_episode_before_period() -> None:
    assert qm.build_episode([entry(date(2024, 6, 1)), discharge(date(2024, 12, 1), "10")], Q1) is None


@pytest.mark.parametrize(("days_before_end", "has_target"), [(120, True), (121, False)])
def test_target_assessment_within_120_days_of_episode_end(days_before_end: int, has_target: bool) -> None:
    ep = qm.build_episode(long_stay(asmt(END - timedelta(days=days_before_end))), Q1)
    assert ep is not None
    assert (
        ep.target is not None and ep.target.get("A2300") == d(END - timedelta(days=days_before_end))
    ) == has_target


def test_no_target_is_not_applicable() -> None:
    f = flag([entry(LONG_ADMIT), asmt(date(2024, 6, 5), "01", "01")], "406")
    assert (f.status, f.reason) == ("not_applicable", "no_target")


def test_long_stay_measure_not_applicable_to_short_stay() -> None:
    f = flag([entry(date(2025, 3, 1)), asmt(date(2025, 3, 5), "01", "01", H0100A="1")], "406")
    assert f.status == "not_applicable" and "larga" in f.message("es") and f.items == {"CDIF": "31"}


# ---------------------------------------------------------------- target-assessment measures

QUARTERLY = END - timedelta(days=10)


@pytest.mark.parametrize(
    ("code", "items", "status", "reason"),
    [
        ("406", {"H0100A": "1"}, "numerator", "numerator"),
        ("406", {"H0100A": "0"}, "denominator", "denominator"),
        ("406", {"H0100A": "-"}, "excluded", "missing_item"),
        ("406", {"H0100A": "1", "I1550": "1"}, "excluded", "condition"),
        ("406", {"H0100A": "1", "I1650": "1"}, "excluded", "condition"),
        ("407", {"I2300": "1"}, "numerator", "numerator"),
        ("407", {"I2300": "0"}, "denominator", "denominator"),
        ("407", {}, "excluded", "missing_item"),
        ("479", {"M0300B1": "1"}, "numerator", "numerator"),
        ("479", {"M0300G1": "2", "M0300B1": "0"}, "numerator", "numerator"),
        (
            "479",
            {i: "0" for i in ("M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1")},
            "denominator",
            "denominator",
        ),
        (
            "479",
            {"M0300B1": "0", "M0300C1": "0", "M0300D1": "0", "M0300E1": "-", "M0300F1": "0", "M0300G1": "0"},
            "excluded",
            "missing_item",
        ),
        (
            "479",
            {
                "M0210": "0",
                **dict.fromkeys(("M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1"), "^"),
            },
            "denominator",
            "denominator",
        ),
        (
            "479",
            {
                "M0210": "-",
                **dict.fromkeys(("M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1"), "^"),
            },
            "excluded",
            "missing_item",
        ),
        ("481", {"N0415A1": "1"}, "numerator", "numerator"),
        ("481", {"N0415A1": "0"}, "denominator", "denominator"),
        ("481", {"N0415A1": "1", "I6000": "1"}, "excluded", "condition"),
        ("481", {"N0415A1": "1", "I5350": "1"}, "excluded", "condition"),
        ("481", {"N0415A1": "1", "I5250": "1"}, "excluded", "condition"),
        ("481", {"N0415A1": "-"}, "excluded", "missing_item"),
    ],
)
def test_target_assessment_measures(code: str, items: dict[str, str], status: str, reason: str) -> None:
    f = flag(long_stay(asmt(QUARTERLY, **items)), code)
    assert (f.status, f.reason) == (status, reason)
    if status == "numerator":
        assert set(f.items) <= set(items) and f.items


@pytest.mark.parametrize("code", ["406", "407", "479"])
@pytest.mark.parametrize(("a0310a", "a0310b"), [("01", "99"), ("99", "01")])
def test_admission_or_5day_target_is_excluded(code: str, a0310a: str, a0310b: str) -> None:
    items = {"H0100A": "1", "I2300": "1", "M0300B1": "1"}
    f = flag(long_stay(asmt(QUARTERLY, a0310a, a0310b, **items)), code)
    assert (f.status, f.reason) == ("excluded", "admission_target")


# ---------------------------------------------------------------- falls (look-back scan)


@pytest.mark.parametrize(("days_before_target", "status"), [(275, "numerator"), (276, "denominator")])
def test_falls_look_back_scan_is_275_days(days_before_target: int, status: str) -> None:
    records = [
        entry(date(2023, 1, 1)),
        asmt(QUARTERLY - timedelta(days=days_before_target), J1800="1", J1900C="2"),
        asmt(QUARTERLY, J1800="0", J1900C="0"),
    ]
    assert flag(records, "410").status == status


@pytest.mark.parametrize(
    ("scan_items", "status"),
    [
        ([{"J1800": "-"}, {"J1800": "-"}], "excluded"),
        ([{"J1800": "1", "J1900C": "-"}, {"J1800": "-"}], "excluded"),
        ([{"J1800": "-"}, {"J1800": "0"}], "denominator"),  # one usable assessment keeps the resident
        ([{"J1800": "1", "J1900C": "0"}, {"J1800": "1", "J1900C": "1"}], "numerator"),
    ],
)
def test_falls_exclusion_only_when_every_scan_assessment_is_unknown(
    scan_items: list[dict[str, str]], status: str
) -> None:
    records = long_stay(
        asmt(QUARTERLY - timedelta(days=90), **scan_items[0]), asmt(QUARTERLY, **scan_items[1])
    )
    # the 5-day assessment of long_stay() is > 275 days before the target, outside the scan
    assert flag(records, "410").status == status


# ---------------------------------------------------------------- GG change measures


def gg_asmt(when: date, **scores: str) -> dict[str, str]:
    base = {"GG0130A5": "04", "GG0170B5": "04", "GG0170D5": "04", "GG0170F5": "04", "GG0170I5": "04"}
    return asmt(when, **{**base, **{f"{k}5": v for k, v in scores.items()}})


@pytest.mark.parametrize(
    ("target_scores", "status"),
    [
        ({"GG0130A": "02"}, "numerator"),  # 2-point decline on one item
        ({"GG0130A": "03", "GG0170F": "03"}, "numerator"),  # 1 point on two items
        ({"GG0130A": "03"}, "denominator"),  # 1 point on one item
        ({"GG0130A": "06"}, "denominator"),  # improvement
        ({"GG0170D": "88"}, "excluded"),  # not attempted: no comparable score
    ],
)
def test_adl_decline_401(target_scores: dict[str, str], status: str) -> None:
    records = long_stay(gg_asmt(QUARTERLY - timedelta(days=90)), gg_asmt(QUARTERLY, **target_scores))
    assert flag(records, "401").status == status


@pytest.mark.parametrize(
    ("gap", "status"), [(45, "excluded"), (46, "denominator"), (165, "denominator"), (166, "excluded")]
)
def test_prior_assessment_window_46_to_165_days(gap: int, status: str) -> None:
    records = long_stay(gg_asmt(QUARTERLY - timedelta(days=gap)), gg_asmt(QUARTERLY))
    f = flag(records, "401")
    assert f.status == status
    if status == "excluded":
        assert f.reason == "no_prior"


@pytest.mark.parametrize(
    ("target", "status"), [("03", "numerator"), ("04", "denominator"), ("05", "denominator")]
)
def test_walk_decline_451(target: str, status: str) -> None:
    records = long_stay(gg_asmt(QUARTERLY - timedelta(days=90)), gg_asmt(QUARTERLY, GG0170I=target))
    f = flag(records, "451")
    assert f.status == status
    assert f.items == {"GG0170I5": f"04->{target}"}


def test_gg_column_by_record_type() -> None:
    assert qm.gg_column(qm.Record(discharge(END, "10"))) == "3"
    assert qm.gg_column(qm.Record(asmt(END, "02", "99"))) == "5"
    assert qm.gg_column(qm.Record(asmt(END, "01", "01"))) == "1"


# ---------------------------------------------------------------- short-stay antipsychotic

SS_ADMIT = date(2025, 2, 1)


@pytest.mark.parametrize(
    ("initial", "later", "status", "reason"),
    [
        ({"N0415A1": "0"}, {"N0415A1": "1"}, "numerator", "numerator"),
        ({"N0415A1": "0"}, {"N0415A1": "0"}, "denominator", "denominator"),
        ({"N0415A1": "1"}, {"N0415A1": "0"}, "excluded", "on_initial"),  # already on one: not newly received
        ({"N0415A1": "1"}, {"N0415A1": "1"}, "excluded", "on_initial"),
        ({"N0415A1": "0"}, {"N0415A1": "1", "I5250": "1"}, "excluded", "condition"),
        ({"N0415A1": "0", "I6000": "1"}, {"N0415A1": "1"}, "excluded", "condition"),
        ({"N0415A1": "0"}, {"N0415A1": "-"}, "excluded", "missing_item"),
    ],
)
def test_short_stay_new_antipsychotic_434(
    initial: dict[str, str], later: dict[str, str], status: str, reason: str
) -> None:
    records = [
        entry(SS_ADMIT),
        asmt(SS_ADMIT + timedelta(days=4), "99", "01", **initial),
        asmt(SS_ADMIT + timedelta(days=20), "01", "99", **later),
    ]
    f = flag(records, "434")
    assert (f.status, f.reason) == (status, reason)


def test_short_stay_antipsychotic_needs_distinct_initial() -> None:
    f = flag([entry(SS_ADMIT), asmt(SS_ADMIT + timedelta(days=4), "99", "01", N0415A1="1")], "434")
    assert (f.status, f.reason) == ("excluded", "no_initial")
    assert f.message("es").startswith("sin evaluación inicial")


# ---------------------------------------------------------------- facility rates


def test_facility_rates_against_hand_computation() -> None:
    histories = {
        "a": long_stay(asmt(QUARTERLY, H0100A="1", I2300="0", N0415A1="1")),
        "b": long_stay(asmt(QUARTERLY, H0100A="1", I2300="1", N0415A1="0")),
        "c": long_stay(asmt(QUARTERLY, H0100A="0", I2300="0", N0415A1="0")),
        "d": long_stay(asmt(QUARTERLY, H0100A="0", I2300="0", N0415A1="0", I6000="1")),
        "e": long_stay(asmt(QUARTERLY, H0100A="1", I1550="1", I2300="0", N0415A1="0")),
        "f": [entry(date(2025, 3, 1)), asmt(date(2025, 3, 5), "01", "01", H0100A="1")],  # short stay
    }
    rates = qm.facility_qm(histories, Q1)
    # catheter: a, b numerator; c, d denominator; e excluded (I1550); f short stay -> 2/4
    cath = rates["406"]
    assert (cath.numerator, cath.denominator, cath.excluded, cath.residents) == (2, 4, 1, ("a", "b"))
    assert cath.rate == Fraction(1, 2) and cath.percent == 50.0
    # UTI: only b, five long-stay residents -> 1/5 = 20 %
    assert (rates["407"].numerator, rates["407"].denominator, rates["407"].percent) == (1, 5, 20.0)
    # LS antipsychotic: a triggered; d excluded (schizophrenia) -> 1/4
    assert (rates["481"].numerator, rates["481"].denominator, rates["481"].excluded) == (1, 4, 1)
    # no prior assessment for anyone -> ADL measure has no denominator
    assert rates["401"].denominator == 0 and rates["401"].rate is None


# ---------------------------------------------------------------- CMS rows and benchmarks

CMS_FILE = Path("surveys") / "mds_quality_measures_djen-97ju_sample289.csv"


def test_load_real_cms_rows(shared_data: Path) -> None:
    rows = qm.load_cms_qm_csv((shared_data / CMS_FILE).read_text(encoding="utf-8"))
    assert len(rows) == 289 and len({r.ccn for r in rows}) == 17
    first_falls = next(r for r in rows if r.ccn == "015009" and r.code == "410")
    assert first_falls.four_quarter == pytest.approx(2.312139) and first_falls.used_in_five_star
    walking = next(r for r in rows if r.ccn == "015009" and r.code == "451")
    assert walking.quarters == (None, None, None, None) and walking.four_quarter == pytest.approx(6.763928)


def test_benchmarks_and_comparison_from_real_rows(shared_data: Path) -> None:
    text = (shared_data / CMS_FILE).read_text(encoding="utf-8")
    with (shared_data / CMS_FILE).open(newline="", encoding="utf-8") as fh:
        scores = [
            float(r["Four Quarter Average Score"])
            for r in csv.DictReader(fh)
            if r["Measure Code"] == "410" and r["Four Quarter Average Score"]
        ]
    bench = qm.benchmarks(qm.load_cms_qm_csv(text), "AL")["410"]
    assert bench.state_facilities == len(scores) == bench.national_facilities
    assert bench.state_average == pytest.approx(sum(scores) / len(scores))
    low = qm.compare("410", 0.5, bench)
    assert low.better_than_state is True and low.versus_state == pytest.approx(0.5 - bench.state_average)
    assert qm.compare("410", 99.0, bench).better_than_state is False
    vaccine = qm.benchmarks(qm.load_cms_qm_csv(text), "AL")["415"]
    assert vaccine.state_average is not None
    assert qm.compare("415", 100.0, vaccine).better_than_state in (True, None)  # higher is better
    assert qm.benchmarks(qm.load_cms_qm_csv(text), "MT")["410"].state_average is None


# ---------------------------------------------------------------- Five-Star cut points


def test_points_for_every_cutpoint_band_edge(shared_data: Path) -> None:
    with (shared_data / "surveys" / "ref" / "fivestar_qm_cutpoints_TUG_Apr2026_secondary.csv").open(
        newline=""
    ) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 120  # 9 measures x 10 bands + 6 x 5
    codes = {key: entry["code"] for key, entry in qm.measure_data()["cutpoints"].items()}
    for row in rows:
        for edge in (row["rate_min"], row["rate_max"]):
            assert qm.points_for_rate(codes[row["measure_key"]], Fraction(edge)) == int(row["points"]), row


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "points", "next_points", "target", "change"),
    [
        ("410", 3, 100, 60, 80, 2, 1),  # 3.0 % -> needs < 2.47 %: 2 of 100
        ("410", 6, 100, 20, 40, 5, 1),  # 6.0 % -> < 5.15 %
        ("410", 3, 40, 20, 40, 2, 1),  # 7.5 % -> < 5.15 % of 40 = 2.06
        ("410", 0, 50, 100, None, None, 0),  # already best
        ("481", 12, 100, 90, 105, 11, 1),  # 12 % is in the 90-point band 11.41-13.64 %: 105 needs < 11.41 %
        ("S_042_02", 50, 100, 75, 90, 54, 4),  # higher is better: 50 % -> needs >= 53.01 %
    ],
)
def test_cutpoint_simulator(
    code: str,
    numerator: int,
    denominator: int,
    points: int,
    next_points: int | None,
    target: int | None,
    change: int,
) -> None:
    sim = qm.simulate_cutpoint(code, numerator, denominator)
    assert (sim.points, sim.next_points, sim.target_numerator, sim.residents_to_change) == (
        points,
        next_points,
        target,
        change,
    )
    if target is not None:
        assert qm.points_for_rate(code, Fraction(target, denominator)) >= next_points  # type: ignore[operator]


def test_cutpoint_simulator_rejects_bad_counts() -> None:
    with pytest.raises(ValueError):
        qm.simulate_cutpoint("410", 5, 0)
    with pytest.raises(KeyError):
        qm.simulate_cutpoint("404", 1, 10)


def test_items_read_are_all_the_rules_need() -> None:
    """Facility reads reduce each signed record to qm.ITEMS_READ: on random valid records (every item answered,
    RFAs and dates set so the rules run) the reduced records give exactly the flags of the full ones."""
    import random

    from mds.record.testing import random_assessment

    period = qm.Period.quarter("2026Q2")
    rng = random.Random(7)
    statuses: set[str] = set()
    for resident in range(150):
        entry = period.start - timedelta(days=rng.randint(10, 400))
        history = [
            {
                "A0310A": "99",
                "A0310B": "99",
                "A0310F": "01",
                "A1700": rng.choice("12"),
                "A1600": entry.strftime("%Y%m%d"),
            }
        ]
        for n in range(rng.randint(1, 5)):
            record = random_assessment(random.Random(resident * 10 + n), isc="NC")
            ard = entry + timedelta(days=5 + 80 * n + rng.randint(0, 20))
            record.update(
                {
                    "A0310A": "01" if n == 0 else rng.choice(("02", "03", "04")),
                    "A0310B": "99",
                    "A0310F": "99",
                    "A2300": ard.strftime("%Y%m%d"),
                }
            )
            history.append(record)
        reduced = [{k: v for k, v in r.items() if k in qm.ITEMS_READ} for r in history]
        full_flags = qm.evaluate_resident(str(resident), history, period).flags
        assert qm.evaluate_resident(str(resident), reduced, period).flags == full_flags, resident
        statuses |= {f.status for f in full_flags}
    assert {"numerator", "excluded"} <= statuses  # the records reach the rules, not only "not applicable"


# ---------------------------------------------------------------- antipsychotic item by item set


def test_481_reads_n0415a1_on_current_records_only() -> None:
    """Since item set 1.18 (2023-10-01) the item is N0415A1; a stray retired N0410A is never read."""
    f = flag(long_stay(asmt(QUARTERLY, N0415A1="0", N0410A="7")), "481")
    assert (f.status, dict(f.items)) == ("denominator", {"N0415A1": "0"})
    f = flag(long_stay(asmt(QUARTERLY, N0410A="7")), "481")
    assert (f.status, f.reason, f.params["item"]) == ("excluded", "missing_item", "N0415A1")


@pytest.mark.parametrize(("days", "status"), [("0", "denominator"), ("3", "numerator"), ("-", "excluded")])
def test_481_on_a_pre_2023_record_reads_n0410a(days: str, status: str) -> None:
    """A v1.17 record (target date before 2023-10-01) carries N0410A (days 0-7), chosen by its item set."""
    period = qm.Period.quarter("2023Q3")
    records = [
        entry(date(2022, 6, 1)),
        asmt(date(2022, 6, 5), "01", "01"),
        asmt(date(2023, 8, 1), N0410A=days, N0415A1="1"),
    ]
    f = flag(records, "481", period)
    assert f.status == status and ("N0410A" in f.items or f.params.get("item") == "N0410A")
    by_version = [*records[:2], asmt(date(2023, 8, 1), N0415A1="1", ITM_SET_VRSN_CD="1.18")]
    assert flag(by_version, "481", period).status == "numerator"
