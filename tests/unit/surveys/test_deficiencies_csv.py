from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from surveys.readiness import deficiencies_csv as dc


@pytest.fixture(scope="module")
def text(shared_data) -> str:
    return (shared_data / "surveys" / "health_deficiencies_r5ix-sfxw_sample300.csv").read_text("utf-8")


def _records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _write(records: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def test_header_is_the_published_23_columns(text: str) -> None:
    assert tuple(_records(text)[0]) == dc.COLUMNS
    assert len(dc.COLUMNS) == 23


def test_all_300_real_rows_parse(text: str) -> None:
    rows, errors = dc.parse(text)
    assert errors == []
    assert len(rows) == 300
    assert len({r.ccn for r in rows}) == 32
    assert len({r.natural_key for r in rows}) == 300
    first = rows[0]
    assert (first.ccn, first.survey_date, first.tag, first.scope_severity) == (
        "015009",
        date(2023, 3, 2),
        "F0880",
        "F",
    )
    assert (
        first.line == 2
        and first.correction_date == date(2023, 4, 6)
        and first.standard
        and not first.complaint
    )
    pnc = rows[1]
    assert pnc.past_noncompliance and pnc.complaint and pnc.correction_date == date(2023, 1, 13)
    assert sum(r.past_noncompliance for r in rows) == 2
    assert sum(r.infection_control for r in rows) == 1
    assert pnc.to_deficiency().points == 20  # J past noncompliance scores as G


def test_reparse_is_idempotent(text: str) -> None:
    assert [r.natural_key for r in dc.parse(text)[0]] == [r.natural_key for r in dc.parse(text)[0]]


def _break(text: str, row: int, column: str, value: str) -> str:
    records = _records(text)
    records[row][dc.COLUMNS.index(column)] = value
    return _write(records)


@pytest.mark.parametrize(
    ("column", "value", "message_id", "needle"),
    [
        ("Survey Date", "03/02/2023", "bad_date", "YYYY-MM-DD"),
        ("Survey Date", "2023-02-30", "bad_date", "2023-02-30"),
        ("Correction Date", "2023-13-01", "bad_date", "Correction Date"),
        ("Scope Severity Code", "M", "bad_scope_severity", "A–L"),
        ("Scope Severity Code", "", "required", "Scope Severity Code"),
        ("Deficiency Tag Number", "999", "bad_tag", "999"),
        ("Deficiency Tag Number", "0999", "bad_tag", "0999"),  # 4 digits but not an F-tag
        ("Deficiency Tag Number", "F0880", "bad_tag", "F0880"),
        ("Deficiency Prefix", "K", "bad_prefix", "K"),
        ("Standard Deficiency", "Yes", "bad_flag", "Y or N"),
        ("Inspection Cycle", "0", "bad_cycle", "0"),
        ("Deficiency Corrected", "Corrected", "bad_status", "Corrected"),
        ("CMS Certification Number (CCN)", "15009", "bad_ccn", "15009"),
        ("Survey Type", "Fire Safety", "bad_survey_type", "Fire Safety"),
    ],
)
def test_bad_value_rejects_that_row_only(
    text: str, column: str, value: str, message_id: str, needle: str
) -> None:
    rows, errors = dc.parse(_break(text, 5, column, value))
    assert len(rows) == 299
    assert [e.message_id for e in errors] == [message_id]
    assert errors[0].line == 6  # record 5 starts on physical line 6 (no multi-line fields in the sample)
    assert needle in errors[0].messages["en"]
    assert errors[0].messages["es"] and errors[0].messages["es"] != errors[0].messages["en"]
    assert str(errors[0]).startswith("line 6: ")
    assert all(r.line != 6 for r in rows)


def test_missing_column_rejects_the_file(text: str) -> None:
    records = [r[:12] + r[13:] for r in _records(text)]  # drop "Scope Severity Code"
    rows, errors = dc.parse(_write(records))
    assert rows == []
    assert [(e.line, e.message_id) for e in errors] == [(1, "bad_header")]
    assert "'Scope Severity Code'" in errors[0].messages["en"]
    assert "'Scope Severity Code'" in errors[0].messages["es"]


def test_short_row_is_rejected_with_its_line(text: str) -> None:
    records = _records(text)
    records[10] = records[10][:22]
    rows, errors = dc.parse(_write(records))
    assert len(rows) == 299
    assert (errors[0].line, errors[0].message_id) == (11, "field_count")
    assert "22" in errors[0].messages["en"]


def test_several_bad_rows_each_reported(text: str) -> None:
    broken = _break(_break(text, 3, "Survey Date", "yesterday"), 300, "Scope Severity Code", "Z")
    rows, errors = dc.parse(broken)
    assert len(rows) == 298
    assert [(e.line, e.column) for e in errors] == [(4, "Survey Date"), (301, "Scope Severity Code")]


def test_duplicate_natural_key_is_skipped(text: str) -> None:
    records = _records(text)
    records.append(list(records[1]))
    rows, errors = dc.parse(_write(records))
    assert len(rows) == 300
    assert (errors[0].line, errors[0].message_id) == (302, "duplicate")
    assert "line 2" in errors[0].messages["en"]


def test_line_numbers_count_multiline_fields(text: str) -> None:
    records = _records(text)
    records[1][dc.COLUMNS.index("Provider Name")] = "BURNS\nNURSING HOME"  # record 1 spans lines 2-3
    records[2][dc.COLUMNS.index("Survey Date")] = "bad"
    rows, errors = dc.parse(_write(records))
    assert errors[0].line == 4 and rows[0].provider_name == "BURNS\nNURSING HOME"


def test_correction_before_survey_only_for_past_noncompliance(text: str) -> None:
    rows, errors = dc.parse(
        _break(text, 1, "Correction Date", "2023-01-01")
    )  # row 0 is date-of-correction status
    assert [e.message_id for e in errors] == ["correction_before_survey"]


@pytest.mark.parametrize("body", ["", "\ufeff"])
def test_empty_file(body: str) -> None:
    assert dc.parse(body)[1][0].message_id == "empty_file"


def test_inspection_dates(shared_data) -> None:
    dates, errors = dc.parse_inspection_dates(
        (shared_data / "surveys" / "inspection_dates_svdt-c123_sample100.csv").read_text("utf-8")
    )
    assert not errors and len(dates) == 100
    assert sum(d.survey_type == "Health Standard" for d in dates) == 44
    bad, errors = dc.parse_inspection_dates(
        "cms_certification_number_ccn,survey_date,type_of_survey,survey_cycle\n015009,2023-3-2,Health Standard,1\n"
    )
    assert bad == [] and (errors[0].line, errors[0].message_id) == (2, "bad_date")
