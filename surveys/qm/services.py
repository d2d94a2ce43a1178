"""Quality measures of a facility from its signed MDS assessments (via mds.assessments.services, read lazily), compared
with the CMS state/national averages shipped in surveys/data/qm_cms_benchmarks.csv (built by
scripts/build_qm_benchmarks.py), each measure linked to its F-tags and CAA care areas.

The rules are surveys.qm.rules (pure). Results are cached per facility and quarter, keyed by a signature of the
facility's signed assessments (count and last change), so a new signature recomputes and the page stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from mds.assessments import services as mds_services
from mds.tables import Assessment
from surveys.qm import rules as qm

BENCHMARK_FILE = Path(__file__).parents[1] / "data" / "qm_cms_benchmarks.csv"
SIGNED = ("completed",)  # mds Assessment.status of a signed, locked record

# Measure -> F-tags a surveyor looks at when the measure is high (SOM Appendix PP: F686 pressure
# ulcers, F689 accidents, F690 incontinence/catheter/UTI; F605 unnecessary psychotropics since 2025-04-28;
# F676/F677 activities of daily living) and the CAA care areas (RAI ch. 4) that plan the care.
MEASURE_LINKS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "401": (("F676", "F677"), (5,)),
    "406": (("F690",), (6,)),
    "407": (("F690", "F880"), (6,)),
    "410": (("F689",), (11,)),
    "451": (("F676",), (5,)),
    "479": (("F686",), (16, 12)),
    "481": (("F605",), (17,)),
    "434": (("F605",), (17,)),
}
CARE_AREAS = {
    5: "ADL Functional/Rehabilitation Potential",
    6: "Urinary Incontinence and Indwelling Catheter",
    11: "Falls",
    12: "Nutritional Status",
    16: "Pressure Ulcer/Injury",
    17: "Psychotropic Medication Use",
}
CARE_AREAS_ES = {
    5: "Funcionalidad en AVD / potencial de rehabilitación",
    6: "Incontinencia urinaria y sonda permanente",
    11: "Caídas",
    12: "Estado nutricional",
    16: "Úlcera/lesión por presión",
    17: "Uso de medicamentos psicotrópicos",
}


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: date, count: int = 4) -> list[str]:
    """The current quarter and the ones before it, oldest first."""
    labels, day = [], today
    for _ in range(count):
        labels.append(quarter_of(day))
        day = qm.Period.quarter(labels[-1]).start - timedelta(days=1)
    return labels[::-1]


def valid_quarter(label: str) -> bool:
    return (
        len(label) == 6
        and label[:4].isdigit()
        and label[4] == "Q"
        and label[5] in "1234"
        and 2000 <= int(label[:4]) <= 2100
    )


@lru_cache(maxsize=1)
def cms_rows() -> tuple[qm.CmsQmRow, ...]:
    return tuple(qm.load_cms_qm_csv(BENCHMARK_FILE.read_text(encoding="utf-8")))


def benchmarks(state: str) -> dict[str, qm.Benchmark]:
    return qm.benchmarks(cms_rows(), state)


def benchmark_scope() -> dict[str, Any]:
    rows = cms_rows()
    return {
        "facilities": len({r.ccn for r in rows}),
        "states": sorted({r.state for r in rows}),
        "period": rows[0].period if rows else "",
    }


# ---------------------------------------------------------------- assessments (lazy: mds may be absent)


async def resident_ids(facility_id: int) -> dict[int, str]:
    from facility.tables import Resident

    rows = await Resident.select(Resident.id, Resident.last_name, Resident.first_name).where(
        (Resident.facility == facility_id) & (Resident.active == True)
    )
    return {r["id"]: f"{r['last_name']}, {r['first_name']}" for r in rows}


async def _signature(facility_id: int) -> tuple[Any, ...]:
    """Cheap fingerprint of the facility's signed assessments."""
    from piccolo.query.functions.aggregate import Count, Max

    row = (
        await Assessment.select(Count(alias="n"), Max(Assessment.updated_at, alias="last"))
        .where(
            (Assessment.facility == facility_id)
            & Assessment.status.is_in(list(SIGNED))
            & (Assessment.active == True)
        )
        .first()
    )
    return (row or {}).get("n"), str((row or {}).get("last"))


# Records older than this before the first period cannot change a flag: a target lies at most 120 days before the
# episode's end (>= period start), its look-back scan and prior at most 275 days before the target, and an episode
# reaching further back is long stay either way (CDIF > 100). qm.TARGET_WINDOW_DAYS + qm.LOOKBACK_DAYS + margin.
HISTORY_DAYS = qm.TARGET_WINDOW_DAYS + qm.LOOKBACK_DAYS + 60


def history_start(quarters: Sequence[str]) -> date:
    return min(qm.Period.quarter(q).start for q in quarters) - timedelta(days=HISTORY_DAYS)


async def histories(
    facility_id: int, since: date | None = None
) -> tuple[dict[str, list[dict[str, str]]], int]:
    """resident id -> each signed record with an ARD from `since` (oldest first), reduced to the items the measures
    read (qm.ITEMS_READ); and the number of records. One query for the whole facility (mds.assessments.services)."""
    active = await resident_ids(facility_id)
    records = await mds_services.signed_items_for_facility(facility_id, qm.ITEMS_READ, ard_from=since)
    out = {str(rid): rows for rid, rows in sorted(records.items()) if rid in active and rows}
    return out, sum(len(v) for v in out.values())


