"""The explicit registry (docs/DEVELOPING.md, "Plugin contract"): everything a package offers is listed in its
plugin, and the app refuses to start when a required hook has no implementation."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

from facility.app import PLUGINS
from facility.core.plugins import Hook, Plugin, PluginError, Registry

PACKAGES = ("facility", "mds", "careplans", "surveys")


def _modules(suffix: str) -> list[Any]:
    found = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            leaf = info.name.rsplit(".", 1)[-1]
            if "piccolo_migrations" not in info.name and (leaf == suffix or leaf.endswith(f"_{suffix}")):
                found.append(importlib.import_module(info.name))
    return found


def test_the_app_lists_the_four_packages_in_order() -> None:
    assert [p.name for p in PLUGINS] == list(PACKAGES)


def test_every_controller_module_is_registered() -> None:
    registry = Registry(PLUGINS)
    handlers = registry.route_handlers
    nav = registry.nav_items
    tabs = registry.resident_tabs
    modules = _modules("controllers")
    assert len(modules) >= 12
    missing = []
    for module in modules:
        missing += [
            f"{module.__name__}.{h.__name__}"
            for h in getattr(module, "ROUTE_HANDLERS", [])
            if h not in handlers
        ]
        missing += [f"{module.__name__} NAV {i.path}" for i in getattr(module, "NAV", []) if i not in nav]
        missing += [
            f"{module.__name__} tab {name}"
            for name, provider in getattr(module, "RESIDENT_TABS", {}).items()
            if tabs.get(name) is not provider
        ]
    assert missing == []
    assert len(handlers) == len(set(handlers))


def test_every_command_and_demo_module_is_registered() -> None:
    registry = Registry(PLUGINS)
    commands = [m.register for m in _modules("commands") if hasattr(m, "register")]
    assert commands and all(c in registry.commands for c in commands)
    demos = [m.extend_demo for m in _modules("demo") if hasattr(m, "extend_demo")]
    assert demos and all(d in registry.demo_extenders for d in demos)


def test_template_dirs_are_the_packages_own() -> None:
    dirs = Registry(PLUGINS).template_dirs
    assert [d.parent.name for d in dirs] == list(PACKAGES)
    assert all(d.is_dir() for d in dirs)


def _plugins_without(hook: str) -> tuple[Plugin, ...]:
    out = []
    for plugin in PLUGINS:
        if hook in plugin.hooks:
            plugin = Plugin(
                **{**plugin.__dict__, "hooks": {k: v for k, v in plugin.hooks.items() if k != hook}}
            )
        out.append(plugin)
    return tuple(out)


def test_wiring_errors_refuse_to_start() -> None:
    declares = Plugin(name="low", declares=[Hook("needed", "a required call upward")])
    with pytest.raises(PluginError, match="needed"):
        Registry([declares])
    provides = Plugin(name="high", hooks={"needed": lambda: 1})
    hook = Registry([declares, provides]).hook("needed")
    assert hook is not None and hook() == 1
    with pytest.raises(PluginError, match="twice"):
        Registry([declares, provides, Plugin(name="again", hooks={"needed": lambda: 2})])
    with pytest.raises(PluginError, match="undeclared"):
        Registry([provides])
    with pytest.raises(PluginError, match="twice"):
        Registry([declares, declares])
    optional = Plugin(name="low", declares=[Hook("maybe", "an optional call", required=False)])
    assert Registry([optional]).hook("maybe") is None


def test_signing_without_the_caa_check_refuses_to_start() -> None:
    """Fail closed: MDS signing asks the CAA worksheet through a required hook; without it, no app."""
    from facility.app import create_app
    from facility.core.plugins import registry
    from mds.assessments.services import CAA_BLOCKERS, SECTION_V_RECORD

    active = registry()
    with pytest.raises(PluginError, match=CAA_BLOCKERS.name):
        create_app(plugins=_plugins_without(CAA_BLOCKERS.name))
    with pytest.raises(PluginError, match=SECTION_V_RECORD.name):
        create_app(plugins=_plugins_without(SECTION_V_RECORD.name))
    without_careplans = tuple(p for p in PLUGINS if p.name != "careplans")
    with pytest.raises(PluginError, match=CAA_BLOCKERS.name):
        create_app(plugins=without_careplans)
    # a renamed implementation is not silently skipped either
    careplans = next(p for p in PLUGINS if p.name == "careplans")
    renamed = {
        ("mds.sign.caa_blocker" if k == CAA_BLOCKERS.name else k): v for k, v in careplans.hooks.items()
    }
    plugins = tuple(Plugin(**{**p.__dict__, "hooks": renamed}) if p is careplans else p for p in PLUGINS)
    with pytest.raises(PluginError):
        create_app(plugins=plugins)
    assert registry() is active  # a refused start changes nothing


def test_every_declared_hook_is_implemented_by_a_higher_package() -> None:
    rank = {name: i for i, name in enumerate(PACKAGES)}
    declared_by = {h.name: p.name for p in PLUGINS for h in p.declares}
    implemented_by = {name: p.name for p in PLUGINS for name in p.hooks}
    assert set(declared_by) == set(implemented_by)
    assert all(rank[implemented_by[n]] > rank[declared_by[n]] for n in declared_by)
