"""The shipped catalogs against the shared reference files (never against the generator's own output).

Reference set per item set, read here independently:
- 1.18.11: every item of ../shared/data/mds/mds3builder_items_v1_18_11.csv (control rows and `_title`
  display rows left out) plus the items ref/item_set_changes.csv adds in 1.18.11 (Section S excluded:
  state-optional, not in the federal record);
- 1.19.1 / 1.20.1: the previous set + that version's added/renamed-to items - its removed/renamed-from items.
A retired item (removed in a version or earlier, including the 1.17 -> 1.18.11 removals) must not be in
any later set. A value list that differs from the builder's must be listed with a source in
scripts/catalog/fixes.csv (the builder's value quirks: ITEM-SETS.md §4)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from mds.record.catalog import ITEM_SET_VERSIONS, get_catalog

REPO = Path(__file__).resolve().parents[3]
ITEM = re.compile(r"^[A-Z]{1,2}[0-9]{4}[A-Z0-9]*$")


def _builder(shared: Path) -> dict[str, list[str]]:
    """item id -> builder value list (codes only, `^`/`-` left out)."""
    out: dict[str, list[str]] = {}
    with (shared / "mds" / "mds3builder_items_v1_18_11.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            item = row["item"].strip()
            if item.lower().endswith("_title"):
                continue
            item = item.upper()
            if ITEM.match(item):
                out.setdefault(item, [v for v in row["values"].split("|") if v not in ("", "^", "-")])
    return out


def _changes(shared: Path) -> list[dict[str, str]]:
    with (shared / "mds" / "ref" / "item_set_changes.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _ids(spec: str) -> set[str]:
    return {i.strip() for i in spec.split(";") if i.strip()}


def _added_removed(rows: list[dict[str, str]], version: str) -> tuple[set[str], set[str]]:
    added: set[str] = set()
    removed: set[str] = set()
    for row in rows:
        if row["version"].split("->")[1] != version:
            continue
        if row["change"] == "renamed":
            old, new = row["item"].split("->")
            removed |= _ids(old)
            added |= _ids(new)
        elif row["change"] == "added":
            added |= _ids(row["item"])
        elif row["change"] == "removed":
            removed |= _ids(row["item"])
    return {i for i in added if "*" not in i and not i.startswith("S")}, removed


def _is_removed(item: str, removed: set[str]) -> bool:
    return any(item == r or (r.endswith("*") and item.startswith(r[:-1])) for r in removed)


@pytest.fixture(scope="module")
def reference(shared_data: Path) -> dict[str, tuple[set[str], set[str]]]:
    """version -> (items the set must have, items retired by then)."""
    rows = _changes(shared_data)
    current = set(_builder(shared_data))
    retired: set[str] = set()
    out = {}
    for version in ITEM_SET_VERSIONS:
        added, removed = _added_removed(rows, version)
        retired |= removed
        current = (
            {i for i in current | added if not _is_removed(i, removed)}
            if version != "1.18.11"
            else current | added
        )
        out[version] = (set(current), set(retired))
    return out


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_no_current_item_missing(version: str, reference: dict[str, tuple[set[str], set[str]]]) -> None:
    must_have, _ = reference[version]
    assert sorted(must_have - set(get_catalog(version).items)) == []


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_no_retired_item_in_a_newer_set(
    version: str, reference: dict[str, tuple[set[str], set[str]]]
) -> None:
    _, retired = reference[version]
    present = sorted(i for i in get_catalog(version).items if _is_removed(i, retired))
    assert present == []


def test_known_retired_and_artefact_ids_absent() -> None:
    # ITEM-SETS.md §3a/§3b: v1.17 items, builder artefacts and items CMS does not have.
    gone = {
        "D0200A1",
        "D0300",
        "O0100A2",
        "N0410A",
        "J0400",
        "J0500A",
        "A1100A",
        "A1800",
        "A2100",
        "Q0300A",
        "Q0600",
        "O0600",
        "O0700",
        "A0300A",
        "G0110A1",
        "K0510A1",
        "I0020A",
        "I0200_TITLE",
        "I0900_TITLE",
        "K0520C2",
        "K0520D2",
    }
    for version in ITEM_SET_VERSIONS:
        assert gone.isdisjoint(get_catalog(version).items), version
    assert {"A0800", "X0300", "O0420", "A1250A"} <= set(get_catalog("1.19.1").items)
    assert {"A0800", "X0300", "O0420", "A1250A"}.isdisjoint(get_catalog("1.20.1").items)
    assert {"O0350", "N0415K1"}.isdisjoint(get_catalog("1.18.11").items) and {"O0350", "N0415K1"} <= set(
        get_catalog("1.19.1").items
    )


def _listed_value_fixes() -> dict[str, list[str]]:
    """item -> CMS codes of a value-list fix listed with a source in scripts/catalog/fixes.csv."""
    out = {}
    with (REPO / "scripts" / "catalog" / "fixes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["field"] == "values" and row["source"].strip():
                for item in row["item"].split(";"):
                    out[item] = [part.split("=", 1)[0].strip() for part in row["value"].split(" || ")]
    return out


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_value_lists_match_builder_or_a_listed_fix(version: str, shared_data: Path) -> None:
    builder = _builder(shared_data)
    fixes = _listed_value_fixes()
    catalog = get_catalog(version)
    differ = {}
    for item_id, values in builder.items():
        item = catalog.get(item_id)
        if item is None or item.type not in ("code", "checklist"):
            continue
        expected = fixes.get(item_id, values)
        if list(item.values) != expected:
            differ[item_id] = (list(item.values), values)
    assert differ == {}


def test_value_fixes_of_itemsets_review() -> None:
    """ITEM-SETS.md §4: the project's old C0300B/H0200B lists were wrong; D0150 'no response' is 9; Q0310A/Q0620 1-digit."""
    cat = get_catalog()
    assert cat.items["C0300B"].values == ("0", "1", "2")
    assert cat.items["H0200B"].values == ("0", "1", "2", "9")
    assert (
        cat.items["D0150A1"].values == ("0", "1", "9")
        and cat.items["D0150I1"].value_label("9") == "No response"
    )
    assert cat.items["Q0310A"].values == ("1", "2", "3", "9") and cat.items["Q0620"].values == (
        "1",
        "2",
        "3",
        "4",
        "5",
    )
    assert (
        "While Not a Resident" in cat.items["K0520A2"].label()
        and "While a Resident" in cat.items["K0520A3"].label()
    )


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_every_item_says_where_it_comes_from(version: str) -> None:
    for item in get_catalog(version).items.values():
        assert item.source and item.evidence in ("cms", "builder", "secondary", "draft", "inferred"), item.id
        if not item.verified:
            assert item.note, f"{item.id}: unverified without a note"


def test_items_beyond_the_builder_come_from_the_supplement(shared_data: Path) -> None:
    builder = set(_builder(shared_data))
    for version in ITEM_SET_VERSIONS:
        for item in get_catalog(version).items.values():
            if not item.control and item.id not in builder:
                assert item.evidence != "builder", item.id


def test_tracking_records_carry_section_a_only() -> None:
    for version in ITEM_SET_VERSIONS:
        cat = get_catalog(version)
        for isc in ("NT", "ST"):
            sections = {cat.items[i].section for i in cat.active_items(isc)}
            assert sections <= {"CTRL", "A", "X"}, (version, isc, sections)


def test_interview_gateways_on_quarterlies_and_discharges() -> None:
    for version in ITEM_SET_VERSIONS:
        cat = get_catalog(version)
        for isc in ("NQ", "ND", "SD"):
            assert {"C0100", "D0100", "J0200"} <= cat.active_items(isc), (version, isc)
            assert "D0150A1" in cat.active_items(isc) and "J0410" in cat.active_items(isc)
