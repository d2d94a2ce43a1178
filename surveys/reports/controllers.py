"""Reports to corporate: the monthly facility report (HTML with charts, CSV, PDF) and the chain roll-up
across facilities for chain-wide administrators."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template

from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.forms import N_
from facility.tables import Facility
from facility.utilization.forms import PAYER_LABELS
from facility.web.core import actor_of, current_user, render
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from surveys.i18n import gettext
from surveys.reports import services as reports

Req = Request[Any, Any, Any]
REPORT_ROLES = ("admin", "mds_coordinator")


def _today() -> date:
    return clock.today()


async def _facility(facility_id: int | None) -> dict[str, Any]:
    row = (
        await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state)
        .where(Facility.id == (facility_id or -1))
        .first()
    )
    if row is None:
        raise NotFoundException()
    return row


async def _report(request: Req, month: str) -> tuple[reports.MonthlyReport, str]:
    user = current_user(request)
    lang = locale_for(request)
    return await reports.monthly_report(
        await _facility(user.facility_id), reports.parse_month(month, _today()), _today(), lang
    ), lang


async def _audit_export(request: Req, report: reports.MonthlyReport, kind: str) -> None:
    async with write_transaction():
        await audit.record(
            actor_of(request),
            "export",
            "monthly_report",
            report.month,
            facility_id=report.facility["id"],
            after={"format": kind},
        )


def _download(body: bytes, media_type: str, filename: str) -> Response[bytes]:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class ReportController(Controller):
    path = "/reports"
    include_in_schema = False
    opt = {"roles": REPORT_ROLES}

    @get("/monthly", name="monthly_report", media_type=MediaType.HTML)
    async def monthly(self, request: Req, month: str = "") -> Template:
        report, lang = await _report(request, month)

        def t(text: str) -> str:
            return gettext(lang, text)

        charts = reports.charts(report, t)
        if "payers" in charts:
            charts["payers"]["labels"] = [t(reports.payer_label(p)) for p in charts["payers"]["labels"]]
        context = {
            "r": report,
            "summary": report.summary(),
            "reasons": report.reasons(),
            "no_state_data": reports.NO_STATE_DATA,
            "labels": reports.SUMMARY_LABELS,
            "charts": charts,
            "months": reports.recent_months(_today()),
            "payer_labels": PAYER_LABELS,
        }
        return render(request, "reports/monthly.html", context)

    @get("/monthly.csv")
    async def monthly_csv(self, request: Req, month: str = "") -> Response[bytes]:
        report, lang = await _report(request, month)
        await _audit_export(request, report, "csv")
        return _download(
            reports.report_csv(report, lambda text: gettext(lang, text)),
            "text/csv; charset=utf-8",
            f"monthly-report-{report.facility['ccn']}-{report.month}.csv",
        )

    @get("/monthly.pdf")
    async def monthly_pdf(self, request: Req, month: str = "") -> Response[bytes]:
        report, lang = await _report(request, month)
        await _audit_export(request, report, "pdf")
        pdf = await anyio.to_thread.run_sync(
            lambda: reports.report_pdf(report, lambda text: gettext(lang, text))
        )
        return _download(
            pdf, "application/pdf", f"monthly-report-{report.facility['ccn']}-{report.month}.pdf"
        )

    async def _chain(self, request: Req, month: str, refresh: bool = False) -> reports.ChainRollup:
        user = current_user(request)
        if not user.chain_wide:
            async with write_transaction():
                await audit.record(
                    actor_of(request), "denied", "chain_report", "chain", outcome="not_chain_wide"
                )
            raise PermissionDeniedException("only chain-wide administrators see the chain roll-up")
        month = reports.parse_month(month, _today())
        facilities = (
            await Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state)
            .where(Facility.id.is_in(list(user.facility_ids) or [-1]) & (Facility.active == True))
            .order_by(Facility.name)
        )
        return await reports.chain_rollup(list(facilities), month, _today(), refresh=refresh)

    @get("/chain", media_type=MediaType.HTML, opt={"roles": ("admin",)})
    async def chain(self, request: Req, month: str = "", refresh: bool = False) -> Template:
        rollup = await self._chain(request, month, refresh)
        rows, month = rollup.rows, rollup.month
        keys = list(reports.SUMMARY_LABELS)
        totals = {
            k: (
                sum(s[k] for _, s in rows if s[k] is not None)
                if any(s[k] is not None for _, s in rows)
                else None
            )
            for k in ("census", "admissions", "discharges", "rejected_records", "open_survey_findings")
        }
        return Template(
            "reports/chain.html",
            context={
                "rows": rows,
                "month": month,
                "keys": keys,
                "labels": reports.SUMMARY_LABELS,
                "totals": totals,
                "months": reports.recent_months(_today()),
                "computed_at": rollup.computed_at,
                "refreshing": rollup.refreshing,
            },
        )

    @get("/chain.csv", opt={"roles": ("admin",)})
    async def chain_csv(self, request: Req, month: str = "") -> Response[bytes]:
        rollup = await self._chain(request, month)
        rows, month = rollup.rows, rollup.month
        async with write_transaction():
            await audit.record(
                actor_of(request), "export", "chain_report", month, after={"facilities": len(rows)}
            )
        return _download(
            reports.chain_csv(rows, month, lambda text: gettext(locale_for(request), text)),
            "text/csv; charset=utf-8",
            f"chain-report-{month}.csv",
        )


ROUTE_HANDLERS = [ReportController]
NAV = [NavItem("/reports/monthly", N_("Monthly report"), REPORT_ROLES, 60)]
