"""Submission state machine, version ledger and CMS final-validation result parsing (pure).

States: draft → in_progress → completed (signed, locked) → exported → submitted → accepted | rejected.
- A rejected record that was never accepted may be edited again (back to in_progress, re-signed)
  or re-exported as is.
- An accepted record never changes: a modification (A0050=2) or inactivation (A0050=3) record is
  appended as a new version (RAI Manual ch. 5 correction policy).
- Nothing is deleted: the ledger only grows, and every successful change appends exactly one
  audit event to the list the caller passes in (the web layer writes them to facility.core.audit).

CMS final validation: "A fatal edit rejects that record only" — each record is accepted or
rejected with its error ids (all MDS 3.0 edit ids are negative, e.g. -3783).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from facility.core.forms import N_, NC_
from facility.web.i18n import LazyText, Msg
from mds.assessments import signing
from mds.i18n import T_

STATES = ("draft", "in_progress", "completed", "exported", "submitted", "accepted", "rejected")
EVENTS = ("edit", "sign", "export", "submit", "accept", "reject")

_TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "edit"): "in_progress",
    ("in_progress", "edit"): "in_progress",
    ("in_progress", "sign"): "completed",
    ("completed", "export"): "exported",
    ("exported", "export"): "exported",  # a new zip of the same signed content
    ("exported", "submit"): "submitted",
    ("exported", "accept"): "accepted",  # result imported without the "submitted" step
    ("exported", "reject"): "rejected",
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rejected",
    ("rejected", "export"): "exported",
    ("rejected", "edit"): "in_progress",  # only if never accepted (checked in transition)
}

# The record states and the refused moves, as message ids (Spanish in locales/es/LC_MESSAGES/mds.po). A state is
# a parameter of a sentence ("... in state "draft" ..."); each refused move is a whole sentence of its own.
STATE_LABELS: dict[str, Msg] = {
    "draft": NC_("record state in a sentence", "draft"),
    "in_progress": NC_("record state in a sentence", "in progress"),
    "completed": NC_("record state in a sentence", "signed"),
    "exported": NC_("record state in a sentence", "exported"),
    "submitted": NC_("record state in a sentence", "submitted"),
    "accepted": NC_("record state in a sentence", "accepted"),
    "rejected": NC_("record state in a sentence", "rejected"),
}
INVALID_MOVE: dict[str, str] = {
    "edit": N_('An assessment in state "%(state)s" cannot be edited.'),
    "sign": N_('An assessment in state "%(state)s" cannot be signed.'),
    "export": N_('An assessment in state "%(state)s" cannot be exported.'),
    "submit": N_('An assessment in state "%(state)s" cannot be submitted.'),
    "accept": N_('An assessment in state "%(state)s" cannot be marked accepted.'),
    "reject": N_('An assessment in state "%(state)s" cannot be marked rejected.'),
}
MESSAGES: dict[str, str] = {
    "accepted_locked": N_(
        "This record was accepted by CMS; change it with a modification or inactivation record."
    ),
    "unknown": N_("Unknown state or event: %(state)s / %(event)s."),
    "correct_needs_accepted": N_("Only an accepted record gets a correction record; this one is %(state)s."),
}


class InvalidTransition(ValueError):
    """Raised for a move the workflow forbids; `messages` is the text, translated when read (["en"], ["es"])."""

    def __init__(self, message_id: str, **params: str):
        self.message_id = message_id
        self.params = params
        self.messages = _text(message_id, params)
        super().__init__(self.messages["en"])


def _text(message_id: str, params: dict[str, str]) -> LazyText:
    local: dict[str, object] = dict(params)
    if local.get("state") in STATE_LABELS:
        local["state"] = STATE_LABELS[str(local["state"])]
    if message_id == "invalid":
        sentence = INVALID_MOVE[params["event"]]
        return T_(sentence, state=local["state"])
    return T_(MESSAGES[message_id], **local)


def transition(state: str, event: str, *, ever_accepted: bool = False) -> str:
    """Next state, or InvalidTransition (an accepted record is only changed by a correction)."""
    if state not in STATES or event not in EVENTS:
        raise InvalidTransition("unknown", state=state, event=event)
    if state == "accepted" or (state == "rejected" and event == "edit" and ever_accepted):
        raise InvalidTransition("accepted_locked")
    nxt = _TRANSITIONS.get((state, event))
    if nxt is None:
        raise InvalidTransition("invalid", state=state, event=event)
    return nxt


# ---------------------------------------------------------------- ledger


@dataclass(frozen=True)
class AuditEvent:
    """One audit row to write (facility.core.audit ACTIONS: create/update/sign/export/inactivate/import)."""

    action: str
    assessment_id: Any
    x0800: str
    before: str | None
    after: str
    detail: Mapping[str, Any]


@dataclass(frozen=True)
class RecordVersion:
    a0050: str  # 1 new, 2 modification, 3 inactivation
    x0800: str  # "00" on the original, then "01", "02", …
    items: Mapping[str, str]
    state: str
    content_hash: str | None = None
    ever_accepted: bool = False


@dataclass(frozen=True)
class Ledger:
    """All versions of one assessment, oldest first; the last one is the working/current version."""

    assessment_id: Any
    versions: tuple[RecordVersion, ...]

    @property
    def current(self) -> RecordVersion:
        return self.versions[-1]

    @property
    def inactivated(self) -> bool:
        return any(v.a0050 == "3" for v in self.versions)


def _replace_current(ledger: Ledger, version: RecordVersion) -> Ledger:
    """Lifecycle steps of the working version update its row; signed content is never altered."""
    return replace(ledger, versions=ledger.versions[:-1] + (version,))


def start(assessment_id: Any, items: Mapping[str, str], audit: list[AuditEvent]) -> Ledger:
    ledger = Ledger(assessment_id, (RecordVersion("1", "00", dict(items), "draft"),))
    audit.append(AuditEvent("create", assessment_id, "00", None, "draft", {"items": len(items)}))
    return ledger


def edit(ledger: Ledger, changes: Mapping[str, str], audit: list[AuditEvent]) -> Ledger:
    """Change items of the working version (draft, in progress, or rejected and never accepted)."""
    cur = ledger.current
    new_state = transition(cur.state, "edit", ever_accepted=cur.ever_accepted)
    before = dict(cur.items)
    after = before | dict(changes)
    changed = signing.diff(before, after)
    version = replace(cur, items=after, state=new_state, content_hash=None)
    audit.append(
        AuditEvent(
            "update",
            ledger.assessment_id,
            cur.x0800,
            cur.state,
            new_state,
            {"changes": [(c.item, c.before, c.after) for c in changed]},
        )
    )
    return _replace_current(ledger, version)


def sign(ledger: Ledger, audit: list[AuditEvent]) -> Ledger:
    """Lock the working version: store the SHA-256 of its items (validation of Z0400/Z0500 is in signing)."""
    cur = ledger.current
    new_state = transition(cur.state, "sign")
    digest = signing.content_hash(cur.items)
    audit.append(AuditEvent("sign", ledger.assessment_id, cur.x0800, cur.state, new_state, {"hash": digest}))
    return _replace_current(ledger, replace(cur, state=new_state, content_hash=digest))


def advance(ledger: Ledger, event: str, audit: list[AuditEvent]) -> Ledger:
    """export / submit / accept / reject the working version."""
    if event not in ("export", "submit", "accept", "reject"):
        raise InvalidTransition("unknown", state=ledger.current.state, event=event)
    cur = ledger.current
    new_state = transition(cur.state, event, ever_accepted=cur.ever_accepted)
    action = "export" if event in ("export", "submit") else "import"
    audit.append(AuditEvent(action, ledger.assessment_id, cur.x0800, cur.state, new_state, {"event": event}))
    accepted = cur.ever_accepted or new_state == "accepted"
    return _replace_current(ledger, replace(cur, state=new_state, ever_accepted=accepted))


def correct(
    ledger: Ledger,
    correction: signing.CorrectionRecord,
    changes: Mapping[str, str],
    audit: list[AuditEvent],
) -> Ledger:
    """Append a modification/inactivation version built from signing.next_correction.

    The new version starts signed ("completed"): the X1100 attestation is its signature.
    """
    cur = ledger.current
    if cur.state != "accepted":
        raise InvalidTransition("correct_needs_accepted", state=cur.state)
    expected = f"{sum(1 for v in ledger.versions if v.a0050 != '1') + 1:02d}"
    if correction.x0800 != expected or ledger.inactivated:
        raise InvalidTransition("accepted_locked")
    items = dict(cur.items) if correction.a0050 == "3" else dict(cur.items) | dict(changes)
    items |= correction.section_x()
    version = RecordVersion(
        correction.a0050, correction.x0800, items, "completed", signing.content_hash(items)
    )
    action = "inactivate" if correction.a0050 == "3" else "update"
    audit.append(
        AuditEvent(
            action,
            ledger.assessment_id,
            correction.x0800,
            cur.state,
            "completed",
            {"a0050": correction.a0050, "reasons": list(correction.reasons)},
        )
    )
    return replace(ledger, versions=ledger.versions + (version,))


def tampered(version: RecordVersion) -> bool:
    """True when a signed version's items no longer match its stored hash (blocks export)."""
    return version.content_hash is not None and not signing.verify(version.items, version.content_hash)


