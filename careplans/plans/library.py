"""Library of standard care-plan problems, goals and interventions for the 20 care areas.

Shipped as careplans/data/library.json (English and Spanish). Entries are starting points the
IDT picks and personalises (F656 requires an individualized, person-centred plan); goals carry a
default timeframe so the instantiated goal is measurable and time-bound.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from careplans.rules.compliance import CarePlanProblem, Goal, Intervention

LANGUAGES = ("en", "es")


@dataclass(frozen=True, slots=True)
class LibraryGoal:
    id: str
    text: dict[str, str]
    target_days: int


@dataclass(frozen=True, slots=True)
class LibraryIntervention:
    id: str
    text: dict[str, str]
    discipline: str
    frequency: str
    responsible_role: str


@dataclass(frozen=True, slots=True)
class LibraryProblem:
    id: str
    caa: int
    focus: dict[str, str]
    goals: tuple[LibraryGoal, ...]
    interventions: tuple[LibraryIntervention, ...]


@dataclass(frozen=True, slots=True)
class Library:
    problems: tuple[LibraryProblem, ...]
    frequencies: dict[str, dict[str, str]]
    disciplines: dict[str, dict[str, str]]
    roles: dict[str, dict[str, str]]

    def for_caa(self, caa: int) -> list[LibraryProblem]:
        return [p for p in self.problems if p.caa == caa]

    def problem(self, problem_id: str) -> LibraryProblem:
        for p in self.problems:
            if p.id == problem_id:
                return p
        raise KeyError(problem_id)

    def label(self, kind: str, code: str, lang: str) -> str:
        """Display text for a frequency/discipline/role code."""
        table = {"frequency": self.frequencies, "discipline": self.disciplines, "role": self.roles}[kind]
        return table[code][lang]


def _parse(raw: dict) -> Library:
    problems = []
    for caa, entries in raw["areas"].items():
        for e in entries:
            problems.append(
                LibraryProblem(
                    id=e["id"],
                    caa=int(caa),
                    focus=e["focus"],
                    goals=tuple(LibraryGoal(g["id"], g["text"], int(g["target_days"])) for g in e["goals"]),
                    interventions=tuple(
                        LibraryIntervention(
                            i["id"], i["text"], i["discipline"], i["frequency"], i["responsible_role"]
                        )
                        for i in e["interventions"]
                    ),
                )
            )
    return Library(tuple(problems), raw["frequencies"], raw["disciplines"], raw["roles"])


@lru_cache(maxsize=1)
def load_library() -> Library:
    text = (Path(__file__).parents[1] / "data" / "library.json").read_text(encoding="utf-8")
    return _parse(json.loads(text))


def instantiate(problem_id: str, lang: str, start: date, *, id_prefix: str = "") -> CarePlanProblem:
    """A resident's care-plan problem built from a library entry ("add with one click").

    Texts are copied in the resident's language so the team can personalise them; goal target
    dates are start + the entry's default timeframe.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    lib = load_library()
    entry = lib.problem(problem_id)
    return CarePlanProblem(
        id=f"{id_prefix}{entry.id}",
        focus=entry.focus[lang],
        caa=entry.caa,
        goals=tuple(
            Goal(f"{id_prefix}{g.id}", g.text[lang], start + timedelta(days=g.target_days))
            for g in entry.goals
        ),
        interventions=tuple(
            Intervention(
                f"{id_prefix}{i.id}",
                i.text[lang],
                lib.label("discipline", i.discipline, lang),
                lib.label("frequency", i.frequency, lang),
                lib.label("role", i.responsible_role, lang),
            )
            for i in entry.interventions
        ),
    )
