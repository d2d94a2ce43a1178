"""Each role's worklist to a fix, and each hop of the chain both ways, in English and Spanish, on the demo.
Every worklist and chain page is short (under MAX_HEIGHT px) and renders no table of more than 100 rows.
Set MDSREADY_SCREENSHOTS=1 to refresh docs/screenshots/worklist-*.png."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import nav_to

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MAX_HEIGHT = 4000
MAX_ROWS = 100
DON = ("don", "demo-don-pass")
LABELS = {
    "en": {
        "coordinator": "MDS coordinator worklist",
        "nurse": "Nursing worklist",
        "don": "DON and administrator worklist",
        "compliance": "Care-plan compliance",
        "clock14": "day 4 of 14",
        "clock7": "day 2 of 7",
    },
    "es": {
        "coordinator": "Lista de trabajo del coordinador MDS",
        "nurse": "Lista de trabajo de enfermería",
        "don": "Lista de trabajo de dirección de enfermería y administración",
        "compliance": "Cumplimiento del plan de cuidados",
        "clock14": "día 4 de 14",
        "clock7": "día 2 de 7",
    },
}
LANGS = pytest.mark.parametrize("lang", ["en", "es"])


def _short_and_small(page: Any) -> None:
    """The page is short and no table on it has more than MAX_ROWS body rows."""
    height = page.evaluate("document.documentElement.scrollHeight")
    rows = page.evaluate(
        "Math.max(0, ...Array.from(document.querySelectorAll('table')).map("
        "t => t.tBodies.length ? Array.from(t.tBodies).reduce((n, b) => n + b.rows.length, 0) : t.rows.length))"
    )
    assert height < MAX_HEIGHT, f"{page.url} is {height} px high"
    assert rows <= MAX_ROWS, f"{page.url} renders a table of {rows} rows"


def _shot(page: Any, name: str) -> None:
    if os.environ.get("MDSREADY_SCREENSHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _filter(page: Any, name: str, value: str) -> None:
    """Pick a filter value: htmx swaps the rows in place and pushes the URL."""
    page.select_option(f"[data-testid=worklist-filter] select[name={name}]", value)
    page.wait_for_url(re.compile(rf".*[?&]{name}={value}"))
    page.wait_for_load_state("networkidle")


@LANGS
def test_coordinator_worklist_to_a_fix(speaking: Any, lang: str) -> None:
    page = speaking("coordinator", lang)
    nav_to(page, LABELS[lang]["coordinator"])
    page.wait_for_url("**/mds/worklist")
    _short_and_small(page)
    assert int(page.locator("[data-testid=count-missing] strong").inner_text()) > 0
    if lang == "en":
        _shot(page, "worklist-coordinator")
    _filter(page, "kind", "change_clock")
    rows = page.locator("[data-testid=worklist-row]")
    assert rows.count() == 1  # the demo's significant change, determined 4 days ago
    assert LABELS[lang]["clock14"] in rows.first.locator("[data-testid=clock]").inner_text()
    rows.first.locator("[data-testid=fix]").click()
    page.wait_for_url(re.compile(r".*/mds/dashboard/start\?.*kind=significant_change"))
    assert page.locator("form").count() > 0
    assert page.csp_errors == []


@LANGS
def test_nurse_worklist_to_a_fix(speaking: Any, lang: str) -> None:
    page = speaking("nurse", lang)
    nav_to(page, LABELS[lang]["nurse"])
    page.wait_for_url("**/careplans/worklist")
    _short_and_small(page)
    if lang == "en":
        _shot(page, "worklist-nurse")
    _filter(page, "kind", "change_clock")
    row = page.locator("[data-testid=worklist-row]").first
    assert LABELS[lang]["clock7"] in row.locator("[data-testid=clock]").inner_text()
    resident = row.get_attribute("data-resident")
    href = row.locator("[data-testid=fix]").get_attribute("href")
    row.locator("[data-testid=fix]").click()
    page.wait_for_url(re.compile(rf".*/residents/{resident}\?tab=careplan"))
    problem = href.rsplit("#", 1)[1]
    assert page.locator(f"#{problem}").count() == 1  # one click lands on the changed problem
    # the not-planned areas filter by care area, named
    page.goto("/careplans/worklist?kind=not_planned")
    _short_and_small(page)
    options = page.locator("[data-testid=worklist-filter] select[name=care_area] option")
    assert options.count() > 1 and not options.nth(1).inner_text().strip().isdigit()
    assert page.csp_errors == []


@LANGS
def test_don_worklist_to_a_fix(speaking: Any, lang: str) -> None:
    page = speaking(DON[0], lang, DON[1])
    nav_to(page, LABELS[lang]["don"])
    page.wait_for_url("**/surveys/worklist")
    _short_and_small(page)
    for kind in ("poc_due", "poc_task", "qm_over"):
        assert int(page.locator(f"[data-testid=count-{kind}] strong").inner_text()) > 0, kind
    if lang == "en":
        _shot(page, "worklist-don")
    _filter(page, "kind", "poc_task")
    row = page.locator("[data-testid=worklist-row]").first
    row.locator("[data-testid=fix]").click()
    page.wait_for_url(re.compile(r".*/surveys/findings/\d+#tasks"))
    assert page.locator("#tasks").is_visible()
    assert page.csp_errors == []


def test_compliance_list_is_paged_with_care_area_names(speaking: Any) -> None:
    page = speaking("admin", "en")
    nav_to(page, LABELS["en"]["compliance"])
    page.wait_for_url("**/careplans/compliance")
    _short_and_small(page)
    assert page.locator("[data-testid=worklist-row]").count() <= 25
    if page.locator("[data-testid=next]").count():
        page.locator("[data-testid=next]").click()
        page.wait_for_url(re.compile(r".*page=2"))
        _short_and_small(page)
    page.goto("/careplans/compliance?kind=triggered_unaddressed")
    text = page.locator("[data-testid=compliance-table]").inner_text()
    assert "CAA " not in text and ": triggered" in text
    _shot(page, "careplan-compliance-list")


@LANGS
def test_chain_forward_and_back(speaking: Any, lang: str) -> None:
    """QM over threshold -> residents and items behind it -> item -> the measure it feeds -> F-tag -> finding ->
    plan of correction; and back: finding -> residents/items -> POC task -> the residents it covers; care area
    -> items that fired it -> item -> care area -> problem."""
    page = speaking(DON[0], lang, DON[1])
    page.goto("/surveys/worklist?kind=qm_over")
    row = page.locator("[data-testid=worklist-row]", has=page.locator("a[href='/chain/qm/410']"))
    row.locator("[data-testid=fix]").click()
    page.wait_for_url("**/chain/qm/410")
    _short_and_small(page)
    # back from the measure to an item behind it (J1900C of a resident in the numerator)
    page.locator("[data-testid=chain-resident] [data-testid=chain-item]", has_text="J1900C").first.click()
    page.wait_for_url(re.compile(r".*/chain/residents/\d+/items/J1900C"))
    _short_and_small(page)
    resident_url = page.url.split("/items/")[0]
    # forward: item -> measure -> F-tag -> finding -> plan of correction
    page.locator("[data-testid=chain-measures] a[href='/chain/qm/410']").click()
    page.wait_for_url("**/chain/qm/410")
    page.locator("main a[href='/chain/ftags/F689']").first.click()
    page.wait_for_url("**/chain/ftags/F689")
    _short_and_small(page)
    assert page.locator("[data-testid=chain-measures] a[href='/chain/qm/410']").count() == 1  # and back
    page.locator("[data-testid=chain-finding]").first.click()
    page.wait_for_url(re.compile(r".*/chain/findings/\d+$"))
    _short_and_small(page)
    finding_chain = page.url
    page.locator("[data-testid=chain-poc]").first.click()
    page.wait_for_url(re.compile(r".*/surveys/findings/\d+#poc"))
    # back: the finding page -> residents, problems, items -> a POC task -> the residents it covers
    page.locator("[data-testid=finding-chain]").click()
    page.wait_for_url(finding_chain)
    assert page.locator("[data-testid=chain-resident]").count() >= 1
    page.locator("[data-testid=chain-task]").first.click()
    page.wait_for_url(re.compile(r".*/chain/tasks/\d+$"))
    _short_and_small(page)
    assert page.locator("[data-testid=chain-resident]").count() >= 1
    # care area hop both ways for the resident met above: area -> item -> area -> problem
    page.goto(resident_url + "/areas/11")
    _short_and_small(page)
    items = page.locator("[data-testid=chain-items] [data-testid=chain-item]")
    if items.count():
        items.first.click()
        page.wait_for_url(re.compile(r".*/items/[A-Z0-9]+\?assessment=\d+$"))
        page.locator("[data-testid=chain-areas] a[href$='/areas/11']").click()
        page.wait_for_url("**/areas/11")
    link = page.locator("[data-testid=chain-problems] a").first
    link.click()
    page.wait_for_url(re.compile(r".*/residents/\d+\?tab=careplan"))
    assert page.csp_errors == []
