"""Utilization review board over HTTP: roles, 422/409, htmx fragments, audit, facility-B ids, PDF."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from facility.tables import AuditEvent
from facility.utilization.tables import (
    Appeal,
    Denial,
    PriorAuthorization,
    StayDiagnosis,
    TripleCheck,
    UrReview,
)

HX = {"HX-Request": "true"}
TODAY = date.today()


async def _as(client: Any, user: str) -> Any:
    await client.login(user)
    return client


async def test_board_lists_open_stays_and_counts_medicare_days(client: Any, world: Any) -> None:
    await _as(client, "um_a")
    r = await client.post(
        f"/utilization/stays/{world.stay_a}/review",
        {
            "payer": "medicare_a",
            "prior_days_used": "0",
            "medical_necessity": "IV antibiotics",
            "skilled_need": "daily wound care",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = await client.get("/utilization")
    assert page.status_code == 200 and "Anders" in page.text and "Bernal" not in page.text
    days = (TODAY - date(2026, 1, 10)).days + 1
    assert f"{min(days, 100)} of 100" in page.text
    fragment = await client.get("/utilization?payer=medicaid", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Anders" not in fragment.text
    # Day 100 passed long ago: the exhausted Part A stay is no longer listed as Part A (issue 19).
    nojs = await client.get("/utilization?payer=medicare_a")
    assert "<html" in nojs.text and "Anders" not in nojs.text
    ended = await client.get("/utilization?payer=part_a_ended")
    assert "Anders" in ended.text and "Part A ended (non-covered)" in ended.text


@pytest.mark.parametrize("user", ["nurse_a", "viewer_a"])
async def test_read_roles_cannot_write(client: Any, world: Any, user: str) -> None:
    await _as(client, user)
    assert (await client.get(f"/utilization/stays/{world.stay_a}")).status_code == 200
    r = await client.post(
        f"/utilization/stays/{world.stay_a}/denials",
        {"payer": "medicare_a", "kind": "nomnc", "notice_date": TODAY.isoformat(), "reason": "x"},
    )
    assert r.status_code == 403
    assert await Denial.count() == 0


async def test_review_422_and_409_keep_the_users_values(client: Any, world: Any, make_client: Any) -> None:
    await _as(client, "coord_a")
    bad = await client.post(
        f"/utilization/stays/{world.stay_a}/review",
        {"payer": "barter", "prior_days_used": "400", "medical_necessity": "keep me"},
        headers=HX,
    )
    assert bad.status_code == 422 and "keep me" in bad.text and "<html" not in bad.text
    assert await UrReview.count() == 0
    await client.post(f"/utilization/stays/{world.stay_a}/review", {"payer": "medicaid"})
    review = await UrReview.select().first()
    other = await make_client()
    await other.login("um_a")
    await other.get(f"/utilization/stays/{world.stay_a}")
    ok = await other.post(
        f"/utilization/stays/{world.stay_a}/review",
        {"payer": "private", "version": str(review["version"])},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    stale = await client.post(
        f"/utilization/stays/{world.stay_a}/review",
        {"payer": "hospice", "version": str(review["version"]), "skilled_need": "my words"},
    )
    assert stale.status_code == 409 and "my words" in stale.text and "<html" in stale.text
    assert (await UrReview.select().first())["payer"] == "private"


async def test_denial_appeal_authorisation_diagnosis_flow(client: Any, world: Any) -> None:
    await _as(client, "um_a")
    notice = TODAY - timedelta(days=3)
    r = await client.post(
        f"/utilization/stays/{world.stay_a}/denials",
        {
            "payer": "medicare_a",
            "kind": "claim_denial",
            "notice_date": notice.isoformat(),
            "reason": "not skilled",
        },
        headers=HX,
    )
    assert r.status_code == 200 and "Changes saved." in r.text and "<html" not in r.text
    denial = await Denial.select().first()
    assert denial["appeal_deadline"] == notice + timedelta(days=120)
    bad = await client.post(
        f"/utilization/denials/{denial['id']}/appeals",
        {"level": "redetermination", "filed_date": "2001-01-01"},
        headers=HX,
    )
    assert bad.status_code == 422 and "cannot be filed before" in bad.text
    ok = await client.post(
        f"/utilization/denials/{denial['id']}/appeals",
        {"level": "redetermination", "filed_date": TODAY.isoformat()},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    appeal = await Appeal.select().first()
    decided = await client.post(
        f"/utilization/appeals/{appeal['id']}",
        {
            "level": "redetermination",
            "filed_date": TODAY.isoformat(),
            "outcome": "overturned",
            "outcome_date": TODAY.isoformat(),
            "version": "1",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303 and (await Appeal.select().first())["outcome"] == "overturned"
    stale = await client.post(
        f"/utilization/appeals/{appeal['id']}",
        {
            "level": "redetermination",
            "filed_date": TODAY.isoformat(),
            "outcome": "upheld",
            "outcome_date": TODAY.isoformat(),
            "version": "1",
        },
    )
    assert stale.status_code == 409
    r = await client.post(
        f"/utilization/stays/{world.stay_a}/authorizations",
        {
            "payer": "medicare_advantage",
            "start_date": "2026-01-10",
            "end_date": "2026-01-05",
            "status": "approved",
        },
        headers=HX,
    )
    assert r.status_code == 422 and "before the start date" in r.text
    await client.post(
        f"/utilization/stays/{world.stay_a}/authorizations",
        {
            "payer": "medicare_advantage",
            "start_date": "2026-01-10",
            "end_date": "2026-01-24",
            "approved_days": "14",
            "status": "approved",
        },
    )
    assert await PriorAuthorization.count() == 1
    bad_code = await client.post(
        f"/utilization/stays/{world.stay_a}/diagnoses", {"item": "I0020B", "code": "hip"}
    )
    assert bad_code.status_code == 422 and await StayDiagnosis.count() == 0
    await client.post(
        f"/utilization/stays/{world.stay_a}/diagnoses",
        {"item": "I0020B", "code": "s72001a", "description": "hip fracture"},
    )
    dx = await StayDiagnosis.select().first()
    assert dx["code"] == "S72.001A"
    second = await client.post(
        f"/utilization/stays/{world.stay_a}/diagnoses", {"item": "I0020B", "code": "I10"}
    )
    assert second.status_code == 422
    await client.post(f"/utilization/diagnoses/{dx['id']}/inactivate", {"version": "1"})
    assert (await StayDiagnosis.select().first())["active"] is False
    page = await client.get(f"/utilization/stays/{world.stay_a}")
    assert "not skilled" in page.text and "Overturned" in page.text
    actions = {
        (e["object_type"], e["action"])
        for e in await AuditEvent.select(AuditEvent.object_type, AuditEvent.action)
    }
    assert {
        ("denial", "create"),
        ("appeal", "create"),
        ("appeal", "update"),
        ("stay_diagnosis", "inactivate"),
        ("prior_authorization", "create"),
    } <= actions


async def test_triple_check_uses_mds_hipps(client: Any, world: Any, monkeypatch: Any) -> None:
    from facility.utilization import services as utilization_services

    async def fake_pps(resident_id: int, stay_id: int) -> list[dict[str, Any]]:
        return [
            {
                "id": 77,
                "stay_id": stay_id,
                "a0310b": "01",
                "label": {"en": "5-day", "es": "5 días"},
                "ard": date(2026, 1, 16),
            }
        ]

    async def fake_hipps(assessment_id: int) -> tuple[str, list[str]]:
        assert assessment_id == 77
        return "JBCF1", []

    monkeypatch.setattr(utilization_services, "pps_assessments", fake_pps)
    monkeypatch.setattr(utilization_services, "mds_hipps", fake_hipps)
    await _as(client, "coord_a")
    await client.post(
        f"/utilization/stays/{world.stay_a}/review",
        {"payer": "medicare_a", "pdpm_category": "Medical Management"},
    )
    bad = await client.post(
        f"/utilization/stays/{world.stay_a}/triple-checks",
        {
            "claim_from": "2026-01-10",
            "claim_through": "2026-02-03",
            "claim_hipps": "ZZZZZ",
            "assessment_id": "5",
        },
    )
    assert bad.status_code == 422 and await TripleCheck.count() == 0
    await client.post(
        f"/utilization/stays/{world.stay_a}/triple-checks",
        {
            "claim_from": "2026-01-10",
            "claim_through": "2026-01-31",
            "claim_hipps": "JBCF1",
            "billed_days": "22",
            "assessment_id": "77",
            "certification_date": "2026-01-10",
        },
    )
    row = await TripleCheck.select().first()
    assert row["mds_hipps"] == "JBCF1"
    page = await client.get(f"/utilization/stays/{world.stay_a}")
    assert "Billed days 22 = covered days 22" in page.text


async def test_never_delete(world: Any) -> None:
    from facility.utilization.tables import UrReview as R

    await R(
        facility=world.facility_a, resident=world.resident_a, stay=world.stay_a, created_by=1, updated_by=1
    ).save()
    with pytest.raises(Exception, match="never deleted"):  # the trigger's message, on SQLite and PostgreSQL
        await R.delete(force=True)
    assert await R.count() == 1


async def test_medicaid_sheet_pdf_in_spanish(client: Any, world: Any) -> None:
    await _as(client, "um_a")
    r = await client.get(f"/utilization/stays/{world.stay_a}/medicaid-sheet.pdf?lang=es")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/pdf")
    assert r.content.startswith(b"%PDF")
    assert b"Informaci" in r.content or len(r.content) > 1500
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "medicaid_sheet") & (AuditEvent.action == "export")
        )
        == 1
    )


B_ROUTES = [
    ("get", "/utilization/stays/{stay_b}"),
    ("get", "/utilization/stays/{stay_b}/medicaid-sheet.pdf?lang=es"),
    ("post", "/utilization/stays/{stay_b}/review"),
    ("post", "/utilization/stays/{stay_b}/authorizations"),
    ("post", "/utilization/stays/{stay_b}/denials"),
    ("post", "/utilization/stays/{stay_b}/diagnoses"),
    ("post", "/utilization/stays/{stay_b}/triple-checks"),
    ("post", "/utilization/authorizations/{auth_b}"),
    ("post", "/utilization/denials/{denial_b}/appeals"),
    ("post", "/utilization/appeals/{appeal_b}"),
    ("post", "/utilization/diagnoses/{dx_b}/inactivate"),
    ("post", "/utilization/triple-checks/{tc_b}"),
]


@pytest.mark.parametrize(("method", "template"), B_ROUTES)
async def test_facility_b_ids_are_404(client: Any, world: Any, method: str, template: str) -> None:
    common = {
        "facility": world.facility_b,
        "resident": world.resident_b,
        "stay": world.stay_b,
        "created_by": 1,
        "updated_by": 1,
    }
    d = date(2026, 1, 12)
    auth = PriorAuthorization(**common, payer="medicaid", start_date=d, end_date=d)
    await auth.save()
    denial = Denial(**common, payer="medicaid", kind="denial_letter", notice_date=d)
    await denial.save()
    appeal = Appeal(
        facility=world.facility_b,
        denial=denial.id,
        level="fair_hearing",
        filed_date=d,
        created_by=1,
        updated_by=1,
    )
    await appeal.save()
    dx = StayDiagnosis(**common, item="I8000", code="I10")
    await dx.save()
    tc = TripleCheck(**common, claim_from=d, claim_through=d)
    await tc.save()
    url = template.format(
        stay_b=world.stay_b, auth_b=auth.id, denial_b=denial.id, appeal_b=appeal.id, dx_b=dx.id, tc_b=tc.id
    )
    await _as(client, "admin_a")
    data = {
        "version": "1",
        "payer": "medicare_a",
        "kind": "nomnc",
        "notice_date": "2026-01-12",
        "reason": "x",
        "item": "I8000",
        "code": "I10",
        "level": "redetermination",
        "filed_date": "2026-01-13",
        "start_date": "2026-01-12",
        "end_date": "2026-01-20",
        "status": "approved",
        "claim_from": "2026-01-12",
        "claim_through": "2026-01-20",
    }
    r = await (client.get(url) if method == "get" else client.post(url, data))
    assert r.status_code == 404
    assert await Denial.count() == 1 and await Appeal.count() == 1 and await UrReview.count() == 0
    assert (await StayDiagnosis.select().first())["active"] is True
    assert (
        await AuditEvent.count().where((AuditEvent.action == "denied") & (AuditEvent.outcome == "not_found"))
        >= 1
    )


async def test_targets_admin_only_and_over_target(client: Any, world: Any, make_client: Any) -> None:
    await _as(client, "um_a")
    assert (
        await client.post("/utilization/targets", {"payer": "medicaid", "target_days": "20"})
    ).status_code == 403
    admin = await make_client()
    await admin.login("admin_a")
    assert (
        await admin.post("/utilization/targets", {"payer": "medicaid", "target_days": "0"})
    ).status_code == 422
    await admin.post("/utilization/targets", {"payer": "medicare_a", "target_days": "20"})
    await admin.post(f"/utilization/stays/{world.stay_a}/review", {"payer": "medicare_a"})
    page = await admin.get("/utilization")
    assert "over target" in page.text


async def test_resident_tab(client: Any, world: Any) -> None:
    await _as(client, "nurse_a")
    r = await client.get(f"/residents/{world.resident_a}?tab=utilization", headers=HX)
    assert r.status_code == 200 and "Open the review" in r.text
