from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mds.record.isc import EXAMPLE_RFA, derive_isc


def rfa(a0200: str, a: str, b: str, f: str, h: str = "0", a0050: str = "1") -> dict[str, str]:
    return {"A0050": a0050, "A0200": a0200, "A0310A": a, "A0310B": b, "A0310F": f, "A0310H": h}


@pytest.mark.parametrize(
    "values,isc",
    [
        (rfa("1", "01", "99", "99"), "NC"),
        (rfa("1", "03", "99", "99"), "NC"),
        (rfa("1", "04", "01", "99"), "NC"),
        (rfa("1", "05", "99", "10"), "NC"),
        (rfa("1", "02", "99", "99"), "NQ"),
        (rfa("1", "06", "99", "11"), "NQ"),
        (rfa("1", "99", "01", "99"), "NP"),
        (rfa("1", "99", "08", "99"), "IPA"),
        (rfa("1", "99", "99", "99", "1"), "NPE"),
        (rfa("1", "99", "99", "10"), "ND"),
        (rfa("1", "99", "99", "11", "1"), "ND"),
        (rfa("1", "99", "99", "01"), "NT"),
        (rfa("1", "99", "99", "12"), "NT"),
        (rfa("2", "99", "01", "99"), "SP"),
        (rfa("2", "99", "99", "10"), "SD"),
        (rfa("2", "99", "99", "01"), "ST"),
        (rfa("2", "99", "08", "99"), "IPA"),
        (rfa("1", "01", "99", "99", a0050="3"), "XX"),
        ({"A0050": "3"}, "XX"),
    ],
)
def test_derivation(values: dict[str, str], isc: str) -> None:
    assert derive_isc(values) == isc


@pytest.mark.parametrize(
    "values",
    [
        rfa("1", "99", "99", "99"),  # no reason at all
        rfa("1", "01", "99", "01"),  # admission combined with entry tracking
        rfa("1", "99", "08", "10"),  # IPA combined with discharge
        rfa("2", "01", "99", "99"),  # OBRA reason on a swing bed
        rfa("3", "01", "99", "99"),  # unknown provider type
        {"A0050": "1", "A0200": "1"},
    ],
)
def test_disallowed_combinations(values: dict[str, str]) -> None:
    assert derive_isc(values) is None


def test_every_active_isc_reachable(shared_data: Path) -> None:
    with (shared_data / "mds" / "ref" / "item_subset_codes.csv").open(encoding="utf-8") as fh:
        active = [
            r["isc"] for r in csv.DictReader(fh) if "retired" not in r["meaning"] and "," not in r["isc"]
        ]
    assert set(active) == set(EXAMPLE_RFA)
    for isc in active:
        assert derive_isc(EXAMPLE_RFA[isc]) == isc
