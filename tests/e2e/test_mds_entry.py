"""A coordinator starts an admission assessment, completes section J with a skip pattern applied live,
sees a CMS edit beside the item, fixes it; screenshots of the section form and the assessment."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from tests.e2e.conftest import DEMO, REPO, login

SHOTS = Path(REPO) / "docs" / "screenshots"

_FILL_EMPTY = """() => {
  for (const s of document.querySelectorAll('#section-form select')) {
    if (s.value === '') {
      const o = Array.from(s.options).find(o => !['', '-', '^'].includes(o.value));
      if (o) s.value = o.value;
    }
  }
}"""


def test_start_admission_fill_section_fix_edit(new_page: Any) -> None:
    page = new_page(js=True)
    login(page, "coordinator", DEMO["coordinator"])
    page.goto("/residents?status=active")
    page.locator("#resident-results tbody tr td a").first.click()
    page.wait_for_url("**/residents/*")
    page.click("nav.tabs >> text=Assessments")
    page.wait_for_selector("select[name=rfa]")
    page.select_option("select[name=rfa]", "01-99-99-0")  # Admission (OBRA)
    page.fill("input[name=ard]", date.today().isoformat())
    page.click("button:has-text('Start assessment')")
    page.wait_for_url("**/mds/assessments/*")
    assert page.locator("[data-testid=section-list]").count() == 1

    page.click("text=J · ")
    page.wait_for_selector("#section-form")
    # Gateway J0200=0 (no pain interview): J0300-J0700 are skipped at once, without a save.
    with page.expect_response("**/preview"):
        page.select_option("#f-J0200", "0")
    page.wait_for_selector("#item-J0300 [data-testid=skipped]")
    with page.expect_response("**/preview"):
        page.select_option("#f-J1800", "1")
    page.wait_for_selector("#f-J1900A")
    page.evaluate(_FILL_EMPTY)
    for item in ("J1900A", "J1900B", "J1900C"):
        page.select_option(f"#f-{item}", "0")  # falls reported, none counted: edit -3605
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_selector("[data-edit='-3605']")
    assert "J1800=1 but no fall is counted" in page.locator("#item-J1900A").inner_text()
    page.locator("#item-J1900A").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mds-section.png"), full_page=False)

    page.select_option("#f-J1900A", "1")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_selector("[data-testid=saved]")
    page.wait_for_function("() => !document.querySelector(\"[data-edit='-3605']\")")
    assert page.locator("[data-testid=section-status]").inner_text() == "Complete"
    assert (
        page.locator("#item-J0410 [data-testid=skipped]").count() == 1
    )  # J0410 replaced J0400 (item set 1.18.11)

    page.click("text=Back to the assessment")
    page.wait_for_selector("[data-testid=section-list]")
    assert "Complete" in page.locator("[data-testid=section-list] tr:has-text('J · ')").inner_text()
    page.screenshot(path=str(SHOTS / "mds-assessment.png"), full_page=True)
    assert not page.csp_errors
