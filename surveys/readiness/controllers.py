"""Survey-readiness pages: surveys and CMS-2567 findings, plans of correction (sign-off, PDF), corrective
tasks, monitoring audits, recommendations, the F-tag catalog and the readiness dashboard."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import anyio
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.core import audit, clock
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import parse_version
from facility.tables import Facility
from facility.web.core import (
    CLINICAL_WRITE_ROLES,
    READ_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    is_partial,
    redirect_after_post,
    render,
)
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from surveys.i18n import gettext
from surveys.readiness import forms, ftags, pdf, poc, services, severity
from surveys.readiness.forms import N_
from surveys.tables import Survey

SURVEY_WRITE_ROLES = CLINICAL_WRITE_ROLES


async def findings_guard(connection: Any, handler: Any) -> None:
    """Recording a survey or a 2567 finding: administrator, DON or MDS coordinator only (services.may_enter_findings).

    A refusal is audited like any role denial (ASVS 16.3.2)."""
    user = current_user(connection)
    if not services.may_enter_findings(user):
        async with write_transaction():
            await audit.record(
                actor_of(connection), "denied", "route", connection.scope["path"][:40], outcome="role"
            )
        raise PermissionDeniedException("only the administrator, DON or MDS coordinator enters 2567 findings")


ENTRY = {"roles": SURVEY_WRITE_ROLES}
NAV = [
    NavItem("/surveys/dashboard", N_("Survey readiness"), READ_ROLES, order=60),
    NavItem("/surveys", N_("Surveys"), READ_ROLES, order=61),
]
STALE = N_("Someone else changed this record. Review it and try again.")

Req = Request[Any, Any, Any]


def _today() -> date:
    return clock.today()


_redirect = redirect_after_post


async def _or_404(
    request: Req, loader: Callable[..., Awaitable[dict[str, Any] | None]], kind: str, object_id: int
) -> dict[str, Any]:
    """Another facility's id looks exactly like a missing one; the attempt is audited."""
    row = await loader(current_user(request), object_id)
    if row is None:
        raise await denied_as_not_found(request, kind, object_id)
    return row


async def _form(request: Req) -> tuple[dict[str, Any], Any]:
    raw = await request.form()
    return {k: v for k, v in raw.items() if not isinstance(v, UploadFile)}, raw


def _facility_id(request: Req) -> int:
    return current_user(request).facility_id or -1


