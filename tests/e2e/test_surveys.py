"""An administrator records a survey with two findings, writes a POC with all five elements, adds a
monitoring audit, sees the readiness dashboard change and downloads the POC PDF.
Set MDSREADY_SCREENSHOTS=1 to refresh docs/screenshots/survey-dashboard.png and poc.png."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.conftest import DEMO, login

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _metric(page: Any, testid: str) -> int:
    return int(page.locator(f"[data-testid={testid}]").inner_text().strip())


def _add_finding(page: Any, tag: str, code: str, narrative: str) -> None:
    page.click("details.add-finding > summary")
    page.fill("#finding-form input[name=tag]", tag)
    page.select_option("#finding-form select[name=scope_severity]", code)
    page.fill("#finding-form textarea[name=narrative]", narrative)
    page.locator("#finding-form select[name=resident_ids] option").first.click()
    page.click("#finding-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/surveys/findings/\d+$"))


def test_admin_survey_poc_audit_dashboard_pdf(new_page: Any) -> None:
    page = new_page(js=True)
    login(page, "admin", DEMO["admin"])
    page.goto("/surveys/dashboard")
    open_before, failing_before = _metric(page, "open-findings"), _metric(page, "failing-audits")
    score_before = page.locator("[data-testid=hi-score]").inner_text()

    today = date.today()
    page.goto("/surveys/new")
    page.select_option("select[name=kind]", "complaint")
    page.fill("input[name=start_date]", (today - timedelta(days=6)).isoformat())
    page.fill("input[name=exit_date]", (today - timedelta(days=5)).isoformat())
    page.fill("input[name=received_2567]", (today - timedelta(days=1)).isoformat())
    page.fill("textarea[name=team]", "Complaint investigator (RN)")
    page.click("#survey-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/surveys/\d+$"))
    survey_url = page.url

    _add_finding(page, "F0689", "G", "Resident fell from bed; the low bed in the care plan was not in place.")
    finding_url = page.url
    page.goto(survey_url)
    _add_finding(page, "F580", "D", "Physician was not notified of the fall for 12 hours.")
    page.goto(survey_url)
    assert page.locator("[data-testid=findings] tbody tr").count() == 2

    page.goto(finding_url)
    page.click("#poc-form button[type=submit]")  # empty: every element is reported, nothing saved
    page.wait_for_selector("#poc .field-error")
    assert page.locator("#poc .field-error").count() == 5
    page.fill(
        "textarea[name=affected_residents]",
        "The resident was reassessed and the low bed placed the same day.",
    )
    page.fill(
        "textarea[name=others_at_risk]",
        "All residents with falls in 90 days reviewed against their care plans.",
    )
    page.fill(
        "textarea[name=systemic_changes]", "Fall interventions added to the Kardex and checked every shift."
    )
    page.fill(
        "textarea[name=monitoring]", "DON audits 10 fall-risk residents weekly for 4 weeks; results to QAPI."
    )
    page.fill("input[name=completion_date]", (today + timedelta(days=14)).isoformat())
    page.click("#poc-form button[type=submit]")
    page.wait_for_selector("text=Plan of correction saved.")
    assert "Awaiting DON" in page.locator("#poc").inner_text()

    page.click("#audits details > summary")
    page.fill("#audits input[name=tool]", "Fall care-plan audit")
    page.fill("#audits input[name=sample_size]", "10")
    page.select_option("#audits select[name=frequency]", "weekly")
    page.fill("#audits input[name=threshold_pct]", "90")
    page.click("#audits [data-testid=audit-form] button[type=submit]")
    page.wait_for_selector("text=Monitoring audit added.")
    audit = page.locator("[data-testid=audit]").first
    audit.locator("input[name=period_start]").fill(today.isoformat())
    audit.locator("input[name=sampled]").fill("10")
    audit.locator("input[name=compliant]").fill("6")
    audit.locator("button[type=submit]").click()
    page.wait_for_selector("text=Audit result recorded.")
    assert "below threshold" in page.locator("#audits").inner_text()
    if os.environ.get("MDSREADY_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / "poc.png"), full_page=True)

    page.goto("/surveys/dashboard")
    assert _metric(page, "open-findings") == open_before + 2
    assert _metric(page, "failing-audits") == failing_before + 1
    assert (
        page.locator("[data-testid=hi-score]").inner_text() != score_before
    )  # complaint citations add points
    # the what-if simulator answers in place (htmx)
    page.select_option("[data-testid=whatif-select]", index=0)
    page.wait_for_selector("[data-testid=what-if] >> text=Without this finding")
    if os.environ.get("MDSREADY_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / "survey-dashboard.png"), full_page=True)

    survey_id = survey_url.rsplit("/", 1)[1]
    pdf = page.context.request.get(f"/surveys/{survey_id}/poc.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert page.csp_errors == []  # type: ignore[attr-defined]
