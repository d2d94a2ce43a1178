"""The DON / administrator worklist as rows (pure): survey-readiness actions (plans of correction to write or
sign, monitoring audits below their threshold), POC tasks not done, and quality measures worse than the
benchmark. The states and deadlines come from surveys.services / surveys.poc / surveys.qm; nothing is re-decided.

A QM is "over threshold" when the facility's rate is worse than the state average (qm.compare), or, where CMS
publishes no state average for the measure, worse than the national average (said so in the row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from facility.core.forms import N_
from facility.core.worklist import Item
from surveys.i18n import T_
from surveys.readiness.forms import TASK_STATUSES

KINDS: tuple[str, ...] = ("poc_due", "poc_task", "audit_failing", "qm_over")
LABELS: dict[str, str] = {
    "poc_due": N_("Plan of correction to finish"),
    "poc_task": N_("POC task due"),
    "audit_failing": N_("Monitoring audit below threshold"),
    "qm_over": N_("Quality measure over threshold"),
}
POC_STATES = {
    "missing": T_("not written"),
    "draft": T_("incomplete, elements missing"),
    "awaiting_don": T_("awaiting the DON's signature"),
    "awaiting_administrator": T_("awaiting the administrator's signature"),
}
POC_TEXT = N_("%(tag)s %(cell)s: plan of correction %(state)s")
POC_TEXT_EXPECTED = N_("%(tag)s %(cell)s: plan of correction %(state)s (2567 not received yet; expected)")
QM_TEXT = {
    "state": N_(
        "%(code)s %(name)s: %(rate)s, %(worse)s points worse than the state average (%(count)s residents)"
    ),
    "national": N_(
        "%(code)s %(name)s: %(rate)s, %(worse)s points worse than the national average "
        "(%(count)s residents; no state data)"
    ),
}


def finding_url(finding_id: int, anchor: str = "") -> str:
    return f"/surveys/findings/{finding_id}" + (f"#{anchor}" if anchor else "")


def _tag(finding: Mapping[str, Any] | None) -> str:
    if not finding:
        return ""
    shown = finding.get("ftag")
    return str(getattr(shown, "display", "") or finding.get("tag", ""))


def poc_rows(pocs_due: Iterable[Mapping[str, Any]]) -> list[Item]:
    """surveys.services.dashboard's pocs_due: {finding, survey, state, deadline}."""
    out = []
    for p in pocs_due:
        f, state, deadline = p["finding"], p["state"], p["deadline"]
        due = deadline.get("due") or deadline.get("expected_2567")
        text = POC_TEXT if deadline.get("due") else POC_TEXT_EXPECTED
        out.append(
            Item(
                key=f"poc_due-{f['id']}",
                kind="poc_due",
                detail=T_(text, tag=_tag(f), cell=f["scope_severity"], state=POC_STATES.get(state, state)),
                fix_url=finding_url(f["id"], "poc"),
                fix_label=N_("Open the plan of correction"),
                due=due,
                ftag=_tag(f),
                links=((f"/chain/findings/{f['id']}", N_("Residents and items behind it")),),
            )
        )
    return out


def task_rows(tasks: Iterable[Mapping[str, Any]]) -> list[Item]:
    """POC corrective tasks (surveys.services.tasks_of, each with its "finding") not done yet."""
    out = []
    for t in tasks:
        if t["status"] == "done":
            continue
        f = t.get("finding")
        out.append(
            Item(
                key=f"poc_task-{t['id']}",
                kind="poc_task",
                detail=T_(
                    "%(title)s (%(owner)s, %(status)s)",
                    title=t["title"],
                    owner=t["owner"],
                    status=TASK_STATUSES.get(t["status"], t["status"]),
                ),
                fix_url=finding_url(f["id"], "tasks") if f else "/surveys/dashboard",
                fix_label=N_("Update the task"),
                due=t["due_date"],
                ftag=_tag(f),
                links=((f"/chain/tasks/{t['id']}", N_("Residents it covers")),),
            )
        )
    return out


def audit_rows(audits: Iterable[Mapping[str, Any]], today: date) -> list[Item]:
    out = []
    for a in audits:
        status = a["status"]
        if status.state != "below_threshold":
            continue
        f = a.get("finding")
        rate = "" if status.latest_rate is None else f"{status.latest_rate:.0f}%"
        out.append(
            Item(
                key=f"audit_failing-{a['id']}",
                kind="audit_failing",
                detail=T_(
                    "%(tool)s: latest %(rate)s, threshold %(threshold)s",
                    tool=a["tool"],
                    rate=rate,
                    threshold=f"{a['threshold_pct']:.0f}%",
                ),
                fix_url=finding_url(f["id"], "poc") if f else "/surveys/dashboard",
                fix_label=N_("Open the plan of correction"),
                due=today,
                ftag=_tag(f),
            )
        )
    return out


def qm_over(row: Mapping[str, Any]) -> tuple[str, float] | None:
    """("state"|"national", points worse) when the measure is worse than its benchmark, else None."""
    comparison = row.get("comparison")
    rate = row.get("rate")
    if comparison is None or rate is None or rate.percent is None:
        return None
    higher_better = bool(row.get("higher_is_better"))
    for scope, delta in (("state", comparison.versus_state), ("national", comparison.versus_national)):
        if delta is None:
            continue
        worse = -delta if higher_better else delta
        return (scope, worse) if worse > 0 else None
    return None


def qm_rows(measures: Sequence[Mapping[str, Any]], today: date) -> list[Item]:
    """surveys.qm_services.measure_rows: the measures worse than the benchmark, linked to the residents behind."""
    out = []
    for m in measures:
        over = qm_over(m)
        if over is None:
            continue
        scope, worse = over
        tags = [t["code"] for t in m.get("ftags", [])]
        out.append(
            Item(
                key=f"qm_over-{m['code']}",
                kind="qm_over",
                detail=T_(
                    QM_TEXT[scope],
                    code=m["code"],
                    name=m["description"],
                    rate=f"{m['rate'].percent:.1f}%",
                    worse=f"{worse:.1f}",
                    count=m["rate"].numerator,
                ),
                fix_url=f"/chain/qm/{m['code']}",
                fix_label=N_("Residents behind it"),
                due=today,
                ftag=tags[0] if tags else "",
                care_areas=tuple(n for n, _ in m.get("care_areas", [])),
                links=tuple((f"/chain/ftags/{t}", t) for t in tags[1:]),
            )
        )
    return out


def don_items(
    pocs_due: Iterable[Mapping[str, Any]],
    tasks: Iterable[Mapping[str, Any]],
    audits: Iterable[Mapping[str, Any]],
    measures: Sequence[Mapping[str, Any]],
    today: date,
) -> list[Item]:
    return [*poc_rows(pocs_due), *task_rows(tasks), *audit_rows(audits, today), *qm_rows(measures, today)]
