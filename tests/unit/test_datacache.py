"""facility.core.datacache: values are kept until a write of their facility commits, never served across a write."""

from __future__ import annotations

import asyncio
from typing import Any

from facility.core import datacache


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        return self.calls


async def test_kept_until_a_write_of_the_facility() -> None:
    compute = Counter()
    assert await datacache.cached(1, "x", None, compute) == 1
    assert await datacache.cached(1, "x", None, compute) == 1  # kept
    datacache.note_write(2)  # another facility
    assert await datacache.cached(1, "x", None, compute) == 1
    datacache.note_write(1)
    assert await datacache.cached(1, "x", None, compute) == 2
    datacache.note_write(None)  # a write without a facility counts for all
    assert await datacache.cached(1, "x", None, compute) == 3
    assert await datacache.cached(1, "x", "other key", compute) == 4


async def test_writes_in_a_transaction_count_at_commit_and_not_on_rollback() -> None:
    compute = Counter()
    await datacache.cached(1, "x", None, compute)
    token = datacache.begin()
    datacache.note_write(1)
    assert (
        await datacache.cached(1, "x", None, compute) == 1
    )  # not committed yet: the old value is still the truth
    datacache.end(token, committed=False)
    assert await datacache.cached(1, "x", None, compute) == 1  # rolled back: nothing changed
    token = datacache.begin()
    inner = datacache.begin()  # nested: the outermost transaction decides
    datacache.note_write(1)
    datacache.end(inner, committed=True)
    assert await datacache.cached(1, "x", None, compute) == 1
    datacache.end(token, committed=True)
    assert await datacache.cached(1, "x", None, compute) == 2


async def test_a_write_during_the_computation_is_not_hidden() -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow() -> str:
        started.set()
        await release.wait()
        return "before the write"

    task = asyncio.create_task(datacache.cached(1, "x", None, slow))
    await started.wait()
    datacache.note_write(1)  # commits while the old data is being read
    release.set()
    assert await task == "before the write"
    assert await datacache.cached(1, "x", None, Counter()) == 1  # computed again, not the stale value


async def test_values_expire(monkeypatch: Any) -> None:
    compute = Counter()
    await datacache.cached(1, "x", None, compute)
    monkeypatch.setattr(datacache, "MAX_AGE_SECONDS", 0)
    assert await datacache.cached(1, "x", None, compute) == 2
