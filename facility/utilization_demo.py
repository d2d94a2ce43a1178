"""Demo utilization review: length-of-stay targets, reviews of the open stays, prior authorisations for the
Medicare Advantage stays, denials (one NOMNC due soon, one claim denial appealed and won), ICD-10 diagnoses
and a Triple Check. Deterministic (seeded) and synthetic."""

from __future__ import annotations

import random
from datetime import date, timedelta

from facility.db import write_transaction
from facility.tables import Stay, User
from facility.utilization_tables import (
    Appeal,
    Denial,
    PriorAuthorization,
    StayDiagnosis,
    TripleCheck,
    UrReview,
    UrTarget,
)

TARGETS = {"medicare_a": 25, "medicare_advantage": 18, "medicaid": 3650, "private": 120, "hospice": 180}
_DIAGNOSES = [("S72.001A", "Fracture of unspecified part of neck of right femur", "Non-Surgical Orthopedic/Musculoskeletal"),
              ("I63.9", "Cerebral infarction, unspecified", "Acute Neurologic"),
              ("J18.9", "Pneumonia, unspecified organism", "Pulmonary"),
              ("I50.9", "Heart failure, unspecified", "Cardiovascular and Coagulations"),
              ("Z47.1", "Aftercare following joint replacement surgery", "Major Joint Replacement or Spinal Surgery")]


def _primary_diagnosis(resident_id: int, index: int) -> tuple[str, str, str]:
    """The stay's I0020B: the one the resident's MDS records carry (mds.demo_clinical, the same seed) with its
    category in the shipped CMS mapping; the fixed list when the MDS domain is not installed."""
    try:
        from mds import demo_clinical, pdpm_icd10
    except ImportError:
        return _DIAGNOSES[index % len(_DIAGNOSES)]
    primary = demo_clinical.profile_for(resident_id).primary
    return primary.icd10, primary.text, pdpm_icd10.lookup(primary.icd10).clinical_category or ""


_EXTRA = [("E11.9", "Type 2 diabetes mellitus without complications"), ("I10", "Essential (primary) hypertension"),
          ("F03.90", "Unspecified dementia without behavioral disturbance"), ("J44.9", "Chronic obstructive pulmonary disease, unspecified")]


async def extend_demo(facility_id: int, today: date) -> None:
    rng = random.Random(8_2026)
    actor = (await User.select(User.id).where(User.username_key == "um").first() or
             await User.select(User.id).where(User.username_key == "coordinator").first())["id"]
    stays = await Stay.select().where((Stay.facility == facility_id) & Stay.status.is_in(["in_facility", "discharged_ra"])).order_by(Stay.id)
    who = {"created_by": actor, "updated_by": actor}
    async with write_transaction():
        for payer, days in TARGETS.items():
            await UrTarget(facility=facility_id, payer=payer, target_days=days, updated_by=actor).save()
        denial_done = appeal_done = check_done = False
        for index, stay in enumerate(stays):
            base = {"facility": facility_id, "resident": stay["resident"], "stay": stay["id"], **who}
            dx, text, category = _primary_diagnosis(stay["resident"], index)
            skilled = stay["payer"] in ("medicare_a", "medicare_advantage")
            await UrReview(**base, payer=stay["payer"], prior_days_used=rng.choice((0, 0, 0, 5, 12)) if stay["payer"] == "medicare_a" else 0,
                           pdpm_category=category if skilled else "",
                           medical_necessity=f"Primary diagnosis: {text}. Physician orders daily skilled services." if skilled else "",
                           skilled_need="Daily PT/OT 5x/week; skilled nursing for wound and medication management." if skilled else "",
                           next_review=today + timedelta(days=rng.randint(1, 14)) if skilled else None).save()
            await StayDiagnosis(**base, item="I0020B", code=dx, description=text).save()
            code, extra_text = _EXTRA[index % len(_EXTRA)]
            await StayDiagnosis(**base, item="I8000", code=code, description=extra_text).save()
            if stay["payer"] == "medicare_advantage":
                start = stay["admission_date"]
                await PriorAuthorization(**base, payer="medicare_advantage", reference=f"MA-{240000 + index}", start_date=start,
                                         end_date=start + timedelta(days=13), approved_days=14, status="approved").save()
                if not denial_done:
                    denial_done = True
                    await Denial(**base, payer="medicare_advantage", kind="nomnc", notice_date=today - timedelta(days=1),
                                 reason="Plan states skilled therapy goals met; last covered day in 2 days.",
                                 appeal_deadline=today).save()
            if stay["payer"] == "medicare_a" and not appeal_done:
                appeal_done = True
                notice = today - timedelta(days=40)
                denial = Denial(**base, payer="medicare_a", kind="claim_denial", notice_date=notice,
                                reason="Claim denied: documentation did not support daily skilled need.",
                                appeal_deadline=notice + timedelta(days=120))
                await denial.save()
                await Appeal(facility=facility_id, denial=denial.id, level="redetermination", filed_date=notice + timedelta(days=10),
                             decision_due=notice + timedelta(days=70), outcome="overturned", outcome_date=notice + timedelta(days=35),
                             note="Therapy notes and wound measurements sent.", **who).save()
            elif stay["payer"] == "medicare_a" and not check_done and stay["admission_date"] < today.replace(day=1):
                check_done = True
                first = max(stay["admission_date"], (today.replace(day=1) - timedelta(days=1)).replace(day=1))
                last = today.replace(day=1) - timedelta(days=1)
                await TripleCheck(**base, claim_from=first, claim_through=last, claim_hipps="", billed_days=(last - first).days + 1,
                                  certification_date=stay["admission_date"], checks={"diagnoses_match": True, "therapy_minutes": True},
                                  status="open").save()
