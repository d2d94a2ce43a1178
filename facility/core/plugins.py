"""The plugin contract: each top-level package exports one `Plugin` (its `<package>/plugin.py`), and the app factory
(`facility/app.py`) lists the four by name. Nothing is discovered by file name.

A plugin carries everything the shell needs from a package: route handlers, header links, resident tabs, CLI
commands, demo extenders, template directories, and the hooks it implements. Dependencies point one way,
facility <- mds <- careplans <- surveys; where a lower package needs something only a higher one knows (signing
an MDS record needs the care-plan CAA check), the lower package declares a `Hook` and the higher package's plugin
provides its implementation. `activate(plugins)` checks the wiring at start-up and refuses to start when a
required hook has no implementation (fail closed), so a renamed or removed function can never be skipped silently.
See docs/DEVELOPING.md, "Plugin contract".
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from facility.web.extensions import NavItem, TabProvider

CommandRegistrar = Callable[[argparse._SubParsersAction], None]  # register(subparsers)
DemoExtender = Callable[[int, date], Awaitable[None]]  # extend_demo(facility_id, today)


@dataclass(frozen=True)
class Hook:
    """A call a lower package makes into a higher one, implemented by the higher package's plugin."""

    name: str
    doc: str
    required: bool = True


@dataclass(frozen=True)
class Plugin:
    name: str
    route_handlers: Sequence[Any] = ()
    nav: Sequence[NavItem] = ()
    resident_tabs: Mapping[str, TabProvider] = field(default_factory=dict)
    commands: Sequence[CommandRegistrar] = ()
    demo: Sequence[DemoExtender] = ()
    template_dirs: Sequence[Path] = ()
    declares: Sequence[Hook] = ()  # hooks this package calls
    hooks: Mapping[str, Callable[..., Any]] = field(default_factory=dict)  # hooks this package implements


class PluginError(RuntimeError):
    """The plugins do not fit together: the app refuses to start."""


class Registry:
    """The plugins of one running app, checked once."""

    def __init__(self, plugins: Sequence[Plugin]) -> None:
        self.plugins = tuple(plugins)
        names = [p.name for p in self.plugins]
        if len(set(names)) != len(names):
            raise PluginError(f"plugin listed twice: {names}")
        declared: dict[str, Hook] = {}
        for plugin in self.plugins:
            for hook in plugin.declares:
                if hook.name in declared:
                    raise PluginError(f"hook {hook.name!r} declared twice")
                declared[hook.name] = hook
        self._hooks: dict[str, Callable[..., Any]] = {}
        for plugin in self.plugins:
            for name, implementation in plugin.hooks.items():
                if name not in declared:
                    raise PluginError(f"plugin {plugin.name!r} implements an undeclared hook {name!r}")
                if name in self._hooks:
                    raise PluginError(f"hook {name!r} implemented twice")
                self._hooks[name] = implementation
        missing = sorted(n for n, h in declared.items() if h.required and n not in self._hooks)
        if missing:
            raise PluginError(f"required hooks without an implementation: {', '.join(missing)}")
        self.declared = declared

    @property
    def route_handlers(self) -> list[Any]:
        return [h for p in self.plugins for h in p.route_handlers]

    @property
    def nav_items(self) -> list[NavItem]:
        return sorted((i for p in self.plugins for i in p.nav), key=lambda i: i.order)

    @property
    def resident_tabs(self) -> dict[str, TabProvider]:
        tabs: dict[str, TabProvider] = {}
        for plugin in self.plugins:
            for name, provider in plugin.resident_tabs.items():
                if name in tabs:
                    raise PluginError(f"resident tab {name!r} provided twice")
                tabs[name] = provider
        return tabs

    @property
    def commands(self) -> list[CommandRegistrar]:
        return [c for p in self.plugins for c in p.commands]

    @property
    def demo_extenders(self) -> list[DemoExtender]:
        return [d for p in self.plugins for d in p.demo]

    @property
    def template_dirs(self) -> list[Path]:
        return [d for p in self.plugins for d in p.template_dirs]

    def hook(self, name: str) -> Callable[..., Any] | None:
        if name not in self.declared:
            raise PluginError(f"unknown hook {name!r}")
        return self._hooks.get(name)


_active: Registry | None = None


def activate(plugins: Sequence[Plugin]) -> Registry:
    """Check the plugins and make them the running app's (called by create_app() and the command line)."""
    global _active
    _active = Registry(plugins)
    return _active


def registry() -> Registry:
    if _active is None:
        raise PluginError("no plugins active: start the app through facility.app.create_app() or `mdsready`")
    return _active


def call_hook(name: str) -> Callable[..., Any]:
    """The implementation of a required hook of the running app (fails when none is wired: never skipped)."""
    implementation = registry().hook(name)
    if implementation is None:
        raise PluginError(f"hook {name!r} has no implementation")
    return implementation
