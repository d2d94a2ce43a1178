"""The application's one clock: `now()` (aware, UTC) and `today()` (the facility's calendar date).

Code asks the clock instead of calling `datetime.now()` / `date.today()`, so a test freezes time in one place:
`monkeypatch.setattr(clock, "now", lambda: moment)` moves `today()` too (time-machine works as well). Call
them through the module (`from facility.core import clock`; `clock.today()`), never `from ... import now`,
or a frozen clock is not seen.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, aware, in UTC (what Timestamptz columns store)."""
    return datetime.now(UTC)


def today() -> date:
    """The facility's calendar date: the date of `now()` in the server's time zone (run the server in the
    facility's zone; dates are UTC dates when none is set)."""
    return now().astimezone().date()
