"""RAI schedule: which MDS records a stay needs, by when, and how late they are.

Pure: `compute_due(stay, assessments, today)` takes plain data and returns `DueItem`s.

Rules (RAI Manual v3.0 ch. 2 and the CMS timing table `timing_rules.csv`; tests/unit/mds/test_schedule.py has one
table of cases per rule).
Day 1 is the entry date (A1600), so "day N" = entry + N - 1.

| kind | ARD window | completion (Z0500B) | source |
|---|---|---|---|
| admission | day 1-14 of an admission (A1700=1) | by day 14 | A0310A=01 value text; 42 CFR 483.20(b)(2)(i) |
| quarterly | ≤ 92 days after the previous OBRA ARD (A0310A 01-06) | ARD + 14 | timing_rules.csv; 483.20(c) |
| annual | ≤ 366 days after the last comprehensive ARD and ≤ 92 after the last OBRA ARD | ARD + 14 | timing_rules.csv; 483.20(b)(2)(iii) |
| significant_change | determination .. +14 | determination + 14 | 483.20(b)(2)(ii) |
| significant_correction_* | determination .. +14 | determination + 14 | RAI ch. 2 (same 14-day rule) |
| pps_5day | day 1-8 of the Part A stay (days 6-8 are grace days) | ARD + 14 | RAI ch. 2 PPS schedule; *unverified in ref* |
| pps_discharge | ARD = last Part A day (A2400C), or = A2000 when Part A ends on or 1 day before discharge | ARD + 14 | RAI v1.20.1 A2000 text |
| discharge_ra / discharge_rna | ARD = discharge date (A2300 = A2000, -3851) | A2000 + 14 | -3851; RAI ch. 2 |
| entry | (no ARD) target A1600 | A1600 + 7 | -9017; timing_rules.csv (7 days, unverified) |
| death | (no ARD) target A2000 | A2000 + 7 | timing_rules.csv (mdslearninghub, RAI v1.18.11) |

Submission (warning -3810, CMS me_3810.html): entry ≤ A1600 + 14; death ≤ A2000 + 14; comprehensive
(A0310A 01, 03, 04, 05) ≤ V0200C2 + 14; every other assessment ≤ Z0500B + 14; modification or
inactivation ≤ X1100E + 14. Until V0200C2 is recorded a comprehensive record gets a *provisional*
deadline: V0200B2 + 7 + 14 (care plan ≤ 7 days after CAA completion, F657), else Z0500B + 21.

Entries and re-entries (A1700, RAI v1.20.1): a return is a **re-entry** (A1700=2) only when the
resident was discharged return anticipated and comes back within 30 days of the discharge; anything
else is a new **admission** (A1700=1) that starts a new episode and needs a new admission assessment,
with the 92/366-day clocks restarting. Every entry needs an entry tracking record. If an OBRA
quarterly/annual fell due while the resident was out, the facility has 13 days after re-entry
(RAI ch. 2 p. 2-35; not for the admission assessment). Scheduled OBRA assessments whose deadline
falls on or after the end of the episode (discharge return not anticipated, death, or 30 days
out) are no longer required — the discharge record takes over.

States (defined here, used by the dashboard and `mdsready due`):
- ``upcoming``: the window is not open yet, or its end is more than ``DUE_HORIZON_DAYS`` (14) days
  away (for the long quarterly/annual windows only the last two weeks are "due");
- ``due``: today is inside the window and its end is at most 14 days away (for every window of
  ≤ 15 days — admission, 5-day, significant change, discharge, tracking — this is simply "the
  window is open");
- ``late``: the end of the current step's window has passed; ``days_late`` = today − window end;
- ``done``: a matching record exists and has been submitted or accepted; ``days_late`` then records
  how late it was (ARD, completion or submission, the worst of the three, 0 if on time).

Each required record goes through phases: ``ard`` (set the ARD; scheduled assessments only),
``complete`` (sign Z0500B), ``submit`` (transmit and be accepted); a pending correction record has
phase ``submit_correction``. A DueItem shows the current phase of one requirement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mds.record.rfa import Rfa, is_comprehensive, is_obra, kinds_of

DUE_HORIZON_DAYS = 14
DUE_THIS_WEEK_DAYS = 7
REENTRY_MAX_DAYS = 30  # A1700=2 only when back within 30 days of a return-anticipated discharge
ADMISSION_LAST_DAY = 14  # ARD no later than day 14
PPS_5DAY_LAST_DAY = 8  # days 1-5 + grace days 6-8
QUARTERLY_MAX_DAYS = 92
ANNUAL_MAX_DAYS = 366
SIGNIFICANT_DAYS = 14
OBRA_AFTER_REENTRY_DAYS = 13  # RAI ch. 2 p. 2-35
COMPLETION_DAYS = 14  # Z0500B ≤ ARD + 14 for non-admission assessments
TRACKING_COMPLETION_DAYS = 7
SUBMISSION_DAYS = 14  # -3810
CARE_PLAN_DAYS = 7  # V0200C2 ≤ V0200B2 + 7

TRANSMITTED = frozenset({"submitted", "accepted"})
NOT_COMPLETED = frozenset({"draft", "in_progress"})

DISCHARGE_EVENTS = ("discharge_ra", "discharge_rna", "death")
RETURN_EVENTS = ("return", "reentry", "entry", "admission")


@dataclass(frozen=True)
class StayEvent:
    """A movement after the first admission: discharge_ra, discharge_rna, death, or return."""

    kind: str
    on: date


@dataclass(frozen=True)
class PartAStay:
    """A Medicare Part A covered stay (A2400B start .. A2400C end); an interrupted stay is one PartAStay."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class Stay:
    resident_id: Any
    stay_id: Any
    admission_date: date
    events: tuple[StayEvent, ...] = ()
    part_a: tuple[PartAStay, ...] = ()
    significant_changes: tuple[date, ...] = ()  # IDT determination dates
    significant_errors: tuple[tuple[date, bool], ...] = ()  # (determination date, prior was comprehensive)


