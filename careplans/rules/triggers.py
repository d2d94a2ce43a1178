"""Care Area Triggers (CATs): which of the 20 CAAs an MDS 3.0 assessment triggers, and why.

Pure rules: raw MDS answers in (item id -> string value exactly as submitted, e.g. "08", "1",
"-", "^"), triggered care areas out, each with the exact item values that fired it.

Rules exist per MDS item set (1.18.11 from 2023-10-01, 1.19.1 from 2024-10-01, 1.20.1 from
2025-10-01) and read only the item ids of that set: a record is evaluated under the rules of its
own item set, chosen explicitly by the caller (`evaluate(answers, item_set=...)`); there is no
fallback to ids that CMS retired (D0200/D0300, N0410, J0400/J0500, K0510, Q0600, Section G,
C1300/C1600). Records of older item sets are refused (`UnsupportedItemSet`), not half-read.
Every rule names the items it reads (`Rule.reads`, `items_read(item_set)`), so tests check them
against the reference item lists and the shipped catalogs.

Source of the logic: the CMS CAT specification pseudo-code for item sets 1.00/1.10 as
implemented in `iamjonbradley/mds30` `caa.php` (a transcription of which tests/unit/careplans/test_triggers.py
checks), carried forward to the current items (the CMS item-set change lists). The current CMS CAT
specification (V1.06.0+) was not available; every rule carries a `basis`, listed per care area
in docs/caa-trigger-deviations.md:

- ``cat2010``    the 2010 CAT condition, items unchanged;
- ``successor``  same clinical condition on the item CMS replaced it with (C1600 -> C1310A,
                 D0200/D0300 -> D0150/D0160, N0410 -> N0415, K0510 -> K0520, J0400 -> J0410,
                 J0500 -> J0510/J0530, Q0600 -> Q0500B/Q0610A);
- ``approximation`` Section G was retired 2023-10-01 and the CMS CAT spec V1.06.0 GG conditions
                 were NOT available to us; these Section GG rules are our documented stand-in.

Dash ("-"), caret ("^"), blank and missing are "no information" and never fire a trigger
(RAI: a dash is not a "no", it is the absence of an answer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

NO_INFORMATION = frozenset({"", "-", "^"})

# A0310A values of OBRA comprehensive assessments: admission, annual, significant change,
# significant correction to prior comprehensive (RAI ch. 2; edit -3810).
COMPREHENSIVE_A0310A = frozenset({"01", "03", "04", "05"})
# Non-admission comprehensive: the only records on which the "worse than prior" CATs apply.
NON_ADMISSION_COMPREHENSIVE_A0310A = frozenset({"03", "04", "05"})

# Item sets with trigger rules, and the date each took effect (item_set_versions.csv,
# item_set_changes.csv). ITM_SET_VRSN_CD carries only major.minor (edit -3807: submit 1.18, not 1.18.11).
ITEM_SET_EFFECTIVE: tuple[tuple[str, date], ...] = (
    ("1.18.11", date(2023, 10, 1)),
    ("1.19.1", date(2024, 10, 1)),
    ("1.20.1", date(2025, 10, 1)),
)
ITEM_SETS: tuple[str, ...] = tuple(v for v, _ in ITEM_SET_EFFECTIVE)
ITEM_SET_OF_VRSN_CD: dict[str, str] = {v.rsplit(".", 1)[0]: v for v in ITEM_SETS}

BASIS_CAT2010 = "cat2010"
BASIS_SUCCESSOR = "successor"
BASIS_APPROXIMATION = "approximation"


@dataclass(frozen=True, slots=True)
class Reason:
    """One item value that contributed to a trigger."""

    item: str
    value: str
    label_en: str
    label_es: str
    basis: str = BASIS_CAT2010

    @property
    def text(self) -> str:
        return f"{self.item}={self.value} ({self.label_en})"

    @property
    def text_es(self) -> str:
        return f"{self.item}={self.value} ({self.label_es})"


@dataclass(frozen=True, slots=True)
class CareArea:
    caa: int
    name_en: str
    name_es: str

    @property
    def v_item(self) -> str:
        """Section V trigger flag, e.g. V0200A02A for CAA 2."""
        return f"V0200A{self.caa:02d}A"


@dataclass(frozen=True, slots=True)
class TriggeredArea:
    caa: int
    area: str
    area_es: str
    v_item: str
    reasons: tuple[Reason, ...]
    # False on assessments that do not carry the CAA process (quarterly, PPS, discharge…):
    # the trigger is then shown as information only.
    caa_process: bool

    def as_dict(self) -> dict[str, object]:
        """The CLI/JSON shape: {"caa", "area", "reasons": [{"item", "value"}]}."""
        return {
            "caa": self.caa,
            "area": self.area,
            "reasons": [{"item": r.item, "value": r.value} for r in self.reasons],
        }


CARE_AREAS: tuple[CareArea, ...] = (
    CareArea(1, "Delirium", "Delirio"),
    CareArea(2, "Cognitive Loss/Dementia", "Pérdida cognitiva/demencia"),
    CareArea(3, "Visual Function", "Función visual"),
    CareArea(4, "Communication", "Comunicación"),
    CareArea(5, "ADL Functional/Rehabilitation Potential", "Función en AVD/potencial de rehabilitación"),
    CareArea(
        6, "Urinary Incontinence and Indwelling Catheter", "Incontinencia urinaria y sonda vesical permanente"
    ),
    CareArea(7, "Psychosocial Well-Being", "Bienestar psicosocial"),
    CareArea(8, "Mood State", "Estado de ánimo"),
    CareArea(9, "Behavioral Symptoms", "Síntomas conductuales"),
    CareArea(10, "Activities", "Actividades"),
    CareArea(11, "Falls", "Caídas"),
    CareArea(12, "Nutritional Status", "Estado nutricional"),
    CareArea(13, "Feeding Tube", "Sonda de alimentación"),
    CareArea(14, "Dehydration/Fluid Maintenance", "Deshidratación/mantenimiento de líquidos"),
    CareArea(15, "Dental Care", "Cuidado dental"),
    CareArea(16, "Pressure Ulcer/Injury", "Úlcera/lesión por presión"),
    CareArea(17, "Psychotropic Medication Use", "Uso de medicamentos psicotrópicos"),
    CareArea(18, "Physical Restraints", "Restricciones físicas"),
    CareArea(19, "Pain", "Dolor"),
    CareArea(20, "Return to Community Referral", "Derivación para regresar a la comunidad"),
)
CARE_AREA_BY_NUMBER: dict[int, CareArea] = {a.caa: a for a in CARE_AREAS}


# --------------------------------------------------------------------------- item sets


class UnsupportedItemSet(ValueError):
    """The record's item set has no trigger rules here (before 1.18.11, or unknown)."""

    def __init__(self, item_set: str | None):
        self.item_set = item_set
        super().__init__(
            f"CAA triggers: item set {item_set or '(none)'} is not supported; "
            f"rules exist for item sets {', '.join(ITEM_SETS)} (target date 2023-10-01 or later)"
        )


