"""Build mds/data/pdpm_icd10_fy2020.csv.gz: the CMS PDPM ICD-10 clinical-category mapping (I0020B).

The newest CMS mapping that could be found in a public, stored source is the **FY2020** one
(DOMAIN.md "What could not be found" 7; the FY2021-FY2026 spreadsheets on the CMS PDPM page were
not reachable). It comes in two CMS-derived forms that agree code by code:

* the CMS PDPM GROUPER V1.0000 C++ source (Sept 2019, released by CMS), file
  ``CppProject/PDPM files/DiagnosisCodesLoaded.h`` of GitHub ``asedl/XpaPDPM_Calc`` @ 0e05e50f
  (repo MIT): for each of the 37,312 codes that map to a clinical category, the collapsed PT/OT
  category (1-4), the SLP acute-neurologic flag (2) and the surgery eligibility (3 orthopedic,
  2 non-orthopedic). A gzip copy is kept as ``tests/fixtures/cms/`` (the test reference);
* the CMS spreadsheet "PDPM_ICD10_Mappings_FY2020" clinical-category column as JSON, file
  ``PyPDPM/data/PDPM_ICD10_Mappings_FY2020_clinical_category.json`` of GitHub ``Scorks/PyPDPM``
  @ 6aa6154d (repo MIT): all 72,186 FY2020 ICD-10-CM codes with one of the 10 category names or
  "Return to Provider" (the grouper has only the collapsed categories).

The output keeps the 10-category name from the spreadsheet and the surgery eligibility from the
grouper; the script refuses to write if the two disagree on any collapsed category or SLP flag.

Usage:  python scripts/build_pdpm_icd10.py --grouper H[.gz] --categories JSON [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO_ROOT / "mds" / "data" / "pdpm_icd10_fy2020.csv.gz"
DEFAULT_GROUPER = REPO_ROOT / "tests" / "fixtures" / "cms" / "pdpm_grouper_v1_0000_DiagnosisCodesLoaded.h.gz"

RTP = "Return to Provider"
# 10 clinical categories -> the grouper's collapsed PT/OT code (SNF PPS FY2019 final rule collapse)
COLLAPSED = {
    "Major Joint Replacement or Spinal Surgery": "1",
    "Orthopedic Surgery (Except Major Joint Replacement or Spinal Surgery)": "2",
    "Non-Surgical Orthopedic/Musculoskeletal": "2",
    "Acute Infections": "3",
    "Medical Management": "3",
    "Cancer": "3",
    "Pulmonary": "3",
    "Cardiovascular and Coagulations": "3",
    "Acute Neurologic": "4",
    "Non-Orthopedic Surgery": "4",
}
SURGERY = {"3": "orthopedic", "2": "non_orthopedic", "1": ""}
HEADER = (
    "# CMS PDPM ICD-10 clinical-category mapping, FY2020 (effective 2019-10-01; COVID-19 U07.1 from the April 2020 update).\n"
    "# NOT the FY2026 mapping: no FY2021-FY2026 mapping was found in a public stored source. Codes created after FY2020\n"
    "# are absent and classify as 'not in the FY2020 mapping'; categories CMS moved since FY2020 keep their FY2020 value.\n"
    "# Sources: category = CMS spreadsheet PDPM_ICD10_Mappings_FY2020 (as JSON in GitHub Scorks/PyPDPM @ 6aa6154d,\n"
    "# PyPDPM/data/PDPM_ICD10_Mappings_FY2020_clinical_category.json); surgery = CMS PDPM GROUPER V1.0000 source\n"
    "# (GitHub asedl/XpaPDPM_Calc @ 0e05e50f, CppProject/PDPM files/DiagnosisCodesLoaded.h, I0020BEligibility).\n"
    "# Built by scripts/build_pdpm_icd10.py. surgery: orthopedic | non_orthopedic | empty (J2100-J5000 re-routing).\n"
)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    return gzip.decompress(data).decode("latin-1") if path.suffix == ".gz" else data.decode("latin-1")


def grouper_arrays(text: str) -> dict[str, tuple[str, str, str]]:
    """code -> (collapsed PT code, SLP code, eligibility) from the grouper's four static arrays."""

    def array(name: str) -> list[str]:
        m = re.search(r"static \w+ " + name + r"\[\d+\](?:\[\d+\])?\s*=\s*\{(.*?)\};", text, re.S)
        if not m:
            raise SystemExit(f"array {name} not found in the grouper source")
        return [x.strip().strip('"') for x in m.group(1).split(",") if x.strip()]

    codes, pt, slp, elig = (
        array(n) for n in ("I0020BCodes", "I0020BPTCode", "I0020BSLPCode", "I0020BEligibility")
    )
    if not len(codes) == len(pt) == len(slp) == len(elig):
        raise SystemExit("grouper arrays differ in length")
    return {c: (p, s, e) for c, p, s, e in zip(codes, pt, slp, elig, strict=True)}


def build(grouper: dict[str, tuple[str, str, str]], categories: dict[str, str]) -> list[tuple[str, str, str]]:
    rows, problems = [], []
    for code in sorted(categories):
        category = categories[code]
        if category != RTP and category not in COLLAPSED:
            problems.append(f"{code}: unknown category {category!r}")
            continue
        pt, slp, elig = grouper.get(code, ("", "", "1"))
        if code in grouper and (
            category == RTP or COLLAPSED[category] != pt or (category == "Acute Neurologic") != (slp == "2")
        ):
            problems.append(f"{code}: spreadsheet {category!r} vs grouper PT {pt} SLP {slp}")
        rows.append((code, category, SURGERY[elig]))
    missing = sorted(set(grouper) - set(categories))
    if missing:
        problems.append(f"grouper codes missing from the spreadsheet: {missing[:5]}")
    if problems:
        raise SystemExit("sources disagree:\n" + "\n".join(problems[:20]))
    return rows


def render(rows: list[tuple[str, str, str]]) -> bytes:
    out = io.StringIO()
    out.write(HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "clinical_category", "surgery"))
    writer.writerows(rows)
    return gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grouper", type=Path, default=DEFAULT_GROUPER)
    parser.add_argument("--categories", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = parser.parse_args(argv)
    rows = build(
        grouper_arrays(_read_text(args.grouper)), json.loads(args.categories.read_text(encoding="utf-8"))
    )
    data = render(rows)
    if args.check:
        same = args.out.exists() and gzip.decompress(args.out.read_bytes()) == gzip.decompress(data)
        print("up to date" if same else f"{args.out} differs")
        return 0 if same else 1
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(rows)} codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
