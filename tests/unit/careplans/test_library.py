from __future__ import annotations

from datetime import date, datetime

import pytest

from careplans.plans.library import LANGUAGES, instantiate, load_library
from careplans.rules.compliance import CarePlan, Resident, check_resident
from careplans.rules.triggers import CARE_AREAS


@pytest.mark.parametrize("caa", [a.caa for a in CARE_AREAS])
def test_every_care_area_has_a_complete_entry(caa):
    lib = load_library()
    problems = lib.for_caa(caa)
    assert problems, f"no library problem for CAA {caa}"
    for p in problems:
        assert len(p.goals) >= 1 and len(p.interventions) >= 3
        assert all(1 <= g.target_days <= 366 for g in p.goals)
        for iv in p.interventions:
            for kind, code in (
                ("discipline", iv.discipline),
                ("frequency", iv.frequency),
                ("role", iv.responsible_role),
            ):
                for lang in LANGUAGES:
                    assert lib.label(kind, code, lang)


def _texts(lib):
    for p in lib.problems:
        yield p.focus
        yield from (g.text for g in p.goals)
        yield from (i.text for i in p.interventions)


def test_every_text_is_bilingual_and_translated():
    for text in _texts(load_library()):
        assert set(text) == set(LANGUAGES)
        assert text["en"].strip() and text["es"].strip()
        assert text["en"] != text["es"] or text["en"] == "Dolor"


def test_ids_are_unique():
    lib = load_library()
    ids = [p.id for p in lib.problems]
    ids += [g.id for p in lib.problems for g in p.goals] + [
        i.id for p in lib.problems for i in p.interventions
    ]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_instantiate_gives_a_compliant_problem(lang):
    start = date(2025, 10, 2)
    problem = instantiate("caa11-p1", lang, start, id_prefix="r1-")
    assert problem.caa == 11 and problem.id == "r1-caa11-p1"
    assert problem.focus == ("Risk for falls" if lang == "en" else "Riesgo de caídas")
    assert all(g.target_date and g.target_date > start for g in problem.goals)
    assert problem.interventions[0].responsible_role
    resident = Resident(
        "r1", "R", datetime(2025, 10, 1), CarePlan(datetime(2025, 10, 1), (problem,), (start,))
    )
    # a fresh library problem has interventions and dated goals: no F656 content finding
    assert check_resident(resident, datetime(2025, 10, 3)) == []


def test_instantiate_rejects_unknown():
    with pytest.raises(KeyError):
        instantiate("caa99-p1", "en", date(2025, 1, 1))
    with pytest.raises(ValueError):
        instantiate("caa11-p1", "fr", date(2025, 1, 1))
