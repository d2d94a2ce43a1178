"""Care-plan pages: triggers shown with their reasons, one-click library problems, goals and
interventions (422/409), documentation, CAA worksheet decisions, roles, tenants, audit, PDFs."""

from __future__ import annotations

import re
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from careplans.plans.library import load_library
from tests.integration.careplans.conftest import FALLS_AND_ULCER, fake_assessment

FALLS = load_library().for_caa(11)[0]
ULCER = load_library().for_caa(16)[0]
HX = {"HX-Request": "true"}


@pytest.fixture
def triggered(mds: Any, world: Any) -> Any:
    mds.add(world.resident_a, fake_assessment(9001), FALLS_AND_ULCER)
    mds.add(world.resident_b, fake_assessment(9002), FALLS_AND_ULCER)
    return mds


async def _tab(client: Any, resident_id: int, **kw: Any) -> Any:
    return await client.get(f"/residents/{resident_id}?tab=careplan", **kw)


async def _add_falls(client: Any, resident_id: int) -> int:
    from careplans.tables import Problem

    await _tab(client, resident_id)
    response = await client.post(
        f"/careplans/residents/{resident_id}/library", {"library_id": FALLS.id}, follow_redirects=False
    )
    assert response.status_code == 303, response.text[:500]
    row = (
        await Problem.select()
        .where(Problem.resident == resident_id)
        .order_by(Problem.id, ascending=False)
        .first()
    )
    return int(row["id"])


