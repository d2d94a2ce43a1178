"""TOTP second factor (RFC 6238, pyotp) with one-time recovery codes (docs/SECURITY-STATUS.md target 13; ASVS 5.0 6.3.3).

Administrators and everyone who signs (Z0400 section attestations: nurses and coordinators; Z0500 and the MDS
export: coordinators; the plan of correction: the DON, a nurse by role) must use it when `mfa_required` is on
(the production default); in development and test it is optional so the demo logins keep working.
A code is accepted within ±1 time step (30 s drift) and only once: `last_step` only ever moves forward,
in one conditional UPDATE, so two requests racing with the same code cannot both win.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

from facility.core import clock
from facility.core.settings import get_settings
from facility.tables import RecoveryCode, UserMfa

MFA_ROLES = ("admin", "mds_coordinator", "nurse")
ISSUER = "mdsready"
STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or typed from paper


def required_for(role: str) -> bool:
    return get_settings().mfa_required and role in MFA_ROLES


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _step(now: float | None = None) -> int:
    return int((clock.now().timestamp() if now is None else now) // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (current, previous or next), else None."""
    code = "".join(code.split())
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = _step(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


async def record_of(user_id: int) -> dict[str, object] | None:
    return await UserMfa.select().where(UserMfa.user == user_id).first()


async def enabled(user_id: int) -> bool:
    row = await record_of(user_id)
    return bool(row and row["enabled"])


async def pending_secret(user_id: int) -> str:
    """The secret being set up (a new one unless set-up already started); never replaces an enabled one."""
    row = await record_of(user_id)
    if row and row["enabled"]:
        raise ValueError("MFA is already enabled")
    if row:
        return str(row["secret"])
    secret = pyotp.random_base32()
    await UserMfa.insert(UserMfa(user=user_id, secret=secret, enabled=False)).on_conflict(action="DO NOTHING")
    row = await record_of(user_id)
    return str(row["secret"]) if row else secret


async def confirm(user_id: int, code: str) -> list[str] | None:
    """Enable MFA when `code` matches the pending secret; returns the recovery codes (shown once)."""
    row = await record_of(user_id)
    if row is None or row["enabled"]:
        return None
    step = matching_step(str(row["secret"]), code)
    if step is None:
        return None
    codes = new_recovery_codes()
    await UserMfa.update({UserMfa.enabled: True, UserMfa.last_step: step}).where(
        (UserMfa.user == user_id) & (UserMfa.enabled == False)
    )
    await RecoveryCode.update({RecoveryCode.used_at: clock.now()}).where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )
    await RecoveryCode.insert(*[RecoveryCode(user=user_id, code_hash=_hash(c)) for c in codes])
    return codes


async def verify(user_id: int, code: str) -> bool:
    """A current TOTP code not used before, or an unused recovery code (which is then spent)."""
    row = await record_of(user_id)
    if row is None or not row["enabled"]:
        return False
    step = matching_step(str(row["secret"]), code)
    if step is not None:
        moved = (
            await UserMfa.update({UserMfa.last_step: step})
            .where((UserMfa.user == user_id) & (UserMfa.last_step < step))
            .returning(UserMfa.id)
        )
        return bool(moved)
    spent = (
        await RecoveryCode.update({RecoveryCode.used_at: clock.now()})
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == _hash(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(spent)


async def recovery_codes_left(user_id: int) -> int:
    return await RecoveryCode.count().where((RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null())
