"""Pure rules of administration: audit before/after lines, stays that never overlap, event corrections."""

from __future__ import annotations

from datetime import date

from facility.admin.audit_view import changes
from facility.residents.stay_rules import (
    first_overlap,
    overlap_error,
    validate_correction,
    with_corrected_event,
)
from facility.web.extensions import NavItem, grouped_nav


def test_changes_lists_only_what_differs() -> None:
    before = {"role": "nurse", "active": True, "facility_ids": [1]}
    after = {"role": "mds_coordinator", "active": True, "facility_ids": [1, 2]}
    assert changes(before, after) == [
        {"field": "role", "before": "nurse", "after": "mds_coordinator"},
        {"field": "facility_ids", "before": "[1]", "after": "[1, 2]"},
    ]
    assert changes(None, {"name": "North"}) == [{"field": "name", "before": "", "after": "North"}]
    assert changes({"a": {"b": None}}, {"a": {"b": 2}}) == [{"field": "a.b", "before": "—", "after": "2"}]
    assert changes(None, None) == []


def _stay(stay_id: int, start: date, status: str, *events: tuple[int, str, date]) -> dict:
    return {
        "id": stay_id,
        "admission_date": start,
        "status": status,
        "events": [{"id": i, "kind": k, "event_date": d} for i, k, d in events],
    }


CLOSED = _stay(
    1,
    date(2026, 1, 10),
    "discharged_rna",
    (1, "admission", date(2026, 1, 10)),
    (2, "discharge_return_not_anticipated", date(2026, 2, 10)),
)


def test_new_stay_must_start_after_every_other_stay() -> None:
    assert overlap_error(date(2026, 2, 1), [CLOSED])[1] == {"start": "2026-01-10", "end": "2026-02-10"}
    assert (
        overlap_error(date(2025, 12, 1), [CLOSED]) is not None
    )  # an open stay before a later one overlaps it
    assert overlap_error(date(2026, 2, 10), [CLOSED]) is None  # discharged and readmitted the same day
    open_stay = _stay(3, date(2026, 3, 1), "discharged_ra", (5, "admission", date(2026, 3, 1)))
    assert "open stay" in overlap_error(date(2026, 5, 1), [CLOSED, open_stay])[0]


def test_corrections_keep_stays_apart() -> None:
    later = _stay(2, date(2026, 3, 1), "in_facility", (3, "admission", date(2026, 3, 1)))
    moved = with_corrected_event(
        [CLOSED, later], 1, 2, date(2026, 3, 5)
    )  # the discharge moved past the next admission
    assert first_overlap(moved) is not None
    assert first_overlap(with_corrected_event([CLOSED, later], 2, 3, date(2026, 2, 20))) is None
    assert first_overlap(with_corrected_event([CLOSED, later], 2, 3, date(2026, 2, 1))) is not None


def test_correction_needs_a_reason_and_keeps_order() -> None:
    event = CLOSED["events"][1]
    _, errors = validate_correction(
        {"event_date": "2026-02-12", "reason": ""},
        event,
        CLOSED["events"],
        date(2026, 12, 5),
        date(1940, 1, 1),
    )
    assert set(errors) == {"reason"}
    _, errors = validate_correction(
        {"event_date": "2026-01-01", "reason": "x"},
        event,
        CLOSED["events"],
        date(2026, 12, 5),
        date(1940, 1, 1),
    )
    assert "in order" in errors["event_date"]
    _, errors = validate_correction(
        {"event_date": "2027-01-01", "reason": "x"},
        event,
        CLOSED["events"],
        date(2026, 12, 5),
        date(1940, 1, 1),
    )
    assert "future" in errors["event_date"]
    values, errors = validate_correction(
        {"event_date": "2026-02-12", "reason": " slip "},
        event,
        CLOSED["events"],
        date(2026, 12, 5),
        date(1940, 1, 1),
    )
    assert not errors and values == {"event_date": date(2026, 2, 12), "reason": "slip"}


def test_navigation_is_grouped_by_path() -> None:
    items = [
        NavItem("/mds/dashboard", "MDS dashboard", ("nurse", "admin"), 20),
        NavItem("/reports/monthly", "Monthly report", ("admin",), 60),
        NavItem("/worklist", "My worklist", ("nurse",), 10),
    ]
    assert [(g, [i.path for i in links]) for g, links in grouped_nav(items, "nurse")] == [
        ("Daily work", ["/worklist"]),
        ("MDS", ["/mds/dashboard"]),
    ]
    admin = dict(grouped_nav(items, "admin"))
    assert [i.path for i in admin["Administration"]] == ["/admin/users", "/admin/facilities", "/admin/audit"]
    assert [i.path for i in admin["Survey and quality"]] == ["/reports/monthly"]
