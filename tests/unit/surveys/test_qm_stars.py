"""Five-Star QM star estimate against the shipped TUG Table 5 thresholds (ref/fivestar_qm_rating_thresholds_Jan2025.csv):
a range while measures are not scored here, exact only when every measure of the stay has points."""

from __future__ import annotations

from fractions import Fraction

import pytest

from surveys.qm import rules as qm

LONG_MDS = ("401", "406", "407", "410", "451", "479", "481")  # scored here; 551/552 are claims-based


@pytest.mark.parametrize(
    ("stay", "score", "stars"),
    [
        ("long", 155, 1),
        ("long", 465, 1),
        ("long", 466, 2),
        ("long", 565, 2),
        ("long", 566, 3),
        ("long", 640, 3),
        ("long", 641, 4),
        ("long", 735, 4),
        ("long", 736, 5),
        ("long", 1150, 5),
        ("short", 438, 1),
        ("short", 439, 2),
        ("short", 525, 2),
        ("short", 526, 3),
        ("short", Fraction(1251, 2), 3),  # 625.5 is not yet 626
        ("short", 626, 4),
        ("short", 720, 5),
    ],
)
def test_thresholds(stay: str, score: int | Fraction, stars: int) -> None:
    assert qm.stars_for_score(stay, score) == stars


def test_long_stay_range_counts_the_claims_measures_at_their_lowest_and_highest() -> None:
    points = dict(zip(LONG_MDS, (135, 100, 100, 60, 120, 80, 105), strict=True))  # 700
    e = qm.star_estimate("long", points)
    assert e.points == 700 and set(e.missing) == {"551", "552"} and len(e.scored) == 7
    assert (e.low, e.high) == (700 + 15 + 15, 700 + 150 + 150)  # lowest band 15 points, highest 150
    assert (e.low_stars, e.high_stars) == (4, 5) and not e.exact and e.informative


def test_exact_when_every_measure_has_points() -> None:
    points = dict.fromkeys(LONG_MDS, 100) | {"551": 90, "552": 60}  # 850
    e = qm.star_estimate("long", points)
    assert e.exact and e.low == e.high == 850 and e.low_stars == e.high_stars == 5


def test_a_measure_without_residents_is_missing_not_zero() -> None:
    points: dict[str, int | None] = dict.fromkeys(LONG_MDS, 20) | {"451": None}
    e = qm.star_estimate("long", points)
    assert "451" in e.missing and e.points == 120
    assert (
        e.low == 120 + 15 * 3 and e.high == 120 + 150 * 3 and (e.low_stars, e.high_stars) == (1, 3)
    )  # 165 to 570 points


def test_short_stay_is_scaled_and_says_when_nothing_can_be_said() -> None:
    e = qm.star_estimate("short", {"434": 100})
    assert len(e.missing) == 5 and e.low == Fraction(100 + 15 * 4 + 20, 1) * Fraction(1150, 800)
    assert e.high == 1150 and not e.informative
