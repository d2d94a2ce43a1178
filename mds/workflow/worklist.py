"""The MDS coordinator's worklist as rows (pure): records the RAI schedule (mds.schedule via
mds.workflow_services.due_items) expects that are late, due or coming up, records not signed, records CMS
rejected, and records that are missing altogether. Nothing here re-computes a deadline.

Kinds:
- ``missing``: the schedule's deadline passed and no record exists (schedule state late, no assessment);
- ``late``: a record exists but is not completed / transmitted by its deadline;
- ``change_clock``: a significant change (or significant correction) determination is running its 14-day clock
  (483.20(b)(2)(ii)): shown from the determination, while the clock runs, "day N of 14";
- ``due``: window open, deadline within the schedule's horizon; ``upcoming``: window opens within UPCOMING_DAYS;
- ``unsigned``: a record in progress (or being corrected), not signed;
- ``rejected``: the last transmission of the record was rejected by CMS.

F-tags (SOM Appendix PP): admission/annual F636 (comprehensive assessments and timing), significant change F637,
quarterly F638, transmission (submit phases, rejected records, tracking records) F640; PPS records carry none
(payment, not a requirement of participation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from facility.core.forms import N_
from facility.core.worklist import Clock, Item
from mds.i18n import T_
from mds.workflow import schedule

UPCOMING_DAYS = 30
KINDS: tuple[str, ...] = ("missing", "late", "change_clock", "due", "upcoming", "unsigned", "rejected")
LABELS: dict[str, str] = {
    "missing": N_("Missing record"),
    "late": N_("Record late"),
    "change_clock": N_("Change in condition: 14-day assessment"),
    "due": N_("Record due"),
    "upcoming": N_("Record coming up"),
    "unsigned": N_("Not signed"),
    "rejected": N_("Rejected by CMS"),
}
CLOCK_KINDS = frozenset(
    {"significant_change", "significant_correction_comprehensive", "significant_correction_quarterly"}
)
TRACKING = frozenset({"entry", "death", "discharge_ra", "discharge_rna"})
FTAG_OF_KIND = {"admission": "F636", "annual": "F636", "significant_change": "F637", "quarterly": "F638"}
PHASE_TEXT = {
    "ard": N_("%(kind)s: ARD by %(end)s"),
    "complete": N_("%(kind)s: complete by %(end)s"),
    "submit": N_("%(kind)s: transmit by %(end)s"),
    "submit_correction": N_("%(kind)s: transmit the correction by %(end)s"),
}
DUE_TEXT = N_("%(kind)s: due %(end)s")


def _kind(labels: Mapping[str, Any], kind: str) -> Any:
    """The schedule kind's label (mds.record.rfa.KIND_LABELS: message ids), translated when the row is read."""
    label = labels.get(kind)
    return T_(label) if isinstance(label, str) else (label or kind)


def ftag_for(kind: str, phase: str) -> str:
    if phase in ("submit", "submit_correction") or kind in TRACKING:
        return "F640"
    return FTAG_OF_KIND.get(kind, "")


def _row_kind(item: schedule.DueItem, today: date) -> str | None:
    if item.record_state == "rejected":
        return None  # listed once, as "rejected"
    if item.state == "late":
        return "missing" if item.assessment_id is None else "late"
    if item.state == "due":
        return "change_clock" if item.kind in CLOCK_KINDS and item.phase in ("ard", "complete") else "due"
    if item.state == "upcoming" and (item.window_start - today).days <= UPCOMING_DAYS:
        return "upcoming"
    return None


def _start_url(start: Mapping[str, Any] | None, resident_id: Any) -> str:
    if not start:
        return f"/residents/{resident_id}?tab=assessments"
    keys = ("resident", "stay", "kind", "ard")
    return "/mds/dashboard/start?" + urlencode({k: start[k] for k in keys})


