"""MDS coordinator workflow: the RAI schedule from the database, the dashboard lists, export of signed
records to a validated zip, submission tracking (exported → submitted → accepted | rejected) and the
import of a CMS final-validation-style result file, and the missing-assessments report.

The rules are the pure modules: mds.workflow.schedule (what is due), mds.record.submission (state machine, result
CSV), mds.record.xmlio + mds.record.validate (the XML pipeline). Part A's mds.assessments.services gives the signed record
(`assessment_answers`) and its integrity check (`integrity_problems`). Every read is scoped to one
facility the caller has checked; every write is one transaction with its audit row.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any

import anyio
from piccolo.columns import Column

from facility.core import audit, clock, datacache
from facility.core.db import write_transaction
from facility.tables import Facility, Resident, Stay, StayEvent, Unit
from mds.assessments import services as assessment_services
from mds.i18n import T_, gettext
from mds.record import rfa as rfa_rules
from mds.record import submission
from mds.tables import Assessment
from mds.workflow import schedule
from mds.workflow.tables import ExportBatch, ExportRecord

# facility.tables StayEvent kinds -> mds.workflow.schedule event kinds ("admission" is the stay's first entry).
EVENT_KINDS = {
    "discharge_return_anticipated": "discharge_ra",
    "discharge_return_not_anticipated": "discharge_rna",
    "death": "death",
    "reentry": "return",
}
# The RFA (A0310A-B-F-H, mds.record.rfa.Rfa.code) a coordinator starts for each schedule kind.
KIND_RFA = {
    "admission": "01-99-99-0",
    "quarterly": "02-99-99-0",
    "annual": "03-99-99-0",
    "significant_change": "04-99-99-0",
    "significant_correction_comprehensive": "05-99-99-0",
    "significant_correction_quarterly": "06-99-99-0",
    "pps_5day": "99-01-99-0",
    "ipa": "99-08-99-0",
    "discharge_rna": "99-99-10-0",
    "discharge_ra": "99-99-11-0",
    "pps_discharge": "99-99-99-1",
    "entry": "99-99-01-0",
    "death": "99-99-12-0",
}
PIPELINE = ("in_progress", "signed_not_exported", "exported_not_accepted")
EXPORTABLE_STATES = ("completed", "exported", "rejected")  # submission.transition(state, "export") is allowed


def kind_label(kind: str, lang: str) -> str:
    label = rfa_rules.KIND_LABELS.get(kind)
    return gettext(lang, label) if label else kind


# ---------------------------------------------------------------- loading the facility


@dataclass
class FacilityData:
    """Everything the schedule and the dashboard need for one facility, in a few queries."""

    stays: list[dict[str, Any]]
    events: dict[int, list[dict[str, Any]]]
    residents: dict[int, dict[str, Any]]
    assessments: list[dict[str, Any]]
    v_dates: dict[int, tuple[date | None, date | None]]
    exports: dict[int, list[dict[str, Any]]]  # assessment id -> its export records, oldest first
    units: dict[int, str]
    users: dict[int, str] = field(default_factory=dict)
    due_by_day: dict[date, list[schedule.DueItem]] = field(default_factory=dict, repr=False, compare=False)


async def load_facility(facility_id: int) -> FacilityData:
    """Kept until the facility's next write (facility.core.datacache): the dashboard, the missing report and the
    readiness signal read the same rows; treat the result as read-only."""
    return await datacache.cached(facility_id, "mds.facility_data", None, lambda: _load_facility(facility_id))


async def _load_facility(facility_id: int) -> FacilityData:
    stays = (
        await Stay.select(Stay.id, Stay.resident, Stay.admission_date, Stay.payer, Stay.status)
        .where((Stay.facility == facility_id) & (Stay.active == True))
        .order_by(Stay.id)
    )
    stay_ids = [s["id"] for s in stays]
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if stay_ids:
        for ev in (
            await StayEvent.select(StayEvent.stay, StayEvent.kind, StayEvent.event_date)
            .where(StayEvent.stay.is_in(stay_ids) & (StayEvent.active == True))
            .order_by(StayEvent.event_date)
            .order_by(StayEvent.id)
        ):
            events[ev["stay"]].append(ev)
    residents = {
        r["id"]: r
        for r in await Resident.select(
            Resident.id,
            Resident.first_name,
            Resident.last_name,
            Resident.unit,
            Resident.room,
            Resident.status,
        ).where((Resident.facility == facility_id) & (Resident.active == True))
    }
    assessments = list(
        await Assessment.select(
            Assessment.id,
            Assessment.resident,
            Assessment.stay,
            Assessment.a0310a,
            Assessment.a0310b,
            Assessment.a0310e,
            Assessment.a0310f,
            Assessment.a0310g,
            Assessment.a0310h,
            Assessment.isc,
            Assessment.kind,
            Assessment.ard,
            Assessment.status,
            Assessment.submission_state,
            Assessment.a0050,
            Assessment.x0800,
            Assessment.z0500b,
            Assessment.created_by,
            Assessment.updated_at,
        )
        .where((Assessment.facility == facility_id) & (Assessment.active == True))
        .order_by(Assessment.ard)
    )
    ids = [a["id"] for a in assessments]
    v_dates: dict[int, tuple[date | None, date | None]] = {}
    exports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        v_dates = await assessment_services.care_plan_dates(ids)
        for rec in (
            await ExportRecord.select(
                ExportRecord.id,
                ExportRecord.assessment,
                ExportRecord.state,
                ExportRecord.error_ids,
                ExportRecord.x0800,
                ExportRecord.batch,
                ExportRecord.batch.submitted_at.as_alias("submitted_at"),
                ExportRecord.result_at,
                ExportRecord.created_at,
            )
            .where((ExportRecord.facility == facility_id) & (ExportRecord.active == True))
            .order_by(ExportRecord.id)
        ):
            exports[rec["assessment"]].append(rec)
    units = {
        u["id"]: u["name"] for u in await Unit.select(Unit.id, Unit.name).where(Unit.facility == facility_id)
    }
    user_ids = {a["created_by"] for a in assessments}
    users = await assessment_services.user_names(user_ids)
    return FacilityData(
        list(stays), dict(events), residents, assessments, v_dates, dict(exports), units, users
    )


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def schedule_stay(stay: dict[str, Any], events: Sequence[dict[str, Any]]) -> schedule.Stay:
    """facility.tables Stay + StayEvents → mds.workflow.schedule.Stay. A Medicare Part A payer opens a Part A
    stay on the admission date (its end is not recorded yet, so no PPS discharge is expected)."""
    moves = tuple(
        schedule.StayEvent(EVENT_KINDS[e["kind"]], e["event_date"])
        for e in events
        if e["kind"] in EVENT_KINDS
    )
    part_a = (schedule.PartAStay(stay["admission_date"]),) if stay.get("payer") == "medicare_a" else ()
    significant = tuple(e["event_date"] for e in events if e["kind"] == "significant_change")
    return schedule.Stay(
        stay["resident"], stay["id"], stay["admission_date"], moves, part_a, significant_changes=significant
    )


def schedule_assessment(
    row: dict[str, Any], v_dates: tuple[date | None, date | None] | None, exports: Sequence[dict[str, Any]]
) -> schedule.Assessment:
    """An Assessment row as the schedule sees it. An accepted record later reopened by a correction stays
    "accepted" for the schedule (the requirement was met); the correction is tracked on its own."""
    rfa = rfa_rules.Rfa(
        a=row["a0310a"],
        b=row["a0310b"],
        f=row["a0310f"],
        h=row["a0310h"],
        e=row["a0310e"] or None,
        g=row["a0310g"] or None,
    )
    ever_accepted = any(e["state"] == "accepted" for e in exports)
    state = row["submission_state"]
    corrections: tuple[schedule.Correction, ...] = ()
    if row["status"] == "inactivated":
        corrections = (schedule.Correction("3", state="accepted"),)
    elif ever_accepted and row["a0050"] != "1" or row["status"] == "correcting":
        x1100e = row["z0500b"] if row["status"] == "completed" else None
        corrections = (schedule.Correction("2", x1100e, state),)
        state = "accepted" if ever_accepted else state
    submitted = [
        _as_date(e["submitted_at"]) or _as_date(e["result_at"])
        for e in exports
        if e["state"] in ("submitted", "accepted")
    ]
    b2, c2 = v_dates or (None, None)
    return schedule.Assessment(
        row["id"],
        rfa,
        row["ard"],
        row["ard"],
        row["z0500b"],
        b2,
        c2,
        state,
        min((d for d in submitted if d), default=None),
        corrections,
    )


def due_items(data: FacilityData, today: date) -> list[schedule.DueItem]:
    """The schedule of every stay of the facility (a stay whose events contradict each other is skipped
    rather than failing the whole dashboard; the stay page shows its events). Computed once per day per
    loaded FacilityData."""
    if today not in data.due_by_day:
        data.due_by_day[today] = _due_items(data, today)
    return list(data.due_by_day[today])


def _due_items(data: FacilityData, today: date) -> list[schedule.DueItem]:
    by_stay: dict[int, list[schedule.Assessment]] = defaultdict(list)
    for row in data.assessments:
        by_stay[row["stay"]].append(
            schedule_assessment(row, data.v_dates.get(row["id"]), data.exports.get(row["id"], []))
        )
    items: list[schedule.DueItem] = []
    for stay in data.stays:
        try:
            items += _due_of_stay(
                schedule_stay(stay, data.events.get(stay["id"], [])),
                tuple(by_stay.get(stay["id"], [])),
                today,
            )
        except ValueError:
            continue
    return items


# schedule.compute_due is pure and its inputs are frozen: after a write only the stays whose records changed are
# scheduled again (a facility with years of history has ~100 stays of ~20 records each).
@lru_cache(maxsize=50_000)
def _due_of_stay(
    stay: schedule.Stay, records: tuple[schedule.Assessment, ...], today: date
) -> tuple[schedule.DueItem, ...]:
    return tuple(schedule.compute_due(stay, list(records), today))


async def due_for_facility(facility_id: int, today: date) -> list[schedule.DueItem]:
    return due_items(await load_facility(facility_id), today)


# ---------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Filters:
    unit: int | None = None
    coordinator: int | None = None


def _coordinators(data: FacilityData) -> dict[int, int]:
    """resident id -> the user who opened the resident's most recent assessment (their MDS coordinator)."""
    owner: dict[int, int] = {}
    for row in data.assessments:  # ordered by ARD: the last one wins
        owner[row["resident"]] = row["created_by"]
    return owner