def pdf_text(content: bytes) -> str:
    """Text of every (Flate) content stream of a PDF."""
    out = []
    for match in re.finditer(rb"stream\n(.*?)\nendstream", content, re.S):
        try:
            out.append(zlib.decompressobj().decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            out.append(match.group(1).decode("latin-1"))
    return "\n".join(out)


async def test_tab_shows_why_each_area_triggered(client: Any, world: Any, triggered: Any) -> None:
    await client.login("nurse_a")
    page = await _tab(client, world.resident_a)
    assert page.status_code == 200
    assert "CAA 11 · Falls" in page.text and "CAA 16 · Pressure Ulcer/Injury" in page.text
    assert "J1800=1 (fall since admission or prior assessment)" in page.text
    assert "M0150=1 (at risk of pressure ulcers)" in page.text
    assert f'value="{FALLS.id}"' in page.text  # the one-click library button
    partial = await _tab(client, world.resident_a, headers=HX)
    assert "<html" not in partial.text and 'id="tab-panel"' in partial.text and "CAA 11" in partial.text


async def test_one_click_library_problem_links_the_trigger(client: Any, world: Any, triggered: Any) -> None:
    from careplans.tables import CarePlanEvent, Goal, Intervention, Problem
    from facility.tables import AuditEvent

    await client.login("nurse_a")
    problem_id = await _add_falls(client, world.resident_a)
    problem = await Problem.select().where(Problem.id == problem_id).output(load_json=True).first()
    assert problem["caa"] == 11 and problem["assessment_id"] == 9001 and problem["not_triggered_reason"] == ""
    assert {i["item"] for i in problem["trigger_items"]} == {"J1700A", "J1800"}
    assert await Goal.count().where(Goal.problem == problem_id) == len(FALLS.goals)
    assert await Intervention.count().where(Intervention.problem == problem_id) == len(FALLS.interventions)
    page = await _tab(client, world.resident_a)
    assert FALLS.focus["en"] in page.text and "From CAA 11" in page.text
    assert f'data-library="{FALLS.id}"' not in page.text  # already on the plan: no second button
    audit = await AuditEvent.select().where(
        (AuditEvent.object_type == "problem") & (AuditEvent.action == "create")
    )
    assert len(audit) == 1 and audit[0]["actor"] == "nurse_a" and audit[0]["resident_id"] == world.resident_a
    assert await CarePlanEvent.count().where(CarePlanEvent.resident == world.resident_a) == 1
    # htmx: the same click answers with the refreshed tab (fragment) and the notice
    hx = await client.post(
        f"/careplans/residents/{world.resident_a}/library", {"library_id": ULCER.id}, headers=HX
    )
    assert hx.status_code == 200 and "<html" not in hx.text and 'id="tab-panel"' in hx.text
    assert "Problem added to the care plan." in hx.text and ULCER.focus["en"] in hx.text


@pytest.mark.parametrize("hx", [False, True], ids=["full", "htmx"])
async def test_problem_not_from_a_trigger_needs_a_reason(
    client: Any, world: Any, triggered: Any, hx: bool
) -> None:
    from careplans.tables import Problem

    await client.login("coord_a")
    await _tab(client, world.resident_a)
    bad = await client.post(
        f"/careplans/residents/{world.resident_a}/problems",
        {"focus": "Hearing aid care", "caa": ""},
        headers=HX if hx else {},
    )
    assert bad.status_code == 422 and "A problem not raised by a trigger needs a reason." in bad.text
    assert 'value="Hearing aid care"' in bad.text and (("<html" in bad.text) != hx)
    wrong_caa = await client.post(
        f"/careplans/residents/{world.resident_a}/problems", {"focus": "x", "caa": "3"}
    )
    assert wrong_caa.status_code == 422  # CAA 3 did not trigger
    lib_bad = await client.post(
        f"/careplans/residents/{world.resident_a}/library", {"library_id": load_library().for_caa(3)[0].id}
    )
    assert lib_bad.status_code == 422  # library entry of an area that did not trigger, no reason
    assert await Problem.count() == 0
    ok = await client.post(
        f"/careplans/residents/{world.resident_a}/problems",
        {"focus": "Hearing aid care", "not_triggered_reason": "Family request"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    row = await Problem.select().first()
    assert row["caa"] is None and row["not_triggered_reason"] == "Family request"


async def test_goal_intervention_forms_422_and_409(
    client: Any, world: Any, triggered: Any, make_client: Any
) -> None:
    from careplans.tables import Goal, Intervention

    await client.login("nurse_a")
    problem_id = await _add_falls(client, world.resident_a)
    bad_goal = await client.post(
        f"/careplans/problems/{problem_id}/goals",
        {"text": "Walk to dining room", "target_date": ""},
        headers=HX,
    )
    assert (
        bad_goal.status_code == 422
        and "This field is required." in bad_goal.text
        and "<html" not in bad_goal.text
    )
    goal = await Goal.select().where(Goal.problem == problem_id).first()
    other = await make_client()
    await other.login("coord_a")
    await other.get(f"/residents/{world.resident_a}?tab=careplan")
    first = await other.post(
        f"/careplans/goals/{goal['id']}",
        {"text": "No falls in 90 days", "target_date": "2026-12-01", "version": goal["version"]},
        follow_redirects=False,
    )
    assert first.status_code == 303
    stale = await client.post(
        f"/careplans/goals/{goal['id']}",
        {"text": "My wording", "target_date": "2026-12-02", "version": goal["version"]},
    )
    assert stale.status_code == 409 and "My wording" in stale.text and "No falls in 90 days" in stale.text
    assert (await Goal.select().where(Goal.id == goal["id"]).first())["text"] == "No falls in 90 days"
    bad_iv = await client.post(
        f"/careplans/problems/{problem_id}/interventions",
        {
            "text": "Hip protectors",
            "discipline": "astrology",
            "frequency": "daily",
            "responsible_role": "CNA",
        },
    )
    assert bad_iv.status_code == 422 and "Choose a value from the list." in bad_iv.text
    iv = await Intervention.select().where(Intervention.problem == problem_id).first()
    changed = await client.post(
        f"/careplans/interventions/{iv['id']}",
        {
            "text": iv["text"],
            "discipline": "nursing",
            "frequency": "shift",
            "responsible_role": "CNA",
            "status": "discontinued",
            "version": iv["version"],
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert (await Intervention.select().where(Intervention.id == iv["id"]).first())[
        "status"
    ] == "discontinued"
    again = await client.post(
        f"/careplans/interventions/{iv['id']}",
        {
            "text": "x",
            "discipline": "nursing",
            "frequency": "shift",
            "responsible_role": "CNA",
            "version": iv["version"],
        },
    )
    assert again.status_code == 409


async def test_resolve_keeps_history_and_stale_problem_is_409(
    client: Any, world: Any, triggered: Any
) -> None:
    from careplans.tables import CarePlanEvent, Problem

    await client.login("coord_a")
    problem_id = await _add_falls(client, world.resident_a)
    resolved = await client.post(
        f"/careplans/problems/{problem_id}",
        {"focus": "Falls risk", "status": "resolved", "version": "1"},
        follow_redirects=False,
    )
    assert resolved.status_code == 303
    stale = await client.post(
        f"/careplans/problems/{problem_id}", {"focus": "Other", "status": "active", "version": "1"}
    )
    assert stale.status_code == 409 and "Other" in stale.text
    missing = await client.post(f"/careplans/problems/{problem_id}", {"focus": "Other", "status": "active"})
    assert missing.status_code == 422
    row = await Problem.select().where(Problem.id == problem_id).first()
    assert row["status"] == "resolved" and row["active"] is True  # resolved, never deleted
    actions = [e["action"] for e in await CarePlanEvent.select().where(CarePlanEvent.object_id == problem_id)]
    assert "resolve" in actions
    page = await _tab(client, world.resident_a)
    assert "Resolved" in page.text and "History of the care plan" in page.text


async def test_nurse_documents_interventions(client: Any, world: Any, triggered: Any) -> None:
    from careplans.tables import Intervention, InterventionRecord
    from facility.tables import AuditEvent

    await client.login("nurse_a")
    problem_id = await _add_falls(client, world.resident_a)
    iv = await Intervention.select().where(Intervention.problem == problem_id).first()
    url = f"/careplans/interventions/{iv['id']}/records"
    done = await client.post(url, {"status": "done"}, headers=HX)
    assert done.status_code == 200 and "<html" not in done.text and "Documentation saved." in done.text
    assert f'data-focus="problem-{problem_id}"' in done.text
    refused = await client.post(url, {"status": "refused", "note": ""})
    assert refused.status_code == 422 and "Say why it was refused or not done." in refused.text
    future = await client.post(url, {"status": "done", "at": "2099-01-01T10:00"})
    assert future.status_code == 422 and "The time cannot be in the future." in future.text
    bad = await client.post(url, {"status": "maybe"})
    assert bad.status_code == 422
    late = await client.post(
        url,
        {
            "status": "not_done",
            "note": "Resident at dialysis",
            "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M"),
        },
        follow_redirects=False,
    )
    assert late.status_code == 303
    rows = await InterventionRecord.select().where(InterventionRecord.intervention == iv["id"])
    assert sorted(r["status"] for r in rows) == ["done", "not_done"]
    assert await AuditEvent.count().where(AuditEvent.object_type == "intervention_record") == 2
    page = await _tab(client, world.resident_a)
    assert "Not done ·" in page.text or "Done ·" in page.text


async def test_caa_worksheet_decisions_and_blockers(client: Any, world: Any, triggered: Any) -> None:
    from careplans.plans.services import caa_blockers

    blockers = await caa_blockers(9001, FALLS_AND_ULCER)
    assert blockers == [
        "CAA 11 Falls: no care-planning decision yet",
        "CAA 16 Pressure Ulcer/Injury: no care-planning decision yet",
    ]
    quarterly = {**FALLS_AND_ULCER, "A0310A": "02"}
    assert await caa_blockers(9001, quarterly) == []  # triggers on a quarterly are information only
    await client.login("coord_a")
    base = f"/careplans/residents/{world.resident_a}/assessments/9001"
    sheet = await client.get(base)
    assert sheet.status_code == 200 and "The assessment cannot be completed yet:" in sheet.text
    no_reason = await client.post(
        f"{base}/caa/16",
        {
            "care_plan": "no",
            "analysis": "Skin intact, mobile",
            "location": "CAA note",
            "documented_on": "2026-01-15",
        },
        headers=HX,
    )
    assert no_reason.status_code == 422 and "'No care plan' needs a documented reason." in no_reason.text
    assert "<html" not in no_reason.text and 'id="caa-16"' in no_reason.text
    not_triggered = await client.post(f"{base}/caa/3", {"care_plan": "yes"})
    assert not_triggered.status_code == 404
    for caa, choice, rationale in (
        (11, "yes", ""),
        (16, "no", "Independent in bed mobility; risk addressed by skin checks"),
    ):
        ok = await client.post(
            f"{base}/caa/{caa}",
            {
                "care_plan": choice,
                "analysis": "Reviewed with IDT",
                "rationale": rationale,
                "location": "CAA note in chart",
                "documented_on": "2026-01-15",
            },
            follow_redirects=False,
        )
        assert ok.status_code == 303
    assert await caa_blockers(9001, FALLS_AND_ULCER) == []
    hx_ok = await client.post(
        f"{base}/caa/16",
        {
            "care_plan": "no",
            "analysis": "Reviewed",
            "rationale": "Low risk",
            "location": "CAA note",
            "documented_on": "2026-01-15",
            "version": "1",
        },
        headers=HX,
    )
    assert hx_ok.status_code == 200 and "CAA decision saved." in hx_ok.text and "<html" not in hx_ok.text
    stale = await client.post(
        f"{base}/caa/11",
        {"care_plan": "yes", "analysis": "x", "location": "y", "documented_on": "2026-01-15", "version": "0"},
    )
    assert stale.status_code == 409
    sheet = await client.get(base)
    assert (
        "Every triggered care area has a documented decision." in sheet.text
        and "Signed by Coord_A" in sheet.text
    )


async def test_section_v_record_from_the_worksheet(client: Any, world: Any, triggered: Any) -> None:
    from careplans.plans.services import section_v_record

    before = await section_v_record(9001, FALLS_AND_ULCER)
    assert len(before) == 40 and set(before.values()) == {
        "0",
        "1",
    }  # no V0200B2/C2 on the record yet: not carried
    assert [k for k, v in before.items() if v == "1"] == ["V0200A11A", "V0200A16A"]
    await client.login("coord_a")
    base = f"/careplans/residents/{world.resident_a}/assessments/9001"
    for caa, choice, rationale in ((11, "yes", ""), (16, "no", "Independent in bed mobility")):
        ok = await client.post(
            f"{base}/caa/{caa}",
            {
                "care_plan": choice,
                "analysis": "Reviewed with IDT",
                "rationale": rationale,
                "location": "CAA note in chart",
                "documented_on": "2026-01-15",
            },
            follow_redirects=False,
        )
        assert ok.status_code == 303
    record = {**FALLS_AND_ULCER, "V0200B2": "20260116", "V0200C2": "20260120"}
    items = await section_v_record(9001, record)
    assert items == {
        **{f"V0200A{n:02d}{col}": "0" for n in range(1, 21) for col in "AB"},
        "V0200A11A": "1",
        "V0200A16A": "1",
        "V0200A11B": "1",
        "V0200B2": "20260116",
        "V0200C2": "20260120",
    }
    # records without the CAA process, and records of an item set without trigger rules, carry no V0200 items
    assert await section_v_record(9001, {**record, "A0310A": "02"}) == {}
    assert await section_v_record(9001, {**record, "ITM_SET_VRSN_CD": "1.17"}) == {}


async def test_record_of_an_unsupported_item_set_blocks_signing_with_the_reason(
    world: Any, triggered: Any
) -> None:
    from careplans.plans.services import caa_blockers

    old = {**FALLS_AND_ULCER, "ITM_SET_VRSN_CD": "1.17"}
    (message,) = await caa_blockers(9001, old)
    assert "item set 1.17 is not supported" in message and "1.18.11, 1.19.1, 1.20.1" in message
    assert await caa_blockers(9001, {**old, "A0310A": "02"}) == []  # no CAA process on a quarterly


async def test_roles(client: Any, world: Any, triggered: Any, make_client: Any) -> None:
    from careplans.tables import Problem

    await client.login("nurse_a")
    problem_id = await _add_falls(client, world.resident_a)
    reader = await make_client()  # one extra browser, used by each read-only user in turn
    for username in ("viewer_a", "um_a"):
        reader.client.cookies.clear()
        await reader.login(username)
        page = await reader.get(f"/residents/{world.resident_a}?tab=careplan")
        assert page.status_code == 200 and FALLS.focus["en"] in page.text
        assert "data-library=" not in page.text and "/records" not in page.text  # no write controls
        for url, data in (
            (f"/careplans/residents/{world.resident_a}/library", {"library_id": ULCER.id}),
            (f"/careplans/problems/{problem_id}", {"focus": "x", "status": "resolved", "version": "1"}),
            (f"/careplans/residents/{world.resident_a}/notes", {"text": "note"}),
        ):
            assert (await reader.post(url, data)).status_code == 403
        assert (await reader.get("/careplans/compliance")).status_code == 200
        pdf = await reader.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")
        assert pdf.status_code == 200
    viewer_review = await client.get("/careplans/review")
    assert viewer_review.status_code == 200  # nurses review documentation
    nurse_decides = await client.post(
        f"/careplans/residents/{world.resident_a}/assessments/9001/caa/11", {"care_plan": "yes"}
    )
    assert nurse_decides.status_code == 403  # CAA decisions belong to the RN coordinator
    assert (await Problem.select().where(Problem.id == problem_id).first())["status"] == "active"


async def test_facility_b_ids_refused_on_every_route(
    client: Any, world: Any, triggered: Any, make_client: Any
) -> None:
    from careplans.tables import Goal, Intervention, InterventionRecord, Problem, ProgressNote
    from facility.tables import AuditEvent

    b = await make_client()
    await b.login("nurse_b")
    problem_b = await _add_falls(b, world.resident_b)
    goal_b = (await Goal.select().where(Goal.problem == problem_b).first())["id"]
    iv_b = (await Intervention.select().where(Intervention.problem == problem_b).first())["id"]
    before = (
        await Problem.count(),
        await Goal.count(),
        await Intervention.count(),
        await InterventionRecord.count(),
        await ProgressNote.count(),
    )
    await client.login("coord_a")
    await client.get("/residents")
    rb = world.resident_b
    gets = [
        f"/residents/{rb}?tab=careplan",
        f"/careplans/residents/{rb}/careplan.pdf",
        f"/careplans/residents/{rb}/kardex.pdf",
        f"/careplans/residents/{rb}/assessments/9002",
        f"/careplans/residents/{world.resident_a}/assessments/9002",
    ]
    for url in gets:
        assert (await client.get(url)).status_code == 404, url
    posts = [
        (f"/careplans/residents/{rb}/library", {"library_id": ULCER.id}),
        (f"/careplans/residents/{rb}/problems", {"focus": "x", "not_triggered_reason": "y"}),
        (f"/careplans/problems/{problem_b}", {"focus": "hacked", "status": "resolved", "version": "1"}),
        (f"/careplans/problems/{problem_b}/changed", {"version": "1"}),
        (f"/careplans/problems/{problem_b}/goals", {"text": "x", "target_date": "2026-12-01"}),
        (f"/careplans/goals/{goal_b}", {"text": "hacked", "target_date": "2026-12-01", "version": "1"}),
        (
            f"/careplans/problems/{problem_b}/interventions",
            {"text": "x", "discipline": "nursing", "frequency": "daily", "responsible_role": "CNA"},
        ),
        (
            f"/careplans/interventions/{iv_b}",
            {
                "text": "hacked",
                "discipline": "nursing",
                "frequency": "daily",
                "responsible_role": "CNA",
                "version": "1",
            },
        ),
        (f"/careplans/interventions/{iv_b}/records", {"status": "done"}),
        (f"/careplans/residents/{rb}/baseline", {}),
        (f"/careplans/residents/{rb}/notes", {"text": "x"}),
        (f"/careplans/residents/{rb}/conferences", {"held_on": "2026-01-20", "attendees": "x"}),
        (f"/careplans/residents/{rb}/assessments/9002/caa/11", {"care_plan": "yes"}),
    ]
    for url, data in posts:
        response = await client.post(url, data)
        assert response.status_code == 404, url
        assert "hacked" not in response.text
    after = (
        await Problem.count(),
        await Goal.count(),
        await Intervention.count(),
        await InterventionRecord.count(),
        await ProgressNote.count(),
    )
    assert after == before
    assert (await Problem.select().where(Problem.id == problem_b).first())["status"] == "active"
    denied = await AuditEvent.count().where((AuditEvent.action == "denied") & (AuditEvent.actor == "coord_a"))
    assert denied >= len(posts) + len(gets)
    compliance = await client.get("/careplans/compliance")
    assert "Bernal" not in compliance.text  # facility B's residents never show


async def test_pdfs_are_real_and_list_the_problems(client: Any, world: Any, triggered: Any, db: Any) -> None:
    from facility.tables import AuditEvent, Facility

    await client.login("nurse_a")
    await _add_falls(client, world.resident_a)
    for kind in ("careplan", "kardex"):
        response = await client.get(f"/careplans/residents/{world.resident_a}/{kind}.pdf")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        text = pdf_text(response.content)
        assert "Anders" in text and FALLS.focus["en"][:30] in text, kind
    await Facility.update({Facility.language: "es"}).where(Facility.id == world.facility_a)
    spanish = pdf_text((await client.get(f"/careplans/residents/{world.resident_a}/careplan.pdf")).content)
    assert "Plan de cuidados integral" in spanish and "CAA 11" in spanish
    assert await AuditEvent.count().where(AuditEvent.action == "export") == 3


async def test_notes_conference_baseline_forms(client: Any, world: Any, mds: Any) -> None:
    from careplans.tables import CarePlan, Conference, ProgressNote

    await client.login("nurse_a")
    await _tab(client, world.resident_a)
    rid = world.resident_a
    assert (await client.post(f"/careplans/residents/{rid}/notes", {"text": " "})).status_code == 422
    assert (
        await client.post(
            f"/careplans/residents/{rid}/notes",
            {"text": "Resident fell in the hallway."},
            follow_redirects=False,
        )
    ).status_code == 303
    bad_conf = await client.post(
        f"/careplans/residents/{rid}/conferences", {"held_on": "2199-01-01", "attendees": ""}, headers=HX
    )
    assert bad_conf.status_code == 422 and "The date cannot be in the future." in bad_conf.text
    today = datetime.now(UTC).date().isoformat()
    ok = await client.post(
        f"/careplans/residents/{rid}/conferences",
        {"held_on": today, "attendees": "RN, SW", "family_participated": "1", "family_names": "Daughter"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    conf = await Conference.select().first()
    assert conf["family_participated"] is True and conf["resident_participated"] is False
    content = {
        "baseline_goals": "Walk again",
        "baseline_physician_orders": "Orders",
        "baseline_dietary_orders": "Regular diet",
        "baseline_therapy": "PT",
        "baseline_social": "SW",
        "baseline_summary_to": "Resident",
        "baseline_summary_on": today,
        "complete": "1",
    }
    early = await client.post(
        f"/careplans/residents/{rid}/baseline", {**content, "completed_at": "2025-12-01T10:00"}
    )
    assert early.status_code == 422
    done = await client.post(
        f"/careplans/residents/{rid}/baseline", {**content, "version": "1"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert (await CarePlan.select().first())["baseline_completed_at"] is not None
    again = await client.post(f"/careplans/residents/{rid}/baseline", {**content, "version": "1"})
    assert again.status_code == 409
    assert await ProgressNote.count() == 1
    review = await client.get("/careplans/review")
    assert review.status_code == 200 and "Anders" in review.text and "fell" in review.text
    partial = await client.get("/careplans/review?days=5", headers=HX)
    assert "<html" not in partial.text and 'id="review-rows"' in partial.text
