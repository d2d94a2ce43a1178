"""What a package's plugin hands the shell for its pages: header links (`NavItem`, grouped into menus by path) and
resident-tab providers. The plugin object itself is `facility.core.plugins.Plugin` (docs/DEVELOPING.md,
"Plugin contract")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from facility.core.forms import N_


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English message id, translated in the template
    roles: tuple[str, ...]
    order: int = 50


TabProvider = Callable[[Any, dict[str, Any]], Awaitable[tuple[str, dict[str, Any]]]]


# The header menu groups links by the first segment of their path, so a dozen links read as five menus
# (label, path prefixes); a path no group claims goes under "Daily work".
NAV_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("MDS"), ("/mds",)),
    (N_("Care plans"), ("/careplans",)),
    (N_("Survey and quality"), ("/surveys", "/quality-measures", "/reports")),
    (N_("Utilization"), ("/utilization",)),
    (N_("Administration"), ("/admin",)),
)
DEFAULT_GROUP = N_("Daily work")
ADMIN_NAV = (
    NavItem("/admin/users", N_("Users"), ("admin",), 90),
    NavItem("/admin/facilities", N_("Facilities"), ("admin",), 91),
    NavItem("/admin/audit", N_("Audit log"), ("admin",), 92),
)


def group_of(path: str) -> str:
    for label, prefixes in NAV_GROUPS:
        if any(path == p or path.startswith(p + "/") for p in prefixes):
            return label
    return DEFAULT_GROUP


def grouped_nav(items: list[NavItem], role: str) -> list[tuple[str, list[NavItem]]]:
    """[(group label, its links)] in menu order, only the links the role may open, empty groups left out."""
    groups: dict[str, list[NavItem]] = {}
    for item in sorted([*items, *ADMIN_NAV], key=lambda i: i.order):
        if role in item.roles:
            groups.setdefault(group_of(item.path), []).append(item)
    order = [DEFAULT_GROUP] + [label for label, _ in NAV_GROUPS]
    return [(label, groups[label]) for label in order if label in groups]
