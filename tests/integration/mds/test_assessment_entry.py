"""MDS assessment entry: start, section save (full page and htmx), skip patterns, inline edits, autosave,
409 on stale saves with the user's values kept, roles and tenants."""

from __future__ import annotations

from typing import Any

from tests.integration.mds.conftest import ADMISSION, complete_answers, section_version, start


async def test_start_from_resident_tab(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent
    from mds.assessments.services import assessments_for_resident

    await client.login("coord_a")
    tab = await client.get(f"/residents/{world.resident_a}?tab=assessments")
    assert tab.status_code == 200 and "Admission (OBRA) + 5-day PPS" in tab.text and 'name="ard"' in tab.text
    assessment_id = await start(client, world)
    page = await client.get(f"/mds/assessments/{assessment_id}")
    assert page.status_code == 200 and "Admission (OBRA)" in page.text and "NC" in page.text
    assert "Section" in page.text and "/sections/GG" in page.text
    rows = await assessments_for_resident(world.resident_a)
    assert rows[0]["isc"] == "NC" and rows[0]["is_comprehensive"] and rows[0]["kind"] == "admission"
    assert rows[0]["a0310e"] == "1"  # first assessment since entry (mds.record.rfa.first_since_entry)
    assert (
        await AuditEvent.count().where(
            (AuditEvent.object_type == "mds_assessment") & (AuditEvent.action == "create")
        )
        == 1
    )


async def test_start_refuses_bad_input_with_422(client: Any, world: Any) -> None:
    from mds.tables import Assessment

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}?tab=assessments")
    bad = await client.post(
        f"/mds/residents/{world.resident_a}/assessments", {"rfa": "77-99-99-0", "ard": "not a date"}
    )
    assert bad.status_code == 422 and "Choose a reason for assessment from the list." in bad.text
    assert "Enter a date as YYYY-MM-DD." in bad.text and await Assessment.count() == 0


async def test_quarterly_shows_fewer_sections(client: Any, world: Any) -> None:
    from mds.assessments.services import entry_sections

    await client.login("coord_a")
    assessment_id = await start(client, world, rfa="02-99-99-0")
    page = await client.get(f"/mds/assessments/{assessment_id}")
    # CMS item page V0100A (data specs V2.00.1): active NC, state-optional NQ/NP; V0200 likewise (V0200B2, V1.11.0)
    assert "/sections/V" not in page.text and "/sections/J" in page.text
    missing = await client.get(f"/mds/assessments/{assessment_id}/sections/ZZ")
    assert missing.status_code == 404
    assert len(entry_sections("NQ")) <= len(entry_sections("NC"))


