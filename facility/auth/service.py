"""Users, login throttling and the session → CurrentUser lookup."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from facility.auth import throttle
from facility.auth.passwords import hash_password, password_problem, verify_password
from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.settings import get_settings
from facility.tables import ROLES, Facility, User, UserFacility
from facility.web.core import CurrentUser


class UserError(ValueError):
    """A user cannot be created as asked (message id in args[0])."""


async def create_user(
    username: str,
    password: str,
    role: str,
    facility_codes: list[str],
    *,
    display_name: str = "",
    title: str = "",
    chain_wide: bool = False,
    language: str = "",
    demo: bool = False,
) -> int:
    username = username.strip()
    if not username or len(username) > 80:
        raise UserError("username_invalid")
    if role not in ROLES:
        raise UserError("role_invalid")
    if chain_wide and role != "admin":
        raise UserError("chain_wide_admin_only")
    problem = password_problem(password, username, demo=demo)
    if problem:
        raise UserError(problem)
    facilities = (
        await Facility.select(Facility.id, Facility.ccn).where(Facility.ccn.is_in(facility_codes))
        if facility_codes
        else []
    )
    missing = set(facility_codes) - {f["ccn"] for f in facilities}
    if missing:
        raise UserError("facility_unknown:" + ",".join(sorted(missing)))
    if not facilities and not chain_wide:
        raise UserError("facility_required")
    password_hash = await hash_password(password)
    async with write_transaction():
        if await User.exists().where(User.username_key == username.lower()):
            raise UserError("username_taken")
        user = User(
            username=username,
            username_key=username.lower(),
            display_name=display_name or username,
            title=title,
            password_hash=password_hash,
            role=role,
            chain_wide=chain_wide,
            language=language,
        )
        await user.save()
        for facility in facilities:
            await UserFacility(user=user.id, facility=facility["id"]).save()
        await audit.record(
            audit.Actor(None, "system"), "create", "user", user.id, after={"username": username, "role": role}
        )
    return int(user.id)


async def authenticate(username: str, password: str, address: str) -> tuple[int | None, str]:
    """(user id, "") on success; (None, reason) where reason is "invalid" or "throttled".

    Unknown user and wrong password give the same reason, the same work (a dummy hash) and the
    same counting, so the response never tells which one it was. The attempt is counted before the
    password is checked (facility.auth.throttle), so concurrent guesses cannot outrun the limit.
    """
    key = username.strip().lower()[:80]
    row = await User.select(User.id, User.password_hash, User.active).where(User.username_key == key).first()
    actor = audit.Actor(row["id"] if row else None, key or "?", address)
    if await throttle.reserve_attempt(key, address, actor) is not None:
        return None, "throttled"
    ok, new_hash = await verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None or not row["active"]:
        async with write_transaction():
            await audit.record(actor, "login", "user", row["id"] if row else "", outcome="failure")
        return None, "invalid"
    async with write_transaction():
        await throttle.clear(key, address)
        if new_hash:
            await User.update({User.password_hash: new_hash}).where(User.id == row["id"])
        await audit.record(actor, "login", "user", row["id"])
    return int(row["id"]), ""


async def facilities_of(user_row: dict[str, Any]) -> list[dict[str, Any]]:
    query = Facility.select(Facility.id, Facility.name, Facility.ccn, Facility.state).where(
        Facility.active == True
    )
    if not user_row["chain_wide"]:
        ids = await UserFacility.select(UserFacility.facility).where(UserFacility.user == user_row["id"])
        query = query.where(Facility.id.is_in([r["facility"] for r in ids] or [-1]))
    return list(await query.order_by(Facility.name))


# The active user and the active facilities they may open, in one statement (one row per facility; one row with
# NULL facility columns when there is none). Run on every logged-in request, so it is one round trip, not three.
_USER_WITH_FACILITIES = (
    'SELECT u."id", u."username", u."display_name", u."title", u."role", u."language", u."chain_wide", '
    'f."id" AS f_id, f."name" AS f_name, f."ccn" AS f_ccn, f."state" AS f_state '
    'FROM "app_user" u LEFT JOIN "facility" f ON f."active" = {} AND (u."chain_wide" = {} OR f."id" IN '
    '(SELECT uf."facility" FROM "user_facility" uf WHERE uf."user" = u."id")) '
    'WHERE u."id" = {} AND u."active" = {} ORDER BY f."name", f."id"'
)


async def retrieve_user(session: dict[str, Any], connection: ASGIConnection) -> CurrentUser | None:
    """SessionAuth's lookup: also enforces the 12-hour absolute lifetime (ASVS 5.0 7.3.2).

    Read from the database on every request (one statement), so a disabled account, a changed role or a
    withdrawn facility takes effect on the user's next request, in every server process."""
    user_id = session.get("user_id")
    started = session.get("started")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(started, (int, float)):
        return None
    if clock.now().timestamp() - started > get_settings().session_absolute_seconds:
        return None
    rows = await User.raw(_USER_WITH_FACILITIES, True, True, user_id, True)
    if not rows:
        return None
    row = rows[0]
    facilities = tuple(
        {"id": r["f_id"], "name": r["f_name"], "ccn": r["f_ccn"], "state": r["f_state"]}
        for r in rows
        if r["f_id"] is not None
    )
    ids = tuple(f["id"] for f in facilities)
    chosen = session.get("facility_id")
    facility_id = chosen if chosen in ids else (ids[0] if ids else None)
    return CurrentUser(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        title=row["title"],
        role=row["role"],
        language=row["language"],
        chain_wide=bool(row["chain_wide"]),
        facility_ids=ids,
        facility_id=facility_id,
        facilities=facilities,
    )
