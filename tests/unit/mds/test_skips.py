"""Skip patterns (mds.record.skips): gateway answers → skipped items, chains, item subsets, and agreement with
the gateway edits of mds.record.edits (the entry form never produces a record those edits reject)."""

from __future__ import annotations

import pytest

from mds.record.catalog import CARET, get_catalog
from mds.record.edits import run_edits
from mds.record.skips import GATEWAYS, SKIP_RULES, apply_skips, gateways_in, skipped_by

NC = get_catalog().active_items("NC")
NPE = get_catalog().active_items("NPE")
IPA = get_catalog().active_items("IPA")


@pytest.mark.parametrize(
    ("answers", "skipped", "answered"),
    [
        (
            {"B0100": "1"},
            {"B0200", "C0100", "C0500", "D0150A1", "E0300", "F0300", "F0800T"},
            {"GG0100A", "B0100"},
        ),
        ({"B0100": "0"}, set(), {"B0200"}),
        ({"C0100": "0"}, {"C0200", "C0400C", "C0500", "C0600"}, {"C0700", "C1000"}),
        ({"C0100": "1", "C0600": "0"}, {"C0700", "C0900D", "C1000"}, {"C0200", "C1310A"}),
        ({"D0100": "0"}, {"D0150A1", "D0150I2", "D0160"}, {"D0500A1", "D0600"}),
        ({"D0100": "1", "D0160": "07"}, {"D0500A1", "D0500J2", "D0600"}, {"D0150A1"}),
        (
            {"D0100": "1", "D0160": "99"},
            set(),
            {"D0500A1", "D0600"},
        ),  # interview incomplete: staff assessment
        ({"E0300": "0"}, {"E0500A", "E0600C"}, {"E0800"}),
        ({"F0300": "0"}, {"F0400A", "F0600", "F0700"}, {"F0800A"}),
        ({"GG0170I1": "88"}, {"GG0170J1", "GG0170K1"}, {"GG0170L1", "GG0170J3"}),
        ({"GG0170I1": "03"}, set(), {"GG0170J1"}),
        ({"GG0170M3": "07"}, {"GG0170N3", "GG0170O3"}, {"GG0170P3"}),
        ({"GG0170Q1": "0"}, {"GG0170R1", "GG0170RR1", "GG0170S1", "GG0170SS1"}, {"GG0170R3"}),
        ({"H0200A": "9"}, {"H0200B"}, {"H0200C"}),
        ({"J0200": "0"}, {"J0300", "J0600B", "J0700"}, {"J0800A", "J0850"}),
        ({"J0200": "1", "J0300": "0"}, {"J0410", "J0700", "J0800A", "J0850"}, {"J1100A"}),
        ({"J0200": "1", "J0300": "1", "J0700": "0"}, {"J0800A", "J0850"}, {"J0410"}),
        # -3970 c): J0300=9 skips J0410 through J0700; the staff assessment J0800 is answered
        ({"J0200": "1", "J0300": "9", "J0700": "0"}, {"J0410", "J0600B", "J0700"}, {"J0800A", "J0850"}),
        ({"J1800": "0"}, {"J1900A", "J1900B", "J1900C"}, set()),
        ({"M0210": "0"}, {"M0300A1", "M0300G2"}, {"M1030"}),
        ({"N2001": "9"}, {"N2003", "N2005"}, set()),
        # chain: B0100=1 skips C0100, so C0100=0 no longer decides anything (C0700 stays skipped by B0100)
        ({"B0100": "1", "C0100": "1", "C0600": "0"}, {"C0700"}, set()),
    ],
)
def test_skip_table(answers: dict[str, str], skipped: set[str], answered: set[str]) -> None:
    result = skipped_by(answers, NC)
    assert skipped <= set(result)
    assert not answered & set(result)


def test_only_active_items_are_skipped() -> None:
    # C0600 is not on the PPS discharge subset: C0100=0 skips C0200-C0500 there and nothing else.
    result = skipped_by({"C0100": "0"}, NPE)
    assert "C0600" not in result and {"C0200", "C0500"} <= set(result)
    assert skipped_by({"J0200": "0"}, IPA) == {}  # J0200 is not on the IPA subset: no skip


def test_apply_sets_caret_and_keeps_others() -> None:
    out = apply_skips({"J1800": "0", "J1900A": "1", "J1100A": "0"}, NC)
    assert out["J1900A"] == CARET and out["J1100A"] == "0" and out["J1900C"] == CARET


def test_rules_name_real_items_and_reasons_in_both_languages() -> None:
    items = get_catalog().items
    for rule in SKIP_RULES:
        assert rule.gateway in items and rule.skipped
        assert all(i in items for i in rule.skipped)
        assert rule.when <= set(items[rule.gateway].values)
        assert rule.reason["en"] and rule.reason["es"] and rule.reason["en"] != rule.reason["es"]
    assert gateways_in(["J0200", "J0300", "J1100A"]) == {"J0200", "J0300"} and "B0100" in GATEWAYS


@pytest.mark.parametrize(
    ("gateway", "value", "edit_id"),
    [
        ("B0100", "1", "-3609"),
        ("C0100", "0", "MR-410"),
        ("D0100", "0", "-4026"),
        ("J0200", "0", "-3784"),
        ("J0300", "0", "-3970"),
        ("J0300", "9", "-3970"),
        ("F0300", "0", "-3533"),
        ("J1800", "0", "-3605"),
    ],
)
def test_skips_satisfy_the_gateway_edits(gateway: str, value: str, edit_id: str) -> None:
    """Answers filled in, then the skip applied: the matching CMS/gateway edit has nothing to say,
    and without the skip it fires (so the two tables cannot drift apart silently)."""
    catalog = get_catalog()
    filled = {
        i: catalog.items[i].values[0]
        for i in NC
        if catalog.items[i].type in ("code", "checklist") and not catalog.items[i].control
    }
    filled[gateway] = value
    before = [f for f in run_edits(filled, items=[gateway]) if f.edit_id == edit_id]
    after = [f for f in run_edits(apply_skips(filled, NC), items=[gateway]) if f.edit_id == edit_id]
    assert before and not after


@pytest.mark.parametrize(
    ("a2", "b2", "ends"),
    [
        ("0", "0", True),  # RAI manual D0150: both PHQ-2 frequencies 0 or 1 -> END the interview
        ("1", "1", True),
        ("0", "1", True),
        ("2", "0", False),  # otherwise continue: the PHQ-9 must be completed (-4028 (b))
        ("1", "3", False),
        ("0", "^", False),  # D0150B1 = 9 (no response): frequency blank, the interview continues
    ],
)
def test_phq2_early_end(a2: str, b2: str, ends: bool) -> None:
    answers = {"D0100": "1", "D0150A1": "1", "D0150B1": "1", "D0150A2": a2, "D0150B2": b2}
    skipped = skipped_by(answers, NC)
    rest = {"D0150C1", "D0150C2", "D0150I1", "D0150I2"}
    assert (rest <= set(skipped)) is ends
    assert "D0160" not in skipped  # the total (D0150A2 + D0150B2 when the interview ends) is still entered
    assert not rest & set(skipped) or ends
    assert "D0150B2" in gateways_in(["D0150B2"])  # a change of either PHQ-2 frequency re-renders the section
