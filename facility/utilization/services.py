"""Utilization review queries and writes. Reads are scoped to the user's facilities; every write is one
transaction with its audit row; rows are versioned and never deleted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from piccolo.table import Table

from facility.core import audit, clock, datacache
from facility.core.db import saved_id, update_versioned, write_transaction
from facility.core.plugins import call_hook
from facility.tables import Facility, Resident, Stay, StayEvent
from facility.utilization import casework, hooks
from facility.utilization import forms as rules
from facility.utilization import rules as ur
from facility.utilization.tables import (
    Appeal,
    Denial,
    PriorAuthorization,
    StayDiagnosis,
    TripleCheck,
    UrCertification,
    UrDischargePlan,
    UrNotice,
    UrReview,
    UrTarget,
    UrTransferReview,
)
from facility.web.core import CurrentUser

OPEN_STAY = ("in_facility", "discharged_ra")


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


async def _create(
    table: type[Table],
    values: dict[str, Any],
    actor: audit.Actor,
    user: CurrentUser,
    object_type: str,
    facility_id: int,
    resident_id: int | None,
) -> int:
    async with write_transaction():
        row = table(**values, created_by=user.id, updated_by=user.id)
        await row.save()
        await audit.record(
            actor,
            "create",
            object_type,
            saved_id(row),
            facility_id=facility_id,
            resident_id=resident_id,
            after=_plain(values),
        )
    return saved_id(row)


async def _update(
    table: type[Table],
    current: dict[str, Any],
    version: int,
    values: dict[str, Any],
    actor: audit.Actor,
    user: CurrentUser,
    object_type: str,
    resident_id: int | None,
    action: str = "update",
) -> int:
    """Raises facility.core.db.StaleVersion when someone saved since `version` was loaded."""
    columns = {table._meta.get_column_by_name(k): v for k, v in values.items()}
    columns[table._meta.get_column_by_name("updated_by")] = user.id
    if any(c._meta.name == "updated_at" for c in table._meta.columns):
        columns[table._meta.get_column_by_name("updated_at")] = clock.now()
    async with write_transaction():
        new_version = await update_versioned(table, current["id"], version, columns)
        await audit.record(
            actor,
            action,
            object_type,
            current["id"],
            facility_id=current["facility"],
            resident_id=resident_id,
            before=_plain({k: current.get(k) for k in values}),
            after=_plain({**values, "version": new_version}),
        )
    return new_version


async def _scoped(table: type[Table], row_id: int, user: CurrentUser) -> dict[str, Any] | None:
    row = (
        await table.select()
        .where((table._meta.primary_key == row_id) & (table._meta.get_column_by_name("active") == True))
        .output(load_json=True)
        .first()
    )
    if row is None or not user.may_access_facility(row["facility"]):
        return None
    return row


# ---------------------------------------------------------------- reads


async def get_stay(user: CurrentUser, stay_id: int) -> dict[str, Any] | None:
    stay = (
        await Stay.select(
            *Stay.all_columns(),
            Stay.resident.last_name.as_alias("last_name"),
            Stay.resident.first_name.as_alias("first_name"),
            Stay.resident.room.as_alias("room"),
            Stay.resident.medicaid_number.as_alias("medicaid_number"),
            Stay.resident.medicare_number.as_alias("medicare_number"),
        )
        .where((Stay.id == stay_id) & (Stay.active == True))
        .first()
    )
    if stay is None or not user.may_access_facility(stay["facility"]):
        return None
    return stay


async def get_authorization(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(PriorAuthorization, row_id, user)


async def get_denial(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(Denial, row_id, user)


async def get_appeal(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(Appeal, row_id, user)


async def get_diagnosis(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(StayDiagnosis, row_id, user)


async def get_triple_check(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(TripleCheck, row_id, user)


async def get_notice(user: CurrentUser, row_id: int) -> dict[str, Any] | None:
    return await _scoped(UrNotice, row_id, user)


async def certifications_of(stay_id: int) -> list[dict[str, Any]]:
    return (
        await UrCertification.select()
        .where((UrCertification.stay == stay_id) & (UrCertification.active == True))
        .order_by(UrCertification.sequence)
        .order_by(UrCertification.id)
    )


async def discharge_plan_of(stay_id: int) -> dict[str, Any] | None:
    return (
        await UrDischargePlan.select().where(UrDischargePlan.stay == stay_id).output(load_json=True).first()
    )


async def transfer_review_of(stay_id: int, transfer_date: date, kind: str) -> dict[str, Any] | None:
    return (
        await UrTransferReview.select()
        .where(
            (UrTransferReview.stay == stay_id)
            & (UrTransferReview.transfer_date == transfer_date)
            & (UrTransferReview.kind == kind)
            & (UrTransferReview.active == True)
        )
        .first()
    )


async def targets_of(facility_id: int) -> dict[str, dict[str, Any]]:
    rows = await UrTarget.select().where((UrTarget.facility == facility_id) & (UrTarget.active == True))
    return {r["payer"]: r for r in rows}


async def _stays_with_events(resident_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Every active stay (with events) of the residents, by resident: day counts span readmissions."""
    ids = list(resident_ids) or [-1]
    stays = await Stay.select().where(Stay.resident.is_in(ids) & (Stay.active == True))
    events = await StayEvent.select().where(
        StayEvent.stay.is_in([s["id"] for s in stays] or [-1]) & (StayEvent.active == True)
    )
    by_stay: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_stay.setdefault(e["stay"], []).append(e)
    out: dict[int, list[dict[str, Any]]] = {}
    for s in stays:
        s["events"] = sorted(by_stay.get(s["id"], []), key=lambda e: (e["event_date"], e["id"]))
        out.setdefault(s["resident"], []).append(s)
    return out


