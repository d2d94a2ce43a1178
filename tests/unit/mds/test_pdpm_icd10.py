"""The shipped PDPM ICD-10 mapping against the CMS PDPM GROUPER source arrays (tests/fixtures/cms).

The fixture is the CMS grouper's ``DiagnosisCodesLoaded.h`` (V1.0000, FY2020 mapping) as released
by CMS; it is parsed here on its own, not through scripts/build_pdpm_icd10.py. Its PT code is the
collapsed PT/OT category (1 Major Joint, 2 Other Orthopedic, 3 Medical Management, 4 Non-Orthopedic
Surgery and Acute Neurologic), its SLP code 2 means acute neurologic, its eligibility 3/2 means
orthopedic / non-orthopedic surgery re-routing (ICD10Retrieval.cpp).
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

import pytest

from mds.pdpm import icd10 as pdpm_icd10
from mds.pdpm import rules as pdpm

FIXTURE = Path(__file__).parents[2] / "fixtures" / "cms" / "pdpm_grouper_v1_0000_DiagnosisCodesLoaded.h.gz"
COLLAPSED = {"1": pdpm.MAJOR_JOINT, "2": pdpm.OTHER_ORTHO, "3": pdpm.MEDICAL, "4": pdpm.NON_ORTHO_NEURO}
ELIGIBILITY = {"3": "orthopedic", "2": "non_orthopedic", "1": None}


@cache
def grouper() -> dict[str, tuple[str, str, str]]:
    text = gzip.decompress(FIXTURE.read_bytes()).decode("latin-1")
    arrays = {
        name: [cell.strip().strip('"') for cell in body.split(",")]
        for name, body in re.findall(r"static \w+ (\w+)\[[^=]*=\s*\{([^;]*)\};", text)
    }
    codes = arrays["I0020BCodes"]
    return dict(
        zip(
            codes,
            zip(arrays["I0020BPTCode"], arrays["I0020BSLPCode"], arrays["I0020BEligibility"], strict=True),
            strict=True,
        )
    )


def test_every_grouper_code_maps_to_the_same_collapsed_category_slp_flag_and_surgery() -> None:
    source = grouper()
    assert len(source) == 37312
    wrong = []
    for code, (pt, slp, eligibility) in source.items():
        found = pdpm_icd10.lookup(code)
        got = (
            found.status,
            pdpm.CLINICAL_CATEGORIES.get(found.clinical_category or ""),
            found.clinical_category == pdpm.ACUTE_NEUROLOGIC,
            found.surgery,
        )
        if got != (pdpm_icd10.MAPPED, COLLAPSED[pt], slp == "2", ELIGIBILITY[eligibility]):
            wrong.append((code, got))
    assert wrong == []


def test_codes_outside_the_grouper_list_are_not_primary_diagnoses() -> None:
    """The grouper lists only codes with a category; every other shipped code is Return to Provider (U07.1 came later)."""
    source = grouper()
    mapped_elsewhere = [
        c
        for c in pdpm_icd10._mapping()
        if c not in source and pdpm_icd10.lookup(c).status == pdpm_icd10.MAPPED
    ]
    assert mapped_elsewhere == ["U071"]
    assert pdpm_icd10.code_count() > 70000


@pytest.mark.parametrize(
    ("code", "category", "surgery"),
    [
        (
            "S72.001A",
            "Non-Surgical Orthopedic/Musculoskeletal",
            "orthopedic",
        ),  # hip fracture: surgery re-routes
        ("I63.9", "Acute Neurologic", None),
        ("J18.9", "Pulmonary", None),
        ("I50.9", "Cardiovascular and Coagulations", None),
        ("A41.9", "Acute Infections", None),
        ("C34.90", "Cancer", None),
        ("Z47.1", "Major Joint Replacement or Spinal Surgery", None),
    ],
)
def test_spot_checks(code: str, category: str, surgery: str | None) -> None:
    found = pdpm_icd10.lookup(code)
    assert (found.status, found.clinical_category, found.surgery) == (pdpm_icd10.MAPPED, category, surgery)
    pt, slp, eligibility = grouper()[pdpm_icd10.normalise(code)]
    assert COLLAPSED[pt] == pdpm.CLINICAL_CATEGORIES[category] and ELIGIBILITY[eligibility] == surgery


def test_return_to_provider_unknown_and_blank() -> None:
    assert pdpm_icd10.lookup("R26.2").status == pdpm_icd10.RTP
    assert pdpm_icd10.lookup("M62.81").status == pdpm_icd10.RTP
    assert pdpm_icd10.lookup("G20.A1").status == pdpm_icd10.NOT_IN_MAPPING  # created in FY2024
    assert pdpm_icd10.lookup("^").status == pdpm_icd10.BLANK
    assert pdpm_icd10.lookup(" s72.001a ").code == "S72001A"


def test_shipped_file_says_which_year_it_is() -> None:
    head = gzip.decompress(pdpm_icd10.DATA_FILE.read_bytes()).decode()[:400]
    assert "FY2020" in head and "NOT the FY2026 mapping" in head
