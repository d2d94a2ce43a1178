"""`mdsready import-deficiencies` and `mdsready survey-score` on the REAL CMS rows
(../shared/data/surveys/health_deficiencies_r5ix-sfxw_sample300.csv, PDC processing date 2026-02-01).

The in-process tests run on both engines (the `db` fixture); the command-line tests run the real
command as a subprocess on its own migrated SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLE = "surveys/health_deficiencies_r5ix-sfxw_sample300.csv"
AS_OF = date(2026, 2, 1)


@pytest.fixture(scope="module")
def sample_text(shared_data: Path) -> str:
    return (shared_data / SAMPLE).read_text("utf-8")


def _malformed(text: str) -> tuple[str, dict[int, str]]:
    """A copy with four broken rows; returns the text and {physical line: expected message part}."""
    lines = text.splitlines(keepends=True)
    broken = {
        3: ("0656", "9999", "'Deficiency Tag Number' '9999' is not an F-tag"),
        5: (",2023-03-02,", ",03/02/2023,", "'Survey Date' must be a date YYYY-MM-DD, got '03/02/2023'"),
        8: (",Y,N,N,N,N,", ",Y,maybe,N,N,N,", "'Complaint Deficiency' must be Y or N, got 'maybe'"),
    }
    expected = {}
    for line_no, (old, new, message) in broken.items():
        assert old in lines[line_no - 1], (line_no, lines[line_no - 1])
        lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
        expected[line_no] = message
    lines[10 - 1] = lines[10 - 1].rstrip("\n").rsplit(",", 1)[0] + "\n"  # a column short
    expected[10] = "Expected 23 columns, found 22."
    return "".join(lines), expected


# --- in process, both engines ----------------------------------------------------------------


async def test_import_all_300_rows_then_idempotent(db: Any, sample_text: str) -> None:
    from facility.tables import AuditEvent
    from surveys.readiness.commands import import_text
    from surveys.tables import CmsDeficiency

    summary, errors = await import_text(sample_text, "sample300.csv")
    assert errors == [] and (summary.created, summary.updated, summary.unchanged) == (300, 0, 0)
    assert await CmsDeficiency.count() == 300
    again, errors = await import_text(sample_text, "sample300.csv")
    assert errors == [] and (again.created, again.updated, again.unchanged) == (0, 0, 300)
    assert await CmsDeficiency.count() == 300
    imports = (
        await AuditEvent.select().where(AuditEvent.object_type == "cms_deficiencies").output(load_json=True)
    )
    assert [e["after"]["created"] for e in imports] == [300, 0]


async def test_refreshed_file_updates_in_place(db: Any, sample_text: str) -> None:
    """A monthly refresh changes statuses (and S/S after an IDR): same natural key, row updated, not added."""
    from surveys.readiness.commands import import_text
    from surveys.tables import CmsDeficiency

    await import_text(sample_text, "sample300.csv")
    header, first, *rest = sample_text.splitlines(keepends=True)
    assert (
        first.startswith("015009,")
        and ",0880," in first
        and ',F,"Deficient, Provider has date of correction"' in first
    )
    refreshed = header + first.replace(',F,"Deficient', ',E,"Deficient', 1) + "".join(rest)
    summary, errors = await import_text(refreshed, "refresh.csv")
    assert errors == [] and (summary.created, summary.updated, summary.unchanged) == (0, 1, 299)
    row = await CmsDeficiency.select().where(CmsDeficiency.natural_key == "015009|2023-03-02|F0880").first()
    assert row["scope_severity"] == "E"


async def test_malformed_copy_rejects_bad_rows_by_line_and_keeps_no_partial_row(
    db: Any, sample_text: str
) -> None:
    from surveys.readiness.commands import import_text
    from surveys.tables import CmsDeficiency

    text, expected = _malformed(sample_text)
    summary, errors = await import_text(text, "bad.csv")
    assert {e.line: e.messages["en"] for e in errors}.keys() == expected.keys()
    for error in errors:
        assert expected[error.line] in error.messages["en"] and error.messages["es"]
    assert summary.created == 296 and await CmsDeficiency.count() == 296
    # the rejected records are absent whole: nothing of line 3 (015009 F0656 on 2023-03-02) was stored
    assert not await CmsDeficiency.exists().where(CmsDeficiency.natural_key == "015009|2023-03-02|F0656")


async def test_wrong_header_rejects_the_whole_file(db: Any, sample_text: str) -> None:
    from surveys.readiness.commands import import_text
    from surveys.tables import CmsDeficiency

    text = sample_text.replace("Scope Severity Code", "Severity", 1)
    summary, errors = await import_text(text, "bad-header.csv")
    assert summary is None and len(errors) == 1 and errors[0].line == 1
    assert "missing 'Scope Severity Code'" in errors[0].messages["en"]
    assert await CmsDeficiency.count() == 0


@pytest.mark.parametrize(
    ("ccn", "expected"),
    [
        # Cycle 1 2023-03-02: F880 F 16 + F656 J past noncompliance 20 (scored as G) + F689 J PNC 20 + F851 C 0 = 56;
        # cycle 2 2019-08-21: F554 D 4 + F880 D 4 = 8; complaint rows were also standard (counted once).
        # 0.75*56 + 0.25*8 = 44
        (
            "015009",
            {
                "ccn": "015009",
                "cycles": [
                    {"cycle": 1, "survey_date": "2023-03-02", "points": 56},
                    {"cycle": 2, "survey_date": "2019-08-21", "points": 8},
                ],
                "complaint_points": 0,
                "weighted_score": 44.0,
            },
        ),
        # Cycle 1 2025-01-09: F695 D 4 + F812 F 16 = 20; cycle 2 2021-05-06: F686 D 4 + F880 D 4 = 8;
        # complaints 2025-05-09 (last 12 months) 248 (F600 J and F605 J are SQC: 75 each), 2024-08-04 44.
        # 0.75*20 + 0.25*8 + 0.75*248 + 0.25*44 = 15 + 2 + 186 + 11 = 214
        (
            "015060",
            {
                "ccn": "015060",
                "cycles": [
                    {"cycle": 1, "survey_date": "2025-01-09", "points": 20},
                    {"cycle": 2, "survey_date": "2021-05-06", "points": 8},
                ],
                "complaint_points": 292,
                "weighted_score": 214.0,
            },
        ),
        # Cycle 1 2025-09-18: F605, F628, F689, F700, F761, F600 all D = 24; cycle 2 2019-09-05: F635 D = 4 -> 19
        (
            "015031",
            {
                "ccn": "015031",
                "cycles": [
                    {"cycle": 1, "survey_date": "2025-09-18", "points": 24},
                    {"cycle": 2, "survey_date": "2019-09-05", "points": 4},
                ],
                "complaint_points": 0,
                "weighted_score": 19.0,
            },
        ),
    ],
)
async def test_score_from_imported_rows_matches_hand_computation(
    db: Any, sample_text: str, ccn: str, expected: dict[str, Any]
) -> None:
    from surveys.readiness import deficiencies_csv, scoring, services
    from surveys.readiness.commands import import_text

    await import_text(sample_text, "sample300.csv")
    result = await services.cms_score(ccn, AS_OF)
    assert result is not None and result.to_dict() == expected
    # and the database round trip loses nothing against the pure scorer on the parsed file
    rows, _ = deficiencies_csv.parse(sample_text)
    direct = scoring.score([r.to_deficiency() for r in rows], as_of=AS_OF, ccn=ccn)
    assert direct.to_dict() == result.to_dict()


# --- the real command line (subprocess, own SQLite file) -------------------------------------


def _cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env["MDSREADY_DB_PATH"] = str(db_path)
    return subprocess.run(
        [sys.executable, "-m", "facility.cli", *args],
        cwd=REPO,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("survey-cli") / "cli.sqlite"
    assert _cli(path, "migrate").returncode == 0
    return path


def test_cli_import_twice_then_score_json(cli_db: Path, shared_data: Path) -> None:
    source = shared_data / SAMPLE
    first = _cli(cli_db, "import-deficiencies", str(source))
    assert first.returncode == 0, first.stderr
    assert "300 new, 0 updated, 0 unchanged, 0 rejected" in first.stdout
    second = _cli(cli_db, "import-deficiencies", str(source))
    assert second.returncode == 0 and "0 new, 0 updated, 300 unchanged, 0 rejected" in second.stdout
    with sqlite3.connect(cli_db) as con:
        assert con.execute("SELECT count(*) FROM cms_deficiency").fetchone()[0] == 300

    score = _cli(cli_db, "survey-score", "--ccn", "015060", "--format", "json", "--as-of", "2026-02-01")
    assert score.returncode == 0, score.stderr
    assert json.loads(score.stdout) == {
        "ccn": "015060",
        "cycles": [
            {"cycle": 1, "survey_date": "2025-01-09", "points": 20},
            {"cycle": 2, "survey_date": "2021-05-06", "points": 8},
        ],
        "complaint_points": 292,
        "weighted_score": 214.0,
    }
    assert score.stdout.startswith(
        '{"ccn":"015060","cycles":[{"cycle":1,"survey_date":"2025-01-09","points":20}'
    )
    text = _cli(cli_db, "survey-score", "--ccn", "015009", "--as-of", "2026-02-01")
    assert text.returncode == 0 and "weighted score: 44" in text.stdout
    # 015023 has a standard survey without citations that only the Inspection Dates file shows: warned
    warned = _cli(cli_db, "survey-score", "--ccn", "015023", "--format", "json", "--as-of", "2026-02-01")
    assert (
        warned.returncode == 0
        and "warning:" in warned.stderr
        and json.loads(warned.stdout)["weighted_score"] == 9.0
    )
    unknown = _cli(cli_db, "survey-score", "--ccn", "999999", "--format", "json")
    assert unknown.returncode == 1 and "no imported CMS citation for CCN 999999" in unknown.stderr


def test_cli_malformed_copy_reports_each_line(cli_db: Path, shared_data: Path, tmp_path: Path) -> None:
    text, expected = _malformed((shared_data / SAMPLE).read_text("utf-8"))
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    result = _cli(cli_db, "import-deficiencies", str(bad))
    assert result.returncode == 1
    for line, message in expected.items():
        assert f"{bad}: line {line}: {message}" in result.stderr
    assert "rejected" in result.stdout and "4 rejected" in result.stdout
    missing = _cli(cli_db, "import-deficiencies", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
