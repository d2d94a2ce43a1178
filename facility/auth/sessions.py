"""Server-side sessions stored in the database, with the session id rotated at login.

Litestar's `ServerSideSessionBackend` reuses whatever id the browser's cookie carries, even an
unknown one, so an attacker-planted id would survive login (session fixation, ASVS 5.0 7.2.4;
docs/SECURITY-STATUS.md target 6). This backend mints a fresh id when the login handler asks for
rotation (and whenever the cookie names no stored session) and deletes the old id.

A page view writes nothing (issue 16): the session row is read once per request, and written back only when its
data changed or when its idle expiry was last pushed forward more than TOUCH_SECONDS ago. The idle timeout is
therefore exact to within TOUCH_SECONDS (a session idle for `max_age` minus at most a minute may end).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from facility.core import clock
from facility.tables import SessionRecord

_ROTATE = "_mdsready_rotate_session"
_UNKNOWN = "_mdsready_unknown_session"
_NEW_ID = "_mdsready_new_session_id"
_LOADED = "_mdsready_loaded_session"  # (stored bytes, expires_at) as read at the start of the request
TOUCH_SECONDS = 60  # the idle expiry is pushed forward at most once a minute


def request_rotation(connection: ASGIConnection) -> None:
    """Called by the login handler: the response will carry a brand-new session id."""
    connection.scope.setdefault("state", {})[_ROTATE] = True


def _state(connection: ASGIConnection) -> dict[str, Any]:
    return connection.scope.setdefault("state", {})


class RotatingSessionBackend(ServerSideSessionBackend):
    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if session_id and session_id != "null":
            store = self.config.get_store_from_app(connection.scope["app"])
            if isinstance(store, DatabaseSessionStore):
                entry = await store.get_entry(session_id)  # read only: the expiry is renewed on the way out
                if entry is not None:
                    _state(connection)[_LOADED] = entry
                data = entry[0] if entry is not None else None
            else:
                data = await self.get(session_id, store=store)
            if data is not None:
                return self.deserialize_data(data)
            _state(connection)[_UNKNOWN] = True  # expired or planted: never adopt it
        return {}

    def _unchanged_and_fresh(self, scope_session: ScopeSession, connection: ASGIConnection) -> bool:
        """The session data is what was read and its expiry was renewed less than TOUCH_SECONDS ago."""
        state = _state(connection)
        loaded = state.get(_LOADED)
        if loaded is None or state.get(_ROTATE) or state.get(_NEW_ID) or not scope_session:
            return False
        if scope_session is Empty:
            return False
        data, expires_at = loaded
        if expires_at is None or self.serialize_data(scope_session, connection.scope) != data:
            return False
        renewed_at = expires_at - timedelta(seconds=int(self.config.max_age))
        return clock.now() - renewed_at < timedelta(seconds=TOUCH_SECONDS)

    def get_session_id(self, connection: ASGIConnection) -> str:
        state = _state(connection)
        if state.get(_NEW_ID):
            return str(state[_NEW_ID])
        cookie_id = connection.cookies.get(self.config.key)
        if state.get(_ROTATE) or state.get(_UNKNOWN) or not cookie_id or cookie_id == "null":
            state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return cookie_id

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection
    ) -> None:
        state = _state(connection)
        old_id = connection.cookies.get(self.config.key)
        if state.get(_ROTATE) and old_id and old_id != "null":
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["app"]))
        if not scope_session and (state.get(_UNKNOWN) or not old_id or old_id == "null"):
            return  # an anonymous visitor with nothing to keep gets no server-side session row
        if old_id and self._unchanged_and_fresh(scope_session, connection):
            cookie_params = dict(
                extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
            )
            MutableScopeHeaders.from_message(message).add(
                "Set-Cookie", Cookie(value=old_id, key=self.config.key, **cookie_params).to_header(header="")
            )
            return  # nothing to write: same data, expiry renewed within the last minute
        await super().store_in_message(scope_session, message, connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def _expiry(expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return clock.now() + timedelta(seconds=seconds)


class DatabaseSessionStore(Store):
    """A Litestar Store on the `session_record` table, so sessions survive restarts and can be revoked."""

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.decode() if isinstance(value, bytes) else value
        expires_at = _expiry(expires_in)
        updated = (
            await SessionRecord.update({SessionRecord.data: data, SessionRecord.expires_at: expires_at})
            .where(SessionRecord.key == key)
            .returning(SessionRecord.id)
        )
        if not updated:
            await SessionRecord.insert(SessionRecord(key=key, data=data, expires_at=expires_at))

    async def get_entry(self, key: str) -> tuple[bytes, datetime | None] | None:
        """(data, expires_at) of a live session, without renewing it; an expired row is deleted."""
        row = (
            await SessionRecord.select(SessionRecord.data, SessionRecord.expires_at)
            .where(SessionRecord.key == key)
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= clock.now():
            await self.delete(key)
            return None
        return str(row["data"]).encode(), row["expires_at"]

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        row = (
            await SessionRecord.select(SessionRecord.data, SessionRecord.expires_at)
            .where(SessionRecord.key == key)
            .first()
        )
        if row is None:
            return None
        if row["expires_at"] is not None and row["expires_at"] <= clock.now():
            await self.delete(key)
            return None
        if renew_for is not None:
            await SessionRecord.update({SessionRecord.expires_at: _expiry(renew_for)}).where(
                SessionRecord.key == key
            )
        return str(row["data"]).encode()

    async def delete(self, key: str) -> None:
        await SessionRecord.delete().where(SessionRecord.key == key)

    async def delete_all(self) -> None:
        await SessionRecord.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await SessionRecord.select(SessionRecord.expires_at).where(SessionRecord.key == key).first()
        if row is None or row["expires_at"] is None:
            return None
        return int((row["expires_at"] - clock.now()).total_seconds())

    async def delete_for_user(self, user_id: int) -> int:
        """Ends every session of a user (ASVS 7.4.2: disabling an account kills its sessions)."""
        rows = await SessionRecord.select(SessionRecord.key, SessionRecord.data)
        doomed = [r["key"] for r in rows if _session_user(r["data"]) == user_id]
        for key in doomed:
            await self.delete(key)
        return len(doomed)


def _session_user(data: str) -> int | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value.get("user_id") if isinstance(value, dict) else None
