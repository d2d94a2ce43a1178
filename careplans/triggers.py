"""Care Area Triggers (CATs): which of the 20 CAAs an MDS 3.0 assessment triggers, and why.

Pure rules: raw MDS answers in (item id -> string value exactly as submitted, e.g. "08", "1",
"-", "^"), triggered care areas out, each with the exact item values that fired it.

Source of the logic: the CMS CAT specification pseudo-code for item sets 1.00/1.10 as
implemented in `iamjonbradley/mds30` `caa.php` (transcribed in
../shared/data/mds/ref/caa_triggers_catspec_2010_transcription.csv; DOMAIN.md §4), carried
forward to the item set in force since 2025-10-01 (v1.20.1).  Every place where the current item
set forced a change is marked with `basis` on the reason and listed in
docs/caa-trigger-deviations.md:

- ``cat2010``    the 2010 CAT condition, items unchanged;
- ``successor``  same clinical condition, item renamed/recoded by CMS (e.g. C1600 -> C1310A,
                 N0410 -> N0415, K0510 -> K0520);
- ``approximation`` Section G was retired 2023-10-01 and the CMS CAT spec V1.06.0 GG conditions
                 were NOT available to us; these Section GG rules are our documented stand-in.

Dash ("-"), caret ("^"), blank and missing are "no information" and never fire a trigger
(RAI: a dash is not a "no", it is the absence of an answer).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

NO_INFORMATION = frozenset({"", "-", "^"})

# A0310A values of OBRA comprehensive assessments: admission, annual, significant change,
# significant correction to prior comprehensive (RAI ch. 2; DOMAIN.md §2; edit -3810).
COMPREHENSIVE_A0310A = frozenset({"01", "03", "04", "05"})
# Non-admission comprehensive: the only records on which the "worse than prior" CATs apply.
NON_ADMISSION_COMPREHENSIVE_A0310A = frozenset({"03", "04", "05"})

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
    CareArea(6, "Urinary Incontinence and Indwelling Catheter", "Incontinencia urinaria y sonda vesical permanente"),
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


# --------------------------------------------------------------------------- value helpers


def has_info(value: str | None) -> bool:
    return value is not None and value.strip() not in NO_INFORMATION


def _lookup(answers: Mapping[str, str], item: str, *legacy: str) -> tuple[str, str] | None:
    """(item id, value) of the first of item/legacy ids that carries information.

    Legacy ids let records from older item sets (e.g. D0300 before D0160) still trigger; the
    current id always wins when both are present.
    """
    for key in (item, *legacy):
        value = answers.get(key)
        if has_info(value):
            return key, value.strip()  # type: ignore[union-attr]
    return None


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
    (RAI ch. 4 §4.6; CMS FAQ quoted in DOMAIN.md Part 2 §1).
    """
    value = rfa.get("A0310A") if isinstance(rfa, Mapping) else rfa
    return has_info(value) and value.strip() in COMPREHENSIVE_A0310A  # type: ignore[union-attr]


# --------------------------------------------------------------------------- rule builders

Rule = Callable[[Mapping[str, str], Mapping[str, str]], list[Reason]]


