from __future__ import annotations

import io
import random
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings

from mds.record.testing import random_assessment
from mds.record.xmlio import XMLReadError, export_assessment, export_batch, read_assessment, read_record
from tests.unit.mds.strategies import assessments


def test_layout() -> None:
    values = random_assessment(random.Random(1), isc="NC")
    text = export_assessment(values).decode()
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ASSESSMENT>\n<ASMT_SYS_CD>MDS</ASMT_SYS_CD>'
    )
    assert "xmlns" not in text and text.count("<ASSESSMENT>") == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_round_trip_lossless(values: dict[str, str]) -> None:
    assert read_assessment(export_assessment(values)) == values


def test_iso_dates_and_inactive_items_and_blanks() -> None:
    values = random_assessment(random.Random(2), isc="NT")
    values["A1600"] = "2025-10-01"  # NT carries the entry date (tracking records: Section A only)
    values_plus = {**values, "C0100": "1", "A0500B": ""}  # C0100 is not active on NT; blank = no value
    back = read_assessment(export_assessment(values_plus))
    assert back["A1600"] == "20251001" and "C0100" not in back and "A0500B" not in back


def test_unknown_item_refused() -> None:
    with pytest.raises(ValueError, match="ZZ9999"):
        export_assessment({"ZZ9999": "1"})


def test_escaping_round_trip() -> None:
    values = random_assessment(random.Random(3), isc="NT")
    values["A0500C"] = "O'NEIL & <SONS>"
    assert read_assessment(export_assessment(values))["A0500C"] == "O'NEIL & <SONS>"


@pytest.mark.parametrize(
    "doc,expected",
    [
        (
            b"<ASSESSMENT>\n  <a0050>\n 1 \n</a0050><!-- c --><FAC_ID x='1'>F</FAC_ID></ASSESSMENT>",
            {"A0050": "1", "FAC_ID": "F"},
        ),
        (b'<assessment xmlns="urn:x"><A0050>1</A0050></assessment>', {"A0050": "1"}),
        (
            "<?xml version='1.0' encoding='UTF-16'?><ASSESSMENT><A0050>1</A0050></ASSESSMENT>".encode(
                "utf-16"
            ),
            {"A0050": "1"},
        ),
        (b"<ASSESSMENT><FAC_ID>F</FAC_ID><A0050>1</A0050></ASSESSMENT>", {"A0050": "1", "FAC_ID": "F"}),
    ],
)
def test_vendor_tolerance(doc: bytes, expected: dict[str, str]) -> None:
    assert read_assessment(doc) == expected


@pytest.mark.parametrize(
    "doc,code",
    [
        (b"<ASSESSMENT><A0050>1</A0050><A0050>2</A0050></ASSESSMENT>", "MR-207"),
        (b"<ASSESSMENT><A0050><X>1</X></A0050></ASSESSMENT>", "MR-206"),
        (b"<RECORD><A0050>1</A0050></RECORD>", "MR-205"),
        (b"<ASSESSMENT><A0050>1</A0050>", "MR-201"),
        (b'<!DOCTYPE ASSESSMENT [<!ENTITY e "x">]><ASSESSMENT><A0050>&e;</A0050></ASSESSMENT>', "MR-202"),
    ],
)
def test_read_errors(doc: bytes, code: str) -> None:
    with pytest.raises(XMLReadError) as info:
        read_assessment(doc)
    assert info.value.code == code and str(info.value)


def test_lines_recorded() -> None:
    record = read_record(b"<ASSESSMENT>\n<A0050>1</A0050>\n\n<FAC_ID>F</FAC_ID>\n</ASSESSMENT>")
    assert record.lines == {"A0050": 2, "FAC_ID": 4}


def test_batch_zip() -> None:
    recs = [(f"{i:04d}.xml", random_assessment(random.Random(i), isc="NT")) for i in range(3)]
    zf = zipfile.ZipFile(io.BytesIO(export_batch(recs)))
    assert zf.namelist() == ["0000.xml", "0001.xml", "0002.xml"]
    assert read_assessment(zf.read("0001.xml")) == recs[1][1]
    for bad in ("../x.xml", "/abs.xml", "a.txt"):
        with pytest.raises(ValueError):
            export_batch([(bad, recs[0][1])])
