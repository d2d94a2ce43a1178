"""The shared column mixins of facility.tables (Row, Entry, Clinical, ClinicalStamped): every table uses one
before `Table` in its bases, so `id` is typed and inherited columns keep the order the database has."""

from __future__ import annotations

import pytest
from piccolo.conf.apps import Finder
from piccolo.table import Table

from facility.tables import Clinical, ClinicalStamped, Entry, Row

TABLES = Finder().get_table_classes()
AUDIT = {
    ClinicalStamped: ["active", "version", "created_by", "updated_by", "created_at", "updated_at"],
    Clinical: ["active", "version", "created_by", "updated_by", "created_at"],
    Entry: ["active", "created_by", "created_at"],
}


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.__name__)
def test_every_table_lists_a_row_mixin_before_table(table: type[Table]) -> None:
    assert issubclass(table, Row), f"{table.__name__}: use Row (or Entry/Clinical/ClinicalStamped)"
    mro = table.__mro__
    assert mro.index(Row) < mro.index(Table), f"{table.__name__}: list the mixin before Table in the bases"
    assert table._meta.columns[0]._meta.name == "id"


@pytest.mark.parametrize(
    "table", [t for t in TABLES if issubclass(t, Entry | Clinical)], ids=lambda t: t.__name__
)
def test_inherited_audit_columns_come_last_and_belong_to_the_table(table: type[Table]) -> None:
    mixin = next(m for m in AUDIT if issubclass(table, m))
    names = [column._meta.name for column in table._meta.columns]
    assert names[-len(AUDIT[mixin]) :] == AUDIT[mixin]
    for name in AUDIT[mixin]:
        column = getattr(table, name)
        assert column._meta.table is table  # Piccolo copied the mixin's column for this table
        assert column is not getattr(mixin, name)


def test_the_mixins_are_used_by_every_domain() -> None:
    modules = {t.__module__.split(".")[0] for t in TABLES if issubclass(t, Entry | Clinical)}
    assert modules == {"facility", "mds", "careplans", "surveys"}
