"""CSV cells a spreadsheet can never run as a formula (OWASP "CSV Injection"), shared by every CSV writer."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Text starting with = + - @ tab or CR gets a leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
