"""`mdsready validate` on batches of any size: records read from disk one at a time, each result written out as
soon as it (and every record before it) is known, on as many processes as asked.

The web upload keeps its caps (mds.safety.DEFAULT_LIMITS: 1,000 members, 50 MB expanded, the file held in
memory). The command line reads its files from disk, so a zip of any member count is accepted
(`--max-members` sets a cap when one is wanted); every other safety check (member names, nested archives,
encryption, member size and compression ratio, the XML guards) runs as on the web.

Memory stays flat in the batch size: the parent walks the zip's directory and hands out (path, member index)
tasks in chunks, with at most a few chunks per process in flight; each worker opens the zip itself and reads the
member it is given; each result leaves as text (a JSON line, CSV rows, a text block) and only its counts are
kept. Results come out in input order whatever the number of processes, so `--jobs 4` prints what `--jobs 1`
prints.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import time
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mds.record.validate import RecordResult, _rejected_file, validate_record, warm_up
from mds.record.xmlio import MAX_RECORD_BYTES
from mds.upload.safety import (
    FileRejected,
    Limits,
    file_members,
    member_payload,
    open_zip_path,
    sniff_kind,
)

FORMATS = ("text", "json", "jsonl", "csv")
NO_LIMIT = sys.maxsize
CHUNK = 32  # records per task sent to a worker
IN_FLIGHT_PER_JOB = 4  # chunks queued per worker process: keeps both cores busy, bounds memory


def cli_limits(max_members: int | None = None) -> Limits:
    """The command line's limits: no cap on the file, the member count or the expanded total (records are read
    one at a time from disk); the per-member size and compression-ratio caps of the web stay."""
    return Limits(
        max_upload_bytes=NO_LIMIT,
        max_members=max_members if max_members else NO_LIMIT,
        max_total_bytes=NO_LIMIT,
    )


# A task: ("zip", source label, zip path, member index) | ("xml", source label, record bytes)
#         | ("rejected", source label, FileRejected)
Task = tuple[Any, ...]


@dataclass
class Totals:
    files: int = 0
    accepted: int = 0
    rejected: int = 0
    warnings: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    def summary(self, seconds: float) -> dict[str, float | int]:
        return {
            "files": self.files,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": self.warnings,
            "seconds": round(seconds, 3),
        }

    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if self.rejected else 0


# ---------------------------------------------------------------- what to validate (parent process)


def iter_tasks(paths: Iterable[str | Path], limits: Limits, totals: Totals) -> Iterator[Task]:
    """One task per record, lazily: a zip's members are listed from its directory, never read here."""
    for raw in paths:
        path = Path(raw)
        try:
            with path.open("rb") as handle:
                head = handle.read(64)
                kind = sniff_kind(path.name, head)
                data = head + handle.read(MAX_RECORD_BYTES + 1 - len(head)) if kind == "xml" else b""
        except OSError as exc:
            reason = exc.strerror or str(exc)
            totals.unreadable.append((str(raw), reason))
            print(f"mdsready validate: cannot read {raw}: {reason}", file=sys.stderr)
            continue
        except FileRejected as exc:
            yield ("rejected", path.name, exc)
            continue
        if kind == "zip":
            try:
                archive, infos = open_zip_path(path, limits)
            except FileRejected as exc:
                yield ("rejected", path.name, exc)
                continue
            count = len(infos)
            archive.close()
            del infos  # the workers list the members again from the file
            for index in range(count):
                yield ("zip", path.name, str(path), index)
        elif len(data) > MAX_RECORD_BYTES:
            yield (
                "rejected",
                path.name,
                FileRejected(
                    "MR-103",
                    f"File is larger than the {MAX_RECORD_BYTES:,}-byte limit of one record",
                    f"El archivo supera el límite de {MAX_RECORD_BYTES:,} bytes de un registro",
                ),
            )
        else:
            yield ("xml", path.name, data)


# ---------------------------------------------------------------- one chunk of records (any process)

_OPEN: dict[str, tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]] = {}


def _member(path: str, index: int, limits: Limits) -> tuple[str, bytes | FileRejected]:
    opened = _OPEN.get(path)
    if opened is None:
        for stale in _OPEN.values():
            stale[0].close()
        _OPEN.clear()
        zf = zipfile.ZipFile(path)
        opened = _OPEN[path] = (zf, file_members(zf))
    zf, infos = opened
    return member_payload(zf, infos[index], limits)


def _validate_task(task: Task, lang: str, version: str | None, limits: Limits) -> RecordResult:
    kind, label = task[0], task[1]
    if kind == "rejected":
        return _rejected_file(label, task[2], lang)
    if kind == "xml":
        return validate_record(label, task[2], lang, version)
    name, payload = _member(task[2], task[3], limits)
    source = f"{label}:{name}"
    if isinstance(payload, FileRejected):
        return _rejected_file(source, payload, lang)
    return validate_record(source, payload, lang, version)


