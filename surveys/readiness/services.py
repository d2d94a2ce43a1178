"""Survey-readiness queries and writes. Every object loaded by id is checked against the user's
facilities (callers turn None into an audited 404); every write is one transaction with its audit row.
The rules themselves live in the pure modules (ftags, severity, scoring, poc)."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.table import Table

from careplans.plans import services as careplan_services
from facility.core import audit, clock
from facility.core.db import found, saved_id, update_versioned, write_transaction
from facility.tables import Facility, Resident
from facility.web.core import CLINICAL_WRITE_ROLES, CurrentUser
from mds.workflow import services as mds_workflow
from surveys.readiness import ftags, poc, scoring, severity
from surveys.readiness.deficiencies_csv import HealthDeficiency
from surveys.tables import (
    CmsDeficiency,
    CorrectiveTask,
    Evidence,
    Finding,
    FindingResident,
    MonitoringAudit,
    MonitoringResult,
    Poc,
    Recommendation,
    Survey,
)

# The app's roles have no DON: a user signs as Director of Nursing when their title (set with the
# account) is one of these and their role may write clinical records. The administrator is role admin.
DON_TITLES = frozenset({"DON", "DIRECTOR OF NURSING", "DNS", "DIRECTOR OF NURSING SERVICES"})
POC_FIELDS = ("affected_residents", "others_at_risk", "systemic_changes", "monitoring", "completion_date")


def _plain(row: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """JSON-ready copy of some fields for the audit trail."""
    out = {}
    for name in fields:
        value = row.get(name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return out


async def _scoped(table: type[Table], row_id: int, user: CurrentUser) -> dict[str, Any] | None:
    """The active row if it belongs to one of the user's facilities, else None (→ 404)."""
    active = table._meta.get_column_by_name(
        "active"
    )  # `active` is declared per table (facility.tables.Clinical)
    row = await table.select().where((table._meta.primary_key == row_id) & (active == True)).first()
    if row is None or not user.may_access_facility(row["facility"]):
        return None
    return row


async def _create(
    table: type[Table],
    values: dict[str, Any],
    actor: audit.Actor,
    object_type: str,
    facility_id: int,
    audit_fields: Iterable[str],
) -> int:
    async with write_transaction():
        row = table(**values)
        await row.save()
        await audit.record(
            actor,
            "create",
            object_type,
            saved_id(row),
            facility_id=facility_id,
            after=_plain(values, audit_fields),
        )
    return saved_id(row)


async def _update(
    table: type[Table],
    current: dict[str, Any],
    version: int,
    values: dict[str, Any],
    actor: audit.Actor,
    object_type: str,
    *,
    action: str = "update",
) -> int:
    """Versioned update + audit (before/after of the changed fields); raises StaleVersion."""
    columns = {table._meta.get_column_by_name(k): v for k, v in values.items()}
    async with write_transaction():
        new_version = await update_versioned(table, current["id"], version, columns)
        await audit.record(
            actor,
            action,
            object_type,
            current["id"],
            facility_id=current["facility"],
            before=_plain(current, values),
            after=_plain({**values, "version": new_version}, values),
        )
    return new_version


def is_don(user: CurrentUser) -> bool:
    return user.role in CLINICAL_WRITE_ROLES and " ".join(user.title.upper().split()) in DON_TITLES


def may_enter_findings(user: CurrentUser) -> bool:
    """Who records surveys and 2567 findings: the administrator (who receives the CMS-2567), the DON and the
    MDS coordinator, never any floor nurse or a read-only role (the 2567 is the facility's official record)."""
    return user.role in ("admin", "mds_coordinator") or is_don(user)


def signer_roles(user: CurrentUser) -> list[str]:
    roles = []
    if is_don(user):
        roles.append("don")
    if user.role == "admin":
        roles.append("administrator")
    return roles


# --- surveys ---------------------------------------------------------------------------------


