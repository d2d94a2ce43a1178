"""Utilization casework over HTTP (issue 19): certifications and the review queue, Medicare notices on time and
late, discharge plans on the board, hospital transfers and the rates, the clean board, roles, audit, 422/409/404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from facility.tables import AuditEvent, Resident, Stay, StayEvent, User
from facility.utilization.tables import (
    PriorAuthorization,
    UrCertification,
    UrDischargePlan,
    UrNotice,
    UrReview,
    UrTransferReview,
)

HX = {"HX-Request": "true"}
TODAY = date.today()


async def _stay(
    world: Any, name: str, admitted: date, payer: str, admitted_from: str = "Acute hospital"
) -> int:
    actor = (await User.select(User.id).where(User.username_key == "coord_a").first())["id"]
    r = Resident(
        facility=world.facility_a,
        unit=world.unit_a,
        last_name=name,
        first_name="Case",
        birth_date=date(1941, 2, 3),
        sex="M",
        room="202B",
        created_by=actor,
        updated_by=actor,
    )
    await r.save()
    s = Stay(
        resident=r.id,
        facility=world.facility_a,
        admission_date=admitted,
        payer=payer,
        admitted_from=admitted_from,
        created_by=actor,
        updated_by=actor,
    )
    await s.save()
    await StayEvent(stay=s.id, kind="admission", event_date=admitted, created_by=actor).save()
    return int(s.id)


async def _event(stay_id: int, kind: str, when: date) -> None:
    actor = (await User.select(User.id).first())["id"]
    await StayEvent(stay=stay_id, kind=kind, event_date=when, created_by=actor).save()


async def test_certification_queue_and_recertification(client: Any, world: Any) -> None:
    # 42 CFR 424.20: certification at admission (day 1), first recertification by day 14.
    stay = await _stay(world, "Carver", TODAY - timedelta(days=15), "medicare_a")
    await client.login("um_a")
    queue = await client.get("/utilization/worklist")
    assert queue.status_code == 200 and "Carver" in queue.text and "Physician certification" in queue.text
    bad = await client.post(
        f"/utilization/stays/{stay}/certifications",
        {"signed_date": (TODAY + timedelta(days=1)).isoformat()},
        headers=HX,
    )
    assert (
        bad.status_code == 422
        and "cannot be in the future" in bad.text
        and await UrCertification.count() == 0
    )
    ok = await client.post(
        f"/utilization/stays/{stay}/certifications",
        {"signed_date": (TODAY - timedelta(days=15)).isoformat(), "signed_by": "Dr. Lee"},
        headers=HX,
    )
    assert ok.status_code == 200 and "Recertification 1" in ok.text and "Overdue" in ok.text
    queue = await client.get("/utilization/worklist?kind=recertification")
    assert (
        "Carver" in queue.text
        and 'data-kind="recertification"' in queue.text
        and 'data-state="overdue"' in queue.text
    )
    early = await client.post(
        f"/utilization/stays/{stay}/certifications",
        {"signed_date": (TODAY - timedelta(days=16)).isoformat(), "signed_by": "Dr. Lee"},
        headers=HX,
    )
    assert early.status_code == 422 and "before the previous one" in early.text
    # signed on day 15, one day late; 424.20(c)(2): the next one within 30 days of it
    await client.post(
        f"/utilization/stays/{stay}/certifications",
        {"signed_date": (TODAY - timedelta(days=1)).isoformat(), "signed_by": "Dr. Lee"},
    )
    page = await client.get(f"/utilization/stays/{stay}")
    assert "Signed late" in page.text and "Recertification 2" in page.text
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "ur_certification") & (AuditEvent.action == "create")
        )
        == 2
    )


async def test_skilled_services_weeks_and_summary(client: Any, world: Any) -> None:
    stay = await _stay(world, "Dunn", TODAY - timedelta(days=6), "medicare_a")
    await client.login("coord_a")
    missing = await client.post(
        f"/utilization/stays/{stay}/skilled-services",
        {"service_date": TODAY.isoformat(), "discipline": "pt", "source": "therapy_log", "description": ""},
        headers=HX,
    )
    assert missing.status_code == 422 and "Enter the therapy minutes" in missing.text
    for offset in range(5):  # 409.34(a)(2): therapy 5 days a week
        day = (TODAY - timedelta(days=6 - offset)).isoformat()
        r = await client.post(
            f"/utilization/stays/{stay}/skilled-services",
            {
                "service_date": day,
                "discipline": "pt",
                "minutes": "60",
                "source": "therapy_log",
                "description": "Gait training",
            },
            headers=HX,
        )
        assert r.status_code == 200
    page = await client.get(f"/utilization/stays/{stay}")
    assert 'data-testid="skilled-weeks"' in page.text and "Met" in page.text
    summary = await client.get(f"/utilization/stays/{stay}/summary")
    assert (
        summary.status_code == 200
        and "Concurrent review summary" in summary.text
        and "Gait training" in summary.text
    )
    assert await AuditEvent.count().where(AuditEvent.object_type == "ur_review_summary") == 1


async def test_nomnc_on_time_and_late_with_expedited_clock(client: Any, world: Any, make_client: Any) -> None:
    stay = await _stay(world, "Ellis", TODAY - timedelta(days=20), "medicare_a")
    await client.login("um_a")
    last = TODAY + timedelta(days=3)
    # CMS-10123 exception: no NOMNC when the benefit days are exhausted.
    no = await client.post(
        f"/utilization/stays/{stay}/notices",
        {
            "kind": "nomnc",
            "payer": "medicare_a",
            "end_reason": "benefit_exhausted",
            "last_covered_day": last.isoformat(),
        },
        headers=HX,
    )
    assert no.status_code == 422 and "No NOMNC is required" in no.text
    # CMS-10055: no SNF ABN for a Medicare Advantage enrollee.
    abn = await client.post(
        f"/utilization/stays/{stay}/notices",
        {
            "kind": "snf_abn",
            "payer": "medicare_advantage",
            "end_reason": "plan_decision",
            "last_covered_day": last.isoformat(),
        },
        headers=HX,
    )
    assert abn.status_code == 422 and "Original Medicare" in abn.text
    r = await client.post(
        f"/utilization/stays/{stay}/notices",
        {
            "kind": "nomnc",
            "payer": "medicare_a",
            "end_reason": "skilled_ended",
            "last_covered_day": last.isoformat(),
        },
        headers=HX,
    )
    assert r.status_code == 200 and 'data-state="upcoming"' in r.text or 'data-state="due"' in r.text
    notice = await UrNotice.select().first()
    queue = await client.get("/utilization/worklist?kind=nomnc")
    assert "Ellis" in queue.text
    no_who = await client.post(
        f"/utilization/notices/{notice['id']}",
        {"delivered_date": TODAY.isoformat(), "version": "1"},
        headers=HX,
    )
    assert no_who.status_code == 422 and "Say who received" in no_who.text
    on_time = await client.post(
        f"/utilization/notices/{notice['id']}",
        {
            "delivered_date": TODAY.isoformat(),
            "delivered_to": "resident",
            "signer_name": "Ed Ellis",
            "version": "1",
        },
        headers=HX,
    )
    assert on_time.status_code == 200 and 'data-state="on_time"' in on_time.text
    stale = await client.post(
        f"/utilization/notices/{notice['id']}",
        {
            "delivered_date": TODAY.isoformat(),
            "delivered_to": "resident",
            "signer_name": "Someone",
            "version": "1",
        },
        headers=HX,
    )
    assert stale.status_code == 409
    # the expedited determination: requested, the QIO notified us, DENC not yet delivered -> flagged
    r = await client.post(
        f"/utilization/notices/{notice['id']}",
        {
            "delivered_date": TODAY.isoformat(),
            "delivered_to": "resident",
            "signer_name": "Ed Ellis",
            "qio_requested": TODAY.isoformat(),
            "qio_notified": TODAY.isoformat(),
            "version": "2",
        },
        headers=HX,
    )
    assert r.status_code == 200 and "QIO decision by" in r.text
    queue = await client.get("/utilization/worklist")
    assert 'data-kind="expedited"' in queue.text

    late_stay = await _stay(world, "Fox", TODAY - timedelta(days=30), "medicare_a")
    await client.post(
        f"/utilization/stays/{late_stay}/notices",
        {
            "kind": "nomnc",
            "payer": "medicare_a",
            "end_reason": "skilled_ended",
            "last_covered_day": (TODAY + timedelta(days=1)).isoformat(),
        },
    )
    late = await UrNotice.select().where(UrNotice.stay == late_stay).first()
    r = await client.post(
        f"/utilization/notices/{late['id']}",
        {
            "delivered_date": TODAY.isoformat(),
            "delivered_to": "representative",
            "signer_name": "Fay Fox",
            "version": "1",
        },
        headers=HX,
    )
    assert 'data-state="late"' in r.text and "cannot end before" in r.text
    board = await client.get("/utilization")
    assert "late notice" in board.text
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "ur_notice") & (AuditEvent.action == "update")
        )
        == 3
    )
    sheet = await client.get(f"/utilization/stays/{stay}/notice-sheet.pdf?lang=es")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


async def test_read_roles_and_other_facility(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    assert (await client.get("/utilization/worklist")).status_code == 200
    assert (await client.get("/utilization/transfers")).status_code == 200
    r = await client.post(
        f"/utilization/stays/{world.stay_a}/notices",
        {
            "kind": "nomnc",
            "payer": "medicare_a",
            "end_reason": "skilled_ended",
            "last_covered_day": TODAY.isoformat(),
        },
    )
    assert r.status_code == 403 and await UrNotice.count() == 0
    await client.login("coord_a")
    for url, data in (
        (f"/utilization/stays/{world.stay_b}/discharge-plan", {"destination": "home"}),
        (
            f"/utilization/stays/{world.stay_b}/certifications",
            {"signed_date": TODAY.isoformat(), "signed_by": "x"},
        ),
        (f"/utilization/stays/{world.stay_b}/transfer-review", {"transfer_date": TODAY.isoformat()}),
        (
            "/utilization/transfers/observation",
            {"stay_id": str(world.stay_b), "transfer_date": TODAY.isoformat()},
        ),
    ):
        assert (await client.post(url, data)).status_code == 404
    assert (await client.get(f"/utilization/stays/{world.stay_b}/summary")).status_code == 404
    assert await UrDischargePlan.count() == 0 and await UrTransferReview.count() == 0


async def test_discharge_plan_readiness_on_the_board(client: Any, world: Any, make_client: Any) -> None:
    stay = await _stay(world, "Gomez", TODAY - timedelta(days=10), "medicare_a")
    await client.login("coord_a")
    bad = await client.post(
        f"/utilization/stays/{stay}/discharge-plan",
        {"destination": "moon", "education_done": "1", "goals": "keep"},
        headers=HX,
    )
    assert bad.status_code == 422 and "keep" in bad.text and await UrDischargePlan.count() == 0
    form = {
        "destination": "home_health",
        "target_date": (TODAY + timedelta(days=7)).isoformat(),
        "goals": "Home with daughter",
        "service_home_health": "1",
        "approval_home_health": "approved",
        "provider_home_health": "County HHA",
        "service_dme": "1",
        "approval_dme": "requested",
        "education": "Walker use, medications",
        "education_done": "1",
        **{f"doc_{k}": "1" for k in ("discharge_summary", "medication_list", "orders", "care_instructions")},
    }
    r = await client.post(f"/utilization/stays/{stay}/discharge-plan", form, headers=HX)
    assert r.status_code == 200 and "5 of 6 done" in r.text
    board = await client.get("/utilization")
    assert "5 of 6" in board.text
    other = await make_client()
    await other.login("um_a")
    ok = await other.post(
        f"/utilization/stays/{stay}/discharge-plan",
        {**form, "approval_dme": "approved", "version": "1"},
        headers=HX,
    )
    assert ok.status_code == 200 and 'data-testid="readiness">Ready' in ok.text
    stale = await client.post(
        f"/utilization/stays/{stay}/discharge-plan", {**form, "goals": "mine", "version": "1"}, headers=HX
    )
    assert stale.status_code == 409 and "mine" in stale.text
    plan = await UrDischargePlan.select().first().output(load_json=True)
    assert {s["service"]: s["approval"] for s in plan["services"]} == {
        "home_health": "approved",
        "dme": "approved",
    }


async def test_transfer_log_review_and_rates(client: Any, world: Any) -> None:
    # A short-stay resident entered from a hospital and went back 12 days later (A2105 not on an MDS record).
    stay = await _stay(world, "Hale", TODAY - timedelta(days=60), "medicare_a")
    await _event(stay, "discharge_return_anticipated", TODAY - timedelta(days=48))
    await _event(stay, "reentry", TODAY - timedelta(days=44))
    await _stay(
        world, "Ives", TODAY - timedelta(days=50), "medicare_a"
    )  # entered from a hospital, stayed out of it
    await client.login("um_a")
    page = await client.get("/utilization/transfers")
    assert (
        page.status_code == 200
        and "Hale" in page.text
        and "A2105 not recorded" in page.text
        and "within 30 days" in page.text
    )
    drill = await client.get("/utilization/transfers?show=521", headers=HX)
    assert drill.status_code == 200 and "<html" not in drill.text
    assert 'data-readmitted="1"' in drill.text and "Hale" in drill.text and "Ives" in drill.text
    bad = await client.post(
        f"/utilization/stays/{stay}/transfer-review",
        {"transfer_date": (TODAY - timedelta(days=48)).isoformat(), "kind": "discharge", "avoidable": "yes"},
    )
    assert bad.status_code == 422 and "Give the reason" in bad.text
    ok = await client.post(
        f"/utilization/stays/{stay}/transfer-review",
        {
            "transfer_date": (TODAY - timedelta(days=48)).isoformat(),
            "kind": "discharge",
            "a2105": "04",
            "reason": "respiratory",
            "avoidable": "no",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = await client.get("/utilization/transfers")
    assert "Short-term general hospital" in page.text and "A2105 not recorded" not in page.text
    obs = await client.post(
        "/utilization/transfers/observation",
        {
            "stay_id": str(stay),
            "transfer_date": (TODAY - timedelta(days=5)).isoformat(),
            "returned_date": (TODAY - timedelta(days=4)).isoformat(),
            "reason": "cardiac",
        },
        follow_redirects=False,
    )
    assert obs.status_code == 303 and await UrTransferReview.count() == 2
    stay_page = await client.get(f"/utilization/stays/{stay}")
    assert 'data-testid="stay-transfers"' in stay_page.text and "observation stay" in stay_page.text


async def test_clean_board_payer_today_targets_and_authorisations(
    client: Any, world: Any, make_client: Any
) -> None:
    part_a = await _stay(world, "Jones", TODAY - timedelta(days=12), "medicare_a")
    private = await _stay(world, "King", TODAY - timedelta(days=900), "private", admitted_from="Home")
    ma = await _stay(world, "Lowe", TODAY - timedelta(days=20), "medicare_advantage")
    actor = (await User.select(User.id).first())["id"]
    await PriorAuthorization(
        facility=world.facility_a,
        resident=(await Stay.select().where(Stay.id == ma).first())["resident"],
        stay=ma,
        payer="medicare_advantage",
        start_date=TODAY - timedelta(days=20),
        end_date=TODAY - timedelta(days=2),
        approved_days=18,
        status="approved",
        created_by=actor,
        updated_by=actor,
    ).save()
    admin = await make_client()
    await admin.login("admin_a")
    assert (
        await admin.post("/utilization/targets", {"payer": "private", "target_days": "120"})
    ).status_code == 422
    await admin.post("/utilization/targets", {"payer": "medicare_advantage", "target_days": "14"})
    await client.login("um_a")
    board = await client.get("/utilization")
    assert 'data-testid="total-part-a">1<' in board.text  # Jones; Anders's Part A days are exhausted
    assert "Authorisation expired" in board.text and 'data-testid="auth-flag"' in board.text
    rows = board.text.split('data-testid="board-row"')
    king = next(r for r in rows if "King" in r)
    lowe = next(r for r in rows if "Lowe" in r)
    assert "over target" not in king and "over target" in lowe
    assert await UrReview.count() == 0 and part_a and private
