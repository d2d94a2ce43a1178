"""Table-driven tests of facility.utilization.rules. Each case names the rule it checks and its source."""

from __future__ import annotations

import csv
import statistics
from datetime import date, timedelta
from pathlib import Path

import pytest

from facility.utilization import rules as r

D = date
SHARED = Path("/work/shared/data/surveys/claims_quality_measures_ijh5-nb2v_sample100.csv")

# ---------------------------------------------------------------- certification: 42 CFR 424.20
CERT_CASES = [
    # (source, coverage start, signatures, today, expected [(due, state)])
    (
        "424.20(a) certification due on day 1, nothing signed",
        D(2026, 11, 1),
        [],
        D(2026, 11, 1),
        [(D(2026, 11, 1), "due")],
    ),
    (
        "424.20(a) unsigned after day 1 is overdue",
        D(2026, 11, 1),
        [],
        D(2026, 11, 3),
        [(D(2026, 11, 1), "overdue")],
    ),
    (
        "424.20(a) signed on day 2: as soon as practicable, not late; (c)(1) first recert on day 14",
        D(2026, 11, 1),
        [D(2026, 11, 2)],
        D(2026, 11, 5),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "upcoming")],
    ),
    (
        "424.20(c)(1) first recert day 14 due within 3 days",
        D(2026, 11, 1),
        [D(2026, 11, 1)],
        D(2026, 11, 12),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "due")],
    ),
    (
        "424.20(c)(1) first recert missed",
        D(2026, 11, 1),
        [D(2026, 11, 1)],
        D(2026, 11, 15),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "overdue")],
    ),
    (
        "424.20(c)(2) next recert 30 days after the day-14 signature (day 44)",
        D(2026, 11, 1),
        [D(2026, 11, 1), D(2026, 11, 14)],
        D(2026, 11, 20),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "signed"), (D(2026, 12, 14), "upcoming")],
    ),
    (
        "424.20(c)(2) an early recert (day 12) starts the 30 days earlier",
        D(2026, 11, 1),
        [D(2026, 11, 1), D(2026, 11, 12)],
        D(2026, 11, 20),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "signed"), (D(2026, 12, 12), "upcoming")],
    ),
    (
        "424.20(c)(1) recert signed on day 16 is late; (c)(2) next 30 days after it",
        D(2026, 11, 1),
        [D(2026, 11, 1), D(2026, 11, 16)],
        D(2026, 11, 20),
        [(D(2026, 11, 1), "signed"), (D(2026, 11, 14), "signed_late"), (D(2026, 12, 16), "upcoming")],
    ),
    (
        "424.20(c)(2) every 30 days: third recert",
        D(2026, 9, 1),
        [D(2026, 9, 1), D(2026, 9, 14), D(2026, 10, 14)],
        D(2026, 11, 10),
        [
            (D(2026, 9, 1), "signed"),
            (D(2026, 9, 14), "signed"),
            (D(2026, 10, 14), "signed"),
            (D(2026, 11, 13), "due"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("source", "start", "signed", "today", "expected"), CERT_CASES, ids=[c[0] for c in CERT_CASES]
)
def test_certification_schedule(
    source: str, start: date, signed: list[date], today: date, expected: list[tuple[date, str]]
) -> None:
    schedule = r.certification_schedule(start, signed, today)
    assert [(c.due, c.state) for c in schedule] == expected, source


def test_nothing_due_after_coverage_ends() -> None:
    # 424.20: certification covers the need for covered extended care; none is due once coverage has ended.
    schedule = r.certification_schedule(
        D(2026, 11, 1), [D(2026, 11, 1)], D(2026, 11, 30), coverage_end=D(2026, 11, 10)
    )
    assert [c.due for c in schedule] == [D(2026, 11, 1)]


NEXT_REVIEW_CASES = [
    (
        "facility weekly Part A review",
        "medicare_a",
        D(2026, 11, 20),
        D(2026, 11, 1),
        None,
        D(2026, 12, 14),
        D(2026, 11, 27),
    ),
    (
        "424.20(c)(2) a recert due first brings the review forward",
        "medicare_a",
        D(2026, 11, 20),
        D(2026, 11, 1),
        None,
        D(2026, 11, 24),
        D(2026, 11, 24),
    ),
    (
        "MA plan: the last authorised day",
        "medicare_advantage",
        D(2026, 11, 20),
        D(2026, 11, 1),
        D(2026, 11, 23),
        None,
        D(2026, 11, 23),
    ),
    ("Medicaid: quarterly", "medicaid", None, D(2026, 11, 1), None, None, D(2027, 1, 30)),
    ("private pay: no payer review", "private", None, D(2026, 11, 1), None, None, None),
]


@pytest.mark.parametrize(
    ("source", "payer", "last", "start", "auth", "cert", "expected"),
    NEXT_REVIEW_CASES,
    ids=[c[0] for c in NEXT_REVIEW_CASES],
)
def test_next_review(
    source: str,
    payer: str,
    last: date | None,
    start: date,
    auth: date | None,
    cert: date | None,
    expected: date | None,
) -> None:
    assert r.next_review(payer, last, start, auth, cert) == expected, source


# ---------------------------------------------------------------- skilled need: 42 CFR 409.31-409.35
def _services(start: date, pattern: str) -> list[tuple[date, str]]:
    """'N' skilled nursing, 'R' rehab, 'B' both, '.' none — one letter a day from `start`."""
    out = []
    for i, ch in enumerate(pattern):
        day = start + timedelta(days=i)
        if ch in "NB":
            out.append((day, "nursing"))
        if ch in "RB":
            out.append((day, "rehab"))
    return out


SKILLED_CASES = [
    ("409.34(a)(1) skilled nursing 7 days a week", "NNNNNNN", True, "nursing_daily"),
    ("409.34(a)(2) rehab 5 days a week", "RRRRR..", True, "rehab_5"),
    ("409.34(a)(2) rehab 6 days with nursing", "RBRRRRN", True, "rehab_5"),
    (
        "409.34(b) a one-or-two-day break in rehab (4 rehab days, longest gap 2)",
        "RR..RR.",
        True,
        "rehab_break",
    ),
    ("409.31(b)(1) neither daily nursing nor 5 rehab days", "RR...R.", False, "gap"),
    ("409.34(a)(1) nursing 6 of 7 days is not daily", "NNNNNN.", False, "gap"),
]


@pytest.mark.parametrize(
    ("source", "pattern", "met", "reason"), SKILLED_CASES, ids=[c[0] for c in SKILLED_CASES]
)
def test_skilled_week(source: str, pattern: str, met: bool, reason: str) -> None:
    start = D(2026, 11, 2)
    week = r.skilled_weeks(_services(start, pattern), start, start + timedelta(days=6))[0]
    assert (week.met, week.reason) == (met, reason), source


def test_running_week_is_partial_and_missing_days_listed() -> None:
    start = D(2026, 11, 2)
    weeks = r.skilled_weeks(_services(start, "RRRRRRR" + "R..R"), start, start + timedelta(days=10))
    assert [w.reason for w in weeks] == ["rehab_5", "partial"]
    assert weeks[1].met and weeks[1].missing == (D(2026, 11, 10), D(2026, 11, 11))


def test_mds_skilled_evidence_reads_items_by_id() -> None:
    # O0425 (Part A therapies, v1.18.11) minutes/days; O0110 "while a resident" column; '^'/'-' count as none.
    record = {
        "O0425C1": "300",
        "O0425C2": "30",
        "O0425C5": "5",
        "O0425B1": "250",
        "O0425B5": "5",
        "O0425A1": "^",
        "O0110H1B": "1",
        "O0110M1B": "0",
        "M1200G": "-",
    }
    evidence = r.mds_skilled_evidence(record)
    assert evidence["minutes"] == {"slp": 0, "ot": 250, "pt": 330}
    assert evidence["days"] == {"slp": 0, "ot": 5, "pt": 5}
    assert evidence["nursing_items"] == ["O0110H1B"] and evidence["therapy_minutes"] == 580


# ---------------------------------------------------------------- notices: CMS-10123, CMS-10055, 405.1200-405.1204
NOTICE_CASES = [
    # (source, kind, last covered day, delivered, today, state, due, valid last covered day)
    (
        "CMS-10123: last covered Friday -> by Wednesday; delivered Wednesday is on time",
        "nomnc",
        D(2026, 12, 11),
        D(2026, 12, 9),
        D(2026, 12, 9),
        "on_time",
        D(2026, 12, 9),
        D(2026, 12, 11),
    ),
    (
        "CMS-10123: delivered Monday (early) is on time",
        "nomnc",
        D(2026, 12, 11),
        D(2026, 12, 7),
        D(2026, 12, 9),
        "on_time",
        D(2026, 12, 9),
        D(2026, 12, 11),
    ),
    (
        "CMS-10123: delivered Thursday is late; coverage runs 2 days after the notice",
        "nomnc",
        D(2026, 12, 11),
        D(2026, 12, 10),
        D(2026, 12, 10),
        "late",
        D(2026, 12, 9),
        D(2026, 12, 12),
    ),
    (
        "CMS-10123: not delivered, 1 day before due",
        "nomnc",
        D(2026, 12, 11),
        None,
        D(2026, 12, 8),
        "due",
        D(2026, 12, 9),
        None,
    ),
    (
        "CMS-10123: not delivered, past due",
        "nomnc",
        D(2026, 12, 11),
        None,
        D(2026, 12, 10),
        "overdue",
        D(2026, 12, 9),
        None,
    ),
    (
        "CMS-10123: a week ahead",
        "nomnc",
        D(2026, 12, 18),
        None,
        D(2026, 12, 9),
        "upcoming",
        D(2026, 12, 16),
        None,
    ),
    (
        "CMS-10055 / CPM ch.30 §70: SNF ABN before the first non-covered day",
        "snf_abn",
        D(2026, 12, 11),
        D(2026, 12, 11),
        D(2026, 12, 11),
        "on_time",
        D(2026, 12, 11),
        None,
    ),
    (
        "CMS-10055: SNF ABN after non-covered care began is late",
        "snf_abn",
        D(2026, 12, 11),
        D(2026, 12, 13),
        D(2026, 12, 13),
        "late",
        D(2026, 12, 11),
        None,
    ),
]


@pytest.mark.parametrize(
    ("source", "kind", "last", "delivered", "today", "state", "due", "valid"),
    NOTICE_CASES,
    ids=[c[0] for c in NOTICE_CASES],
)
def test_notice_status(
    source: str,
    kind: str,
    last: date,
    delivered: date | None,
    today: date,
    state: str,
    due: date,
    valid: date | None,
) -> None:
    status = r.notice_status(kind, last, delivered, today)
    assert (status.state, status.due, status.valid_last_covered_day) == (state, due, valid), source


REQUIRED_CASES = [
    # (source, payer, reason, stays on, NOMNC, SNF ABN)
    (
        "CMS-10123: skilled care ends, Original Medicare, resident stays",
        "medicare_a",
        "skilled_ended",
        True,
        True,
        True,
    ),
    (
        "CMS-10123: skilled care ends, resident goes home: no SNF ABN",
        "medicare_a",
        "skilled_ended",
        False,
        True,
        False,
    ),
    ("CMS-10123 exception: benefit days exhausted", "medicare_a", "benefit_exhausted", True, False, False),
    ("CMS-10123 exception: resident ends care", "medicare_a", "resident_initiated", False, False, False),
    (
        "422.624: Medicare Advantage plan ends coverage; SNF ABN is Original Medicare only",
        "medicare_advantage",
        "plan_decision",
        True,
        True,
        False,
    ),
    ("no Medicare coverage: no Medicare notices", "medicaid", "skilled_ended", True, False, False),
]


@pytest.mark.parametrize(
    ("source", "payer", "reason", "stays", "nomnc", "abn"), REQUIRED_CASES, ids=[c[0] for c in REQUIRED_CASES]
)
def test_which_notices(source: str, payer: str, reason: str, stays: bool, nomnc: bool, abn: bool) -> None:
    assert (r.nomnc_required(payer, reason), r.snf_abn_required(payer, reason, stays)) == (nomnc, abn), source


def test_expedited_clock() -> None:
    # 405.1202(b)(1) request by noon the day before the end; (e)(6) QIO decides within 72 h; (f)(1) DENC the day
    # the QIO notifies the SNF; 405.1204(b)(1) QIC request by noon the next day; (c)(3) QIC within 72 h.
    clock = r.expedited_clock(
        D(2026, 12, 11),
        requested=D(2026, 12, 10),
        qio_notified=D(2026, 12, 10),
        qio_decided=D(2026, 12, 12),
        reconsideration_requested=D(2026, 12, 13),
    )
    assert clock.request_by == D(2026, 12, 10) and clock.timely_request is True
    assert clock.denc_by == D(2026, 12, 10) and clock.qio_decision_by == D(2026, 12, 13)
    assert clock.reconsideration_by == D(2026, 12, 13) and clock.qic_decision_by == D(2026, 12, 16)
    assert r.expedited_clock(D(2026, 12, 11), requested=D(2026, 12, 11)).timely_request is False


# ---------------------------------------------------------------- board: payer of today, targets, authorisations
PAYER_CASES = [
    (
        "42 CFR 409.61(b): 100 days used, Part A exhausted",
        "medicare_a",
        True,
        None,
        D(2026, 12, 5),
        "part_a_ended",
    ),
    ("NOMNC: last covered day passed", "medicare_a", False, D(2026, 12, 1), D(2026, 12, 5), "part_a_ended"),
    (
        "last covered day is today: still Part A",
        "medicare_a",
        False,
        D(2026, 12, 5),
        D(2026, 12, 5),
        "medicare_a",
    ),
    ("Medicaid stays Medicaid", "medicaid", False, None, D(2026, 12, 5), "medicaid"),
]


@pytest.mark.parametrize(
    ("source", "payer", "exhausted", "end", "today", "expected"), PAYER_CASES, ids=[c[0] for c in PAYER_CASES]
)
def test_payer_today(
    source: str, payer: str, exhausted: bool, end: date | None, today: date, expected: str
) -> None:
    assert r.payer_today(payer, exhausted, end, today) == expected, source


@pytest.mark.parametrize(
    ("payer", "los", "target", "expected"),
    [
        ("private", 900, 120, False),
        ("medicaid", 4000, 3650, False),
        ("medicare_a", 30, 25, True),
        ("medicare_advantage", 10, 14, False),
        ("medicare_advantage", 15, 14, True),
        ("medicare_a", 30, None, False),
    ],
)
def test_targets_only_where_a_payer_sets_them(
    payer: str, los: int, target: int | None, expected: bool
) -> None:
    assert r.over_target(payer, los, target) is expected


@pytest.mark.parametrize(
    ("payer", "through", "expected"),
    [
        ("medicare_advantage", D(2026, 12, 4), "expired"),
        ("medicare_advantage", D(2026, 12, 6), "expiring"),
        ("medicare_advantage", D(2026, 12, 20), ""),
        ("medicare_advantage", None, "missing"),
        ("medicare_a", None, ""),
    ],
)
def test_authorization_state(payer: str, through: date | None, expected: str) -> None:
    assert r.authorization_state(payer, through, D(2026, 12, 5)) == expected


# ---------------------------------------------------------------- discharge plan and Section Q
def test_readiness() -> None:
    assert r.discharge_readiness(None).state == "not_started"
    plan = {
        "destination": "home_health",
        "target_date": D(2026, 12, 20),
        "goals": "Walk 150 ft; home with daughter",
        "services": [
            {"service": "home_health", "approval": "approved"},
            {"service": "dme", "approval": "requested"},
        ],
        "education_done": True,
        "handoff": {k: True for k in r.HANDOFF_DOCUMENTS},
    }
    got = r.discharge_readiness(plan)
    assert got.state == "in_progress" and got.missing == ("services",) and (got.done, got.total) == (5, 6)
    plan["services"][1]["approval"] = "not_needed"
    assert r.discharge_readiness(plan).state == "ready"


def test_section_q_current_items() -> None:
    # v1.18.11 item set: Q0310A/B replaced Q0300A/B on 2023-10-01; Q0610A/Q0620 the LCA referral.
    record = {"Q0310A": "01", "Q0310B": "01", "Q0400A": "1", "Q0500B": "^", "Q0300A": "1", "Q0610A": "1"}
    assert r.section_q_goals(record) == {"Q0310A": "01", "Q0310B": "01", "Q0400A": "1", "Q0610A": "1"}
    assert r.goal_agrees("01", "home_health") is True and r.goal_agrees("02", "home") is False
    assert r.goal_agrees("09", "home") is None


# ---------------------------------------------------------------- transfers: A2105 and the 30-day rules
@pytest.mark.parametrize(
    ("code", "hospital"),
    [
        ("04", True),
        ("05", True),
        ("07", True),
        ("11", True),
        ("01", False),
        ("03", False),
        ("13", False),
        ("09", False),
    ],
)
def test_a2105_hospital_codes(code: str, hospital: bool) -> None:
    # MDS 3.0 v1.18.11 A2105 value list (shared/data/mds/mds3builder_items_v1_18_11.csv)
    assert r.is_hospital(code) is hospital


RETURN_CASES = [
    ("return on day 30 counts", D(2026, 11, 1), D(2026, 12, 1), True),
    ("return on day 31 does not", D(2026, 11, 1), D(2026, 12, 2), False),
    ("no return", D(2026, 11, 1), None, False),
]


@pytest.mark.parametrize(
    ("source", "out", "back", "expected"), RETURN_CASES, ids=[c[0] for c in RETURN_CASES]
)
def test_return_within_30_days(source: str, out: date, back: date | None, expected: bool) -> None:
    assert r.returned_within(out, back) is expected, source


def test_short_stay_rehospitalization_measure_521() -> None:
    entries = [
        r.Entry(1, D(2026, 6, 1), True, (D(2026, 6, 20),)),  # day 20: counted
        r.Entry(2, D(2026, 6, 1), True, (D(2026, 7, 1),)),  # 30 days after entry: counted
        r.Entry(3, D(2026, 6, 1), True, (D(2026, 7, 2),)),  # 31 days: not
        r.Entry(4, D(2026, 6, 5), False, (D(2026, 6, 6),)),  # entered from home: not in the measure
        r.Entry(5, D(2026, 6, 9), True, ()),
    ]
    rate, numerator = r.short_stay_rehospitalization(entries, D(2026, 6, 1), D(2026, 6, 30))
    assert (rate.numerator, rate.denominator, rate.value) == (2, 4, 50.0)
    assert [e.resident for e in numerator] == [1, 2]


def test_long_stay_days_and_rate_measure_551() -> None:
    # Long-stay days are the days after the 100th cumulative day (medicaid.gov scorecard, measure 551).
    spans = [(D(2026, 1, 1), D(2026, 3, 1)), (D(2026, 3, 5), D(2026, 12, 6))]  # 59 + 276 days
    days, long_from = r.long_stay_days(spans, D(2026, 1, 1), D(2026, 12, 5))
    assert days == 59 + 276 - 100 and long_from == D(2026, 3, 5) + timedelta(days=100 - 59)
    assert r.per_thousand(2, 1000).value == 2.0 and r.per_thousand(0, 0).value is None


def test_reference_file_matches_cms_sample() -> None:
    # facility/data keeps the 521/551 rows of the CMS file; its medians agree with the shared copy.
    from facility.utilization.reference import cms_reference

    if not SHARED.exists():
        pytest.skip("shared reference data not mounted")
    rows = list(csv.DictReader(SHARED.open()))
    for code in ("521", "551"):
        values = [
            float(x["Adjusted Score"]) for x in rows if x["Measure Code"] == code and x["Adjusted Score"]
        ]
        ref = cms_reference()[code]
        assert ref.count == len(values) and ref.median == pytest.approx(statistics.median(values))
