"""Settings read once from the environment (the only module that reads os.environ)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("development", "test", "production")


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str
    db_path: Path
    database_url: str | None
    host: str
    port: int
    secure_cookies: bool
    # docs/SECURITY-STATUS.md targets 3/4: 15-minute idle timeout, 12-hour absolute lifetime.
    session_idle_seconds: int
    session_absolute_seconds: int
    # Login throttling per account and per client address (ASVS 4.0.3 2.2.1: <= 100 failures/hour/account).
    login_max_failures: int
    login_window_seconds: int
    # per address+account (sooner than per account) and the first lock-out's length, doubled on each next one
    login_pair_max_failures: int
    login_lock_seconds: int
    # TOTP for administrators and signers: required in production, optional in development/test (demo logins)
    mfa_required: bool
    # break-glass access to a resident outside the user's facilities (docs/SECURITY-STATUS.md target 2)
    break_glass_seconds: int
    argon2_memory_kib: int
    argon2_time_cost: int
    allowed_hosts: tuple[str, ...]
    locales_dir: Path
    static_dir: Path
    upload_max_bytes: int
    # facility.core.datacache: longest life of kept page data (writes of this process drop it at once). Lower it when
    # several server processes share one PostgreSQL database; 0 keeps nothing.
    page_cache_seconds: int
    # Jinja re-reads a template whose file changed (a stat() per template per render): development only by
    # default; production and test compile each template once per process.
    template_reload: bool = False

    @property
    def is_postgres(self) -> bool:
        return bool(self.database_url and self.database_url.startswith("postgres"))

    @property
    def session_cookie_name(self) -> str:
        # ASVS 5.0 3.3.3: the __Host- prefix needs Secure, so it is only used when cookies are secure.
        return "__Host-session" if self.secure_cookies else "session"

    @property
    def csrf_cookie_name(self) -> str:
        return "__Host-csrftoken" if self.secure_cookies else "csrftoken"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        mode = env.get("MDSREADY_ENV", "development")
        if mode not in ENVIRONMENTS:
            raise ValueError(f"MDSREADY_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}")
        secret = env.get("MDSREADY_SECRET_KEY", "")
        if mode == "production" and len(secret) < 32:
            raise ValueError("MDSREADY_SECRET_KEY (at least 32 characters) is required in production")
        if not secret:
            secret = _dev_secret(REPO_ROOT / "var")
        secure = env.get("MDSREADY_SECURE_COOKIES", "1" if mode == "production" else "0") == "1"
        if mode == "production" and not secure:
            raise ValueError(
                "production mode refuses to start without secure cookies (45 CFR 164.312(a)(2)(iv))"
            )
        hosts = tuple(
            h.strip()
            for h in env.get(
                "MDSREADY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver.local,testserver"
            ).split(",")
            if h.strip()
        )
        test = mode == "test"
        return cls(
            env=mode,
            secret_key=secret,
            db_path=Path(env.get("MDSREADY_DB_PATH", str(REPO_ROOT / "var" / "mdsready.sqlite"))),
            database_url=env.get("DATABASE_URL") or None,
            host=env.get("MDSREADY_HOST", "127.0.0.1"),
            port=int(env.get("MDSREADY_PORT", "8000")),
            secure_cookies=secure,
            session_idle_seconds=int(env.get("MDSREADY_SESSION_IDLE_SECONDS", "900")),
            session_absolute_seconds=int(env.get("MDSREADY_SESSION_ABSOLUTE_SECONDS", str(12 * 3600))),
            login_max_failures=int(env.get("MDSREADY_LOGIN_MAX_FAILURES", "10")),
            login_window_seconds=int(env.get("MDSREADY_LOGIN_WINDOW_SECONDS", "900")),
            login_pair_max_failures=int(env.get("MDSREADY_LOGIN_PAIR_MAX_FAILURES", "5")),
            login_lock_seconds=int(env.get("MDSREADY_LOGIN_LOCK_SECONDS", "60")),
            mfa_required=env.get("MDSREADY_MFA_REQUIRED", "1" if mode == "production" else "0") == "1",
            break_glass_seconds=int(env.get("MDSREADY_BREAK_GLASS_SECONDS", str(4 * 3600))),
            # OWASP minimum (19 MiB, t=2) in tests for speed; argon2-cffi's RFC 9106 profile otherwise.
            argon2_memory_kib=19456 if test else 65536,
            argon2_time_cost=2 if test else 3,
            allowed_hosts=hosts,
            locales_dir=REPO_ROOT / "locales",
            static_dir=REPO_ROOT / "static",
            upload_max_bytes=int(env.get("MDSREADY_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024))),
            page_cache_seconds=int(env.get("MDSREADY_PAGE_CACHE_SECONDS", "600")),
            template_reload=env.get("MDSREADY_TEMPLATE_RELOAD", "1" if mode == "development" else "0") == "1",
        )


def _dev_secret(var_dir: Path) -> str:
    """A per-installation random secret for development, kept in var/ (mode 0600)."""
    import secrets

    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def get_settings() -> Settings:
    return Settings.from_env()
