"""Guard triggers: survey-readiness rows are never deleted (inactivated instead)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T13:34:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for survey tables"

NEVER_DELETE = [
    "survey", "finding", "finding_resident", "evidence", "plan_of_correction", "corrective_task",
    "monitoring_audit", "monitoring_result", "recommendation", "cms_deficiency",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="surveys", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE)

    manager.add_raw(install)
    return manager
