"""Monthly facility report for the chief clinical officer, and the chain roll-up.

Each figure comes from the package that owns it (imported directly: surveys sits above the others); a figure
that cannot be computed is "not available" (None here), never a made-up number:
* census, admissions, discharges, payer mix: facility tables (stays and their events);
* assessments on time: ``mds.assessments.services.assessments_for_facility`` (one read for the month) — a signed assessment is on time when
  Z0500B is no later than ARD + 14 days (RAI Manual ch. 2 completion rule);
  an unsigned one whose ARD + 14 has passed counts as late;
* rejected submissions: ``mds.upload.services.recent_submissions`` (records rejected by the validator);
* care-plan compliance: ``careplans.plans.services.facility_compliance`` (today's snapshot);
* open survey findings: ``surveys.readiness.services.list_surveys``;
* QM rates vs state: ``surveys.qm.services`` for the quarter containing the month;
* case-mix: ``mds.pdpm.rules.classify`` on the signed PPS assessments with an ARD in the month (``mds.assessments.services.answers_for``).

Reports are kept per facility, month, language and day until the facility's next write (facility.core.datacache;
the page says when it was computed); the chain roll-up keeps its rows as described at CHAIN_FRESH_SECONDS.
"""

from __future__ import annotations

import asyncio
import calendar
import csv
import io
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from careplans.plans import services as careplan_services
from facility.core import clock, datacache
from facility.core.csvsafe import csv_cell
from facility.core.forms import N_, NC_
from mds.assessments import services as mds_services
from mds.pdpm import rules as pdpm
from mds.upload import services as upload_services
from surveys.readiness import services as readiness_services

COMPLETION_DAYS = 14
# The chain roll-up (one summary per facility): served from memory while younger than CHAIN_FRESH_SECONDS;
# up to CHAIN_STALE_SECONDS it is still served at once and recomputed in the background for the next view
# (the page says when its figures were computed and offers "refresh now"); older, it is recomputed first.
CHAIN_FRESH_SECONDS = 60
CHAIN_STALE_SECONDS = 15 * 60
CHAIN_CONCURRENCY = 4  # facilities computed side by side (database round trips overlap)


