"""The MDS coordinator's worklist page (rows: mds.worklist; data: mds.workflow_services, cached per facility)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import Template

from facility.core import clock
from facility.core.forms import N_
from facility.core.worklist import Item
from facility.web.core import current_user
from facility.web.extensions import NavItem
from facility.web.worklists import worklist_page
from mds.record import rfa as rfa_rules
from mds.workflow import services as wf
from mds.workflow import worklist as rows

COORDINATOR_ROLES = ("admin", "mds_coordinator")


def _today() -> date:
    return clock.today()


async def coordinator_items(facility_id: int, today: date) -> list[Item]:
    data = await wf.load_facility(facility_id)
    due = wf.due_items(data, today)
    people = {rid: wf._resident_view(data, rid) for rid in data.residents}
    people = {rid: {"name": p["name"], "unit": p["unit"], "room": p["room"]} for rid, p in people.items()}
    starts = {id(i): wf._start_params(i, today) for i in due if i.assessment_id is None}
    return rows.coordinator_items(
        due,
        [a for a in data.assessments if a["resident"] in data.residents],
        data.exports,
        people,
        rfa_rules.KIND_LABELS,
        starts,
        today,
    )


class CoordinatorWorklistController(Controller):
    path = "/mds/worklist"
    include_in_schema = False
    opt = {"roles": COORDINATOR_ROLES}

    @get("/", media_type=MediaType.HTML)
    async def worklist(self, request: Request[Any, Any, Any]) -> Template:
        today = _today()
        items = await coordinator_items(current_user(request).facility_id or -1, today)
        return worklist_page(
            request,
            items,
            kinds=rows.KINDS,
            labels=rows.LABELS,
            today=today,
            base="/mds/worklist",
            title=N_("MDS coordinator worklist"),
            intro=N_(
                "Records the RAI schedule expects (missing, late, due, upcoming), significant changes while "
                "their 14-day clock runs, records not signed and records CMS rejected."
            ),
            testid="coordinator-worklist",
        )


ROUTE_HANDLERS = [CoordinatorWorklistController]
NAV = [NavItem("/mds/worklist", N_("MDS coordinator worklist"), COORDINATOR_ROLES, 19)]