@dataclass(frozen=True)
class Correction:
    """A modification (A0050=2) or inactivation (A0050=3) record of an assessment."""

    a0050: str
    x1100e: date | None = None
    state: str = "draft"
    submitted_on: date | None = None


@dataclass(frozen=True)
class Assessment:
    """A prior or in-progress MDS record as the schedule needs it."""

    assessment_id: Any
    rfa: Rfa
    ard: date | None = None  # A2300
    event_date: date | None = None  # A1600 on entry records, A2000 on discharge/death records
    z0500b: date | None = None
    v0200b2: date | None = None
    v0200c2: date | None = None
    state: str = "draft"  # submission.STATES
    submitted_on: date | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return kinds_of(self.rfa)

    @property
    def inactivated(self) -> bool:
        return any(c.a0050 == "3" for c in self.corrections)

    @property
    def target_date(self) -> date | None:
        """-9017: entry → A1600; discharge/death → A2000; otherwise the ARD (A2300)."""
        if self.rfa.f in ("01", "10", "11", "12") and self.event_date is not None:
            return self.event_date
        return self.ard


@dataclass(frozen=True)
class DueItem:
    resident_id: Any
    stay_id: Any
    kind: str
    phase: str  # ard | complete | submit | submit_correction | done
    window_start: date
    window_end: date
    ard_target: date | None
    state: str  # upcoming | due | late | done
    days_late: int = 0
    assessment_id: Any = None
    record_state: str | None = None
    ard_days_late: int = 0
    provisional: bool = False  # deadline estimated until V0200C2 is recorded


# ---------------------------------------------------------------- timeline


@dataclass
class _Segment:
    entry: date
    entry_type: str  # admission | reentry
    exit: date | None = None
    exit_kind: str | None = None


@dataclass
class _Episode:
    segments: list[_Segment] = field(default_factory=list)
    end: date | None = None  # set once the episode is over (RNA discharge, death, > 30 days out)

    @property
    def start(self) -> date:
        return self.segments[0].entry

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def absences(self) -> list[tuple[date, date | None]]:
        """[discharge, return) periods inside the episode; an open one has return None."""
        out: list[tuple[date, date | None]] = []
        for i, seg in enumerate(self.segments):
            if seg.exit is None or seg.exit_kind != "discharge_ra":
                continue
            nxt = self.segments[i + 1].entry if i + 1 < len(self.segments) else None
            if nxt is not None or self.end is None:
                out.append((seg.exit, nxt))
        return out


