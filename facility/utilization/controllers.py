"""Utilization review board: per-stay payer, Medicare A day count, length of stay against targets, medical
necessity, prior authorisations, denials and appeals, ICD-10 diagnoses, the Triple Check, and the Medicaid
information sheet for families (PDF, English/Spanish)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import anyio
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template
from piccolo.table import Table

from facility.core import audit, clock
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import N_, parse_version
from facility.core.plugins import call_hook
from facility.utilization import forms, hooks, services
from facility.utilization import rules as ur
from facility.utilization.tables import Appeal, Denial, PriorAuthorization, StayDiagnosis, TripleCheck
from facility.utilization.transfers import transfers_of_stay
from facility.web.core import (
    ADMIN_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    is_partial,
    redirect_after_post,
    render,
)
from facility.web.extensions import NavItem
from facility.web.i18n import gettext, locale_for

UR_WRITE_ROLES = ("admin", "mds_coordinator", "um_reviewer")
UR_READ_ROLES = ("admin", "mds_coordinator", "um_reviewer", "nurse", "viewer")
SECTIONS = ("review", "skilled", "notices", "discharge", "authorizations", "denials", "diagnoses", "triple")


def _today() -> date:
    return clock.today()


_redirect = redirect_after_post


def _categories() -> list[str]:
    return list(call_hook(hooks.PDPM_CLINICAL_CATEGORIES.name)())


_denied = denied_as_not_found


async def _stay_or_404(request: Request[Any, Any, Any], stay_id: int) -> dict[str, Any]:
    stay = await services.get_stay(current_user(request), stay_id)
    if stay is None:
        raise await _denied(request, "stay", stay_id)
    return stay


async def _row_or_404(
    request: Request[Any, Any, Any], getter: Any, object_type: str, row_id: int
) -> dict[str, Any]:
    row = await getter(current_user(request), row_id)
    if row is None:
        raise await _denied(request, object_type, row_id)
    return row


async def _stay_context(stay: dict[str, Any], **extra: Any) -> dict[str, Any]:
    detail = await services.stay_detail(stay, _today())
    return {
        "s": stay,
        "d": detail,
        "today": _today(),
        "payers": forms.UR_PAYERS,
        "payer_labels": forms.PAYER_LABELS,
        "categories": _categories(),
        "auth_statuses": forms.AUTH_STATUS_LABELS,
        "denial_kinds": forms.DENIAL_KIND_LABELS,
        "appeal_levels": forms.APPEAL_LEVEL_LABELS,
        "outcomes": forms.OUTCOME_LABELS,
        "diagnosis_items": forms.DIAGNOSIS_ITEMS,
        "manual_checks": forms.MANUAL_CHECKS,
        "triple_status": forms.TRIPLE_STATUS_LABELS,
        "assessments": await services.pps_assessments(stay["resident"], stay["id"]),
        "stay_transfers": await transfers_of_stay(stay["facility"], stay["id"], _today()),
        "errors": {},
        "values": {},
        "conflict": None,
        "saved": False,
        **forms.casework_labels(),
        **extra,
    }


async def _section(
    request: Request[Any, Any, Any], stay: dict[str, Any], section: str, status_code: int, **extra: Any
) -> Template:
    context = await _stay_context(stay, section=section, **extra)
    return render(
        request,
        "utilization/stay.html",
        context,
        fragment=f"utilization/_{section}.html",
        status_code=status_code,
    )


async def _saved(request: Request[Any, Any, Any], stay: dict[str, Any], section: str) -> Template | Redirect:
    """htmx: the refreshed section with a confirmation (a redirect to the same page would only jump to the
    anchor and not reload); without JavaScript: Post/Redirect/Get back to the section."""
    if is_partial(request):
        return await _section(request, stay, section, 200, saved=True)
    flash(request, gettext(locale_for(request), "Changes saved."), "success")
    return Redirect(f"/utilization/stays/{stay['id']}#{section}", status_code=303)


async def _stay_sheet(
    request: Request[Any, Any, Any],
    stay_id: int,
    lang: str,
    build: Callable[[dict[str, Any], dict[str, Any], dict[str, Any], str, date], bytes],
    audit_object: str,
    filename: str,
) -> Response[bytes]:
    """A printed sheet of one stay in the asked (or the user's) language, its export audited, never cached."""
    stay = await _stay_or_404(request, stay_id)
    language = lang if lang in ("en", "es") else locale_for(request)
    detail = await services.stay_detail(stay, _today())
    facility = await services.facility_of(stay["facility"])
    async with write_transaction():
        await audit.record(
            actor_of(request),
            "export",
            audit_object,
            stay_id,
            facility_id=stay["facility"],
            resident_id=stay["resident"],
            after={"lang": language},
        )
    pdf = await anyio.to_thread.run_sync(lambda: build(facility or {}, stay, detail, language, _today()))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}-{language}.pdf"',
            "Cache-Control": "no-store",
        },
    )


