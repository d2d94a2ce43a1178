"""Scope and severity (A–L), Five-Star points per cell, and substandard quality of care (SQC).

Grid: 42 CFR 488.404(b) — severity levels 1–4 by scope isolated/pattern/widespread.
Points: Five-Star Technical Users' Guide Table 1 (tests/unit/surveys/test_severity.py checks this table
against CMS's scope/severity grid).
"""

from __future__ import annotations

from dataclasses import dataclass

from facility.core.forms import N_
from surveys.i18n import T_

SCOPES = ("isolated", "pattern", "widespread")
SEVERITY_LEVELS = (1, 2, 3, 4)

SEVERITY_TEXT = {
    1: N_("No actual harm with potential for minimal harm"),
    2: N_("No actual harm with potential for more than minimal harm that is not immediate jeopardy"),
    3: N_("Actual harm that is not immediate jeopardy"),
    4: N_("Immediate jeopardy to resident health or safety"),
}
SCOPE_TEXT = {
    "isolated": N_("Isolated"),
    "pattern": N_("Pattern"),
    "widespread": N_("Widespread"),
}
MESSAGES = {
    "bad_scope_severity": N_("'%(value)s' is not a scope/severity code (A–L)."),
}


@dataclass(frozen=True)
class ScopeSeverity:
    code: str
    severity_level: int
    scope: str
    points: int  # TUG Table 1
    points_if_sqc: int  # TUG Table 1, parenthesised value

    @property
    def actual_harm(self) -> bool:
        return self.severity_level >= 3

    @property
    def immediate_jeopardy(self) -> bool:
        return self.severity_level == 4

    @property
    def sqc_eligible_cell(self) -> bool:
        # 42 CFR 488.301: IJ; pattern or widespread actual harm; widespread potential for more than minimal harm.
        return self.code in "FHIJKL"

    @property
    def poc_required(self) -> bool:
        # SOM §7304D: a plan of correction for every deficiency other than level A (past noncompliance aside).
        return self.code != "A"

    @property
    def row(self) -> int:
        return self.severity_level

    @property
    def column(self) -> int:
        return SCOPES.index(self.scope)


def _grid() -> dict[str, ScopeSeverity]:
    points = {  # code: (points, points if SQC) — TUG Table 1
        "A": (0, 0), "B": (0, 0), "C": (0, 0),
        "D": (4, 4), "E": (8, 8), "F": (16, 20),
        "G": (20, 20), "H": (35, 40), "I": (45, 50),
        "J": (50, 75), "K": (100, 125), "L": (150, 175),
    }  # fmt: skip
    grid = {}
    for index, code in enumerate("ABCDEFGHIJKL"):
        level, scope = divmod(index, 3)
        grid[code] = ScopeSeverity(code, level + 1, SCOPES[scope], *points[code])
    return grid


GRID: dict[str, ScopeSeverity] = _grid()


class ScopeSeverityError(ValueError):
    def __init__(self, value: str) -> None:
        self.message_id = "bad_scope_severity"
        message = MESSAGES["bad_scope_severity"]
        self.messages = T_(message, value=value)
        super().__init__(self.messages["en"])


def parse(code: str) -> ScopeSeverity:
    try:
        return GRID[code.strip().upper()]
    except (KeyError, AttributeError):
        raise ScopeSeverityError(str(code)) from None


def from_cell(severity_level: int, scope: str) -> ScopeSeverity:
    return GRID["ABCDEFGHIJKL"[(severity_level - 1) * 3 + SCOPES.index(scope)]]


# F-tags whose regulations 42 CFR 488.301 lists for substandard quality of care:
# §483.10 (a)(1)-(2), (b)(1)-(2), (e) except (e)(2),(7),(8), (f)(1)-(3),(5)-(8), (i); §483.12;
# §483.24(a)-(b); §483.25; §483.40(b),(d); §483.45(d),(e),(h); §483.70(p); §483.80(d).
# Tag crosswalk from the Appendix PP regulatory grouping chart. CAUTION (no CMS data file was found):
# the 488.301 text was not retrieved for this project; a finding recorded from a 2567 should carry
# the surveyor's SQC determination, which overrides this table (see `is_sqc`).
SQC_TAGS: frozenset[str] = frozenset(
    [
        "F0550", "F0554", "F0558", "F0559", "F0561", "F0565", "F0584",  # 483.10 parts
        "F0600", "F0602", "F0603", "F0604", "F0605", "F0606", "F0607", "F0608", "F0609", "F0610",  # 483.12
        "F0676", "F0677", "F0678",  # 483.24(a)-(b)
        *(f"F{n:04d}" for n in range(684, 701)),  # 483.25
        "F0742", "F0743", "F0744", "F0745",  # 483.40(b),(d)
        "F0757", "F0758", "F0761",  # 483.45(d),(e),(h)
        "F0850",  # 483.70(p)
        "F0883", "F0887",  # 483.80(d)
    ]
)  # fmt: skip


def is_sqc(code: str, tag: str, surveyor_determination: bool | None = None) -> bool:
    """Substandard quality of care: an SQC-eligible cell (F, H, I, J, K, L) in an SQC regulation.
    `tag` must be canonical ('F0689'); an explicit surveyor determination wins."""
    cell = parse(code)
    if surveyor_determination is not None:
        return surveyor_determination and cell.sqc_eligible_cell
    return cell.sqc_eligible_cell and tag in SQC_TAGS


def points(code: str, *, sqc: bool = False, past_noncompliance: bool = False) -> int:
    """Five-Star health-inspection points for one deficiency.
    Past noncompliance cited at immediate jeopardy (J/K/L) scores as G, 20 points (TUG Jan 2026
    as transcribed in openchart-health)."""
    cell = parse(code)
    if past_noncompliance and cell.immediate_jeopardy:
        return GRID["G"].points
    return cell.points_if_sqc if sqc else cell.points


@dataclass(frozen=True)
class GridCell:
    code: str
    count: int
    highlight: bool  # the cell holds at least one finding at harm level (G+) — drawn emphasised


def grid_rows(counts: dict[str, int] | None = None) -> list[tuple[int, list[GridCell]]]:
    """Rows for drawing the 3×4 grid: severity 4 (top) down to 1, columns isolated/pattern/widespread.
    `counts` maps a letter to the number of findings in that cell."""
    counts = {k.upper(): v for k, v in (counts or {}).items()}
    rows = []
    for level in reversed(SEVERITY_LEVELS):
        cells = [from_cell(level, scope) for scope in SCOPES]
        rows.append(
            (
                level,
                [
                    GridCell(c.code, counts.get(c.code, 0), c.actual_harm and counts.get(c.code, 0) > 0)
                    for c in cells
                ],
            )
        )
    return rows
