"""Issue 18 in the browser, in English and Spanish: a coordinator enters Section GG in its grid with the keyboard
(Enter saves and opens the next section, the resident/ARD header stays pinned, the section strip shows what is
complete), and a nurse writes a new admission's baseline care plan (F655) while its 48-hour clock runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import REPO

SHOTS = REPO / "docs" / "screenshots"
TEXT = {
    "en": {
        "saved": "Section GG saved.",
        "left": "min left",
        "required": "Required for the baseline care plan.",
        "completed": "Baseline care plan recorded as completed.",
        "within": "within 48 hours",
        "complete_button": "Complete the baseline care plan",
        "add": "Add resident",
        "care_plan_tab": "Care plan",
        "self_care": "GG0130. Self-Care",
        "admission_column": "1. Admission Performance",
    },
    "es": {
        "saved": "Sección GG guardada.",
        "left": "Quedan",
        "required": "Obligatorio para el plan de cuidados inicial.",
        "completed": "Plan de cuidados inicial",
        "within": "dentro de las 48 horas",
        "complete_button": "Completar el plan de cuidados inicial",
        "add": "Añadir residente",
        "care_plan_tab": "Plan de cuidados",
        "self_care": "GG0130. Autocuidado",
        "admission_column": "1. Desempeño al ingreso",
    },
}


def _new_admission(page: Any, last_name: str) -> str:
    """A new resident admitted yesterday at 10:00 UTC (the baseline clock still runs); returns the resident id."""
    page.goto("/residents/new")
    page.fill("input[name=last_name]", last_name)
    page.fill("input[name=first_name]", "Elena")
    page.fill("input[name=birth_date]", "1941-07-04")
    page.select_option("select[name=sex]", "F")
    page.fill("input[name=room]", "118A")
    page.locator("form:has(input[name=last_name]) button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/residents/\d+$"))
    resident_id = page.url.rsplit("/", 1)[1]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    stay_form = page.locator("form[action$='/stays']")
    stay_form.locator("input[name=admission_date]").fill(yesterday)
    stay_form.locator("input[name=admission_time]").fill("10:00")
    stay_form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "10:00 UTC" in page.locator("[data-testid=stay]").first.inner_text()
    return resident_id


@pytest.mark.parametrize("lang", ["en", "es"])
def test_baseline_care_plan_while_the_clock_runs(speaking: Any, lang: str) -> None:
    t = TEXT[lang]
    page = speaking("nurse", lang)
    resident_id = _new_admission(page, f"Baseline{lang.upper()}")
    page.goto(f"/residents/{resident_id}?tab=careplan")
    clock = page.locator("[data-testid=baseline-clock]")
    assert clock.get_attribute("data-state") == "running" and t["left"] in clock.inner_text()
    form = page.locator("[data-testid=baseline-form]")
    form.locator(
        "button[data-testid=baseline-complete]"
    ).click()  # nothing written yet: refused, nothing saved
    page.wait_for_selector(f".field-error:has-text('{t['required']}')")
    assert page.locator(f".field-error:has-text('{t['required']}')").count() == 5
    form = page.locator("[data-testid=baseline-form]")
    for field, text in (
        ("baseline_goals", "Walk to the dining room with a walker"),
        ("baseline_physician_orders", "Medications as reconciled on admission"),
        ("baseline_dietary_orders", "Regular diet, thin liquids"),
        ("baseline_therapy", "PT and OT five days a week"),
        ("baseline_social", "Discharge planning with the daughter"),
    ):
        form.locator(f"textarea[name={field}]").fill(text)
    form.locator("input[name=baseline_summary_to]").fill("Ana (daughter)")
    form.locator("input[name=baseline_summary_on]").fill(datetime.now(UTC).date().isoformat())
    form.locator("button[data-testid=baseline-complete]").click()
    page.wait_for_selector("[data-testid=baseline-clock][data-state=done]")
    assert t["completed"] in page.locator("[data-testid=notice]").inner_text()
    assert t["within"] in page.locator("[data-testid=baseline-clock]").inner_text()
    if lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#baseline").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "careplan-baseline.png"), full_page=False)
    assert page.csp_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_gg_grid_entry_with_the_keyboard(speaking: Any, lang: str) -> None:
    t = TEXT[lang]
    page = speaking("coordinator", lang)
    resident_id = _new_admission(page, f"Grid{lang.upper()}")
    page.goto(f"/residents/{resident_id}?tab=assessments")
    start = page.locator("form[action$='/assessments']")
    start.locator("select[name=rfa]").select_option("01-99-99-0")
    start.locator("input[name=ard]").fill(datetime.now(UTC).date().isoformat())
    start.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/mds/assessments/\d+$"))
    assessment = page.url.rsplit("/", 1)[1]
    page.goto(f"/mds/assessments/{assessment}/sections/GG")
    grid = page.locator("[data-testid=gg-grid][data-group=GG0130]")
    assert t["self_care"] in grid.inner_text() and t["admission_column"] in grid.inner_text()
    head = page.locator("[data-testid=entry-head]")
    assert f"Grid{lang.upper()}" in head.inner_text()
    assert page.locator("[data-testid=section-strip] a[aria-current=page]").inner_text().startswith("GG")
    # keyboard: the first empty field has the focus; a code is picked, Tab goes to the next cell in the row
    first = page.locator("select[name=GG0130A1]")
    assert page.evaluate("document.activeElement && document.activeElement.name") == "GG0100A"
    first.focus()
    first.select_option("06")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "GG0130A2"
    page.locator("select[name=GG0130A2]").select_option("06")
    # the header stays in view while the grid scrolls
    page.locator("#row-GG0130I").scroll_into_view_if_needed()
    assert page.locator("[data-testid=entry-head]").bounding_box()["y"] >= -1  # type: ignore[index]
    assert page.locator("[data-testid=entry-head]").is_visible()
    page.locator("select[name=GG0130A2]").focus()
    page.keyboard.press("Enter")  # saves and opens the next section
    page.wait_for_url(re.compile(r".*/sections/H$"))
    assert t["saved"] in page.content()
    strip = page.locator("[data-testid=section-strip] a[data-section=GG]")
    assert strip.get_attribute("data-status") in ("in_progress", "complete")
    page.goto(f"/mds/assessments/{assessment}/sections/GG")
    assert page.locator("select[name=GG0130A1]").input_value() == "06"
    assert page.locator("select[name=GG0130A2]").input_value() == "06"
    if lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#grid-GG0130").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "mds-gg-grid.png"), full_page=False)
    assert page.csp_errors == []  # type: ignore[attr-defined]
