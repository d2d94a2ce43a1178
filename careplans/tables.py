"""Care-plan tables: CAA worksheet rows (Section V), the resident's care plan (problems, goals,
interventions), IDT conferences, progress notes and intervention documentation.

Clinical rows carry `version` (optimistic locking, 409 on a stale save) and `active` (never deleted:
database triggers refuse DELETE; a problem is *resolved*, an intervention *discontinued*). Every
change also appends a `CarePlanEvent`, the history shown beside the plan (the audit trail keeps the
tamper-evident copy).

Assessments live in the MDS domain; they are referenced by id (`assessment_id`) without a foreign
key so the two domains can migrate independently.
"""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from facility.tables import Clinical, ClinicalStamped, Entry, Facility, Resident, Row, User


class CaaDecision(ClinicalStamped, Table):
    """One row of the CAA worksheet for one triggered care area of one assessment (V0200AnnA/B).

    `care_plan`: "" = not decided, "yes" = addressed in the care plan (V0200AnnB=1), "no" = not care
    planned (the rationale is then required, RAI ch. 4).
    """

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    assessment_id = Integer(index=True)
    caa = Integer()
    care_plan = Varchar(length=3, default="")
    analysis = Text(default="")  # analysis of findings: causes, risk factors, complications
    rationale = Text(default="")
    location = Varchar(length=200, default="")  # where the CAA documentation is
    documented_on = Date(null=True, default=None)
    signed_by = ForeignKey(references=User, null=True)
    signed_name = Varchar(length=200, default="")
    signed_title = Varchar(length=40, default="")


class CarePlan(Clinical, Table):
    """The resident's plan as a whole: baseline completion (F655) and overall status."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident, unique=True)
    baseline_completed_at = Timestamptz(null=True, default=None)
    # Baseline care plan content (42 CFR 483.21(a)(1)-(3)): what the plan holds within 48 hours of admission.
    baseline_goals = Text(default="")  # initial goals based on the admission orders
    baseline_physician_orders = Text(default="")
    baseline_dietary_orders = Text(default="")
    baseline_therapy = Text(default="")  # therapy services
    baseline_social = Text(default="")  # social services
    baseline_pasarr_applies = Boolean(default=False)  # a PASARR Level II recommendation exists
    baseline_pasarr = Text(default="")  # the PASARR recommendation, when it applies
    baseline_summary_to = Varchar(length=200, default="")  # who received the summary
    baseline_summary_on = Date(null=True, default=None)


class Problem(Clinical, Table):
    """A care-plan problem (focus). Linked to its CAA and the MDS items that raised it, or marked
    "not from a trigger" with the reason (caa null, `not_triggered_reason` set)."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    focus = Text()
    caa = Integer(null=True, default=None)
    assessment_id = Integer(null=True, default=None)
    trigger_items = JSON(default=[])  # [{"item": "J1800", "value": "1", "label": "…"}] as triggered
    not_triggered_reason = Text(default="")
    library_id = Varchar(length=40, default="")
    status = Varchar(length=10, default="active")  # active | resolved
    needs_changed_at = Timestamptz(null=True, default=None)  # change in condition requiring revision
    reviewed_on = Date(null=True, default=None)  # last IDT review of this problem
    review_due = Date(
        null=True, default=None
    )  # next review set by the team (null: by the assessment schedule)
    last_revised_at = Timestamptz(default=TimestamptzNow())


class Goal(Clinical, Table):
    problem = ForeignKey(references=Problem)
    text = Text()
    target_date = Date(null=True, default=None)
    met = Boolean(default=False)


class Intervention(Clinical, Table):
    problem = ForeignKey(references=Problem)
    text = Text()
    discipline = Varchar(length=30, default="nursing")  # library code
    frequency = Varchar(length=30, default="daily")  # library code
    responsible_role = Varchar(length=10, default="LPN")  # library code
    status = Varchar(length=15, default="active")  # active | discontinued


class InterventionRecord(Entry, Table):
    """Nursing documentation of one intervention: done, refused or not done, at a time."""

    intervention = ForeignKey(references=Intervention)
    resident = ForeignKey(references=Resident)
    facility = ForeignKey(references=Facility)
    status = Varchar(length=10)  # done | refused | not_done
    at = Timestamptz()
    note = Text(default="")


class ProgressNote(Entry, Table):
    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    written_at = Timestamptz()
    text = Text()


class Conference(Entry, Table):
    """IDT care-plan conference / review, with resident and family participation (483.21(b)(2)(ii))."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    held_on = Date()
    attendees = Text(default="")
    resident_participated = Boolean(default=False)
    family_participated = Boolean(default=False)
    family_names = Varchar(length=200, default="")
    summary = Text(default="")


class CarePlanSignature(Clinical, Table):
    """A signature recorded on the care plan: the resident or representative, or an IDT member
    (483.21(b)(2)(ii)). Printed on the care-plan PDF beside blank lines for wet signatures."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    name = Varchar(length=200)
    role = Varchar(length=20)  # careplans.rules.signatures.ROLES
    signed_on = Date()


class CarePlanEvent(Row, Table):
    """History of the plan (append-only): who changed what, shown beside the plan."""

    facility = ForeignKey(references=Facility)
    resident = ForeignKey(references=Resident)
    object_type = Varchar(length=20)
    object_id = Integer()
    action = Varchar(length=20)
    summary = Text(default="")
    actor = Varchar(length=80, default="")
    at = Timestamptz(default=TimestamptzNow())
