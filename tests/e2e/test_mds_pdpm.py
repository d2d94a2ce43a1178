"""The assessment page of a demo resident's signed 5-day PPS record shows its HIPPS code and components."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e.conftest import DEMO, REPO, login

SHOTS = Path(REPO) / "docs" / "screenshots"


def test_signed_five_day_record_shows_hipps(new_page: Any) -> None:
    page = new_page(js=True)
    login(page, "coordinator", DEMO["coordinator"])
    page.goto("/residents?status=active")
    residents = page.locator("#resident-results tbody tr td a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    found = None
    for href in residents[:60]:
        page.goto(href + "?tab=assessments")
        row = page.locator("[data-testid=assessment-list] tr", has_text="5-day").filter(has_text="NC")
        if row.count():
            found = row.first.locator("a").first.get_attribute("href")
            break
    assert found, "no demo resident with a 5-day PPS admission record"
    page.goto(found)
    panel = page.locator("[data-testid=pdpm-panel]")
    panel.wait_for()
    hipps = page.locator("[data-testid=pdpm-hipps]").inner_text()
    assert re.fullmatch(r"[A-P][A-L][A-Y][A-F]1|—", hipps), hipps
    assert "PT/OT" in panel.inner_text() and "NTA" in panel.inner_text()
    panel.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mds-pdpm.png"), full_page=False)
