"""Every message the UI shows has a Spanish translation in its package's domain, and negotiation picks the
right language."""

from __future__ import annotations

import re
import shlex
from functools import cache

import pytest
from babel.messages.pofile import read_po

from facility.core.i18n_catalog import KEYWORDS_SPEC
from facility.core.i18n_catalog import extract_all as _extract_all
from facility.core.settings import REPO_ROOT
from facility.web.i18n import DOMAINS, negotiate, parse_accept_language

LC_MESSAGES = REPO_ROOT / "locales" / "es" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


@cache
def extract_all():  # type: ignore[no-untyped-def]
    return _extract_all()  # one extraction per test run


def _catalog(domain: str):  # type: ignore[no-untyped-def]
    with (LC_MESSAGES / f"{domain}.po").open("rb") as handle:
        return read_po(handle, locale="es", domain=domain)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_ui_message_has_spanish_in_its_domain(domain: str) -> None:
    catalog = _catalog(domain)
    missing = []
    for (context, msgid), message in sorted(
        extract_all()[domain].items(), key=lambda kv: (kv[0][1], kv[0][0] or "")
    ):
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry is not None else ""
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if entry is None or entry.fuzzy or not translated:
            where = f" [{context}]" if context else ""
            missing.append(f"{msgid!r}{where} ({message.files[0]})")
    assert not missing, (
        f"no Spanish in locales/es/LC_MESSAGES/{domain}.po (run `make i18n`, then translate):\n"
        + ("\n".join(missing))
    )


@pytest.mark.parametrize("domain", DOMAINS)
def test_spanish_keeps_the_placeholders(domain: str) -> None:
    """A translation that drops or renames %(name)s raises KeyError (a 500) or loses the value."""
    wrong = []
    for message in _catalog(domain):
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            if not found <= expected or (len(ids) == 1 and found != expected):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_only_the_domain_catalogs_exist() -> None:
    """Spanish lives in one .po per package; the old scripts/es_<name>.py dicts are no longer read."""
    assert sorted(p.stem for p in LC_MESSAGES.glob("*.po")) == sorted(DOMAINS)
    leftovers = sorted(p.name for p in (REPO_ROOT / "scripts").glob("es_*.py"))
    assert not leftovers, (
        f"{leftovers} are no longer read: run `.venv/bin/python scripts/po_from_es.py --delete` "
        "(moves their Spanish into the .po files), then `make i18n`"
    )


def test_make_i18n_extracts_with_the_keywords_the_test_uses() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("I18N_KEYWORDS"))
    words = shlex.split(line.split(":=", 1)[1])
    assert words[1::2] == list(KEYWORDS_SPEC) and set(words[::2]) == {"-k"}
    domains = next(x for x in makefile.splitlines() if x.startswith("I18N_DOMAINS")).split(":=", 1)[1].split()
    assert tuple(domains) == DOMAINS


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US,en;q=0.9,es;q=0.8", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr;q=0.9, es;q=0.5", "es"),
        ("es-419", "es"),
        ("", "en"),
        ("*", "en"),
        ("en;q=0.1, es;q=0.9", "es"),
        ("garbage;;;q=abc", "en"),
    ],
)
def test_accept_language_negotiation(header: str, expected: str) -> None:
    assert negotiate(header) == expected


def test_q_values_order_preferences() -> None:
    assert parse_accept_language("en;q=0.2, es;q=0.8, fr") == ["fr", "es", "en"]