def _stay_end(stay: Mapping[str, Any]) -> date | None:
    closing = [
        e["event_date"] for e in stay["events"] if e["kind"] in ("discharge_return_not_anticipated", "death")
    ]
    return closing[-1] if closing and stay["status"] not in OPEN_STAY else None


def _summarise(
    stay: dict[str, Any],
    resident_stays: list[dict[str, Any]],
    reviews: Mapping[int, dict[str, Any]],
    targets: Mapping[str, dict[str, Any]],
    today: date,
) -> dict[str, Any]:
    review = reviews.get(stay["id"])
    payer = review["payer"] if review else (stay["payer"] if stay["payer"] in rules.UR_PAYERS else "")
    payer_of = {
        s["id"]: (reviews[s["id"]]["payer"] if s["id"] in reviews else s["payer"]) for s in resident_stays
    }
    days, spans = None, []
    if payer == rules.MEDICARE_A:
        spans = rules.spans_from_stays(resident_stays, payer_of)
        days = rules.medicare_a_days(spans, today, review["prior_days_used"] if review else 0)
    los = rules.length_of_stay(stay["admission_date"], _stay_end(stay), today)
    # Targets only where a payer limits the stay (facility.utilization.rules.TARGET_PAYERS), never for long-term
    # Medicaid or private-pay residents.
    target = targets.get(payer, {}).get("target_days") if payer in ur.TARGET_PAYERS else None
    return {
        "stay": stay,
        "review": review,
        "payer": payer,
        "medicare": days,
        "los": los,
        "target": target,
        "over_target": ur.over_target(payer, los, target),
        "spans": spans,
    }


async def board(user: CurrentUser, today: date, payer: str = "") -> list[dict[str, Any]]:
    """One row per open stay of the user's current facility, with day counts and what needs action; kept until
    the facility's next write (facility.core.datacache; treat the rows as read-only)."""
    facility_id = user.facility_id or -1
    return await datacache.cached(
        facility_id, "utilization.board", (today, payer), lambda: _board(facility_id, today, payer)
    )


