"""`mdsready validate` on batches of any size (issue 16): own member limit, streamed JSON lines / CSV / JSON,
`--jobs` giving the same results as one process, bad members named in their own result."""

from __future__ import annotations

import csv
import io
import json
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from facility.cli import main
from mds.record.batch import validate_stream
from mds.record.testing import random_assessment
from mds.record.validate import validate_bytes
from mds.record.xmlio import export_assessment
from mds.upload.safety import DEFAULT_LIMITS


def _record(seed: int, isc: str = "NT") -> bytes:
    return export_assessment(random_assessment(random.Random(seed), isc=isc))


@pytest.fixture(scope="module")
def big_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,001 members: one more than the web upload accepts. Eight distinct records, repeated under new names."""
    records = [_record(seed) for seed in range(8)]
    path = tmp_path_factory.mktemp("big") / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(DEFAULT_LIMITS.max_members + 1):
            zf.writestr(f"{i:05d}.xml", records[i % len(records)])
    return path


@pytest.fixture()
def mixed_zip(tmp_path: Path) -> Path:
    """Good records around a malformed member, a non-XML member, a record with a bad date and a corrupt member."""
    bad_date = random_assessment(random.Random(9), isc="NT")
    bad_date["A1600"] = "20251345"
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("0001.xml", _record(1))
        zf.writestr("0002-broken.xml", b"<ASSESSMENT><A0100>1</A0200></ASSESSMENT>")
        zf.writestr("0003.txt", b"hello")
        zf.writestr("0004.xml", export_assessment(bad_date))
        zf.writestr("0005-corrupt.xml", _record(5))
        zf.writestr("0006.xml", _record(6))
    # flip bytes inside the compressed data of 0005-corrupt.xml: its CRC check fails when it is read
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("0005-corrupt.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 20
    for offset in range(start, start + 40):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_cli_accepts_a_zip_above_the_web_cap_and_the_web_still_refuses_it(
    big_zip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(big_zip), "--format", "jsonl"]) == 0
    lines = _lines(capsys.readouterr().out)
    assert len(lines) == DEFAULT_LIMITS.max_members + 2  # every member, then the summary
    assert lines[-1]["summary"]["files"] == 1001 and lines[-1]["summary"]["accepted"] == 1001  # type: ignore[index]
    assert lines[0]["source"] == "big.zip:00000.xml" and lines[1000]["source"] == "big.zip:01000.xml"
    web = validate_bytes("big.zip", big_zip.read_bytes())
    assert [r.status for r in web.records] == ["rejected"] and web.records[0].issues[0].edit_id == "MR-102"


def test_own_member_limit_flag(big_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(big_zip), "--format", "jsonl", "--max-members", "1000"]) == 1
    record = _lines(capsys.readouterr().out)[0]
    issue = record["issues"][0]  # type: ignore[index]
    assert record["source"] == "big.zip" and issue["edit_id"] == "MR-102"
    assert "1,001 members" in issue["message"] and "1,000" in issue["message"]


def test_negative_flags_are_refused_with_a_message(big_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(big_zip), "--jobs", "-1"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_bad_members_get_their_own_named_result(mixed_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(mixed_zip), "--format", "jsonl"]) == 1
    lines = _lines(capsys.readouterr().out)
    by_source = {r["source"]: r for r in lines[:-1]}
    assert list(by_source) == [
        "mixed.zip:0001.xml",
        "mixed.zip:0002-broken.xml",
        "mixed.zip:0003.txt",
        "mixed.zip:0004.xml",
        "mixed.zip:0005-corrupt.xml",
        "mixed.zip:0006.xml",
    ]
    status = {s: r["status"] for s, r in by_source.items()}
    assert status["mixed.zip:0001.xml"] == status["mixed.zip:0006.xml"] == "accepted"
    broken = by_source["mixed.zip:0002-broken.xml"]["issues"][0]  # type: ignore[index]
    assert broken["edit_id"] == "MR-201" and "not well-formed" in broken["message"] and broken["line"] == 1
    assert "'0003.txt' is not an .xml file" in by_source["mixed.zip:0003.txt"]["issues"][0]["message"]  # type: ignore[index]
    assert by_source["mixed.zip:0004.xml"]["issues"][0]["edit_id"] == "-3677"  # type: ignore[index]
    corrupt = by_source["mixed.zip:0005-corrupt.xml"]["issues"][0]  # type: ignore[index]
    assert corrupt["edit_id"] == "1001" and "'0005-corrupt.xml'" in corrupt["message"]
    assert lines[-1]["summary"] == {**lines[-1]["summary"], "files": 6, "accepted": 2, "rejected": 4}  # type: ignore[dict-item]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "text", "json"])
def test_jobs_give_the_same_output_as_one_process(
    mixed_zip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    single = tmp_path / "one.xml"
    single.write_bytes(_record(3, isc="NC"))
    args = ["validate", str(mixed_zip), str(single), str(mixed_zip), "--format", fmt]
    assert main([*args, "--jobs", "1"]) == 1
    one = capsys.readouterr().out
    assert main([*args, "--jobs", "2"]) == 1
    two = capsys.readouterr().out

    def without_seconds(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if "seconds" not in line and " in " not in line)

    assert without_seconds(one) == without_seconds(two) and len(one) > 1000


def test_streamed_formats_parse(mixed_zip: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(mixed_zip), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["source"] for r in rows} >= {"mixed.zip:0001.xml", "mixed.zip:0005-corrupt.xml"}
    assert all(
        set(r) == {"source", "status", "isc", "edit_id", "severity", "item", "line", "message", "hint"}
        for r in rows
    )
    main(["validate", str(mixed_zip), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert len(document["records"]) == 6 and document["summary"]["rejected"] == 4


def test_results_are_written_while_the_input_is_still_being_read(tmp_path: Path) -> None:
    paths = []
    for i in range(80):
        path = tmp_path / f"{i:03d}.xml"
        path.write_bytes(_record(i % 4))
        paths.append(path)
    out = io.StringIO()
    written_when_asked: list[int] = []

    def lazily() -> Iterator[Path]:
        for path in paths:
            written_when_asked.append(out.getvalue().count("\n"))
            yield path

    totals = validate_stream(lazily(), out, fmt="jsonl")
    assert totals.files == 80 and totals.exit_code() == 0
    # by the time the last files are handed over, the first results are already out
    assert written_when_asked[0] == 0 and written_when_asked[-1] >= 32


def test_web_path_names_a_corrupt_member_too(mixed_zip: Path) -> None:
    report = validate_bytes("mixed.zip", mixed_zip.read_bytes())
    corrupt = next(r for r in report.records if r.source == "mixed.zip:0005-corrupt.xml")
    assert corrupt.status == "rejected" and corrupt.issues[0].edit_id == "1001"
    assert "'0005-corrupt.xml'" in corrupt.issues[0].message
    assert [r.status for r in report.records].count("accepted") == 2
