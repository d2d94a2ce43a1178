from __future__ import annotations

from datetime import date

import pytest

from mds.assessments import signing
from mds.assessments.signing import Attestation, Signer, Version

TODAY = date(2025, 3, 20)
RN = Signer(1, "Ana Ruiz", "RN", "mds_coordinator")
LPN = Signer(2, "Bo Lee", "LPN", "nurse")
ITEMS = {"A0310A": "01", "A2300": "20250310", "B0100": "0", "C0500": "15", "GG0130A1": "06"}


def test_hash_is_stable_and_order_independent():
    reordered = dict(reversed(list(ITEMS.items())))
    assert signing.content_hash(ITEMS) == signing.content_hash(reordered)
    assert len(signing.content_hash(ITEMS)) == 64
    assert signing.canonical_content({"B": "é", "A": None}) == '{"A":null,"B":"é"}'.encode()


@pytest.mark.parametrize(
    "tamper",
    [
        {"C0500": "14"},  # changed value
        {"C0500": "15 "},  # whitespace counts
        {"Z9999": "1"},  # added item
        {"B0100": None},  # value cleared
    ],
)
def test_verify_detects_tampering(tamper):
    stored = signing.content_hash(ITEMS)
    assert signing.verify(ITEMS, stored)
    assert not signing.verify(ITEMS | tamper, stored)


def test_removed_item_is_detected():
    stored = signing.content_hash(ITEMS)
    assert not signing.verify({k: v for k, v in ITEMS.items() if k != "C0500"}, stored)


def test_non_string_item_ids_are_refused():
    with pytest.raises(TypeError):
        signing.canonical_content({1: "x"})


@pytest.mark.parametrize(
    ("attestations", "sections", "expected"),
    [
        ([Attestation(RN, ("A", "B", "C"), TODAY)], ["A", "B", "C"], []),
        ([Attestation(RN, ("A",), TODAY), Attestation(LPN, ("B", "C"), TODAY)], ["A", "B", "C"], []),
        ([Attestation(RN, ("A",), TODAY)], ["A", "GG"], ["sections_unattested"]),
        (
            [Attestation(Signer(3, "Vi", "", "viewer"), ("A",), TODAY)],
            ["A"],
            ["role_z0400", "sections_unattested"],
        ),
        (
            [Attestation(Signer(4, "Al", "", "nurse"), ("A",), TODAY)],
            ["A"],
            ["attestation_incomplete", "sections_unattested"],
        ),
        ([Attestation(RN, ("A",), date(2025, 3, 21))], ["A"], ["future_date"]),
    ],
)
def test_z0400_attestations(attestations, sections, expected):
    assert [m for m, _ in signing.attestation_errors(attestations, sections, TODAY)] == expected


@pytest.mark.parametrize(
    ("signer", "z0500b", "expected"),
    [
        (RN, date(2025, 3, 15), []),
        (RN, date(2025, 3, 10), []),  # Z0500B = ARD is allowed
        (RN, date(2025, 3, 9), ["before_ard"]),  # -3851: A2300 ≤ Z0500B
        (RN, date(2025, 3, 21), ["future_date"]),
        (LPN, date(2025, 3, 15), ["role_z0500"]),
        (Signer(5, "Max", "LPN", "mds_coordinator"), date(2025, 3, 15), ["not_rn"]),
    ],
)
def test_z0500_completion(signer, z0500b, expected):
    atts = [Attestation(RN, ("A", "B"), TODAY)]
    errors = signing.completion_errors(signer, z0500b, date(2025, 3, 10), TODAY, atts, ["A", "B"])
    assert [m for m, _ in errors] == expected


def test_lock_returns_hash_and_refuses_bad_signature():
    atts = [Attestation(RN, ("A", "B", "C", "GG"), TODAY)]
    lk = signing.lock(ITEMS, RN, date(2025, 3, 15), TODAY, atts, ["A", "B", "C", "GG"])
    assert lk.content_hash == signing.content_hash(ITEMS) and lk.z0500b == date(2025, 3, 15)
    with pytest.raises(signing.SigningError) as exc:
        signing.lock(ITEMS, LPN, date(2025, 3, 15), TODAY, atts, ["A", "B", "C", "GG"])
    assert "RN" in signing.message("role_z0500", "es", name="Bo")
    assert exc.value.errors[0][0] == "role_z0500"


