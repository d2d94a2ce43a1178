"""Login → resident search → add resident → language switch, with JavaScript on and off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import DEMO, login


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_login_search_add_resident_switch_language(new_page: Any, js: bool) -> None:
    page = new_page(js=js)
    login(page, "coordinator", DEMO["coordinator"])
    assert page.locator("text=Log out").count() == 1
    page.click("header >> text=Residents")
    page.wait_for_url("**/residents*")
    count_text = page.locator("[data-testid=resident-count]").inner_text()
    assert "resident" in count_text

    page.fill("#q", "Garcia")
    if js:  # htmx searches as you type
        page.wait_for_function(
            f"() => !document.querySelector('#resident-results').innerText.includes('{count_text}')"
        )
    else:  # the same form submits normally
        page.click("form[role=search] button[type=submit]")
        page.wait_for_url("**q=Garcia*")
    names = page.locator("#resident-results tbody tr td:first-child").all_inner_texts()
    assert names and all("Garcia" in n for n in names)

    page.click("text=Add resident")
    page.click("button:has-text('Add resident')")  # empty form: 422 with field errors, nothing saved
    page.wait_for_selector(".field-error")
    assert page.locator(".field-error").count() >= 3
    page.fill("input[name=last_name]", "Zamora" if js else "Zuniga")
    page.fill("input[name=first_name]", "Elena")
    page.fill("input[name=birth_date]", "1941-07-04")
    page.select_option("select[name=sex]", "F")
    page.fill("input[name=room]", "118A")
    page.click("button:has-text('Add resident')")
    page.wait_for_url(re.compile(r".*/residents/\d+$"))
    assert page.locator("h1").first.inner_text().startswith("Zamora" if js else "Zuniga")
    assert "Resident added." in page.content()

    page.select_option("select[name=lang]", "es")
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()
    assert page.locator("text=Cerrar sesión").count() == 1
    assert "Resumen y estancias" in page.content()
    assert page.csp_errors == []  # type: ignore[attr-defined]
    # the language is stored on the user: a new login comes back in Spanish
    page.click("text=Cerrar sesión")
    login(page, "coordinator", DEMO["coordinator"])
    assert page.locator("text=Cerrar sesión").count() == 1
    page.select_option("select[name=lang]", "en")
    page.click("[data-testid=language-switch]")


def test_no_phi_in_browser_storage(new_page: Any) -> None:
    page = new_page()
    login(page, "nurse", DEMO["nurse"])
    page.goto("/residents")
    page.click("#resident-results tbody tr td a >> nth=0")
    page.wait_for_url(re.compile(r".*/residents/\d+$"))
    page.click("text=Assessments")
    page.go_back()
    name = page.locator("h1").first.inner_text()
    storage = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
    )
    assert "htmx-history-cache" not in storage  # historyCacheSize 0: no page snapshots kept
    assert page.evaluate("() => localStorage.length") == 0
    # htmx keeps only the current path (a record id, no names) in sessionStorage
    assert name.split(",")[0] not in storage
