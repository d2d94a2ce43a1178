"""Web plumbing shared by every domain: current user, guards, htmx-aware rendering, flash, headers."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template

from facility.core.audit import Actor
from facility.core.forms import MAX_DB_INT, clean_text

READ_ROLES = ("admin", "mds_coordinator", "nurse", "um_reviewer", "viewer")
CLINICAL_WRITE_ROLES = ("admin", "mds_coordinator", "nurse")
ADMIN_ROLES = ("admin",)


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    display_name: str
    title: str
    role: str
    language: str
    chain_wide: bool
    facility_ids: tuple[int, ...]
    facility_id: int | None  # the facility the user is working in now
    facilities: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def can(self, roles: Sequence[str]) -> bool:
        return self.role in roles

    def may_access_facility(self, facility_id: int | None) -> bool:
        return facility_id is not None and facility_id in self.facility_ids


def current_user(request: ASGIConnection) -> CurrentUser:
    user = request.scope.get("user")
    if not isinstance(user, CurrentUser):
        raise NotAuthorizedException()
    return user


def actor_of(request: ASGIConnection) -> Actor:
    user = request.scope.get("user")
    client = request.client.host if request.client else ""
    if isinstance(user, CurrentUser):
        return Actor(user.id, user.username, client, request_id(request))
    return Actor(None, "anonymous", client, request_id(request))


def request_id(connection: ASGIConnection) -> str:
    state = connection.scope.setdefault("state", {})
    if "request_id" not in state:
        state["request_id"] = secrets.token_hex(6)
    return str(state["request_id"])


class NormalisedRequest(HTMXRequest):
    """The app's request class: every form value is normalised once, here, before any handler sees it.

    Control characters are stripped from every text value and name (uploaded files are left as they are),
    so no domain can store a NUL that PostgreSQL refuses or a control character that breaks a report.
    """

    async def form(self) -> FormMultiDict:
        raw = await super().form()
        if getattr(self, "_mdsready_clean", False):
            return raw
        cleaned = FormMultiDict(
            [
                (clean_text(k), v if isinstance(v, UploadFile) else clean_text(str(v)))
                for k, v in raw.multi_items()
            ]
        )
        self._form = cleaned
        self._mdsready_clean = True
        return cleaned


def _ids_in_range(connection: ASGIConnection) -> bool:
    """Integer path parameters must fit the database's INTEGER (a huge id is a 404, not a driver error)."""
    return all(not isinstance(v, int) or 0 <= v <= MAX_DB_INT for v in connection.path_params.values())


async def role_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Deny by default: every authenticated handler must declare `opt={"roles": (...)}`.

    Each denial is audited (ASVS 5.0 16.3.2: failed authorization attempts are logged).
    """
    if not _ids_in_range(connection):
        raise NotFoundException()
    if handler.opt.get("exclude_from_auth"):
        return
    roles = handler.opt.get("roles")
    user = connection.scope.get("user")
    if not isinstance(user, CurrentUser):
        raise NotAuthorizedException()
    if not roles or user.role not in roles:
        from facility.core import audit
        from facility.core.db import write_transaction

        async with write_transaction():
            await audit.record(
                actor_of(connection), "denied", "route", connection.scope["path"][:40], outcome="role"
            )
        raise PermissionDeniedException("role not allowed")


def is_partial(request: Request[Any, Any, Any]) -> bool:
    """Render a fragment only for a targeted htmx request, never for a boosted page load."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not bool(htmx.boosted)


def render(
    request: Request[Any, Any, Any],
    page: str,
    context: Mapping[str, Any],
    *,
    fragment: str | None = None,
    status_code: int = 200,
) -> Template:
    template = fragment if (fragment and is_partial(request)) else page
    return Template(template_name=template, context=dict(context), status_code=status_code)


def redirect_after_post(request: Request[Any, Any, Any], path: str) -> Redirect | ClientRedirect:
    """After a successful POST: HX-Redirect for a targeted htmx request, 303 for a plain form."""
    return ClientRedirect(path) if is_partial(request) else Redirect(path, status_code=303)


async def denied_as_not_found(request: ASGIConnection, object_type: str, object_id: Any) -> NotFoundException:
    """Another facility's id looks exactly like a missing one (404); the attempt is audited (ASVS 16.3.2).

    Returns the exception for the caller to raise.
    """
    from facility.core import audit
    from facility.core.db import write_transaction

    async with write_transaction():
        await audit.record(actor_of(request), "denied", object_type, object_id, outcome="not_found")
    return NotFoundException()


async def record_view(
    request: ASGIConnection,
    object_type: str,
    object_id: Any,
    *,
    facility_id: int | None,
    resident_id: int | None = None,
) -> None:
    """Audit one opening of a clinical record (ONC 170.315(d)(2): reads are audited too)."""
    from facility.core import audit
    from facility.core.db import write_transaction

    async with write_transaction():
        await audit.record(
            actor_of(request),
            "view",
            object_type,
            object_id,
            facility_id=facility_id,
            resident_id=resident_id,
        )


def flash(request: ASGIConnection, message: str, category: str = "info") -> None:
    request.session.setdefault("_messages", []).append({"message": message, "category": category})


def pop_flashes(request: ASGIConnection) -> list[dict[str, str]]:
    if "session" not in request.scope or not isinstance(request.scope.get("session"), dict):
        return []
    return list(request.session.pop("_messages", []))


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
