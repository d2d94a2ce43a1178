"""The chain pages: MDS item value -> care areas -> care-plan problems -> quality measures -> F-tags -> plan of
correction, and back from a measure, an F-tag, a finding or a POC task to the residents, problems and items.
Every hop is a link to the next page. Everyone reads; ids of another facility answer 404 (audited).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template

from careplans.rules.triggers import CARE_AREA_BY_NUMBER
from facility.core import clock
from facility.core.forms import N_
from facility.web.core import READ_ROLES, current_user, denied_as_not_found
from facility.web.i18n import locale_for
from surveys.chain import rules as chain
from surveys.chain import services as data
from surveys.qm import rules as qm
from surveys.readiness import services

FLAG_LABELS = {
    "numerator": N_("in the numerator"),
    "denominator": N_("in the denominator, not the numerator"),
    "excluded": N_("excluded from the measure"),
    "not_applicable": N_("not in this measure"),
}
ITEM_ID = re.compile(r"^[A-Z]{1,2}[0-9]{4}[A-Z0-9]{0,4}$")  # J1800, GG0170D1, M0300B1
Req = Request[Any, Any, Any]


def _today() -> date:
    return clock.today()


def _area_names(lang: str) -> dict[int, str]:
    return {n: (a.name_es if lang == "es" else a.name_en) for n, a in CARE_AREA_BY_NUMBER.items()}


def _measure_names() -> dict[str, str]:
    return {code: row["description"] for code, row in qm.catalog().items()}


def _item_label(item: str, lang: str) -> str | None:
    from mds.record.catalog import get_catalog

    found = get_catalog().get(item)
    return found.label(lang) if found is not None else None


def _ctx(request: Req, **values: Any) -> dict[str, Any]:
    lang = locale_for(request)
    return {
        "lang": lang,
        "area_names": _area_names(lang),
        "measure_names": _measure_names(),
        "tag_display": chain.tag_display,
        "flag_labels": FLAG_LABELS,
        **values,
    }


async def _resident(request: Req, resident_id: int) -> dict[str, Any]:
    person = await data.resident(current_user(request), resident_id)
    if person is None:
        raise await denied_as_not_found(request, "resident", resident_id)
    return person


class ChainController(Controller):
    path = "/chain"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    @get("/residents/{resident_id:int}/items/{item:str}", media_type=MediaType.HTML)
    async def item(
        self, request: Req, resident_id: int, item: str, assessment: int | None = None
    ) -> Template:
        person = await _resident(request, resident_id)
        item = item.upper()
        label = _item_label(item, locale_for(request)) if ITEM_ID.match(item) else None
        if label is None:
            raise NotFoundException("There is no such MDS item.")
        found = await data.item_chain(current_user(request), person, item, assessment, _today())
        if found is None:
            raise NotFoundException("This resident has no such MDS record.")
        return Template(
            "chain/item.html", context=_ctx(request, resident=person, item=item, item_label=label, **found)
        )

    @get("/residents/{resident_id:int}/areas/{caa:int}", media_type=MediaType.HTML)
    async def area(self, request: Req, resident_id: int, caa: int) -> Template:
        person = await _resident(request, resident_id)
        if caa not in CARE_AREA_BY_NUMBER:
            raise NotFoundException("There is no such care area.")
        found = await data.area_chain(person, caa, _today())
        return Template("chain/area.html", context=_ctx(request, resident=person, caa=caa, **found))

    @get("/qm/{code:str}", media_type=MediaType.HTML)
    async def measure(self, request: Req, code: str) -> Template:
        if code not in qm.MEASURES:
            raise NotFoundException("There is no such quality measure.")
        facility_id = current_user(request).facility_id or -1
        found = await data.measure_chain(facility_id, code, _today())
        return Template("chain/measure.html", context=_ctx(request, code=code, **found))

    @get("/ftags/{tag:str}", media_type=MediaType.HTML)
    async def ftag(self, request: Req, tag: str) -> Template:
        code = chain.tag_code(tag)
        if code is None:
            raise NotFoundException("There is no such F-tag.")
        from surveys.readiness import ftags

        facility_id = current_user(request).facility_id or -1
        found = await data.ftag_chain(facility_id, code)
        return Template("chain/ftag.html", context=_ctx(request, tag=ftags.resolve(code), **found))

    @get("/findings/{finding_id:int}", media_type=MediaType.HTML)
    async def finding(self, request: Req, finding_id: int) -> Template:
        row = await services.get_finding(current_user(request), finding_id)
        if row is None:
            raise await denied_as_not_found(request, "finding", finding_id)
        found = await data.finding_chain(row, _today())
        return Template("chain/finding.html", context=_ctx(request, finding=row, **found))

    @get("/tasks/{task_id:int}", media_type=MediaType.HTML)
    async def task(self, request: Req, task_id: int) -> Template:
        row = await services.get_task(current_user(request), task_id)
        found = await data.task_chain(row) if row is not None else None
        if row is None or found is None:
            raise await denied_as_not_found(request, "corrective_task", task_id)
        return Template("chain/task.html", context=_ctx(request, task=row, **found))


ROUTE_HANDLERS = [ChainController]
