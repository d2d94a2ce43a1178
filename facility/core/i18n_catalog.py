"""Extracts every UI message id, per gettext domain (one per top-level package), as `make i18n` does.

The keywords and the mapping are the ones `make i18n` passes to `pybabel extract` (babel.cfg and the
Makefile's I18N_KEYWORDS; tests/unit/test_i18n.py checks they agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

from facility.core.settings import REPO_ROOT
from facility.web.i18n import DOMAINS

# Templates: _(), pgettext(), ngettext(), npgettext(). Python: gettext(lang, "..."), N_("..."),
# NC_("context", "..."), T_("... %(x)s", x=...) and the label of a NavItem(path, label, ...).
KEYWORDS_SPEC = (
    "_",
    "gettext:2",
    "ngettext:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "N_",
    "NC_:1c,2",
    "T_",
    "NavItem:2",
)
KEYWORDS = parse_keywords(KEYWORDS_SPEC)


@dataclass
class Message:
    msgid: str
    context: str | None
    plural: str | None = None
    files: list[str] = field(default_factory=list)


def _mapping(root: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    with (root / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    return method_map, options_map


def extract(domain: str, root: Path = REPO_ROOT) -> dict[tuple[str | None, str], Message]:
    """(msgctxt, msgid) -> Message for one package (its Python and its templates)."""
    method_map, options_map = _mapping(root)
    found: dict[tuple[str | None, str], Message] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(root / domain), method_map, options_map, KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if not msgid:
            continue
        plural = message[1] if isinstance(message, tuple) and len(message) > 1 else None
        entry = found.setdefault((context, msgid), Message(msgid, context, plural))
        entry.files.append(f"{domain}/{filename}")
    return found


def extract_all(root: Path = REPO_ROOT) -> dict[str, dict[tuple[str | None, str], Message]]:
    return {domain: extract(domain, root) for domain in DOMAINS}


def message_ids(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """msgid -> files where it appears, every domain together (plural forms keyed by the singular)."""
    ids: dict[str, list[str]] = {}
    for messages in extract_all(root).values():
        for message in messages.values():
            ids.setdefault(message.msgid, []).extend(message.files)
    return ids
