"""Demo utilization review: length-of-stay targets (Part A, Medicare Advantage), reviews of the open stays with the
payer of today (covered payers end at day 100), prior authorisations and their extensions, denials (one NOMNC due
soon, one claim denial appealed and won), ICD-10 diagnoses, a Triple Check; certifications, daily skilled services,
Medicare notices (due, on time, late with its SNF ABN, under expedited review), discharge plans, hospital transfers
within 30 days of admission for about 22% of the entries from a hospital (near the CMS median) and their reviews.
Deterministic (seeded) and synthetic."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from facility.core.db import found, write_transaction
from facility.core.plugins import call_hook
from facility.tables import Resident, Stay, StayEvent, User
from facility.utilization import hooks
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
    UrSkilledService,
    UrTarget,
    UrTransferReview,
)

TARGETS = {
    "medicare_a": 25,
    "medicare_advantage": 18,
}  # only the payers that limit the stay (utilization_rules.TARGET_PAYERS)


def _primary_diagnosis(resident_id: int) -> tuple[str, str, str]:
    """The stay's I0020B: the one the resident's MDS records carry (mds.workflow.demo_clinical, the same seed) with its
    category in the shipped CMS mapping (through mds's plugin)."""
    code, text, category = call_hook(hooks.DEMO_PRIMARY_DIAGNOSIS.name)(resident_id)
    return code, text, category


_EXTRA = [
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("F03.90", "Unspecified dementia without behavioral disturbance"),
    ("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
]


async def extend_demo(facility_id: int, today: date) -> None:
    rng = random.Random(8_2026)
    actor = found(
        await User.select(User.id).where(User.username_key == "um").first()
        or await User.select(User.id).where(User.username_key == "coordinator").first(),
        "user um or coordinator",
    )["id"]
    async with write_transaction():
        await _rehospitalizations(facility_id, today, random.Random(21_2026), actor)
    stays = (
        await Stay.select()
        .where((Stay.facility == facility_id) & Stay.status.is_in(["in_facility", "discharged_ra"]))
        .order_by(Stay.id)
    )
    who = {"created_by": actor, "updated_by": actor}
    payer_rng = random.Random(19)
    exhausted = next(
        (s["id"] for s in stays if s["payer"] == "medicare_a" and (today - s["admission_date"]).days > 100),
        None,
    )
    async with write_transaction():
        for payer, days in TARGETS.items():
            await UrTarget(facility=facility_id, payer=payer, target_days=days, updated_by=actor).save()
        denial_done = appeal_done = check_done = False
        for index, stay in enumerate(stays):
            base = {"facility": facility_id, "resident": stay["resident"], "stay": stay["id"], **who}
            dx, text, category = _primary_diagnosis(stay["resident"])
            payer = stay["payer"] if stay["id"] == exhausted else _payer_of(stay, today, payer_rng)
            skilled = payer in ("medicare_a", "medicare_advantage")
            await UrReview(
                **base,
                payer=payer,
                prior_days_used=rng.choice((0, 0, 0, 5, 12)) if payer == "medicare_a" else 0,
                pdpm_category=category if skilled else "",
                medical_necessity=f"Primary diagnosis: {text}. Physician orders daily skilled services."
                if skilled
                else "",
                skilled_need="Daily PT/OT 5x/week; skilled nursing for wound and medication management."
                if skilled
                else "",
                next_review=today + timedelta(days=rng.randint(1, 14)) if skilled else None,
            ).save()
            await StayDiagnosis(**base, item="I0020B", code=dx, description=text).save()
            code, extra_text = _EXTRA[index % len(_EXTRA)]
            await StayDiagnosis(**base, item="I8000", code=code, description=extra_text).save()
            if payer == "medicare_advantage":
                start = stay["admission_date"]
                await PriorAuthorization(
                    **base,
                    payer="medicare_advantage",
                    reference=f"MA-{240000 + index}",
                    start_date=start,
                    end_date=start + timedelta(days=13),
                    approved_days=14,
                    status="approved",
                ).save()
                if not denial_done:
                    denial_done = True
                    await Denial(
                        **base,
                        payer="medicare_advantage",
                        kind="nomnc",
                        notice_date=today - timedelta(days=1),
                        reason="Plan states skilled therapy goals met; last covered day in 2 days.",
                        appeal_deadline=today,
                    ).save()
            if payer == "medicare_a" and not appeal_done:
                appeal_done = True
                notice = today - timedelta(days=40)
                denial = Denial(
                    **base,
                    payer="medicare_a",
                    kind="claim_denial",
                    notice_date=notice,
                    reason="Claim denied: documentation did not support daily skilled need.",
                    appeal_deadline=notice + timedelta(days=120),
                )
                await denial.save()
                await Appeal(
                    facility=facility_id,
                    denial=denial.id,
                    level="redetermination",
                    filed_date=notice + timedelta(days=10),
                    decision_due=notice + timedelta(days=70),
                    outcome="overturned",
                    outcome_date=notice + timedelta(days=35),
                    note="Therapy notes and wound measurements sent.",
                    **who,
                ).save()
            elif payer == "medicare_a" and not check_done and stay["admission_date"] < today.replace(day=1):
                check_done = True
                first = max(stay["admission_date"], (today.replace(day=1) - timedelta(days=1)).replace(day=1))
                last = today.replace(day=1) - timedelta(days=1)
                await TripleCheck(
                    **base,
                    claim_from=first,
                    claim_through=last,
                    claim_hipps="",
                    billed_days=(last - first).days + 1,
                    certification_date=stay["admission_date"],
                    checks={"diagnoses_match": True, "therapy_minutes": True},
                    status="open",
                ).save()
    await extend_casework(facility_id, today)


# ---------------------------------------------------------------- issue 19: casework, notices, plans, transfers

# Near the CMS medians of the shipped reference rows (facility/data): 521 ~23 %, 551 ~1.6 per 1,000 days. The
# short-stay share is of admissions; re-entries join the measure's denominator, so the rate lands near 22 %.
SHORT_STAY_REHOSP = 0.27
LONG_STAY_PER_1000 = 1.6
_REASONS = (
    "respiratory",
    "cardiac",
    "infection",
    "change_in_condition",
    "fall_injury",
    "gi_bleed",
    "respiratory",
    "infection",
)


def _payer_of(stay: dict[str, Any], today: date, rng: random.Random) -> str:
    """Medicare covers a SNF stay for at most 100 days: a covered payer on an older stay becomes Medicaid or private
    pay (the first old Part A stay is kept as Part A to show an exhausted benefit)."""
    if stay["payer"] in ("medicare_a", "medicare_advantage") and (today - stay["admission_date"]).days > 100:
        return rng.choice(("medicaid", "medicaid", "private"))
    return stay["payer"]


async def _rehospitalizations(facility_id: int, today: date, rng: random.Random, actor: int) -> None:
    """Hospital transfers (a discharge with return anticipated, a re-entry a few days later; the MDS demo then writes
    the records): within 30 days of admission for about a quarter of the entries from a hospital, and about 1.6 per
    1,000 long-stay resident days over the year (near the CMS medians of measures 521 and 551)."""
    stays = await Stay.select().where(Stay.facility == facility_id).order_by(Stay.id)
    events = await StayEvent.select().where(StayEvent.stay.is_in([s["id"] for s in stays] or [-1]))
    by_stay: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_stay.setdefault(e["stay"], []).append(e)
    quiet = [
        s for s in stays if len(by_stay.get(s["id"], [])) == 1
    ]  # admitted and still in, nothing else yet
    rng.shuffle(quiet)
    start, end = today - timedelta(days=395), today - timedelta(days=30)
    entries = [s for s in stays if start <= s["admission_date"] <= end]
    already = sum(
        1
        for s in entries
        if any(
            e["kind"] == "discharge_return_anticipated" and (e["event_date"] - s["admission_date"]).days <= 30
            for e in by_stay.get(s["id"], [])
        )
    )
    short = [s for s in quiet if start <= s["admission_date"] <= end][
        : max(0, round(SHORT_STAY_REHOSP * len(entries)) - already)
    ]
    long_days = sum(
        max(0, min(365, (today - s["admission_date"]).days - 100))
        for s in stays
        if s["status"] == "in_facility"
    )
    long = [s for s in quiet if (today - s["admission_date"]).days > 140 and s not in short][
        : round(LONG_STAY_PER_1000 * long_days / 1000)
    ]
    for stay in short + long:
        if stay in short:
            out = stay["admission_date"] + timedelta(days=rng.randint(4, 26))
        else:
            first = max(stay["admission_date"] + timedelta(days=101), today - timedelta(days=360))
            out = first + timedelta(days=rng.randint(0, max(0, (today - first).days - 12)))
        back = out + timedelta(days=rng.randint(3, 7))
        await StayEvent(
            stay=stay["id"],
            kind="discharge_return_anticipated",
            event_date=out,
            note="Sent to the ED, admitted",
            created_by=actor,
        ).save()
        await StayEvent(stay=stay["id"], kind="reentry", event_date=back, created_by=actor).save()


async def extend_casework(facility_id: int, today: date) -> None:
    """Certifications, daily skilled services, notices (one due, one on time, one late with its SNF ABN, one under
    expedited review), discharge plans and transfer reviews for the open covered stays; runs after extend_demo."""
    rng = random.Random(19_2026)
    actor = found(
        await User.select(User.id).where(User.username_key == "um").first()
        or await User.select(User.id).where(User.username_key == "coordinator").first(),
        "user um or coordinator",
    )["id"]
    who = {"created_by": actor, "updated_by": actor}
    reviews = {r["stay"]: r for r in await UrReview.select().where(UrReview.facility == facility_id)}
    stays = (
        await Stay.select()
        .where((Stay.facility == facility_id) & Stay.status.is_in(["in_facility", "discharged_ra"]))
        .order_by(Stay.id)
    )
    covered = [
        s for s in stays if reviews.get(s["id"], {}).get("payer") in ("medicare_a", "medicare_advantage")
    ]
    async with write_transaction():
        for index, stay in enumerate(covered):
            base = {"facility": facility_id, "resident": stay["resident"], "stay": stay["id"], **who}
            payer = reviews[stay["id"]]["payer"]
            if (today - stay["admission_date"]).days > 100:
                continue  # the exhausted Part A stay: nothing is due
            await _certify(base, stay["admission_date"], today, rng, leave_open=index % 4 == 1)
            await _services(base, stay["admission_date"], today, rng, gap=index == 2)
            await _plan(base, stay, today, rng, index)
            if payer == "medicare_advantage":
                await _extend_authorisation(base, stay, today, rng, expired=index % 5 == 3)
        await _notices(
            facility_id,
            [
                s
                for s in covered
                if reviews[s["id"]]["payer"] == "medicare_a" and (today - s["admission_date"]).days <= 100
            ],
            today,
            who,
        )
        await _transfer_reviews(facility_id, today, rng, who)


async def _certify(
    base: dict[str, Any], start: date, today: date, rng: random.Random, leave_open: bool
) -> None:
    """Signatures on or just before each due date (42 CFR 424.20); some stays leave the latest one open."""
    signed: list[date] = []
    for _ in range(8):
        due = ur.next_certification(ur.certification_schedule(start, signed, today))
        if (
            due is None
            or due.due > today
            or (leave_open and due.sequence and due.due >= today - timedelta(days=3))
        ):
            break
        day = max(start, due.due - timedelta(days=rng.randint(0, 1)))
        await UrCertification(
            **base,
            sequence=due.sequence,
            signed_date=day,
            signed_by=rng.choice(("Dr. Patel", "Dr. Okafor", "J. Rivera, NP")),
        ).save()
        signed.append(day)


async def _services(base: dict[str, Any], start: date, today: date, rng: random.Random, gap: bool) -> None:
    """Two weeks of therapy logs (PT/OT 5-6 days a week, 45-75 minutes) and skilled nursing notes; one stay with a
    week of 3 therapy days to show a daily-basis gap (42 CFR 409.34)."""
    first = max(start, today - timedelta(days=13))
    day = first
    while day < today:
        weekday = (day - start).days % 7
        therapy = weekday < (3 if gap and day >= today - timedelta(days=7) else rng.choice((5, 6)))
        if therapy:
            for discipline in ("pt", "ot"):
                await UrSkilledService(
                    **base,
                    service_date=day,
                    category="rehab",
                    discipline=discipline,
                    minutes=rng.choice((45, 60, 60, 75)),
                    source="therapy_log",
                    description="Gait and transfer training" if discipline == "pt" else "ADL retraining",
                ).save()
        if rng.random() < 0.3:
            await UrSkilledService(
                **base,
                service_date=day,
                category="nursing",
                discipline="nursing",
                source="nursing_note",
                description=rng.choice(
                    (
                        "Wound assessment and dressing",
                        "IV antibiotic administration",
                        "Observation and assessment of CHF",
                    )
                ),
            ).save()
        day += timedelta(days=1)


async def _plan(
    base: dict[str, Any], stay: dict[str, Any], today: date, rng: random.Random, index: int
) -> None:
    destination = ("home_health", "home", "assisted_living", "home_health", "long_term_care")[index % 5]
    stage = index % 3  # 0 ready, 1 approvals pending, 2 just started
    services = (
        [
            {
                "service": "home_health",
                "approval": "approved" if stage == 0 else "requested",
                "provider": "Valley Home Health",
            },
            {
                "service": "dme",
                "approval": "approved" if stage == 0 else "needed",
                "provider": "Rolling walker",
            },
            {"service": "follow_up", "approval": "not_needed", "provider": "PCP in 7 days"},
        ]
        if destination != "long_term_care"
        else []
    )
    await UrDischargePlan(
        **base,
        destination=destination if stage != 2 else "undecided",
        target_date=today + timedelta(days=rng.randint(3, 20)) if stage != 2 else None,
        services=services if stage != 2 else [],
        goals="Return home with daughter; walk 150 ft with walker" if stage != 2 else "",
        education="Walker safety, medication schedule, signs of infection" if stage == 0 else "",
        education_done=stage == 0,
        handoff={k: stage == 0 for k in ur.HANDOFF_DOCUMENTS},
        follow_up="PCP in 7 days" if stage == 0 else "",
    ).save()


async def _extend_authorisation(
    base: dict[str, Any], stay: dict[str, Any], today: date, rng: random.Random, expired: bool
) -> None:
    """Medicare Advantage concurrent review: the plan extends the authorisation week by week; one lapsed."""
    start = stay["admission_date"] + timedelta(days=14)
    if start > today:
        return
    end = today - timedelta(days=2) if expired else today + timedelta(days=rng.randint(2, 9))
    await PriorAuthorization(
        **base,
        payer="medicare_advantage",
        reference=f"MA-C{stay['id']:05d}",
        start_date=start,
        end_date=end,
        approved_days=(end - start).days + 1,
        status="approved",
        note="Concurrent review extension",
    ).save()


async def _notices(facility_id: int, part_a: list[dict[str, Any]], today: date, who: dict[str, Any]) -> None:
    """NOMNC due today (not delivered), one delivered on time, one delivered a day late with its SNF ABN, and one under
    expedited review by the BFCC-QIO."""
    plans: list[dict[str, Any]] = [
        {"last_covered_day": today + timedelta(days=2)},
        {
            "last_covered_day": today + timedelta(days=3),
            "delivered_date": today - timedelta(days=1),
            "delivered_to": "resident",
            "signer_name": "(resident)",
        },
        {
            "last_covered_day": today - timedelta(days=3),
            "delivered_date": today - timedelta(days=4),
            "delivered_to": "representative",
            "signer_name": "Daughter (representative)",
            "abn": True,
        },
        {
            "last_covered_day": today + timedelta(days=1),
            "delivered_date": today - timedelta(days=2),
            "delivered_to": "resident",
            "signer_name": "(resident)",
            "qio_requested": today - timedelta(days=1),
            "qio_notified": today - timedelta(days=1),
            "denc_delivered": today - timedelta(days=1),
        },
    ]
    names = {
        r["id"]: f"{r['first_name']} {r['last_name']}"
        for r in await Resident.select(Resident.id, Resident.first_name, Resident.last_name).where(
            Resident.id.is_in([s["resident"] for s in part_a] or [-1])
        )
    }
    for stay, plan in zip(part_a, plans, strict=False):
        if plan.get("signer_name") == "(resident)":
            plan["signer_name"] = names.get(stay["resident"], "")
        base = {
            "facility": facility_id,
            "resident": stay["resident"],
            "stay": stay["id"],
            **who,
            "payer": "medicare_a",
            "end_reason": "skilled_ended",
        }
        abn = plan.pop("abn", False)
        await UrNotice(**base, kind="nomnc", **plan).save()
        if abn:
            await UrNotice(
                **base,
                kind="snf_abn",
                last_covered_day=plan["last_covered_day"],
                delivered_date=plan["delivered_date"],
                delivered_to="representative",
                signer_name="Daughter (representative)",
                note="Chose to stay and pay privately",
            ).save()


async def _transfer_reviews(facility_id: int, today: date, rng: random.Random, who: dict[str, Any]) -> None:
    """The coordinator reviewed most transfers of the year: reason, avoidable (about one in four), A2105 where the
    record lacks it; the newest three wait for review."""
    from facility.utilization.transfers import _transfers_page

    page = await _transfers_page(facility_id, today)  # uncached: the demo writes without audit rows
    for row in page["log"][3:]:
        await UrTransferReview(
            facility=facility_id,
            resident=row["resident"],
            stay=row["stay"],
            transfer_date=row["transfer_date"],
            kind=row["kind"],
            a2105="" if row["a2105"] else "04",
            reason=rng.choice(_REASONS),
            avoidable="yes" if rng.random() < 0.25 else "no",
            **who,
        ).save()
