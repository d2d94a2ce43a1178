"""Facility-domain queries and writes. Every read is scoped to the user's facilities; every write is
one transaction with its audit row."""

from __future__ import annotations

from datetime import date
from typing import Any

from facility.core import audit, clock
from facility.core.db import update_versioned, write_transaction
from facility.core.forms import EVENT_RESULT_STATUS, N_
from facility.residents import stay_rules
from facility.tables import Facility, Resident, Stay, StayEvent, Unit
from facility.web.core import CurrentUser

PAGE_SIZE = 50
RESIDENT_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "medicare_number",
    "medicaid_number",
    "room",
    "unit_id",
    "status",
)


def _row_for_audit(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in row.items()
        if k in RESIDENT_FIELDS or k == "version"
    }


async def units_of(facility_id: int) -> list[dict[str, Any]]:
    return list(
        await Unit.select(Unit.id, Unit.name)
        .where((Unit.facility == facility_id) & (Unit.active == True))
        .order_by(Unit.name)
    )


async def search_residents(
    facility_id: int, q: str = "", unit_id: int | None = None, status: str = "", page: int = 1
) -> tuple[list[dict[str, Any]], int]:
    where = (Resident.facility == facility_id) & (Resident.active == True)
    if q:
        term = f"%{q.strip()}%"
        where &= (
            (Resident.last_name.ilike(term)) | (Resident.first_name.ilike(term)) | (Resident.room.ilike(term))
        )
    if unit_id:
        where &= Resident.unit == unit_id
    if status:
        where &= Resident.status == status
    total = await Resident.count().where(where)
    rows = await (
        Resident.select(
            Resident.id,
            Resident.last_name,
            Resident.first_name,
            Resident.birth_date,
            Resident.sex,
            Resident.room,
            Resident.status,
            Resident.unit.name.as_alias("unit_name"),
        )
        .where(where)
        .order_by(Resident.last_name)
        .order_by(Resident.first_name)
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    return list(rows), int(total)


async def get_resident(user: CurrentUser, resident_id: int) -> dict[str, Any] | None:
    """The resident if the user's facilities include it; None otherwise (callers answer 404)."""
    row = await (
        Resident.select(
            *Resident.all_columns(),
            Resident.unit.name.as_alias("unit_name"),
            Resident.facility.name.as_alias("facility_name"),
        )
        .where(Resident.id == resident_id)
        .first()
    )
    if row is None or not user.may_access_facility(row["facility"]):
        return None
    row["unit_id"] = row["unit"]
    return row


async def create_resident(
    user: CurrentUser, actor: audit.Actor, facility_id: int, values: dict[str, Any]
) -> int:
    async with write_transaction():
        resident = Resident(
            facility=facility_id,
            unit=values["unit_id"],
            last_name=values["last_name"],
            first_name=values["first_name"],
            birth_date=values["birth_date"],
            sex=values["sex"],
            medicare_number=values["medicare_number"],
            medicaid_number=values["medicaid_number"],
            room=values["room"],
            created_by=user.id,
            updated_by=user.id,
        )
        await resident.save()
        await audit.record(
            actor,
            "create",
            "resident",
            resident.id,
            facility_id=facility_id,
            resident_id=resident.id,
            after=_row_for_audit({**values}),
        )
    return int(resident.id)


async def update_resident(
    actor: audit.Actor, user: CurrentUser, current: dict[str, Any], version: int, values: dict[str, Any]
) -> int:
    """Raises facility.core.db.StaleVersion when someone saved since `version` was loaded."""
    changes = {
        Resident.last_name: values["last_name"],
        Resident.first_name: values["first_name"],
        Resident.birth_date: values["birth_date"],
        Resident.sex: values["sex"],
        Resident.medicare_number: values["medicare_number"],
        Resident.medicaid_number: values["medicaid_number"],
        Resident.room: values["room"],
        Resident.unit: values["unit_id"],
        Resident.updated_by: user.id,
        Resident.updated_at: clock.now(),
    }
    async with write_transaction():
        new_version = await update_versioned(Resident, current["id"], version, changes)
        await audit.record(
            actor,
            "update",
            "resident",
            current["id"],
            facility_id=current["facility"],
            resident_id=current["id"],
            before=_row_for_audit(current),
            after=_row_for_audit({**values, "version": new_version}),
        )
    return new_version


async def inactivate_resident(
    actor: audit.Actor, user: CurrentUser, current: dict[str, Any], version: int
) -> None:
    async with write_transaction():
        await update_versioned(
            Resident, current["id"], version, {Resident.active: False, Resident.updated_by: user.id}
        )
        await audit.record(
            actor,
            "inactivate",
            "resident",
            current["id"],
            facility_id=current["facility"],
            resident_id=current["id"],
        )


async def stays_of(resident_id: int) -> list[dict[str, Any]]:
    stays = list(
        await Stay.select()
        .where((Stay.resident == resident_id) & (Stay.active == True))
        .order_by(Stay.admission_date, ascending=False)
    )
    if not stays:
        return []
    events = (
        await StayEvent.select()
        .where(StayEvent.stay.is_in([s["id"] for s in stays]) & (StayEvent.active == True))
        .order_by(StayEvent.event_date)
        .order_by(StayEvent.id)
    )
    for stay in stays:
        stay["events"] = [e for e in events if e["stay"] == stay["id"]]
        # RAI counting: the admission date is day 1 of the stay.
        stay["stay_day"] = (clock.today() - stay["admission_date"]).days + 1
    return stays


class StayOverlap(ValueError):
    """The stay would overlap another stay of the resident: args = (message id, parameters)."""


async def create_stay(
    actor: audit.Actor, user: CurrentUser, resident: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        # Checked inside the writing transaction, so two admissions saved at once cannot both pass.
        problem = stay_rules.overlap_error(values["admission_date"], await stays_of(resident["id"]))
        if problem:
            raise StayOverlap(*problem)
        stay = Stay(
            resident=resident["id"],
            facility=resident["facility"],
            admission_date=values["admission_date"],
            admitted_at=values.get("admitted_at"),
            admitted_from=values["admitted_from"],
            payer=values["payer"],
            created_by=user.id,
            updated_by=user.id,
        )
        await stay.save()
        await StayEvent(
            stay=stay.id, kind="admission", event_date=values["admission_date"], created_by=user.id
        ).save()
        await Resident.update({Resident.status: "active", Resident.version: Resident.version + 1}).where(
            Resident.id == resident["id"]
        )
        await audit.record(
            actor,
            "create",
            "stay",
            stay.id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after={
                "admission_date": values["admission_date"].isoformat(),
                "admitted_at": values["admitted_at"].isoformat() if values.get("admitted_at") else None,
                "payer": values["payer"],
            },
        )
    return int(stay.id)


async def get_stay(user: CurrentUser, stay_id: int) -> dict[str, Any] | None:
    stay = await Stay.select().where((Stay.id == stay_id) & (Stay.active == True)).first()
    if stay is None or not user.may_access_facility(stay["facility"]):
        return None
    last = (
        await StayEvent.select(StayEvent.event_date)
        .where((StayEvent.stay == stay_id) & (StayEvent.active == True))
        .order_by(StayEvent.event_date, ascending=False)
        .first()
    )
    stay["last_event_date"] = last["event_date"] if last else stay["admission_date"]
    return stay


async def add_stay_event(
    actor: audit.Actor, user: CurrentUser, stay: dict[str, Any], values: dict[str, Any]
) -> None:
    new_status = EVENT_RESULT_STATUS[values["kind"]]
    resident_status = {"expired": "expired", "in_facility": "active"}.get(new_status, "discharged")
    async with write_transaction():
        await update_versioned(
            Stay, stay["id"], stay["version"], {Stay.status: new_status, Stay.updated_by: user.id}
        )
        await StayEvent(
            stay=stay["id"],
            kind=values["kind"],
            event_date=values["event_date"],
            note=values["note"],
            created_by=user.id,
        ).save()
        await Resident.update(
            {Resident.status: resident_status, Resident.version: Resident.version + 1}
        ).where(Resident.id == stay["resident"])
        await audit.record(
            actor,
            "update",
            "stay",
            stay["id"],
            facility_id=stay["facility"],
            resident_id=stay["resident"],
            before={"status": stay["status"]},
            after={
                "status": new_status,
                "event": values["kind"],
                "event_date": values["event_date"].isoformat(),
            },
        )


async def facility_overview(facility_id: int) -> dict[str, Any]:
    facility = await Facility.select().where(Facility.id == facility_id).first()
    active = await Resident.count().where(
        (Resident.facility == facility_id) & (Resident.active == True) & (Resident.status == "active")
    )
    units = await units_of(facility_id)
    return {"facility": facility, "active_residents": active, "units": units}


async def correct_stay_event(
    actor: audit.Actor,
    user: CurrentUser,
    stay: dict[str, Any],
    event: dict[str, Any],
    new_date: date,
    reason: str,
) -> None:
    """Replace an event's date: the old row is inactivated (kept), a new row carries the corrected date and the
    reason; an admission event moves the stay's admission date too. Raises StayOverlap or StaleVersion."""
    async with write_transaction():
        stays = await stays_of(stay["resident"])
        clash = stay_rules.first_overlap(
            stay_rules.with_corrected_event(stays, stay["id"], event["id"], new_date)
        )
        if clash:
            earlier, later = clash
            raise StayOverlap(
                N_("After this correction two stays would overlap (admitted %(first)s and %(second)s)."),
                {
                    "first": earlier["admission_date"].isoformat(),
                    "second": later["admission_date"].isoformat(),
                },
            )
        changes: dict[Any, Any] = {Stay.updated_by: user.id}
        if event["kind"] == "admission":
            changes[Stay.admission_date] = new_date
        await update_versioned(Stay, stay["id"], stay["version"], changes)
        await StayEvent.update({StayEvent.active: False}).where(StayEvent.id == event["id"])
        note = f"{event['note']} [{reason}]".strip() if event["note"] else f"[{reason}]"
        replacement = StayEvent(
            stay=stay["id"], kind=event["kind"], event_date=new_date, note=note[:2000], created_by=user.id
        )
        await replacement.save()
        await audit.record(
            actor,
            "update",
            "stay_event",
            event["id"],
            facility_id=stay["facility"],
            resident_id=stay["resident"],
            before={"kind": event["kind"], "event_date": event["event_date"].isoformat()},
            after={
                "kind": event["kind"],
                "event_date": new_date.isoformat(),
                "reason": reason,
                "replaced_by": replacement.id,
            },
        )


async def stay_event(stay_id: int, event_id: int) -> dict[str, Any] | None:
    return (
        await StayEvent.select()
        .where((StayEvent.id == event_id) & (StayEvent.stay == stay_id) & (StayEvent.active == True))
        .first()
    )
