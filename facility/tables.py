"""Facility-domain tables: facilities, units, residents, stays, users, sessions, audit — and the shared
column mixins every domain's tables use (`Row`, `Clinical`, `ClinicalStamped`, `Entry`).

Clinical rows carry `version` (optimistic locking: a stale save is a 409, never a silent overwrite),
`active` (rows are inactivated, never deleted — database triggers refuse DELETE) and the actors
`created_by`/`updated_by` (HIPAA 164.312(a)(2)(i): every clinical row names a user).
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ROLES = ("admin", "mds_coordinator", "nurse", "um_reviewer", "viewer")


class Row:
    """Base of every table's mixins: declares the `id` primary key Piccolo adds at class creation, so type
    checkers know `Table.id` (a `Serial` column) and `row.id` (an int). List it BEFORE `Table` in the bases
    (`class X(Clinical, Table)`) so this hook runs.

    Mixin columns are inherited Piccolo columns (Piccolo copies them per table). Piccolo puts inherited columns
    first; `__init_subclass__` moves them back after the table's own columns, so the column order — of
    `SELECT *` rows, of audit before/after JSON and of `CREATE TABLE` — is the order the tables had when they
    declared these columns themselves (the database schema and migrations are unchanged)."""

    id: Serial

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not issubclass(cls, Table):
            return
        inherited = {
            name
            for base in cls.__mro__[1:]
            if issubclass(base, Row) and not issubclass(base, Table)
            for name, value in vars(base).items()
            if isinstance(value, Column)
        }
        meta = cls._meta
        for columns in (meta.columns, meta.non_default_columns, meta.foreign_key_columns):
            # a stable sort: the table's own columns (the id first) keep their order, inherited ones follow
            columns.sort(key=lambda column: column._meta.name in inherited)


class Facility(Row, Table):
    name = Varchar(length=200)
    ccn = Varchar(length=6, unique=True)  # CMS Certification Number (6 characters)
    state = Varchar(length=2)
    npi = Varchar(length=10, default="")
    language = Varchar(length=5, default="en")  # facility language for printed documents
    is_demo = Boolean(default=False)
    active = Boolean(default=True)
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())


class User(Row, Table, tablename="app_user"):
    username = Varchar(length=80)
    username_key = Varchar(length=80, unique=True)  # lower-cased: usernames are unique case-insensitively
    display_name = Varchar(length=200)
    title = Varchar(length=40, default="")  # e.g. RN, LPN — shown on attestations
    password_hash = Text()
    role = Varchar(length=20, choices=None)
    language = Varchar(length=5, default="")  # "" = follow the browser
    chain_wide = Boolean(default=False)  # an admin who sees every facility of the chain
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Entry(Row):
    """An append-only clinical entry (a note, a record, an event): inactivated, never deleted, never edited."""

    active = Boolean(default=True)
    created_by = ForeignKey(references=User)
    created_at = Timestamptz(default=TimestamptzNow())


class Clinical(Row):
    """An editable clinical row: `active` (never deleted), `version` (optimistic locking, see
    `facility.core.db.update_versioned`) and who created / last changed it."""

    active = Boolean(default=True)
    version = Integer(default=1)
    created_by = ForeignKey(references=User)
    updated_by = ForeignKey(references=User)
    created_at = Timestamptz(default=TimestamptzNow())


class ClinicalStamped(Clinical):
    """A `Clinical` row that also records when it was last changed."""

    updated_at = Timestamptz(default=TimestamptzNow())


class UserFacility(Row, Table):
    user = ForeignKey(references=User)
    facility = ForeignKey(references=Facility)


class Unit(Row, Table):
    facility = ForeignKey(references=Facility)
    name = Varchar(length=100)
    active = Boolean(default=True)
    version = Integer(default=1)


class Resident(ClinicalStamped, Table):
    facility = ForeignKey(references=Facility)
    unit = ForeignKey(references=Unit, null=True)
    last_name = Varchar(length=100)
    first_name = Varchar(length=100)
    birth_date = Date()
    sex = Varchar(length=1)  # A0800: 1 = male, 2 = female (stored as M/F here, mapped at export)
    medicare_number = Varchar(length=12, default="")  # A0600B (MBI)
    medicaid_number = Varchar(length=20, default="")  # A0700
    room = Varchar(length=20, default="")
    status = Varchar(length=20, default="active")  # active | discharged | expired


class Stay(Clinical, Table):
    """One episode from admission to discharge; re-entries after a return-anticipated discharge continue it."""

    resident = ForeignKey(references=Resident)
    facility = ForeignKey(references=Facility)
    admission_date = Date()  # A1900: day 1 of the stay for the RAI schedule
    # The moment of arrival (UTC), for the 48-hour baseline care plan clock (F655). Null on stays recorded
    # before the time was asked for: the clock then counts from 00:00 of admission_date ("time not recorded").
    admitted_at = Timestamptz(null=True, default=None)
    admitted_from = Varchar(length=40, default="")
    payer = Varchar(length=30, default="")
    status = Varchar(
        length=30, default="in_facility"
    )  # in_facility | discharged_ra | discharged_rna | expired


class StayEvent(Entry, Table):
    """Admission, discharge (return anticipated or not), re-entry and death events of a stay."""

    stay = ForeignKey(references=Stay)
    kind = Varchar(length=40)
    event_date = Date()
    note = Text(default="")


class SessionRecord(Row, Table):
    """Server-side session store (Litestar `Store` backed by the database)."""

    key = Varchar(length=128, unique=True)
    data = Text()
    expires_at = Timestamptz(null=True, default=None)


class LoginFailure(Row, Table):
    """Failed logins, counted per account name and per address for throttling."""

    username_key = Varchar(length=80, index=True)
    address = Varchar(length=64, index=True)
    at = Timestamptz(default=TimestamptzNow())


class AuditEvent(Row, Table):
    """Append-only, hash-chained audit trail (HIPAA 164.312(b); ONC 170.315(d)(2)).

    Triggers refuse UPDATE and DELETE; `mdsready audit-verify` recomputes the chain.
    """

    at = Timestamptz(default=TimestamptzNow())
    user_id = Integer(null=True, default=None)
    actor = Varchar(length=80)  # username (also set for failed logins of unknown names)
    facility_id = Integer(null=True, default=None)
    resident_id = Integer(null=True, default=None)
    object_type = Varchar(length=40)
    object_id = Varchar(length=40, default="")
    action = Varchar(length=20)  # create/update/inactivate/sign/export/login/logout/denied/view
    outcome = Varchar(length=20, default="success")
    before = JSON(default=None, null=True)
    after = JSON(default=None, null=True)
    address = Varchar(length=64, default="")
    request_id = Varchar(length=40, default="")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class LoginThrottle(Row, Table):
    """Failed-login counters, one row per key: `account:<name>` and `pair:<address>|<name>` (issue 17).

    Updated inside one write transaction per attempt (the row is locked on PostgreSQL, BEGIN IMMEDIATE on
    SQLite), so concurrent attempts can never all be counted against the same stale number."""

    key = Varchar(length=200, unique=True)
    failures = Integer(default=0)
    window_start = Timestamptz(default=TimestamptzNow())
    locked_until = Timestamptz(null=True, default=None)
    lockouts = Integer(default=0)  # consecutive lock-outs: each doubles the next one (backoff)
    last_failure_at = Timestamptz(null=True, default=None)


class UserMfa(Row, Table):
    """TOTP second factor (RFC 6238 via pyotp). `last_step` rejects a code used twice (ASVS 6.6.x / target 13)."""

    user = ForeignKey(references=User, unique=True)
    secret = Varchar(length=64)
    enabled = Boolean(default=False)
    last_step = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class RecoveryCode(Row, Table):
    """One-time MFA recovery codes, stored as SHA-256 of a random 10-character code."""

    user = ForeignKey(references=User, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)


class BreakGlass(Row, Table):
    """Emergency access to one resident outside the user's facilities (HIPAA 164.312(a)(2)(ii); ONC (d)(6)).

    Granted only with a typed reason, expires after `MDSREADY_BREAK_GLASS_SECONDS`, and waits for an
    administrator's after-the-fact review."""

    user = ForeignKey(references=User, index=True)
    resident = ForeignKey(references=Resident, index=True)
    facility_id = Integer()
    reason = Text()
    started_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    reviewed_by = Integer(null=True, default=None)
    reviewed_at = Timestamptz(null=True, default=None)
    review_note = Text(default="")


class AdminAlert(Row, Table):
    """Events an administrator must see: account lock-outs and break-glass access."""

    kind = Varchar(length=20)  # lockout | emergency
    message = Text()
    facility_id = Integer(null=True, default=None)
    object_id = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    acknowledged_by = Integer(null=True, default=None)
    acknowledged_at = Timestamptz(null=True, default=None)
