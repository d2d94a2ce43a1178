"""MDS file upload pages: upload .xml/.zip files, watch validation progress, read and download the report.

Routes (roles admin and mds_coordinator only; a submission of another facility is a 404 everywhere):
  GET  /mds/uploads                      upload form + the facility's recent submissions
  POST /mds/uploads                      queue a submission (multipart), then its page (303)
  GET  /mds/uploads/{id}                 progress while running, the FVR-like report when done
                                         (?severity=fatal|warning; htmx: the issues fragment only)
  GET  /mds/uploads/{id}/progress        htmx polling target: progress, or the report with 286 (stop polling)
  GET  /mds/uploads/{id}/report.csv      the report as CSV
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.core import audit
from facility.core.db import write_transaction
from facility.core.forms import N_
from facility.web.core import (
    actor_of,
    current_user,
    denied_as_not_found,
    is_partial,
    render,
)
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from mds.i18n import gettext
from mds.upload import services as svc

HX_STOP_POLLING = 286  # htmx stops an `every` trigger on this status (and still swaps the content)


async def _submission_or_404(request: Request[Any, Any, Any], submission_id: int) -> dict[str, Any]:
    submission = await svc.get_submission(current_user(request), submission_id)
    if submission is None:
        raise await denied_as_not_found(request, "submission", submission_id)
    return submission


async def _read_files(request: Request[Any, Any, Any]) -> list[svc.UploadedFile]:
    """Every non-empty file part, read into memory; the parser's spooled temporary files are closed at once."""
    form = await request.form()
    files = []
    for part in form.getall("files") if "files" in form else []:
        if isinstance(part, UploadFile):
            try:
                if part.filename:
                    files.append(svc.UploadedFile(svc.clean_name(part.filename), await part.read()))
            finally:
                await part.close()
    return files


class UploadController(Controller):
    path = "/mds/uploads"
    include_in_schema = False
    opt = {"roles": svc.UPLOAD_ROLES}

    async def _page_context(self, request: Request[Any, Any, Any], errors: list[str]) -> dict[str, Any]:
        user = current_user(request)
        recent = await svc.recent_submissions(user.facility_id) if user.facility_id else []
        return {
            "errors": errors,
            "submissions": recent,
            "max_files": svc.MAX_FILES,
            "max_mb": svc.DEFAULT_LIMITS.max_upload_bytes // 1_000_000,
            "percent": svc.progress_percent,
        }

    @get("/", name="mds_uploads", media_type=MediaType.HTML)
    async def upload_page(self, request: Request[Any, Any, Any]) -> Template:
        return Template("mds/upload.html", context=await self._page_context(request, []))

    @post("/", status_code=303)
    async def upload(self, request: Request[Any, Any, Any]) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        language = locale_for(request)
        files = await _read_files(request)
        problems = svc.check_files(files)
        if not user.facility_id:
            problems.append((N_("Choose the facility you are working in first."), {}))
        if problems:
            errors = [gettext(language, message, **variables) for message, variables in problems]
            context = await self._page_context(request, errors)
            return render(
                request, "mds/upload.html", context, fragment="mds/_upload_form.html", status_code=422
            )
        submission_id = await svc.create_submission(
            user, actor_of(request), user.facility_id or 0, files, language
        )
        svc.start_validation(submission_id, files)
        url = f"/mds/uploads/{submission_id}"
        return ClientRedirect(url) if is_partial(request) else Redirect(url, status_code=303)

    async def _detail_context(
        self, request: Request[Any, Any, Any], submission: dict[str, Any], severity: str
    ) -> dict[str, Any]:
        context: dict[str, Any] = {
            "submission": submission,
            "percent": svc.progress_percent(submission),
            "report": None,
        }
        if submission["status"] in ("done", "failed"):
            context["report"] = await svc.report(submission, locale_for(request), severity)
        return context

    @get("/{submission_id:int}", name="mds_upload", media_type=MediaType.HTML)
    async def detail(
        self, request: Request[Any, Any, Any], submission_id: int, severity: str = ""
    ) -> Template:
        submission = await _submission_or_404(request, submission_id)
        context = await self._detail_context(request, submission, severity)
        if not is_partial(request) and context["report"] is not None:
            async with write_transaction():  # the report names residents: reading it is audited
                await audit.record(
                    actor_of(request), "view", "submission", submission_id, facility_id=submission["facility"]
                )
        return render(request, "mds/upload_detail.html", context, fragment="mds/_upload_issues.html")

    @get("/{submission_id:int}/progress", media_type=MediaType.HTML)
    async def progress(self, request: Request[Any, Any, Any], submission_id: int) -> Template:
        submission = await _submission_or_404(request, submission_id)
        context = await self._detail_context(request, submission, "")
        if not is_partial(request):
            return Template("mds/upload_detail.html", context=context)
        finished = context["report"] is not None
        return Template(
            "mds/_upload_status.html", context=context, status_code=HX_STOP_POLLING if finished else 200
        )

    @get("/{submission_id:int}/report.csv")
    async def report_csv(
        self, request: Request[Any, Any, Any], submission_id: int, severity: str = ""
    ) -> Response[bytes]:
        submission = await _submission_or_404(request, submission_id)
        body = await svc.report_csv(submission, locale_for(request), severity)
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "export",
                "submission",
                submission_id,
                facility_id=submission["facility"],
                after={"format": "csv", "severity": severity if severity in svc.SEVERITIES else ""},
            )
        return Response(
            content=body,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="mds-validation-{submission_id}.csv"'},
        )


ROUTE_HANDLERS = [UploadController]
NAV = [NavItem("/mds/uploads", "MDS files", svc.UPLOAD_ROLES, 30)]
