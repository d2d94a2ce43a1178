"""Skip patterns and correction locators per item set (issue 14): every shipped set skips on its own current ids
(D0150/D0160 PHQ interview, J0410-J0530 pain interview, A2105 discharge status) and never on a retired id."""

from __future__ import annotations

import pytest

from mds.assessments import signing
from mds.assessments.services import section_items
from mds.record.catalog import ITEM_SET_VERSIONS, get_catalog
from mds.record.skips import skip_rules, skipped_by

RETIRED = {"D0200A1", "D0300", "J0400", "J0500A", "A2100", "A1800", "O0100A1", "N0410A", "Q0300A", "Q0600"}


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
@pytest.mark.parametrize(
    ("answers", "skipped", "answered"),
    [
        ({"D0100": "0"}, {"D0150A1", "D0150I2", "D0160"}, {"D0500A1", "D0600", "D0700"}),
        ({"D0100": "1", "D0160": "07"}, {"D0500A1", "D0600"}, {"D0150A1", "D0160"}),
        ({"D0100": "1", "D0160": "99"}, set(), {"D0500A1", "D0600"}),
        ({"J0200": "0"}, {"J0300", "J0410", "J0510", "J0530", "J0600B", "J0700"}, {"J0800A"}),
        ({"J0200": "1", "J0300": "0"}, {"J0410", "J0510", "J0520", "J0530", "J0700", "J0850"}, {"J1100A"}),
        ({"J0200": "1", "J0300": "9"}, {"J0410", "J0530", "J0600B"}, {"J0800A"}),
        ({"A0310F": "99"}, {"A2000", "A2105"}, set()),
        ({"A0310F": "10"}, set(), {"A2000", "A2105"}),
    ],
)
def test_skips_on_the_current_ids_of_each_item_set(
    version: str, answers: dict[str, str], skipped: set[str], answered: set[str]
) -> None:
    active = get_catalog(version).active_items("NC")
    result = skipped_by(answers, active, version)
    assert skipped <= set(result) and not answered & set(result)


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_no_rule_names_a_retired_item(version: str) -> None:
    items = get_catalog(version).items
    for rule in skip_rules(version):
        assert rule.gateway in items and set(rule.skipped) <= set(items)
        assert not RETIRED & {rule.gateway, *rule.skipped}


@pytest.mark.parametrize("isc", ["NQ", "ND"])
@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_quarterly_and_discharge_keep_their_interview_gateways(version: str, isc: str) -> None:
    assert {"D0100", "D0150A1", "D0160"} <= set(section_items(isc, "D", version))
    assert {"J0200", "J0300", "J0410"} <= set(section_items(isc, "J", version))
    assert skipped_by({"D0100": "0"}, get_catalog(version).active_items(isc), version)


@pytest.mark.parametrize(
    ("version", "locator", "source"),
    [
        ("1.18.11", "X0300", "A0800"),
        ("1.19.1", "X0300", "A0800"),
        ("1.20.1", "X0310", "A0810"),
    ],
)
def test_correction_locator_by_item_set(version: str, locator: str, source: str) -> None:
    catalog = get_catalog(version)
    prior = {
        "A0200": "1",
        "A0500A": "ANA",
        "A0500C": "RUIZ",
        source: "2",
        "A0900": "19400501",
        "A0310A": "02",
        "A0310B": "99",
        "A0310F": "99",
        "A0310H": "0",
        "A2300": "20250101",
    }
    x_items = {k: v for k, v in signing.locator_items(prior).items() if k in catalog.items}
    assert x_items[locator] == "2" and ({"X0300", "X0310"} - {locator}).isdisjoint(x_items)
    assert {"X0150", "X0200A", "X0200C", "X0400", "X0600A", "X0700A"} <= set(x_items)
