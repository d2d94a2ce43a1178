"""Administrator's security page: login lock-outs (with early unlock) and security alerts (issue 17)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.auth import breakglass, throttle
from facility.auth.breakglass import BREAK_GLASS_ROLES
from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.forms import N_, clean_text, parse_int
from facility.tables import AdminAlert, Resident, Stay
from facility.web.core import ADMIN_ROLES, actor_of, current_user, flash, redirect_after_post
from facility.web.extensions import NavItem
from facility.web.i18n import gettext, locale_for

NAV = [
    NavItem("/admin/security", N_("Security"), ADMIN_ROLES, order=90),
    NavItem("/emergency", N_("Emergency access"), BREAK_GLASS_ROLES, order=91),
]
ALERT_KINDS = {"lockout": N_("Login locked"), "emergency": N_("Emergency (break-glass) access")}

Req = Request[Any, Any, Any]


async def _visible_alerts(user: Any) -> list[dict[str, Any]]:
    """Alerts of the administrator's facilities, and chain-level ones (lock-outs have no facility)."""
    where = AdminAlert.acknowledged_at.is_null() & (
        AdminAlert.facility_id.is_null() | AdminAlert.facility_id.is_in(list(user.facility_ids) or [-1])
    )
    return list(await AdminAlert.select().where(where).order_by(AdminAlert.id, ascending=False).limit(200))


class SecurityAdminController(Controller):
    path = "/admin/security"
    include_in_schema = False
    opt = {"roles": ADMIN_ROLES}

    @get("/", media_type=MediaType.HTML)
    async def page(self, request: Req) -> Template:
        user = current_user(request)
        context = {
            "lockouts": await throttle.active_lockouts(),
            "alerts": await _visible_alerts(user),
            "alert_kinds": ALERT_KINDS,
            "grants": await breakglass.pending_review(user),
            "now": clock.now(),
        }
        return Template("admin/security.html", context=context)

    @post("/unlock", status_code=303)
    async def unlock(self, request: Req) -> Redirect | ClientRedirect:
        form = await request.form()
        key = clean_text(str(form.get("key", "")))[:200]
        async with write_transaction():
            await throttle.unlock(key)
            await audit.record(
                actor_of(request), "update", "login_throttle", key[:40], after={"unlocked": key}
            )
        flash(request, gettext(locale_for(request), "Login unlocked."), "success")
        return redirect_after_post(request, "/admin/security")

    @post("/alerts/{alert_id:int}/ack", status_code=303)
    async def acknowledge(self, request: Req, alert_id: int) -> Redirect | ClientRedirect:
        user = current_user(request)
        visible = {a["id"] for a in await _visible_alerts(user)}
        if alert_id in visible:
            async with write_transaction():
                await AdminAlert.update(
                    {AdminAlert.acknowledged_by: user.id, AdminAlert.acknowledged_at: clock.now()}
                ).where(AdminAlert.id == alert_id)
                await audit.record(actor_of(request), "review", "admin_alert", alert_id)
        return redirect_after_post(request, "/admin/security")

    @post("/break-glass/{grant_id:int}/review", status_code=303)
    async def review(self, request: Req, grant_id: int) -> Redirect | ClientRedirect:
        user = current_user(request)
        form = await request.form()
        note = clean_text(str(form.get("note", ""))).strip()[:2000]
        if not note:
            flash(request, gettext(locale_for(request), "Write what the review found."), "error")
        elif not await breakglass.review(user, actor_of(request), parse_int(str(grant_id)) or -1, note):
            flash(
                request, gettext(locale_for(request), "That access is not waiting for your review."), "error"
            )
        else:
            flash(request, gettext(locale_for(request), "Review recorded."), "success")
        return redirect_after_post(request, "/admin/security")


class EmergencyController(Controller):
    """Break-glass (facility.auth.breakglass): find a resident of another facility, give a reason, read."""

    path = "/emergency"
    include_in_schema = False
    opt = {"roles": BREAK_GLASS_ROLES}

    @get("/", media_type=MediaType.HTML)
    async def find(self, request: Req, mbi: str = "", last_name: str = "") -> Template:
        mbi = clean_text(mbi).strip().upper()[:12]
        last_name = (
            clean_text(last_name).strip().replace("%", "").replace("_", "")[:100]
        )  # ilike: no wildcards
        matches: list[dict[str, Any]] = []
        if mbi and last_name:
            matches = list(
                await Resident.select(
                    Resident.id, Resident.last_name, Resident.first_name, Resident.birth_date
                )
                .where((Resident.medicare_number == mbi) & (Resident.last_name.ilike(last_name)))
                .limit(5)
            )
            async with write_transaction():
                await audit.record(actor_of(request), "view", "emergency_search", len(matches))
        return Template(
            "emergency/find.html",
            context={
                "mbi": mbi,
                "last_name": last_name,
                "matches": matches,
                "searched": bool(mbi and last_name),
            },
        )

    async def _resident(self, request: Req, resident_id: int) -> dict[str, Any]:
        resident = await breakglass.resident_row(resident_id)
        if resident is None:
            raise NotFoundException()
        return resident

    def _request_page(self, resident: dict[str, Any], error: str = "", reason: str = "") -> Template:
        return Template(
            "emergency/request.html",
            status_code=403,
            context={
                "resident": resident,
                "error": error,
                "reason": reason,
                "min_reason": breakglass.MIN_REASON,
            },
        )

    @get("/residents/{resident_id:int}", media_type=MediaType.HTML)
    async def open_resident(self, request: Req, resident_id: int) -> Template | Redirect:
        user = current_user(request)
        resident = await self._resident(request, resident_id)
        if user.may_access_facility(resident["facility"]):
            return Redirect(f"/residents/{resident_id}", status_code=303)
        grant = await breakglass.active_grant(user.id, resident_id)
        if grant is None:
            async with write_transaction():
                await audit.record(
                    actor_of(request), "denied", "resident", resident_id, outcome="no_emergency_reason"
                )
            return self._request_page({"id": resident_id})
        stays = (
            await Stay.select()
            .where(Stay.resident == resident_id)
            .order_by(Stay.admission_date, ascending=False)
        )
        async with write_transaction():
            await audit.record(
                actor_of(request),
                "view",
                "resident",
                resident_id,
                facility_id=resident["facility"],
                resident_id=resident_id,
                outcome="emergency",
            )
        return Template(
            "emergency/resident.html", context={"resident": resident, "stays": stays, "grant": grant}
        )

    @post("/residents/{resident_id:int}", status_code=303)
    async def ask(self, request: Req, resident_id: int) -> Template | Redirect:
        user = current_user(request)
        resident = await self._resident(request, resident_id)
        if user.may_access_facility(resident["facility"]):
            return Redirect(f"/residents/{resident_id}", status_code=303)
        form = await request.form()
        reason = clean_text(str(form.get("reason", ""))).strip()[:2000]
        if len(reason) < breakglass.MIN_REASON:
            async with write_transaction():
                await audit.record(
                    actor_of(request), "denied", "resident", resident_id, outcome="no_emergency_reason"
                )
            return self._request_page(
                {"id": resident_id}, N_("Type the emergency that needs this resident's record."), reason
            )
        await breakglass.grant(user, actor_of(request), resident, reason)
        return Redirect(f"/emergency/residents/{resident_id}", status_code=303)


ROUTE_HANDLERS = [SecurityAdminController, EmergencyController]
