"""Report pages in English and Spanish (issue 18, part 6): the monthly report says "no state data" instead of
"0 worse than state" (the demo facility is in OH, the shipped CMS averages are AL), its CSV has names and
reasons but never "None", its PDF downloads; the quality-measures page shows the star estimate next to the points
and the cut-point simulator answers with its default form, and fills in a measure's own numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.e2e.conftest import DEMO, login, nav_to

WORDS = {
    "en": {
        "report": "Monthly report",
        "qm": "Quality measures",
        "no_state": "no state data",
        "worse": "Quality measures worse than state",
        "stars": "Five-Star quality-measure stars (estimate)",
        "must_change": "must change",
        "best": "Already in the best band.",
    },
    "es": {
        "report": "Informe mensual",
        "qm": "Medidas de calidad",
        "no_state": "sin datos del estado",
        "worse": "Medidas de calidad peores que el estado",
        "stars": "Estrellas de medidas de calidad de Five-Star (estimación)",
        "must_change": "cambiar",
        "best": "Ya está en la mejor banda.",
    },
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_monthly_report_and_quality_measures(new_page: Any, lang: str) -> None:
    w = WORDS[lang]
    page = new_page(locale="es-ES" if lang == "es" else "en-US")
    login(page, "admin", DEMO["admin"])
    nav_to(page, w["report"])
    page.wait_for_url("**/reports/monthly")
    card = page.locator("[data-key=qm_worse_than_state]")
    assert card.inner_text().strip().endswith(w["no_state"])  # not "0"
    assert page.locator("[data-testid=no-state-data]").is_visible()
    with page.expect_download() as download_info:
        page.click("[data-testid=report-csv]")
    with open(download_info.value.path(), encoding="utf-8-sig") as fh:
        text = fh.read()
    rows = list(csv.reader(io.StringIO(text)))
    assert "None" not in text and [r[5] for r in rows if r[4] == w["worse"]] == [w["no_state"]]
    assert "medicare_a" not in text and "medicaid," not in text  # payer names, not codes
    with page.expect_download() as pdf_info:
        page.click("[data-testid=report-pdf]")
    with open(pdf_info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    nav_to(page, w["qm"])
    page.wait_for_url("**/quality-measures")
    stars = page.locator("[data-testid=star-estimate]")
    assert w["stars"] in stars.inner_text()
    assert stars.locator("tr[data-stay=long] td").nth(1).inner_text().strip().isdigit()  # the points
    # the default form, sent as it is, answers
    form = page.locator("[data-testid=simulator]")
    form.locator("button[type=submit]").click()
    result = page.locator("[data-testid=simulation-result]")
    result.wait_for()
    assert w["must_change"] in result.inner_text() or w["best"] in result.inner_text()
    # choosing another measure brings its own residents (data-* of the option), not the previous measure's
    select = form.locator("select[name=code]")
    option = select.locator("option[value='481']")
    select.select_option("481")
    assert form.locator("input[name=numerator]").input_value() == option.get_attribute("data-numerator")
    assert form.locator("input[name=denominator]").input_value() == option.get_attribute("data-denominator")
    assert page.csp_errors == []  # type: ignore[attr-defined]
