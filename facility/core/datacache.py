"""Per-facility memo of expensive page data (schedules, care-plan compliance, reports), dropped on a write.

Every clinical write records its audit row with the facility in the same transaction (`facility.core.audit.record`;
the few writes without a facility — users, the CMS public file — count for every facility). That row is the
write signal: when the transaction commits, the facility's generation goes up, and a value computed from older
data is no longer served. The generation is read *before* computing, so a write that commits while a value is
being computed makes the next read compute again. Values also expire after MDSREADY_PAGE_CACHE_SECONDS (600 s;
0 keeps nothing), for writes this process did not make (a CLI command, another server on the same PostgreSQL),
and callers put the date in the key when a value depends on today.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

MAX_AGE_SECONDS: int | None = None  # None: the setting (tests set a number)
MAX_ENTRIES = 2048
ALL = -1  # the generation of writes without a facility

_generation: dict[int, int] = {}
_store: dict[tuple[Hashable, ...], tuple[tuple[int, int], float, Any]] = {}
_pending: ContextVar[set[int] | None] = ContextVar("datacache_pending", default=None)
stats = {"hits": 0, "misses": 0}


def generation(facility_id: int) -> tuple[int, int]:
    return _generation.get(facility_id, 0), _generation.get(ALL, 0)


def _bump(facility_ids: set[int]) -> None:
    for facility_id in facility_ids:
        _generation[facility_id] = _generation.get(facility_id, 0) + 1


def note_write(facility_id: int | None) -> None:
    """A write of this facility (None: of every facility). Inside a transaction it counts at commit."""
    target = ALL if facility_id is None else int(facility_id)
    pending = _pending.get()
    if pending is None:
        _bump({target})
    else:
        pending.add(target)


def begin() -> Any:
    """Start collecting writes (outermost transaction only); returns the token for end()."""
    if _pending.get() is not None:
        return None
    return _pending.set(set())


def end(token: Any, committed: bool) -> None:
    if token is None:
        return
    touched = _pending.get() or set()
    _pending.reset(token)
    if committed:
        _bump(touched)


def _max_age() -> float:
    if MAX_AGE_SECONDS is not None:
        return MAX_AGE_SECONDS
    from facility.core.settings import get_settings

    return get_settings().page_cache_seconds


async def cached(facility_id: int, name: str, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()` or its value from an earlier call with the same name and key, when no write of the facility
    has committed since and it is younger than the page-cache age."""
    slot = (facility_id, name, key)
    current = generation(facility_id)
    hit = _store.get(slot)
    if hit is not None and hit[0] == current and time.monotonic() - hit[1] < _max_age():
        stats["hits"] += 1
        return hit[2]
    stats["misses"] += 1
    value = await compute()
    if len(_store) >= MAX_ENTRIES:
        _store.clear()
    _store[slot] = (current, time.monotonic(), value)
    return value


def clear() -> None:
    """Drop every value (tests give each case a new database with the same facility ids)."""
    _store.clear()
    _generation.clear()
