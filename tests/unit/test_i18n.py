"""Every message the UI shows has a Spanish translation, and negotiation picks the right language."""

from __future__ import annotations

import pytest

from facility.core.i18n_catalog import message_ids
from facility.web.i18n import negotiate, parse_accept_language, translations


def test_every_ui_message_has_spanish() -> None:
    catalog = translations("es")._catalog  # type: ignore[attr-defined]
    known = {key[0] if isinstance(key, tuple) else key for key, text in catalog.items() if text}
    missing = [f"{msgid!r} ({files[0]})" for msgid, files in message_ids().items() if msgid not in known]
    assert not missing, "no Spanish translation for:\n" + "\n".join(sorted(missing))


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
