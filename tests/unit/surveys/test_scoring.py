"""Five-Star health-inspection scores for real Alabama facilities (PDC r5ix-sfxw + svdt-c123,
processing date 2026-02-01), each computed by hand below from the rows of the sample files."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from surveys.readiness import deficiencies_csv, scoring
from surveys.readiness.scoring import Deficiency

AS_OF = date(2026, 2, 1)  # the files' processing date


@pytest.fixture(scope="module")
def real(shared_data):
    folder = shared_data / "surveys"
    rows, errors = deficiencies_csv.parse(
        (folder / "health_deficiencies_r5ix-sfxw_sample300.csv").read_text("utf-8")
    )
    dates, date_errors = deficiencies_csv.parse_inspection_dates(
        (folder / "inspection_dates_svdt-c123_sample100.csv").read_text("utf-8")
    )
    assert not errors and not date_errors
    return [r.to_deficiency() for r in rows], dates


def test_method_constants_match_reference(shared_data) -> None:
    with (shared_data / "surveys" / "ref" / "fivestar_health_inspection_method.csv").open(newline="") as fh:
        ref = {r["item"]: r["value"] for r in csv.DictReader(fh)}
    assert scoring.STANDARD_CYCLE_WEIGHTS == (float(ref["weight_cycle_1"]), float(ref["weight_cycle_2"]))
    assert scoring.COMPLAINT_WEIGHT_RECENT == float(ref["complaint_IC_weight_0_12_months"])
    assert scoring.COMPLAINT_WEIGHT_OLDER == float(ref["complaint_IC_weight_13_36_months"])
    assert ref["complaint_and_infection_control_lookback"] == f"{scoring.COMPLAINT_LOOKBACK_MONTHS} months"
    assert scoring.REVISIT_PERCENT[2:] == (50, 70, 85)  # 2nd 50%, 3rd 70%, 4th 85%


def test_015009_past_noncompliance_at_ij(real) -> None:
    # Cycle 1, 2023-03-02: F880 F = 16 (483.80 infection control is not SQC),
    #   F656 J past noncompliance = 20 (scored as G), F689 J past noncompliance = 20, F851 C = 0 -> 56
    # Cycle 2, 2019-08-21: F554 D 4 + F880 D 4 = 8. Cycle 3 (2018) no longer counts.
    # All complaint rows were also standard (Y/Y): counted once, in cycle 1 -> complaint 0.
    # 0.75*56 + 0.25*8 = 42 + 2 = 44
    result = scoring.score(*real, as_of=AS_OF, ccn="015009")
    assert result.to_dict() == {
        "ccn": "015009",
        "cycles": [
            {"cycle": 1, "survey_date": "2023-03-02", "points": 56},
            {"cycle": 2, "survey_date": "2019-08-21", "points": 8},
        ],
        "complaint_points": 0,
        "weighted_score": 44.0,
    }


def test_015060_complaints_and_sqc(real) -> None:
    # Cycle 1, 2025-01-09: F695 D 4 + F812 F 16 (food safety, not SQC) = 20
    # Cycle 2, 2021-05-06: F686 D 4 + F880 D 4 = 8
    # Complaint survey 2025-05-09 (within 12 months): F580 D 4, F584 E 8, F600 J 75 (abuse, SQC),
    #   F605 J 75 (SQC), F641 D 4, F732 C 0, F740 J 50 (483.40 intro: not SQC), F770 D 4,
    #   F801 F 16, F908 D 4, F924 E 8 = 248
    # Complaint survey 2024-08-04 (months 13-36): F557 D 4, F584 E 8, F641 D 4, F686 D 4, F689 D 4,
    #   F880 D 4, F925 F 16 = 44
    # 0.75*20 + 0.25*8 + 0.75*248 + 0.25*44 = 15 + 2 + 186 + 11 = 214
    result = scoring.score(*real, as_of=AS_OF, ccn="015060")
    assert [(c.cycle, c.survey_date.isoformat(), c.points) for c in result.cycles] == [
        (1, "2025-01-09", 20),
        (2, "2021-05-06", 8),
    ]
    assert (result.complaint_points_recent, result.complaint_points_older) == (248, 44)
    assert result.complaint_points == 292
    assert result.complaint_weighted == 197.0
    assert result.weighted_score == 214.0


def test_015023_survey_without_citations_needs_inspection_dates(real) -> None:
    # Cycle 1, 2023-06-15: F550 C 0, F584 C 0, F690 D 4, F658 D 4 = 8.
    # Inspection Dates show a 2022-01-19 standard survey with no citation: cycle 2 = 0 points.
    # 0.75*8 + 0.25*0 = 6
    deficiencies, dates = real
    with_dates = scoring.score(deficiencies, dates, as_of=AS_OF, ccn="015023")
    assert [(c.survey_date.isoformat(), c.points) for c in with_dates.cycles] == [
        ("2023-06-15", 8),
        ("2022-01-19", 0),
    ]
    assert with_dates.weighted_score == 6.0 and not with_dates.warnings
    # Without them the 2019-05-09 survey (F609 D, F761 D, F880 D = 12) is taken as cycle 2:
    # 0.75*8 + 0.25*12 = 9, and the CMS cycle number (3) on those rows triggers a warning.
    without = scoring.score(deficiencies, as_of=AS_OF, ccn="015023")
    assert without.weighted_score == 9.0
    assert any("2019-05-09" in w for w in without.warnings)


def test_015031_post_2025_tags(real) -> None:
    # Cycle 1, 2025-09-18: F605, F628, F689, F700, F761, F600 all D = 6*4 = 24
    # Cycle 2, 2019-09-05: F635 D = 4.   0.75*24 + 0.25*4 = 18 + 1 = 19
    assert scoring.score(*real, as_of=AS_OF, ccn="015031").weighted_score == 19.0


def test_015010_deficiency_free_recent_survey(real) -> None:
    # Inspection Dates: cycle 1 2022-04-09 with no citation (0); cycle 2 2019-06-13: F880 D = 4
    # 0.75*0 + 0.25*4 = 1
    result = scoring.score(*real, as_of=AS_OF, ccn="015010")
    assert [c.points for c in result.cycles] == [0, 4]
    assert result.weighted_score == 1.0


def test_as_of_moves_cycles_and_complaint_windows(real) -> None:
    # 015060 on 2025-03-01: the 2025-05-09 complaint survey has not happened yet;
    # 2024-08-04 is now within 12 months: 0.75*44 = 33; cycles unchanged: 15 + 2 -> 50
    result = scoring.score(*real, as_of=date(2025, 3, 1), ccn="015060")
    assert (result.complaint_points_recent, result.complaint_points_older) == (44, 0)
    assert result.weighted_score == 50.0
    # On 2024-12-31 the 2025-01-09 standard survey is in the future: cycle 1 = 2021-05-06 (8),
    # cycle 2 = 2020-02-06 (F880 D 4): 6 + 1 = 7; complaint 0.75*44 = 33 -> 40
    earlier = scoring.score(*real, as_of=date(2024, 12, 31), ccn="015060")
    assert [c.survey_date.isoformat() for c in earlier.cycles] == ["2021-05-06", "2020-02-06"]
    assert earlier.weighted_score == 40.0


def test_complaints_older_than_36_months_drop_out() -> None:
    defs = [
        Deficiency("999999", date(2025, 6, 1), "F689", "G"),
        Deficiency("999999", date(2024, 6, 1), "F689", "D"),
        Deficiency("999999", date(2023, 2, 2), "F880", "E", standard=False, complaint=True),  # 35 months
        Deficiency("999999", date(2022, 12, 1), "F880", "L", standard=False, complaint=True),  # 38 months
        Deficiency("999999", date(2025, 12, 1), "F812", "F", standard=False, infection_control=True),
    ]
    result = scoring.score(defs, as_of=date(2026, 1, 1))
    # 0.75*20 + 0.25*4 + 0.75*16 (F812 F, IC, recent) + 0.25*8 (F880 E, older) = 15 + 1 + 12 + 2 = 30
    assert result.weighted_score == 30.0


@pytest.mark.parametrize(("revisits", "extra"), [(0, 0), (1, 0), (2, 23), (3, 32), (4, 38), (6, 38)])
def test_revisit_points(revisits: int, extra: int) -> None:
    # Cycle 1 deficiency points 45 (I, F880 not SQC): 2nd revisit +50% = 22.5 -> 23 (half up);
    # 3rd 70% = 31.5 -> 32; 4th and later 85% = 38.25 -> 38
    defs = [
        Deficiency("999999", date(2025, 6, 1), "F880", "I"),
        Deficiency("999999", date(2024, 6, 1), "F880", "A"),
    ]
    result = scoring.score(defs, as_of=date(2026, 1, 1), revisits={date(2025, 6, 1): revisits})
    assert result.cycles[0].points == 45 + extra


def test_single_cycle_is_flagged() -> None:
    result = scoring.score([Deficiency("999999", date(2025, 6, 1), "F880", "D")], as_of=date(2026, 1, 1))
    assert result.weighted_score == 4.0 and result.warnings


def test_several_facilities_need_ccn(real) -> None:
    with pytest.raises(ValueError):
        scoring.score(real[0], as_of=AS_OF)


def test_what_if_clearing_a_finding(real) -> None:
    deficiencies, dates = real
    inputs = scoring.ScoreInputs(tuple(deficiencies), AS_OF, tuple(dates), ccn="015060")
    # Clearing the F600 J complaint citation removes 0.75*75 = 56.25: 214 -> 157.75
    outcome = scoring.what_if(inputs, ("015060", date(2025, 5, 9), "F600"))
    assert outcome.before.weighted_score == 214.0
    assert outcome.after.weighted_score == 157.75
    assert outcome.change == -56.25
    with pytest.raises(ValueError):
        scoring.what_if(inputs, ("015060", date(2025, 5, 9), "F689"))


def test_what_if_keeps_the_survey_when_its_only_citation_is_cleared() -> None:
    defs = (
        Deficiency("999999", date(2025, 6, 1), "F880", "F"),
        Deficiency("999999", date(2024, 6, 1), "F689", "D"),
        Deficiency("999999", date(2023, 6, 1), "F689", "L"),
    )
    outcome = scoring.what_if(scoring.ScoreInputs(defs, date(2026, 1, 1)), defs[0])
    # before 0.75*16 + 0.25*4 = 13; after the 2025 survey still is cycle 1 with 0 points: 0 + 1 = 1
    assert (outcome.before.weighted_score, outcome.after.weighted_score) == (13.0, 1.0)
    assert outcome.after.cycles[0].survey_date == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 2, 1), 12, date(2025, 2, 1)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 36, date(2021, 2, 28)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert scoring.months_before(day, months) == expected
