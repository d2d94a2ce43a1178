"""Pure pieces of the MDS workflow layer: schedule kinds map to valid RFAs, stay events map to the
schedule's kinds, pipeline buckets, result-file record ids, and the demo planner feeding the schedule."""

from __future__ import annotations

import random
from datetime import date

import pytest

from mds.record import rfa as rfa_rules
from mds.workflow import schedule
from mds.workflow.services import (
    EVENT_KINDS,
    KIND_RFA,
    _record_key,
    pipeline_bucket,
    schedule_assessment,
    schedule_stay,
)


@pytest.mark.parametrize("kind", sorted(KIND_RFA))
def test_every_kind_starts_a_valid_rfa_that_meets_it(kind: str) -> None:
    rfa = rfa_rules.from_code(KIND_RFA[kind])
    assert not rfa_rules.combination_errors(rfa)
    assert kind in rfa_rules.kinds_of(rfa)
    assert KIND_RFA[kind] in {c["value"] for c in rfa_rules.rfa_choices("en")}


@pytest.mark.parametrize(
    ("facility_kind", "schedule_kind"),
    [
        ("discharge_return_anticipated", "discharge_ra"),
        ("discharge_return_not_anticipated", "discharge_rna"),
        ("death", "death"),
        ("reentry", "return"),
    ],
)
def test_stay_events_map_to_schedule_events(facility_kind: str, schedule_kind: str) -> None:
    assert EVENT_KINDS[facility_kind] == schedule_kind
    stay = schedule_stay(
        {"id": 7, "resident": 3, "admission_date": date(2026, 1, 1), "payer": "medicaid"},
        [
            {"kind": "admission", "event_date": date(2026, 1, 1)},
            {"kind": facility_kind, "event_date": date(2026, 2, 1)},
        ],
    )
    assert stay.events == (schedule.StayEvent(schedule_kind, date(2026, 2, 1)),) and stay.part_a == ()


def test_medicare_part_a_payer_expects_the_5day() -> None:
    stay = schedule_stay(
        {"id": 1, "resident": 1, "admission_date": date(2026, 1, 1), "payer": "medicare_a"}, []
    )
    kinds = {i.kind for i in schedule.compute_due(stay, [], date(2026, 1, 3))}
    assert {"entry", "admission", "pps_5day"} <= kinds


@pytest.mark.parametrize(
    ("status", "state", "bucket"),
    [
        ("in_progress", "in_progress", "in_progress"),
        ("correcting", "in_progress", "in_progress"),
        ("completed", "completed", "signed_not_exported"),
        ("completed", "exported", "exported_not_accepted"),
        ("completed", "submitted", "exported_not_accepted"),
        ("completed", "rejected", "exported_not_accepted"),
        ("completed", "accepted", None),
        ("inactivated", "completed", None),
    ],
)
def test_pipeline_buckets(status: str, state: str, bucket: str | None) -> None:
    assert pipeline_bucket({"status": status, "submission_state": state}) == bucket


@pytest.mark.parametrize(
    ("record_id", "key"),
    [
        ("123", 123),
        (" 45 ", 45),
        ("mds_00000123_00.xml", 123),
        ("batch.zip/mds_00000007_01.xml", 7),
        ("other.xml", None),
        ("abc", None),
        ("", None),
    ],
)
def test_result_record_ids(record_id: str, key: int | None) -> None:
    assert _record_key(record_id) == key


def _row(**kw: object) -> dict:
    base = {
        "id": 1,
        "a0310a": "02",
        "a0310b": "99",
        "a0310e": "0",
        "a0310f": "99",
        "a0310g": "",
        "a0310h": "0",
        "ard": date(2026, 3, 1),
        "status": "completed",
        "submission_state": "completed",
        "a0050": "1",
        "z0500b": date(2026, 3, 3),
    }
    return base | kw


def test_schedule_view_of_an_accepted_record_reopened_by_a_correction() -> None:
    exports = [{"state": "accepted", "submitted_at": None, "result_at": None}]
    reopened = schedule_assessment(
        _row(status="correcting", submission_state="in_progress", a0050="2"), None, exports
    )
    assert reopened.state == "accepted" and reopened.corrections[0].a0050 == "2"
    inactivated = schedule_assessment(_row(status="inactivated", a0050="3"), None, exports)
    assert inactivated.inactivated
    plain = schedule_assessment(_row(), (date(2026, 3, 4), date(2026, 3, 9)), [])
    assert (
        plain.state == "completed"
        and plain.v0200c2 == date(2026, 3, 9)
        and plain.target_date == date(2026, 3, 1)
    )


def test_demo_planner_meets_the_schedule() -> None:
    from mds.workflow.demo import plan_stay

    today = date(2026, 11, 25)
    stay = {"id": 1, "resident": 1, "admission_date": date(2025, 12, 1), "payer": "medicare_a"}
    steps = plan_stay(stay, [], today, random.Random(1))
    accepted = [s for s in steps if s.fate == "accepted"]
    assert accepted[0].item.kind in ("entry", "admission") and {"entry", "admission", "quarterly"} <= {
        s.item.kind for s in accepted
    }
    admission = next(s for s in accepted if s.item.kind == "admission")
    assert admission.rfa.b == "01" and admission.ard == date(
        2025, 12, 8
    )  # combined with the 5-day PPS, day 8
