"""MDS assessment queries and writes: start, section entry (skip patterns, inline edits, autosave,
optimistic locking per section), Z0400 attestations, Z0500 completion signature with the SHA-256 lock,
corrections (A0050=2/3, X0800 01, 02 …) with every version kept, and integrity checks.

Every read by id is scoped by the caller through `get_assessment(user, id)`; every write is one
transaction with its audit row. Pure rules come from mds.record.catalog / isc / skips / edits / rfa / signing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from facility.core import audit, clock
from facility.core.db import StaleVersion, found, is_sqlite, update_versioned, write_transaction
from facility.core.plugins import Hook, call_hook
from facility.tables import Facility, Resident, Stay, User
from facility.web.core import CurrentUser
from mds.assessments import signing
from mds.pdpm import rules as pdpm
from mds.record import rfa as rfa_rules
from mds.record.catalog import (
    CARET,
    DASH,
    DEFAULT_VERSION,
    UnsupportedTargetDate,
    get_catalog,
    known_versions,
    version_for_date,
)
from mds.record.edits import FATAL, Finding, run_edits
from mds.record.skips import apply_skips, skipped_by
from mds.tables import Assessment, AssessmentAttestation, AssessmentSection, AssessmentVersion

SECTION_STATUSES = ("not_started", "in_progress", "complete", "signed")
# Items the application sets (control items, record type, RFA, ARD, corrections, signature): never typed.
AUTO_ITEMS = frozenset(
    {"A0050", "A0200", "A0310A", "A0310B", "A0310E", "A0310F", "A0310G", "A0310H", "A2300", "Z0500B"}
)
NON_ENTRY_SECTIONS = ("CTRL", "X", "Z")
# Answers that describe this assessment's own window are never carried forward from the previous one.
NOT_CARRIED = frozenset(
    {"A1600", "A1700", "A1805", "A1900", "A2000", "A2105", "A2200", "A2300", "A2400A", "A2400B", "A2400C"}
)
# Section V CAA flags (care area triggered / addressed in the care plan): written at signing from the care-plan
# worksheet (careplans.plans.services.section_v_record), never typed.
CAA_FLAG = re.compile(r"^V0200A\d{2}[AB]$")
SOFTWARE = {
    "SFTWR_VNDR_ID": "000000000",
    "SFTWR_VNDR_NAME": "mdsready",
    "SFTWR_VNDR_EMAIL_ADR": "^",
    "SFTWR_PROD_NAME": "mdsready",
    "SFTWR_PROD_VRSN_CD": "1.0",
}


class Locked(Exception):
    """The assessment is signed (or inactivated): it changes only through a correction."""


class Blocked(Exception):
    """Completion refused; `errors` are (message id, params) pairs of mds.assessments.signing, or plain texts."""

    def __init__(self, errors: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__("blocked")
        self.errors = errors


def _ymd(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else ""


def _load(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value) if value else default
    return value


# ---------------------------------------------------------------- catalog views (pure, cached by ISC)


def entry_sections(isc: str, version: str = DEFAULT_VERSION) -> list[str]:
    """Sections with at least one item to enter on this item subset of item set `version`, in spec order."""
    return list(_entry_sections(isc, version))


@cache
def _entry_sections(isc: str, version: str) -> tuple[str, ...]:
    catalog = get_catalog(version)
    active = catalog.active_items(isc)
    found: list[str] = []
    for item_id, item in catalog.items.items():
        if (
            item_id in active
            and item.section not in NON_ENTRY_SECTIONS
            and item_id not in AUTO_ITEMS
            and item.section not in found
        ):
            found.append(item.section)
    return tuple(found)


def section_items(isc: str, section: str, version: str = DEFAULT_VERSION) -> list[str]:
    """Items of `section` entered by hand on this item subset of item set `version`, in spec order."""
    return list(_section_items(isc, section, version))


@cache
def _section_items(isc: str, section: str, version: str) -> tuple[str, ...]:
    catalog = get_catalog(version)
    active = catalog.active_items(isc)
    return tuple(
        i
        for i in catalog.section_items(section)
        if i in active and i not in AUTO_ITEMS and not CAA_FLAG.match(i)
    )


def _answered(value: str | None) -> bool:
    return value is not None and value != ""


def section_status(
    isc: str,
    section: str,
    answers: Mapping[str, str],
    all_values: Mapping[str, str],
    findings: Iterable[Finding],
    version: str = DEFAULT_VERSION,
) -> str:
    """complete when every item not skipped has an answer and no fatal edit names an item of the section."""
    items = section_items(isc, section, version)
    if not any(_answered(answers.get(i)) for i in items):
        return "not_started"
    skipped = skipped_by(all_values, get_catalog(version).active_items(isc), version)
    missing = [i for i in items if i not in skipped and not _answered(answers.get(i))]
    fatal = [f for f in findings if f.severity == FATAL and f.item in items]
    return "in_progress" if missing or fatal else "complete"


# ---------------------------------------------------------------- reads


def _row_public(row: dict[str, Any]) -> dict[str, Any]:
    rfa = rfa_rules.Rfa(
        a=row["a0310a"],
        b=row["a0310b"],
        f=row["a0310f"],
        h=row["a0310h"],
        e=row["a0310e"] or None,
        g=row["a0310g"] or None,
    )
    row["rfa"] = rfa
    row["label"] = {"en": rfa_rules.label(rfa, "en"), "es": rfa_rules.label(rfa, "es")}
    row["is_comprehensive"] = rfa_rules.is_comprehensive(rfa)
    row["locked"] = row["status"] in ("completed", "inactivated")
    return row


async def get_assessment(user: CurrentUser, assessment_id: int) -> dict[str, Any] | None:
    """The assessment if it is active and in one of the user's facilities; None otherwise (callers 404)."""
    row = (
        await Assessment.select()
        .where((Assessment.id == assessment_id) & (Assessment.active == True))
        .output(load_json=True)
        .first()
    )
    if row is None or not user.may_access_facility(row["facility"]):
        return None
    return _row_public(row)


