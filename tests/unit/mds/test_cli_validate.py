from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest

from facility.cli import main
from mds.record.testing import random_assessment
from mds.record.xmlio import export_assessment, export_batch


@pytest.fixture()
def batch(tmp_path: Path) -> Path:
    good = [(f"{i:04d}.xml", random_assessment(random.Random(i), isc="NT")) for i in range(2)]
    bad = random_assessment(random.Random(9), isc="NT")
    bad["A1600"] = "20251345"  # NT carries the entry date, not the ARD
    path = tmp_path / "batch.zip"
    path.write_bytes(export_batch([*good, ("0002.xml", bad)]))
    return path


def test_json_contract(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(batch), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"records", "summary"}
    assert set(out["summary"]) == {"files", "accepted", "rejected", "warnings", "seconds"}
    assert (
        out["summary"]["files"] == 3 and out["summary"]["accepted"] == 2 and out["summary"]["rejected"] == 1
    )
    rec = out["records"][2]
    assert set(rec) == {"source", "status", "isc", "issues"} and rec["source"] == "batch.zip:0002.xml"
    assert rec["status"] == "rejected" and rec["isc"] == "NT"
    issue = rec["issues"][0]
    assert set(issue) == {"edit_id", "severity", "item", "line", "message", "hint"}
    assert issue["edit_id"] == "-3677" and issue["item"] == "A1600" and isinstance(issue["line"], int)


def test_exit_zero_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.xml"
    path.write_bytes(export_assessment(random_assessment(random.Random(1), isc="NC")))
    assert main(["validate", str(path)]) == 0
    assert "ACCEPTED" in capsys.readouterr().out
    assert main(["validate", str(path), "--lang", "es"]) == 0
    assert "ACEPTADO" in capsys.readouterr().out


def test_csv_and_spanish(batch: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(batch), "--format", "csv", "--lang", "es"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    row = next(r for r in rows if r["edit_id"] == "'-3677")  # formula-safe like the web report
    assert row["source"] == "batch.zip:0002.xml" and "no es una fecha válida" in row["message"]
    assert rows[0]["status"] == "accepted" and rows[0]["edit_id"] == ""


def test_exit_two_when_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.xml"), "--format", "json"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_hostile_is_exit_one_not_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><ASSESSMENT>&e;</ASSESSMENT>')
    assert main(["validate", str(path), "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["records"][0]["issues"][0]["edit_id"] == "MR-202"


def test_xsd_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["xsd", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "mds_1_20_1.xsd").read_text(encoding="utf-8").count("<xs:element ") > 600
