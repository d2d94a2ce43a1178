"""Database helpers shared by every domain.

- `write_transaction()`: one request = one transaction; on SQLite it is BEGIN IMMEDIATE so a read that
  turns into a write never fails with "database is locked" (SECURITY.md §4, verified 0/1,600 errors).
- `update_versioned()`: optimistic locking — UPDATE … WHERE id=? AND version=?; an empty result is a
  conflict the caller turns into a 409 with the user's values kept.
- `never_delete_sql()` / `append_only_sql()`: triggers that make DELETE (and UPDATE for the audit
  table) fail in the database itself, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.table import Table

from facility.core import datacache


class PooledSQLiteEngine(SQLiteEngine):
    """SQLite with reused connections for statements outside a transaction.

    Piccolo's SQLiteEngine opens a new connection (and a new thread) for every such statement and closes it
    after: about 5 ms each on a chain-sized database file, which made a facility page of 15 queries spend most
    of its time connecting. Here a statement borrows an open connection (autocommit, foreign keys on, the same
    busy timeout) and runs it in a worker thread; a connection is used by one statement at a time and at most
    POOL_SIZE stay open when idle. Transactions (write_transaction) keep their own connection as before.
    Nothing here is bound to an event loop, so tests and CLI commands that run several loops share it safely.
    """

    POOL_SIZE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(**{**self.connection_kwargs, "check_same_thread": False})
        connection.row_factory = dict_factory
        connection.execute("PRAGMA foreign_keys = 1")
        return connection

    def _run_sync(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        with self._idle_lock:
            connection = self._idle.pop() if self._idle else None
        connection = connection or self._connect()
        try:
            cursor = connection.execute(query, args)
            try:
                rows = cursor.fetchall()
            finally:
                cursor.close()
        except BaseException:
            connection.close()  # never hand a connection in an unknown state to the next statement
            raise
        with self._idle_lock:
            keep = len(self._idle) < self.POOL_SIZE
            if keep:
                self._idle.append(connection)
        if not keep:
            connection.close()
        return rows

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING: Piccolo's own path
            return await super()._run_in_new_connection(query, args, query_type, table)
        return await anyio.to_thread.run_sync(self._run_sync, query, list(args or []))

    def close_pool(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


class StaleVersion(Exception):
    """The row changed since the user loaded it (someone else saved first)."""

    def __init__(self, current: dict[str, Any] | None) -> None:
        super().__init__("stale version")
        self.current = current


def engine() -> Engine:
    from facility.tables import Facility

    return Facility._meta.db


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    db = engine()
    token = datacache.begin()  # writes noted inside count once the transaction has committed
    committed = False
    try:
        if isinstance(db, SQLiteEngine):
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield
        else:
            async with db.transaction():
                yield
        committed = True
    finally:
        datacache.end(token, committed)


async def update_versioned(
    table: type[Table], row_id: int, expected_version: int, values: dict[Any, Any]
) -> int:
    """Apply `values` if the row still has `expected_version`; returns the new version or raises StaleVersion."""
    version_col = table._meta.get_column_by_name("version")
    new_version = expected_version + 1
    updated = await (
        table.update({**values, version_col: new_version})
        .where((table._meta.primary_key == row_id) & (version_col == expected_version))
        .returning(table._meta.primary_key)
    )
    if not updated:
        current = await table.select().where(table._meta.primary_key == row_id).first()
        raise StaleVersion(current)
    return new_version


def _is_sqlite(db: Engine) -> bool:
    return isinstance(db, SQLiteEngine)


def is_sqlite() -> bool:
    """The application's database is SQLite (else PostgreSQL): for the few statements written per dialect."""
    return _is_sqlite(engine())


def never_delete_sql(db: Engine, table_name: str) -> list[str]:
    """DDL making DELETE on a clinical table fail (rows are inactivated instead)."""
    message = f"{table_name}: clinical rows are never deleted; inactivate instead"
    if _is_sqlite(db):
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_delete BEFORE DELETE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {table_name}_no_delete() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {table_name}_no_delete ON {table_name};",
        f"CREATE TRIGGER {table_name}_no_delete BEFORE DELETE ON {table_name} "
        f"FOR EACH ROW EXECUTE FUNCTION {table_name}_no_delete();",
    ]


def append_only_sql(db: Engine, table_name: str) -> list[str]:
    """DDL making UPDATE and DELETE fail (the audit log cannot be changed by the application)."""
    message = f"{table_name} is append-only"
    if _is_sqlite(db):
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_update BEFORE UPDATE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
            f"CREATE TRIGGER IF NOT EXISTS {table_name}_no_delete BEFORE DELETE ON {table_name} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END;",
        ]
    return [
        f"CREATE OR REPLACE FUNCTION {table_name}_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;",
        f"DROP TRIGGER IF EXISTS {table_name}_append_only ON {table_name};",
        f"CREATE TRIGGER {table_name}_append_only BEFORE UPDATE OR DELETE ON {table_name} "
        f"FOR EACH ROW EXECUTE FUNCTION {table_name}_append_only();",
    ]


async def run_ddl(statements: list[str]) -> None:
    db = engine()
    for statement in statements:
        await db.run_ddl(statement)


async def protect_tables(never_delete: list[str] = (), append_only: list[str] = ()) -> None:  # type: ignore[assignment]
    """Called from migrations: install the guard triggers for the given tables."""
    db = engine()
    for name in never_delete:
        await run_ddl(never_delete_sql(db, name))
    for name in append_only:
        await run_ddl(append_only_sql(db, name))


def index_sql(table: str, columns: tuple[str, ...]) -> str:
    """CREATE INDEX IF NOT EXISTS ix_<table>_<columns>: the same statement on SQLite and PostgreSQL."""
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE INDEX IF NOT EXISTS "ix_{table}_{"_".join(columns)}" ON "{table}" ({cols})'


async def create_indexes(indexes: list[tuple[str, tuple[str, ...]]]) -> None:
    """Called from migrations. Piccolo indexes a foreign key only when asked (index=True), and a facility-scoped
    page filters by facility, resident or parent row on tables that grow with every facility of a chain."""
    await run_ddl([index_sql(table, columns) for table, columns in indexes])


async def enable_wal() -> None:
    """WAL lets readers run beside the one writer; it persists in the file once set."""
    db = engine()
    if _is_sqlite(db):
        await db.run_ddl("PRAGMA journal_mode=WAL")
