"""-4049 (admission GG0170 column 1 must be coded) respects the walking/stairs skip patterns of mds.record.skips."""

from __future__ import annotations

import random

import pytest

from mds.record.edits import run_edits
from mds.record.testing import random_assessment


def _admission() -> dict[str, str]:
    values = dict(random_assessment(random.Random(7), isc="NC"))
    values.update({"A0310A": "01", "A0310B": "99", "GG0170I1": "03", "GG0170M1": "03"})
    for item in ("GG0170J1", "GG0170K1", "GG0170N1", "GG0170O1"):
        values[item] = "03"
    return values


def _gg4049(values: dict[str, str]) -> set[str | None]:
    return {f.item for f in run_edits(values) if f.edit_id == "-4049"}


@pytest.mark.parametrize(
    ("gateway", "skipped"), [("GG0170M1", ("GG0170N1", "GG0170O1")), ("GG0170I1", ("GG0170J1", "GG0170K1"))]
)
@pytest.mark.parametrize("code", ["07", "09", "10", "88"])
def test_skipped_items_may_carry_caret(gateway: str, skipped: tuple[str, ...], code: str) -> None:
    values = _admission()
    values[gateway] = code
    for item in skipped:
        values[item] = "^"
    assert not _gg4049(values) & set(skipped)


@pytest.mark.parametrize(("gateway", "item"), [("GG0170M1", "GG0170N1"), ("GG0170I1", "GG0170J1")])
def test_caret_without_the_skip_is_still_fatal(gateway: str, item: str) -> None:
    values = _admission()  # the gateway was attempted (03), so the next items must be coded
    values[item] = "^"
    assert item in _gg4049(values)
