"""Survey-readiness tables: the facility's own surveys and CMS-2567 findings, plans of correction,
corrective tasks, monitoring audits, recommendations — and the CMS public deficiency rows.

Clinical rows follow the facility conventions (`version` for optimistic locking, `active` instead
of DELETE — triggers refuse deletes —, `created_by`/`updated_by`). Every row that a user can reach
by id carries `facility` so the tenant check is one comparison.

`CmsDeficiency` holds the CMS Provider Data Catalog "Health Deficiencies" rows (public data, keyed by
CCN, not by our facility ids): it is kept apart from the facility's own surveys on purpose — a
facility's CCN links the two only for display and scoring.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import Clinical, ClinicalStamped, Entry, Facility, Resident, Row, User


class Survey(ClinicalStamped, Table):
    """One survey event (standard recertification, complaint, revisit or focused infection control)."""

    facility = ForeignKey(references=Facility)
    kind = Varchar(length=20)  # standard | complaint | revisit | infection_control
    start_date = Date()  # entrance conference
    exit_date = Date()  # exit conference; the 2567 follows within 10 business days
    received_2567 = Date(null=True, default=None)  # starts the 10-calendar-day POC clock
    team = Text(default="")  # surveyor names / team lead, free text as on the 2567
    notes = Text(default="")


class Finding(ClinicalStamped, Table):
    """One deficiency as on the CMS-2567: ID prefix tag, scope/severity, the surveyor's narrative."""

    survey = ForeignKey(references=Survey)
    facility = ForeignKey(references=Facility)
    tag = Varchar(length=5)  # as cited, canonical "F0689" (a retired tag is shown with its successor)
    scope_severity = Varchar(length=1)  # A–L
    narrative = Text(default="")
    sqc = Boolean(default=False)  # the surveyor's substandard-quality-of-care determination
    past_noncompliance = Boolean(default=False)
    idr = Varchar(length=10, default="")  # "" | idr | iidr (informal / independent dispute resolution)
    idr_outcome = Varchar(length=20, default="")  # "" | pending | upheld | modified | deleted
    status = Varchar(length=20, default="open")  # open | corrected


class FindingResident(Entry, Table):
    """A resident involved in a finding (the 2567 names them 'Resident #n'; here a linked record)."""

    finding = ForeignKey(references=Finding)
    resident = ForeignKey(references=Resident)


class Evidence(Entry, Table):
    """An evidence file kept in the database (never written to a path built from the user's name)."""

    finding = ForeignKey(references=Finding)
    facility = ForeignKey(references=Facility)
    filename = Varchar(length=255)  # shown only, never used as a path
    content_type = Varchar(length=100)
    size_bytes = Integer(default=0)
    sha256 = Varchar(length=64, default="")
    data = Bytea()


class Poc(ClinicalStamped, Table, tablename="plan_of_correction"):
    """Plan of correction for one finding: the five SOM §7304D elements and the DON → administrator sign-off."""

    finding = ForeignKey(references=Finding)
    facility = ForeignKey(references=Facility)
    affected_residents = Text(default="")
    others_at_risk = Text(default="")
    systemic_changes = Text(default="")
    monitoring = Text(default="")
    completion_date = Date(null=True, default=None)
    don_signed_by = ForeignKey(references=User, null=True, default=None)
    don_signed_name = Varchar(length=200, default="")
    don_signed_on = Date(null=True, default=None)
    admin_signed_by = ForeignKey(references=User, null=True, default=None)
    admin_signed_name = Varchar(length=200, default="")
    admin_signed_on = Date(null=True, default=None)


class CorrectiveTask(Clinical, Table):
    poc = ForeignKey(references=Poc)
    facility = ForeignKey(references=Facility)
    title = Varchar(length=200)
    owner = Varchar(length=100)
    due_date = Date()
    status = Varchar(length=20, default="open")  # open | in_progress | done


class MonitoringAudit(Clinical, Table):
    poc = ForeignKey(references=Poc)
    facility = ForeignKey(references=Facility)
    tool = Varchar(length=200)
    sample_size = Integer()
    frequency = Varchar(length=10)  # weekly | monthly
    threshold_pct = Real()
    periods_to_close = Integer(default=3)


class MonitoringResult(Entry, Table):
    audit = ForeignKey(references=MonitoringAudit)
    facility = ForeignKey(references=Facility)
    period_start = Date()
    sampled = Integer()
    compliant = Integer()


class Recommendation(ClinicalStamped, Table):
    """The coordinator's recommendations for improving nursing services, with their rationale."""

    facility = ForeignKey(references=Facility)
    recommendation = Text()
    rationale = Text()
    basis = Varchar(length=30)  # finding | quality_measure | care_plan_compliance | other
    finding = ForeignKey(references=Finding, null=True, default=None)
    measure = Varchar(length=100, default="")  # QM code/name when basis = quality_measure
    decision = Varchar(length=20, default="pending")  # pending | accepted | declined | deferred
    decision_note = Text(default="")
    outcome = Text(default="")


class CmsDeficiency(Row, Table):
    """A row of the CMS PDC Health Deficiencies file (r5ix-sfxw), upserted on its natural key."""

    natural_key = Varchar(
        length=30, unique=True
    )  # "CCN|YYYY-MM-DD|F0656" — a 2567 cites a tag once per survey
    ccn = Varchar(length=6, index=True)
    provider_name = Varchar(length=200, default="")
    state = Varchar(length=2, default="")
    survey_date = Date()
    tag = Varchar(length=5)
    category = Varchar(length=100, default="")
    description = Text(default="")
    scope_severity = Varchar(length=1)
    correction_status = Varchar(length=60, default="")
    correction_date = Date(null=True, default=None)
    inspection_cycle = Integer(default=1)
    standard = Boolean(default=True)
    complaint = Boolean(default=False)
    infection_control = Boolean(default=False)
    under_idr = Boolean(default=False)
    under_iidr = Boolean(default=False)
    processing_date = Date()
    imported_at = Timestamptz(default=TimestamptzNow())
