"""The facility care-plan compliance list and the nurse's worklist (paged, filterable, sortable).

Everyone reads the compliance list; the nurse's worklist is for the roles that work the care plans.
Both list only the facility the user works in now (user.facility_id).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import Template

from careplans.plans import services
from careplans.plans import worklist as rows
from careplans.plans import worklist_services as data
from facility.core.forms import N_
from facility.web.core import READ_ROLES, current_user
from facility.web.extensions import NavItem
from facility.web.worklists import worklist_page

NURSE_ROLES = ("admin", "mds_coordinator", "nurse")


class CarePlanWorklistController(Controller):
    path = "/careplans"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    @get("/compliance", media_type=MediaType.HTML)
    async def compliance(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        items, rollup = await data.compliance_items(user.facility_id or -1)
        return worklist_page(
            request,
            items,
            kinds=rows.COMPLIANCE_KINDS,
            labels=rows.COMPLIANCE_LABELS,
            today=services.today(),
            base="/careplans/compliance",
            title=N_("Care-plan compliance"),
            intro=N_(
                "Baseline care plan within 48 hours (F655), care plan content (F656), comprehensive care plan "
                "within 7 days of the CAAs, review after each assessment and every 92 days (F657)."
            ),
            testid="compliance-table",
            area_names=rows.AREA_NAMES,
            extra={"rollup": rollup, "empty": N_("No resident has a care-plan finding.")},
            template="careplans/compliance.html",
        )

    @get("/worklist", media_type=MediaType.HTML, opt={"roles": NURSE_ROLES})
    async def nurse(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        today = services.today()
        items = await data.nurse_items(user.facility_id or -1, today)
        return worklist_page(
            request,
            items,
            kinds=rows.NURSE_KINDS,
            labels=rows.NURSE_LABELS,
            today=today,
            base="/careplans/worklist",
            title=N_("Nursing worklist"),
            intro=N_(
                "Care plans due or due for review, triggered care areas not planned yet, changes in condition "
                "while their 7-day revision clock runs, and progress notes flagged by the documentation review."
            ),
            testid="nurse-worklist",
            area_names=rows.AREA_NAMES,
        )


ROUTE_HANDLERS = [CarePlanWorklistController]
NAV = [NavItem("/careplans/worklist", N_("Nursing worklist"), NURSE_ROLES, 29)]
