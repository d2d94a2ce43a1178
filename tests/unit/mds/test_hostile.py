"""Hostile inputs (SECURITY.md §3, targets 18-20): each is a rejected record with a clear message in < 1 s."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from mds.record.validate import validate_bytes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hostile"


def check_rejected(name: str, data: bytes, *codes: str) -> list[str]:
    start = time.perf_counter()
    report = validate_bytes(name, data)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"{name}: {elapsed:.2f}s"
    assert report.records and all(r.status == "rejected" for r in report.records)
    issues = [i for r in report.records for i in r.issues]
    assert all(i.message and "Traceback" not in i.message for i in issues)
    if codes:
        assert {i.edit_id for i in issues} & set(codes), [(i.edit_id, i.message) for i in issues]
    return [i.message for i in issues]


@pytest.mark.parametrize(
    "name,codes",
    [
        ("xxe_file.xml", ("MR-202",)),
        ("xxe_parameter.xml", ("MR-202",)),
        ("billion_laughs.xml", ("MR-202",)),
        ("quadratic_blowup.xml", ("MR-202",)),
        ("external_dtd.xml", ("MR-202",)),
        ("invalid_utf8.xml", ("MR-201",)),
        ("not_a_zip.zip", ("1001",)),
        ("wrong_root.xml", ("MR-205",)),
    ],
)
def test_committed_fixtures(name: str, codes: tuple[str, ...]) -> None:
    messages = check_rejected(name, (FIXTURES / name).read_bytes(), *codes)
    assert not any("root:" in m for m in messages)  # /etc/passwd never echoed


@pytest.mark.parametrize("name", ["xxe_file.xml", "billion_laughs.xml", "external_dtd.xml"])
def test_hostile_inside_zip(name: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, (FIXTURES / name).read_bytes())
    check_rejected("batch.zip", buf.getvalue(), "MR-202")


def test_utf16_doctype_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE A [<!ENTITY e "x">]><ASSESSMENT/>'.encode(
        "utf-16"
    )
    check_rejected("u16.xml", data, "MR-202", "MR-201")


def test_deep_nesting() -> None:
    data = b"<ASSESSMENT>" + b"<a>" * 5000 + b"x" + b"</a>" * 5000 + b"</ASSESSMENT>"
    check_rejected("deep.xml", data, "MR-201", "MR-206")


def test_million_elements(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(b"<ASSESSMENT>" + b"<A/>" * 1_100_000 + b"</ASSESSMENT>")
    check_rejected("big.xml", path.read_bytes(), "MR-103")
    # under the byte cap but over the element cap
    check_rejected("many.xml", b"<ASSESSMENT>" + b"<A/>" * 6_000 + b"</ASSESSMENT>", "MR-203")


def test_nul_bytes_and_garbage() -> None:
    check_rejected("nul.xml", b"<ASSESSMENT>\x00</ASSESSMENT>", "MR-201")
    check_rejected("random.bin", os.urandom(2000), "MR-109")


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb(tmp_path: Path) -> None:
    bomb = _zip({"bomb.xml": b"\0" * 50_000_000})
    assert len(bomb) < 100_000
    check_rejected("bomb.zip", bomb, "MR-103")
    check_rejected(
        "ratio.zip", _zip({"r.xml": b"<ASSESSMENT>" + b" " * 1_500_000 + b"</ASSESSMENT>"}), "MR-104"
    )
    assert list(tmp_path.iterdir()) == []  # nothing extracted anywhere we can see


def test_forged_file_size() -> None:
    data = bytearray(_zip({"f.xml": b"<ASSESSMENT>" + b"A" * 5000 + b"</ASSESSMENT>"}, zipfile.ZIP_STORED))
    # shrink the declared size in the central directory and the local header
    payload_size = (12 + 5000 + 13).to_bytes(4, "little")
    data = data.replace(payload_size, (100).to_bytes(4, "little"))
    check_rejected("forged.zip", bytes(data), "1001", "MR-201")


@pytest.mark.parametrize(
    "name,code",
    [("../evil.xml", "MR-105"), ("/abs.xml", "MR-105"), ("C:\\x.xml", "MR-105"), ("inner.zip", "MR-106")],
)
def test_bad_member_names(name: str, code: str) -> None:
    check_rejected("batch.zip", _zip({name: b"<ASSESSMENT/>"}), code)


def test_nested_zip_by_content() -> None:
    check_rejected("batch.zip", _zip({"x.xml": _zip({"y.xml": b"<ASSESSMENT/>"})}), "MR-106")


def test_too_many_members() -> None:
    check_rejected("many.zip", _zip({f"{i}.xml": b"<ASSESSMENT/>" for i in range(1001)}), "MR-102")


def test_empty_zip_and_encrypted() -> None:
    check_rejected("empty.zip", _zip({}), "1002")
    data = bytearray(_zip({"e.xml": b"<ASSESSMENT/>"}, zipfile.ZIP_STORED))
    # set the "encrypted" general-purpose flag bit in the local header and the central directory entry
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    check_rejected("enc.zip", bytes(data), "MR-107")


def test_non_xml_member_is_its_own_rejected_record() -> None:
    report = validate_bytes("b.zip", _zip({"readme.txt": b"hi", "a.xml": b"<ASSESSMENT/>"}))
    assert [r.source for r in report.records] == ["b.zip:readme.txt", "b.zip:a.xml"]
    assert report.records[0].issues[0].edit_id == "MR-108"
