from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from mds.record.testing import random_assessment
from mds.record.validate import validate_bytes, validate_paths, validate_record
from mds.record.xmlio import export_assessment, export_batch
from tests.unit.mds.strategies import assessments


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_generated_records_accepted(values: dict[str, str]) -> None:
    result = validate_record("r.xml", export_assessment(values))
    assert result.status == "accepted" and result.issues == [] and result.isc == values["ITM_SBST_CD"]


def _record(seed: int = 1, isc: str = "NC", **changes: str) -> dict[str, str]:
    values = random_assessment(random.Random(seed), isc=isc)
    values.update(changes)
    return values


@pytest.mark.parametrize(
    "changes,edit_id,item",
    [
        ({"A0310A": "07"}, "-3676", "A0310A"),
        ({"A2300": "20251345"}, "-3677", "A2300"),
        ({"A2300": "20250230"}, "-3677", "A2300"),  # pattern-valid, calendar-invalid: fast path catches it
        ({"A0900": "19410"}, "-3678", "A0900"),
        ({"K0200B": "1000"}, "-3679", "K0200B"),
        ({"A0500A": "ABCDEFGHIJKLMNOP"}, "-3793", "A0500A"),
        ({"ITM_SBST_CD": "NQ"}, "-3796", "ITM_SBST_CD"),
    ],
)
def test_errors_reported_with_edit_id_item_and_line(changes: dict[str, str], edit_id: str, item: str) -> None:
    data = export_assessment(_record(**changes))
    line = next(n for n, text in enumerate(data.decode().splitlines(), 1) if text.startswith(f"<{item}>"))
    for thorough in (False, True):
        result = validate_record("r.xml", data, thorough=thorough)
        assert result.status == "rejected"
        issue = next(i for i in result.issues if i.edit_id == edit_id)
        assert issue.item == item and issue.line == line and issue.severity == "fatal" and issue.hint


def test_structure_findings() -> None:
    good = export_assessment(_record()).decode()
    swapped = good.replace("<ASMT_SYS_CD>MDS</ASMT_SYS_CD>\n", "").replace(
        "</ASSESSMENT>", "<ASMT_SYS_CD>MDS</ASMT_SYS_CD></ASSESSMENT>"
    )
    r = validate_record("r.xml", swapped.encode())
    assert r.status == "accepted" and [i.edit_id for i in r.issues] == ["MR-303"]
    r = validate_record("r.xml", good.replace("<A0050>", "<ZZ0001>1</ZZ0001><A0050>").encode())
    assert r.status == "rejected" and r.issues[0].edit_id == "MR-301" and r.issues[0].item == "ZZ0001"
    r = validate_record(
        "r.xml", good.replace("<FAC_ID>", "<fac_id>").replace("</FAC_ID>", "</fac_id>").encode()
    )
    assert r.status == "accepted" and "MR-304" in [i.edit_id for i in r.issues]
    r = validate_record(
        "r.xml", "".join(line for line in good.splitlines(True) if not line.startswith("<FAC_ID>")).encode()
    )
    assert r.status == "rejected" and "MR-302" in [i.edit_id for i in r.issues]


def test_batch_record_by_record_target_21(tmp_path: Path) -> None:
    """3 valid, 1 fatal, 1 warning-only: 4 accepted (1 with a warning), 1 rejected."""
    recs = [(f"{i}.xml", _record(seed=i)) for i in range(3)]
    recs.append(("fatal.xml", _record(seed=3, A2300="20251345")))
    recs.append(("warn.xml", _record(seed=4, ITM_SET_VRSN_CD="1.20.1")))
    progress: list[tuple[int, int]] = []
    report = validate_bytes("batch.zip", export_batch(recs), on_record=lambda d, t: progress.append((d, t)))
    assert [r.status for r in report.records] == ["accepted"] * 3 + ["rejected", "accepted"]
    assert report.records[0].source == "batch.zip:0.xml"
    assert (
        report.summary()["accepted"] == 4
        and report.summary()["rejected"] == 1
        and report.summary()["warnings"] == 1
    )
    assert progress[-1] == (5, 5) and report.exit_code() == 1
    assert [i.edit_id for i in report.records[4].issues] == ["-3807"]


def test_spanish_report() -> None:
    r = validate_record("r.xml", export_assessment(_record(A0310A="07")), lang="es")
    assert "no es un código válido" in r.issues[0].message and r.issues[0].hint.startswith("Use uno de")


def test_workers_same_result() -> None:
    recs = [(f"{i}.xml", _record(seed=i, isc="NT")) for i in range(6)]
    data = export_batch(recs)
    one, two = validate_bytes("b.zip", data), validate_bytes("b.zip", data, workers=2)
    assert [r.status for r in one.records] == [r.status for r in two.records]


def test_paths_unreadable(tmp_path: Path) -> None:
    good = tmp_path / "a.xml"
    good.write_bytes(export_assessment(_record(isc="NT")))
    report = validate_paths([good, tmp_path / "missing.xml"])
    assert report.accepted == 1 and report.unreadable and report.exit_code() == 2
