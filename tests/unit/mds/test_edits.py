from __future__ import annotations

import random
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings

from mds.record.catalog import get_catalog
from mds.record.edits import FATAL, WARNING, implemented_edit_ids, run_edits, target_date
from mds.record.testing import random_assessment
from tests.unit.mds.strategies import assessments

Values = dict[str, str]


def base(isc: str = "NC", **require: str) -> Values:
    """A generated valid record of `isc` whose listed items already hold the required values."""
    for seed in range(400):
        values = random_assessment(random.Random(seed), isc=isc)
        if all(values.get(k) == v for k, v in require.items()):
            assert run_edits(values) == [], seed
            return values
    raise AssertionError(f"no base record with {require}")


def set_(**changes: str) -> Callable[[Values], None]:
    def apply(v: Values) -> None:
        for k, val in changes.items():
            if val is None:
                v.pop(k, None)
            else:
                v[k] = val

    return apply


def same_as(target: str, source: str, **more: str) -> Callable[[Values], None]:
    def apply(v: Values) -> None:
        v[target] = v[source]
        v.update(more)

    return apply


NC = {"isc": "NC", "A0310A": "01", "A0310E": "0", "B0100": "0"}
# (edit id, base requirements, mutation, item expected on the finding, severity)
CASES: list[tuple[str, dict[str, str], Callable[[Values], None], str, str]] = [
    ("-3676", NC, set_(A0310A="07"), "A0310A", FATAL),
    ("-3676", NC, set_(A0310A="^"), "A0310A", FATAL),  # special value not listed for the item
    ("-3676", NC, set_(STATE_CD="XX"), "STATE_CD", FATAL),  # control item
    ("-3677", NC, set_(A2300="20250230"), "A2300", FATAL),
    ("-3677", NC, set_(A1600="2025101"), "A1600", FATAL),
    ("-3678", NC, set_(A0900="19411301"), "A0900", FATAL),
    ("-3679", NC, set_(K0200B="1000"), "K0200B", FATAL),
    ("-3679", NC, set_(C0500="7", C0100="1"), "C0500", FATAL),  # fixed 2-digit width
    ("-3679", NC, set_(K0200A="+5"), "K0200A", FATAL),
    ("-3793", NC, set_(A0500A="ABCDEFGHIJKLM"), "A0500A", FATAL),
    ("-3702", NC, set_(FAC_ID="^"), "FAC_ID", FATAL),
    ("-3702", NC, set_(A0500A=""), "A0500A", FATAL),
    ("-3807", NC, set_(ITM_SET_VRSN_CD="1.20.1"), "ITM_SET_VRSN_CD", WARNING),
    ("-3607", NC, set_(A0310F="01"), "A0310A", FATAL),
    ("-3796", NC, set_(ITM_SBST_CD="NQ"), "ITM_SBST_CD", FATAL),
    ("-3920", {"isc": "NPE"}, set_(A0310E="1"), "A0310E", FATAL),
    ("-3953", {"isc": "IPA"}, set_(A0310E="1"), "A0310E", FATAL),
    ("-3746", NC, set_(X0150="1"), "X0150", FATAL),
    ("-3783", NC, set_(A0050="2"), "X0800", FATAL),
    ("-3571", {"isc": "NP"}, set_(A0600B="^"), "A0600B", FATAL),
    ("-3609", {**NC, "B0200": "1"}, set_(B0100="1"), "B0200", FATAL),
    ("MR-410", {**NC, "C0100": "1"}, set_(C0100="0"), "C0200", FATAL),
    ("MR-410", {**NC, "C0100": "1"}, set_(C0200="^"), "C0200", FATAL),
    ("-4026", {**NC, "D0100": "1"}, set_(D0100="0"), "D0150A1", FATAL),
    ("-3784", {**NC, "J0200": "1"}, set_(J0200="0"), "J0300", FATAL),
    ("-3784", {**NC, "J0200": "1"}, set_(J0300="^"), "J0300", FATAL),
    # Cases from the CMS edit texts: -4026 (a) and (c) (MDS data specs V3.01.0), -3784 a2) and c) (item page J0200).
    ("-4026", {**NC, "D0100": "1"}, set_(D0150B1="^"), "D0150B1", FATAL),
    ("-4026", {**NC, "D0100": "1"}, set_(D0100="-", D0150A1="1"), "D0150A1", FATAL),
    ("-3784", {**NC, "J0200": "0"}, set_(J0800A="^"), "J0800A", FATAL),
    ("-3784", {**NC, "J0200": "1"}, set_(J0200="-"), "J0300", FATAL),
    # -3970 a)-d) (MDS data specs V3.01.0, item page J0410)
    ("-3970", {**NC, "J0200": "1", "J0300": "0"}, set_(J0410="2"), "J0410", FATAL),
    ("-3970", {**NC, "J0200": "1", "J0300": "1"}, set_(J0510="^"), "J0510", FATAL),
    ("-3970", {**NC, "J0200": "1", "J0300": "1"}, set_(J0600A="^", J0600B="^"), "J0600A", FATAL),
    ("-3970", {**NC, "J0200": "1", "J0300": "9"}, set_(J0700="0"), "J0700", FATAL),
    ("-3970", {**NC, "J0200": "1", "J0300": "9"}, set_(J0800A="^"), "J0800A", FATAL),
    ("-3970", {**NC, "J0200": "1", "J0300": "1"}, set_(J0300="-"), "J0410", FATAL),
    # -3935: a Z0100A that is not the HIPPS recalculated from the record (ZZZZ1 cannot be one: PT/OT letters A-P)
    ("-3935", {"isc": "NP"}, set_(I0020B="S72.001A", Z0100A="ZZZZ1"), "Z0100A", WARNING),
    # PHQ-2 to 9 early end (RAI manual D0150; -4028 (b)): both 0/1 ends the interview, a 2 or 3 continues it.
    ("MR-413", {**NC, "D0100": "1", "D0150A2": "1", "D0150B2": "0"}, set_(D0150C1="1"), "D0150C1", FATAL),
    ("MR-413", {**NC, "D0100": "1", "D0150A2": "2"}, set_(D0150E1="^"), "D0150E1", FATAL),
    ("-3533", {**NC, "F0300": "1"}, set_(F0300="0"), "F0400A", FATAL),
    ("-3533", {**NC, "F0300": "1"}, set_(F0300="-"), "F0400A", FATAL),
    ("-3605", {**NC, "J1800": "1"}, set_(J1800="0"), "J1900A", FATAL),
    ("-3605", {**NC, "J1800": "1"}, set_(J1900A="0", J1900B="0", J1900C="0"), "J1900A", FATAL),
    ("-3595", {**NC, "M0100A": "1"}, set_(M0100Z="1"), "M0100Z", FATAL),
    ("-3595", NC, set_(M0100A="0", M0100B="0", M0100C="0", M0100Z="0"), "M0100Z", FATAL),
    (
        "-4023",
        NC,
        set_(Q0110A="0", Q0110B="0", Q0110C="0", Q0110D="0", Q0110E="0", Q0110Z="0"),
        "Q0110Z",
        FATAL,
    ),
    ("-4077", NC, set_(O0390A="1", O0390Z="1"), "O0390Z", FATAL),
    ("-3542", NC, set_(M0210="1", M0300A1="^"), "M0300A1", FATAL),
    (
        "-3845",
        NC,
        set_(O0400C1="10", O0400C2="0", O0400C3="0", O0400C3A="20", O0400C4="3"),
        "O0400C3A",
        FATAL,
    ),
    (
        "-3559",
        NC,
        set_(O0400C1="0", O0400C2="0", O0400C3="0", O0400C3A="^", O0400C4="3", O0400C5="^", O0400C6="^"),
        "O0400C4",
        FATAL,
    ),
    ("-4055", NC, same_as("A1600", "A2300", K0520A2="^"), "K0520A2", FATAL),
    ("-4049", NC, set_(GG0170A1="^"), "GG0170A1", FATAL),
    ("-3797", NC, set_(J1700A="^"), "J1700A", FATAL),
    ("-3744", NC, set_(A0310E="1"), "V0100A", FATAL),
    ("-3782", NC, set_(V0100A="99", V0100B="99"), "V0100B", FATAL),
    ("-3982", NC, set_(A1005A="0"), "A1005A", FATAL),
    ("-3982", NC, set_(A1005B="1"), "A1005B", FATAL),
    ("-3983", NC, set_(A1010Y="1"), "A1010Y", FATAL),
    ("-3851", NC, set_(Z0500B="20000101"), "Z0500B", FATAL),
    (
        "-3851",
        NC,
        same_as("O0250B", "Z0500B", A2300="20250101", A1600="20250101", A1900="20250101"),
        "A2300",
        FATAL,
    ),
    ("-3851", {"isc": "ND"}, set_(A2000="20250101"), "A2000", FATAL),
    ("MR-401", NC, set_(C0100=None), "C0100", FATAL),
    ("MR-402", {"isc": "NT"}, set_(C0100="1"), "C0100", WARNING),
]


