"""Demo MDS history for the 120 demo residents: a realistic mix of accepted, signed-not-exported,
exported, rejected and in-progress records, and late (missing) ones.

The history is driven by the RAI schedule itself (mds.workflow.schedule.compute_due): for each stay the oldest
outstanding requirement gets a record, until only recent requirements are left; those get a random
fate. Answers come from mds.record.testing (records that pass every implemented edit), re-dated onto the
resident's stay and checked with mds.record.edits.run_edits; the signed content hash is computed from part A's
own record builder (mds.assessments.services.assessment_answers), so the integrity check verifies. Rows are written
straight to part A's tables in bulk (the per-section services would take minutes for ~600 records).
Deterministic (seeded).
"""

from __future__ import annotations

import json
import logging
import random
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from facility.core import audit, clock
from facility.core.db import found, write_transaction
from facility.tables import Facility, Resident, User
from mds.assessments import services as assessment_services
from mds.assessments import signing
from mds.record import rfa as rfa_rules
from mds.record.catalog import CARET, DEFAULT_VERSION, get_catalog, version_for_date
from mds.record.edits import FATAL, run_edits
from mds.record.isc import derive_isc
from mds.record.skips import skipped_by
from mds.tables import Assessment, AssessmentAttestation, AssessmentSection, AssessmentVersion
from mds.workflow import demo_clinical, schedule
from mds.workflow.services import KIND_RFA, load_facility, member_name, schedule_stay
from mds.workflow.tables import ExportBatch, ExportRecord

log = logging.getLogger(__name__)
SEED = 20261126
RECENT_DAYS = 21  # requirements whose window ended within this many days get a random fate
CHAIN_BREAK = 0.03  # a few residents whose quarterly chain stopped long ago (really late)
REJECTION_IDS = ("-3693", "-3658", "-3783 -3977", "-3851")
# (upper bound of the roll, fate) for recent requirements
FATES = (
    (0.28, "missing"),
    (0.48, "in_progress"),
    (0.64, "completed"),
    (0.74, "exported"),
    (0.80, "submitted"),
    (0.89, "rejected"),
    (1.01, "accepted"),
)
ANSWER_DATES = (
    "A2200",
    "N0450C",
    "N0450E",
    "O0250B",
    "O0400A5",
    "O0400A6",
    "O0400B5",
    "O0400B6",
    "O0400C5",
    "O0400C6",
    "V0100C",
    "V0200B2",
    "V0200C2",
)


@dataclass
class Planned:
    stay: dict[str, Any]
    kind: str
    rfa: rfa_rules.Rfa
    ard: date
    fate: str  # in_progress | completed | exported | submitted | accepted | rejected
    record: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(
        default_factory=dict
    )  # the resident's coherent answers (mds.workflow.demo_clinical)
    z0500b: date | None = None
    item_set: str = DEFAULT_VERSION  # the item set in effect on the target date (mds.record.catalog.version_for_date), for life
    assessment_id: int | None = None


def _ymd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _parse(value: str) -> date | None:
    if len(value) == 8 and value.isdigit():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            return None
    return None


