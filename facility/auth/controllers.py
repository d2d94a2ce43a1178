"""Login, logout, language switch and facility switch."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlparse

from litestar import Controller, MediaType, Request, get, post
from litestar.response import Redirect, Template

from facility import audit
from facility.auth.service import authenticate
from facility.auth.sessions import request_rotation
from facility.db import write_transaction
from facility.tables import User
from facility.web.core import READ_ROLES, actor_of, current_user, flash
from facility.web.i18n import LANGUAGES, gettext, locale_for

PUBLIC = {"exclude_from_auth": True}


def _safe_back(request: Request[Any, Any, Any], fallback: str = "/") -> str:
    """Only same-site paths, so the switch can never redirect off the app."""
    referer = request.headers.get("referer", "")
    parsed = urlparse(referer)
    if parsed.netloc and parsed.netloc != request.headers.get("host", ""):
        return fallback
    path = parsed.path or fallback
    return path if path.startswith("/") and not path.startswith("//") else fallback


class AuthController(Controller):
    include_in_schema = False

    @get("/login", opt=PUBLIC, name="login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if isinstance(request.session, dict) and request.session.get("user_id"):
            return Redirect("/")
        return Template("auth/login.html", context={"username": "", "error": None}, media_type=MediaType.HTML)

    @post("/login", opt=PUBLIC, status_code=303)
    async def login(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        form = await request.form()
        username = str(form.get("username", ""))[:200]
        password = str(form.get("password", ""))[:1000]
        address = request.client.host if request.client else ""
        user_id, reason = await authenticate(username, password, address)
        language = locale_for(request)
        if user_id is None:
            message = (
                gettext(language, "Too many failed attempts. Wait a few minutes and try again.")
                if reason == "throttled"
                else gettext(language, "Invalid username or password.")
            )
            return Template(
                "auth/login.html",
                context={"username": username, "error": message},
                status_code=429 if reason == "throttled" else 401,
                media_type=MediaType.HTML,
            )
        row = await User.select(User.language).where(User.id == user_id).first()
        request_rotation(request)
        request.set_session({"user_id": user_id, "started": time.time(), "lang": (row or {}).get("language") or language})
        return Redirect("/", status_code=303)

    @post("/logout", opt={"roles": READ_ROLES}, status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        async with write_transaction():
            await audit.record(actor_of(request), "logout", "user", current_user(request).id)
        request.clear_session()
        return Redirect("/login", status_code=303)

    @post("/language", opt=PUBLIC, status_code=303)
    async def switch_language(self, request: Request[Any, Any, Any]) -> Redirect:
        form = await request.form()
        language = str(form.get("lang", ""))
        if language in LANGUAGES:
            request.session["lang"] = language
            request.scope.setdefault("state", {})["locale"] = language
            user_id = request.session.get("user_id")
            if user_id:
                async with write_transaction():
                    await User.update({User.language: language}).where(User.id == user_id)
        return Redirect(_safe_back(request), status_code=303)

    @post("/facility", opt={"roles": READ_ROLES}, status_code=303)
    async def switch_facility(self, request: Request[Any, Any, Any]) -> Redirect:
        user = current_user(request)
        form = await request.form()
        try:
            facility_id = int(str(form.get("facility_id", "")))
        except ValueError:
            facility_id = -1
        if user.may_access_facility(facility_id):
            request.session["facility_id"] = facility_id
        else:
            flash(request, gettext(locale_for(request), "You do not have access to that facility."), "error")
        return Redirect(_safe_back(request), status_code=303)
