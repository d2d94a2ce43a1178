"""What an audit row changed, for the audit page: before/after flattened into one line per field."""

from __future__ import annotations

import json
from typing import Any

from facility.core.forms import N_

_MISSING = object()


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} -> {"a.b": 1}; lists and scalars stay whole (a list of ids reads best as one value)."""
    if not isinstance(value, dict):
        return {prefix or "value": value}
    out: dict[str, Any] = {}
    for key, inner in value.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        out.update(_flat(inner, name) if isinstance(inner, dict) and inner else {name: inner})
    return out


def _text(value: Any) -> str:
    if value is _MISSING:
        return ""
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def changes(before: Any, after: Any) -> list[dict[str, str]]:
    """One entry per field whose value differs (or that only one side has): {"field", "before", "after"}.

    A row with only `after` (a creation) lists every field; unchanged fields are left out so an
    update shows just what it changed.
    """
    if before is None and after is None:
        return []
    old = _flat(before) if before is not None else {}
    new = _flat(after) if after is not None else {}
    out = []
    for name in list(old) + [n for n in new if n not in old]:
        a, b = old.get(name, _MISSING), new.get(name, _MISSING)
        if a != b:
            out.append({"field": name, "before": _text(a), "after": _text(b)})
    return out


# The object types a reader filters by most, with their labels (others are still listed by their code).
OBJECT_TYPES = {
    "user": N_("User account"),
    "resident": N_("Resident"),
    "stay": N_("Stay"),
    "stay_event": N_("Stay event"),
    "mds_assessment": N_("MDS record"),
    "mds_result": N_("CMS validation result"),
    "facility": N_("Facility"),
    "unit": N_("Unit"),
}
