"""Reason for assessment (RFA): the A0310A/B/E/F/G/H combinations of an MDS 3.0 record.

Item values are the CMS ones (the data specifications' valid values; docs/item-sets.md):

- A0310A federal OBRA reason: 01 admission, 02 quarterly, 03 annual, 04 significant change,
  05 significant correction to prior comprehensive, 06 significant correction to prior quarterly, 99 none.
- A0310B PPS assessment: 01 5-day, 08 IPA, 99 none.
- A0310E first assessment since the most recent entry: 0/1 (edits -3920, -3953).
- A0310F entry/discharge: 01 entry, 10 discharge return not anticipated, 11 discharge return
  anticipated, 12 death in facility, 99 none.
- A0310G type of discharge (only if A0310F = 10 or 11): 1 planned, 2 unplanned.
- A0310H SNF Part A PPS discharge: 0/1.

Combination rules (RAI Manual ch. 2 "combining assessments"; data-spec edits):
- entry and death tracking records stand alone (A0310A = A0310B = 99, A0310H = 0);
- the IPA (A0310B = 08) stands alone and has A0310E = 0 (-3953);
- A0310E = 1 only with A0310A 01-06, A0310B 01 or A0310F 10/11 (-3920);
- at least one reason must be given (an all-"none" record has a dashed ISC and is rejected, -3607).
The item subset code itself is derived in mds/record/isc.py (another module); this module only decides
which combinations a coordinator may start and what they are called.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from facility.core.forms import N_
from mds.i18n import T_

A0310A_VALUES = ("01", "02", "03", "04", "05", "06", "99")
A0310B_VALUES = ("01", "08", "99")
A0310F_VALUES = ("01", "10", "11", "12", "99")
A0310H_VALUES = ("0", "1")
A0310E_VALUES = ("0", "1")
A0310G_VALUES = ("1", "2")

OBRA_KIND = {
    "01": "admission",
    "02": "quarterly",
    "03": "annual",
    "04": "significant_change",
    "05": "significant_correction_comprehensive",
    "06": "significant_correction_quarterly",
}
PPS_KIND = {"01": "pps_5day", "08": "ipa"}
ENTRY_DISCHARGE_KIND = {"01": "entry", "10": "discharge_rna", "11": "discharge_ra", "12": "death"}
PPS_DISCHARGE = "pps_discharge"

# Every kind, in the order a coordinator thinks of them (also the order of rfa_choices()).
KINDS = (
    "admission",
    "quarterly",
    "annual",
    "significant_change",
    "significant_correction_comprehensive",
    "significant_correction_quarterly",
    "pps_5day",
    "ipa",
    "discharge_ra",
    "discharge_rna",
    "pps_discharge",
    "entry",
    "death",
)
# Comprehensive = full NC item set with CAAs and care plan (A0310A 01, 03, 04, 05; DOMAIN §2 ISC table).
COMPREHENSIVE_A0310A = frozenset({"01", "03", "04", "05"})

KIND_LABELS: dict[str, str] = {
    "admission": N_("Admission (OBRA)"),
    "quarterly": N_("Quarterly (OBRA)"),
    "annual": N_("Annual (OBRA)"),
    "significant_change": N_("Significant change in status"),
    "significant_correction_comprehensive": N_("Significant correction to prior comprehensive"),
    "significant_correction_quarterly": N_("Significant correction to prior quarterly"),
    "pps_5day": N_("5-day PPS"),
    "ipa": N_("Interim Payment Assessment (IPA)"),
    "discharge_ra": N_("Discharge, return anticipated"),
    "discharge_rna": N_("Discharge, return not anticipated"),
    "pps_discharge": N_("Part A PPS discharge"),
    "entry": N_("Entry tracking record"),
    "death": N_("Death in facility tracking record"),
}

MESSAGES: dict[str, str] = {
    "bad_value": N_("%(item)s has an invalid value: %(value)r."),
    "no_reason": N_("Choose at least one reason for assessment (A0310A, B, F or H)."),
    "tracking_alone": N_("Entry and death tracking records cannot be combined with an assessment."),
    "ipa_alone": N_("The Interim Payment Assessment (IPA) cannot be combined with another assessment."),
    "ipa_first": N_("An IPA is never the first assessment since entry: A0310E must be 0 (edit -3953)."),
    "first_needs_reason": N_(
        "A0310E = 1 requires an OBRA assessment, a 5-day PPS or a discharge assessment (edit -3920)."
    ),
    "e_missing": N_("A0310E (first assessment since entry) is required on assessments."),
    "g_only_discharge": N_(
        "A0310G (planned/unplanned) is completed only on discharge assessments (A0310F = 10 or 11)."
    ),
    "g_missing": N_("A0310G (planned or unplanned discharge) is required on a discharge assessment."),
}


class InvalidRfa(ValueError):
    """An A0310 combination CMS would reject; `errors` holds (message id, params) pairs."""

    def __init__(self, errors: list[tuple[str, dict[str, str]]]):
        self.errors = errors
        super().__init__("; ".join(message(mid, "en", **params) for mid, params in errors))


def message(message_id: str, lang: str = "en", **params: str) -> str:
    return T_(MESSAGES[message_id], **params)[lang if lang in ("en", "es") else "en"]


@dataclass(frozen=True)
class Rfa:
    """One reason-for-assessment combination. `e`/`g` are None when not asked (tracking, non-discharge)."""

    a: str = "99"
    b: str = "99"
    f: str = "99"
    h: str = "0"
    e: str | None = None
    g: str | None = None

    @property
    def code(self) -> str:
        """Stable form value for the A/B/F/H part, e.g. "01-01-99-0"."""
        return f"{self.a}-{self.b}-{self.f}-{self.h}"

    def to_items(self) -> dict[str, str]:
        """MDS item → value; A0310E/G are "^" (skipped) when not applicable, as CMS expects."""
        return {
            "A0310A": self.a,
            "A0310B": self.b,
            "A0310E": self.e if self.e is not None else "^",
            "A0310F": self.f,
            "A0310G": self.g if self.g is not None else "^",
            "A0310H": self.h,
        }


def from_code(code: str, e: str | None = None, g: str | None = None) -> Rfa:
    """Inverse of `Rfa.code` (the value posted by the start-assessment form)."""
    parts = code.split("-")
    if len(parts) != 4:
        raise InvalidRfa([("bad_value", {"item": "RFA", "value": code})])
    return Rfa(a=parts[0], b=parts[1], f=parts[2], h=parts[3], e=e, g=g)


def from_items(items: dict[str, str]) -> Rfa:
    """Read the RFA from an assessment's item values ("^" / blank = not applicable)."""

    def opt(name: str) -> str | None:
        value = (items.get(name) or "").strip()
        return None if value in ("", "^", "-") else value

    return Rfa(
        a=opt("A0310A") or "99",
        b=opt("A0310B") or "99",
        f=opt("A0310F") or "99",
        h=opt("A0310H") or "0",
        e=opt("A0310E"),
        g=opt("A0310G"),
    )


