from __future__ import annotations

from datetime import date

import pytest

from surveys.readiness import ftags, poc

COMPLETE = poc.PlanOfCorrection(
    tag="F0689",
    scope_severity="D",
    affected_residents="R12 fall mat and low bed placed 3/5; care plan updated by the MDS nurse.",
    others_at_risk="All residents with a fall in 90 days or a Morse score of 45 or more reviewed 3/6.",
    systemic_changes="Post-fall huddle policy revised; nurses educated 3/7-3/10 with sign-in sheets.",
    monitoring="DON audits 10 fall care plans weekly x4 then monthly x2; results to QAPI.",
    completion_date=date(2025, 3, 28),
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 3, 3), date(2025, 3, 13)),
        (date(2025, 2, 21), date(2025, 3, 3)),  # across a short month; calendar days include weekends
        (date(2024, 12, 27), date(2025, 1, 6)),  # across the year end
    ],
)
def test_poc_due_ten_calendar_days_after_receipt(received: date, due: date) -> None:
    assert poc.poc_due_date(received) == due


def test_days_left_and_overdue() -> None:
    received = date(2025, 3, 3)
    assert poc.poc_days_left(received, date(2025, 3, 10)) == 3
    assert not poc.poc_overdue(received, date(2025, 3, 13))  # due day itself is on time
    assert poc.poc_overdue(received, date(2025, 3, 14))
    assert not poc.poc_overdue(received, date(2025, 4, 1), submitted_on=date(2025, 3, 12))


@pytest.mark.parametrize(
    ("exit_date", "receipt"),
    [
        (date(2025, 3, 7), date(2025, 3, 21)),
        (date(2025, 3, 5), date(2025, 3, 19)),
    ],  # Friday / Wednesday exits
)
def test_expected_2567_receipt_in_business_days(exit_date: date, receipt: date) -> None:
    assert poc.expected_2567_receipt(exit_date) == receipt


def test_complete_poc_is_valid() -> None:
    assert poc.validate(COMPLETE, survey_exit=date(2025, 3, 5)) == []


@pytest.mark.parametrize(
    "element", ["affected_residents", "others_at_risk", "systemic_changes", "monitoring"]
)
def test_each_text_element_required(element: str) -> None:
    from dataclasses import replace

    issues = poc.validate(replace(COMPLETE, **{element: "   "}))
    assert [(i.code, i.element) for i in issues] == [("element_missing", element)]
    assert poc.ELEMENTS[element]["en"] in issues[0].messages["en"]
    assert poc.ELEMENTS[element]["es"] in issues[0].messages["es"]
    assert "F689" in issues[0].messages["en"]
    short = poc.validate(replace(COMPLETE, **{element: "see attached"}))
    assert [i.code for i in short] == ["element_too_short"]


def test_completion_date_required_and_not_before_exit() -> None:
    from dataclasses import replace

    assert [i.element for i in poc.validate(replace(COMPLETE, completion_date=None))] == ["completion_date"]
    issues = poc.validate(COMPLETE, survey_exit=date(2025, 4, 1))
    assert [i.code for i in issues] == ["completion_before_survey"]


@pytest.mark.parametrize(
    ("code", "pnc", "required"),
    [("A", False, False), ("B", False, True), ("D", False, True), ("L", False, True), ("J", True, False)],
)
def test_poc_required(code: str, pnc: bool, required: bool) -> None:
    assert poc.poc_required(code, pnc) is required


def test_retired_tag_shows_successor_in_messages() -> None:
    from dataclasses import replace

    issues = poc.validate(replace(COMPLETE, tag="F758", monitoring=""))
    assert "F605" in issues[0].messages["en"]


def test_signoff_routing_don_then_administrator() -> None:
    day = date(2025, 3, 12)
    assert poc.next_signer(()) == "don"
    with pytest.raises(poc.PocError) as exc:
        poc.sign((), "administrator", "A. Admin", day)
    assert exc.value.issue.code == "signoff_out_of_order" and exc.value.issue.messages["es"]
    signed = poc.sign((), "don", "D. Nurse", day, COMPLETE)
    assert poc.next_signer(signed) == "administrator"
    signed = poc.sign(signed, "administrator", "A. Admin", day, COMPLETE)
    assert poc.next_signer(signed) is None
    with pytest.raises(poc.PocError):
        poc.sign(signed, "don", "D. Nurse", day)


