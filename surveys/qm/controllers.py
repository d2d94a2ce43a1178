"""Quality measures page: resident flags with the items that set them, facility rates for a quarter, the
trend over four quarters (Chart.js), CMS state/national averages, F-tags and care areas, and the Five-Star
cut-point simulator (htmx, works without JavaScript)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import Template

from facility.core import clock
from facility.core.forms import N_
from facility.web.core import READ_ROLES, current_user, render
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from surveys.qm import rules as qm
from surveys.qm import services as qm_services

Req = Request[Any, Any, Any]


def _today() -> date:
    return clock.today()


def _int(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


async def _facility_state(facility_id: int) -> str:
    from facility.tables import Facility

    row = await Facility.select(Facility.state).where(Facility.id == facility_id).first()
    return row["state"] if row else ""


def _simulation(code: str, numerator: str, denominator: str) -> dict[str, Any] | None:
    """The simulator's answer, or an error message id; None when nothing was asked."""
    if not code:
        return None
    n, d = _int(numerator), _int(denominator)
    if code not in qm.MEASURES:
        return {"error": N_("Choose a value from the list.")}
    if n is None or d is None or d == 0 or n > d:
        return {
            "error": N_(
                "Enter whole numbers with the residents triggering no more than the residents in the denominator."
            )
        }
    try:
        return {"result": qm_services.simulate(code, n, d), "code": code}
    except KeyError:
        return {"error": N_("This measure has no Five-Star cut points.")}


class QualityMeasuresController(Controller):
    path = "/quality-measures"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    @get("/", name="quality_measures", media_type=MediaType.HTML)
    async def page(
        self, request: Req, quarter: str = "", code: str = "", numerator: str = "", denominator: str = ""
    ) -> Template:
        user = current_user(request)
        lang = locale_for(request)
        quarters = qm_services.recent_quarters(_today())
        if qm_services.valid_quarter(quarter) and quarter not in quarters:
            quarters = qm_services.recent_quarters(qm.Period.quarter(quarter).end)
        quarter = quarter if quarter in quarters else quarters[-1]
        facility_id = user.facility_id or -1
        result = await qm_services.facility_qm(facility_id, quarters)
        state = await _facility_state(facility_id)
        rows = qm_services.measure_rows(result, quarter, state, lang)
        context = {
            "rows": rows,
            "quarter": quarter,
            "quarters": quarters,
            "choices": qm_services.recent_quarters(_today(), 8),
            "assessments": result.assessments,
            "state": state,
            "scope": qm_services.benchmark_scope(),
            "names": await qm_services.resident_ids(facility_id) if result.assessments else {},
            "chart": qm_services.chart_data(rows, quarters),
            "not_computed": qm_services.not_computed(),
            "sim": _simulation(code, numerator, denominator),
            "sim_values": qm_services.simulator_defaults(
                rows, {"code": code, "numerator": numerator, "denominator": denominator}
            ),
            "measure_codes": list(qm.MEASURES),
            "stars": qm_services.star_estimates(rows),
            "catalog": qm.catalog(),
        }
        return render(request, "qm/page.html", context)

    @get("/simulate", media_type=MediaType.HTML)
    async def simulate(
        self, request: Req, code: str = "", numerator: str = "", denominator: str = ""
    ) -> Template:
        context = {
            "sim": _simulation(code, numerator, denominator)
            or {"error": N_("Choose a value from the list.")},
            "sim_values": {"code": code, "numerator": numerator, "denominator": denominator},
            "measure_codes": list(qm.MEASURES),
        }
        status = 422 if "error" in context["sim"] else 200
        if not request.headers.get("hx-request"):
            # Without JavaScript the form submits to the page itself (see the template); keep a usable answer here too.
            return Template("qm/simulate.html", context=context, status_code=status)
        return Template("qm/_simulation.html", context=context, status_code=status)


ROUTE_HANDLERS = [QualityMeasuresController]
NAV = [NavItem("/quality-measures", N_("Quality measures"), READ_ROLES, 45)]
