"""GG grid entry (issue 18 part 4): the rows and columns of a record's grid are exactly the GG0130/GG0170 items
its item subset carries, checked against the CMS MDS 3.0 builder item list (../shared/data, v1.18.11), and each
cell offers exactly that item's codes."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from mds.assessments import entry_grid, services
from mds.record.catalog import get_catalog, known_versions

SHARED = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "mds" / "mds3builder_items_v1_18_11.csv"
)
GRID = re.compile(r"^(GG0130|GG0170)([A-Z]+)(\d)$")


def _builder() -> list[dict[str, str]]:
    with SHARED.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _grids(isc: str, version: str) -> dict[str, entry_grid.Grid]:
    catalog = get_catalog(version)
    items = services.section_items(isc, "GG", version)
    blocks = entry_grid.blocks(items, {i: catalog.items[i].label_en for i in items})
    return {g.group: g for kind, g in blocks if kind == "grid"}


@pytest.mark.parametrize(
    ("kind", "isc"),
    [
        ("mds_admission", "NC"),
        ("mds_annual", "NC"),
        ("mds_quarterly", "NQ"),
        ("mds_pps5_day", "NP"),
        ("mds_discharge_ra", "ND"),
        ("mds_discharge_rna", "ND"),
    ],
)
def test_cells_are_the_items_cms_lists_for_the_record(kind: str, isc: str) -> None:
    rows = _builder()
    expected: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        match = GRID.match(row["item"])
        if match and row[kind] == "Y":
            group, letter, digit = match.groups()
            expected.setdefault(group, {}).setdefault(group + letter, set()).add(digit)
    grids = _grids(isc, "1.18.11")
    assert set(grids) == set(expected)
    for group, grid in grids.items():
        assert {r.key: set(r.cells) for r in grid.rows} == expected[group], group
        assert [c.digit for c in grid.columns] == sorted({d for ds in expected[group].values() for d in ds})
    codes = {row["item"]: [v for v in row["values"].split("|") if v != "^"] for row in rows}
    catalog = get_catalog("1.18.11")
    for grid in grids.values():
        for item in grid.items():
            assert list(catalog.items[item].values) == codes[item], item


@pytest.mark.parametrize(
    ("isc", "columns"),
    [
        (
            "NC",
            [
                ("1", "Admission Performance"),
                ("2", "Discharge Goal"),
                ("3", "Discharge Performance"),
                ("5", "Interim Performance"),
            ],
        ),
        ("NP", [("1", "Admission Performance"), ("2", "Discharge Goal"), ("3", "Discharge Performance")]),
        ("ND", [("3", "Discharge Performance")]),
    ],
)
def test_column_names_come_from_the_item_set(isc: str, columns: list[tuple[str, str]]) -> None:
    for version in known_versions():
        grids = _grids(isc, version)
        assert [(c.digit, c.label) for c in grids["GG0130"].columns] == columns, version


def test_rows_read_like_the_paper_form() -> None:
    grid = _grids("NC", "1.20.1")["GG0130"]
    eating = grid.rows[0]
    assert (eating.key, eating.activity) == ("GG0130A", "Eating")
    assert eating.description.startswith("The ability to use suitable utensils")
    assert eating.cells == {"1": "GG0130A1", "2": "GG0130A2", "3": "GG0130A3", "5": "GG0130A5"}
    mobility = _grids("NC", "1.20.1")["GG0170"]
    keys = [r.key for r in mobility.rows]
    assert keys.index("GG0170Q") < keys.index("GG0170R") < keys.index("GG0170RR")
    assert (
        mobility.rows[keys.index("GG0170Q")].activity == "Does the resident use a wheelchair and/or scooter?"
    )


def test_other_items_stay_in_the_list_in_order() -> None:
    items = services.section_items("NC", "GG", "1.20.1")
    blocks = entry_grid.blocks(items, {i: i for i in items})
    listed = [v for kind, v in blocks if kind == "item"]
    assert listed == [i for i in items if not GRID.match(i)]
    grids = [v.group for kind, v in blocks if kind == "grid"]
    assert grids == ["GG0130", "GG0170"]
    # the grid sits where its first item was
    first_grid = next(n for n, (kind, _v) in enumerate(blocks) if kind == "grid")
    assert first_grid == items.index("GG0130A1")