def record_dict(r: RecordResult) -> dict[str, Any]:
    return {
        "source": r.source,
        "status": r.status,
        "isc": r.isc,
        "issues": [
            {
                "edit_id": i.edit_id,
                "severity": i.severity,
                "item": i.item,
                "line": i.line,
                "message": i.message,
                "hint": i.hint,
            }
            for i in r.issues
        ],
    }


CSV_HEADER = ["source", "status", "isc", "edit_id", "severity", "item", "line", "message", "hint"]


def render(r: RecordResult, fmt: str, lang: str) -> str:
    """One record as the chosen format writes it (JSON: the object without separators)."""
    if fmt in ("json", "jsonl"):
        return json.dumps(record_dict(r), ensure_ascii=False)
    if fmt == "csv":
        from facility.core.csvsafe import (
            csv_cell,  # every cell: a member named "=HYPERLINK(...).xml" stays text
        )

        buf = io.StringIO()
        writer = csv.writer(buf)
        rows = [
            [
                r.source,
                r.status,
                r.isc or "",
                i.edit_id,
                i.severity,
                i.item or "",
                "" if i.line is None else i.line,
            ]
            + [i.message, i.hint]
            for i in r.issues
        ] or [[r.source, r.status, r.isc or "", "", "", "", "", "", ""]]
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
        return buf.getvalue()
    words = WORDS[lang]
    lines = [f"{words[r.status]:9} {r.source}" + (f" [{r.isc}]" if r.isc else "")]
    for i in r.issues:
        where = f" {words['line']} {i.line}" if i.line else ""
        lines.append(f"  {i.severity:7} {i.edit_id:>7} {i.item or '-'}{where}: {i.message}")
        lines.append(f"          {words['fix']}: {i.hint}")
    return "\n".join(lines) + "\n"


def run_chunk(
    tasks: list[Task], fmt: str, lang: str, version: str | None, limits: Limits
) -> list[tuple[str, int, str]]:
    """(status, warnings, rendered text) per task, in order: what crosses back from a worker is text."""
    out = []
    for task in tasks:
        result = _validate_task(task, lang, version, limits)
        out.append((result.status, result.warnings, render(result, fmt, lang)))
    return out


# ---------------------------------------------------------------- the stream


def _chunks(tasks: Iterator[Task], size: int) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _results(
    tasks: Iterator[Task], fmt: str, lang: str, version: str | None, limits: Limits, jobs: int
) -> Iterator[tuple[str, int, str]]:
    if jobs <= 1:
        for chunk in _chunks(tasks, CHUNK):
            yield from run_chunk(chunk, fmt, lang, version, limits)
        return
    warm_up(version)  # built once here; forked workers inherit the compiled schemas
    with ProcessPoolExecutor(max_workers=jobs, initializer=warm_up, initargs=(version,)) as pool:
        pending: deque[Future[list[tuple[str, int, str]]]] = deque()
        for chunk in _chunks(tasks, CHUNK):
            pending.append(pool.submit(run_chunk, chunk, fmt, lang, version, limits))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def validate_stream(
    paths: Iterable[str | Path],
    out: IO[str],
    *,
    fmt: str = "text",
    lang: str = "en",
    jobs: int = 1,
    version: str | None = None,
    limits: Limits | None = None,
) -> Totals:
    """Validate files (xml records or zip batches) on disk and write each result to `out` as it is known."""
    start = time.perf_counter()
    totals = Totals()
    jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    tasks = iter_tasks(paths, limits or cli_limits(), totals)
    if fmt == "json":
        out.write('{"records": [')
    elif fmt == "csv":
        csv.writer(out).writerow(CSV_HEADER)
    first = True
    for status, warnings, text in _results(tasks, fmt, lang, version, limits or cli_limits(), jobs):
        totals.files += 1
        totals.accepted += status == "accepted"
        totals.rejected += status == "rejected"
        totals.warnings += warnings
        if fmt == "json":
            out.write(text if first else ", " + text)
        elif fmt == "jsonl":
            out.write(text + "\n")
        else:
            out.write(text)
        first = False
    summary = totals.summary(time.perf_counter() - start)
    if fmt == "json":
        out.write('], "summary": ' + json.dumps(summary) + "}\n")
    elif fmt == "jsonl":
        out.write(json.dumps({"summary": summary}) + "\n")
    elif fmt == "text":
        out.write(WORDS[lang]["summary"].format(**summary) + "\n")
    else:  # csv rows only on stdout; the counts go to stderr
        print(WORDS[lang]["summary"].format(**summary), file=sys.stderr)
    out.flush()
    return totals


WORDS = {
    "en": {
        "accepted": "ACCEPTED",
        "rejected": "REJECTED",
        "line": "line",
        "summary": "{files} files: {accepted} accepted, {rejected} rejected, {warnings} warnings in {seconds}s",
        "fix": "fix",
    },
    "es": {
        "accepted": "ACEPTADO",
        "rejected": "RECHAZADO",
        "line": "línea",
        "summary": "{files} archivos: {accepted} aceptados, "
        "{rejected} rechazados, {warnings} advertencias en {seconds}s",
        "fix": "solución",
    },
}
