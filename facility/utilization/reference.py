"""CMS public values for the facility's hospitalization rates: measures 521 (short-stay rehospitalization, %) and
551 (long-stay hospitalizations per 1,000 resident days) from the Provider Data Catalog file ijh5-nb2v (see
facility/data/SOURCES.md). Read once; the pages compare the facility's own counts with the median and quartiles
of the adjusted scores."""

from __future__ import annotations

import csv
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).parents[1] / "data" / "cms_hospitalization_measures.csv"


@dataclass(frozen=True)
class Reference:
    code: str
    count: int
    median: float
    low_quartile: float
    high_quartile: float
    period: str
    processed: str


@cache
def cms_reference() -> dict[str, Reference]:
    with _FILE.open(newline="", encoding="utf-8") as fh:
        rows = [
            r for r in csv.DictReader(fh) if r["Adjusted Score"]
        ]  # footnote 9: too few residents, no score
    out: dict[str, Reference] = {}
    for code in sorted({r["Measure Code"] for r in rows}):
        mine = [r for r in rows if r["Measure Code"] == code]
        values = sorted(float(r["Adjusted Score"]) for r in mine)
        q1, _, q3 = statistics.quantiles(values, n=4)
        out[code] = Reference(
            code,
            len(values),
            statistics.median(values),
            q1,
            q3,
            mine[0]["Measure Period"],
            mine[0]["Processing Date"],
        )
    return out
