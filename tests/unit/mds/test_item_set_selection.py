"""The item set of a new record follows its target date (ref/item_set_versions.csv: 1.18.11 from 2023-10-01,
1.19.1 from 2024-10-01, 1.20.1 from 2025-10-01); older target dates are refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from mds.assessments import forms
from mds.record.catalog import UnsupportedTargetDate, version_for_date

ADMISSION = "01-99-99-0"


@pytest.mark.parametrize(
    ("target", "version"),
    [
        (date(2023, 10, 1), "1.18.11"),
        (date(2024, 5, 1), "1.18.11"),
        (date(2024, 9, 30), "1.18.11"),
        (date(2024, 10, 1), "1.19.1"),
        (date(2025, 9, 30), "1.19.1"),
        (date(2025, 10, 1), "1.20.1"),
        (date(2026, 12, 5), "1.20.1"),
    ],
)
def test_version_for_target_date(target: date, version: str) -> None:
    assert version_for_date(target) == version


@pytest.mark.parametrize("target", [date(2023, 9, 30), date(2019, 10, 1)])
def test_target_date_before_the_oldest_item_set_is_refused(target: date) -> None:
    with pytest.raises(UnsupportedTargetDate):
        version_for_date(target)
    _, errors = forms.validate_start(
        {"rfa": ADMISSION, "ard": target.isoformat()}, date(2026, 12, 5), None, 0
    )
    assert "2023-10-01" in errors["ard"] and "1.18.11" in errors["ard"]


def test_supported_target_date_is_accepted_by_the_start_form() -> None:
    values, errors = forms.validate_start({"rfa": ADMISSION, "ard": "2024-05-01"}, date(2026, 12, 5), None, 0)
    assert not errors and values["ard"] == date(2024, 5, 1)