async def list_surveys(facility_id: int) -> list[dict[str, Any]]:
    surveys = list(
        await Survey.select()
        .where((Survey.facility == facility_id) & (Survey.active == True))
        .order_by(Survey.exit_date, ascending=False)
    )
    findings = await Finding.select(Finding.survey, Finding.scope_severity, Finding.status).where(
        (Finding.facility == facility_id) & (Finding.active == True)
    )
    for s in surveys:
        mine = [f for f in findings if f["survey"] == s["id"]]
        s["finding_count"] = len(mine)
        s["open_count"] = sum(1 for f in mine if f["status"] == "open")
        s["worst"] = max((f["scope_severity"] for f in mine), default="")
    return surveys


async def get_survey(user: CurrentUser, survey_id: int) -> dict[str, Any] | None:
    return await _scoped(Survey, survey_id, user)


SURVEY_FIELDS = ("kind", "start_date", "exit_date", "received_2567", "team", "notes")


async def create_survey(
    user: CurrentUser, actor: audit.Actor, facility_id: int, values: dict[str, Any]
) -> int:
    return await _create(
        Survey,
        {
            **{k: values[k] for k in SURVEY_FIELDS},
            "facility": facility_id,
            "created_by": user.id,
            "updated_by": user.id,
        },
        actor,
        "survey",
        facility_id,
        SURVEY_FIELDS,
    )


async def update_survey(
    user: CurrentUser, actor: audit.Actor, current: dict[str, Any], version: int, values: dict[str, Any]
) -> int:
    changes = {
        **{k: values[k] for k in SURVEY_FIELDS},
        "updated_by": user.id,
        "updated_at": clock.now(),
    }
    return await _update(Survey, current, version, changes, actor, "survey")


def poc_deadline(survey: dict[str, Any], today: date) -> dict[str, Any]:
    """Due 10 calendar days after the 2567 arrives; before it arrives, when it is expected."""
    if survey["received_2567"]:
        due = poc.poc_due_date(survey["received_2567"])
        return {"due": due, "days_left": (due - today).days, "received": True}
    return {"due": None, "expected_2567": poc.expected_2567_receipt(survey["exit_date"]), "received": False}


# --- findings --------------------------------------------------------------------------------

FINDING_FIELDS = (
    "tag",
    "scope_severity",
    "narrative",
    "sqc",
    "past_noncompliance",
    "idr",
    "idr_outcome",
    "status",
)


def describe_finding(row: dict[str, Any]) -> dict[str, Any]:
    """Adds what the page shows: the cited tag, the tag to show today, the grid cell and points."""
    cited = ftags.get(row["tag"])
    shown = ftags.resolve(row["tag"])
    cell = severity.parse(row["scope_severity"])
    row["cited"] = cited
    row["ftag"] = shown
    row["retired"] = shown.retired_from is not None
    row["cell"] = cell
    row["points"] = severity.points(
        cell.code, sqc=row["sqc"] and cell.sqc_eligible_cell, past_noncompliance=row["past_noncompliance"]
    )
    row["poc_required"] = poc.poc_required(cell.code, row["past_noncompliance"])
    return row


async def findings_of_survey(survey_id: int) -> list[dict[str, Any]]:
    rows = (
        await Finding.select()
        .where((Finding.survey == survey_id) & (Finding.active == True))
        .order_by(Finding.tag)
    )
    pocs = {
        p["finding"]: p
        for p in await Poc.select().where(
            Poc.finding.is_in([r["id"] for r in rows] or [-1]) & (Poc.active == True)
        )
    }
    out = []
    for r in rows:
        describe_finding(r)
        r["poc"] = pocs.get(r["id"])
        out.append(r)
    return out


async def get_finding(user: CurrentUser, finding_id: int) -> dict[str, Any] | None:
    row = await _scoped(Finding, finding_id, user)
    return describe_finding(row) if row else None


async def resident_choices(facility_id: int) -> list[dict[str, Any]]:
    return list(
        await Resident.select(Resident.id, Resident.last_name, Resident.first_name, Resident.room)
        .where((Resident.facility == facility_id) & (Resident.active == True))
        .order_by(Resident.last_name)
        .order_by(Resident.first_name)
    )


async def residents_of_finding(finding_id: int) -> list[dict[str, Any]]:
    links = await FindingResident.select(
        FindingResident.resident,
        FindingResident.resident.last_name.as_alias("last_name"),
        FindingResident.resident.first_name.as_alias("first_name"),
        FindingResident.resident.room.as_alias("room"),
    ).where((FindingResident.finding == finding_id) & (FindingResident.active == True))
    return [
        {"id": r["resident"], "last_name": r["last_name"], "first_name": r["first_name"], "room": r["room"]}
        for r in links
    ]


