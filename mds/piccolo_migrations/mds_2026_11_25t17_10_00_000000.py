"""Indexes on the columns facility pages filter by (facility, resident, parent rows): Piccolo creates an index
for a foreign key only when asked, and these tables grow with every facility of a chain (scripts/bench_chain.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-25T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for facility-scoped reads"

INDEXES = [
    ('assessment', ('facility', 'ard')),
    ('assessment', ('resident', 'ard')),
    ('assessment', ('stay',)),
    ('submission', ('facility',)),
    ('submission_record', ('submission',)),
    ('validation_issue', ('submission',)),
    ('validation_issue', ('record',)),
    ('export_batch', ('facility',)),
    ('export_record', ('facility',)),
    ('assessment_section', ('assessment', 'section')),
]


# Written out here, not imported from facility.core.db: this migration never changes with the application code.
def _index_sql(table: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE INDEX IF NOT EXISTS "ix_{table}_{"_".join(columns)}" ON "{table}" ({cols})'


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def install():
        db = engine_finder()
        sqlite = isinstance(db, SQLiteEngine)
        for table, columns in INDEXES:
            await db.run_ddl(_index_sql(table, columns))

    manager.add_raw(install)
    return manager
