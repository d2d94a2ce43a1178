"""The chain pages, each hop both ways, and the DON / administrator worklist: an admission record whose J1800=1
triggered Falls (a problem is planned for it), a long-stay fall with major injury (J1900C=1) in QM 410, an F689
finding naming the resident with its plan of correction and a task. Facility B's ids answer 404; bad ids 404;
roles; Spanish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from surveys.qm import services as qm_services
from tests.integration.careplans.conftest import FALLS_AND_ULCER, FakeMds, fake_assessment
from tests.integration.reports.test_quality_measures import _falls_history
from tests.integration.surveys.test_survey_pages import FALLS, _facility_b_objects, _finding, _poc, _survey

TODAY = date.today()


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    qm_services.clear_cache()
    yield
    qm_services.clear_cache()


@pytest.fixture
def chain_world(monkeypatch: Any, world: Any) -> Any:
    """The MDS domain's contract faked: resident A's admission record (care plans) and signed history (QMs)."""
    from mds.assessments import services as mds_services

    fake = FakeMds()
    fake.add(world.resident_a, {**fake_assessment(9001), "status": "completed"}, FALLS_AND_ULCER)
    for name in (
        "assessments_for_resident",
        "assessment_answers",
        "assessments_for_residents",
        "answers_for",
    ):
        monkeypatch.setattr(mds_services, name, getattr(fake, name), raising=False)
    history = {
        world.resident_a: _falls_history(TODAY, fell=True),
        world.resident_b: _falls_history(TODAY, fell=True),
    }

    async def signed(facility_id: int, items: Any, *, ard_from: date | None = None) -> dict[int, Any]:
        from facility.tables import Resident

        mine = {r["id"] for r in await Resident.select(Resident.id).where(Resident.facility == facility_id)}
        return {
            rid: [{k: v for k, v in r.items() if k in items} for r in rows]
            for rid, rows in history.items()
            if rid in mine
        }

    monkeypatch.setattr(mds_services, "signed_items_for_facility", signed)
    return world


async def _build(client: Any, world: Any) -> dict[str, int]:
    from careplans.plans.library import load_library
    from careplans.tables import Problem
    from surveys.tables import CorrectiveTask

    await client.login("admin_a")
    await client.get(f"/residents/{world.resident_a}?tab=careplan")
    await client.post(
        f"/careplans/residents/{world.resident_a}/library", {"library_id": load_library().for_caa(11)[0].id}
    )
    problem = await Problem.select().where(Problem.resident == world.resident_a).first()
    assert problem is not None and problem["caa"] == 11
    finding = await _finding(
        client, await _survey(client), {**FALLS, "resident_ids": [str(world.resident_a)]}
    )
    plan = await _poc(client, finding)
    await client.post(
        f"/surveys/pocs/{plan}/tasks",
        {
            "title": "Re-educate night shift",
            "owner": "SDC",
            "due_date": (TODAY + timedelta(days=3)).isoformat(),
        },
    )
    task = await CorrectiveTask.select().where(CorrectiveTask.poc == plan).first()
    assert task is not None
    return {"problem": int(problem["id"]), "finding": finding, "task": int(task["id"])}


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


async def test_each_hop_both_ways(client: Any, chain_world: Any) -> None:
    world = chain_world
    ids = await _build(client, world)
    a = world.resident_a
    problem = f"/residents/{a}?tab=careplan#problem-{ids['problem']}"

    # item -> care area -> problem
    item = await client.get(f"/chain/residents/{a}/items/J1800")
    assert item.status_code == 200 and "J1800 = 1" in item.text
    assert {f"/chain/residents/{a}/areas/11", problem} <= _links(item.text)
    # care area -> back to the items that fired it, forward to the problem, the measure, the F-tag, the POC
    area = await client.get(f"/chain/residents/{a}/areas/11")
    record = "?assessment=9001"  # the record that fired the area
    behind = {f"/chain/residents/{a}/items/J1800{record}", f"/chain/residents/{a}/items/J1700A{record}"}
    assert behind | {problem} <= _links(area.text)
    assert "J1800 = 1" in (await client.get(f"/chain/residents/{a}/items/J1800{record}")).text
    assert {"/chain/qm/410", "/chain/ftags/F689", f"/surveys/findings/{ids['finding']}#poc"} <= _links(
        area.text
    )
    gg = await client.get(f"/chain/residents/{a}/items/GG0170D1")  # two-letter section ids are items too
    assert gg.status_code == 200 and "GG0170D1 = —" in gg.text
    # item feeding a measure -> measure -> F-tag -> finding and its plan of correction
    injury = await client.get(f"/chain/residents/{a}/items/J1900C")
    assert "410" in injury.text and "in the numerator" in injury.text
    assert {"/chain/qm/410", "/chain/ftags/F689", f"/chain/findings/{ids['finding']}"} <= _links(injury.text)
    # measure -> back to the residents, their problems and items; forward to the F-tag and findings
    measure = await client.get("/chain/qm/410")
    assert "Anders, Test" in measure.text and "Bernal" not in measure.text
    assert {f"/chain/residents/{a}/items/J1900C", problem, "/chain/ftags/F689"} <= _links(measure.text)
    # F-tag -> back to the measure; forward to the finding and its plan of correction
    ftag = await client.get("/chain/ftags/F0689")
    assert {
        "/chain/qm/410",
        f"/chain/findings/{ids['finding']}",
        f"/surveys/findings/{ids['finding']}#poc",
    } <= _links(ftag.text)
    # finding -> back to residents, problems and items; forward to the POC and its task
    finding = await client.get(f"/chain/findings/{ids['finding']}")
    assert {problem, f"/chain/residents/{a}/items/J1900C", f"/chain/tasks/{ids['task']}"} <= _links(
        finding.text
    )
    assert f"/surveys/findings/{ids['finding']}#poc" in _links(finding.text)
    # POC task -> the residents it covers
    task = await client.get(f"/chain/tasks/{ids['task']}")
    assert "Anders, Test" in task.text and problem in _links(task.text)
    # the survey pages link into the chain
    assert f"/chain/findings/{ids['finding']}" in _links(
        (await client.get(f"/surveys/findings/{ids['finding']}")).text
    )
    assert "/chain/qm/410" in _links((await client.get("/quality-measures")).text)


async def test_don_worklist_to_the_fix(client: Any, chain_world: Any) -> None:
    ids = await _build(client, chain_world)
    page = await client.get("/surveys/worklist")
    assert page.status_code == 200
    assert f"/surveys/findings/{ids['finding']}#tasks" in page.text  # POC task due, one click to it
    assert f"/chain/tasks/{ids['task']}" in page.text
    assert "/chain/qm/410" in page.text  # 1 of 1 long-stay residents fell with injury: worse than national
    assert "worse than the national average" in page.text
    only_tasks = await client.get("/surveys/worklist?kind=poc_task")
    assert "Re-educate night shift" in only_tasks.text and "/chain/qm/410" not in only_tasks.text
    await client.post("/language", {"lang": "es"})
    spanish = await client.get("/surveys/worklist")
    assert "Lista de trabajo de dirección de enfermería y administración" in spanish.text
    chain_es = await client.get(f"/chain/findings/{ids['finding']}")
    assert "Residentes nombrados en el hallazgo" in chain_es.text


@pytest.mark.parametrize(
    "url",
    [
        "/chain/residents/{a}/items/NOPE1",
        "/chain/residents/{a}/items/Z9999",
        "/chain/residents/{a}/areas/21",
        "/chain/qm/999",
        "/chain/ftags/F9999",
        "/chain/findings/999999",
        "/chain/tasks/999999",
    ],
)
async def test_unknown_ids_are_404(client: Any, chain_world: Any, url: str) -> None:
    await client.login("nurse_a")
    page = await client.get(url.format(a=chain_world.resident_a))
    assert page.status_code == 404


async def test_facility_b_ids_are_refused(client: Any, chain_world: Any) -> None:
    from facility.tables import AuditEvent

    b = await _facility_b_objects(chain_world)
    await client.login("nurse_a")
    before = await AuditEvent.count()
    for url in (
        f"/chain/residents/{chain_world.resident_b}/items/J1800",
        f"/chain/residents/{chain_world.resident_b}/areas/11",
        f"/chain/findings/{b['finding']}",
        f"/chain/tasks/{b['task']}",
    ):
        page = await client.get(url)
        assert page.status_code == 404 and "Bernal" not in page.text, url
    assert await AuditEvent.count() >= before + 4  # each attempt audited as denied
    ftag = await client.get("/chain/ftags/F880")
    assert f"/chain/findings/{b['finding']}" not in ftag.text


@pytest.mark.parametrize(
    ("user", "status"), [("um_a", 403), ("viewer_a", 403), ("nurse_a", 200), ("coord_a", 200)]
)
async def test_don_worklist_roles(client: Any, chain_world: Any, user: str, status: int) -> None:
    await client.login(user)
    assert (await client.get("/surveys/worklist")).status_code == status


async def test_chain_pages_are_read_by_every_role(client: Any, chain_world: Any) -> None:
    await client.login("viewer_a")
    assert (await client.get("/chain/qm/410")).status_code == 200
    assert (await client.get(f"/chain/residents/{chain_world.resident_a}/areas/11")).status_code == 200
