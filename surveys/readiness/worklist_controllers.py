"""The DON / administrator worklist page (rows: surveys.worklist; data: surveys.worklist_services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import Template

from careplans.plans.worklist import AREA_NAMES
from facility.core import clock
from facility.core.forms import N_
from facility.web.core import CLINICAL_WRITE_ROLES, current_user
from facility.web.extensions import NavItem
from facility.web.i18n import locale_for
from facility.web.worklists import worklist_page
from surveys.readiness import worklist as rows
from surveys.readiness import worklist_services as data


def _today() -> date:
    return clock.today()


class DonWorklistController(Controller):
    path = "/surveys/worklist"
    include_in_schema = False
    opt = {"roles": CLINICAL_WRITE_ROLES}

    @get("/", media_type=MediaType.HTML)
    async def worklist(self, request: Request[Any, Any, Any]) -> Template:
        today = _today()
        items = await data.don_items(current_user(request).facility_id or -1, today, locale_for(request))
        return worklist_page(
            request,
            items,
            kinds=rows.KINDS,
            labels=rows.LABELS,
            today=today,
            base="/surveys/worklist",
            title=N_("DON and administrator worklist"),
            intro=N_(
                "Survey readiness: plans of correction to write or sign, POC tasks not done, monitoring audits "
                "below their threshold, and quality measures worse than the state (or national) average."
            ),
            testid="don-worklist",
            area_names=AREA_NAMES,
        )


ROUTE_HANDLERS = [DonWorklistController]
NAV = [NavItem("/surveys/worklist", N_("DON and administrator worklist"), CLINICAL_WRITE_ROLES, 59)]
