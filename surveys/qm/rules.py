"""MDS quality measures: resident flags, facility rates, CMS benchmarks and a cut-point simulator.

Pure rules over plain data. The measure catalog, Five-Star cut points and star thresholds ship in
``surveys/data/qm_measures.json`` (built by ``scripts/build_qm_data.py`` from the CMS
reference tables named there). Measure logic is the catalog's ``core_logic_mds_items`` column
(sources per row there); record selection follows the QM User's
Manual ch. 1 definitions (stay, episode, CDIF, target assessment,
120-day target window, 275-day look-back scan).

Computed from MDS items (``MEASURES``): 401 ADL help increased, 406 catheter, 407 UTI, 410 falls
with major injury, 434 SS newly received antipsychotic, 451 walking worsened, 479 pressure ulcers,
481 LS antipsychotic (MDS trigger only — the V18 measure also triggers on claims and excludes by
enrolment/hospice claims, which an MDS tool cannot see). Not computed: catalog rows without MDS
logic (404, 408, 409, 415, 430, 452, 454, 472, 480 — "not verified" there), claims measures (521,
522, 551, 552) and SNF QRP measures (S_005, S_038, S_042: risk-adjusted expected scores not in the
catalog). Rates are observed (unadjusted); CMS risk-adjusts 406, 451 and 479.

Assumptions to verify against the QM User's Manual (not in the catalog):
* prior assessment = latest qualifying assessment 46-165 days before the target (manual ch. 1);
* CDIF counts the entry day and not the discharge day; an open stay counts through period end;
* a reentry more than 30 days after a return-anticipated discharge starts a new episode.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from facility.core.forms import N_, NC_
from surveys.i18n import T_

DATA_FILE = Path(__file__).parents[1] / "data" / "qm_measures.json"

LONG_STAY_MIN_CDIF = 101
TARGET_WINDOW_DAYS = 120
LOOKBACK_DAYS = 275
PRIOR_WINDOW = (46, 165)
REENTRY_DAYS = 30
# Vaccination measures report the share appropriately vaccinated: higher is better.
HIGHER_IS_BETTER_CODES = frozenset({"415", "430", "454", "472"})

MESSAGES: dict[str, str] = {
    "numerator": N_("counts in the measure (triggered)"),
    "denominator": N_("in the denominator, not triggered"),
    "wrong_stay": N_("not a %(stay)s-stay resident for this period"),
    "no_target": N_("no target assessment in the period"),
    "admission_target": N_("target assessment is an OBRA admission or PPS 5-day assessment"),
    "missing_item": N_("required item %(item)s is missing (dash or blank)"),
    "condition": N_("excluded by %(item)s=1"),
    "no_prior": N_("no prior assessment 46-165 days before the target"),
    "no_initial": N_("no initial assessment different from the target"),
    "on_initial": N_("already received an antipsychotic on the initial assessment (not newly)"),
    "falls_missing": N_("fall items missing on every look-back assessment"),
}

STAY_TEXT = {
    "long": NC_("QM stay", "long"),
    "short": NC_("QM stay", "short"),
}  # in "not a %(stay)s-stay resident"


@lru_cache(maxsize=1)
def measure_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def catalog() -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in measure_data()["catalog"]}


# ---------------------------------------------------------------- records and episodes


def parse_mds_date(text: str) -> date | None:
    """MDS dates are YYYYMMDD; dashes/blank give None."""
    text = (text or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


@dataclass(frozen=True)
class Record:
    """One MDS record of a resident; ``values`` are raw item answers (item id -> string)."""

    values: Mapping[str, str]

    def get(self, item: str) -> str:
        return str(self.values.get(item, "") or "").strip()

    @property
    def is_entry(self) -> bool:
        return self.get("A0310F") == "01"

    @property
    def is_discharge(self) -> bool:
        return self.get("A0310F") in {"10", "11", "12"}

    @property
    def target_date(self) -> date | None:
        """Entry date A1600 for entries, discharge date A2000 for discharges/death, else ARD A2300."""
        if self.is_entry:
            return parse_mds_date(self.get("A1600"))
        if self.is_discharge:
            return parse_mds_date(self.get("A2000"))
        return parse_mds_date(self.get("A2300"))

    @property
    def qualifying(self) -> bool:
        """OBRA A0310A 01-06, PPS A0310B 01-06, or discharge A0310F 10/11 (QM manual ch. 1)."""
        ok = {"01", "02", "03", "04", "05", "06"}
        return self.get("A0310A") in ok or self.get("A0310B") in ok or self.get("A0310F") in {"10", "11"}

    @property
    def admission_or_5day(self) -> bool:
        return self.get("A0310A") == "01" or self.get("A0310B") == "01"


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def quarter(cls, label: str) -> Period:
        """'2025Q1' -> 2025-01-01 .. 2025-03-31."""
        year, q = int(label[:4]), int(label[-1])
        start = date(year, 3 * q - 2, 1)
        nxt = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return cls(start, nxt - timedelta(days=1))


@dataclass(frozen=True)
class Episode:
    records: tuple[Record, ...]  # every record of the episode up to the period end, by date
    stays: tuple[tuple[date, date | None], ...]
    end: date  # discharge date if the episode ended in the period, else period end
    cdif: int
    stay_type: str  # long | short
    target: Record | None
    scan: tuple[Record, ...]
    prior: Record | None
    initial: Record | None


def _dated(records: Iterable[Record | Mapping[str, str]]) -> list[tuple[date, int, Record]]:
    out = []
    for raw in records:
        rec = raw if isinstance(raw, Record) else Record(raw)
        when = rec.target_date
        if when is not None:
            order = 0 if rec.is_entry else 2 if rec.is_discharge else 1  # same-day: entry, asmt, discharge
            out.append((when, order, rec))
    return sorted(out, key=lambda t: (t[0], t[1]))


def _split_episodes(dated: list[tuple[date, int, Record]]) -> list[list[tuple[date, int, Record]]]:
    episodes: list[list[tuple[date, int, Record]]] = []
    last_discharge: tuple[date, str] | None = None
    for item in dated:
        when, _, rec = item
        new_episode = not episodes
        if rec.is_entry:
            if rec.get("A1700") == "1":
                new_episode = True  # an admission always opens an episode
            elif last_discharge and (
                last_discharge[1] != "11" or (when - last_discharge[0]).days > REENTRY_DAYS
            ):
                new_episode = True
        elif last_discharge and last_discharge[1] in {"10", "12"}:
            new_episode = True
        if new_episode:
            episodes.append([])
        episodes[-1].append(item)
        last_discharge = (
            (when, rec.get("A0310F")) if rec.is_discharge else None if rec.is_entry else last_discharge
        )
    return episodes


def _stays(items: list[tuple[date, int, Record]]) -> list[tuple[date, date | None]]:
    """(entry, discharge) pairs; a first record that is not an entry opens the stay on its date."""
    stays: list[tuple[date, date | None]] = []
    start: date | None = items[0][0]
    for when, _, rec in items:
        if rec.is_entry and start is None:
            start = when
        elif rec.is_discharge and start is not None:
            stays.append((start, when))
            start = None
    if start is not None:
        stays.append((start, None))
    return stays


def build_episode(records: Iterable[Record | Mapping[str, str]], period: Period) -> Episode | None:
    """The resident's latest episode overlapping ``period`` (None if no record falls before period end)."""
    dated = [t for t in _dated(records) if t[0] <= period.end]
    if not dated:
        return None
    items = _split_episodes(dated)[-1]
    last_when, _, last = items[-1]
    ended = last.is_discharge and last.get("A0310F") in {"10", "12", "11"}
    if ended and last_when < period.start:
        return None  # the latest episode ended before the period
    end = last_when if ended else period.end
    stays = _stays(items)
    cdif = sum(((stop or period.end + timedelta(days=1)) - begin).days for begin, stop in stays)
    qualifying = [(w, r) for w, _, r in items if r.qualifying]
    in_window = [(w, r) for w, r in qualifying if (end - w).days <= TARGET_WINDOW_DAYS]
    target_when, target = in_window[-1] if in_window else (None, None)
    scan: tuple[Record, ...] = ()
    prior = initial = None
    if target is not None and target_when is not None:
        scan = tuple(r for w, r in qualifying if 0 <= (target_when - w).days <= LOOKBACK_DAYS)
        priors = [r for w, r in qualifying if PRIOR_WINDOW[0] <= (target_when - w).days <= PRIOR_WINDOW[1]]
        prior = priors[-1] if priors else None
        firsts = [r for _, r in qualifying if r.admission_or_5day]
        initial = firsts[0] if firsts else None
    return Episode(
        records=tuple(r for _, _, r in items),
        stays=tuple(stays),
        end=end,
        cdif=cdif,
        stay_type="long" if cdif >= LONG_STAY_MIN_CDIF else "short",
        target=target,
        scan=scan,
        prior=prior,
        initial=initial,
    )