def _resident_view(data: FacilityData, resident_id: int) -> dict[str, Any]:
    r = data.residents.get(resident_id) or {
        "id": resident_id,
        "first_name": "?",
        "last_name": "?",
        "unit": None,
        "room": "",
    }
    return {
        "id": resident_id,
        "name": f"{r['last_name']}, {r['first_name']}",
        "room": r.get("room", ""),
        "unit": data.units.get(r.get("unit") or 0, ""),
        "unit_id": r.get("unit"),
    }


def dashboard(data: FacilityData, today: date, filters: Filters, lang: str = "en") -> dict[str, Any]:
    """Late, due this week (mds.workflow.schedule.summarize), and the pipeline lists from the assessment rows."""
    owners = _coordinators(data)
    by_id = {a["id"]: a for a in data.assessments}

    def keep(resident_id: int, assessment_id: int | None) -> bool:
        r = data.residents.get(resident_id)
        if r is None:
            return False
        if filters.unit and r.get("unit") != filters.unit:
            return False
        if filters.coordinator:
            owner = by_id[assessment_id]["created_by"] if assessment_id in by_id else owners.get(resident_id)
            return owner == filters.coordinator
        return True

    items = [i for i in due_items(data, today) if keep(i.resident_id, i.assessment_id)]
    summary = schedule.summarize(items, today)

    def due_row(i: schedule.DueItem) -> dict[str, Any]:
        return {
            "item": i,
            "resident": _resident_view(data, i.resident_id),
            "kind_label": kind_label(i.kind, lang),
            "start": _start_params(i, today) if i.assessment_id is None else None,
            "assessment": by_id.get(i.assessment_id),
        }

    pipeline: dict[str, list[dict[str, Any]]] = {k: [] for k in PIPELINE}
    for row in data.assessments:
        bucket = pipeline_bucket(row)
        if bucket is None or not keep(row["resident"], row["id"]):
            continue
        exports = data.exports.get(row["id"], [])
        pipeline[bucket].append(
            {
                "a": row,
                "resident": _resident_view(data, row["resident"]),
                "kind_label": kind_label(row["kind"], lang),
                "coordinator": data.users.get(row["created_by"], ""),
                "error_ids": exports[-1]["error_ids"] if exports else "",
            }
        )
    for rows in pipeline.values():
        rows.sort(key=lambda r: (r["a"]["ard"], r["a"]["id"]))
    counts = {
        "late": summary["counts"]["late"],
        "due_this_week": summary["counts"]["due_this_week"],
        **{k: len(v) for k, v in pipeline.items()},
    }
    return {
        "late": [due_row(i) for i in summary["late"]],
        "due_this_week": [due_row(i) for i in summary["due_this_week"]],
        **pipeline,
        "counts": counts,
    }


