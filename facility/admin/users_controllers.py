"""Users page (administrators only): list, create, disable/enable, reset password, change role and
facilities. The writes live in facility.admin.users_services; every one is audited."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Template

from facility.admin import users_services as svc
from facility.core.forms import N_
from facility.web.core import (
    ADMIN_ROLES,
    actor_of,
    current_user,
    denied_as_not_found,
    flash,
    redirect_after_post,
)
from facility.web.i18n import gettext, locale_for

SHOW = ("active", "disabled", "all")


async def _form_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    data: dict[str, Any] = {k: form.get(k) for k in form}
    data["facility_ids"] = form.getall("facility_ids") if "facility_ids" in form else []
    return data


class UsersController(Controller):
    path = "/admin/users"
    include_in_schema = False
    opt = {"roles": ADMIN_ROLES}

    async def _context(self, request: Request[Any, Any, Any], **extra: Any) -> dict[str, Any]:
        admin = current_user(request)
        facilities = await svc.manageable_facilities(admin)
        return {
            "roles": svc.role_options(),
            "facilities": facilities,
            "facility_names": {f["id"]: f["name"] for f in facilities},
            "me": admin,
            "errors": {},
            "values": {},
            **extra,
        }

    async def _user_or_404(self, request: Request[Any, Any, Any], user_id: int) -> dict[str, Any]:
        user = await svc.get_user(current_user(request), user_id)
        if user is None:
            raise await denied_as_not_found(request, "user", user_id)
        return user

    @get("/", media_type=MediaType.HTML, name="users")
    async def list_users(
        self, request: Request[Any, Any, Any], q: str = "", show: str = "active"
    ) -> Template:
        show = show if show in SHOW else "active"
        users = await svc.list_users(current_user(request), q, show)
        return Template(
            "admin/users.html",
            context=await self._context(request, users=users, q=q[:80], show=show, shows=SHOW),
        )

    @get("/new", media_type=MediaType.HTML)
    async def new_user(self, request: Request[Any, Any, Any]) -> Template:
        return Template(
            "admin/user_form.html", context=await self._context(request, user=None, values={"role": "nurse"})
        )

    @post("/", status_code=303)
    async def create_user(self, request: Request[Any, Any, Any]) -> Template | Redirect | ClientRedirect:
        admin = current_user(request)
        data = await _form_data(request)
        allowed = {f["id"] for f in await svc.manageable_facilities(admin)}
        form = svc.validate_user_form(data, admin, allowed, creating=True)
        errors = dict(form.errors)
        if not errors:
            try:
                user_id = await svc.create(actor_of(request), admin, form.values)
            except ValueError as exc:
                errors["username"] = str(exc)
        if errors:
            values = {**form.values, "password": ""}  # never echo a password back into the page
            context = await self._context(request, user=None, values=values, errors=errors)
            return Template("admin/user_form.html", context=context, status_code=422)
        flash(
            request,
            gettext(locale_for(request), "User created. Give them their password in person."),
            "success",
        )
        return redirect_after_post(request, f"/admin/users/{user_id}")

    @get("/{user_id:int}", media_type=MediaType.HTML)
    async def edit_user(self, request: Request[Any, Any, Any], user_id: int) -> Template:
        user = await self._user_or_404(request, user_id)
        return Template("admin/user_form.html", context=await self._context(request, user=user, values=user))

    async def _edit_error(
        self,
        request: Request[Any, Any, Any],
        user: dict[str, Any],
        values: dict[str, Any],
        errors: dict[str, str],
        status: int,
    ) -> Template:
        context = await self._context(request, user=user, values={**user, **values}, errors=errors)
        return Template("admin/user_form.html", context=context, status_code=status)

    @post("/{user_id:int}", status_code=303)
    async def update_user(
        self, request: Request[Any, Any, Any], user_id: int
    ) -> Template | Redirect | ClientRedirect:
        admin = current_user(request)
        user = await self._user_or_404(request, user_id)
        data = await _form_data(request)
        allowed = {f["id"] for f in await svc.manageable_facilities(admin)}
        # Facilities outside this administrator's scope are not on the form; they are kept as they are.
        form = svc.validate_user_form(
            {**data, "facility_ids": data["facility_ids"]}, admin, allowed, creating=False
        )
        errors = dict(form.errors)
        if (
            errors.get("facility_ids")
            and set(user["facility_ids"]) - allowed
            and not form.values["facility_ids"]
        ):
            errors.pop("facility_ids")
        if errors:
            return await self._edit_error(request, user, form.values, errors, 422)
        return await self._apply(
            request,
            user,
            svc.update(actor_of(request), admin, user_id, str(data.get("fingerprint", "")), form.values),
            form.values,
            N_("Changes saved."),
        )

    async def _apply(
        self,
        request: Request[Any, Any, Any],
        user: dict[str, Any],
        change: Any,
        values: dict[str, Any],
        done: str,
    ) -> Template | Redirect | ClientRedirect:
        try:
            await change
        except svc.Conflict:
            return await self._edit_error(
                request,
                user,
                values,
                {"form": N_("Someone else changed this user. Review it and try again.")},
                409,
            )
        except ValueError as exc:
            return await self._edit_error(request, user, values, {"form": str(exc)}, 422)
        flash(request, gettext(locale_for(request), done), "success")
        return redirect_after_post(request, f"/admin/users/{user['id']}")

    @post("/{user_id:int}/password", status_code=303)
    async def reset_password(
        self, request: Request[Any, Any, Any], user_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = await self._user_or_404(request, user_id)
        data = await _form_data(request)
        password = str(data.get("password", ""))
        problem = svc.password_error(password)
        if not problem and password != str(data.get("password_again", "")):
            problem = N_("The two passwords differ.")
        if problem:
            return await self._edit_error(request, user, {}, {"password": problem}, 422)
        change = svc.reset_password(
            actor_of(request), current_user(request), user_id, str(data.get("fingerprint", "")), password
        )
        return await self._apply(
            request, user, change, {}, N_("Password reset. The user's open sessions were ended.")
        )

    @post("/{user_id:int}/active", status_code=303)
    async def set_active(
        self, request: Request[Any, Any, Any], user_id: int
    ) -> Template | Redirect | ClientRedirect:
        user = await self._user_or_404(request, user_id)
        data = await _form_data(request)
        active = str(data.get("active", "")) == "1"
        change = svc.set_active(
            actor_of(request), current_user(request), user_id, str(data.get("fingerprint", "")), active
        )
        return await self._apply(
            request,
            user,
            change,
            {},
            N_("User enabled.") if active else N_("User disabled. Their sessions were ended."),
        )


ROUTE_HANDLERS = [UsersController]