# ---------------------------------------------------------------- measure flags


@dataclass(frozen=True)
class MeasureFlag:
    code: str
    status: str  # numerator | denominator | excluded | not_applicable
    reason: str  # key of MESSAGES
    items: Mapping[str, str] = field(default_factory=dict)  # the answers that set the status
    params: Mapping[str, str] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        params: dict[str, object] = dict(self.params)
        if "stay" in params:
            params["stay"] = STAY_TEXT[self.params["stay"]]
        return T_(MESSAGES[self.reason], **params)[lang]

    @property
    def in_denominator(self) -> bool:
        return self.status in {"numerator", "denominator"}


def _flag(code: str, triggered: bool, items: Mapping[str, str]) -> MeasureFlag:
    return MeasureFlag(
        code,
        "numerator" if triggered else "denominator",
        "numerator" if triggered else "denominator",
        dict(items),
    )


def _excluded(code: str, reason: str, items: Mapping[str, str] | None = None, **params: str) -> MeasureFlag:
    return MeasureFlag(code, "excluded", reason, dict(items or {}), params)


def _missing(value: str) -> bool:
    return value in {"", "-", "^"}


def _target_item_measure(code: str, ep: Episode, item: str, excluding: Sequence[str] = ()) -> MeasureFlag:
    """Catheter / UTI shape: item=1 on a non-admission target, with condition exclusions."""
    target = ep.target
    assert target is not None
    if target.admission_or_5day:
        return _excluded(
            code, "admission_target", {"A0310A": target.get("A0310A"), "A0310B": target.get("A0310B")}
        )
    value = target.get(item)
    if _missing(value):
        return _excluded(code, "missing_item", {item: value}, item=item)
    for cond in excluding:
        if target.get(cond) == "1":
            return _excluded(code, "condition", {cond: "1"}, item=cond)
    return _flag(code, value == "1", {item: value})


