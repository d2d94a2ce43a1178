"""Utilization casework of a covered stay: skilled need (daily services, MDS evidence), physician certification,
Medicare liability notices, the discharge plan, and the coordinator's worklist across the facility.

Reads are scoped by the caller (stays come from utilization_services.get_stay / the board); writes go through
utilization_services' audited, versioned create/update. The rules live in facility.utilization.rules."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from facility.utilization import rules as ur
from facility.utilization.tables import (
    PriorAuthorization,
    UrCertification,
    UrDischargePlan,
    UrNotice,
    UrSkilledService,
)

_ACTIVE = True


async def _rows(table: Any, stay_ids: Iterable[int], *order: Any) -> dict[int, list[dict[str, Any]]]:
    ids = sorted(set(stay_ids)) or [-1]
    query = table.select().where(table.stay.is_in(ids) & (table.active == _ACTIVE))
    for column in order:
        query = query.order_by(column)
    out: dict[int, list[dict[str, Any]]] = {}
    for row in await query.output(load_json=True):
        out.setdefault(row["stay"], []).append(row)
    return out


async def casework_for(stay_ids: Sequence[int]) -> dict[str, dict[int, list[dict[str, Any]]]]:
    """Every casework row of the stays, by kind then stay id, in one query per table."""
    return {
        "certifications": await _rows(
            UrCertification, stay_ids, UrCertification.sequence, UrCertification.id
        ),
        "services": await _rows(
            UrSkilledService, stay_ids, UrSkilledService.service_date, UrSkilledService.id
        ),
        "notices": await _rows(UrNotice, stay_ids, UrNotice.last_covered_day, UrNotice.id),
        "plans": await _rows(UrDischargePlan, stay_ids),
        "auths": await _rows(PriorAuthorization, stay_ids, PriorAuthorization.start_date),
    }


def coverage_start(row: Mapping[str, Any]) -> date:
    """Day 1 of covered care: the start of the Part A span of this stay, else the admission date."""
    spans = [s for s in row.get("spans", []) if s.start >= row["stay"]["admission_date"]]
    return spans[0].start if spans else row["stay"]["admission_date"]


def authorised_through(auths: Sequence[Mapping[str, Any]], today: date) -> date | None:
    current = [a for a in auths if a["status"] == "approved" and a["start_date"] <= today]
    return max((a["end_date"] for a in current), default=None)


def notice_view(notice: Mapping[str, Any], today: date) -> dict[str, Any]:
    status = ur.notice_status(notice["kind"], notice["last_covered_day"], notice["delivered_date"], today)
    clock = ur.expedited_clock(
        notice["last_covered_day"], notice["qio_requested"], notice["qio_notified"], notice["qio_decided"]
    )
    denc_late = bool(
        notice["qio_notified"]
        and (notice["denc_delivered"] or today) > notice["qio_notified"]
        and not (notice["denc_delivered"] and notice["denc_delivered"] <= notice["qio_notified"])
    )
    return {
        **notice,
        "status": status,
        "clock": clock,
        "denc_late": denc_late if notice["kind"] == ur.NOMNC else False,
    }


def coverage_end(notices: Sequence[Mapping[str, Any]]) -> date | None:
    """The end of Part A coverage a delivered NOMNC set (moved later when it was delivered late); None while no
    NOMNC was delivered or the QIO overturned it."""
    ends = []
    for n in notices:
        if n["kind"] != ur.NOMNC or n["delivered_date"] is None or n["qio_outcome"] == "overturned":
            continue
        status = ur.notice_status(n["kind"], n["last_covered_day"], n["delivered_date"], n["delivered_date"])
        ends.append(status.valid_last_covered_day or n["last_covered_day"])
    return max(ends, default=None)


def skilled_view(
    row: Mapping[str, Any],
    services: Sequence[Mapping[str, Any]],
    mds: Sequence[Mapping[str, Any]],
    today: date,
) -> dict[str, Any]:
    """Daily-basis weeks from the service log, plus what each MDS record of the stay shows."""
    start = coverage_start(row)
    end = min(today, row.get("coverage_end") or today)
    weeks = (
        ur.skilled_weeks(((s["service_date"], s["category"]) for s in services), start, end)
        if start <= end
        else []
    )
    recent = sorted(services, key=lambda s: (s["service_date"], s["id"]), reverse=True)[:14]
    return {
        "weeks": weeks,
        "gaps": [w for w in weeks if not w.met],
        "recent": recent,
        "mds": list(mds),
        "therapy_minutes_logged": sum(s["minutes"] for s in services if s["category"] == ur.REHAB),
    }


def certification_view(
    row: Mapping[str, Any], certifications: Sequence[Mapping[str, Any]], today: date
) -> dict[str, Any]:
    signed = [c["signed_date"] for c in sorted(certifications, key=lambda c: (c["sequence"], c["id"]))]
    schedule = ur.certification_schedule(coverage_start(row), signed, today, row.get("coverage_end"))
    return {"schedule": schedule, "next": ur.next_certification(schedule), "rows": list(certifications)}


def plan_view(plan: Mapping[str, Any] | None, section_q: Mapping[str, str]) -> dict[str, Any]:
    readiness = ur.discharge_readiness(plan)
    goal = section_q.get("Q0310A", "")
    return {
        "plan": plan,
        "readiness": readiness,
        "section_q": dict(section_q),
        "goal_agrees": ur.goal_agrees(goal, str((plan or {}).get("destination", ""))),
    }


def casework_row(
    row: dict[str, Any], work: Mapping[str, Mapping[int, list[dict[str, Any]]]], today: date
) -> dict[str, Any]:
    """Adds to one board row what the coordinator has to do: payer of today, certification, next review, notices,
    authorisation state and discharge readiness."""
    stay_id = row["stay"]["id"]
    notices = [notice_view(n, today) for n in work["notices"].get(stay_id, [])]
    row["coverage_end"] = coverage_end(notices) if row["payer"] == ur.MEDICARE_A else None
    medicare = row.get("medicare")
    row["payer_today"] = ur.payer_today(
        row["payer"], bool(medicare and medicare.exhausted), row["coverage_end"], today
    )
    covered = row["payer_today"] in ur.MEDICARE_PAYERS
    row["certification"] = (
        certification_view(row, work["certifications"].get(stay_id, []), today) if covered else None
    )
    auths = work["auths"].get(stay_id, [])
    row["auth_end"] = authorised_through(auths, today)
    row["auth_state"] = ur.authorization_state(row["payer_today"], row["auth_end"], today)
    review = row.get("review")
    last_review = review["updated_at"].date() if review and review.get("updated_at") else None
    cert_next = row["certification"]["next"] if row["certification"] else None
    computed = ur.next_review(
        row["payer_today"],
        last_review,
        row["stay"]["admission_date"],
        row["auth_end"],
        cert_next.due if cert_next else None,
    )
    stored = review["next_review"] if review else None
    row["next_review"] = min((d for d in (computed, stored) if d is not None), default=None)
    row["review_state"] = _due_state(row["next_review"], today)
    row["notices"] = notices
    row["notices_due"] = [n for n in notices if n["status"].state in ("due", "overdue")]
    row["notices_late"] = [n for n in notices if n["status"].state in ("late", "overdue")]
    row["nomnc_expected"] = (
        row["payer_today"] == ur.MEDICARE_ADVANTAGE
        and row["auth_end"] is not None
        and 0 <= (row["auth_end"] - today).days <= 3
        and not any(n["kind"] == ur.NOMNC for n in notices)
    )
    plans = work["plans"].get(stay_id, [])
    row["readiness"] = ur.discharge_readiness(plans[0] if plans else None)
    row["over_target"] = ur.over_target(row["payer"], row["los"], row.get("target"))
    return row


def _due_state(due: date | None, today: date) -> str:
    if due is None:
        return ""
    if due < today:
        return "overdue"
    return "due" if (due - today).days <= 2 else ""


def totals(rows: Sequence[Mapping[str, Any]], completed_part_a_los: Sequence[int]) -> dict[str, Any]:
    """Board totals: Part A census (payer of today), ALOS of the Part A stays that ended in the last 90 days,
    reviews due (certification or concurrent review due/overdue) and notices due."""
    reviews_due = sum(
        1
        for r in rows
        if r.get("review_state")
        or (
            r.get("certification")
            and r["certification"]["next"]
            and r["certification"]["next"].state in ("due", "overdue")
        )
    )
    return {
        "part_a_census": sum(1 for r in rows if r.get("payer_today") == ur.MEDICARE_A),
        "ma_census": sum(1 for r in rows if r.get("payer_today") == ur.MEDICARE_ADVANTAGE),
        "alos": round(sum(completed_part_a_los) / len(completed_part_a_los), 1)
        if completed_part_a_los
        else None,
        "alos_stays": len(completed_part_a_los),
        "reviews_due": reviews_due,
        "notices_due": sum(
            len(r.get("notices_due", [])) + (1 if r.get("nomnc_expected") else 0) for r in rows
        ),
        "auth_expired": sum(1 for r in rows if r.get("auth_state") in ("expired", "missing")),
    }


def worklist(rows: Sequence[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """The coordinator's queue: one item per thing to do, most urgent first (overdue, then by due date)."""
    items: list[dict[str, Any]] = []
    for r in rows:
        base = {"row": r, "stay": r["stay"]}
        cert = r["certification"]["next"] if r.get("certification") else None
        if cert is not None and cert.state in ("due", "overdue"):
            items.append(
                {
                    **base,
                    "kind": "certification" if cert.sequence == 0 else "recertification",
                    "due": cert.due,
                    "state": cert.state,
                    "sequence": cert.sequence,
                }
            )
        if r.get("review_state"):
            items.append({**base, "kind": "review", "due": r["next_review"], "state": r["review_state"]})
        for n in r.get("notices", []):
            if n["status"].state in ("due", "overdue"):
                items.append(
                    {
                        **base,
                        "kind": n["kind"],
                        "due": n["status"].due,
                        "state": n["status"].state,
                        "notice": n,
                    }
                )
            elif n["status"].state == "late" and n["delivered_date"] >= today - timedelta(days=30):
                items.append(
                    {**base, "kind": n["kind"], "due": n["status"].due, "state": "late", "notice": n}
                )
            clock = n["clock"]
            if n["qio_requested"] and not n["qio_decided"]:
                items.append(
                    {
                        **base,
                        "kind": "expedited",
                        "due": clock.qio_decision_by,
                        "state": _due_state(clock.qio_decision_by, today) or "waiting",
                        "notice": n,
                    }
                )
            if n.get("denc_late"):
                items.append(
                    {**base, "kind": "denc", "due": n["qio_notified"], "state": "overdue", "notice": n}
                )
        if r.get("nomnc_expected"):
            items.append(
                {
                    **base,
                    "kind": "nomnc_expected",
                    "due": ur.nomnc_due(r["auth_end"]),
                    "state": _due_state(ur.nomnc_due(r["auth_end"]), today) or "due",
                }
            )
        if r.get("auth_state") in ("expired", "missing"):
            items.append(
                {
                    **base,
                    "kind": "authorization",
                    "due": r.get("auth_end") or r["stay"]["admission_date"],
                    "state": "overdue",
                }
            )
    order = {"overdue": 0, "late": 1, "due": 2, "waiting": 3}
    return sorted(
        items, key=lambda i: (order.get(i["state"], 4), i["due"] or today, i["stay"]["last_name"].lower())
    )