def _episodes(stay: Stay, today: date) -> list[_Episode]:
    episodes = [_Episode([_Segment(stay.admission_date, "admission")])]
    for ev in sorted(stay.events, key=lambda e: e.on):
        current = episodes[-1]
        seg = current.segments[-1]
        if ev.kind in DISCHARGE_EVENTS:
            if seg.exit is not None:
                raise ValueError(f"{ev.kind} on {ev.on} while the resident is not in the facility")
            seg.exit, seg.exit_kind = ev.on, ev.kind
            if ev.kind != "discharge_ra":
                current.end = ev.on
        elif ev.kind in RETURN_EVENTS:
            if seg.exit is None:
                raise ValueError(f"return on {ev.on} while the resident is in the facility")
            if seg.exit_kind == "death":
                raise ValueError("no return after death in facility")
            if seg.exit_kind == "discharge_ra" and (ev.on - seg.exit).days <= REENTRY_MAX_DAYS:
                current.segments.append(_Segment(ev.on, "reentry"))
            else:
                current.end = seg.exit
                episodes.append(_Episode([_Segment(ev.on, "admission")]))
        else:
            raise ValueError(f"unknown stay event kind {ev.kind!r}")
    last = episodes[-1]
    tail = last.segments[-1]
    if (
        last.end is None
        and tail.exit_kind == "discharge_ra"
        and tail.exit is not None
        and (today - tail.exit).days > REENTRY_MAX_DAYS
    ):
        last.end = tail.exit
    return episodes


def entry_type(stay: Stay, on: date, today: date) -> str:
    """A1700 for the entry on `on`: "admission" (1) or "reentry" (2)."""
    for ep in _episodes(stay, today):
        for seg in ep.segments:
            if seg.entry == on:
                return seg.entry_type
    raise ValueError(f"no entry on {on}")


def _adjust_obra_deadline(end: date, ep: _Episode) -> date | None:
    """Deadline after absences and episode end; None when the requirement lapses or is suspended."""
    if ep.end is not None and ep.end <= end:
        return None
    for out, back in ep.absences():
        if out <= end and (back is None or end < back):
            return None if back is None else back + timedelta(days=OBRA_AFTER_REENTRY_DAYS)
    return end


# ---------------------------------------------------------------- deadlines


def submission_deadline(a: Assessment) -> tuple[date | None, bool]:
    """-3810 transmission deadline and whether it is provisional (comprehensive without V0200C2)."""
    kinds = a.kinds
    if "entry" in kinds or "death" in kinds:
        return (a.event_date + timedelta(days=SUBMISSION_DAYS) if a.event_date else None), False
    if is_comprehensive(a.rfa):
        if a.v0200c2:
            return a.v0200c2 + timedelta(days=SUBMISSION_DAYS), False
        if a.v0200b2:
            return a.v0200b2 + timedelta(days=CARE_PLAN_DAYS + SUBMISSION_DAYS), True
        if a.z0500b:
            return a.z0500b + timedelta(days=CARE_PLAN_DAYS + SUBMISSION_DAYS), True
        return None, True
    return (a.z0500b + timedelta(days=SUBMISSION_DAYS) if a.z0500b else None), False


def _state(today: date, start: date, end: date) -> tuple[str, int]:
    if today > end:
        return "late", (today - end).days
    if today < start or (end - today).days > DUE_HORIZON_DAYS:
        return "upcoming", 0
    return "due", 0


@dataclass(frozen=True)
class _Requirement:
    kind: str
    window_start: date
    window_end: date | None  # ARD window end (None: the ARD is fixed by an event)
    ard_target: date | None
    complete_by: date  # Z0500B deadline (or tracking completion)
    after_ard: int | None = None  # completion counted from the actual ARD (ARD + 14) instead


