"""Facility-domain pages: home, residents (list/search, create, edit, inactivate), stays and events,
facilities/units administration and the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template
from piccolo.columns.combination import Combinable

from facility.admin.audit_view import OBJECT_TYPES as AUDIT_OBJECT_TYPES
from facility.admin.audit_view import changes as audit_changes
from facility.core import audit, clock
from facility.core.db import StaleVersion, write_transaction
from facility.core.forms import (
    N_,
    PAYERS,
    RESIDENT_STATUSES,
    SEXES,
    STAY_EVENT_KINDS,
    parse_version,
    validate_facility,
    validate_resident,
    validate_stay,
    validate_stay_event,
)
from facility.core.plugins import registry
from facility.residents import services, stay_rules
from facility.tables import AuditEvent, Facility, Unit
from facility.web.core import (
    ADMIN_ROLES,
    CLINICAL_WRITE_ROLES,
    READ_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    redirect_after_post,
    render,
)
from facility.web.i18n import gettext, locale_for

# Tabs of the resident page; later capabilities (assessments, care plan, utilization) fill theirs.
TAB_NAMES = ("overview", "assessments", "careplan", "utilization")


def _today() -> date:
    return clock.today()


_redirect = redirect_after_post


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


async def _resident_or_404(request: Request[Any, Any, Any], resident_id: int) -> dict[str, Any]:
    user = current_user(request)
    resident = await services.get_resident(user, resident_id)
    if resident is None:
        raise await denied_as_not_found(request, "resident", resident_id)
    return resident


class HomeController(Controller):
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    @get("/", name="home", media_type=MediaType.HTML)
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        overview = await services.facility_overview(user.facility_id) if user.facility_id else None
        residents, total = await services.search_residents(user.facility_id or -1, status="active")
        return Template(
            "home.html",
            context={
                "overview": overview,
                "residents": residents,
                "total": total,
                "q": "",
                "unit": None,
                "status": "active",
                "page": 1,
                "page_size": services.PAGE_SIZE,
            },
        )

    @get("/favicon.ico", opt={"exclude_from_auth": True})
    async def favicon(self) -> Redirect:
        # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
        return Redirect("/static/favicon.svg", status_code=301)

    @get("/health", opt={"exclude_from_auth": True}, media_type=MediaType.TEXT)
    async def health(self) -> str:
        return "ok"


class ResidentController(Controller):
    path = "/residents"
    include_in_schema = False
    opt = {"roles": READ_ROLES}

    async def _form_context(
        self, request: Request[Any, Any, Any], values: dict[str, Any], errors: dict[str, str], **extra: Any
    ) -> dict[str, Any]:
        user = current_user(request)
        return {
            "values": values,
            "errors": errors,
            "units": await services.units_of(user.facility_id or -1),
            "sexes": SEXES,
            **extra,
        }

    @get("/", name="residents", media_type=MediaType.HTML)
    async def list_residents(
        self,
        request: Request[Any, Any, Any],
        q: str = "",
        unit: str = "",
        status: str = "active",
        page: int = 1,
    ) -> Template:
        user = current_user(request)
        unit_id = _int(unit)
        if status not in RESIDENT_STATUSES:
            status = ""
        rows, total = await services.search_residents(user.facility_id or -1, q[:100], unit_id, status, page)
        context = {
            "residents": rows,
            "total": total,
            "q": q[:100],
            "unit": unit_id,
            "status": status,
            "page": max(page, 1),
            "page_size": services.PAGE_SIZE,
            "units": await services.units_of(user.facility_id or -1),
            "statuses": RESIDENT_STATUSES,
        }
        return render(request, "residents/list.html", context, fragment="residents/_rows.html")

    @get("/new", media_type=MediaType.HTML, opt={"roles": CLINICAL_WRITE_ROLES})
    async def new_resident(self, request: Request[Any, Any, Any]) -> Template:
        return Template(
            "residents/form.html", context=await self._form_context(request, {}, {}, mode="create")
        )

    @post("/", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def create_resident(self, request: Request[Any, Any, Any]) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        form = dict(await request.form())
        units = await services.units_of(user.facility_id or -1)
        values, errors = validate_resident(form, {u["id"] for u in units}, _today())
        if errors or not user.facility_id:
            context = await self._form_context(request, form, errors, mode="create")
            return render(
                request, "residents/form.html", context, fragment="residents/_form.html", status_code=422
            )
        resident_id = await services.create_resident(user, actor_of(request), user.facility_id, values)
        flash(request, gettext(locale_for(request), "Resident added."), "success")
        return _redirect(request, f"/residents/{resident_id}")

    @get("/{resident_id:int}", name="resident", media_type=MediaType.HTML)
    async def resident_page(
        self, request: Request[Any, Any, Any], resident_id: int, tab: str = "overview"
    ) -> Template:
        resident = await _resident_or_404(request, resident_id)
        tab = tab if tab in TAB_NAMES else "overview"
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "view",
                "resident",
                resident_id,
                facility_id=resident["facility"],
                resident_id=resident_id,
            )
        context = {
            "resident": resident,
            "tab": tab,
            "tabs": TAB_NAMES,
            "stays": await services.stays_of(resident_id),
            "event_kinds": STAY_EVENT_KINDS,
            "payers": PAYERS,
            "stay_errors": {},
            "stay_values": {},
            "tab_template": None,
            "tab_context": {},
        }
        provider = registry().resident_tabs.get(tab)
        if provider is not None:
            context["tab_template"], context["tab_context"] = await provider(request, resident)
        return render(request, "residents/detail.html", context, fragment="residents/_tab.html")

    @get("/{resident_id:int}/edit", media_type=MediaType.HTML, opt={"roles": CLINICAL_WRITE_ROLES})
    async def edit_resident(self, request: Request[Any, Any, Any], resident_id: int) -> Template:
        resident = await _resident_or_404(request, resident_id)
        values = {
            **resident,
            "unit_id": resident["unit"] or "",
            "birth_date": resident["birth_date"].isoformat(),
        }
        return Template(
            "residents/form.html",
            context=await self._form_context(request, values, {}, mode="edit", resident=resident),
        )

    @post("/{resident_id:int}", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def update_resident(
        self, request: Request[Any, Any, Any], resident_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        units = await services.units_of(resident["facility"])
        values, errors = validate_resident(form, {u["id"] for u in units}, _today())
        version = parse_version(form)
        if version is None:
            errors["version"] = N_("The form is missing its version; reload the page.")
        if errors:
            # a form without a (valid) version goes back with the stored one, so the re-rendered form can be saved
            shown = {**form, "version": version or resident["version"]}
            context = await self._form_context(request, shown, errors, mode="edit", resident=resident)
            return render(
                request, "residents/form.html", context, fragment="residents/_form.html", status_code=422
            )
        try:
            await services.update_resident(actor_of(request), user, resident, version or 0, values)
        except StaleVersion as stale:
            # Nothing lost: the user's values go back into the form beside the newer saved record.
            context = await self._form_context(
                request, form, {}, mode="edit", resident=resident, conflict=stale.current
            )
            return render(
                request, "residents/form.html", context, fragment="residents/_form.html", status_code=409
            )
        flash(request, gettext(locale_for(request), "Changes saved."), "success")
        return _redirect(request, f"/residents/{resident_id}")

    @post("/{resident_id:int}/inactivate", opt={"roles": ("admin", "mds_coordinator")}, status_code=303)
    async def inactivate(
        self, request: Request[Any, Any, Any], resident_id: int
    ) -> Redirect | ClientRedirect:
        user = current_user(request)
        resident = await _resident_or_404(request, resident_id)
        form = await request.form()
        language = locale_for(request)
        try:
            await services.inactivate_resident(
                actor_of(request), user, resident, _int(form.get("version")) or 0
            )
        except StaleVersion:
            flash(
                request,
                gettext(language, "Someone else changed this record. Review it and try again."),
                "error",
            )
            return _redirect(request, f"/residents/{resident_id}")
        flash(
            request, gettext(language, "Resident record inactivated. It stays in the audit trail."), "success"
        )
        return _redirect(request, "/residents")

    @post("/{resident_id:int}/stays", opt={"roles": CLINICAL_WRITE_ROLES}, status_code=303)
    async def add_stay(
        self, request: Request[Any, Any, Any], resident_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        resident = await _resident_or_404(request, resident_id)
        form = dict(await request.form())
        values, errors = validate_stay(form, resident["birth_date"], _today())
        stays = await services.stays_of(resident_id)
        if not errors:
            problem = stay_rules.overlap_error(values["admission_date"], stays)
            if problem:
                errors["admission_date"] = _message(request, *problem)
        if not errors:
            try:
                await services.create_stay(actor_of(request), user, resident, values)
            except services.StayOverlap as clash:  # another admission was saved meanwhile
                errors["admission_date"] = _message(request, *clash.args)
        if errors:
            context = {
                "resident": resident,
                "tab": "overview",
                "tabs": TAB_NAMES,
                "stays": stays,
                "event_kinds": STAY_EVENT_KINDS,
                "payers": PAYERS,
                "stay_errors": errors,
                "stay_values": form,
            }
            return render(
                request, "residents/detail.html", context, fragment="residents/_tab.html", status_code=422
            )
        flash(request, gettext(locale_for(request), "Admission recorded."), "success")
        return _redirect(request, f"/residents/{resident_id}")


def _message(request: Request[Any, Any, Any], message_id: str, params: dict[str, str] | None = None) -> str:
    text = gettext(locale_for(request), message_id)
    return text % params if params else text


class StayController(Controller):
    path = "/stays"
    include_in_schema = False
    opt = {"roles": CLINICAL_WRITE_ROLES}

    @post("/{stay_id:int}/events", status_code=303)
    async def add_event(
        self, request: Request[Any, Any, Any], stay_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        stay = await services.get_stay(user, stay_id)
        if stay is None:
            raise await denied_as_not_found(request, "stay", stay_id)
        resident = await _resident_or_404(request, stay["resident"])
        form = dict(await request.form())
        values, errors = validate_stay_event(form, stay["status"], stay["last_event_date"], _today())
        if not errors and _int(form.get("version")) != stay["version"]:
            errors["kind"] = "Someone else changed this stay. Review it and try again."
        if errors:
            context = {
                "resident": resident,
                "tab": "overview",
                "tabs": TAB_NAMES,
                "stays": await services.stays_of(resident["id"]),
                "event_kinds": STAY_EVENT_KINDS,
                "payers": PAYERS,
                "stay_errors": {},
                "stay_values": {},
                "event_errors": {stay_id: errors},
                "event_values": {stay_id: form},
            }
            return render(
                request, "residents/detail.html", context, fragment="residents/_tab.html", status_code=422
            )
        try:
            await services.add_stay_event(actor_of(request), user, stay, values)
        except StaleVersion:
            flash(
                request,
                gettext(locale_for(request), "Someone else changed this stay. Review it and try again."),
                "error",
            )
            return _redirect(request, f"/residents/{resident['id']}")
        flash(request, gettext(locale_for(request), "Stay event recorded."), "success")
        return _redirect(request, f"/residents/{resident['id']}")

    @post("/{stay_id:int}/events/{event_id:int}/correct", status_code=303)
    async def correct_event(
        self, request: Request[Any, Any, Any], stay_id: int, event_id: int
    ) -> Template | Redirect | ClientRedirect:
        """A wrong event date is corrected, never overwritten: the old event stays (inactive) and the reason is audited."""
        user = current_user(request)
        stay = await services.get_stay(user, stay_id)
        event = await services.stay_event(stay_id, event_id) if stay else None
        if stay is None or event is None:
            raise await denied_as_not_found(request, "stay_event", event_id)
        resident = await _resident_or_404(request, stay["resident"])
        stays = await services.stays_of(resident["id"])
        events: list[dict[str, Any]] = next((s["events"] for s in stays if s["id"] == stay_id), [])
        form = dict(await request.form())
        values, errors = stay_rules.validate_correction(form, event, events, _today(), resident["birth_date"])
        if not errors and _int(form.get("version")) != stay["version"]:
            errors["event_date"] = "Someone else changed this stay. Review it and try again."
        if not errors:
            try:
                await services.correct_stay_event(
                    actor_of(request), user, stay, event, values["event_date"], values["reason"]
                )
            except services.StayOverlap as clash:
                errors["event_date"] = _message(request, *clash.args)
            except StaleVersion:
                errors["event_date"] = "Someone else changed this stay. Review it and try again."
        if errors:
            context = {
                "resident": resident,
                "tab": "overview",
                "tabs": TAB_NAMES,
                "stays": await services.stays_of(resident["id"]),
                "event_kinds": STAY_EVENT_KINDS,
                "payers": PAYERS,
                "stay_errors": {},
                "stay_values": {},
                "correction_errors": {event_id: errors},
            }
            return render(
                request, "residents/detail.html", context, fragment="residents/_tab.html", status_code=422
            )
        flash(
            request,
            gettext(locale_for(request), "Event date corrected. The original entry stays in the audit log."),
            "success",
        )
        return _redirect(request, f"/residents/{resident['id']}")


class AdminController(Controller):
    path = "/admin"
    include_in_schema = False
    opt = {"roles": ADMIN_ROLES}

    async def _facilities_context(self, user: Any) -> dict[str, Any]:
        rows = (
            await Facility.select()
            .where(Facility.id.is_in(list(user.facility_ids) or [-1]))
            .order_by(Facility.name)
        )
        units = (
            await Unit.select()
            .where(Unit.facility.is_in(list(user.facility_ids) or [-1]))
            .order_by(Unit.name)
        )
        for row in rows:
            row["units"] = [u for u in units if u["facility"] == row["id"]]
        return {"facilities": rows, "errors": {}, "values": {}, "chain_wide": user.chain_wide}

    @get("/facilities", media_type=MediaType.HTML)
    async def facilities(self, request: Request[Any, Any, Any]) -> Template:
        return Template(
            "admin/facilities.html", context=await self._facilities_context(current_user(request))
        )

    @post("/facilities", status_code=303)
    async def add_facility(self, request: Request[Any, Any, Any]) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        if not user.chain_wide:  # a facility administrator manages units, not the chain
            async with write_transaction():
                await audit.record(actor_of(request), "denied", "facility", "new", outcome="not_chain_wide")
            raise PermissionDeniedException("only chain-wide administrators add facilities")
        form = dict(await request.form())
        values, errors = validate_facility(form)
        if not errors and await Facility.exists().where(Facility.ccn == values["ccn"]):
            errors["ccn"] = N_("A facility with this CCN already exists.")
        if errors:
            context = await self._facilities_context(user)
            return Template(
                "admin/facilities.html",
                context={**context, "errors": errors, "values": form},
                status_code=422,
            )
        async with write_transaction():
            facility = Facility(**values)
            await facility.save()
            await audit.record(
                actor_of(request), "create", "facility", facility.id, facility_id=facility.id, after=values
            )
        flash(request, gettext(locale_for(request), "Facility added."), "success")
        return _redirect(request, "/admin/facilities")

    @post("/facilities/{facility_id:int}/units", status_code=303)
    async def add_unit(
        self, request: Request[Any, Any, Any], facility_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = current_user(request)
        if not user.may_access_facility(facility_id):
            raise NotFoundException()
        form = await request.form()
        name = str(form.get("name", "")).strip()
        if not name or len(name) > 100:
            flash(
                request, gettext(locale_for(request), "Enter a unit name of up to 100 characters."), "error"
            )
            return _redirect(request, "/admin/facilities")
        async with write_transaction():
            unit = Unit(facility=facility_id, name=name)
            await unit.save()
            await audit.record(
                actor_of(request), "create", "unit", unit.id, facility_id=facility_id, after={"name": name}
            )
        flash(request, gettext(locale_for(request), "Unit added."), "success")
        return _redirect(request, "/admin/facilities")

    @get("/audit", media_type=MediaType.HTML)
    async def audit_log(
        self,
        request: Request[Any, Any, Any],
        action: str = "",
        actor: str = "",
        resident: str = "",
        object_type: str = "",
        object_id: str = "",
        page: int = 1,
    ) -> Template:
        user = current_user(request)
        where: Combinable = (
            AuditEvent.facility_id.is_in(list(user.facility_ids) or [-1]) | AuditEvent.facility_id.is_null()
        )
        if action in audit.ACTIONS:
            where &= AuditEvent.action == action
        if actor:
            where &= AuditEvent.actor.ilike(f"%{actor[:80]}%")
        resident_id = _int(resident)
        if resident_id:
            where &= AuditEvent.resident_id == resident_id
        if object_type:
            where &= AuditEvent.object_type == object_type[:40]
        if object_id:
            where &= AuditEvent.object_id == object_id[:40]
        page = max(page, 1)
        rows = (
            await AuditEvent.select()
            .where(where)
            .order_by(AuditEvent.id, ascending=False)
            .limit(100)
            .offset((page - 1) * 100)
            .output(load_json=True)
        )
        for row in rows:
            row["changes"] = audit_changes(row["before"], row["after"])
        context = {
            "events": rows,
            "actions": audit.ACTIONS,
            "action": action,
            "actor": actor,
            "resident": resident,
            "page": page,
            "object_type": object_type[:40],
            "object_id": object_id[:40],
            "object_types": AUDIT_OBJECT_TYPES,
        }
        return render(request, "admin/audit.html", context, fragment="admin/_audit_rows.html")


ROUTE_HANDLERS = [HomeController, ResidentController, StayController, AdminController]
