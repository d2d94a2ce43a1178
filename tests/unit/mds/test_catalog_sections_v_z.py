"""Sections V and Z of the shipped catalogs against the shared reference data and the CMS pages they cite
(never against the catalogs' own output): the 20 CAA flags of ref/caa_triggers_catspec_2010_transcription.csv,
the active subsets printed on the CMS item pages of V0100A / V0200B2 / Z0100C / Z0200B, the Z0100 item list of
edit -3935, and the ids that are kept on purpose out of the submitted record (Z0400 signatures ...)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from mds.record.catalog import ITEM_SET_VERSIONS, get_catalog, load_catalog_data

# Active subsets as printed on the cited CMS item pages, mapped to the current ISC list (NS/NO/... retired):
# techrw.com copy of MDS data specs V2.00.1, item page V0100A: "Active NC / State optional NQ,NP";
# cms.gov submission specs V1.11.0, item page V0200B2: "Active NC / State optional NQ,NP".
SECTION_V_PAGE_ACTIVE = {"NC"}
# cms.gov MDS data specs V3.02.0 draft, item page Z0200B: "Active NC,NQ,NP / Inactive ND,NT,NPE,IPA,SP,SD,ST,XX".
Z0200B_PAGE_ACTIVE = {"NC", "NQ", "NP"}
# techrw.com copy of V2.00.1 item page Z0100C: "Inactive ND,NT,SD,ST,XX,NPE" (the Z0100 block is off these).
Z0100_PAGE_INACTIVE = {"ND", "NT", "SD", "ST", "XX", "NPE"}
# Edit -3935 (MDS data specs V3.01.0 and V3.02.0 drafts), item list: Z0100A, Z0100B, Z0200A, Z0200B, Z0200C,
# Z0250A, Z0250B. (Z0100C, listed by the V2.00.1 edit -3616, is gone with PDPM.)
EDIT_3935_ITEMS = {"Z0100A", "Z0100B", "Z0200A", "Z0200B", "Z0200C", "Z0250A", "Z0250B"}


@pytest.fixture(scope="module")
def care_areas(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "mds" / "ref" / "caa_triggers_catspec_2010_transcription.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_every_caa_of_the_reference_has_its_two_section_v_flags(
    version: str, care_areas: list[dict[str, str]]
) -> None:
    catalog = get_catalog(version)
    assert len(care_areas) == 20
    for row in care_areas:
        triggered = row["section_v_trigger_item"]
        planned = triggered[:-1] + "B"
        for item_id in (triggered, planned):
            item = catalog.get(item_id)
            assert item is not None, (version, item_id)
            assert item.type == "checklist" and set(item.values) == {"0", "1"}
            assert set(item.subsets) == SECTION_V_PAGE_ACTIVE, (item_id, item.subsets)
            assert item.source and not item.verified  # no CMS item page of a V0200A flag was seen: said so
        assert row["care_area"] in catalog.items[triggered].label_en


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_section_v_items_are_active_where_the_cms_pages_say(version: str) -> None:
    catalog = get_catalog(version)
    for item_id in ("V0100A", "V0100B", "V0100C", "V0100D", "V0100E", "V0100F", "V0200B2", "V0200C2"):
        assert set(catalog.items[item_id].subsets) == SECTION_V_PAGE_ACTIVE, item_id
    # a quarterly carries no Section V (state-optional there), a tracking record no Section V or Z0100
    for isc in ("NQ", "NP", "NT", "ND"):
        assert not {i for i in catalog.active_items(isc) if i.startswith("V")}, isc


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_section_z_items_follow_edit_3935_and_the_item_pages(version: str) -> None:
    catalog = get_catalog(version)
    z_items = {i for i in catalog.items if i.startswith("Z")}
    assert z_items == EDIT_3935_ITEMS | {"Z0500B"}
    assert catalog.get("Z0100C") is None
    assert catalog.items["Z0100A"].max_length == 7  # RAI manual Z0100A: 5-character HIPPS + 2 for future use
    for item_id in ("Z0100A", "Z0100B"):
        assert not set(catalog.items[item_id].subsets) & Z0100_PAGE_INACTIVE, item_id
        assert {"NC", "NQ", "NP"} <= set(catalog.items[item_id].subsets)
    for item_id in ("Z0200A", "Z0200B", "Z0200C", "Z0250A", "Z0250B"):
        assert set(catalog.items[item_id].subsets) == Z0200B_PAGE_ACTIVE, item_id
    assert catalog.items["Z0200B"].max_length == 10


@pytest.mark.parametrize("version", ITEM_SET_VERSIONS)
def test_signatures_are_recorded_as_not_submitted_with_where_they_are_kept(version: str) -> None:
    data = load_catalog_data(version)
    ids = {i["id"] for i in data["items"]}
    listed = {item: row for row in data["not_submitted"] for item in row["items"]}
    for item_id in ("Z0400A", "Z0400L", "Z0500A", "V0200B1", "V0200C1", "Z0100C"):
        assert item_id in listed and item_id not in ids, item_id
        assert listed[item_id]["source"] and listed[item_id]["where_kept"]
    assert "AssessmentAttestation" in listed["Z0400A"]["where_kept"]
