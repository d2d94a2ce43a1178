"""Facility-shell commands: serve, migrate, demo, create-user, i18n-compile, audit-verify."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from facility.core.settings import REPO_ROOT, get_settings


def _ensure_conf_importable() -> None:
    # piccolo_conf.py lives at the repository root (the documented layout).
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))


def _where() -> str:
    s = get_settings()
    return "PostgreSQL (DATABASE_URL)" if s.is_postgres else f"SQLite file {s.db_path}"


async def run_migrations() -> bool:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    if not result.success:
        print(f"migration failed: {result.message}", file=sys.stderr)
        return False
    from facility.core.db import enable_wal

    await enable_wal()
    return True


def cmd_migrate(args: argparse.Namespace) -> int:
    _ensure_conf_importable()
    ok = asyncio.run(run_migrations())
    if ok:
        print(f"database ready: {_where()}")
    return 0 if ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    _ensure_conf_importable()
    from facility.core import demo

    async def go() -> int:
        if args.if_empty and not await demo.database_is_empty():
            if await demo.demo_exists():
                _print_demo_logins()
            else:
                print("database already has data; demo not loaded")
            return 0
        created = await demo.create_demo()
        print("demo facility created" if created else "demo facility already present")
        _print_demo_logins()
        return 0

    return asyncio.run(go())


def _print_demo_logins() -> None:
    from facility.core.demo import DEMO_USERS

    print(f"database: {_where()}")
    print("demo logins (demo database only):")
    for username, role, _display, _title, password in DEMO_USERS:
        print(f"  {username:<12} {password:<24} ({role})")


def cmd_create_user(args: argparse.Namespace) -> int:
    _ensure_conf_importable()
    from facility.auth.service import UserError, create_user

    if not args.password_stdin:
        print(
            "--password-stdin is required (passwords are never taken from the command line)", file=sys.stderr
        )
        return 2
    password = sys.stdin.readline().rstrip("\n")
    try:
        user_id = asyncio.run(
            create_user(
                args.username,
                password,
                args.role,
                args.facility or [],
                display_name=args.display_name or args.username,
                chain_wide=args.chain_wide,
            )
        )
    except UserError as exc:
        print(f"cannot create user: {exc.args[0]}", file=sys.stderr)
        return 1
    print(f"created user {args.username} (id {user_id}, role {args.role})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _ensure_conf_importable()
    import os

    import uvicorn

    # The allowed-hosts check needs the real port, so the flags become the settings the app reads.
    if args.host:
        os.environ["MDSREADY_HOST"] = args.host
    if args.port:
        os.environ["MDSREADY_PORT"] = str(args.port)
    get_settings.cache_clear()
    s = get_settings()
    host, port = s.host, s.port
    print(f"mdsready on http://{host}:{port}  ({_where()})")
    uvicorn.run(
        "facility.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=1,
        log_level="info",
        proxy_headers=False,
        server_header=False,
    )
    return 0


def cmd_i18n_compile(args: argparse.Namespace) -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    locales = get_settings().locales_dir
    count = 0
    for po_path in sorted(locales.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        with po_path.with_suffix(".mo").open("wb") as out:
            write_mo(out, catalog)
        count += 1
        print(f"compiled {po_path.with_suffix('.mo')}")
    return 0 if count else 1


def cmd_audit_verify(args: argparse.Namespace) -> int:
    _ensure_conf_importable()
    from facility.core.audit import verify_chain

    total, broken = asyncio.run(verify_chain())
    if broken:
        row_id, reason = broken
        print(f"TAMPERED: audit row {row_id}: {reason} ({total} rows checked)")
        return 1
    print(f"audit trail intact: {total} rows verified")
    return 0


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="serve the web app")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_serve)

    p = subparsers.add_parser("migrate", help="apply database migrations (non-zero exit on failure)")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser("demo", help="create the demo facility (idempotent)")
    p.add_argument("--if-empty", action="store_true", help="only load into an empty database")
    p.set_defaults(func=cmd_demo)

    p = subparsers.add_parser("create-user", help="create a user; the password is read from standard input")
    p.add_argument("--username", required=True)
    p.add_argument(
        "--role", required=True, choices=("admin", "mds_coordinator", "nurse", "um_reviewer", "viewer")
    )
    p.add_argument("--facility", action="append", metavar="CCN", help="facility CCN (repeatable)")
    p.add_argument("--display-name")
    p.add_argument("--chain-wide", action="store_true", help="admin of every facility of the chain")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_create_user)

    p = subparsers.add_parser(
        "i18n-compile", help="compile locales/*/LC_MESSAGES/*.po to .mo (the app also reads the .po directly)"
    )
    p.set_defaults(func=cmd_i18n_compile)

    p = subparsers.add_parser(
        "audit-verify", help="verify the audit hash chain; names the first tampered row"
    )
    p.set_defaults(func=cmd_audit_verify)
