"""Guard triggers: export batches and records are evidence of what was sent to CMS; never deleted."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-25T14:23:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "never-delete triggers for export tracking tables"

NEVER_DELETE = ["export_batch", "export_record"]


# Written out here, not imported from facility.core.db: this migration never changes with the application code.
def _never_delete_sql(sqlite: bool, table: str) -> list[str]:
    message = f"{table}: clinical rows are never deleted; inactivate instead"
    if sqlite:
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {table}_no_delete() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_no_delete();",
    ]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def install():
        db = engine_finder()
        sqlite = isinstance(db, SQLiteEngine)
        for table in NEVER_DELETE:
            for statement in _never_delete_sql(sqlite, table):
                await db.run_ddl(statement)

    manager.add_raw(install)
    return manager