class Templates:
    """Valid synthetic records (mds.record.testing) per RFA combination, cached; several per key for variety."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, ...], list[dict[str, str]]] = {}

    def get(self, rfa: rfa_rules.Rfa, isc: str, version: str = DEFAULT_VERSION) -> list[dict[str, str]]:
        from mds.record.testing import random_assessment

        items = rfa.to_items()
        key = (
            version,
            isc,
            items["A0310A"],
            items["A0310B"],
            items["A0310E"],
            items["A0310F"],
            items["A0310H"],
        )
        pool = self.cache.get(key)
        if pool is None:
            pool = self.cache[key] = []
            base = zlib.crc32("|".join(key).encode()) % 100_000
            for seed in range(base, base + 400):
                candidate = random_assessment(random.Random(seed), isc=isc, version=version)
                # A0310B is not compared: 01 (5-day) and 99 ask the same items once A0310A = 01 (mds.record.testing
                # only makes B = 99 on NC); A0310E only where it is asked.
                wanted = {k: items[k] for k in ("A0310A", "A0310F", "A0310H")} | (
                    {"A0310E": rfa.e} if rfa.e else {}
                )
                if all(candidate.get(k, v) == v for k, v in wanted.items()):
                    pool.append(candidate)
                    if len(pool) == 3:
                        break
        return pool


def _entry_before(stay: dict[str, Any], events: list[dict[str, Any]], day: date) -> date:
    entry = stay["admission_date"]
    for ev in events:
        if ev["kind"] == "reentry" and ev["event_date"] <= day:
            entry = ev["event_date"]
    return entry


def _build_record(
    template: dict[str, str],
    plan: Planned,
    isc: str,
    resident: dict[str, Any],
    facility: dict[str, Any],
    entry: date,
    signed: bool,
    coherent: bool = True,
) -> dict[str, str]:
    """The template re-dated onto the plan: same intervals around the ARD, this resident's identity."""
    catalog = get_catalog(plan.item_set)
    record = dict(template)
    # the template's target date: ARD, else (tracking records carry no A2300) discharge or entry date
    t_ard = next((d for k in ("A2300", "A2000", "A1600") if (d := _parse(template.get(k, "")))), plan.ard)
    shift = plan.ard - t_ard
    for item_id in ANSWER_DATES:
        value = _parse(record.get(item_id, ""))
        if value is not None:
            moved = value + shift
            record[item_id] = _ymd(moved if item_id in ("V0200B2", "V0200C2") else max(moved, entry))
    record.update(plan.rfa.to_items())
    record.update(
        {
            "A0050": "1",
            "A2300": _ymd(plan.ard),
            "A1600": _ymd(entry),
            "A1900": _ymd(plan.stay["admission_date"]),
            "A0900": _ymd(resident["birth_date"]),
            "A0500A": resident["first_name"][:12],
            "A0500C": resident["last_name"][:18],
            "A0810": "1" if resident["sex"] == "M" else "2",
            "FAC_ID": facility["ccn"],
            "STATE_CD": facility["state"],
            "PRODN_TEST_CD": "P",
            "ITM_SBST_CD": isc,
        }
    )
    if "A1700" in record:  # type of entry: the stay's admission, or a return after a discharge (QM episodes)
        record["A1700"] = "1" if entry == plan.stay["admission_date"] else "2"
    if "A0600B" in record and resident.get("medicare_number"):
        record["A0600B"] = resident["medicare_number"]
    if "A2000" in record:
        record["A2000"] = _ymd(plan.ard) if plan.rfa.f in ("10", "11", "12") else CARET
    if record.get("A2105", CARET) != CARET and plan.rfa.f in ("10", "11"):
        # The template's discharge status belonged to another resident: a return-anticipated discharge of the demo
        # is a hospital transfer (04 acute hospital), a return-not-anticipated one goes home (01); the utilization
        # transfer log and rates read A2105.
        record["A2105"] = "04" if plan.rfa.f == "11" else "01"
    k_items = ("K0520A2", "K0520B2", "K0520Z2")
    if (plan.ard - entry).days <= 6 and record.get(
        "K0520A2"
    ) == CARET:  # -4055: asked when the ARD is within 6 days of entry
        record.update(dict(zip(k_items, ("0", "0", "1"), strict=True)))
    elif (plan.ard - entry).days >= 7 and "K0520A2" in record:
        record.update(dict.fromkeys(k_items, CARET))
    t_z = _parse(template.get("Z0500B", ""))
    plan.z0500b = plan.ard + ((t_z - t_ard) if t_z else timedelta(days=2)) if signed else None
    if "Z0500B" in record:
        record["Z0500B"] = _ymd(plan.z0500b) if plan.z0500b else CARET
    if coherent and plan.answers:
        record = demo_clinical.apply(record, plan.answers)
        for item_id in skipped_by(record, catalog.active_items(isc)):  # gateways the answers closed
            if item_id in record:
                record[item_id] = CARET
    return {k: v for k, v in record.items() if k in catalog.items}


def _record_ok(record: dict[str, str], today: date, signed: bool, version: str = DEFAULT_VERSION) -> bool:
    if any(f.severity == FATAL for f in run_edits(record, version=version)):
        return False
    if signed:
        last = max(
            (d for k in ("Z0500B", "V0200B2", "V0200C2") if (d := _parse(record.get(k, "")))), default=None
        )
        return last is None or last <= today
    return True