def due_item_row(
    item: schedule.DueItem,
    kind: str,
    person: Mapping[str, Any],
    labels: Mapping[str, Any],
    start: Mapping[str, Any] | None,
) -> Item:
    kind_label = _kind(labels, item.kind)
    clock = None
    if kind == "change_clock" or (item.kind in CLOCK_KINDS and item.phase in ("ard", "complete")):
        clock = Clock(item.window_start, item.window_end)
    if item.assessment_id is not None:
        fix_url, fix = f"/mds/assessments/{item.assessment_id}", N_("Open the record")
    else:
        fix_url, fix = _start_url(start, item.resident_id), N_("Start the record")
    return Item(
        key=f"{kind}-{item.stay_id}-{item.kind}-{item.phase}-{item.window_start}-{item.assessment_id}",
        kind=kind,
        detail=T_(PHASE_TEXT.get(item.phase, DUE_TEXT), kind=kind_label, end=item.window_end),
        fix_url=fix_url,
        fix_label=fix,
        due=item.window_end,
        ftag=ftag_for(item.kind, item.phase),
        clock=clock,
        **person,
    )


def coordinator_items(
    due: Iterable[schedule.DueItem],
    assessments: Iterable[Mapping[str, Any]],
    exports: Mapping[int, Sequence[Mapping[str, Any]]],
    people: Mapping[int, Mapping[str, Any]],
    labels: Mapping[str, Any],
    starts: Mapping[int, Mapping[str, Any] | None],
    today: date,
) -> list[Item]:
    """`due`: the facility's schedule; `assessments`: its records (id, resident, kind, ard, status); `exports`:
    assessment id -> its export records, oldest first; `people`: resident id -> {resident, unit, room} (the
    row's person fields); `starts`: id(DueItem) -> the start form's parameters; `labels`: kind -> {en, es}."""
    out: list[Item] = []
    completion: dict[Any, date] = {}
    for i in due:
        if i.assessment_id is not None and i.phase == "complete":
            completion[i.assessment_id] = i.window_end
        kind = _row_kind(i, today)
        if kind is None:
            continue
        person = _person(people, i.resident_id)
        out.append(due_item_row(i, kind, person, labels, starts.get(id(i))))
    for a in assessments:
        kind_label = _kind(labels, a["kind"])
        person = _person(people, a["resident"])
        last = (exports.get(a["id"]) or [{}])[-1]
        if a["status"] in ("in_progress", "correcting"):
            due_on = completion.get(a["id"]) or (
                a["ard"] + timedelta(days=schedule.COMPLETION_DAYS) if a["ard"] else None
            )
            out.append(
                Item(
                    key=f"unsigned-{a['id']}",
                    kind="unsigned",
                    detail=T_("%(kind)s, ARD %(ard)s: not signed", kind=kind_label, ard=a["ard"]),
                    fix_url=f"/mds/assessments/{a['id']}",
                    fix_label=N_("Open the record"),
                    due=due_on,
                    ftag=FTAG_OF_KIND.get(a["kind"], ""),
                    **person,
                )
            )
        elif a.get("submission_state") == "rejected" or last.get("state") == "rejected":
            errors = str(last.get("error_ids") or "")
            out.append(
                Item(
                    key=f"rejected-{a['id']}",
                    kind="rejected",
                    detail=T_(
                        "%(kind)s, ARD %(ard)s: rejected (%(errors)s)",
                        kind=kind_label,
                        ard=a["ard"],
                        errors=errors,
                    )
                    if errors
                    else T_("%(kind)s, ARD %(ard)s: rejected", kind=kind_label, ard=a["ard"]),
                    fix_url=f"/mds/assessments/{a['id']}/correct",
                    fix_label=N_("Correct the record"),
                    due=today,
                    ftag="F640",
                    **person,
                )
            )
    return out


def _person(people: Mapping[int, Mapping[str, Any]], resident_id: Any) -> dict[str, Any]:
    r = people.get(resident_id) or {}
    return {
        "resident_id": resident_id,
        "resident": r.get("name", "?"),
        "unit": r.get("unit") or "",
        "room": r.get("room") or "",
    }