def pipeline_bucket(row: dict[str, Any]) -> str | None:
    if row["status"] in ("in_progress", "correcting"):
        return "in_progress"
    if row["status"] == "completed" and row["submission_state"] == "completed":
        return "signed_not_exported"
    if row["submission_state"] in ("exported", "submitted", "rejected"):
        return "exported_not_accepted"
    return None


def _start_params(item: schedule.DueItem, today: date) -> dict[str, Any] | None:
    """What the start form is prefilled with: the kind's RFA and an ARD inside the window (today when
    the window is open or past — an ARD is never set in the past to look on time)."""
    code = KIND_RFA.get(item.kind)
    if code is None or item.phase not in ("ard", "complete"):
        return None
    target = item.ard_target or item.window_start
    if item.phase == "ard":
        ard = (
            max(item.window_start, min(today, item.window_end))
            if today >= item.window_start
            else item.window_start
        )
        if item.state == "late":
            ard = today
    else:
        ard = target  # tracking and discharge records: the event date (-9017 target date)
    return {
        "resident": item.resident_id,
        "stay": item.stay_id,
        "kind": item.kind,
        "rfa": code,
        "ard": ard.isoformat(),
    }


def filter_options(data: FacilityData) -> dict[str, Any]:
    return {
        "units": sorted(({"id": k, "name": v} for k, v in data.units.items()), key=lambda u: u["name"]),
        "coordinators": sorted(
            ({"id": k, "name": v} for k, v in data.users.items()), key=lambda u: u["name"]
        ),
    }


