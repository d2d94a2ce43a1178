"""The MDS coordinator's screens: the dashboard (RAI schedule + pipeline, filterable by unit and
coordinator), starting a due assessment prefilled with its RFA, export to a validated zip, submission
tracking and the CMS result import, and the missing-assessments report. Services do every query."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.forms import N_, NC_, parse_date
from facility.residents import services as facility_services
from facility.web.core import (
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    redirect_after_post,
    render,
)
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from mds.i18n import gettext
from mds.record import rfa as rfa_rules
from mds.record import submission
from mds.workflow import services as wf

DASHBOARD_ROLES = ("admin", "mds_coordinator", "nurse")
START_ROLES = ("admin", "mds_coordinator", "nurse")
EXPORT_ROLES = ("admin", "mds_coordinator")
MAX_RESULT_BYTES = 2_000_000
STATE_LABELS = {
    "upcoming": NC_("assessment state", "Upcoming"),
    "due": NC_("assessment state", "Due"),
    "late": NC_("assessment state", "Late"),
    "done": NC_("assessment state", "Done"),
}
PHASE_LABELS = {
    "ard": N_("Set the ARD"),
    "complete": N_("Complete and sign"),
    "submit": N_("Submit to CMS"),
    "submit_correction": N_("Submit the correction"),
    "done": NC_("workflow phase", "Done"),
}
RECORD_STATE_LABELS = {
    "in_progress": N_("In progress"),
    "completed": N_("Signed, not exported"),
    "exported": N_("Exported"),
    "submitted": N_("Submitted"),
    "accepted": NC_("record state", "Accepted"),
    "rejected": NC_("record state", "Rejected"),
    "draft": N_("Draft"),
}
MISSING_LABELS = {
    "no_record": N_("No record started"),
    "not_signed": N_("Not signed"),
    "not_submitted": N_("Not submitted"),
    "rejected": N_("Rejected by CMS"),
    "awaiting_result": N_("Submitted, no result yet"),
}
BLOCK_LABELS = {
    "not_found": N_("Not found in this facility."),
    "not_signed": N_("Not signed yet."),
    "integrity": N_("Signed data changed after signing (integrity check failed): export blocked."),
    "state": N_("This record cannot be exported in its current state."),
}


def _today() -> date:
    return clock.today()


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _facility_id(request: Request[Any, Any, Any]) -> int:
    user = current_user(request)
    if user.facility_id is None:
        raise NotFoundException()
    return user.facility_id


_deny = denied_as_not_found


def _labels() -> dict[str, Any]:
    return {
        "state_labels": STATE_LABELS,
        "phase_labels": PHASE_LABELS,
        "record_labels": RECORD_STATE_LABELS,
        "missing_labels": MISSING_LABELS,
        "block_labels": BLOCK_LABELS,
    }


class WorkflowController(Controller):
    path = "/mds"
    include_in_schema = False
    opt = {"roles": DASHBOARD_ROLES}

    # ------------------------------------------------------------ dashboard

    @get("/dashboard", media_type=MediaType.HTML)
    async def dashboard(
        self, request: Request[Any, Any, Any], unit: str = "", coordinator: str = ""
    ) -> Template:
        lang = locale_for(request)
        today = _today()
        data = await wf.load_facility(_facility_id(request))
        filters = wf.Filters(_int(unit), _int(coordinator))
        options = wf.filter_options(data)
        if filters.unit not in {u["id"] for u in options["units"]}:
            filters = wf.Filters(None, filters.coordinator)
        board = wf.dashboard(data, today, filters, lang)
        context = {
            "board": board,
            "filters": filters,
            "options": options,
            "today": today,
            "lang": lang,
            **_labels(),
        }
        return render(request, "mds/workflow/dashboard.html", context, fragment="mds/workflow/_board.html")

    @get("/dashboard/start", media_type=MediaType.HTML, opt={"roles": START_ROLES})
    async def start_form(
        self,
        request: Request[Any, Any, Any],
        resident: str = "",
        stay: str = "",
        kind: str = "",
        ard: str = "",
    ) -> Template:
        """The start form prefilled with the due record's RFA and ARD; it posts to the assessment start."""
        user = current_user(request)
        resident_id = _int(resident)
        row = await facility_services.get_resident(user, resident_id) if resident_id else None
        if row is None:
            raise await _deny(request, "resident", resident)
        lang = locale_for(request)
        from mds.assessments.services import open_stays

        stays = await open_stays(row["id"])
        code = wf.KIND_RFA.get(kind, "")
        context = {
            "resident": row,
            "stays": stays,
            "stay_id": _int(stay),
            "rfa": code,
            "ard": parse_date(ard) or _today(),
            "kind_label": wf.kind_label(kind, lang) if code else "",
            "choices": rfa_rules.rfa_choices(lang),
            "lang": lang,
        }
        return Template("mds/workflow/start.html", context=context)

    @get("/missing", media_type=MediaType.HTML)
    async def missing(self, request: Request[Any, Any, Any], unit: str = "") -> Template:
        lang = locale_for(request)
        today = _today()
        data = await wf.load_facility(_facility_id(request))
        rows = wf.missing_report(data, today, lang)
        unit_id = _int(unit)
        if unit_id:
            rows = [r for r in rows if r["resident"]["unit_id"] == unit_id]
        context = {
            "rows": rows,
            "today": today,
            "options": wf.filter_options(data),
            "unit": unit_id,
            "lang": lang,
            **_labels(),
        }
        return render(
            request, "mds/workflow/missing.html", context, fragment="mds/workflow/_missing_rows.html"
        )

    # ------------------------------------------------------------ export and tracking

    async def _exports_context(self, request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
        facility_id = _facility_id(request)
        return {
            "exportable": await wf.exportable(facility_id),
            "batches": await wf.batches(facility_id),
            "lang": locale_for(request),
            "outcome": None,
            "import_outcome": None,
            "errors": [],
            "selected": set(),
            "member_name": wf.member_name,
            **_labels(),
            **extra,
        }

    @get("/exports", media_type=MediaType.HTML, opt={"roles": EXPORT_ROLES})
    async def exports(self, request: Request[Any, Any, Any]) -> Template:
        return Template("mds/workflow/exports.html", context=await self._exports_context(request))

    @post("/exports", media_type=MediaType.HTML, opt={"roles": EXPORT_ROLES}, status_code=200)
    async def export(self, request: Request[Any, Any, Any]) -> Template:
        form = await request.form()
        picked = form.getall("assessment", []) if hasattr(form, "getall") else []
        ids = [i for i in (_int(p) for p in picked) if i is not None]
        if not ids:
            context = await self._exports_context(
                request, errors=[N_("Select at least one signed assessment to export.")]
            )
            return Template("mds/workflow/exports.html", context=context, status_code=422)
        user = current_user(request)
        outcome = await wf.export_assessments(
            actor_of(request), user.id, _facility_id(request), ids, locale_for(request)
        )
        status = 200 if outcome.batch_id else 422
        if outcome.batch_id:
            flash(
                request,
                gettext(
                    locale_for(request),
                    "Export ready: %(count)s record(s) in the zip.",
                    count=str(len(outcome.exported)),
                ),
                "success",
            )
        context = await self._exports_context(
            request,
            outcome=outcome,
            selected=set(ids),
            errors=[] if outcome.batch_id else [N_("No record could be exported; see the reasons below.")],
        )
        return Template("mds/workflow/exports.html", context=context, status_code=status)

    async def _batch_or_404(self, request: Request[Any, Any, Any], batch_id: int) -> dict[str, Any]:
        batch = await wf.get_batch(current_user(request).facility_ids, batch_id)
        if batch is None:
            raise await _deny(request, "mds_export_batch", batch_id)
        return batch

    @get("/exports/{batch_id:int}", media_type=MediaType.HTML, opt={"roles": EXPORT_ROLES})
    async def batch(self, request: Request[Any, Any, Any], batch_id: int) -> Template:
        batch = await self._batch_or_404(request, batch_id)
        return Template(
            "mds/workflow/batch.html",
            context={
                "batch": batch,
                "records": await wf.batch_records(batch_id),
                "errors": [],
                "lang": locale_for(request),
                **_labels(),
            },
        )

    @get("/exports/{batch_id:int}/download", opt={"roles": EXPORT_ROLES})
    async def download(self, request: Request[Any, Any, Any], batch_id: int) -> Response[bytes]:
        batch = await self._batch_or_404(request, batch_id)
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "export",
                "mds_export_download",
                batch_id,
                facility_id=batch["facility"],
                after={"file": batch["filename"], "sha256": batch["zip_sha256"]},
            )
        return Response(
            content=bytes(batch["zip_data"] or b""),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{batch["filename"]}"',
                "Cache-Control": "no-store",
            },
        )

    @post("/exports/{batch_id:int}/submitted", opt={"roles": EXPORT_ROLES}, status_code=303)
    async def submitted(
        self, request: Request[Any, Any, Any], batch_id: int
    ) -> Template | Redirect | ClientRedirect:
        batch = await self._batch_or_404(request, batch_id)
        lang = locale_for(request)
        refused = await wf.mark_submitted(actor_of(request), current_user(request).id, batch)
        if refused:
            errors = [
                f"#{assessment_id}: {messages.get(lang, messages['en'])}"
                for assessment_id, messages in refused
            ]
            return Template(
                "mds/workflow/batch.html",
                status_code=409,
                context={
                    "batch": batch,
                    "records": await wf.batch_records(batch_id),
                    "errors": errors,
                    "lang": lang,
                    **_labels(),
                },
            )
        flash(request, gettext(lang, "Batch marked as submitted to CMS."), "success")
        path = f"/mds/exports/{batch_id}"
        return redirect_after_post(request, path)

    @post("/exports/results", media_type=MediaType.HTML, opt={"roles": EXPORT_ROLES}, status_code=200)
    async def import_results(self, request: Request[Any, Any, Any]) -> Template:
        form = await request.form()
        lang = locale_for(request)
        upload = form.get("file")
        filename, raw = "", b""
        if upload is not None and hasattr(upload, "read"):
            filename = str(getattr(upload, "filename", "") or "")[:100]
            raw = await upload.read(MAX_RESULT_BYTES + 1)
        if not raw:
            raw = str(form.get("text", "") or "").encode()
        errors: list[str] = []
        if not raw.strip():
            errors.append(N_("Choose the final validation result file (CSV) or paste its lines."))
        elif len(raw) > MAX_RESULT_BYTES:
            errors.append(N_("The result file is too large (2 MB at most)."))
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.append(N_("The result file is not UTF-8 text."))
        if errors:
            return Template(
                "mds/workflow/exports.html",
                context=await self._exports_context(request, errors=errors),
                status_code=422,
            )
        outcome = await wf.import_results(
            actor_of(request), current_user(request).id, _facility_id(request), text, filename
        )
        status = 422 if outcome.errors else 200  # all or nothing: any bad line, nothing was imported
        context = await self._exports_context(request, import_outcome=outcome)
        context["import_messages"] = [(e.line, e.message.get(lang, e.message["en"])) for e in outcome.errors]
        return Template("mds/workflow/exports.html", context=context, status_code=status)


ROUTE_HANDLERS = [WorkflowController]
NAV = [
    NavItem("/mds/dashboard", "MDS dashboard", DASHBOARD_ROLES, 20),
    NavItem("/mds/exports", "MDS export", EXPORT_ROLES, 21),
]

__all__ = ["NAV", "ROUTE_HANDLERS", "WorkflowController", "submission"]
