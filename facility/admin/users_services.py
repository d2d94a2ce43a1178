"""User administration in the browser: list, create, disable/enable, reset password, change role and
facilities. Every change is one transaction with its audit row (before/after, never a password hash).

Scope: a chain-wide administrator manages every user; a facility administrator manages the users of
its own facilities and can only grant those facilities. An administrator never disables, demotes or
un-assigns themself (that is how a chain locks itself out), and disabling or resetting a password ends
the user's sessions (ASVS 5.0 7.4.2).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from facility.auth import passwords
from facility.auth.sessions import DatabaseSessionStore
from facility.core import audit
from facility.core.db import write_transaction
from facility.core.forms import N_, NC_
from facility.tables import ROLES, Facility, User, UserFacility
from facility.web.core import CurrentUser

ROLE_LABELS = {
    "admin": NC_("role", "Administrator"),
    "mds_coordinator": N_("MDS coordinator"),
    "nurse": N_("Nurse"),
    "um_reviewer": N_("Utilization reviewer"),
    "viewer": N_("Read-only"),
}
PASSWORD_MESSAGES = {
    "password_too_short": N_("The password is too short (at least 8 characters)."),
    "password_too_long": N_("The password is too long (at most 128 characters)."),
}


class Conflict(Exception):
    """Someone changed the user since the form was loaded."""


@dataclass(frozen=True)
class UserForm:
    values: dict[str, Any]
    errors: dict[str, str]


def password_error(password: str) -> str | None:
    """An English message id when the password policy (facility.auth.passwords) refuses it."""
    problem = passwords.password_problem(password)
    if problem is None:
        return None
    return PASSWORD_MESSAGES.get(problem, N_("The password does not meet the password policy."))


def fingerprint(row: dict[str, Any]) -> str:
    """Stands in for a version column: the form carries it and a save with a stale one is refused."""
    state = {k: row.get(k) for k in ("role", "active", "chain_wide", "display_name", "title", "facility_ids")}
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _public(row: dict[str, Any], facility_ids: list[int]) -> dict[str, Any]:
    public = {
        k: row[k]
        for k in ("id", "username", "display_name", "title", "role", "active", "chain_wide", "created_at")
    }
    public["facility_ids"] = sorted(facility_ids)
    public["fingerprint"] = fingerprint(public)
    return public


def _audit_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k]
        for k in ("username", "display_name", "title", "role", "active", "chain_wide", "facility_ids")
    }


async def manageable_facilities(admin: CurrentUser) -> list[dict[str, Any]]:
    query = Facility.select(Facility.id, Facility.name, Facility.ccn).where(Facility.active == True)
    if not admin.chain_wide:
        query = query.where(Facility.id.is_in(list(admin.facility_ids) or [-1]))
    return list(await query.order_by(Facility.name))


async def _memberships(user_ids: list[int]) -> dict[int, list[int]]:
    rows = await UserFacility.select(UserFacility.user, UserFacility.facility).where(
        UserFacility.user.is_in(user_ids or [-1])
    )
    out: dict[int, list[int]] = {}
    for r in rows:
        out.setdefault(r["user"], []).append(r["facility"])
    return out


def _visible(admin: CurrentUser, user: dict[str, Any]) -> bool:
    if admin.chain_wide:
        return True
    # A facility administrator sees users of its facilities, never a chain-wide account.
    return not user["chain_wide"] and bool(set(user["facility_ids"]) & set(admin.facility_ids))


async def list_users(admin: CurrentUser, q: str = "", show: str = "active") -> list[dict[str, Any]]:
    query = User.select(
        User.id,
        User.username,
        User.display_name,
        User.title,
        User.role,
        User.active,
        User.chain_wide,
        User.created_at,
    )
    if q:
        term = f"%{q.strip()[:80]}%"
        query = query.where(User.username.ilike(term) | User.display_name.ilike(term))
    if show == "active":
        query = query.where(User.active == True)
    elif show == "disabled":
        query = query.where(User.active == False)
    rows = await query.order_by(User.username_key)
    members = await _memberships([r["id"] for r in rows])
    users = [_public(r, members.get(r["id"], [])) for r in rows]
    return [u for u in users if _visible(admin, u)]


async def get_user(admin: CurrentUser, user_id: int) -> dict[str, Any] | None:
    row = (
        await User.select(
            User.id,
            User.username,
            User.display_name,
            User.title,
            User.role,
            User.active,
            User.chain_wide,
            User.created_at,
        )
        .where(User.id == user_id)
        .first()
    )
    if row is None:
        return None
    user = _public(row, (await _memberships([user_id])).get(user_id, []))
    return user if _visible(admin, user) else None


def _int_list(values: Any) -> list[int]:
    out = []
    for v in values if isinstance(values, list) else [values]:
        try:
            out.append(int(str(v)))
        except (TypeError, ValueError):
            continue
    return out


def validate_user_form(
    data: dict[str, Any], admin: CurrentUser, allowed_facilities: set[int], *, creating: bool
) -> UserForm:
    """Plain form dict (facility_ids may be a list) -> clean values and English message ids per field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "display_name": str(data.get("display_name", "")).strip(),
        "title": str(data.get("title", "")).strip(),
        "role": str(data.get("role", "")).strip(),
        "chain_wide": str(data.get("chain_wide", "")) in ("1", "on", "true"),
        "facility_ids": sorted(set(_int_list(data.get("facility_ids", [])))),
    }
    if creating:
        values["username"] = str(data.get("username", "")).strip()
        if (
            not values["username"]
            or len(values["username"]) > 80
            or any(c.isspace() for c in values["username"])
        ):
            errors["username"] = N_("Enter a username of up to 80 characters without spaces.")
        password = str(data.get("password", ""))
        problem = password_error(password)
        if problem:
            errors["password"] = problem
        values["password"] = password
    if len(values["display_name"]) > 200:
        errors["display_name"] = N_("This value is too long.")
    if len(values["title"]) > 40:
        errors["title"] = N_("This value is too long.")
    if values["role"] not in ROLES:
        errors["role"] = N_("Choose a value from the list.")
    if values["chain_wide"] and values["role"] != "admin":
        errors["chain_wide"] = N_("Only an administrator can work across the whole chain.")
    if values["chain_wide"] and not admin.chain_wide:
        errors["chain_wide"] = N_("Only a chain-wide administrator can grant chain-wide access.")
    if set(values["facility_ids"]) - allowed_facilities:
        errors["facility_ids"] = N_("You can only grant facilities you administer.")
    elif not values["facility_ids"] and not values["chain_wide"]:
        errors["facility_ids"] = N_("Choose at least one facility.")
    return UserForm(values, errors)


