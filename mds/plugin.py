"""The mds package's plugin: assessment entry and signing, uploads, the coordinator's workflow, PDPM; the hooks
utilization review (facility) reads MDS records through. Listed by facility/app.py; see docs/DEVELOPING.md,
"Plugin contract"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from facility.core.plugins import Plugin
from facility.utilization import hooks as utilization
from mds.assessments import controllers as assessments
from mds.assessments import services as assessment_services
from mds.pdpm import commands as pdpm_commands
from mds.pdpm import icd10 as pdpm_icd10
from mds.pdpm import rules as pdpm
from mds.record import commands as record_commands
from mds.upload import controllers as upload
from mds.workflow import commands as workflow_commands
from mds.workflow import controllers as workflow
from mds.workflow import demo as workflow_demo
from mds.workflow import demo_clinical
from mds.workflow import worklist_controllers as coordinator_worklist

# The implementations read the service modules' attributes when called (tests replace them with monkeypatch).


async def _assessments_for_resident(resident_id: int) -> list[dict[str, Any]]:
    return list(await assessment_services.assessments_for_resident(resident_id))


async def _answers_for(assessment_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    return dict(await assessment_services.answers_for(assessment_ids))


async def _assessment_answers(assessment_id: int) -> dict[str, str]:
    return dict(await assessment_services.assessment_answers(assessment_id))


async def _signed_items_for_facility(
    facility_id: int, items: Sequence[str], ard_from: date | None = None
) -> Mapping[int, list[dict[str, str]]]:
    return await assessment_services.signed_items_for_facility(facility_id, items, ard_from=ard_from)


def _classify(record: Mapping[str, str]) -> Any:
    return pdpm.classify(record)


def _clinical_categories() -> list[str]:
    return list(pdpm.CLINICAL_CATEGORIES)


def _demo_primary_diagnosis(resident_id: int) -> tuple[str, str, str]:
    """The primary diagnosis (I0020B) the demo resident's MDS records carry, with its PDPM clinical category."""
    primary = demo_clinical.profile_for(resident_id).primary
    return primary.icd10, primary.text, pdpm_icd10.lookup(primary.icd10).clinical_category or ""


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
    declares=[*assessment_services.HOOKS],
    hooks={
        utilization.ASSESSMENTS_FOR_RESIDENT.name: _assessments_for_resident,
        utilization.ANSWERS_FOR.name: _answers_for,
        utilization.ASSESSMENT_ANSWERS.name: _assessment_answers,
        utilization.SIGNED_ITEMS_FOR_FACILITY.name: _signed_items_for_facility,
        utilization.PDPM_CLASSIFY.name: _classify,
        utilization.PDPM_CLINICAL_CATEGORIES.name: _clinical_categories,
        utilization.DEMO_PRIMARY_DIAGNOSIS.name: _demo_primary_diagnosis,
    },
)
