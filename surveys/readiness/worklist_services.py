"""Data for the DON / administrator worklist (queries; the rows are surveys.worklist): the facility's open
findings with their plan-of-correction state and deadline, POC tasks and monitoring audits (surveys.services),
and the current quarter's quality measures (surveys.qm_services, cached per facility)."""

from __future__ import annotations

from datetime import date
from typing import Any

from facility.core.worklist import Item
from facility.tables import Facility
from surveys.qm import services as qm_services
from surveys.readiness import services
from surveys.readiness import worklist as rows
from surveys.tables import Finding, Poc


async def readiness(facility_id: int, today: date) -> dict[str, Any]:
    surveys = {s["id"]: s for s in await services.list_surveys(facility_id)}
    findings = [
        services.describe_finding(f)
        for f in await Finding.select().where((Finding.facility == facility_id) & (Finding.active == True))
    ]
    by_id = {f["id"]: f for f in findings}
    pocs = {
        p["finding"]: p
        for p in await Poc.select().where((Poc.facility == facility_id) & (Poc.active == True))
    }
    pocs_due = []
    for f in findings:
        s = surveys.get(f["survey"])
        if s is None or f["status"] != "open" or f["idr_outcome"] == "deleted":
            continue
        state = services.poc_state(pocs.get(f["id"]), f, s)
        if state not in ("not_required", "signed"):
            pocs_due.append(
                {"finding": f, "survey": s, "state": state, "deadline": services.poc_deadline(s, today)}
            )
    poc_ids = [p["id"] for p in pocs.values()]
    finding_of_poc = {p["id"]: p["finding"] for p in pocs.values()}
    tasks = services.flag_tasks(await services.tasks_of(poc_ids), today)
    audits = await services.audits_of(poc_ids, today)
    for item in (*tasks, *audits):
        item["finding"] = by_id.get(finding_of_poc.get(item["poc"], -1))
    return {"pocs_due": pocs_due, "tasks": tasks, "audits": audits}


async def measures(facility_id: int, today: date, lang: str) -> list[dict[str, Any]]:
    quarters = qm_services.recent_quarters(today)
    result = await qm_services.facility_qm(facility_id, quarters)
    if not result.assessments:
        return []
    facility = await Facility.select(Facility.state).where(Facility.id == facility_id).first()
    return qm_services.measure_rows(result, quarters[-1], facility["state"] if facility else "", lang)


async def don_items(facility_id: int, today: date, lang: str) -> list[Item]:
    data = await readiness(facility_id, today)
    qms = await measures(facility_id, today, lang)
    return rows.don_items(data["pocs_due"], data["tasks"], data["audits"], qms, today)
