"""The write signal of facility.core.datacache: a committed audited write of a facility, not a read or a rollback."""

from __future__ import annotations

from typing import Any

import pytest

from facility.core import datacache
from tests.unit.test_datacache import Counter


async def test_write_transaction_and_audit_signal_the_facility(db: Any) -> None:
    from facility.core import audit
    from facility.core.db import write_transaction

    compute = Counter()
    await datacache.cached(7, "x", None, compute)
    async with write_transaction():
        await audit.record(
            audit.Actor(None, "test"), "view", "resident", 1, facility_id=7
        )  # a read: no signal
    assert await datacache.cached(7, "x", None, compute) == 1
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit.record(audit.Actor(None, "test"), "update", "resident", 1, facility_id=7)
            raise RuntimeError("rolled back")
    assert await datacache.cached(7, "x", None, compute) == 1
    async with write_transaction():
        await audit.record(audit.Actor(None, "test"), "update", "resident", 1, facility_id=7)
    assert await datacache.cached(7, "x", None, compute) == 2
