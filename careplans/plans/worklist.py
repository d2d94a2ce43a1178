"""The nurse's worklist and the facility compliance list, as worklist rows (pure).

Inputs are what careplans.compliance already computes (its findings, its per-resident inputs) and the
documentation review (careplans.services.facility_review rows); nothing here re-decides a deadline, it only
turns findings into rows a nurse can finish: who, what, by when, which F-tag and care areas, and where to fix it.
A change in condition starts a 7-day care-plan revision clock (compliance.REVISION_AFTER_CHANGE_DAYS); the
clock is shown while it runs, the overdue finding after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from careplans.i18n import T_
from careplans.rules import compliance as cmp
from careplans.rules.triggers import CARE_AREA_BY_NUMBER, CARE_AREAS
from facility.core.forms import N_
from facility.core.worklist import Clock, Item

# Care area names for the worklist pages (facility's template shows them; CMS names, as careplans.rules.triggers).
AREA_NAMES: dict[str, dict[int, str]] = {
    lang: {a.caa: (a.name_es if lang == "es" else a.name_en) for a in CARE_AREAS} for lang in ("en", "es")
}

# Compliance list kinds = the compliance codes, in the order the page counts them.
COMPLIANCE_KINDS: tuple[str, ...] = tuple(cmp.MESSAGES)
COMPLIANCE_LABELS: dict[str, str] = {
    "baseline_missing": N_("Baseline care plan missing"),
    "baseline_late": N_("Baseline care plan late"),
    "baseline_due": N_("Baseline care plan due"),
    "care_plan_missing": N_("Care plan missing"),
    "care_plan_late": N_("Care plan late"),
    "care_plan_due": N_("Care plan due"),
    "review_after_assessment_missing": N_("Review after assessment"),
    "revision_after_change_missing": N_("Revision after a change"),
    "triggered_unaddressed": N_("Triggered, not planned"),
    "problem_no_interventions": N_("Problem without interventions"),
    "goal_no_target": N_("Goal without target date"),
    "goal_past_target": N_("Goal past its target"),
    "not_reviewed_92": N_("Not reviewed in 92 days"),
}

# The nurse's kinds.
NURSE_KINDS: tuple[str, ...] = ("change_clock", "care_plan_due", "review_due", "not_planned", "notes_flagged")
NURSE_LABELS: dict[str, str] = {
    "change_clock": N_("Change in condition: 7-day revision"),
    "care_plan_due": N_("Care plan due"),
    "review_due": N_("Care plan review due"),
    "not_planned": N_("Triggered, not planned"),
    "notes_flagged": N_("Notes flagged"),
}
_NURSE_KIND_OF_CODE = {
    "baseline_missing": "care_plan_due",
    "baseline_due": "care_plan_due",
    "care_plan_missing": "care_plan_due",
    "care_plan_due": "care_plan_due",
    "review_after_assessment_missing": "review_due",
    "revision_after_change_missing": "review_due",
    "not_reviewed_92": "review_due",
    "goal_past_target": "review_due",
    "triggered_unaddressed": "not_planned",
}


def plan_url(resident_id: int | str, anchor: str = "") -> str:
    return f"/residents/{resident_id}?tab=careplan" + (f"#{anchor}" if anchor else "")


def area_name(caa: int, lang: str = "en") -> str:
    area = CARE_AREA_BY_NUMBER.get(caa)
    if area is None:
        return str(caa)
    return area.name_es if lang == "es" else area.name_en


def _person(people: Mapping[int, Mapping[str, Any]], resident_id: int) -> dict[str, Any]:
    r = people.get(resident_id) or {}
    return {
        "resident_id": resident_id,
        "resident": f"{r.get('last_name', '?')}, {r.get('first_name', '?')}",
        "unit": r.get("unit_name") or "",
        "room": r.get("room") or "",
    }


def _problem_areas(inputs: Iterable[cmp.Resident]) -> dict[str, int]:
    """problem id / goal id -> its care area (problems opened from a trigger)."""
    out: dict[str, int] = {}
    for r in inputs:
        for p in r.care_plan.problems:
            if p.caa is not None:
                out[p.id] = p.caa
                for g in p.goals:
                    out[g.id] = p.caa
    return out


def _anchor(f: cmp.Finding, problem_of_goal: Mapping[str, str]) -> str:
    if f.code.startswith("baseline"):
        return "careplan"
    if f.code == "triggered_unaddressed":
        return f"caa-{f.ref}"
    if f.code in ("revision_after_change_missing", "problem_no_interventions"):
        return f"problem-{f.ref}"
    if f.code.startswith("goal_") and f.ref in problem_of_goal:
        return f"problem-{problem_of_goal[f.ref]}"
    if f.code in ("review_after_assessment_missing", "not_reviewed_92"):
        return "conferences"
    return "cp-problems"


def _text(f: cmp.Finding) -> Mapping[str, str]:
    """The finding's message, with the care area named instead of numbered."""
    if f.code == "triggered_unaddressed" and f.ref.isdigit():
        caa = int(f.ref)
        return T_(
            "%(area)s: triggered, with neither a care-plan problem nor a 'no care plan' reason (due %(due)s)",
            area={"en": area_name(caa, "en"), "es": area_name(caa, "es")},
            due=f.due,
        )
    return f.message