async def _board(facility_id: int, today: date, payer: str) -> list[dict[str, Any]]:
    stays = await Stay.select(
        *Stay.all_columns(),
        Stay.resident.last_name.as_alias("last_name"),
        Stay.resident.first_name.as_alias("first_name"),
        Stay.resident.room.as_alias("room"),
    ).where(
        (Stay.facility == facility_id)
        & (Stay.active == True)
        & Stay.status.is_in(list(OPEN_STAY))
        & (Stay.resident.active == True)
    )
    stay_ids = [s["id"] for s in stays] or [-1]
    history = await _stays_with_events({s["resident"] for s in stays})
    reviews = {
        r["stay"]: r
        for r in await UrReview.select().where(
            UrReview.stay.is_in([s["id"] for v in history.values() for s in v] or [-1])
        )
    }
    targets = await targets_of(facility_id)
    denials = await Denial.select().where(Denial.stay.is_in(stay_ids) & (Denial.active == True))
    appeals = await Appeal.select(Appeal.denial, Appeal.outcome).where(
        Appeal.denial.is_in([d["id"] for d in denials] or [-1]) & (Appeal.active == True)
    )
    work = await casework.casework_for(stay_ids)
    appealed = {a["denial"] for a in appeals}
    rows = []
    for stay in stays:
        mine = next(s for s in history[stay["resident"]] if s["id"] == stay["id"])
        mine.update({k: stay[k] for k in ("last_name", "first_name", "room")})
        row = _summarise(mine, history[stay["resident"]], reviews, targets, today)
        open_denials = [d for d in denials if d["stay"] == stay["id"] and d["id"] not in appealed]
        row["deadlines"] = sorted(d["appeal_deadline"] for d in open_denials if d["appeal_deadline"])
        row["deadline_state"] = rules.deadline_state(
            row["deadlines"][0] if row["deadlines"] else None, today, False
        )
        row["open_denials"] = len(open_denials)
        casework.casework_row(row, work, today)
        if payer and row["payer_today"] != payer:
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: (r["stay"]["last_name"].lower(), r["stay"]["first_name"].lower()))


ALOS_WINDOW = 90