# ---------------------------------------------------------------- missing assessments (CASPER-like)


MISSING_REASONS = {
    "ard": "no_record",
    "complete": "not_signed",
    "submit": "not_submitted",
    "submit_correction": "not_submitted",
}


def missing_report(data: FacilityData, today: date, lang: str = "en") -> list[dict[str, Any]]:
    """Records the schedule expected whose deadline has passed and that CMS has not accepted: no record,
    not signed, not transmitted, or transmitted and rejected / awaiting the result. Oldest first."""
    by_id = {a["id"]: a for a in data.assessments}
    out = []
    for i in due_items(data, today):
        if i.state == "late":
            reason = MISSING_REASONS.get(i.phase, "no_record")
            if i.record_state == "rejected":
                reason = "rejected"
        elif i.state == "done" and i.record_state == "submitted":
            reason = "awaiting_result"
        else:
            continue
        out.append(
            {
                "item": i,
                "reason": reason,
                "resident": _resident_view(data, i.resident_id),
                "kind_label": kind_label(i.kind, lang),
                "assessment": by_id.get(i.assessment_id),
                "start": _start_params(i, today) if i.assessment_id is None else None,
            }
        )
    return sorted(out, key=lambda r: (r["item"].window_end, r["resident"]["name"]))


# ---------------------------------------------------------------- export


