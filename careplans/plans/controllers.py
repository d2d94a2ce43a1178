"""Care-plan pages: the resident's care-plan tab, the CAA worksheet (Section V), the facility
compliance page, the documentation review page, and the care plan / Kardex PDFs.

Roles: everyone reads; admin, MDS coordinator and nurse change the plan and document; the CAA
care-planning decisions are the RN coordinator's (admin, mds_coordinator). UM reviewers and
viewers read only. Every object loaded by id must belong to one of the user's facilities, else a
`denied` audit row and 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NoReturn

import anyio
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from careplans.i18n import gettext
from careplans.plans import forms, pdf, services
from careplans.plans.library import load_library
from careplans.rules import baseline as baseline_rules
from careplans.rules import review as review_rules
from careplans.rules import signatures
from careplans.rules.triggers import CARE_AREA_BY_NUMBER, CARE_AREAS
from facility.core import audit, clock
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import N_, parse_version
from facility.residents import services as facility_services
from facility.web.core import (
    CLINICAL_WRITE_ROLES,
    READ_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    is_partial,
    render,
)
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for

DECISION_ROLES = ("admin", "mds_coordinator")
REVIEW_ROLES = ("admin", "mds_coordinator", "nurse")
MAX_REVIEW_DAYS = 30

STALE = N_("Someone else changed this record. Review it and try again.")
MISSING_VERSION = N_("The form is missing its version; reload the page.")


def _plan_url(resident_id: int, anchor: str = "") -> str:
    return f"/residents/{resident_id}?tab=careplan" + (f"#{anchor}" if anchor else "")


async def _deny(request: Request[Any, Any, Any], object_type: str, object_id: int) -> NoReturn:
    raise await denied_as_not_found(request, object_type, object_id)


async def _resident_or_404(request: Request[Any, Any, Any], resident_id: int) -> dict[str, Any]:
    resident = await facility_services.get_resident(current_user(request), resident_id)
    if resident is None:
        await _deny(request, "resident", resident_id)
    return resident


async def _owned(
    request: Request[Any, Any, Any], row: dict[str, Any] | None, object_type: str, object_id: int
) -> dict[str, Any]:
    if row is None or not current_user(request).may_access_facility(row["facility"]):
        await _deny(request, object_type, object_id)
    return row


async def _assessment_or_404(
    request: Request[Any, Any, Any], resident_id: int, assessment_id: int
) -> dict[str, Any]:
    for a in await services.assessments_of(resident_id):
        if int(a["id"]) == assessment_id:
            return a
    await _deny(request, "assessment", assessment_id)
    raise NotFoundException()  # unreachable; keeps type checkers calm


# --------------------------------------------------------------------------- the care-plan tab


def _library_entry(entry: Any, lang: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "caa": entry.caa,
        "focus": entry.focus[lang],
        "goals": [g.text[lang] for g in entry.goals],
        "interventions": [i.text[lang] for i in entry.interventions],
    }


def _problem_keys(problem: dict[str, Any]) -> set[str]:
    """The form keys of a problem's own forms: the problem is shown open when one of them has errors or focus."""
    pid = problem["id"]
    keys = {f"problem-{pid}", f"review-{pid}", f"goal-new-{pid}", f"iv-new-{pid}"}
    keys |= {f"goal-{g['id']}" for g in problem["goals"]}
    keys |= {f"{kind}-{i['id']}" for i in problem["interventions"] for kind in ("iv", "rec")}
    return keys