async def _finding_context(request: Req, finding: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Everything the finding page shows: the 2567 entry, residents, evidence, POC, tasks, audits."""
    user = current_user(request)
    survey = await _survey_of(finding["survey"])
    plan = await services.poc_of_finding(finding["id"])
    today = _today()
    issues = (
        poc.validate(services.plan_of(plan, finding), survey["exit_date"]) if finding["poc_required"] else []
    )
    poc_values = extra.pop("poc_values", None)
    if poc_values is None:
        poc_values = {k: (plan[k] if plan else "") for k in services.POC_FIELDS}
        if plan and plan["completion_date"]:
            poc_values["completion_date"] = plan["completion_date"].isoformat()
    context = {
        "finding": finding,
        "survey": survey,
        "plan": plan,
        "poc_values": poc_values,
        "poc_errors": {},
        "poc_state": services.poc_state(plan, finding, survey),
        "poc_issues": issues,
        "deadline": services.poc_deadline(survey, today),
        "signoffs": services.signoffs_of(plan),
        "signer_roles": services.signer_roles(user),
        "next_signer": poc.next_signer(services.signoffs_of(plan)),
        "elements": poc.ELEMENTS,
        "residents": await services.residents_of_finding(finding["id"]),
        "evidence": await services.evidence_of(finding["id"]),
        "evidence_errors": {},
        "tasks": services.flag_tasks(await services.tasks_of([plan["id"]] if plan else []), today),
        "audits": await services.audits_of([plan["id"]] if plan else [], today),
        "task_values": {},
        "task_errors": {},
        "audit_values": {},
        "audit_errors": {},
        "result_values": {},
        "result_errors": {},
        "sign_error": "",
        "task_statuses": forms.TASK_STATUSES,
        "frequencies": forms.FREQUENCIES,
        "today": today,
        "can_write": user.can(SURVEY_WRITE_ROLES),
        "can_enter": services.may_enter_findings(user),
        "lang": locale_for(request),
    }
    context.update(extra)
    return context


async def _survey_of(survey_id: int) -> dict[str, Any]:
    """The survey of a finding already checked against the user's facilities (same facility)."""
    survey = await Survey.select().where(Survey.id == survey_id).first()
    if survey is None:  # the finding's foreign key makes this impossible
        raise NotFoundException()
    return survey


def _finding_form_context(
    survey: dict[str, Any],
    choices: list[dict[str, Any]],
    values: dict[str, Any],
    errors: dict[str, str],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "survey": survey,
        "resident_choices": choices,
        "values": values,
        "errors": errors,
        "codes": list(severity.GRID),
        "idr_choices": forms.IDR_CHOICES,
        "idr_outcomes": forms.IDR_OUTCOMES,
        "finding_statuses": forms.FINDING_STATUSES,
        **extra,
    }


class SurveyController(Controller):
    path = "/surveys"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    # --- surveys -----------------------------------------------------------------------------

    @get("/", media_type=MediaType.HTML)
    async def list_surveys(self, request: Req) -> Template:
        rows = await services.list_surveys(_facility_id(request))
        return Template(
            "surveys/list.html",
            context={
                "surveys": rows,
                "kinds": forms.SURVEY_KINDS,
                "can_write": current_user(request).can(SURVEY_WRITE_ROLES),
                "can_enter": services.may_enter_findings(current_user(request)),
            },
        )

    def _survey_form(
        self, request: Req, values: dict[str, Any], errors: dict[str, str], status: int = 200, **extra: Any
    ) -> Template:
        context = {"values": values, "errors": errors, "kinds": forms.SURVEY_KINDS, "survey": None, **extra}
        return render(
            request,
            "surveys/survey_form.html",
            context,
            fragment="surveys/_survey_form.html",
            status_code=status,
        )

    @get("/new", media_type=MediaType.HTML, opt=ENTRY, guards=[findings_guard])
    async def new_survey(self, request: Req) -> Template:
        return self._survey_form(request, {"kind": "standard"}, {})

    @post("/", opt=ENTRY, guards=[findings_guard], status_code=303)
    async def create_survey(self, request: Req) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        form, _ = await _form(request)
        values, errors = forms.validate_survey(form, _today())
        if errors or not user.facility_id:
            return self._survey_form(request, form, errors, 422)
        survey_id = await services.create_survey(user, actor_of(request), user.facility_id, values)
        flash(request, gettext(locale_for(request), "Survey recorded."), "success")
        return _redirect(request, f"/surveys/{survey_id}")

    @get("/{survey_id:int}", media_type=MediaType.HTML)
    async def survey_page(self, request: Req, survey_id: int) -> Template:
        survey = await _or_404(request, services.get_survey, "survey", survey_id)
        return await self._survey_page(request, survey, {}, {})

    async def _survey_page(
        self,
        request: Req,
        survey: dict[str, Any],
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        findings = await services.findings_of_survey(survey["id"])
        for f in findings:
            f["poc_state"] = services.poc_state(f["poc"], f, survey)
        counts: dict[str, int] = {}
        for f in findings:
            counts[f["scope_severity"]] = counts.get(f["scope_severity"], 0) + 1
        context = _finding_form_context(
            survey,
            await services.resident_choices(survey["facility"]),
            values or {"status": "open"},
            errors,
            findings=findings,
            grid=severity.grid_rows(counts),
            kinds=forms.SURVEY_KINDS,
            deadline=services.poc_deadline(survey, _today()),
            can_write=current_user(request).can(SURVEY_WRITE_ROLES),
            can_enter=services.may_enter_findings(current_user(request)),
            mode="create",
        )
        return render(
            request, "surveys/detail.html", context, fragment="surveys/_finding_form.html", status_code=status
        )

    @get("/{survey_id:int}/edit", media_type=MediaType.HTML, opt=ENTRY, guards=[findings_guard])
    async def edit_survey(self, request: Req, survey_id: int) -> Template:
        survey = await _or_404(request, services.get_survey, "survey", survey_id)
        values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in survey.items()}
        return self._survey_form(
            request, {**values, "received_2567": values["received_2567"] or ""}, {}, survey=survey
        )

    @post("/{survey_id:int}", opt=ENTRY, guards=[findings_guard], status_code=303)
    async def update_survey(self, request: Req, survey_id: int) -> Template | Redirect | ClientRedirect:
        survey = await _or_404(request, services.get_survey, "survey", survey_id)
        form, _ = await _form(request)
        values, errors = forms.validate_survey(form, _today())
        version = parse_version(form)
        if version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        if errors:
            return self._survey_form(request, form, errors, 422, survey=survey)
        try:
            await services.update_survey(
                current_user(request), actor_of(request), survey, version or 0, values
            )
        except StaleVersion as stale:
            return self._survey_form(request, form, {}, 409, survey=survey, conflict=stale.current)
        flash(request, gettext(locale_for(request), "Changes saved."), "success")
        return _redirect(request, f"/surveys/{survey_id}")

    @get("/{survey_id:int}/poc.pdf", media_type="application/pdf")
    async def poc_pdf(self, request: Req, survey_id: int) -> Response[bytes]:
        survey = await _or_404(request, services.get_survey, "survey", survey_id)
        facility = await Facility.select().where(Facility.id == survey["facility"]).first()
        if facility is None:  # the survey's foreign key makes this impossible
            raise NotFoundException()
        findings = await services.findings_of_survey(survey_id)
        content = await anyio.to_thread.run_sync(
            lambda: pdf.poc_pdf(facility, survey, findings, services.poc_deadline(survey, _today()))
        )
        async with write_transaction():
            await audit.record(
                actor_of(request), "export", "poc_pdf", survey_id, facility_id=survey["facility"]
            )
        return Response(
            content,
            media_type="application/pdf",
            headers={"content-disposition": f'inline; filename="plan-of-correction-{survey_id}.pdf"'},
        )

    # --- findings ----------------------------------------------------------------------------

    @post("/{survey_id:int}/findings", opt=ENTRY, guards=[findings_guard], status_code=303)
    async def create_finding(self, request: Req, survey_id: int) -> Template | Redirect | ClientRedirect:
        survey = await _or_404(request, services.get_survey, "survey", survey_id)
        form, raw = await _form(request)
        choices = await services.resident_choices(survey["facility"])
        values, errors = forms.validate_finding(
            form, raw.getall("resident_ids", []), {r["id"] for r in choices}, locale_for(request)
        )
        if errors:
            form["resident_ids"] = [str(v) for v in raw.getall("resident_ids", [])]
            return await self._survey_page(request, survey, form, errors, 422)
        finding_id = await services.create_finding(current_user(request), actor_of(request), survey, values)
        flash(request, gettext(locale_for(request), "Finding recorded."), "success")
        return _redirect(request, f"/surveys/findings/{finding_id}")

    @get("/findings/{finding_id:int}", media_type=MediaType.HTML)
    async def finding_page(self, request: Req, finding_id: int) -> Template:
        finding = await _or_404(request, services.get_finding, "finding", finding_id)
        return Template("surveys/finding.html", context=await _finding_context(request, finding))

    @get("/findings/{finding_id:int}/edit", media_type=MediaType.HTML, opt=ENTRY, guards=[findings_guard])
    async def edit_finding(self, request: Req, finding_id: int) -> Template:
        finding = await _or_404(request, services.get_finding, "finding", finding_id)
        survey = await _survey_of(finding["survey"])
        values = {
            **finding,
            "resident_ids": [str(r["id"]) for r in await services.residents_of_finding(finding_id)],
        }
        context = _finding_form_context(
            survey,
            await services.resident_choices(finding["facility"]),
            values,
            {},
            finding=finding,
            mode="edit",
        )
        return Template("surveys/finding_form.html", context=context)

    @post("/findings/{finding_id:int}", opt=ENTRY, guards=[findings_guard], status_code=303)
    async def update_finding(self, request: Req, finding_id: int) -> Template | Redirect | ClientRedirect:
        finding = await _or_404(request, services.get_finding, "finding", finding_id)
        survey = await _survey_of(finding["survey"])
        form, raw = await _form(request)
        choices = await services.resident_choices(finding["facility"])
        values, errors = forms.validate_finding(
            form, raw.getall("resident_ids", []), {r["id"] for r in choices}, locale_for(request)
        )
        version = parse_version(form)
        if version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        form["resident_ids"] = [str(v) for v in raw.getall("resident_ids", [])]
        status, conflict = 422, None
        if not errors:
            try:
                await services.update_finding(
                    current_user(request), actor_of(request), finding, version or 0, values
                )
                flash(request, gettext(locale_for(request), "Changes saved."), "success")
                return _redirect(request, f"/surveys/findings/{finding_id}")
            except StaleVersion as stale:
                status, conflict = 409, stale.current
        context = _finding_form_context(
            survey, choices, form, errors, finding=finding, mode="edit", conflict=conflict
        )
        return render(
            request,
            "surveys/finding_form.html",
            context,
            fragment="surveys/_finding_form.html",
            status_code=status,
        )

    @post("/findings/{finding_id:int}/evidence", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def upload_evidence(self, request: Req, finding_id: int) -> Template | Redirect | ClientRedirect:
        finding = await _or_404(request, services.get_finding, "finding", finding_id)
        _, raw = await _form(request)
        upload = raw.get("file")
        payload, name, kind = b"", "", ""
        if isinstance(upload, UploadFile):
            payload = await upload.read(forms.EVIDENCE_MAX_BYTES + 1)
            name, kind = upload.filename or "", upload.content_type or ""
        values, errors = forms.validate_evidence(name, kind, payload)
        if errors:
            context = await _finding_context(request, finding, evidence_errors=errors)
            return render(
                request, "surveys/finding.html", context, fragment="surveys/_evidence.html", status_code=422
            )
        await services.add_evidence(current_user(request), actor_of(request), finding, values, payload)
        flash(request, gettext(locale_for(request), "Evidence file stored."), "success")
        return _redirect(request, f"/surveys/findings/{finding_id}")

    @get("/evidence/{evidence_id:int}")
    async def download_evidence(self, request: Req, evidence_id: int) -> Response[bytes]:
        row = await _or_404(request, services.get_evidence, "evidence", evidence_id)
        async with write_transaction():
            await audit.record(
                actor_of(request), "view", "evidence", evidence_id, facility_id=row["facility"]
            )
        extension = forms.EVIDENCE_TYPES.get(row["content_type"], ("bin", ()))[0]
        # The stored name is never echoed in a header: a generated one is safe in every browser.
        return Response(
            bytes(row["data"]),
            media_type=row["content_type"],
            headers={"content-disposition": f'attachment; filename="evidence-{evidence_id}.{extension}"'},
        )

    # --- plan of correction ------------------------------------------------------------------

    @post("/findings/{finding_id:int}/poc", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def save_poc(self, request: Req, finding_id: int) -> Template | Redirect | ClientRedirect:
        finding = await _or_404(request, services.get_finding, "finding", finding_id)
        survey = await _survey_of(finding["survey"])
        form, _ = await _form(request)
        current = await services.poc_of_finding(finding_id)
        values, errors = forms.validate_poc(
            form,
            finding["tag"],
            finding["scope_severity"],
            finding["past_noncompliance"],
            survey["exit_date"],
            locale_for(request),
        )
        version = parse_version(form)
        if current is not None and version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        status, conflict = 422, None
        if not errors:
            try:
                await services.save_poc(
                    current_user(request), actor_of(request), finding, current, version, values
                )
                flash(request, gettext(locale_for(request), "Plan of correction saved."), "success")
                return _redirect(request, f"/surveys/findings/{finding_id}")
            except StaleVersion as stale:
                status, conflict = 409, stale.current
        context = await _finding_context(
            request, finding, poc_values=form, poc_errors=errors, poc_conflict=conflict
        )
        return render(
            request, "surveys/finding.html", context, fragment="surveys/_poc.html", status_code=status
        )

    @post("/pocs/{poc_id:int}/sign", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def sign_poc(self, request: Req, poc_id: int) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        plan = await _or_404(request, services.get_poc, "poc", poc_id)
        finding = await _or_404(request, services.get_finding, "finding", plan["finding"])
        form, _ = await _form(request)
        lang = locale_for(request)
        role = str(form.get("role", ""))
        error, status = "", 422
        try:
            await services.sign_poc(
                user, actor_of(request), plan, finding, role, parse_version(form) or 0, _today()
            )
        except PermissionError:
            error, status = gettext(lang, "You cannot sign this plan in that role."), 403
        except poc.PocError as exc:
            error = exc.issue.messages.get(lang, exc.issue.messages["en"])
        except StaleVersion:
            error, status = gettext(lang, STALE), 409
        if error:
            context = await _finding_context(request, finding, sign_error=error)
            return render(
                request, "surveys/finding.html", context, fragment="surveys/_poc.html", status_code=status
            )
        flash(request, gettext(lang, "Plan of correction signed."), "success")
        return _redirect(request, f"/surveys/findings/{finding['id']}")

    # --- corrective tasks and monitoring audits ----------------------------------------------

    async def _plan_and_finding(self, request: Req, poc_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        plan = await _or_404(request, services.get_poc, "poc", poc_id)
        finding = await _or_404(request, services.get_finding, "finding", plan["finding"])
        return plan, finding

    @post("/pocs/{poc_id:int}/tasks", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def add_task(self, request: Req, poc_id: int) -> Template | Redirect | ClientRedirect:
        plan, finding = await self._plan_and_finding(request, poc_id)
        form, _ = await _form(request)
        values, errors = forms.validate_task(form)
        if errors:
            context = await _finding_context(request, finding, task_values=form, task_errors=errors)
            return render(
                request, "surveys/finding.html", context, fragment="surveys/_tasks.html", status_code=422
            )
        await services.add_task(current_user(request), actor_of(request), plan, values)
        flash(request, gettext(locale_for(request), "Task added."), "success")
        return _redirect(request, f"/surveys/findings/{finding['id']}")

    @post("/tasks/{task_id:int}", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def update_task(self, request: Req, task_id: int) -> Template | Redirect | ClientRedirect:
        task = await _or_404(request, services.get_task, "corrective_task", task_id)
        plan, finding = await self._plan_and_finding(request, task["poc"])
        form, _ = await _form(request)
        values, errors = forms.validate_task({**task, "due_date": task["due_date"].isoformat(), **form})
        status = 422
        if not errors:
            try:
                await services.update_task(
                    current_user(request), actor_of(request), task, parse_version(form) or 0, values
                )
                flash(request, gettext(locale_for(request), "Task updated."), "success")
                return _redirect(request, f"/surveys/findings/{finding['id']}")
            except StaleVersion:
                errors, status = {"status": STALE}, 409
        context = await _finding_context(
            request,
            finding,
            task_errors={f"task{task_id}": errors.get("status") or next(iter(errors.values()))},
        )
        return render(
            request, "surveys/finding.html", context, fragment="surveys/_tasks.html", status_code=status
        )

    @post("/pocs/{poc_id:int}/audits", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def add_audit(self, request: Req, poc_id: int) -> Template | Redirect | ClientRedirect:
        plan, finding = await self._plan_and_finding(request, poc_id)
        form, _ = await _form(request)
        values, errors = forms.validate_audit(form)
        if errors:
            context = await _finding_context(request, finding, audit_values=form, audit_errors=errors)
            return render(
                request, "surveys/finding.html", context, fragment="surveys/_audits.html", status_code=422
            )
        await services.add_audit(current_user(request), actor_of(request), plan, values)
        flash(request, gettext(locale_for(request), "Monitoring audit added."), "success")
        return _redirect(request, f"/surveys/findings/{finding['id']}")

    @post("/audits/{audit_id:int}/results", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def add_audit_result(self, request: Req, audit_id: int) -> Template | Redirect | ClientRedirect:
        row = await _or_404(request, services.get_audit, "monitoring_audit", audit_id)
        _, finding = await self._plan_and_finding(request, row["poc"])
        form, _ = await _form(request)
        values, errors = forms.validate_audit_result(form, _today())
        if errors:
            context = await _finding_context(
                request, finding, result_values={audit_id: form}, result_errors={audit_id: errors}
            )
            return render(
                request, "surveys/finding.html", context, fragment="surveys/_audits.html", status_code=422
            )
        await services.add_audit_result(current_user(request), actor_of(request), row, values)
        flash(request, gettext(locale_for(request), "Audit result recorded."), "success")
        return _redirect(request, f"/surveys/findings/{finding['id']}")

    # --- F-tag catalog -----------------------------------------------------------------------

    @get("/ftags", media_type=MediaType.HTML)
    async def ftag_catalog(self, request: Req, q: str = "", group: str = "", retired: str = "") -> Template:
        q = q.strip()[:80]
        groups = ftags.regulatory_groups()
        include_retired = retired == "1"
        rows = []
        needle = q.lower()
        for tag in ftags.all_tags(include_retired=include_retired):
            if group and tag.regulatory_group_cfr.removeprefix("42 CFR ") != group:
                continue
            if needle and needle not in f"{tag.code} {tag.display} {tag.title} {tag.description}".lower():
                continue
            rows.append(tag)
        context = {
            "tags": rows[:400],
            "total": len(rows),
            "q": q,
            "group": group,
            "retired": include_retired,
            "groups": [(cfr.removeprefix("42 CFR "), name) for cfr, name in groups],
        }
        return render(request, "surveys/ftags.html", context, fragment="surveys/_ftag_rows.html")

    # --- recommendations ---------------------------------------------------------------------

    async def _rec_page(
        self, request: Req, values: dict[str, Any], errors: dict[str, str], status: int = 200
    ) -> Template:
        facility_id = _facility_id(request)
        context = {
            "recommendations": await services.recommendations(facility_id),
            "values": values,
            "errors": errors,
            "finding_choices": await services.finding_choices(facility_id),
            "bases": forms.BASES,
            "decisions": forms.DECISIONS,
            "can_write": current_user(request).can(SURVEY_WRITE_ROLES),
            "rec": None,
        }
        return render(
            request,
            "surveys/recommendations.html",
            context,
            fragment="surveys/_rec_form.html",
            status_code=status,
        )

    @get("/recommendations", media_type=MediaType.HTML)
    async def list_recommendations(self, request: Req) -> Template:
        return await self._rec_page(request, {"decision": "pending", "basis": "finding"}, {})

    @post("/recommendations", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def create_recommendation(self, request: Req) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        form, _ = await _form(request)
        choices = await services.finding_choices(_facility_id(request))
        values, errors = forms.validate_recommendation(form, {f["id"] for f in choices})
        if errors or not user.facility_id:
            return await self._rec_page(request, form, errors, 422)
        await services.create_recommendation(user, actor_of(request), user.facility_id, values)
        flash(request, gettext(locale_for(request), "Recommendation recorded."), "success")
        return _redirect(request, "/surveys/recommendations")

    @get("/recommendations/{rec_id:int}/edit", media_type=MediaType.HTML, opt={"roles": SURVEY_WRITE_ROLES})
    async def edit_recommendation(self, request: Req, rec_id: int) -> Template:
        rec = await _or_404(request, services.get_recommendation, "recommendation", rec_id)
        context = {
            "rec": rec,
            "values": rec,
            "errors": {},
            "bases": forms.BASES,
            "decisions": forms.DECISIONS,
            "finding_choices": await services.finding_choices(rec["facility"]),
        }
        return Template("surveys/recommendation.html", context=context)

    @post("/recommendations/{rec_id:int}", opt={"roles": SURVEY_WRITE_ROLES}, status_code=303)
    async def update_recommendation(self, request: Req, rec_id: int) -> Template | Redirect | ClientRedirect:
        rec = await _or_404(request, services.get_recommendation, "recommendation", rec_id)
        form, _ = await _form(request)
        choices = await services.finding_choices(rec["facility"])
        values, errors = forms.validate_recommendation(form, {f["id"] for f in choices})
        version = parse_version(form)
        if version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        status, conflict = 422, None
        if not errors:
            try:
                await services.update_recommendation(
                    current_user(request), actor_of(request), rec, version or 0, values
                )
                flash(request, gettext(locale_for(request), "Changes saved."), "success")
                return _redirect(request, "/surveys/recommendations")
            except StaleVersion as stale:
                status, conflict = 409, stale.current
        context = {
            "rec": rec,
            "values": form,
            "errors": errors,
            "bases": forms.BASES,
            "decisions": forms.DECISIONS,
            "finding_choices": choices,
            "conflict": conflict,
        }
        return render(
            request,
            "surveys/recommendation.html",
            context,
            fragment="surveys/_rec_form.html",
            status_code=status,
        )

    # --- readiness dashboard -----------------------------------------------------------------

    async def _dashboard(self, request: Req, **extra: Any) -> dict[str, Any]:
        user = current_user(request)
        data = await services.dashboard(user, _facility_id(request), _today())
        return {**data, "kinds": forms.SURVEY_KINDS, "whatif": None, "whatif_key": "", **extra}

    @get("/dashboard", media_type=MediaType.HTML)
    async def dashboard(self, request: Req) -> Template:
        if not current_user(request).facility_id:
            raise NotFoundException()
        return Template("surveys/dashboard.html", context=await self._dashboard(request))

    @get("/dashboard/what-if", media_type=MediaType.HTML)
    async def what_if(self, request: Req, key: str = "") -> Template:
        user = current_user(request)
        facility = await Facility.select().where(Facility.id == (user.facility_id or -1)).first()
        if facility is None:
            raise NotFoundException()
        result = await services.what_if(facility, key[:40], _today())
        if is_partial(request):
            return Template("surveys/_whatif.html", context={"whatif": result, "whatif_key": key[:40]})
        return Template(
            "surveys/dashboard.html",
            context=await self._dashboard(request, whatif=result, whatif_key=key[:40]),
        )


ROUTE_HANDLERS = [SurveyController]
