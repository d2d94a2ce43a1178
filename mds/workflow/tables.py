"""MDS workflow tables: export batches and submission tracking of assessment records.

An ExportBatch is one zip produced for upload to iQIES (kept, so it can be downloaded again and
audited). An ExportRecord is one record of one batch; its `state` follows mds.record.submission
(exported → submitted → accepted | rejected) with the CMS error ids of a rejection. The current state
of each assessment is mirrored in mds.tables.Assessment.submission_state (what lists and the schedule
read); the records here keep the history (which zip, which version, which result file line).
Never deleted (database triggers in the migration).
"""

from __future__ import annotations

from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import Facility, Row, User
from mds.tables import Assessment


class ExportBatch(Row, Table):
    """One zip of signed records, validated before it was written."""

    facility = ForeignKey(references=Facility)
    created_by = ForeignKey(references=User)
    filename = Varchar(length=120)
    record_count = Integer(default=0)
    excluded_count = Integer(default=0)  # fatal records left out of the zip
    zip_sha256 = Varchar(length=64, default="")
    zip_data = Bytea(default=b"")
    submitted_at = Timestamptz(null=True, default=None)  # when the coordinator marked the batch uploaded
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class ExportRecord(Row, Table):
    """One assessment version in one batch and what CMS said about it."""

    batch = ForeignKey(references=ExportBatch, index=True)
    assessment = ForeignKey(references=Assessment, index=True)
    facility = ForeignKey(references=Facility)
    member = Varchar(length=120)  # file name inside the zip
    a0050 = Varchar(length=1, default="1")
    x0800 = Varchar(length=2, default="")
    content_hash = Varchar(length=64, default="")
    state = Varchar(
        length=20, default="exported"
    )  # exported | submitted | accepted | rejected (mds.record.submission)
    error_ids = Varchar(length=400, default="")  # CMS edit ids of a rejection, space-separated
    result_line = Integer(null=True, default=None)  # line of the final-validation CSV that set the result
    result_at = Timestamptz(null=True, default=None)
    updated_by = ForeignKey(references=User, null=True, default=None)
    active = Boolean(default=True)
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
