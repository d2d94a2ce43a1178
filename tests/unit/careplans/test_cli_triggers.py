from __future__ import annotations

import json

import pytest

pytest.importorskip("mds.record.xmlio")

import argparse  # noqa: E402

from careplans.plans.commands import register  # noqa: E402


def main(argv: list[str]) -> int:
    """Only this package's subcommands, so other domains' CLI modules cannot break these tests."""
    parser = argparse.ArgumentParser(prog="mdsready")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<ASSESSMENT>
  <ITM_SET_VRSN_CD>1.20</ITM_SET_VRSN_CD>
  <A0310A>01</A0310A>
  <C0500>08</C0500>
</ASSESSMENT>
"""

QUARTERLY_FALL = (
    b"<ASSESSMENT><A2300>20241015</A2300><A0310A>02</A0310A><J1800>1</J1800><C0500>15</C0500></ASSESSMENT>"
)


def test_json_output_is_exact(tmp_path, capsys):
    f = tmp_path / "a.xml"
    f.write_bytes(XML)
    assert main(["triggers", str(f), "--format", "json"]) == 0
    out = capsys.readouterr().out.strip()
    assert out == '[{"caa":2,"area":"Cognitive Loss/Dementia","reasons":[{"item":"C0500","value":"08"}]}]'
    assert json.loads(out)[0]["caa"] == 2


def test_text_output_flags_non_comprehensive(tmp_path, capsys):
    f = tmp_path / "q.xml"
    f.write_bytes(QUARTERLY_FALL)
    assert main(["triggers", str(f), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "information only" in out
    assert "CAA 11 Falls [V0200A11A]" in out and "J1800=1" in out


@pytest.mark.parametrize(
    "content",
    [
        b"not xml at all",
        b"<ROOT><C0500>08</C0500></ROOT>",
        b'<!DOCTYPE x [<!ENTITY e "boom">]><ASSESSMENT><C0500>&e;</C0500></ASSESSMENT>',
    ],
)
def test_unreadable_xml_exits_2(tmp_path, capsys, content):
    f = tmp_path / "bad.xml"
    f.write_bytes(content)
    assert main(["triggers", str(f)]) == 2
    err = capsys.readouterr().err
    assert "not a readable MDS assessment XML" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<ASSESSMENT><ITM_SET_VRSN_CD>1.17</ITM_SET_VRSN_CD><C0500>08</C0500></ASSESSMENT>",
            "item set 1.17 is not supported",
        ),
        (
            b"<ASSESSMENT><A2300>20230815</A2300><C0500>08</C0500></ASSESSMENT>",
            "in effect on 2023-08-15 is not supported",
        ),
        (b"<ASSESSMENT><C0500>08</C0500></ASSESSMENT>", "item set (none) is not supported"),
    ],
)
def test_record_of_an_unsupported_item_set_exits_2(tmp_path, capsys, content, message):
    f = tmp_path / "old.xml"
    f.write_bytes(content)
    assert main(["triggers", str(f)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["triggers", str(tmp_path / "nope.xml")]) == 2
    assert "cannot read" in capsys.readouterr().err
