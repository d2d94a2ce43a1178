"""Migrations are history: a hand-written one writes out the SQL and values it needs instead of importing the
application (facility.core.db, mds.record.catalog …), so moving or changing application code never changes what an old
migration does on a new database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {"facility", "mds", "careplans", "surveys"}
MIGRATIONS = sorted(ROOT.glob("*/piccolo_migrations/*.py"))


def _imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_there_are_migrations() -> None:
    assert len(MIGRATIONS) > 20


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: p.stem)
def test_migration_imports_no_application_code(path: Path) -> None:
    live = sorted(name for name in _imported(path) if name.split(".")[0] in PACKAGES)
    assert not live, f"{path.relative_to(ROOT)} imports {live}: write the SQL/values out in the migration"
