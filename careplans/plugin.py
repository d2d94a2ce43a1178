"""The careplans package's plugin: care plans, the CAA worksheet, compliance and documentation review; the hooks
MDS signing asks the CAA worksheet through. Listed by facility/app.py; see docs/DEVELOPING.md, "Plugin contract"."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from careplans.plans import commands, controllers, demo, services, worklist_controllers, worklist_demo
from facility.core.plugins import Plugin
from mds.assessments.services import CAA_BLOCKERS, SECTION_V_RECORD

# The implementations read the service module's attributes when called (tests replace them with monkeypatch).


def _caa_blockers(assessment_id: int, record: Mapping[str, str]) -> Any:
    return services.caa_blockers(assessment_id, dict(record))


def _section_v_record(assessment_id: int, record: Mapping[str, str]) -> Any:
    return services.section_v_record(assessment_id, dict(record))


PLUGIN = Plugin(
    name="careplans",
    route_handlers=[*controllers.ROUTE_HANDLERS, *worklist_controllers.ROUTE_HANDLERS],
    nav=[*controllers.NAV, *worklist_controllers.NAV],
    resident_tabs={**controllers.RESIDENT_TABS},
    commands=[commands.register],
    demo=[demo.extend_demo, worklist_demo.extend_demo],
    template_dirs=[Path(__file__).parent / "templates"],
    hooks={CAA_BLOCKERS.name: _caa_blockers, SECTION_V_RECORD.name: _section_v_record},
)
