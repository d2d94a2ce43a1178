"""Extension points through which the domain packages plug into the app shell.

A domain's `controllers.py` (or any `*_controllers.py`) may define, beside `ROUTE_HANDLERS`:
- `NAV`: list of `NavItem` shown in the header for the roles given;
- `RESIDENT_TABS`: {tab name: async provider(request, resident) -> (template name, context)} filling a tab of
  the resident page ("assessments", "careplan", "utilization").
A domain's `demo.py` may define `async def extend_demo(facility_id: int, today: date) -> None`, called by
`mdsready demo` after the facility, units, users and residents exist.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from facility.core.forms import N_

DOMAIN_PACKAGES = ("facility", "mds", "careplans", "surveys")


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # an English message id, translated in the template
    roles: tuple[str, ...]
    order: int = 50


TabProvider = Callable[[Any, dict[str, Any]], Awaitable[tuple[str, dict[str, Any]]]]


def _optional_module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def module_names(suffix: str) -> list[str]:
    """`<domain>.<suffix>` and `<domain>.*_<suffix>` module names, e.g. mds.assessments.controllers, mds.upload.controllers."""
    names = []
    for package in DOMAIN_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        found = pkgutil.walk_packages(spec.submodule_search_locations, prefix=f"{package}.")
        for info in sorted(found, key=lambda m: m.name):
            leaf = info.name.rsplit(".", 1)[-1]
            if not info.ispkg and (leaf == suffix or leaf.endswith(f"_{suffix}")):
                names.append(info.name)
    return names


def domain_modules(suffix: str) -> list[Any]:
    return [m for m in (_optional_module(name) for name in module_names(suffix)) if m is not None]


def nav_items() -> list[NavItem]:
    items: list[NavItem] = []
    for module in domain_modules("controllers"):
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: i.order)


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


def resident_tab_providers() -> dict[str, TabProvider]:
    providers: dict[str, TabProvider] = {}
    for module in domain_modules("controllers"):
        providers.update(getattr(module, "RESIDENT_TABS", {}))
    return providers


def demo_extensions() -> list[Callable[..., Awaitable[None]]]:
    return [m.extend_demo for m in domain_modules("demo") if hasattr(m, "extend_demo")]