async def _link_residents(finding_id: int, resident_ids: Sequence[int], user_id: int) -> None:
    current = {
        r["resident"]: r["id"]
        for r in await FindingResident.select().where(
            (FindingResident.finding == finding_id) & (FindingResident.active == True)
        )
    }
    gone = [link for resident, link in current.items() if resident not in resident_ids]
    if gone:
        await FindingResident.update({FindingResident.active: False}).where(FindingResident.id.is_in(gone))
    new = [
        FindingResident(finding=finding_id, resident=r, created_by=user_id)
        for r in resident_ids
        if r not in current
    ]
    if new:
        await FindingResident.insert(*new)


async def create_finding(
    user: CurrentUser, actor: audit.Actor, survey: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        row = Finding(
            survey=survey["id"],
            facility=survey["facility"],
            created_by=user.id,
            updated_by=user.id,
            **{k: values[k] for k in FINDING_FIELDS},
        )
        await row.save()
        await _link_residents(row.id, values["resident_ids"], user.id)
        await audit.record(
            actor,
            "create",
            "finding",
            row.id,
            facility_id=survey["facility"],
            after={**_plain(values, FINDING_FIELDS), "residents": values["resident_ids"]},
        )
    return int(row.id)


async def update_finding(
    user: CurrentUser, actor: audit.Actor, current: dict[str, Any], version: int, values: dict[str, Any]
) -> int:
    before = [r["id"] for r in await residents_of_finding(current["id"])]
    changes = {
        **{k: values[k] for k in FINDING_FIELDS},
        "updated_by": user.id,
        "updated_at": clock.now(),
    }
    columns = {Finding._meta.get_column_by_name(k): v for k, v in changes.items()}
    async with write_transaction():
        new_version = await update_versioned(Finding, current["id"], version, columns)
        await _link_residents(current["id"], values["resident_ids"], user.id)
        await audit.record(
            actor,
            "update",
            "finding",
            current["id"],
            facility_id=current["facility"],
            before={**_plain(current, FINDING_FIELDS), "residents": sorted(before)},
            after={
                **_plain(values, FINDING_FIELDS),
                "residents": values["resident_ids"],
                "version": new_version,
            },
        )
    return new_version


# --- evidence --------------------------------------------------------------------------------


async def evidence_of(finding_id: int) -> list[dict[str, Any]]:
    return list(
        await Evidence.select(
            Evidence.id,
            Evidence.filename,
            Evidence.content_type,
            Evidence.size_bytes,
            Evidence.created_at,
            Evidence.created_by.display_name.as_alias("uploaded_by"),
        )
        .where((Evidence.finding == finding_id) & (Evidence.active == True))
        .order_by(Evidence.id)
    )


async def add_evidence(
    user: CurrentUser, actor: audit.Actor, finding: dict[str, Any], values: dict[str, Any], payload: bytes
) -> int:
    digest = hashlib.sha256(payload).hexdigest()
    return await _create(
        Evidence,
        {
            **values,
            "sha256": digest,
            "data": payload,
            "finding": finding["id"],
            "facility": finding["facility"],
            "created_by": user.id,
        },
        actor,
        "evidence",
        finding["facility"],
        ("filename", "content_type", "size_bytes", "sha256"),
    )


async def get_evidence(user: CurrentUser, evidence_id: int) -> dict[str, Any] | None:
    return await _scoped(Evidence, evidence_id, user)


# --- plans of correction ---------------------------------------------------------------------


def plan_of(row: dict[str, Any] | None, finding: dict[str, Any]) -> poc.PlanOfCorrection:
    row = row or {}
    return poc.PlanOfCorrection(
        finding["tag"],
        finding["scope_severity"],
        past_noncompliance=finding["past_noncompliance"],
        affected_residents=row.get("affected_residents") or "",
        others_at_risk=row.get("others_at_risk") or "",
        systemic_changes=row.get("systemic_changes") or "",
        monitoring=row.get("monitoring") or "",
        completion_date=row.get("completion_date") or None,
    )


def signoffs_of(row: dict[str, Any] | None) -> tuple[poc.SignOff, ...]:
    if not row:
        return ()
    out = []
    if row["don_signed_on"]:
        out.append(poc.SignOff("don", row["don_signed_name"], row["don_signed_on"]))
    if row["admin_signed_on"]:
        out.append(poc.SignOff("administrator", row["admin_signed_name"], row["admin_signed_on"]))
    return tuple(out)


def poc_state(row: dict[str, Any] | None, finding: dict[str, Any], survey: dict[str, Any]) -> str:
    """not_required | missing | draft (elements incomplete) | awaiting_don | awaiting_administrator | signed"""
    if not finding["poc_required"]:
        return "not_required"
    if not row:
        return "missing"
    if poc.validate(plan_of(row, finding), survey["exit_date"]):
        return "draft"
    nxt = poc.next_signer(signoffs_of(row))
    return {"don": "awaiting_don", "administrator": "awaiting_administrator", None: "signed"}[nxt]


async def poc_of_finding(finding_id: int) -> dict[str, Any] | None:
    return await Poc.select().where((Poc.finding == finding_id) & (Poc.active == True)).first()


async def get_poc(user: CurrentUser, poc_id: int) -> dict[str, Any] | None:
    return await _scoped(Poc, poc_id, user)


_UNSIGNED = {
    "don_signed_by": None,
    "don_signed_name": "",
    "don_signed_on": None,
    "admin_signed_by": None,
    "admin_signed_name": "",
    "admin_signed_on": None,
}


async def save_poc(
    user: CurrentUser,
    actor: audit.Actor,
    finding: dict[str, Any],
    current: dict[str, Any] | None,
    version: int | None,
    values: dict[str, Any],
) -> int:
    """Create the plan or update it (versioned). A changed plan loses its signatures: the DON and the
    administrator signed a different text."""
    data = {k: values[k] for k in POC_FIELDS}
    if current is None:
        return await _create(
            Poc,
            {
                **data,
                "finding": finding["id"],
                "facility": finding["facility"],
                "created_by": user.id,
                "updated_by": user.id,
            },
            actor,
            "poc",
            finding["facility"],
            POC_FIELDS,
        )
    changed = any(current[k] != data[k] for k in POC_FIELDS)
    changes = {**data, "updated_by": user.id, "updated_at": clock.now()}
    if changed and (current["don_signed_on"] or current["admin_signed_on"]):
        changes.update(_UNSIGNED)
    return await _update(Poc, current, version or 0, changes, actor, "poc")


async def sign_poc(
    user: CurrentUser,
    actor: audit.Actor,
    row: dict[str, Any],
    finding: dict[str, Any],
    role: str,
    version: int,
    today: date,
) -> None:
    """Raises poc.PocError (out of order, incomplete, already signed) or PermissionError."""
    if role not in signer_roles(user):
        raise PermissionError(role)
    if role == "administrator" and row["don_signed_by"] == user.id:
        raise PermissionError("same person")  # two people sign: the DON's plan, the administrator's 2567
    poc.sign(signoffs_of(row), role, user.display_name, today, plan_of(row, finding))
    prefix = "don" if role == "don" else "admin"
    changes = {
        f"{prefix}_signed_by": user.id,
        f"{prefix}_signed_name": user.display_name,
        f"{prefix}_signed_on": today,
    }
    await _update(Poc, row, version, changes, actor, "poc", action="sign")


# --- corrective tasks and monitoring audits --------------------------------------------------


async def tasks_of(poc_ids: Sequence[int]) -> list[dict[str, Any]]:
    return list(
        await CorrectiveTask.select()
        .where(CorrectiveTask.poc.is_in(list(poc_ids) or [-1]) & (CorrectiveTask.active == True))
        .order_by(CorrectiveTask.due_date)
    )


def flag_tasks(tasks: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    for t in tasks:
        t["overdue"] = poc.task_overdue(
            poc.CorrectiveTask(t["title"], t["owner"], t["due_date"], t["status"]), today
        )
    return tasks


TASK_FIELDS = ("title", "owner", "due_date", "status")
AUDIT_FIELDS = ("tool", "sample_size", "frequency", "threshold_pct", "periods_to_close")


async def add_task(
    user: CurrentUser, actor: audit.Actor, plan: dict[str, Any], values: dict[str, Any]
) -> int:
    return await _create(
        CorrectiveTask,
        {
            **{k: values[k] for k in TASK_FIELDS},
            "poc": plan["id"],
            "facility": plan["facility"],
            "created_by": user.id,
            "updated_by": user.id,
        },
        actor,
        "corrective_task",
        plan["facility"],
        TASK_FIELDS,
    )


async def get_task(user: CurrentUser, task_id: int) -> dict[str, Any] | None:
    return await _scoped(CorrectiveTask, task_id, user)


async def update_task(
    user: CurrentUser, actor: audit.Actor, current: dict[str, Any], version: int, values: dict[str, Any]
) -> int:
    return await _update(
        CorrectiveTask,
        current,
        version,
        {**{k: values[k] for k in TASK_FIELDS}, "updated_by": user.id},
        actor,
        "corrective_task",
    )


async def audits_of(poc_ids: Sequence[int], today: date) -> list[dict[str, Any]]:
    audits = list(
        await MonitoringAudit.select()
        .where(MonitoringAudit.poc.is_in(list(poc_ids) or [-1]) & (MonitoringAudit.active == True))
        .order_by(MonitoringAudit.id)
    )
    results = (
        await MonitoringResult.select()
        .where(
            MonitoringResult.audit.is_in([a["id"] for a in audits] or [-1])
            & (MonitoringResult.active == True)
        )
        .order_by(MonitoringResult.period_start)
    )
    for a in audits:
        a["results"] = [r for r in results if r["audit"] == a["id"]]
        a["status"] = poc.audit_status(audit_rule(a), today)
    return audits


def audit_rule(a: dict[str, Any]) -> poc.MonitoringAudit:
    return poc.MonitoringAudit(
        a["tool"],
        a["sample_size"],
        a["frequency"],
        a["threshold_pct"],
        a["periods_to_close"],
        tuple(poc.AuditResult(r["period_start"], r["sampled"], r["compliant"]) for r in a.get("results", [])),
    )


async def add_audit(
    user: CurrentUser, actor: audit.Actor, plan: dict[str, Any], values: dict[str, Any]
) -> int:
    return await _create(
        MonitoringAudit,
        {
            **{k: values[k] for k in AUDIT_FIELDS},
            "poc": plan["id"],
            "facility": plan["facility"],
            "created_by": user.id,
            "updated_by": user.id,
        },
        actor,
        "monitoring_audit",
        plan["facility"],
        AUDIT_FIELDS,
    )


async def get_audit(user: CurrentUser, audit_id: int) -> dict[str, Any] | None:
    return await _scoped(MonitoringAudit, audit_id, user)


async def add_audit_result(
    user: CurrentUser, actor: audit.Actor, row: dict[str, Any], values: dict[str, Any]
) -> int:
    return await _create(
        MonitoringResult,
        {**values, "audit": row["id"], "facility": row["facility"], "created_by": user.id},
        actor,
        "monitoring_result",
        row["facility"],
        ("period_start", "sampled", "compliant"),
    )


# --- recommendations -------------------------------------------------------------------------

REC_FIELDS = ("recommendation", "rationale", "basis", "measure", "decision", "decision_note", "outcome")


async def recommendations(facility_id: int) -> list[dict[str, Any]]:
    rows = list(
        await Recommendation.select(
            *Recommendation.all_columns(),
            Recommendation.finding.tag.as_alias("finding_tag"),
            Recommendation.created_by.display_name.as_alias("author"),
        )
        .where((Recommendation.facility == facility_id) & (Recommendation.active == True))
        .order_by(Recommendation.id, ascending=False)
    )
    for r in rows:
        r["finding_id"] = r["finding"]
        r["finding_display"] = ftags.resolve(r["finding_tag"]).display if r["finding_tag"] else ""
    return rows


async def finding_choices(facility_id: int) -> list[dict[str, Any]]:
    rows = (
        await Finding.select(
            Finding.id, Finding.tag, Finding.scope_severity, Finding.survey.exit_date.as_alias("exit_date")
        )
        .where((Finding.facility == facility_id) & (Finding.active == True))
        .order_by(Finding.id, ascending=False)
    )
    for r in rows:
        r["display"] = ftags.resolve(r["tag"]).display
    return list(rows)


async def get_recommendation(user: CurrentUser, rec_id: int) -> dict[str, Any] | None:
    row = await _scoped(Recommendation, rec_id, user)
    if row:
        row["finding_id"] = row["finding"]
    return row


async def create_recommendation(
    user: CurrentUser, actor: audit.Actor, facility_id: int, values: dict[str, Any]
) -> int:
    return await _create(
        Recommendation,
        {
            **{k: values[k] for k in REC_FIELDS},
            "finding": values["finding_id"],
            "facility": facility_id,
            "created_by": user.id,
            "updated_by": user.id,
        },
        actor,
        "recommendation",
        facility_id,
        REC_FIELDS,
    )


async def update_recommendation(
    user: CurrentUser, actor: audit.Actor, current: dict[str, Any], version: int, values: dict[str, Any]
) -> int:
    changes = {
        **{k: values[k] for k in REC_FIELDS},
        "finding": values["finding_id"],
        "updated_by": user.id,
        "updated_at": clock.now(),
    }
    return await _update(Recommendation, current, version, changes, actor, "recommendation")


# --- CMS public deficiency rows --------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


_CMS_FIELDS = (
    "ccn",
    "provider_name",
    "state",
    "survey_date",
    "tag",
    "category",
    "description",
    "scope_severity",
    "correction_status",
    "correction_date",
    "inspection_cycle",
    "standard",
    "complaint",
    "infection_control",
    "under_idr",
    "under_iidr",
    "processing_date",
)


def _cms_values(row: HealthDeficiency) -> dict[str, Any]:
    return {
        "ccn": row.ccn,
        "provider_name": row.provider_name[:200],
        "state": row.state[:2],
        "survey_date": row.survey_date,
        "tag": row.tag,
        "category": row.category[:100],
        "description": row.description,
        "scope_severity": row.scope_severity,
        "correction_status": row.correction_status[:60],
        "correction_date": row.correction_date,
        "inspection_cycle": row.inspection_cycle,
        "standard": row.standard,
        "complaint": row.complaint,
        "infection_control": row.infection_control,
        "under_idr": row.under_idr,
        "under_iidr": row.under_iidr,
        "processing_date": row.processing_date,
    }


async def import_cms_deficiencies(
    rows: Sequence[HealthDeficiency], actor: audit.Actor, source: str
) -> ImportSummary:
    """Upsert on the natural key (CCN, survey date, tag): a monthly refresh updates statuses, cycles
    and even scope/severity after an IDR, and re-importing the same file changes nothing."""
    keys = ["|".join(r.natural_key) for r in rows]
    created = updated = unchanged = 0
    async with write_transaction():
        existing: dict[str, dict[str, Any]] = {}
        for start in range(0, len(keys), 500):
            for e in await CmsDeficiency.select().where(
                CmsDeficiency.natural_key.is_in(keys[start : start + 500])
            ):
                existing[e["natural_key"]] = e
        new_rows = []
        for key, row in zip(keys, rows, strict=True):
            values = _cms_values(row)
            old = existing.get(key)
            if old is None:
                new_rows.append(CmsDeficiency(natural_key=key, **values))
                created += 1
            elif any(old[k] != v for k, v in values.items()):
                await CmsDeficiency.update(
                    {CmsDeficiency._meta.get_column_by_name(k): v for k, v in values.items()}
                ).where(CmsDeficiency.id == old["id"])
                updated += 1
            else:
                unchanged += 1
        for start in range(0, len(new_rows), 200):
            await CmsDeficiency.insert(*new_rows[start : start + 200])
        await audit.record(
            actor,
            "import",
            "cms_deficiencies",
            source[-40:],
            after={"created": created, "updated": updated, "unchanged": unchanged},
        )
    return ImportSummary(created, updated, unchanged)


def _cms_deficiency(r: dict[str, Any]) -> scoring.Deficiency:
    return scoring.Deficiency(
        ccn=r["ccn"],
        survey_date=r["survey_date"],
        tag=r["tag"],
        scope_severity=r["scope_severity"],
        standard=r["standard"],
        complaint=r["complaint"],
        infection_control=r["infection_control"],
        past_noncompliance=r["correction_status"] == "Past Non-Compliance",
        inspection_cycle=r["inspection_cycle"],
    )


async def cms_rows(ccn: str) -> list[dict[str, Any]]:
    return list(
        await CmsDeficiency.select()
        .where(CmsDeficiency.ccn == ccn)
        .order_by(CmsDeficiency.survey_date, ascending=False)
        .order_by(CmsDeficiency.tag)
    )


async def cms_score(ccn: str, as_of: date) -> scoring.ScoreResult | None:
    """Five-Star health-inspection score from the imported CMS rows only (the `survey-score` command)."""
    rows = await cms_rows(ccn)
    if not rows:
        return None
    return scoring.score([_cms_deficiency(r) for r in rows], as_of=as_of, ccn=ccn)


async def state_comparison(ccn: str, state: str) -> dict[str, Any]:
    """Citations per standard survey: this facility vs. the facilities of its state in the imported file."""
    rows = await CmsDeficiency.select(
        CmsDeficiency.ccn, CmsDeficiency.survey_date, CmsDeficiency.standard
    ).where((CmsDeficiency.state == state) & (CmsDeficiency.standard == True))
    per_survey: Counter[tuple[str, date]] = Counter((r["ccn"], r["survey_date"]) for r in rows)
    mine = [n for (c, _), n in per_survey.items() if c == ccn]
    return {
        "state": state,
        "facilities": len({c for c, _ in per_survey}),
        "state_avg": round(sum(per_survey.values()) / len(per_survey), 1) if per_survey else None,
        "facility_avg": round(sum(mine) / len(mine), 1) if mine else None,
    }


# --- Five-Star score with the facility's own findings ----------------------------------------


def _key_text(d: scoring.Deficiency) -> str:
    return f"{d.ccn}|{d.survey_date.isoformat()}|{d.tag}"


async def score_inputs(
    facility: dict[str, Any], today: date
) -> tuple[scoring.ScoreInputs, dict[str, dict[str, Any]]]:
    """CMS rows for the facility's CCN plus its own recorded findings (which CMS may not have published yet).
    A finding deleted by IDR/IIDR is not counted. Returns the inputs and, per deficiency key, what to show."""
    ccn = facility["ccn"]
    labels: dict[str, dict[str, Any]] = {}
    found: dict[str, scoring.Deficiency] = {}
    for r in await cms_rows(ccn):
        d = _cms_deficiency(r)
        found[_key_text(d)] = d
        labels[_key_text(d)] = {"source": "cms", "finding_id": None}
    surveys = {
        s["id"]: s
        for s in await Survey.select().where((Survey.facility == facility["id"]) & (Survey.active == True))
    }
    findings = await Finding.select().where((Finding.facility == facility["id"]) & (Finding.active == True))
    for f in findings:
        s = surveys.get(f["survey"])
        if s is None or f["idr_outcome"] == "deleted" or s["kind"] == "revisit":
            continue
        # The CMS "Survey Date" of a 2567 is the date the survey was completed (X3): the exit date.
        d = scoring.Deficiency(
            ccn=ccn,
            survey_date=s["exit_date"],
            tag=f["tag"],
            scope_severity=f["scope_severity"],
            standard=s["kind"] == "standard",
            complaint=s["kind"] == "complaint",
            infection_control=s["kind"] == "infection_control",
            past_noncompliance=f["past_noncompliance"],
            sqc=f["sqc"],
        )
        found[_key_text(d)] = d
        labels[_key_text(d)] = {"source": "own", "finding_id": f["id"]}
    revisits: Counter[date] = Counter()
    standard_days = sorted(s["exit_date"] for s in surveys.values() if s["kind"] == "standard")
    for s in surveys.values():
        if s["kind"] == "revisit":
            before = [d for d in standard_days if d <= s["start_date"]]
            if before:
                revisits[before[-1]] += 1
    inputs = scoring.ScoreInputs(tuple(found.values()), today, (), dict(revisits), ccn)
    return inputs, labels


def counted_deficiencies(result: scoring.ScoreResult) -> list[scoring.Deficiency]:
    """Deficiencies that add points to the score (the ones a what-if can clear)."""
    cycle_defs = [d for c in result.cycles for d in c.deficiencies]
    return [d for d in cycle_defs if d.points > 0]


async def what_if(facility: dict[str, Any], key: str, today: date) -> scoring.WhatIf | None:
    inputs, _ = await score_inputs(facility, today)
    parts = key.split("|")
    if len(parts) != 3 or not inputs.deficiencies:
        return None
    try:
        return scoring.what_if(inputs, (parts[0], date.fromisoformat(parts[1]), parts[2]))
    except (ValueError, ftags.UnknownTagError):
        return None


# --- readiness dashboard ---------------------------------------------------------------------


async def dashboard(user: CurrentUser, facility_id: int, today: date) -> dict[str, Any]:
    facility = found(
        await Facility.select().where(Facility.id == facility_id).first(), f"facility {facility_id}"
    )
    surveys = await list_surveys(facility_id)
    survey_by_id = {s["id"]: s for s in surveys}
    findings = [
        describe_finding(f)
        for f in await Finding.select().where((Finding.facility == facility_id) & (Finding.active == True))
    ]
    pocs = {
        p["finding"]: p
        for p in await Poc.select().where((Poc.facility == facility_id) & (Poc.active == True))
    }
    open_findings = [f for f in findings if f["status"] == "open" and f["idr_outcome"] != "deleted"]
    counts = Counter(f["scope_severity"] for f in open_findings)
    by_level: dict[int, int] = defaultdict(int)
    for f in open_findings:
        by_level[f["cell"].severity_level] += 1

    pocs_due: list[dict[str, Any]] = []
    for f in open_findings:
        s = survey_by_id.get(f["survey"])
        if s is None:
            continue
        state = poc_state(pocs.get(f["id"]), f, s)
        if state in ("not_required", "signed"):
            continue
        pocs_due.append({"finding": f, "survey": s, "state": state, "deadline": poc_deadline(s, today)})
    pocs_due.sort(key=lambda p: p["deadline"]["due"] or p["deadline"].get("expected_2567") or today)

    poc_ids = [p["id"] for p in pocs.values()]
    tasks = flag_tasks(await tasks_of(poc_ids), today)
    audits = await audits_of(poc_ids, today)
    finding_of_poc = {p["id"]: p["finding"] for p in pocs.values()}
    findings_by_id = {f["id"]: f for f in findings}
    for item in (*tasks, *audits):
        item["finding"] = findings_by_id.get(finding_of_poc.get(item["poc"]))

    inputs, labels = await score_inputs(facility, today)
    score = inputs.run() if inputs.deficiencies else None
    counted = []
    if score:
        for d in counted_deficiencies(score):
            counted.append(
                {
                    "key": _key_text(d),
                    "deficiency": d,
                    "display": ftags.resolve(d.tag).display,
                    **labels.get(_key_text(d), {"source": "cms", "finding_id": None}),
                }
            )

    recent_tags = {ftags.resolve(f["tag"]).code for f in findings}
    recent_tags |= {
        ftags.resolve(d.tag).code for d in inputs.deficiencies if (today - d.survey_date).days <= 3 * 366
    }
    checklist: dict[str, dict[str, Any]] = {}
    for check in poc.mock_survey_checklist():
        group = checklist.setdefault(check.cfr, {"cfr": check.cfr, "name": check.group, "items": []})
        group["items"].append(
            {"item": check, "cited": sorted(ftags.get(t).display for t in check.tags if t in recent_tags)}
        )

    return {
        "facility": facility,
        "grid": severity.grid_rows(dict(counts)),
        "open_count": len(open_findings),
        "by_level": dict(by_level),
        "pocs_due": pocs_due,
        "overdue_tasks": [t for t in tasks if t["overdue"]],
        "failing_audits": [a for a in audits if a["status"].state == "below_threshold"],
        "score": score,
        "counted": counted,
        "checklist": list(checklist.values()),
        "history": await cms_rows(facility["ccn"]),
        "comparison": await state_comparison(facility["ccn"], facility["state"]),
        "mds_signal": await mds_workflow.schedule_summary(facility_id, today),
        "careplan_signal": await careplan_services.compliance_summary(facility_id, today),
    }
