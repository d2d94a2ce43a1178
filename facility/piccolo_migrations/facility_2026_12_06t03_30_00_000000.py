"""Issue 18: the admission *time* of a stay (stay.admitted_at) for the 48-hour baseline care plan clock.
Additive: the new column is null on existing stays, whose admission_date is kept unchanged; the pages say
"time not recorded" for them and count the clock from 00:00 of that day until a time is entered."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-12-06T03:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "stay admission time"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="facility", description=DESCRIPTION)

    async def install():
        await engine_finder().run_ddl('ALTER TABLE "stay" ADD COLUMN "admitted_at" TIMESTAMPTZ NULL')

    manager.add_raw(install)
    return manager
