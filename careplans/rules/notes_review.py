"""Nursing documentation vs the care plan (pure): what the MDS coordinator reviews.

1. Interventions on active problems with no documentation (done / refused / not done) in N days.
2. Progress notes that mention a condition the care plan does not address (falls, pressure
   ulcer, weight loss, pain, behaviours): a plain keyword match in English and Spanish, plus
   ICD-10-CM code prefixes, reporting exactly which words or codes matched. A mention preceded
   closely by a negation ("denies pain", "sin dolor", "no falls") is ignored, and the matched
   words are shown so a nurse can judge the hit. This is a screen, not NLP.
3. Changes in condition that may need a Significant Change in Status Assessment (SCSA): the RAI
   Manual (ch. 2, SCSA guidelines) says an SCSA is generally warranted when there is a decline in
   two or more areas, or an improvement in two or more areas, that is not self-limiting. We compare
   a few MDS-coded areas between two assessments (or an assessment and current observations) and
   flag 2+ areas moving the same way. The IDT decides; this only prompts the review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from careplans.i18n import T_
from careplans.rules.compliance import CarePlanProblem
from careplans.rules.triggers import GG_COLUMNS, gg_column
from facility.core.forms import N_

DEFAULT_UNDOCUMENTED_DAYS = 3
NEGATION_WINDOW_WORDS = 3
NEGATIONS = frozenset(
    {
        "no",
        "not",
        "denies",
        "denied",
        "without",
        "negative",
        "niega",
        "nego",
        "sin",
        "ningun",
        "ninguna",
        "nunca",
    }
)

MESSAGES: dict[str, str] = {
    "note_condition_not_in_plan": N_(
        "Note mentions %(label)s (%(matched)s) but the care plan has no problem for it"
    ),
    "scsa_no": N_("Fewer than 2 areas changed in the same direction"),
    "scsa_decline": N_(
        "Decline in 2+ areas (%(areas)s): IDT to consider a Significant Change in Status Assessment"
    ),
    "scsa_improvement": N_(
        "Improvement in 2+ areas (%(areas)s): IDT to consider a Significant Change in Status Assessment"
    ),
}

SCSA_CITATION = (
    "RAI Manual v1.20.1 ch. 2, Significant Change in Status Assessment: a decline or an improvement "
    "in two or more areas that will not resolve itself generally warrants an SCSA"
)


# --------------------------------------------------------------------------- interventions


@dataclass(frozen=True, slots=True)
class InterventionRecord:
    intervention_id: str
    at: datetime
    status: str  # done | refused | not_done — any of them counts as documentation


@dataclass(frozen=True, slots=True)
class UndocumentedIntervention:
    problem_id: str
    intervention_id: str
    text: str
    last_documented_at: datetime | None
    days_without: int | None  # None = never documented


def undocumented_interventions(
    problems: Iterable[CarePlanProblem],
    records: Iterable[InterventionRecord],
    now: datetime,
    days: int = DEFAULT_UNDOCUMENTED_DAYS,
) -> list[UndocumentedIntervention]:
    """Interventions of active problems with no record in the last `days` days."""
    last: dict[str, datetime] = {}
    for r in records:
        if r.at <= now and (r.intervention_id not in last or r.at > last[r.intervention_id]):
            last[r.intervention_id] = r.at
    cutoff = now - timedelta(days=days)
    out = []
    for p in problems:
        if p.status != "active":
            continue
        for iv in p.interventions:
            when = last.get(iv.id)
            if when is None or when < cutoff:
                out.append(
                    UndocumentedIntervention(
                        p.id, iv.id, iv.text, when, None if when is None else (now - when).days
                    )
                )
    return out


# --------------------------------------------------------------------------- notes vs plan


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    label_en: str
    label_es: str
    caas: frozenset[int]  # care areas whose problems address it
    words: tuple[str, ...]  # en + es, matched accent- and case-insensitively on word boundaries
    icd10_prefixes: tuple[str, ...]


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "falls",
        "Falls",
        "Caídas",
        frozenset({11}),
        (
            "fall",
            "falls",
            "fell",
            "found on floor",
            "found on the floor",
            "slid to floor",
            "caida",
            "caidas",
            "se cayo",
            "encontrado en el piso",
            "encontrada en el piso",
            "en el suelo",
        ),
        ("W01", "W05", "W06", "W07", "W08", "W10", "W18", "W19", "Z91.81"),
    ),
    Condition(
        "pressure_ulcer",
        "Pressure ulcer/injury",
        "Úlcera/lesión por presión",
        frozenset({16}),
        (
            "pressure ulcer",
            "pressure injury",
            "pressure sore",
            "bedsore",
            "decubitus",
            "deep tissue injury",
            "dti",
            "ulcera por presion",
            "lesion por presion",
            "escara",
            "llaga",
        ),
        ("L89",),
    ),
    Condition(
        "weight_loss",
        "Weight loss",
        "Pérdida de peso",
        frozenset({12, 13}),
        (
            "weight loss",
            "lost weight",
            "losing weight",
            "poor appetite",
            "poor intake",
            "perdida de peso",
            "bajo de peso",
            "bajando de peso",
            "poco apetito",
            "come poco",
        ),
        ("R63.4", "R63.0", "R64", "E43", "E44", "E46"),
    ),
    Condition(
        "pain",
        "Pain",
        "Dolor",
        frozenset({19}),
        (
            "pain",
            "painful",
            "hurts",
            "aching",
            "grimacing",
            "dolor",
            "duele",
            "adolorido",
            "adolorida",
            "muecas",
        ),
        ("R52", "G89", "M54", "M25.5"),
    ),
    Condition(
        "behaviours",
        "Behavioural symptoms",
        "Síntomas conductuales",
        frozenset({9}),
        (
            "agitated",
            "agitation",
            "aggressive",
            "combative",
            "hit staff",
            "striking",
            "yelling",
            "screaming",
            "refused care",
            "refuses care",
            "wandering",
            "exit seeking",
            "agitado",
            "agitada",
            "agresivo",
            "agresiva",
            "golpeo",
            "gritando",
            "grita",
            "rechazo el cuidado",
            "deambula",
            "intenta salir",
        ),
        ("R45.1", "R45.6", "R45.87", "F03.91", "F03.911", "F03.918"),
    ),
)

_ICD10 = re.compile(r"\b([A-TV-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")


def _fold(text: str) -> str:
    """Lower case, accents removed (so "caída" matches "caida" and vice versa)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _negated(words_before: Sequence[str]) -> bool:
    return any(w in NEGATIONS for w in words_before[-NEGATION_WINDOW_WORDS:])


