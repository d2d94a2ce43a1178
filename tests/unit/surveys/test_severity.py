from __future__ import annotations

import csv

import pytest

from surveys.readiness import severity


def test_grid_matches_reference_csv(shared_data) -> None:
    with (shared_data / "surveys" / "ref" / "scope_severity_grid.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["code"] for r in rows] == list(severity.GRID)
    for row in rows:
        cell = severity.GRID[row["code"]]
        assert cell.severity_level == int(row["severity_level"])
        assert cell.scope == row["scope"]
        assert cell.points == int(row["fivestar_points"])
        assert cell.points_if_sqc == int(row["fivestar_points_if_sqc"])
        assert cell.actual_harm == (row["actual_harm"] == "Y")
        assert cell.immediate_jeopardy == (row["immediate_jeopardy"] == "Y")
        assert cell.sqc_eligible_cell == (row["sqc_eligible_cell"] == "Y")
        assert cell.poc_required == row["poc_required"].startswith("Y")
        assert severity.SEVERITY_TEXT[cell.severity_level] == row["severity_text"]


@pytest.mark.parametrize(
    ("code", "tag", "pnc", "expected"),
    [
        ("A", "F0880", False, 0),
        ("C", "F0851", False, 0),
        ("D", "F0880", False, 4),
        ("E", "F0584", False, 8),
        ("F", "F0812", False, 16),  # food safety: not an SQC regulation
        ("F", "F0689", False, 20),  # accidents (483.25): SQC
        ("G", "F0689", False, 20),  # G is never SQC
        ("H", "F0686", False, 40),
        ("H", "F0880", False, 35),
        ("I", "F0692", False, 50),
        ("J", "F0600", False, 75),  # abuse (483.12) at IJ
        ("J", "F0740", False, 50),  # 483.40 intro text is not in the SQC list
        ("K", "F0689", False, 125),
        ("L", "F0880", False, 150),
        ("L", "F0684", False, 175),
        ("J", "F0656", True, 20),  # past noncompliance at IJ scores as G
        ("D", "F0656", True, 4),
    ],
)
def test_points(code: str, tag: str, pnc: bool, expected: int) -> None:
    assert severity.points(code, sqc=severity.is_sqc(code, tag), past_noncompliance=pnc) == expected


def test_surveyor_sqc_determination_overrides_table() -> None:
    assert severity.is_sqc("F", "F0812", surveyor_determination=True)
    assert not severity.is_sqc("F", "F0689", surveyor_determination=False)
    assert not severity.is_sqc("G", "F0689", surveyor_determination=True)  # G is not an SQC cell


@pytest.mark.parametrize("bad", ["M", "", "AA", "d1"])
def test_bad_code(bad: str) -> None:
    with pytest.raises(severity.ScopeSeverityError) as exc:
        severity.parse(bad)
    assert exc.value.messages["es"]


def test_lowercase_accepted() -> None:
    assert severity.parse(" j ").code == "J"


def test_grid_rows_for_drawing() -> None:
    rows = severity.grid_rows({"D": 3, "G": 1, "f": 2})
    assert [level for level, _ in rows] == [4, 3, 2, 1]
    assert [[c.code for c in cells] for _, cells in rows] == [
        list("JKL"),
        list("GHI"),
        list("DEF"),
        list("ABC"),
    ]
    level3 = rows[1][1]
    assert (level3[0].count, level3[0].highlight) == (1, True)
    level2 = rows[2][1]
    assert [c.count for c in level2] == [3, 0, 2] and not any(c.highlight for c in level2)
    assert severity.from_cell(4, "widespread").code == "L"
