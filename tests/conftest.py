"""Root test configuration.

Environment variables are set here, before any test module imports the app, so that
`facility.core.settings.get_settings()` reads the test values (see ARCHITECTURE.md, convention 9).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data sits beside the checkout (DEVELOPERS.md); tests may read it, the app may not.
SHARED_DATA = Path(os.environ.get("MDSREADY_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))

os.environ.setdefault("MDSREADY_ENV", "test")
# The migrated template database for this test session (copied per test); PostgreSQL when asked.
os.environ["MDSREADY_DB_PATH"] = str(Path(tempfile.mkdtemp(prefix="mdsready-test-")) / "template.sqlite")
if os.environ.get("TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TEST_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("MDSREADY_SECRET_KEY", "test-secret-key-not-for-production-0123456789")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ../shared/data (CMS reference tables)."""
    assert SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}"
    return SHARED_DATA


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: sync Playwright keeps an event loop running in the main thread until the end."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.fspath))


@pytest.fixture(autouse=True, scope="session")
def _plugins_active() -> None:
    """The four packages' plugins active, as at start-up (create_app() and `mdsready` activate them): demo data,
    resident tabs and hooks are read from them."""
    from facility.app import PLUGINS
    from facility.core.plugins import activate

    activate(PLUGINS)


@pytest.fixture(autouse=True)
def _fresh_datacache() -> None:
    """Each test gets a new database with the same facility ids: no page data kept from another test."""
    from facility.core import datacache

    datacache.clear()