# ---------------------------------------------------------------- final validation results


@dataclass(frozen=True)
class ResultRow:
    line: int
    record_id: str
    status: str  # accepted | rejected
    error_ids: tuple[int, ...]


@dataclass(frozen=True)
class ResultError:
    line: int
    message: Mapping[str, str]  # ["en"], ["es"]


RESULT_MESSAGES: dict[str, str] = {
    "header": N_("The first line must name the columns record_id, status, error_ids."),
    "no_id": N_("Missing record id."),
    "unreadable": N_(
        "This line cannot be read as CSV (a quote that is never closed, or a quote inside a field); "
        "the lines after it were not read."
    ),
    "duplicate": N_("Record %(record_id)s appears more than once (first on line %(first)s)."),
    "status": N_("Status %(status)r is not accepted or rejected."),
    "error_id": N_("%(value)r is not an MDS edit id (a negative number such as -3783)."),
    "rejected_without_error": N_("Record %(record_id)s is rejected but lists no fatal error id."),
}

_STATUS = {
    "accepted": "accepted",
    "accept": "accepted",
    "a": "accepted",
    "rejected": "rejected",
    "reject": "rejected",
    "r": "rejected",
}
_COLUMNS = {
    "record_id": ("record_id", "record id", "recordid", "fac_doc_id"),
    "status": ("status", "record status"),
    "error_ids": ("error_ids", "error ids", "errors", "error_id"),
}


