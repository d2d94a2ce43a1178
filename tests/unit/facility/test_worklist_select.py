"""facility.worklist: filters, due windows, sorting, counts and paging (pure), as tables of cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from facility.core.worklist import MAX_PER_PAGE, PER_PAGE, Clock, Item, Query, parse_query, select

TODAY = date(2026, 3, 10)
KINDS = ("late", "due")


def item(key: str, kind: str = "due", days: int | None = 0, **kw: object) -> Item:
    return Item(
        key=key,
        kind=kind,
        detail={"en": key, "es": key},
        fix_url=f"/fix/{key}",
        fix_label="Open",
        due=None if days is None else TODAY + timedelta(days=days),
        **kw,  # type: ignore[arg-type]
    )


ITEMS = [
    item("a", "late", -3, resident="Adams, A", unit="East", ftag="F657", care_areas=(11,)),
    item("b", "due", 0, resident="Baker, B", unit="West", ftag="F656", care_areas=(11, 16)),
    item("c", "due", 7, resident="Cruz, C", unit="East", ftag="F657"),
    item("d", "due", 8, resident="Diaz, D", unit="West"),
    item("e", "due", 30, resident="Evans, E", unit="East", care_areas=(16,)),
    item("f", "due", 31, resident="Ford, F", unit="East"),
    item("g", "due", None, resident="Gray, G", unit="East"),
]


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({}, ["a", "b", "c", "d", "e", "f", "g"]),
        ({"window": "overdue"}, ["a"]),
        ({"window": "today"}, ["a", "b"]),
        ({"window": "7"}, ["a", "b", "c"]),  # day 7 included, day 8 not
        ({"window": "30"}, ["a", "b", "c", "d", "e"]),
        ({"unit": "West"}, ["b", "d"]),
        ({"ftag": "f657"}, ["a", "c"]),  # F-tags compared in capitals
        ({"care_area": "16"}, ["b", "e"]),
        ({"care_area": "11", "unit": "East"}, ["a"]),
        ({"kind": "late"}, ["a"]),
        ({"unit": "Nowhere"}, []),
        ({"sort": "resident", "desc": "1"}, ["g", "f", "e", "d", "c", "b", "a"]),
        ({"sort": "ftag"}, ["b", "a", "c", "d", "e", "f", "g"]),
    ],
)
def test_filters_and_sorting(params: dict[str, str], keys: list[str]) -> None:
    query, errors = parse_query(params, KINDS)
    assert errors == {}
    page = select(ITEMS, query, TODAY, KINDS)
    assert [i.key for i in page.rows] == keys and page.total == len(keys)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window": "9"}, "window"),
        ({"sort": "'; drop"}, "sort"),
        ({"kind": "nope"}, "kind"),
        ({"care_area": "21"}, "care_area"),
        ({"care_area": "x"}, "care_area"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
    ],
)
def test_bad_parameters_are_reported_and_fall_back(params: dict[str, str], field: str) -> None:
    query, errors = parse_query(params, KINDS)
    assert list(errors) == [field]
    assert query == Query()  # the bad field took its default


def test_counts_ignore_the_kind_filter_but_honour_the_others() -> None:
    query, _ = parse_query({"kind": "late", "unit": "East"}, KINDS)
    page = select(ITEMS, query, TODAY, KINDS)
    assert page.counts == {"late": 1, "due": 4}
    assert page.all_count == 7 and page.options["units"] == ["East", "West"]
    assert page.care_areas == (11, 16)


@pytest.mark.parametrize(
    ("count", "page_no", "per_page", "rows", "page", "pages"),
    [
        (0, 1, 50, 0, 1, 1),
        (50, 1, 50, 50, 1, 1),
        (51, 2, 50, 1, 2, 2),
        (120, 9, 50, 20, 3, 3),  # past the end: the last page
        (500, 1, 1000, MAX_PER_PAGE, 1, 5),  # never more than MAX_PER_PAGE rows
    ],
)
def test_paging(count: int, page_no: int, per_page: int, rows: int, page: int, pages: int) -> None:
    many = [item(f"k{n:04d}", days=n % 40, resident=f"R{n:04d}") for n in range(count)]
    result = select(many, Query(page=page_no), TODAY, KINDS, per_page=per_page)
    assert (len(result.rows), result.page, result.pages) == (rows, page, pages)
    assert len({i.key for i in result.rows}) == rows


def test_pages_do_not_overlap_and_cover_everything() -> None:
    many = [item(f"k{n:03d}", days=n % 9, resident=f"R{n % 13}") for n in range(230)]
    seen: list[str] = []
    pages = select(many, Query(), TODAY, KINDS).pages
    assert pages == -(-230 // PER_PAGE)
    for n in range(1, pages + 1):
        seen += [i.key for i in select(many, Query(page=n), TODAY, KINDS).rows]
    assert sorted(seen) == sorted(i.key for i in many)


@pytest.mark.parametrize(
    ("start", "end", "today", "day", "left", "running"),
    [
        (date(2026, 3, 6), date(2026, 3, 20), TODAY, 4, 10, True),
        (date(2026, 3, 10), date(2026, 3, 17), TODAY, 0, 7, True),
        (date(2026, 3, 3), date(2026, 3, 10), TODAY, 7, 0, True),  # last day
        (date(2026, 3, 2), date(2026, 3, 9), TODAY, 8, -1, False),  # over: the overdue finding speaks
    ],
)
def test_clock(start: date, end: date, today: date, day: int, left: int, running: bool) -> None:
    clock = Clock(start, end)
    assert (clock.day(today), clock.left(today), clock.running(today)) == (day, left, running)


@pytest.mark.parametrize(
    ("days", "state"), [(-1, "late"), (0, "due"), (7, "due"), (8, "upcoming"), (None, "undated")]
)
def test_item_state(days: int | None, state: str) -> None:
    assert item("x", days=days).state(TODAY) == state


def test_query_params_leave_defaults_out() -> None:
    q = Query(unit="East", care_area=11, page=3)
    assert q.params() == {"unit": "East", "care_area": "11", "page": "3"}
    assert q.params(page=1, sort="resident", desc=True) == {
        "unit": "East",
        "care_area": "11",
        "sort": "resident",
        "desc": "1",
    }
