"""Quality measures page with monkeypatched MDS assessments: flags with items, rates, CMS averages,
the no-assessment state, and the htmx cut-point simulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from surveys.qm import services as qm_services

HX = {"HX-Request": "true"}


def _ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _falls_history(today: date, fell: bool) -> list[dict[str, str]]:
    """A long-stay resident: admitted 200 days ago, quarterly assessment this quarter with J1800/J1900C."""
    entry = today - timedelta(days=200)
    quarter_start = qm_services.qm.Period.quarter(qm_services.quarter_of(today)).start
    ard = max(quarter_start, today - timedelta(days=1))
    return [
        {"A0310A": "99", "A0310B": "99", "A0310F": "01", "A1700": "1", "A1600": _ymd(entry)},
        {
            "A0310A": "01",
            "A0310B": "99",
            "A0310F": "99",
            "A2300": _ymd(entry + timedelta(days=5)),
            "J1800": "0",
        },
        {
            "A0310A": "02",
            "A0310B": "99",
            "A0310F": "99",
            "A2300": _ymd(ard),
            "J1800": "1" if fell else "0",
            "J1900C": "1" if fell else "0",
            "I2300": "0",
            "H0100A": "0",
            "N0415A1": "0",
            "I6000": "0",
            "I5350": "0",
            "I5250": "0",
        },
    ]


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    qm_services.clear_cache()
    yield
    qm_services.clear_cache()


@pytest.fixture
def assessments(monkeypatch: Any, world: Any) -> dict[int, list[dict[str, str]]]:
    from mds.assessments import services as mds_services

    today = date.today()
    data = {
        world.resident_a: _falls_history(today, fell=True),
        world.resident_b: _falls_history(today, fell=True),
    }

    async def fake_signed(
        facility_id: int, items: Any, *, ard_from: date | None = None
    ) -> dict[int, list[dict[str, str]]]:
        assert ard_from is not None and set(items) == set(
            qm_services.qm.ITEMS_READ
        )  # a bounded, reduced read
        from facility.tables import Resident

        mine = {r["id"] for r in await Resident.select(Resident.id).where(Resident.facility == facility_id)}
        return {
            rid: [{k: v for k, v in record.items() if k in items} for record in records]
            for rid, records in data.items()
            if rid in mine
        }

    monkeypatch.setattr(mds_services, "signed_items_for_facility", fake_signed)
    return data


async def test_no_assessments_is_said_honestly(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    page = await client.get("/quality-measures")
    assert page.status_code == 200 and 'data-testid="qm-empty"' in page.text
    assert "no residents" in page.text and "%</strong>" not in page.text  # no facility rate is made up


async def test_rates_flags_and_links(client: Any, world: Any, assessments: Any) -> None:
    await client.login("viewer_a")
    page = await client.get("/quality-measures")
    assert page.status_code == 200 and 'data-testid="qm-empty"' not in page.text
    row = page.text.split('data-code="410"')[1].split("</tr>")[0]
    assert "1 / 1" in row and "100.0%" in row  # facility A only: facility B's resident is not counted
    assert 'href="/surveys/ftags?q=F689"' in row and "11. Falls" in row
    assert "J1900C=1" in page.text and "Anders, Test" in page.text and "Bernal" not in page.text
    assert (
        "3.3%" in row
    )  # national average of the shipped CMS rows (all AL); facility A is in OH: no state average
    assert 'id="qm-trend"' in page.text and "chart-4.6.1.umd.min.js" in page.text


async def test_simulator_htmx_and_without_js(client: Any, world: Any) -> None:
    await client.login("um_a")
    fragment = await client.get("/quality-measures/simulate?code=410&numerator=3&denominator=40", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "1 resident must change to reach 40 points" in fragment.text
    full = await client.get("/quality-measures?code=410&numerator=3&denominator=40")
    assert "<html" in full.text and "1 resident must change" in full.text
    bad = await client.get("/quality-measures/simulate?code=410&numerator=9&denominator=4", headers=HX)
    assert bad.status_code == 422 and "field-error" in bad.text
    unknown = await client.get("/quality-measures/simulate?code=999&numerator=1&denominator=4")
    assert unknown.status_code == 422 and "<html" in unknown.text


async def test_quarter_parameter_is_validated(client: Any, world: Any, assessments: Any) -> None:
    await client.login("coord_a")
    assert (await client.get("/quality-measures?quarter=garbage")).status_code == 200
    old = await client.get("/quality-measures?quarter=2025Q1")
    assert old.status_code == 200 and 'value="2025Q1" selected' in old.text or "2025Q1" in old.text


async def test_monthly_report_says_no_state_data_not_zero_worse(
    client: Any, world: Any, assessments: Any
) -> None:
    """Facility A is in OH; the shipped CMS averages are all AL: no measure can be compared with the state."""
    from surveys.reports import services as reports

    reports.clear_cache()
    await client.login("coord_a")
    page = await client.get("/reports/monthly")
    assert page.status_code == 200 and 'data-testid="no-state-data"' in page.text
    card = page.text.split('data-key="qm_worse_than_state"')[1].split("</article>")[0]
    assert "no state data" in card and ">0<" not in card
    text = (await client.get("/reports/monthly.csv")).content.decode("utf-8-sig")
    assert "Quality measures worse than state,no state data" in text and "None" not in text
    await client.post("/language", {"lang": "es"})
    es = await client.get("/reports/monthly")
    assert "sin datos del estado" in es.text
    es_csv = (await client.get("/reports/monthly.csv")).content.decode("utf-8-sig")
    assert "sin datos del estado" in es_csv and "None" not in es_csv
    pdf = await client.get("/reports/monthly.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _sim_form(html: str) -> dict[str, str]:
    import re

    form = html.split('data-testid="simulator"')[1].split("</form>")[0]
    selected = re.search(r'<option value="([^"]+)"[^>]*selected', form)
    values = dict(re.findall(r'name="(numerator|denominator)"[^>]*value="([^"]*)"', form))
    return {"code": selected.group(1) if selected else "", **values}


async def test_simulator_default_form_works_as_sent(client: Any, world: Any, assessments: Any) -> None:
    """The form as the page sends it (no typing) gives an answer: the first measure with residents, its numbers."""
    await client.login("coord_a")
    page = await client.get("/quality-measures")
    form = _sim_form(page.text)
    assert form == {"code": "406", "numerator": "0", "denominator": "1"}  # 401 has no residents here: skipped
    option = page.text.split('<option value="410"')[1].split(">")[0]
    assert 'data-numerator="1"' in option and 'data-denominator="1"' in option  # the script fills these in
    answer = await client.get(
        f"/quality-measures/simulate?code={form['code']}&numerator={form['numerator']}&denominator={form['denominator']}",
        headers=HX,
    )
    assert answer.status_code == 200 and 'data-testid="simulation-result"' in answer.text
    no_js = await client.get(
        f"/quality-measures?code={form['code']}&numerator={form['numerator']}&denominator={form['denominator']}"
    )
    assert 'data-testid="simulation-result"' in no_js.text and _sim_form(no_js.text) == form


async def test_simulator_without_residents_asks_for_numbers(client: Any, world: Any) -> None:
    await client.login("coord_a")
    page = await client.get("/quality-measures")
    form = _sim_form(page.text)
    assert form["numerator"] == "" and form["denominator"] == ""  # nothing made up
    simulator = page.text.split('data-testid="simulator"')[1].split("</form>")[0]
    assert simulator.count("required") == 2  # the browser asks for them before sending


async def test_star_estimate_next_to_the_points(client: Any, world: Any, assessments: Any) -> None:
    await client.login("viewer_a")
    page = await client.get("/quality-measures")
    section = page.text.split('data-testid="star-estimate"')[1].split("</section>")[0]
    long_row = section.split('data-stay="long"')[1].split("</tr>")[0]
    # 406, 407 and 481 at 0% (100 + 100 + 150 points) and 410 at 100% (1 of 1 fell: 20 points); 401, 451,
    # 479 without residents and the claims-based 551/552 unscored: 450 to 1070 points spans 1 to 5 stars
    assert "<strong>370</strong>" in long_row and "4 of 9" in long_row and "551" in long_row
    assert "cannot be estimated" in long_row and "between 450 and 1070 points" in long_row
    assert "Table 5" in section
    await client.post("/language", {"lang": "es"})
    es = await client.get("/quality-measures")
    assert "estimación" in es.text.split('data-testid="star-estimate"')[1].split("</section>")[0].lower()
