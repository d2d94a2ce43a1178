"""Build mds/data/pdpm_i8000_fy2020.csv: the ICD-10 codes of I8000A-I8000J (additional active diagnoses) that
add PDPM NTA comorbidity points or count as an SLP comorbidity.

Source: the CMS PDPM GROUPER V1.0000 C++ source (Sept 2019, FY2020 code lists), GitHub ``asedl/XpaPDPM_Calc``
@ 0e05e50f (repo MIT; the grouper itself is CMS-published), folder ``CppProject/PDPM files/``:

* ``mdsgrouper.h``: one ``static char <Name>Codes[n][10]`` array per comorbidity (codes without the dot);
* ``CheckI8000Logic.cpp``: ``ReturnNTAScore`` checks the lists in a fixed order and gives the points of the first
  list that holds the code (``I8000Score = p; *I8000Code = k``); ``ReturnSLPScore`` names the SLP lists.

gzip copies of both files are kept in ``tests/fixtures/cms/`` (the default inputs and the test reference).
``mdsgrouper.cpp`` counts a comorbidity once even when several I8000 items hold codes of it.

This is the FY2020 list, like the I0020B mapping (docs/pdpm.md): codes created after FY2020 and comorbidities
CMS added later are not in it.

Usage: python scripts/build_pdpm_i8000.py [--header H[.gz]] [--logic CPP[.gz]] [--out PATH] [--check]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "cms"
DEFAULT_HEADER = FIXTURES / "pdpm_grouper_v1_0000_mdsgrouper.h.gz"
DEFAULT_LOGIC = FIXTURES / "pdpm_grouper_v1_0000_CheckI8000Logic.cpp.gz"
DEFAULT_OUT = REPO_ROOT / "mds" / "data" / "pdpm_i8000_fy2020.csv"

# The one list whose condition pdpm_nta.csv names (ref/pdpm_nta.csv 'Lung transplant status', 3 points); the others
# are named after the grouper's list (the grouper carries no display names), its misspellings corrected.
CONDITION_NAMES = {
    "LungTransplant": "Lung transplant status",
    "ALS": "ALS",
    "AscepticNecrosis": "Aseptic necrosis",
    "Dyspagia": "Dysphagia",
    "ProlificRetinopathy": "Proliferative retinopathy",
    "PsoriaticAnthropathy": "Psoriatic arthropathy",
}
HEADER = (
    "# ICD-10-CM codes of I8000A-J that count in PDPM: NTA comorbidity points or SLP comorbidity (FY2020 lists).\n"
    "# Source: CMS PDPM GROUPER V1.0000 C++ source (Sept 2019) in GitHub asedl/XpaPDPM_Calc @ 0e05e50f,\n"
    "# CppProject/PDPM files/mdsgrouper.h (code arrays) and CheckI8000Logic.cpp (order and points).\n"
    "# NOT the FY2026 lists (not found in a public stored source). Built by scripts/build_pdpm_i8000.py.\n"
    "# order: the grouper's check order (a code in two lists counts for the first); a condition counts once.\n"
)


def _read(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def code_lists(header_text: str) -> dict[str, list[str]]:
    """'<Name>Codes' array -> its codes, as declared (the declared size is checked)."""
    out: dict[str, list[str]] = {}
    for m in re.finditer(r"static char (\w+)Codes\[(\d+)\]\[\d+\]\s*=\s*\{(.*?)\};", header_text, re.S):
        codes = re.findall(r'"([A-Z0-9]+)"', m.group(3))
        if len(codes) != int(m.group(2)):
            raise SystemExit(f"{m.group(1)}Codes declares {m.group(2)} codes, holds {len(codes)}")
        out[m.group(1)] = codes
    return out


def nta_rules(logic_text: str) -> list[tuple[str, int, int]]:
    """(list name, points, condition number) in ReturnNTAScore's order."""
    body = logic_text.split("int ReturnNTAScore", 1)[1].split("int ReturnSLPScore", 1)[0]
    rules = re.findall(r"Check(\w+)\(I8000\);.*?I8000Score = (\d+);\s*\*I8000Code = (\d+);", body, re.S)
    return [(name, int(points), int(number)) for name, points, number in rules]


def slp_lists(logic_text: str) -> list[str]:
    body = logic_text.split("int ReturnSLPScore", 1)[1]
    return re.findall(r"Check(\w+)\(I8000\)", body)


def humanise(name: str) -> str:
    return CONDITION_NAMES.get(name) or re.sub(r"(?<!^)([A-Z])", r" \1", name).capitalize()


def build(header_text: str, logic_text: str) -> str:
    lists = code_lists(header_text)
    rows: list[list[str]] = []
    for order, (name, points, _number) in enumerate(nta_rules(logic_text), start=1):
        for code in lists[name]:
            rows.append([code, "nta", humanise(name), name, str(points), str(order)])
    for name in slp_lists(logic_text):
        for code in lists[name]:
            rows.append([code, "slp", humanise(name), name, "", ""])
    if not rows:
        raise SystemExit("no I8000 code lists found")
    buf = io.StringIO()
    buf.write(HEADER)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "component", "condition", "grouper_list", "points", "order"])
    writer.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--header", type=Path, default=DEFAULT_HEADER)
    parser.add_argument("--logic", type=Path, default=DEFAULT_LOGIC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail when the shipped file differs")
    args = parser.parse_args(argv)
    text = build(_read(args.header), _read(args.logic))
    if args.check:
        return 0 if args.out.read_text(encoding="utf-8") == text else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {text.count(chr(10)) - HEADER.count(chr(10)) - 1} codes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
