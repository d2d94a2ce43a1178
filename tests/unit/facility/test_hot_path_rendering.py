"""Rendering shortcuts of the hot path (issue 16) give exactly what the uncached code gave."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import jinja2
import pytest
from babel.dates import format_date, format_datetime

from facility.web.i18n import install
from mds.assessments.forms import select_options
from mds.record.catalog import get_catalog


class _Request:
    def __init__(self, language: str) -> None:
        self.scope: dict[str, Any] = {"state": {"locale": language}}


def _render(source: str, language: str, **context: Any) -> str:
    env = jinja2.Environment(autoescape=True)
    install(env)
    return env.from_string(source).render(request=_Request(language), **context)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("fmt", ["short", "medium", "long"])
def test_date_filter_matches_babel_in_each_language(language: str, fmt: str) -> None:
    day = date(1940, 5, 1)
    twice = _render("{{ d | date(f) }}|{{ d | date(f) }}", language, d=day, f=fmt)
    assert twice.split("|") == [format_date(day, format=fmt, locale=language)] * 2


def test_same_instant_in_two_zones_keeps_each_wall_clock_time() -> None:
    utc = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    eastern = utc.astimezone(timezone(timedelta(hours=-5)))
    assert utc == eastern  # equal and hashed alike: a cache keyed on the value alone would mix them up
    out = _render("{{ a | date }}|{{ b | date }}", "en", a=utc, b=eastern).split("|")
    assert out == [
        format_datetime(utc, format="medium", locale="en", tzinfo=None),
        format_datetime(eastern, format="medium", locale="en", tzinfo=None),
    ]
    assert out[0] != out[1]


def test_english_and_spanish_dates_differ() -> None:
    day = date(2026, 1, 10)
    assert _render("{{ d | date('long') }}", "en", d=day) != _render("{{ d | date('long') }}", "es", d=day)


def test_gettext_without_variables_keeps_percent_escapes_and_escapes_user_text() -> None:
    # a message id with no variables is returned as it is; %% in a message still collapses as Jinja does
    assert _render("{{ _('Save section') }}", "en") == "Save section"
    assert _render("{{ _(x) }}", "en", x="<b>50%</b>") == "&lt;b&gt;50%&lt;/b&gt;"


def test_select_options_mark_the_value_and_special_codes() -> None:
    catalog = get_catalog()
    item = next(
        i for i in catalog.items.values() if i.type == "code" and "-" in i.special and len(i.values) > 1
    )
    code = item.values[1]
    html = str(select_options(item, code, "en"))
    assert html.count(" selected>") == 1
    assert f'<option value="{code}" selected>{code}. {item.value_label(code, "en")}</option>' in html
    assert '<option value="-">- Not assessed / no information</option>' in html
    assert html == str(select_options(item, code, "en"))  # built once, same result
    none = str(select_options(item, "", "en"))
    assert " selected" not in none
    dash = str(select_options(item, "-", "es"))
    assert '<option value="-" selected>- ' in dash and "Not assessed" not in dash
    assert [c for c in item.values if f'value="{c}"' not in html] == []