def parse_month(text: str, today: date) -> str:
    """'2026-11' if valid (and not in the future), else the current month."""
    try:
        year, month = (int(p) for p in text.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12 and date(year, month, 1) <= today:
            return f"{year:04d}-{month:02d}"
    except ValueError:
        pass
    return f"{today.year:04d}-{today.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = (int(p) for p in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def recent_months(today: date, count: int = 12) -> list[str]:
    out, day = [], today.replace(day=1)
    for _ in range(count):
        out.append(f"{day.year:04d}-{day.month:02d}")
        day = (day - timedelta(days=1)).replace(day=1)
    return out


# ---------------------------------------------------------------- pure parts


def daily_census(stays: Iterable[dict[str, Any]], first: date, last: date) -> list[int]:
    """Residents in the building at midnight of each day (admission day counts, discharge day does not)."""
    days = (last - first).days + 1
    counts = [0] * days
    for stay in stays:
        open_at: date | None = None
        for event in sorted(stay.get("events", []), key=lambda e: (e["event_date"], e["id"])):
            if event["kind"] in ("admission", "reentry"):
                open_at = open_at or event["event_date"]
            elif open_at is not None:
                _mark(counts, first, open_at, event["event_date"])
                open_at = None
        if open_at is not None:
            _mark(counts, first, open_at, last + timedelta(days=1))
    return counts


def _mark(counts: list[int], first: date, start: date, stop: date) -> None:
    for i in range(max(0, (start - first).days), min(len(counts), (stop - first).days)):
        counts[i] += 1


def on_time(assessments: Iterable[dict[str, Any]], first: date, last: date, today: date) -> dict[str, int]:
    """Assessments with an ARD in the month: signed on time, signed late, unsigned past the deadline."""
    result = {"due": 0, "on_time": 0, "late": 0, "open_late": 0}
    for a in assessments:
        ard = a.get("ard")
        if not isinstance(ard, date) or not first <= ard <= last or a.get("status") == "inactivated":
            continue
        deadline = ard + timedelta(days=COMPLETION_DAYS)
        signed = a.get("z0500b")
        if a.get("status") == "completed" and isinstance(signed, date):
            result["due"] += 1
            result["on_time" if signed <= deadline else "late"] += 1
        elif deadline < today:
            result["due"] += 1
            result["open_late"] += 1
    return result


def percent(part: int | None, whole: int | None) -> float | None:
    return None if part is None or not whole else round(100.0 * part / whole, 1)


@dataclass
class MonthlyReport:
    facility: dict[str, Any]
    month: str
    computed_at: datetime
    census: dict[str, Any] | None = None
    assessments: dict[str, Any] | None = None
    submissions: dict[str, Any] | None = None
    careplans: dict[str, Any] | None = None
    findings: dict[str, Any] | None = None
    qm: list[dict[str, Any]] | None = None
    case_mix: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def has_state_data(self) -> bool:
        """True when at least one computed measure has a CMS state average to compare with."""
        return any(q["state"] is not None for q in self.qm or [])

    def reasons(self) -> dict[str, str]:
        """Why a headline figure is missing, where "not available" would hide the reason (message ids)."""
        out: dict[str, str] = {}
        if self.qm is None:
            out["qm_worse_than_state"] = NO_SIGNED_ASSESSMENTS
        elif not self.has_state_data():
            out["qm_worse_than_state"] = NO_STATE_DATA
        return out

    def summary(self) -> dict[str, Any]:
        """The headline figures (None = not available) for the chain roll-up and the CSV."""
        return {
            "census": self.census["current"] if self.census else None,
            "average_daily_census": self.census["average"] if self.census else None,
            "admissions": self.census["admissions"] if self.census else None,
            "discharges": self.census["discharges"] if self.census else None,
            "assessments_due": self.assessments["due"] if self.assessments else None,
            "assessments_on_time_pct": self.assessments["percent"] if self.assessments else None,
            "rejected_records": self.submissions["rejected"] if self.submissions else None,
            "careplan_compliance_pct": self.careplans["percent"] if self.careplans else None,
            "open_survey_findings": self.findings["open"] if self.findings else None,
            "qm_worse_than_state": sum(1 for q in self.qm if q["better"] is False)
            if self.qm is not None and self.has_state_data()
            else None,
            "pps_assessments": self.case_mix["assessments"] if self.case_mix else None,
        }


NOT_AVAILABLE = N_("not available")
NO_STATE_DATA = N_("no state data")
NO_SIGNED_ASSESSMENTS = N_("no signed MDS assessments yet")

SUMMARY_LABELS = {
    "census": N_("Residents in the building today"),
    "average_daily_census": N_("Average daily census"),
    "admissions": N_("Admissions"),
    "discharges": N_("Discharges"),
    "assessments_due": N_("Assessments due"),
    "assessments_on_time_pct": N_("Assessments on time (percent)"),
    "rejected_records": N_("Rejected submission records"),
    "careplan_compliance_pct": N_("Care-plan compliance (percent)"),
    "open_survey_findings": N_("Open survey findings"),
    "qm_worse_than_state": N_("Quality measures worse than state"),
    "pps_assessments": N_("PPS assessments (case-mix)"),
}


def payer_label(code: str | None) -> str:
    """The payer's name (message id) for a payer code; an unknown code is shown as it is."""
    from facility.utilization.forms import PAYER_LABELS

    return PAYER_LABELS.get(code or "", code or "")


def _shown(value: Any, t: Any, reason: str = NOT_AVAILABLE, suffix: str = "") -> str:
    """A figure as text: the number, or why there is none ("not available", "no state data"), never "None"."""
    return t(reason) if value is None else f"{value}{suffix}"


def report_csv(report: MonthlyReport, t: Any = str) -> bytes:
    """The report as CSV, one figure a row; `t` translates labels. Codes appear with their names and a
    missing figure says why it is missing ("not available", "no state data"), never "None"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["facility", "ccn", "month", "section", "measure", "value", "note"])
    base = [report.facility.get("name", ""), report.facility.get("ccn", ""), report.month]
    reasons = report.reasons()

    def row(section: str, measure: str, value: Any, note: str = "") -> None:
        writer.writerow([csv_cell(v) for v in (*base, t(section), measure, value, note)])

    for key, value in report.summary().items():
        row(N_("summary"), t(SUMMARY_LABELS[key]), _shown(value, t, reasons.get(key, NOT_AVAILABLE)))
    if report.census:
        for payer, count in report.census["payers"].items():
            row(N_("payer mix"), t(payer_label(payer)), count)
    for q in report.qm or []:
        row(
            N_("quality measure"),
            f"{q['code']} {q['description']}",
            _shown(q["facility"], t, suffix="%"),
            "; ".join(
                (
                    f"{t(N_('State average'))}: {_shown(q['state'], t, NO_STATE_DATA, '%')}",
                    f"{t(N_('National average'))}: {_shown(q['national'], t, suffix='%')}",
                    f"{t(N_('Residents'))}: {q['numerator']}/{q['denominator']}",
                )
            ),
        )
    if report.case_mix:
        for group, count in report.case_mix["nursing"].items():
            row(N_("case-mix nursing group"), group, count)
        for group, count in report.case_mix["nta"].items():
            row(N_("case-mix NTA group"), group, count)
    return out.getvalue().encode("utf-8-sig")  # BOM: Excel opens UTF-8 correctly


def chain_csv(rows: Sequence[tuple[dict[str, Any], dict[str, Any]]], month: str, t: Any = str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    keys = list(SUMMARY_LABELS)
    writer.writerow(["facility", "ccn", "state", "month", *(t(SUMMARY_LABELS[k]) for k in keys)])
    for facility, summary in rows:
        reasons = summary.get("reasons") or {}
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    facility["name"],
                    facility["ccn"],
                    facility["state"],
                    month,
                    *(_shown(summary[k], t, reasons.get(k, NOT_AVAILABLE)) for k in keys),
                )
            ]
        )
    return out.getvalue().encode("utf-8-sig")


# ---------------------------------------------------------------- gathering (lazy imports per source)


async def _census(facility_id: int, first: date, last: date) -> tuple[dict[str, Any], list[int]]:
    from facility.tables import Resident, Stay, StayEvent
    from facility.utilization.tables import UrReview

    stays = await Stay.select().where(
        (Stay.facility == facility_id) & (Stay.active == True) & (Stay.admission_date <= last)
    )
    events = await StayEvent.select().where(
        StayEvent.stay.is_in([s["id"] for s in stays] or [-1]) & (StayEvent.active == True)
    )
    by_stay: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_stay.setdefault(e["stay"], []).append(e)
    for s in stays:
        s["events"] = by_stay.get(s["id"], [])
    counts = daily_census(stays, first, last)
    reviews = {
        r["stay"]: r["payer"]
        for r in await UrReview.select(UrReview.stay, UrReview.payer).where(UrReview.facility == facility_id)
    }
    open_stays = [s for s in stays if s["status"] in ("in_facility", "discharged_ra")]
    current = await Resident.count().where(
        (Resident.facility == facility_id) & (Resident.active == True) & (Resident.status == "active")
    )
    in_month = [e for e in events if first <= e["event_date"] <= last]
    return {
        "current": int(current),
        "average": round(sum(counts) / len(counts), 1) if counts else 0.0,
        "admissions": sum(1 for e in in_month if e["kind"] == "admission"),
        "discharges": sum(1 for e in in_month if e["kind"].startswith("discharge") or e["kind"] == "death"),
        "payers": dict(Counter(reviews.get(s["id"], s["payer"]) for s in open_stays).most_common()),
    }, counts


async def _assessments(
    facility_id: int, first: date, last: date, today: date
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    by_resident = await mds_services.assessments_for_facility(facility_id, ard_from=first, ard_to=last)
    rows = [a for resident_rows in by_resident.values() for a in resident_rows]
    counts = on_time(rows, first, last, today)
    timing = {**counts, "percent": percent(counts["on_time"], counts["due"])}
    return timing, await _case_mix(facility_id, rows, first, last)


async def _case_mix(
    facility_id: int, rows: list[dict[str, Any]], first: date, last: date
) -> dict[str, Any] | None:
    pps = [
        a
        for a in rows
        if a.get("status") == "completed"
        and a.get("a0310b") not in (None, "", "99")
        and isinstance(a.get("ard"), date)
        and first <= a["ard"] <= last
    ]
    records = await mds_services.answers_for([a["id"] for a in pps])
    nursing: Counter[str] = Counter()
    nta: Counter[str] = Counter()
    hipps: Counter[str] = Counter()
    count = 0
    for a in pps:
        try:
            result = pdpm.classify(records[a["id"]])  # I0020B's category from the shipped CMS ICD-10 mapping
        except (LookupError, ValueError):
            continue
        count += 1
        nursing[result.nursing] += 1
        nta[result.nta] += 1
        if result.hipps:
            hipps[result.hipps] += 1
    return {
        "assessments": count,
        "nursing": dict(nursing.most_common()),
        "nta": dict(sorted(nta.items())),
        "hipps": dict(hipps.most_common(10)),
    }


async def _submissions(facility_id: int, first: date, last: date) -> dict[str, Any] | None:
    rows = await upload_services.recent_submissions(facility_id, 1000)
    mine = [r for r in rows if r.get("created_at") and first <= r["created_at"].date() <= last]
    return {
        "uploads": len(mine),
        "accepted": sum(int(r.get("accepted") or 0) for r in mine),
        "rejected": sum(int(r.get("rejected") or 0) for r in mine),
    }


async def _careplans(facility_id: int) -> dict[str, Any] | None:
    rollup = (await careplan_services.facility_compliance(facility_id))["rollup"]
    return {
        "residents": rollup.residents,
        "compliant": rollup.compliant,
        "percent": rollup.percent_compliant if rollup.residents else None,
        "by_ftag": dict(rollup.by_ftag),
    }


async def _findings(facility_id: int) -> dict[str, Any] | None:
    surveys = await readiness_services.list_surveys(facility_id)
    return {
        "open": sum(int(s.get("open_count") or 0) for s in surveys),
        "surveys": len(surveys),
        "worst": max((s.get("worst") or "" for s in surveys if s.get("open_count")), default=""),
    }


async def _qm(facility_id: int, state: str, last: date, lang: str) -> list[dict[str, Any]] | None:
    from surveys.qm import services as qm_services

    quarter = qm_services.quarter_of(last)
    result = await qm_services.facility_qm(facility_id, [quarter])
    if not result.assessments:
        return None
    out = []
    for row in qm_services.measure_rows(result, quarter, state, lang):
        out.append(
            {
                "code": row["code"],
                "description": row["description"],
                "numerator": row["rate"].numerator,
                "denominator": row["rate"].denominator,
                "facility": None if row["rate"].percent is None else round(row["rate"].percent, 1),
                "state": None if row["state_average"] is None else round(row["state_average"], 1),
                "national": None if row["national_average"] is None else round(row["national_average"], 1),
                "better": row["comparison"].better_than_state if row["comparison"] else None,
            }
        )
    return out


async def monthly_report(
    facility: dict[str, Any], month: str, today: date, lang: str = "en", *, use_cache: bool = True
) -> MonthlyReport:
    """The report, kept until the facility's next write (facility.core.datacache) unless `use_cache` is False."""
    if not use_cache:
        return await _monthly_report(facility, month, today, lang)
    return await datacache.cached(
        int(facility["id"]),
        "reports.monthly",
        (month, lang, today),
        lambda: _monthly_report(facility, month, today, lang),
    )


async def _monthly_report(facility: dict[str, Any], month: str, today: date, lang: str) -> MonthlyReport:
    first, last = month_bounds(month)
    report = MonthlyReport(facility=facility, month=month, computed_at=clock.now())
    census, daily = await _census(facility["id"], first, last)
    report.census = {**census, "daily": daily[: max(0, min((today - first).days + 1, len(daily)))]}
    report.assessments, report.case_mix = await _assessments(facility["id"], first, last, today)
    if report.case_mix is not None and report.case_mix["assessments"] == 0:
        report.case_mix = None
        report.notes.append("no_pps")
    report.submissions = await _submissions(facility["id"], first, last)
    report.careplans = await _careplans(facility["id"])
    report.findings = await _findings(facility["id"])
    report.qm = await _qm(facility["id"], facility.get("state", ""), last, lang)
    return report


def clear_cache() -> None:
    datacache.clear()
    _CHAIN.clear()


@dataclass
class ChainRollup:
    rows: list[tuple[dict[str, Any], dict[str, Any]]]
    month: str
    computed_at: datetime
    refreshing: bool = False


_CHAIN: dict[tuple[tuple[int, ...], str, date], tuple[float, ChainRollup]] = {}
_REFRESHING: dict[tuple[tuple[int, ...], str, date], asyncio.Task[ChainRollup]] = {}


async def _compute_chain(facilities: Sequence[dict[str, Any]], month: str, today: date) -> ChainRollup:
    gate = asyncio.Semaphore(CHAIN_CONCURRENCY)

    async def one(facility: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        async with gate:
            report = await monthly_report(facility, month, today)  # unchanged facilities: cached
            return facility, {**report.summary(), "reasons": report.reasons()}

    rows = list(await asyncio.gather(*(one(f) for f in facilities)))
    return ChainRollup(rows, month, clock.now())


async def chain_rollup(
    facilities: Sequence[dict[str, Any]], month: str, today: date, *, refresh: bool = False
) -> ChainRollup:
    """Each facility's summary for `month` (facilities in the given order), cached for the chain as described
    at CHAIN_FRESH_SECONDS; `refresh` recomputes now."""
    key = (tuple(int(f["id"]) for f in facilities), month, today)
    cached = _CHAIN.get(key)
    age = time.monotonic() - cached[0] if cached else None
    if cached and not refresh and age is not None and age < CHAIN_STALE_SECONDS:
        if age >= CHAIN_FRESH_SECONDS and key not in _REFRESHING:
            _REFRESHING[key] = asyncio.create_task(_refresh_chain(key, facilities, month, today))
        return ChainRollup(cached[1].rows, month, cached[1].computed_at, refreshing=key in _REFRESHING)
    return await _refresh_chain(key, facilities, month, today)


async def _refresh_chain(
    key: tuple[tuple[int, ...], str, date], facilities: Sequence[dict[str, Any]], month: str, today: date
) -> ChainRollup:
    try:
        rollup = await _compute_chain(facilities, month, today)
        if len(_CHAIN) > 64:
            _CHAIN.clear()
        _CHAIN[key] = (time.monotonic(), rollup)
        return rollup
    finally:
        _REFRESHING.pop(key, None)


def charts(report: MonthlyReport, t: Any = str) -> dict[str, Any]:
    """Chart.js data blocks for the HTML report; `t` translates the series names."""
    first, _ = month_bounds(report.month)
    out: dict[str, Any] = {}
    if report.census:
        daily = report.census["daily"]
        out["census"] = {
            "type": "line",
            "labels": [str(first.day + i) for i in range(len(daily))],
            "series": [{"label": t(N_("Census")), "data": daily}],
        }
        out["payers"] = {
            "type": "bar",
            "labels": list(report.census["payers"]),
            "series": [{"label": t(N_("Open stays")), "data": list(report.census["payers"].values())}],
        }
    if report.qm:
        out["qm"] = {
            "type": "bar",
            "labels": [q["code"] for q in report.qm],
            "y_label": "%",
            "series": [
                {"label": t(N_("Facility")), "data": [q["facility"] for q in report.qm]},
                {"label": t(NC_("US state", "State")), "data": [q["state"] for q in report.qm]},
                {"label": t(N_("National")), "data": [q["national"] for q in report.qm]},
            ],
        }
    return out


def _latin1(text: Any) -> str:
    value = "" if text is None else str(text)
    for old, new in {
        "\u2013": "-",
        "\u2014": "-",
        "\u2019": "'",
        "\u00a0": " ",
        "\u2265": ">=",
        "\u2264": "<=",
    }.items():
        value = value.replace(old, new)
    return value.encode("latin-1", "replace").decode("latin-1")


# Chart colours (RGB) for the PDF, the same order as the HTML charts' series.
PDF_SERIES_COLORS = ((31, 119, 180), (255, 127, 14), (44, 160, 44))
PDF_CHART_HEIGHT = 48.0  # mm, plot area


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 or 10 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def pdf_chart(
    pdf: Any,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    kind: str = "bar",
    unit: str = "",
    note: str = "",
) -> None:
    """Draw a bar chart (grouped series) or a line chart with fpdf2's own drawing calls (no image, no network).
    A missing value (None) draws nothing: no bar, no point; `note` says why under the chart."""
    values = [v for _, data in series for v in data if v is not None]
    if not labels or not values:
        return
    top = _nice_top(max(values))
    left, width, height = pdf.l_margin + 12, pdf.epw - 12, PDF_CHART_HEIGHT
    if pdf.will_page_break(height + 24):
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    y0 = pdf.get_y() + 2
    bottom = y0 + height
    pdf.set_font("Helvetica", "", 7)
    pdf.set_draw_color(190, 190, 190)
    pdf.set_line_width(0.2)
    for i in range(5):  # grid lines and y-axis labels
        value = top * i / 4
        y = bottom - height * i / 4
        pdf.line(left, y, left + width, y)
        text = f"{value:g}{unit}"
        pdf.text(left - 1.5 - pdf.get_string_width(text), y + 1, text)
    slot = width / len(labels)
    if kind == "line":
        for index, (_, data) in enumerate(series):
            color = PDF_SERIES_COLORS[index % len(PDF_SERIES_COLORS)]
            pdf.set_draw_color(*color)
            pdf.set_line_width(0.6)
            points = [
                (left + slot * (i + 0.5), bottom - height * v / top)
                for i, v in enumerate(data)
                if v is not None
            ]
            if len(points) > 1:
                pdf.polyline(points)
            pdf.set_fill_color(*color)
            for x, y in points:
                pdf.rect(x - 0.5, y - 0.5, 1, 1, style="F")
    else:
        bar = slot * 0.8 / max(1, len(series))
        for index, (_, data) in enumerate(series):
            pdf.set_fill_color(*PDF_SERIES_COLORS[index % len(PDF_SERIES_COLORS)])
            for i, v in enumerate(data):
                if v is None or v <= 0:
                    continue
                h = height * v / top
                pdf.rect(left + slot * i + slot * 0.1 + bar * index, bottom - h, bar, h, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.line(left, bottom, left + width, bottom)
    every = max(1, math.ceil(len(labels) / 16))  # at most ~16 category labels fit under the axis
    pdf.set_text_color(60, 60, 60)
    for i, label in enumerate(labels):
        if i % every == 0:
            text = _latin1(label)[:14]
            pdf.text(left + slot * (i + 0.5) - pdf.get_string_width(text) / 2, bottom + 3.5, text)
    pdf.set_y(bottom + 6)
    if len(series) > 1 or series[0][0]:
        x = left
        for index, (name, _) in enumerate(series):
            pdf.set_fill_color(*PDF_SERIES_COLORS[index % len(PDF_SERIES_COLORS)])
            pdf.rect(x, pdf.get_y() - 2.2, 3, 3, style="F")
            pdf.text(x + 4, pdf.get_y(), _latin1(name))
            x += 8 + pdf.get_string_width(_latin1(name))
        pdf.ln(3)
    if note:
        pdf.set_font("Helvetica", "I", 7.5)
        pdf.multi_cell(0, 4, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)


def report_pdf(report: MonthlyReport, t: Any = str) -> bytes:
    """The monthly report as a printable PDF (fpdf2, core fonts); `t` translates labels. Run off the event loop."""
    from fpdf import FPDF

    na = t(N_("not available"))
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin1(f"{t(N_('Monthly facility report'))} {report.month}"))
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(
        0, 9, _latin1(f"{t(N_('Monthly facility report'))} {report.month}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(
        0,
        6,
        _latin1(
            f"{report.facility.get('name', '')} - CCN {report.facility.get('ccn', '')} - {report.facility.get('state', '')}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.cell(
        0,
        6,
        _latin1(t(N_("Computed: %(when)s UTC")) % {"when": f"{report.computed_at:%Y-%m-%d %H:%M}"}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)

    def table(title: str, rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9.5)
        with pdf.table(
            col_widths=widths, text_align="LEFT", line_height=5.5, first_row_as_headings=True
        ) as tbl:
            for values in rows:
                line = tbl.row()
                for value in values:
                    line.cell(_latin1(value))
        pdf.ln(3)

    summary = report.summary()
    reasons = report.reasons()
    table(
        t(N_("Summary")),
        [(t(N_("Measure")), t(N_("Value")))]
        + [(t(SUMMARY_LABELS[k]), _shown(v, t, reasons.get(k, NOT_AVAILABLE))) for k, v in summary.items()],
        (3, 1),
    )
    if report.census and report.census["daily"]:
        first, _ = month_bounds(report.month)
        daily = report.census["daily"]
        pdf_chart(
            pdf,
            t(N_("Daily census")),
            [str(first.day + i) for i in range(len(daily))],
            [(t(N_("Census")), daily)],
            kind="line",
        )
    if report.census and report.census["payers"]:
        payers = report.census["payers"]
        pdf_chart(
            pdf,
            t(N_("Payer mix of open stays")),
            [t(payer_label(p)) for p in payers],
            [(t(N_("Open stays")), list(payers.values()))],
        )
        table(
            t(N_("Payer mix of open stays")),
            [(t(N_("Payer")), t(N_("Open stays")))]
            + [(t(payer_label(p)), str(n)) for p, n in payers.items()],
            (3, 1),
        )
    if report.qm:
        pdf_chart(
            pdf,
            t(N_("Quality measures vs state")),
            [q["code"] for q in report.qm],
            [
                (t(N_("Facility")), [q["facility"] for q in report.qm]),
                (t(NC_("US state", "State")), [q["state"] for q in report.qm]),
                (t(N_("National")), [q["national"] for q in report.qm]),
            ],
            unit="%",
            note="" if report.has_state_data() else f"{t(NC_('US state', 'State'))}: {t(NO_STATE_DATA)}",
        )
        table(
            t(N_("Quality measures vs state")),
            [
                (
                    t(N_("Measure")),
                    t(N_("Residents")),
                    t(N_("Facility")),
                    t(NC_("US state", "State")),
                    t(N_("National")),
                )
            ]
            + [
                (
                    f"{q['code']} {q['description']}",
                    f"{q['numerator']}/{q['denominator']}",
                    na if q["facility"] is None else f"{q['facility']}%",
                    _shown(q["state"], t, NO_STATE_DATA, "%"),
                    na if q["national"] is None else f"{q['national']}%",
                )
                for q in report.qm
            ],
            (6, 1.3, 1.2, 1.2, 1.2),
        )
    if report.case_mix:
        table(
            t(N_("Case-mix (PDPM nursing groups)")),
            [(t(N_("Group")), t(N_("Assessments")))]
            + [(g, str(n)) for g, n in report.case_mix["nursing"].items()],
            (3, 1),
        )
    return bytes(pdf.output())
