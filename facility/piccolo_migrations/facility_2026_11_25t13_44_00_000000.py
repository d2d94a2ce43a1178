"""Guard triggers: utilization-review rows are never deleted (inactivated instead)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T13:44:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for the utilization review tables"

NEVER_DELETE = ["ur_target", "ur_review", "prior_authorization", "denial", "appeal", "stay_diagnosis", "triple_check"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="facility", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE)

    manager.add_raw(install)
    return manager
