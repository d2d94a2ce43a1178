"""`mdsready pdpm FILE.xml` end to end on an MDS submission XML file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

pytest.importorskip("mds.record.xmlio")

from mds.pdpm import commands as pdpm_commands

ANSWERS = {
    "A0310A": "01",
    "A0310B": "01",
    "I0020B": "S72.001A",
    "GG0130A1": "06",
    "GG0130B1": "05",
    "GG0130C1": "04",
    "GG0170B1": "06",
    "GG0170C1": "04",
    "GG0170D1": "06",
    "GG0170E1": "06",
    "GG0170F1": "04",
    "GG0170J1": "03",
    "GG0170K1": "02",
    "C0500": "15",
    "O0110H1B": "1",
    "I2900": "1",
    "O0110M1B": "1",
    "I2500": "1",
}


def _xml(values: dict[str, str]) -> bytes:
    body = "".join(f"<{k}>{v}</{k}>" for k, v in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<ASSESSMENT>{body}</ASSESSMENT>\n'.encode()


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="mdsready")
    pdpm_commands.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_json_output_without_category(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """I0020B S72.001A (hip fracture) is Non-Surgical Orthopedic in the shipped CMS mapping: no --category needed."""
    path = tmp_path / "asmt.xml"
    path.write_bytes(_xml(ANSWERS))
    assert _run(["pdpm", str(path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    # function 20 -> Other Orthopedic TG; SLP SA; isolation -> ES1; NTA 5+2+1+2 = 10 -> NB; 5-day -> 1
    assert json.loads(captured.out) == {
        "pt_ot": "TG",
        "slp": "SA",
        "nursing": "ES1",
        "nta": "NB",
        "nta_score": 10,
        "function_score": 20,
        "hipps": "GACB1",
        "clinical_category": "Non-Surgical Orthopedic/Musculoskeletal",
    }
    assert captured.out.startswith('{"pt_ot":"TG","slp":"SA","nursing":"ES1","nta":"NB","nta_score":10')
    assert captured.err == ""


def test_category_option_overrides_the_mapping(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "asmt.xml"
    path.write_bytes(_xml(ANSWERS))
    assert _run(["pdpm", str(path), "--category", "Medical Management"]) == 0
    assert json.loads(capsys.readouterr().out)["hipps"] == "KACB1"


def test_text_output_and_unmapped_primary_diagnosis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "asmt.xml"
    path.write_bytes(_xml({**ANSWERS, "I0020B": "R26.2"}))  # difficulty walking: Return to Provider
    assert _run(["pdpm", str(path), "--format", "text"]) == 0
    captured = capsys.readouterr()
    assert "nta: NB" in captured.out and "hipps: -" in captured.out
    assert "I0020B R262" in captured.err and "Return to Provider" in captured.err


@pytest.mark.parametrize(
    "content",
    [b"this is not xml", b"<ASSESSMENT><A0310A>01</A0310A>", b""],
)
def test_unreadable_xml_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    assert _run(["pdpm", str(path)]) == 2
    assert "not a readable MDS assessment XML" in capsys.readouterr().err


def test_missing_file_and_unclassifiable_record_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["pdpm", str(tmp_path / "nope.xml")]) == 2
    assert "cannot read" in capsys.readouterr().err
    path = tmp_path / "quarterly.xml"
    path.write_bytes(_xml({**ANSWERS, "A0310A": "02", "A0310B": "07"}))
    assert _run(["pdpm", str(path)]) == 2
    assert "A0310B" in capsys.readouterr().err
