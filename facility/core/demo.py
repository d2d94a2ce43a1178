"""Demo data: "Sunrise Care Center" with 3 units, 120 synthetic residents and one user per role.

Synthetic only (names are drawn from common-name lists; no real person). Deterministic (seeded), so
screenshots and tests see the same facility every time. Demo passwords exist only here.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from facility.auth.service import create_user
from facility.core import audit, clock
from facility.core.db import found, write_transaction
from facility.tables import Facility, Resident, Stay, StayEvent, Unit, User

DEMO_CCN = "999001"
DEMO_FACILITY = "Sunrise Care Center"
DEMO_USERS = (
    # username, role, display name, title, password
    ("admin", "admin", "Alex Admin", "NHA", "demo-admin-pass"),
    ("coordinator", "mds_coordinator", "Maria Santos", "RN", "demo-coordinator-pass"),
    ("nurse", "nurse", "Nora Nurse", "LPN", "demo-nurse-pass"),
    ("um", "um_reviewer", "Uma Reviewer", "RN", "demo-um-pass"),
    ("viewer", "viewer", "Victor Viewer", "", "demo-viewer-pass"),
    # Director of Nursing: role nurse with the DON title, who signs plans of correction before the administrator.
    ("don", "nurse", "Dana Director", "DON", "demo-don-pass"),
)
UNITS = ("East Wing", "West Wing", "Memory Care")
_LAST = (
    "Garcia Smith Johnson Williams Brown Jones Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores"
).split()
_FIRST_F = "Mary Patricia Linda Barbara Elizabeth Jennifer Maria Susan Margaret Dorothy Lisa Nancy Karen Betty Helen Sandra Rosa Carmen Ruth Alice".split()
_FIRST_M = "James John Robert Michael William David Richard Joseph Thomas Charles Jose Daniel Paul Mark Donald George Kenneth Steven Edward Luis".split()


async def demo_exists() -> bool:
    return bool(await Facility.exists().where(Facility.ccn == DEMO_CCN))


async def database_is_empty() -> bool:
    return await Facility.count() == 0 and await User.count() == 0


def _mbi(rng: random.Random) -> str:
    letters = "ACDEFGHJKMNPQRTUVWXY"
    alnum = letters + "0123456789"
    pick = rng.choice
    return (
        f"{rng.randint(1, 9)}{pick(letters)}{pick(alnum)}{rng.randint(0, 9)}{pick(letters)}{pick(alnum)}"
        f"{rng.randint(0, 9)}{pick(letters)}{pick(letters)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    )


def plan_residents(
    today: date, count: int = 120, seed: int = 20261125, history_days: int = 548
) -> list[dict[str, Any]]:
    """Pure: a reproducible census with admissions over the past `history_days` (18 months by default),
    discharges, re-entries, deaths."""
    rng = random.Random(seed)
    residents = []
    for index in range(count):
        sex = rng.choice("FFM")  # nursing-home residents are mostly women
        first = rng.choice(_FIRST_F if sex == "F" else _FIRST_M)
        admitted = today - timedelta(days=rng.randint(1, history_days))
        born = date(today.year - rng.randint(66, 99), rng.randint(1, 12), rng.randint(1, 28))
        events: list[tuple[str, date]] = [("admission", admitted)]
        stay_status, status = "in_facility", "active"
        roll = rng.random()
        days_in = (today - admitted).days
        if roll < 0.15 and days_in > 20:  # short-stay rehab, went home
            events.append(
                (
                    "discharge_return_not_anticipated",
                    admitted + timedelta(days=rng.randint(10, min(days_in, 60))),
                )
            )
            stay_status, status = "discharged_rna", "discharged"
        elif roll < 0.25 and days_in > 30:  # hospital transfer, came back
            out = admitted + timedelta(days=rng.randint(5, days_in - 20))
            events.append(("discharge_return_anticipated", out))
            events.append(("reentry", out + timedelta(days=rng.randint(2, 10))))
        elif roll < 0.28 and days_in > 30:
            events.append(
                ("discharge_return_anticipated", admitted + timedelta(days=rng.randint(5, days_in - 2)))
            )
            stay_status, status = "discharged_ra", "discharged"
        elif roll < 0.32 and days_in > 40:
            events.append(("death", admitted + timedelta(days=rng.randint(30, days_in))))
            stay_status, status = "expired", "expired"
        residents.append(
            {
                "last_name": rng.choice(_LAST),
                "first_name": first,
                "sex": sex,
                "birth_date": born,
                "unit": UNITS[index % len(UNITS)],
                "room": f"{100 * (index % 3 + 1) + index // 3 + 1}{rng.choice('AB')}",
                "medicare_number": _mbi(rng),
                "medicaid_number": f"MC{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.6 else "",
                "status": status,
                "stay_status": stay_status,
                "events": events,
                "payer": rng.choice(("medicare_a", "medicaid", "medicaid", "medicare_advantage", "private")),
            }
        )
    return residents


async def create_demo(today: date | None = None, *, residents: int = 120, history_days: int = 548) -> bool:
    """Creates the demo facility once; returns False when it already exists (idempotent). The benchmark
    (scripts/bench_chain.py) asks for a longer history to seed its chain."""
    if await demo_exists():
        return False
    today = today or clock.today()
    async with write_transaction():
        facility = Facility(name=DEMO_FACILITY, ccn=DEMO_CCN, state="OH", npi="1999999984", is_demo=True)
        await facility.save()
        units = {}
        for name in UNITS:
            unit = Unit(facility=facility.id, name=name)
            await unit.save()
            units[name] = unit.id
    for username, role, display, title, password in DEMO_USERS:
        await create_user(
            username,
            password,
            role,
            [DEMO_CCN],
            display_name=display,
            title=title,
            chain_wide=role == "admin",
            demo=True,
        )
    coordinator = found(
        await User.select(User.id).where(User.username_key == "coordinator").first(), "user coordinator"
    )
    actor_id = coordinator["id"]
    async with write_transaction():
        for plan in plan_residents(today, residents, history_days=history_days):
            resident = Resident(
                facility=facility.id,
                unit=units[plan["unit"]],
                last_name=plan["last_name"],
                first_name=plan["first_name"],
                birth_date=plan["birth_date"],
                sex=plan["sex"],
                medicare_number=plan["medicare_number"],
                medicaid_number=plan["medicaid_number"],
                room=plan["room"],
                status=plan["status"],
                created_by=actor_id,
                updated_by=actor_id,
            )
            await resident.save()
            stay = Stay(
                resident=resident.id,
                facility=facility.id,
                admission_date=plan["events"][0][1],
                payer=plan["payer"],
                admitted_from="Acute hospital",
                status=plan["stay_status"],
                created_by=actor_id,
                updated_by=actor_id,
            )
            await stay.save()
            await StayEvent.insert(
                *[
                    StayEvent(stay=stay.id, kind=k, event_date=d, created_by=actor_id)
                    for k, d in plan["events"]
                ]
            )
        await audit.record(
            audit.Actor(None, "system"),
            "import",
            "demo",
            facility.id,
            facility_id=facility.id,
            after={"residents": residents, "units": list(UNITS)},
        )
    from facility.core.plugins import registry

    for (
        extend
    ) in registry().demo_extenders:  # assessments, care plans, surveys … from the other packages' plugins
        await extend(facility.id, today)
    return True