def _care_plan_clocks(inputs: Iterable[cmp.Resident]) -> dict[str, Clock]:
    """assessment id -> the 7-day care-plan clock (CAA completion V0200B2 .. care plan due)."""
    out: dict[str, Clock] = {}
    for r in inputs:
        for a in r.assessments:
            due = cmp.comprehensive_care_plan_due(a, r.admitted_at)
            if due is not None and a.v0200b2 is not None and a.v0200b2 <= due:
                out[a.id] = Clock(a.v0200b2, due)
    return out


def finding_item(
    f: cmp.Finding,
    person: Mapping[str, Any],
    kind: str,
    areas: Mapping[str, int],
    problem_of_goal: Mapping[str, str],
    clock: Clock | None = None,
) -> Item:
    if f.code == "triggered_unaddressed" and f.ref.isdigit():
        care_areas: tuple[int, ...] = (int(f.ref),)
        fix = N_("Plan it")
    else:
        care_areas = (areas[f.ref],) if f.ref in areas else ()
        fix = N_("Open the care plan")
    rid = int(person["resident_id"])
    return Item(
        key=f"{kind}-{f.resident_id}-{f.code}-{f.ref}-{f.due}",
        kind=kind,
        detail=_text(f),
        fix_url=plan_url(rid, _anchor(f, problem_of_goal)),
        fix_label=fix,
        due=f.due,
        ftag=f.ftag,
        care_areas=care_areas,
        clock=clock,
        **person,
    )


def _goal_problems(inputs: Iterable[cmp.Resident]) -> dict[str, str]:
    return {g.id: p.id for r in inputs for p in r.care_plan.problems for g in p.goals}


def compliance_items(
    inputs: Sequence[cmp.Resident], people: Mapping[int, Mapping[str, Any]], findings: Iterable[cmp.Finding]
) -> list[Item]:
    """Every compliance finding as a row (kind = its code), care areas by name."""
    areas, goals = _problem_areas(inputs), _goal_problems(inputs)
    clocks = _care_plan_clocks(inputs)
    return [
        finding_item(
            f,
            _person(people, int(f.resident_id)),
            f.code,
            areas,
            goals,
            clocks.get(f.ref) if f.code == "care_plan_due" else None,
        )
        for f in findings
    ]


