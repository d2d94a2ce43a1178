"""Guard triggers: care-plan rows are never deleted (resolved/discontinued/inactivated instead);
the plan history is append-only."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T13:34:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for care-plan tables"

NEVER_DELETE = ["caa_decision", "care_plan", "problem", "goal", "intervention", "intervention_record",
                "progress_note", "conference"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="careplans", description=DESCRIPTION)

    async def install():
        from facility.core.db import protect_tables

        await protect_tables(never_delete=NEVER_DELETE, append_only=["care_plan_event"])

    manager.add_raw(install)
    return manager
