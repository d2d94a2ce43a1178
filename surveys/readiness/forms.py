"""Form validation for survey readiness: plain dict in, (clean values, field errors) out.

Error values are English message ids (`N_`) translated when rendered, or — for messages owned by the
pure rule modules (F-tag look-up, POC elements) — text already in the user's language.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from facility.core.forms import N_, NC_, Errors, _required_text, _text, parse_date
from surveys.readiness import ftags, poc, severity

SURVEY_KINDS = {
    "standard": N_("Standard (recertification)"),
    "complaint": N_("Complaint"),
    "revisit": N_("Revisit"),
    "infection_control": N_("Infection control"),
}
IDR_CHOICES = {"": N_("None"), "idr": N_("IDR requested"), "iidr": N_("IIDR requested")}
IDR_OUTCOMES = {
    "": N_("Not decided"),
    "pending": NC_("IDR outcome", "Pending"),
    "upheld": N_("Upheld"),
    "modified": N_("Modified"),
    "deleted": N_("Deleted"),
}
FINDING_STATUSES = {"open": NC_("finding status", "Open"), "corrected": NC_("finding status", "Corrected")}
TASK_STATUSES = {
    "open": NC_("task status", "Open"),
    "in_progress": NC_("task status", "In progress"),
    "done": NC_("task status", "Done"),
}
FREQUENCIES = {"weekly": N_("Weekly"), "monthly": N_("Monthly")}
BASES = {
    "finding": N_("Survey finding"),
    "quality_measure": N_("Quality measure"),
    "care_plan_compliance": N_("Care-plan compliance"),
    "other": NC_("recommendation basis", "Other"),
}
DECISIONS = {
    "pending": NC_("decision", "Pending"),
    "accepted": NC_("decision", "Accepted"),
    "declined": N_("Declined"),
    "deferred": N_("Deferred"),
}

# Evidence files: kept in the database, capped, and only types a surveyor packet holds. The first
# bytes must match the declared type so a renamed executable is not stored as a "PDF".
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "application/pdf": ("pdf", (b"%PDF-",)),
    "image/png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": ("jpg", (b"\xff\xd8\xff",)),
    "text/plain": ("txt", ()),
}
REQUIRED = N_("This field is required.")
CHOOSE = N_("Choose a value from the list.")
TOO_LONG = N_("This value is too long.")
BAD_DATE = N_("Enter a date as YYYY-MM-DD.")
FUTURE = N_("The date cannot be in the future.")


def _choice(data: Mapping[str, Any], name: str, choices: Collection[str], errors: Errors) -> str:
    value = _text(data, name)
    if value not in choices:
        errors[name] = CHOOSE
    return value


def _optional_text(data: Mapping[str, Any], name: str, max_length: int, errors: Errors) -> str:
    value = _text(data, name)
    if len(value) > max_length:
        errors[name] = TOO_LONG
    return value


def _date(
    data: Mapping[str, Any],
    name: str,
    errors: Errors,
    *,
    required: bool = True,
    not_after: date | None = None,
) -> date | None:
    raw = _text(data, name)
    if not raw:
        if required:
            errors[name] = REQUIRED
        return None
    value = parse_date(raw)
    if value is None:
        errors[name] = BAD_DATE
    elif not_after and value > not_after:
        errors[name] = FUTURE
    return value


def _int(data: Mapping[str, Any], name: str, low: int, high: int, errors: Errors) -> int | None:
    raw = _text(data, name)
    if not raw:
        errors[name] = REQUIRED
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = N_("Enter a whole number.")
        return None
    if not low <= value <= high:
        errors[name] = N_("The number is out of range.")
    return value


def _checkbox(data: Mapping[str, Any], name: str) -> bool:
    return _text(data, name) in ("1", "on", "true", "yes")


def validate_survey(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "kind": _choice(data, "kind", SURVEY_KINDS, errors),
        "start_date": _date(data, "start_date", errors, not_after=today),
        "exit_date": _date(data, "exit_date", errors, not_after=today),
        "received_2567": _date(data, "received_2567", errors, required=False, not_after=today),
        "team": _optional_text(data, "team", 2000, errors),
        "notes": _optional_text(data, "notes", 5000, errors),
    }
    start, end, received = clean["start_date"], clean["exit_date"], clean["received_2567"]
    if start and end and end < start and "exit_date" not in errors:
        errors["exit_date"] = N_("The exit date cannot be before the entrance date.")
    if end and received and received < end and "received_2567" not in errors:
        errors["received_2567"] = N_("The 2567 cannot be received before the survey exit date.")
    return clean, errors


def validate_finding(
    data: Mapping[str, Any], resident_ids: list[str], allowed_residents: Collection[int], lang: str
) -> tuple[dict[str, Any], Errors]:
    """`resident_ids`: the multi-valued form field; only residents of the survey's facility are allowed."""
    errors: Errors = {}
    tag = _text(data, "tag")
    clean: dict[str, Any] = {"tag": tag}
    if not tag:
        errors["tag"] = REQUIRED
    else:
        try:
            found = ftags.get(tag)
            if found.prefix != "F":
                raise ftags.UnknownTagError("unknown_tag", code=found.code)
            clean["tag"] = found.code
        except ftags.UnknownTagError as exc:
            errors["tag"] = exc.messages.get(lang, exc.messages["en"])
    code = _text(data, "scope_severity").upper()
    clean["scope_severity"] = code
    if code not in severity.GRID:
        errors["scope_severity"] = CHOOSE
    clean["narrative"] = _required_text(data, "narrative", 20000, errors)
    clean["sqc"] = _checkbox(data, "sqc")
    if clean["sqc"] and code in severity.GRID and not severity.GRID[code].sqc_eligible_cell:
        errors["sqc"] = N_("Substandard quality of care applies only to levels F, H, I, J, K and L.")
    clean["past_noncompliance"] = _checkbox(data, "past_noncompliance")
    clean["idr"] = _choice(data, "idr", IDR_CHOICES, errors)
    clean["idr_outcome"] = _choice(data, "idr_outcome", IDR_OUTCOMES, errors)
    if clean["idr_outcome"] and not clean["idr"] and "idr_outcome" not in errors:
        errors["idr_outcome"] = N_("Record an IDR or IIDR request before its outcome.")
    clean["status"] = _text(data, "status") or "open"
    if clean["status"] not in FINDING_STATUSES:
        errors["status"] = CHOOSE
    ids: list[int] = []
    for raw in resident_ids:
        raw = str(raw).strip()
        if not raw:
            continue
        if not raw.isdigit() or int(raw) not in allowed_residents:
            errors["resident_ids"] = N_("Choose residents of this facility from the list.")
            break
        ids.append(int(raw))
    clean["resident_ids"] = sorted(set(ids))
    return clean, errors


