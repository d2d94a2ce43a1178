from __future__ import annotations

from pathlib import Path

from lxml import etree

from mds.record.catalog import get_catalog
from mds.record.xsd import get_lxml_schema, get_schema, write_xsd, xsd_text

XS = "{http://www.w3.org/2001/XMLSchema}"


def test_shape() -> None:
    doc = etree.fromstring(xsd_text().encode())
    assert doc.get("targetNamespace") is None
    root = doc.find(f"{XS}element")
    assert root.get("name") == "ASSESSMENT"
    assert root.find(f".//{XS}all") is None
    elements = root.findall(f"{XS}complexType/{XS}sequence/{XS}element")
    assert [e.get("name") for e in elements] == list(get_catalog().order)
    occurs = {e.get("name"): e.get("minOccurs") for e in elements}
    assert occurs["FAC_ID"] == "1" and occurs["A2300"] == "0" and occurs["FAC_DOC_ID"] == "0"


def test_schema_cached_once() -> None:
    assert get_schema() is get_schema()
    assert get_lxml_schema() is get_lxml_schema()


def _doc(body: str) -> bytes:
    controls = (
        "<ASMT_SYS_CD>MDS</ASMT_SYS_CD><ITM_SBST_CD>NC</ITM_SBST_CD><ITM_SET_VRSN_CD>1.20</ITM_SET_VRSN_CD>"
        "<SPEC_VRSN_CD>3.10</SPEC_VRSN_CD><PRODN_TEST_CD>P</PRODN_TEST_CD><STATE_CD>TX</STATE_CD><FAC_ID>F1</FAC_ID>"
    )
    return f"<ASSESSMENT>{controls}<A0050>1</A0050>{body}</ASSESSMENT>".encode()


def test_types_agree_between_libxml2_and_xmlschema() -> None:
    cases = {
        "<A0310A>01</A0310A>": True,
        "<A0310A>07</A0310A>": False,
        "<A0310A>^</A0310A>": False,
        "<B0200>^</B0200>": True,
        "<B0200>-</B0200>": True,
        "<A2300>20251001</A2300>": True,
        "<A2300>20251301</A2300>": False,
        "<A2300>2025-10-01</A2300>": False,
        "<A0900>1941</A0900>": True,
        "<A0900>194113</A0900>": False,
        "<C0500>07</C0500>": True,
        "<C0500>7</C0500>": False,
        "<K0200B>999</K0200B>": True,
        "<K0200B>1000</K0200B>": False,
        "<K0200B>-5</K0200B>": False,
        "<K0200B>\u0663</K0200B>": False,
        "<A0500A>ABCDEFGHIJKLM</A0500A>": False,
        "<A0500A>ANA</A0500A>": True,
        "<A2300>20251001</A2300><A0310A>01</A0310A>": False,
    }
    lx, xs = get_lxml_schema(), get_schema()
    for body, ok in cases.items():
        data = _doc(body)
        assert lx.validate(etree.fromstring(data)) is ok, body
        assert xs.is_valid(data) is ok, body


def test_write_xsd(tmp_path: Path) -> None:
    path = write_xsd(tmp_path / "out")
    assert path.read_text(encoding="utf-8") == xsd_text() and path.name == "mds_1_20_1.xsd"
