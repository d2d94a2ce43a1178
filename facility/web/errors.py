"""HTML error pages with a correlation id; never a stack trace, never a JSON body (ASVS 16.5.1)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from facility.core.forms import N_
from facility.web.core import request_id

log = logging.getLogger("mdsready")

_TITLES = {
    400: N_("The request could not be understood"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not allowed here"),
    413: N_("The file is too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
}


def _error_page(request: Request[Any, Any, Any], status: int) -> Response[Any]:
    correlation = request_id(request)
    template = Template(
        template_name="errors/error.html",
        context={"status": status, "title": _TITLES.get(status, "Error"), "correlation_id": correlation},
        status_code=status,
        media_type=MediaType.HTML,
    )
    return template


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    """Unauthenticated: full pages go to the login form; htmx requests get 401 + HX-Redirect (no PHI)."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        return Response(
            content="", status_code=401, headers={"HX-Redirect": "/login"}, media_type=MediaType.TEXT
        )
    return Redirect(path="/login", status_code=302)


def permission_denied(request: Request[Any, Any, Any], exc: PermissionDeniedException) -> Response[Any]:
    return _error_page(request, 403)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return _error_page(request, exc.status_code)


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error(
        "unhandled error [%s] on %s %s", request_id(request), request.method, request.url.path, exc_info=exc
    )
    return _error_page(request, HTTP_500_INTERNAL_SERVER_ERROR)
