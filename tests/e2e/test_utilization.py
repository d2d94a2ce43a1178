"""A UM reviewer records a denial and an appeal and prints the Medicaid sheet in Spanish; an administrator
opens the monthly report and downloads its PDF."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tests.e2e.conftest import DEMO, login, nav_to


def test_um_reviewer_denial_appeal_and_spanish_medicaid_sheet(new_page: Any) -> None:
    page = new_page()
    login(page, "um", DEMO["um"])
    nav_to(page, "Utilization review")
    page.wait_for_url("**/utilization")
    assert "open stays" in page.locator("[data-testid=board-count]").inner_text()
    page.click(".ur-board tbody tr td a >> nth=0")
    page.wait_for_url(re.compile(r".*/utilization/stays/\d+$"))
    denials_before = page.locator("[data-testid=denial]").count()

    page.click("text=Record a denial or non-coverage notice")
    form = page.locator("[data-testid=denial-form]")
    form.locator("select[name=payer]").select_option("medicare_a")
    form.locator("select[name=kind]").select_option("claim_denial")
    form.locator("button[type=submit]").click()  # nothing filled: 422, the form comes back with errors
    page.wait_for_selector("#denials .field-error")
    page.click("text=Record a denial or non-coverage notice") if not page.locator("[data-testid=denial-form]").is_visible() else None
    form = page.locator("[data-testid=denial-form]")
    form.locator("input[name=notice_date]").fill(date.today().isoformat())
    form.locator("textarea[name=reason]").fill("Claim denied: therapy notes missing for week 2.")
    form.locator("button[type=submit]").click()
    page.wait_for_function(f"() => document.querySelectorAll('[data-testid=denial]').length === {denials_before + 1}")
    denial = page.locator("[data-testid=denial]", has_text="therapy notes missing")
    assert "appeal by" in denial.inner_text()

    denial.locator("summary", has_text="File an appeal").click()
    denial.locator("[data-testid=appeal-form] select[name=level]").select_option("redetermination")
    denial.locator("[data-testid=appeal-form] input[name=filed_date]").fill(date.today().isoformat())
    denial.locator("[data-testid=appeal-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=denial]:has-text('therapy notes missing') [data-testid=appeal]")
    assert "Pending" in page.locator("[data-testid=denial]", has_text="therapy notes missing").inner_text()

    href = page.locator("[data-testid=sheet-es]").get_attribute("href")
    assert href and href.endswith("lang=es")
    response = page.context.request.get(href)
    assert response.status == 200 and response.body().startswith(b"%PDF")
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_admin_opens_monthly_report_and_downloads_pdf(new_page: Any) -> None:
    page = new_page()
    login(page, "admin", DEMO["admin"])
    nav_to(page, "Monthly report")
    page.wait_for_url("**/reports/monthly")
    assert page.locator("[data-testid=report-summary] article").count() == 6
    page.wait_for_function("() => document.querySelector('canvas[data-chart=chart-census]').dataset.drawn === '1'")
    with page.expect_download() as download_info:
        page.click("[data-testid=report-pdf]")
    path = download_info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert page.csp_errors == []  # type: ignore[attr-defined]
