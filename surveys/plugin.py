"""The surveys package's plugin: survey readiness, quality measures, reports.
Listed by facility/app.py; see docs/DEVELOPING.md, "Plugin contract"."""

from __future__ import annotations

from pathlib import Path

from facility.core.plugins import Plugin
from surveys.chain import controllers as chain
from surveys.qm import controllers as qm
from surveys.readiness import commands, demo
from surveys.readiness import controllers as readiness
from surveys.readiness import worklist_controllers as don_worklist
from surveys.reports import controllers as reports

PLUGIN = Plugin(
    name="surveys",
    route_handlers=[
        *chain.ROUTE_HANDLERS,
        *qm.ROUTE_HANDLERS,
        *readiness.ROUTE_HANDLERS,
        *don_worklist.ROUTE_HANDLERS,
        *reports.ROUTE_HANDLERS,
    ],
    nav=[*qm.NAV, *readiness.NAV, *don_worklist.NAV, *reports.NAV],
    commands=[commands.register],
    demo=[demo.extend_demo],
    template_dirs=[Path(__file__).parent / "templates"],
)