@dataclass(frozen=True)
class FacilityQM:
    quarters: tuple[str, ...]
    assessments: int
    residents: dict[str, dict[str, qm.ResidentQM]]  # quarter -> resident id -> flags
    rates: dict[str, dict[str, qm.MeasureRate]]  # quarter -> code -> rate


_CACHE: dict[tuple[int, tuple[str, ...]], tuple[tuple[Any, ...], FacilityQM]] = {}


async def facility_qm(facility_id: int, quarters: Sequence[str]) -> FacilityQM:
    key = (facility_id, tuple(quarters))
    signature = await _signature(facility_id)
    cached = _CACHE.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    history, count = await histories(facility_id, history_start(quarters))
    residents: dict[str, dict[str, qm.ResidentQM]] = {}
    rates: dict[str, dict[str, qm.MeasureRate]] = {}
    for label in quarters:
        period = qm.Period.quarter(label)
        evaluated = {rid: qm.evaluate_resident(rid, records, period) for rid, records in history.items()}
        residents[label] = evaluated
        rates[label] = qm.facility_rates(evaluated.values())
    result = FacilityQM(tuple(quarters), count, residents, rates)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = (signature, result)
    return result


def clear_cache() -> None:
    _CACHE.clear()


# ---------------------------------------------------------------- page rows


def _points(code: str, rate: qm.MeasureRate) -> int | None:
    if rate.rate is None:
        return None
    try:
        return qm.points_for_rate(code, rate.rate)
    except KeyError:
        return None


def measure_rows(result: FacilityQM, quarter: str, state: str, lang: str) -> list[dict[str, Any]]:
    """One row per computed measure: rate, CMS averages, comparison, Five-Star points, F-tags, care areas, trend."""
    catalog = qm.catalog()
    bench = benchmarks(state)
    rows = []
    for code in qm.MEASURES:
        rate = result.rates[quarter][code]
        b = bench.get(code)
        comparison = qm.compare(code, rate.percent, b) if (b and rate.percent is not None) else None
        ftag_codes, areas = MEASURE_LINKS.get(code, ((), ()))
        rows.append(
            {
                "code": code,
                "description": catalog[code]["description"],
                "stay": catalog[code]["stay"],
                "rate": rate,
                "state_average": b.state_average if b else None,
                "national_average": b.national_average if b else None,
                "comparison": comparison,
                "points": _points(code, rate),
                "higher_is_better": qm.higher_is_better(code),
                "ftags": [_ftag(t) for t in ftag_codes],
                "care_areas": [(n, (CARE_AREAS_ES if lang == "es" else CARE_AREAS)[n]) for n in areas],
                "trend": [result.rates[q][code].percent for q in result.quarters],
                "flagged": _flagged(result.residents[quarter], code, lang),
            }
        )
    return rows


def _ftag(code: str) -> dict[str, str]:
    try:
        from surveys.readiness import ftags

        tag = ftags.get(code)
        return {"code": tag.display, "title": tag.title}
    except (ImportError, KeyError):
        return {"code": code, "title": ""}


def _flagged(residents: dict[str, qm.ResidentQM], code: str, lang: str) -> list[dict[str, Any]]:
    out = []
    for rid, resident in residents.items():
        for flag in resident.flags:
            if flag.code == code and flag.status in ("numerator", "excluded"):
                out.append(
                    {
                        "resident_id": int(rid),
                        "status": flag.status,
                        "message": flag.message(lang),
                        "items": dict(flag.items),
                    }
                )
    return sorted(out, key=lambda f: (f["status"] != "numerator", f["resident_id"]))


def not_computed() -> list[dict[str, str]]:
    """Catalog measures this tool does not compute (no MDS logic, claims-based or risk-adjusted QRP)."""
    return [
        {"code": row["code"], "description": row["description"], "stay": row["stay"]}
        for row in qm.measure_data()["catalog"]
        if row["code"] not in qm.MEASURES
    ]


def star_estimates(rows: list[dict[str, Any]]) -> list[qm.StarEstimate]:
    """Long- and short-stay Five-Star QM star ranges from the points of the measures on the page."""
    points = {r["code"]: r["points"] for r in rows}
    return [qm.star_estimate(stay, points) for stay in ("long", "short")]


def simulator_defaults(rows: list[dict[str, Any]], asked: dict[str, str]) -> dict[str, str]:
    """The simulator form's starting values: what the user asked, else the first measure with residents in its
    denominator and its own numbers; with no residents anywhere the numbers stay empty for the user to fill."""
    if asked.get("code"):
        return asked
    with_residents = [r for r in rows if r["rate"].denominator]
    if not with_residents:
        return {"code": rows[0]["code"] if rows else "", "numerator": "", "denominator": ""}
    first = with_residents[0]
    return {
        "code": first["code"],
        "numerator": str(first["rate"].numerator),
        "denominator": str(first["rate"].denominator),
    }


def simulate(code: str, numerator: int, denominator: int) -> qm.CutpointSimulation:
    return qm.simulate_cutpoint(code, numerator, denominator)


def chart_data(rows: list[dict[str, Any]], quarters: Sequence[str]) -> dict[str, Any]:
    """Chart.js line data: one series per measure with data (None = no denominator that quarter)."""
    return {
        "type": "line",
        "labels": list(quarters),
        "y_label": "%",
        "series": [
            {"label": r["code"], "data": [None if v is None else round(v, 1) for v in r["trend"]]}
            for r in rows
        ],
    }