def _rfa_for(kind: str, first_since_entry: bool, rng: random.Random, combine_pps: bool) -> rfa_rules.Rfa:
    code = "01-01-99-0" if kind == "admission" and combine_pps else KIND_RFA[kind]
    rfa = rfa_rules.from_code(code)
    # A0310E is active on tracking records too (NT) and "^" is not one of its values (-3676): "0" there.
    e = "0" if rfa_rules.is_tracking(rfa) else ("1" if first_since_entry and rfa.b != "08" else "0")
    g = rng.choice("12") if rfa_rules.is_discharge(rfa) else None
    return rfa_rules.Rfa(a=rfa.a, b=rfa.b, f=rfa.f, h=rfa.h, e=e, g=g)


def _ard_for(item: schedule.DueItem, rng: random.Random, entry: date) -> date:
    if item.phase != "ard" or item.kind in (
        "entry",
        "death",
        "discharge_ra",
        "discharge_rna",
        "pps_discharge",
    ):
        return item.ard_target or item.window_start
    if item.kind in ("admission", "pps_5day"):
        return entry + timedelta(days=7)  # day 8: inside both windows, and K0520 column 2 skipped (-4055)
    latest = item.window_end - timedelta(days=rng.randint(0, 6))
    return max(item.window_start + timedelta(days=7), latest)


def _fate(rng: random.Random) -> str:
    roll = rng.random()
    return next(f for bound, f in FATES if roll < bound)


@dataclass(frozen=True)
class Step:
    item: schedule.DueItem
    fate: str
    rfa: rfa_rules.Rfa | None = None
    ard: date | None = None
    entry: date | None = None


def plan_stay(
    stay: dict[str, Any], events: list[dict[str, Any]], today: date, rng: random.Random
) -> list[Step]:
    """The records of one stay, oldest requirement first; each planned record is fed back to the
    schedule (with its real ARD and RFA) so the next requirement follows from it."""
    sched = schedule_stay(stay, events)
    pps = stay.get("payer") == "medicare_a"
    records: list[schedule.Assessment] = []
    out: list[Step] = []
    seen: set[tuple[str, date]] = set()
    since_entry: dict[date, int] = defaultdict(int)
    for _ in range(40):
        try:
            items = schedule.compute_due(sched, records, today)
        except ValueError:
            return out
        open_items = [
            i
            for i in items
            if i.assessment_id is None
            and i.phase in ("ard", "complete")
            and i.state != "done"
            and (i.kind, i.window_start) not in seen
            and i.kind in KIND_RFA
            and i.window_start <= today
        ]
        if not open_items:
            break
        item = open_items[0]
        admission = [i for i in open_items if i.kind == "admission" and i.window_start == item.window_start]
        if item.kind == "pps_5day" and admission:
            item = admission[0]  # one record for both: admission + 5-day PPS
        seen.add((item.kind, item.window_start))
        if item.state == "upcoming":
            continue  # not started yet: the dashboard shows it as upcoming
        if item.window_end < today - timedelta(days=RECENT_DAYS):
            fate = (
                "missing"
                if item.kind in ("quarterly", "annual") and rng.random() < CHAIN_BREAK
                else "accepted"
            )
        elif item.kind == "admission" and item.state != "late":
            fate = "missing"  # admissions of the last two weeks: still due (the care-plan demo starts one)
        else:
            fate = _fate(rng)
        if fate == "missing":
            out.append(Step(item, fate))
            if item.kind in ("quarterly", "annual"):
                break  # nothing follows a missing OBRA assessment in the chain
            continue
        entry = _entry_before(stay, events, item.ard_target or item.window_start)
        ard = min(_ard_for(item, rng, entry), today)
        rfa = _rfa_for(item.kind, since_entry[entry] == 0, rng, pps and item.kind == "admission")
        if not rfa_rules.is_tracking(rfa):
            since_entry[entry] += 1
        out.append(Step(item, fate, rfa, ard, entry))
        state = "accepted" if fate == "accepted" else "in_progress"
        z0500b = ard + timedelta(days=3)
        records.append(
            schedule.Assessment(
                f"plan{len(out)}",
                rfa,
                ard,
                ard,
                z0500b if state == "accepted" else None,
                state=state,
                submitted_on=z0500b + timedelta(days=1),
            )
        )
    return out