def change_clocks(
    inputs: Iterable[cmp.Resident], people: Mapping[int, Mapping[str, Any]], today: date
) -> list[Item]:
    """Problems flagged as changed and not revised yet, while the 7-day revision clock runs (after it the
    compliance finding revision_after_change_missing takes over)."""
    out = []
    for r in inputs:
        for p in r.care_plan.problems:
            changed = p.needs_changed_at
            if p.status != "active" or changed is None:
                continue
            if p.last_revised_at is not None and p.last_revised_at >= changed:
                continue
            clock = Clock(changed.date(), changed.date() + timedelta(days=cmp.REVISION_AFTER_CHANGE_DAYS))
            if today > clock.end:
                continue
            person = _person(people, int(r.id))
            out.append(
                Item(
                    key=f"change_clock-{r.id}-{p.id}",
                    kind="change_clock",
                    detail=T_(
                        "'%(focus)s' changed on %(changed)s: revise the care plan by %(end)s",
                        focus=p.focus,
                        changed=changed.date(),
                        end=clock.end,
                    ),
                    fix_url=plan_url(person["resident_id"], f"problem-{p.id}"),
                    fix_label=N_("Revise the plan"),
                    due=clock.end,
                    ftag="F657",
                    care_areas=(p.caa,) if p.caa else (),
                    clock=clock,
                    **person,
                )
            )
    return out


def notes_items(review_rows: Iterable[Mapping[str, Any]], today: date) -> list[Item]:
    """Documentation review rows (careplans.services.facility_review): notes naming a condition the plan does
    not address, interventions not documented, a possible significant change. Due today: they are today's."""
    out = []
    for row in review_rows:
        r = row["resident"]
        person = _person({r["id"]: r}, r["id"])
        for m in row.get("mentions", []):
            mention = m["mention"]
            out.append(
                Item(
                    key=f"note-{r['id']}-{mention.note_id}-{mention.condition}",
                    kind="notes_flagged",
                    detail=T_(
                        "A progress note mentions %(condition)s; the care plan does not address it",
                        condition={"en": mention.label_en, "es": mention.label_es},
                    ),
                    fix_url=plan_url(r["id"], "notes"),
                    fix_label=N_("Open the care plan"),
                    due=today,
                    care_areas=tuple(sorted(_condition_areas(mention.condition))),
                    **person,
                )
            )
        undocumented = row.get("undocumented") or []
        if undocumented:
            out.append(
                Item(
                    key=f"undocumented-{r['id']}",
                    kind="notes_flagged",
                    detail=T_("Interventions not documented recently: %(count)s", count=len(undocumented)),
                    fix_url=plan_url(r["id"], f"intervention-{undocumented[0].intervention_id}"),
                    fix_label=N_("Document the care"),
                    due=today,
                    **person,
                )
            )
        if row.get("scsa") is not None:
            out.append(
                Item(
                    key=f"scsa-{r['id']}",
                    kind="notes_flagged",
                    detail=T_("The newest assessment differs from the one before: a significant change?"),
                    fix_url=f"/residents/{r['id']}?tab=assessments",
                    fix_label=N_("Review the assessments"),
                    due=today,
                    ftag="F637",
                    **person,
                )
            )
    return out


def _condition_areas(condition: str) -> frozenset[int]:
    from careplans.rules import notes_review

    for c in notes_review.CONDITIONS:
        if c.key == condition:
            return c.caas
    return frozenset()


def nurse_items(
    inputs: Sequence[cmp.Resident],
    people: Mapping[int, Mapping[str, Any]],
    findings: Iterable[cmp.Finding],
    review_rows: Iterable[Mapping[str, Any]],
    today: date,
) -> list[Item]:
    """Care plans due or due for review, triggered-but-not-planned areas, running change clocks, notes flagged."""
    areas, goals = _problem_areas(inputs), _goal_problems(inputs)
    clocks = _care_plan_clocks(inputs)
    out = change_clocks(inputs, people, today)
    for f in findings:
        kind = _NURSE_KIND_OF_CODE.get(f.code)
        if kind is None:
            continue
        clock = clocks.get(f.ref) if f.code == "care_plan_due" else None
        out.append(finding_item(f, _person(people, int(f.resident_id)), kind, areas, goals, clock))
    out += notes_items(review_rows, today)
    return out
