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
    """`<domain>.<suffix>` and `<domain>.*_<suffix>` module names, e.g. mds.controllers, mds.upload_controllers."""
    names = []
    for package in DOMAIN_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in sorted(pkgutil.iter_modules(spec.submodule_search_locations), key=lambda m: m.name):
            if info.name == suffix or info.name.endswith(f"_{suffix}"):
                names.append(f"{package}.{info.name}")
    return names


def domain_modules(suffix: str) -> list[Any]:
    return [m for m in (_optional_module(name) for name in module_names(suffix)) if m is not None]


def nav_items() -> list[NavItem]:
    items: list[NavItem] = []
    for module in domain_modules("controllers"):
        items.extend(getattr(module, "NAV", []))
    return sorted(items, key=lambda i: i.order)


def resident_tab_providers() -> dict[str, TabProvider]:
    providers: dict[str, TabProvider] = {}
    for module in domain_modules("controllers"):
        providers.update(getattr(module, "RESIDENT_TABS", {}))
    return providers


def demo_extensions() -> list[Callable[..., Awaitable[None]]]:
    return [m.extend_demo for m in domain_modules("demo") if hasattr(m, "extend_demo")]