async def extend_demo(facility_id: int, today: date) -> None:
    started = clock.now()
    coordinator = (
        await User.select(User.id, User.display_name, User.title)
        .where(User.username_key == "coordinator")
        .first()
    )
    nurse = (
        await User.select(User.id, User.display_name, User.title).where(User.username_key == "nurse").first()
    )
    facility = (
        await Facility.select(Facility.id, Facility.ccn, Facility.state)
        .where(Facility.id == facility_id)
        .first()
    )
    if coordinator is None or facility is None:
        return
    data = await load_facility(facility_id)
    residents = {r["id"]: r for r in await Resident.select().where(Resident.facility == facility_id)}
    rng = random.Random(SEED)
    templates = Templates()
    plans: list[Planned] = []
    incoherent = 0
    profiles: dict[int, tuple[demo_clinical.Profile, random.Random]] = {}
    for stay in data.stays:
        resident = residents[stay["resident"]]
        profile, clinical_rng = profiles.setdefault(
            resident["id"], (demo_clinical.profile_for(resident["id"]), random.Random(SEED + resident["id"]))
        )
        for step in plan_stay(stay, data.events.get(stay["id"], []), today, rng):
            if step.fate == "missing" or step.rfa is None or step.ard is None or step.entry is None:
                continue
            isc = derive_isc({"A0050": "1", "A0200": "1", **step.rfa.to_items()})
            if isc is None:
                continue
            plan = Planned(
                stay, step.item.kind, step.rfa, step.ard, step.fate, item_set=version_for_date(step.ard)
            )
            plan.answers = demo_clinical.next_answers(
                profile,
                clinical_rng,
                tracking=rfa_rules.is_tracking(step.rfa),
                recent=(today - step.ard).days <= demo_clinical.RECENT_DAYS,
            )
            for coherent in (
                True,
                False,
            ):  # the resident's own answers first; the plain template if they break an edit
                for signed in (True, False) if step.fate != "in_progress" else (False,):
                    for template in templates.get(step.rfa, isc, plan.item_set):
                        record = _build_record(
                            template, plan, isc, resident, facility, step.entry, signed, coherent
                        )
                        if _record_ok(record, today, signed, plan.item_set):
                            plan.record = record
                            break
                    if plan.record:
                        plan.fate = (
                            plan.fate if signed else "in_progress"
                        )  # no template fits the dates: keep it open
                        break
                if plan.record:
                    incoherent += not coherent
                    break
            if not plan.record:  # an open record need not pass the edits yet
                templates_left = templates.get(step.rfa, isc, plan.item_set)
                if templates_left:
                    plan.fate = "in_progress"
                    plan.record = _build_record(
                        templates_left[0], plan, isc, resident, facility, step.entry, False
                    )
            if plan.record:
                plans.append(plan)
    await _write(plans, facility_id, coordinator, nurse or coordinator, today, rng)
    async with write_transaction():
        await audit.record(
            audit.Actor(None, "system"),
            "import",
            "demo_mds",
            facility_id,
            facility_id=facility_id,
            after={
                "assessments": len(plans),
                "seconds": round((clock.now() - started).total_seconds(), 1),
                "fates": {f: sum(1 for p in plans if p.fate == f) for f in {p.fate for p in plans}},
                "records_without_profile_answers": incoherent,
            },
        )