def _progress(stay: Stay, req: _Requirement, match: Assessment | None, today: date) -> DueItem:
    """Turn a requirement and its matching record (if any) into the DueItem of its current phase."""
    base = {
        "resident_id": stay.resident_id,
        "stay_id": stay.stay_id,
        "kind": req.kind,
        "ard_target": req.ard_target,
    }
    if match is None:
        if req.window_end is not None:
            state, late = _state(today, req.window_start, req.window_end)
            return DueItem(
                **base,
                phase="ard",
                window_start=req.window_start,
                window_end=req.window_end,
                state=state,
                days_late=late,
            )
        state, late = _state(today, req.window_start, req.complete_by)
        return DueItem(
            **base,
            phase="complete",
            window_start=req.window_start,
            window_end=req.complete_by,
            state=state,
            days_late=late,
        )
    ref = match.target_date or req.window_start
    ard_late = max(0, (ref - req.window_end).days) if req.window_end is not None else 0
    complete_by = _days(ref, req.after_ard) if req.after_ard is not None else max(req.complete_by, ref)
    rec = {"assessment_id": match.assessment_id, "record_state": match.state, "ard_days_late": ard_late}
    if match.state in NOT_COMPLETED or match.z0500b is None:
        state, late = _state(today, ref, complete_by)
        return DueItem(
            **base,
            **rec,
            phase="complete",
            window_start=ref,
            window_end=complete_by,
            state=state,
            days_late=late,
        )
    submit_by, provisional = submission_deadline(match)
    submit_by = submit_by or match.z0500b + timedelta(days=SUBMISSION_DAYS)
    if match.state not in TRANSMITTED:
        state, late = _state(today, match.z0500b, submit_by)
        return DueItem(
            **base,
            **rec,
            phase="submit",
            window_start=match.z0500b,
            window_end=submit_by,
            state=state,
            days_late=late,
            provisional=provisional,
        )
    worst = max(
        ard_late,
        max(0, (match.z0500b - complete_by).days),
        max(0, (match.submitted_on - submit_by).days) if match.submitted_on else 0,
    )
    return DueItem(
        **base,
        **rec,
        phase="done",
        window_start=req.window_start,
        window_end=req.window_end or req.complete_by,
        state="done",
        days_late=worst,
    )


# ---------------------------------------------------------------- requirements


class _Pool:
    """Records not yet used for a requirement of a given kind (one record may meet several kinds)."""

    def __init__(self, assessments: Iterable[Assessment]):
        self.records = sorted(
            (a for a in assessments if not a.inactivated and a.target_date is not None),
            key=lambda a: (a.target_date, str(a.assessment_id)),
        )
        self.used: set[tuple[str, Any]] = set()

    def take(self, kind: str, pred: Callable[[Assessment], bool]) -> Assessment | None:
        for a in self.records:
            if kind in a.kinds and (kind, a.assessment_id) not in self.used and pred(a):
                self.used.add((kind, a.assessment_id))
                return a
        return None


def _days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def _from(day: date, ep: _Episode) -> Callable[[Assessment], bool]:
    """Matches a record whose target date is `day` or later, inside the episode."""

    def matches(a: Assessment) -> bool:
        target = a.target_date
        return target is not None and target >= day and ep.contains(target)

    return matches


def _on(day: date) -> Callable[[Assessment], bool]:
    """Matches a record whose target date is `day`."""
    return lambda a: a.target_date == day


def _tracking_requirements(ep: _Episode) -> list[tuple[_Requirement, Any]]:
    """Entry tracking for every entry; discharge assessment or death record for every exit."""
    out: list[tuple[_Requirement, Any]] = []
    for seg in ep.segments:
        req = _Requirement("entry", seg.entry, None, seg.entry, _days(seg.entry, TRACKING_COMPLETION_DAYS))
        out.append((req, seg.entry))
        if seg.exit is None or seg.exit_kind is None:
            continue
        days = TRACKING_COMPLETION_DAYS if seg.exit_kind == "death" else COMPLETION_DAYS
        kind = seg.exit_kind
        out.append((_Requirement(kind, seg.exit, None, seg.exit, _days(seg.exit, days)), seg.exit))
    return out


def _admission_requirement(ep: _Episode, pool: _Pool) -> tuple[_Requirement, Assessment | None] | None:
    """Admission assessment, ARD day 1-14. If the resident leaves before day 14 without one and
    re-enters, the 14 days restart at the re-entry (the requirement was never met)."""
    for seg in ep.segments:
        end = _days(seg.entry, ADMISSION_LAST_DAY - 1)
        req = _Requirement("admission", seg.entry, end, end, end)
        match = pool.take("admission", _from(seg.entry, ep))
        if match is not None:
            return req, match
        if seg.exit is None or seg.exit > end:
            return req, None
    return None


def _next_scheduled(last_obra: date, last_comp: date | None) -> tuple[str, date]:
    """Next scheduled OBRA assessment and its ARD deadline.

    The annual is due by min(last comprehensive + 366, last OBRA + 92). It is scheduled instead of
    a quarterly when its 366-day deadline comes no more than DUE_HORIZON_DAYS after the quarterly's
    92-day deadline: both would fall in the same two-week window, so one annual meets both rules
    (a quarterly then would be followed by an annual days later). App policy, within the rules.
    """
    quarterly_end = _days(last_obra, QUARTERLY_MAX_DAYS)
    if last_comp is not None:
        annual_end = _days(last_comp, ANNUAL_MAX_DAYS)
        if (annual_end - quarterly_end).days <= DUE_HORIZON_DAYS:
            return "annual", min(annual_end, quarterly_end)
    return "quarterly", quarterly_end


