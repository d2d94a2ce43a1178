"""The coordinator's day in the browser: the dashboard (screenshot), starting a due admission assessment
from it with the RFA prefilled, a section with a skip pattern applied live and an edit fixed, then
exporting signed records to a zip that `mdsready validate` accepts, and tracking the batch as submitted.

Signing a fresh comprehensive admission needs every section and the CAA decisions; that chain is covered
by the integration tests (tests/integration/mds/test_sign_lock.py, test_workflow_export.py). Here the
export uses the demo's signed-not-exported records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.conftest import DEMO, REPO, login, nav_to

SHOTS = Path(REPO) / "docs" / "screenshots"
_FILL_EMPTY = """() => {
  for (const s of document.querySelectorAll('#section-form select')) {
    if (s.value === '') {
      const o = Array.from(s.options).find(o => !['', '-', '^'].includes(o.value));
      if (o) s.value = o.value;
    }
  }
}"""


def test_dashboard_start_section_export(new_page: Any, tmp_path: Path) -> None:
    page = new_page(js=True)
    login(page, "coordinator", DEMO["coordinator"])
    nav_to(page, "MDS dashboard")
    page.wait_for_selector("[data-testid=dashboard-counts]")
    assert int(page.locator("[data-testid=count-late]").inner_text()) > 0
    assert int(page.locator("[data-testid=count-signed_not_exported]").inner_text()) > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mds-dashboard.png"), full_page=False)

    # htmx filter: one unit only, the URL follows
    unit = page.locator("select[name=unit] option").nth(1).get_attribute("value")
    with page.expect_response(lambda r: "/mds/dashboard?" in r.url):
        page.select_option("select[name=unit]", unit)
    page.wait_for_url(f"**unit={unit}**")
    page.select_option("select[name=unit]", "")

    # start a due admission from the dashboard: the form comes prefilled with its RFA
    page.goto("/mds/dashboard")
    page.locator("[data-testid=start-admission]").first.click()
    page.wait_for_selector("[data-testid=start-form]")
    assert page.locator("select[name=rfa]").input_value() == "01-99-99-0"
    page.click("button:has-text('Start assessment')")
    page.wait_for_url("**/mds/assessments/*")

    page.click("text=J · ")
    page.wait_for_selector("#section-form")
    with page.expect_response("**/preview"):
        page.select_option("#f-J0200", "0")  # no pain interview: J0300-J0700 skipped at once
    page.wait_for_selector("#item-J0300 [data-testid=skipped]")
    with page.expect_response("**/preview"):
        page.select_option("#f-J1800", "1")
    page.wait_for_selector("#f-J1900A")
    page.evaluate(_FILL_EMPTY)
    for item in ("J1900A", "J1900B", "J1900C"):
        page.select_option(f"#f-{item}", "0")  # a fall reported but none counted: edit -3605
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_selector("[data-edit='-3605']")
    page.select_option("#f-J1900A", "1")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_function("() => !document.querySelector(\"[data-edit='-3605']\")")
    assert page.locator("[data-testid=section-status]").inner_text() == "Complete"

    # the new assessment is now in progress on the dashboard
    page.goto("/mds/dashboard")
    assert page.locator("[data-testid=rows-in_progress] tr").count() > 1

    # export the signed records: validated, zipped, downloadable, accepted by `mdsready validate`
    page.click("text=Export and submission")
    page.wait_for_selector("[data-testid=export-form]")
    with page.expect_navigation():
        page.click("[data-testid=export-submit]")
    page.wait_for_selector("[data-testid=export-outcome]")
    with page.expect_download() as info:
        page.locator("[data-testid=export-outcome] [data-testid=download-zip]").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    result = subprocess.run(
        [sys.executable, "-m", "facility.cli", "validate", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and " 0 rejected" in result.stdout, result.stdout[-3000:]

    page.click("text=Track this batch")
    page.wait_for_selector("[data-testid=batch-records]")
    page.click("[data-testid=mark-submitted]")
    page.wait_for_selector("text=Batch marked as submitted to CMS.")
    assert set(page.locator("[data-testid=record-state]").all_inner_texts()) == {"Submitted"}
    assert not page.csp_errors
