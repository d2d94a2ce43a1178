"""MDS tables.

Submission / SubmissionRecord / ValidationIssue hold the results of validating uploaded MDS files, so
the report survives a restart (issue: MDS XML validation). Assessment tables are added below them.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import ClinicalStamped, Facility, Row, User


class Submission(Row, Table):
    """One upload (an .xml or a .zip batch) validated in the background."""

    facility = ForeignKey(references=Facility)
    uploaded_by = ForeignKey(references=User)
    filename = Varchar(length=255)  # shown only; never used as a path
    size_bytes = Integer(default=0)
    status = Varchar(length=20, default="queued")  # queued | running | done | failed
    total_records = Integer(default=0)
    done_records = Integer(default=0)
    accepted = Integer(default=0)
    rejected = Integer(default=0)
    warnings = Integer(default=0)
    error = Text(default="")  # file-level problem (unreadable zip, too large …)
    lang = Varchar(length=5, default="en")
    seconds = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    active = Boolean(default=True)


class SubmissionRecord(Row, Table):
    """One record (one ASSESSMENT) of a submission: accepted or rejected."""

    submission = ForeignKey(references=Submission)
    position = Integer()
    source = Varchar(length=300)  # "batch.zip:0001.xml"
    status = Varchar(length=20)  # accepted | rejected
    isc = Varchar(length=4, default="")
    resident_name = Varchar(length=200, default="")
    issue_count = Integer(default=0)


class ValidationIssue(Row, Table):
    """One finding of one record: CMS edit id, severity, item, line, message and fix hint (en/es)."""

    submission = ForeignKey(references=Submission)
    record = ForeignKey(references=SubmissionRecord)
    edit_id = Varchar(length=20)
    severity = Varchar(length=10)  # fatal | warning
    item = Varchar(length=40, default="")
    line = Integer(null=True, default=None)
    message_en = Text(default="")
    message_es = Text(default="")
    hint_en = Text(default="")
    hint_es = Text(default="")


# ---------------------------------------------------------------- assessments (issue 5 part A)
# Clinical rows: never deleted (database triggers, migration mds_2026_11_25t15_00_00_000000), `version` for
# optimistic locking, created/updated by a user, every change audited in the same transaction.

from piccolo.columns import JSON, Date  # noqa: E402

from facility.tables import Resident, Stay  # noqa: E402


class Assessment(ClinicalStamped, Table):
    """One MDS record of a stay. Answers live per section (AssessmentSection); the RFA items, ARD and
    signature are kept here too so lists and the schedule never open the answers."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    a0310a = Varchar(length=2, default="99")
    a0310b = Varchar(length=2, default="99")
    a0310e = Varchar(length=1, default="")  # "" = not asked (tracking records), exported as ^
    a0310f = Varchar(length=2, default="99")
    a0310g = Varchar(length=1, default="")
    a0310h = Varchar(length=1, default="0")
    isc = Varchar(length=4)
    kind = Varchar(length=40)  # mds.record.rfa.kind_of
    ard = Date()  # A2300 (the target date -9017 for tracking records)
    # MDS item-set version (mds.record.catalog.ITEM_SET_VERSIONS) in effect on the target date; kept for life, corrections too.
    item_set = Varchar(length=10, default="1.20.1")
    # in_progress | correcting (a signed record reopened by a modification) | completed (signed, locked) | inactivated
    status = Varchar(length=20, default="in_progress")
    submission_state = Varchar(
        length=20, default="in_progress"
    )  # mds.record.submission.STATES (part B advances it)
    a0050 = Varchar(length=1, default="1")  # 1 new, 2 modification, 3 inactivation (current version)
    x0800 = Varchar(length=2, default="")  # correction number of the current version ("" on the original)
    pending_correction = JSON(default=None, null=True)  # reasons/attestation of an open modification
    content_hash = Varchar(length=64, default="")  # SHA-256 of the signed content (mds.assessments.signing)
    z0500a = Varchar(length=200, default="")  # name and title of the RN coordinator who signed
    z0500b = Date(null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    signed_by = ForeignKey(references=User, null=True, default=None)
    carried_from = Integer(null=True, default=None)  # assessment id the answers were carried forward from


class AssessmentSection(Row, Table):
    """One section's answers (item id -> raw MDS value) with its own version, so two nurses saving two
    sections never conflict; `draft` holds autosaved, not yet saved form values."""

    assessment = ForeignKey(references=Assessment, index=True)
    section = Varchar(length=4)
    status = Varchar(length=20, default="not_started")  # not_started | in_progress | complete | signed
    answers = JSON(default="{}")
    carried = JSON(default="[]")  # item ids carried forward from the last assessment, to be confirmed
    draft = JSON(default=None, null=True)
    draft_at = Timestamptz(null=True, default=None)
    draft_by = ForeignKey(references=User, null=True, default=None)
    entered_by = ForeignKey(references=User, null=True, default=None)
    entered_at = Timestamptz(null=True, default=None)
    active = Boolean(default=True)
    version = Integer(default=1)


class AssessmentAttestation(Row, Table):
    """A Z0400 line: who attested which sections, with name, title and date."""

    assessment = ForeignKey(references=Assessment, index=True)
    user = ForeignKey(references=User)
    name = Varchar(length=200)
    title = Varchar(length=40)
    role = Varchar(length=20)  # the signer's role when attesting (Z0400 roles: mds.assessments.signing)
    sections = Varchar(length=200)  # comma-separated section codes
    signed_on = Date()
    record_version = Integer(default=1)  # which AssessmentVersion number this attestation belongs to
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class AssessmentVersion(Row, Table):
    """Every signed version, readable forever: number 1 is the original (A0050=1), then modifications
    (A0050=2) and an inactivation (A0050=3) with X0800 01, 02, … The full signed record is kept with its hash."""

    assessment = ForeignKey(references=Assessment, index=True)
    number = Integer()
    a0050 = Varchar(length=1)
    x0800 = Varchar(length=2, default="")
    reasons = Varchar(length=200, default="")  # X0900x / X1050x codes, comma-separated
    other_text = Text(default="")
    answers = JSON(default="{}")
    content_hash = Varchar(length=64)
    signed_by = ForeignKey(references=User)
    signer_name = Varchar(length=200, default="")
    signed_on = Date()
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