def _obra_chain(ep: _Episode, records: Sequence[Assessment]) -> list[tuple[_Requirement, Assessment | None]]:
    """Quarterly/annual requirements from the OBRA ARDs of the episode (every A0310A 01-06 resets
    the 92-day clock; comprehensive ones also the 366-day clock)."""
    obra = sorted(
        ((a.ard, a) for a in records if is_obra(a.rfa) and a.ard is not None and ep.contains(a.ard)),
        key=lambda dated: dated[0],
    )
    out: list[tuple[_Requirement, Assessment | None]] = []
    last_obra: date | None = None
    last_comp: date | None = None
    for ard, rec in obra:
        if last_obra is not None:
            kind, end = _next_scheduled(last_obra, last_comp)
            meets = kind == "quarterly" or is_comprehensive(rec.rfa)
            adjusted = _adjust_obra_deadline(end, ep) or end
            if meets and kind in rec.kinds:
                out.append(
                    (
                        _Requirement(
                            kind,
                            _days(last_obra, 1),
                            adjusted,
                            adjusted,
                            _days(adjusted, COMPLETION_DAYS),
                            COMPLETION_DAYS,
                        ),
                        rec,
                    )
                )
        last_obra = ard
        if is_comprehensive(rec.rfa):
            last_comp = ard
    if last_obra is not None:
        kind, end = _next_scheduled(last_obra, last_comp)
        deadline = _adjust_obra_deadline(end, ep)
        if deadline is not None:
            out.append(
                (
                    _Requirement(
                        kind,
                        _days(last_obra, 1),
                        deadline,
                        deadline,
                        _days(deadline, COMPLETION_DAYS),
                        COMPLETION_DAYS,
                    ),
                    None,
                )
            )
    return out


def _determination_requirements(
    stay: Stay, ep: _Episode, pool: _Pool
) -> list[tuple[_Requirement, Assessment | None]]:
    """SCSA / significant corrections: ARD and completion within 14 days of the determination."""
    wanted = [(d, "significant_change") for d in stay.significant_changes]
    wanted += [
        (d, "significant_correction_comprehensive" if comp else "significant_correction_quarterly")
        for d, comp in stay.significant_errors
    ]
    out: list[tuple[_Requirement, Assessment | None]] = []
    for d, kind in sorted(wanted):
        if not ep.contains(d):
            continue
        end = _days(d, SIGNIFICANT_DAYS)
        match = pool.take(kind, _from(d, ep))
        if match is None and _adjust_obra_deadline(end, ep) is None:
            continue  # the resident left before the deadline: a discharge record takes over
        out.append((_Requirement(kind, d, end, end, end), match))
    return out


def _pps_requirements(stay: Stay, ep: _Episode, pool: _Pool) -> list[tuple[_Requirement, Assessment | None]]:
    out: list[tuple[_Requirement, Assessment | None]] = []
    exits = {seg.exit: seg.exit_kind for seg in ep.segments if seg.exit is not None}
    for p in sorted(stay.part_a, key=lambda p: p.start):
        if not ep.contains(p.start):
            continue
        end = _days(p.start, PPS_5DAY_LAST_DAY - 1)
        match = pool.take("pps_5day", _from(p.start, ep))
        out.append(
            (_Requirement("pps_5day", p.start, end, end, _days(end, COMPLETION_DAYS), COMPLETION_DAYS), match)
        )
        if p.end is None:
            continue
        # Not required when the resident dies on the last Part A day; combined with the OBRA discharge
        # (ARD = A2000) when Part A ends on, or one day before, the facility discharge.
        if exits.get(p.end) == "death":
            continue
        combined = [d for d in (p.end, _days(p.end, 1)) if exits.get(d) in ("discharge_ra", "discharge_rna")]
        ard = combined[0] if combined else p.end
        match = pool.take("pps_discharge", _on(ard))
        out.append((_Requirement("pps_discharge", ard, None, ard, _days(ard, COMPLETION_DAYS)), match))
    return out