def when(
    items: Iterable[str | tuple[str, ...]],
    accept: Callable[[str], bool],
    en: str,
    es: str,
    basis: str = BASIS_CAT2010,
) -> Rule:
    """Fires once per listed item whose value satisfies `accept`.

    An entry may be a tuple (current id, legacy ids...) for items CMS renamed.
    """
    entries = [(e,) if isinstance(e, str) else e for e in items]

    def rule(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        out = []
        for ids in entries:
            found = _lookup(answers, *ids)
            if found and accept(found[1]):
                item = found[0]
                out.append(Reason(item, found[1], en, es, basis if item == ids[0] else BASIS_CAT2010))
        return out

    return rule


def eq(*values: str) -> Callable[[str], bool]:
    accepted = frozenset(values)
    return lambda v: v in accepted


def between(low: int, high: int) -> Callable[[str], bool]:
    return lambda v: _in_range(v, low, high)


def gated(gate: Callable[[Mapping[str, str]], bool], *rules: Rule) -> Rule:
    """Rules that count only when `gate(answers)` holds (e.g. "admission assessment only")."""

    def rule(answers: Mapping[str, str], ctx: Mapping[str, str]) -> list[Reason]:
        if not gate(answers):
            return []
        return [r for sub in rules for r in sub(answers, ctx)]

    return rule


def count_at_least(
    items: Sequence[str], accept: Callable[[str], bool], minimum: int, en: str, es: str
) -> Rule:
    """Fires (reporting every matching item) when at least `minimum` items match."""

    def rule(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        hits = [(i, answers[i].strip()) for i in items if has_info(answers.get(i)) and accept(answers[i].strip())]
        if len(hits) < minimum:
            return []
        return [Reason(i, v, en, es) for i, v in hits]

    return rule


def _a0310a(answers: Mapping[str, str]) -> str:
    return (answers.get("A0310A") or "").strip()


def _is_admission(answers: Mapping[str, str]) -> bool:
    return _a0310a(answers) == "01"


def _is_non_admission_comprehensive(answers: Mapping[str, str]) -> bool:
    return _a0310a(answers) in NON_ADMISSION_COMPREHENSIVE_A0310A


# Section GG: OBRA admission reads column 1 (admission performance), other OBRA assessments
# column 5 (interim/OBRA performance) — the same column choice CMS makes for OBRA-only GG logic
# (PDPM grouper V2.2001 note, DOMAIN.md item_set_versions.csv).
def _gg(answers: Mapping[str, str], base: str) -> tuple[str, str] | None:
    columns = ("1", "5") if _is_admission(answers) else ("5", "1")
    return _lookup(answers, *(base + c for c in columns))


def gg_when(bases: Sequence[str], accept: Callable[[str], bool], en: str, es: str) -> Rule:
    def rule(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
        out = []
        for base in bases:
            found = _gg(answers, base)
            if found and accept(found[1]):
                out.append(Reason(found[0], found[1], en, es, BASIS_APPROXIMATION))
        return out

    return rule


def worse_than_prior(
    item: tuple[str, ...], prior_item: str, valid: tuple[int, int], higher_is_worse: bool, en: str, es: str,
    basis: str = BASIS_CAT2010,
) -> Rule:
    """Non-admission comprehensive: current score worse than the prior assessment's score.

    The prior score is Section V (V0100D/E/F) on the current record; when that is absent the
    caller's `prior` answers supply it (see `evaluate`).
    """
    low, high = valid

    def rule(answers: Mapping[str, str], ctx: Mapping[str, str]) -> list[Reason]:
        if not _is_non_admission_comprehensive(answers):
            return []
        found = _lookup(answers, *item)
        prior = ctx.get(prior_item)
        if not found or not has_info(prior):
            return []
        cur, old = _int(found[1]), _int(prior.strip())  # type: ignore[union-attr]
        if cur is None or old is None or not (low <= cur <= high and low <= old <= high):
            return []
        if (cur > old) if higher_is_worse else (cur < old):
            item_basis = basis if found[0] == item[0] else BASIS_CAT2010
            return [
                Reason(found[0], found[1], en, es, item_basis),
                Reason(prior_item, prior.strip(), en, es, item_basis),  # type: ignore[union-attr]
            ]
        return []

    return rule


# --------------------------------------------------------------------------- per-area rules

_YES = eq("1")
_BEHAVIOR_DAYS = between(1, 3)  # E0200/E0800/E0900: 1 = 1-3 days … 3 = daily
_RESTRAINT_USED = eq("1", "2")  # P0100: 1 = used less than daily, 2 = used daily
_GG_NEEDS_HELP = eq("01", "02", "03", "04")  # dependent … supervision/touching assistance
_GG_HANDS_ON = eq("01", "02", "03")  # dependent … partial/moderate assistance
_BIMS_MISSING = eq("99")


def _bims_not_available(answers: Mapping[str, str]) -> bool:
    value = answers.get("C0500")
    return not has_info(value) or value.strip() == "99"  # type: ignore[union-attr]


def _adl_cognition_gate(answers: Mapping[str, str]) -> bool:
    # CAT 5 considers only residents able to take part in rehabilitation:
    # C1000 0-2 or BIMS 05-15.
    c1000, c0500 = answers.get("C1000"), answers.get("C0500")
    return (has_info(c1000) and _in_range(c1000.strip(), 0, 2)) or (  # type: ignore[union-attr]
        has_info(c0500) and _in_range(c0500.strip(), 5, 15)  # type: ignore[union-attr]
    )


def _no_dementia(answers: Mapping[str, str]) -> bool:
    # CAT 7 conditions 5/6: I4800 and I4200 each coded 0 or dash (dash counts as "not present"
    # here because the CMS pseudo-code lists it explicitly).
    return all((answers.get(i) or "").strip() in ("0", "-") for i in ("I4800", "I4200"))


def _resident_phq_not_completed(answers: Mapping[str, str]) -> bool:
    # CAT 8 condition 4 uses the staff PHQ only when the resident interview total is not a
    # valid 00-27 score (99 = interview not completed, or blank).
    found = _lookup(answers, "D0160", "D0300")
    return found is None or not _in_range(found[1], 0, 27)


def _bmi_rule(answers: Mapping[str, str], _ctx: Mapping[str, str]) -> list[Reason]:
    height, weight = answers.get("K0200A"), answers.get("K0200B")
    if not (has_info(height) and has_info(weight)):
        return []
    h, w = _float(height.strip()), _float(weight.strip())  # type: ignore[union-attr]
    if not h or not w or h <= 0 or w <= 0:
        return []
    bmi = w * 703 / (h * h)  # CMS: do not round before comparing
    if 18.5 <= bmi <= 24.9:
        return []
    en = f"BMI {bmi:.1f}, outside 18.5–24.9"
    es = f"IMC {bmi:.1f}, fuera de 18,5–24,9"
    return [Reason("K0200A", height.strip(), en, es), Reason("K0200B", weight.strip(), en, es)]  # type: ignore[union-attr]


def _pressure_ulcer_count_rule(en: str, es: str) -> Rule:
    return when(
        ["M0300B1", "M0300C1", "M0300D1", "M0300E1", "M0300F1", "M0300G1"], between(1, 9), en, es
    )


def _frequent_moderate_pain(answers: Mapping[str, str]) -> bool:
    j0400, j0600a, j0600b = (answers.get(i) or "" for i in ("J0400", "J0600A", "J0600B"))
    frequent = j0400.strip() in ("1", "2")
    moderate = _in_range(j0600a.strip(), 4, 10) or _in_range(j0600b.strip(), 2, 4)
    return frequent and moderate


_FREQ_PAIN_EN = "frequent pain of moderate or greater intensity"
_FREQ_PAIN_ES = "dolor frecuente de intensidad moderada o mayor"
_F0500 = [f"F0500{c}" for c in "ABCDEFGH"]
_F0800_L_T = [f"F0800{c}" for c in "LMNOPQRST"]

AREA_RULES: dict[int, tuple[Rule, ...]] = {
    1: (
        worse_than_prior(("C0500",), "V0100D", (0, 15), False,
                         "BIMS lower than prior assessment", "BIMS menor que en la evaluación anterior"),
        when([("C1310A", "C1600")], _YES, "acute onset of mental status change",
             "cambio agudo del estado mental", BASIS_SUCCESSOR),
    ),
    2: (
        when(["C0500"], between(0, 12), "BIMS 0–12", "BIMS 0–12"),
        gated(_bims_not_available,
              when(["C0700"], _YES, "short-term memory problem, BIMS not done",
                   "problema de memoria a corto plazo, sin BIMS"),
              when(["C0800"], _YES, "long-term memory problem, BIMS not done",
                   "problema de memoria a largo plazo, sin BIMS"),
              when(["C1000"], between(1, 3), "impaired daily decision making, BIMS not done",
                   "toma de decisiones alterada, sin BIMS")),
        when([("C1310B", "C1300A"), ("C1310C", "C1300B"), ("C1310D", "C1300C")], eq("1", "2"),
             "sign of delirium present", "signo de delirio presente", BASIS_SUCCESSOR),
        when(["E0200A", "E0200B", "E0200C"], _BEHAVIOR_DAYS, "behavioral symptoms", "síntomas conductuales"),
        when(["E0800"], _BEHAVIOR_DAYS, "rejection of care", "rechazo de cuidados"),
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
    ),
    3: (
        when(["I6500"], _YES, "cataracts, glaucoma or macular degeneration",
             "cataratas, glaucoma o degeneración macular"),
        when(["B1000"], between(1, 4), "impaired vision", "visión alterada"),
    ),
    4: (
        when(["B0200"], between(1, 3), "hearing difficulty", "dificultad auditiva"),
        when(["B0700"], between(1, 3), "difficulty making self understood", "dificultad para hacerse entender"),
        when(["B0800"], between(1, 3), "difficulty understanding others", "dificultad para entender a otros"),
    ),
    5: (
        gated(_adl_cognition_gate,
              gg_when(["GG0130A", "GG0130B", "GG0130C", "GG0130E", "GG0130F", "GG0130G", "GG0130H"],
                      _GG_NEEDS_HELP, "self-care needs help (GG 01–04), cognition allows rehab",
                      "autocuidado requiere ayuda (GG 01–04), cognición permite rehabilitación"),
              gg_when(["GG0170A", "GG0170B", "GG0170C", "GG0170D", "GG0170E", "GG0170F", "GG0170I",
                       "GG0170J", "GG0170R"],
                      _GG_NEEDS_HELP, "mobility needs help (GG 01–04), cognition allows rehab",
                      "movilidad requiere ayuda (GG 01–04), cognición permite rehabilitación")),
    ),
    6: (
        gg_when(["GG0130C", "GG0170F"], _GG_HANDS_ON, "toileting needs hands-on help (GG 01–03)",
                "ir al baño requiere ayuda física (GG 01–03)"),
        when(["H0100A"], _YES, "indwelling catheter", "sonda vesical permanente"),
        when(["H0100B"], _YES, "external catheter", "sonda externa"),
        when(["H0100D"], _YES, "intermittent catheterization", "cateterismo intermitente"),
        when(["H0300"], between(1, 3), "urinary incontinence", "incontinencia urinaria"),
        when(["M1040H"], _YES, "moisture-associated skin damage", "daño cutáneo asociado a humedad"),
    ),
    7: (
        when([("D0150A1", "D0200A1")], _YES, "little interest or pleasure (interview)",
             "poco interés o placer (entrevista)", BASIS_SUCCESSOR),
        when(["D0500A1"], _YES, "little interest or pleasure (staff)", "poco interés o placer (personal)"),
        when(["F0500F"], eq("3", "4"), "favorite activities not important", "actividades favoritas no importantes"),
        when(["F0800Q"], eq("0"), "staff: does not prefer favorite activities",
             "personal: no prefiere actividades favoritas"),
        gated(_no_dementia,
              when(["E0200A", "E0200B"], _BEHAVIOR_DAYS, "behaviors toward others without dementia",
                   "conductas hacia otros sin demencia")),
        gated(lambda a: (a.get("F0600") or "").strip() == "1",
              count_at_least(_F0500, eq("4"), 6, "6+ activity preferences 'not important at all'",
                             "6+ preferencias de actividad 'nada importantes'")),
    ),
    8: (
        when([("D0150I1", "D0200I1")], _YES, "thoughts of being better off dead or self-harm",
             "pensamientos de muerte o autolesión", BASIS_SUCCESSOR),
        when(["D0500I1"], _YES, "states life not worth living or self-harm (staff)",
             "dice que la vida no vale la pena o autolesión (personal)"),
        worse_than_prior(("D0160", "D0300"), "V0100E", (0, 27), True,
                         "PHQ score higher than prior", "puntuación PHQ mayor que la anterior", BASIS_SUCCESSOR),
        gated(_resident_phq_not_completed,
              worse_than_prior(("D0600",), "V0100F", (0, 30), True,
                               "staff PHQ score higher than prior", "puntuación PHQ del personal mayor que la anterior")),
        when([("D0160", "D0300")], between(10, 27), "PHQ total severity 10–27", "gravedad PHQ 10–27", BASIS_SUCCESSOR),
        when(["D0600"], between(10, 30), "staff PHQ total severity 10–30", "gravedad PHQ del personal 10–30"),
    ),
    9: (
        when(["E0800"], _BEHAVIOR_DAYS, "rejection of care", "rechazo de cuidados"),
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
        when(["E1100"], eq("2"), "behavior worse than prior", "conducta peor que antes"),
        when(["E0300"], _YES, "behavioral symptoms present", "síntomas conductuales presentes"),
    ),
    10: (
        when([("D0150A1", "D0200A1")], _YES, "little interest or pleasure (interview)",
             "poco interés o placer (entrevista)", BASIS_SUCCESSOR),
        when(["D0500A1"], _YES, "little interest or pleasure (staff)", "poco interés o placer (personal)"),
        count_at_least(_F0500, eq("4", "5"), 6, "6+ activity preferences not important or can't do",
                       "6+ preferencias no importantes o no puede hacerlas"),
        count_at_least(_F0800_L_T, eq("0"), 6, "6+ activity preferences not checked by staff",
                       "6+ preferencias de actividad no marcadas por el personal"),
    ),
    11: (
        when(["E0900"], _BEHAVIOR_DAYS, "wandering", "deambulación errante"),
        gg_when(["GG0170D", "GG0170E", "GG0170F", "GG0170I"], _GG_NEEDS_HELP,
                "unsteady: standing/transfers/walking need steadying or more (GG 01–04)",
                "inestable: pararse/traslados/caminar requieren apoyo o más (GG 01–04)"),
        gated(_is_admission,
              when(["J1700A"], _YES, "fell in the month before entry", "caída el mes antes del ingreso"),
              when(["J1700B"], _YES, "fell 2–6 months before entry", "caída 2–6 meses antes del ingreso")),
        when(["J1800"], _YES, "fall since admission or prior assessment", "caída desde el ingreso o la evaluación anterior"),
        when([("N0415B1", "N0410B")], lambda v: v == "1" or _in_range(v, 1, 7), "antianxiety medication",
             "ansiolítico", BASIS_SUCCESSOR),
        when([("N0415C1", "N0410C")], lambda v: v == "1" or _in_range(v, 1, 7), "antidepressant medication",
             "antidepresivo", BASIS_SUCCESSOR),
        when(["P0100B", "P0100E"], _RESTRAINT_USED, "trunk restraint", "restricción de tronco"),
    ),
    12: (
        when(["J1550C"], _YES, "dehydrated", "deshidratación"),
        _bmi_rule,
        when(["K0300"], eq("1", "2"), "weight loss", "pérdida de peso"),
        when(["K0310"], eq("1", "2"), "weight gain", "aumento de peso"),
        when([("K0520A2", "K0510A1"), ("K0520A3", "K0510A2")], _YES, "parenteral/IV feeding",
             "alimentación parenteral/IV", BASIS_SUCCESSOR),
        when([("K0520C2", "K0510C1"), ("K0520C3", "K0510C2")], _YES, "mechanically altered diet",
             "dieta de textura modificada", BASIS_SUCCESSOR),
        when([("K0520D2", "K0510D1"), ("K0520D3", "K0510D2")], _YES, "therapeutic diet",
             "dieta terapéutica", BASIS_SUCCESSOR),
        _pressure_ulcer_count_rule("unhealed pressure ulcer stage 2+ or unstageable",
                                   "úlcera por presión no cicatrizada estadio 2+ o no estadificable"),
    ),
    13: (
        when([("K0520B3", "K0510B2")], _YES, "feeding tube while a resident",
             "sonda de alimentación como residente", BASIS_SUCCESSOR),
    ),
    14: (
        when(["J1550A"], _YES, "fever", "fiebre"),
        when(["J1550B"], _YES, "vomiting", "vómitos"),
        when(["J1550C"], _YES, "dehydrated", "deshidratación"),
        when(["J1550D"], _YES, "internal bleeding", "sangrado interno"),
        when(["I1700", "I2000", "I2100", "I2200", "I2300", "I2400", "I2500", "M1040A"], _YES,
             "infection", "infección"),
        when(["H0600"], _YES, "constipation", "estreñimiento"),
        when([("K0520A2", "K0510A1"), ("K0520A3", "K0510A2")], _YES, "parenteral/IV feeding",
             "alimentación parenteral/IV", BASIS_SUCCESSOR),
        when([("K0520B2", "K0510B1"), ("K0520B3", "K0510B2")], _YES, "feeding tube",
             "sonda de alimentación", BASIS_SUCCESSOR),
    ),
    15: (
        when([f"L0200{c}" for c in "ABCDEF"], _YES, "dental or oral problem", "problema dental u oral"),
    ),
    16: (
        gg_when(["GG0170A", "GG0170B", "GG0170C"], eq("01", "02", "03", "04", "88"),
                "bed mobility needs help or not attempted for medical reasons (GG 01–04, 88)",
                "movilidad en cama requiere ayuda o no intentada por razones médicas (GG 01–04, 88)"),
        when(["H0300"], eq("2", "3"), "frequent urinary incontinence", "incontinencia urinaria frecuente"),
        when(["H0400"], eq("2", "3"), "frequent bowel incontinence", "incontinencia fecal frecuente"),
        when(["K0300"], eq("2"), "weight loss not prescribed", "pérdida de peso no prescrita"),
        when(["M0150"], _YES, "at risk of pressure ulcers", "en riesgo de úlceras por presión"),
        _pressure_ulcer_count_rule("unhealed pressure ulcer stage 2+ or unstageable",
                                   "úlcera por presión no cicatrizada estadio 2+ o no estadificable"),
        when([("M0300A1", "M0300A")], between(1, 9), "stage 1 pressure injury", "lesión por presión estadio 1",
             BASIS_SUCCESSOR),
        when(["P0100B", "P0100E"], _RESTRAINT_USED, "trunk restraint", "restricción de tronco"),
    ),
    17: (
        when([("N0415A1", "N0410A"), ("N0415B1", "N0410B"), ("N0415C1", "N0410C"), ("N0415D1", "N0410D")],
             lambda v: v == "1" or _in_range(v, 1, 7), "psychotropic medication taken",
             "toma medicamento psicotrópico", BASIS_SUCCESSOR),
    ),
    18: (
        when([f"P0100{c}" for c in "ABCDEFGH"], _RESTRAINT_USED, "physical restraint used",
             "restricción física usada"),
    ),
    19: (
        when(["J0510"], between(2, 4), "pain affects sleep (occasionally or more)",
             "el dolor afecta el sueño (ocasionalmente o más)", BASIS_SUCCESSOR),
        gated(lambda a: not has_info(a.get("J0510")),
              when(["J0500A"], _YES, "pain made it hard to sleep", "el dolor dificultó dormir")),
        when(["J0530"], between(2, 4), "pain limits day-to-day activities (occasionally or more)",
             "el dolor limita las actividades diarias (ocasionalmente o más)", BASIS_SUCCESSOR),
        gated(lambda a: not has_info(a.get("J0530")),
              when(["J0500B"], _YES, "pain limited day-to-day activities",
                   "el dolor limitó las actividades diarias")),
        when(["J0600A"], between(7, 10), "pain rated 7–10", "dolor calificado 7–10"),
        when(["J0600B"], eq("3", "4"), "severe or very severe pain", "dolor intenso o muy intenso"),
        gated(_frequent_moderate_pain,
              when(["J0400"], eq("1", "2"), _FREQ_PAIN_EN, _FREQ_PAIN_ES),
              when(["J0600A"], between(4, 10), _FREQ_PAIN_EN, _FREQ_PAIN_ES),
              when(["J0600B"], between(2, 4), _FREQ_PAIN_EN, _FREQ_PAIN_ES)),
        when(["J0800A", "J0800B", "J0800C", "J0800D"], _YES, "staff-observed pain indicators",
             "indicadores de dolor observados por el personal"),
    ),
    20: (
        when(["Q0600"], _YES, "referral to local contact agency is or may be needed",
             "puede necesitarse derivación a la agencia local de contacto"),
    ),
}


def _prior_context(answers: Mapping[str, str], prior: Mapping[str, str] | None) -> dict[str, str]:
    """Prior scores for the "worse than prior" CATs.

    Section V on the current record (V0100D BIMS, V0100E PHQ resident, V0100F PHQ staff) is the
    authority; the prior assessment's own answers fill in when Section V is blank.
    """
    prior = prior or {}
    sources = {"V0100D": ("C0500",), "V0100E": ("D0160", "D0300"), "V0100F": ("D0600",)}
    ctx: dict[str, str] = {}
    for v_item, prior_items in sources.items():
        found = _lookup(answers, v_item) or _lookup(prior, *prior_items)
        if found:
            ctx[v_item] = found[1]
    return ctx


def evaluate(answers: Mapping[str, str], *, prior: Mapping[str, str] | None = None) -> list[TriggeredArea]:
    """Every care area the answers trigger, in CAA order, each with the reasons that fired it."""
    ctx = _prior_context(answers, prior)
    caa_process = carries_caa_process(answers)
    triggered = []
    for area in CARE_AREAS:
        reasons: list[Reason] = []
        for rule in AREA_RULES[area.caa]:
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