@pytest.mark.parametrize(
    "edit_id,requirements,mutate,item,severity",
    CASES,
    ids=[f"{c[0]}-{c[3]}-{n}" for n, c in enumerate(CASES)],
)
def test_each_edit_fires_on_its_mutation(
    edit_id: str, requirements: dict[str, str], mutate: Callable[[Values], None], item: str, severity: str
) -> None:
    req = dict(requirements)
    values = base(req.pop("isc"), **req)
    mutate(values)
    findings = run_edits(values)
    hits = [f for f in findings if f.edit_id == edit_id and f.item == item]
    assert hits, [(f.edit_id, f.item) for f in findings]
    f = hits[0]
    assert f.severity == severity and f.message["en"] and f.message["es"] and f.hint["en"] and f.hint["es"]
    assert f.message["en"] != f.message["es"]


def test_every_implemented_edit_has_a_case() -> None:
    assert set(implemented_edit_ids()) <= {c[0] for c in CASES}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assessments())
def test_generated_records_pass_every_edit(values: Values) -> None:
    assert run_edits(values) == []


def test_lines_attached() -> None:
    values = base("NC", **{k: v for k, v in NC.items() if k != "isc"})
    values["A0310A"] = "07"
    findings = run_edits(values, lines={"A0310A": 21})
    assert any(f.line == 21 for f in findings if f.item == "A0310A")


def test_section_scoped_run_is_limited_and_fast() -> None:
    values = base("NC", C0100="1", B0100="0")
    values["C0100"] = "0"
    values["A0310A"] = "07"  # outside section C: not reported by a section C run
    section_c = get_catalog().section_items("C")
    findings = run_edits(values, items=section_c)
    assert findings and all(f.item and f.item.startswith("C") for f in findings)
    start = time.perf_counter()
    for _ in range(50):
        run_edits(values, items=section_c)
    assert (time.perf_counter() - start) / 50 < 0.005


@pytest.mark.parametrize(
    "values,expected",
    [
        ({"A0310F": "01", "A1600": "20250101", "A2300": "20250105"}, "20250101"),
        ({"A0310F": "10", "A2000": "20250201", "A2300": "20250201"}, "20250201"),
        ({"A0310F": "99", "A2300": "20250105"}, "20250105"),
    ],
)
def test_target_date(values: Values, expected: str) -> None:
    assert target_date(values) == expected