def test_incomplete_poc_cannot_be_signed() -> None:
    from dataclasses import replace

    with pytest.raises(poc.PocError) as exc:
        poc.sign((), "don", "D. Nurse", date(2025, 3, 12), replace(COMPLETE, monitoring=""))
    assert exc.value.issue.code == "signoff_invalid_poc"


def test_overdue_tasks() -> None:
    tasks = [
        poc.CorrectiveTask("Educate night shift", "Staff development", date(2025, 3, 10), "in_progress"),
        poc.CorrectiveTask("Revise policy", "DON", date(2025, 3, 8), "done"),
        poc.CorrectiveTask("Audit beds", "Maintenance", date(2025, 3, 11)),
    ]
    assert [poc.task_overdue(t, date(2025, 3, 11)) for t in tasks] == [True, False, False]
    flagged = poc.overdue_tasks(tasks, date(2025, 3, 12))
    assert [i.messages["en"] for i in flagged] == [
        "Task 'Educate night shift' (Staff development) was due 2025-03-10.",
        "Task 'Audit beds' (Maintenance) was due 2025-03-11.",
    ]


def _audit(*results: tuple[int, int], threshold: float = 90, size: int = 10) -> poc.MonitoringAudit:
    start = date(2025, 3, 3)
    return poc.MonitoringAudit(
        "Fall care plan audit",
        sample_size=size,
        frequency="weekly",
        threshold_pct=threshold,
        results=tuple(
            poc.AuditResult(date.fromordinal(start.toordinal() + 7 * i), s, c)
            for i, (s, c) in enumerate(results)
        ),
    )


@pytest.mark.parametrize(
    ("results", "state", "in_row"),
    [
        ((), "no_data", 0),
        (((10, 8),), "below_threshold", 0),  # 80% < 90%
        (((10, 9),), "monitoring", 1),  # 90% meets the threshold exactly
        (((10, 10), (10, 9), (10, 10)), "met", 3),
        (((10, 10), (10, 7), (10, 10), (10, 10)), "monitoring", 2),  # the run restarts after a failure
        (((10, 10), (10, 10), (10, 6)), "below_threshold", 0),
        (((10, 10), (10, 10), (8, 8)), "monitoring", 0),  # 100% of a short sample does not count
    ],
)
def test_audit_threshold_closes_it(results: tuple[tuple[int, int], ...], state: str, in_row: int) -> None:
    status = poc.audit_status(_audit(*results))
    assert (status.state, status.periods_met_in_row) == (state, in_row)
    assert status.can_close is (state == "met")


def test_audit_flags() -> None:
    status = poc.audit_status(_audit((10, 8), (8, 8)), today=date(2025, 4, 14))
    codes = [f.code for f in status.flags]
    assert codes == ["audit_below_threshold", "audit_sample_short", "audit_result_late"]
    assert "80.0% compliance" in status.flags[0].messages["en"]
    assert "umbral de 90" in status.flags[0].messages["es"]
    assert poc.failing_audits([_audit((10, 8)), _audit((10, 10))]) == [_audit((10, 8))]


def test_mock_survey_checklist_covers_every_group() -> None:
    for cfr, name in ftags.regulatory_groups():
        items = poc.mock_survey_checklist(name)
        assert items, name
        assert poc.mock_survey_checklist(cfr) == items
        for item in items:
            assert item.text["en"] and item.text["es"]
            for tag in item.tags:
                assert ftags.get(tag).regulatory_group == name and ftags.get(tag).is_active
    everything = poc.mock_survey_checklist()
    assert [i.cfr for i in everything][:2] == ["483.5", "483.10"]
    assert any("F0880" in i.tags for i in poc.mock_survey_checklist("Infection Control"))


@pytest.mark.parametrize(
    ("code", "pnc", "needle"), [("A", False, "level A."), ("J", True, "level J (past noncompliance)")]
)
def test_validate_notes_when_no_poc_is_needed(code: str, pnc: bool, needle: str) -> None:
    from dataclasses import replace

    issues = poc.validate(replace(COMPLETE, scope_severity=code, past_noncompliance=pnc, monitoring=""))
    assert [i.code for i in issues] == ["poc_not_required"]
    assert needle in issues[0].messages["en"] and "nivel" in issues[0].messages["es"]
    # and such a plan can still be signed: nothing is missing from it
    assert poc.sign(
        (),
        "don",
        "D. Nurse",
        date(2025, 3, 12),
        replace(COMPLETE, scope_severity=code, past_noncompliance=pnc),
    )