async def plan_context(
    request: Request[Any, Any, Any], resident: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    user = current_user(request)
    lang = locale_for(request)
    lib = load_library()
    assessments = await services.assessments_of(resident["id"])
    latest = services.latest_comprehensive(assessments)
    triggered = await services.triggers_for(latest)
    newest = assessments[0] if assessments else None
    info_only = await services.triggers_for(newest) if newest is not None and newest is not latest else []
    decisions = {d["caa"]: d for d in await services.decisions_for([int(latest["id"])])} if latest else {}
    problems = await services.problems_of(resident["id"])
    library_ids = {p["library_id"] for p in problems if p["status"] == "active" and p["library_id"]}
    areas = [
        {
            "area": t,
            "decision": decisions.get(t.caa),
            "problems": [p for p in problems if p["caa"] == t.caa and p["status"] == "active"],
            "library": [_library_entry(e, lang) for e in lib.for_caa(t.caa)],
        }
        for t in triggered
    ]
    triggered_caas = {t.caa for t in triggered}
    stay = await services.current_stay(resident["id"])
    plan = await services.plan_row(resident["id"])
    moment = services.now()
    clock = (
        baseline_rules.clock(
            stay["admission_date"],
            stay.get("admitted_at"),
            services._aware(plan["baseline_completed_at"]) if plan else None,
            moment,
        )
        if stay
        else None
    )
    recorded = await services.signatures_of(resident["id"])
    keys = {*extra.get("form_errors", {}), *extra.get("conflict", {}), extra.get("focus", "")}
    open_problems = {p["id"] for p in problems if _problem_keys(p) & keys}
    return {
        "resident": resident,
        "lang": lang,
        "assessments": assessments,
        "latest": latest,
        "areas": areas,
        "info_only": info_only,
        "newest": newest,
        "latest_label": services.label_of(latest, lang),
        "newest_label": services.label_of(newest, lang),
        "problems": problems,
        "plan": plan,
        "stay": stay,
        "clock": clock,
        "baseline_content": baseline_rules.CONTENT,
        "reviews": services.problem_reviews(problems, stay, assessments, moment.date()),
        "review_reasons": review_rules.REASONS,
        "signatures": recorded,
        "signature_roles": signatures.ROLES,
        "wet_lines": signatures.wet_lines(recorded),
        "open_problems": open_problems,
        "findings": await services.resident_findings(resident),
        "conferences": await services.conferences_for([resident["id"]]),
        "notes": await services.notes_for([resident["id"]], limit=20),
        "history": await services.history_of(resident["id"]),
        "library_ids": library_ids,
        "triggered_caas": triggered_caas,
        "other_library": [_library_entry(e, lang) for e in lib.problems if e.caa not in triggered_caas],
        "disciplines": lib.disciplines,
        "frequencies": lib.frequencies,
        "roles": lib.roles,
        "care_areas": CARE_AREAS,
        "area_by_number": CARE_AREA_BY_NUMBER,
        "can_write": user.can(CLINICAL_WRITE_ROLES),
        "can_decide": user.can(DECISION_ROLES),
        "now": moment,
        "today": moment.date(),
        "form_errors": {},
        "form_values": {},
        "conflict": {},
        "notice": "",
        "focus": "",
        **extra,
    }


async def careplan_tab(
    request: Request[Any, Any, Any], resident: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    return "careplans/_tab.html", await plan_context(request, resident)


async def _tab_page(
    request: Request[Any, Any, Any],
    resident: dict[str, Any],
    status: int,
    form: str,
    values: dict[str, Any],
    errors: dict[str, str],
    conflict: dict[str, Any] | None = None,
    **extra: Any,
) -> Template:
    """The resident page on the care-plan tab with one form's errors and the user's values (422/409)."""
    from facility.residents.controllers import TAB_NAMES

    ctx = await plan_context(
        request,
        resident,
        form_errors={form: errors},
        form_values={form: values},
        conflict={form: conflict} if conflict is not None else {},
        **extra,
    )
    context = {
        "resident": resident,
        "tab": "careplan",
        "tabs": TAB_NAMES,
        "stays": [],
        "tab_template": "careplans/_tab.html",
        "tab_context": ctx,
    }
    return render(
        request, "residents/detail.html", context, fragment="residents/_tab.html", status_code=status
    )


async def _done(
    request: Request[Any, Any, Any], resident: dict[str, Any], message: str, anchor: str = ""
) -> Template | Redirect:
    """After a successful change: htmx gets the refreshed tab with the notice (a redirect to the same
    page with only a new #fragment would not reload it); a plain form post is redirected (303)."""
    notice = gettext(locale_for(request), message)
    if is_partial(request):
        return await _tab_page(request, resident, 200, "", {}, {}, notice=notice, focus=anchor)
    flash(request, notice, "success")
    return Redirect(_plan_url(resident["id"], anchor), status_code=303)


async def _save_versioned(
    request: Request[Any, Any, Any],
    resident: dict[str, Any],
    key: str,
    form: dict[str, Any],
    errors: dict[str, str],
    save: Callable[[int], Awaitable[object]],
    notice: str,
    anchor: str,
) -> Template | Redirect:
    """One versioned save on the tab: 422 with the refusals (a form without its version is one), 409 with the
    current row when someone else saved first, else the refreshed tab with `notice`."""
    version = parse_version(form)
    if version is None:
        errors["version"] = MISSING_VERSION
    if errors or version is None:
        return await _tab_page(request, resident, 422, key, form, errors)
    try:
        await save(version)
    except StaleVersion as stale:
        return await _tab_page(request, resident, 409, key, form, {"version": STALE}, stale.current or {})
    return await _done(request, resident, notice, anchor)


class CarePlanController(Controller):
    path = "/careplans"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    # ---- problems
    @post("/residents/{resident_id:int}/library", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_from_library(
        self, request: Request[Any, Any, Any], resident_id: int
    ) -> Template | Redirect:
        """One click: the library entry with its goals and interventions, in the facility's language."""
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        ctx_triggers = await _triggers(resident_id)
        values, errors = forms.validate_library_pick(form, set(ctx_triggers))
        if errors:
            return await _tab_page(request, resident, 422, "library", form, errors)
        lang = await services.facility_language(resident["facility"])
        picked = services.library_values(values["library_id"], lang, services.today())
        trigger = ctx_triggers.get(values["caa"]) if values["triggered"] else None
        if trigger is None:
            picked["caa"] = None
            picked["not_triggered_reason"] = values["not_triggered_reason"]
        problem_id = await services.add_problem(
            actor_of(request),
            current_user(request),
            resident,
            picked,
            trigger,
            await _latest_id(resident_id) if trigger else None,
        )
        return await _done(request, resident, N_("Problem added to the care plan."), f"problem-{problem_id}")

    @post("/residents/{resident_id:int}/problems", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_problem(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        triggers = await _triggers(resident_id)
        values, errors = forms.validate_new_problem(form, set(triggers))
        if errors:
            return await _tab_page(request, resident, 422, "problem", form, errors)
        trigger = triggers.get(values["caa"]) if values["caa"] else None
        problem_id = await services.add_problem(
            actor_of(request),
            current_user(request),
            resident,
            values,
            trigger,
            await _latest_id(resident_id) if trigger else None,
        )
        return await _done(request, resident, N_("Problem added to the care plan."), f"problem-{problem_id}")

    @post("/problems/{problem_id:int}", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def update_problem(self, request: Request[Any, Any, Any], problem_id: int) -> Template | Redirect:
        problem = await _owned(request, await services.get_problem(problem_id), "problem", problem_id)
        resident = await _resident_or_404(request, problem["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_problem_update(form)
        key = f"problem-{problem_id}"

        async def save(version: int) -> None:
            await services.update_problem(actor_of(request), current_user(request), problem, version, values)

        return await _save_versioned(request, resident, key, form, errors, save, N_("Changes saved."), key)

    @post("/problems/{problem_id:int}/changed", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def flag_change(self, request: Request[Any, Any, Any], problem_id: int) -> Template | Redirect:
        problem = await _owned(request, await services.get_problem(problem_id), "problem", problem_id)
        resident = await _resident_or_404(request, problem["resident"])
        form = dict(await request.form())
        key = f"problem-{problem_id}"
        try:
            await services.flag_change(
                actor_of(request), current_user(request), problem, parse_version(form) or 0
            )
        except StaleVersion as stale:
            return await _tab_page(request, resident, 409, key, form, {"version": STALE}, stale.current or {})
        return await _done(
            request, resident, N_("Change in condition recorded: revise this problem within 7 days."), key
        )

    # ---- goals
    @post("/problems/{problem_id:int}/goals", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_goal(self, request: Request[Any, Any, Any], problem_id: int) -> Template | Redirect:
        problem = await _owned(request, await services.get_problem(problem_id), "problem", problem_id)
        resident = await _resident_or_404(request, problem["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_goal(form, services.today())
        if errors:
            return await _tab_page(request, resident, 422, f"goal-new-{problem_id}", form, errors)
        await services.add_goal(actor_of(request), current_user(request), problem, values)
        return await _done(request, resident, N_("Goal added."), f"problem-{problem_id}")

    @post("/goals/{goal_id:int}", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def update_goal(self, request: Request[Any, Any, Any], goal_id: int) -> Template | Redirect:
        goal = await _owned(request, await services.get_goal(goal_id), "goal", goal_id)
        resident = await _resident_or_404(request, goal["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_goal(form, services.today())

        async def save(version: int) -> None:
            await services.update_goal(actor_of(request), current_user(request), goal, version, values)

        return await _save_versioned(
            request,
            resident,
            f"goal-{goal_id}",
            form,
            errors,
            save,
            N_("Changes saved."),
            f"problem-{goal['problem']}",
        )

    # ---- interventions
    @post("/problems/{problem_id:int}/interventions", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_intervention(self, request: Request[Any, Any, Any], problem_id: int) -> Template | Redirect:
        problem = await _owned(request, await services.get_problem(problem_id), "problem", problem_id)
        resident = await _resident_or_404(request, problem["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_intervention(form)
        if errors:
            return await _tab_page(request, resident, 422, f"iv-new-{problem_id}", form, errors)
        await services.add_intervention(actor_of(request), current_user(request), problem, values)
        return await _done(request, resident, N_("Intervention added."), f"problem-{problem_id}")

    @post("/interventions/{intervention_id:int}", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def update_intervention(
        self, request: Request[Any, Any, Any], intervention_id: int
    ) -> Template | Redirect:
        iv = await _owned(
            request, await services.get_intervention(intervention_id), "intervention", intervention_id
        )
        resident = await _resident_or_404(request, iv["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_intervention(form)

        async def save(version: int) -> None:
            await services.update_intervention(actor_of(request), current_user(request), iv, version, values)

        return await _save_versioned(
            request,
            resident,
            f"iv-{intervention_id}",
            form,
            errors,
            save,
            N_("Changes saved."),
            f"problem-{iv['problem']}",
        )

    @post(
        "/interventions/{intervention_id:int}/records", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303
    )
    async def document(self, request: Request[Any, Any, Any], intervention_id: int) -> Template | Redirect:
        iv = await _owned(
            request, await services.get_intervention(intervention_id), "intervention", intervention_id
        )
        resident = await _resident_or_404(request, iv["resident"])
        form = dict(await request.form())
        values, errors = forms.validate_record(form, services.now())
        if iv["status"] != "active":
            errors["status"] = N_("This intervention is discontinued.")
        if errors:
            return await _tab_page(request, resident, 422, f"rec-{intervention_id}", form, errors)
        await services.document_intervention(actor_of(request), current_user(request), iv, values)
        return await _done(request, resident, N_("Documentation saved."), f"problem-{iv['problem']}")

    # ---- whole plan: baseline (F655), admission time, signatures, notes, conferences
    @post("/residents/{resident_id:int}/baseline", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def baseline(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        """Save the baseline care plan's content; with `complete`, record it as completed (every required
        item, the summary given). Nothing is saved when anything is refused (422)."""
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        stay = await services.current_stay(resident_id)
        plan = await services.plan_row(resident_id)
        already = bool(plan and plan["baseline_completed_at"])
        data = {**form, "complete": "1"} if already else form  # a completed plan keeps its required content
        started = (
            baseline_rules.admission_moment(stay["admission_date"], stay.get("admitted_at"))[0]
            if stay
            else None
        )
        values, errors = baseline_rules.validate(
            data, services.now(), stay["admission_date"] if stay else None, started
        )
        if stay is None:
            errors["completed_at"] = N_("The resident has no stay: record the admission first.")
        if errors:
            return await _tab_page(request, resident, 422, "baseline", form, errors)
        if already:
            values["complete"] = False  # the completion time stays as first recorded
        try:
            await services.save_baseline(
                actor_of(request), current_user(request), resident, parse_version(form), values
            )
        except StaleVersion as stale:
            return await _tab_page(
                request, resident, 409, "baseline", form, {"version": STALE}, stale.current or {}
            )
        message = (
            N_("Baseline care plan recorded as completed.")
            if values["complete"]
            else N_("Baseline care plan saved.")
        )
        return await _done(request, resident, message, "baseline")

    @post("/residents/{resident_id:int}/admission-time", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def admission_time(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        """The time of day of the current stay's admission (the 48-hour baseline clock starts then)."""
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        stay = await services.current_stay(resident_id)
        version = parse_version(form)
        if stay is None:
            return await _tab_page(
                request,
                resident,
                422,
                "admission",
                form,
                {"admission_time": N_("The resident has no stay: record the admission first.")},
            )
        moment, errors = baseline_rules.validate_admission_time(form, stay["admission_date"], services.now())
        if version is None:
            errors["version"] = MISSING_VERSION
        if errors or moment is None:
            return await _tab_page(request, resident, 422, "admission", form, errors)
        try:
            await services.set_admission_time(
                actor_of(request), current_user(request), stay, version or 0, moment
            )
        except StaleVersion as stale:
            return await _tab_page(
                request, resident, 409, "admission", form, {"version": STALE}, stale.current or {}
            )
        return await _done(request, resident, N_("Admission time saved."), "baseline")

    @post("/problems/{problem_id:int}/review", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def review_problem(self, request: Request[Any, Any, Any], problem_id: int) -> Template | Redirect:
        """Record the IDT review of one problem and/or the team's next review date (never later than the
        assessment schedule allows)."""
        problem = await _owned(request, await services.get_problem(problem_id), "problem", problem_id)
        resident = await _resident_or_404(request, problem["resident"])
        form = dict(await request.form())
        key = f"review-{problem_id}"
        stay = await services.current_stay(resident["id"])
        if stay is None or problem["status"] != "active":
            errors = {"review_due": N_("Only active problems of a resident in a stay are reviewed.")}
            return await _tab_page(request, resident, 422, key, form, errors)
        created = services._aware(problem["created_at"]) or services.now()
        values, errors = review_rules.validate_review(
            form,
            services.today(),
            stay["admission_date"],
            services.obra_records(await services.assessments_of(resident["id"])),
            services.last_review_of(problem),
            min(created.date(), stay["admission_date"]),
        )
        limit = errors.pop("review_due_limit", "")
        message = errors.get("review_due", "")
        if limit and message:
            errors["review_due"] = gettext(locale_for(request), message, limit=limit)

        async def save(version: int) -> None:
            await services.review_problem(actor_of(request), current_user(request), problem, version, values)

        return await _save_versioned(
            request, resident, key, form, errors, save, N_("Review saved."), f"problem-{problem_id}"
        )

    @post("/residents/{resident_id:int}/signatures", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_signature(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        values, errors = signatures.validate(form, services.today())
        if errors:
            return await _tab_page(request, resident, 422, "signature", form, errors)
        await services.add_signature(actor_of(request), current_user(request), resident, values)
        return await _done(request, resident, N_("Signature recorded."), "signatures")

    @post("/signatures/{signature_id:int}/withdraw", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def withdraw_signature(
        self, request: Request[Any, Any, Any], signature_id: int
    ) -> Template | Redirect:
        row = await _owned(
            request, await services.get_signature(signature_id), "care_plan_signature", signature_id
        )
        resident = await _resident_or_404(request, row["resident"])
        form = dict(await request.form())

        async def save(version: int) -> None:
            await services.withdraw_signature(actor_of(request), current_user(request), row, version)

        return await _save_versioned(
            request, resident, "signature", form, {}, save, N_("Signature withdrawn."), "signatures"
        )

    @post("/residents/{resident_id:int}/notes", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_note(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        values, errors = forms.validate_note(form, services.now())
        if errors:
            return await _tab_page(request, resident, 422, "note", form, errors)
        await services.add_note(actor_of(request), current_user(request), resident, values)
        return await _done(request, resident, N_("Progress note saved."), "notes")

    @post("/residents/{resident_id:int}/conferences", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_conference(self, request: Request[Any, Any, Any], resident_id: int) -> Template | Redirect:
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        values, errors = forms.validate_conference(form, services.today())
        if errors:
            return await _tab_page(request, resident, 422, "conference", form, errors)
        await services.add_conference(actor_of(request), current_user(request), resident, values)
        return await _done(request, resident, N_("Care-plan conference recorded."), "conferences")

    # ---- CAA worksheet
    @get("/residents/{resident_id:int}/assessments/{assessment_id:int}", media_type=MediaType.HTML)
    async def worksheet(
        self, request: Request[Any, Any, Any], resident_id: int, assessment_id: int
    ) -> Template:
        resident = await _resident_or_404(request, resident_id)
        assessment = await _assessment_or_404(request, resident_id, assessment_id)
        ctx = await _worksheet_context(request, resident, assessment)
        return Template("careplans/worksheet.html", context=ctx)

    @post(
        "/residents/{resident_id:int}/assessments/{assessment_id:int}/caa/{caa:int}",
        opt={"roles": DECISION_ROLES},
        status_code=303,
    )
    async def decide(
        self, request: Request[Any, Any, Any], resident_id: int, assessment_id: int, caa: int
    ) -> Template | Redirect:
        resident = await _resident_or_404(request, resident_id)
        assessment = await _assessment_or_404(request, resident_id, assessment_id)
        form = dict(await request.form())
        ctx = await _worksheet_context(request, resident, assessment)
        if caa not in {a["area"].caa for a in ctx["areas"]}:
            raise NotFoundException()  # not triggered on this assessment: nothing to decide
        values, errors = forms.validate_decision(form, services.today())
        status = 422
        if not errors:
            try:
                await services.save_decision(
                    actor_of(request),
                    current_user(request),
                    resident,
                    assessment_id,
                    caa,
                    parse_version(form),
                    values,
                )
                notice = gettext(locale_for(request), N_("CAA decision saved."))
                if not is_partial(request):
                    flash(request, notice, "success")
                    return Redirect(
                        f"/careplans/residents/{resident_id}/assessments/{assessment_id}#caa-{caa}",
                        status_code=303,
                    )
                ctx = await _worksheet_context(request, resident, assessment)
                area = next(a for a in ctx["areas"] if a["area"].caa == caa)
                return render(
                    request,
                    "careplans/worksheet.html",
                    {**ctx, "item": area, "notice": notice},
                    fragment="careplans/_area.html",
                )
            except StaleVersion as stale:
                errors, status = {"version": STALE}, 409
                ctx["conflict"] = {caa: stale.current}
        ctx.update(form_errors={caa: errors}, form_values={caa: form})
        area = next(a for a in ctx["areas"] if a["area"].caa == caa)
        return render(
            request,
            "careplans/worksheet.html",
            {**ctx, "item": area},
            fragment="careplans/_area.html",
            status_code=status,
        )

    # ---- facility pages
    @get("/review", media_type=MediaType.HTML, opt={"roles": REVIEW_ROLES})
    async def review(self, request: Request[Any, Any, Any], days: int = 3) -> Template:
        user = current_user(request)
        days = min(max(days, 1), MAX_REVIEW_DAYS)
        rows = await services.facility_review(user.facility_id or -1, days)
        ctx = {"rows": rows, "days": days, "lang": locale_for(request), "now": services.now()}
        return render(request, "careplans/review.html", ctx, fragment="careplans/_review_rows.html")

    # ---- printing
    @get("/residents/{resident_id:int}/careplan.pdf")
    async def care_plan_pdf(self, request: Request[Any, Any, Any], resident_id: int) -> Response[bytes]:
        return await _pdf(request, resident_id, "care_plan")

    @get("/residents/{resident_id:int}/kardex.pdf")
    async def kardex_pdf(self, request: Request[Any, Any, Any], resident_id: int) -> Response[bytes]:
        return await _pdf(request, resident_id, "kardex")


async def _triggers(resident_id: int) -> dict[int, Any]:
    """CAA number -> triggered area of the latest comprehensive assessment (CAA process only)."""
    latest = services.latest_comprehensive(await services.assessments_of(resident_id))
    return {t.caa: t for t in await services.triggers_for(latest) if t.caa_process}


async def _latest_id(resident_id: int) -> int | None:
    latest = services.latest_comprehensive(await services.assessments_of(resident_id))
    return int(latest["id"]) if latest else None


async def _worksheet_context(
    request: Request[Any, Any, Any], resident: dict[str, Any], assessment: dict[str, Any]
) -> dict[str, Any]:
    sheet = await services.worksheet(resident["id"], assessment)
    lang = locale_for(request)
    undecided = [a["area"].caa for a in sheet["areas"] if not (a["decision"] and a["decision"]["care_plan"])]
    return {
        **sheet,
        "open_caas": set(undecided[:3]),  # the page stays short: decided areas and the rest fold to one line
        "resident": resident,
        "lang": lang,
        "label": services.label_of(assessment, lang),
        "can_decide": current_user(request).can(DECISION_ROLES),
        "today": services.today(),
        "form_errors": {},
        "form_values": {},
        "conflict": {},
    }


async def _pdf(request: Request[Any, Any, Any], resident_id: int, kind: str) -> Response[bytes]:
    resident = await _resident_or_404(request, resident_id)
    lang = await services.facility_language(resident["facility"])
    stay = await services.current_stay(resident_id)
    problems = await services.problems_of(resident_id)
    printed = services.now().replace(tzinfo=None)
    if kind == "kardex":
        content = await anyio.to_thread.run_sync(
            lambda: pdf.kardex_pdf(
                facility=resident["facility_name"],
                lang=lang,
                resident=resident,
                stay=stay,
                problems=problems,
                printed=printed,
            )
        )
    else:
        plan = await services.plan_row(resident_id)
        conferences = await services.conferences_for([resident_id])
        recorded = await services.signatures_of(resident_id)
        content = await anyio.to_thread.run_sync(
            lambda: pdf.care_plan_pdf(
                facility=resident["facility_name"],
                lang=lang,
                resident=resident,
                stay=stay,
                plan=plan,
                problems=problems,
                conferences=conferences,
                signatures=recorded,
                printed=printed,
            )
        )
    async with write_transaction():
        await audit.record(
            actor_of(request),
            "export",
            kind,
            resident_id,
            facility_id=resident["facility"],
            resident_id=resident_id,
            after={"format": "pdf", "language": lang},
        )
    filename = f"{kind}-{resident_id}-{clock.today().strftime('%Y%m%d')}.pdf"
    return Response(
        content=content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"},
    )


ROUTE_HANDLERS = [CarePlanController]
NAV = [
    NavItem("/careplans/compliance", N_("Care-plan compliance"), READ_ROLES, 30),
    NavItem("/careplans/review", N_("Documentation review"), REVIEW_ROLES, 31),
]
RESIDENT_TABS = {"careplan": careplan_tab}
