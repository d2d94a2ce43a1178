"""PDPM clinical category of the primary diagnosis (I0020B) from the shipped CMS ICD-10 mapping.

The shipped mapping is CMS's **FY2020** one (``mds/data/pdpm_icd10_fy2020.csv.gz``, built by
``scripts/build_pdpm_icd10.py``; its header names the sources). No FY2021-FY2026 mapping was found
in a stored public source, so codes created after FY2020 are reported as not in the mapping and the
caller may still name the category by hand (``mdsready pdpm --category``).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).parents[1] / "data" / "pdpm_icd10_fy2020.csv.gz"
MAPPING_YEAR = "FY2020"
RETURN_TO_PROVIDER = "Return to Provider"

# status of a lookup
MAPPED, RTP, NOT_IN_MAPPING, BLANK = "mapped", "return_to_provider", "not_in_mapping", "blank"


@dataclass(frozen=True)
class Diagnosis:
    code: str  # normalised: upper case, no dot
    status: str  # mapped | return_to_provider | not_in_mapping | blank
    clinical_category: str | None = None  # one of pdpm.CLINICAL_CATEGORIES when mapped
    surgery: str | None = None  # "orthopedic" | "non_orthopedic" | None (J2100-J5000 re-routing)


@lru_cache(maxsize=1)
def _mapping() -> dict[str, tuple[str, str]]:
    text = gzip.decompress(DATA_FILE.read_bytes()).decode("utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    return {row["code"]: (row["clinical_category"], row["surgery"]) for row in csv.DictReader(lines)}


def normalise(code: str | None) -> str:
    """'S72.001A' / ' s72001a ' / '^^S72.001A' -> 'S72001A' (the MDS pads and dots the code; CMS lists it bare)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def lookup(code: str | None) -> Diagnosis:
    key = normalise(code)
    if not key:
        return Diagnosis(key, BLANK)
    found = _mapping().get(key)
    if found is None:
        return Diagnosis(key, NOT_IN_MAPPING)
    category, surgery = found
    if category == RETURN_TO_PROVIDER:
        return Diagnosis(key, RTP)
    return Diagnosis(key, MAPPED, category, surgery or None)


def code_count() -> int:
    return len(_mapping())


# ---------------------------------------------------------------- I8000A-J: NTA and SLP comorbidities

I8000_FILE = Path(__file__).parents[1] / "data" / "pdpm_i8000_fy2020.csv"
I8000_ITEMS = tuple(f"I8000{c}" for c in "ABCDEFGHIJ")


@dataclass(frozen=True)
class Comorbidity:
    code: str  # normalised
    item: str  # the I8000 item that holds it
    component: str  # "nta" | "slp"
    condition: str
    points: int  # NTA points (0 for an SLP comorbidity)


@lru_cache(maxsize=1)
def _i8000() -> dict[str, dict[str, tuple[str, int, int]]]:
    """component -> code -> (condition, points, check order), from the shipped FY2020 grouper lists."""
    text = I8000_FILE.read_text(encoding="utf-8")
    lines = (line for line in io.StringIO(text) if not line.startswith("#"))
    out: dict[str, dict[str, tuple[str, int, int]]] = {"nta": {}, "slp": {}}
    for row in csv.DictReader(lines):
        order = int(row["order"] or 0)
        known = out[row["component"]].get(row["code"])
        if known is None or (order and order < known[2]):  # the grouper checks the lists in order
            out[row["component"]][row["code"]] = (row["condition"], int(row["points"] or 0), order)
    return out


def i8000_comorbidities(values: Mapping[str, str]) -> list[Comorbidity]:
    """The NTA and SLP comorbidities the ICD-10 codes of I8000A-I8000J add, as the CMS grouper counts them
    (mdsgrouper.cpp): one list per code (the first in check order), each NTA condition once."""
    found: list[Comorbidity] = []
    seen: set[tuple[str, str]] = set()
    for item in I8000_ITEMS:
        code = normalise(values.get(item))
        if not code:
            continue
        for component, table in _i8000().items():
            hit = table.get(code)
            if hit is None or (component, hit[0]) in seen:
                continue
            seen.add((component, hit[0]))
            found.append(Comorbidity(code, item, component, hit[0], hit[1]))
    return found