async def assessments_for_resident(resident_id: int) -> list[dict[str, Any]]:
    """Newest first: id, stay_id, rfa items, kind, label (en/es), isc, ard, status, is_comprehensive,
    signed_at, z0500b, v0200b2/v0200c2 (when answered) and submission_state."""
    return (await assessments_for_residents([resident_id])).get(resident_id, [])


# The columns a listing needs (never the JSON of an open correction): a facility holds thousands of rows.
_LISTING = (
    Assessment.id,
    Assessment.resident,
    Assessment.stay,
    Assessment.a0310a,
    Assessment.a0310b,
    Assessment.a0310e,
    Assessment.a0310f,
    Assessment.a0310g,
    Assessment.a0310h,
    Assessment.kind,
    Assessment.isc,
    Assessment.ard,
    Assessment.status,
    Assessment.submission_state,
    Assessment.signed_at,
    Assessment.z0500b,
    Assessment.a0050,
    Assessment.x0800,
    Assessment.content_hash,
    Assessment.item_set,
)


async def assessments_for_residents(
    resident_ids: Iterable[int], *, ard_from: date | None = None, signed_only: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """resident id -> listing rows (as `assessments_for_resident`, plus resident_id), newest first, in two
    queries for any number of residents. `ard_from` leaves out older records; `signed_only` keeps the locked ones."""
    ids = sorted(set(resident_ids))
    if not ids:
        return {}
    return await _listing(Assessment.resident.is_in(ids), ard_from=ard_from, signed_only=signed_only)


async def assessments_for_facility(
    facility_id: int, *, ard_from: date | None = None, ard_to: date | None = None, signed_only: bool = False
) -> dict[int, list[dict[str, Any]]]:
    """Every resident's listing rows of one facility (resident id -> rows, newest first) in two queries: the bulk
    read behind the reports, the quality measures and care-plan compliance."""
    return await _listing(
        Assessment.facility == facility_id, ard_from=ard_from, ard_to=ard_to, signed_only=signed_only
    )


async def _listing(
    where: Any, *, ard_from: date | None = None, ard_to: date | None = None, signed_only: bool = False
) -> dict[int, list[dict[str, Any]]]:
    where &= Assessment.active == True
    if ard_from is not None:
        where &= Assessment.ard >= ard_from
    if ard_to is not None:
        where &= Assessment.ard <= ard_to
    if signed_only:
        where &= Assessment.status == "completed"
    rows = (
        await Assessment.select(*_LISTING)
        .where(where)
        .order_by(Assessment.ard, ascending=False)
        .order_by(Assessment.id, ascending=False)
    )
    v_dates = await care_plan_dates(r["id"] for r in rows)
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        row = _row_public(row)
        b2, c2 = v_dates.get(row["id"], (None, None))
        out.setdefault(row["resident"], []).append(
            {
                "id": row["id"],
                "resident_id": row["resident"],
                "stay_id": row["stay"],
                "a0310a": row["a0310a"],
                "a0310b": row["a0310b"],
                "a0310e": row["a0310e"],
                "a0310f": row["a0310f"],
                "a0310g": row["a0310g"],
                "a0310h": row["a0310h"],
                "kind": row["kind"],
                "label": row["label"],
                "isc": row["isc"],
                "ard": row["ard"],
                "status": row["status"],
                "submission_state": row["submission_state"],
                "is_comprehensive": row["is_comprehensive"],
                "signed_at": row["signed_at"],
                "z0500b": row["z0500b"],
                "a0050": row["a0050"],
                "x0800": row["x0800"],
                "v0200b2": b2,
                "v0200c2": c2,
                "item_set": row["item_set"],
                # SHA-256 of the signed record (signing.content_hash); "" while open. Same hash, same content.
                "content_hash": row["content_hash"] if row["status"] == "completed" else "",
            }
        )
    return out


def _mds_date(value: str | None) -> date | None:
    if not value or len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


async def sections_of(assessment_id: int) -> dict[str, dict[str, Any]]:
    rows = (
        await AssessmentSection.select(
            *AssessmentSection.all_columns(),
            AssessmentSection.entered_by.display_name.as_alias("entered_by_name"),
        )
        .where((AssessmentSection.assessment == assessment_id) & (AssessmentSection.active == True))
        .output(load_json=True)
    )
    for row in rows:
        row["answers"] = _load(row["answers"], {})
        row["carried"] = _load(row["carried"], [])
        row["draft"] = _load(row["draft"], None)
    return {r["section"]: r for r in rows}


async def section_statuses(assessment_id: int) -> dict[str, str]:
    """section -> status of every section of a record (the entry page's section strip), nothing decoded."""
    rows = await AssessmentSection.select(AssessmentSection.section, AssessmentSection.status).where(
        (AssessmentSection.assessment == assessment_id) & (AssessmentSection.active == True)
    )
    return {row["section"]: row["status"] for row in rows}


async def section_rows(assessment_id: int, section: str) -> dict[str, dict[str, Any]]:
    """`sections_of` for one section's page, decoding only what that page reads: every section's answers (the
    skip patterns and edits of a section read the whole record) and, for `section` alone, its carried items
    and draft. The other rows hold their answers only."""
    rows = await AssessmentSection.select(
        *AssessmentSection.all_columns(),
        AssessmentSection.entered_by.display_name.as_alias("entered_by_name"),
    ).where((AssessmentSection.assessment == assessment_id) & (AssessmentSection.active == True))
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["section"] == section:
            row["answers"] = _load(row["answers"], {})
            row["carried"] = _load(row["carried"], [])
            row["draft"] = _load(row["draft"], None)
            out[section] = row
        else:
            out[row["section"]] = {"section": row["section"], "answers": _load(row["answers"], {})}
    return out


def _record_items(
    assessment: Mapping[str, Any], facility: Mapping[str, Any], answers: Mapping[str, str]
) -> dict[str, str]:
    """The full record (item -> raw value) from the assessment row and the section answers."""
    version = assessment["item_set"]
    catalog = get_catalog(version)
    isc = "XX" if assessment["a0050"] == "3" else assessment["isc"]
    active = catalog.active_items(isc)
    rfa = rfa_rules.Rfa(
        a=assessment["a0310a"],
        b=assessment["a0310b"],
        f=assessment["a0310f"],
        h=assessment["a0310h"],
        e=assessment["a0310e"] or None,
        g=assessment["a0310g"] or None,
    )
    values: dict[str, str] = dict(answers)  # the entered answers; the items below are the application's
    values |= {
        "ASMT_SYS_CD": "MDS",
        "ITM_SBST_CD": isc,
        "ITM_SET_VRSN_CD": catalog.itm_set_vrsn_cd,
        "SPEC_VRSN_CD": catalog.spec_vrsn_cd,
        "PRODN_TEST_CD": "P",
        "STATE_CD": facility["state"],
        "FAC_ID": facility["ccn"],
        **SOFTWARE,
        "FAC_DOC_ID": str(assessment["id"]),
    }
    values.update(
        {"A0050": assessment["a0050"], "A0200": "1", **rfa.to_items(), "A2300": _ymd(assessment["ard"])}
    )
    values |= _section_z(assessment)
    for item_id in catalog.section_items("Z"):
        # Z0100A (HIPPS) is written at signing into the Z section; the state case-mix items Z0200A-Z0250B and
        # the PDPM version code Z0100B are not computed here: ^ (blank, not available), as their item pages allow.
        values.setdefault(item_id, CARET)
    x_items = [i for i in catalog.section_items("X") if i in active]
    correction = _load(assessment.get("x_items"), {}) or {}
    for item_id in x_items:
        # An empty X value (e.g. no last name for X1100B) is not submitted: ^ both when signing and re-reading.
        values[item_id] = (correction.get(item_id) or CARET) if assessment["a0050"] != "1" else CARET
    values = apply_skips(values, active, version)
    return {k: v for k, v in values.items() if k in active and v != ""}


def _section_z(assessment: Mapping[str, Any]) -> dict[str, str]:
    """Z0500A/B from the completion signature stored on the assessment row (^ until signed). Z0400 lines live in
    AssessmentAttestation: CMS does not take them in the record. Only the items the item set carries are kept."""
    signed = bool(assessment["z0500b"])
    return {
        "Z0500A": (assessment.get("z0500a") or CARET) if signed else CARET,
        "Z0500B": _ymd(assessment["z0500b"]) if signed else CARET,
    }


async def _facility(facility_id: int) -> dict[str, Any]:
    query = Facility.select(Facility.id, Facility.state, Facility.ccn).where(Facility.id == facility_id)
    return found(await query.first(), f"facility {facility_id}")


async def _current_x_items(assessment_id: int) -> dict[str, str]:
    latest = (
        await AssessmentVersion.select(AssessmentVersion.answers)
        .where(AssessmentVersion.assessment == assessment_id)
        .order_by(AssessmentVersion.number, ascending=False)
        .output(load_json=True)
        .first()
    )
    if latest is None:
        return {}
    return {k: v for k, v in _load(latest["answers"], {}).items() if k.startswith("X")}


async def _record_of(
    assessment: dict[str, Any], sections: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, str]:
    if sections is None:
        sections = await sections_of(assessment["id"])
    answers: dict[str, str] = {}
    for row in sections.values():
        answers.update(row["answers"])
    return _record_items(await _with_x_items(assessment), await _facility(assessment["facility"]), answers)


async def _with_x_items(assessment: dict[str, Any]) -> dict[str, Any]:
    """The record header with its X items: an open modification is already the A0050=2 record with the X items it
    carries; a signed correction takes them from its latest version; an original record has none."""
    pending = _load(assessment.get("pending_correction"), None)
    if pending:
        return {**assessment, "a0050": pending["a0050"], "x_items": pending["x_items"]}
    if assessment["a0050"] != "1":
        return {**assessment, "x_items": await _current_x_items(assessment["id"])}
    return assessment


async def assessment_answers(assessment_id: int) -> dict[str, str]:
    """Every item -> raw MDS value, control items included (what mds.record.xmlio.export_assessment takes)."""
    row = await Assessment.select().where(Assessment.id == assessment_id).output(load_json=True).first()
    if row is None:
        raise LookupError(f"assessment {assessment_id} not found")
    return await _record_of(row)


async def answers_for(assessment_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """assessment id -> its record (as `assessment_answers`) for many assessments in a few queries.

    A signed record is the answers of its latest signed version: what was locked, hashed and exported (the lock's
    integrity check compares the two). Open records are built from their sections like `assessment_answers`."""
    ids = sorted(set(assessment_ids))
    if not ids:
        return {}
    rows = await Assessment.select().where(Assessment.id.is_in(ids)).output(load_json=True)
    signed = [r["id"] for r in rows if r["status"] == "completed" and not r["pending_correction"]]
    out: dict[int, dict[str, str]] = {}
    if signed:
        versions = (
            await AssessmentVersion.select(
                AssessmentVersion.assessment, AssessmentVersion.number, AssessmentVersion.answers
            )
            .where(AssessmentVersion.assessment.is_in(signed) & (AssessmentVersion.active == True))
            .order_by(AssessmentVersion.number)
        )
        for v in versions:  # ascending: the latest version wins
            out[v["assessment"]] = v["answers"]
        out = {k: _load(v, {}) for k, v in out.items()}
    rest = [r for r in rows if r["id"] not in out]
    if rest:
        sections = await AssessmentSection.select(
            AssessmentSection.assessment, AssessmentSection.answers
        ).where(
            AssessmentSection.assessment.is_in([r["id"] for r in rest]) & (AssessmentSection.active == True)
        )
        merged: dict[int, dict[str, str]] = {}
        for section in sections:
            merged.setdefault(section["assessment"], {}).update(_load(section["answers"], {}))
        facilities = {
            f["id"]: f
            for f in await Facility.select(Facility.id, Facility.state, Facility.ccn).where(
                Facility.id.is_in(sorted({r["facility"] for r in rest}))
            )
        }
        for row in rest:
            out[row["id"]] = _record_items(
                await _with_x_items(row), facilities[row["facility"]], merged.get(row["id"], {})
            )
    return out


_ITEM_ID = re.compile(r"^[A-Z][A-Z0-9_]{1,20}$")


def _sql_item_ids(items: Iterable[str]) -> list[str]:
    """Item ids that become SQL text: catalog-shaped only (sorted, without repeats)."""
    wanted = sorted(set(items))
    if not wanted or not all(_ITEM_ID.match(i) for i in wanted):
        raise ValueError("item ids must look like MDS item ids")
    return wanted


def _json_item(column: str, item: str) -> str:
    """SQL taking one item's answer out of a JSON answers column: the database parses the JSON, Python never does."""
    (item,) = _sql_item_ids([item])
    return f"json_extract({column}, '$.{item}')" if is_sqlite() else f"{column}->>'{item}'"


async def care_plan_dates(assessment_ids: Iterable[int]) -> dict[int, tuple[date | None, date | None]]:
    """assessment id -> (V0200B2 CAA completion, V0200C2 care plan completion) of each assessment with a section V,
    in one query (ids written into the SQL as integers: Piccolo's per-value parameters are slow for thousands)."""
    ids = sorted({int(i) for i in assessment_ids})
    out: dict[int, tuple[date | None, date | None]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ",".join(str(i) for i in ids[start : start + 5000])
        rows = await AssessmentSection.raw(
            f"SELECT assessment, {_json_item('answers', 'V0200B2')} AS b2, {_json_item('answers', 'V0200C2')} AS c2 "
            f"FROM assessment_section WHERE section = 'V' AND assessment IN ({chunk})"
        )
        out.update({r["assessment"]: (_mds_date(r["b2"]), _mds_date(r["c2"])) for r in rows})
    return out


async def signed_items_for_facility(
    facility_id: int, items: Sequence[str], *, ard_from: date | None = None, ard_to: date | None = None
) -> dict[int, list[dict[str, str]]]:
    """resident id -> the signed records (oldest first) of one facility, each reduced to `items`, in one query.

    Analytics (quality measures over a year of quarters) read a few dozen items of thousands of records: the
    database takes them out of each record's locked version (JSON) so the full record is never shipped or parsed.
    Items absent from a record are left out, as in `assessment_answers`."""
    wanted = _sql_item_ids(items)
    where = ["a.facility = {}", "a.status = 'completed'", "a.active = {}", "v.active = {}"]
    args: list[Any] = [facility_id, True, True]
    if ard_from is not None:
        where.append("a.ard >= {}")
        args.append(ard_from)
    if ard_to is not None:
        where.append("a.ard <= {}")
        args.append(ard_to)
    head = "SELECT a.id AS assessment_id, a.resident AS resident_id, v.number AS number, a.ard AS ard"
    source = "FROM assessment_version v JOIN assessment a ON a.id = v.assessment"
    tail = f"WHERE {' AND '.join(where)} ORDER BY a.ard, a.id, v.number"
    if is_sqlite():  # one parse of each record: json_extract with every path
        paths = ", ".join(f"'$.{i}'" for i in wanted)
        sql = f"{head}, json_extract(v.answers, {paths}) AS items {source} {tail}"
    else:  # one parse of each record (json_to_record); ->> per item would parse the record once per item
        columns = ", ".join(f'"{i}" text' for i in wanted)
        sql = f"{head}, x.* {source} CROSS JOIN LATERAL json_to_record(v.answers) AS x({columns}) {tail}"
    rows = await AssessmentVersion.raw(sql, *args)
    if rows and "items" in rows[0]:
        for row in rows:
            values = json.loads(row.pop("items")) if len(wanted) > 1 else [row.pop("items")]
            row.update(zip(wanted, values, strict=True))
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:  # ascending version numbers: the latest signed version of each record wins
        latest[row["assessment_id"]] = row
    out: dict[int, list[dict[str, str]]] = {}
    for row in latest.values():
        out.setdefault(row["resident_id"], []).append({i: row[i] for i in wanted if row[i] is not None})
    return out


# ---------------------------------------------------------------- start


def _prefill(resident: Mapping[str, Any], stay: Mapping[str, Any]) -> dict[str, str]:
    """Section A answers known from the resident and stay records (editable on the form)."""
    values = {
        "A0500A": resident["first_name"][:12],
        "A0500C": resident["last_name"][:18],
        # A0800 gender (item sets 1.18.11/1.19.1) and A0810 sex (1.20.1): the record keeps its set's own item
        "A0800": "1" if resident["sex"] == "M" else "2",
        "A0810": "1" if resident["sex"] == "M" else "2",
        "A0900": _ymd(resident["birth_date"]),
        "A1600": _ymd(stay["admission_date"]),
        "A1900": _ymd(stay["admission_date"]),
    }
    if resident.get("medicare_number"):
        values["A0600B"] = resident["medicare_number"]
    if resident.get("room"):
        values["A1300B"] = resident["room"]
    return values


async def _previous_answers(resident_id: int) -> tuple[int | None, dict[str, str]]:
    prior = (
        await Assessment.select(Assessment.id)
        .where(
            (Assessment.resident == resident_id)
            & (Assessment.active == True)
            & (Assessment.status != "inactivated")
        )
        .order_by(Assessment.ard, ascending=False)
        .first()
    )
    if prior is None:
        return None, {}
    answers: dict[str, str] = {}
    for row in (await sections_of(prior["id"])).values():
        answers.update({k: v for k, v in row["answers"].items() if v not in (CARET, "")})
    return prior["id"], answers


def item_set_for(target: date) -> str:
    """The item set a new record takes: the one in effect on its target date. In this application the record's
    `ard` column is its target date (-9017): the ARD of an assessment, the entry date of an entry record and the
    discharge/death date of those records (A2000 = A2300, -3851). Raises UnsupportedTargetDate before 2023-10-01
    or when the set in effect is not shipped."""
    version = version_for_date(target)
    if version not in known_versions():
        raise UnsupportedTargetDate(
            f"item set {version} (target date {target.isoformat()}) is not shipped with this version"
        )
    return version


async def start_assessment(
    actor: audit.Actor,
    user: CurrentUser,
    resident: Mapping[str, Any],
    stay: Mapping[str, Any],
    rfa: rfa_rules.Rfa,
    ard: date,
    *,
    carry_forward: bool = False,
) -> int:
    """Create the assessment and its sections; the ISC follows from the RFA (mds.record.isc via the RFA items)."""
    from mds.record.isc import derive_isc

    items = {"A0050": "1", "A0200": "1", **rfa.to_items()}
    isc = derive_isc(items)
    if isc is None:
        raise rfa_rules.InvalidRfa([("no_reason", {})])
    version = item_set_for(ard)
    catalog = get_catalog(version)
    active = catalog.active_items(isc)
    prefill = {k: v for k, v in _prefill(resident, stay).items() if k in active}
    carried_from, previous = (await _previous_answers(resident["id"])) if carry_forward else (None, {})
    # Carried answers are kept only for items of this record's item set (an older record may hold retired ids).
    carried = {
        k: v
        for k, v in previous.items()
        if k in active
        and k not in AUTO_ITEMS
        and k not in NOT_CARRIED
        and not catalog.items[k].control
        and k not in prefill
    }
    async with write_transaction():
        row = Assessment(
            facility=resident["facility"],
            resident=resident["id"],
            stay=stay["id"],
            a0310a=rfa.a,
            a0310b=rfa.b,
            a0310e=rfa.e or "",
            a0310f=rfa.f,
            a0310g=rfa.g or "",
            a0310h=rfa.h,
            isc=isc,
            kind=rfa_rules.kind_of(rfa),
            ard=ard,
            item_set=version,
            carried_from=carried_from,
            created_by=user.id,
            updated_by=user.id,
        )
        await row.save()
        for section in entry_sections(isc, version):
            ids = section_items(isc, section, version)
            answers = {k: v for k, v in {**carried, **prefill}.items() if k in ids}
            section_carried = sorted(k for k in carried if k in ids)
            await AssessmentSection(
                assessment=row.id,
                section=section,
                answers=json.dumps(answers),
                carried=json.dumps(section_carried),
                status="in_progress" if answers else "not_started",
            ).save()
        await audit.record(
            actor,
            "create",
            "mds_assessment",
            row.id,
            facility_id=resident["facility"],
            resident_id=resident["id"],
            after={
                "rfa": rfa.code,
                "isc": isc,
                "ard": ard.isoformat(),
                "item_set": version,
                "carried_from": carried_from,
                "carried_items": len(carried),
            },
        )
    return int(row.id)


# ---------------------------------------------------------------- section entry


@dataclass
class SectionState:
    """What the section form shows: answers (saved, or the user's), skipped items, findings, status."""

    section: dict[str, Any]
    items: list[str]
    values: dict[str, str]
    skipped: dict[str, Any]
    findings: list[Finding]
    record: dict[str, str]


def evaluate(
    assessment: Mapping[str, Any],
    record_without_section: Mapping[str, str],
    section: str,
    answers: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, Any], list[Finding]]:
    """Apply the skip patterns to the section's answers and run the edits that read its items (pure)."""
    isc, version = assessment["isc"], assessment["item_set"]
    active = get_catalog(version).active_items(isc)
    ids = section_items(isc, section, version)
    merged = {**record_without_section, **{k: v for k, v in answers.items() if _answered(v)}}
    skipped = skipped_by(merged, active, version)
    values = {i: (CARET if i in skipped else answers.get(i, "")) for i in ids}
    record = apply_skips(
        {**record_without_section, **{k: v for k, v in values.items() if _answered(v)}}, active, version
    )
    # mds.record.skips is the authority on skip patterns: an item it skips carries ^ and no edit may ask for an
    # answer there (mds.record.edits -4049 still requires every GG0170 column-1 item on admissions, even the
    # ones the walking/stairs activity codes skip; see the report for the edits.py change).
    findings = [
        f
        for f in run_edits(record, items=ids, version=version)
        if not (f.item in skipped and record.get(f.item) == CARET)
    ]
    return values, {i: skipped[i] for i in ids if i in skipped}, findings


async def section_state(
    assessment: dict[str, Any],
    section: str,
    values: Mapping[str, str] | None = None,
    *,
    rows: dict[str, dict[str, Any]] | None = None,
) -> SectionState:
    """The section as its page shows it; `rows` (from `section_rows`) when the caller has read them already."""
    sections = rows if rows is not None else await section_rows(assessment["id"], section)
    row = sections[section]
    full = await _record_of(assessment, {k: v for k, v in sections.items() if k != section})
    answers = dict(values if values is not None else row["answers"])
    shown, skipped, findings = evaluate(assessment, full, section, answers)
    return SectionState(
        row, section_items(assessment["isc"], section, assessment["item_set"]), shown, skipped, findings, full
    )


async def save_section(
    actor: audit.Actor,
    user: CurrentUser,
    assessment: dict[str, Any],
    section: str,
    version: int,
    answers: Mapping[str, str],
) -> SectionState:
    """Store the section (skips applied, edits run) if nobody saved it since `version`. Raises Locked,
    StaleVersion (with the newer row), KeyError for a section not on this assessment."""
    if assessment["locked"]:
        raise Locked()
    sections = await sections_of(assessment["id"])
    row = sections[section]
    others = await _record_of(assessment, {k: v for k, v in sections.items() if k != section})
    values, skipped, findings = evaluate(assessment, others, section, answers)
    stored = {k: v for k, v in values.items() if _answered(v)}
    status = section_status(
        assessment["isc"], section, stored, {**others, **stored}, findings, assessment["item_set"]
    )
    carried = [i for i in row["carried"] if i not in answers]  # saving the section confirms what it showed
    now = clock.now()
    async with write_transaction():
        new_version = await update_versioned(
            AssessmentSection,
            row["id"],
            version,
            {
                AssessmentSection.answers: json.dumps(stored),
                AssessmentSection.status: status,
                AssessmentSection.carried: json.dumps(carried),
                AssessmentSection.draft: None,
                AssessmentSection.draft_at: None,
                AssessmentSection.entered_by: user.id,
                AssessmentSection.entered_at: now,
            },
        )
        await Assessment.update({Assessment.updated_by: user.id, Assessment.updated_at: now}).where(
            Assessment.id == assessment["id"]
        )
        changed = {k: v for k, v in stored.items() if row["answers"].get(k) != v}
        removed = [k for k in row["answers"] if k not in stored]
        await audit.record(
            actor,
            "update",
            "mds_section",
            f"{assessment['id']}:{section}",
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
            before={k: row["answers"].get(k) for k in [*changed, *removed]} | {"version": version},
            after={**changed, "version": new_version, "status": status},
        )
    row.update(
        {
            "version": new_version,
            "status": status,
            "answers": stored,
            "carried": carried,
            "draft": None,
            "entered_by": user.id,
            "entered_by_name": user.display_name,
            "entered_at": now,
        }
    )
    return SectionState(
        row,
        section_items(assessment["isc"], section, assessment["item_set"]),
        values,
        skipped,
        findings,
        {**others, **stored},
    )


async def save_draft(
    user: CurrentUser, assessment: dict[str, Any], section: str, raw: Mapping[str, str]
) -> datetime:
    """Autosave: keep the form's values as typed (no edits, no version bump) so nothing is lost if the
    session ends; the next opening of the section shows them. Drafts are scratch, not the record: they
    are not audited (the save that makes them the record is)."""
    if assessment["locked"]:
        raise Locked()
    ids = set(section_items(assessment["isc"], section, assessment["item_set"]))
    draft = {k: str(v)[:200] for k, v in raw.items() if k in ids}
    now = clock.now()
    async with write_transaction():
        updated = (
            await AssessmentSection.update(
                {
                    AssessmentSection.draft: json.dumps(draft),
                    AssessmentSection.draft_at: now,
                    AssessmentSection.draft_by: user.id,
                }
            )
            .where(
                (AssessmentSection.assessment == assessment["id"]) & (AssessmentSection.section == section)
            )
            .returning(AssessmentSection.id)
        )
    if not updated:
        raise KeyError(section)
    return now


# ---------------------------------------------------------------- Z0400 attestations and Z0500 completion


def _signer(user: CurrentUser) -> signing.Signer:
    return signing.Signer(user.id, user.display_name, user.title, user.role)


async def attestations_of(assessment_id: int) -> list[dict[str, Any]]:
    rows = (
        await AssessmentAttestation.select()
        .where((AssessmentAttestation.assessment == assessment_id) & (AssessmentAttestation.active == True))
        .order_by(AssessmentAttestation.id)
    )
    for row in rows:
        row["section_list"] = [s for s in row["sections"].split(",") if s]
    return list(rows)


async def _record_version(assessment: Mapping[str, Any]) -> int:
    return int(await AssessmentVersion.count().where(AssessmentVersion.assessment == assessment["id"])) + 1


async def attest(
    actor: audit.Actor, user: CurrentUser, assessment: dict[str, Any], sections: list[str], today: date
) -> None:
    """Z0400: the user attests the sections they completed. Raises Locked or signing.SigningError."""
    if assessment["locked"]:
        raise Locked()
    rows = await sections_of(assessment["id"])
    chosen = sorted(s for s in set(sections) if s in rows)
    not_complete = [s for s in chosen if rows[s]["status"] not in ("complete", "signed")]
    errors: list[tuple[str, dict[str, object]]] = (
        [("attestation_incomplete", {"name": user.display_name})] if not chosen else []
    )
    if not_complete:
        errors.append(("sections_unattested", {"sections": ", ".join(not_complete)}))
    line = signing.Attestation(_signer(user), tuple(chosen), today)
    errors += signing.attestation_errors([line], chosen, today)
    if errors:
        raise signing.SigningError(errors)
    number = await _record_version(assessment)
    async with write_transaction():
        await AssessmentAttestation(
            assessment=assessment["id"],
            user=user.id,
            name=user.display_name,
            title=user.title,
            role=user.role,
            sections=",".join(chosen),
            signed_on=today,
            record_version=number,
        ).save()
        await AssessmentSection.update(
            {AssessmentSection.status: "signed", AssessmentSection.version: AssessmentSection.version + 1}
        ).where((AssessmentSection.assessment == assessment["id"]) & AssessmentSection.section.is_in(chosen))
        await audit.record(
            actor,
            "sign",
            "mds_z0400",
            assessment["id"],
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
            after={
                "sections": chosen,
                "name": user.display_name,
                "title": user.title,
                "date": today.isoformat(),
            },
        )


# Signing needs the care-plan CAA worksheet, which lives in a higher package (careplans depends on mds, not the
# other way): careplans' plugin implements these hooks; the app refuses to start without them (fail closed).
CAA_BLOCKERS = Hook(
    "mds.sign.caa_blockers",
    "async (assessment_id, record) -> list of reasons a comprehensive record cannot be signed yet (CAA worksheet)",
)
SECTION_V_RECORD = Hook(
    "mds.sign.section_v_record",
    "(assessment_id, record) -> the Section V items the CAA worksheet gives a comprehensive record",
)
HOOKS = (CAA_BLOCKERS, SECTION_V_RECORD)


async def _careplans(hook: Hook, assessment_id: int, record: Mapping[str, str]) -> Any:
    """The care-plan package's answer through its hook (never skipped: a missing hook stops start-up)."""
    import inspect

    result = call_hook(hook.name)(assessment_id, dict(record))
    return await result if inspect.isawaitable(result) else result


async def _caa_check(assessment_id: int, record: Mapping[str, str]) -> list[str]:
    return list(await _careplans(CAA_BLOCKERS, assessment_id, record) or [])


async def _section_v(assessment: Mapping[str, Any], record: Mapping[str, str]) -> dict[str, str]:
    """The Section V items the care-plan worksheet gives this comprehensive record, kept to the items its item set
    carries on its subset (so what is hashed is what `_record_of` rebuilds from the stored V section)."""
    items = await _careplans(SECTION_V_RECORD, assessment["id"], record) or {}
    catalog = get_catalog(assessment["item_set"])
    active = catalog.active_items(assessment["isc"])
    return {
        k: str(v)
        for k, v in items.items()
        if k in active and catalog.items[k].section == "V" and v not in (None, "")
    }


def _section_z_pdpm(assessment: Mapping[str, Any], record: Mapping[str, str]) -> dict[str, str]:
    """Z0100A, the Medicare Part A HIPPS code, from mds.pdpm.rules on the record being signed (RAI manual Z0100A: "the
    software data entry product will calculate this value"; -3935 recalculates it). ^ when the record has no HIPPS
    (a record PDPM does not classify, or an I0020B code outside the shipped ICD-10 mapping). {} when the record's
    item subset does not carry Z0100A."""
    if "Z0100A" not in get_catalog(assessment["item_set"]).active_items(assessment["isc"]):
        return {}
    hipps = None
    if pdpm.classifiable(record.get("A0310A", ""), record.get("A0310B", "")):
        try:
            hipps = pdpm.classify(record, item_set=assessment["item_set"]).hipps
        except pdpm.PdpmError:
            hipps = None
    return {"Z0100A": hipps or CARET}


async def _store_section_v(
    assessment_id: int,
    rows: Mapping[str, Mapping[str, Any]],
    items: Mapping[str, str],
    section: str = "V",
) -> None:
    """Write items computed at signing (Section V from the CAA worksheet, Z0100A from PDPM) into that section's
    answers (inside the signing transaction), so the record rebuilt from the sections is the signed one."""
    row = rows.get(section)
    if row is None:
        await AssessmentSection(
            assessment=assessment_id, section=section, answers=json.dumps(dict(items)), status="signed"
        ).save()
        return
    await AssessmentSection.update(
        {AssessmentSection.answers: json.dumps({**row["answers"], **items})}
    ).where(AssessmentSection.id == row["id"])


async def sign(
    actor: audit.Actor, user: CurrentUser, assessment: dict[str, Any], z0500b: date, today: date
) -> str:
    """Z0500A/B completion signature and lock: every section complete and attested (Z0400), the CAA
    decisions made on a comprehensive record, then the SHA-256 of the full record is stored and a
    version row keeps the signed record. Returns the hash. Raises Locked, Blocked, signing.SigningError."""
    if assessment["locked"]:
        raise Locked()
    rows = await sections_of(assessment["id"])
    open_sections = [s for s, r in rows.items() if r["status"] not in ("complete", "signed")]
    if open_sections:
        raise Blocked([("sections_open", {"sections": ", ".join(open_sections)})])
    number = await _record_version(assessment)
    # Z0400 lines of earlier versions stay valid for a modification (the sections they cover were signed).
    lines = [
        signing.Attestation(
            signing.Signer(a["user"], a["name"], a["title"], a["role"]),
            tuple(a["section_list"]),
            a["signed_on"],
        )
        for a in await attestations_of(assessment["id"])
    ]
    signed = {**assessment, "z0500b": z0500b, "z0500a": f"{user.display_name}, {user.title}"}
    record = await _record_of(signed, rows)
    section_v: dict[str, str] = {}
    if assessment["is_comprehensive"]:
        blockers = await _caa_check(assessment["id"], record)
        if blockers:
            raise Blocked([("caa", {"text": b}) for b in blockers])
        # CAA triggered / care-planned flags and dates: part of the signed (hashed, exported) record.
        section_v = await _section_v(assessment, record)
        record = {**record, **section_v}
    section_z = _section_z_pdpm(assessment, record)
    record = {**record, **section_z}
    # Z0400 lines cover the entered sections; a Z (or V) row written by an earlier signing is not entered by anyone.
    entered = [s for s in rows if s not in NON_ENTRY_SECTIONS]
    lock = signing.lock(record, _signer(user), z0500b, today, lines, entered)
    pending = _load(assessment.get("pending_correction"), None) or {}
    a0050 = pending.get("a0050", assessment["a0050"])
    x0800 = pending.get("x0800", assessment["x0800"])
    now = clock.now()
    async with write_transaction():
        await update_versioned(
            Assessment,
            assessment["id"],
            assessment["version"],
            {
                Assessment.status: "completed",
                Assessment.submission_state: "completed",
                Assessment.content_hash: lock.content_hash,
                Assessment.z0500a: f"{user.display_name}, {user.title}",
                Assessment.z0500b: z0500b,
                Assessment.signed_at: now,
                Assessment.signed_by: user.id,
                Assessment.a0050: a0050,
                Assessment.x0800: x0800,
                Assessment.pending_correction: None,
                Assessment.updated_by: user.id,
                Assessment.updated_at: now,
            },
        )
        await AssessmentSection.update(
            {AssessmentSection.status: "signed", AssessmentSection.version: AssessmentSection.version + 1}
        ).where(AssessmentSection.assessment == assessment["id"])
        if section_v:
            await _store_section_v(assessment["id"], rows, section_v)
        if section_z:
            await _store_section_v(assessment["id"], rows, section_z, section="Z")
        await AssessmentVersion(
            assessment=assessment["id"],
            number=number,
            a0050=a0050,
            x0800=x0800,
            reasons=",".join(pending.get("reasons", [])),
            other_text=pending.get("other_text", ""),
            answers=json.dumps(record),
            content_hash=lock.content_hash,
            signed_by=user.id,
            signer_name=f"{user.display_name}, {user.title}",
            signed_on=z0500b,
        ).save()
        await audit.record(
            actor,
            "sign",
            "mds_assessment",
            assessment["id"],
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
            after={
                "z0500b": z0500b.isoformat(),
                "hash": lock.content_hash,
                "version": number,
                "a0050": a0050,
                "x0800": x0800,
            },
        )
    return lock.content_hash


# ---------------------------------------------------------------- corrections and versions


async def versions_of(assessment_id: int) -> list[dict[str, Any]]:
    rows = (
        await AssessmentVersion.select()
        .where((AssessmentVersion.assessment == assessment_id) & (AssessmentVersion.active == True))
        .order_by(AssessmentVersion.number)
        .output(load_json=True)
    )
    for row in rows:
        row["answers"] = _load(row["answers"], {})
        row["intact"] = signing.verify(row["answers"], row["content_hash"])
    return list(rows)


async def start_correction(
    actor: audit.Actor,
    user: CurrentUser,
    assessment: dict[str, Any],
    kind: str,
    reasons: list[str],
    other_text: str,
    today: date,
) -> str:
    """Modification: reopen the signed record for editing as A0050=2 with the next X0800 (signed again
    with Z0500). Inactivation: append the A0050=3 version at once. The signed original stays readable.
    In this application the Z0500 lock is final, so a signed record is corrected through this chain
    whether or not CMS has accepted it yet (issue 5 §4). Returns the new X0800. Raises signing.SigningError."""
    if assessment["status"] != "completed":
        raise signing.SigningError([("not_accepted", {})])
    versions = await versions_of(assessment["id"])
    prior = [signing.Version(v["a0050"], v["x0800"] or "00", "accepted") for v in versions]
    record = signing.next_correction(prior, kind, reasons, _signer(user), today, today, other_text)
    catalog = get_catalog(assessment["item_set"])  # a correction keeps the item set of the record it corrects
    current = versions[-1]["answers"]
    x_items = {
        k: v
        for k, v in {**signing.locator_items(current), **record.section_x()}.items()
        if k in catalog.items and catalog.items[k].section == "X"
    }
    now = clock.now()
    async with write_transaction():
        if kind == "modify":
            pending = {
                "a0050": record.a0050,
                "x0800": record.x0800,
                "reasons": list(record.reasons),
                "other_text": record.other_text,
                "x_items": x_items,
                "by": user.id,
            }
            await update_versioned(
                Assessment,
                assessment["id"],
                assessment["version"],
                {
                    Assessment.status: "correcting",
                    Assessment.submission_state: "in_progress",
                    Assessment.pending_correction: json.dumps(pending),
                    Assessment.content_hash: "",
                    Assessment.updated_by: user.id,
                    Assessment.updated_at: now,
                },
            )
            await AssessmentSection.update(
                {
                    AssessmentSection.status: "complete",
                    AssessmentSection.version: AssessmentSection.version + 1,
                }
            ).where(AssessmentSection.assessment == assessment["id"])
        else:
            inactivated = {**assessment, "a0050": "3", "x_items": x_items}
            answers = {k: v for k, v in current.items() if not k.startswith("X")}
            items = _record_items(inactivated, await _facility(assessment["facility"]), answers)
            digest = signing.content_hash(items)
            await update_versioned(
                Assessment,
                assessment["id"],
                assessment["version"],
                {
                    Assessment.status: "inactivated",
                    Assessment.a0050: "3",
                    Assessment.x0800: record.x0800,
                    Assessment.content_hash: digest,
                    Assessment.submission_state: "completed",
                    Assessment.updated_by: user.id,
                    Assessment.updated_at: now,
                },
            )
            await AssessmentVersion(
                assessment=assessment["id"],
                number=len(versions) + 1,
                a0050="3",
                x0800=record.x0800,
                reasons=",".join(record.reasons),
                other_text=record.other_text,
                answers=json.dumps(items),
                content_hash=digest,
                signed_by=user.id,
                signer_name=f"{user.display_name}, {user.title}",
                signed_on=today,
            ).save()
        await audit.record(
            actor,
            "inactivate" if kind == "inactivate" else "update",
            "mds_correction",
            assessment["id"],
            facility_id=assessment["facility"],
            resident_id=assessment["resident"],
            after={"a0050": record.a0050, "x0800": record.x0800, "reasons": list(record.reasons)},
        )
    return record.x0800


async def version_diff(assessment_id: int, first: int, second: int) -> list[signing.ItemChange] | None:
    by_number = {v["number"]: v for v in await versions_of(assessment_id)}
    if first not in by_number or second not in by_number:
        return None
    return signing.diff(by_number[first]["answers"], by_number[second]["answers"])


# ---------------------------------------------------------------- integrity


async def integrity_problems(assessment_id: int) -> list[str]:
    """What no longer matches its SHA-256: the live signed record and every stored version."""
    row = await Assessment.select().where(Assessment.id == assessment_id).output(load_json=True).first()
    if row is None:
        return ["missing"]
    problems = [f"version {v['number']}" for v in await versions_of(assessment_id) if not v["intact"]]
    if row["status"] in ("completed", "inactivated"):
        if not row["content_hash"] or not signing.verify(await _record_of(row), row["content_hash"]):
            problems.insert(0, "signed record")
    return problems


async def integrity_ok(assessment_id: int) -> bool:
    """False when signed data was changed in the database after signing (part B blocks export on it)."""
    return not await integrity_problems(assessment_id)


# ---------------------------------------------------------------- helpers for the pages


async def open_stays(resident_id: int) -> list[dict[str, Any]]:
    return list(
        await Stay.select()
        .where(
            (Stay.resident == resident_id)
            & (Stay.active == True)
            & Stay.status.is_in(["in_facility", "discharged_ra"])
        )
        .order_by(Stay.admission_date, ascending=False)
    )


async def resident_of(assessment: Mapping[str, Any]) -> dict[str, Any]:
    return found(await Resident.select().where(Resident.id == assessment["resident"]).first(), "resident")


async def user_names(ids: Iterable[int]) -> dict[int, str]:
    ids = [i for i in set(ids) if i]
    if not ids:
        return {}
    return {
        r["id"]: r["display_name"]
        for r in await User.select(User.id, User.display_name).where(User.id.is_in(ids))
    }


__all__ = [
    "Blocked",
    "Locked",
    "StaleVersion",
    "answers_for",
    "assessment_answers",
    "assessments_for_facility",
    "assessments_for_resident",
    "assessments_for_residents",
    "attest",
    "care_plan_dates",
    "signed_items_for_facility",
    "entry_sections",
    "get_assessment",
    "integrity_ok",
    "integrity_problems",
    "save_draft",
    "save_section",
    "section_items",
    "section_state",
    "sign",
    "start_assessment",
    "start_correction",
    "version_diff",
    "versions_of",
    "DASH",
]
