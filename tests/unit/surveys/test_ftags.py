from __future__ import annotations

import csv

import pytest

from surveys.readiness import ftags


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("F656", "F0656"),
        ("f-0656", "F0656"),
        ("0656", "F0656"),
        (656, "F0656"),
        ("K0353", "K0353"),
        ("E-0001", "E0001"),
    ],
)
def test_normalize_code(raw: str | int, code: str) -> None:
    assert ftags.normalize_code(raw) == code


@pytest.mark.parametrize("raw", ["F65A", "", "FF656", "F12345"])
def test_normalize_rejects_malformed(raw: str) -> None:
    with pytest.raises(ftags.UnknownTagError) as exc:
        ftags.normalize_code(raw)
    assert exc.value.messages["es"]


def test_catalog_matches_cms_file(shared_data) -> None:
    path = shared_data / "surveys" / "ftag_citation_descriptions_Oct2025.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 643
    for row in rows:
        tag = ftags.get(row["deficiency_prefix"] + row["deficiency_tag_number"])
        assert tag.description == " ".join(row["deficiency_description"].split())
        assert tag.regulatory_group == row["regulatory_group"]
    assert sum(1 for _ in ftags.all_tags("F")) == 393
    assert sum(1 for t in ftags.all_tags("F") if t.era == "current") == 214


def test_unknown_tag_has_bilingual_message() -> None:
    with pytest.raises(ftags.UnknownTagError) as exc:
        ftags.get("F0999")
    assert "F0999" in exc.value.messages["en"] and "F0999" in exc.value.messages["es"]


@pytest.mark.parametrize(
    ("cited", "successor"),
    [
        ("F758", "F0605"),  # unnecessary psychotropics merged into chemical restraints
        ("F642", "F0641"),  # coordination of assessments merged into accuracy
        ("F623", "F0628"),
        ("F625", "F0628"),
        ("F624", "F0627"),
        ("F626", "F0627"),
        ("F660", "F0627"),
        ("F622", "F0627"),  # split F627/F628; primary F627
        ("F661", "F0627"),
    ],
)
def test_retired_2025_tags_resolve_to_successor(cited: str, successor: str) -> None:
    resolved = ftags.resolve(cited)
    assert resolved.code == successor
    assert resolved.retired_from == ftags.normalize_code(cited)
    assert resolved.is_active
    assert ftags.get(cited).status == "retired-2025"
    assert ftags.get(cited).retired_on == "2025-04-28"


@pytest.mark.parametrize("cited", ["F622", "F661"])
def test_split_tags_resolve_to_both(cited: str) -> None:
    assert [t.code for t in ftags.resolve_all(cited)] == ["F0627", "F0628"]


@pytest.mark.parametrize("cited", ["F0880", "F0656", "F0155", "K0353"])
def test_other_tags_resolve_to_themselves(cited: str) -> None:
    resolved = ftags.resolve(cited)
    assert resolved.code == cited and resolved.retired_from is None


def test_successors_know_what_they_absorbed() -> None:
    assert ftags.get("F605").merged_from == ("F0758",)
    assert set(ftags.get("F628").merged_from) == {"F0622", "F0623", "F0625", "F0661"}
    assert ftags.get("F656").title == "Develop/Implement Comprehensive Care Plan"
    assert ftags.get("F0155").status == "historical" and ftags.get("F0155").regulatory_group == ""


def test_groups_in_regulation_order() -> None:
    groups = ftags.regulatory_groups()
    assert groups[0] == ("42 CFR 483.5", "Definitions")
    assert groups[-1] == ("42 CFR 483.95", "Training Requirements")
    assert len(groups) == 22


@pytest.mark.parametrize(
    ("group", "expected_in", "expected_out"),
    [
        ("Comprehensive Person-Centered Care Planning", {"F0655", "F0656", "F0657"}, {"F0660", "F0661"}),
        ("483.20", {"F0636", "F0638", "F0640", "F0641"}, {"F0642"}),
        ("42 CFR 483.80", {"F0880", "F0881"}, set()),
    ],
)
def test_by_group_active_only(group: str, expected_in: set[str], expected_out: set[str]) -> None:
    codes = {t.code for t in ftags.by_group(group)}
    assert expected_in <= codes
    assert not expected_out & codes
    retired = {t.code for t in ftags.by_group(group, include_retired=True)}
    assert expected_out <= retired
