from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mds.record.catalog import ITEM_SET_VERSIONS, ITEM_TYPES, get_catalog, load_catalog_data

REPO = Path(__file__).resolve().parents[3]


def test_shipped_catalogs_match_generator(shared_data: Path, tmp_path: Path) -> None:
    doc = tmp_path / "isc.md"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_catalog.py"),
            str(shared_data),
            "--out-dir",
            str(tmp_path),
            "--isc-doc",
            str(doc),
        ],
        check=True,
        capture_output=True,
    )
    for version in ITEM_SET_VERSIONS:
        out = tmp_path / f"items_v{version.replace('.', '_')}.json"
        assert json.loads(out.read_text(encoding="utf-8")) == load_catalog_data(version), version
    assert doc.read_text(encoding="utf-8") == (REPO / "docs" / "item-sets-isc.md").read_text(encoding="utf-8")


def test_control_items_first_in_domain_order() -> None:
    cat = get_catalog()
    assert cat.order[:13] == (
        "ASMT_SYS_CD",
        "ITM_SBST_CD",
        "ITM_SET_VRSN_CD",
        "SPEC_VRSN_CD",
        "PRODN_TEST_CD",
        "STATE_CD",
        "FAC_ID",
        "SFTWR_VNDR_ID",
        "SFTWR_VNDR_NAME",
        "SFTWR_VNDR_EMAIL_ADR",
        "SFTWR_PROD_NAME",
        "SFTWR_PROD_VRSN_CD",
        "FAC_DOC_ID",
    )
    rest = cat.order[13:]
    assert list(rest) == sorted(rest) and rest[0] == "A0050"


@pytest.mark.parametrize("item_id", ["G0110A1", "G0120A", "A0800", "A1000A", "K0510A1", "O0420"])
def test_retired_items_absent(item_id: str) -> None:
    assert get_catalog().get(item_id) is None


@pytest.mark.parametrize(
    "item_id,type_",
    [
        ("A0810", "code"),
        ("K0520A2", "checklist"),
        ("O0390Z", "checklist"),
        ("A1005A", "checklist"),
        ("A1010Z", "checklist"),
        ("Z0500B", "date"),
        ("X0800", "numeric"),
        ("V0200C2", "date"),
        ("M0100Z", "checklist"),
    ],
)
def test_v1_20_1_items_present(item_id: str, type_: str) -> None:
    item = get_catalog().get(item_id)
    assert item is not None and item.type == type_ and item.source


@pytest.mark.parametrize(
    "item_id,values",
    [
        ("A0310A", ("01", "02", "03", "04", "05", "06", "99")),
        ("A0310B", ("01", "08", "99")),
        ("A0310F", ("01", "10", "11", "12", "99")),
        ("A0050", ("1", "2", "3")),
        ("ITM_SBST_CD", ("NC", "NQ", "NP", "NPE", "IPA", "ND", "NT", "SP", "SD", "ST", "XX")),
    ],
)
def test_code_values_from_cms(item_id: str, values: tuple[str, ...]) -> None:
    assert get_catalog().items[item_id].values == values


def test_item_fields_well_formed() -> None:
    cat = get_catalog()
    for item in cat.items.values():
        assert item.type in ITEM_TYPES
        assert set(item.special) <= {"^", "-"}
        assert item.subsets <= set(cat.iscs), item.id
        if item.type in ("code", "checklist"):
            assert item.values and not set(item.values) & {"^", "-"}
        if item.type == "numeric":
            assert item.min is not None and item.max is not None and item.min <= item.max
        if item.type == "text":
            assert item.max_length
    assert cat.items["A2300"].special == () and "^" in cat.items["B0200"].special


def test_spanish_labels_for_sections_and_common_values() -> None:
    cat = get_catalog()
    assert cat.section_name("C", "es") == "Patrones cognitivos"
    assert cat.items["B0100"].value_label("1", "es") == "Sí"
    assert cat.items["A2300"].label("es").startswith("Fecha de referencia")


def test_active_sets_sizes() -> None:
    cat = get_catalog()
    assert 400 <= len(cat.active_items("NC")) <= 900
    assert (
        "A1600" in cat.active_items("NT")
        and "C0100" not in cat.active_items("NT")
        and "X0800" in cat.active_items("XX")
    )
    assert "C0100" not in cat.active_items("XX")
