"""Care-plan queries and writes. Reads are scoped by the caller to the user's facilities (every
object loaded by id is returned with its facility so the controller can refuse other tenants);
every write is one transaction with its audit row and a history (CarePlanEvent) row.

Assessments belong to the MDS domain and are read only through its service contract
(`mds.assessments.services.assessments_for_resident`, `mds.assessments.services.assessment_answers` and their bulk forms
`assessments_for_residents`, `answers_for` for facility roll-ups), imported lazily so care plans keep
working (plans "not from a trigger") before any assessment exists.

Times: the server keeps UTC. A stay has an admission date and (since issue 18) an admission time
(stay.admitted_at); the 48-hour baseline clock starts then. Stays recorded without a time count from
00:00 UTC of the admission date (the earliest the admission can have happened, so the deadline shown
is never later than the real one): careplans.rules.baseline.admission_moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload

from careplans.plans.library import load_library
from careplans.rules import baseline as baseline_rules
from careplans.rules import compliance as cmp
from careplans.rules import notes_review
from careplans.rules import review as review_rules
from careplans.rules.caa import AreaDecision, can_complete, section_v_items
from careplans.rules.triggers import (
    CARE_AREA_BY_NUMBER,
    TriggeredArea,
    UnsupportedItemSet,
    carries_caa_process,
    evaluate,
    item_set_of_record,
)
from careplans.tables import (
    CaaDecision,
    CarePlan,
    CarePlanEvent,
    CarePlanSignature,
    Conference,
    Goal,
    Intervention,
    InterventionRecord,
    Problem,
    ProgressNote,
)
from facility.core import audit, clock, datacache
from facility.core.db import update_versioned, write_transaction
from facility.tables import Facility, Resident, Stay
from facility.web.core import CurrentUser
from mds.assessments import services as mds_services

# A0310A of the OBRA kinds named by the MDS domain (mds.record.rfa.OBRA_KIND, inverted).
A0310A_OF_KIND = {
    "admission": "01",
    "quarterly": "02",
    "annual": "03",
    "significant_change": "04",
    "significant_correction_comprehensive": "05",
    "significant_correction_quarterly": "06",
}
NOTES_REVIEW_DAYS = 30  # progress notes screened against the plan
# Compliance looks back over one survey cycle: a standard survey comes no later than 15 months after the previous
# one (SOM ch. 7 §7205), so older assessments are history a surveyor no longer cites (and a 5-year resident's
# twenty records are not re-judged on every page).
COMPLIANCE_LOOKBACK_DAYS = 456


def now() -> datetime:
    """The current time (UTC) from the application clock (tests freeze `facility.core.clock.now`)."""
    return clock.now()


def today() -> date:
    return clock.today()


# --------------------------------------------------------------------------- assessments (MDS domain)


async def assessments_of(resident_id: int) -> list[dict[str, Any]]:
    """The resident's assessments, newest first (mds.assessments.services)."""
    return list(await mds_services.assessments_for_resident(resident_id))