def catheter_406(ep: Episode) -> MeasureFlag:
    """N026.03: H0100A=1; excludes neurogenic bladder I1550 and obstructive uropathy I1650."""
    return _target_item_measure("406", ep, "H0100A", ("I1550", "I1650"))


def uti_407(ep: Episode) -> MeasureFlag:
    """N024.02: I2300=1 on the target assessment."""
    return _target_item_measure("407", ep, "I2300")


def falls_410(ep: Episode) -> MeasureFlag:
    """N013.02: any look-back scan assessment with J1900C in {1,2}."""
    for rec in ep.scan:
        if rec.get("J1900C") in {"1", "2"}:
            return _flag(
                "410", True, {"J1900C": rec.get("J1900C"), "A2300": rec.get("A2300") or rec.get("A2000")}
            )

    def unknown(rec: Record) -> bool:
        return rec.get("J1800") == "-" or (rec.get("J1800") == "1" and rec.get("J1900C") == "-")

    if ep.scan and all(unknown(r) for r in ep.scan):
        return _excluded("410", "falls_missing", {"J1800": ep.scan[-1].get("J1800")})
    return _flag("410", False, {"J1900C": ep.target.get("J1900C") if ep.target else ""})


_PU_ITEMS = ("M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1")


def pressure_ulcer_479(ep: Episode) -> MeasureFlag:
    """N045.02: any stage 2-4 or unstageable ulcer (M0300B1-G1 in 1-9) on a non-admission target."""
    target = ep.target
    assert target is not None
    if target.admission_or_5day:
        return _excluded(
            "479", "admission_target", {"A0310A": target.get("A0310A"), "A0310B": target.get("A0310B")}
        )
    present = {i: target.get(i) for i in _PU_ITEMS if target.get(i) in set("123456789")}
    if present:
        return _flag("479", True, present)
    if target.get("M0210") == "0":  # no unhealed ulcers: M0300 is skipped (^), the resident is not triggered
        return _flag("479", False, {"M0210": "0"})
    missing = [i for i in _PU_ITEMS if _missing(target.get(i))]
    if missing:
        return _excluded("479", "missing_item", {missing[0]: target.get(missing[0])}, item=missing[0])
    return _flag("479", False, {i: target.get(i) for i in _PU_ITEMS})


