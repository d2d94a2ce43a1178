"""Every foreign key a facility page filters by has an index (as the first column of one), so a page of one
facility never scans the rows of the 49 others (scripts/bench_chain.py)."""

from __future__ import annotations

import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _migrated_indexes() -> set[tuple[str, str]]:
    leading = set()
    for path in ROOT.glob("*/piccolo_migrations/*.py"):
        module = importlib.import_module(f"{path.parent.parent.name}.piccolo_migrations.{path.stem}")
        for table, columns in getattr(module, "INDEXES", []):
            leading.add((table, columns[0]))
    return leading


def test_foreign_keys_are_indexed() -> None:
    from piccolo.columns import ForeignKey
    from piccolo.conf.apps import Finder

    indexed = _migrated_indexes()
    missing = []
    for table in Finder().get_table_classes():
        for column in table._meta.columns:
            if not isinstance(column, ForeignKey) or column._meta.index or column._meta.unique:
                continue
            if (
                column._foreign_key_meta.resolved_references._meta.tablename == "app_user"
                and table._meta.tablename != "user_facility"
            ):
                continue  # who created/updated a row: shown, never filtered by
            if (table._meta.tablename, column._meta.db_column_name) not in indexed:
                missing.append(f"{table._meta.tablename}.{column._meta.db_column_name}")
    assert not missing, f"foreign keys without an index (add them to a migration's INDEXES): {missing}"


def test_index_sql_is_portable() -> None:
    migration = importlib.import_module("mds.piccolo_migrations.mds_2026_11_25t17_10_00_000000")

    assert (
        migration._index_sql("assessment", ("facility", "ard"))
        == 'CREATE INDEX IF NOT EXISTS "ix_assessment_facility_ard" ON "assessment" ("facility", "ard")'
    )
