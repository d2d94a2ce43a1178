"""English and Spanish: locale negotiation, babel catalogs, Jinja gettext callables and formatting filters.

Locale order: the session's language (set from the user's profile at login or by the language
switch) → Accept-Language (babel `Locale.negotiate`) → English.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from jinja2.ext import InternationalizationExtension
from jinja2.lexer import Token, TokenStream
from litestar.connection import ASGIConnection

from facility.core.settings import REPO_ROOT, get_settings

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


# One gettext domain per top-level package: locales/<language>/LC_MESSAGES/<package>.po, extracted from that
# package's Python and templates (`make i18n`). A template translates in the domain of the package it lives in,
# Python code through its package's `i18n` module (`mds.i18n.gettext`, ...). Text handed from one package to
# another as data (a NavItem label shown by the shell, a facility form error shown in an mds page) is looked up
# in the calling domain first, then in the others in this order.
DOMAINS = ("facility", "mds", "careplans", "surveys")
_CONTEXT_GLUE = "\x04"  # gettext's separator between msgctxt and msgid in a compiled catalog


class Msg(str):
    """A message id that carries its gettext context (msgctxt); see `NC_`."""

    context: str | None

    def __new__(cls, message: str, context: str | None = None) -> Msg:
        made = super().__new__(cls, message)
        made.context = context
        return made


def NC_(context: str, message: str) -> Msg:  # noqa: N802 - the gettext marker convention
    """Marks a short, ambiguous label with its context ("review status", "Open") for extraction; it is
    translated later (a template's `_()` or a domain's `gettext`) with that context."""
    return Msg(message, context)


def _load(language: str, domain: str) -> NullTranslations:
    po_path = get_settings().locales_dir / language / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # compiled in memory from the committed .po files, so never stale
    buffer.seek(0)
    return Translations(fp=buffer, domain=domain)


@cache
def domain_translations(language: str, domain: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return _load(language, domain)


def _search_order(domain: str | None) -> tuple[str, ...]:
    if domain in DOMAINS:
        return (domain, *(d for d in DOMAINS if d != domain))
    return DOMAINS


def _catalog(language: str, domain: str) -> dict[Any, str]:
    return getattr(domain_translations(language, domain), "_catalog", {})


def _context_of(message: str, context: str | None) -> str | None:
    return context if context is not None else getattr(message, "context", None)


def lookup(language: str, domain: str | None, message: str, context: str | None = None) -> str | None:
    """The translation of `message` (in `context`), from `domain` first, or None when no catalog has it."""
    if language == DEFAULT_LANGUAGE or not message:
        return None
    context = _context_of(message, context)
    key = f"{context}{_CONTEXT_GLUE}{message}" if context else str(message)
    for name in _search_order(domain):
        text = _catalog(language, name).get(key)
        if text:
            return text
    return None


def translate(language: str, domain: str | None, message: str, context: str | None = None) -> str:
    found = lookup(language, domain, message, context)
    return found if found is not None else str(message)


def translate_plural(
    language: str, domain: str | None, singular: str, plural: str, n: int, context: str | None = None
) -> str:
    fallback = str(singular) if n == 1 else str(plural)
    if language == DEFAULT_LANGUAGE:
        return fallback
    context = _context_of(singular, context)
    key = f"{context}{_CONTEXT_GLUE}{singular}" if context else str(singular)
    for name in _search_order(domain):
        translations = domain_translations(language, name)
        catalog = getattr(translations, "_catalog", {})
        if (key, 0) in catalog:
            text = catalog.get((key, translations.plural(n)))
            if text:
                return str(text)
    return fallback


def is_message_id(message: str, context: str | None = None) -> bool:
    """True when some catalog has this message id (our own text, safe to %-format)."""
    context = _context_of(message, context)
    key = f"{context}{_CONTEXT_GLUE}{message}" if context else str(message)
    return any(key in _catalog("es", name) or (key, 0) in _catalog("es", name) for name in DOMAINS)


class Domain:
    """A package's gettext domain for Python code: `gettext(language, "Changes saved.")`.

    Message ids are extracted from calls `gettext(lang, "...")`, `N_("...")` and `NC_("context", "...")`;
    `%(name)s` placeholders are filled from keyword arguments.
    """

    def __init__(self, name: str) -> None:
        if name not in DOMAINS:
            raise ValueError(f"unknown gettext domain {name!r}; one of {DOMAINS}")
        self.name = name

    def gettext(self, language: str, message: str, **variables: Any) -> str:
        text = translate(language, self.name, message)
        return text % variables if variables else text

    def pgettext(self, language: str, context: str, message: str, **variables: Any) -> str:
        text = translate(language, self.name, message, context)
        return text % variables if variables else text

    def ngettext(self, language: str, singular: str, plural: str, n: int, **variables: Any) -> str:
        return translate_plural(language, self.name, singular, plural, n) % {"num": n, **variables}

    def text(self, message: str, **params: Any) -> LazyText:
        """The message with parameters, translated when read (`T_` in the package's i18n module)."""
        return LazyText(self.name, message, **params)


class LazyText(Mapping[str, str]):
    """A message id with its parameters, translated when read: `text["es"]`, `text["en"]`.

    What a pure rule returns instead of `{"en": ..., "es": ...}` dicts: the English id with `%(name)s`
    placeholders stays in the code, the Spanish in the package's .po. A parameter that is itself a message
    (`NC_(...)` label or another LazyText) is translated too, a {"en": ..., "es": ...} value (reference data
    carried in both languages) gives the reader's; any other value is inserted as it is.
    """

    def __init__(self, domain: str | None, message: str, **params: Any) -> None:
        self.domain = domain
        self.message = message
        self.params = params

    def __getitem__(self, language: str) -> str:
        if language not in LANGUAGES:
            raise KeyError(language)
        values = {
            name: _translated_value(language, self.domain, value) for name, value in self.params.items()
        }
        text = translate(language, self.domain, self.message)
        return text % values if values else text

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __str__(self) -> str:
        return self[DEFAULT_LANGUAGE]

    def __repr__(self) -> str:
        return f"LazyText({self.message!r}, {self.params!r})"


def _translated_value(language: str, domain: str | None, value: Any) -> Any:
    if isinstance(value, LazyText):
        return value[language]
    if isinstance(value, Msg):
        return translate(language, domain, value)
    if isinstance(value, Mapping) and language in value:
        return value[language]  # reference data carried in both languages (a CMS care-area name)
    return value


FACILITY = Domain("facility")
gettext = FACILITY.gettext  # the facility domain; other packages use their own `<package>.i18n`
T_ = FACILITY.text


def translations(language: str) -> dict[str, NullTranslations]:
    """The catalogs of every domain for `language` (domain -> translations)."""
    return {name: domain_translations(language, name) for name in DOMAINS}


def _ctx_language(ctx: jinja2.runtime.Context) -> str:
    request = ctx.get("request")
    return locale_for(request) if request is not None else DEFAULT_LANGUAGE


def _format(ctx: jinja2.runtime.Context, message: str, text: str, context: str | None, variables: Any) -> str:
    """Jinja's newstyle gettext formats and marks safe any text; ours only our own message ids.

    Forms hand back messages that already hold the user's own text (an F-tag field containing `%`); Jinja
    would use that text as a %-format string (a 500) and mark it safe (unescaped HTML). Such text is returned
    as plain text, escaped by autoescape; only our own message ids are formatted and marked safe.
    """
    if not variables and not is_message_id(message, context):
        return str(text)
    markup = markupsafe.Markup(text) if ctx.eval_ctx.autoescape else text
    if not variables and "%" not in text:
        return markup  # nothing to format (Markup % {} would escape and copy the text for nothing)
    return markup % variables


@jinja2.pass_context
def _jinja_dgettext(ctx: jinja2.runtime.Context, domain: str | None, message: str, **variables: Any) -> str:
    return _format(ctx, message, translate(_ctx_language(ctx), domain, message), None, variables)


@jinja2.pass_context
def _jinja_dpgettext(
    ctx: jinja2.runtime.Context, domain: str | None, context: str, message: str, **variables: Any
) -> str:
    return _format(ctx, message, translate(_ctx_language(ctx), domain, message, context), context, variables)


@jinja2.pass_context
def _jinja_dngettext(
    ctx: jinja2.runtime.Context, domain: str | None, singular: str, plural: str, n: int, **variables: Any
) -> str:
    text = translate_plural(_ctx_language(ctx), domain, singular, plural, n)
    markup = markupsafe.Markup(text) if ctx.eval_ctx.autoescape else text
    return markup % {"num": n, **variables}


@lru_cache(maxsize=8192)
def _formatted(value: date | datetime, offset: Any, fmt: str, language: str) -> str:
    """Babel formats each distinct (value, format, language) once per process: a list of 100 residents
    re-renders the same birth and admission dates on every view, and Babel's call (locale lookup, pattern
    parse) costs more than the rest of the row. `offset` is in the key because two aware datetimes of the same
    instant in different zones are equal (and hash alike) but print different wall-clock times."""
    if isinstance(value, datetime):
        return format_datetime(value, format=fmt, locale=language, tzinfo=None)
    return format_date(value, format=fmt, locale=language)


@jinja2.pass_context
def _jinja_dnpgettext(
    ctx: jinja2.runtime.Context,
    domain: str | None,
    context: str,
    singular: str,
    plural: str,
    n: int,
    **variables: Any,
) -> str:
    text = translate_plural(_ctx_language(ctx), domain, singular, plural, n, context)
    markup = markupsafe.Markup(text) if ctx.eval_ctx.autoescape else text
    return markup % {"num": n, **variables}


@jinja2.pass_context
def _gettext_any(ctx: jinja2.runtime.Context, message: str, **variables: Any) -> str:
    return _jinja_dgettext(ctx, None, message, **variables)


@jinja2.pass_context
def _pgettext_any(ctx: jinja2.runtime.Context, context: str, message: str, **variables: Any) -> str:
    return _jinja_dpgettext(ctx, None, context, message, **variables)


@jinja2.pass_context
def _ngettext_any(ctx: jinja2.runtime.Context, singular: str, plural: str, n: int, **variables: Any) -> str:
    return _jinja_dngettext(ctx, None, singular, plural, n, **variables)


@jinja2.pass_context
def _npgettext_any(
    ctx: jinja2.runtime.Context, context: str, singular: str, plural: str, n: int, **variables: Any
) -> str:
    return _jinja_dnpgettext(ctx, None, context, singular, plural, n, **variables)


# The template calls and the domain-taking function each is compiled to.
_DOMAIN_CALLS = {
    "_": "_i18n_dgettext",
    "gettext": "_i18n_dgettext",
    "pgettext": "_i18n_dpgettext",
    "ngettext": "_i18n_dngettext",
    "npgettext": "_i18n_dnpgettext",
}


def template_domain(filename: str | None) -> str | None:
    """The package a template file belongs to (`mds/templates/mds/x.html` -> "mds")."""
    if not filename:
        return None
    try:
        parts = Path(filename).resolve().relative_to(REPO_ROOT).parts
    except ValueError:
        return None
    return parts[0] if parts and parts[0] in DOMAINS else None


class DomainI18nExtension(InternationalizationExtension):
    """Jinja's i18n extension, with every `_()`, `gettext()`, `pgettext()`, `ngettext()` and `npgettext()` call
    compiled to pass the domain of the template's package, so `mds/templates/...` reads mds.po first."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        domain = template_domain(stream.filename)
        previous: Token | None = None
        for token in stream:
            if (
                token.type == "name"
                and token.value in _DOMAIN_CALLS
                and stream.current.type == "lparen"
                and not (previous is not None and previous.type == "dot")
            ):
                yield Token(token.lineno, "name", _DOMAIN_CALLS[token.value])
                yield next(stream)  # "("
                yield (
                    Token(token.lineno, "name", "none")
                    if domain is None
                    else Token(token.lineno, "string", domain)
                )
                yield Token(token.lineno, "comma", ",")
                previous = None
                continue
            previous = token
            yield token


@jinja2.pass_context
def _filter_date(ctx: jinja2.runtime.Context, value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    offset = value.utcoffset() if isinstance(value, datetime) else None
    return _formatted(value, offset, fmt, _ctx_language(ctx))


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
    env.add_extension(DomainI18nExtension)
    env.globals["_i18n_dgettext"] = _jinja_dgettext
    env.globals["_i18n_dpgettext"] = _jinja_dpgettext
    env.globals["_i18n_dngettext"] = _jinja_dngettext
    env.globals["_i18n_dnpgettext"] = _jinja_dnpgettext
    # Calls the stream filter cannot see (a `{% trans %}` block, `_` passed as a value) search every domain.
    # install_gettext_callables is added to the Environment by the jinja2.ext.i18n extension at run time
    env.install_gettext_callables(_gettext_any, _ngettext_any, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=_gettext_any, gettext=_gettext_any, ngettext=_ngettext_any)
    env.globals.update(pgettext=_pgettext_any, npgettext=_npgettext_any)
    env.filters["date"] = _filter_date
    env.filters["number"] = _filter_number
    env.filters["percent"] = _filter_percent
    env.globals["current_language"] = _current_language
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