_ANTIPSYCHOTIC_EXCLUSIONS = ("I6000", "I5350", "I5250")  # schizophrenia, Tourette's, Huntington's
# Item set 1.18 (2023-10-01) replaced N0410A (antipsychotic days 0-7) by the N0415A1 checkbox.
# A record reads the one of its own item set (ITM_SET_VRSN_CD, else its target date), never both.
N0415_FROM = date(2023, 10, 1)


def _pre_2023(rec: Record) -> bool:
    version = rec.get("ITM_SET_VRSN_CD").split(".")
    if len(version) >= 2 and all(p.isdigit() for p in version):
        return (int(version[0]), int(version[1])) < (1, 18)
    when = rec.target_date
    return when is not None and when < N0415_FROM


def antipsychotic_item(rec: Record) -> str:
    return "N0410A" if _pre_2023(rec) else "N0415A1"


def antipsychotic_received(rec: Record) -> bool:
    """N0415A1=1 (antipsychotic taken in the look-back), or on a pre-1.18 record N0410A 1-7 days."""
    item = antipsychotic_item(rec)
    return rec.get(item) in ({"1", "2", "3", "4", "5", "6", "7"} if item == "N0410A" else {"1"})


def antipsychotic_481(ep: Episode) -> MeasureFlag:
    """Long-stay antipsychotic, MDS trigger only: N0415A1=1 (N0410A>0 before 1.18) on the target assessment."""
    target = ep.target
    assert target is not None
    item = antipsychotic_item(target)
    value = target.get(item)
    if _missing(value):
        return _excluded("481", "missing_item", {item: value}, item=item)
    for cond in _ANTIPSYCHOTIC_EXCLUSIONS:
        if target.get(cond) == "1":
            return _excluded("481", "condition", {cond: "1"}, item=cond)
    return _flag("481", antipsychotic_received(target), {item: value})


def new_antipsychotic_434(ep: Episode) -> MeasureFlag:
    """Short stay: antipsychotic on any scan assessment other than the initial one; a resident already on
    one at the initial assessment is excluded (the measure counts newly received ones, QM manual N011)."""
    target, initial = ep.target, ep.initial
    assert target is not None
    if initial is None or initial is target:
        return _excluded("434", "no_initial")
    item = antipsychotic_item(target)
    if _missing(target.get(item)):
        return _excluded("434", "missing_item", {item: target.get(item)}, item=item)
    for rec in ep.scan:
        for cond in _ANTIPSYCHOTIC_EXCLUSIONS:
            if rec.get(cond) == "1":
                return _excluded("434", "condition", {cond: "1"}, item=cond)
    if antipsychotic_received(initial):  # "newly received": not already on one at the start of the stay
        return _excluded(
            "434", "on_initial", {antipsychotic_item(initial): initial.get(antipsychotic_item(initial))}
        )
    hits = [r for r in ep.scan if r is not initial and antipsychotic_received(r)]
    return _flag(
        "434",
        bool(hits),
        {antipsychotic_item(hits[0]): hits[0].get(antipsychotic_item(hits[0]))}
        if hits
        else {item: target.get(item)},
    )


def gg_column(rec: Record) -> str:
    """Which GG column a QM reads (QM manual v17): discharge 3, OBRA non-admission 5, admission 1."""
    if rec.get("A0310F") in {"10", "11"}:
        return "3"
    if rec.get("A0310A") in {"02", "03", "04", "05", "06"} and rec.get("A0310B") == "99":
        return "5"
    return "1"


def _gg(rec: Record, item: str) -> tuple[str, int | None]:
    key = f"{item}{gg_column(rec)}"
    value = rec.get(key)
    return key, (int(value) if value in {"01", "02", "03", "04", "05", "06"} else None)


_LATE_LOSS = (
    "GG0130A",
    "GG0170B",
    "GG0170D",
    "GG0170F",
)  # eating, sit-to-lying, sit-to-stand, toilet transfer


