"""Monthly report exports that do not mislead: "no state data" instead of "0 worse than state", names
instead of payer codes, never "None" in the CSV, and charts drawn into the PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from fpdf import FPDF

from surveys.reports import services as reports

FACILITY = {"id": 1, "name": "Alpha Nursing", "ccn": "365001", "state": "OH"}


def _qm(code: str, facility: float | None, state: float | None, national: float | None, better: bool | None):  # type: ignore[no-untyped-def]
    return {
        "code": code,
        "description": f"measure {code}",
        "numerator": 3,
        "denominator": 40,
        "facility": facility,
        "state": state,
        "national": national,
        "better": better,
    }


def _report(qm: list[dict[str, Any]] | None, payers: dict[str, int] | None = None) -> reports.MonthlyReport:
    return reports.MonthlyReport(
        facility=FACILITY,
        month="2026-11",
        computed_at=datetime(2026, 12, 1, tzinfo=UTC),
        census={
            "current": 3,
            "average": 2.5,
            "admissions": 1,
            "discharges": 0,
            "payers": payers if payers is not None else {"medicare_a": 2, "": 1},
            "daily": [2, 2, 3, 3],
        },
        qm=qm,
    )


def _csv_rows(report: reports.MonthlyReport) -> list[list[str]]:
    return list(csv.reader(io.StringIO(reports.report_csv(report).decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("qm", "worse", "reason"),
    [
        # no state average at all (the facility's state is not in the CMS sample): not "0 worse"
        ([_qm("410", 7.5, None, 3.3, None), _qm("481", 10.0, None, 19.1, None)], None, "no state data"),
        # state averages present: a real count, 0 included
        ([_qm("410", 7.5, 4.0, 3.3, False), _qm("481", 10.0, 19.0, 19.1, True)], 1, None),
        ([_qm("410", 2.0, 4.0, 3.3, True)], 0, None),
        # no signed assessments
        (None, None, "no signed MDS assessments yet"),
    ],
)
def test_worse_than_state_needs_state_data(qm: Any, worse: int | None, reason: str | None) -> None:
    report = _report(qm)
    assert report.summary()["qm_worse_than_state"] == worse
    assert report.reasons().get("qm_worse_than_state") == reason
    row = next(r for r in _csv_rows(report) if r[4] == "Quality measures worse than state")
    assert row[5] == (reason if worse is None else str(worse))


def test_csv_has_names_and_reasons_never_none() -> None:
    report = _report([_qm("410", None, None, 3.3, None)], payers={"medicare_a": 2, "": 1, "medicaid": 4})
    text = reports.report_csv(report).decode("utf-8-sig")
    assert "None" not in text
    payers = {r[4]: r[5] for r in _csv_rows(report) if r[3] == "payer mix"}
    assert payers == {"Medicare Part A": "2", "Not set": "1", "Medicaid": "4"}  # names, not medicare_a / ""
    qm_row = next(r for r in _csv_rows(report) if r[3] == "quality measure")
    assert qm_row[5] == "not available" and "State average: no state data" in qm_row[6]
    assert "National average: 3.3%" in qm_row[6]


def test_csv_translates_with_the_given_function() -> None:
    from facility.web.i18n import gettext

    report = _report([_qm("410", 7.5, None, 3.3, None)])
    rows = list(
        csv.reader(io.StringIO(reports.report_csv(report, lambda m: gettext("es", m)).decode("utf-8-sig")))
    )
    text = "\n".join(",".join(r) for r in rows)
    assert "Medicare Parte A" in text and "medicare_a" not in text
    assert "sin datos del estado" in text and "None" not in text


def test_chain_csv_uses_the_reason() -> None:
    summary = {**_report([_qm("410", 7.5, None, 3.3, None)]).summary()}
    summary["reasons"] = {"qm_worse_than_state": reports.NO_STATE_DATA}
    text = reports.chain_csv([(FACILITY, summary)], "2026-11").decode("utf-8-sig")
    assert "no state data" in text and "None" not in text


class _Spy(FPDF):
    """Counts the filled rectangles (bars, points, legend keys) and polylines drawn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filled: list[tuple[float, float, float, float]] = []
        self.lines: list[Any] = []

    def rect(self, x: float, y: float, w: float, h: float, style: Any = None, *a: Any, **k: Any) -> Any:
        if style == "F":
            self.filled.append((x, y, w, h))
        return super().rect(x, y, w, h, style, *a, **k)

    def polyline(self, point_list: Any, *a: Any, **k: Any) -> Any:
        self.lines.append(list(point_list))
        return super().polyline(point_list, *a, **k)


def test_pdf_chart_draws_one_bar_per_value_and_none_for_missing() -> None:
    pdf = _Spy(format="Letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    reports.pdf_chart(
        pdf,
        "QM",
        ["410", "481"],
        [("Facility", [7.5, 10.0]), ("State", [None, None]), ("National", [3.3, 19.1])],
        unit="%",
        note="State: no state data",
    )
    bars = [r for r in pdf.filled if r[2] != 3]  # legend keys are 3 mm squares
    assert len(bars) == 4  # 2 facility + 2 national; the missing state averages draw nothing
    tallest = max(bars, key=lambda r: r[3])
    assert tallest[3] == pytest.approx(reports.PDF_CHART_HEIGHT * 19.1 / 20)  # axis top rounds 19.1 up to 20


def test_pdf_chart_line_and_empty() -> None:
    pdf = _Spy(format="Letter")
    pdf.add_page()
    reports.pdf_chart(pdf, "Census", ["1", "2", "3"], [("Census", [2, None, 3])], kind="line")
    assert len(pdf.lines) == 1 and len(pdf.lines[0]) == 2  # the missing day is skipped
    before = pdf.get_y()
    reports.pdf_chart(pdf, "Nothing", ["a"], [("x", [None])])  # no value: nothing drawn, no empty frame
    assert pdf.get_y() == before


def test_report_pdf_contains_its_charts(monkeypatch: Any) -> None:
    drawn: list[str] = []
    real = reports.pdf_chart

    def spy(pdf: Any, title: str, *a: Any, **k: Any) -> None:
        drawn.append(title)
        real(pdf, title, *a, **k)

    monkeypatch.setattr(reports, "pdf_chart", spy)
    body = reports.report_pdf(_report([_qm("410", 7.5, None, 3.3, None)]))
    assert body.startswith(b"%PDF")
    assert drawn == ["Daily census", "Payer mix of open stays", "Quality measures vs state"]


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1.0), (0.4, 0.5), (7.5, 10.0), (19.1, 20.0), (98, 100.0), (120, 200.0)]
)
def test_nice_axis_top(value: float, top: float) -> None:
    assert reports._nice_top(value) == top
