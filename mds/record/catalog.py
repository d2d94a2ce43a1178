"""The MDS 3.0 item catalogs: the single source of truth for items, value lists, special values and
item subsets (ISC), one per item set. Loaded from the shipped, generated files
`mds/data/items_v<version>.json` (built by scripts/build_catalog.py; versions, sources and what could not
be verified: docs/item-sets.md; item x ISC table: docs/item-sets-isc.md).

Which item set a record uses is decided by its target date (`version_for_date`, edit -9017 target date)
and kept for the record's life; a submitted record names its set in ITM_SET_VRSN_CD (`version_for_code`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

ITEM_SET_VERSIONS = ("1.18.11", "1.19.1", "1.20.1")  # oldest first
DEFAULT_VERSION = "1.20.1"
_FILES = {v: f"items_v{v.replace('.', '_')}.json" for v in ITEM_SET_VERSIONS}
# First target date of each item set (RAI manual / data specs effective dates; docs/item-sets.md).
_EFFECTIVE = (("1.20.1", date(2025, 10, 1)), ("1.19.1", date(2024, 10, 1)), ("1.18.11", date(2023, 10, 1)))

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
    source: str = ""  # where the item comes from (CMS page, builder file, secondary source)
    evidence: str = ""  # cms | builder | secondary | draft | inferred
    verified: bool = True  # False: no CMS (or reference builder) source was seen for this item
    note: str = ""
    # True when no Spanish text exists for the label: CMS publishes the item sets in English only and no
    # CMS or state Spanish version was found (docs/item-sets.md), so the entry page shows the English text.
    label_es_fallback: bool = False

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
    spec_vrsn_cd: str
    until: str | None  # last target date of this item set (None: current)
    evidence: dict[str, Any]  # per control value: {"value", "verified", "evidence"}
    iscs: tuple[str, ...]
    sections: dict[str, dict[str, str]]
    items: dict[str, Item]  # in spec order (control items first)
    active: dict[str, frozenset[str]]  # ISC -> ids of items active on that subset

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
        id=raw["id"],
        section=raw["section"],
        type=raw["type"],
        label_en=raw["label"]["en"],
        label_es=raw["label"]["es"],
        values=tuple(raw.get("values", ())),
        value_labels=raw.get("value_labels", {}),
        special=tuple(raw.get("special", ())),
        min=raw.get("min"),
        max=raw.get("max"),
        width=raw.get("width"),
        max_length=raw.get("max_length"),
        subsets=frozenset(raw.get("subsets", ())),
        control=bool(raw.get("control")),
        required=bool(raw.get("required")),
        source=raw.get("source", ""),
        evidence=raw.get("evidence", ""),
        verified=raw.get("verified", True),
        note=raw.get("note", ""),
        label_es_fallback=bool(raw.get("label_es_fallback")),
    )


def load_catalog_data(version: str = DEFAULT_VERSION) -> dict[str, Any]:
    """The raw shipped JSON (for tools that want the file as is)."""
    try:
        name = _FILES[version]
    except KeyError:
        raise ValueError(f"unknown MDS item-set version {version!r}; known: {', '.join(_FILES)}") from None
    text = (Path(__file__).parents[1] / "data" / name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def get_catalog(version: str = DEFAULT_VERSION) -> Catalog:
    """The catalog for an item-set version, loaded once per process."""
    data = load_catalog_data(version)
    items = {raw["id"]: _item(raw) for raw in data["items"]}
    active = {isc: frozenset(i for i, it in items.items() if isc in it.subsets) for isc in data["iscs"]}
    evidence = {
        key: {"value": data[key], "verified": data[f"{key}_verified"], "evidence": data[f"{key}_evidence"]}
        for key in ("itm_set_vrsn_cd", "spec_vrsn_cd")
    }
    return Catalog(
        version=data["version"],
        itm_set_vrsn_cd=data["itm_set_vrsn_cd"],
        effective=data["effective"],
        spec_vrsn_cd=data["spec_vrsn_cd"],
        until=data.get("until"),
        evidence=evidence,
        iscs=tuple(data["iscs"]),
        sections=data["sections"],
        items=items,
        active=active,
    )


def known_versions() -> tuple[str, ...]:
    return ITEM_SET_VERSIONS


class UnsupportedTargetDate(ValueError):
    """A target date before the oldest shipped item set (1.18.11, 2023-10-01)."""


def version_for_date(d: date) -> str:
    """The item set in effect on target date `d` (A1600 entry, A2000 discharge or A2300 ARD, -9017)."""
    for version, start in _EFFECTIVE:
        if d >= start:
            return version
    raise UnsupportedTargetDate(
        f"target date {d.isoformat()} is before {_EFFECTIVE[-1][1].isoformat()}: item sets older than "
        f"{_EFFECTIVE[-1][0]} are not supported"
    )


def catalog_for_date(d: date) -> Catalog:
    return get_catalog(version_for_date(d))


def version_for_code(itm_set_vrsn_cd: str | None) -> str | None:
    """The shipped item set whose ITM_SET_VRSN_CD is `itm_set_vrsn_cd` ('1.19' -> '1.19.1'), else None."""
    return _BY_CODE().get((itm_set_vrsn_cd or "").strip())


@cache
def _BY_CODE() -> dict[str, str]:  # noqa: N802 - a cached constant
    return {load_catalog_data(v)["itm_set_vrsn_cd"]: v for v in ITEM_SET_VERSIONS}