def _compare_gg(
    code: str, ep: Episode, items: Sequence[str]
) -> tuple[MeasureFlag | None, list[tuple[str, str, int]]]:
    """Per-item decline (prior - target), or an exclusion when a score is not 01-06."""
    if ep.prior is None:
        return _excluded(code, "no_prior"), []
    assert ep.target is not None
    declines = []
    for item in items:
        tkey, tval = _gg(ep.target, item)
        pkey, pval = _gg(ep.prior, item)
        if tval is None or pval is None:
            bad = tkey if tval is None else pkey
            return _excluded(
                code, "missing_item", {bad: (ep.target if tval is None else ep.prior).get(bad)}, item=bad
            ), []
        declines.append((tkey, f"{pval:02d}->{tval:02d}", pval - tval))
    return None, declines


def adl_decline_401(ep: Episode) -> MeasureFlag:
    """N028.04: >= 2-point decline on one late-loss GG item or >= 1 point on two or more."""
    excluded, declines = _compare_gg("401", ep, _LATE_LOSS)
    if excluded:
        return excluded
    worse = {key: change for key, change, drop in declines if drop >= 1}
    triggered = any(drop >= 2 for _, _, drop in declines) or len(worse) >= 2
    return _flag("401", triggered, worse or {key: change for key, change, _ in declines})


def walk_decline_451(ep: Episode) -> MeasureFlag:
    """N035.05: GG0170I (walk 10 feet) at least 1 point lower than on the prior assessment."""
    excluded, declines = _compare_gg("451", ep, ("GG0170I",))
    if excluded:
        return excluded
    key, change, drop = declines[0]
    return _flag("451", drop >= 1, {key: change})


MEASURES: dict[str, tuple[str, Callable[[Episode], MeasureFlag]]] = {
    "401": ("long", adl_decline_401),
    "406": ("long", catheter_406),
    "407": ("long", uti_407),
    "410": ("long", falls_410),
    "451": ("long", walk_decline_451),
    "479": ("long", pressure_ulcer_479),
    "481": ("long", antipsychotic_481),
    "434": ("short", new_antipsychotic_434),
}


@dataclass(frozen=True)
class ResidentQM:
    resident_id: str
    episode: Episode | None
    flags: tuple[MeasureFlag, ...]


def evaluate_resident(
    resident_id: str, records: Iterable[Record | Mapping[str, str]], period: Period
) -> ResidentQM:
    """Every computable measure's flag for one resident in the target period."""
    ep = build_episode(records, period)
    flags = []
    for code, (stay, rule) in MEASURES.items():
        if ep is None or ep.target is None:
            flags.append(MeasureFlag(code, "not_applicable", "no_target"))
        elif ep.stay_type != stay:
            flags.append(
                MeasureFlag(
                    code,
                    "not_applicable",
                    "wrong_stay",
                    {"CDIF": str(ep.cdif)},
                    {"stay": stay},
                )
            )
        else:
            flags.append(rule(ep))
    return ResidentQM(resident_id, ep, tuple(flags))


# Every item the rules above read (a record reduced to these gives the same flags: tests/unit/surveys/test_qm.py
# checks it on random records). Facility reads take only these out of each signed record.
ITEMS_READ = tuple(
    sorted(
        {
            "A0310A",
            "A0310B",
            "A0310F",
            "A1600",
            "A1700",
            "A2000",
            "A2300",
            "H0100A",
            "I1550",
            "I1650",
            "I2300",
            "J1800",
            "J1900C",
            "M0210",
            "M0300B1",
            "M0300C1",
            "M0300D1",
            "M0300E1",
            "M0300F1",
            "M0300G1",
            "N0415A1",
            "N0410A",
            "ITM_SET_VRSN_CD",
            *_ANTIPSYCHOTIC_EXCLUSIONS,
            *(f"{item}{column}" for item in (*_LATE_LOSS, "GG0170I") for column in "135"),
        }
    )
)


# ---------------------------------------------------------------- facility rates


@dataclass(frozen=True)
class MeasureRate:
    code: str
    numerator: int
    denominator: int
    excluded: int
    residents: tuple[str, ...]  # resident ids in the numerator

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else float(self.rate * 100)


def facility_rates(residents: Iterable[ResidentQM]) -> dict[str, MeasureRate]:
    """Observed rate per measure: numerator / (numerator + not-triggered), exclusions left out."""
    counts: dict[str, list[Any]] = {code: [0, 0, 0, []] for code in MEASURES}
    for resident in residents:
        for flag in resident.flags:
            c = counts[flag.code]
            c[0] += flag.status == "numerator"
            c[1] += flag.in_denominator
            c[2] += flag.status == "excluded"
            if flag.status == "numerator":
                c[3].append(resident.resident_id)
    return {code: MeasureRate(code, n, d, x, tuple(ids)) for code, (n, d, x, ids) in counts.items()}


