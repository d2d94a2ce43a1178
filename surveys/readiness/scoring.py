"""Five-Star health-inspection score (the points behind the health-inspection star rating).

Method (Five-Star Technical Users' Guide; tests/unit/surveys/test_scoring.py checks it against CMS's method table):
- Standard (recertification) surveys: since the July 2025 Care Compare refresh (QSO-25-20-NH) only
  the 2 most recent count, weighted 75% (cycle 1) / 25% (cycle 2); before, 3 cycles at 1/2, 1/3, 1/6.
- Each deficiency scores by its scope/severity cell (TUG Table 1), with the higher value when it
  is substandard quality of care; past noncompliance at J/K/L scores as G (20).
- Repeat revisits of a standard survey add a share of that cycle's deficiency points:
  1st revisit 0, 2nd 50%, 3rd 70%, 4th 85% (TUG Jan 2026 as transcribed; secondary source).
- Complaint and focused infection-control citations: 36-month look-back, points from the last
  12 months weighted 75% and from months 13–36 weighted 25%. A citation flagged both standard and
  complaint on the PDC file was made on the standard survey and is counted there once.
The stars themselves come from state cut points (top 10% / middle 70% / bottom 20%), which are not
computed here: they need every facility in the state.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from surveys.readiness import ftags, severity

STANDARD_CYCLE_WEIGHTS = (0.75, 0.25)  # since July 2025 (QSO-25-20-NH)
PREVIOUS_CYCLE_WEIGHTS = (1 / 2, 1 / 3, 1 / 6)  # until June 2025, kept for reference
COMPLAINT_LOOKBACK_MONTHS = 36
COMPLAINT_RECENT_MONTHS = 12
COMPLAINT_WEIGHT_RECENT = 0.75  # months 0–12
COMPLAINT_WEIGHT_OLDER = 0.25  # months 13–36
# Percent of the cycle's deficiency points added for the n-th repeat revisit (index = revisits).
REVISIT_PERCENT = (0, 0, 50, 70, 85)

HEALTH_STANDARD = "Health Standard"  # PDC Inspection Dates "type_of_survey"


@dataclass(frozen=True)
class Deficiency:
    """One health citation, as on the CMS-2567 or a PDC Health Deficiencies row."""

    ccn: str
    survey_date: date
    tag: str
    scope_severity: str
    standard: bool = True
    complaint: bool = False
    infection_control: bool = False
    past_noncompliance: bool = False
    sqc: bool | None = None  # the surveyor's SQC determination; None = derive from the tag
    inspection_cycle: int | None = None  # PDC cycle number, informational

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag", ftags.normalize_code(self.tag))
        object.__setattr__(self, "scope_severity", severity.parse(self.scope_severity).code)

    @property
    def key(self) -> tuple[str, date, str]:
        return (self.ccn, self.survey_date, self.tag)

    @property
    def is_sqc(self) -> bool:
        return severity.is_sqc(self.scope_severity, self.tag, self.sqc)

    @property
    def points(self) -> int:
        return severity.points(
            self.scope_severity, sqc=self.is_sqc, past_noncompliance=self.past_noncompliance
        )


@dataclass(frozen=True)
class InspectionDate:
    """A PDC Inspection Dates row (svdt-c123): surveys with and without citations."""

    ccn: str
    survey_date: date
    survey_type: str  # Health Standard | Health Complaint | Infection Control | Fire Safety Standard
    cycle: int | None = None


@dataclass(frozen=True)
class CycleScore:
    cycle: int
    survey_date: date
    deficiency_points: int
    revisit_points: int
    weight: float
    deficiencies: tuple[Deficiency, ...]

    @property
    def points(self) -> int:
        return self.deficiency_points + self.revisit_points


@dataclass(frozen=True)
class ScoreResult:
    ccn: str
    as_of: date
    cycles: tuple[CycleScore, ...]
    complaint_points_recent: int  # months 0–12, unweighted
    complaint_points_older: int  # months 13–36, unweighted
    weighted_score: float
    warnings: tuple[str, ...] = ()

    @property
    def complaint_points(self) -> int:
        return self.complaint_points_recent + self.complaint_points_older

    @property
    def complaint_weighted(self) -> float:
        return (
            COMPLAINT_WEIGHT_RECENT * self.complaint_points_recent
            + COMPLAINT_WEIGHT_OLDER * self.complaint_points_older
        )

    def to_dict(self) -> dict[str, Any]:
        """The `survey-score --format json` shape (issue 7)."""
        return {
            "ccn": self.ccn,
            "cycles": [
                {"cycle": c.cycle, "survey_date": c.survey_date.isoformat(), "points": c.points}
                for c in self.cycles
            ],
            "complaint_points": self.complaint_points,
            "weighted_score": self.weighted_score,
        }


@dataclass(frozen=True)
class ScoreInputs:
    """Everything `score()` needs, kept so the dashboard can re-run it for what-if questions."""

    deficiencies: tuple[Deficiency, ...]
    as_of: date
    inspection_dates: tuple[InspectionDate, ...] = ()
    revisits: Mapping[date, int] = field(default_factory=dict)
    ccn: str | None = None

    def run(self) -> ScoreResult:
        return score(
            self.deficiencies, self.inspection_dates, as_of=self.as_of, revisits=self.revisits, ccn=self.ccn
        )


@dataclass(frozen=True)
class WhatIf:
    before: ScoreResult
    after: ScoreResult

    @property
    def change(self) -> float:
        """Negative = the score drops (fewer points is better)."""
        return round(self.after.weighted_score - self.before.weighted_score, 4)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to month end: 31 Mar - 1 = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def revisit_points(deficiency_points: int, revisits: int) -> int:
    percent = REVISIT_PERCENT[min(revisits, len(REVISIT_PERCENT) - 1)]
    # PDC publishes CYCLE_n_REVISIT_SCORE as an integer; round half up, in integers (45 * 0.7 is 31.4999… in floats).
    return (deficiency_points * percent + 50) // 100


def _single_ccn(deficiencies: list[Deficiency], dates: list[InspectionDate], ccn: str | None) -> str:
    found = {d.ccn for d in deficiencies} | {d.ccn for d in dates}
    if ccn is None:
        if len(found) != 1:
            raise ValueError(f"pass ccn=: the inputs hold {len(found)} facilities")
        return found.pop()
    return ccn


def _standard_dates(deficiencies: list[Deficiency], dates: list[InspectionDate], as_of: date) -> list[date]:
    days = {d.survey_date for d in deficiencies if d.standard}
    days |= {d.survey_date for d in dates if d.survey_type == HEALTH_STANDARD}
    return sorted((d for d in days if d <= as_of), reverse=True)


def score(
    deficiencies: Iterable[Deficiency],
    inspection_dates: Iterable[InspectionDate] = (),
    *,
    as_of: date,
    revisits: Mapping[date, int] | None = None,
    ccn: str | None = None,
) -> ScoreResult:
    """Health-inspection score of one facility as of a date.

    `inspection_dates` supplies standard surveys that produced no citation (otherwise invisible
    in the deficiency file); `revisits` maps a standard survey date to its number of revisits."""
    all_defs, all_dates = list(deficiencies), list(inspection_dates)
    ccn = _single_ccn(all_defs, all_dates, ccn)
    defs = [d for d in all_defs if d.ccn == ccn and d.survey_date <= as_of]
    dates = [d for d in all_dates if d.ccn == ccn]
    revisits = revisits or {}
    warnings: list[str] = []

    cycles = []
    cycle_dates = _standard_dates(defs, dates, as_of)[: len(STANDARD_CYCLE_WEIGHTS)]
    weights = STANDARD_CYCLE_WEIGHTS if len(cycle_dates) == len(STANDARD_CYCLE_WEIGHTS) else (1.0,)
    if len(cycle_dates) == 1:
        warnings.append(
            "Only one standard survey on record: it is weighted 100% (TUG handling not verified)."
        )
    for number, (day, weight) in enumerate(zip(cycle_dates, weights, strict=False), start=1):
        cited = tuple(d for d in defs if d.standard and d.survey_date == day)
        base = sum(d.points for d in cited)
        cycles.append(
            CycleScore(number, day, base, revisit_points(base, revisits.get(day, 0)), weight, cited)
        )
        if not dates and any(d.inspection_cycle not in (None, number) for d in cited):
            warnings.append(
                f"CMS numbers the {day.isoformat()} survey differently from cycle {number}: a standard survey "
                "without citations may be missing; pass the Inspection Dates rows."
            )

    recent_from = months_before(as_of, COMPLAINT_RECENT_MONTHS)
    lookback_from = months_before(as_of, COMPLAINT_LOOKBACK_MONTHS)
    recent = older = 0
    for d in defs:
        if d.standard or not (d.complaint or d.infection_control):
            continue
        if d.survey_date > recent_from:
            recent += d.points
        elif d.survey_date > lookback_from:
            older += d.points

    weighted = sum(c.points * c.weight for c in cycles)
    weighted += COMPLAINT_WEIGHT_RECENT * recent + COMPLAINT_WEIGHT_OLDER * older
    return ScoreResult(ccn, as_of, tuple(cycles), recent, older, round(weighted, 4), tuple(warnings))


def what_if(inputs: ScoreInputs, cleared_finding: Deficiency | tuple[str, date, str]) -> WhatIf:
    """Score with and without one finding (e.g. an IDR that deletes it, or a tag never cited)."""
    key = cleared_finding.key if isinstance(cleared_finding, Deficiency) else cleared_finding
    key = (key[0], key[1], ftags.normalize_code(key[2]))
    removed = [d for d in inputs.deficiencies if d.key == key]
    if not removed:
        raise ValueError(f"finding {key} is not among the inputs")
    remaining = tuple(d for d in inputs.deficiencies if d.key != key)
    # The survey still happened: keep its date so clearing its only citation does not shift cycles.
    kept = tuple(InspectionDate(d.ccn, d.survey_date, HEALTH_STANDARD) for d in removed if d.standard)
    after = replace(inputs, deficiencies=remaining, inspection_dates=inputs.inspection_dates + kept)
    return WhatIf(inputs.run(), after.run())
