"""The assessment page shows the PDPM HIPPS code and its components, from the record alone (issue 14)."""

from __future__ import annotations

from typing import Any

from tests.integration.mds.conftest import complete_answers, section_version, start

FIVE_DAY = "99-01-99-0"  # A0310B=01 5-day PPS (ISC NP)
ENTRY = "99-99-01-0"  # entry tracking (ISC NT)


async def _save(client: Any, assessment_id: int, isc: str, section: str, overrides: dict[str, str]) -> None:
    data = complete_answers(
        isc, section, {**overrides, "version": str(await section_version(assessment_id, section))}
    )
    response = await client.post(
        f"/mds/assessments/{assessment_id}/sections/{section}", data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200, response.text[:500]


async def test_five_day_page_shows_hipps_from_i0020b(client: Any, world: Any) -> None:
    from mds.assessments.services import assessment_answers
    from mds.pdpm import rules as pdpm

    await client.login("coord_a")
    assessment_id = await start(client, world, FIVE_DAY)
    await _save(client, assessment_id, "NP", "I", {"I0020": "04", "I0020B": "S72.001A"})
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert page.status_code == 200 and 'data-testid="pdpm-panel"' in page.text
    expected = pdpm.classify(await assessment_answers(assessment_id))
    assert expected.hipps and expected.clinical_category == "Non-Surgical Orthopedic/Musculoskeletal"
    assert f'data-testid="pdpm-hipps">{expected.hipps}<' in page.text
    assert (
        expected.pt_ot in page.text
        and expected.nursing in page.text
        and "Non-Surgical Orthopedic" in page.text
    )

    await _save(client, assessment_id, "NP", "I", {"I0020": "04", "I0020B": "R26.2"})  # Return to Provider
    await client.post("/language", {"lang": "es"})
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert 'data-testid="pdpm-hipps">—<' in page.text and "Clasificación PDPM" in page.text
    assert "I0020B R262 es un código «Return to Provider»" in page.text


async def test_tracking_record_has_no_pdpm_panel(client: Any, world: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world, ENTRY)
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert page.status_code == 200 and "pdpm-panel" not in page.text
