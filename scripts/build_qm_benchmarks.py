"""Build surveys/data/qm_cms_benchmarks.csv: the CMS MDS quality-measure rows (PDC dataset djen-97ju,
NH_QualityMsr_MDS) the quality-measures page compares a facility against (state and national averages).

Only the columns `surveys.qm.rules.load_cms_qm_csv` reads are kept (CMS headers unchanged). The shared sample
has 289 rows, all Alabama: the "national" average is the mean over the rows shipped, and the page says so.

Usage:  python scripts/build_qm_benchmarks.py [--shared-data PATH] [--out PATH] [--check]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generated_file import REPO_ROOT, run  # noqa: E402

DEFAULT_OUT = REPO_ROOT / "surveys" / "data" / "qm_cms_benchmarks.csv"
SOURCE = "surveys/mds_quality_measures_djen-97ju_sample289.csv"
COLUMNS = [
    "CMS Certification Number (CCN)",
    "Provider Name",
    "State",
    "Measure Code",
    "Resident type",
    "Q1 Measure Score",
    "Q2 Measure Score",
    "Q3 Measure Score",
    "Q4 Measure Score",
    "Four Quarter Average Score",
    "Footnote for Four Quarter Average Score",
    "Used in Quality Measure Five Star Rating",
    "Measure Period",
]


def render(shared: Path) -> str:
    with (shared / SOURCE).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: (r["Measure Code"], r["CMS Certification Number (CCN)"])):
        writer.writerow(row)
    return out.getvalue()


if __name__ == "__main__":
    raise SystemExit(run(__doc__.splitlines()[0], DEFAULT_OUT, render))