@dataclass
class ExportOutcome:
    batch_id: int | None = None
    exported: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)  # fatal edits: {"a": row, "issues": [...]}
    blocked: list[dict[str, Any]] = field(
        default_factory=list
    )  # integrity / state: {"a": row, "reason": text}


def member_name(row: dict[str, Any]) -> str:
    """Zip member: facility document id (the assessment id, FAC_DOC_ID) and the correction number."""
    return f"mds_{row['id']:08d}_{row['x0800'] or '00'}.xml"


async def exportable(facility_id: int) -> list[dict[str, Any]]:
    """Signed records that may be (re-)exported: signed not exported, exported, or rejected."""
    rows = (
        await Assessment.select(
            Assessment.id,
            Assessment.resident,
            Assessment.resident.first_name.as_alias("first_name"),
            Assessment.resident.last_name.as_alias("last_name"),
            Assessment.kind,
            Assessment.ard,
            Assessment.isc,
            Assessment.status,
            Assessment.submission_state,
            Assessment.x0800,
            Assessment.a0050,
            Assessment.z0500b,
        )
        .where(
            (Assessment.facility == facility_id)
            & (Assessment.active == True)
            & Assessment.status.is_in(["completed", "inactivated"])
            & Assessment.submission_state.is_in(list(EXPORTABLE_STATES))
        )
        .order_by(Assessment.z0500b)
        .order_by(Assessment.id)
    )
    return list(rows)


def _validate(records: list[tuple[str, dict[str, str]]], lang: str) -> list[Any]:
    from mds.record.validate import validate_record
    from mds.record.xmlio import export_assessment, version_of

    # Each record is laid out on its own item set (a 2024 record stays 1.18.11 for life); the validator takes the
    # set from the record and reports a code that does not match the target date (MR-310).
    return [
        validate_record(name, export_assessment(values, version=version_of(values)), lang)
        for name, values in records
    ]


