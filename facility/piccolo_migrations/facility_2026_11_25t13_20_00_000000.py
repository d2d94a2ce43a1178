"""Guard triggers: clinical facility rows are never deleted; the audit trail is append-only."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T13:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete and append-only triggers"

NEVER_DELETE = ["facility", "unit", "resident", "stay", "stay_event", "app_user"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="facility", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE, append_only=["audit_event"])

    manager.add_raw(install)
    return manager
