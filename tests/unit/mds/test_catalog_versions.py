"""Item set by target date and by ITM_SET_VRSN_CD, and the validator choosing the item set of each record."""

from __future__ import annotations

import io
import json
import random
import zipfile
from datetime import date
from pathlib import Path

import pytest

from facility.cli import main
from mds.record.catalog import (
    DEFAULT_VERSION,
    ITEM_SET_VERSIONS,
    UnsupportedTargetDate,
    catalog_for_date,
    get_catalog,
    known_versions,
    version_for_code,
    version_for_date,
)
from mds.record.testing import random_assessment
from mds.record.validate import validate_record
from mds.record.xmlio import export_assessment


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(2023, 10, 1), "1.18.11"),
        (date(2024, 9, 30), "1.18.11"),
        (date(2024, 10, 1), "1.19.1"),
        (date(2025, 9, 30), "1.19.1"),
        (date(2025, 10, 1), "1.20.1"),
        (date(2026, 12, 5), "1.20.1"),
    ],
)
def test_version_for_date(day: date, version: str) -> None:
    assert version_for_date(day) == version
    assert catalog_for_date(day).version == version


def test_dates_before_the_oldest_set_are_refused() -> None:
    with pytest.raises(UnsupportedTargetDate, match="2023-09-30"):
        version_for_date(date(2023, 9, 30))
    assert issubclass(UnsupportedTargetDate, ValueError)


def test_versions_and_codes() -> None:
    assert ITEM_SET_VERSIONS == ("1.18.11", "1.19.1", "1.20.1") == known_versions()
    assert DEFAULT_VERSION == "1.20.1"
    # ITM_SET_VRSN_CD short forms (edit -3807: submit 1.18, not 1.18.11); 1.18/1.19 seen in data specs V3.02.1.
    assert [get_catalog(v).itm_set_vrsn_cd for v in ITEM_SET_VERSIONS] == ["1.18", "1.19", "1.20"]
    assert (
        version_for_code("1.18") == "1.18.11"
        and version_for_code("1.19") == "1.19.1"
        and version_for_code("1.20") == "1.20.1"
    )
    assert (
        version_for_code("1.17") is None
        and version_for_code("1.20.1") is None
        and version_for_code(None) is None
    )
    for v in ITEM_SET_VERSIONS:
        cat = get_catalog(v)
        assert cat.spec_vrsn_cd and set(cat.evidence) == {"itm_set_vrsn_cd", "spec_vrsn_cd"}
        assert all(e["evidence"] for e in cat.evidence.values())
    assert get_catalog("1.19.1").evidence["itm_set_vrsn_cd"]["verified"] is True
    assert get_catalog("1.20.1").evidence["itm_set_vrsn_cd"]["verified"] is False  # said in the data


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
@pytest.mark.parametrize("isc", ["NC", "NQ", "NP", "NPE", "IPA", "ND", "NT", "SP", "SD", "ST"])
def test_record_validates_under_its_own_item_set(version: str, isc: str) -> None:
    values = random_assessment(random.Random(7), isc=isc, version=version)
    result = validate_record("r.xml", export_assessment(values, version=version))
    assert result.status == "accepted", [(i.edit_id, i.item, i.message) for i in result.issues]


def test_retired_item_refused_in_newer_set() -> None:
    values = random_assessment(random.Random(3), isc="NC", version="1.19.1")
    assert "A0800" in values and "O0420" in values
    forced = validate_record("r.xml", export_assessment(values, version="1.19.1"), version="1.20.1")
    ids = {(i.edit_id, i.item) for i in forced.issues}
    assert forced.status == "rejected" and ("MR-301", "A0800") in ids and ("MR-310", "ITM_SET_VRSN_CD") in ids


def test_version_mismatch_is_a_fatal_edit_naming_the_element() -> None:
    values = random_assessment(random.Random(5), isc="NQ", version="1.20.1")
    values["ITM_SET_VRSN_CD"] = "1.19"  # a 1.19.1 code on an Oct-2025 target date
    result = validate_record("r.xml", export_assessment(values))
    mismatch = [i for i in result.issues if i.edit_id == "MR-310"]
    assert result.status == "rejected" and len(mismatch) == 1
    issue = mismatch[0]
    assert issue.severity == "fatal" and issue.item == "ITM_SET_VRSN_CD" and issue.line
    assert "1.20.1" in issue.message and "1.19.1" in issue.message


def test_target_date_before_oldest_set() -> None:
    values = random_assessment(random.Random(5), isc="NQ", version="1.18.11")
    values["A2300"] = "20230915"
    result = validate_record("r.xml", export_assessment(values, version="1.18.11"))
    assert any(i.edit_id == "MR-311" and i.item == "A2300" for i in result.issues)


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_xsd_command_per_version(version: str, tmp_path: Path) -> None:
    assert main(["xsd", "--out", str(tmp_path), "--version", version]) == 0
    text = (tmp_path / f"mds_{version.replace('.', '_')}.xsd").read_text(encoding="utf-8")
    assert f"item set {version} (ITM_SET_VRSN_CD {get_catalog(version).itm_set_vrsn_cd})" in text
    assert ('name="A0800"' in text) == (version != "1.20.1") and ('name="A0810"' in text) == (
        version == "1.20.1"
    )
    assert 'name="D0150A1"' in text and 'name="D0200A1"' not in text


def test_cli_validates_each_record_under_its_own_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = random_assessment(random.Random(11), isc="NQ", version="1.18.11")
    new = random_assessment(random.Random(12), isc="NQ", version="1.20.1")
    batch = tmp_path / "b.zip"
    batch.write_bytes(
        _zip({"old.xml": export_assessment(old, version="1.18.11"), "new.xml": export_assessment(new)})
    )
    assert main(["validate", str(batch), "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["validate", str(batch), "--format", "json", "--version", "1.20.1"]) == 1
    out = json.loads(capsys.readouterr().out)
    by_source = {r["source"]: r for r in out["records"]}
    assert by_source["b.zip:new.xml"]["status"] == "accepted"
    assert any(i["edit_id"] == "MR-310" for i in by_source["b.zip:old.xml"]["issues"])


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()