async def export_assessments(
    actor: audit.Actor, user_id: int, facility_id: int, ids: Iterable[int], lang: str = "en"
) -> ExportOutcome:
    """Validate each selected signed record with the MDS XML pipeline; integrity failures and records in
    a state that cannot be exported are blocked, fatal records excluded (listed with their edits); the
    rest go into one zip, tracked per record and audited ("export"). Nothing is written when no record
    passes."""
    wanted = sorted({int(i) for i in ids})
    rows = {
        r["id"]: r
        for r in await Assessment.select().where(
            Assessment.id.is_in(wanted or [0])
            & (Assessment.facility == facility_id)
            & (Assessment.active == True)
        )
    }
    outcome = ExportOutcome()
    candidates: list[tuple[dict[str, Any], str, dict[str, str]]] = []
    for assessment_id in wanted:
        row = rows.get(assessment_id)
        if row is None:
            outcome.blocked.append({"a": {"id": assessment_id}, "reason": "not_found"})
            continue
        if row["status"] not in ("completed", "inactivated"):
            outcome.blocked.append({"a": row, "reason": "not_signed"})
            continue
        try:
            submission.transition(row["submission_state"], "export")
        except submission.InvalidTransition as exc:
            outcome.blocked.append({"a": row, "reason": "state", "message": exc.messages})
            continue
        problems = await assessment_services.integrity_problems(assessment_id)
        if problems:
            outcome.blocked.append({"a": row, "reason": "integrity", "problems": problems})
            continue
        candidates.append(
            (row, member_name(row), await assessment_services.assessment_answers(assessment_id))
        )
    if not candidates:
        return outcome
    results = await anyio.to_thread.run_sync(
        _validate, [(name, values) for _, name, values in candidates], lang
    )
    passed = []
    for (row, name, values), result in zip(candidates, results, strict=True):
        if result.status == "accepted":
            passed.append((row, name, values))
        else:
            outcome.excluded.append({"a": row, "issues": [i for i in result.issues if i.severity == "fatal"]})
    if not passed:
        return outcome
    from mds.record.xmlio import export_batch

    data = await anyio.to_thread.run_sync(
        partial(export_batch, version=None), [(name, values) for _, name, values in passed]
    )
    now = clock.now()
    ccn = (
        await Facility.select(Facility.ccn).where(Facility.id == facility_id).first() or {"ccn": "000000"}
    )["ccn"]
    async with write_transaction():
        batch = ExportBatch(
            facility=facility_id,
            created_by=user_id,
            filename=f"mds_{ccn}_{now:%Y%m%d_%H%M%S}.zip",
            record_count=len(passed),
            excluded_count=len(outcome.excluded),
            zip_sha256=hashlib.sha256(data).hexdigest(),
            zip_data=data,
        )
        await batch.save()
        for row, name, _ in passed:
            await ExportRecord(
                batch=batch.id,
                assessment=row["id"],
                facility=facility_id,
                member=name,
                a0050=row["a0050"],
                x0800=row["x0800"],
                content_hash=row["content_hash"],
                updated_by=user_id,
            ).save()
            await Assessment.update(
                {Assessment.submission_state: submission.transition(row["submission_state"], "export")}
            ).where(Assessment.id == row["id"])
            outcome.exported.append(row)
        await audit.record(
            actor,
            "export",
            "mds_export_batch",
            batch.id,
            facility_id=facility_id,
            after={
                "file": batch.filename,
                "sha256": batch.zip_sha256,
                "records": [r["id"] for r, _, _ in passed],
                "excluded": [e["a"]["id"] for e in outcome.excluded],
                "blocked": [b["a"]["id"] for b in outcome.blocked],
            },
        )
    outcome.batch_id = int(batch.id)
    return outcome


async def batches(facility_id: int, limit: int = 20) -> list[dict[str, Any]]:
    rows = (
        await ExportBatch.select(
            ExportBatch.id,
            ExportBatch.filename,
            ExportBatch.record_count,
            ExportBatch.excluded_count,
            ExportBatch.submitted_at,
            ExportBatch.created_at,
            ExportBatch.zip_sha256,
            ExportBatch.created_by.display_name.as_alias("by"),
        )
        .where((ExportBatch.facility == facility_id) & (ExportBatch.active == True))
        .order_by(ExportBatch.id, ascending=False)
        .limit(limit)
    )
    if rows:
        states: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for rec in await ExportRecord.select(ExportRecord.batch, ExportRecord.state).where(
            ExportRecord.batch.is_in([r["id"] for r in rows])
        ):
            states[rec["batch"]][rec["state"]] += 1
        for row in rows:
            row["states"] = dict(states.get(row["id"], {}))
    return list(rows)


async def get_batch(facility_ids: Sequence[int], batch_id: int) -> dict[str, Any] | None:
    row = (
        await ExportBatch.select().where((ExportBatch.id == batch_id) & (ExportBatch.active == True)).first()
    )
    if row is None or row["facility"] not in facility_ids:
        return None
    return row


async def batch_records(batch_id: int) -> list[dict[str, Any]]:
    return list(
        await ExportRecord.select(
            *ExportRecord.all_columns(),
            ExportRecord.assessment.kind.as_alias("kind"),
            ExportRecord.assessment.ard.as_alias("ard"),
            ExportRecord.assessment._.resident._.last_name.as_alias("last_name"),
            ExportRecord.assessment._.resident._.first_name.as_alias("first_name"),
            ExportRecord.assessment._.resident._.id.as_alias("resident_id"),
        )
        .where(ExportRecord.batch == batch_id)
        .order_by(ExportRecord.id)
    )