async def test_section_save_full_page_and_htmx(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/B"
    page = await client.get(url)
    assert page.status_code == 200 and "B0100" in page.text and "<html" in page.text
    data = complete_answers("NC", "B", {"version": str(await section_version(assessment_id, "B"))})
    full = await client.post(url, data)
    assert full.status_code == 200 and "<html" in full.text and "Section saved." in full.text
    assert 'data-testid="section-status">Complete' in full.text
    data["version"] = str(await section_version(assessment_id, "B"))
    data["B0200"] = "2"
    partial = await client.post(url, data, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text and 'id="section-form"' in partial.text
    from mds.assessments.services import assessment_answers

    answers = await assessment_answers(assessment_id)
    assert answers["B0200"] == "2" and answers["A0310A"] == "01" and answers["ITM_SBST_CD"] == "NC"
    assert answers["A2300"] == "20260120" and answers["A0500C"] == "Anders"


async def test_skip_pattern_applied_on_save_and_live(client: Any, world: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/C"
    data = complete_answers(
        "NC", "C", {"C0100": "0", "C0200": "3", "version": str(await section_version(assessment_id, "C"))}
    )
    saved = await client.post(url, data)
    assert saved.status_code == 200 and "C0100=0 (BIMS interview not conducted)" in saved.text
    from mds.assessments.services import assessment_answers

    answers = await assessment_answers(assessment_id)
    assert answers["C0200"] == "^" and answers["C0500"] == "^" and answers["C0700"] != "^"
    live = await client.post(f"{url}/preview", {**data, "C0100": "1"}, headers={"HX-Request": "true"})
    assert live.status_code == 200 and "<html" not in live.text
    assert 'name="C0200"' in live.text and "C0100=0 (BIMS" not in live.text
    assert (await assessment_answers(assessment_id))["C0200"] == "^"  # preview saves a draft, not the record


async def test_edit_shown_inline_then_fixed(client: Any, world: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/J"
    data = complete_answers(
        "NC",
        "J",
        {
            "J1800": "1",
            "J1900A": "0",
            "J1900B": "0",
            "J1900C": "0",
            "version": str(await section_version(assessment_id, "J")),
        },
    )
    bad = await client.post(url, data, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and 'data-edit="-3605"' in bad.text
    assert (
        "J1800=1 but no fall is counted in J1900A-C" in bad.text
        and "Code at least one J1900 item" in bad.text
    )
    assert 'data-testid="section-status">In progress' in bad.text
    data.update({"J1900A": "1", "version": str(await section_version(assessment_id, "J"))})
    fixed = await client.post(url, data, headers={"HX-Request": "true"})
    assert 'data-edit="-3605"' not in fixed.text and 'data-testid="section-status">Complete' in fixed.text


async def test_spanish_labels_and_messages(client: Any, world: Any) -> None:
    await client.login("coord_a")
    await client.post("/language", {"lang": "es"})
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/J"
    page = await client.get(url)
    assert "Guardar sección" in page.text
    data = complete_answers(
        "NC",
        "J",
        {
            "J1800": "1",
            "J1900A": "0",
            "J1900B": "0",
            "J1900C": "0",
            "version": str(await section_version(assessment_id, "J")),
        },
    )
    bad = await client.post(url, data)
    assert "J1800=1 pero no se cuenta ninguna caída" in bad.text


async def test_autosave_draft_restored(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    assessment_id = await start(client, world)
    url = f"/mds/assessments/{assessment_id}/sections/B"
    draft = await client.post(f"{url}/draft", {"B0200": "3", "B0300": "1"}, headers={"HX-Request": "true"})
    assert draft.status_code == 200 and "Draft saved" in draft.text
    page = await client.get(url)  # e.g. after the session timed out and the nurse logged in again
    assert "were restored" in page.text and '<option value="3" selected>' in page.text


async def test_stale_save_is_409_with_values_kept(client: Any, world: Any, make_client: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    other = await make_client()
    await other.login("nurse_a")
    url = f"/mds/assessments/{assessment_id}/sections/B"
    version = str(await section_version(assessment_id, "B"))
    first = await other.post(url, complete_answers("NC", "B", {"version": version}))
    assert first.status_code == 200
    await client.get(url)
    mine = await client.post(
        url, complete_answers("NC", "B", {"B0200": "3", "version": version}), headers={"HX-Request": "true"}
    )
    assert mine.status_code == 409 and 'data-testid="conflict"' in mine.text and "Nurse_A" in mine.text
    assert '<option value="3" selected>' in mine.text  # nothing lost
    from mds.assessments.services import assessment_answers

    assert (await assessment_answers(assessment_id))["B0200"] == "0"


async def test_two_sections_by_two_nurses_do_not_conflict(client: Any, world: Any, make_client: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    other = await make_client()
    await other.login("nurse_a")
    b = await client.post(
        f"/mds/assessments/{assessment_id}/sections/B",
        complete_answers("NC", "B", {"version": str(await section_version(assessment_id, "B"))}),
    )
    await other.get(f"/mds/assessments/{assessment_id}/sections/L")
    l_ = await other.post(
        f"/mds/assessments/{assessment_id}/sections/L",
        complete_answers("NC", "L", {"version": str(await section_version(assessment_id, "L"))}),
    )
    assert b.status_code == 200 and l_.status_code == 200
    overview = await client.get(f"/mds/assessments/{assessment_id}")
    assert "Coord_A" in overview.text and "Nurse_A" in overview.text


async def test_roles_viewer_and_um_cannot_edit(client: Any, world: Any, make_client: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    browser = await make_client()  # one extra browser: the make_client teardown hangs with two in one test
    for username in ("viewer_a", "um_a"):
        await browser.post("/logout")
        await browser.login(username)
        page = await browser.get(f"/mds/assessments/{assessment_id}/sections/B")
        assert page.status_code == 200  # may read
        data = complete_answers("NC", "B", {"version": "1"})
        assert (await browser.post(f"/mds/assessments/{assessment_id}/sections/B", data)).status_code == 403
        assert (
            await browser.post(f"/mds/assessments/{assessment_id}/sections/B/draft", data)
        ).status_code == 403
        denied = await browser.post(
            f"/mds/residents/{world.resident_a}/assessments", {"rfa": ADMISSION, "ard": "2026-01-20"}
        )
        assert denied.status_code == 403


async def test_facility_b_ids_refused_on_every_route(client: Any, world: Any, make_client: Any) -> None:
    from facility.tables import AuditEvent
    from mds.tables import AssessmentSection

    intruder = await make_client()
    await intruder.login("nurse_b")
    await intruder.get(f"/residents/{world.resident_b}?tab=assessments")
    response = await intruder.post(
        f"/mds/residents/{world.resident_b}/assessments",
        {"rfa": ADMISSION, "ard": "2026-01-20", "stay_id": str(world.stay_b)},
        follow_redirects=False,
    )
    b_id = int(response.headers["location"].rsplit("/", 1)[1])
    await client.login("coord_a")
    assert (
        await client.post(
            f"/mds/residents/{world.resident_b}/assessments", {"rfa": ADMISSION, "ard": "2026-01-20"}
        )
    ).status_code == 404
    base = f"/mds/assessments/{b_id}"
    for url in (base, f"{base}/sections/B", f"{base}/versions", f"{base}/correct"):
        assert (await client.get(url)).status_code == 404, url
    data = {
        **complete_answers("NC", "B", {"version": "1"}),
        "password": "correct horse battery",
        "sections": "B",
        "z0500b": "2026-01-25",
        "kind": "modify",
        "reasons": "X0900A",
    }
    for url in (
        f"{base}/sections/B",
        f"{base}/sections/B/draft",
        f"{base}/sections/B/preview",
        f"{base}/attest",
        f"{base}/sign",
        f"{base}/correct",
    ):
        assert (await client.post(url, data)).status_code == 404, url
    row = (
        await AssessmentSection.select()
        .where((AssessmentSection.assessment == b_id) & (AssessmentSection.section == "B"))
        .first()
    )
    assert row["version"] == 1 and row["draft"] is None
    assert (
        await AuditEvent.count().where(
            (AuditEvent.action == "denied") & (AuditEvent.object_type == "mds_assessment")
        )
        >= 9
    )
