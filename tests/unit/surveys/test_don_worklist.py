"""surveys.worklist: the DON / administrator rows (pure), tables of cases on real F-tags and real comparisons."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from surveys.qm import rules as qm
from surveys.readiness import ftags, poc
from surveys.readiness.worklist import audit_rows, don_items, poc_rows, qm_over, task_rows

TODAY = date(2026, 3, 10)
F689 = {"id": 5, "tag": "F0689", "ftag": ftags.resolve("F0689"), "scope_severity": "G"}


@pytest.mark.parametrize(
    ("state", "deadline", "due", "text"),
    [
        (
            "missing",
            {"due": date(2026, 3, 12), "received": True},
            date(2026, 3, 12),
            "plan of correction not written",
        ),
        ("awaiting_don", {"due": date(2026, 3, 12)}, date(2026, 3, 12), "awaiting the DON's signature"),
        (
            "draft",
            {"due": None, "expected_2567": date(2026, 3, 20), "received": False},
            date(2026, 3, 20),
            "incomplete, elements missing (2567 not received yet; expected)",
        ),
    ],
)
def test_plans_of_correction_to_finish(state: str, deadline: dict[str, Any], due: date, text: str) -> None:
    [row] = poc_rows([{"finding": F689, "survey": {}, "state": state, "deadline": deadline}])
    assert (row.kind, row.ftag, row.due) == ("poc_due", "F689", due)
    assert text in row.detail["en"] and row.fix_url == "/surveys/findings/5#poc"
    assert ("/chain/findings/5", "Residents and items behind it") in row.links


@pytest.mark.parametrize(("status", "listed"), [("open", True), ("in_progress", True), ("done", False)])
def test_poc_tasks_not_done(status: str, listed: bool) -> None:
    task = {
        "id": 9,
        "title": "Re-educate",
        "owner": "SDC",
        "due_date": TODAY,
        "status": status,
        "finding": F689,
    }
    rows = task_rows([task])
    assert bool(rows) == listed
    if listed:
        assert rows[0].fix_url == "/surveys/findings/5#tasks" and rows[0].links[0][0] == "/chain/tasks/9"


def test_audits_below_threshold_only() -> None:
    below = poc.AuditStatus("below_threshold", 70.0, 0, ())
    met = poc.AuditStatus("met", 95.0, 3, ())
    audits = [
        {"id": 1, "tool": "Fall audit", "threshold_pct": 90.0, "status": below, "finding": F689},
        {"id": 2, "tool": "Hand hygiene", "threshold_pct": 90.0, "status": met, "finding": F689},
    ]
    [row] = audit_rows(audits, TODAY)
    assert row.kind == "audit_failing" and "latest 70%, threshold 90%" in row.detail["en"]


def _measure(code: str, num: int, den: int, state: float | None, national: float | None) -> dict[str, Any]:
    rate = qm.MeasureRate(code, num, den, 0, ())
    bench = qm.Benchmark(code, "OH", state, 1 if state else 0, national, 10)
    return {
        "code": code,
        "description": qm.catalog()[code]["description"],
        "rate": rate,
        "comparison": qm.compare(code, rate.percent or 0.0, bench),
        "higher_is_better": qm.higher_is_better(code),
        "ftags": [{"code": "F689", "title": ""}],
        "care_areas": [(11, "Falls")],
    }


@pytest.mark.parametrize(
    ("num", "den", "state", "national", "over"),
    [
        (3, 50, 4.0, 3.0, ("state", 2.0)),  # 6% vs state 4%: 2 points worse
        (1, 50, 4.0, 1.0, None),  # better than the state: not listed, even if worse than national
        (3, 50, None, 3.0, ("national", 3.0)),  # no state data: the national average decides
        (1, 50, None, 3.0, None),
        (2, 50, 4.0, None, None),  # equal
    ],
)
def test_quality_measures_over_threshold(
    num: int, den: int, state: float | None, national: float | None, over: tuple[str, float] | None
) -> None:
    m = _measure("410", num, den, state, national)
    found = qm_over(m)
    assert (found and (found[0], round(found[1], 6))) == (over and (over[0], round(over[1], 6)))


def test_measure_row_links_to_the_residents_behind_it() -> None:
    rows = don_items([], [], [], [_measure("410", 3, 50, 4.0, 3.0)], TODAY)
    [row] = rows
    assert row.kind == "qm_over" and row.fix_url == "/chain/qm/410" and row.care_areas == (11,)
    assert (
        "2.0 points worse than the state average" in row.detail["en"]
        and "promedio estatal" in row.detail["es"]
    )
    assert row.due == TODAY