def _word_hits(folded: str, phrase: str) -> bool:
    """True when `phrase` occurs as whole words at least once without a negation just before it."""
    for m in re.finditer(rf"(?<![\w]){re.escape(phrase)}(?![\w])", folded):
        before = re.findall(r"\w+", folded[: m.start()])
        if not _negated(before):
            return True
    return False


@dataclass(frozen=True, slots=True)
class NoteMention:
    note_id: str
    condition: str
    label_en: str
    label_es: str
    matched: tuple[str, ...]  # the words/codes that matched, for the explanation

    def explanation(self, lang: str) -> str:
        label = {"en": self.label_en.lower(), "es": self.label_es.lower()}  # condition names, both languages
        message = MESSAGES["note_condition_not_in_plan"]
        return T_(message, label=label, matched=", ".join(self.matched))[lang]


@dataclass(frozen=True, slots=True)
class ProgressNote:
    id: str
    written_at: datetime
    text: str


def mentions(text: str) -> dict[str, tuple[str, ...]]:
    """condition key -> matched words/codes found in `text` (negated mentions excluded)."""
    folded = _fold(text)
    codes = {c.upper() for c in _ICD10.findall(text.upper())}
    found: dict[str, tuple[str, ...]] = {}
    for cond in CONDITIONS:
        hits = [w for w in cond.words if _word_hits(folded, _fold(w))]
        hits += sorted(c for c in codes if c.startswith(cond.icd10_prefixes))
        if hits:
            found[cond.key] = tuple(hits)
    return found


