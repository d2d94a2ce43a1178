"""I8000A-J (additional active diagnoses) in PDPM: NTA comorbidity points and SLP comorbidities from the ICD-10
codes, checked against the CMS PDPM GROUPER V1.0000 source kept in tests/fixtures/cms (mdsgrouper.h code arrays,
CheckI8000Logic.cpp order and points), parsed here on its own, and against ref/pdpm_nta.csv."""

from __future__ import annotations

import csv
import gzip
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from mds.pdpm import icd10 as pdpm_icd10
from mds.pdpm import rules as pdpm
from mds.record.catalog import ITEM_SET_VERSIONS, get_catalog

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cms"
REPO = Path(__file__).parents[3]
FIVE_DAY = {"A0310A": "99", "A0310B": "01", **{f"GG0130{c}1": "01" for c in "ABC"}}


@cache
def grouper() -> tuple[dict[str, list[str]], list[tuple[str, int]], list[str]]:
    header = gzip.decompress((FIXTURES / "pdpm_grouper_v1_0000_mdsgrouper.h.gz").read_bytes()).decode(
        "latin-1"
    )
    logic = gzip.decompress((FIXTURES / "pdpm_grouper_v1_0000_CheckI8000Logic.cpp.gz").read_bytes()).decode()
    arrays = {
        name: re.findall(r'"(\w+)"', body)
        for name, body in re.findall(r"static char (\w+)Codes\[[^=]*=\s*\{([^;]*)\};", header)
    }
    nta_part, slp_part = logic.split("int ReturnSLPScore")
    nta = [(n, int(p)) for n, p in re.findall(r"Check(\w+)\(I8000\);.*?I8000Score = (\d+);", nta_part, re.S)]
    return arrays, nta, re.findall(r"Check(\w+)\(I8000\)", slp_part)


def test_every_grouper_list_is_shipped_with_its_points() -> None:
    arrays, nta, slp = grouper()
    assert len(nta) == 27 and len(slp) == 6  # ReturnNTAScore / ReturnSLPScore
    expected: dict[str, int] = {}
    for name, points in nta:  # the grouper stops at the first list that holds the code
        for code in arrays[name]:
            expected.setdefault(code, points)
    for code, points in expected.items():
        hits = [c for c in pdpm_icd10.i8000_comorbidities({"I8000A": code}) if c.component == "nta"]
        assert [h.points for h in hits] == [points], code
    for name in slp:
        for code in arrays[name]:
            assert any(c.component == "slp" for c in pdpm_icd10.i8000_comorbidities({"I8000J": code})), code


def test_the_shipped_list_is_the_script_output(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_pdpm_i8000.py"), "--check"], capture_output=True
    )
    assert out.returncode == 0


def test_lung_transplant_points_agree_with_the_reference_table(shared_data: Path) -> None:
    with (shared_data / "mds" / "ref" / "pdpm_nta.csv").open(newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["key"] == "Lung transplant status")
    arrays, _, _ = grouper()
    code = arrays["LungTransplant"][0]  # T8630
    with_code = pdpm.classify({**FIVE_DAY, "I8000C": code[:3] + "." + code[3:]}, clinical_category="Cancer")
    without = pdpm.classify(FIVE_DAY, clinical_category="Cancer")
    assert with_code.nta_score - without.nta_score == int(row["value"]) == 3
    assert any(c.items == ("I8000C",) and "Lung transplant" in c.effect for c in with_code.explain)


def test_a_condition_counts_once_across_the_ten_items() -> None:
    """mdsgrouper.cpp adds an I8000 item's score only when its condition differs from the earlier items'."""
    arrays, _, _ = grouper()
    narcolepsy = arrays["Narcolepsy"]  # 1 point each (CheckI8000Logic.cpp)
    once = pdpm.classify({**FIVE_DAY, "I8000A": narcolepsy[0]}, clinical_category="Cancer").nta_score
    twice = pdpm.classify(
        {**FIVE_DAY, "I8000A": narcolepsy[0], "I8000B": narcolepsy[1]}, clinical_category="Cancer"
    ).nta_score
    other = pdpm.classify(
        {**FIVE_DAY, "I8000A": narcolepsy[0], "I8000B": arrays["CysticFibrosis"][0]},
        clinical_category="Cancer",
    ).nta_score
    assert twice == once and other == once + 1


@pytest.mark.parametrize(
    "name", ["ALS", "Apraxia", "Dyspagia", "LaryngealCancer", "OralCancer", "SpeechLanguage"]
)
def test_slp_comorbidity_from_i8000(name: str) -> None:
    """RAI ch. 6 SLP: one SLP-related comorbidity (the grouper's ReturnSLPScore lists) moves Cancer, no cognitive
    impairment, no swallowing/diet item, to another SLP group: the same as the caller-given flag does."""
    arrays, _, _ = grouper()
    by_code = pdpm.classify(
        {**FIVE_DAY, "C0500": "15", "I8000E": arrays[name][0]}, clinical_category="Cancer"
    )
    by_flag = pdpm.classify(
        {**FIVE_DAY, "C0500": "15"}, clinical_category="Cancer", icd10_slp_comorbidity=True
    )
    plain = pdpm.classify({**FIVE_DAY, "C0500": "15"}, clinical_category="Cancer")
    assert by_code.slp == by_flag.slp != plain.slp


def test_codes_outside_the_lists_and_blanks_add_nothing() -> None:
    base = pdpm.classify(FIVE_DAY, clinical_category="Cancer")
    other = pdpm.classify(
        {**FIVE_DAY, "I8000A": "I10", "I8000B": "^", "I8000C": ""}, clinical_category="Cancer"
    )
    assert (other.nta_score, other.slp) == (base.nta_score, base.slp)


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_i8000_items_are_catalog_items(version: str) -> None:
    catalog = get_catalog(version)
    for item_id in pdpm_icd10.I8000_ITEMS:
        item = catalog.items[item_id]
        # MDS submission specs V1.11.0 item page I8000I: Type ICD, length 8, active on NC,NQ,NP,ND,SP,SD (current ISCs)
        assert item.max_length == 8 and {"NC", "NQ", "NP", "ND", "SP", "SD"} <= set(item.subsets)
        assert not {"NT", "ST", "XX"} & set(item.subsets) and item.source
