"""MDS file uploads: queue a submission, validate it in the background, store and report the results.

Validation runs in an asyncio task owned by this process. The engine (mds.record.validate: `iter_sources` splits
an upload into records exactly as `validate_bytes` does, `validate_sources` validates them) is called in a
worker thread, a few records at a time, so that each record's result is written as soon as it is known —
in its own short write transaction together with the progress counters (one record that cannot be stored
never rolls back its neighbours, and `done_records` always equals the records stored). Messages are
stored in English and Spanish: records with findings are validated a second time in Spanish (the engine
reports in one language; valid records, the common case, are validated once).

Uploaded bytes stay in memory (never written to a path, least of all one built from the user's file name).
A submission left queued/running by a restart has no live task here: `reconcile()` marks it failed.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
from piccolo.columns.combination import Combinable

from facility.core import audit, clock, datacache
from facility.core.csvsafe import csv_cell
from facility.core.db import write_transaction
from facility.core.forms import N_
from facility.web.core import CurrentUser
from facility.web.i18n import NC_
from mds.record.validate import RecordResult, iter_sources, validate_sources, warm_up
from mds.record.xmlio import read_assessment
from mds.tables import Submission, SubmissionRecord, ValidationIssue
from mds.upload.safety import DEFAULT_LIMITS, FileRejected, Limits

log = logging.getLogger("mdsready.mds.upload")

UPLOAD_ROLES = ("admin", "mds_coordinator")
ALLOWED_SUFFIXES = (".xml", ".zip")
MAX_FILES = 20
RECENT_LIMIT = 20
CHUNK = 20  # records per worker-thread call: progress moves often, thread hops stay cheap
SEVERITIES = ("fatal", "warning")
ISSUE_DISPLAY_LIMIT = 500  # the page lists this many findings; the CSV always has all of them
ITEM_DISPLAY_LIMIT = 25  # rows of the by-item summary (most fatal errors first)
ACTIVE_STATUSES = ("queued", "running")

INTERRUPTED = N_("Validation was interrupted (the server restarted). Upload the file again.")
FAILED = N_(
    "Validation stopped because of an internal error. Upload the file again; if it happens again, tell your administrator."
)
NOT_STORED = N_("Some records could not be stored; they are missing from this report. Upload the file again.")


@dataclass(frozen=True)
class UploadedFile:
    name: str  # shown and used as the record source label only
    data: bytes


# ---------------------------------------------------------------- form checks (pure)


def check_files(
    files: Sequence[UploadedFile], limits: Limits = DEFAULT_LIMITS
) -> list[tuple[str, dict[str, Any]]]:
    """Problems that refuse the whole upload before anything is queued: (English message id, variables)."""
    problems: list[tuple[str, dict[str, Any]]] = []
    if not files:
        return [(N_("Choose at least one .xml or .zip file."), {})]
    if len(files) > MAX_FILES:
        problems.append((N_("Upload at most %(max)d files at a time."), {"max": MAX_FILES}))
    for f in files:
        if not f.name.lower().endswith(ALLOWED_SUFFIXES):
            problems.append((N_("%(name)s is not an .xml or .zip file."), {"name": f.name}))
        elif len(f.data) > limits.max_upload_bytes:
            problems.append(
                (
                    N_("%(name)s is %(size)s MB; each file may be at most %(max)s MB."),
                    {"name": f.name, "size": _mb(len(f.data)), "max": _mb(limits.max_upload_bytes)},
                )
            )
        elif not f.data:
            problems.append((N_("%(name)s is empty."), {"name": f.name}))
    return problems


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f}"


def clean_name(name: str) -> str:
    """The browser-sent file name reduced to a display label (a path never comes from it)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:120] or "upload"


def filename_label(files: Sequence[UploadedFile]) -> str:
    label = ", ".join(f.name for f in files)
    return label if len(label) <= 255 else label[:252] + "…"


# ---------------------------------------------------------------- queueing


async def create_submission(
    user: CurrentUser, actor: audit.Actor, facility_id: int, files: Sequence[UploadedFile], lang: str
) -> int:
    async with write_transaction():
        sub = Submission(
            facility=facility_id,
            uploaded_by=user.id,
            filename=filename_label(files),
            size_bytes=sum(len(f.data) for f in files),
            status="queued",
            lang=lang,
        )
        await sub.save()
        await audit.record(
            actor,
            "import",
            "submission",
            sub.id,
            facility_id=facility_id,
            after={"files": [f.name for f in files], "bytes": sub.size_bytes},
        )
    return int(sub.id)


