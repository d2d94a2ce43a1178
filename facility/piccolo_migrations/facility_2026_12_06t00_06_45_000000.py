"""Utilization review in depth (issue 19): certifications, daily skilled services, Medicare notices, discharge
plans and hospital-transfer reviews. Hand-written DDL, one statement list per dialect (the column types are the
ones Piccolo declares for these tables on each database); rows are never deleted, and every table gets its
facility/resident/stay indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-06T00:06:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "utilization review: certifications, skilled services, notices, discharge plans, transfer reviews"

_OWNED = ('"facility" INTEGER NOT NULL REFERENCES "facility" ("id")',
          '"resident" INTEGER NOT NULL REFERENCES "resident" ("id")')
_ROW = ('"active" BOOLEAN NOT NULL DEFAULT TRUE', '"version" INTEGER NOT NULL DEFAULT 1',
        '"created_by" INTEGER NOT NULL REFERENCES "app_user" ("id")', '"updated_by" INTEGER NOT NULL REFERENCES "app_user" ("id")',
        '"created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP')
_STAY = '"stay" INTEGER NOT NULL REFERENCES "stay" ("id")'

TABLES = {
    "ur_certification": (_STAY, '"sequence" INTEGER NOT NULL DEFAULT 0', '"signed_date" DATE NOT NULL',
                         '"signed_by" VARCHAR(200) NOT NULL DEFAULT \'\'', '"note" TEXT NOT NULL DEFAULT \'\''),
    "ur_skilled_service": (_STAY, '"service_date" DATE NOT NULL', '"category" VARCHAR(10) NOT NULL',
                           '"discipline" VARCHAR(10) NOT NULL', '"minutes" INTEGER NOT NULL DEFAULT 0',
                           '"source" VARCHAR(20) NOT NULL DEFAULT \'therapy_log\'', '"description" TEXT NOT NULL DEFAULT \'\''),
    "ur_notice": (_STAY, '"kind" VARCHAR(10) NOT NULL', '"payer" VARCHAR(30) NOT NULL',
                  '"end_reason" VARCHAR(30) NOT NULL DEFAULT \'skilled_ended\'', '"last_covered_day" DATE NOT NULL',
                  '"delivered_date" DATE NULL', '"delivered_to" VARCHAR(20) NOT NULL DEFAULT \'\'',
                  '"signer_name" VARCHAR(200) NOT NULL DEFAULT \'\'', '"qio_requested" DATE NULL', '"qio_notified" DATE NULL',
                  '"denc_delivered" DATE NULL', '"qio_decided" DATE NULL', '"qio_outcome" VARCHAR(20) NOT NULL DEFAULT \'\'',
                  '"note" TEXT NOT NULL DEFAULT \'\''),
    "ur_discharge_plan": ('"stay" INTEGER NOT NULL UNIQUE REFERENCES "stay" ("id")',
                          '"destination" VARCHAR(30) NOT NULL DEFAULT \'undecided\'', '"target_date" DATE NULL',
                          '"services" JSON NOT NULL DEFAULT \'[]\'', '"goals" TEXT NOT NULL DEFAULT \'\'',
                          '"education" TEXT NOT NULL DEFAULT \'\'', '"education_done" BOOLEAN NOT NULL DEFAULT FALSE',
                          '"handoff" JSON NOT NULL DEFAULT \'{}\'', '"follow_up" TEXT NOT NULL DEFAULT \'\'',
                          '"updated_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP'),
    "ur_transfer_review": (_STAY, '"transfer_date" DATE NOT NULL', '"kind" VARCHAR(20) NOT NULL DEFAULT \'discharge\'',
                           '"a2105" VARCHAR(2) NOT NULL DEFAULT \'\'', '"reason" VARCHAR(30) NOT NULL DEFAULT \'\'',
                           '"avoidable" VARCHAR(5) NOT NULL DEFAULT \'\'', '"returned_date" DATE NULL',
                           '"note" TEXT NOT NULL DEFAULT \'\''),
}
INDEXES = [(table, (column,)) for table in TABLES for column in ("facility", "resident", "stay")]


def create_sql(sqlite: bool) -> list[str]:
    key = '"id" INTEGER PRIMARY KEY' if sqlite else '"id" SERIAL PRIMARY KEY'
    return [f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join((key, *_OWNED, *columns, *_ROW))})' for name, columns in TABLES.items()]


# Written out here, not imported from facility.core.db: this migration never changes with the application code.
def _index_sql(table: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE INDEX IF NOT EXISTS "ix_{table}_{"_".join(columns)}" ON "{table}" ({cols})'


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
    manager = MigrationManager(migration_id=ID, app_name="facility", description=DESCRIPTION)

    async def install():
        db = engine_finder()
        sqlite = isinstance(db, SQLiteEngine)
        for statement in create_sql(sqlite):
            await db.run_ddl(statement)
        for table, columns in INDEXES:
            await db.run_ddl(_index_sql(table, columns))
        for table in TABLES:
            for statement in _never_delete_sql(sqlite, table):
                await db.run_ddl(statement)

    manager.add_raw(install)
    return manager
