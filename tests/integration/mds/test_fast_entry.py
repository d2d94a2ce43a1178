"""Fast assessment entry (issue 18 part 4) through the pages: GG as grids with the record's own columns, the
pinned resident/ARD header with every section's completion state, Enter = save and go to the next section, and
bad input refused with 422 and nothing saved."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.mds.conftest import complete_answers, section_version, start

HX = {"HX-Request": "true"}


def _columns(html: str, group: str) -> list[str]:
    table = html.split(f'data-group="{group}"', 1)[1].split("</thead>", 1)[0]
    return re.findall(r'data-column="(\d)"', table)


async def test_gg_grid_has_the_record_columns(client: Any, world: Any) -> None:
    await client.login("coord_a")
    admission = await start(client, world)
    page = await client.get(f"/mds/assessments/{admission}/sections/GG")
    assert page.status_code == 200
    assert page.text.count('data-testid="gg-grid"') == 2
    assert _columns(page.text, "GG0130") == ["1", "2", "3", "5"]
    assert "1. Admission Performance" in page.text and "2. Discharge Goal" in page.text
    assert 'id="row-GG0130A"' in page.text and "Eating" in page.text
    # each cell is the item's own control, with the item's codes and the item id as its name
    cell = page.text.split('id="item-GG0130A1"', 1)[1].split("</td>", 1)[0]
    assert 'name="GG0130A1"' in cell and ">06. Independent" in cell and 'value="88"' in cell
    # the list items of the section stay a list
    assert 'id="item-GG0100A"' in page.text and 'class="mds-item' in page.text


async def test_header_and_section_strip(client: Any, world: Any) -> None:
    from mds.assessments.services import entry_sections

    await client.login("coord_a")
    assessment_id = await start(client, world)
    page = await client.get(f"/mds/assessments/{assessment_id}/sections/B")
    head = page.text.split('data-testid="entry-head"', 1)[1].split('data-testid="section-strip"', 1)[0]
    assert "Anders, Test" in head and "ARD Jan 20, 2026" in head
    strip = re.findall(r'data-section="([A-Z]+)" data-status="([a-z_]+)"', page.text)
    assert [s for s, _status in strip] == entry_sections("NC")
    assert 'aria-current="page"' in page.text.split('data-section="B"', 1)[0].rsplit("<a", 1)[1]
    data = complete_answers("NC", "B", {"version": str(await section_version(assessment_id, "B"))})
    saved = await client.post(f"/mds/assessments/{assessment_id}/sections/B", data, headers=HX)
    assert saved.status_code == 200 and "<html" not in saved.text
    # the strip comes back out of band with B complete
    assert 'id="entry-head"' in saved.text and 'hx-swap-oob="true"' in saved.text
    assert 'data-section="B" data-status="complete"' in saved.text
    assert "1 of " in saved.text


async def test_enter_saves_and_opens_the_next_section(client: Any, world: Any) -> None:
    from mds.assessments.services import assessment_answers, entry_sections

    await client.login("nurse_a")
    assessment_id = await start(client, world)
    order = entry_sections("NC")
    following = order[order.index("B") + 1]
    url = f"/mds/assessments/{assessment_id}/sections/B"
    page = await client.get(url)
    # the default button (what Enter presses) is "save and go to the next section"
    first_button = re.search(r"<button[^>]*type=\"submit\"[^>]*>", page.text.split('id="section-form"', 1)[1])
    assert first_button and 'value="next"' in first_button.group(0)
    data = complete_answers(
        "NC", "B", {"version": str(await section_version(assessment_id, "B")), "then": "next"}
    )
    plain = await client.post(url, data, follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"/sections/{following}")
    assert (await assessment_answers(assessment_id))["B0100"] == data["B0100"]
    data["version"] = str(await section_version(assessment_id, "B"))
    htmx = await client.post(url, data, headers=HX)
    assert htmx.headers.get("hx-redirect", "").endswith(f"/sections/{following}")
    nxt = await client.get(f"/mds/assessments/{assessment_id}/sections/{following}")
    assert "Section B saved." in nxt.text


async def test_bad_grid_input_is_refused_and_nothing_saved(client: Any, world: Any) -> None:
    from mds.assessments.services import assessment_answers

    await client.login("coord_a")
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/GG"
    version = str(await section_version(assessment_id, "GG"))
    before = await assessment_answers(assessment_id)
    bad = await client.post(
        url, {"version": version, "GG0130A1": "0" * 500, "GG0130B1": "06", "then": "next"}, headers=HX
    )
    assert bad.status_code == 422 and "<html" not in bad.text
    cell = bad.text.split('id="item-GG0130A1"', 1)[1].split("</td>", 1)[0]
    assert "This value is too long." in cell  # the message sits in the cell
    after = await assessment_answers(assessment_id)
    assert after.get("GG0130B1", "") == before.get("GG0130B1", "")
    assert str(await section_version(assessment_id, "GG")) == version
    missing = await client.post(url, {"GG0130A1": "06"})
    assert missing.status_code == 422 and "missing its version" in missing.text