# Live validation tasks of this process (a strong reference keeps each task alive until it ends).
_LIVE: dict[int, asyncio.Task[None]] = {}
# One validation at a time per event loop: the machine has two cores and the web must stay responsive.
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _gate() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    if loop not in _GATES:
        _GATES[loop] = asyncio.Semaphore(1)
    return _GATES[loop]


def start_validation(submission_id: int, files: Sequence[UploadedFile]) -> None:
    task = asyncio.create_task(
        run_validation(submission_id, list(files)), name=f"mds-validate-{submission_id}"
    )
    _LIVE[submission_id] = task
    task.add_done_callback(lambda _t: _LIVE.pop(submission_id, None))


def is_live(submission_id: int) -> bool:
    task = _LIVE.get(submission_id)
    return task is not None and not task.done()


async def run_validation(submission_id: int, files: list[UploadedFile]) -> None:
    start = time.perf_counter()
    try:
        async with _gate():
            await _set(submission_id, {Submission.status: "running"})
            sources = await anyio.to_thread.run_sync(_split, files)
            files.clear()  # the records now hold the only copy of the bytes
            await _set(submission_id, {Submission.total_records: len(sources)})
            failed_to_store = 0
            for offset in range(0, len(sources), CHUNK):
                chunk = sources[offset : offset + CHUNK]
                outcomes = await anyio.to_thread.run_sync(_validate_chunk, chunk)
                for n, outcome in enumerate(outcomes):
                    if not await _store_record(submission_id, offset + n + 1, outcome):
                        failed_to_store += 1
            await _set(
                submission_id,
                {
                    Submission.status: "done",
                    Submission.finished_at: clock.now(),
                    Submission.seconds: round(time.perf_counter() - start),
                    Submission.error: NOT_STORED if failed_to_store else "",
                },
            )
    except asyncio.CancelledError:
        raise  # shutdown: the row stays running and reconcile() reports the interruption
    except Exception:
        log.exception("validation of submission %s failed", submission_id)
        await _set(
            submission_id,
            {
                Submission.status: "failed",
                Submission.error: FAILED,
                Submission.finished_at: clock.now(),
            },
        )


async def _set(submission_id: int, values: dict[Any, Any]) -> None:
    async with write_transaction():
        updated = (
            await Submission.update(values)
            .where(Submission.id == submission_id)
            .returning(Submission.facility)
        )
        if any(
            column._meta.name == "status" for column in values
        ):  # a run starts or ends: reports count its records
            for row in updated:
                datacache.note_write(row["facility"])


Source = tuple[str, "bytes | FileRejected"]


def _split(files: list[UploadedFile]) -> list[Source]:
    """Worker thread: build the schema once per process, then split every file into its records."""
    warm_up()
    return [source for f in files for source in iter_sources(f.name, f.data)]


@dataclass
class Outcome:
    en: RecordResult
    es: RecordResult | None
    resident_name: str


def _validate_chunk(chunk: list[Source]) -> list[Outcome]:
    """Worker thread: validate in English; records with findings again in Spanish (same, deterministic order)."""
    english = validate_sources(chunk, "en")
    again = [i for i, r in enumerate(english) if r.issues]
    spanish = (
        dict(zip(again, validate_sources([chunk[i] for i in again], "es"), strict=True)) if again else {}
    )
    return [Outcome(r, spanish.get(i), _resident_name(chunk[i][1])) for i, r in enumerate(english)]


def _resident_name(payload: bytes | FileRejected) -> str:
    """A0500C (last name), A0500A (first name), as an FVR shows them; empty when the record is unreadable."""
    if isinstance(payload, FileRejected):
        return ""
    try:
        values = read_assessment(payload)
    except Exception:  # noqa: BLE001 - an unreadable record is already a rejected record with its reason
        return ""
    last, first = values.get("A0500C", ""), values.get("A0500A", "")
    return f"{last}, {first}" if last and first else (last or first)


