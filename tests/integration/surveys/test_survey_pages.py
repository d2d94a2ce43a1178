"""Survey-readiness pages: surveys and 2567 findings, POC (five elements, DON → administrator sign-off,
PDF), corrective tasks, monitoring audits, evidence files, recommendations, F-tag catalog, dashboard.
Roles, tenants (facility B's ids on every route), 422/409, htmx with and without HX-Request, audit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

HX = {"HX-Request": "true"}
TODAY = date.today()
SURVEY = {
    "kind": "standard",
    "start_date": (TODAY - timedelta(days=12)).isoformat(),
    "exit_date": (TODAY - timedelta(days=9)).isoformat(),
    "received_2567": (TODAY - timedelta(days=2)).isoformat(),
    "team": "Team lead RN, 2 surveyors",
    "notes": "",
}
FALLS = {
    "tag": "F689",
    "scope_severity": "G",
    "narrative": "Fall interventions in the care plan were not in place.",
    "idr": "",
    "idr_outcome": "",
    "status": "open",
}
POC = {
    "affected_residents": "Both residents reassessed; low beds and floor mats placed the same day.",
    "others_at_risk": "All residents with a fall in 90 days reviewed against their care plans.",
    "systemic_changes": "Interventions added to the Kardex and checked by the charge nurse each shift.",
    "monitoring": "DON audits 10 fall-risk residents weekly for 4 weeks, then monthly; results to QAPI.",
    "completion_date": (TODAY + timedelta(days=20)).isoformat(),
}


async def _survey(client: Any, data: dict[str, Any] | None = None) -> int:
    await client.get("/surveys/new")
    response = await client.post("/surveys", data or SURVEY, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def _finding(client: Any, survey_id: int, data: dict[str, Any] | None = None) -> int:
    response = await client.post(f"/surveys/{survey_id}/findings", data or FALLS, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def _poc(client: Any, finding_id: int) -> int:
    from surveys.tables import Poc

    response = await client.post(f"/surveys/findings/{finding_id}/poc", POC, follow_redirects=False)
    assert response.status_code == 303, response.text
    return (await Poc.select(Poc.id).where(Poc.finding == finding_id).first())["id"]


async def _make_don() -> None:
    from facility.auth.service import create_user

    await create_user(
        "don_a", "correct horse battery", "nurse", ["365001"], display_name="Dana Don", title="DON"
    )


async def test_record_survey_full_page_htmx_and_audit(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent
    from surveys.tables import Survey

    await client.login("admin_a")
    survey_id = await _survey(client)
    page = await client.get(f"/surveys/{survey_id}")
    assert page.status_code == 200 and "Standard (recertification)" in page.text
    due = date.fromisoformat(SURVEY["received_2567"]) + timedelta(days=10)
    assert "Plan of correction due" in page.text and str(due.day) in page.text
    hx = await client.post("/surveys", SURVEY, headers=HX)
    assert hx.headers.get("hx-redirect", "").startswith("/surveys/")
    rows = await Survey.select().where(Survey.facility == world.facility_a)
    assert len(rows) == 2 and rows[0]["created_by"] is not None
    events = await AuditEvent.select().where(
        (AuditEvent.object_type == "survey") & (AuditEvent.action == "create")
    )
    assert (
        len(events) == 2 and events[0]["actor"] == "admin_a" and events[0]["facility_id"] == world.facility_a
    )
    listing = await client.get("/surveys")
    assert listing.text.count(f'href="/surveys/{survey_id}"') == 1


@pytest.mark.parametrize(
    "language,message",
    [
        ("en", "The exit date cannot be before the entrance date."),
        ("es", "La fecha de salida no puede ser anterior a la de entrada."),
    ],
)
async def test_bad_survey_is_422_in_language_and_nothing_saved(
    client: Any, world: Any, language: str, message: str
) -> None:
    from surveys.tables import Survey

    await client.login("coord_a")
    await client.post("/language", {"lang": language})
    bad = {**SURVEY, "exit_date": "2020-01-01", "kind": "bogus", "received_2567": "not a date"}
    full = await client.post("/surveys", bad)
    assert full.status_code == 422 and "<html" in full.text and message in full.text
    assert (
        'value="Team lead RN, 2 surveyors"' not in full.text and "Team lead RN, 2 surveyors" in full.text
    )  # textarea keeps it
    partial = await client.post("/surveys", bad, headers=HX)
    assert partial.status_code == 422 and "<html" not in partial.text and message in partial.text
    assert await Survey.count() == 0


async def test_findings_grid_retired_tag_and_residents_of_same_facility_only(client: Any, world: Any) -> None:
    from surveys.tables import Finding, FindingResident

    await client.login("coord_a")
    survey_id = await _survey(client)
    # a resident of facility B is refused: 422, nothing saved
    refused = await client.post(
        f"/surveys/{survey_id}/findings", {**FALLS, "resident_ids": [str(world.resident_b)]}
    )
    assert refused.status_code == 422 and "Choose residents of this facility from the list." in refused.text
    assert await Finding.count() == 0
    falls = await _finding(client, survey_id, {**FALLS, "resident_ids": [str(world.resident_a)]})
    links = await FindingResident.select().where(FindingResident.finding == falls)
    assert [link["resident"] for link in links] == [world.resident_a]
    psych = await _finding(
        client,
        survey_id,
        {**FALLS, "tag": "F0758", "scope_severity": "D", "narrative": "PRN psychotropic beyond 14 days."},
    )
    page = await client.get(f"/surveys/findings/{psych}")
    assert "F605" in page.text and "Cited as F758" in page.text  # a retired tag shows its successor
    survey = await client.get(f"/surveys/{survey_id}")
    assert 'data-code="G"><span class="ss-code">G</span><span class="ss-count">1</span>' in survey.text
    assert 'data-code="D"><span class="ss-code">D</span><span class="ss-count">1</span>' in survey.text
    finding = await client.get(f"/surveys/findings/{falls}")
    assert "Anders, Test" in finding.text and "Five-Star points" in finding.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tag": "F999"}, "F0999 is not in the CMS citation list (Oct 2025)."),
        ({"tag": "K0100"}, "is not in the CMS citation list"),
        ({"tag": "banana"}, "is not a tag number"),
        ({"scope_severity": "Z"}, "Choose a value from the list."),
        (
            {"sqc": "1", "scope_severity": "D"},
            "Substandard quality of care applies only to levels F, H, I, J, K and L.",
        ),
        ({"idr_outcome": "deleted"}, "Record an IDR or IIDR request before its outcome."),
        ({"narrative": ""}, "This field is required."),
    ],
)
async def test_bad_finding_is_422_with_htmx_fragment(
    client: Any, world: Any, changes: dict[str, str], message: str
) -> None:
    from surveys.tables import Finding

    await client.login("coord_a")
    survey_id = await _survey(client)
    full = await client.post(f"/surveys/{survey_id}/findings", {**FALLS, **changes})
    assert full.status_code == 422 and "<html" in full.text and message in full.text
    partial = await client.post(f"/surveys/{survey_id}/findings", {**FALLS, **changes}, headers=HX)
    assert partial.status_code == 422 and "<html" not in partial.text and 'id="finding-form"' in partial.text
    assert await Finding.count() == 0


async def test_edit_finding_version_conflict_is_409_with_values_kept(
    client: Any, world: Any, make_client: Any
) -> None:
    await client.login("coord_a")
    finding_id = await _finding(client, await _survey(client))
    other = await make_client()
    await other.login("admin_a")  # floor nurses do not edit 2567 findings (issue 17)
    await other.get(f"/surveys/findings/{finding_id}/edit")
    await client.get(f"/surveys/findings/{finding_id}/edit")
    first = await other.post(
        f"/surveys/findings/{finding_id}",
        {**FALLS, "scope_severity": "H", "version": "1"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    stale = await client.post(
        f"/surveys/findings/{finding_id}", {**FALLS, "narrative": "My careful rewrite.", "version": "1"}
    )
    assert (
        stale.status_code == 409
        and "My careful rewrite." in stale.text
        and 'data-testid="conflict"' in stale.text
    )
    missing = await client.post(f"/surveys/findings/{finding_id}", FALLS)
    assert missing.status_code == 422


async def test_poc_five_elements_then_don_and_administrator_sign(
    client: Any, world: Any, make_client: Any
) -> None:
    from facility.tables import AuditEvent
    from surveys.tables import Poc

    await client.login("admin_a")
    finding_id = await _finding(client, await _survey(client))
    empty = await client.post(f"/surveys/findings/{finding_id}/poc", {"affected_residents": "n/a"})
    assert empty.status_code == 422
    for text in (
        "too short to describe an action",
        "How other residents with the potential to be affected",
        "Measures or systemic changes",
        "How performance will be monitored",
        "Completion date",
    ):
        assert text in empty.text
    partial = await client.post(
        f"/surveys/findings/{finding_id}/poc", {**POC, "completion_date": "2000-01-01"}, headers=HX
    )
    assert (
        partial.status_code == 422
        and "<html" not in partial.text
        and "before the survey exit date" in partial.text
    )
    assert await Poc.count() == 0
    poc_id = await _poc(client, finding_id)

    # the administrator cannot sign before the DON
    early = await client.post(f"/surveys/pocs/{poc_id}/sign", {"role": "administrator", "version": "1"})
    assert (
        early.status_code == 422
        and "The Administrator cannot sign yet: the Director of Nursing signs first." in early.text
    )
    # a nurse without the DON title cannot sign as DON
    nurse = await make_client()
    await nurse.login("nurse_a")
    await nurse.get(f"/surveys/findings/{finding_id}")
    denied = await nurse.post(f"/surveys/pocs/{poc_id}/sign", {"role": "don", "version": "1"})
    assert denied.status_code == 403
    await _make_don()
    don = nurse  # one extra browser per test: the conftest's make_client teardown hangs with two
    await don.login("don_a")
    page = await don.get(f"/surveys/findings/{finding_id}")
    assert "Sign as Director of Nursing" in page.text
    signed = await don.post(
        f"/surveys/pocs/{poc_id}/sign", {"role": "don", "version": "1"}, follow_redirects=False
    )
    assert signed.status_code == 303
    again = await don.post(f"/surveys/pocs/{poc_id}/sign", {"role": "administrator", "version": "2"})
    assert again.status_code == 403  # a DON who is not an admin never signs as administrator
    await client.get(f"/surveys/findings/{finding_id}")
    final = await client.post(
        f"/surveys/pocs/{poc_id}/sign", {"role": "administrator", "version": "2"}, headers=HX
    )
    assert final.headers.get("hx-redirect") == f"/surveys/findings/{finding_id}"
    row = await Poc.select().where(Poc.id == poc_id).first()
    assert (
        row["don_signed_name"] == "Dana Don"
        and row["admin_signed_name"] == "Admin_A"
        and row["admin_signed_on"] == TODAY
    )
    signs = await AuditEvent.select().where((AuditEvent.action == "sign") & (AuditEvent.object_type == "poc"))
    assert [s["actor"] for s in signs] == ["don_a", "admin_a"]
    # changing a signed plan removes both signatures
    edited = await client.post(
        f"/surveys/findings/{finding_id}/poc",
        {**POC, "monitoring": POC["monitoring"] + " Extended.", "version": "3"},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    row = await Poc.select().where(Poc.id == poc_id).first()
    assert row["don_signed_on"] is None and row["admin_signed_on"] is None and row["version"] == 4


async def test_poc_stale_save_is_409_keeping_the_text(client: Any, world: Any) -> None:
    await client.login("coord_a")
    finding_id = await _finding(client, await _survey(client))
    await _poc(client, finding_id)
    ok = await client.post(
        f"/surveys/findings/{finding_id}/poc", {**POC, "version": "1"}, follow_redirects=False
    )
    assert ok.status_code == 303
    stale = await client.post(
        f"/surveys/findings/{finding_id}/poc",
        {**POC, "systemic_changes": "My newer systemic change text.", "version": "1"},
        headers=HX,
    )
    assert (
        stale.status_code == 409
        and "My newer systemic change text." in stale.text
        and "<html" not in stale.text
    )


async def test_tasks_and_audits_flags_reach_the_dashboard(client: Any, world: Any) -> None:
    from surveys.tables import CorrectiveTask

    await client.login("admin_a")
    finding_id = await _finding(client, await _survey(client))
    poc_id = await _poc(client, finding_id)
    dash = await client.get("/surveys/dashboard")
    assert 'data-testid="overdue-tasks">0<' in dash.text and 'data-testid="failing-audits">0<' in dash.text
    bad = await client.post(
        f"/surveys/pocs/{poc_id}/tasks", {"title": "", "owner": "", "due_date": "soon"}, headers=HX
    )
    assert bad.status_code == 422 and 'id="tasks"' in bad.text and "Enter a date as YYYY-MM-DD." in bad.text
    added = await client.post(
        f"/surveys/pocs/{poc_id}/tasks",
        {
            "title": "Re-educate night shift",
            "owner": "Staff development",
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = await client.get(f"/surveys/findings/{finding_id}")
    assert "overdue" in page.text
    audit = await client.post(
        f"/surveys/pocs/{poc_id}/audits",
        {"tool": "Fall care-plan audit", "sample_size": "10", "frequency": "weekly", "threshold_pct": "90"},
        follow_redirects=False,
    )
    assert audit.status_code == 303
    from surveys.tables import MonitoringAudit

    audit_id = (await MonitoringAudit.select(MonitoringAudit.id).first())["id"]
    too_many = await client.post(
        f"/surveys/audits/{audit_id}/results",
        {"period_start": TODAY.isoformat(), "sampled": "10", "compliant": "11"},
    )
    assert (
        too_many.status_code == 422
        and "Compliant records cannot exceed the records audited." in too_many.text
    )
    await client.post(
        f"/surveys/audits/{audit_id}/results",
        {"period_start": TODAY.isoformat(), "sampled": "10", "compliant": "7"},
    )
    page = await client.get(f"/surveys/findings/{finding_id}")
    assert "below threshold" in page.text and "70.0% compliance" in page.text
    dash = await client.get("/surveys/dashboard")
    assert 'data-testid="overdue-tasks">1<' in dash.text and 'data-testid="failing-audits">1<' in dash.text
    assert "Fall care-plan audit: 70.0%" in dash.text
    # marking the task done clears the overdue flag (versioned; a stale status change is a 409)
    task = await CorrectiveTask.select().first()
    done = await client.post(
        f"/surveys/tasks/{task['id']}", {"status": "done", "version": "1"}, follow_redirects=False
    )
    assert done.status_code == 303
    stale = await client.post(f"/surveys/tasks/{task['id']}", {"status": "open", "version": "1"})
    assert stale.status_code == 409
    dash = await client.get("/surveys/dashboard")
    assert 'data-testid="overdue-tasks">0<' in dash.text


async def test_evidence_upload_rules_and_download(client: Any, world: Any) -> None:
    from surveys.tables import Evidence

    await client.login("coord_a")
    finding_id = await _finding(client, await _survey(client))
    await client.login(
        "nurse_a"
    )  # a nurse uploads evidence of correction to a finding the coordinator entered
    await client.get(f"/surveys/findings/{finding_id}")
    url = f"/surveys/findings/{finding_id}/evidence"
    pdf = b"%PDF-1.4\n% evidence\n"
    ok = await client.client.post(
        url,
        data={"_csrf_token": client.token},
        files={"file": ("../../etc/passwd/fall log.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    row = await Evidence.select().first()
    assert row["filename"] == "fall log.pdf" and bytes(row["data"]) == pdf and row["size_bytes"] == len(pdf)
    download = await client.get(f"/surveys/evidence/{row['id']}")
    assert download.content == pdf and download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"] == f'attachment; filename="evidence-{row["id"]}.pdf"'
    for name, payload, kind, message in (
        ("a.exe", b"MZ\x90\x00", "application/x-msdownload", "Upload a PDF, PNG, JPEG or plain-text file."),
        (
            "fake.pdf",
            b"MZ\x90\x00 not a pdf",
            "application/pdf",
            "The file's content does not match its type.",
        ),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf", "The file is larger than 5 MB."),
        ("empty.txt", b"", "text/plain", "Choose a file to upload."),
    ):
        bad = await client.client.post(
            url, data={"_csrf_token": client.token}, files={"file": (name, payload, kind)}
        )
        assert bad.status_code == 422 and message in bad.text, name
    assert await Evidence.count() == 1


async def test_poc_pdf_is_a_pdf_in_2567_layout(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("viewer_a")
    viewer_page = await client.get("/surveys")
    assert viewer_page.status_code == 200
    writer = client
    await writer.login("coord_a")
    survey_id = await _survey(writer)
    finding_id = await _finding(writer, survey_id)
    await _poc(writer, finding_id)
    response = await writer.get(f"/surveys/{survey_id}/poc.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "export") & (AuditEvent.object_type == "poc_pdf")
        )
        == 1
    )


async def test_viewer_is_read_only(client: Any, world: Any, make_client: Any) -> None:
    from surveys.tables import Survey

    writer = await make_client()
    await writer.login("coord_a")
    survey_id = await _survey(writer)
    finding_id = await _finding(writer, survey_id)
    await client.login("viewer_a")
    for url in (
        "/surveys",
        f"/surveys/{survey_id}",
        f"/surveys/findings/{finding_id}",
        "/surveys/dashboard",
        "/surveys/ftags",
        "/surveys/recommendations",
        f"/surveys/{survey_id}/poc.pdf",
    ):
        assert (await client.get(url)).status_code == 200, url
    page = await client.get(f"/surveys/findings/{finding_id}")
    assert "Save plan of correction" not in page.text and 'name="file"' not in page.text
    assert (await client.get("/surveys/new")).status_code == 403
    assert (await client.post("/surveys", SURVEY)).status_code == 403
    assert (await client.post(f"/surveys/{survey_id}/findings", FALLS)).status_code == 403
    assert (await client.post(f"/surveys/findings/{finding_id}/poc", POC)).status_code == 403
    assert await Survey.count() == 1


async def _facility_b_objects(world: Any) -> dict[str, int]:
    """One of everything in facility B, written directly."""
    from facility.tables import User
    from surveys.tables import CorrectiveTask, Evidence, Finding, MonitoringAudit, Poc, Recommendation, Survey

    user = (await User.select(User.id).where(User.username_key == "nurse_b").first())["id"]
    common = {"created_by": user, "updated_by": user}
    survey = Survey(
        facility=world.facility_b,
        kind="standard",
        start_date=TODAY - timedelta(days=5),
        exit_date=TODAY - timedelta(days=3),
        **common,
    )
    await survey.save()
    finding = Finding(
        survey=survey.id,
        facility=world.facility_b,
        tag="F0880",
        scope_severity="E",
        narrative="B's finding",
        **common,
    )
    await finding.save()
    plan = Poc(
        finding=finding.id,
        facility=world.facility_b,
        **common,
        **{k: v for k, v in POC.items() if k != "completion_date"},
        completion_date=TODAY + timedelta(days=5),
    )
    await plan.save()
    task = CorrectiveTask(
        poc=plan.id, facility=world.facility_b, title="B task", owner="B", due_date=TODAY, **common
    )
    await task.save()
    audit = MonitoringAudit(
        poc=plan.id,
        facility=world.facility_b,
        tool="B audit",
        sample_size=5,
        frequency="weekly",
        threshold_pct=90,
        **common,
    )
    await audit.save()
    evidence = Evidence(
        finding=finding.id,
        facility=world.facility_b,
        filename="b.txt",
        content_type="text/plain",
        size_bytes=3,
        data=b"B's",
        created_by=user,
    )
    await evidence.save()
    rec = Recommendation(
        facility=world.facility_b, recommendation="B rec", rationale="B", basis="other", **common
    )
    await rec.save()
    return {
        "survey": survey.id,
        "finding": finding.id,
        "poc": plan.id,
        "task": task.id,
        "audit": audit.id,
        "evidence": evidence.id,
        "rec": rec.id,
    }


async def test_facility_b_ids_are_refused_on_every_route(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent
    from surveys.tables import (
        CorrectiveTask,
        Evidence,
        Finding,
        MonitoringResult,
        Poc,
        Recommendation,
        Survey,
    )

    b = await _facility_b_objects(world)
    await client.login("admin_a")
    await client.get("/surveys")
    gets = [
        f"/surveys/{b['survey']}",
        f"/surveys/{b['survey']}/edit",
        f"/surveys/{b['survey']}/poc.pdf",
        f"/surveys/findings/{b['finding']}",
        f"/surveys/findings/{b['finding']}/edit",
        f"/surveys/evidence/{b['evidence']}",
        f"/surveys/recommendations/{b['rec']}/edit",
    ]
    for url in gets:
        response = await client.get(url)
        assert response.status_code == 404, url
        assert b"B's" not in response.content and "B rec" not in response.text
    posts = {
        f"/surveys/{b['survey']}": {**SURVEY, "version": "1"},
        f"/surveys/{b['survey']}/findings": FALLS,
        f"/surveys/findings/{b['finding']}": {**FALLS, "version": "1"},
        f"/surveys/findings/{b['finding']}/poc": {**POC, "version": "1"},
        f"/surveys/pocs/{b['poc']}/sign": {"role": "administrator", "version": "1"},
        f"/surveys/pocs/{b['poc']}/tasks": {"title": "x", "owner": "y", "due_date": TODAY.isoformat()},
        f"/surveys/tasks/{b['task']}": {"status": "done", "version": "1"},
        f"/surveys/pocs/{b['poc']}/audits": {
            "tool": "x",
            "sample_size": "5",
            "frequency": "weekly",
            "threshold_pct": "90",
        },
        f"/surveys/audits/{b['audit']}/results": {
            "period_start": TODAY.isoformat(),
            "sampled": "5",
            "compliant": "5",
        },
        f"/surveys/recommendations/{b['rec']}": {
            "recommendation": "x",
            "rationale": "y",
            "basis": "other",
            "decision": "accepted",
            "version": "1",
        },
    }
    for url, data in posts.items():
        for headers in ({}, HX):
            response = await client.post(url, data, headers=headers)
            assert response.status_code == 404, (url, headers)
    upload = await client.client.post(
        f"/surveys/findings/{b['finding']}/evidence",
        data={"_csrf_token": client.token},
        files={"file": ("x.txt", b"hello", "text/plain")},
    )
    assert upload.status_code == 404
    # nothing changed in B, nothing created anywhere
    assert (await Survey.select(Survey.version).where(Survey.id == b["survey"]).first())["version"] == 1
    assert (await Finding.select(Finding.version).where(Finding.id == b["finding"]).first())["version"] == 1
    assert (await Poc.select().where(Poc.id == b["poc"]).first())["admin_signed_on"] is None
    assert (await CorrectiveTask.select(CorrectiveTask.status).where(CorrectiveTask.id == b["task"]).first())[
        "status"
    ] == "open"
    assert (
        await Recommendation.select(Recommendation.decision).where(Recommendation.id == b["rec"]).first()
    )["decision"] == "pending"
    assert (
        await Finding.count() == 1
        and await CorrectiveTask.count() == 1
        and await MonitoringResult.count() == 0
    )
    assert await Evidence.count() == 1
    denied = await AuditEvent.count().where(
        (AuditEvent.action == "denied") & (AuditEvent.outcome == "not_found")
    )
    assert denied >= len(gets) + 2 * len(posts) + 1
    # B's survey never appears in A's lists or dashboard
    for url in ("/surveys", "/surveys/dashboard", "/surveys/recommendations"):
        text = (await client.get(url)).text
        assert f'/surveys/{b["survey"]}"' not in text and "B rec" not in text and "B task" not in text


async def test_dashboard_score_and_what_if_with_and_without_htmx(client: Any, world: Any) -> None:
    from surveys.readiness import scoring
    from surveys.tables import CmsDeficiency

    await client.login("admin_a")
    empty = await client.get("/surveys/dashboard")
    assert "No survey data yet" in empty.text and 'data-testid="hi-score">—<' in empty.text
    # late/missing MDS comes from mds.assessments.services.schedule_summary: resident A (admitted 2026-01-10) has no assessment
    import re

    mds_cell = re.search(r'data-testid="mds-signal">(.*?)</td>', empty.text, re.S).group(1)
    assert "late" in mds_cell and "Not available" not in mds_cell
    # care-plan timing comes from careplans.plans.services: resident A has a stay and no baseline care plan (F655)
    assert "care-plan timing gap" in empty.text
    # CMS history for the facility's CCN (cycle 2) + the facility's own standard survey (cycle 1)
    await CmsDeficiency.insert(
        CmsDeficiency(
            natural_key="365001|2024-05-02|F0880",
            ccn="365001",
            state="OH",
            survey_date=date(2024, 5, 2),
            tag="F0880",
            scope_severity="F",
            correction_status="Deficient, Provider has date of correction",
            inspection_cycle=1,
            processing_date=date(2026, 2, 1),
        )
    )
    survey_id = await _survey(client)
    await _finding(client, survey_id)  # F689 G = 20
    await _finding(
        client, survey_id, {**FALLS, "tag": "F880", "scope_severity": "E", "narrative": "Hand hygiene."}
    )  # 8
    dash = await client.get("/surveys/dashboard")
    # 0.75 * (20 + 8) + 0.25 * 16 = 21 + 4 = 25
    assert 'data-testid="hi-score">25<' in dash.text and 'data-testid="open-findings">2<' in dash.text
    assert 'data-testid="pocs-due">2<' in dash.text and "Citations per standard survey" in dash.text
    # points, and no invented stars: the health-inspection stars need state cut points the app does not have
    assert "no state cut points are shipped" in dash.text.split('data-testid="hi-stars"')[1].split("</p>")[0]
    exit_date = SURVEY["exit_date"]
    key = f"365001|{exit_date}|F0689"
    partial = await client.get(f"/surveys/dashboard/what-if?key={key}", headers=HX)
    assert partial.status_code == 200 and "<html" not in partial.text
    # without F689 G: 0.75 * 8 + 0.25 * 16 = 10
    assert "Score now: 25.0. Without this finding: 10.0 (-15.0 points)." in partial.text
    full = await client.get(f"/surveys/dashboard/what-if?key={key}")
    assert "<html" in full.text and "Without this finding: 10.0" in full.text
    nonsense = await client.get("/surveys/dashboard/what-if?key=<script>", headers=HX)
    assert nonsense.status_code == 200 and "<script>" not in nonsense.text
    # what the page shows is what the pure scorer says
    expected = scoring.score(
        [
            scoring.Deficiency("365001", date(2024, 5, 2), "F880", "F"),
            scoring.Deficiency("365001", date.fromisoformat(exit_date), "F689", "G"),
            scoring.Deficiency("365001", date.fromisoformat(exit_date), "F880", "E"),
        ],
        as_of=TODAY,
    )
    assert expected.weighted_score == 25.0
    # the mock-survey checklist marks the cited groups
    assert "cited: F689" in dash.text and "cited: F880" in dash.text


async def test_ftag_catalog_search_full_and_fragment(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    full = await client.get("/surveys/ftags?q=F689")
    assert full.status_code == 200 and "<html" in full.text and "Free of Accident Hazards" in full.text
    partial = await client.get("/surveys/ftags?q=hazard&group=483.25", headers=HX)
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="ftag-results"' in partial.text
    assert "F689" in partial.text
    retired = await client.get("/surveys/ftags?q=F758&retired=1")
    assert "now cited as F0605" in retired.text
    hidden = await client.get("/surveys/ftags?q=F758")
    assert "now cited as" not in hidden.text
    odd = await client.get("/surveys/ftags?q=<script>alert(1)</script>&group=zzz")
    assert odd.status_code == 200 and "<script>alert(1)</script>" not in odd.text


async def test_recommendations_log_create_422_update_409(client: Any, world: Any) -> None:
    from surveys.tables import Recommendation

    await client.login("coord_a")
    finding_id = await _finding(client, await _survey(client))
    await client.get("/surveys/recommendations")
    bad = await client.post(
        "/surveys/recommendations", {"recommendation": "", "rationale": "", "basis": "finding"}, headers=HX
    )
    assert (
        bad.status_code == 422
        and "<html" not in bad.text
        and "Choose the finding this recommendation answers." in bad.text
    )
    qm = await client.post(
        "/surveys/recommendations", {"recommendation": "x", "rationale": "y", "basis": "quality_measure"}
    )
    assert qm.status_code == 422 and "Name the quality measure." in qm.text
    ok = await client.post(
        "/surveys/recommendations",
        {
            "recommendation": "Post-fall huddle within 24 hours",
            "rationale": "F689 at G",
            "basis": "finding",
            "finding_id": str(finding_id),
            "decision": "pending",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    rec = await Recommendation.select().first()
    page = await client.get("/surveys/recommendations")
    assert "Post-fall huddle within 24 hours" in page.text and "F689" in page.text
    data = {
        "recommendation": rec["recommendation"],
        "rationale": "F689 at G",
        "basis": "finding",
        "finding_id": str(finding_id),
        "decision": "accepted",
        "outcome": "No falls with injury in 60 days",
        "version": "1",
    }
    assert (
        await client.post(f"/surveys/recommendations/{rec['id']}", data, follow_redirects=False)
    ).status_code == 303
    stale = await client.post(
        f"/surveys/recommendations/{rec['id']}", {**data, "outcome": "Mine"}, headers=HX
    )
    assert stale.status_code == 409 and "Mine" in stale.text
    row = await Recommendation.select().first()
    assert (
        row["decision"] == "accepted"
        and row["outcome"] == "No falls with injury in 60 days"
        and row["version"] == 2
    )


async def test_survey_edit_conflict_and_never_delete(client: Any, world: Any, db: Any) -> None:
    from surveys.tables import Survey

    await client.login("coord_a")
    survey_id = await _survey(client)
    await client.get(f"/surveys/{survey_id}/edit")
    assert (
        await client.post(
            f"/surveys/{survey_id}", {**SURVEY, "team": "New team", "version": "1"}, follow_redirects=False
        )
    ).status_code == 303
    stale = await client.post(f"/surveys/{survey_id}", {**SURVEY, "team": "Other team", "version": "1"})
    assert stale.status_code == 409 and "Other team" in stale.text
    with pytest.raises(Exception, match="never deleted"):
        await Survey.delete().where(Survey.id == survey_id)