def item_set_on(target_date: date) -> str:
    """The item set in effect on a target date (A2300); UnsupportedItemSet before 2023-10-01."""
    current = None
    for version, effective in ITEM_SET_EFFECTIVE:
        if target_date >= effective:
            current = version
    if current is None:
        raise UnsupportedItemSet(f"in effect on {target_date.isoformat()}")
    return current


def item_set_of_record(answers: Mapping[str, str]) -> str:
    """The item set of a submission record: ITM_SET_VRSN_CD (1.18/1.19/1.20), else its target date A2300."""
    code = (answers.get("ITM_SET_VRSN_CD") or "").strip()
    if code:
        if code in ITEM_SET_OF_VRSN_CD:
            return ITEM_SET_OF_VRSN_CD[code]
        if code in ITEM_SETS:
            return code
        raise UnsupportedItemSet(code)
    target = (answers.get("A2300") or "").strip()
    try:
        target_date = date(int(target[:4]), int(target[4:6]), int(target[6:8]))
    except ValueError:
        raise UnsupportedItemSet(None) from None
    return item_set_on(target_date)


# --------------------------------------------------------------------------- value helpers


def has_info(value: str | None) -> TypeGuard[str]:
    return value is not None and value.strip() not in NO_INFORMATION


def _value(answers: Mapping[str, str], item: str) -> str | None:
    value = answers.get(item)
    return value.strip() if has_info(value) else None


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _in_range(value: str, low: int, high: int) -> bool:
    number = _int(value)
    return number is not None and low <= number <= high


def carries_caa_process(rfa: Mapping[str, str] | str | None) -> bool:
    """True when the assessment is OBRA comprehensive (A0310A 01, 03, 04, 05).

    Accepts the A0310A value itself or the assessment's answers. CAAs are required only on
    comprehensive assessments, never on quarterly, PPS-only, discharge or tracking records
    (RAI ch. 4 §4.6; CMS FAQ).
    """
    value = rfa.get("A0310A") if isinstance(rfa, Mapping) else rfa
    return has_info(value) and value.strip() in COMPREHENSIVE_A0310A


