"""Parse the CMS Provider Data Catalog "Health Deficiencies" file (r5ix-sfxw, NH_HealthCitations).

Pure: CSV text in, (rows, errors) out. The 23 columns are those of the published CSV
(CMS Provider Data Catalog r5ix-sfxw; header checked against NH_HealthCitations_Aug2026). A bad row is reported with
its line number and an en/es message, and skipped whole — never partially kept.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from facility.core.forms import N_
from surveys.i18n import T_
from surveys.readiness import ftags, severity
from surveys.readiness.scoring import Deficiency, InspectionDate

COLUMNS: tuple[str, ...] = (
    "CMS Certification Number (CCN)",
    "Provider Name",
    "Provider Address",
    "City/Town",
    "State",
    "ZIP Code",
    "Survey Date",
    "Survey Type",
    "Deficiency Prefix",
    "Deficiency Category",
    "Deficiency Tag Number",
    "Deficiency Description",
    "Scope Severity Code",
    "Deficiency Corrected",
    "Correction Date",
    "Inspection Cycle",
    "Standard Deficiency",
    "Complaint Deficiency",
    "Infection Control Inspection Deficiency",
    "Citation under IDR",
    "Citation under IIDR",
    "Location",
    "Processing Date",
)

# PDC "Deficiency Corrected" values, full file of 419,452 rows.
CORRECTION_STATUSES = (
    "Deficient, Provider has date of correction",
    "Past Non-Compliance",
    "Deficient, Provider has plan of correction",
    "Deficient, Provider has no plan of correction",
    "Waiver has been granted",
    "No revisit needed",
)
PAST_NONCOMPLIANCE = "Past Non-Compliance"

MESSAGES = {
    "empty_file": N_("The file is empty."),
    "bad_header": N_("The header does not match the CMS Health Deficiencies file: %(detail)s."),
    "field_count": N_("Expected 23 columns, found %(found)s."),
    "required": N_("'%(column)s' is empty."),
    "bad_date": N_("'%(column)s' must be a date YYYY-MM-DD, got '%(value)s'."),
    "bad_flag": N_("'%(column)s' must be Y or N, got '%(value)s'."),
    "bad_ccn": N_("CCN must be 6 letters or digits, got '%(value)s'."),
    "bad_cycle": N_("'Inspection Cycle' must be a whole number from 1, got '%(value)s'."),
    "bad_survey_type": N_("'Survey Type' must be 'Health', got '%(value)s'."),
    "bad_prefix": N_("'Deficiency Prefix' must be F in the health file, got '%(value)s'."),
    "bad_tag": N_(
        "'Deficiency Tag Number' '%(value)s' is not an F-tag in the CMS list (4 digits, e.g. 0656)."
    ),
    "bad_scope_severity": N_("'Scope Severity Code' must be a letter A–L, got '%(value)s'."),
    "bad_status": N_("'Deficiency Corrected' '%(value)s' is not a CMS status value."),
    "correction_before_survey": N_(
        "'Correction Date' %(value)s is before the survey date %(survey)s, which is only allowed for past noncompliance."
    ),
    "duplicate": N_("Duplicate of line %(first)s (same CCN, survey date and tag)."),
}


@dataclass(frozen=True)
class ParseError:
    line: int  # physical line in the file where the record starts (header = line 1)
    message_id: str
    messages: Mapping[str, str]  # ["en"], ["es"]
    column: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.messages['en']}"


@dataclass(frozen=True)
class HealthDeficiency:
    ccn: str
    provider_name: str
    provider_address: str
    city: str
    state: str
    zip_code: str
    survey_date: date
    survey_type: str
    prefix: str
    category: str
    tag_number: str  # as published, zero-padded "0656"
    description: str
    scope_severity: str
    correction_status: str
    correction_date: date | None
    inspection_cycle: int
    standard: bool
    complaint: bool
    infection_control: bool
    under_idr: bool
    under_iidr: bool
    location: str
    processing_date: date
    line: int

    @property
    def tag(self) -> str:
        return f"{self.prefix}{self.tag_number}"

    @property
    def past_noncompliance(self) -> bool:
        return self.correction_status == PAST_NONCOMPLIANCE

    @property
    def natural_key(self) -> tuple[str, str, str]:
        """Stable across monthly refreshes (cycle numbers shift, statuses and even S/S after IDR
        change): a 2567 cites a tag once per survey date. Use it to upsert on re-import."""
        return (self.ccn, self.survey_date.isoformat(), self.tag)

    def to_deficiency(self) -> Deficiency:
        return Deficiency(
            ccn=self.ccn,
            survey_date=self.survey_date,
            tag=self.tag,
            scope_severity=self.scope_severity,
            standard=self.standard,
            complaint=self.complaint,
            infection_control=self.infection_control,
            past_noncompliance=self.past_noncompliance,
            inspection_cycle=self.inspection_cycle,
        )


class _RowError(Exception):
    def __init__(self, message_id: str, column: str | None = None, **params: object) -> None:
        self.message_id, self.column = message_id, column
        self.messages = T_(MESSAGES[message_id], column=column, **params)
        super().__init__(self.messages["en"])


def _error(line: int, message_id: str, column: str | None = None, **params: object) -> ParseError:
    exc = _RowError(message_id, column, **params)
    return ParseError(line, message_id, exc.messages, column)


def _date(value: str, column: str, *, required: bool = True) -> date | None:
    value = value.strip()
    if not value:
        if required:
            raise _RowError("required", column)
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise _RowError("bad_date", column, value=value) from None


def _flag(value: str, column: str) -> bool:
    if value not in ("Y", "N"):
        raise _RowError("bad_flag", column, value=value)
    return value == "Y"


def _parse_row(values: dict[str, str], line: int) -> HealthDeficiency:
    for column in (
        COLUMNS[0],
        "Survey Date",
        "Deficiency Tag Number",
        "Scope Severity Code",
        "Processing Date",
    ):
        if not values[column].strip():
            raise _RowError("required", column)
    ccn = values[COLUMNS[0]].strip()
    if not re.fullmatch(r"[0-9A-Z]{6}", ccn):
        raise _RowError("bad_ccn", COLUMNS[0], value=ccn)
    if values["Survey Type"] != "Health":
        raise _RowError("bad_survey_type", "Survey Type", value=values["Survey Type"])
    if values["Deficiency Prefix"] != "F":
        raise _RowError("bad_prefix", "Deficiency Prefix", value=values["Deficiency Prefix"])
    tag_number = values["Deficiency Tag Number"].strip()
    if not re.fullmatch(r"\d{4}", tag_number) or not ftags.exists(f"F{tag_number}"):
        raise _RowError("bad_tag", "Deficiency Tag Number", value=tag_number)
    code = values["Scope Severity Code"].strip()
    if code not in severity.GRID:
        raise _RowError("bad_scope_severity", "Scope Severity Code", value=code)
    status = values["Deficiency Corrected"].strip()
    if status not in CORRECTION_STATUSES:
        raise _RowError("bad_status", "Deficiency Corrected", value=status)
    cycle = values["Inspection Cycle"].strip()
    if not cycle.isdigit() or int(cycle) < 1:
        raise _RowError("bad_cycle", "Inspection Cycle", value=cycle)
    survey_date = _date(values["Survey Date"], "Survey Date")
    correction_date = _date(values["Correction Date"], "Correction Date", required=False)
    assert survey_date is not None
    if correction_date and correction_date < survey_date and status != PAST_NONCOMPLIANCE:
        raise _RowError(
            "correction_before_survey", "Correction Date", value=correction_date, survey=survey_date
        )
    processing_date = _date(values["Processing Date"], "Processing Date")
    assert processing_date is not None
    return HealthDeficiency(
        ccn=ccn,
        provider_name=values["Provider Name"],
        provider_address=values["Provider Address"],
        city=values["City/Town"],
        state=values["State"],
        zip_code=values["ZIP Code"],
        survey_date=survey_date,
        survey_type=values["Survey Type"],
        prefix="F",
        category=values["Deficiency Category"],
        tag_number=tag_number,
        description=values["Deficiency Description"],
        scope_severity=code,
        correction_status=status,
        correction_date=correction_date,
        inspection_cycle=int(cycle),
        standard=_flag(values["Standard Deficiency"], "Standard Deficiency"),
        complaint=_flag(values["Complaint Deficiency"], "Complaint Deficiency"),
        infection_control=_flag(
            values["Infection Control Inspection Deficiency"], "Infection Control Inspection Deficiency"
        ),
        under_idr=_flag(values["Citation under IDR"], "Citation under IDR"),
        under_iidr=_flag(values["Citation under IIDR"], "Citation under IIDR"),
        location=values["Location"],
        processing_date=processing_date,
        line=line,
    )


def _check_header(header: list[str]) -> str | None:
    if tuple(header) == COLUMNS:
        return None
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing:
        return "missing " + ", ".join(f"'{c}'" for c in missing)
    if extra:
        return "unexpected " + ", ".join(f"'{c}'" for c in extra)
    return "columns out of order"


def parse(text: str) -> tuple[list[HealthDeficiency], list[ParseError]]:
    """Parse the whole file. A header mismatch rejects the file (one error, line 1, no rows)."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return [], [_error(1, "empty_file")]
    detail = _check_header(header)
    if detail:
        return [], [_error(1, "bad_header", detail=detail)]
    rows: list[HealthDeficiency] = []
    errors: list[ParseError] = []
    seen: dict[tuple[str, str, str], int] = {}
    while True:
        line = reader.line_num + 1  # first physical line of the next record
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. an unterminated quote swallowing the rest of the file
            errors.append(_error(line, "field_count", found=f"? ({exc})"))
            break
        if not values or values == [""]:
            continue  # blank line
        if len(values) != len(COLUMNS):
            errors.append(_error(line, "field_count", found=len(values)))
            continue
        try:
            row = _parse_row(dict(zip(COLUMNS, values, strict=True)), line)
        except _RowError as exc:
            errors.append(ParseError(line, exc.message_id, exc.messages, exc.column))
            continue
        if row.natural_key in seen:
            errors.append(_error(line, "duplicate", first=seen[row.natural_key]))
            continue
        seen[row.natural_key] = line
        rows.append(row)
    return rows, errors


INSPECTION_DATE_COLUMNS = ("cms_certification_number_ccn", "survey_date", "type_of_survey", "survey_cycle")


def parse_inspection_dates(text: str) -> tuple[list[InspectionDate], list[ParseError]]:
    """PDC "Inspection Dates" (svdt-c123, API keys as column names): the survey dates that the
    deficiency file cannot show — standard surveys that ended without a citation."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    missing = [c for c in INSPECTION_DATE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [_error(1, "bad_header", detail="missing " + ", ".join(missing))]
    out: list[InspectionDate] = []
    errors: list[ParseError] = []
    for record in reader:
        line = reader.line_num
        try:
            day = _date(record["survey_date"] or "", "survey_date")
            cycle = (record["survey_cycle"] or "").strip()
            if not cycle.isdigit():
                raise _RowError("bad_cycle", "survey_cycle", value=cycle)
        except _RowError as exc:
            errors.append(ParseError(line, exc.message_id, exc.messages, exc.column))
            continue
        assert day is not None
        out.append(
            InspectionDate(
                record["cms_certification_number_ccn"].strip(), day, record["type_of_survey"], int(cycle)
            )
        )
    return out, errors
