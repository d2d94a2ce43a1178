"""MDS tables.

Submission / SubmissionRecord / ValidationIssue hold the results of validating uploaded MDS files, so
the report survives a restart (issue: MDS XML validation). Assessment tables are added below them.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import Facility, User


class Submission(Table):
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


class SubmissionRecord(Table):
    """One record (one ASSESSMENT) of a submission: accepted or rejected."""

    submission = ForeignKey(references=Submission)
    position = Integer()
    source = Varchar(length=300)  # "batch.zip:0001.xml"
    status = Varchar(length=20)  # accepted | rejected
    isc = Varchar(length=4, default="")
    resident_name = Varchar(length=200, default="")
    issue_count = Integer(default=0)


class ValidationIssue(Table):
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
