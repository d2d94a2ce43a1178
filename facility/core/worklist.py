"""Worklists: one row per thing someone must do, filtered, sorted and paged on the server (pure).

Each domain assembles its own rows (mds.worklist, careplans.worklist, surveys.worklist) from its existing rule
modules; this module only filters (unit, due window, F-tag, care area, kind), sorts, counts and cuts one page.
A page never holds more than MAX_PER_PAGE rows, so no worklist renders a table longer than that.

Due windows count calendar days from today: "overdue" = due before today; "today"; "7"/"14"/"30" = due today
or within the next N days (overdue rows included: they are due "by then" too); "" = everything.
A running clock (a 14-day significant-change or 7-day care-plan deadline) is shown as "day N of M, K left".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from facility.core.forms import N_
from facility.web.i18n import NC_

PER_PAGE = 25
MAX_PER_PAGE = 100
WINDOWS: dict[str, str] = {
    "": N_("Any due date"),
    "overdue": N_("Overdue"),
    "today": N_("Due today or overdue"),
    "7": N_("Due within 7 days"),
    "14": N_("Due within 14 days"),
    "30": N_("Due within 30 days"),
}
SORTS: dict[str, str] = {
    "due": NC_("worklist column", "Due date"),
    "resident": NC_("worklist column", "Resident"),
    "unit": NC_("worklist column", "Unit"),
    "kind": NC_("worklist column", "Task"),
    "ftag": NC_("worklist column", "F-tag"),
}
BAD_PAGE = N_("There is no such page.")
BAD_WINDOW = N_("Choose a due window from the list.")
BAD_SORT = N_("Choose a sort order from the list.")
BAD_FILTER = N_("Choose a value from the list.")


@dataclass(frozen=True, slots=True)
class Clock:
    """A deadline that runs from `start` to `end` (inclusive): e.g. determination + 14 days."""

    start: date
    end: date

    @property
    def total(self) -> int:
        return (self.end - self.start).days

    def day(self, today: date) -> int:
        return (today - self.start).days

    def left(self, today: date) -> int:
        return (self.end - today).days

    def running(self, today: date) -> bool:
        return self.start <= today <= self.end


@dataclass(frozen=True, slots=True)
class Item:
    key: str  # unique in its worklist, stable (used as the row id)
    kind: str  # a code of the worklist's KINDS (label shown through the worklist's kind labels)
    detail: Mapping[
        str, str
    ]  # a LazyText: message id + parameters, read in the page's language (detail["es"])
    fix_url: str
    fix_label: str  # an English message id ("Open", "Start", "Plan it" ...)
    due: date | None = None
    resident_id: int | None = None
    resident: str = ""  # "Last, First"
    unit: str = ""
    room: str = ""
    ftag: str = ""  # display form, e.g. "F657"
    care_areas: tuple[int, ...] = ()
    clock: Clock | None = None
    links: tuple[tuple[str, str], ...] = ()  # further (url, English label) links, e.g. into the chain

    def days_late(self, today: date) -> int:
        return (today - self.due).days if self.due is not None else 0

    def state(self, today: date) -> str:
        """late | due (today or within 7 days) | upcoming | undated."""
        if self.due is None:
            return "undated"
        if self.due < today:
            return "late"
        return "due" if (self.due - today).days <= 7 else "upcoming"


@dataclass(frozen=True, slots=True)
class Query:
    unit: str = ""
    window: str = ""
    ftag: str = ""
    care_area: int | None = None
    kind: str = ""
    sort: str = "due"
    desc: bool = False
    page: int = 1

    def params(self, **changes: object) -> dict[str, str]:
        """The query string of this query with `changes` (for sort and page links); defaults left out."""
        q = replace(self, **changes)  # type: ignore[arg-type]
        out = {
            "unit": q.unit,
            "window": q.window,
            "ftag": q.ftag,
            "care_area": "" if q.care_area is None else str(q.care_area),
            "kind": q.kind,
            "sort": "" if q.sort == "due" else q.sort,
            "desc": "1" if q.desc else "",
            "page": "" if q.page == 1 else str(q.page),
        }
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Page:
    rows: tuple[Item, ...]
    total: int  # rows matching the filters
    all_count: int  # rows before filtering
    page: int
    pages: int
    per_page: int
    counts: dict[str, int]  # kind -> rows matching the filters other than the kind
    query: Query
    options: dict[str, list[str]] = field(default_factory=dict)  # units, ftags present
    care_areas: tuple[int, ...] = ()  # care areas present

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def parse_query(
    params: Mapping[str, str], kinds: Iterable[str], care_areas: Iterable[int] = range(1, 21)
) -> tuple[Query, dict[str, str]]:
    """A Query from request parameters, and an error message id per bad field (that field falls back to its
    default). Unit and F-tag are free text compared exactly (an unknown one simply matches nothing)."""
    errors: dict[str, str] = {}
    window = (params.get("window") or "").strip()
    if window not in WINDOWS:
        errors["window"], window = BAD_WINDOW, ""
    sort = (params.get("sort") or "due").strip()
    if sort not in SORTS:
        errors["sort"], sort = BAD_SORT, "due"
    kind = (params.get("kind") or "").strip()
    if kind and kind not in set(kinds):
        errors["kind"], kind = BAD_FILTER, ""
    care_area: int | None = None
    raw_area = (params.get("care_area") or "").strip()
    if raw_area:
        if raw_area.isdigit() and int(raw_area) in set(care_areas):
            care_area = int(raw_area)
        else:
            errors["care_area"] = BAD_FILTER
    page = 1
    raw_page = (params.get("page") or "1").strip()
    if raw_page.isdigit() and 1 <= int(raw_page) <= 100_000:
        page = int(raw_page)
    else:
        errors["page"] = BAD_PAGE
    ftag = (params.get("ftag") or "").strip().upper()
    return (
        Query(
            unit=(params.get("unit") or "").strip()[:100],
            window=window,
            ftag=ftag[:6],
            care_area=care_area,
            kind=kind,
            sort=sort,
            desc=(params.get("desc") or "") in ("1", "true", "on"),
            page=page,
        ),
        errors,
    )


def in_window(item: Item, window: str, today: date) -> bool:
    if not window:
        return True
    if item.due is None:
        return False
    if window == "overdue":
        return item.due < today
    if window == "today":
        return item.due <= today
    return (item.due - today).days <= int(window)


def _matches(item: Item, q: Query, today: date, *, with_kind: bool = True) -> bool:
    return (
        (not q.unit or item.unit == q.unit)
        and (not q.ftag or item.ftag == q.ftag)
        and (q.care_area is None or q.care_area in item.care_areas)
        and (not with_kind or not q.kind or item.kind == q.kind)
        and in_window(item, q.window, today)
    )


def _sort_key(sort: str, kinds: Sequence[str]) -> object:
    order = {k: i for i, k in enumerate(kinds)}
    far = date.max

    def due(i: Item) -> tuple[object, ...]:
        return (i.due or far, i.resident, i.key)

    keys = {
        "due": due,
        "resident": lambda i: (i.resident, i.due or far, i.key),
        "unit": lambda i: (i.unit, i.room, i.resident, i.key),
        "kind": lambda i: (order.get(i.kind, len(order)), i.due or far, i.key),
        "ftag": lambda i: (i.ftag or "~", i.due or far, i.key),
    }
    return keys[sort]


def select(
    items: Iterable[Item],
    q: Query,
    today: date,
    kinds: Sequence[str],
    per_page: int = PER_PAGE,
) -> Page:
    """Filter, count per kind, sort and cut page `q.page` (a page past the end gives the last page)."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    everything = list(items)
    counts = Counter(i.kind for i in everything if _matches(i, q, today, with_kind=False))
    kept = [i for i in everything if _matches(i, q, today)]
    kept.sort(key=_sort_key(q.sort, kinds), reverse=q.desc)  # type: ignore[arg-type]
    pages = max(1, -(-len(kept) // per_page))
    page = min(q.page, pages)
    start = (page - 1) * per_page
    return Page(
        rows=tuple(kept[start : start + per_page]),
        total=len(kept),
        all_count=len(everything),
        page=page,
        pages=pages,
        per_page=per_page,
        counts={k: counts.get(k, 0) for k in kinds},
        query=replace(q, page=page),
        options={
            "units": sorted({i.unit for i in everything if i.unit}),
            "ftags": sorted({i.ftag for i in everything if i.ftag}),
        },
        care_areas=tuple(sorted({a for i in everything for a in i.care_areas})),
    )