async def _advance(record: dict[str, Any], event: str, user_id: int, **values: Any) -> str:
    """One export record and its assessment move by `event` (mds.record.submission.transition)."""
    ever = bool(
        await ExportRecord.exists().where(
            (ExportRecord.assessment == record["assessment"]) & (ExportRecord.state == "accepted")
        )
    )
    new_state = submission.transition(record["state"], event, ever_accepted=ever)
    changes: dict[Column | str, Any] = {
        ExportRecord.state: new_state,
        ExportRecord.updated_by: user_id,
        ExportRecord.version: ExportRecord.version + 1,
    }
    changes.update(values.items())
    await ExportRecord.update(changes).where(ExportRecord.id == record["id"])
    latest = (
        await ExportRecord.select(ExportRecord.id)
        .where(ExportRecord.assessment == record["assessment"])
        .order_by(ExportRecord.id, ascending=False)
        .first()
    )
    if latest and latest["id"] == record["id"]:  # an older zip's result never overrides a newer export
        await Assessment.update({Assessment.submission_state: new_state}).where(
            Assessment.id == record["assessment"]
        )
    return new_state


async def mark_submitted(
    actor: audit.Actor, user_id: int, batch: dict[str, Any]
) -> list[tuple[int, Mapping[str, str]]]:
    """The coordinator uploaded the zip to iQIES: every exported record of it becomes submitted.
    Returns the records that could not move (assessment id, en/es message); nothing moves then."""
    records = await ExportRecord.select().where(ExportRecord.batch == batch["id"])
    refused: list[tuple[int, Mapping[str, str]]] = []
    for rec in records:
        try:
            submission.transition(rec["state"], "submit")
        except submission.InvalidTransition as exc:
            refused.append((rec["assessment"], exc.messages))
    if refused:
        return refused
    now = clock.now()
    async with write_transaction():
        for rec in records:
            await _advance(rec, "submit", user_id)
        await ExportBatch.update({ExportBatch.submitted_at: now}).where(ExportBatch.id == batch["id"])
        await audit.record(
            actor,
            "export",
            "mds_submission",
            batch["id"],
            facility_id=batch["facility"],
            before={"state": "exported"},
            after={"state": "submitted", "records": [r["assessment"] for r in records]},
        )
    return []


# ---------------------------------------------------------------- final validation results


@dataclass
class ImportOutcome:
    applied: list[dict[str, Any]] = field(
        default_factory=list
    )  # {"line", "assessment", "state", "error_ids"}
    errors: list[submission.ResultError] = field(default_factory=list)


def _record_key(record_id: str) -> int | None:
    """A result row names the record by FAC_DOC_ID (the assessment id) or by the zip member name."""
    text = record_id.strip().replace(":", "/").rsplit("/", 1)[-1]
    if text.lower().endswith(".xml"):
        text = text[4:12] if text.lower().startswith("mds_") else ""
    return int(text) if text.isdigit() else None


async def cms_result(assessment_id: int) -> dict[str, Any] | None:
    """What CMS said about the assessment's latest export (accepted or rejected, with the edit ids and when the
    result was imported), for the page where the coordinator corrects the record; None before any result."""
    row = (
        await ExportRecord.select(
            ExportRecord.batch,
            ExportRecord.member,
            ExportRecord.state,
            ExportRecord.error_ids,
            ExportRecord.result_line,
            ExportRecord.result_at,
        )
        .where((ExportRecord.assessment == assessment_id) & (ExportRecord.active == True))
        .order_by(ExportRecord.id, ascending=False)
        .first()
    )
    if row is None or row["state"] not in ("accepted", "rejected"):
        return None
    return {**row, "error_ids": row["error_ids"].split()}


