"""Pure rules of issue 18 part 3: the 48-hour baseline clock (F655, 483.21(a)), its required content, the next
review date of a care-plan problem (483.21(b)(2)(iii), tied to the OBRA assessment schedule) and the
care-plan signature form."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from careplans.rules import baseline, review, signatures

ADMITTED = date(2026, 1, 10)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("admitted_at", "completed", "now", "state", "due", "left", "over", "known"),
    [
        # admitted 14:30: due 48 h later, not at midnight
        (at(10, 14, 30), None, at(10, 15, 0), "running", at(12, 14, 30), 47 * 60 + 30, 0, True),
        (at(10, 14, 30), None, at(12, 14, 30), "running", at(12, 14, 30), 0, 0, True),  # exactly 48 h
        (at(10, 14, 30), None, at(12, 14, 31), "overdue", at(12, 14, 30), 0, 1, True),
        (at(10, 14, 30), None, at(13, 16, 30), "overdue", at(12, 14, 30), 0, 26 * 60, True),
        (at(10, 14, 30), at(12, 14, 30), at(20), "done", at(12, 14, 30), 0, 0, True),
        (at(10, 14, 30), at(12, 15, 45), at(20), "done_late", at(12, 14, 30), 0, 75, True),
        # a recorded time that midnight would have called late is on time
        (at(10, 23, 0), at(12, 20, 0), at(20), "done", at(12, 23, 0), 0, 0, True),
        # no time recorded (stays from before the time was asked): the clock counts from 00:00
        (None, None, at(11, 23, 59), "running", at(12), 1, 0, False),
        (None, at(12, 0, 1), at(20), "done_late", at(12), 0, 1, False),
        (None, datetime(2026, 1, 12, 0, 0, 20, tzinfo=UTC), at(20), "done_late", at(12), 0, 1, False),
        # a time on another day than the admission date (the stay was corrected) is not trusted
        (at(9, 22, 0), None, at(10, 1, 0), "running", at(12), 47 * 60, 0, False),
    ],
)
def test_baseline_clock(
    admitted_at: datetime | None,
    completed: datetime | None,
    now: datetime,
    state: str,
    due: datetime,
    left: int,
    over: int,
    known: bool,
) -> None:
    clock = baseline.clock(ADMITTED, admitted_at, completed, now)
    assert (clock.state, clock.due_at, clock.minutes_left, clock.minutes_over, clock.time_known) == (
        state,
        due,
        left,
        over,
        known,
    )


def test_naive_admission_time_is_utc() -> None:
    start, known = baseline.admission_moment(ADMITTED, datetime(2026, 1, 10, 8, 15))
    assert start == at(10, 8, 15) and known


FULL = {
    "baseline_goals": "Return home with daughter",
    "baseline_physician_orders": "Metoprolol 25 mg BID",
    "baseline_dietary_orders": "Carb-controlled, thin liquids",
    "baseline_therapy": "PT and OT 5x/week",
    "baseline_social": "Discharge planning with daughter",
    "baseline_summary_to": "Ana Reyes (daughter)",
    "baseline_summary_on": "2026-01-11",
}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {}),  # saving work in progress: anything partial is fine
        ({"complete": "1", **FULL}, {}),
        ({"complete": "1", **FULL, "baseline_dietary_orders": " "}, {"baseline_dietary_orders"}),
        (
            {"complete": "1"},
            {f for f, _label in baseline.CONTENT} | {"baseline_summary_to", "baseline_summary_on"},
        ),
        ({"complete": "1", **FULL, "baseline_pasarr_applies": "1"}, {"baseline_pasarr"}),
        (
            {"complete": "1", **FULL, "baseline_pasarr_applies": "1", "baseline_pasarr": "Level II: psych"},
            set(),
        ),
        ({**FULL, "baseline_summary_on": "2026-13-40"}, {"baseline_summary_on"}),
        ({**FULL, "baseline_summary_on": "2026-01-09"}, {"baseline_summary_on"}),  # before the admission
        ({**FULL, "baseline_summary_on": "2026-01-13"}, {"baseline_summary_on"}),  # future
        ({"complete": "1", **FULL, "completed_at": "2026-01-10T08:00"}, {"completed_at"}),  # before arrival
        ({"complete": "1", **FULL, "completed_at": "2026-01-14T08:00"}, {"completed_at"}),  # future
        ({"complete": "1", **FULL, "completed_at": "yesterday"}, {"completed_at"}),
        ({"baseline_goals": "x" * 2001}, {"baseline_goals"}),
    ],
)
def test_baseline_content(changes: dict[str, str], errors: set[str]) -> None:
    values, found = baseline.validate(changes, at(12, 10), ADMITTED, at(10, 9))
    assert set(found) == set(errors)
    if not errors and changes.get("complete"):
        assert values["completed_at"] == (
            at(12, 10) if "completed_at" not in changes else values["completed_at"]
        )


def test_pasarr_text_dropped_when_it_does_not_apply() -> None:
    values, errors = baseline.validate({"baseline_pasarr": "left over"}, at(12), ADMITTED, at(10))
    assert not errors and values["baseline_pasarr"] == "" and values["baseline_pasarr_applies"] is False


@pytest.mark.parametrize(
    ("raw", "moment", "error"),
    [
        ("14:30", at(10, 14, 30), None),
        ("09:05", at(10, 9, 5), None),
        ("", None, "admission_time"),
        ("25:00", None, "admission_time"),
        ("2pm", None, "admission_time"),
    ],
)
def test_admission_time(raw: str, moment: datetime | None, error: str | None) -> None:
    value, errors = baseline.validate_admission_time({"admission_time": raw}, ADMITTED, at(12))
    assert value == moment and (set(errors) == ({error} if error else set()))


def test_admission_time_not_in_the_future() -> None:
    _value, errors = baseline.validate_admission_time({"admission_time": "18:00"}, ADMITTED, at(10, 12))
    assert set(errors) == {"admission_time"}


def obra(a0310a: str, ard: date, completed: date | None = None) -> review.ObraRecord:
    return review.ObraRecord(a0310a, ard, completed)


@pytest.mark.parametrize(
    ("records", "last_review", "team", "today", "due", "reason", "state"),
    [
        # no OBRA assessment yet: the comprehensive care plan deadline of the admission (admission + 21)
        ((), date(2026, 1, 11), None, date(2026, 1, 12), date(2026, 1, 31), "admission", "scheduled"),
        ((), date(2026, 1, 11), None, date(2026, 1, 25), date(2026, 1, 31), "admission", "due_soon"),
        ((), date(2026, 1, 11), None, date(2026, 2, 1), date(2026, 1, 31), "admission", "overdue"),
        # admission assessment ARD 01-14, not completed: with the next quarterly (ARD + 92)
        (
            (obra("01", date(2026, 1, 14)),),
            date(2026, 1, 20),
            None,
            date(2026, 2, 1),
            date(2026, 4, 16),
            "quarterly",
            "scheduled",
        ),
        # completed 01-20 after the last review (01-15): review within 7 days of completion
        (
            (obra("01", date(2026, 1, 14), date(2026, 1, 20)),),
            date(2026, 1, 15),
            None,
            date(2026, 1, 28),
            date(2026, 1, 27),
            "assessment",
            "overdue",
        ),
        # reviewed after it was completed: next quarterly
        (
            (obra("01", date(2026, 1, 14), date(2026, 1, 20)),),
            date(2026, 1, 22),
            None,
            date(2026, 1, 28),
            date(2026, 4, 16),
            "quarterly",
            "scheduled",
        ),
        # a quarterly completed later opens a new review
        (
            (
                obra("01", date(2026, 1, 14), date(2026, 1, 20)),
                obra("02", date(2026, 4, 10), date(2026, 4, 15)),
            ),
            date(2026, 1, 22),
            None,
            date(2026, 4, 16),
            date(2026, 4, 22),
            "assessment",
            "due_soon",
        ),
        # tracking and PPS-only records (A0310A 99) do not count; a record of an earlier stay does not either
        (
            (obra("99", date(2026, 1, 14), date(2026, 1, 15)), obra("01", date(2025, 6, 1))),
            date(2026, 1, 11),
            None,
            date(2026, 1, 12),
            date(2026, 1, 31),
            "admission",
            "scheduled",
        ),
        # the team's earlier date wins; a later one never does
        (
            (obra("01", date(2026, 1, 14)),),
            date(2026, 1, 20),
            date(2026, 2, 3),
            date(2026, 2, 1),
            date(2026, 2, 3),
            "team",
            "due_soon",
        ),
        (
            (obra("01", date(2026, 1, 14)),),
            date(2026, 1, 20),
            date(2026, 6, 1),
            date(2026, 2, 1),
            date(2026, 4, 16),
            "quarterly",
            "scheduled",
        ),
        # a team date from before the last review is spent
        (
            (obra("01", date(2026, 1, 14)),),
            date(2026, 1, 20),
            date(2026, 1, 19),
            date(2026, 2, 1),
            date(2026, 4, 16),
            "quarterly",
            "scheduled",
        ),
        # 92 days since the last review comes first when the last OBRA ARD is older than the review
        (
            (obra("02", date(2026, 6, 1)),),
            date(2026, 3, 1),
            None,
            date(2026, 6, 2),
            date(2026, 6, 1),
            "interval",
            "overdue",
        ),
    ],
)
def test_next_review(
    records: tuple[review.ObraRecord, ...],
    last_review: date,
    team: date | None,
    today: date,
    due: date,
    reason: str,
    state: str,
) -> None:
    result = review.next_review(ADMITTED, records, last_review, team, today)
    assert (result.due, result.reason, result.state) == (due, reason, state)


RECORDS = (obra("01", date(2026, 1, 14)),)


@pytest.mark.parametrize(
    ("form", "errors", "values"),
    [
        ({"reviewed_on": "2026-02-01"}, set(), {"reviewed_on": date(2026, 2, 1), "review_due": None}),
        ({"review_due": "2026-03-01"}, set(), {"reviewed_on": None, "review_due": date(2026, 3, 1)}),
        (
            {"review_due": "2026-04-16"},
            set(),
            {"reviewed_on": None, "review_due": date(2026, 4, 16)},
        ),  # the limit
        ({"review_due": "2026-04-17"}, {"review_due", "review_due_limit"}, None),  # later than the schedule
        ({}, {"review_due"}, None),  # nothing entered
        ({"reviewed_on": "2026-02-03"}, {"reviewed_on"}, None),  # future
        ({"reviewed_on": "2026-01-05"}, {"reviewed_on"}, None),  # before the problem existed
        ({"reviewed_on": "02/01/2026"}, {"reviewed_on"}, None),
        ({"review_due": "soon"}, {"review_due"}, None),
        ({"review_due": "2026-01-31"}, {"review_due"}, None),  # in the past
    ],
)
def test_review_form(form: dict[str, str], errors: set[str], values: dict[str, object] | None) -> None:
    clean, found = review.validate_review(
        form, date(2026, 2, 2), ADMITTED, RECORDS, date(2026, 1, 20), date(2026, 1, 11)
    )
    assert set(found) == errors
    if values is not None:
        assert clean == values
    if "review_due_limit" in found:
        assert found["review_due_limit"] == "2026-04-16"


@pytest.mark.parametrize(
    ("form", "errors"),
    [
        ({"name": "Ana Reyes", "role": "representative", "signed_on": "2026-02-01"}, set()),
        ({"name": "Ana Reyes", "role": "representative"}, set()),  # blank date = today
        ({"name": " ", "role": "rn", "signed_on": "2026-02-01"}, {"name"}),
        ({"name": "Dr. Roe", "role": "surgeon", "signed_on": "2026-02-01"}, {"role"}),
        ({"name": "Dr. Roe", "role": "physician", "signed_on": "2026-02-03"}, {"signed_on"}),
        ({"name": "Dr. Roe", "role": "physician", "signed_on": "2025-01-01"}, {"signed_on"}),
        ({"name": "Dr. Roe", "role": "physician", "signed_on": "tomorrow"}, {"signed_on"}),
    ],
)
def test_signature_form(form: dict[str, str], errors: set[str]) -> None:
    _clean, found = signatures.validate(form, date(2026, 2, 2))
    assert set(found) == errors


def test_wet_lines_cover_the_required_idt_roles_not_yet_signed() -> None:
    lines = signatures.wet_lines([{"role": "physician"}, {"role": "therapy"}])
    assert lines == ["resident", "representative", "rn", "cna", "dietary", "social"]
    assert signatures.label("dietary", "es") == "Servicios de alimentación y nutrición"