async def _add_for_stay(
    request: Request[Any, Any, Any],
    stay: dict[str, Any],
    section: str,
    form_key: str,
    table: type[Table],
    object_type: str,
    form: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
) -> Template | Redirect | ClientRedirect:
    """Add one row to a section of the stay: 422 with the refusals under the form's key, nothing saved;
    otherwise the row is saved (audited by the service) and the section shown."""
    if errors:
        return await _section(request, stay, section, 422, errors={form_key: errors}, values={form_key: form})
    await services.add_for_stay(table, object_type, actor_of(request), current_user(request), stay, values)
    return await _saved(request, stay, section)


async def _update(
    request: Request[Any, Any, Any],
    stay: dict[str, Any],
    section: str,
    key: Any,
    table: type[Table],
    object_type: str,
    row: dict[str, Any],
    form: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
) -> Template | Redirect:
    """Save an edited row with optimistic locking: 422 with the user's values, 409 beside the saved row."""
    version = parse_version(form)
    if version is None:
        errors["version"] = N_("The form is missing its version; reload the page.")
    if errors:
        return await _section(request, stay, section, 422, errors={key: errors}, values={key: form})
    try:
        await services.update_row(
            table,
            object_type,
            actor_of(request),
            current_user(request),
            row,
            version or 0,
            values,
            stay["resident"],
        )
    except StaleVersion as stale:
        return await _section(request, stay, section, 409, values={key: form}, conflict=stale.current)
    return await _saved(request, stay, section)


async def _board_context(request: Request[Any, Any, Any], payer: str, **extra: Any) -> dict[str, Any]:
    """The board: rows filtered by the payer of today, totals over every open stay."""
    user = current_user(request)
    every = await services.board(user, _today())
    rows = [r for r in every if r["payer_today"] == payer] if payer else every
    return {
        "rows": rows,
        "payer": payer,
        "payers": forms.UR_PAYERS,
        "payer_labels": forms.PAYER_LABELS,
        "target_payers": ur.TARGET_PAYERS,
        "targets": await services.targets_of(user.facility_id or -1),
        "totals": await services.board_totals(user, every, _today()),
        "errors": {},
        "values": {},
        "today": _today(),
        **forms.casework_labels(),
        **extra,
    }


