"""Data for the chain pages (queries; the hops are surveys.chain). Objects loaded by id are scoped to the user's
facilities by the services they come from (None = 404 for the caller); code-keyed pages (a measure, an F-tag)
read the facility the user works in now."""

from __future__ import annotations

from datetime import date
from typing import Any

from careplans.plans import services as careplans
from facility.residents import services as facility_services
from facility.web.core import CurrentUser
from surveys.chain import rules as chain
from surveys.qm import services as qm_services
from surveys.qm.rules import MeasureFlag
from surveys.readiness import services
from surveys.tables import Finding

SIGNED = ("completed",)


async def flags_by_resident(facility_id: int, today: date) -> dict[str, tuple[MeasureFlag, ...]]:
    """resident id (str) -> the current quarter's measure flags (surveys.qm_services, cached per facility)."""
    quarters = qm_services.recent_quarters(today)
    result = await qm_services.facility_qm(facility_id, quarters)
    return {rid: r.flags for rid, r in result.residents.get(quarters[-1], {}).items()}


async def findings_of(facility_id: int) -> list[dict[str, Any]]:
    rows = await Finding.select().where((Finding.facility == facility_id) & (Finding.active == True))
    return [services.describe_finding(r) for r in rows]


async def with_pocs(findings: list[Any]) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        out.append({"finding": f, "poc": await services.poc_of_finding(f["id"])})
    return out


async def resident(user: CurrentUser, resident_id: int) -> dict[str, Any] | None:
    return await facility_services.get_resident(user, resident_id)


async def record_for(
    resident_id: int, assessment_id: int | None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The resident's record (the given one, else the newest signed one, else the newest) and its answers;
    (None, {}) when the resident has none or the id is not one of theirs."""
    records = await careplans.assessments_of(resident_id)
    if assessment_id is not None:
        chosen = next((a for a in records if int(a["id"]) == assessment_id), None)
    else:
        chosen = next((a for a in records if a.get("status") in SIGNED), records[0] if records else None)
    if chosen is None:
        return None, {}
    return chosen, await careplans.answers_of(int(chosen["id"]))


async def item_chain(
    user: CurrentUser, person: dict[str, Any], item: str, assessment_id: int | None, today: date
) -> dict[str, Any] | None:
    record, answers = await record_for(person["id"], assessment_id)
    if record is None:
        return None
    triggered = careplans.record_triggers(answers)
    hits = chain.areas_triggered_by(item, triggered)
    problems = await careplans.problems_of(person["id"])
    flags = (await flags_by_resident(person["facility"], today)).get(str(person["id"]), ())
    fed = chain.measures_fed_by(item, flags)
    tags = chain.ftags_of_measures(f.code for f in fed if f.status == "numerator")
    findings = chain.findings_citing(tags, await findings_of(person["facility"]))
    return {
        "record": record,
        "value": answers.get(item),
        "areas": [{"hit": h, "problems": chain.problems_for_areas(problems, [h.caa])} for h in hits],
        "measures": fed,
        "ftags": tags,
        "findings": await with_pocs(findings),
    }


async def area_chain(person: dict[str, Any], caa: int, today: date) -> dict[str, Any]:
    records = await careplans.assessments_of(person["id"])
    latest = careplans.latest_comprehensive(records)
    answers = await careplans.answers_of(int(latest["id"])) if latest else {}
    triggered = careplans.record_triggers(answers) if latest else []
    measures = chain.measures_of_area(caa)
    flags = (await flags_by_resident(person["facility"], today)).get(str(person["id"]), ())
    tags = chain.ftags_of_measures(measures)
    findings = chain.findings_citing(tags, await findings_of(person["facility"]))
    return {
        "record": latest,
        "items": chain.items_behind_area(caa, triggered),
        "problems": chain.problems_for_areas(await careplans.problems_of(person["id"]), [caa]),
        "measures": [{"code": m, "flag": next((f for f in flags if f.code == m), None)} for m in measures],
        "ftags": tags,
        "findings": await with_pocs(findings),
    }


async def _people(facility_id: int, resident_ids: list[int], areas: list[int]) -> list[dict[str, Any]]:
    names = await qm_services.resident_ids(facility_id)
    problems = await careplans.problems_for(resident_ids)
    return [
        {
            "id": rid,
            "name": names.get(rid, f"#{rid}"),
            "problems": chain.problems_for_areas(problems.get(rid, []), areas),
        }
        for rid in resident_ids
        if rid in names
    ]


async def measure_chain(facility_id: int, code: str, today: date) -> dict[str, Any]:
    flags = await flags_by_resident(facility_id, today)
    areas = chain.areas_of_measure(code)
    behind = chain.residents_in_measure(code, flags)
    people = await _people(facility_id, [rid for rid, _ in behind], areas)
    items = {rid: dict(flag.items) for rid, flag in behind}
    tags = chain.ftags_of_measure(code)
    return {
        "residents": [{**p, "items": items.get(p["id"], {})} for p in people],
        "areas": areas,
        "ftags": tags,
        "findings": await with_pocs(chain.findings_citing(tags, await findings_of(facility_id))),
    }


async def ftag_chain(facility_id: int, tag: str) -> dict[str, Any]:
    findings = chain.findings_citing([tag], await findings_of(facility_id))
    out = []
    for f in await with_pocs(findings):
        out.append({**f, "residents": await services.residents_of_finding(f["finding"]["id"])})
    return {"measures": chain.measures_of_ftag(tag), "areas": chain.areas_of_ftag(tag), "findings": out}


async def finding_chain(finding: dict[str, Any], today: date) -> dict[str, Any]:
    services.describe_finding(finding)
    tag = str(finding["tag"])
    areas = chain.areas_of_ftag(tag)
    measures = chain.measures_of_ftag(tag)
    linked = [r["id"] for r in await services.residents_of_finding(finding["id"])]
    people = await _people(finding["facility"], linked, areas)
    flags = await flags_by_resident(finding["facility"], today)
    for p in people:
        p["flags"] = [
            f for f in flags.get(str(p["id"]), ()) if f.code in measures and f.status == "numerator"
        ]
    plan = await services.poc_of_finding(finding["id"])
    tasks = await services.tasks_of([plan["id"]]) if plan else []
    return {"residents": people, "areas": areas, "measures": measures, "poc": plan, "tasks": tasks}


async def task_chain(task: dict[str, Any]) -> dict[str, Any] | None:
    from surveys.tables import Poc

    plan = await Poc.select().where(Poc.id == task["poc"]).first()
    if plan is None:
        return None
    finding = await Finding.select().where(Finding.id == plan["finding"]).first()
    if finding is None:
        return None
    services.describe_finding(finding)
    areas = chain.areas_of_ftag(str(finding["tag"]))
    linked = [r["id"] for r in await services.residents_of_finding(finding["id"])]
    return {"finding": finding, "poc": plan, "residents": await _people(finding["facility"], linked, areas)}
