"""Extracts every UI message id from templates and Python (`_()`, `gettext(lang, "...")`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from facility.core.settings import REPO_ROOT

KEYWORDS = {"_": None, "gettext": (2,), "ngettext": (1, 2), "N_": None}
METHOD_MAP = [
    ("**/templates/**.html", "jinja2"),
    ("facility/**.py", "python"),
    ("mds/**.py", "python"),
    ("careplans/**.py", "python"),
    ("surveys/**.py", "python"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "encoding": "utf-8"}}


def message_ids(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """msgid -> files where it appears (plural forms keyed by the singular)."""
    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(root),
        METHOD_MAP,
        OPTIONS,
        KEYWORDS,
        strip_comment_tags=True,
        directory_filter=lambda d: not any(part in d for part in (".venv", "node_modules", "tests", ".git")),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(filename)
    return found
