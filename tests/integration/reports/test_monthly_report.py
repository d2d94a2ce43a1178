"""Monthly facility report (HTML, CSV, PDF), roles, the chain roll-up, and the pure pieces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from facility.tables import AuditEvent, Facility
from surveys.qm import services as qm_services
from surveys.reports import services as reports


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    reports.clear_cache()
    qm_services.clear_cache()
    yield
    reports.clear_cache()
    qm_services.clear_cache()


def test_daily_census_counts_midnights() -> None:
    ev = lambda i, k, d: {"id": i, "kind": k, "event_date": d}  # noqa: E731
    stays = [
        {
            "events": [
                ev(1, "admission", date(2026, 3, 30)),
                ev(2, "discharge_return_anticipated", date(2026, 4, 3)),
                ev(3, "reentry", date(2026, 4, 5)),
            ]
        },
        {"events": [ev(4, "admission", date(2026, 4, 2)), ev(5, "death", date(2026, 4, 4))]},
    ]
    counts = daily_census = reports.daily_census(stays, date(2026, 4, 1), date(2026, 4, 6))
    assert daily_census == [1, 2, 1, 0, 1, 1] and len(counts) == 6


def test_on_time_rule() -> None:
    rows = [
        {"ard": date(2026, 4, 1), "status": "completed", "z0500b": date(2026, 4, 15)},  # ARD + 14: on time
        {"ard": date(2026, 4, 1), "status": "completed", "z0500b": date(2026, 4, 16)},  # late
        {"ard": date(2026, 4, 2), "status": "in_progress", "z0500b": None},  # unsigned past the deadline
        {"ard": date(2026, 4, 29), "status": "in_progress", "z0500b": None},  # not yet due
        {"ard": date(2026, 3, 31), "status": "completed", "z0500b": date(2026, 4, 1)},
    ]  # other month
    assert reports.on_time(rows, date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1)) == {
        "due": 3,
        "on_time": 1,
        "late": 1,
        "open_late": 1,
    }
    assert reports.percent(1, 3) == 33.3 and reports.percent(0, 0) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-04", "2026-04"), ("2026-13", "2026-05"), ("2999-01", "2026-05"), ("x", "2026-05")],
)
def test_parse_month(text: str, expected: str) -> None:
    assert reports.parse_month(text, date(2026, 5, 20)) == expected


async def test_monthly_report_html_csv_pdf(client: Any, world: Any) -> None:
    await client.login("admin_a")
    page = await client.get("/reports/monthly")
    assert page.status_code == 200 and "Monthly facility report" in page.text
    assert 'id="chart-census"' in page.text and "Alpha Nursing" in page.text
    # no signed assessments: QM and case-mix say so instead of showing a number
    assert "not available: no signed MDS assessments yet" in page.text
    csv = await client.get("/reports/monthly.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.startswith("facility,ccn,month,section,measure,value,note") and "Alpha Nursing,365001" in text
    assert "Residents in the building today,1" in text
    pdf = await client.get("/reports/monthly.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    exports = (
        await AuditEvent.select(AuditEvent.after)
        .where((AuditEvent.object_type == "monthly_report") & (AuditEvent.action == "export"))
        .output(load_json=True)
    )
    assert sorted(e["after"]["format"] for e in exports) == ["csv", "pdf"]


async def test_csv_cells_are_formula_safe(world: Any) -> None:
    facility = {"id": world.facility_a, "name": '=HYPERLINK("x")', "ccn": "365001", "state": "OH"}
    report = await reports.monthly_report(facility, "2026-01", date(2026, 2, 1), use_cache=False)
    assert "'=HYPERLINK" in reports.report_csv(report).decode("utf-8-sig")


async def test_missing_source_is_not_available(world: Any, monkeypatch: Any) -> None:
    async def nothing(*args: Any) -> None:
        return None

    async def nothing_twice(*args: Any) -> tuple[None, None]:
        return None, None

    monkeypatch.setattr(reports, "_assessments", nothing_twice)
    for source in ("_submissions", "_careplans", "_findings"):
        monkeypatch.setattr(reports, source, nothing)
    facility = (
        await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state)
        .where(Facility.id == world.facility_a)
        .first()
    )
    report = await reports.monthly_report(facility, "2026-01", date(2026, 2, 1), use_cache=False)
    summary = report.summary()
    assert summary["assessments_on_time_pct"] is None and summary["careplan_compliance_pct"] is None
    assert summary["open_survey_findings"] is None and summary["rejected_records"] is None
    assert summary["census"] == 1
    assert "not available" in reports.report_csv(report).decode("utf-8-sig")


async def test_assessments_on_time_from_mds_services(world: Any, monkeypatch: Any) -> None:
    from mds.assessments import services as mds_services

    rows = [
        {
            "id": 1,
            "stay_id": world.stay_a,
            "ard": date(2026, 1, 12),
            "status": "completed",
            "z0500b": date(2026, 1, 20),
            "a0310b": "99",
        },
        {
            "id": 2,
            "stay_id": world.stay_a,
            "ard": date(2026, 1, 14),
            "status": "in_progress",
            "z0500b": None,
            "a0310b": "99",
        },
        {
            "id": 3,
            "stay_id": world.stay_a,
            "ard": date(2025, 12, 30),
            "status": "in_progress",
            "z0500b": None,
            "a0310b": "99",
        },
    ]

    async def fake(
        facility_id: int,
        *,
        ard_from: date | None = None,
        ard_to: date | None = None,
        signed_only: bool = False,
    ) -> dict[int, list[dict[str, Any]]]:
        """The contract of mds.assessments.services.assessments_for_facility on three records of resident A."""
        if facility_id != world.facility_a:
            return {}
        return {
            world.resident_a: [
                r
                for r in rows
                if (ard_from is None or r["ard"] >= ard_from)
                and (ard_to is None or r["ard"] <= ard_to)
                and (not signed_only or r["status"] == "completed")
            ]
        }

    monkeypatch.setattr(mds_services, "assessments_for_facility", fake)
    facility = (
        await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state)
        .where(Facility.id == world.facility_a)
        .first()
    )
    report = await reports.monthly_report(facility, "2026-01", date(2026, 2, 15), use_cache=False)
    assert report.assessments == {"due": 2, "on_time": 1, "late": 0, "open_late": 1, "percent": 50.0}


@pytest.mark.parametrize("user", ["nurse_a", "um_a", "viewer_a"])
async def test_report_roles(client: Any, world: Any, user: str) -> None:
    await client.login(user)
    for url in ("/reports/monthly", "/reports/monthly.csv", "/reports/monthly.pdf", "/reports/chain"):
        assert (await client.get(url)).status_code == 403


async def test_chain_rollup_only_for_chain_wide_admins(client: Any, world: Any, make_client: Any) -> None:
    from facility.auth.service import create_user

    await client.login("admin_a")  # a facility administrator, not chain-wide
    assert (await client.get("/reports/chain")).status_code == 403
    await create_user(
        "chief", "correct horse battery", "admin", ["365001", "365002"], display_name="Chief", chain_wide=True
    )
    chief = await make_client()
    await chief.login("chief")
    page = await chief.get("/reports/chain")
    assert page.status_code == 200 and "Alpha Nursing" in page.text and "Beta Care" in page.text
    csv = (await chief.get("/reports/chain.csv")).content.decode("utf-8-sig")
    header = csv.splitlines()[0]
    assert (
        header.startswith("facility,ccn,state,month,Residents in the building today")
        and len(csv.splitlines()) == 3
    )
    assert "qm_worse_than_state" not in header and "None" not in csv  # labels, not keys; reasons, not None
    assert "no signed MDS assessments yet" in csv  # why the QM comparison is missing, for each facility


async def test_assessments_on_time_from_the_mds_table(world: Any) -> None:
    from facility.tables import User
    from mds.tables import Assessment

    actor = (await User.select(User.id).first())["id"]
    common = {
        "facility": world.facility_a,
        "resident": world.resident_a,
        "stay": world.stay_a,
        "isc": "NQ",
        "kind": "quarterly",
        "a0310a": "02",
        "created_by": actor,
        "updated_by": actor,
    }
    await Assessment(
        **common, ard=date(2026, 1, 12), status="completed", z0500b=date(2026, 1, 27)
    ).save()  # ARD + 15: late
    await Assessment(**common, ard=date(2026, 1, 20), status="completed", z0500b=date(2026, 1, 22)).save()
    await Assessment(
        **common, ard=date(2026, 2, 2), status="completed", z0500b=date(2026, 2, 3)
    ).save()  # other month
    other = {**common, "facility": world.facility_b, "resident": world.resident_b, "stay": world.stay_b}
    await Assessment(**other, ard=date(2026, 1, 12), status="in_progress").save()  # facility B: not counted
    facility = (
        await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state)
        .where(Facility.id == world.facility_a)
        .first()
    )
    report = await reports.monthly_report(facility, "2026-01", date(2026, 3, 1), use_cache=False)
    assert report.assessments == {"due": 2, "on_time": 1, "late": 1, "open_late": 0, "percent": 50.0}


async def test_chain_rollup_cache_fresh_stale_and_refresh(world: Any, monkeypatch: Any) -> None:
    """The chain roll-up is served from memory while fresh; once stale it is served at once and recomputed in the
    background for the next view; 'refresh' recomputes before answering; a new admission shows after a refresh."""
    import asyncio

    from facility.tables import Stay

    facilities = list(
        await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state).order_by(
            Facility.name
        )
    )
    today = date.today()
    month = reports.parse_month("", today)
    first = await reports.chain_rollup(facilities, month, today)
    assert [f["id"] for f, _ in first.rows] == [f["id"] for f in facilities] and not first.refreshing
    census = {f["id"]: s["admissions"] for f, s in first.rows}
    stay = await Stay.select().where(Stay.facility == world.facility_a).first()
    from facility.core import audit
    from facility.core.db import write_transaction
    from facility.tables import StayEvent

    async with (
        write_transaction()
    ):  # a write as the app makes it: with its audit row, the facility's write signal
        await StayEvent.insert(
            StayEvent(stay=stay["id"], kind="admission", event_date=today, created_by=stay["created_by"])
        )
        await audit.record(
            audit.Actor(None, "test"), "create", "stay_event", stay["id"], facility_id=world.facility_a
        )
    again = await reports.chain_rollup(facilities, month, today)
    assert (
        again.computed_at == first.computed_at and {f["id"]: s["admissions"] for f, s in again.rows} == census
    )  # fresh: cached
    monkeypatch.setattr(reports, "CHAIN_FRESH_SECONDS", 0)  # now stale: served as is, refreshed behind
    stale = await reports.chain_rollup(facilities, month, today)
    assert stale.computed_at == first.computed_at and stale.refreshing
    for _ in range(200):
        if not reports._REFRESHING:
            break
        await asyncio.sleep(0.01)
    monkeypatch.setattr(reports, "CHAIN_FRESH_SECONDS", 60)
    refreshed = await reports.chain_rollup(facilities, month, today)
    assert refreshed.computed_at > first.computed_at
    assert {f["id"]: s["admissions"] for f, s in refreshed.rows}[world.facility_a] == census[
        world.facility_a
    ] + 1
    forced = await reports.chain_rollup(facilities, month, today, refresh=True)
    assert forced.computed_at > refreshed.computed_at


async def test_chain_page_says_when_figures_were_computed(world: Any, make_client: Any) -> None:
    from facility.auth.service import create_user

    await create_user(
        "chief", "correct horse battery", "admin", ["365001", "365002"], display_name="Chief", chain_wide=True
    )
    chief = await make_client()
    await chief.login("chief")
    page = await chief.get("/reports/chain")
    assert 'data-testid="computed-at"' in page.text and "refresh=true" in page.text
    assert (await chief.get("/reports/chain?refresh=true")).status_code == 200
