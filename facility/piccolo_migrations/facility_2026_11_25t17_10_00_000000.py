"""Indexes on the columns facility pages filter by (facility, resident, parent rows): Piccolo creates an index
for a foreign key only when asked, and these tables grow with every facility of a chain (scripts/bench_chain.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-25T17:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for facility-scoped reads"

INDEXES = [
    ('resident', ('facility',)),
    ('resident', ('unit',)),
    ('stay', ('resident',)),
    ('stay', ('facility',)),
    ('stay_event', ('stay',)),
    ('unit', ('facility',)),
    ('user_facility', ('user',)),
    ('user_facility', ('facility',)),
    ('appeal', ('facility',)),
    ('appeal', ('denial',)),
    ('denial', ('facility',)),
    ('denial', ('resident',)),
    ('denial', ('stay',)),
    ('prior_authorization', ('facility',)),
    ('prior_authorization', ('resident',)),
    ('prior_authorization', ('stay',)),
    ('stay_diagnosis', ('facility',)),
    ('stay_diagnosis', ('resident',)),
    ('stay_diagnosis', ('stay',)),
    ('triple_check', ('facility',)),
    ('triple_check', ('resident',)),
    ('triple_check', ('stay',)),
    ('ur_review', ('facility',)),
    ('ur_review', ('resident',)),
    ('ur_target', ('facility',)),
]


# Written out here, not imported from facility.core.db: this migration never changes with the application code.
def _index_sql(table: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE INDEX IF NOT EXISTS "ix_{table}_{"_".join(columns)}" ON "{table}" ({cols})'


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="facility", description=DESCRIPTION)

    async def install():
        db = engine_finder()
        sqlite = isinstance(db, SQLiteEngine)
        for table, columns in INDEXES:
            await db.run_ddl(_index_sql(table, columns))

    manager.add_raw(install)
    return manager
