"""Guard triggers: export batches and records are evidence of what was sent to CMS; never deleted."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T14:23:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for export tracking tables"

NEVER_DELETE = ["export_batch", "export_record"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE)

    manager.add_raw(install)
    return manager
