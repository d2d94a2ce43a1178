"""Break-glass: emergency access to a resident outside the user's facilities (HIPAA 164.312(a)(2)(ii), ONC
170.315(d)(6); docs/SECURITY-STATUS.md target 2).

Only clinical roles may ask, only with a typed reason. A grant covers one resident for
`MDSREADY_BREAK_GLASS_SECONDS` (4 h by default), writes an `emergency` audit row and raises an administrator
alert; an administrator of the resident's facility (not the user) reviews it afterwards.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from facility.core import audit, clock
from facility.core.db import write_transaction
from facility.core.settings import get_settings
from facility.tables import AdminAlert, BreakGlass, Facility, Resident, User
from facility.web.core import CurrentUser

BREAK_GLASS_ROLES = ("admin", "mds_coordinator", "nurse")
MIN_REASON = 10  # a reason a reviewer can check ("emergency" alone is not one)


async def active_grant(user_id: int, resident_id: int) -> dict[str, Any] | None:
    now = clock.now()
    return (
        await BreakGlass.select()
        .where(
            (BreakGlass.user == user_id)
            & (BreakGlass.resident == resident_id)
            & (BreakGlass.expires_at > now)
        )
        .order_by(BreakGlass.id, ascending=False)
        .first()
    )


async def resident_row(resident_id: int) -> dict[str, Any] | None:
    return (
        await Resident.select(*Resident.all_columns(), Resident.facility.name.as_alias("facility_name"))
        .where(Resident.id == resident_id)
        .first()
    )


async def grant(
    user: CurrentUser, actor: audit.Actor, resident: dict[str, Any], reason: str
) -> dict[str, Any]:
    now = clock.now()
    expires = now + timedelta(seconds=get_settings().break_glass_seconds)
    async with write_transaction():
        row = BreakGlass(
            user=user.id,
            resident=resident["id"],
            facility_id=resident["facility"],
            reason=reason,
            started_at=now,
            expires_at=expires,
        )
        await row.save()
        await audit.record(
            actor,
            "emergency",
            "resident",
            resident["id"],
            facility_id=resident["facility"],
            resident_id=resident["id"],
            outcome="granted",
            after={"reason": reason, "expires_at": expires.isoformat(), "grant": row.id},
        )
        await AdminAlert.insert(
            AdminAlert(
                kind="emergency",
                facility_id=resident["facility"],
                object_id=str(row.id),
                message=f"{user.username} opened resident {resident['id']} by break-glass: {reason}",
            )
        )
    return {"id": row.id, "expires_at": expires}


async def pending_review(admin: CurrentUser) -> list[dict[str, Any]]:
    """Grants of the administrator's facilities waiting for review (never one's own)."""
    rows = (
        await BreakGlass.select(
            *BreakGlass.all_columns(),
            BreakGlass.user.username.as_alias("username"),
            BreakGlass.resident.last_name.as_alias("last_name"),
            BreakGlass.resident.first_name.as_alias("first_name"),
        )
        .where(
            BreakGlass.reviewed_at.is_null()
            & BreakGlass.facility_id.is_in(list(admin.facility_ids) or [-1])
            & (BreakGlass.user != admin.id)
        )
        .order_by(BreakGlass.id)
    )
    return list(rows)


async def review(admin: CurrentUser, actor: audit.Actor, grant_id: int, note: str) -> bool:
    pending = {g["id"]: g for g in await pending_review(admin)}
    if grant_id not in pending:
        return False
    async with write_transaction():
        await BreakGlass.update(
            {
                BreakGlass.reviewed_by: admin.id,
                BreakGlass.reviewed_at: clock.now(),
                BreakGlass.review_note: note,
            }
        ).where(BreakGlass.id == grant_id)
        await audit.record(
            actor,
            "review",
            "break_glass",
            grant_id,
            facility_id=pending[grant_id]["facility_id"],
            resident_id=pending[grant_id]["resident"],
            after={"note": note},
        )
    return True


async def facility_name(facility_id: int) -> str:
    row = await Facility.select(Facility.name).where(Facility.id == facility_id).first()
    return row["name"] if row else ""


async def username_of(user_id: int) -> str:
    row = await User.select(User.username).where(User.id == user_id).first()
    return row["username"] if row else ""
