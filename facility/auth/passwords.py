"""Argon2id password hashing, always off the event loop (a hash costs tens of milliseconds of CPU)."""

from __future__ import annotations

from functools import cache

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from facility.core.settings import get_settings

MIN_PASSWORD_LENGTH = 12  # issue 17: above ASVS 5.0 6.2.1's 8 (15 recommended); no composition rules (6.2.5)
MAX_PASSWORD_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of zxcvbn's frequency lists (a maintained PyPI package), lower-cased.

    ASVS 5.0 6.2.4/6.2.12 ask for a check against common and breached passwords; this is the offline part."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


@cache
def hasher() -> PasswordHasher:
    s = get_settings()
    return PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib, parallelism=1)


def password_problem(password: str, username: str = "", *, demo: bool = False) -> str | None:
    """A message id when the password is unacceptable, else None.

    `demo`: the demo facility's published logins (demo-nurse-pass …) contain their user names; only the demo
    loader passes it, and never for a real database."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "password_too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "password_too_long"
    if password.lower() in common_passwords() or password.strip().lower() in common_passwords():
        return "password_common"
    name = username.strip().lower()
    if not demo and name and name in password.lower():
        return "password_contains_username"
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(hasher().hash, password)


# Verifying against this hash when the user does not exist keeps the timing of
# "unknown user" and "wrong password" alike.
_DUMMY_HASH: str | None = None


async def verify_password(stored_hash: str | None, password: str) -> tuple[bool, str | None]:
    """(ok, new_hash): new_hash is set when the stored hash used older parameters (rehash on login)."""
    global _DUMMY_HASH
    if stored_hash is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = await hash_password("not-a-real-password")
        stored_hash = _DUMMY_HASH
        password = password + "\x00never"

    def _verify() -> tuple[bool, str | None]:
        try:
            hasher().verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False, None
        if hasher().check_needs_rehash(stored_hash):
            return True, hasher().hash(password)
        return True, None

    return await anyio.to_thread.run_sync(_verify)
