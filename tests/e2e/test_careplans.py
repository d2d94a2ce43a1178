"""A nurse opens the demo resident whose admission assessment triggered falls and pressure ulcer,
sees why each triggered, adds the library problems with one click each, documents an
intervention, and the facility compliance page updates. Saves the README screenshots."""

from __future__ import annotations

import re
from typing import Any

from careplans.plans.library import load_library
from tests.e2e.conftest import DEMO, REPO, login

SHOTS = REPO / "docs" / "screenshots"
FALLS = load_library().for_caa(11)[0]
ULCER = load_library().for_caa(16)[0]


WALKTHROUGH_REASON = "J1800=1 (fall since admission or prior assessment)"


def _unplanned(page: Any, caa: int) -> list[str]:
    """Residents listed on the compliance list with care area `caa` triggered and not planned."""
    page.goto(f"/careplans/compliance?kind=triggered_unaddressed&care_area={caa}")
    found: list[str] = []
    while True:  # every page of the list
        rows = page.locator("[data-testid=worklist-row]")
        found += [rows.nth(i).get_attribute("data-resident") for i in range(rows.count())]
        if not page.locator("[data-testid=next]").count():
            return found
        page.goto(page.locator("[data-testid=next]").get_attribute("href"))


def _row_of(page: Any, url: str, resident_id: str) -> Any:
    """The resident's row on a paged list, turning pages until it shows."""
    page.goto(url)
    while True:
        row = page.locator(f"[data-testid=worklist-row][data-resident='{resident_id}']")
        if row.count() or not page.locator("[data-testid=next]").count():
            return row
        page.goto(page.locator("[data-testid=next]").get_attribute("href"))


def _walkthrough_resident(page: Any) -> str:
    """The demo's walkthrough resident: falls and pressure ulcer triggered by its admission answers (other demo
    residents may trigger both areas from other items, from the MDS demo's records)."""
    ulcer = set(_unplanned(page, 16))
    candidates = [r for r in _unplanned(page, 11) if r in ulcer]
    assert candidates, "the demo has no resident with falls and pressure ulcer triggered"
    for resident_id in candidates:
        page.goto(f"/residents/{resident_id}?tab=careplan")
        fresh_plan = page.locator("[data-testid=problem]").count() == 0
        if fresh_plan and WALKTHROUGH_REASON in page.locator("#caa-11").inner_text():
            return resident_id
    raise AssertionError("no demo resident with the walkthrough admission answers")


def test_nurse_plans_triggered_falls_and_pressure_ulcer(new_page: Any) -> None:
    page = new_page(js=True)
    login(page, "nurse", DEMO["nurse"])
    resident_id = _walkthrough_resident(page)
    row = _row_of(page, "/careplans/compliance?kind=triggered_unaddressed&care_area=11", resident_id)
    assert "Falls: triggered" in row.inner_text()  # the care area by name, not by number
    row.locator("[data-testid=fix]").click()  # one click to the fix
    page.wait_for_url(re.compile(rf".*/residents/{resident_id}\?tab=careplan"))

    falls = page.locator("#caa-11")
    ulcer = page.locator("#caa-16")
    assert WALKTHROUGH_REASON in falls.inner_text()
    assert "M0150=1 (at risk of pressure ulcers)" in ulcer.inner_text()

    for entry in (FALLS, ULCER):  # one click each
        before = page.locator("[data-testid=problem]").count()
        page.click(f"button[data-library='{entry.id}']")
        page.locator(f"button[data-library='{entry.id}']").wait_for(state="detached")  # now on the plan
        assert page.locator("[data-testid=problem]").count() == before + 1
        assert "Problem added to the care plan." in page.locator("[data-testid=notice]").inner_text()
    problems = page.locator("[data-testid=problem]")
    assert problems.count() == 2
    assert "From CAA 11" in problems.nth(0).inner_text() and "From CAA 16" in problems.nth(1).inner_text()

    # each problem folds to one line; the one just added is open, the first is opened by a click
    problems.nth(0).locator("summary").first.click()
    first = page.locator("[data-testid=intervention]").first
    first.locator("button.cp-done").click()
    page.wait_for_selector("[data-testid=notice]:has-text('Documentation saved.')")
    assert (
        page.locator("[data-testid=intervention]")
        .first.locator("[data-testid=last-documented]")
        .inner_text()
        .startswith("Done")
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#caa-11").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "careplan.png"), full_page=False)

    assert resident_id not in _unplanned(page, 11) and resident_id not in _unplanned(page, 16)
    page.goto("/careplans/compliance")
    page.screenshot(path=str(SHOTS / "careplan-compliance.png"), full_page=False)
    assert page.csp_errors == []  # type: ignore[attr-defined]


def test_care_plan_pdf_from_the_browser(new_page: Any) -> None:
    page = new_page(js=False)
    login(page, "nurse", DEMO["nurse"])
    page.goto("/careplans/compliance")
    resident_id = page.locator("[data-testid=worklist-row]").first.get_attribute("data-resident")
    response = page.request.get(f"/careplans/residents/{resident_id}/kardex.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
