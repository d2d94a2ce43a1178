"""Utilization casework pages (issue 19): the coordinator's worklist, the per-stay skilled-need, notice and
discharge-plan sections, the printable payer review summary, the family sheet explaining the notices, and the
hospital-transfer log with the facility's rates and their drill-downs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.response import Redirect, Template

from facility.core import audit
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import N_, parse_version
from facility.utilization import forms, services, transfers
from facility.utilization.controllers import (
    UR_READ_ROLES,
    UR_WRITE_ROLES,
    _add_for_stay,
    _row_or_404,
    _saved,
    _section,
    _stay_or_404,
    _stay_sheet,
    _today,
)
from facility.utilization.tables import (
    UrCertification,
    UrDischargePlan,
    UrNotice,
    UrSkilledService,
    UrTransferReview,
)
from facility.web.core import actor_of, current_user, flash, render
from facility.web.extensions import NavItem
from facility.web.i18n import gettext, locale_for


async def _form(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return dict(await request.form())


class UtilizationCaseworkController(Controller):
    path = "/utilization"
    include_in_schema = False
    opt = {"roles": UR_READ_ROLES}

    @get("/worklist", media_type=MediaType.HTML)
    async def worklist(self, request: Request[Any, Any, Any], kind: str = "") -> Template:
        user = current_user(request)
        rows = await services.board(user, _today())
        from facility.utilization import casework

        items = casework.worklist(rows, _today())
        kinds = sorted({i["kind"] for i in items}, key=list(forms.WORK_KINDS).index)
        if kind in forms.WORK_KINDS:
            items = [i for i in items if i["kind"] == kind]
        context = {
            "items": items,
            "kind": kind,
            "kinds": kinds,
            "totals": await services.board_totals(user, rows, _today()),
            "today": _today(),
            "payer_labels": forms.PAYER_LABELS,
            **forms.casework_labels(),
        }
        return render(
            request, "utilization/worklist.html", context, fragment="utilization/_worklist_rows.html"
        )

    # ------------------------------------------------------------ skilled need and certification

    @post("/stays/{stay_id:int}/certifications", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_certification(self, request: Request[Any, Any, Any], stay_id: int) -> Any:
        stay = await _stay_or_404(request, stay_id)
        signed = await services.certifications_of(stay_id)
        form = await _form(request)
        values, errors = forms.validate_certification(form, _today(), len(signed))
        if not errors and signed and values["signed_date"] < signed[-1]["signed_date"]:
            errors["signed_date"] = N_("A recertification cannot be dated before the previous one.")
        return await _add_for_stay(
            request, stay, "skilled", "cert", UrCertification, "ur_certification", form, values, errors
        )

    @post("/stays/{stay_id:int}/skilled-services", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_skilled_service(self, request: Request[Any, Any, Any], stay_id: int) -> Any:
        stay = await _stay_or_404(request, stay_id)
        form = await _form(request)
        values, errors = forms.validate_skilled_service(form, _today(), stay["admission_date"])
        return await _add_for_stay(
            request, stay, "skilled", "service", UrSkilledService, "ur_skilled_service", form, values, errors
        )

    @get("/stays/{stay_id:int}/summary", media_type=MediaType.HTML)
    async def review_summary(self, request: Request[Any, Any, Any], stay_id: int) -> Template:
        """The printable concurrent-review summary for a payer: level of care, daily skilled services, MDS evidence,
        certification, authorisation, notices and discharge plan (the evidence an InterQual/MCG review asks)."""
        stay = await _stay_or_404(request, stay_id)
        detail = await services.stay_detail(stay, _today())
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "export",
                "ur_review_summary",
                stay_id,
                facility_id=stay["facility"],
                resident_id=stay["resident"],
            )
        context = {
            "s": stay,
            "d": detail,
            "today": _today(),
            "facility": await services.facility_of(stay["facility"]),
            "payer_labels": forms.PAYER_LABELS,
            **forms.casework_labels(),
        }
        return Template("utilization/summary.html", context=context)

    # ------------------------------------------------------------ Medicare notices

    @post("/stays/{stay_id:int}/notices", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_notice(self, request: Request[Any, Any, Any], stay_id: int) -> Any:
        stay = await _stay_or_404(request, stay_id)
        form = await _form(request)
        values, errors = forms.validate_notice(form, _today(), stay["admission_date"])
        return await _add_for_stay(
            request, stay, "notices", "new", UrNotice, "ur_notice", form, values, errors
        )

    @post("/notices/{row_id:int}", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def update_notice(self, request: Request[Any, Any, Any], row_id: int) -> Any:
        notice = await _row_or_404(request, services.get_notice, "ur_notice", row_id)
        stay = await _stay_or_404(request, notice["stay"])
        form = await _form(request)
        values, errors = forms.validate_notice_delivery(form, _today(), notice)
        version = parse_version(form)
        if version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        key = f"n{row_id}"
        if errors:
            return await _section(request, stay, "notices", 422, errors={key: errors}, values={key: form})
        try:
            await services.update_row(
                UrNotice,
                "ur_notice",
                actor_of(request),
                current_user(request),
                notice,
                version or 0,
                values,
                stay["resident"],
            )
        except StaleVersion as stale:
            return await _section(request, stay, "notices", 409, values={key: form}, conflict=stale.current)
        return await _saved(request, stay, "notices")

    @get("/stays/{stay_id:int}/notice-sheet.pdf")
    async def notice_sheet(
        self, request: Request[Any, Any, Any], stay_id: int, lang: str = ""
    ) -> Response[bytes]:
        """The family sheet explaining the Medicare notices of the stay and the appeal clock (English/Spanish)."""
        from facility.utilization.pdf import notices_sheet

        return await _stay_sheet(request, stay_id, lang, notices_sheet, "ur_notice_sheet", "medicare-notices")

    # ------------------------------------------------------------ discharge plan

    @post("/stays/{stay_id:int}/discharge-plan", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def save_discharge_plan(self, request: Request[Any, Any, Any], stay_id: int) -> Any:
        stay = await _stay_or_404(request, stay_id)
        form = await _form(request)
        values, errors = forms.validate_discharge_plan(form, _today())
        current = await services.discharge_plan_of(stay_id)
        version = parse_version(form)
        if current is not None and version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        if errors:
            return await _section(request, stay, "discharge", 422, errors=errors, values=form)
        try:
            if current is None:
                await services.add_for_stay(
                    UrDischargePlan,
                    "ur_discharge_plan",
                    actor_of(request),
                    current_user(request),
                    stay,
                    values,
                )
            else:
                await services.update_row(
                    UrDischargePlan,
                    "ur_discharge_plan",
                    actor_of(request),
                    current_user(request),
                    current,
                    version or 0,
                    values,
                    stay["resident"],
                )
        except StaleVersion as stale:
            return await _section(request, stay, "discharge", 409, values=form, conflict=stale.current)
        return await _saved(request, stay, "discharge")

    # ------------------------------------------------------------ hospital transfers

    @get("/transfers", media_type=MediaType.HTML)
    async def transfers(self, request: Request[Any, Any, Any], show: str = "") -> Template:
        user = current_user(request)
        page = await transfers.transfers_page(user.facility_id or -1, _today())
        show = show if show in ("521", "551", "unreviewed", "avoidable", "returned") else ""
        log = page["log"]
        if show == "unreviewed":
            log = [r for r in log if not r["avoidable"]]
        elif show == "avoidable":
            log = [r for r in log if r["avoidable"] == "yes"]
        elif show == "returned":
            log = [r for r in log if r["returned_30"]]
        context = {
            "p": page,
            "log": log,
            "show": show,
            "today": _today(),
            "errors": {},
            "values": {},
            **forms.casework_labels(),
        }
        return render(
            request, "utilization/transfers.html", context, fragment="utilization/_transfers_detail.html"
        )

    @post("/stays/{stay_id:int}/transfer-review", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def review_transfer(self, request: Request[Any, Any, Any], stay_id: int) -> Any:
        stay = await _stay_or_404(request, stay_id)
        return await _save_transfer_review(request, stay, await _form(request))

    @post("/transfers/observation", opt={"roles": UR_WRITE_ROLES}, status_code=303)
    async def add_observation(self, request: Request[Any, Any, Any]) -> Any:
        form = await _form(request)
        raw = str(form.get("stay_id", ""))
        stay = await _stay_or_404(request, int(raw) if raw.isdigit() else -1)
        return await _save_transfer_review(request, stay, {**form, "kind": "observation"})


async def _save_transfer_review(
    request: Request[Any, Any, Any], stay: dict[str, Any], form: dict[str, Any]
) -> Any:
    """Create or update the review of one transfer (stay, date, kind); 422 with the page and the user's values."""
    values, errors = forms.validate_transfer_review(form, _today())
    current = None
    if not errors:
        current = await services.transfer_review_of(stay["id"], values["transfer_date"], values["kind"])
        if current is not None and parse_version(form) is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
    if errors:
        page = await transfers.transfers_page(stay["facility"], _today())
        context = {
            "p": page,
            "log": page["log"],
            "show": "",
            "today": _today(),
            "errors": errors,
            "values": form,
            **forms.casework_labels(),
        }
        return Template("utilization/transfers.html", context=context, status_code=422)
    actor, user = actor_of(request), current_user(request)
    try:
        if current is None:
            await services.add_for_stay(UrTransferReview, "ur_transfer_review", actor, user, stay, values)
        else:
            await services.update_row(
                UrTransferReview,
                "ur_transfer_review",
                actor,
                user,
                current,
                parse_version(form) or 0,
                values,
                stay["resident"],
            )
    except StaleVersion:
        flash(
            request,
            gettext(locale_for(request), "Someone else changed this record. Review it and try again."),
            "error",
        )
        return Redirect("/utilization/transfers", status_code=303)
    flash(request, gettext(locale_for(request), "Changes saved."), "success")
    back = str(form.get("back", ""))
    return Redirect(back if back.startswith("/utilization/") else "/utilization/transfers", status_code=303)


ROUTE_HANDLERS = [UtilizationCaseworkController]
NAV = [
    NavItem("/utilization/worklist", N_("UR worklist"), UR_READ_ROLES, 41),
    NavItem("/utilization/transfers", N_("Hospital transfers"), UR_READ_ROLES, 42),
]