async def _store_record(submission_id: int, position: int, outcome: Outcome) -> bool:
    """One record, its findings and the progress counters in one short transaction."""
    result = outcome.en
    spanish = outcome.es.issues if outcome.es and len(outcome.es.issues) == len(result.issues) else None
    warnings = result.warnings
    try:
        async with write_transaction():
            record = SubmissionRecord(
                submission=submission_id,
                position=position,
                source=result.source[:300],
                status=result.status,
                isc=(result.isc or "")[:4],
                resident_name=outcome.resident_name[:200],
                issue_count=len(result.issues),
            )
            await record.save()
            rows = []
            for n, issue in enumerate(result.issues):
                es = spanish[n] if spanish and spanish[n].edit_id == issue.edit_id else issue
                rows.append(
                    ValidationIssue(
                        submission=submission_id,
                        record=record.id,
                        edit_id=issue.edit_id[:20],
                        severity=issue.severity[:10],
                        item=(issue.item or "")[:40],
                        line=issue.line,
                        message_en=issue.message,
                        message_es=es.message,
                        hint_en=issue.hint,
                        hint_es=es.hint,
                    )
                )
            if rows:
                await ValidationIssue.insert(*rows)
            await Submission.update(
                {
                    Submission.done_records: Submission.done_records + 1,
                    Submission.accepted: Submission.accepted + (1 if result.status == "accepted" else 0),
                    Submission.rejected: Submission.rejected + (1 if result.status == "rejected" else 0),
                    Submission.warnings: Submission.warnings + warnings,
                }
            ).where(Submission.id == submission_id)
    except Exception:
        log.exception("could not store record %s of submission %s", position, submission_id)
        return False
    return True


# ---------------------------------------------------------------- reading

_SUBMISSION_COLUMNS = (
    *Submission.all_columns(),
    Submission.uploaded_by.display_name.as_alias("uploaded_by_name"),
)


async def get_submission(user: CurrentUser, submission_id: int) -> dict[str, Any] | None:
    """The submission if it belongs to one of the user's facilities; None otherwise (callers answer 404)."""
    row = (
        await Submission.select(*_SUBMISSION_COLUMNS)
        .where((Submission.id == submission_id) & (Submission.active == True))
        .first()
    )
    if row is None or not user.may_access_facility(row["facility"]):
        return None
    return await reconcile(row)


async def reconcile(row: dict[str, Any]) -> dict[str, Any]:
    """A queued/running submission with no live task in this process was cut off by a restart: mark it failed."""
    if row["status"] in ACTIVE_STATUSES and not is_live(row["id"]):
        now = clock.now()
        async with write_transaction():
            await Submission.update(
                {Submission.status: "failed", Submission.error: INTERRUPTED, Submission.finished_at: now}
            ).where((Submission.id == row["id"]) & Submission.status.is_in(list(ACTIVE_STATUSES)))
        row = {**row, "status": "failed", "error": INTERRUPTED, "finished_at": now}
    return row


async def recent_submissions(facility_id: int, limit: int = RECENT_LIMIT) -> list[dict[str, Any]]:
    rows = (
        await Submission.select(*_SUBMISSION_COLUMNS)
        .where((Submission.facility == facility_id) & (Submission.active == True))
        .order_by(Submission.id, ascending=False)
        .limit(limit)
    )
    return [await reconcile(r) if r["status"] in ACTIVE_STATUSES else r for r in rows]


def progress_percent(row: dict[str, Any]) -> int:
    total = row["total_records"] or 0
    return int(100 * row["done_records"] / total) if total else 0


def _lang(lang: str) -> str:
    return "es" if lang == "es" else "en"


async def records_of(submission_id: int) -> list[dict[str, Any]]:
    records = list(
        await SubmissionRecord.select()
        .where(SubmissionRecord.submission == submission_id)
        .order_by(SubmissionRecord.position)
    )
    fatal = await _counts_by_record(submission_id, "fatal")
    for r in records:
        r["fatal"] = fatal.get(r["id"], 0)
        r["warnings"] = r["issue_count"] - r["fatal"]
    return records


async def _counts_by_record(submission_id: int, severity: str) -> dict[int, int]:
    rows = await ValidationIssue.select(ValidationIssue.record).where(
        (ValidationIssue.submission == submission_id) & (ValidationIssue.severity == severity)
    )
    counts: dict[int, int] = {}
    for r in rows:
        counts[r["record"]] = counts.get(r["record"], 0) + 1
    return counts


