"""The mds package's plugin: assessment entry and signing, uploads, the coordinator's workflow, PDPM.
Listed by facility/app.py; see docs/DEVELOPING.md, "Plugin contract"."""

from __future__ import annotations

from pathlib import Path

from facility.core.plugins import Plugin
from mds.assessments import controllers as assessments
from mds.pdpm import commands as pdpm_commands
from mds.record import commands as record_commands
from mds.upload import controllers as upload
from mds.workflow import commands as workflow_commands
from mds.workflow import controllers as workflow
from mds.workflow import demo as workflow_demo
from mds.workflow import worklist_controllers as coordinator_worklist

PLUGIN = Plugin(
    name="mds",
    route_handlers=[
        *assessments.ROUTE_HANDLERS,
        *upload.ROUTE_HANDLERS,
        *workflow.ROUTE_HANDLERS,
        *coordinator_worklist.ROUTE_HANDLERS,
    ],
    nav=[*assessments.NAV, *upload.NAV, *workflow.NAV, *coordinator_worklist.NAV],
    resident_tabs={**assessments.RESIDENT_TABS},
    commands=[pdpm_commands.register, record_commands.register, workflow_commands.register],
    demo=[workflow_demo.extend_demo],
    template_dirs=[Path(__file__).parent / "templates"],
)