def _addressed(cond: Condition, problems: Sequence[CarePlanProblem]) -> bool:
    for p in problems:
        if p.status != "active":
            continue
        if p.caa in cond.caas or any(_word_hits(_fold(p.focus), _fold(w)) for w in cond.words):
            return True
    return False


def notes_missing_from_plan(
    notes: Iterable[ProgressNote], problems: Iterable[CarePlanProblem]
) -> list[NoteMention]:
    """Mentions of a condition in notes when no active problem addresses it (by CAA or focus words)."""
    active = [p for p in problems if p.status == "active"]
    by_key = {c.key: c for c in CONDITIONS}
    out = []
    for note in notes:
        for key, matched in mentions(note.text).items():
            cond = by_key[key]
            if not _addressed(cond, active):
                out.append(NoteMention(note.id, key, cond.label_en, cond.label_es, matched))
    return out


# --------------------------------------------------------------------------- significant change


@dataclass(frozen=True, slots=True)
class AreaChange:
    area: str
    direction: str  # decline | improvement
    items: tuple[str, ...]  # e.g. ("H0300 1→3",)


def _num(answers: Mapping[str, str], item: str) -> int | None:
    value = (answers.get(item) or "").strip()
    return int(value) if value.isdigit() else None


Comparator = Callable[[Mapping[str, str], Mapping[str, str]], list[AreaChange]]


def _scale(area: str, items: Sequence[str], worse_is_higher: bool, valid: tuple[int, int]) -> Comparator:
    """Direction of change on ordinal items (e.g. H0300 0 continent … 3 always incontinent)."""
    low, high = valid

    def compare(before: Mapping[str, str], after: Mapping[str, str]) -> list[AreaChange]:
        declines: list[str] = []
        improvements: list[str] = []
        for item in items:
            b, a = _num(before, item), _num(after, item)
            if b is None or a is None or not (low <= b <= high and low <= a <= high) or a == b:
                continue
            worse = a > b if worse_is_higher else a < b
            (declines if worse else improvements).append(f"{item} {b}→{a}")
        return _changes(area, declines, improvements)

    return compare


def _changes(area: str, declines: list[str], improvements: list[str]) -> list[AreaChange]:
    out = []
    if declines:
        out.append(AreaChange(area, "decline", tuple(declines)))
    if improvements:
        out.append(AreaChange(area, "improvement", tuple(improvements)))
    return out


_GG_ITEMS = (
    "GG0130A",
    "GG0130B",
    "GG0130C",
    "GG0130E",
    "GG0130F",
    "GG0130G",
    "GG0130H",
    "GG0130I",
    "GG0170B",
    "GG0170C",
    "GG0170D",
    "GG0170E",
    "GG0170F",
    "GG0170I",
    "GG0170J",
)


def _gg_value(answers: Mapping[str, str], base: str) -> int | None:
    # Each record is read in the one performance column it carries (column 1 on the OBRA admission /
    # 5-day PPS, else column 5, as the CAA triggers read it); activity-not-attempted codes are no score.
    value = _num(answers, base + gg_column(answers))
    return value if value is not None and 1 <= value <= 6 else None


def _adl(before: Mapping[str, str], after: Mapping[str, str]) -> list[AreaChange]:
    # RAI SCSA examples: decline = newly coded partial/moderate, substantial/maximal or dependent
    # (03–01); improvement = newly independent, setup or supervision/touching (06–04).
    declines, improvements = [], []
    for base in _GG_ITEMS:
        b, a = _gg_value(before, base), _gg_value(after, base)
        if b is None or a is None:
            continue
        if b >= 4 > a:
            declines.append(f"{base} {b:02d}→{a:02d}")
        elif a >= 4 > b:
            improvements.append(f"{base} {b:02d}→{a:02d}")
    return _changes("adl", declines, improvements)


