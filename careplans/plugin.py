"""The careplans package's plugin: care plans, the CAA worksheet, compliance and documentation review.
Listed by facility/app.py; see docs/DEVELOPING.md, "Plugin contract"."""

from __future__ import annotations

from pathlib import Path

from careplans.plans import commands, controllers, demo, worklist_controllers, worklist_demo
from facility.core.plugins import Plugin

PLUGIN = Plugin(
    name="careplans",
    route_handlers=[*controllers.ROUTE_HANDLERS, *worklist_controllers.ROUTE_HANDLERS],
    nav=[*controllers.NAV, *worklist_controllers.NAV],
    resident_tabs={**controllers.RESIDENT_TABS},
    commands=[commands.register],
    demo=[demo.extend_demo, worklist_demo.extend_demo],
    template_dirs=[Path(__file__).parent / "templates"],
)
