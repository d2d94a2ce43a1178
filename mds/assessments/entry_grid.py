"""Section GG as grids for fast entry (pure): rows = activities, columns = the performance/goal columns the
record's own item set and item subset carry (GG0130 self-care, GG0170 mobility).

The item ids say where a cell goes: GG0130A1 = activity A (eating), column 1. The columns a record shows are
exactly the ones its item subset has (`mds.services.section_items(isc, "GG", item_set)`): an admission record
of v1.20.1 carries 1 (admission performance) and 2 (discharge goal), a discharge record only 3 (discharge
performance), an OBRA comprehensive record also 5, and so on. Column and activity names come from the item
set's own labels ("Self-Care - Eating (Admission Performance) - The ability to ..."), never from a list here,
so a new item set version brings its own columns. Every other item of the section is entered as a list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from facility.core.forms import N_

GRID_ITEM = re.compile(r"^(GG0130|GG0170)([A-Z]+)(\d)$")
_COLUMN = re.compile(r"\(([^()]*(?:Performance|Goal))\)")
_PREFIX = re.compile(r"^(Self-Care|Mobility)\s*-\s*")

GROUP_TITLES = {"GG0130": N_("GG0130. Self-Care"), "GG0170": N_("GG0170. Mobility")}
# Spanish for the column names of the CMS item sets (the item text itself is published in English only).
COLUMN_NAMES = (
    N_("Admission Performance"),
    N_("Discharge Goal"),
    N_("Discharge Performance"),
    N_("Interim Performance"),
    N_("OBRA/Interim Performance"),
)


@dataclass(frozen=True, slots=True)
class Column:
    digit: str
    label: str  # English, from the item set ("Admission Performance"); the template translates it


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # GG0130A
    activity: str  # "Eating"
    description: str  # "The ability to use suitable utensils ..."
    cells: dict[str, str] = field(default_factory=dict)  # column digit -> item id


@dataclass(frozen=True, slots=True)
class Grid:
    group: str  # GG0130 | GG0170
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def items(self) -> list[str]:
        return [item for row in self.rows for item in row.cells.values()]


def _split_label(label: str) -> tuple[str, str, str]:
    """(activity, column name, description) of a GG grid item label."""
    column = _COLUMN.search(label)
    name = column.group(1).strip() if column else ""
    head, _sep, tail = label.partition(column.group(0)) if column else (label, "", "")
    activity = _PREFIX.sub("", head.strip()).strip().rstrip(".")
    description = tail.strip().lstrip("-").strip().rstrip(".")
    return activity, name, description


def blocks(item_ids: Iterable[str], labels: Mapping[str, str]) -> list[tuple[str, Any]]:
    """The section in entry order: ("item", id) for list entry and ("grid", Grid) where the grid's first item
    falls. `labels` maps item id -> English label (the record's item set)."""
    out: list[tuple[str, Any]] = []
    rows: dict[str, dict[str, dict[str, str]]] = {}  # group -> row key -> digit -> item
    row_text: dict[str, tuple[str, str]] = {}
    column_names: dict[str, dict[str, Counter[str]]] = {}
    placed: set[str] = set()
    for item_id in item_ids:
        match = GRID_ITEM.match(item_id)
        if match is None:
            out.append(("item", item_id))
            continue
        group, letter, digit = match.groups()
        if group not in placed:
            placed.add(group)
            out.append(("grid", group))
        activity, name, description = _split_label(labels.get(item_id, item_id))
        rows.setdefault(group, {}).setdefault(group + letter, {})[digit] = item_id
        key = group + letter
        if key not in row_text or (not row_text[key][1] and description):
            row_text[key] = (activity or key, description)
        if name:
            column_names.setdefault(group, {}).setdefault(digit, Counter())[name] += 1
    result: list[tuple[str, Any]] = []
    for kind, value in out:
        if kind == "item":
            result.append((kind, value))
            continue
        group = value
        digits = sorted({d for cells in rows[group].values() for d in cells})
        names = column_names.get(group, {})
        columns = tuple(
            Column(d, names[d].most_common(1)[0][0] if d in names else f"{group} {d}") for d in digits
        )
        grid_rows = tuple(
            Row(key, row_text[key][0], row_text[key][1], dict(sorted(cells.items())))
            for key, cells in rows[group].items()
        )
        result.append(("grid", Grid(group, GROUP_TITLES.get(group, group), columns, grid_rows)))
    return result
