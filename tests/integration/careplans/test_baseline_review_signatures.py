"""Issue 18 part 3 through the pages: the baseline care plan (F655) with its 48-hour clock from a real admission
time and its required content, the next review date of each problem, and the signatures on the care-plan PDF.
Every refused form is a 422 with the message beside the field and nothing saved; stale forms are 409; facility
B's rows are 404 to a facility-A user."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.integration.careplans.conftest import fake_assessment
from tests.integration.careplans.test_careplans import HX, pdf_text

BASELINE = {
    "baseline_goals": "Walk 50 feet with a walker; go home with daughter",
    "baseline_physician_orders": "Metoprolol 25 mg twice daily",
    "baseline_dietary_orders": "Carbohydrate-controlled diet",
    "baseline_therapy": "PT and OT five days a week",
    "baseline_social": "Discharge planning with the daughter",
    "baseline_summary_to": "Ana Reyes (daughter)",
    "baseline_summary_on": "2026-01-11",
}


async def _tab(client: Any, resident_id: int, **kw: Any) -> Any:
    return await client.get(f"/residents/{resident_id}?tab=careplan", **kw)


async def _stay(world: Any) -> dict[str, Any]:
    from facility.tables import Stay

    return await Stay.select().where(Stay.id == world.stay_a).first()


async def test_clock_runs_from_the_admission_time(client: Any, world: Any, mds: Any, at_time: Any) -> None:
    from facility.tables import AuditEvent

    at_time(datetime(2026, 1, 11, 10, 0))
    await client.login("nurse_a")
    page = await _tab(client, world.resident_a)
    assert "Time not recorded: the clock counts from 00:00" in page.text
    assert "14 h 0 min left" in page.text  # from 00:00 of 2026-01-10
    # bad input: 422 with the message, the stay unchanged
    for bad in ("25:99", "", "2pm", "23:00"):  # 23:00 on 01-10 is fine; on the 10th... see below
        if bad == "23:00":
            continue
        response = await client.post(
            f"/careplans/residents/{world.resident_a}/admission-time", {"admission_time": bad, "version": "1"}
        )
        assert response.status_code == 422 and "Enter the admission time as HH:MM." in response.text, bad
    assert (await _stay(world))["admitted_at"] is None
    stale = await client.post(
        f"/careplans/residents/{world.resident_a}/admission-time", {"admission_time": "14:30", "version": "7"}
    )
    assert stale.status_code == 409 and (await _stay(world))["admitted_at"] is None
    ok = await client.post(
        f"/careplans/residents/{world.resident_a}/admission-time",
        {"admission_time": "14:30", "version": "1"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    stay = await _stay(world)
    assert stay["admission_date"] == date(2026, 1, 10) and stay["version"] == 2
    assert stay["admitted_at"].replace(tzinfo=UTC) == datetime(2026, 1, 10, 14, 30, tzinfo=UTC)
    assert (
        await AuditEvent.count().where((AuditEvent.object_type == "stay") & (AuditEvent.action == "update"))
        == 1
    )
    page = await _tab(client, world.resident_a)
    assert "Time not recorded" not in page.text and "28 h 30 min left" in page.text
    # still running at 10:00 on the 12th (midnight would have made it overdue since 00:00)
    at_time(datetime(2026, 1, 12, 10, 0))
    await client.login("nurse_a")  # the frozen clock ages the session too
    timing = await _tab(client, world.resident_a)
    assert 'data-state="running"' in timing.text and "4 h 30 min left" in timing.text
    at_time(datetime(2026, 1, 12, 14, 31))
    await client.login("nurse_a")  # the frozen clock ages the session too
    page = await _tab(client, world.resident_a)
    assert 'data-state="overdue"' in page.text and "Overdue by 0 h 1 min" in page.text


async def test_baseline_content_and_completion(client: Any, world: Any, mds: Any, at_time: Any) -> None:
    from careplans.tables import CarePlan, CarePlanEvent
    from facility.tables import AuditEvent

    at_time(datetime(2026, 1, 11, 10, 0))
    await client.login("nurse_a")  # the frozen clock ages the session too
    await client.login("nurse_a")
    await _tab(client, world.resident_a)
    url = f"/careplans/residents/{world.resident_a}/baseline"
    # completing with content missing: 422, every missing item named, nothing saved
    refused = await client.post(url, {"baseline_goals": "Walk again", "complete": "1"}, headers=HX)
    assert refused.status_code == 422 and "<html" not in refused.text
    assert refused.text.count("Required for the baseline care plan.") == 4
    assert "Say who received the summary" in refused.text and "Walk again" in refused.text
    assert await CarePlan.count() == 0
    # work in progress is saved without completing
    saved = await client.post(url, {"baseline_goals": "Walk again"}, follow_redirects=False)
    assert saved.status_code == 303
    plan = await CarePlan.select().first()
    assert plan["baseline_goals"] == "Walk again" and plan["baseline_completed_at"] is None
    version = str(plan["version"])
    # PASARR ticked without its recommendation
    pasarr = await client.post(
        url, {**BASELINE, "complete": "1", "version": version, "baseline_pasarr_applies": "1"}
    )
    assert pasarr.status_code == 422 and "Enter the PASARR recommendation" in pasarr.text
    assert (await CarePlan.select().first())["baseline_goals"] == "Walk again"
    stale = await client.post(url, {**BASELINE, "complete": "1", "version": "99"})
    assert stale.status_code == 409 and (await CarePlan.select().first())["baseline_completed_at"] is None
    done = await client.post(url, {**BASELINE, "complete": "1", "version": version}, headers=HX)
    assert done.status_code == 200 and "Baseline care plan recorded as completed." in done.text
    assert 'data-state="done"' in done.text and "within 48 hours" in done.text
    plan = await CarePlan.select().first()
    assert plan["baseline_completed_at"].replace(tzinfo=UTC) == datetime(2026, 1, 11, 10, 0, tzinfo=UTC)
    assert plan["baseline_dietary_orders"] == BASELINE["baseline_dietary_orders"]
    assert plan["baseline_summary_on"] == date(2026, 1, 11)
    audits = await AuditEvent.select().where(AuditEvent.object_type == "care_plan").output(load_json=True)
    assert len(audits) == 2
    assert await CarePlanEvent.count().where(CarePlanEvent.action == "baseline") == 2
    # a completed plan keeps its required content and its completion time
    cleared = await client.post(url, {**BASELINE, "baseline_social": "", "version": str(plan["version"])})
    assert cleared.status_code == 422 and "Required for the baseline care plan." in cleared.text
    edited = await client.post(
        url,
        {**BASELINE, "baseline_social": "Family meeting Friday", "version": str(plan["version"])},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    again = await CarePlan.select().first()
    assert again["baseline_social"] == "Family meeting Friday"
    assert again["baseline_completed_at"] == plan["baseline_completed_at"]
    pdf = pdf_text((await client.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")).content)
    assert "Summary given to Ana Reyes" in pdf


async def test_problem_review_date(client: Any, world: Any, mds: Any, at_time: Any) -> None:
    from careplans.tables import CarePlanEvent, Problem
    from facility.tables import AuditEvent

    at_time(datetime(2026, 2, 2, 9, 0))
    await client.login("nurse_a")  # the frozen clock ages the session too
    mds.add(world.resident_a, {**fake_assessment(9001), "z0500b": date(2026, 1, 20)}, {})
    await client.login("nurse_a")
    await _tab(client, world.resident_a)
    added = await client.post(
        f"/careplans/residents/{world.resident_a}/problems",
        {"focus": "Pain in the left knee", "not_triggered_reason": "Admission orders"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    problem = await Problem.select().first()
    page = await _tab(client, world.resident_a)
    # reviewed (created) 2026-02-02, after the admission assessment was completed: next quarterly, ARD + 92
    assert (
        'data-testid="review-due" data-state="scheduled"' in page.text
        and "Next review Apr 16, 2026" in page.text
    )
    url = f"/careplans/problems/{problem['id']}/review"
    late = await client.post(url, {"review_due": "2026-05-01", "version": "1"}, headers=HX)
    assert late.status_code == 422
    assert "The assessment schedule requires the next review by 2026-04-16" in late.text
    nothing = await client.post(url, {"version": "1"})
    assert nothing.status_code == 422 and "Enter the review date or the next review date." in nothing.text
    missing = await client.post(url, {"review_due": "2026-03-01"})
    assert missing.status_code == 422 and "missing its version" in missing.text
    row = await Problem.select().where(Problem.id == problem["id"]).first()
    assert row["review_due"] is None and row["reviewed_on"] is None and row["version"] == 1
    ok = await client.post(url, {"review_due": "2026-03-01", "version": "1"}, follow_redirects=False)
    assert ok.status_code == 303
    page = await _tab(client, world.resident_a)
    assert "Next review Mar 1, 2026" in page.text and "set by the team" in page.text
    stale = await client.post(url, {"reviewed_on": "2026-02-02", "version": "1"})
    assert stale.status_code == 409 and "Someone else changed this record" in stale.text
    reviewed = await client.post(url, {"reviewed_on": "2026-02-02", "version": "2"}, follow_redirects=False)
    assert reviewed.status_code == 303
    row = await Problem.select().where(Problem.id == problem["id"]).first()
    assert row["reviewed_on"] == date(2026, 2, 2) and row["review_due"] is None  # the team's date was spent
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "problem") & (AuditEvent.action == "update")
        )
        == 2
    )
    assert await CarePlanEvent.count().where(CarePlanEvent.action == "review") == 2
    # two months later without a review: overdue, shown in Spanish too
    at_time(datetime(2026, 4, 17, 9, 0))
    await client.login("nurse_a")  # the frozen clock ages the session too
    page = await _tab(client, world.resident_a)
    assert 'data-state="overdue"' in page.text and "Review overdue since Apr 16, 2026" in page.text


async def test_signatures_on_the_pdf(client: Any, world: Any, mds: Any) -> None:
    from careplans.tables import CarePlanSignature
    from facility.tables import AuditEvent, Facility

    await client.login("nurse_a")
    await _tab(client, world.resident_a)
    url = f"/careplans/residents/{world.resident_a}/signatures"
    today = datetime.now(UTC).date().isoformat()
    bad = await client.post(url, {"name": "", "role": "surgeon", "signed_on": "2199-01-01"}, headers=HX)
    assert bad.status_code == 422 and "<html" not in bad.text
    assert "This field is required." in bad.text and "Choose a value from the list." in bad.text
    assert "This date is in the future." in bad.text
    assert await CarePlanSignature.count() == 0
    for name, role in (("Ana Reyes", "representative"), ("Dr. Lena Roe", "physician")):
        ok = await client.post(url, {"name": name, "role": role, "signed_on": today}, follow_redirects=False)
        assert ok.status_code == 303
    assert await AuditEvent.count().where(AuditEvent.object_type == "care_plan_signature") == 2
    page = await _tab(client, world.resident_a)
    assert page.text.count('data-testid="signature"') == 2
    pdf = pdf_text((await client.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")).content)
    assert "Signatures" in pdf and "Ana Reyes" in pdf and "Dr. Lena Roe" in pdf
    assert "Attending physician" in pdf  # the recorded role
    for role in ("Resident", "Registered nurse", "Food and nutrition"):
        assert role in pdf  # lines for wet signatures
    signature = await CarePlanSignature.select().where(CarePlanSignature.name == "Ana Reyes").first()
    withdraw = f"/careplans/signatures/{signature['id']}/withdraw"
    assert (await client.post(withdraw, {"version": "5"})).status_code == 409
    assert (await client.post(withdraw, {"version": "1"}, follow_redirects=False)).status_code == 303
    assert (await CarePlanSignature.select().where(CarePlanSignature.id == signature["id"]).first())[
        "active"
    ] is False
    pdf = pdf_text((await client.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")).content)
    assert "Ana Reyes" not in pdf and "Resident representative or family" in pdf
    await Facility.update({Facility.language: "es"}).where(Facility.id == world.facility_a)
    spanish = pdf_text((await client.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")).content)
    assert "Firmas" in spanish and "Dr. Lena Roe" in spanish


async def test_other_facility_and_read_only_roles(
    client: Any, world: Any, mds: Any, make_client: Any
) -> None:
    from careplans.tables import CarePlan, CarePlanSignature, Problem
    from facility.tables import AuditEvent, Stay

    # facility B's resident, problem and signature, reached by a facility-A user
    await client.login("nurse_a")
    rb = world.resident_b
    other = await make_client()
    await other.login("nurse_b")
    await other.get(f"/residents/{rb}?tab=careplan")
    await other.post(
        f"/careplans/residents/{rb}/problems", {"focus": "B's problem", "not_triggered_reason": "x"}
    )
    await other.post(
        f"/careplans/residents/{rb}/signatures",
        {"name": "B signer", "role": "rn", "signed_on": datetime.now(UTC).date().isoformat()},
    )
    problem_b = (await Problem.select().where(Problem.resident == rb).first())["id"]
    signature_b = (await CarePlanSignature.select().first())["id"]
    await _tab(client, world.resident_a)
    before = await AuditEvent.count().where(AuditEvent.action == "denied")
    posts = [
        (f"/careplans/residents/{rb}/baseline", {**BASELINE, "complete": "1"}),
        (f"/careplans/residents/{rb}/admission-time", {"admission_time": "10:00", "version": "1"}),
        (f"/careplans/problems/{problem_b}/review", {"reviewed_on": "2026-01-20", "version": "1"}),
        (f"/careplans/residents/{rb}/signatures", {"name": "hacked", "role": "rn"}),
        (f"/careplans/signatures/{signature_b}/withdraw", {"version": "1"}),
    ]
    for url, data in posts:
        response = await client.post(url, data)
        assert response.status_code == 404, url
    assert await AuditEvent.count().where(AuditEvent.action == "denied") == before + len(posts)
    assert (await Stay.select().where(Stay.id == world.stay_b).first())["admitted_at"] is None
    assert await CarePlanSignature.count().where(CarePlanSignature.active == True) == 1  # noqa: E712
    assert await CarePlan.count().where(CarePlan.baseline_completed_at.is_not_null()) == 0
    # read-only roles are refused
    viewer = await make_client()
    await viewer.login("viewer_a")
    await viewer.get(f"/residents/{world.resident_a}?tab=careplan")
    for url, data in (
        (f"/careplans/residents/{world.resident_a}/signatures", {"name": "x", "role": "rn"}),
        (
            f"/careplans/residents/{world.resident_a}/admission-time",
            {"admission_time": "10:00", "version": "1"},
        ),
    ):
        assert (await viewer.post(url, data)).status_code == 403


async def test_new_admission_records_its_time(client: Any, world: Any, mds: Any) -> None:
    from facility.tables import AuditEvent, Stay
    from tests.integration.facility.test_users_admin import _discharge

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    await _discharge(client, world, "2026-02-10")
    bad = await client.post(
        f"/residents/{world.resident_a}/stays", {"admission_date": "2026-02-12", "admission_time": "7pm"}
    )
    assert bad.status_code == 422 and "Enter the admission time as HH:MM." in bad.text
    assert await Stay.count().where(Stay.resident == world.resident_a) == 1
    ok = await client.post(
        f"/residents/{world.resident_a}/stays",
        {"admission_date": "2026-02-12", "admission_time": "19:05"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    stay = (
        await Stay.select()
        .where(Stay.resident == world.resident_a)
        .order_by(Stay.id, ascending=False)
        .first()
    )
    assert stay["admitted_at"].replace(tzinfo=UTC) == datetime(2026, 2, 12, 19, 5, tzinfo=UTC)
    created = (
        await AuditEvent.select()
        .where((AuditEvent.object_type == "stay") & (AuditEvent.action == "create"))
        .output(load_json=True)
    )
    assert "2026-02-12T19:05:00+00:00" in str(created[-1])
    page = await client.get(f"/residents/{world.resident_a}")
    assert "19:05 UTC" in page.text


async def test_refusals_are_in_the_users_language(client: Any, world: Any, mds: Any, at_time: Any) -> None:
    at_time(datetime(2026, 1, 11, 10, 0))
    await client.login("nurse_a")  # the frozen clock ages the session too
    await client.login("nurse_a")
    await client.post("/language", {"lang": "es"})
    page = await _tab(client, world.resident_a)
    assert "Quedan 14 h 0 min" in page.text and "Hora no registrada" in page.text
    refused = await client.post(
        f"/careplans/residents/{world.resident_a}/baseline", {"complete": "1"}, headers=HX
    )
    assert refused.status_code == 422
    assert refused.text.count("Obligatorio para el plan de cuidados inicial.") == 5
    assert "Required for the baseline care plan." not in refused.text
    bad = await client.post(f"/careplans/residents/{world.resident_a}/signatures", {"name": "", "role": "x"})
    assert bad.status_code == 422 and "Elija un valor de la lista." in bad.text
