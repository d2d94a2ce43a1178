"""Indexes on the columns facility pages filter by (facility, resident, parent rows): Piccolo creates an index
for a foreign key only when asked, and these tables grow with every facility of a chain (scripts/bench_chain.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

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


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def install():
        from facility.core.db import create_indexes

        await create_indexes(INDEXES)

    manager.add_raw(install)
    return manager