def facility_qm(
    histories: Mapping[str, Sequence[Mapping[str, str]]], period: Period
) -> dict[str, MeasureRate]:
    """Rates for a facility: resident id -> that resident's MDS records."""
    return facility_rates(evaluate_resident(rid, recs, period) for rid, recs in histories.items())


# ---------------------------------------------------------------- CMS rows and benchmarks


@dataclass(frozen=True)
class CmsQmRow:
    """One row of the CMS PDC 'MDS Quality Measures' file (djen-97ju, NH_QualityMsr_MDS)."""

    ccn: str
    provider: str
    state: str
    code: str
    resident_type: str
    quarters: tuple[float | None, ...]
    four_quarter: float | None
    footnote: str
    used_in_five_star: bool
    period: str


def _score(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def load_cms_qm_csv(text: str) -> list[CmsQmRow]:
    """Parse the CSV text (CMS column headers); scores are percentages."""
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        rows.append(
            CmsQmRow(
                ccn=r["CMS Certification Number (CCN)"],
                provider=r["Provider Name"],
                state=r["State"],
                code=r["Measure Code"],
                resident_type=r["Resident type"],
                quarters=tuple(_score(r[f"Q{i} Measure Score"]) for i in range(1, 5)),
                four_quarter=_score(r["Four Quarter Average Score"]),
                footnote=r["Footnote for Four Quarter Average Score"],
                used_in_five_star=r["Used in Quality Measure Five Star Rating"] == "Y",
                period=r["Measure Period"],
            )
        )
    return rows


@dataclass(frozen=True)
class Benchmark:
    code: str
    state: str
    state_average: float | None
    state_facilities: int
    national_average: float | None
    national_facilities: int


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def benchmarks(rows: Iterable[CmsQmRow], state: str) -> dict[str, Benchmark]:
    """State and national averages of the four-quarter scores in ``rows``.

    CMS publishes resident-weighted averages in a separate State/US averages file that is not in
    the shared data; this is the unweighted mean over the facilities loaded (footnoted blanks
    skipped), so it is only as national as the rows given (the shared sample is all Alabama).
    """
    by_code: dict[str, list[CmsQmRow]] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    out = {}
    for code, group in by_code.items():
        national = [r.four_quarter for r in group if r.four_quarter is not None]
        in_state = [r.four_quarter for r in group if r.four_quarter is not None and r.state == state]
        out[code] = Benchmark(code, state, _mean(in_state), len(in_state), _mean(national), len(national))
    return out


@dataclass(frozen=True)
class Comparison:
    code: str
    facility_percent: float
    versus_state: float | None  # facility minus state average, percentage points
    versus_national: float | None
    better_than_state: bool | None


def higher_is_better(code: str) -> bool:
    for entry in measure_data()["cutpoints"].values():
        if entry["code"] == code:
            return bool(entry["higher_is_better"])
    return code in HIGHER_IS_BETTER_CODES


def compare(code: str, facility_percent: float, bench: Benchmark) -> Comparison:
    def delta(avg: float | None) -> float | None:
        return None if avg is None else facility_percent - avg

    vs_state = delta(bench.state_average)
    better = None if vs_state is None or vs_state == 0 else (vs_state > 0) == higher_is_better(code)
    return Comparison(code, facility_percent, vs_state, delta(bench.national_average), better)


# ---------------------------------------------------------------- Five-Star cut-point simulator


@dataclass(frozen=True)
class CutpointSimulation:
    code: str
    measure_key: str
    rate: Fraction
    points: int
    next_points: int | None  # None: already in the best band
    target_numerator: int | None
    residents_to_change: int  # residents who must stop (or, higher-is-better, start) triggering


def _bands(code: str) -> tuple[str, dict[str, Any]]:
    for key, entry in measure_data()["cutpoints"].items():
        if entry["code"] == code:
            return key, entry
    raise KeyError(f"measure {code} has no Five-Star cut points")


def points_for_rate(code: str, rate: Fraction) -> int:
    """Five-Star points of a rate: the band with the largest lower bound not above it."""
    _, entry = _bands(code)
    bands = sorted(entry["bands"], key=lambda b: Fraction(b["rate_min"]))
    chosen = bands[0]
    for band in bands:
        if Fraction(band["rate_min"]) <= rate:
            chosen = band
    return int(chosen["points"])


def simulate_cutpoint(code: str, numerator: int, denominator: int) -> CutpointSimulation:
    """How many residents must change, denominator unchanged, to reach the next points band.

    Works on observed rates against TUG cut points that CMS applies to risk-adjusted,
    four-quarter rates for 406/451/479, so for those it is an estimate.
    """
    if denominator <= 0 or not 0 <= numerator <= denominator:
        raise ValueError("need 0 <= numerator <= denominator and denominator > 0")
    key, entry = _bands(code)
    rate = Fraction(numerator, denominator)
    points = points_for_rate(code, rate)
    better = sorted((b for b in entry["bands"] if b["points"] > points), key=lambda b: b["points"])
    if not better:
        return CutpointSimulation(code, key, rate, points, None, None, 0)
    nxt = better[0]
    if entry["higher_is_better"]:
        target = math.ceil(Fraction(nxt["rate_min"]) * denominator)
        change = target - numerator
    else:
        # stay strictly below the lower bound of the current band
        current_min = min(Fraction(b["rate_min"]) for b in entry["bands"] if b["points"] == points)
        target = math.ceil(current_min * denominator) - 1
        change = numerator - target
    if target < 0 or target > denominator:
        return CutpointSimulation(code, key, rate, points, int(nxt["points"]), None, 0)
    return CutpointSimulation(code, key, rate, points, int(nxt["points"]), target, change)


# ---------------------------------------------------------------- Five-Star QM star estimate

# TUG Table 5 (ref/fivestar_qm_rating_thresholds_Jan2025.csv): the short-stay score is scaled by 1150/800
# before it meets the thresholds (short-stay measures can earn 800 points, long-stay 1150).
SHORT_STAY_SCALE = Fraction(1150, 800)


@dataclass(frozen=True)
class StarEstimate:
    """Where a stay's QM score can lie given the measures scored here, and the stars that range spans.

    Measures with no points here (claims-based, not computed, or no residents in the denominator) may
    earn anything from their lowest to their highest band, so the estimate is a range unless every
    measure of the stay has points. National thresholds (TUG Table 5), not state cut points."""

    stay: str
    scored: tuple[str, ...]  # codes with points
    missing: tuple[str, ...]  # codes without points
    points: int  # points of the scored measures
    low: Fraction  # lowest possible score (scaled for short stay)
    high: Fraction  # highest possible score
    low_stars: int
    high_stars: int

    @property
    def low_points(self) -> int:
        return math.floor(self.low)

    @property
    def high_points(self) -> int:
        return math.floor(self.high)

    @property
    def exact(self) -> bool:
        return not self.missing

    @property
    def informative(self) -> bool:
        """False when the range spans every star (nothing can be said)."""
        return not (self.low_stars == 1 and self.high_stars == 5)


def stars_for_score(stay: str, score: Fraction | int) -> int:
    """Stars for a QM score by the TUG Table 5 thresholds (score already scaled for short stay)."""
    key = "long" if stay == "long" else "short_scaled_x1150_over_800"
    bands = sorted(measure_data()["star_thresholds"][key], key=lambda b: b["min_points"])
    stars = int(bands[0]["stars"])
    for band in bands:
        if Fraction(band["min_points"]) <= score:
            stars = int(band["stars"])
    return stars


def star_estimate(stay: str, points: Mapping[str, int | None]) -> StarEstimate:
    """The stay's star range from the points of the measures scored here (`points`: PDC code -> points)."""
    entries = [e for e in measure_data()["cutpoints"].values() if e["stay"] == stay]
    scored = tuple(e["code"] for e in entries if points.get(e["code"]) is not None)
    missing = tuple(e["code"] for e in entries if points.get(e["code"]) is None)
    known = sum(int(points[code] or 0) for code in scored)
    lowest = sum(min(int(b["points"]) for b in e["bands"]) for e in entries if e["code"] in missing)
    highest = sum(int(e["max_points"]) for e in entries if e["code"] in missing)
    scale = SHORT_STAY_SCALE if stay == "short" else Fraction(1)
    low, high = (known + lowest) * scale, (known + highest) * scale
    return StarEstimate(
        stay, scored, missing, known, low, high, stars_for_score(stay, low), stars_for_score(stay, high)
    )
