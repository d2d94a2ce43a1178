"""Demo care plans for "Sunrise Care Center": most residents compliant, some late, one fresh admission
whose admission assessment triggered falls and pressure ulcer with nothing planned yet (the
walkthrough and the browser test start there).

Plans are built from library problems. When the MDS domain has a comprehensive assessment for the
resident, problems are linked to its triggered care areas; otherwise they are "not from a trigger"
with the reason "admission nursing assessment". Deterministic (seeded) and fast.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from careplans.plans import services
from careplans.plans.library import load_library
from careplans.tables import (
    CaaDecision,
    CarePlan,
    Conference,
    Goal,
    Intervention,
    InterventionRecord,
    Problem,
    ProgressNote,
)
from facility.core import audit
from facility.core.db import found, write_transaction
from facility.tables import Resident, Stay, User

log = logging.getLogger(__name__)

SEED = 20261106
NOT_TRIGGERED = {
    "en": "Admission nursing assessment (no MDS assessment in the system yet)",
    "es": "Valoración de enfermería al ingreso (aún no hay evaluación MDS en el sistema)",
}
# The walkthrough resident's admission assessment: falls (CAA 11: J1700A, J1800) and pressure ulcer
# risk (CAA 16: M0150), cognitively intact (BIMS 14) so no other area fires from these answers.
WALKTHROUGH_ANSWERS = {
    "J": {
        "J1700A": "1",
        "J1700B": "0",
        "J1700C": "0",
        "J1800": "1",
        "J1900A": "0",
        "J1900B": "1",
        "J1900C": "0",
    },
    "M": {"M0100A": "0", "M0100B": "1", "M0100C": "0", "M0150": "1", "M0210": "0"},
}
NOTES_WITHOUT_PLAN = (
    "Resident found on the floor beside the bed at 03:10, no injury noted; neurological checks started.",
    "Complains of pain in the left knee 6/10 when walking; grimacing during transfer.",
    "Poor intake at lunch and dinner, ate about 25%; weight to be rechecked.",
)
NOTES_ROUTINE = (
    "Resident slept well, ate 100% of breakfast, participated in activities.",
    "Family visited in the afternoon; resident in good spirits.",
    "Vital signs stable, no complaints voiced this shift.",
)


CAA_ANALYSIS = {
    "en": "Triggering items reviewed with the IDT, resident and family; causes, risk factors and "
    "complications documented in the CAA note.",
    "es": "Ítems desencadenantes revisados con el equipo, el residente y la familia; causas, factores de "
    "riesgo y complicaciones documentados en la nota del CAA.",
}
CAA_NO_PLAN = {
    "en": "Resident's choice after education; risk accepted and reviewed at the next care conference.",
    "es": "Elección del residente tras la educación; riesgo aceptado y revisado en la próxima conferencia.",
}
CAA_LOCATION = {
    "en": "CAA note in the clinical record, Assessments tab",
    "es": "Nota del CAA en la historia clínica, pestaña Evaluaciones",
}


def _ymd_date(text: str | None) -> date | None:
    text = (text or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


async def _caa_decisions(facility_id: int, lang: str, user: dict[str, Any], rng: random.Random) -> int:
    """Section V of every signed comprehensive assessment (discharged residents' too): a worksheet decision
    per triggered care area, signed on the record's CAA date (V0200B2), as a coordinator completes them
    before signing."""
    residents = await Resident.select(Resident.id).where(Resident.facility == facility_id)
    by_resident = await services.assessments_by_resident([r["id"] for r in residents])
    signed = [
        (rid, a)
        for rid, rows in by_resident.items()
        for a in rows
        if a.get("is_comprehensive") and a.get("status") == "completed"
    ]
    records = await services.answers_by_id([int(a["id"]) for _, a in signed])
    rows = []
    for resident_id, a in signed:
        record = records.get(int(a["id"]), {})
        documented = _ymd_date(record.get("V0200B2")) or (a.get("z0500b") or a["ard"])
        for area in services.record_triggers(record):
            planned = rng.random() < 0.85
            rows.append(
                CaaDecision(
                    facility=facility_id,
                    resident=resident_id,
                    assessment_id=int(a["id"]),
                    caa=area.caa,
                    care_plan="yes" if planned else "no",
                    analysis=CAA_ANALYSIS[lang],
                    rationale="" if planned else CAA_NO_PLAN[lang],
                    location=CAA_LOCATION[lang],
                    documented_on=documented,
                    signed_by=user["id"],
                    signed_name=user["display_name"],
                    signed_title=user["title"],
                    created_by=user["id"],
                    updated_by=user["id"],
                )
            )
    for start in range(0, len(rows), 500):
        await CaaDecision.insert(*rows[start : start + 500])
    return len(rows)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


async def _walkthrough_assessment(
    resident: dict[str, Any], stay: dict[str, Any], ard: date, user_id: int
) -> bool:
    """Admission assessment with the falls/pressure-ulcer answers, through the MDS domain's services."""
    try:
        from facility.web.core import CurrentUser
        from mds.assessments import services as mds_services
        from mds.record import rfa as rfa_rules

        user = CurrentUser(
            user_id,
            "coordinator",
            "Maria Santos",
            "RN",
            "mds_coordinator",
            "en",
            False,
            (resident["facility"],),
            resident["facility"],
        )
        actor = audit.Actor(user_id, "system")
        rfa = rfa_rules.Rfa(a="01", b="99", f="99", h="0", e="0", g=None)
        assessment_id = await mds_services.start_assessment(actor, user, resident, stay, rfa, ard)
        assessment = found(await mds_services.get_assessment(user, assessment_id), "assessment")
        sections = await mds_services.sections_of(assessment_id)
        for section, answers in WALKTHROUGH_ANSWERS.items():
            await mds_services.save_section(
                actor, user, assessment, section, sections[section]["version"], answers
            )
        return True
    except Exception as exc:  # the MDS domain is optional for the demo; plans then stand alone
        log.warning("demo: no walkthrough MDS assessment (%s: %s)", type(exc).__name__, exc)
        return False


# The baseline care plan's minimum content (483.21(a)(1)) for the demo's completed baselines.
BASELINE_TEXT = {
    "en": {
        "baseline_goals": "Regain walking with a walker; return home with family support",
        "baseline_physician_orders": "Medications as reconciled on admission; vital signs every shift for 72 h",
        "baseline_dietary_orders": "Regular diet, thin liquids; weigh weekly",
        "baseline_therapy": "PT and OT evaluation and treatment 5 days a week",
        "baseline_social": "Discharge planning with the family; advance directives reviewed",
    },
    "es": {
        "baseline_goals": "Volver a caminar con andador; regresar a casa con apoyo familiar",
        "baseline_physician_orders": "Medicación conciliada al ingreso; signos vitales cada turno por 72 h",
        "baseline_dietary_orders": "Dieta regular, líquidos claros; peso semanal",
        "baseline_therapy": "Evaluación y tratamiento de PT y OT 5 días por semana",
        "baseline_social": "Planificación del alta con la familia; directivas anticipadas revisadas",
    },
}


def _baseline_content(lang: str, admitted: date) -> dict[str, Any]:
    return {
        **BASELINE_TEXT.get(lang, BASELINE_TEXT["en"]),
        "baseline_summary_to": "Family representative" if lang == "en" else "Representante familiar",
        "baseline_summary_on": admitted + timedelta(days=1),
    }


async def extend_demo(facility_id: int, today: date) -> None:
    rng = random.Random(SEED)
    lib = load_library()
    lang = await services.facility_language(facility_id)
    coordinator = (
        await User.select(User.id, User.display_name, User.title)
        .where(User.username_key == "coordinator")
        .first()
    )
    nurse = await User.select(User.id).where(User.username_key == "nurse").first()
    if coordinator is None or nurse is None:
        return
    uid, nid = coordinator["id"], nurse["id"]
    census = await services.census(facility_id)
    # Walkthrough resident: the most recent admission at least 5 days ago (admission assessment done).
    recent = sorted(
        (r for r in census if 5 <= (today - r["stay"]["admission_date"]).days <= 12),
        key=lambda r: (r["stay"]["admission_date"], r["id"]),
        reverse=True,
    )
    walkthrough = recent[0] if recent else None
    if walkthrough is not None:
        full = found(await Resident.select().where(Resident.id == walkthrough["id"]).first(), "resident")
        await _walkthrough_assessment(
            full, walkthrough["stay"], walkthrough["stay"]["admission_date"] + timedelta(days=4), uid
        )
    now = services.now()
    common = [p for p in lib.problems if p.caa in (5, 6, 11, 12, 16, 19, 10, 7)]
    async with write_transaction():
        for index, r in enumerate(census):
            admitted = r["stay"]["admission_date"]
            # a real admission time (issue 18): between 10:00 and 11:50, so the late baselines below stay late
            await Stay.update(
                {Stay.admitted_at: _at(admitted, 10) + timedelta(minutes=(index * 37) % 110)}
            ).where(Stay._meta.primary_key == r["stay"]["id"])
            days_in = (today - admitted).days
            profile = rng.random()
            if r is walkthrough:
                await CarePlan(
                    facility=facility_id,
                    resident=r["id"],
                    baseline_completed_at=_at(admitted, 20),
                    created_by=nid,
                    updated_by=nid,
                    **_baseline_content(lang, admitted),
                ).save()
                continue
            if days_in < 2 and profile < 0.5:
                continue  # baseline still due (within 48 h)
            late_baseline = profile < 0.08
            baseline = _at(admitted, 10) + timedelta(hours=62 if late_baseline else rng.randint(6, 30))
            await CarePlan(
                facility=facility_id,
                resident=r["id"],
                baseline_completed_at=baseline,
                created_by=nid,
                updated_by=nid,
                **_baseline_content(lang, admitted),
            ).save()
            latest = services.latest_comprehensive(await services.assessments_of(r["id"]))
            triggered = {t.caa: t for t in await services.triggers_for(latest) if t.caa_process}
            picks = [lib.for_caa(c)[0] for c in list(triggered)[:4] if lib.for_caa(c)] or rng.sample(
                common, k=rng.randint(1, 3)
            )
            start = admitted + timedelta(days=min(days_in, 5))
            for entry in picks:
                values = services.library_values(entry.id, lang, start)
                trigger = triggered.get(entry.caa)
                problem = Problem(
                    facility=facility_id,
                    resident=r["id"],
                    focus=values["focus"],
                    caa=entry.caa if trigger else None,
                    assessment_id=int(latest["id"]) if trigger and latest else None,
                    trigger_items=[
                        {"item": x.item, "value": x.value, "label": x.label_en, "label_es": x.label_es}
                        for x in trigger.reasons
                    ]
                    if trigger
                    else [],
                    not_triggered_reason="" if trigger else NOT_TRIGGERED[lang],
                    library_id=entry.id,
                    last_revised_at=_at(start, 11),
                    created_by=uid,
                    updated_by=uid,
                )
                await problem.save()
                stale_goal = profile > 0.93  # some plans left with a goal past its target date
                for g in values["goals"]:
                    target = max(g["target_date"], today + timedelta(days=rng.randint(10, 80)))
                    await Goal(
                        problem=problem.id,
                        text=g["text"],
                        target_date=today - timedelta(days=9) if stale_goal else target,
                        created_by=uid,
                        updated_by=uid,
                    ).save()
                undocumented = profile > 0.85
                for iv in values["interventions"]:
                    row = Intervention(problem=problem.id, created_by=uid, updated_by=uid, **iv)
                    await row.save()
                    if not undocumented:
                        for back in range(rng.randint(1, 3)):
                            status = "refused" if rng.random() < 0.08 else "done"
                            await InterventionRecord(
                                intervention=row.id,
                                resident=r["id"],
                                facility=facility_id,
                                status=status,
                                at=now - timedelta(hours=8 + 20 * back + rng.randint(0, 6)),
                                note="Declined, will offer again" if status == "refused" else "",
                                created_by=nid,
                            ).save()
            # IDT reviews every ~90 days; a few long-stay plans overdue for their 92-day review.
            overdue_review = days_in > 120 and profile > 0.88
            held = admitted + timedelta(days=min(days_in, 14))
            while held <= today:
                last = held
                held += timedelta(days=rng.randint(80, 90))
            if overdue_review:
                last = today - timedelta(days=rng.randint(95, 120))
            await Conference(
                facility=facility_id,
                resident=r["id"],
                held_on=max(last, admitted),
                attendees="RN coordinator, charge nurse, SW, RD, activities",
                resident_participated=rng.random() < 0.7,
                family_participated=rng.random() < 0.5,
                summary="Care plan reviewed with the resident.",
                created_by=uid,
            ).save()
            note_text = NOTES_WITHOUT_PLAN[index % 3] if profile > 0.9 else rng.choice(NOTES_ROUTINE)
            await ProgressNote(
                facility=facility_id,
                resident=r["id"],
                written_at=now - timedelta(hours=rng.randint(2, 60)),
                text=note_text,
                created_by=nid,
            ).save()
        decisions = await _caa_decisions(facility_id, lang, coordinator, rng)
        await audit.record(
            audit.Actor(None, "system"),
            "import",
            "demo_careplans",
            facility_id,
            facility_id=facility_id,
            after={"residents": len(census), "caa_decisions": decisions},
        )