def validate_poc(
    data: Mapping[str, Any],
    tag: str,
    scope_severity: str,
    past_noncompliance: bool,
    survey_exit: date,
    lang: str,
) -> tuple[dict[str, Any], Errors]:
    """The five elements; what an acceptable plan needs comes from `surveys.readiness.poc.validate`."""
    errors: Errors = {}
    clean: dict[str, Any] = {
        name: _optional_text(data, name, 10000, errors)
        for name in ("affected_residents", "others_at_risk", "systemic_changes", "monitoring")
    }
    clean["completion_date"] = _date(data, "completion_date", errors, required=False)
    if errors:
        return clean, errors
    plan = poc.PlanOfCorrection(tag, scope_severity, past_noncompliance=past_noncompliance, **clean)
    for issue in poc.validate(plan, survey_exit):
        errors.setdefault(
            issue.element or "affected_residents", issue.messages.get(lang, issue.messages["en"])
        )
    return clean, errors


def validate_task(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean = {
        "title": _required_text(data, "title", 200, errors),
        "owner": _required_text(data, "owner", 100, errors),
        "due_date": _date(data, "due_date", errors),
        "status": _text(data, "status") or "open",
    }
    if clean["status"] not in TASK_STATUSES:
        errors["status"] = CHOOSE
    return clean, errors


def validate_audit(data: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean = {
        "tool": _required_text(data, "tool", 200, errors),
        "sample_size": _int(data, "sample_size", 1, 1000, errors),
        "frequency": _choice(data, "frequency", FREQUENCIES, errors),
        "threshold_pct": _int(data, "threshold_pct", 1, 100, errors),
        "periods_to_close": _int(data, "periods_to_close", 1, 52, errors)
        if _text(data, "periods_to_close")
        else 3,
    }
    return clean, errors


def validate_audit_result(data: Mapping[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    sampled = _int(data, "sampled", 1, 10000, errors)
    compliant = _int(data, "compliant", 0, 10000, errors)
    clean = {
        "period_start": _date(data, "period_start", errors, not_after=today),
        "sampled": sampled,
        "compliant": compliant,
    }
    if sampled is not None and compliant is not None and compliant > sampled:
        errors["compliant"] = N_("Compliant records cannot exceed the records audited.")
    return clean, errors


def validate_recommendation(
    data: Mapping[str, Any], finding_ids: Collection[int]
) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    clean: dict[str, Any] = {
        "recommendation": _required_text(data, "recommendation", 5000, errors),
        "rationale": _required_text(data, "rationale", 5000, errors),
        "basis": _choice(data, "basis", BASES, errors),
        "measure": _optional_text(data, "measure", 100, errors),
        "decision": _text(data, "decision") or "pending",
        "decision_note": _optional_text(data, "decision_note", 5000, errors),
        "outcome": _optional_text(data, "outcome", 5000, errors),
        "finding_id": None,
    }
    raw = _text(data, "finding_id")
    if raw:
        if not raw.isdigit() or int(raw) not in finding_ids:
            errors["finding_id"] = CHOOSE
        else:
            clean["finding_id"] = int(raw)
    if clean["basis"] == "finding" and clean["finding_id"] is None and "finding_id" not in errors:
        errors["finding_id"] = N_("Choose the finding this recommendation answers.")
    if clean["basis"] == "quality_measure" and not clean["measure"]:
        errors["measure"] = N_("Name the quality measure.")
    if clean["decision"] not in DECISIONS:
        errors["decision"] = CHOOSE
    return clean, errors


def validate_evidence(filename: str, content_type: str, payload: bytes) -> tuple[dict[str, Any], Errors]:
    errors: Errors = {}
    kind = content_type.split(";")[0].strip().lower()
    if not payload:
        errors["file"] = N_("Choose a file to upload.")
    elif len(payload) > EVIDENCE_MAX_BYTES:
        errors["file"] = N_("The file is larger than 5 MB.")
    elif kind not in EVIDENCE_TYPES:
        errors["file"] = N_("Upload a PDF, PNG, JPEG or plain-text file.")
    else:
        signatures = EVIDENCE_TYPES[kind][1]
        if signatures and not any(payload.startswith(s) for s in signatures):
            errors["file"] = N_("The file's content does not match its type.")
        if kind == "text/plain":
            try:
                payload.decode("utf-8")
            except UnicodeDecodeError:
                errors["file"] = N_("The file's content does not match its type.")
    # Display name only: strip any directory part and control characters.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())[:200] or "evidence"
    return {"filename": name, "content_type": kind, "size_bytes": len(payload)}, errors