async def import_results(
    actor: audit.Actor, user_id: int, facility_id: int, text: str, filename: str = ""
) -> ImportOutcome:
    """Apply a final-validation result CSV (record id, status, error ids) whole or not at all.

    Every line is checked first: the CSV itself (mds.record.submission.parse_results), that the record was exported
    from this facility, that no two lines name the same record, and that the state machine allows the move.
    Any bad line: nothing changes and every bad line is reported with its number and the rule it breaks.
    All good: every record moves in one transaction with one audit row each. (The CMS Final Validation
    Report itself is not read: docs/SUBMISSION-RESULTS.md says why.)"""
    rows, errors = submission.parse_results(text)
    outcome = ImportOutcome(errors=list(errors))
    planned: list[tuple[submission.ResultRow, dict[str, Any], str]] = []
    seen: dict[int, int] = {}
    for row in rows:
        key = _record_key(row.record_id)
        rec = None
        if key is not None:
            rec = (
                await ExportRecord.select()
                .where(
                    (ExportRecord.assessment == key)
                    & (ExportRecord.facility == facility_id)
                    & (ExportRecord.active == True)
                )
                .order_by(ExportRecord.id, ascending=False)
                .first()
            )
        if rec is None:
            outcome.errors.append(
                submission.ResultError(
                    row.line,
                    T_("Record %(record_id)s was not exported from this facility.", record_id=row.record_id),
                )
            )
            continue
        if rec["assessment"] in seen:
            first = seen[rec["assessment"]]
            outcome.errors.append(
                submission.ResultError(
                    row.line,
                    T_(
                        "Record %(record_id)s is the same assessment as line %(first)s; give each record one line.",
                        record_id=row.record_id,
                        first=first,
                    ),
                )
            )
            continue
        seen[rec["assessment"]] = row.line
        event = "accept" if row.status == "accepted" else "reject"
        ever = bool(
            await ExportRecord.exists().where(
                (ExportRecord.assessment == rec["assessment"]) & (ExportRecord.state == "accepted")
            )
        )
        try:
            submission.transition(rec["state"], event, ever_accepted=ever)
        except submission.InvalidTransition as exc:
            outcome.errors.append(submission.ResultError(row.line, exc.messages))
            continue
        planned.append((row, rec, event))
    if outcome.errors:
        outcome.errors.sort(key=lambda e: e.line)
        return outcome  # all or nothing: one bad line and no record changes
    now = clock.now()
    applied: list[dict[str, Any]] = []
    try:
        async with write_transaction():
            for row, rec, event in planned:
                error_ids = " ".join(str(i) for i in row.error_ids)
                new_state = await _advance(
                    rec, event, user_id, error_ids=error_ids, result_line=row.line, result_at=now
                )
                applied.append(
                    {
                        "line": row.line,
                        "assessment": rec["assessment"],
                        "state": new_state,
                        "error_ids": error_ids,
                    }
                )
                await audit.record(
                    actor,
                    "import",
                    "mds_result",
                    rec["assessment"],
                    facility_id=facility_id,
                    before={"state": rec["state"]},
                    after={
                        "state": new_state,
                        "error_ids": error_ids,
                        "line": row.line,
                        "file": filename[:100],
                    },
                )
    except submission.InvalidTransition as exc:  # a record moved meanwhile: the transaction rolled back
        line = planned[len(applied)][0].line
        outcome.errors.append(submission.ResultError(line, exc.messages))
        return outcome
    outcome.applied = applied
    return outcome


__all__ = [
    "EVENT_KINDS",
    "ExportOutcome",
    "FacilityData",
    "Filters",
    "ImportOutcome",
    "KIND_RFA",
    "batch_records",
    "batches",
    "dashboard",
    "due_for_facility",
    "due_items",
    "export_assessments",
    "exportable",
    "filter_options",
    "get_batch",
    "import_results",
    "load_facility",
    "mark_submitted",
    "missing_report",
    "schedule_assessment",
    "schedule_stay",
]


async def schedule_summary(facility_id: int, today: date) -> dict[str, Any]:
    """The RAI-schedule signal for survey readiness (F636/F638/F640): `mds.workflow.schedule.summarize` of the facility."""
    return schedule.summarize(await due_for_facility(facility_id, today), today)
