"""Login, logout, language switch and facility switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from litestar import Controller, MediaType, Request, get, post
from litestar.response import Redirect, Template

from facility.auth import mfa, throttle
from facility.auth.service import authenticate
from facility.auth.sessions import request_rotation
from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.forms import N_
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


MFA_PENDING = "mfa_user"  # password checked, code not yet
MFA_ENROLL = "mfa_enroll_user"  # password checked, MFA required but not set up yet
MFA_PENDING_SECONDS = 300
_BAD_CODE = N_("That code is not valid. Enter the current code from your app or a recovery code.")
_THROTTLED = N_("Too many failed attempts. Wait a few minutes and try again.")


def _pending(request: Request[Any, Any, Any], key: str) -> int | None:
    """The user id of a half-finished login (password checked less than 5 minutes ago), else None."""
    session = request.session if isinstance(request.session, dict) else {}
    since = session.get("mfa_since")
    user_id = session.get(key)
    if (
        not isinstance(user_id, int)
        or not isinstance(since, (int, float))
        or clock.now().timestamp() - since > MFA_PENDING_SECONDS
    ):
        return None
    return user_id


def _finish_login(request: Request[Any, Any, Any], user_id: int) -> None:
    lang = request.session.get("lang") if isinstance(request.session, dict) else None
    request_rotation(request)
    request.set_session(
        {"user_id": user_id, "started": clock.now().timestamp(), "lang": lang or locale_for(request)}
    )


def _mfa_error(language: str, message: str, status: int) -> Template:
    return Template(
        "auth/mfa.html",
        context={"error": gettext(language, message)},
        status_code=status,
        media_type=MediaType.HTML,
    )


async def _setup_page(user_id: int, action: str, error: str | None, status: int = 200) -> Template:
    row = await User.select(User.username).where(User.id == user_id).first() or {}
    secret = await mfa.pending_secret(user_id)
    context = {
        "secret": secret,
        "uri": mfa.provisioning_uri(secret, str(row.get("username", ""))),
        "action": action,
        "error": error,
    }
    return Template("auth/mfa_setup.html", context=context, status_code=status, media_type=MediaType.HTML)


async def _confirm(request: Request[Any, Any, Any], user_id: int) -> list[str] | None:
    code = str((await request.form()).get("code", ""))[:40]
    row = await User.select(User.username).where(User.id == user_id).first() or {}
    actor = audit.Actor(user_id, str(row.get("username", "?")), request.client.host if request.client else "")
    async with write_transaction():
        codes = await mfa.confirm(user_id, code)
        if codes is not None:
            await audit.record(actor, "update", "user_mfa", user_id, after={"enabled": True})
    return codes


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
        row = await User.select(User.language, User.role).where(User.id == user_id).first() or {}
        lang = row.get("language") or language
        request_rotation(request)
        if await mfa.enabled(user_id):
            request.set_session({MFA_PENDING: user_id, "mfa_since": clock.now().timestamp(), "lang": lang})
            return Redirect("/login/mfa", status_code=303)
        if mfa.required_for(str(row.get("role", ""))):
            request.set_session({MFA_ENROLL: user_id, "mfa_since": clock.now().timestamp(), "lang": lang})
            return Redirect("/login/mfa/setup", status_code=303)
        request.set_session({"user_id": user_id, "started": clock.now().timestamp(), "lang": lang})
        return Redirect("/", status_code=303)

    # --- second factor (facility.auth.mfa) --------------------------------------------------

    @get("/login/mfa", opt=PUBLIC, media_type=MediaType.HTML)
    async def mfa_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if _pending(request, MFA_PENDING) is None:
            return Redirect("/login", status_code=303)
        return Template("auth/mfa.html", context={"error": None})

    @post("/login/mfa", opt=PUBLIC, status_code=303)
    async def mfa_check(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        user_id = _pending(request, MFA_PENDING)
        if user_id is None:
            return Redirect("/login", status_code=303)
        code = str((await request.form()).get("code", ""))[:40]
        row = await User.select(User.username_key).where(User.id == user_id).first() or {}
        name = f"mfa:{row.get('username_key', '')}"
        address = request.client.host if request.client else ""
        actor = audit.Actor(user_id, str(row.get("username_key", "?")), address)
        language = locale_for(request)
        if await throttle.reserve_attempt(name, address, actor) is not None:
            return _mfa_error(language, _THROTTLED, 429)
        if not await mfa.verify(user_id, code):
            async with write_transaction():
                await audit.record(actor, "login", "user", user_id, outcome="mfa_failure")
            return _mfa_error(language, _BAD_CODE, 401)
        async with write_transaction():
            await throttle.clear(name, address)
            await audit.record(actor, "login", "user", user_id, outcome="mfa")
        _finish_login(request, user_id)
        return Redirect("/", status_code=303)

    @get("/login/mfa/setup", opt=PUBLIC, media_type=MediaType.HTML)
    async def mfa_setup_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        user_id = _pending(request, MFA_ENROLL)
        if user_id is None:
            return Redirect("/login", status_code=303)
        return await _setup_page(user_id, "/login/mfa/setup", None)

    @post("/login/mfa/setup", opt=PUBLIC, status_code=200)
    async def mfa_setup(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        user_id = _pending(request, MFA_ENROLL)
        if user_id is None:
            return Redirect("/login", status_code=303)
        codes = await _confirm(request, user_id)
        if codes is None:
            return await _setup_page(
                user_id, "/login/mfa/setup", gettext(locale_for(request), _BAD_CODE), 422
            )
        _finish_login(request, user_id)
        return Template("auth/mfa_codes.html", context={"codes": codes}, media_type=MediaType.HTML)

    @get("/account/mfa", opt={"roles": READ_ROLES}, media_type=MediaType.HTML)
    async def account_mfa(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        if await mfa.enabled(user.id):
            return Template("auth/mfa_status.html", context={"left": await mfa.recovery_codes_left(user.id)})
        return await _setup_page(user.id, "/account/mfa", None)

    @post("/account/mfa", opt={"roles": READ_ROLES}, status_code=200)
    async def account_mfa_confirm(self, request: Request[Any, Any, Any]) -> Template:
        user = current_user(request)
        if await mfa.enabled(user.id):
            return Template("auth/mfa_status.html", context={"left": await mfa.recovery_codes_left(user.id)})
        codes = await _confirm(request, user.id)
        if codes is None:
            return await _setup_page(user.id, "/account/mfa", gettext(locale_for(request), _BAD_CODE), 422)
        return Template("auth/mfa_codes.html", context={"codes": codes}, media_type=MediaType.HTML)

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
