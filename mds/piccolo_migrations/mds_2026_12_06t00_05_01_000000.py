"""Existing assessments get the item set in effect on their target date (the `ard` column holds A2300, the target
date of every record this application writes: discharges and deaths carry A2000 = A2300). Records older than
1.18.11 cannot be held by the shipped catalogs; they are labelled 1.18.11, the oldest set carried.

Effective dates (ref/item_set_versions.csv): 1.18.11 from 2023-10-01, 1.19.1 from 2024-10-01, 1.20.1 from
2025-10-01. Written out here (not imported from mds.record.catalog) so the migration never changes with the app code.
The comparison with an ISO date literal works on SQLite (dates stored as ISO text) and PostgreSQL (date column)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T00:05:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "assessment item-set version from the target date"

FILL = (
    "UPDATE assessment SET item_set = CASE "
    "WHEN ard >= '2025-10-01' THEN '1.20.1' "
    "WHEN ard >= '2024-10-01' THEN '1.19.1' "
    "ELSE '1.18.11' END"
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)

    async def fill():
        from piccolo.engine import engine_finder

        await engine_finder().run_ddl(FILL)

    manager.add_raw(fill)
    return manager
