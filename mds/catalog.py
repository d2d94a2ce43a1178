"""The MDS 3.0 item catalog: the single source of truth for items, value lists, special values and
item subsets (ISC). Loaded from the shipped, generated file `mds/data/items_v<version>.json`
(built by scripts/build_catalog.py; changes from the v1.17 skeleton in docs/catalog-changes-v1.20.1.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_VERSION = "1.20.1"
_FILES = {"1.20.1": "items_v1_20_1.json"}

CARET = "^"  # skipped by a skip pattern (special_values.csv)
DASH = "-"  # not assessed / no information
ITEM_TYPES = ("code", "checklist", "date", "birthdate", "numeric", "text")


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    section: str
    type: str
    label_en: str
    label_es: str
    values: tuple[str, ...] = ()
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    special: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    width: int | None = None  # fixed zero-padded width of a numeric item (e.g. C0500 "07")
    max_length: int | None = None
    subsets: frozenset[str] = frozenset()
    control: bool = False
    required: bool = False  # control item that every record must carry (XSD minOccurs=1)
    change: str | None = None  # set on items added to reach v1.20.1

    def label(self, lang: str = "en") -> str:
        return self.label_es if lang == "es" else self.label_en

    def value_label(self, code: str, lang: str = "en") -> str:
        labels = self.value_labels.get(code)
        return labels.get(lang, labels["en"]) if labels else code

    @property
    def max_digits(self) -> int:
        return len(str(self.max)) if self.max is not None else 0


@dataclass(frozen=True)
class Catalog:
    version: str
    itm_set_vrsn_cd: str
    effective: str
    iscs: tuple[str, ...]
    sections: dict[str, dict[str, str]]
    items: dict[str, Item]  # in spec order (control items first)
    active: dict[str, frozenset[str]]  # ISC -> ids of items active on that subset
    spec_vrsn_cd: str = "3.10"  # SPEC_VRSN_CD sent with this item set (unverified, ITEM-SETS.md §7)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(self.items)

    @property
    def control_ids(self) -> tuple[str, ...]:
        return tuple(i for i, it in self.items.items() if it.control)

    def get(self, item_id: str) -> Item | None:
        return self.items.get(item_id)

    def section_items(self, section: str) -> tuple[str, ...]:
        return tuple(i for i, it in self.items.items() if it.section == section)

    def section_name(self, section: str, lang: str = "en") -> str:
        names = self.sections.get(section, {})
        return names.get(lang) or names.get("en") or section

    def active_items(self, isc: str) -> frozenset[str]:
        return self.active.get(isc, frozenset())


def _item(raw: dict[str, Any]) -> Item:
    return Item(
        id=raw["id"], section=raw["section"], type=raw["type"],
        label_en=raw["label"]["en"], label_es=raw["label"]["es"],
        values=tuple(raw.get("values", ())), value_labels=raw.get("value_labels", {}),
        special=tuple(raw.get("special", ())), min=raw.get("min"), max=raw.get("max"), width=raw.get("width"),
        max_length=raw.get("max_length"), subsets=frozenset(raw.get("subsets", ())),
        control=bool(raw.get("control")), required=bool(raw.get("required")), change=raw.get("change"),
    )


def load_catalog_data(version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """The raw shipped JSON (for tools that want the file as is)."""
    try:
        name = _FILES[version]
    except KeyError:
        raise ValueError(f"unknown MDS item-set version {version!r}; known: {', '.join(_FILES)}") from None
    text = resources.files("mds").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def get_catalog(version: str = DEFAULT_VERSION) -> Catalog:
    """The catalog for an item-set version, loaded once per process."""
    data = load_catalog_data(version)
    items = {raw["id"]: _item(raw) for raw in data["items"]}
    active = {isc: frozenset(i for i, it in items.items() if isc in it.subsets) for isc in data["iscs"]}
    return Catalog(
        version=data["version"], itm_set_vrsn_cd=data["itm_set_vrsn_cd"], effective=data["effective"],
        iscs=tuple(data["iscs"]), sections=data["sections"], items=items, active=active,
    )


def known_versions() -> tuple[str, ...]:
    return tuple(_FILES)


# ---------------------------------------------------------------- item set by target date (issue 14)
# The catalog helper owns this block (its version replaces this one on merge): the item set in effect on a
# record's target date (ref/item_set_versions.csv; ITEM-SETS.md). A record keeps its set for life.
ITEM_SET_VERSIONS = ("1.18.11", "1.19.1", "1.20.1")
_EFFECTIVE = (("1.18.11", date(2023, 10, 1)), ("1.19.1", date(2024, 10, 1)), ("1.20.1", date(2025, 10, 1)))


class UnsupportedTargetDate(ValueError):
    """A target date before the oldest item set this tool carries (1.18.11, 2023-10-01)."""


def version_for_date(d: date) -> str:
    """The item-set version in effect on target date `d`."""
    found = None
    for version, start in _EFFECTIVE:
        if d >= start:
            found = version
    if found is None:
        raise UnsupportedTargetDate(f"target date {d.isoformat()} is before 2023-10-01, the start of item set 1.18.11, "
                                    "the oldest item set this tool supports")
    return found


def catalog_for_date(d: date) -> Catalog:
    return get_catalog(version_for_date(d))


def version_for_code(itm_set_vrsn_cd: str | None) -> str | None:
    """The shipped item set whose ITM_SET_VRSN_CD is `itm_set_vrsn_cd` ('1.20' -> '1.20.1'), else None."""
    for version in known_versions():
        if get_catalog(version).itm_set_vrsn_cd == (itm_set_vrsn_cd or "").strip():
            return version
    return None
