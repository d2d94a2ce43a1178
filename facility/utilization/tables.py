"""Utilization review tables (payers, Medicare day counts, authorisations, denials/appeals, diagnoses).

Every clinical row has `version` (optimistic locking), `active` (never deleted — triggers installed by the
facility migration `facility_2026_11_25t14_10_00_000000`) and the actors `created_by`/`updated_by`.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import Clinical, ClinicalStamped, Facility, Resident, Row, Stay, User


class UrTarget(Row, Table):
    """A facility's length-of-stay target per payer (days), set by an administrator."""

    facility = ForeignKey(references=Facility)
    payer = Varchar(length=30)
    target_days = Integer()
    active = Boolean(default=True)
    version = Integer(default=1)
    updated_by = ForeignKey(references=User)
    updated_at = Timestamptz(default=TimestamptzNow())


class UrReview(ClinicalStamped, Table):
    """The utilization review of one stay: payer, benefit-period facts, medical necessity and skilled need."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay, unique=True)
    payer = Varchar(length=30, default="")
    # SNF days already used in this benefit period before this facility's stays (from the CWF/HETS eligibility check).
    prior_days_used = Integer(default=0)
    pdpm_category = Varchar(
        length=100, default=""
    )  # PDPM clinical category of I0020B (as the reviewer records it; the MDS HIPPS uses the shipped CMS ICD-10 mapping)
    medical_necessity = Text(default="")
    skilled_need = Text(default="")
    next_review = Date(null=True, default=None)


class PriorAuthorization(Clinical, Table):
    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    payer = Varchar(length=30)
    reference = Varchar(length=40, default="")  # the payer's authorisation number
    start_date = Date()
    end_date = Date()
    approved_days = Integer(default=0)
    status = Varchar(length=20, default="approved")  # requested | approved | denied
    note = Text(default="")


class Denial(Clinical, Table):
    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    payer = Varchar(length=30)
    kind = Varchar(length=30)  # nomnc | denial_letter | claim_denial | adr
    notice_date = Date()
    reason = Text(default="")
    appeal_deadline = Date(null=True, default=None)


class Appeal(Clinical, Table):
    facility = ForeignKey(references=Facility)
    denial = ForeignKey(references=Denial)
    level = Varchar(
        length=30
    )  # expedited_qio | redetermination | reconsideration | alj | plan_appeal | fair_hearing
    filed_date = Date()
    decision_due = Date(null=True, default=None)
    outcome = Varchar(length=20, default="pending")  # pending | overturned | partial | upheld | withdrawn
    outcome_date = Date(null=True, default=None)
    note = Text(default="")


class StayDiagnosis(Clinical, Table):
    """ICD-10-CM codes of a stay: I0020B (primary, the PDPM clinical category) and I8000 (additional)."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    item = Varchar(length=10)  # I0020B | I8000
    code = Varchar(length=8)  # stored without the dot, as on the MDS (e.g. S72001A)
    description = Varchar(length=200, default="")


class TripleCheck(Clinical, Table):
    """The pre-billing Triple Check of one Medicare claim: MDS HIPPS vs claim HIPPS, days, certification."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    claim_from = Date()
    claim_through = Date()
    assessment_id = Integer(null=True, default=None)
    mds_hipps = Varchar(length=5, default="")
    claim_hipps = Varchar(length=5, default="")
    billed_days = Integer(default=0)
    certification_date = Date(null=True, default=None)  # physician certification / recertification signed
    checks = JSON(default={})  # check key -> true/false (the checklist ticks)
    status = Varchar(length=20, default="open")  # open | passed | failed
    note = Text(default="")


class UrCertification(Clinical, Table):
    """A physician's (or NPP's) certification or recertification of a covered stay, 42 CFR 424.20; sequence 0 is
    the certification, 1.. the recertifications. The due dates come from facility.utilization.rules."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    sequence = Integer(default=0)
    signed_date = Date()
    signed_by = Varchar(length=200, default="")  # the certifying physician / NP / CNS / PA
    note = Text(default="")


class UrSkilledService(Clinical, Table):
    """One skilled service furnished on a day (therapy log, skilled nursing note, physician order) — the daily
    evidence of 42 CFR 409.31(b)/409.34 next to what the MDS records show."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    service_date = Date()
    category = Varchar(length=10)  # nursing | rehab
    discipline = Varchar(length=10)  # nursing | pt | ot | slp
    minutes = Integer(default=0)
    source = Varchar(length=20, default="therapy_log")  # therapy_log | nursing_note | order
    description = Text(default="")


class UrNotice(Clinical, Table):
    """A Medicare liability notice: NOMNC (CMS-10123) or SNF ABN (CMS-10055), with its delivery, signature and the
    expedited determination that may follow (BFCC-QIO, 42 CFR 405.1202 / 422.626)."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    kind = Varchar(length=10)  # nomnc | snf_abn
    payer = Varchar(length=30)
    end_reason = Varchar(length=30, default="skilled_ended")
    last_covered_day = Date()
    delivered_date = Date(null=True, default=None)
    delivered_to = Varchar(length=20, default="")  # resident | representative | refused
    signer_name = Varchar(length=200, default="")
    qio_requested = Date(null=True, default=None)
    qio_notified = Date(null=True, default=None)
    denc_delivered = Date(null=True, default=None)
    qio_decided = Date(null=True, default=None)
    qio_outcome = Varchar(length=20, default="")  # '' | upheld | overturned
    note = Text(default="")


class UrDischargePlan(ClinicalStamped, Table):
    """The discharge plan of a stay, started at admission and revised: destination, services after discharge with
    their approvals, the resident's goals (Section Q), education and the hand-off documents."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay, unique=True)
    destination = Varchar(length=30, default="undecided")
    target_date = Date(null=True, default=None)
    services = JSON(default=[])  # [{"service", "provider", "approval"}]
    goals = Text(default="")
    education = Text(default="")
    education_done = Boolean(default=False)
    handoff = JSON(default={})  # document key -> true when sent
    follow_up = Text(default="")


class UrTransferReview(Clinical, Table):
    """The review of one hospital transfer (the log itself is built from stay events and MDS discharge records):
    reason, avoidable yes/no after review, and A2105 when no discharge record carries it. `kind` 'observation'
    records an observation stay that was not an MDS discharge (measure 521 counts those too)."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    stay = ForeignKey(references=Stay)
    transfer_date = Date()
    kind = Varchar(length=20, default="discharge")  # discharge | observation
    a2105 = Varchar(length=2, default="")
    reason = Varchar(length=30, default="")
    avoidable = Varchar(length=5, default="")  # '' (not reviewed) | yes | no
    returned_date = Date(null=True, default=None)  # only for observation stays (discharges return by events)
    note = Text(default="")
