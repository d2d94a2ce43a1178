"""Issue 18 part 3: a review date per problem, the baseline care plan's content (F655) and the care-plan
signatures. Additive only: new nullable/defaulted columns keep every existing row as it was."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-06T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "problem review dates, baseline care plan content, care-plan signatures"

COLUMNS = [
    ("problem", '"reviewed_on" DATE NULL'),
    ("problem", '"review_due" DATE NULL'),
    ("care_plan", "\"baseline_goals\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", "\"baseline_physician_orders\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", "\"baseline_dietary_orders\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", "\"baseline_therapy\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", "\"baseline_social\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", '"baseline_pasarr_applies" BOOLEAN NOT NULL DEFAULT FALSE'),
    ("care_plan", "\"baseline_pasarr\" TEXT NOT NULL DEFAULT ''"),
    ("care_plan", "\"baseline_summary_to\" VARCHAR(200) NOT NULL DEFAULT ''"),
    ("care_plan", '"baseline_summary_on" DATE NULL'),
]
SIGNATURE_COLUMNS = (
    '"facility" INTEGER NOT NULL REFERENCES "facility" ("id")',
    '"resident" INTEGER NOT NULL REFERENCES "resident" ("id")',
    '"name" VARCHAR(200) NOT NULL',
    '"role" VARCHAR(20) NOT NULL',
    '"signed_on" DATE NOT NULL',
    '"active" BOOLEAN NOT NULL DEFAULT TRUE',
    '"version" INTEGER NOT NULL DEFAULT 1',
    '"created_by" INTEGER NOT NULL REFERENCES "app_user" ("id")',
    '"updated_by" INTEGER NOT NULL REFERENCES "app_user" ("id")',
    '"created_at" TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP',
)
INDEXES = [("care_plan_signature", ("facility",)), ("care_plan_signature", ("resident",))]


def ddl(sqlite: bool) -> list[str]:
    key = '"id" INTEGER PRIMARY KEY' if sqlite else '"id" SERIAL PRIMARY KEY'
    out = [f'ALTER TABLE "{table}" ADD COLUMN {column}' for table, column in COLUMNS]
    out.append(f'CREATE TABLE IF NOT EXISTS "care_plan_signature" ({", ".join((key, *SIGNATURE_COLUMNS))})')
    return out


# Written out here, not imported from facility.db: this migration never changes with the application code.
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
    manager = MigrationManager(migration_id=ID, app_name="careplans", description=DESCRIPTION)

    async def install():
        db = engine_finder()
        sqlite = isinstance(db, SQLiteEngine)
        for statement in ddl(sqlite):
            await db.run_ddl(statement)
        for table, columns in INDEXES:
            await db.run_ddl(_index_sql(table, columns))
        for statement in _never_delete_sql(sqlite, "care_plan_signature"):
            await db.run_ddl(statement)

    manager.add_raw(install)
    return manager
