"""The chain MDS item value -> care areas it triggered -> care-plan problems -> quality measures it feeds ->
F-tags -> plan of correction, and back (pure).

Each hop reuses the rule that makes it: the CAA triggers (careplans.triggers, each TriggeredArea names the item
values that fired it), the quality-measure flags (surveys.qm, each MeasureFlag names the answers that set its
status), and surveys.qm_services.MEASURE_LINKS (measure -> the F-tags a surveyor looks at and the care areas
that plan the care). Findings are matched on the F-tag shown today (surveys.ftags.resolve: a retired tag
counts under its successor).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from careplans.rules.triggers import TriggeredArea
from surveys.qm.rules import MeasureFlag
from surveys.qm.services import MEASURE_LINKS
from surveys.readiness import ftags

COUNTED = ("numerator", "denominator", "excluded")


def tag_code(tag: str) -> str | None:
    """The canonical code ("F0689") of a tag as typed ("F689", "f0689"), None when it is not an F-tag we know."""
    try:
        return ftags.resolve(tag).code
    except (KeyError, ValueError):
        return None


def tag_display(tag: str) -> str:
    try:
        return ftags.resolve(tag).display
    except (KeyError, ValueError):
        return tag


@dataclass(frozen=True, slots=True)
class AreaHit:
    caa: int
    values: tuple[tuple[str, str], ...]  # (item, value) of this item that fired the area


def areas_triggered_by(item: str, triggered: Iterable[TriggeredArea]) -> list[AreaHit]:
    """The care areas whose trigger fired on `item` (an area fired by other items only is left out)."""
    out = []
    for t in triggered:
        values = tuple((r.item, r.value) for r in t.reasons if r.item == item)
        if values:
            out.append(AreaHit(t.caa, values))
    return out


def items_behind_area(caa: int, triggered: Iterable[TriggeredArea]) -> list[tuple[str, str]]:
    """(item, value) pairs that fired care area `caa` on a record."""
    for t in triggered:
        if t.caa == caa:
            return [(r.item, r.value) for r in t.reasons]
    return []


def measures_fed_by(item: str, flags: Iterable[MeasureFlag]) -> list[MeasureFlag]:
    """The resident's measure flags whose status was set by `item` (in the numerator, denominator or excluded)."""
    return [f for f in flags if f.status in COUNTED and item in f.items]


def measures_of_area(caa: int) -> list[str]:
    return [code for code, (_, areas) in MEASURE_LINKS.items() if caa in areas]


def ftags_of_measure(code: str) -> list[str]:
    return list(MEASURE_LINKS.get(code, ((), ()))[0])


def areas_of_measure(code: str) -> list[int]:
    return list(MEASURE_LINKS.get(code, ((), ()))[1])


def measures_of_ftag(tag: str) -> list[str]:
    code = tag_code(tag)
    return [
        m
        for m, (tags, _) in MEASURE_LINKS.items()
        if code is not None and code in {tag_code(t) for t in tags}
    ]


def areas_of_ftag(tag: str) -> list[int]:
    return sorted({a for m in measures_of_ftag(tag) for a in areas_of_measure(m)})


def ftags_of_measures(codes: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for code in codes:
        for t in ftags_of_measure(code):
            seen.setdefault(t, None)
    return list(seen)


def findings_citing(tags: Iterable[str], findings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Findings (rows with "tag") citing one of `tags`, compared on the tag shown today."""
    wanted = {c for t in tags if (c := tag_code(t)) is not None}
    return [f for f in findings if tag_code(str(f["tag"])) in wanted]


def problems_for_areas(
    problems: Iterable[Mapping[str, Any]], areas: Iterable[int]
) -> list[Mapping[str, Any]]:
    """Active care-plan problems opened for one of the care areas."""
    wanted = set(areas)
    return [p for p in problems if p.get("caa") in wanted and p.get("status") == "active"]


def residents_in_measure(
    code: str,
    flags_by_resident: Mapping[str, Sequence[MeasureFlag]],
    statuses: tuple[str, ...] = ("numerator",),
) -> list[tuple[int, MeasureFlag]]:
    """(resident id, flag) for every resident whose flag for `code` has one of `statuses`, by resident id."""
    out = []
    for rid, flags in flags_by_resident.items():
        for f in flags:
            if f.code == code and f.status in statuses:
                out.append((int(rid), f))
    return sorted(out, key=lambda pair: pair[0])