async def _write(
    plans: list[Planned],
    facility_id: int,
    coordinator: dict[str, Any],
    nurse: dict[str, Any],
    today: date,
    rng: random.Random,
) -> None:
    """Assessment, section, attestation and version rows; hashes from part A's record builder; export
    batches (real zips) for everything that left the building."""
    now = clock.now()
    async with write_transaction():
        for plan in plans:
            owner = coordinator if rng.random() < 0.8 else nurse
            signed = plan.fate != "in_progress"
            isc = plan.record["ITM_SBST_CD"]
            row = Assessment(
                facility=facility_id,
                resident=plan.stay["resident"],
                stay=plan.stay["id"],
                a0310a=plan.rfa.a,
                a0310b=plan.rfa.b,
                a0310e=plan.rfa.e or "",
                a0310f=plan.rfa.f,
                a0310g=plan.rfa.g or "",
                a0310h=plan.rfa.h,
                isc=isc,
                kind=rfa_rules.kind_of(plan.rfa),
                ard=plan.ard,
                item_set=plan.item_set,
                status="completed" if signed else "in_progress",
                submission_state="completed" if signed else "in_progress",
                z0500b=plan.z0500b,
                z0500a=f"{coordinator['display_name']}, {coordinator['title']}" if signed else "",
                signed_at=datetime.combine(plan.z0500b, time(15), tzinfo=UTC)
                if signed and plan.z0500b
                else None,
                signed_by=coordinator["id"] if signed else None,
                created_by=owner["id"],
                updated_by=owner["id"],
                created_at=datetime.combine(plan.ard, time(9), tzinfo=UTC),
                updated_at=now,
            )
            await row.save()
            plan.assessment_id = int(row.id)
            sections = assessment_services.entry_sections(isc, plan.item_set)
            filled = sections if signed else sections[: max(1, len(sections) // 2)]
            rows = []
            for section in sections:
                ids = assessment_services.section_items(isc, section, plan.item_set)
                answers = {k: plan.record[k] for k in ids if k in plan.record} if section in filled else {}
                status = ("signed" if signed else "complete") if answers else "not_started"
                rows.append(
                    AssessmentSection(
                        assessment=row.id,
                        section=section,
                        answers=json.dumps(answers),
                        carried="[]",
                        status=status,
                        entered_by=owner["id"] if answers else None,
                        entered_at=now if answers else None,
                    )
                )
            await AssessmentSection.insert(*rows)
            if signed:
                await AssessmentAttestation(
                    assessment=row.id,
                    user=coordinator["id"],
                    name=coordinator["display_name"],
                    title=coordinator["title"],
                    role="mds_coordinator",
                    sections=",".join(sections),
                    signed_on=plan.z0500b,
                    record_version=1,
                ).save()
        for plan in plans:
            if plan.fate == "in_progress" or plan.assessment_id is None:
                continue
            record = await assessment_services.assessment_answers(plan.assessment_id)
            digest = signing.content_hash(record)
            plan.record = record
            await Assessment.update({Assessment.content_hash: digest}).where(
                Assessment.id == plan.assessment_id
            )
            await AssessmentVersion(
                assessment=plan.assessment_id,
                number=1,
                a0050="1",
                answers=json.dumps(record),
                content_hash=digest,
                signed_by=coordinator["id"],
                signer_name=f"{coordinator['display_name']}, {coordinator['title']}",
                signed_on=plan.z0500b,
            ).save()
        await _exports(plans, facility_id, coordinator["id"], today, rng)


async def _exports(
    plans: list[Planned], facility_id: int, user_id: int, today: date, rng: random.Random
) -> None:
    import hashlib

    from mds.record.xmlio import export_batch

    by_week: dict[tuple[date, bool], list[Planned]] = defaultdict(list)
    for p in plans:  # one zip a week; the last ones exported but not uploaded yet
        if p.fate not in ("exported", "submitted", "accepted", "rejected") or p.z0500b is None:
            continue
        day = min(p.z0500b + timedelta(days=rng.randint(1, 4)), today)
        by_week[(day - timedelta(days=day.weekday()), p.fate == "exported")].append(p)
    ccn = found(await Facility.select(Facility.ccn).where(Facility.id == facility_id).first(), "facility")[
        "ccn"
    ]
    for (week, pending), group in sorted(by_week.items()):
        day = min(week + timedelta(days=4), today)
        rows = [(member_name({"id": p.assessment_id, "x0800": ""}), p.record) for p in group]
        data = export_batch(rows, version=None)  # each record on its own item set
        at = datetime.combine(day, time(16), tzinfo=UTC)
        batch = ExportBatch(
            facility=facility_id,
            created_by=user_id,
            filename=f"mds_{ccn}_{day:%Y%m%d}_160000.zip",
            record_count=len(group),
            zip_sha256=hashlib.sha256(data).hexdigest(),
            zip_data=data,
            submitted_at=None if pending else at,
            created_at=at,
        )
        await batch.save()
        for p, (name, _) in zip(group, rows, strict=True):
            error_ids = rng.choice(REJECTION_IDS) if p.fate == "rejected" else ""
            state = "exported" if pending else p.fate
            await ExportRecord(
                batch=batch.id,
                assessment=p.assessment_id,
                facility=facility_id,
                member=name,
                content_hash=signing.content_hash(p.record),
                state=state,
                error_ids=error_ids,
                result_line=None,
                result_at=at + timedelta(days=1) if state in ("accepted", "rejected") else None,
                updated_by=user_id,
                created_at=at,
            ).save()
            await Assessment.update({Assessment.submission_state: state}).where(
                Assessment.id == p.assessment_id
            )
            p.fate = state