def _correction_items(stay: Stay, records: Iterable[Assessment], today: date) -> list[DueItem]:
    """Attested correction records not yet transmitted: due ≤ X1100E + 14 (-3810)."""
    out: list[DueItem] = []
    for a in records:
        for c in a.corrections:
            if c.x1100e is None or c.state in TRANSMITTED:
                continue
            end = _days(c.x1100e, SUBMISSION_DAYS)
            state, late = _state(today, c.x1100e, end)
            out.append(
                DueItem(
                    stay.resident_id,
                    stay.stay_id,
                    a.kinds[0],
                    "submit_correction",
                    c.x1100e,
                    end,
                    a.ard,
                    state,
                    late,
                    a.assessment_id,
                    c.state,
                )
            )
    return out


def compute_due(stay: Stay, assessments: Iterable[Assessment], today: date) -> list[DueItem]:
    """Every requirement of the stay with its current phase and state, sorted by window end."""
    records = list(assessments)
    pool = _Pool(records)
    pairs: list[tuple[_Requirement, Assessment | None]] = []
    for ep in _episodes(stay, today):
        for req, event_day in _tracking_requirements(ep):
            pairs.append((req, pool.take(req.kind, _on(event_day))))
        if ep.segments[0].entry_type == "admission":
            adm = _admission_requirement(ep, pool)
            if adm is not None:
                pairs.append(adm)
        pairs += _determination_requirements(stay, ep, pool)
        pairs += _pps_requirements(stay, ep, pool)
        pairs += _obra_chain(ep, [a for a in pool.records])
    items = [_progress(stay, req, match, today) for req, match in pairs]
    items += _correction_items(stay, pool.records, today)
    return sorted(items, key=lambda i: (i.window_end, i.kind))


# ---------------------------------------------------------------- output


JSON_KEYS = ("resident_id", "stay_id", "kind", "window_start", "window_end", "state", "days_late")


def to_json_rows(
    items: Iterable[DueItem], *, include_done: bool = False, extended: bool = False
) -> list[dict]:
    """The `mdsready due --format json` contract: outstanding items only unless include_done.

    Exactly JSON_KEYS; `extended` adds phase, ard_target, assessment_id and record_state.
    """
    rows: list[dict] = []
    for i in items:
        if i.state == "done" and not include_done:
            continue
        row = {
            "resident_id": i.resident_id,
            "stay_id": i.stay_id,
            "kind": i.kind,
            "window_start": i.window_start.isoformat(),
            "window_end": i.window_end.isoformat(),
            "state": i.state,
            "days_late": i.days_late,
        }
        if extended:
            row |= {
                "phase": i.phase,
                "ard_target": i.ard_target.isoformat() if i.ard_target else None,
                "assessment_id": i.assessment_id,
                "record_state": i.record_state,
            }
        rows.append(row)
    return rows


def summarize(items: Iterable[DueItem], today: date) -> dict[str, Any]:
    """Coordinator dashboard: late (worst first), due this week, and pipeline counts.

    "due this week" = state due and window end within the next 7 days (today .. today + 6).
    Pipeline buckets come from the matched record's state: in_progress (draft/in_progress),
    signed_not_exported (completed), exported_not_accepted (exported/submitted/rejected).
    """
    items = list(items)
    week_end = _days(today, DUE_THIS_WEEK_DAYS - 1)
    late = sorted((i for i in items if i.state == "late"), key=lambda i: (-i.days_late, i.window_end))
    this_week = sorted(
        (i for i in items if i.state == "due" and i.window_end <= week_end), key=lambda i: i.window_end
    )
    pipeline: Counter[str] = Counter()
    seen: set[Any] = set()
    for i in items:
        if i.assessment_id is None or i.assessment_id in seen or i.phase == "submit_correction":
            continue
        seen.add(i.assessment_id)
        if i.record_state in NOT_COMPLETED:
            pipeline["in_progress"] += 1
        elif i.record_state == "completed":
            pipeline["signed_not_exported"] += 1
        elif i.record_state in ("exported", "submitted", "rejected"):
            pipeline["exported_not_accepted"] += 1
    return {
        "late": late,
        "due_this_week": this_week,
        "counts": {
            "late": len(late),
            "due_this_week": len(this_week),
            "due": sum(1 for i in items if i.state == "due"),
            "upcoming": sum(1 for i in items if i.state == "upcoming"),
            "done": sum(1 for i in items if i.state == "done"),
            "in_progress": pipeline["in_progress"],
            "signed_not_exported": pipeline["signed_not_exported"],
            "exported_not_accepted": pipeline["exported_not_accepted"],
        },
        "by_kind": dict(Counter(i.kind for i in items if i.state != "done")),
    }
