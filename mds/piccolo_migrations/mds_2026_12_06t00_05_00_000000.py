"""Assessment.item_set: the MDS item-set version a record was started on (issue 14). The column comes here; the
next migration fills existing rows from their target date."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T00:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "assessment item-set version column"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="mds", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Assessment",
        tablename="assessment",
        column_name="item_set",
        db_column_name="item_set",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 10,
            "default": "1.20.1",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