async def board_totals(user: CurrentUser, rows: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Part A census, ALOS of the Part A stays that ended in the last 90 days, reviews and notices due."""
    facility_id = user.facility_id or -1
    los = await datacache.cached(
        facility_id, "utilization.alos", (today,), lambda: _completed_part_a_los(facility_id, today)
    )
    return casework.totals(rows, los)


async def _completed_part_a_los(facility_id: int, today: date) -> list[int]:
    since = today - timedelta(days=ALOS_WINDOW)
    ended = await Stay.select(Stay.id, Stay.resident).where(
        (Stay.facility == facility_id) & (Stay.active == True) & Stay.status.not_in(list(OPEN_STAY))
    )
    history = await _stays_with_events({s["resident"] for s in ended})
    ids = {s["id"] for s in ended}
    reviews = {
        r["stay"]: r["payer"]
        for r in await UrReview.select(UrReview.stay, UrReview.payer).where(
            UrReview.stay.is_in(sorted(ids) or [-1])
        )
    }
    out = []
    for stays in history.values():
        for stay in stays:
            end = _stay_end(stay) if stay["id"] in ids else None
            if (
                end is not None
                and since <= end <= today
                and reviews.get(stay["id"], stay["payer"]) == rules.MEDICARE_A
            ):
                # Part A days of the stay: a longer stay went on under another payer after day 100 (42 CFR 409.61(b)).
                out.append(min(rules.length_of_stay(stay["admission_date"], end, today), rules.BENEFIT_DAYS))
    return out


async def stay_detail(stay: dict[str, Any], today: date) -> dict[str, Any]:
    history = await _stays_with_events([stay["resident"]])
    resident_stays = history.get(stay["resident"], [])
    reviews = {
        r["stay"]: r
        for r in await UrReview.select().where(UrReview.stay.is_in([s["id"] for s in resident_stays] or [-1]))
    }
    mine = next(s for s in resident_stays if s["id"] == stay["id"])
    mine.update(
        {k: stay[k] for k in ("last_name", "first_name", "room", "medicaid_number", "medicare_number")}
    )
    summary = _summarise(mine, resident_stays, reviews, await targets_of(stay["facility"]), today)
    active = {"stay": stay["id"], "active": True}
    denials = (
        await Denial.select()
        .where((Denial.stay == stay["id"]) & (Denial.active == True))
        .order_by(Denial.notice_date, ascending=False)
    )
    appeals = (
        await Appeal.select()
        .where(Appeal.denial.is_in([d["id"] for d in denials] or [-1]) & (Appeal.active == True))
        .order_by(Appeal.filed_date)
    )
    for d in denials:
        d["appeals"] = [a for a in appeals if a["denial"] == d["id"]]
        resolved = bool(d["appeals"])
        d["deadline_state"] = rules.deadline_state(d["appeal_deadline"], today, resolved)
    spans = rules.spans_from_stays(
        resident_stays,
        {s["id"]: (reviews[s["id"]]["payer"] if s["id"] in reviews else s["payer"]) for s in resident_stays},
    )
    checks = (
        await TripleCheck.select()
        .where((TripleCheck.stay == stay["id"]) & (TripleCheck.active == True))
        .order_by(TripleCheck.claim_from, ascending=False)
        .output(load_json=True)
    )
    for c in checks:
        c["result"] = rules.triple_check(
            c["mds_hipps"],
            c["claim_hipps"],
            c["billed_days"],
            rules.covered_days_between(spans, c["claim_from"], c["claim_through"]),
            c["certification_date"],
            c["claim_through"],
            c["checks"] or {},
        )
        c["covered_days"] = rules.covered_days_between(spans, c["claim_from"], c["claim_through"])
    work = await casework.casework_for([stay["id"]])
    casework.casework_row(summary, work, today)
    records = await mds_records_of_stay(stay["resident"], stay["id"])
    section_q = next(
        (ur.section_q_goals(r["record"]) for r in records if ur.section_q_goals(r["record"])), {}
    )
    plans = work["plans"].get(stay["id"], [])
    return {
        **summary,
        "skilled": casework.skilled_view(
            summary,
            work["services"].get(stay["id"], []),
            [{**r, "evidence": ur.mds_skilled_evidence(r["record"])} for r in records],
            today,
        ),
        "discharge": casework.plan_view(plans[0] if plans else None, section_q),
        "authorizations": await PriorAuthorization.select()
        .where(_where(PriorAuthorization, active))
        .order_by(PriorAuthorization.start_date, ascending=False),
        "denials": denials,
        "diagnoses": await StayDiagnosis.select()
        .where(_where(StayDiagnosis, active))
        .order_by(StayDiagnosis.item)
        .order_by(StayDiagnosis.id),
        "triple_checks": checks,
        "spans": spans,
    }


def _where(table: type[Table], values: Mapping[str, Any]) -> Any:
    clause = None
    for name, value in values.items():
        part = table._meta.get_column_by_name(name) == value
        clause = part if clause is None else clause & part
    return clause


async def resident_stays_summary(resident: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """The resident tab: every stay with payer, day count and LOS."""
    history = await _stays_with_events([resident["id"]])
    resident_stays = history.get(resident["id"], [])
    reviews = {
        r["stay"]: r
        for r in await UrReview.select().where(UrReview.stay.is_in([s["id"] for s in resident_stays] or [-1]))
    }
    targets = await targets_of(resident["facility"])
    return [
        _summarise(s, resident_stays, reviews, targets, today)
        for s in sorted(resident_stays, key=lambda s: s["admission_date"], reverse=True)
    ]


# ---------------------------------------------------------------- MDS (lazy: the assessment domain may not be there)


async def pps_assessments(resident_id: int, stay_id: int) -> list[dict[str, Any]]:
    """PPS assessments (A0310B 01/08) of the stay, newest first."""
    rows = await call_hook(hooks.ASSESSMENTS_FOR_RESIDENT.name)(resident_id)
    return [a for a in rows if a.get("stay_id") == stay_id and a.get("a0310b", "99") not in ("99", "", None)]


async def mds_records_of_stay(resident_id: int, stay_id: int) -> list[dict[str, Any]]:
    """The stay's MDS records, newest first, each with its items by id ({id, ard, label, record}). Items are read by
    id from the record, not through the item catalog."""
    rows = [
        a
        for a in await call_hook(hooks.ASSESSMENTS_FOR_RESIDENT.name)(resident_id)
        if a.get("stay_id") == stay_id
    ]
    answers = await call_hook(hooks.ANSWERS_FOR.name)(a["id"] for a in rows)
    return [
        {
            "id": a["id"],
            "ard": a["ard"],
            "label": a["label"],
            "status": a["status"],
            "record": answers.get(a["id"], {}),
        }
        for a in rows
    ]


async def mds_hipps(assessment_id: int) -> tuple[str, list[str]]:
    """The HIPPS code mds.pdpm.rules computes from the assessment's answers alone (I0020B through the shipped
    CMS ICD-10 mapping); ('', [reason]) when it cannot."""
    try:
        answers = await call_hook(hooks.ASSESSMENT_ANSWERS.name)(assessment_id)
        result = call_hook(hooks.PDPM_CLASSIFY.name)(answers)
    except LookupError:
        return "", ["no_assessment"]
    except ValueError as exc:  # pdpm.PdpmError
        return "", [str(exc)]
    return result.hipps or "", list(result.warnings)


# ---------------------------------------------------------------- writes


async def save_review(
    actor: audit.Actor,
    user: CurrentUser,
    stay: dict[str, Any],
    current: dict[str, Any] | None,
    version: int | None,
    values: dict[str, Any],
) -> None:
    if current is None:
        await _create(
            UrReview,
            {"facility": stay["facility"], "resident": stay["resident"], "stay": stay["id"], **values},
            actor,
            user,
            "ur_review",
            stay["facility"],
            stay["resident"],
        )
    else:
        await _update(UrReview, current, version or 0, values, actor, user, "ur_review", stay["resident"])


async def review_of(stay_id: int) -> dict[str, Any] | None:
    return await UrReview.select().where(UrReview.stay == stay_id).first()


async def add_for_stay(
    table: type[Table],
    object_type: str,
    actor: audit.Actor,
    user: CurrentUser,
    stay: dict[str, Any],
    values: dict[str, Any],
) -> int:
    return await _create(
        table,
        {"facility": stay["facility"], "resident": stay["resident"], "stay": stay["id"], **values},
        actor,
        user,
        object_type,
        stay["facility"],
        stay["resident"],
    )


async def update_row(
    table: type[Table],
    object_type: str,
    actor: audit.Actor,
    user: CurrentUser,
    current: dict[str, Any],
    version: int,
    values: dict[str, Any],
    resident_id: int | None,
    action: str = "update",
) -> int:
    return await _update(table, current, version, values, actor, user, object_type, resident_id, action)


async def add_appeal(
    actor: audit.Actor, user: CurrentUser, denial: dict[str, Any], values: dict[str, Any]
) -> int:
    return await _create(
        Appeal,
        {"facility": denial["facility"], "denial": denial["id"], **values},
        actor,
        user,
        "appeal",
        denial["facility"],
        denial["resident"],
    )


async def save_target(
    actor: audit.Actor, user: CurrentUser, facility_id: int, values: dict[str, Any]
) -> None:
    current = (await targets_of(facility_id)).get(values["payer"])
    async with write_transaction():
        if current is None:
            await UrTarget(
                facility=facility_id,
                payer=values["payer"],
                target_days=values["target_days"],
                updated_by=user.id,
            ).save()
        else:
            await UrTarget.update(
                {
                    UrTarget.target_days: values["target_days"],
                    UrTarget.updated_by: user.id,
                    UrTarget.version: UrTarget.version + 1,
                    UrTarget.updated_at: clock.now(),
                }
            ).where(UrTarget.id == current["id"])
        await audit.record(
            actor,
            "update",
            "ur_target",
            values["payer"],
            facility_id=facility_id,
            before={"target_days": current["target_days"]} if current else None,
            after=values,
        )


async def facility_of(facility_id: int) -> dict[str, Any] | None:
    return await Facility.select().where(Facility.id == facility_id).first()


async def resident_of(resident_id: int) -> dict[str, Any] | None:
    return await Resident.select().where(Resident.id == resident_id).first()