async def assessments_by_resident(
    resident_ids: Sequence[int], ard_from: date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """resident id -> assessments newest first (ARD from `ard_from`), for many residents in one read."""
    return dict(await mds_services.assessments_for_residents(resident_ids, ard_from=ard_from))


async def answers_by_id(assessment_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    return dict(await mds_services.answers_for(assessment_ids))


async def answers_of(assessment_id: int) -> dict[str, str]:
    return dict(await mds_services.assessment_answers(assessment_id))


def as_date(value: Any) -> date | None:
    """Dates arrive as date, datetime, "YYYY-MM-DD" or MDS "YYYYMMDD"."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%Y%m%d").date()):
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def label_of(assessment: dict[str, Any] | None, lang: str) -> str:
    """The assessment's label in `lang` (the MDS domain gives {"en": …, "es": …})."""
    if assessment is None:
        return ""
    label = assessment.get("label", "")
    return str(label.get(lang) or label.get("en", "")) if isinstance(label, dict) else str(label)


def a0310a_of(assessment: dict[str, Any]) -> str:
    code = str(assessment.get("a0310a") or "") or A0310A_OF_KIND.get(str(assessment.get("kind", "")), "")
    if code not in A0310A_OF_KIND.values():
        code = ""
    if not code and assessment.get("is_comprehensive"):
        code = "03"
    return code


def latest_comprehensive(assessments: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    return next((a for a in assessments if a.get("is_comprehensive")), None)


def _own_triggers(record: dict[str, str]) -> list[TriggeredArea] | UnsupportedItemSet:
    """The record's triggers under the rules of its own item set (ITM_SET_VRSN_CD, else its target
    date A2300), or why there are none (an item set without trigger rules, before 2023-10-01)."""
    try:
        return evaluate(record, item_set=item_set_of_record(record))
    except UnsupportedItemSet as exc:
        return exc


def record_triggers(record: dict[str, str]) -> list[TriggeredArea]:
    """As `_own_triggers`; a record of an unsupported item set triggers nothing on the pages (signing
    such a comprehensive record is blocked by `caa_blockers` with the reason)."""
    triggered = _own_triggers(record)
    return [] if isinstance(triggered, UnsupportedItemSet) else triggered


async def triggers_for(assessment: dict[str, Any] | None) -> list[TriggeredArea]:
    if assessment is None:
        return []
    return record_triggers(await answers_of(int(assessment["id"])))


# --------------------------------------------------------------------------- CAA worksheet (Section V)


async def decisions_for(assessment_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = list(assessment_ids)
    if not ids:
        return []
    return list(
        await CaaDecision.select().where(CaaDecision.assessment_id.is_in(ids) & (CaaDecision.active == True))
    )


def _area_decision(row: dict[str, Any]) -> AreaDecision:
    choice = {"yes": True, "no": False}.get(row["care_plan"])
    return AreaDecision(
        row["caa"], choice, row["analysis"], row["rationale"], row["location"], row["documented_on"]
    )


async def caa_blockers(assessment_id: int, answers: dict[str, str]) -> list[str]:
    """English messages, one per problem that blocks completing a comprehensive assessment: every
    triggered care area without a decision (or whose decision lacks its analysis, its "no care
    plan" rationale, or where/when it is documented). [] = the CAA process may complete.

    Called by the MDS domain before it completes an assessment. Non-comprehensive assessments
    (A0310A not 01/03/04/05) never block: their triggers are information only.
    """
    triggered = _own_triggers(answers)
    if isinstance(triggered, UnsupportedItemSet):
        return [str(triggered)] if carries_caa_process(answers) else []
    decisions = {r["caa"]: _area_decision(r) for r in await decisions_for([assessment_id])}
    return [p.message["en"] for p in can_complete(triggered, decisions)]


async def section_v_record(assessment_id: int, record: dict[str, str]) -> dict[str, str]:
    """The Section V CAA items of a comprehensive record, for `mds.assessments.services.sign()` to store and export:
    V0200A01A..V0200A20A (care area triggered, from the record's own triggers), V0200A01B..V0200A20B
    (addressed in the care plan: the worksheet decision "yes"), and the dates V0200B2 (CAA process
    signed by the RN coordinator) and V0200C2 (care-plan decision signed) as the record carries them
    (YYYYMMDD, only when the record has a valid one). The V0200B1/V0200C1 signatures are on paper, not
    in the submission record. Records that carry no CAA process (not A0310A 01/03/04/05) and records of an item
    set without trigger rules get {}: their V0200 items stay inactive."""
    triggered = _own_triggers(record)
    if isinstance(triggered, UnsupportedItemSet) or not carries_caa_process(record):
        return {}
    decisions = {r["caa"]: _area_decision(r) for r in await decisions_for([assessment_id])}
    items = section_v_items(triggered, decisions)
    for item in ("V0200B2", "V0200C2"):
        day = as_date(record.get(item)) if (record.get(item) or "").strip() not in ("", "-", "^") else None
        if day is not None:
            items[item] = day.strftime("%Y%m%d")
    return items


async def worksheet(resident_id: int, assessment: dict[str, Any]) -> dict[str, Any]:
    triggered = await triggers_for(assessment)
    rows = {r["caa"]: r for r in await decisions_for([int(assessment["id"])])}
    problems = await problems_of(resident_id)
    decisions = {caa: _area_decision(r) for caa, r in rows.items()}
    areas = []
    for area in triggered:
        areas.append(
            {
                "area": area,
                "decision": rows.get(area.caa),
                "problems": [p for p in problems if p["caa"] == area.caa and p["status"] == "active"],
            }
        )
    blockers = can_complete(triggered, decisions)
    return {
        "assessment": assessment,
        "areas": areas,
        "blockers": blockers,
        "caa_process": bool(triggered and triggered[0].caa_process)
        or bool(assessment.get("is_comprehensive")),
    }


def _decision_audit(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


async def save_decision(
    actor: audit.Actor,
    user: CurrentUser,
    resident: dict[str, Any],
    assessment_id: int,
    caa: int,
    version: int | None,
    values: dict[str, Any],
) -> int:
    """Create or update the worksheet row; the signer is the user saving it. Raises StaleVersion."""
    signer: dict[str, Any] = {
        "signed_by": user.id,
        "signed_name": user.display_name,
        "signed_title": user.title,
    }
    async with write_transaction():
        current = (
            await CaaDecision.select()
            .where(
                (CaaDecision.assessment_id == assessment_id)
                & (CaaDecision.caa == caa)
                & (CaaDecision.active == True)
            )
            .first()
        )
        if current is None:
            row = CaaDecision(
                facility=resident["facility"],
                resident=resident["id"],
                assessment_id=assessment_id,
                caa=caa,
                created_by=user.id,
                updated_by=user.id,
                **values,
                **signer,
            )
            await row.save()
            row_id, action, before = int(row.id), "create", None
        else:
            from facility.core.db import StaleVersion

            if version is None or version != current["version"]:
                raise StaleVersion(current)
            changes = {getattr(CaaDecision, k): v for k, v in {**values, **signer}.items()}
            await update_versioned(
                CaaDecision,
                current["id"],
                version,
                {**changes, CaaDecision.updated_by: user.id, CaaDecision.updated_at: now()},
            )
            row_id, action = int(current["id"]), "update"
            before = _decision_audit({k: current[k] for k in values})
        await audit.record(
            actor,
            action,
            "caa_decision",
            row_id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            before=before,
            after={**_decision_audit(values), "assessment_id": assessment_id, "caa": caa},
        )
        await _event(
            resident, "caa_decision", row_id, action, f"CAA {caa}: {values['care_plan'] or '—'}", actor
        )
    return row_id


# --------------------------------------------------------------------------- care plan reads


async def _event(
    owner: dict[str, Any], object_type: str, object_id: int, action: str, summary: str, actor: audit.Actor
) -> None:
    """`owner` is the resident row or any row carrying "facility" and "resident"."""
    resident_id = owner["resident"] if "resident" in owner else owner["id"]
    await CarePlanEvent.insert(
        CarePlanEvent(
            facility=owner["facility"],
            resident=resident_id,
            object_type=object_type,
            object_id=object_id,
            action=action,
            summary=summary[:500],
            actor=actor.username,
        )
    )


async def plan_row(resident_id: int) -> dict[str, Any] | None:
    return await CarePlan.select().where(CarePlan.resident == resident_id).first()


async def problems_of(resident_id: int) -> list[dict[str, Any]]:
    """Problems with their goals, interventions and each intervention's last documentation."""
    return (await problems_for([resident_id])).get(resident_id, [])


async def problems_for(resident_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    if not resident_ids:
        return {}
    problems = await (
        Problem.select()
        .where(Problem.resident.is_in(list(resident_ids)) & (Problem.active == True))
        .order_by(Problem.status)
        .order_by(Problem.id)
        .output(load_json=True)
    )
    ids = [p["id"] for p in problems] or [-1]
    goals = await Goal.select().where(Goal.problem.is_in(ids) & (Goal.active == True)).order_by(Goal.id)
    interventions = (
        await Intervention.select()
        .where(Intervention.problem.is_in(ids) & (Intervention.active == True))
        .order_by(Intervention.id)
    )
    last = await _last_records([i["id"] for i in interventions])
    goals_of: dict[int, list[dict[str, Any]]] = {}
    for g in goals:
        goals_of.setdefault(g["problem"], []).append(g)
    interventions_of: dict[int, list[dict[str, Any]]] = {}
    for i in interventions:
        interventions_of.setdefault(i["problem"], []).append({**i, "last": last.get(i["id"])})
    out: dict[int, list[dict[str, Any]]] = {}
    for p in problems:  # grouped once: a facility has hundreds of problems
        p["goals"] = goals_of.get(p["id"], [])
        p["interventions"] = interventions_of.get(p["id"], [])
        out.setdefault(p["resident"], []).append(p)
    return out


async def _last_records(intervention_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not intervention_ids:
        return {}
    rows = await (
        InterventionRecord.select(
            InterventionRecord.intervention,
            InterventionRecord.status,
            InterventionRecord.at,
            InterventionRecord.created_by.display_name.as_alias("by"),
        )
        .where(InterventionRecord.intervention.is_in(intervention_ids) & (InterventionRecord.active == True))
        .order_by(InterventionRecord.at)
    )
    return {r["intervention"]: r for r in rows}


async def records_for(resident_ids: Sequence[int], since: datetime | None = None) -> list[dict[str, Any]]:
    where = InterventionRecord.resident.is_in(list(resident_ids) or [-1]) & (
        InterventionRecord.active == True
    )
    if since is not None:
        where &= InterventionRecord.at >= since
    return list(
        await InterventionRecord.select(
            *InterventionRecord.all_columns(), InterventionRecord.created_by.display_name.as_alias("by")
        )
        .where(where)
        .order_by(InterventionRecord.at, ascending=False)
    )


async def notes_for(
    resident_ids: Sequence[int], since: datetime | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    where = ProgressNote.resident.is_in(list(resident_ids) or [-1]) & (ProgressNote.active == True)
    if since is not None:
        where &= ProgressNote.written_at >= since
    return list(
        await ProgressNote.select(
            *ProgressNote.all_columns(), ProgressNote.created_by.display_name.as_alias("by")
        )
        .where(where)
        .order_by(ProgressNote.written_at, ascending=False)
        .limit(limit)
    )


async def conferences_for(resident_ids: Sequence[int]) -> list[dict[str, Any]]:
    return list(
        await Conference.select()
        .where(Conference.resident.is_in(list(resident_ids) or [-1]) & (Conference.active == True))
        .order_by(Conference.held_on, ascending=False)
    )


async def history_of(resident_id: int, limit: int = 60) -> list[dict[str, Any]]:
    return list(
        await CarePlanEvent.select()
        .where(CarePlanEvent.resident == resident_id)
        .order_by(CarePlanEvent.id, ascending=False)
        .limit(limit)
    )


async def current_stay(resident_id: int) -> dict[str, Any] | None:
    return await (
        Stay.select()
        .where((Stay.resident == resident_id) & (Stay.active == True))
        .order_by(Stay.admission_date, ascending=False)
        .first()
    )


async def facility_language(facility_id: int) -> str:
    row = await Facility.select(Facility.language).where(Facility.id == facility_id).first()
    return row["language"] if row and row["language"] in ("en", "es") else "en"


# --------------------------------------------------------------------------- compliance


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def admitted_at(admission: date, at: datetime | None = None) -> datetime:
    """When the stay's 48-hour baseline clock starts: its admission time, else 00:00 UTC of the date."""
    if at is not None:
        return baseline_rules.admission_moment(admission, at)[0]
    return datetime.combine(admission, time(0, 0), tzinfo=UTC)


def _compliance_problem(p: dict[str, Any]) -> cmp.CarePlanProblem:
    return cmp.CarePlanProblem(
        id=str(p["id"]),
        focus=p["focus"],
        caa=p["caa"],
        status=p["status"],
        goals=tuple(cmp.Goal(str(g["id"]), g["text"], g["target_date"], g["met"]) for g in p["goals"]),
        interventions=tuple(
            cmp.Intervention(str(i["id"]), i["text"], i["discipline"], i["frequency"], i["responsible_role"])
            for i in p["interventions"]
            if i["status"] == "active"
        ),
        needs_changed_at=_aware(p["needs_changed_at"]),
        last_revised_at=_aware(p["last_revised_at"]),
    )


def compliance_assessment(a: dict[str, Any], triggered: tuple[int, ...] = ()) -> cmp.Assessment | None:
    ard = as_date(a.get("ard"))
    if ard is None:
        return None
    return cmp.Assessment(
        id=str(a["id"]),
        a0310a=a0310a_of(a),
        ard=ard,
        completed_on=as_date(a.get("z0500b")),
        v0200b2=as_date(a.get("v0200b2")),
        v0200c2=as_date(a.get("v0200c2")),
        triggered_caas=triggered,
    )


def compliance_input(
    resident: dict[str, Any],
    stay: dict[str, Any],
    problems: list[dict[str, Any]],
    plan: dict[str, Any] | None,
    conferences: list[dict[str, Any]],
    assessments: list[dict[str, Any]],
    latest_triggered: tuple[int, ...],
    latest_decisions: list[dict[str, Any]],
) -> cmp.Resident:
    """Pure: the compliance rules' view of one resident. `latest_triggered` (care areas carrying the CAA process)
    and `latest_decisions` belong to the latest comprehensive assessment (its triggers must be care-planned or have
    a "no care plan" rationale)."""
    latest = latest_comprehensive(assessments)
    triggered = latest_triggered if latest is not None else ()
    no_plan = (
        {d["caa"]: d["rationale"] for d in latest_decisions if d["care_plan"] == "no"}
        if latest is not None
        else {}
    )
    converted = [
        compliance_assessment(a, triggered if latest is not None and a["id"] == latest["id"] else ())
        for a in assessments
    ]
    care_plan = cmp.CarePlan(
        baseline_completed_at=_aware(plan["baseline_completed_at"]) if plan else None,
        problems=tuple(_compliance_problem(p) for p in problems),
        review_dates=tuple(c["held_on"] for c in conferences),
        no_care_plan_caas=no_plan,
    )
    name = f"{resident['last_name']}, {resident['first_name']}"
    return cmp.Resident(
        str(resident["id"]),
        name,
        admitted_at(stay["admission_date"], stay.get("admitted_at")),
        care_plan,
        tuple(a for a in converted if a is not None),
    )


async def compliance_inputs(residents: list[dict[str, Any]]) -> list[cmp.Resident]:
    """compliance_input for residents in the building (each with its "stay"), in a fixed number of queries:
    problems, plans, conferences, assessments, the latest comprehensive records and their CAA decisions."""
    ids = [r["id"] for r in residents]
    problems = await problems_for(ids)
    plans = {p["resident"]: p for p in await CarePlan.select().where(CarePlan.resident.is_in(ids or [-1]))}
    conferences: dict[int, list[dict[str, Any]]] = {}
    for c in await conferences_for(ids):
        conferences.setdefault(c["resident"], []).append(c)
    assessments = await assessments_by_resident(ids, today() - timedelta(days=COMPLIANCE_LOOKBACK_DAYS))
    latest = {rid: a for rid, rows in assessments.items() if (a := latest_comprehensive(rows)) is not None}
    latest_ids = [int(a["id"]) for a in latest.values()]
    unknown = [int(a["id"]) for a in latest.values() if _known_triggers(a) is None]
    answers = await answers_by_id(unknown)  # a signed record's triggers are known by its content hash
    decisions: dict[int, list[dict[str, Any]]] = {}
    for d in await decisions_for(latest_ids):
        decisions.setdefault(int(d["assessment_id"]), []).append(d)
    out = []
    for r in residents:
        mine = latest.get(r["id"])
        key = int(mine["id"]) if mine else -1
        triggered = _triggered(mine, answers.get(key, {})) if mine else ()
        out.append(
            compliance_input(
                r,
                r["stay"],
                problems.get(r["id"], []),
                plans.get(r["id"]),
                conferences.get(r["id"], []),
                assessments.get(r["id"], []),
                triggered,
                decisions.get(key, []),
            )
        )
    return out


# content hash of a signed record -> its care areas that carry the CAA process: a signed record never changes
# (a correction is a new hash), so the triggers are computed once per record, whatever the facility or request.
_SIGNED_TRIGGERS: dict[str, tuple[int, ...]] = {}


def _known_triggers(assessment: dict[str, Any]) -> tuple[int, ...] | None:
    """The triggers of a signed record computed before (an empty tuple is known too: nothing triggered)."""
    return _SIGNED_TRIGGERS.get(str(assessment.get("content_hash") or ""))


def _triggered(assessment: dict[str, Any], answers: dict[str, str]) -> tuple[int, ...]:
    known = _known_triggers(assessment)
    if known is not None:
        return known
    content = str(assessment.get("content_hash") or "")
    triggered = tuple(t.caa for t in record_triggers(answers) if t.caa_process)
    if content and answers:
        if len(_SIGNED_TRIGGERS) > 50_000:
            _SIGNED_TRIGGERS.clear()
        _SIGNED_TRIGGERS[content] = triggered
    return triggered


async def resident_findings(resident: dict[str, Any]) -> list[cmp.Finding]:
    stay = await current_stay(resident["id"])
    if stay is None or stay["status"] not in ("in_facility",):
        return []
    return cmp.check_resident((await compliance_inputs([{**resident, "stay": stay}]))[0], now())


async def census(facility_id: int) -> list[dict[str, Any]]:
    """Residents in the building: active record, current stay in facility."""
    residents = await (
        Resident.select(
            Resident.id,
            Resident.facility,
            Resident.last_name,
            Resident.first_name,
            Resident.room,
            Resident.unit.name.as_alias("unit_name"),
        )
        .where((Resident.facility == facility_id) & (Resident.active == True) & (Resident.status == "active"))
        .order_by(Resident.last_name)
        .order_by(Resident.first_name)
    )
    stays = await (
        Stay.select()
        .where((Stay.facility == facility_id) & (Stay.active == True))
        .order_by(Stay.admission_date)
    )
    latest = {s["resident"]: s for s in stays}  # ascending order: the last one wins
    out = []
    for r in residents:
        stay = latest.get(r["id"])
        if stay is not None and stay["status"] == "in_facility":
            out.append({**r, "stay": stay})
    return out


async def facility_compliance(facility_id: int) -> dict[str, Any]:
    """Roll-up for the compliance page: per resident findings plus counts (a fixed number of queries whatever
    the census: see compliance_inputs). Kept until the facility's next write (facility.core.datacache); keyed by the
    hour because the deadlines are midnights (the 48-hour baseline clock starts at 00:00 UTC)."""
    hour = now().replace(minute=0, second=0, microsecond=0)
    return await datacache.cached(
        facility_id, "careplans.rules.compliance", hour, lambda: _facility_compliance(facility_id)
    )


async def _facility_compliance(facility_id: int) -> dict[str, Any]:
    residents = await census(facility_id)
    inputs = await compliance_inputs(residents)
    rollup = cmp.facility_rollup(inputs, now())
    by_resident: dict[str, list[cmp.Finding]] = {}
    for f in rollup.findings:
        by_resident.setdefault(f.resident_id, []).append(f)
    rows: list[dict[str, Any]] = []
    for r in residents:
        found = by_resident.get(str(r["id"]), [])
        if found:
            rows.append({"resident": r, "findings": sorted(found, key=lambda f: (-f.days_overdue, f.ftag))})
    rows.sort(key=lambda row: (-max(f.days_overdue for f in row["findings"]), row["resident"]["last_name"]))
    return {"rollup": rollup, "rows": rows}


# --------------------------------------------------------------------------- notes review


def _review_problems(problems: list[dict[str, Any]]) -> list[cmp.CarePlanProblem]:
    return [_compliance_problem(p) for p in problems]


async def significant_change(resident_id: int) -> notes_review.SignificantChangeScreen | None:
    """Newest assessment against the one before it (the last picture of the resident vs the current)."""
    assessments = [a for a in await assessments_of(resident_id) if a.get("ard")]
    if len(assessments) < 2:
        return None
    after, before = await answers_of(int(assessments[0]["id"])), await answers_of(int(assessments[1]["id"]))
    return notes_review.significant_change_screen(before, after)


async def significant_changes(resident_ids: Sequence[int]) -> dict[int, notes_review.SignificantChangeScreen]:
    """significant_change for many residents in two reads (the facility review page and the nursing worklist)."""
    pairs: dict[int, tuple[int, int]] = {}
    for rid, rows in (await assessments_by_resident(resident_ids)).items():
        dated = [a for a in rows if a.get("ard")]
        if len(dated) >= 2:
            pairs[rid] = (int(dated[0]["id"]), int(dated[1]["id"]))
    answers = await answers_by_id([i for pair in pairs.values() for i in pair])
    return {
        rid: notes_review.significant_change_screen(answers.get(before, {}), answers.get(after, {}))
        for rid, (after, before) in pairs.items()
    }


async def facility_review(facility_id: int, days: int) -> list[dict[str, Any]]:
    """Per resident: interventions undocumented in `days` days, notes mentioning a condition absent
    from the plan, and a possible significant change. Residents with nothing to review are left out."""
    residents = await census(facility_id)
    ids = [r["id"] for r in residents]
    moment = now()
    problems = await problems_for(ids)
    screens = await significant_changes(ids)
    since = moment.replace(microsecond=0) - timedelta(days=max(days, NOTES_REVIEW_DAYS))
    records: dict[int, list[notes_review.InterventionRecord]] = {}
    for rec in await records_for(ids, since):
        records.setdefault(rec["resident"], []).append(
            notes_review.InterventionRecord(str(rec["intervention"]), _aware(rec["at"]), rec["status"])
        )
    notes: dict[int, list[dict[str, Any]]] = {}
    for n in await notes_for(ids, moment - timedelta(days=NOTES_REVIEW_DAYS), limit=5000):
        notes.setdefault(n["resident"], []).append(n)
    out = []
    for r in residents:
        plan = _review_problems(problems.get(r["id"], []))
        undocumented = notes_review.undocumented_interventions(plan, records.get(r["id"], []), moment, days)
        resident_notes = notes.get(r["id"], [])
        by_id = {str(n["id"]): n for n in resident_notes}
        mentions = notes_review.notes_missing_from_plan(
            (
                notes_review.ProgressNote(str(n["id"]), _aware(n["written_at"]), n["text"])
                for n in resident_notes
            ),
            plan,
        )
        screen = screens.get(r["id"])
        if undocumented or mentions or (screen and screen.may_need_scsa):
            out.append(
                {
                    "resident": r,
                    "undocumented": undocumented,
                    "mentions": [{"mention": m, "note": by_id[m.note_id]} for m in mentions],
                    "scsa": screen if screen and screen.may_need_scsa else None,
                }
            )
    return out


# --------------------------------------------------------------------------- object loading (tenant-checked by callers)


async def get_problem(problem_id: int) -> dict[str, Any] | None:
    return (
        await Problem.select()
        .where((Problem.id == problem_id) & (Problem.active == True))
        .output(load_json=True)
        .first()
    )


async def get_goal(goal_id: int) -> dict[str, Any] | None:
    return await (
        Goal.select(
            *Goal.all_columns(),
            Goal.problem.facility.as_alias("facility"),
            Goal.problem.resident.as_alias("resident"),
        )
        .where((Goal.id == goal_id) & (Goal.active == True))
        .first()
    )


async def get_intervention(intervention_id: int) -> dict[str, Any] | None:
    return await (
        Intervention.select(
            *Intervention.all_columns(),
            Intervention.problem.facility.as_alias("facility"),
            Intervention.problem.resident.as_alias("resident"),
        )
        .where((Intervention.id == intervention_id) & (Intervention.active == True))
        .first()
    )


# --------------------------------------------------------------------------- care plan writes


def _stamp(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in values.items()}


async def _ensure_plan(resident: dict[str, Any], user: CurrentUser) -> None:
    if await CarePlan.exists().where(CarePlan.resident == resident["id"]):
        return
    await CarePlan(
        facility=resident["facility"], resident=resident["id"], created_by=user.id, updated_by=user.id
    ).save()


async def _touch_problem(problem_id: int) -> None:
    """Any change to a problem, its goals or interventions revises it (F657 revision clock)."""
    await Problem.update({Problem.last_revised_at: now()}).where(Problem.id == problem_id)


async def add_problem(
    actor: audit.Actor,
    user: CurrentUser,
    resident: dict[str, Any],
    values: dict[str, Any],
    trigger: TriggeredArea | None,
    assessment_id: int | None,
) -> int:
    items = (
        [
            {"item": r.item, "value": r.value, "label": r.label_en, "label_es": r.label_es}
            for r in trigger.reasons
        ]
        if trigger
        else []
    )
    async with write_transaction():
        await _ensure_plan(resident, user)
        problem = Problem(
            facility=resident["facility"],
            resident=resident["id"],
            focus=values["focus"],
            caa=values["caa"],
            assessment_id=assessment_id if trigger else None,
            trigger_items=items,
            not_triggered_reason=values.get("not_triggered_reason", ""),
            library_id=values.get("library_id", ""),
            last_revised_at=now(),
            created_by=user.id,
            updated_by=user.id,
        )
        await problem.save()
        for goal in values.get("goals", ()):
            await Goal(
                problem=problem.id,
                text=goal["text"],
                target_date=goal["target_date"],
                created_by=user.id,
                updated_by=user.id,
            ).save()
        for iv in values.get("interventions", ()):
            await Intervention(problem=problem.id, created_by=user.id, updated_by=user.id, **iv).save()
        await audit.record(
            actor,
            "create",
            "problem",
            problem.id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after=_stamp({k: v for k, v in values.items() if k not in ("goals", "interventions")})
            | {
                "trigger_items": items,
                "goals": len(values.get("goals", ())),
                "interventions": len(values.get("interventions", ())),
            },
        )
        await _event(resident, "problem", int(problem.id), "create", values["focus"], actor)
    return int(problem.id)


def library_values(library_id: str, lang: str, start: date) -> dict[str, Any]:
    """A library entry in the resident's language, as values for add_problem (codes kept for the
    discipline/frequency/role so they print in any language later)."""
    lib = load_library()
    entry = lib.problem(library_id)
    return {
        "focus": entry.focus[lang],
        "caa": entry.caa,
        "library_id": entry.id,
        "goals": [
            {"text": g.text[lang], "target_date": start + timedelta(days=g.target_days)} for g in entry.goals
        ],
        "interventions": [
            {
                "text": i.text[lang],
                "discipline": i.discipline,
                "frequency": i.frequency,
                "responsible_role": i.responsible_role,
            }
            for i in entry.interventions
        ],
    }


async def update_problem(
    actor: audit.Actor, user: CurrentUser, problem: dict[str, Any], version: int, values: dict[str, Any]
) -> None:
    async with write_transaction():
        await update_versioned(
            Problem,
            problem["id"],
            version,
            {
                Problem.focus: values["focus"],
                Problem.status: values["status"],
                Problem.updated_by: user.id,
                Problem.last_revised_at: now(),
            },
        )
        await audit.record(
            actor,
            "update",
            "problem",
            problem["id"],
            facility_id=problem["facility"],
            resident_id=problem["resident"],
            before={"focus": problem["focus"], "status": problem["status"]},
            after=values,
        )
        action = "resolve" if values["status"] == "resolved" and problem["status"] != "resolved" else "update"
        await _event(
            problem, "problem", problem["id"], action, f"{values['focus']} [{values['status']}]", actor
        )


async def flag_change(actor: audit.Actor, user: CurrentUser, problem: dict[str, Any], version: int) -> None:
    """Record a change in the resident's condition for this problem: the plan must be revised (F657)."""
    async with write_transaction():
        await update_versioned(
            Problem, problem["id"], version, {Problem.needs_changed_at: now(), Problem.updated_by: user.id}
        )
        await audit.record(
            actor,
            "update",
            "problem",
            problem["id"],
            facility_id=problem["facility"],
            resident_id=problem["resident"],
            after={"needs_changed_at": now().isoformat()},
        )
        await _event(problem, "problem", problem["id"], "condition_change", problem["focus"], actor)


async def add_goal(
    actor: audit.Actor, user: CurrentUser, problem: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        goal = Goal(
            problem=problem["id"],
            text=values["text"],
            target_date=values["target_date"],
            met=values["met"],
            created_by=user.id,
            updated_by=user.id,
        )
        await goal.save()
        await _touch_problem(problem["id"])
        await audit.record(
            actor,
            "create",
            "goal",
            goal.id,
            facility_id=problem["facility"],
            resident_id=problem["resident"],
            after=_stamp(values),
        )
        await _event(problem, "goal", int(goal.id), "create", values["text"], actor)
    return int(goal.id)


async def update_goal(
    actor: audit.Actor, user: CurrentUser, goal: dict[str, Any], version: int, values: dict[str, Any]
) -> None:
    async with write_transaction():
        await update_versioned(
            Goal,
            goal["id"],
            version,
            {
                Goal.text: values["text"],
                Goal.target_date: values["target_date"],
                Goal.met: values["met"],
                Goal.updated_by: user.id,
            },
        )
        await _touch_problem(goal["problem"])
        await audit.record(
            actor,
            "update",
            "goal",
            goal["id"],
            facility_id=goal["facility"],
            resident_id=goal["resident"],
            before=_stamp({k: goal[k] for k in ("text", "target_date", "met")}),
            after=_stamp(values),
        )
        await _event(goal, "goal", goal["id"], "update", values["text"], actor)


async def add_intervention(
    actor: audit.Actor, user: CurrentUser, problem: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        row = Intervention(problem=problem["id"], created_by=user.id, updated_by=user.id, **values)
        await row.save()
        await _touch_problem(problem["id"])
        await audit.record(
            actor,
            "create",
            "intervention",
            row.id,
            facility_id=problem["facility"],
            resident_id=problem["resident"],
            after=values,
        )
        await _event(problem, "intervention", int(row.id), "create", values["text"], actor)
    return int(row.id)


async def update_intervention(
    actor: audit.Actor, user: CurrentUser, iv: dict[str, Any], version: int, values: dict[str, Any]
) -> None:
    fields = ("text", "discipline", "frequency", "responsible_role", "status")
    async with write_transaction():
        await update_versioned(
            Intervention,
            iv["id"],
            version,
            {**{getattr(Intervention, k): values[k] for k in fields}, Intervention.updated_by: user.id},
        )
        await _touch_problem(iv["problem"])
        await audit.record(
            actor,
            "update",
            "intervention",
            iv["id"],
            facility_id=iv["facility"],
            resident_id=iv["resident"],
            before={k: iv[k] for k in fields},
            after=values,
        )
        await _event(iv, "intervention", iv["id"], "update", f"{values['text']} [{values['status']}]", actor)


async def document_intervention(
    actor: audit.Actor, user: CurrentUser, iv: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        row = InterventionRecord(
            intervention=iv["id"],
            resident=iv["resident"],
            facility=iv["facility"],
            status=values["status"],
            at=values["at"],
            note=values["note"],
            created_by=user.id,
        )
        await row.save()
        await audit.record(
            actor,
            "create",
            "intervention_record",
            row.id,
            facility_id=iv["facility"],
            resident_id=iv["resident"],
            after=_stamp({**values, "intervention": iv["id"]}),
        )
    return int(row.id)


async def add_note(
    actor: audit.Actor, user: CurrentUser, resident: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        row = ProgressNote(
            facility=resident["facility"],
            resident=resident["id"],
            written_at=values["written_at"],
            text=values["text"],
            created_by=user.id,
        )
        await row.save()
        await audit.record(
            actor,
            "create",
            "progress_note",
            row.id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after={"written_at": values["written_at"].isoformat(), "length": len(values["text"])},
        )
    return int(row.id)


async def add_conference(
    actor: audit.Actor, user: CurrentUser, resident: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        await _ensure_plan(resident, user)
        row = Conference(facility=resident["facility"], resident=resident["id"], created_by=user.id, **values)
        await row.save()
        await audit.record(
            actor,
            "create",
            "conference",
            row.id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after=_stamp(values),
        )
        await _event(
            resident, "conference", int(row.id), "create", f"IDT {values['held_on'].isoformat()}", actor
        )
    return int(row.id)


def area_name(caa: int | None, lang: str) -> str:
    if caa is None or caa not in CARE_AREA_BY_NUMBER:
        return ""
    area = CARE_AREA_BY_NUMBER[caa]
    return area.name_es if lang == "es" else area.name_en


async def compliance_summary(facility_id: int, today: date | None = None) -> dict[str, Any]:
    """The survey-readiness signal (F655/F656/F657): timing gaps counted as on the compliance page."""
    rollup = (await facility_compliance(facility_id))["rollup"]
    gaps = sum(1 for f in rollup.findings if f.severity in cmp.NON_COMPLIANT)
    return {
        "gaps": gaps,
        "residents": rollup.residents,
        "percent_compliant": rollup.percent_compliant,
        "by_ftag": dict(rollup.by_ftag),
    }


# --------------------------------------------------------------------------- review dates, baseline, signatures (issue 18)


def obra_records(assessments: Sequence[dict[str, Any]]) -> list[review_rules.ObraRecord]:
    """The OBRA assessments (A0310A 01-06) of a resident as the review schedule reads them."""
    out = []
    for a in assessments:
        code, ard = a0310a_of(a), as_date(a.get("ard"))
        if code and ard is not None and a.get("status") != "inactivated":
            out.append(review_rules.ObraRecord(code, ard, as_date(a.get("z0500b"))))
    return out


def last_review_of(problem: dict[str, Any]) -> date:
    """The problem's last review: the IDT review date, or its last revision (a revision is a review)."""
    revised = _aware(problem.get("last_revised_at")) or _aware(problem.get("created_at")) or now()
    reviewed = problem.get("reviewed_on")
    return max(reviewed, revised.date()) if reviewed else revised.date()


def problem_reviews(
    problems: Sequence[dict[str, Any]],
    stay: dict[str, Any] | None,
    assessments: Sequence[dict[str, Any]],
    on: date,
) -> dict[int, review_rules.ReviewDue]:
    """problem id -> its next review (active problems of a resident with a stay)."""
    if stay is None:
        return {}
    records = obra_records(assessments)
    return {
        p["id"]: review_rules.next_review(
            stay["admission_date"], records, last_review_of(p), p.get("review_due"), on
        )
        for p in problems
        if p["status"] == "active"
    }


async def review_problem(
    actor: audit.Actor, user: CurrentUser, problem: dict[str, Any], version: int, values: dict[str, Any]
) -> None:
    """Record an IDT review of a problem and/or the team's next review date. Raises StaleVersion."""
    changes: dict[Any, Any] = {Problem.updated_by: user.id}
    after: dict[str, Any] = {}
    if values.get("reviewed_on") is not None:
        changes[Problem.reviewed_on] = values["reviewed_on"]
        after["reviewed_on"] = values["reviewed_on"]
    if values.get("review_due") is not None or values.get("reviewed_on") is not None:
        # a new review spends the team's earlier date unless a new one is given
        changes[Problem.review_due] = values.get("review_due")
        after["review_due"] = values.get("review_due")
    async with write_transaction():
        await update_versioned(Problem, problem["id"], version, changes)
        await audit.record(
            actor,
            "update",
            "problem",
            problem["id"],
            facility_id=problem["facility"],
            resident_id=problem["resident"],
            before=_stamp(
                {"reviewed_on": problem.get("reviewed_on"), "review_due": problem.get("review_due")}
            ),
            after=_stamp(after),
        )
        summary = ", ".join(f"{k}={v.isoformat() if v else '-'}" for k, v in after.items())
        await _event(problem, "problem", problem["id"], "review", f"{problem['focus']}: {summary}", actor)


BASELINE_FIELDS = (
    "baseline_goals",
    "baseline_physician_orders",
    "baseline_dietary_orders",
    "baseline_therapy",
    "baseline_social",
    "baseline_pasarr_applies",
    "baseline_pasarr",
    "baseline_summary_to",
    "baseline_summary_on",
)


async def save_baseline(
    actor: audit.Actor,
    user: CurrentUser,
    resident: dict[str, Any],
    version: int | None,
    values: dict[str, Any],
) -> None:
    """Save the baseline care plan's content and, when `values["complete"]`, its completion time, in one
    transaction. Raises StaleVersion when the plan changed since the form was loaded."""
    async with write_transaction():
        await _ensure_plan(resident, user)
        plan = await plan_row(resident["id"])
        assert plan is not None
        # A form shown before the plan row existed has no version: only valid while nothing was saved yet.
        expected = version if version is not None else (plan["version"] if plan["version"] == 1 else -1)
        changes: dict[Any, Any] = {CarePlan._meta.get_column_by_name(f): values[f] for f in BASELINE_FIELDS}
        changes[CarePlan.updated_by] = user.id
        if values.get("complete"):
            changes[CarePlan.baseline_completed_at] = values["completed_at"]
        await update_versioned(CarePlan, plan["id"], expected, changes)
        before = {f: plan.get(f) for f in (*BASELINE_FIELDS, "baseline_completed_at")}
        after = {f: values[f] for f in BASELINE_FIELDS}
        if values.get("complete"):
            after["baseline_completed_at"] = values["completed_at"]
        await audit.record(
            actor,
            "update",
            "care_plan",
            plan["id"],
            facility_id=resident["facility"],
            resident_id=resident["id"],
            before=_stamp(before),
            after=_stamp(after),
        )
        summary = (
            values["completed_at"].strftime("%Y-%m-%d %H:%M") if values.get("complete") else "content saved"
        )
        await _event(resident, "care_plan", plan["id"], "baseline", summary, actor)


async def set_admission_time(
    actor: audit.Actor, user: CurrentUser, stay: dict[str, Any], version: int, moment: datetime
) -> None:
    """The stay's admission time (its date is unchanged). Raises StaleVersion."""
    async with write_transaction():
        await update_versioned(
            Stay, stay["id"], version, {Stay.admitted_at: moment, Stay.updated_by: user.id}
        )
        await audit.record(
            actor,
            "update",
            "stay",
            stay["id"],
            facility_id=stay["facility"],
            resident_id=stay["resident"],
            before=_stamp({"admitted_at": stay.get("admitted_at")}),
            after=_stamp({"admitted_at": moment}),
        )
        await _event(stay, "stay", stay["id"], "admission_time", moment.strftime("%Y-%m-%d %H:%M"), actor)


async def signatures_of(resident_id: int) -> list[dict[str, Any]]:
    return await (
        CarePlanSignature.select()
        .where((CarePlanSignature.resident == resident_id) & (CarePlanSignature.active == True))
        .order_by(CarePlanSignature.signed_on)
        .order_by(CarePlanSignature._meta.primary_key)
    )


async def get_signature(signature_id: int) -> dict[str, Any] | None:
    return (
        await CarePlanSignature.select()
        .where((CarePlanSignature._meta.primary_key == signature_id) & (CarePlanSignature.active == True))
        .first()
    )


async def add_signature(
    actor: audit.Actor, user: CurrentUser, resident: dict[str, Any], values: dict[str, Any]
) -> int:
    async with write_transaction():
        await _ensure_plan(resident, user)
        row = CarePlanSignature(
            facility=resident["facility"],
            resident=resident["id"],
            created_by=user.id,
            updated_by=user.id,
            **values,
        )
        row_id = int((await CarePlanSignature.insert(row))[0]["id"])
        await audit.record(
            actor,
            "sign",
            "care_plan_signature",
            row_id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after=_stamp(values),
        )
        await _event(
            resident,
            "signature",
            row_id,
            "create",
            f"{values['name']} ({values['role']}) {values['signed_on'].isoformat()}",
            actor,
        )
    return row_id


async def withdraw_signature(
    actor: audit.Actor, user: CurrentUser, signature: dict[str, Any], version: int
) -> None:
    """A signature recorded by mistake is inactivated (never deleted). Raises StaleVersion."""
    async with write_transaction():
        await update_versioned(
            CarePlanSignature,
            signature["id"],
            version,
            {CarePlanSignature.active: False, CarePlanSignature.updated_by: user.id},
        )
        await audit.record(
            actor,
            "inactivate",
            "care_plan_signature",
            signature["id"],
            facility_id=signature["facility"],
            resident_id=signature["resident"],
            before=_stamp({k: signature[k] for k in ("name", "role", "signed_on")}),
        )
        await _event(signature, "signature", signature["id"], "withdraw", signature["name"], actor)