# --------------------------------------------------------------------------- rule builders

Check = Callable[[Mapping[str, str], Mapping[str, str]], list[Reason]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One trigger condition: the items it reads and the check that returns its reasons."""

    reads: tuple[str, ...]
    check: Check

    def __call__(self, answers: Mapping[str, str], ctx: Mapping[str, str]) -> list[Reason]:
        return self.check(answers, ctx)


@dataclass(frozen=True, slots=True)
class Gate:
    """A precondition of other rules (e.g. "admission assessment only"), with the items it reads."""

    reads: tuple[str, ...]
    test: Callable[[Mapping[str, str]], bool]


def when(
    items: Sequence[str], accept: Callable[[str], bool], en: str, es: str, basis: str = BASIS_CAT2010
) -> Rule:
    """Fires once per listed item whose value satisfies `accept`."""

    def check(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        return [
            Reason(i, v, en, es, basis) for i in items if (v := _value(answers, i)) is not None and accept(v)
        ]

    return Rule(tuple(items), check)


def both(
    first: tuple[str, Callable[[str], bool]],
    second: tuple[str, Callable[[str], bool]],
    en: str,
    es: str,
    basis: str,
) -> Rule:
    """Fires (reporting both items) when both items hold their accepted values."""

    def check(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        found = [
            (i, v) for i, accept in (first, second) if (v := _value(answers, i)) is not None and accept(v)
        ]
        return [Reason(i, v, en, es, basis) for i, v in found] if len(found) == 2 else []

    return Rule((first[0], second[0]), check)


def eq(*values: str) -> Callable[[str], bool]:
    accepted = frozenset(values)
    return lambda v: v in accepted


def between(low: int, high: int) -> Callable[[str], bool]:
    return lambda v: _in_range(v, low, high)


def gated(gate: Gate, *rules: Rule) -> Rule:
    """Rules that count only when the gate holds."""

    def check(answers: Mapping[str, str], ctx: Mapping[str, str]) -> list[Reason]:
        if not gate.test(answers):
            return []
        return [r for sub in rules for r in sub(answers, ctx)]

    return Rule(_union(gate.reads, *(r.reads for r in rules)), check)


def count_at_least(
    items: Sequence[str], accept: Callable[[str], bool], minimum: int, en: str, es: str
) -> Rule:
    """Fires (reporting every matching item) when at least `minimum` items match."""

    def check(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        hits = [(i, v) for i in items if (v := _value(answers, i)) is not None and accept(v)]
        return [Reason(i, v, en, es) for i, v in hits] if len(hits) >= minimum else []

    return Rule(tuple(items), check)


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for g in groups for i in g))


def _a0310a(answers: Mapping[str, str]) -> str:
    return (answers.get("A0310A") or "").strip()


ADMISSION = Gate(("A0310A",), lambda a: _a0310a(a) == "01")
NON_ADMISSION_COMPREHENSIVE = Gate(("A0310A",), lambda a: _a0310a(a) in NON_ADMISSION_COMPREHENSIVE_A0310A)


def gg_column(answers: Mapping[str, str]) -> str:
    """The Section GG performance column a record carries: "1" (admission performance) on the OBRA
    admission (A0310A=01) and on the 5-day PPS (A0310B=01), else "5" (interim/OBRA performance).

    The same choice the PDPM grouper V2.2001 makes for OBRA-only records (item_set_versions.csv:
    column 1 if A0310A=01 & A0310B=99, column 5 if A0310A=02-06 & A0310B=99); the IPA carries column 5.
    One column per record: the other column is not read as a fallback.
    """
    return "1" if _a0310a(answers) == "01" or (answers.get("A0310B") or "").strip() == "01" else "5"


GG_COLUMNS = ("1", "5")


def gg_when(bases: Sequence[str], accept: Callable[[str], bool], en: str, es: str) -> Rule:
    def check(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        column = gg_column(answers)
        items = [base + column for base in bases]
        return [
            Reason(i, v, en, es, BASIS_APPROXIMATION)
            for i in items
            if (v := _value(answers, i)) is not None and accept(v)
        ]

    return Rule(_union(("A0310A", "A0310B"), (b + c for b in bases for c in GG_COLUMNS)), check)


# Prior scores for the "worse than prior" CATs: Section V of the current record (V0100D BIMS,
# V0100E PHQ resident, V0100F PHQ staff) is the authority; the prior assessment's own item fills in
# when Section V is blank (the prior record is evaluated under the same current ids).
PRIOR_SCORE_SOURCE = {"V0100D": "C0500", "V0100E": "D0160", "V0100F": "D0600"}


def worse_than_prior(
    item: str,
    prior_item: str,
    valid: tuple[int, int],
    higher_is_worse: bool,
    en: str,
    es: str,
    basis: str = BASIS_CAT2010,
) -> Rule:
    """Non-admission comprehensive: current score worse than the prior assessment's score."""
    low, high = valid

    def check(answers: Mapping[str, str], ctx: Mapping[str, str]) -> list[Reason]:
        current, prior = _value(answers, item), ctx.get(prior_item)
        if not NON_ADMISSION_COMPREHENSIVE.test(answers) or current is None or not has_info(prior):
            return []
        cur, old = _int(current), _int(prior.strip())
        if cur is None or old is None or not (low <= cur <= high and low <= old <= high):
            return []
        if (cur > old) if higher_is_worse else (cur < old):
            return [Reason(item, current, en, es, basis), Reason(prior_item, prior.strip(), en, es, basis)]
        return []

    return Rule(("A0310A", item, prior_item), check)


# --------------------------------------------------------------------------- per-area rules

_YES = eq("1")
_BEHAVIOR_DAYS = between(1, 3)  # E0200/E0800/E0900: 1 = 1-3 days … 3 = daily
_RESTRAINT_USED = eq("1", "2")  # P0100: 1 = used less than daily, 2 = used daily
_GG_NEEDS_HELP = eq("01", "02", "03", "04")  # dependent … supervision/touching assistance
_GG_HANDS_ON = eq("01", "02", "03")  # dependent … partial/moderate assistance
# J0410 pain frequency (1.18.11+): 1 rarely or not at all, 2 occasionally, 3 frequently,
# 4 almost constantly, 9 unable to answer (reversed from J0400, where 1 was almost constantly).
_J0410_FREQUENT = eq("3", "4")
# J0510/J0530 (1.18.11+): 0 does not apply, 1 rarely or not at all, 2 occasionally, 3 frequently,
# 4 almost constantly, 8 unable to answer. J0500A/B asked yes/no whether pain did it at all in the
# 5 days; "occasionally" or more stands for that yes.
_PAIN_INTERFERES = between(2, 4)

BIMS_NOT_AVAILABLE = Gate(("C0500",), lambda a: _value(a, "C0500") in (None, "99"))


def _able_to_rehab(answers: Mapping[str, str]) -> bool:
    # CAT 5 considers only residents able to take part in rehabilitation: C1000 0-2 or BIMS 05-15.
    c1000, c0500 = _value(answers, "C1000"), _value(answers, "C0500")
    return (c1000 is not None and _in_range(c1000, 0, 2)) or (c0500 is not None and _in_range(c0500, 5, 15))


ABLE_TO_REHAB = Gate(("C1000", "C0500"), _able_to_rehab)
# CAT 7 conditions 5/6: I4800 (dementia) and I4200 (Alzheimer's) each coded 0 or dash (dash counts
# as "not present" here because the CMS pseudo-code lists it explicitly).
NO_DEMENTIA = Gate(
    ("I4800", "I4200"), lambda a: all((a.get(i) or "").strip() in ("0", "-") for i in ("I4800", "I4200"))
)
# CAT 8 condition 4 uses the staff PHQ only when the resident interview total D0160 is not a valid
# 00-27 score (99 = interview not completed, or blank).
PHQ_INTERVIEW_NOT_DONE = Gate(("D0160",), lambda a: not _in_range(_value(a, "D0160") or "", 0, 27))
FAMILY_NOT_RESPONDENT = Gate(("F0600",), lambda a: _value(a, "F0600") == "1")


def _bmi(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
    height, weight = _value(answers, "K0200A"), _value(answers, "K0200B")
    if height is None or weight is None:
        return []
    h, w = _float(height), _float(weight)
    if not h or not w or h <= 0 or w <= 0:
        return []
    bmi = w * 703 / (h * h)  # CMS: do not round before comparing
    if 18.5 <= bmi <= 24.9:
        return []
    en, es = f"BMI {bmi:.1f}, outside 18.5–24.9", f"IMC {bmi:.1f}, fuera de 18,5–24,9"
    return [Reason("K0200A", height, en, es), Reason("K0200B", weight, en, es)]


BMI_OUT_OF_RANGE = Rule(("K0200A", "K0200B"), _bmi)


def _frequent_moderate_pain(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
    en, es = (
        "frequent pain of moderate or greater intensity",
        "dolor frecuente de intensidad moderada o mayor",
    )
    frequency = _value(answers, "J0410")
    if frequency is None or not _J0410_FREQUENT(frequency):
        return []
    intensity = [
        (i, v)
        for i, accept in (("J0600A", between(4, 10)), ("J0600B", between(2, 4)))
        if (v := _value(answers, i)) is not None and accept(v)
    ]
    if not intensity:
        return []
    return [Reason(i, v, en, es, BASIS_SUCCESSOR) for i, v in [("J0410", frequency), *intensity]]


FREQUENT_MODERATE_PAIN = Rule(("J0410", "J0600A", "J0600B"), _frequent_moderate_pain)

_PRESSURE_ULCERS = ["M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1"]
_F0500 = [f"F0500{c}" for c in "ABCDEFGH"]
_F0800_L_T = [f"F0800{c}" for c in "LMNOPQRST"]
_UNHEALED_EN, _UNHEALED_ES = (
    "unhealed pressure ulcer stage 2+ or unstageable",
    "úlcera por presión no cicatrizada estadio 2+ o no estadificable",
)
_INTEREST_EN, _INTEREST_ES = "little interest or pleasure (interview)", "poco interés o placer (entrevista)"

# Rules of item sets 1.18.11, 1.19.1 and 1.20.1: none of the items read here changed between them
# (item_set_changes.csv: 1.19.1 added O0350/N0415K, 1.20.1 changed A0800/A1250/O0400/X0300).
RULES_SINCE_1_18_11: dict[int, tuple[Rule, ...]] = {
    1: (
        worse_than_prior(
            "C0500",
            "V0100D",
            (0, 15),
            False,
            "BIMS lower than prior assessment",
            "BIMS menor que en la evaluación anterior",
        ),
        when(
            ["C1310A"],
            _YES,
            "acute onset of mental status change",
            "cambio agudo del estado mental",
            BASIS_SUCCESSOR,
        ),
    ),
    2: (
        when(["C0500"], between(0, 12), "BIMS 0–12", "BIMS 0–12"),
        gated(
            BIMS_NOT_AVAILABLE,
            when(
                ["C0700"],
                _YES,
                "short-term memory problem, BIMS not done",
                "problema de memoria a corto plazo, sin BIMS",
            ),
            when(
                ["C0800"],
                _YES,
                "long-term memory problem, BIMS not done",
                "problema de memoria a largo plazo, sin BIMS",
            ),
            when(
                ["C1000"],
                between(1, 3),
                "impaired daily decision making, BIMS not done",
                "toma de decisiones alterada, sin BIMS",
            ),
        ),
        when(
            ["C1310B", "C1310C", "C1310D"],
            eq("1", "2"),
            "sign of delirium present",
            "signo de delirio presente",
            BASIS_SUCCESSOR,
        ),
        when(["E0200A", "E0200B", "E0200C"], _BEHAVIOR_DAYS, "behavioral symptoms", "síntomas conductuales"),
        when(["E0800"], _BEHAVIOR_DAYS, "rejection of care", "rechazo de cuidados"),
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
    ),
    3: (
        when(
            ["I6500"],
            _YES,
            "cataracts, glaucoma or macular degeneration",
            "cataratas, glaucoma o degeneración macular",
        ),
        when(["B1000"], between(1, 4), "impaired vision", "visión alterada"),
    ),
    4: (
        when(["B0200"], between(1, 3), "hearing difficulty", "dificultad auditiva"),
        when(
            ["B0700"], between(1, 3), "difficulty making self understood", "dificultad para hacerse entender"
        ),
        when(["B0800"], between(1, 3), "difficulty understanding others", "dificultad para entender a otros"),
    ),
    5: (
        gated(
            ABLE_TO_REHAB,
            gg_when(
                ["GG0130A", "GG0130B", "GG0130C", "GG0130E", "GG0130F", "GG0130G", "GG0130H", "GG0130I"],
                _GG_NEEDS_HELP,
                "self-care needs help (GG 01–04), cognition allows rehab",
                "autocuidado requiere ayuda (GG 01–04), cognición permite rehabilitación",
            ),
            gg_when(
                [
                    "GG0170A",
                    "GG0170B",
                    "GG0170C",
                    "GG0170D",
                    "GG0170E",
                    "GG0170F",
                    "GG0170I",
                    "GG0170J",
                    "GG0170R",
                ],
                _GG_NEEDS_HELP,
                "mobility needs help (GG 01–04), cognition allows rehab",
                "movilidad requiere ayuda (GG 01–04), cognición permite rehabilitación",
            ),
        ),
    ),
    6: (
        gg_when(
            ["GG0130C", "GG0170F"],
            _GG_HANDS_ON,
            "toileting needs hands-on help (GG 01–03)",
            "ir al baño requiere ayuda física (GG 01–03)",
        ),
        when(["H0100A"], _YES, "indwelling catheter", "sonda vesical permanente"),
        when(["H0100B"], _YES, "external catheter", "sonda externa"),
        when(["H0100D"], _YES, "intermittent catheterization", "cateterismo intermitente"),
        when(["H0300"], between(1, 3), "urinary incontinence", "incontinencia urinaria"),
        when(["M1040H"], _YES, "moisture-associated skin damage", "daño cutáneo asociado a humedad"),
    ),
    7: (
        when(["D0150A1"], _YES, _INTEREST_EN, _INTEREST_ES, BASIS_SUCCESSOR),
        when(["D0500A1"], _YES, "little interest or pleasure (staff)", "poco interés o placer (personal)"),
        when(
            ["F0500F"],
            eq("3", "4"),
            "favorite activities not important",
            "actividades favoritas no importantes",
        ),
        when(
            ["F0800Q"],
            eq("0"),
            "staff: does not prefer favorite activities",
            "personal: no prefiere actividades favoritas",
        ),
        gated(
            NO_DEMENTIA,
            when(
                ["E0200A", "E0200B"],
                _BEHAVIOR_DAYS,
                "behaviors toward others without dementia",
                "conductas hacia otros sin demencia",
            ),
        ),
        gated(
            FAMILY_NOT_RESPONDENT,
            count_at_least(
                _F0500,
                eq("4"),
                6,
                "6+ activity preferences 'not important at all'",
                "6+ preferencias de actividad 'nada importantes'",
            ),
        ),
    ),
    8: (
        when(
            ["D0150I1"],
            _YES,
            "thoughts of being better off dead or self-harm",
            "pensamientos de muerte o autolesión",
            BASIS_SUCCESSOR,
        ),
        when(
            ["D0500I1"],
            _YES,
            "states life not worth living or self-harm (staff)",
            "dice que la vida no vale la pena o autolesión (personal)",
        ),
        worse_than_prior(
            "D0160",
            "V0100E",
            (0, 27),
            True,
            "PHQ score higher than prior",
            "puntuación PHQ mayor que la anterior",
            BASIS_SUCCESSOR,
        ),
        gated(
            PHQ_INTERVIEW_NOT_DONE,
            worse_than_prior(
                "D0600",
                "V0100F",
                (0, 30),
                True,
                "staff PHQ score higher than prior",
                "puntuación PHQ del personal mayor que la anterior",
            ),
        ),
        when(["D0160"], between(10, 27), "PHQ total severity 10–27", "gravedad PHQ 10–27", BASIS_SUCCESSOR),
        when(["D0600"], between(10, 30), "staff PHQ total severity 10–30", "gravedad PHQ del personal 10–30"),
    ),
    9: (
        when(["E0800"], _BEHAVIOR_DAYS, "rejection of care", "rechazo de cuidados"),
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
        when(["E1100"], eq("2"), "behavior worse than prior", "conducta peor que antes"),
        when(["E0300"], _YES, "behavioral symptoms present", "síntomas conductuales presentes"),
    ),
    10: (
        when(["D0150A1"], _YES, _INTEREST_EN, _INTEREST_ES, BASIS_SUCCESSOR),
        when(["D0500A1"], _YES, "little interest or pleasure (staff)", "poco interés o placer (personal)"),
        count_at_least(
            _F0500,
            eq("4", "5"),
            6,
            "6+ activity preferences not important or can't do",
            "6+ preferencias no importantes o no puede hacerlas",
        ),
        count_at_least(
            _F0800_L_T,
            eq("0"),
            6,
            "6+ activity preferences not checked by staff",
            "6+ preferencias de actividad no marcadas por el personal",
        ),
    ),
    11: (
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
        gg_when(
            ["GG0170D", "GG0170E", "GG0170F", "GG0170I"],
            _GG_NEEDS_HELP,
            "unsteady: standing/transfers/walking need steadying or more (GG 01–04)",
            "inestable: pararse/traslados/caminar requieren apoyo o más (GG 01–04)",
        ),
        gated(
            ADMISSION,
            when(["J1700A"], _YES, "fell in the month before entry", "caída el mes antes del ingreso"),
            when(["J1700B"], _YES, "fell 2–6 months before entry", "caída 2–6 meses antes del ingreso"),
        ),
        when(
            ["J1800"],
            _YES,
            "fall since admission or prior assessment",
            "caída desde el ingreso o la evaluación anterior",
        ),
        when(["N0415B1"], _YES, "antianxiety medication", "ansiolítico", BASIS_SUCCESSOR),
        when(["N0415C1"], _YES, "antidepressant medication", "antidepresivo", BASIS_SUCCESSOR),
        when(["P0100B", "P0100E"], _RESTRAINT_USED, "trunk restraint", "restricción de tronco"),
    ),
    12: (
        when(["J1550C"], _YES, "dehydrated", "deshidratación"),
        BMI_OUT_OF_RANGE,
        when(["K0300"], eq("1", "2"), "weight loss", "pérdida de peso"),
        when(["K0310"], eq("1", "2"), "weight gain", "aumento de peso"),
        when(
            ["K0520A2", "K0520A3"],
            _YES,
            "parenteral/IV feeding",
            "alimentación parenteral/IV",
            BASIS_SUCCESSOR,
        ),
        when(["K0520C3"], _YES, "mechanically altered diet", "dieta de textura modificada", BASIS_SUCCESSOR),
        when(["K0520D3"], _YES, "therapeutic diet", "dieta terapéutica", BASIS_SUCCESSOR),
        when(_PRESSURE_ULCERS, between(1, 9), _UNHEALED_EN, _UNHEALED_ES),
    ),
    13: (
        when(
            ["K0520B3"],
            _YES,
            "feeding tube while a resident",
            "sonda de alimentación como residente",
            BASIS_SUCCESSOR,
        ),
    ),
    14: (
        when(["J1550A"], _YES, "fever", "fiebre"),
        when(["J1550B"], _YES, "vomiting", "vómitos"),
        when(["J1550C"], _YES, "dehydrated", "deshidratación"),
        when(["J1550D"], _YES, "internal bleeding", "sangrado interno"),
        when(
            ["I1700", "I2000", "I2100", "I2200", "I2300", "I2400", "I2500", "M1040A"],
            _YES,
            "infection",
            "infección",
        ),
        when(["H0600"], _YES, "constipation", "estreñimiento"),
        when(
            ["K0520A2", "K0520A3"],
            _YES,
            "parenteral/IV feeding",
            "alimentación parenteral/IV",
            BASIS_SUCCESSOR,
        ),
        when(["K0520B2", "K0520B3"], _YES, "feeding tube", "sonda de alimentación", BASIS_SUCCESSOR),
    ),
    15: (when([f"L0200{c}" for c in "ABCDEF"], _YES, "dental or oral problem", "problema dental u oral"),),
    16: (
        gg_when(
            ["GG0170A", "GG0170B", "GG0170C"],
            eq("01", "02", "03", "04", "88"),
            "bed mobility needs help or not attempted for medical reasons (GG 01–04, 88)",
            "movilidad en cama requiere ayuda o no intentada por razones médicas (GG 01–04, 88)",
        ),
        when(["H0300"], eq("2", "3"), "frequent urinary incontinence", "incontinencia urinaria frecuente"),
        when(["H0400"], eq("2", "3"), "frequent bowel incontinence", "incontinencia fecal frecuente"),
        when(["K0300"], eq("2"), "weight loss not prescribed", "pérdida de peso no prescrita"),
        when(["M0150"], _YES, "at risk of pressure ulcers", "en riesgo de úlceras por presión"),
        when(_PRESSURE_ULCERS, between(1, 9), _UNHEALED_EN, _UNHEALED_ES),
        when(
            ["M0300A1"],
            between(1, 9),
            "stage 1 pressure injury",
            "lesión por presión estadio 1",
            BASIS_SUCCESSOR,
        ),
        when(["P0100B", "P0100E"], _RESTRAINT_USED, "trunk restraint", "restricción de tronco"),
    ),
    17: (
        when(
            ["N0415A1", "N0415B1", "N0415C1", "N0415D1"],
            _YES,
            "psychotropic medication taken",
            "toma medicamento psicotrópico",
            BASIS_SUCCESSOR,
        ),
    ),
    18: (
        when(
            [f"P0100{c}" for c in "ABCDEFGH"],
            _RESTRAINT_USED,
            "physical restraint used",
            "restricción física usada",
        ),
    ),
    19: (
        when(
            ["J0510"],
            _PAIN_INTERFERES,
            "pain makes it hard to sleep (occasionally or more)",
            "el dolor dificulta dormir (ocasionalmente o más)",
            BASIS_SUCCESSOR,
        ),
        when(
            ["J0530"],
            _PAIN_INTERFERES,
            "pain limits day-to-day activities (occasionally or more)",
            "el dolor limita las actividades diarias (ocasionalmente o más)",
            BASIS_SUCCESSOR,
        ),
        when(["J0600A"], between(7, 10), "pain rated 7–10", "dolor calificado 7–10"),
        when(["J0600B"], eq("3", "4"), "severe or very severe pain", "dolor intenso o muy intenso"),
        FREQUENT_MODERATE_PAIN,
        when(
            ["J0800A", "J0800B", "J0800C", "J0800D"],
            _YES,
            "staff-observed pain indicators",
            "indicadores de dolor observados por el personal",
        ),
    ),
    20: (
        # Q0600=1 "referral is or may be needed" (not yet made) became two items in 1.18.11: the
        # resident wants to talk about returning to the community (Q0500B=1) and no referral to the
        # local contact agency has been made (Q0610A=0).
        both(
            ("Q0500B", _YES),
            ("Q0610A", eq("0")),
            "wants to talk about returning to the community, no referral made yet",
            "quiere hablar de regresar a la comunidad, aún sin derivación",
            BASIS_SUCCESSOR,
        ),
    ),
}

RULES_BY_ITEM_SET: dict[str, dict[int, tuple[Rule, ...]]] = {
    "1.18.11": RULES_SINCE_1_18_11,
    "1.19.1": RULES_SINCE_1_18_11,
    "1.20.1": RULES_SINCE_1_18_11,
}


def rules_for(item_set: str) -> dict[int, tuple[Rule, ...]]:
    """The 20 care areas' rules for one item set; UnsupportedItemSet for any other."""
    try:
        return RULES_BY_ITEM_SET[item_set]
    except KeyError:
        raise UnsupportedItemSet(item_set) from None


def items_read(item_set: str) -> dict[int, tuple[str, ...]]:
    """Per care area, every item id its rules read on a record of `item_set` (including gates and
    the Section V prior scores); the prior assessment's items are in PRIOR_SCORE_SOURCE."""
    return {caa: _union(*(r.reads for r in rules)) for caa, rules in rules_for(item_set).items()}


def _prior_context(answers: Mapping[str, str], prior: Mapping[str, str] | None) -> dict[str, str]:
    prior = prior or {}
    ctx: dict[str, str] = {}
    for v_item, prior_item in PRIOR_SCORE_SOURCE.items():
        found = _value(answers, v_item) or _value(prior, prior_item)
        if found:
            ctx[v_item] = found
    return ctx


def evaluate(
    answers: Mapping[str, str], *, item_set: str, prior: Mapping[str, str] | None = None
) -> list[TriggeredArea]:
    """Every care area the answers trigger under the rules of `item_set`, in CAA order, each with the
    reasons that fired it. `prior` = the prior assessment's answers (for the "worse than prior" CATs
    when Section V V0100D-F is blank). Raises UnsupportedItemSet for an item set without rules."""
    rules = rules_for(item_set)
    ctx = _prior_context(answers, prior)
    caa_process = carries_caa_process(answers)
    triggered = []
    for area in CARE_AREAS:
        reasons: list[Reason] = []
        for rule in rules[area.caa]:
            for reason in rule(answers, ctx):
                if reason not in reasons:  # e.g. BMI and stage counts reported once per area
                    reasons.append(reason)
        if reasons:
            triggered.append(
                TriggeredArea(area.caa, area.name_en, area.name_es, area.v_item, tuple(reasons), caa_process)
            )
    return triggered


def section_v_flags(triggered: Iterable[TriggeredArea]) -> dict[str, str]:
    """V0200A01A…V0200A20A as "1"/"0", the values the assessment should carry."""
    fired = {t.caa for t in triggered}
    return {area.v_item: "1" if area.caa in fired else "0" for area in CARE_AREAS}
