"""Guard triggers: MDS assessment rows are never deleted (they are inactivated; facility/core/db.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T13:37:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for assessment tables"

NEVER_DELETE = ["assessment", "assessment_section", "assessment_attestation", "assessment_version"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE)

    manager.add_raw(install)
    return manager
