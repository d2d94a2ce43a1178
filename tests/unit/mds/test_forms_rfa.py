"""A0310E/G are filled by the start form from the RFA (tracking records carry A0310E=0, never a caret)."""

from __future__ import annotations

import pytest

from mds.assessments.forms import _with_e_and_g
from mds.record import rfa as rfa_rules


@pytest.mark.parametrize(
    ("a", "b", "f", "first", "expected_e", "expected_g"),
    [
        ("99", "99", "01", True, "0", None),  # entry tracking record
        ("99", "99", "12", False, "0", None),  # death in facility tracking record
        ("01", "01", "99", True, "1", None),  # admission + 5-day, first since entry
        ("02", "99", "99", False, "0", None),  # quarterly
        ("99", "99", "10", False, "0", "1"),  # discharge, return not anticipated (planned)
    ],
)
def test_a0310e_and_g(a: str, b: str, f: str, first: bool, expected_e: str, expected_g: str | None) -> None:
    result = _with_e_and_g(rfa_rules.Rfa(a=a, b=b, f=f, h="0"), first, "1")
    assert (result.e, result.g) == (expected_e, expected_g)
