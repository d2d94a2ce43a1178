"""Application factory: plugins, templates, static files, CSRF, sessions, auth, errors, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import jinja2
from litestar import Litestar
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.middleware.session.server_side import ServerSideSessionBackend
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.security.session_auth import SessionAuth
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Message, Scope

import careplans.plugin
import facility.plugin
import mds.plugin
import surveys.plugin
from facility.auth.service import retrieve_user
from facility.auth.sessions import DatabaseSessionStore, RotatingSessionConfig
from facility.core.plugins import Plugin, Registry, activate
from facility.core.settings import Settings, get_settings
from facility.web import errors
from facility.web.core import CSP, CurrentUser, NormalisedRequest, pop_flashes, role_guard
from facility.web.extensions import grouped_nav
from facility.web.i18n import install as install_i18n

HTMX_VERSION = "2.0.11"
log = logging.getLogger("mdsready")


# The four packages, lowest first (facility <- mds <- careplans <- surveys): everything the app serves is listed
# in one of these plugin objects (docs/DEVELOPING.md, "Plugin contract").
PLUGINS: tuple[Plugin, ...] = (
    facility.plugin.PLUGIN,
    mds.plugin.PLUGIN,
    careplans.plugin.PLUGIN,
    surveys.plugin.PLUGIN,
)


def _template_environment(registry: Registry) -> jinja2.Environment:
    directories = registry.template_dirs
    settings = get_settings()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in directories if d.is_dir()]),
        autoescape=True,
        undefined=jinja2.StrictUndefined if settings.env == "test" else jinja2.Undefined,
        # compiled once per process and never re-checked against the files (but in development)
        auto_reload=settings.template_reload,
        cache_size=-1,  # every template stays compiled (the default keeps 400)
    )
    install_i18n(env)
    env.globals["flashes"] = pop_flashes
    env.globals["htmx_version"] = HTMX_VERSION
    env.globals["nav_items"] = registry.nav_items
    env.globals["nav_menu"] = lambda role, _items=env.globals["nav_items"]: grouped_nav(_items, role)
    env.globals["user_of"] = lambda request: (
        request.scope.get("user") if isinstance(request.scope.get("user"), CurrentUser) else None
    )
    return env


def _security_headers(settings: Settings) -> Any:
    """before_send hook: every response, error pages and 404s included, gets the security headers."""

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        headers["content-security-policy"] = CSP
        headers["x-content-type-options"] = "nosniff"
        headers["x-frame-options"] = "DENY"
        headers["referrer-policy"] = "strict-origin-when-cross-origin"
        headers["cross-origin-opener-policy"] = "same-origin"
        headers["permissions-policy"] = "camera=(), microphone=(), geolocation=()"
        if settings.secure_cookies:
            headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        if not scope["path"].startswith("/static/"):
            headers["cache-control"] = "no-store"  # pages carry PHI (ASVS 14.3.2)
            headers["vary"] = "HX-Request, Accept-Language, Cookie"

    return hook


def _allowed_hosts(settings: Settings) -> list[str]:
    """Litestar matches the whole Host header, port included, so list each name with and without the port."""
    return [name for host in settings.allowed_hosts for name in (host, f"{host}:{settings.port}")]


@asynccontextmanager
async def _lifespan(app: Litestar) -> AsyncIterator[None]:
    from facility.core.db import enable_wal, engine

    db = engine()
    settings = get_settings()
    # Tests run each case on its own event loop, where a pool from an earlier loop would be unusable:
    # there Piccolo opens a connection per query instead.
    use_pool = settings.is_postgres and settings.env != "test"
    if use_pool:
        await db.start_connection_pool()
    elif not settings.is_postgres:
        await enable_wal()
    try:
        yield
    finally:
        if use_pool:
            await db.close_connection_pool()


def create_app(settings: Settings | None = None, plugins: tuple[Plugin, ...] = PLUGINS) -> Litestar:
    """The app; refuses to start (`PluginError`) when the plugins do not fit together (a required hook missing)."""
    settings = settings or get_settings()
    registry = activate(plugins)
    session_config = RotatingSessionConfig(
        key=settings.session_cookie_name,
        max_age=settings.session_idle_seconds,  # idle timeout, renewed on each request
        renew_on_access=True,
        secure=settings.secure_cookies,
        httponly=True,
        samesite="lax",
    )
    # typed with the base backend: RotatingSessionConfig is a ServerSideSessionConfig whose _backend_class is
    # RotatingSessionBackend (a ServerSideSessionBackend), which Litestar's generic config cannot express
    session_auth = SessionAuth[CurrentUser, ServerSideSessionBackend](
        retrieve_user_handler=retrieve_user,
        session_backend_config=session_config,
        exclude=["^/static/", "^/health$"],
        exclude_opt_key="exclude_from_auth",
    )
    static_dir: Path = settings.static_dir
    return Litestar(
        route_handlers=[
            *registry.route_handlers,
            create_static_files_router(
                path="/static",
                directories=[static_dir],
                name="static",
                include_in_schema=False,
                opt={"exclude_from_auth": True},
            ),
        ],
        on_app_init=[session_auth.on_app_init],
        guards=[role_guard],
        plugins=[HTMXPlugin()],
        request_class=NormalisedRequest,
        stores={"sessions": DatabaseSessionStore()},
        template_config=TemplateConfig(
            instance=JinjaTemplateEngine.from_environment(_template_environment(registry))
        ),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=settings.csrf_cookie_name,
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
            header_name="x-csrftoken",
        ),
        allowed_hosts=AllowedHostsConfig(allowed_hosts=_allowed_hosts(settings)),
        exception_handlers={
            NotAuthorizedException: errors.not_authorized,
            PermissionDeniedException: errors.permission_denied,
            HTTPException: errors.http_error,
            Exception: errors.server_error,
        },
        before_send=[_security_headers(settings)],
        lifespan=[_lifespan],
        request_max_body_size=settings.upload_max_bytes,
        openapi_config=None,
        debug=False,
    )
