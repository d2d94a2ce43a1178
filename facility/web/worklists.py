"""Rendering glue shared by the worklist pages (mds, careplans, surveys): parse the filters, pick the page,
render `worklists/page.html` (or its rows for htmx). Bad filters re-render with 400 and the message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.response import Template

from facility.core.worklist import SORTS, WINDOWS, Item, Page, parse_query, select
from facility.web.core import render
from facility.web.i18n import locale_for


def worklist_page(
    request: Request[Any, Any, Any],
    items: Iterable[Item],
    *,
    kinds: tuple[str, ...],
    labels: Mapping[str, str],
    today: date,
    base: str,
    title: str,
    intro: str,
    testid: str,
    extra: Mapping[str, Any] | None = None,
    template: str = "worklists/page.html",
    area_names: Mapping[str, Mapping[int, str]] | None = None,
) -> Template:
    """`area_names`: language -> care area number -> name, from the packages that know the care areas (facility
    does not import them: mds's rows carry none)."""
    params = {k: str(v) for k, v in request.query_params.items()}
    query, errors = parse_query(params, kinds)
    page: Page = select(items, query, today, kinds)
    lang = locale_for(request)

    def url(**changes: object) -> str:
        q = page.query.params(**changes)
        return base + ("?" + urlencode(q) if q else "")

    ctx = {
        "page": page,
        "q": page.query,
        "errors": errors,
        "kinds": kinds,
        "labels": labels,
        "windows": WINDOWS,
        "sorts": SORTS,
        "today": today,
        "lang": lang,
        "base": base,
        "url": url,
        "title": title,
        "intro": intro,
        "testid": testid,
        "area_names": (area_names or {}).get(lang, {}),
        **(extra or {}),
    }
    return render(request, template, ctx, fragment="worklists/_rows.html", status_code=400 if errors else 200)