async def _set_facilities(user_id: int, facility_ids: list[int], keep_outside: set[int]) -> None:
    """Memberships of the admin's facilities follow the form; those outside the admin's scope stay."""
    current = (await _memberships([user_id])).get(user_id, [])
    for fid in set(current) - set(facility_ids) - keep_outside:
        # Memberships are links, not clinical records: removing one is the change itself (audited).
        await UserFacility.delete().where((UserFacility.user == user_id) & (UserFacility.facility == fid))
    for fid in set(facility_ids) - set(current):
        await UserFacility(user=user_id, facility=fid).save()


async def create(actor: audit.Actor, admin: CurrentUser, values: dict[str, Any]) -> int:
    password_hash = await passwords.hash_password(values["password"])
    async with write_transaction():
        if await User.exists().where(User.username_key == values["username"].lower()):
            raise ValueError(N_("This username is taken (usernames ignore upper and lower case)."))
        user = User(
            username=values["username"],
            username_key=values["username"].lower(),
            display_name=values["display_name"] or values["username"],
            title=values["title"],
            password_hash=password_hash,
            role=values["role"],
            chain_wide=values["chain_wide"],
        )
        await user.save()
        await _set_facilities(user.id, values["facility_ids"], set())
        after = {
            **{k: values[k] for k in ("username", "title", "role", "chain_wide", "facility_ids")},
            "display_name": user.display_name,
            "active": True,
        }
        await audit.record(actor, "create", "user", user.id, after=after)
    return int(user.id)


async def _current_or_conflict(admin: CurrentUser, user_id: int, expected: str) -> dict[str, Any]:
    current = await get_user(admin, user_id)
    if current is None:
        raise LookupError(user_id)
    if current["fingerprint"] != expected:
        raise Conflict()
    return current


async def update(
    actor: audit.Actor, admin: CurrentUser, user_id: int, expected: str, values: dict[str, Any]
) -> None:
    """Role, facilities, name and title. Raises Conflict, LookupError or ValueError (message id)."""
    async with write_transaction():
        current = await _current_or_conflict(admin, user_id, expected)
        if user_id == admin.id and (
            values["role"] != current["role"] or (current["chain_wide"] and not values["chain_wide"])
        ):
            raise ValueError(
                N_("You cannot change your own role or chain-wide access; ask another administrator.")
            )
        await User.update(
            {
                User.role: values["role"],
                User.chain_wide: values["chain_wide"],
                User.display_name: values["display_name"] or current["username"],
                User.title: values["title"],
            }
        ).where(User.id == user_id)
        outside = set(current["facility_ids"]) - set(admin.facility_ids) if not admin.chain_wide else set()
        await _set_facilities(user_id, values["facility_ids"], outside)
        after = await get_user(admin, user_id) or current
        await audit.record(
            actor, "update", "user", user_id, before=_audit_view(current), after=_audit_view(after)
        )


async def set_active(
    actor: audit.Actor, admin: CurrentUser, user_id: int, expected: str, active: bool
) -> None:
    async with write_transaction():
        current = await _current_or_conflict(admin, user_id, expected)
        if user_id == admin.id and not active:
            raise ValueError(N_("You cannot disable your own account."))
        await User.update({User.active: active}).where(User.id == user_id)
        if not active:
            await DatabaseSessionStore().delete_for_user(user_id)
        await audit.record(
            actor,
            "update" if active else "inactivate",
            "user",
            user_id,
            before={"active": current["active"]},
            after={"active": active},
        )


async def reset_password(
    actor: audit.Actor, admin: CurrentUser, user_id: int, expected: str, password: str
) -> None:
    """The new password follows the policy; the user's open sessions end (they log in with the new one)."""
    password_hash = await passwords.hash_password(password)
    async with write_transaction():
        await _current_or_conflict(admin, user_id, expected)
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        ended = await DatabaseSessionStore().delete_for_user(user_id)
        # The audit row says that the password changed, never what it is.
        await audit.record(
            actor,
            "update",
            "user",
            user_id,
            before={"password": "(previous)"},
            after={"password": "(reset by administrator)", "sessions_ended": ended},
        )


def role_options() -> list[tuple[str, str]]:
    return [(r, ROLE_LABELS[r]) for r in ROLES]
