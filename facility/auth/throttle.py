"""Login throttling that cannot be raced and cannot lock a building out (issue 17, docs/SECURITY-STATUS.md target 12).

Two counters per attempt, both keyed on the account name (never on the address alone, so one kiosk behind a
shared NAT address cannot lock out every account of the building):
- `account:<name>`: failures from anywhere (slows an attacker who rotates addresses);
- `pair:<address>|<name>`: failures of this account from this address (slows the one who is guessing sooner).

The attempt is counted *before* the password is checked, in one write transaction that holds the counter rows
(row locks on PostgreSQL, BEGIN IMMEDIATE on SQLite): 40 simultaneous wrong passwords see 40 different counts,
so at most `limit` of them are ever evaluated. Past the limit the key is locked for a backoff that doubles on
each consecutive lock-out (60 s, 2, 4, 8 min … capped at the window): about 70 evaluated guesses an hour at
most, under ASVS 4.0.3 2.2.1's 100, and never a permanent lock-out. A correct password clears both counters.
Each lock-out is audited and raises an administrator alert (facility/templates/admin/security.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from facility.core import audit, clock
from facility.core.db import is_sqlite, write_transaction
from facility.core.settings import get_settings
from facility.tables import AdminAlert, LoginThrottle

QUIET_RESET = timedelta(hours=24)  # consecutive lock-outs are forgotten after a day without failures


@dataclass(frozen=True)
class Rule:
    key: str
    limit: int


def rules_for(username_key: str, address: str) -> list[Rule]:
    s = get_settings()
    return [
        Rule(f"account:{username_key}"[:200], s.login_max_failures),
        Rule(f"pair:{address}|{username_key}"[:200], s.login_pair_max_failures),
    ]


def lock_seconds(lockouts: int) -> int:
    """Backoff: base × 2^(previous lock-outs), capped at the counting window."""
    s = get_settings()
    return int(min(s.login_lock_seconds * 2 ** min(lockouts, 20), s.login_window_seconds))


async def _rows(keys: list[str]) -> dict[str, dict[str, Any]]:
    for key in keys:  # concurrent first attempts must not collide on the unique key
        await LoginThrottle.insert(LoginThrottle(key=key, failures=0)).on_conflict(action="DO NOTHING")
    query = LoginThrottle.select().where(LoginThrottle.key.is_in(keys))
    if not is_sqlite():
        query = query.lock_rows()  # SELECT … FOR UPDATE: the next attempt waits for this one's count
    return {row["key"]: row for row in await query}


def _count(row: dict[str, Any], now: datetime) -> tuple[int, int]:
    """(failures in the current window, consecutive lock-outs still remembered)."""
    window = timedelta(seconds=get_settings().login_window_seconds)
    failures = row["failures"] if row["window_start"] and row["window_start"] > now - window else 0
    recent = row["last_failure_at"] is not None and row["last_failure_at"] > now - QUIET_RESET
    return failures, row["lockouts"] if recent else 0


async def reserve_attempt(username_key: str, address: str, actor: audit.Actor) -> datetime | None:
    """Count this attempt. None: the password may be checked; else the time until which the login is locked."""
    rules = rules_for(username_key, address)
    now = clock.now()
    async with write_transaction():
        rows = await _rows([r.key for r in rules])
        locked = [
            rows[r.key]["locked_until"]
            for r in rules
            if rows[r.key]["locked_until"] and rows[r.key]["locked_until"] > now
        ]
        if locked:
            return max(locked)
        until: datetime | None = None
        for rule in rules:
            row = rows[rule.key]
            failures, lockouts = _count(row, now)
            values: dict[Any, Any] = {LoginThrottle.last_failure_at: now}
            if failures >= rule.limit:
                lock_end = now + timedelta(seconds=lock_seconds(lockouts))
                values.update(
                    {
                        LoginThrottle.failures: 0,
                        LoginThrottle.window_start: now,
                        LoginThrottle.locked_until: lock_end,
                        LoginThrottle.lockouts: lockouts + 1,
                    }
                )
                until = max(until or lock_end, lock_end)
                await _record_lockout(actor, rule, failures, lock_end)
            else:
                values.update(
                    {
                        LoginThrottle.failures: failures + 1,
                        LoginThrottle.lockouts: lockouts,
                        LoginThrottle.window_start: row["window_start"] if failures else now,
                    }
                )
            await LoginThrottle.update(values).where(LoginThrottle.id == row["id"])
        return until


async def clear(username_key: str, address: str) -> None:
    """A correct password: both counters start again (call inside the login's transaction)."""
    keys = [r.key for r in rules_for(username_key, address)]
    await LoginThrottle.update(
        {
            LoginThrottle.failures: 0,
            LoginThrottle.lockouts: 0,
            LoginThrottle.locked_until: None,
            LoginThrottle.last_failure_at: None,
        }
    ).where(LoginThrottle.key.is_in(keys))


async def _record_lockout(actor: audit.Actor, rule: Rule, failures: int, until: datetime) -> None:
    scope = "account" if rule.key.startswith("account:") else "address and account"
    await audit.record(
        actor,
        "lockout",
        "login",
        rule.key[:40],
        outcome="locked",
        after={"key": rule.key, "failures": failures, "until": until.isoformat()},
    )
    await AdminAlert.insert(
        AdminAlert(
            kind="lockout",
            object_id=rule.key,
            message=f"Login for {actor.username!r} locked by {scope} after {failures} failed attempts until "
            f"{until.strftime('%Y-%m-%d %H:%M:%S')} UTC (from {actor.address or 'unknown address'})",
        )
    )


async def active_lockouts() -> list[dict[str, Any]]:
    now = clock.now()
    return list(
        await LoginThrottle.select()
        .where(LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until)
    )


async def unlock(key: str) -> None:
    """An administrator ends a lock-out early (after checking with the user)."""
    await LoginThrottle.update({LoginThrottle.locked_until: None, LoginThrottle.failures: 0}).where(
        LoginThrottle.key == key
    )
