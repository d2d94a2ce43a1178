"""CAA worksheet (MDS Section V) logic: per triggered care area a care-planning decision.

RAI Manual ch. 4 (§4.6–4.10) and Section V: for each triggered area (V0200AnnA) the IDT analyses
the findings, decides whether the area is addressed in the care plan (V0200AnnB), and records
where and when the CAA documentation is; the RN coordinator signs/dates the CAA process
(V0200B1/B2) and the person completing the care-plan decision signs/dates it (V0200C1/C2).
Edit -3851 orders the dates: Z0500B <= V0200B2 <= V0200C2. The care plan is due within 7 days
after V0200B2 (42 CFR 483.21(b)(2)(i), F657).

A comprehensive assessment cannot be completed while any triggered area lacks a decision; a
"no care plan" decision needs its reason (RAI ch. 4: document why the area is not care planned).
Only comprehensive assessments carry the process; on others triggers are information only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from careplans.i18n import T_
from careplans.rules.triggers import CARE_AREAS, TriggeredArea
from facility.core.forms import N_

CARE_PLAN_DUE_DAYS = 7

MESSAGES: dict[str, str] = {
    "no_decision": N_("CAA %(caa)s %(area)s: no care-planning decision yet"),
    "no_rationale": N_("CAA %(caa)s %(area)s: 'no care plan' needs a documented reason"),
    "no_analysis": N_("CAA %(caa)s %(area)s: analysis of findings is missing"),
    "no_location": N_("CAA %(caa)s %(area)s: location and date of the CAA documentation are missing"),
    "no_v0200b": N_("V0200B: the RN coordinator has not signed and dated the CAA process"),
    "no_v0200c": N_("V0200C: the care-plan decision has not been signed and dated"),
    "v0200b_before_z0500b": N_("V0200B2 %(b2)s is before the assessment completion date Z0500B %(z)s"),
    "v0200c_before_v0200b": N_("V0200C2 %(c2)s is before V0200B2 %(b2)s"),
    "v0200c_late": N_("V0200C2 %(c2)s is more than 7 days after CAA completion V0200B2 %(b2)s"),
}


@dataclass(frozen=True, slots=True)
class AreaDecision:
    """The IDT's decision for one triggered care area (one V0200A row)."""

    caa: int
    care_plan: bool | None  # None = not decided yet
    analysis: str = ""  # analysis of findings (causes, risk factors, complications)
    rationale: str = ""  # required when care_plan is False
    location: str = ""  # where the CAA documentation is, e.g. "CAA note 2025-10-03"
    documented_on: date | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    title: str
    signed_on: date


@dataclass(frozen=True, slots=True)
class SectionVSignatures:
    v0200b: Signature | None  # RN coordinator, CAA process (V0200B1/B2)
    v0200c: Signature | None  # care-plan decision (V0200C1/C2)
    z0500b: date | None = None  # assessment completion date, for the -3851 date order


@dataclass(frozen=True, slots=True)
class WorksheetProblem:
    code: str
    caa: int | None
    message: Mapping[str, str]  # translated when read: message["en"], message["es"]


def _problem(code: str, caa: int | None = None, **fmt: object) -> WorksheetProblem:
    return WorksheetProblem(code, caa, T_(MESSAGES[code], caa=caa, **fmt))


def _area_name(area: TriggeredArea) -> Mapping[str, str]:
    """The CMS care-area name in each language (reference data: careplans.triggers.CARE_AREAS)."""
    return {"en": area.area, "es": area.area_es}


def _decision_problems(area: TriggeredArea, decision: AreaDecision | None) -> list[WorksheetProblem]:
    if decision is None or decision.care_plan is None:
        return [_problem("no_decision", area.caa, area=_area_name(area))]
    problems = []
    if not decision.analysis.strip():
        problems.append(_problem("no_analysis", area.caa, area=_area_name(area)))
    if decision.care_plan is False and not decision.rationale.strip():
        problems.append(_problem("no_rationale", area.caa, area=_area_name(area)))
    if not decision.location.strip() or decision.documented_on is None:
        problems.append(_problem("no_location", area.caa, area=_area_name(area)))
    return problems


def _signature_problems(signatures: SectionVSignatures) -> list[WorksheetProblem]:
    problems = []
    b, c = signatures.v0200b, signatures.v0200c
    if b is None or not b.name.strip():
        problems.append(_problem("no_v0200b"))
    if c is None or not c.name.strip():
        problems.append(_problem("no_v0200c"))
    if b and signatures.z0500b and b.signed_on < signatures.z0500b:
        problems.append(_problem("v0200b_before_z0500b", b2=b.signed_on, z=signatures.z0500b))
    if b and c and c.signed_on < b.signed_on:
        problems.append(_problem("v0200c_before_v0200b", c2=c.signed_on, b2=b.signed_on))
    if b and c and c.signed_on > care_plan_due(b.signed_on):
        problems.append(_problem("v0200c_late", c2=c.signed_on, b2=b.signed_on))
    return problems


def can_complete(
    triggered: Iterable[TriggeredArea],
    decisions: Mapping[int, AreaDecision] | Iterable[AreaDecision],
    *,
    signatures: SectionVSignatures | None = None,
) -> list[WorksheetProblem]:
    """Problems that block completing the assessment's CAA process; [] means it may complete.

    Triggers on non-comprehensive assessments (caa_process False) need no decision. Signatures
    are checked only when given (the decision step comes before signing).
    """
    by_caa = decisions if isinstance(decisions, Mapping) else {d.caa: d for d in decisions}
    problems = [
        p for area in triggered if area.caa_process for p in _decision_problems(area, by_caa.get(area.caa))
    ]
    if signatures is not None:
        problems.extend(_signature_problems(signatures))
    return problems


def care_plan_due(v0200b2: date) -> date:
    """Last day for the care plan: 7 calendar days after CAA completion (483.21(b)(2)(i))."""
    return v0200b2 + timedelta(days=CARE_PLAN_DUE_DAYS)


def _yyyymmdd(d: date | None) -> str:
    return d.strftime("%Y%m%d") if d else "^"


def section_v_items(
    triggered: Iterable[TriggeredArea],
    decisions: Mapping[int, AreaDecision],
    signatures: SectionVSignatures | None = None,
) -> dict[str, str]:
    """Section V values for the record: V0200AnnA (triggered), V0200AnnB (care planned), V0200B2/C2."""
    fired = {t.caa for t in triggered}
    items: dict[str, str] = {}
    for area in CARE_AREAS:
        n = f"{area.caa:02d}"
        items[f"V0200A{n}A"] = "1" if area.caa in fired else "0"
        decision = decisions.get(area.caa)
        items[f"V0200A{n}B"] = "1" if decision is not None and decision.care_plan else "0"
    if signatures is not None:
        items["V0200B2"] = _yyyymmdd(signatures.v0200b.signed_on if signatures.v0200b else None)
        items["V0200C2"] = _yyyymmdd(signatures.v0200c.signed_on if signatures.v0200c else None)
    return items