class UtilizationController(Controller):
    path = "/utilization"
    include_in_schema = False
    opt = {"roles": UR_READ_ROLES}

    @get("/", name="utilization_board", media_type=MediaType.HTML)
    async def board(self, request: Request[Any, Any, Any], payer: str = "") -> Template:
        payer = payer if payer in (*forms.UR_PAYERS, ur.PART_A_ENDED) else ""
        context = await _board_context(request, payer)
        return render(request, "utilization/board.html", context, fragment="utilization/_board_rows.html")

    @post("/targets", opt={"roles": ADMIN_ROLES}, status_code=303)
    async def save_target(self, request: Request[Any, Any, Any]) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        form = dict(await request.form())
        values, errors = forms.validate_target(form)
        if errors or not user.facility_id:
            return Template(
                "utilization/board.html",
                context=await _board_context(request, "", errors=errors, values=form),
                status_code=422,
            )
        await services.save_target(actor_of(request), user, user.facility_id, values)
        flash(request, gettext(locale_for(request), "Changes saved."), "success")
        return _redirect(request, "/utilization")

    @get("/stays/{stay_id:int}", media_type=MediaType.HTML)
    async def stay_page(self, request: Request[Any, Any, Any], stay_id: int) -> Template:
        stay = await _stay_or_404(request, stay_id)
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "view",
                "ur_review",
                stay_id,
                facility_id=stay["facility"],
                resident_id=stay["resident"],
            )
        return Template("utilization/stay.html", context=await _stay_context(stay, section=""))

    @post("/stays/{stay_id:int}/review", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def save_review(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        stay = await _stay_or_404(request, stay_id)
        form = dict(await request.form())
        values, errors = forms.validate_review(form, _categories())
        current = await services.review_of(stay_id)
        version = parse_version(form)
        if current is not None and version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        if errors:
            return await _section(request, stay, "review", 422, errors=errors, values=form)
        try:
            await services.save_review(actor_of(request), user, stay, current, version, values)
        except StaleVersion as stale:
            return await _section(request, stay, "review", 409, values=form, conflict=stale.current)
        return await _saved(request, stay, "review")

    @post("/stays/{stay_id:int}/authorizations", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_authorization(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        stay = await _stay_or_404(request, stay_id)
        form = dict(await request.form())
        values, errors = forms.validate_authorization(form)
        return await _add_for_stay(
            request,
            stay,
            "authorizations",
            "new",
            PriorAuthorization,
            "prior_authorization",
            form,
            values,
            errors,
        )

    @post("/authorizations/{row_id:int}", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def update_authorization(
        self, request: Request[Any, Any, Any], row_id: int
    ) -> Template | Redirect | ClientRedirect:
        row = await _row_or_404(request, services.get_authorization, "prior_authorization", row_id)
        stay = await _stay_or_404(request, row["stay"])
        form = dict(await request.form())
        values, errors = forms.validate_authorization(form)
        return await _update(
            request,
            stay,
            "authorizations",
            row_id,
            PriorAuthorization,
            "prior_authorization",
            row,
            form,
            values,
            errors,
        )

    @post("/stays/{stay_id:int}/denials", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_denial(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        stay = await _stay_or_404(request, stay_id)
        form = dict(await request.form())
        values, errors = forms.validate_denial(form, _today())
        return await _add_for_stay(request, stay, "denials", "new", Denial, "denial", form, values, errors)

    @post("/denials/{row_id:int}/appeals", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_appeal(
        self, request: Request[Any, Any, Any], row_id: int
    ) -> Template | Redirect | ClientRedirect:
        denial = await _row_or_404(request, services.get_denial, "denial", row_id)
        stay = await _stay_or_404(request, denial["stay"])
        form = dict(await request.form())
        values, errors = forms.validate_appeal(form, denial["notice_date"], _today())
        if errors:
            return await _section(
                request, stay, "denials", 422, errors={f"d{row_id}": errors}, values={f"d{row_id}": form}
            )
        await services.add_appeal(actor_of(request), current_user(request), denial, values)
        return await _saved(request, stay, "denials")

    @post("/appeals/{row_id:int}", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def update_appeal(
        self, request: Request[Any, Any, Any], row_id: int
    ) -> Template | Redirect | ClientRedirect:
        appeal = await _row_or_404(request, services.get_appeal, "appeal", row_id)
        denial = await _row_or_404(request, services.get_denial, "denial", appeal["denial"])
        stay = await _stay_or_404(request, denial["stay"])
        form = dict(await request.form())
        values, errors = forms.validate_appeal(form, denial["notice_date"], _today())
        return await _update(
            request, stay, "denials", f"a{row_id}", Appeal, "appeal", appeal, form, values, errors
        )

    @post("/stays/{stay_id:int}/diagnoses", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_diagnosis(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        stay = await _stay_or_404(request, stay_id)
        form = dict(await request.form())
        values, errors = forms.validate_diagnosis(form)
        if not errors and values["item"] == "I0020B":
            detail = await services.stay_detail(stay, _today())
            if any(d["item"] == "I0020B" for d in detail["diagnoses"]):
                errors["item"] = N_("The stay already has a primary diagnosis; inactivate it first.")
        if errors:
            return await _section(
                request, stay, "diagnoses", 422, errors={"new": errors}, values={"new": form}
            )
        await services.add_for_stay(
            StayDiagnosis, "stay_diagnosis", actor_of(request), current_user(request), stay, values
        )
        return await _saved(request, stay, "diagnoses")

    @post("/diagnoses/{row_id:int}/inactivate", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def inactivate_diagnosis(
        self, request: Request[Any, Any, Any], row_id: int
    ) -> Template | Redirect | ClientRedirect:
        row = await _row_or_404(request, services.get_diagnosis, "stay_diagnosis", row_id)
        stay = await _stay_or_404(request, row["stay"])
        form = dict(await request.form())
        try:
            await services.update_row(
                StayDiagnosis,
                "stay_diagnosis",
                actor_of(request),
                current_user(request),
                row,
                parse_version(form) or 0,
                {"active": False},
                stay["resident"],
                action="inactivate",
            )
        except StaleVersion as stale:
            return await _section(request, stay, "diagnoses", 409, conflict=stale.current)
        return await _saved(request, stay, "diagnoses")

    @post("/stays/{stay_id:int}/triple-checks", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_triple_check(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        stay = await _stay_or_404(request, stay_id)
        form = dict(await request.form())
        values, errors = forms.validate_triple_check(form)
        assessments = await services.pps_assessments(stay["resident"], stay_id)
        if values["assessment_id"] is not None and values["assessment_id"] not in {
            a["id"] for a in assessments
        }:
            errors["assessment_id"] = N_("Choose a value from the list.")
        if errors:
            return await _section(request, stay, "triple", 422, errors={"new": errors}, values={"new": form})
        hipps = ""
        if values["assessment_id"] is not None:
            hipps, _ = await services.mds_hipps(values["assessment_id"])
        values["mds_hipps"] = hipps
        values["status"] = "open"
        await services.add_for_stay(
            TripleCheck, "triple_check", actor_of(request), current_user(request), stay, values
        )
        return await _saved(request, stay, "triple")

    @post("/triple-checks/{row_id:int}", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def update_triple_check(
        self, request: Request[Any, Any, Any], row_id: int
    ) -> Template | Redirect | ClientRedirect:
        row = await _row_or_404(request, services.get_triple_check, "triple_check", row_id)
        stay = await _stay_or_404(request, row["stay"])
        form = dict(await request.form())
        values, errors = forms.validate_triple_check(form)
        values.pop("assessment_id")  # the linked assessment and its HIPPS stay as recorded
        return await _update(
            request, stay, "triple", row_id, TripleCheck, "triple_check", row, form, values, errors
        )

    @get("/stays/{stay_id:int}/medicaid-sheet.pdf")
    async def medicaid_sheet(
        self, request: Request[Any, Any, Any], stay_id: int, lang: str = ""
    ) -> Response[bytes]:
        from facility.utilization.pdf import medicaid_sheet

        return await _stay_sheet(
            request, stay_id, lang, medicaid_sheet, "medicaid_sheet", "medicaid-information"
        )


async def resident_tab(
    request: Request[Any, Any, Any], resident: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    rows = await services.resident_stays_summary(resident, _today())
    return "utilization/_resident_tab.html", {"rows": rows, "payer_labels": forms.PAYER_LABELS}


ROUTE_HANDLERS = [UtilizationController]
NAV = [NavItem("/utilization", N_("Utilization review"), UR_READ_ROLES, 40)]
RESIDENT_TABS = {"utilization": resident_tab}