def _count_present(answers: Mapping[str, str], items: Sequence[str], threshold: int = 1) -> int | None:
    values = [_num(answers, i) for i in items]
    known = [v for v in values if v is not None]
    return sum(v >= threshold for v in known) if known else None


def _counted(area: str, items: Sequence[str]) -> Comparator:
    """More items present = decline, fewer = improvement (behaviours, pressure ulcers)."""

    def compare(before: Mapping[str, str], after: Mapping[str, str]) -> list[AreaChange]:
        b, a = _count_present(before, items), _count_present(after, items)
        if b is None or a is None or a == b:
            return []
        text = [f"{area} count {b}→{a}"]
        return _changes(area, text if a > b else [], text if a < b else [])

    return compare


def _newly(area: str, item: str, values: frozenset[str]) -> Comparator:
    """Decline when the item newly takes one of `values` (e.g. unplanned weight loss K0300=2)."""

    def compare(before: Mapping[str, str], after: Mapping[str, str]) -> list[AreaChange]:
        b, a = (before.get(item) or "").strip(), (after.get(item) or "").strip()
        if a in values and b and b not in values and b not in ("-", "^"):
            return [AreaChange(area, "decline", (f"{item} {b}→{a}",))]
        return []

    return compare


_BEHAVIOUR_ITEMS = ("E0200A", "E0200B", "E0200C", "E0800", "E0900")
_PRESSURE_ITEMS = ("M0300B1", "M0300C1", "M0300D1")
SCSA_AREAS: tuple[Comparator, ...] = (
    _scale("decision_making", ("C1000",), True, (0, 3)),
    _adl,
    _scale("urinary_continence", ("H0300",), True, (0, 3)),
    _scale("bowel_continence", ("H0400",), True, (0, 3)),
    _counted("behaviour", _BEHAVIOUR_ITEMS),
    _counted("pressure_ulcers", _PRESSURE_ITEMS),
    _newly("weight_loss", "K0300", frozenset({"2"})),
    _newly("restraint", "P0100E", frozenset({"1", "2"})),
    # D0160 PHQ-2 to 9 total severity (item sets 1.18.11+); 99 = interview not completed is no score.
    _newly(
        "mood",
        "D0160",
        frozenset(str(n) for n in range(10, 28)) | frozenset(f"{n:02d}" for n in range(10, 28)),
    ),
)
# Every MDS item the screen reads (for the test that no retired id is read); the same in 1.18.11-1.20.1.
SCSA_ITEMS_READ: tuple[str, ...] = (
    "A0310A",
    "A0310B",
    "C1000",
    "H0300",
    "H0400",
    *_BEHAVIOUR_ITEMS,
    *_PRESSURE_ITEMS,
    "K0300",
    "P0100E",
    "D0160",
    *(base + column for base in _GG_ITEMS for column in GG_COLUMNS),
)


@dataclass(frozen=True, slots=True)
class SignificantChangeScreen:
    declines: tuple[AreaChange, ...]
    improvements: tuple[AreaChange, ...]

    @property
    def may_need_scsa(self) -> bool:
        return len(self.declines) >= 2 or len(self.improvements) >= 2

    @property
    def message_id(self) -> str:
        if len(self.declines) >= 2:
            return "scsa_decline"
        return "scsa_improvement" if len(self.improvements) >= 2 else "scsa_no"

    def message(self, lang: str) -> str:
        changes = self.declines if self.message_id == "scsa_decline" else self.improvements
        return T_(MESSAGES[self.message_id], areas=", ".join(c.area for c in changes))[lang]


def significant_change_screen(before: Mapping[str, str], after: Mapping[str, str]) -> SignificantChangeScreen:
    """Compare the last OBRA assessment (`before`) with current observations coded as MDS answers."""
    changes = [c for compare in SCSA_AREAS for c in compare(before, after)]
    return SignificantChangeScreen(
        tuple(c for c in changes if c.direction == "decline"),
        tuple(c for c in changes if c.direction == "improvement"),
    )
