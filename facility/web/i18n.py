"""English and Spanish: locale negotiation, babel catalogs, Jinja gettext callables and formatting filters.

Locale order: the session's language (set from the user's profile at login or by the language
switch) → Accept-Language (babel `Locale.negotiate`) → English.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from typing import Any

import jinja2
import markupsafe
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from litestar.connection import ASGIConnection

from facility.core.settings import get_settings

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
_STATE_KEY = "locale"


def parse_accept_language(header: str) -> list[str]:
    """Language tags ordered by q-value (babel has no header parser)."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0 and tag.strip() != "*":
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(header: str | None) -> str:
    preferences = parse_accept_language(header or "")
    found = Locale.negotiate(preferences, list(LANGUAGES), sep="-") if preferences else None
    if found is None:
        # "es-MX" style tags with an unlisted region still mean Spanish.
        for tag in preferences:
            base = tag.split("-")[0].lower()
            if base in LANGUAGES:
                return base
        return DEFAULT_LANGUAGE
    return str(found)


def locale_for(connection: ASGIConnection) -> str:
    state = connection.scope.setdefault("state", {})
    cached = state.get(_STATE_KEY)
    if cached:
        return str(cached)
    language = ""
    if "session" in connection.scope:
        session = connection.scope.get("session") or {}
        if isinstance(session, dict):
            language = str(session.get("lang") or "")
    if language not in LANGUAGES:
        language = negotiate(connection.headers.get("accept-language"))
    state[_STATE_KEY] = language
    return language


@cache
def translations(language: str) -> NullTranslations:
    """Catalogs are compiled in memory from the committed .po files, so they are never stale.

    Each domain keeps its own file (facility.po, mds.po, …); they are merged into one catalog.
    """
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    merged: NullTranslations = NullTranslations()
    for po_path in sorted((get_settings().locales_dir / language / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(fp=buffer)
        merged = (
            loaded
            if isinstance(merged, NullTranslations) and not isinstance(merged, Translations)
            else merged.merge(loaded)
        )  # type: ignore[union-attr]
    return merged


def gettext(language: str, message: str, **variables: Any) -> str:
    text = translations(language).gettext(message)
    return text % variables if variables else text


def _ctx_language(ctx: jinja2.runtime.Context) -> str:
    request = ctx.get("request")
    return locale_for(request) if request is not None else DEFAULT_LANGUAGE


@cache
def _message_ids() -> frozenset[str]:
    """Every message id of the catalogs (test_i18n keeps each UI message id in the Spanish catalog)."""
    catalog = getattr(translations("es"), "_catalog", {})
    return frozenset(key for key in catalog if isinstance(key, str))


@jinja2.pass_context
def _jinja_gettext(ctx: jinja2.runtime.Context, message: str, **variables: Any) -> str:
    """Like Jinja's newstyle gettext, except for text that is not one of our message ids.

    Forms hand back messages that already hold the user's own text (an F-tag field containing `%`); Jinja
    would use that text as a %-format string (a 500) and mark it safe (unescaped HTML). Such text is returned
    as plain text, escaped by autoescape; only our own message ids are formatted and marked safe.
    """
    text = translations(_ctx_language(ctx)).gettext(message)
    if not variables and message not in _message_ids():
        return str(text)
    markup = markupsafe.Markup(text) if ctx.eval_ctx.autoescape else text
    return markup % variables  # type: ignore[no-any-return]


@jinja2.pass_context
def _jinja_ngettext(ctx: jinja2.runtime.Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(_ctx_language(ctx)).ngettext(singular, plural, n)
    markup = markupsafe.Markup(text) if ctx.eval_ctx.autoescape else text
    return markup % {"num": n, **variables}  # type: ignore[no-any-return]


@jinja2.pass_context
def _filter_date(ctx: jinja2.runtime.Context, value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    language = _ctx_language(ctx)
    if isinstance(value, datetime):
        return format_datetime(value, format=fmt, locale=language, tzinfo=None)
    return format_date(value, format=fmt, locale=language)


@jinja2.pass_context
def _filter_number(ctx: jinja2.runtime.Context, value: float | int | None) -> str:
    return "" if value is None else format_decimal(value, locale=_ctx_language(ctx))


@jinja2.pass_context
def _filter_percent(ctx: jinja2.runtime.Context, value: float | None) -> str:
    return "" if value is None else format_percent(value, locale=_ctx_language(ctx))


@jinja2.pass_context
def _current_language(ctx: jinja2.runtime.Context) -> str:
    return _ctx_language(ctx)


def install(env: jinja2.Environment) -> None:
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_jinja_gettext, _jinja_ngettext, newstyle=True)  # type: ignore[attr-defined]
    # Jinja's newstyle wrappers would %-format any text; ours format only our own message ids (see above).
    env.globals["gettext"] = _jinja_gettext
    env.globals["ngettext"] = _jinja_ngettext
    env.filters["date"] = _filter_date
    env.filters["number"] = _filter_number
    env.filters["percent"] = _filter_percent
    env.globals["current_language"] = _current_language
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