def is_tracking(rfa: Rfa) -> bool:
    """Entry or death-in-facility tracking record (no ARD, NT item subset)."""
    return rfa.f in ("01", "12")


def is_discharge(rfa: Rfa) -> bool:
    """OBRA discharge assessment (return anticipated or not)."""
    return rfa.f in ("10", "11")


def is_obra(rfa: Rfa) -> bool:
    """A federal OBRA assessment (A0310A 01-06): these set the 92-day quarterly clock."""
    return rfa.a in OBRA_KIND


def is_comprehensive(rfa: Rfa) -> bool:
    """Admission, annual, significant change or significant correction to prior comprehensive."""
    return rfa.a in COMPREHENSIVE_A0310A


def is_pps(rfa: Rfa) -> bool:
    """A Medicare PPS assessment: 5-day, IPA or Part A PPS discharge."""
    return rfa.b in PPS_KIND or rfa.h == "1"


def kinds_of(rfa: Rfa) -> tuple[str, ...]:
    """Every requirement this record satisfies, e.g. admission + 5-day PPS → ("admission", "pps_5day")."""
    kinds: list[str] = []
    if rfa.a in OBRA_KIND:
        kinds.append(OBRA_KIND[rfa.a])
    if rfa.b in PPS_KIND:
        kinds.append(PPS_KIND[rfa.b])
    if rfa.f in ENTRY_DISCHARGE_KIND:
        kinds.append(ENTRY_DISCHARGE_KIND[rfa.f])
    if rfa.h == "1":
        kinds.append(PPS_DISCHARGE)
    return tuple(sorted(kinds, key=KINDS.index))