ORIGINAL = Version("1", "00", "accepted")


@pytest.mark.parametrize(
    ("prior", "kind", "reasons", "a0050", "x0800"),
    [
        ([ORIGINAL], "modify", ["X0900A"], "2", "01"),
        ([ORIGINAL, Version("2", "01")], "modify", ["X0900B", "X0900D"], "2", "02"),
        ([ORIGINAL, Version("2", "01"), Version("2", "02")], "inactivate", ["X1050A"], "3", "03"),
    ],
)
def test_next_correction_numbers(prior, kind, reasons, a0050, x0800):
    c = signing.next_correction(prior, kind, reasons, RN, TODAY, TODAY)
    assert (c.a0050, c.x0800) == (a0050, x0800)
    x = c.section_x()
    assert x["A0050"] == a0050 and x["X0800"] == x0800 and x["X1100E"] == "20250320"
    assert all(x[r] == "1" for r in reasons)
    assert x["X1100C"] == "RN"


@pytest.mark.parametrize(
    ("prior", "kind", "reasons", "kw", "expected"),
    [
        ([ORIGINAL], "modify", [], {}, "no_reason"),
        ([ORIGINAL], "modify", ["X1050A"], {}, "bad_reason"),
        ([ORIGINAL], "inactivate", ["X0900A"], {}, "bad_reason"),
        ([ORIGINAL], "modify", ["X0900Z"], {}, "other_needs_text"),
        ([ORIGINAL, Version("3", "01")], "modify", ["X0900A"], {}, "inactivated"),
        ([Version("1", "00", "rejected")], "modify", ["X0900A"], {}, "not_accepted"),
        ([ORIGINAL, Version("2", "02")], "modify", ["X0900A"], {}, "chain_broken"),  # -3783
        ([ORIGINAL, Version("2", "01"), Version("2", "01")], "modify", ["X0900A"], {}, "chain_broken"),
        ([ORIGINAL], "modify", ["X0900A"], {"attestation": LPN}, "role_z0500"),
        ([ORIGINAL], "modify", ["X0900A"], {"attested_on": date(2025, 4, 1)}, "future_date"),
    ],
)
def test_next_correction_refusals(prior, kind, reasons, kw, expected):
    args = {"attestation": RN, "attested_on": TODAY} | kw
    with pytest.raises(signing.SigningError) as exc:
        signing.next_correction(prior, kind, reasons, args["attestation"], args["attested_on"], TODAY)
    assert expected in [m for m, _ in exc.value.errors]


def test_other_reason_with_text_is_fine_and_bad_kind_refused():
    c = signing.next_correction([ORIGINAL], "modify", ["X0900Z"], RN, TODAY, TODAY, other_text="wrong ARD")
    assert c.other_text == "wrong ARD"
    with pytest.raises(signing.SigningError):
        signing.next_correction([ORIGINAL], "delete", ["X0900A"], RN, TODAY, TODAY)


def test_locator_items_copy_the_prior_record():
    prior = {
        "A0200": "1",
        "A0500A": "ANA",
        "A0500C": "RUIZ",
        "A0900": "19400101",
        "A0310A": "02",
        "A0310B": "99",
        "A0310F": "99",
        "A0310H": "0",
        "A2300": "20250310",
        "A2000": "",
    }
    loc = signing.locator_items(prior)
    assert loc["X0150"] == "1" and loc["X0600A"] == "02" and loc["X0700A"] == "20250310"
    assert "X0700B" not in loc


def test_diff():
    after = ITEMS | {"C0500": "12", "D0300": "05"}
    del after["GG0130A1"]
    assert signing.diff(ITEMS, after) == [
        signing.ItemChange("C0500", "15", "12"),
        signing.ItemChange("D0300", None, "05"),
        signing.ItemChange("GG0130A1", "06", None),
    ]
    assert signing.diff(ITEMS, dict(ITEMS)) == []
