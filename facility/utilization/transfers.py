"""Hospital transfers of a facility and its hospitalization rates.

The log is built on every read from the stay events (discharges with return anticipated or not) and the MDS
discharge records (A2105, read by id from the signed records), joined with the coordinator's reviews
(UrTransferReview: reason, avoidable, A2105 when no record carries it, observation stays). Nothing is written
on a read. Rates: facility.utilization.rules (measures 521 and 551) against facility.utilization.reference."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from facility.core import datacache
from facility.core.plugins import call_hook
from facility.tables import Stay, StayEvent
from facility.utilization import hooks
from facility.utilization import rules as ur
from facility.utilization.reference import cms_reference
from facility.utilization.tables import UrTransferReview

WINDOW_DAYS = 365
_OUT = ("discharge_return_anticipated", "discharge_return_not_anticipated")
_IN = ("admission", "reentry")


async def _mds_discharge_status(facility_id: int, since: date) -> dict[tuple[int, date], str]:
    """(resident, discharge date A2000) -> A2105 of the facility's signed discharge records; {} without the MDS
    domain. A2105 is the current item (v1.18.11, from 2023-10-01); A2100 records are read as a fallback."""
    records = await call_hook(hooks.SIGNED_ITEMS_FOR_FACILITY.name)(
        facility_id, ["A0310F", "A2000", "A2100", "A2105"], ard_from=since
    )
    out: dict[tuple[int, date], str] = {}
    for resident, rows in records.items():
        for rec in rows:
            when = _mds_date(rec.get("A2000", ""))
            code = (rec.get("A2105") or "").strip() or _a2100_as_a2105(rec.get("A2100", ""))
            if rec.get("A0310F") in ("10", "11") and when is not None and code:
                out[(resident, when)] = code
    return out


# A2100 (retired 2023-10-01) codes mapped to A2105 for older records: 03 acute hospital -> 04, 04 psychiatric
# hospital -> 07, 09 long-term care hospital -> 05 (item_set_changes.csv, A2100 value list).
_A2100_HOSPITAL = {"03": "04", "04": "07", "09": "05"}


def _a2100_as_a2105(code: str | None) -> str:
    return _A2100_HOSPITAL.get((code or "").strip(), "")


def _mds_date(value: str) -> date | None:
    text = (value or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


async def _facility_stays(facility_id: int) -> list[dict[str, Any]]:
    stays = await Stay.select(
        *Stay.all_columns(),
        Stay.resident.last_name.as_alias("last_name"),
        Stay.resident.first_name.as_alias("first_name"),
        Stay.resident.room.as_alias("room"),
    ).where((Stay.facility == facility_id) & (Stay.active == True))
    events = await StayEvent.select().where(
        StayEvent.stay.is_in([s["id"] for s in stays] or [-1]) & (StayEvent.active == True)
    )
    by_stay: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_stay.setdefault(e["stay"], []).append(e)
    for s in stays:
        s["events"] = sorted(by_stay.get(s["id"], []), key=lambda e: (e["event_date"], e["id"]))
    return stays


def _return_after(
    stay: Mapping[str, Any], later_stays: Iterable[Mapping[str, Any]], out_date: date
) -> date | None:
    reentry = [
        e["event_date"] for e in stay["events"] if e["kind"] == "reentry" and e["event_date"] >= out_date
    ]
    readmitted = [
        s["admission_date"] for s in later_stays if s["admission_date"] >= out_date and s["id"] != stay["id"]
    ]
    return min(reentry + readmitted, default=None)


def build_log(
    stays: list[dict[str, Any]],
    mds: Mapping[tuple[int, date], str],
    reviews: Iterable[Mapping[str, Any]],
    since: date,
) -> list[dict[str, Any]]:
    """One row per hospital transfer since `since`: discharges whose A2105 is a hospital, discharges with return
    anticipated and no A2105 yet (presumed hospital, flagged), and observation stays recorded by the coordinator."""
    by_resident: dict[int, list[dict[str, Any]]] = {}
    for s in stays:
        by_resident.setdefault(s["resident"], []).append(s)
    reviewed = {(r["stay"], r["transfer_date"], r["kind"]): r for r in reviews}
    log: list[dict[str, Any]] = []
    for stay in stays:
        for event in stay["events"]:
            if event["kind"] not in _OUT or event["event_date"] < since:
                continue
            review = reviewed.get((stay["id"], event["event_date"], "discharge"))
            code = mds.get((stay["resident"], event["event_date"])) or (review or {}).get("a2105", "")
            presumed = not code and event["kind"] == "discharge_return_anticipated"
            if not (ur.is_hospital(code) or presumed):
                continue
            returned = _return_after(stay, by_resident[stay["resident"]], event["event_date"])
            log.append(
                _log_row(
                    stay, event["event_date"], "discharge", code, presumed, returned, review, event["kind"]
                )
            )
    for key, review in reviewed.items():
        observed = next((s for s in stays if s["id"] == key[0]), None)
        if key[2] == "observation" and observed is not None and review["transfer_date"] >= since:
            log.append(
                _log_row(
                    observed,
                    review["transfer_date"],
                    "observation",
                    review["a2105"] or "04",
                    False,
                    review["returned_date"],
                    review,
                    "observation",
                )
            )
    return sorted(log, key=lambda r: (r["transfer_date"], r["last_name"]), reverse=True)


def _log_row(
    stay: Mapping[str, Any],
    when: date,
    kind: str,
    code: str,
    presumed: bool,
    returned: date | None,
    review: Mapping[str, Any] | None,
    event: str,
) -> dict[str, Any]:
    return {
        "stay": stay["id"],
        "resident": stay["resident"],
        "last_name": stay["last_name"],
        "first_name": stay["first_name"],
        "room": stay["room"],
        "transfer_date": when,
        "kind": kind,
        "event": event,
        "a2105": code,
        "presumed": presumed,
        "returned": returned,
        "returned_30": ur.returned_within(when, returned),
        "review": review,
        "reason": (review or {}).get("reason", ""),
        "avoidable": (review or {}).get("avoidable", ""),
        "acute": code in ur.A2105_ACUTE or presumed,
    }


def _entries(stays: list[dict[str, Any]], log: list[dict[str, Any]]) -> list[tuple[ur.Entry, dict[str, Any]]]:
    """Entries (admissions and re-entries) of short-stay residents (within their first 100 days), each with the
    acute transfers of the resident that followed."""
    first_in: dict[int, date] = {}
    for s in stays:
        first_in[s["resident"]] = min(first_in.get(s["resident"], s["admission_date"]), s["admission_date"])
    transfers: dict[int, list[date]] = {}
    for row in log:
        if row["acute"]:
            transfers.setdefault(row["resident"], []).append(row["transfer_date"])
    out = []
    for s in stays:
        for e in s["events"]:
            if e["kind"] not in _IN or (e["event_date"] - first_in[s["resident"]]).days >= ur.LONG_STAY_DAY:
                continue
            from_hospital = e["kind"] == "reentry" or "hosp" in str(s.get("admitted_from", "")).lower()
            after = tuple(t for t in transfers.get(s["resident"], []) if t >= e["event_date"])
            out.append((ur.Entry(s["resident"], e["event_date"], from_hospital, after), s))
    return out


def _in_facility(stays: Iterable[Mapping[str, Any]], today: date) -> dict[int, list[tuple[date, date]]]:
    """resident -> spans in the facility (end exclusive), from the stay events."""
    out: dict[int, list[tuple[date, date]]] = {}
    for s in stays:
        start: date | None = None
        for e in s["events"]:
            if e["kind"] in _IN and start is None:
                start = e["event_date"]
            elif e["kind"] in (*_OUT, "death") and start is not None:
                out.setdefault(s["resident"], []).append((start, e["event_date"]))
                start = None
        if start is not None:
            out.setdefault(s["resident"], []).append((start, today + timedelta(days=1)))
    return out


async def transfers_page(facility_id: int, today: date) -> dict[str, Any]:
    """Kept until the facility's next write (facility.core.datacache): the log of the last 12 months, both rates with
    their drill-downs and the CMS reference values."""
    return await datacache.cached(
        facility_id, "utilization.transfers", (today,), lambda: _transfers_page(facility_id, today)
    )


async def _transfers_page(facility_id: int, today: date) -> dict[str, Any]:
    since = today - timedelta(days=WINDOW_DAYS)
    stays = await _facility_stays(facility_id)
    reviews = await UrTransferReview.select().where(
        (UrTransferReview.facility == facility_id) & (UrTransferReview.active == True)
    )
    log = build_log(
        stays,
        await _mds_discharge_status(facility_id, since - timedelta(days=31)),
        reviews,
        since - timedelta(days=31),
    )
    # 521: entries of the 12 months that ended 30 days ago, so every entry's 30-day follow-up has closed.
    window_end = today - timedelta(days=ur.SHORT_STAY_WINDOW)
    entries = _entries(stays, log)
    rate_521, readmitted = ur.short_stay_rehospitalization(
        [e for e, _ in entries], window_end - timedelta(days=WINDOW_DAYS), window_end
    )
    stay_of = {(e.resident, e.entered): s for e, s in entries}
    counted = [
        (e, stay_of[(e.resident, e.entered)])
        for e, _ in entries
        if e.from_hospital and window_end - timedelta(days=WINDOW_DAYS) <= e.entered <= window_end
    ]
    # 551: hospitalizations on long-stay days of the last 12 months per 1,000 long-stay days.
    names = {s["resident"]: s for s in stays}
    long_rows, days_total, events_total = [], 0, 0
    for resident, spans in _in_facility(stays, today).items():
        days, long_from = ur.long_stay_days(spans, since, today - timedelta(days=1))
        if not days or long_from is None:
            continue
        hospitalizations = [
            r
            for r in log
            if r["resident"] == resident and r["acute"] and r["transfer_date"] >= max(long_from, since)
        ]
        days_total += days
        events_total += len(hospitalizations)
        long_rows.append(
            {
                "resident": resident,
                "stay": names[resident],
                "days": days,
                "long_from": long_from,
                "hospitalizations": hospitalizations,
            }
        )
    rate_551 = ur.per_thousand(events_total, days_total)
    reference = cms_reference()
    recent = [r for r in log if r["transfer_date"] >= since]
    return {
        "log": recent,
        "since": since,
        "window_521": (window_end - timedelta(days=WINDOW_DAYS), window_end),
        "rate_521": rate_521,
        "rate_551": rate_551,
        "reference": reference,
        "compare_521": ur.compare(rate_521.value, reference["521"].median),
        "compare_551": ur.compare(rate_551.value, reference["551"].median),
        "entries_521": [{"entry": e, "stay": s, "readmitted": e in readmitted} for e, s in counted],
        "long_stay": sorted(long_rows, key=lambda r: (-len(r["hospitalizations"]), r["stay"]["last_name"])),
        "stays_open": sorted(
            (
                {"id": s["id"], "last_name": s["last_name"], "first_name": s["first_name"]}
                for s in stays
                if s["status"] in ("in_facility", "discharged_ra")
            ),
            key=lambda s: (s["last_name"].lower(), s["first_name"].lower()),
        ),
        "unreviewed": sum(1 for r in recent if not r["avoidable"]),
        "avoidable": sum(1 for r in recent if r["avoidable"] == "yes"),
        "returned_30": sum(1 for r in recent if r["returned_30"]),
    }


async def transfers_of_stay(facility_id: int, stay_id: int, today: date) -> list[dict[str, Any]]:
    page = await transfers_page(facility_id, today)
    return [r for r in page["log"] if r["stay"] == stay_id]
