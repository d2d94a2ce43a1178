"""Demo survey history for the demo facility: last year's standard survey (corrected), a complaint
survey, and this month's standard survey whose plans of correction are in progress — with corrective
tasks (one overdue), monitoring audits (one below threshold) and recommendations.

Findings are written directly (synthetic narratives); nothing is read from outside the package at run time.
Also adds a Director of Nursing account (`don` / `demo-don-pass`, role nurse, title DON) so the
DON → administrator sign-off can be shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from facility.auth.service import create_user
from facility.core import audit
from facility.core.db import found, write_transaction
from facility.tables import Facility, Resident, User
from surveys.tables import (
    CorrectiveTask,
    Finding,
    FindingResident,
    MonitoringAudit,
    MonitoringResult,
    Poc,
    Recommendation,
    Survey,
)

DON_USER = ("don", "nurse", "Dana Director", "DON", "demo-don-pass")

# (tag, scope/severity, status, narrative) per survey: days before today of (entrance, exit, 2567 receipt)
_PAST = (
    420,
    417,
    408,
    "standard",
    [
        (
            "F0880",
            "E",
            "corrected",
            "Based on observation and interview, staff did not perform hand hygiene between residents during a medication pass on two of three units.",
        ),
        (
            "F0656",
            "D",
            "corrected",
            "Based on record review, the facility did not develop a comprehensive care plan addressing a resident's identified pressure-ulcer risk.",
        ),
        (
            "F0812",
            "F",
            "corrected",
            "Based on observation, opened food items in the walk-in cooler were not labeled or dated; this affected all residents receiving meals.",
        ),
    ],
)
_COMPLAINT = (
    200,
    199,
    190,
    "complaint",
    [
        (
            "F0580",
            "D",
            "corrected",
            "Based on record review and interview, the facility did not notify the physician and representative of a change in condition.",
        ),
    ],
)
_RECENT = (
    20,
    17,
    8,
    "standard",
    [
        (
            "F0689",
            "G",
            "open",
            "Based on observation, record review and interview, the facility did not implement the fall interventions in the care plan (low bed, floor mat) for two residents; one resident fell and sustained a hip fracture.",
        ),
        (
            "F0880",
            "F",
            "open",
            "Based on observation, staff did not follow contact precautions for residents with C. difficile and did not perform hand hygiene after glove removal on all three units.",
        ),
        (
            "F0758",
            "D",
            "open",
            "Based on record review, a resident received an as-needed psychotropic medication for more than 14 days without a documented rationale and duration.",
        ),
        (
            "F0656",
            "E",
            "open",
            "Based on record review, care plans for three residents did not include measurable goals for identified behaviors.",
        ),
    ],
)


async def _user_id(username: str) -> int:
    row = found(await User.select(User.id).where(User.username_key == username).first(), f"user {username}")
    return int(row["id"])


async def _survey(
    facility_id: int, today: date, spec: tuple[Any, ...], actor: int, residents: list[int]
) -> list[int]:
    start, end, received, kind, findings = spec
    survey = Survey(
        facility=facility_id,
        kind=kind,
        start_date=today - timedelta(days=start),
        exit_date=today - timedelta(days=end),
        received_2567=today - timedelta(days=received),
        team="State survey agency team: 3 surveyors (RN team lead)",
        created_by=actor,
        updated_by=actor,
    )
    await survey.save()
    ids = []
    for index, (tag, code, status, narrative) in enumerate(findings):
        finding = Finding(
            survey=survey.id,
            facility=facility_id,
            tag=tag,
            scope_severity=code,
            narrative=narrative,
            status=status,
            created_by=actor,
            updated_by=actor,
        )
        await finding.save()
        for resident in residents[index * 2 : index * 2 + (2 if code >= "D" else 0)]:
            await FindingResident(finding=finding.id, resident=resident, created_by=actor).save()
        ids.append(int(finding.id))
    return ids


async def extend_demo(facility_id: int, today: date) -> None:
    facility = found(
        await Facility.select(Facility.ccn).where(Facility.id == facility_id).first(), "facility"
    )
    if not await User.exists().where(
        User.username_key == "don"
    ):  # facility.core.demo creates it; older databases may not
        await create_user(
            DON_USER[0],
            DON_USER[4],
            DON_USER[1],
            [facility["ccn"]],
            display_name=DON_USER[2],
            title=DON_USER[3],
            demo=True,
        )
    admin, don = await _user_id("admin"), await _user_id("don")
    residents = [
        r["id"]
        for r in await Resident.select(Resident.id)
        .where((Resident.facility == facility_id) & (Resident.status == "active"))
        .order_by(Resident.id)
        .limit(12)
    ]
    async with write_transaction():
        await _survey(facility_id, today, _PAST, admin, residents)
        await _survey(facility_id, today, _COMPLAINT, admin, residents)
        falls, infection, _psychotropic, _care_plan = await _survey(
            facility_id, today, _RECENT, admin, residents
        )
        fall_poc = Poc(
            finding=falls,
            facility=facility_id,
            created_by=don,
            updated_by=don,
            affected_residents="Both residents were reassessed by the IDT the day of the survey; low beds and floor mats are in place and their care plans were updated.",
            others_at_risk="All residents with a fall in the last 90 days or a Morse score of 45+ were reviewed against their care plans (38 residents).",
            systemic_changes="Fall interventions are added to the CNA Kardex and checked each shift by the charge nurse; all nursing staff re-educated.",
            monitoring="DON or designee audits 10 fall-risk residents weekly for 4 weeks, then monthly for 2 months; results to QAPI.",
            completion_date=today + timedelta(days=20),
        )
        await fall_poc.save()
        infection_poc = Poc(
            finding=infection,
            facility=facility_id,
            created_by=don,
            updated_by=don,
            affected_residents="Contact-precaution signage and PPE carts were placed at the doors of the residents on precautions the same day.",
            others_at_risk="The infection preventionist reviewed every resident on transmission-based precautions.",
            systemic_changes="Hand-hygiene and PPE competency check-offs for all staff; precautions reviewed at each morning meeting.",
            monitoring="Infection preventionist observes 20 hand-hygiene opportunities weekly for 3 months; results to QAPI.",
            completion_date=today + timedelta(days=18),
            don_signed_by=don,
            don_signed_name=DON_USER[2],
            don_signed_on=today - timedelta(days=1),
        )
        await infection_poc.save()
        await CorrectiveTask.insert(
            CorrectiveTask(
                poc=fall_poc.id,
                facility=facility_id,
                title="Re-educate night shift on fall interventions",
                owner="Staff development coordinator",
                due_date=today - timedelta(days=2),
                status="in_progress",
                created_by=don,
                updated_by=don,
            ),
            CorrectiveTask(
                poc=fall_poc.id,
                facility=facility_id,
                title="Add fall interventions to the CNA Kardex",
                owner="Unit managers",
                due_date=today - timedelta(days=5),
                status="done",
                created_by=don,
                updated_by=don,
            ),
            CorrectiveTask(
                poc=infection_poc.id,
                facility=facility_id,
                title="PPE competency check-offs for all staff",
                owner="Infection preventionist",
                due_date=today + timedelta(days=10),
                created_by=don,
                updated_by=don,
            ),
        )
        falls_audit = MonitoringAudit(
            poc=fall_poc.id,
            facility=facility_id,
            tool="Fall care-plan audit",
            sample_size=10,
            frequency="weekly",
            threshold_pct=90,
            created_by=don,
            updated_by=don,
        )
        await falls_audit.save()
        hands_audit = MonitoringAudit(
            poc=infection_poc.id,
            facility=facility_id,
            tool="Hand-hygiene observation",
            sample_size=20,
            frequency="weekly",
            threshold_pct=95,
            created_by=don,
            updated_by=don,
        )
        await hands_audit.save()
        await MonitoringResult.insert(
            MonitoringResult(
                audit=falls_audit.id,
                facility=facility_id,
                period_start=today - timedelta(days=14),
                sampled=10,
                compliant=9,
                created_by=don,
            ),
            MonitoringResult(
                audit=falls_audit.id,
                facility=facility_id,
                period_start=today - timedelta(days=7),
                sampled=10,
                compliant=7,
                created_by=don,
            ),
            MonitoringResult(
                audit=hands_audit.id,
                facility=facility_id,
                period_start=today - timedelta(days=7),
                sampled=20,
                compliant=20,
                created_by=don,
            ),
        )
        coordinator = await _user_id("coordinator")
        await Recommendation.insert(
            Recommendation(
                facility=facility_id,
                basis="finding",
                finding=falls,
                decision="accepted",
                recommendation="Add a post-fall huddle within 24 hours, with the care-plan update signed by the unit manager.",
                rationale="F689 at G on this survey: interventions in the care plan were not in place.",
                decision_note="Approved by the DON and administrator.",
                created_by=coordinator,
                updated_by=coordinator,
            ),
            Recommendation(
                facility=facility_id,
                basis="care_plan_compliance",
                decision="pending",
                recommendation="Review care plans in the IDT meeting within 7 days of every comprehensive assessment.",
                rationale="F656 cited on the last two standard surveys; care plans lacked measurable goals.",
                created_by=coordinator,
                updated_by=coordinator,
            ),
        )
        await audit.record(
            audit.Actor(None, "system"),
            "import",
            "survey_demo",
            facility_id,
            facility_id=facility_id,
            after={"surveys": 3, "findings": len(_PAST[4]) + len(_COMPLAINT[4]) + len(_RECENT[4])},
        )
