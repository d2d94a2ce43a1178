"""Build surveys/data/ftags.json from the CMS citation look-up (Oct 2025).

Source: ../shared/data/surveys/ftag_citation_descriptions_Oct2025.csv, a conversion of CMS
`NH_CitationDescriptions_Oct2025.csv` (Provider Data Catalog "Citation Code Look-up", tagd-9999),
with regulatory groups (42 CFR 483 Subpart B) and 2025 status notes added (see its SOURCES.md).

Usage: python scripts/build_ftags.py [--source CSV] [--out JSON]
The generated JSON is committed; the app never reads ../shared/data at run time.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "surveys" / "ftag_citation_descriptions_Oct2025.csv"
DEFAULT_OUT = REPO / "surveys" / "data" / "ftags.json"

# Effective date of the Appendix PP revision that deleted/merged tags (QSO-25-14-NH).
MERGE_EFFECTIVE = "2025-04-28"

# What each 2025 successor absorbed, per aapacn.org's breakdown quoted in DOMAIN.md Part 2 §1:
# F627 <- F622, F624, F626, F660, F661; F628 <- F622, F623, F625, F661; F605 <- F758; F641 <- F642.
# The CSV status notes agree; this table orders successors for tags split two ways (first = primary).
SUCCESSORS: dict[str, tuple[str, ...]] = {
    "F0622": ("F0627", "F0628"),
    "F0623": ("F0628",),
    "F0624": ("F0627",),
    "F0625": ("F0628",),
    "F0626": ("F0627",),
    "F0660": ("F0627",),
    "F0661": ("F0627", "F0628"),
    "F0642": ("F0641",),
    "F0758": ("F0605",),
}

# Short titles. CMS publishes no data file of official short titles (DOMAIN.md "Not found"), so these
# come from the regulatory-group table and care-plan tag texts of DOMAIN.md Part 2 §1 and §6; any
# other tag's title is its CMS one-line description.
TITLES: dict[str, str] = {
    "F0550": "Resident Rights/Exercise of Rights",
    "F0600": "Free from Abuse and Neglect",
    "F0605": "Right to be Free from Chemical Restraints/Unnecessary Psychotropic Medications",
    "F0620": "Admission Agreement",
    "F0627": "Inappropriate Transfers and Discharges",
    "F0628": "Transfer and Discharge Process",
    "F0635": "Admission Physician Orders",
    "F0636": "Comprehensive Assessments and Timing",
    "F0637": "Comprehensive Assessment After Significant Change",
    "F0638": "Quarterly Assessment at Least Every 3 Months",
    "F0639": "Maintain 15 Months of Resident Assessments",
    "F0640": "Encoding/Transmitting Resident Assessments",
    "F0641": "Accuracy of Assessments",
    "F0655": "Baseline Care Plan",
    "F0656": "Develop/Implement Comprehensive Care Plan",
    "F0657": "Care Plan Timing and Revision",
    "F0658": "Services Meet Professional Standards",
    "F0659": "Qualified Persons",
    "F0678": "Cardio-Pulmonary Resuscitation (CPR)",
    "F0679": "Activities",
    "F0684": "Quality of Care",
    "F0686": "Treatment/Services to Prevent/Heal Pressure Ulcers",
    "F0689": "Free of Accident Hazards/Supervision/Devices",
    "F0690": "Bowel/Bladder Incontinence, Catheter, UTI",
    "F0692": "Nutrition/Hydration Status Maintenance",
    "F0695": "Respiratory/Tracheostomy Care and Suctioning",
    "F0697": "Pain Management",
    "F0698": "Dialysis",
    "F0699": "Trauma-Informed Care",
    "F0725": "Sufficient Nursing Staff",
    "F0727": "RN 8 Hrs/7 days/Wk, Full Time DON",
    "F0732": "Posted Nurse Staffing Information",
    "F0756": "Drug Regimen Review",
    "F0757": "Drug Regimen is Free from Unnecessary Drugs",
    "F0761": "Label/Store Drugs and Biologicals",
    "F0812": "Food Procurement, Store/Prepare/Serve Sanitary",
    "F0838": "Facility Assessment",
    "F0841": "Responsibilities of Medical Director",
    "F0842": "Resident Records - Identifiable Information",
    "F0849": "Hospice Services",
    "F0851": "Payroll Based Journal",
    "F0880": "Infection Prevention & Control",
    "F0881": "Antibiotic Stewardship Program",
    "F0883": "Influenza and Pneumococcal Immunizations",
    "F0919": "Resident Call System",
}

ERA = {
    "post-2017 reform": "current",
    "pre-2017 (retired 2017-11-28)": "pre-2017",
    "E=Emergency Preparedness / K=Life Safety Code": "life-safety",
}


def _status(note: str, code: str) -> str:
    if code in SUCCESSORS:
        return "retired-2025"
    if note == "historical":
        return "historical"
    return "active"


def _successors_from_note(note: str) -> tuple[str, ...]:
    return tuple(f"F{int(n):04d}" for n in re.findall(r"F(\d{3,4})", note.split(":", 1)[-1]))


def build(source: Path) -> list[dict[str, object]]:
    with source.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    merged_from: dict[str, list[str]] = {}
    for old, new in SUCCESSORS.items():
        for succ in new:
            merged_from.setdefault(succ, []).append(old)
    out: list[dict[str, object]] = []
    for row in rows:
        # The F627/F628 status notes contain an unquoted comma; csv puts the spill-over under key None.
        note = ",".join([row["status_note"] or "", *(row.get(None) or [])]).strip(",").strip()  # type: ignore[call-overload]
        code = f"{row['deficiency_prefix']}{row['deficiency_tag_number']}"
        if code in SUCCESSORS and set(_successors_from_note(note)) != set(SUCCESSORS[code]):
            raise SystemExit(f"{code}: status note {note!r} disagrees with SUCCESSORS table")
        description = " ".join(row["deficiency_description"].split())
        out.append(
            {
                "code": code,
                "prefix": row["deficiency_prefix"],
                "number": int(row["deficiency_tag_number"]),
                "title": TITLES.get(code, description),
                "description": description,
                "cms_category": row["cms_deficiency_category"],
                "regulatory_group": row["regulatory_group"],
                "regulatory_group_cfr": row["regulatory_group_cfr"],
                "era": ERA[row["numbering_era"]],
                "status": _status(note, code),
                "status_note": note,
                "successors": list(SUCCESSORS.get(code, ())),
                "merged_from": sorted(merged_from.get(code, [])),
                "retired_on": MERGE_EFFECTIVE if code in SUCCESSORS else None,
            }
        )
    missing = set(TITLES) - {r["code"] for r in out}
    if missing:
        raise SystemExit(f"titles for unknown tags: {sorted(missing)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    tags = build(args.source)
    payload = {
        "source": "CMS NH_CitationDescriptions_Oct2025.csv (PDC tagd-9999) via shared/data/surveys",
        "merge_effective": MERGE_EFFECTIVE,
        "tags": tags,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(tags)} tags to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
