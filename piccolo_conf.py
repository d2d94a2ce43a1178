"""Piccolo configuration: embedded SQLite by default, PostgreSQL when DATABASE_URL starts with postgres."""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry

from facility.core.settings import get_settings

_settings = get_settings()

if _settings.is_postgres:
    from piccolo.engine.postgres import PostgresEngine

    DB = PostgresEngine(config={"dsn": _settings.database_url})
else:
    from facility.core.db import PooledSQLiteEngine

    _settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    # timeout = SQLite busy timeout in seconds (SECURITY.md §4: >= 5 s with IMMEDIATE writers); connections reused
    # for statements outside transactions (facility/core/db.py).
    DB = PooledSQLiteEngine(path=str(_settings.db_path), timeout=10)

APP_REGISTRY = AppRegistry(
    apps=[
        "facility.piccolo_app",
        "mds.piccolo_app",
        "careplans.piccolo_app",
        "surveys.piccolo_app",
    ]
)