async def issues_of(submission_id: int, lang: str, severity: str = "") -> list[dict[str, Any]]:
    """Findings in record order, each with its record's source and the text in `lang`."""
    lang = _lang(lang)
    where: Combinable = ValidationIssue.submission == submission_id
    if severity in SEVERITIES:
        where &= ValidationIssue.severity == severity
    rows = (
        await ValidationIssue.select(
            *ValidationIssue.all_columns(),
            ValidationIssue.record.position.as_alias("position"),
            ValidationIssue.record.source.as_alias("source"),
            ValidationIssue.record.resident_name.as_alias("resident_name"),
        )
        .where(where)
        .order_by(ValidationIssue.record.position)
        .order_by(ValidationIssue.id)
    )
    for r in rows:
        r["message"] = r[f"message_{lang}"] or r["message_en"]
        r["hint"] = r[f"hint_{lang}"] or r["hint_en"]
    return list(rows)


def group_by_edit(issues: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """FVR-style summary: one row per edit id (fatal first, then most frequent) with an example message."""
    groups: dict[str, dict[str, Any]] = {}
    for i in issues:
        g = groups.setdefault(
            i["edit_id"],
            {
                "edit_id": i["edit_id"],
                "severity": i["severity"],
                "count": 0,
                "records": set(),
                "items": set(),
                "message": i["message"],
                "hint": i["hint"],
            },
        )
        g["count"] += 1
        g["records"].add(i["record"])
        if i["item"]:
            g["items"].add(i["item"])
    out = [{**g, "records": len(g["records"]), "items": sorted(g["items"])} for g in groups.values()]
    return sorted(out, key=lambda g: (g["severity"] != "fatal", -g["count"], g["edit_id"]))


def group_by_item(issues: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for i in issues:
        key = i["item"] or ""
        g = groups.setdefault(key, {"item": key, "count": 0, "fatal": 0, "records": set(), "edit_ids": set()})
        g["count"] += 1
        g["fatal"] += i["severity"] == "fatal"
        g["records"].add(i["record"])
        g["edit_ids"].add(i["edit_id"])
    out = [{**g, "records": len(g["records"]), "edit_ids": sorted(g["edit_ids"])} for g in groups.values()]
    return sorted(out, key=lambda g: (g["item"] == "", -g["fatal"], -g["count"], g["item"]))


async def report(submission: dict[str, Any], lang: str, severity: str = "") -> dict[str, Any]:
    severity = severity if severity in SEVERITIES else ""
    issues = await issues_of(submission["id"], lang, severity)
    by_item = group_by_item(issues)
    return {
        "records": await records_of(submission["id"]),
        "issues": issues[:ISSUE_DISPLAY_LIMIT],
        "issue_total": len(issues),
        "by_edit": group_by_edit(issues),
        "by_item": by_item[:ITEM_DISPLAY_LIMIT],
        "item_total": len(by_item),
        "severity": severity,
        "severities": SEVERITIES,
    }


# ---------------------------------------------------------------- CSV

CSV_HEADER = (
    "record",
    "source",
    "resident",
    "isc",
    "status",
    "edit_id",
    "severity",
    "item",
    "line",
    "message",
    "hint",
)


# Names (message ids) of the codes the CSV writes, the same as the report page shows them.
CSV_STATUS_NAMES = {
    "accepted": NC_("record state", "Accepted"),
    "rejected": NC_("record state", "Rejected"),
}
CSV_SEVERITY_NAMES = {"fatal": N_("Fatal error"), "warning": N_("Warning")}


async def report_csv(submission: dict[str, Any], lang: str, severity: str = "") -> bytes:
    """One row per finding; a record without findings gets one row with empty finding columns. Status and
    severity are written as their names in the user's language, not as codes; an empty value stays empty."""
    from mds.i18n import gettext

    lang = _lang(lang)

    def name(names: Mapping[str, str], code: Any) -> str:
        return gettext(lang, names[code]) if code in names else ("" if code is None else str(code))

    records = await records_of(submission["id"])
    issues = await issues_of(submission["id"], lang, severity)
    by_record: dict[int, list[dict[str, Any]]] = {}
    for i in issues:
        by_record.setdefault(i["record"], []).append(i)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in records:
        head = (r["position"], r["source"], r["resident_name"], r["isc"], name(CSV_STATUS_NAMES, r["status"]))
        found = by_record.get(r["id"], [])
        if not found:
            if severity not in SEVERITIES:
                writer.writerow([csv_cell(v) for v in (*head, "", "", "", "", "", "")])
            continue
        for i in found:
            writer.writerow(
                [
                    csv_cell(v)
                    for v in (
                        *head,
                        i["edit_id"],
                        name(CSV_SEVERITY_NAMES, i["severity"]),
                        i["item"],
                        i["line"],
                        i["message"],
                        i["hint"],
                    )
                ]
            )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheet programs read Spanish accents right
