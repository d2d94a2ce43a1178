"""RAI schedule: one table per rule of ../shared/data/mds/ref/timing_rules.csv, with boundaries."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest

from mds.record.rfa import Rfa
from mds.workflow import schedule as s

ADM = date(2025, 1, 1)  # day 1


def d(n: int) -> date:
    """Date of stay day n (day 1 = admission)."""
    return ADM + timedelta(days=n - 1)


def stay(*events: s.StayEvent, **kw) -> s.Stay:
    return s.Stay(resident_id=7, stay_id=70, admission_date=ADM, events=tuple(events), **kw)


def rec(aid, r: Rfa, ard=None, event=None, state="accepted", z=None, **kw) -> s.Assessment:
    ref = event or ard
    return s.Assessment(
        aid,
        r,
        ard=ard,
        event_date=event,
        state=state,
        z0500b=z if z is not None or state in ("draft", "in_progress") else ref,
        **kw,
    )


def entry_rec(aid, on: date) -> s.Assessment:
    return rec(aid, Rfa(f="01"), event=on)


def items_of(items, kind):
    return [i for i in items if i.kind == kind]


def only(items, kind) -> s.DueItem:
    found = items_of(items, kind)
    assert len(found) == 1, found
    return found[0]


def test_every_timing_rule_has_a_table(shared_data):
    """Guard: a rule added to timing_rules.csv must get a test table here."""
    with open(shared_data / "mds" / "ref" / "timing_rules.csv", newline="") as fh:
        rules = [row["rule"] for row in csv.DictReader(fh)]
    covered = {
        "Admission (A0310A=01)": test_admission_ard_by_day_14,
        "Quarterly (A0310A=02)": test_quarterly_92_days,
        "Annual (A0310A=03)": test_annual_366_and_92,
        "Significant change (A0310A=04)": test_significant_change_14_days,
        "First assessment since entry (A0310E=1)": None,  # tested in test_rfa.py (-3920/-3953)
        "Target date": test_target_date_9017,
        "Date ordering": None,  # Z0500B ≥ A2300 in test_signing.py; the rest is mds/record/edits.py
        "Encoding": None,  # 7 days after completion: not a deadline the app can miss (it encodes on save)
        "Submission / transmission (warning -3810)": test_submission_deadline_3810,
        "Care plan completion (V0200C2)": test_comprehensive_submission_uses_care_plan_date,
        "Death in facility tracking": test_death_tracking,
        "K0520 column 2 (non-resident nutrition)": None,  # item edit, mds/record/edits.py
        "Section GG admission column 1": None,  # item edit, mds/record/edits.py
        "PPS 5-day ARD window": test_pps_5day_window,
        "Discharge assessment": test_discharge_assessment,
    }
    assert set(rules) == set(covered)


# ---------------------------------------------------------------- admission (day 14 vs 15)


@pytest.mark.parametrize(
    ("today_day", "ard_day", "state", "days_late", "phase"),
    [
        (1, None, "due", 0, "ard"),
        (14, None, "due", 0, "ard"),  # last day of the window
        (15, None, "late", 1, "ard"),  # day 15: late
        (20, None, "late", 6, "ard"),
        (20, 14, "done", 0, "done"),  # ARD on day 14 is on time
        (20, 15, "done", 1, "done"),  # ARD on day 15 was one day late
        (10, 5, "due", 0, "complete"),  # ARD set, not signed yet
    ],
)
def test_admission_ard_by_day_14(today_day, ard_day, state, days_late, phase):
    records = [entry_rec("e", ADM)]
    if ard_day is not None:
        st = "in_progress" if phase == "complete" else "accepted"
        records.append(
            rec(
                "a",
                Rfa("01", e="1"),
                ard=d(ard_day),
                state=st,
                z=None if st == "in_progress" else d(ard_day),
                v0200c2=d(ard_day),
            )
        )
    item = only(s.compute_due(stay(), records, d(today_day)), "admission")
    # the completion step runs from the ARD to day 14 (Z0500B by day 14)
    assert (item.window_start, item.window_end) == (d(ard_day) if phase == "complete" else d(1), d(14))
    assert (item.state, item.days_late, item.phase) == (state, days_late, phase)


def test_admission_not_required_when_discharged_before_day_14():
    st = stay(s.StayEvent("discharge_rna", d(10)))
    items = s.compute_due(st, [entry_rec("e", ADM)], d(30))
    assert items_of(items, "admission") == []
    assert only(items, "discharge_rna").state == "late"  # discharge record still needed


# ---------------------------------------------------------------- quarterly (92 vs 93)


@pytest.mark.parametrize(
    ("today_offset", "q_offset", "state", "days_late"),
    [
        (60, None, "upcoming", 0),  # window open but the deadline is > 14 days away
        (78, None, "due", 0),  # 14 days before the deadline: due
        (77, None, "upcoming", 0),  # 15 days before: still upcoming
        (92, None, "due", 0),  # deadline day
        (93, None, "late", 1),
        (100, 92, "done", 0),  # ARD 92 days after the previous OBRA ARD: on time
        (100, 93, "done", 1),  # 93 days: one day late
    ],
)
def test_quarterly_92_days(today_offset, q_offset, state, days_late):
    adm_ard = d(5)
    records = [entry_rec("e", ADM), rec("a", Rfa("01", "01", e="1"), ard=adm_ard, v0200c2=adm_ard)]
    if q_offset is not None:
        records.append(rec("q", Rfa("02", e="0"), ard=adm_ard + timedelta(days=q_offset)))
    today = adm_ard + timedelta(days=today_offset)
    quarterlies = items_of(s.compute_due(stay(), records, today), "quarterly")
    item = quarterlies[0]  # the first quarterly requirement (done, or the pending one)
    assert item.window_end == adm_ard + timedelta(days=92)
    assert (item.state, item.days_late) == (state, days_late)


def test_quarterly_clock_resets_on_significant_change():
    adm_ard = d(5)
    scsa = adm_ard + timedelta(days=50)
    records = [
        entry_rec("e", ADM),
        rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard),
        rec("s", Rfa("04", e="0"), ard=scsa, v0200c2=scsa),
    ]
    st = stay(significant_changes=(scsa - timedelta(days=3),))
    pending = [i for i in s.compute_due(st, records, scsa + timedelta(days=10)) if i.kind == "quarterly"]
    assert len(pending) == 1 and pending[0].window_end == scsa + timedelta(days=92)


# ---------------------------------------------------------------- annual (366 vs 367, and ≤ 92 after the quarterly)


def _year_of_quarterlies(last_q_offset: int):
    adm_ard = d(5)
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard)]
    for i, off in enumerate((90, 180, last_q_offset)):
        records.append(rec(f"q{i}", Rfa("02", e="0"), ard=adm_ard + timedelta(days=off)))
    return adm_ard, records


@pytest.mark.parametrize(
    ("last_q", "annual_off", "today_off", "window_end_off", "state", "days_late"),
    [
        (270, None, 300, 362, "upcoming", 0),  # 92 after the last quarterly (362) comes before 366
        (280, None, 360, 366, "due", 0),  # 366 after the admission ARD comes first
        (280, None, 366, 366, "due", 0),
        (280, None, 367, 366, "late", 1),  # day 367: late
        (280, 366, 400, 366, "done", 0),
        (280, 367, 400, 366, "done", 1),
        (270, 363, 400, 362, "done", 1),  # 93 days after the last quarterly: late even though < 366
    ],
)
def test_annual_366_and_92(last_q, annual_off, today_off, window_end_off, state, days_late):
    adm_ard, records = _year_of_quarterlies(last_q)
    if annual_off is not None:
        ard = adm_ard + timedelta(days=annual_off)
        records.append(rec("y", Rfa("03", e="0"), ard=ard, v0200c2=ard))
    item = only(s.compute_due(stay(), records, adm_ard + timedelta(days=today_off)), "annual")
    assert item.window_end == adm_ard + timedelta(days=window_end_off)
    assert (item.state, item.days_late) == (state, days_late)


def test_after_second_quarterly_the_next_is_a_quarterly():
    adm_ard = d(5)
    records = [
        entry_rec("e", ADM),
        rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard),
        rec("q1", Rfa("02", e="0"), ard=adm_ard + timedelta(days=92)),
        rec("q2", Rfa("02", e="0"), ard=adm_ard + timedelta(days=184)),
    ]
    pending = [i for i in s.compute_due(stay(), records, adm_ard + timedelta(days=200)) if i.state != "done"]
    assert [(i.kind, i.window_end) for i in pending] == [("quarterly", adm_ard + timedelta(days=276))]


def test_quarterly_does_not_satisfy_annual():
    adm_ard, records = _year_of_quarterlies(280)
    records.append(rec("q9", Rfa("02", e="0"), ard=adm_ard + timedelta(days=360)))
    item = only(s.compute_due(stay(), records, adm_ard + timedelta(days=370)), "annual")
    assert (item.state, item.days_late, item.window_end) == ("late", 4, adm_ard + timedelta(days=366))


# ---------------------------------------------------------------- significant change (14 days)


@pytest.mark.parametrize(
    ("today_off", "ard_off", "state", "days_late"),
    [
        (0, None, "due", 0),
        (14, None, "due", 0),
        (15, None, "late", 1),
        (20, 14, "done", 0),
        (20, 15, "done", 1),
    ],
)
def test_significant_change_14_days(today_off, ard_off, state, days_late):
    det = d(40)
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5))]
    if ard_off is not None:
        ard = det + timedelta(days=ard_off)
        records.append(rec("s", Rfa("04", e="0"), ard=ard, v0200c2=ard))
    item = only(
        s.compute_due(stay(significant_changes=(det,)), records, det + timedelta(days=today_off)),
        "significant_change",
    )
    assert (item.window_start, item.window_end) == (det, det + timedelta(days=14))
    assert (item.state, item.days_late) == (state, days_late)


@pytest.mark.parametrize(
    ("comprehensive", "kind"),
    [(True, "significant_correction_comprehensive"), (False, "significant_correction_quarterly")],
)
def test_significant_correction_14_days(comprehensive, kind):
    det = d(40)
    items = s.compute_due(stay(significant_errors=((det, comprehensive),)), [entry_rec("e", ADM)], det)
    item = only(items, kind)
    assert (item.window_end, item.state) == (det + timedelta(days=14), "due")


# ---------------------------------------------------------------- PPS 5-day (days 1-8)


@pytest.mark.parametrize(
    ("today_day", "ard_day", "state", "days_late"),
    [(1, None, "due", 0), (8, None, "due", 0), (9, None, "late", 1), (12, 8, "done", 0), (12, 9, "done", 1)],
)
def test_pps_5day_window(today_day, ard_day, state, days_late):
    records = [entry_rec("e", ADM)]
    if ard_day is not None:
        records.append(rec("p", Rfa("01", "01", e="1"), ard=d(ard_day), v0200c2=d(ard_day)))
    item = only(s.compute_due(stay(part_a=(s.PartAStay(ADM),)), records, d(today_day)), "pps_5day")
    assert (item.window_start, item.window_end) == (d(1), d(8))
    assert (item.state, item.days_late) == (state, days_late)


def test_no_pps_without_part_a():
    assert items_of(s.compute_due(stay(), [], d(3)), "pps_5day") == []


@pytest.mark.parametrize(
    ("events", "part_a_end", "expected_ard"),
    [
        ((), d(20), d(20)),  # stays in the facility: last covered day
        ((s.StayEvent("discharge_rna", d(20)),), d(20), d(20)),  # same day: combined with the discharge
        ((s.StayEvent("discharge_rna", d(21)),), d(20), d(21)),  # one day before: ARD = A2000
        ((s.StayEvent("discharge_rna", d(23)),), d(20), d(20)),  # later discharge: separate
        ((s.StayEvent("death", d(20)),), d(20), None),  # died that day: not required
    ],
)
def test_pps_discharge(events, part_a_end, expected_ard):
    items = s.compute_due(stay(*events, part_a=(s.PartAStay(ADM, part_a_end),)), [], d(22))
    found = items_of(items, "pps_discharge")
    if expected_ard is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].ard_target == expected_ard
        assert found[0].window_end == expected_ard + timedelta(days=14)


# ---------------------------------------------------------------- discharge, entry, death (tracking)


@pytest.mark.parametrize(
    ("kind", "today_off", "record", "state", "days_late"),
    [
        ("discharge_rna", 14, False, "due", 0),
        ("discharge_rna", 15, False, "late", 1),
        ("discharge_ra", 15, False, "late", 1),
        ("discharge_rna", 20, True, "done", 0),
    ],
)
def test_discharge_assessment(kind, today_off, record, state, days_late):
    out = d(30)
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5))]
    if record:
        records.append(rec("x", Rfa(f="10", e="0", g="1"), ard=out, event=out))
    item = only(s.compute_due(stay(s.StayEvent(kind, out)), records, out + timedelta(days=today_off)), kind)
    assert item.ard_target == out  # A2300 = A2000 (-3851)
    assert (item.state, item.days_late) == (state, days_late)


def test_discharge_record_of_wrong_type_does_not_count():
    out = d(30)
    records = [entry_rec("e", ADM), rec("x", Rfa(f="11", e="0", g="1"), ard=out, event=out)]
    items = s.compute_due(stay(s.StayEvent("discharge_rna", out)), records, out + timedelta(days=20))
    assert only(items, "discharge_rna").state == "late"


@pytest.mark.parametrize(("today_off", "state", "days_late"), [(0, "due", 0), (7, "due", 0), (8, "late", 1)])
def test_death_tracking(today_off, state, days_late):
    died = d(50)
    items = s.compute_due(
        stay(s.StayEvent("death", died)), [entry_rec("e", ADM)], died + timedelta(days=today_off)
    )
    item = only(items, "death")
    assert (item.window_start, item.window_end) == (died, died + timedelta(days=7))
    assert (item.state, item.days_late) == (state, days_late)
    assert items_of(items, "discharge_rna") == []


@pytest.mark.parametrize(("today_day", "state", "days_late"), [(8, "due", 0), (9, "late", 1)])
def test_entry_tracking_within_7_days(today_day, state, days_late):
    item = only(s.compute_due(stay(), [], d(today_day)), "entry")
    assert (item.window_start, item.window_end, item.state, item.days_late) == (ADM, d(8), state, days_late)


# ---------------------------------------------------------------- re-entries (30-day rule)


@pytest.mark.parametrize(
    ("discharge", "back_after", "entry_type", "admissions"),
    [
        ("discharge_ra", 30, "reentry", 1),  # back within 30 days: re-entry, no new admission
        ("discharge_ra", 31, "admission", 2),  # 31 days: new admission assessment
        ("discharge_rna", 3, "admission", 2),  # return not anticipated: always a new admission
    ],
)
def test_reentry_30_days(discharge, back_after, entry_type, admissions):
    out = d(40)
    back = out + timedelta(days=back_after)
    st = stay(s.StayEvent(discharge, out), s.StayEvent("return", back))
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5))]
    assert s.entry_type(st, back, back) == entry_type
    items = s.compute_due(st, records, back + timedelta(days=2))
    assert len(items_of(items, "admission")) == admissions
    assert len(items_of(items, "entry")) == 2  # an entry tracking record for every entry
    assert len(items_of(items, discharge)) == 1


def test_new_admission_restarts_the_obra_clock():
    out, back = d(40), d(40 + 45)
    st = stay(s.StayEvent("discharge_ra", out), s.StayEvent("return", back))
    records = [
        entry_rec("e", ADM),
        rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5)),
        rec("x", Rfa(f="11", e="0", g="1"), ard=out, event=out),
        entry_rec("e2", back),
        rec("a2", Rfa("01", e="1"), ard=back + timedelta(days=4), v0200c2=back + timedelta(days=4)),
    ]
    q = [i for i in s.compute_due(st, records, back + timedelta(days=30)) if i.kind == "quarterly"]
    assert len(q) == 1 and q[0].window_end == back + timedelta(days=4 + 92)


def test_quarterly_due_while_out_gets_13_days_after_reentry():
    adm_ard = d(5)
    deadline = adm_ard + timedelta(days=92)
    out, back = deadline - timedelta(days=3), deadline + timedelta(days=5)
    st = stay(s.StayEvent("discharge_ra", out), s.StayEvent("return", back))
    records = [
        entry_rec("e", ADM),
        rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard),
        rec("x", Rfa(f="11", e="0", g="1"), ard=out, event=out),
        entry_rec("e2", back),
    ]
    item = only(s.compute_due(st, records, back + timedelta(days=1)), "quarterly")
    assert (item.window_end, item.state) == (back + timedelta(days=13), "due")


def test_scheduled_obra_lapses_when_resident_leaves_for_good():
    adm_ard = d(5)
    st = stay(s.StayEvent("discharge_rna", adm_ard + timedelta(days=60)))
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard)]
    assert items_of(s.compute_due(st, records, adm_ard + timedelta(days=120)), "quarterly") == []


def test_out_over_30_days_without_return_ends_the_episode():
    adm_ard = d(5)
    out = adm_ard + timedelta(days=60)
    st = stay(s.StayEvent("discharge_ra", out))
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard)]
    assert items_of(s.compute_due(st, records, out + timedelta(days=31)), "quarterly") == []
    # still out within 30 days: the quarterly is suspended, not late
    assert items_of(s.compute_due(st, records, out + timedelta(days=20)), "quarterly") == []


@pytest.mark.parametrize(
    "events",
    [
        (s.StayEvent("return", d(5)),),  # return while in facility
        (s.StayEvent("discharge_ra", d(5)), s.StayEvent("discharge_ra", d(6))),
        (s.StayEvent("death", d(5)), s.StayEvent("return", d(6))),
        (s.StayEvent("holiday", d(5)),),
    ],
)
def test_impossible_timelines_are_refused(events):
    with pytest.raises(ValueError):
        s.compute_due(stay(*events), [], d(10))


# ---------------------------------------------------------------- submission (-3810) and target date (-9017)


@pytest.mark.parametrize(
    ("r", "kw", "expected_off", "provisional"),
    [
        (Rfa(f="01"), {"event_date": d(1)}, 14, False),  # entry: A1600 + 14
        (Rfa(f="12"), {"event_date": d(1)}, 14, False),  # death: A2000 + 14
        (Rfa("02", e="0"), {"ard": d(1), "z0500b": d(3)}, 2 + 14, False),  # quarterly: Z0500B + 14
        (Rfa(f="10", e="0", g="1"), {"ard": d(1), "event_date": d(1), "z0500b": d(2)}, 1 + 14, False),
        (Rfa(b="01", e="1"), {"ard": d(1), "z0500b": d(4)}, 3 + 14, False),
        (Rfa("03", e="0"), {"ard": d(1), "z0500b": d(2), "v0200c2": d(9)}, 8 + 14, False),  # V0200C2 + 14
    ],
)
def test_submission_deadline_3810(r, kw, expected_off, provisional):
    a = s.Assessment("x", r, **kw)
    assert s.submission_deadline(a) == (d(1) + timedelta(days=expected_off), provisional)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"z0500b": d(10), "v0200c2": d(15)}, (d(15) + timedelta(days=14), False)),
        ({"z0500b": d(10), "v0200b2": d(12)}, (d(12) + timedelta(days=21), True)),
        ({"z0500b": d(10)}, (d(10) + timedelta(days=21), True)),
        ({}, (None, True)),
    ],
)
def test_comprehensive_submission_uses_care_plan_date(kw, expected):
    assert s.submission_deadline(s.Assessment("a", Rfa("01", e="1"), ard=d(5), **kw)) == expected


@pytest.mark.parametrize(
    ("state", "z_day", "today_day", "phase", "item_state", "days_late"),
    [
        ("completed", 6, 19, "submit", "due", 0),
        ("completed", 6, 20, "submit", "due", 0),  # Z0500B + 14 = day 20
        ("completed", 6, 21, "submit", "late", 1),
        ("exported", 6, 22, "submit", "late", 2),
        ("rejected", 6, 22, "submit", "late", 2),
        ("submitted", 6, 22, "done", "done", 0),
    ],
)
def test_submission_phase_of_a_quarterly(state, z_day, today_day, phase, item_state, days_late):
    adm_ard = d(1) - timedelta(days=80)
    st = s.Stay(1, 2, adm_ard - timedelta(days=4))
    q_ard = d(5)
    records = [
        entry_rec("e", st.admission_date),
        rec("a", Rfa("01", e="1"), ard=adm_ard, v0200c2=adm_ard),
        rec("q", Rfa("02", e="0"), ard=q_ard, state=state, z=d(z_day)),
    ]
    item = [i for i in s.compute_due(st, records, d(today_day)) if i.assessment_id == "q"][0]
    assert (item.phase, item.state, item.days_late) == (phase, item_state, days_late)
    if phase == "submit":
        assert item.window_end == d(z_day) + timedelta(days=14)


def test_target_date_9017():
    assert s.Assessment("e", Rfa(f="01"), event_date=d(3)).target_date == d(3)
    assert s.Assessment("x", Rfa(f="10", e="0", g="1"), ard=d(4), event_date=d(4)).target_date == d(4)
    assert s.Assessment("q", Rfa("02", e="0"), ard=d(9)).target_date == d(9)


def test_pending_correction_due_14_days_after_x1100e():
    corr = s.Correction("2", x1100e=d(30), state="completed")
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5), corrections=(corr,))]
    item = [i for i in s.compute_due(stay(), records, d(45)) if i.phase == "submit_correction"][0]
    assert (item.window_end, item.state, item.days_late, item.kind) == (d(44), "late", 1, "admission")


def test_inactivated_record_does_not_count():
    corr = s.Correction("3", x1100e=d(30), state="accepted")
    records = [entry_rec("e", ADM), rec("a", Rfa("01", e="1"), ard=d(5), v0200c2=d(5), corrections=(corr,))]
    assert only(s.compute_due(stay(), records, d(40)), "admission").state == "late"


# ---------------------------------------------------------------- output


def test_to_json_rows_contract():
    items = s.compute_due(stay(), [entry_rec("e", ADM)], d(20))
    rows = s.to_json_rows(items)
    assert rows == [
        {
            "resident_id": 7,
            "stay_id": 70,
            "kind": "admission",
            "window_start": "2025-01-01",
            "window_end": "2025-01-14",
            "state": "late",
            "days_late": 6,
        }
    ]
    json.dumps(rows)
    assert all(set(r) == set(s.JSON_KEYS) for r in rows)
    assert len(s.to_json_rows(items, include_done=True)) == 2
    assert s.to_json_rows(items, extended=True)[0]["phase"] == "ard"


def test_summarize_counts():
    today = d(16)
    records = [
        rec("e", Rfa(f="01"), event=ADM, state="completed"),
        rec("p", Rfa(b="01", e="1"), ard=d(6), state="in_progress"),
    ]
    items = s.compute_due(stay(part_a=(s.PartAStay(ADM),)), records, today)
    pps = only(items, "pps_5day")
    assert (pps.phase, pps.window_end) == ("complete", d(6) + timedelta(days=14))  # Z0500B ≤ ARD + 14
    summary = s.summarize(items, today)
    c = summary["counts"]
    assert [(i.kind, i.days_late) for i in summary["late"]] == [("admission", 2), ("entry", 1)]
    assert [i.kind for i in summary["due_this_week"]] == ["pps_5day"]
    assert (c["late"], c["due_this_week"], c["in_progress"], c["signed_not_exported"]) == (2, 1, 1, 1)
    assert summary["by_kind"] == {"admission": 1, "pps_5day": 1, "entry": 1}
    assert s.summarize(items, d(1))["counts"]["due_this_week"] == 0  # pps ends day 20: not this week
