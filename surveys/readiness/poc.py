"""Plan of correction (POC) rules: the five elements, deadlines, sign-off, tasks, monitoring audits,
and the mock-survey checklist. Pure functions over plain data (SOM ch. 7 §7304D; SOM Appendix PP).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from facility.core.forms import N_, NC_
from facility.web.i18n import LazyText
from surveys.i18n import T_
from surveys.readiness import ftags, severity

POC_DUE_DAYS = 10  # calendar days after receipt of the CMS-2567 (proactiveltcexperts.com; qsource.org)
FORM_2567_BUSINESS_DAYS = 10  # the facility receives the 2567 within 10 business days of exit (same sources)
MIN_ELEMENT_CHARS = 15  # below this an element is a placeholder ("see attached", "n/a"), not a plan

# SOM §7304D (quoted in MDH IB 04-18): what an acceptable POC must address, in the 2567 order.
ELEMENTS: dict[str, LazyText] = {
    "affected_residents": T_("Corrective action for the residents found to have been affected"),
    "others_at_risk": T_("How other residents with the potential to be affected will be identified"),
    "systemic_changes": T_("Measures or systemic changes so the deficient practice does not recur"),
    "monitoring": T_("How performance will be monitored so the correction is sustained (QAPI)"),
    "completion_date": T_("Completion date"),
}

MESSAGES: dict[str, str] = {
    "element_missing": N_("The plan of correction for %(tag)s is missing: %(element)s."),
    "element_too_short": N_(
        "%(element)s for %(tag)s is too short to describe an action (at least %(min)s characters)."
    ),
    "completion_before_survey": N_(
        "The completion date for %(tag)s (%(date)s) is before the survey exit date (%(exit)s)."
    ),
    "poc_not_required": N_("No plan of correction is required for %(tag)s at level %(level)s."),
    "poc_not_required_past": N_(
        "No plan of correction is required for %(tag)s at level %(level)s (past noncompliance)."
    ),
    "signoff_out_of_order": N_("The %(role)s cannot sign yet: the %(expected)s signs first."),
    "signoff_complete": N_("The plan of correction is already signed by the DON and the administrator."),
    "signoff_invalid_poc": N_(
        "The plan of correction cannot be signed until all five elements are complete."
    ),
    "task_overdue": N_("Task '%(title)s' (%(owner)s) was due %(due)s."),
    "audit_below_threshold": N_(
        "%(tool)s: %(rate)s%% compliance in the period starting %(period)s, below the %(threshold)s%% threshold."
    ),
    "audit_sample_short": N_(
        "%(tool)s: %(sampled)s records audited in the period starting %(period)s; the plan calls for %(size)s."
    ),
    "audit_result_late": N_("%(tool)s: no %(frequency)s result recorded since %(last)s."),
}

ROLE_TEXT = {
    "don": NC_("signing role in a sentence", "Director of Nursing"),
    "administrator": NC_("signing role in a sentence", "Administrator"),
}
SIGNOFF_ORDER = (
    "don",
    "administrator",
)  # the DON owns the clinical plan; the administrator signs the 2567 (X6)


@dataclass(frozen=True)
class Issue:
    code: str  # message id
    messages: Mapping[str, str]  # LazyText: translated when read, messages["es"]
    element: str | None = None


def _issue(code: str, on: str | None = None, **params: object) -> Issue:
    """`on` = the POC element the issue belongs to; params fill the message templates."""
    return Issue(code, T_(MESSAGES[code], **params), on)


class PocError(ValueError):
    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        super().__init__(issue.messages["en"])


# --- the plan and its deadlines --------------------------------------------------------------


@dataclass(frozen=True)
class PlanOfCorrection:
    tag: str
    scope_severity: str
    affected_residents: str = ""
    others_at_risk: str = ""
    systemic_changes: str = ""
    monitoring: str = ""
    completion_date: date | None = None
    past_noncompliance: bool = False


def poc_required(scope_severity: str, past_noncompliance: bool = False) -> bool:
    """SOM §7304D: required for every deficiency other than level A, except past noncompliance."""
    return severity.parse(scope_severity).poc_required and not past_noncompliance


def validate(poc: PlanOfCorrection, survey_exit: date | None = None) -> list[Issue]:
    """Problems that make the POC unacceptable; an empty list means all five elements are there.
    For a deficiency that needs no POC (level A, past noncompliance) the one issue is that note."""
    tag = ftags.resolve(poc.tag).display
    if not poc_required(poc.scope_severity, poc.past_noncompliance):
        message = MESSAGES["poc_not_required_past" if poc.past_noncompliance else "poc_not_required"]
        return [Issue("poc_not_required", T_(message, tag=tag, level=poc.scope_severity))]
    issues: list[Issue] = []
    for element in ("affected_residents", "others_at_risk", "systemic_changes", "monitoring"):
        text = " ".join(str(getattr(poc, element)).split())
        if not text:
            issues.append(_element_issue("element_missing", element, tag))
        elif len(text) < MIN_ELEMENT_CHARS:
            issues.append(_element_issue("element_too_short", element, tag, min=MIN_ELEMENT_CHARS))
    if poc.completion_date is None:
        issues.append(_element_issue("element_missing", "completion_date", tag))
    elif survey_exit and poc.completion_date < survey_exit:
        issues.append(
            _issue(
                "completion_before_survey",
                "completion_date",
                tag=tag,
                date=poc.completion_date,
                exit=survey_exit,
            )
        )
    return issues


def _element_issue(code: str, element: str, tag: str, **params: object) -> Issue:
    # the element's name is a message too: each language gets it in that language
    return Issue(code, T_(MESSAGES[code], tag=tag, element=ELEMENTS[element], **params), element)


def poc_due_date(received_2567: date) -> date:
    """Due 10 calendar days after the facility receives the CMS-2567 (weekends count)."""
    return received_2567 + timedelta(days=POC_DUE_DAYS)


def expected_2567_receipt(survey_exit: date) -> date:
    """Latest expected receipt: 10 business days (Mon–Fri; federal holidays not modelled) after exit."""
    day, left = survey_exit, FORM_2567_BUSINESS_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def poc_days_left(received_2567: date, today: date) -> int:
    """Days until the POC is due; negative once overdue."""
    return (poc_due_date(received_2567) - today).days


def poc_overdue(received_2567: date, today: date, submitted_on: date | None = None) -> bool:
    due = poc_due_date(received_2567)
    return (submitted_on or today) > due


# --- sign-off: DON, then administrator ------------------------------------------------------


@dataclass(frozen=True)
class SignOff:
    role: str
    signed_by: str
    signed_on: date


def next_signer(signoffs: Sequence[SignOff]) -> str | None:
    done = {s.role for s in signoffs}
    return next((role for role in SIGNOFF_ORDER if role not in done), None)


def sign(
    signoffs: Sequence[SignOff],
    role: str,
    signed_by: str,
    signed_on: date,
    poc: PlanOfCorrection | None = None,
) -> tuple[SignOff, ...]:
    """Add a signature in routing order; raises PocError (en/es) when out of order or incomplete."""
    if poc is not None and poc_required(poc.scope_severity, poc.past_noncompliance) and validate(poc):
        raise PocError(_issue("signoff_invalid_poc"))
    expected = next_signer(signoffs)
    if expected is None:
        raise PocError(_issue("signoff_complete"))
    if role != expected:
        raise PocError(
            _issue(
                "signoff_out_of_order",
                role=ROLE_TEXT[role],
                expected=ROLE_TEXT[expected],
            )
        )
    return (*signoffs, SignOff(role, signed_by, signed_on))


# --- corrective tasks ------------------------------------------------------------------------

TASK_STATUSES = ("open", "in_progress", "done")


@dataclass(frozen=True)
class CorrectiveTask:
    title: str
    owner: str
    due: date
    status: str = "open"


def task_overdue(task: CorrectiveTask, today: date) -> bool:
    """Overdue the day after its due date while not done."""
    return task.status != "done" and today > task.due


def overdue_tasks(tasks: Iterable[CorrectiveTask], today: date) -> list[Issue]:
    return [
        _issue("task_overdue", title=t.title, owner=t.owner, due=t.due.isoformat())
        for t in sorted(tasks, key=lambda t: t.due)
        if task_overdue(t, today)
    ]


# --- monitoring audits -----------------------------------------------------------------------

FREQUENCY_DAYS = {"weekly": 7, "monthly": 31}
FREQUENCY_TEXT = {"weekly": NC_("audit frequency", "weekly"), "monthly": NC_("audit frequency", "monthly")}


@dataclass(frozen=True)
class AuditResult:
    period_start: date
    sampled: int
    compliant: int

    @property
    def rate(self) -> float:
        return round(100 * self.compliant / self.sampled, 1) if self.sampled else 0.0


@dataclass(frozen=True)
class MonitoringAudit:
    """E.g. 'Fall-risk care plan audit', 10 charts weekly, closes at ≥ 90% for 3 periods running.
    Industry practice reports audits to QAPI for about 90 days."""

    tool: str
    sample_size: int
    frequency: str  # weekly | monthly
    threshold_pct: float
    periods_to_close: int = 3
    results: tuple[AuditResult, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AuditStatus:
    state: str  # no_data | below_threshold | monitoring | met
    latest_rate: float | None
    periods_met_in_row: int
    flags: tuple[Issue, ...]

    @property
    def can_close(self) -> bool:
        return self.state == "met"


def _meets(audit: MonitoringAudit, result: AuditResult) -> bool:
    return result.sampled >= audit.sample_size and result.rate >= audit.threshold_pct


def audit_status(audit: MonitoringAudit, today: date | None = None) -> AuditStatus:
    """Where an audit stands: met (threshold held for `periods_to_close` periods in a row, each with
    the full sample), below threshold (the latest period failed), or still monitoring."""
    results = sorted(audit.results, key=lambda r: r.period_start)
    flags: list[Issue] = []
    for r in results:
        if r.sampled < audit.sample_size:
            flags.append(
                _issue(
                    "audit_sample_short",
                    tool=audit.tool,
                    sampled=r.sampled,
                    period=r.period_start,
                    size=audit.sample_size,
                )
            )
        if r.rate < audit.threshold_pct:
            flags.append(
                _issue(
                    "audit_below_threshold",
                    tool=audit.tool,
                    rate=r.rate,
                    period=r.period_start,
                    threshold=audit.threshold_pct,
                )
            )
    if today and (
        not results or (today - results[-1].period_start).days > 2 * FREQUENCY_DAYS[audit.frequency]
    ):
        last = results[-1].period_start.isoformat() if results else "—"
        flags.append(
            _issue("audit_result_late", tool=audit.tool, frequency=FREQUENCY_TEXT[audit.frequency], last=last)
        )
    if not results:
        return AuditStatus("no_data", None, 0, tuple(flags))
    in_row = 0
    for r in reversed(results):
        if not _meets(audit, r):
            break
        in_row += 1
    if in_row >= audit.periods_to_close:
        state = "met"
    elif results[-1].rate < audit.threshold_pct:
        state = "below_threshold"  # a short sample at or above threshold is flagged, not failing
    else:
        state = "monitoring"
    return AuditStatus(state, results[-1].rate, in_row, tuple(flags))


def failing_audits(audits: Iterable[MonitoringAudit]) -> list[MonitoringAudit]:
    return [a for a in audits if audit_status(a).state == "below_threshold"]


# --- mock-survey checklist -------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    cfr: str  # "483.25"
    group: str
    tags: tuple[str, ...]
    text: dict[str, str]


# What surveyors look at, per regulatory group (SOM Appendix PP tag contents; LTCSP
# mandatory facility tasks, entrance-conference documents, most-cited tags F880/F689/F812/F684/F656).
_CHECKS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("483.10", ("F0550", "F0584"), "Observe dignity during care and a safe, clean, homelike environment.",
     "Observar la dignidad durante el cuidado y un entorno seguro, limpio y hogareño."),
    ("483.10", ("F0580",), "Check that changes in condition were notified to the physician and representative.",
     "Comprobar que los cambios de estado se notificaron al médico y al representante."),
    ("483.12", ("F0600", "F0609", "F0610"), "Review abuse policies, incident reports, reporting within required timeframes and investigations.",
     "Revisar las políticas de abuso, los informes de incidentes, la notificación en plazo y las investigaciones."),
    ("483.12", ("F0605",), "Review psychotropic and antipsychotic use: diagnosis, consent, GDR attempts (F605 absorbed F758 in 2025).",
     "Revisar el uso de psicotrópicos y antipsicóticos: diagnóstico, consentimiento, intentos de GDR (F605 absorbió F758 en 2025)."),
    ("483.15", ("F0620", "F0627", "F0628"), "Check admission agreements (no third-party guarantee) and transfer/discharge notices.",
     "Revisar los contratos de admisión (sin garantía de terceros) y los avisos de traslado o alta."),
    ("483.20", ("F0636", "F0637", "F0638"), "Confirm every comprehensive, significant-change and quarterly MDS is on time.",
     "Confirmar que cada MDS completo, de cambio significativo y trimestral está a tiempo."),
    ("483.20", ("F0640", "F0641"), "Confirm MDS transmission within 7 days and spot-check coding accuracy against the record.",
     "Confirmar la transmisión del MDS en 7 días y verificar la exactitud de la codificación con el expediente."),
    ("483.21", ("F0655",), "Baseline care plan within 48 hours of admission, with a written summary given to the resident.",
     "Plan de cuidados inicial en 48 horas desde la admisión, con un resumen escrito entregado al residente."),
    ("483.21", ("F0656", "F0657"), "Comprehensive care plan within 7 days of the assessment, measurable goals, revised after each MDS.",
     "Plan de cuidados integral en 7 días tras la evaluación, metas medibles, revisado tras cada MDS."),
    ("483.24", ("F0677", "F0678", "F0679"), "Observe ADL help for dependent residents, CPR status in the record, and activities.",
     "Observar la ayuda con las AVD a residentes dependientes, el estado de RCP en el expediente y las actividades."),
    ("483.25", ("F0684", "F0686", "F0689"), "Walk the units: pressure-ulcer care, fall interventions in place, supervision and hazards.",
     "Recorrer las unidades: cuidado de úlceras por presión, medidas contra caídas, supervisión y riesgos."),
    ("483.25", ("F0690", "F0692", "F0697"), "Review catheter/UTI care, weight loss and hydration, and pain management.",
     "Revisar el cuidado de sondas e infecciones urinarias, la pérdida de peso e hidratación y el manejo del dolor."),
    ("483.30", ("F0710", "F0712"), "Check physician visits are timely and orders are signed.",
     "Comprobar que las visitas médicas son puntuales y las órdenes están firmadas."),
    ("483.35", ("F0725", "F0727", "F0732"), "Sufficient and competent staffing task: schedules, RN 8 h/7 d, posted staffing.",
     "Tarea de personal suficiente y competente: horarios, RN 8 h/7 días, dotación publicada."),
    ("483.40", ("F0742", "F0744"), "Review behavioral-health and dementia care plans and non-drug interventions.",
     "Revisar los planes de salud conductual y de demencia y las intervenciones no farmacológicas."),
    ("483.45", ("F0756", "F0761"), "Medication storage/labeling task and pharmacist drug regimen reviews acted on.",
     "Tarea de almacenamiento y etiquetado de medicamentos y revisiones farmacéuticas atendidas."),
    ("483.45", ("F0759", "F0760"), "Medication administration task: observe a med pass (error rate under 5%).",
     "Tarea de administración de medicamentos: observar un pase de medicación (tasa de errores inferior al 5%)."),
    ("483.50", ("F0770",), "Check lab and radiology results are obtained and reported to the physician promptly.",
     "Comprobar que los resultados de laboratorio y radiología se obtienen y se comunican al médico a tiempo."),
    ("483.55", ("F0791",), "Check dental services and referrals for residents with dental problems.",
     "Comprobar los servicios dentales y las derivaciones de residentes con problemas dentales."),
    ("483.60", ("F0812",), "Kitchen task: food storage, labeling and dating, temperatures, hand hygiene.",
     "Tarea de cocina: almacenamiento, etiquetado y fechado de alimentos, temperaturas, higiene de manos."),
    ("483.60", ("F0800", "F0803"), "Dining task: observe meals, menus followed and assistance provided.",
     "Tarea de comedor: observar las comidas, el cumplimiento de menús y la ayuda prestada."),
    ("483.65", ("F0825",), "Check ordered therapy services are provided.",
     "Comprobar que se prestan los servicios de terapia ordenados."),
    ("483.70", ("F0838", "F0851"), "Facility assessment current; PBJ staffing submissions complete (surveyors review PBJ beforehand).",
     "Evaluación de la instalación al día; envíos de personal PBJ completos (los inspectores revisan el PBJ antes)."),
    ("483.75", ("F0865", "F0867"), "QAPI: show the plan, recent performance-improvement projects and meeting minutes.",
     "QAPI: mostrar el plan, los proyectos de mejora recientes y las actas de reuniones."),
    ("483.80", ("F0880",), "Infection control task: hand hygiene, PPE and transmission-based precautions, surveillance log.",
     "Tarea de control de infecciones: higiene de manos, EPP y precauciones por transmisión, registro de vigilancia."),
    ("483.80", ("F0881", "F0883"), "Antibiotic stewardship records and influenza/pneumococcal immunization offers.",
     "Registros de uso racional de antibióticos y ofrecimiento de vacunas contra gripe y neumococo."),
    ("483.85", ("F0895",), "Compliance and ethics program documented.",
     "Programa de cumplimiento y ética documentado."),
    ("483.90", ("F0919", "F0921"), "Call lights working in rooms and bathrooms; environment safe and clean.",
     "Timbres de llamada funcionando en habitaciones y baños; entorno seguro y limpio."),
    ("483.95", ("F0943", "F0947"), "Training records: abuse and dementia training, nurse-aide in-service hours.",
     "Registros de formación: abuso y demencia, horas de formación continua de auxiliares."),
    ("483.5", ("F0540",), "Definitions: nothing to inspect on its own; used by the other groups.",
     "Definiciones: nada que inspeccionar por sí solo; lo usan los demás grupos."),
)  # fmt: skip


def mock_survey_checklist(group: str | None = None) -> list[ChecklistItem]:
    """Checklist items, in regulation order, for one regulatory group (name or '483.25') or all."""
    names = {cfr.removeprefix("42 CFR "): name for cfr, name in ftags.regulatory_groups()}
    wanted = None
    if group is not None:
        wanted = group.removeprefix("42 CFR ").strip()
        wanted = next((cfr for cfr, name in names.items() if name == group), wanted)
    items = [
        ChecklistItem(cfr, names[cfr], tags, {"en": en, "es": es})
        for cfr, tags, en, es in _CHECKS
        if wanted is None or cfr == wanted
    ]
    return sorted(items, key=lambda i: [int(p) for p in i.cfr.split(".")])