def _result_error(line: int, message_id: str, **params: object) -> ResultError:
    return ResultError(line, T_(RESULT_MESSAGES[message_id], **params))


def _header_map(header: list[str]) -> dict[str, int] | None:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for key, aliases in _COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    return found if {"record_id", "status"} <= found.keys() else None


def _parse_error_ids(text: str) -> tuple[tuple[int, ...], list[str]]:
    ids: list[int] = []
    bad: list[str] = []
    for token in text.replace(";", " ").replace("|", " ").split():
        try:
            value = int(token)
        except ValueError:
            value = 0
        if value < 0:
            ids.append(value)
        else:
            bad.append(token)
    return tuple(ids), bad


def parse_results(text: str) -> tuple[list[ResultRow], list[ResultError]]:
    """Parse a result CSV (record id, status, error ids) into rows and line errors.

    This is the coordinator's transcription of the CMS Final Validation Report, not the report itself: the
    report's record-level layout was not found in a public CMS source (docs/SUBMISSION-RESULTS.md), so no
    parser of it is written here. Every bad line is reported; the caller imports nothing while any line is bad.
    """
    reader = csv.reader(
        io.StringIO(text.lstrip("\ufeff")), strict=True
    )  # a stray quote is an error, not data
    rows: list[ResultRow] = []
    errors: list[ResultError] = []
    try:
        header = next(reader, None)
    except csv.Error:
        return [], [_result_error(1, "unreadable")]
    columns = _header_map(header) if header else None
    if columns is None:
        return [], [_result_error(1, "header")]
    first_line: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(_result_error(reader.line_num, "unreadable"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue

        def cell(key: str, cells: list[str] = cells) -> str:
            i = columns.get(key)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        record_id, status_text = cell("record_id"), cell("status")
        ids, bad = _parse_error_ids(cell("error_ids"))
        status = _STATUS.get(status_text.lower())
        row_errors = []
        if not record_id:
            row_errors.append(_result_error(line, "no_id"))
        elif record_id in first_line:
            row_errors.append(
                _result_error(line, "duplicate", record_id=record_id, first=first_line[record_id])
            )
        if status is None:
            row_errors.append(_result_error(line, "status", status=status_text))
        row_errors += [_result_error(line, "error_id", value=b) for b in bad]
        if status == "rejected" and not ids and not bad:
            row_errors.append(_result_error(line, "rejected_without_error", record_id=record_id))
        if row_errors or status is None:
            errors += row_errors
            continue
        first_line[record_id] = line
        rows.append(ResultRow(line, record_id, status, ids))
    return rows, errors