def kind_of(rfa: Rfa) -> str:
    """The primary kind (OBRA reason first, then PPS, then entry/discharge, then Part A discharge)."""
    kinds = kinds_of(rfa)
    if not kinds:
        raise InvalidRfa([("no_reason", {})])
    return kinds[0]


def label(rfa: Rfa, lang: str = "en") -> str:
    """Human label, e.g. "Admission (OBRA) + 5-day PPS"."""
    return " + ".join(T_(KIND_LABELS[k])[lang if lang in ("en", "es") else "en"] for k in kinds_of(rfa))


def _value_errors(rfa: Rfa) -> list[tuple[str, dict[str, str]]]:
    checks = (
        ("A0310A", rfa.a, A0310A_VALUES),
        ("A0310B", rfa.b, A0310B_VALUES),
        ("A0310F", rfa.f, A0310F_VALUES),
        ("A0310H", rfa.h, A0310H_VALUES),
    )
    errors = [("bad_value", {"item": i, "value": v}) for i, v, ok in checks if v not in ok]
    if rfa.e is not None and rfa.e not in A0310E_VALUES:
        errors.append(("bad_value", {"item": "A0310E", "value": rfa.e}))
    if rfa.g is not None and rfa.g not in A0310G_VALUES:
        errors.append(("bad_value", {"item": "A0310G", "value": rfa.g}))
    return errors


def combination_errors(rfa: Rfa) -> list[tuple[str, dict[str, str]]]:
    """Errors of the A/B/F/H combination alone (what the start-assessment form decides)."""
    errors = _value_errors(rfa)
    if errors:
        return errors
    if not kinds_of(rfa):
        return [("no_reason", {})]
    if is_tracking(rfa) and (rfa.a != "99" or rfa.b != "99" or rfa.h != "0"):
        errors.append(("tracking_alone", {}))
    if rfa.b == "08" and (rfa.a != "99" or rfa.f != "99" or rfa.h != "0"):
        errors.append(("ipa_alone", {}))
    return errors


def validate(rfa: Rfa) -> list[tuple[str, dict[str, str]]]:
    """All RFA errors including A0310E (-3920, -3953) and A0310G; [] when the record is valid."""
    errors = combination_errors(rfa)
    if errors:
        return errors
    if is_tracking(rfa):
        # NT item set: A0310E/G are not on tracking records.
        if rfa.g is not None:
            errors.append(("g_only_discharge", {}))
        return errors
    if rfa.e is None:
        errors.append(("e_missing", {}))
    elif rfa.e == "1":
        if rfa.b == "08":
            errors.append(("ipa_first", {}))
        elif not (is_obra(rfa) or rfa.b == "01" or is_discharge(rfa)):
            errors.append(("first_needs_reason", {}))
    if is_discharge(rfa) and rfa.g is None:
        errors.append(("g_missing", {}))
    if not is_discharge(rfa) and rfa.g is not None:
        errors.append(("g_only_discharge", {}))
    return errors


def ensure_valid(rfa: Rfa) -> Rfa:
    errors = validate(rfa)
    if errors:
        raise InvalidRfa(errors)
    return rfa


def first_since_entry(rfa: Rfa, prior_since_entry: int) -> str:
    """A0310E for a new record: 1 when no OBRA/5-day/discharge record exists since the latest entry.

    `prior_since_entry` counts such records (not IPAs, not standalone PPS discharges) with an ARD on
    or after the most recent entry date (A1600).
    """
    qualifies = is_obra(rfa) or rfa.b == "01" or is_discharge(rfa)
    return "1" if qualifies and prior_since_entry == 0 else "0"


def valid_combinations() -> list[Rfa]:
    """Every valid A/B/F/H combination (A0310E/G left to the form), in KINDS order."""
    combos = [
        Rfa(a=a, b=b, f=f, h=h)
        for a, b, f, h in product(A0310A_VALUES, A0310B_VALUES, A0310F_VALUES, A0310H_VALUES)
    ]
    valid = [r for r in combos if not combination_errors(r)]
    return sorted(valid, key=lambda r: tuple(KINDS.index(k) for k in kinds_of(r)))


def rfa_choices(lang: str = "en") -> list[dict[str, str]]:
    """Options for the start-assessment form: value (Rfa.code), label, and group (primary kind)."""
    return [
        {
            "value": r.code,
            "label": label(r, lang),
            "group": T_(KIND_LABELS[kind_of(r)])[lang if lang in ("en", "es") else "en"],
            "kind": kind_of(r),
        }
        for r in valid_combinations()
    ]
