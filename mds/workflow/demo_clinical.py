"""Coherent clinical answers for the demo's MDS records (pure; used by mds.workflow.demo).

mds.record.testing gives records that pass the edits but answer every item at random: half the residents
would have a catheter, a pressure ulcer and an antipsychotic, and the quality measures would be
absurd. Each demo resident gets one clinical profile (seeded by the resident id) and every record of
that resident answers from it: one primary diagnosis (I0020/I0020B, mapped by the CMS PDPM ICD-10
mapping), the active diagnoses that go with it, a functional level that declines now and then, and
the few events the quality measures count.

Rates are chosen so that the demo facility's observed QM rates land near the CMS averages of the Provider
Data Catalog MDS quality measures (djen-97ju: 401 12.7, 406 1.2, 407 1.7, 410 3.3, 434 2.0, 451 15.9, 479 6.2,
481 19.1 percent); tests/integration/surveys/test_demo_data.py checks it.

Only answered items are changed (a caret left by a gateway stays), except in the blocks this module
owns as a whole (falls J1800-J1900C, pressure ulcers M0210-M0300G2, high-risk drugs N0415/N0410).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from mds.record.catalog import CARET

PERFORMANCE = ("01", "02", "03", "04", "05", "06")


@dataclass(frozen=True)
class Primary:
    icd10: str  # as entered in I0020B
    i0020: str  # I0020 condition category
    diagnoses: tuple[str, ...]  # active-diagnosis items that go with it
    surgery: tuple[str, ...] = ()  # J2300-J5000 items checked (J2100=1) for a surgical admission
    weight: int = 1
    text: str = ""  # ICD-10-CM description (shown on the utilization board)


# Primary reasons for a SNF stay, weighted roughly as they are seen (all map to a PDPM clinical
# category in the shipped CMS mapping except the last, a Return to Provider code some coders use).
PRIMARY: tuple[Primary, ...] = (
    Primary(
        "S72.001D",
        "10",
        ("I3900",),
        ("J2500",),
        9,
        text="Fracture of unspecified part of neck of right femur, subsequent encounter for closed fracture with routine healing",
    ),  # hip fracture, surgically repaired -> Other Orthopedic
    Primary(
        "Z47.1", "09", ("I3700",), ("J2310",), 5, text="Aftercare following joint replacement surgery"
    ),  # aftercare after joint replacement -> Major Joint
    Primary(
        "I69.351",
        "01",
        ("I4500", "I4900"),
        (),
        9,
        text="Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side",
    ),  # hemiplegia after stroke -> Acute Neurologic
    Primary(
        "J18.9", "13", ("I2000",), (), 7, text="Pneumonia, unspecified organism"
    ),  # pneumonia -> Pulmonary
    Primary(
        "J44.1",
        "12",
        ("I6200",),
        (),
        7,
        text="Chronic obstructive pulmonary disease with (acute) exacerbation",
    ),  # COPD exacerbation -> Pulmonary
    Primary(
        "I50.9", "12", ("I0600",), (), 9, text="Heart failure, unspecified"
    ),  # heart failure -> Cardiovascular
    Primary(
        "A41.9", "13", ("I2100",), (), 5, text="Sepsis, unspecified organism"
    ),  # sepsis -> Acute Infections
    Primary(
        "N39.0", "13", ("I2300",), (), 4, text="Urinary tract infection, site not specified"
    ),  # UTI -> Acute Infections
    Primary(
        "G30.1", "02", ("I4200",), (), 8, text="Alzheimer's disease with late onset"
    ),  # Alzheimer's disease -> Medical Management
    Primary(
        "G20", "06", ("I5300",), (), 4, text="Parkinson's disease"
    ),  # Parkinson's disease -> Acute Neurologic
    Primary(
        "E11.649", "13", ("I2900",), (), 5, text="Type 2 diabetes mellitus with hypoglycemia without coma"
    ),  # diabetes with hypoglycemia -> Medical Management
    Primary(
        "N17.9", "13", ("I1500",), (), 4, text="Acute kidney failure, unspecified"
    ),  # acute kidney failure -> Medical Management
    Primary(
        "C34.90",
        "13",
        ("I0100",),
        (),
        2,
        text="Malignant neoplasm of unspecified part of unspecified bronchus or lung",
    ),  # lung cancer -> Cancer
    Primary(
        "M17.11", "11", ("I3700",), (), 3, text="Unilateral primary osteoarthritis, right knee"
    ),  # knee osteoarthritis -> Non-Surgical Orthopedic
    Primary(
        "M62.81", "12", (), (), 1, text="Muscle weakness (generalized)"
    ),  # muscle weakness: Return to Provider (the page explains it)
)

# Chronic conditions and their prevalence among nursing-home residents (rounded, commonly cited).
CHRONIC: tuple[tuple[str, float], ...] = (
    ("I0700", 0.70),  # hypertension
    ("I4800", 0.35),  # non-Alzheimer's dementia
    ("I2900", 0.32),  # diabetes mellitus
    ("I5800", 0.40),  # depression
    ("I0200", 0.25),  # anemia
    ("I0400", 0.22),  # coronary artery disease
    ("I0600", 0.20),  # heart failure
    ("I1500", 0.18),  # renal insufficiency
    ("I3700", 0.25),  # arthritis
    ("I3800", 0.18),  # osteoporosis
    ("I5700", 0.20),  # anxiety disorder
    ("I6200", 0.15),  # asthma/COPD
    ("I0300", 0.12),  # atrial fibrillation / dysrhythmias
)
RARE_EXCLUSIONS: tuple[tuple[str, float], ...] = (("I6000", 0.02), ("I5350", 0.002), ("I5250", 0.003))

# Event rates tuned to the QM averages named in the docstring. A fall with major injury happens to
# some residents once, on a record of the last ~10 months (so the 275-day QM look-back sees it);
# the other events are drawn per record.
FALL_RATE = 0.20  # any fall since the prior assessment
MAJOR_INJURY_SHARE = 0.06
RECENT_DAYS = 300
UTI_RATE = 0.018
ADL_DECLINE_RATE = 0.12  # one-step loss on every self-care/mobility item
WALK_DECLINE_RATE = 0.02  # walking only
IMPROVE_RATE = 0.08


@dataclass
class Profile:
    primary: Primary
    diagnoses: frozenset[str]
    level: int  # 1 dependent .. 6 independent, self-care and transfers
    walker: bool  # walks at all (else walking items keep the template's not-attempted codes)
    antipsychotic: bool
    antipsychotic_from: int  # record ordinal from which it is taken (1: newly started during the stay)
    catheter: bool
    ulcer: bool
    major_fall: bool
    oxygen: bool = False
    altered_diet: bool = False
    decline: int = 0
    walk_decline: int = 0
    records: int = 0


def profile_for(key: int) -> Profile:
    """One resident's profile (seeded by ``key``, the resident id): same answers every demo build."""
    rng = random.Random(7919 * key + 17)
    primary = rng.choices(PRIMARY, weights=[p.weight for p in PRIMARY])[0]
    diagnoses = {item for item, share in CHRONIC if rng.random() < share}
    diagnoses |= {item for item, share in RARE_EXCLUSIONS if rng.random() < share}
    diagnoses |= set(primary.diagnoses)
    if "I4200" in diagnoses:
        diagnoses.discard("I4800")
    antipsychotic = ("I6000" in diagnoses) or rng.random() < 0.17
    newly = not antipsychotic and rng.random() < 0.025
    return Profile(
        primary=primary,
        diagnoses=frozenset(diagnoses),
        level=rng.choices((2, 3, 4, 5), weights=(2, 4, 4, 2))[0],
        walker=rng.random() < 0.7,
        antipsychotic=antipsychotic or newly,
        antipsychotic_from=1 if newly else 0,
        catheter=rng.random() < 0.02,
        ulcer=rng.random() < 0.10,
        major_fall=rng.random() < MAJOR_INJURY_SHARE,
        oxygen=bool(diagnoses & {"I6200", "I2000"}) or ("I0600" in diagnoses and rng.random() < 0.3),
        altered_diet=bool(diagnoses & {"I4500", "I5300", "I4200"}) and rng.random() < 0.5,
    )


def next_answers(
    profile: Profile, rng: random.Random, *, tracking: bool, recent: bool = True
) -> dict[str, str]:
    """The answers of the resident's next record (oldest first); advances the profile's state.
    ``recent``: the record's ARD is within RECENT_DAYS of today."""
    if tracking:
        return {}
    ordinal = profile.records
    profile.records += 1
    if ordinal > 0:
        roll = rng.random()
        if roll < ADL_DECLINE_RATE:
            profile.decline += 1
            profile.walk_decline += 1
        elif roll < ADL_DECLINE_RATE + WALK_DECLINE_RATE:
            profile.walk_decline += 1
        elif roll < ADL_DECLINE_RATE + WALK_DECLINE_RATE + IMPROVE_RATE and profile.decline:
            profile.decline -= 1
    out: dict[str, str] = {"I0020": profile.primary.i0020, "I0020B": profile.primary.icd10}
    out.update(_diagnoses(profile, rng, ordinal))
    out.update(_surgery(profile))
    major = profile.major_fall and recent and ordinal > 0
    profile.major_fall &= not major  # once
    out.update(_falls(rng, ordinal, major))
    out.update(_ulcers(profile))
    out.update(_drugs(profile, ordinal))
    out.update(_treatments(profile))
    out["H0100A"] = "1" if profile.catheter else "0"
    out["_level"] = str(max(1, profile.level - profile.decline))
    out["_walk"] = str(max(1, profile.level - 1 - profile.walk_decline)) if profile.walker else ""
    return out


def _diagnoses(profile: Profile, rng: random.Random, ordinal: int) -> dict[str, str]:
    out = {f"I{n:04d}": "0" for n in range(100, 7000, 100)} | {
        "I1550": "0",
        "I1650": "0",
        "I5250": "0",
        "I5350": "0",
        "I5950": "0",
    }
    out.update(
        dict.fromkeys(profile.diagnoses - {"I2300"}, "1")
    )  # a UTI is an episode, not a standing diagnosis
    primary_uti = "I2300" in profile.primary.diagnoses and ordinal == 0
    out["I2300"] = "1" if primary_uti or (ordinal > 0 and rng.random() < UTI_RATE) else "0"
    return out


def _surgery(profile: Profile) -> dict[str, str]:
    items = (
        "J2300",
        "J2310",
        "J2320",
        "J2330",
        "J2400",
        "J2410",
        "J2420",
        "J2499",
        "J2500",
        "J2510",
        "J2520",
        "J2530",
        "J2599",
        "J2600",
        "J2610",
        "J2620",
        "J2699",
        "J2700",
        "J2710",
        "J2799",
        "J2800",
        "J2810",
        "J2899",
        "J2900",
        "J2910",
        "J2920",
        "J2930",
        "J2940",
        "J5000",
    )
    out = dict.fromkeys(items, "0")
    out.update(dict.fromkeys(profile.primary.surgery, "1"))
    out["J2100"] = "1" if profile.primary.surgery else "0"
    return out


def _falls(rng: random.Random, ordinal: int, major: bool) -> dict[str, str]:
    fell = ordinal > 0 and rng.random() < FALL_RATE
    if not (fell or major):
        return {"J1800": "0", "J1900A": CARET, "J1900B": CARET, "J1900C": CARET}
    return {
        "J1800": "1",
        "J1900A": "1" if fell else "0",
        "J1900B": "1" if fell and rng.random() < 0.1 else "0",
        "J1900C": "1" if major else "0",
    }


_ULCER_STAGES = ("B", "C", "D", "E", "F", "G")


def _ulcers(profile: Profile) -> dict[str, str]:
    out = {"M0210": "1" if profile.ulcer else "0", "M0300A1": CARET if not profile.ulcer else "0"}
    for stage in _ULCER_STAGES:
        count = "1" if profile.ulcer and stage == "B" else "0"
        out[f"M0300{stage}1"] = count if profile.ulcer else CARET
        out[f"M0300{stage}2"] = ("0" if count == "1" else CARET) if profile.ulcer else CARET
    return out


def _drugs(profile: Profile, ordinal: int) -> dict[str, str]:
    """N0415 (1.18+) column 1 'is taking' and column 2 'indication noted'; N0410 days for older records."""
    taking = {
        "A": profile.antipsychotic and ordinal >= profile.antipsychotic_from,
        "C": "I5800" in profile.diagnoses,
        "B": "I5700" in profile.diagnoses and ordinal % 2 == 0,
        "E": "I0300" in profile.diagnoses,
        "J": "I2900" in profile.diagnoses,
        "D": False,
    }
    out: dict[str, str] = {}
    for cls in "ABCDEFGHIJK":
        on = taking.get(cls, False)
        out[f"N0415{cls}1"] = "1" if on else "0"
        out[f"N0415{cls}2"] = "1" if on else CARET
    out["N0415Z1"] = "0" if any(taking.values()) else "1"
    out.update({f"N0410{cls}": "7" if taking.get(cls) else "0" for cls in "ABCDEFG"})
    return out


def _treatments(profile: Profile) -> dict[str, str]:
    """Special treatments (O0110) and nutrition (K0100, K0520): none unless the profile calls for them.
    Ventilators, dialysis, parenteral feeding and the like are left to records entered by hand."""
    out = {
        f"O0110{row}{n}{col}": "0"
        for row in "ABCDEFGHIJKMO"
        for n in ("1", "2", "3", "4", "10")
        for col in "ABC"
    }
    if profile.oxygen:
        out.update({"O0110C1A": "1", "O0110C1B": "1", "O0110C2A": "1"})
    out.update({f"K0100{c}": "1" if profile.altered_diet and c == "C" else "0" for c in "ABCD"})
    therapeutic = bool(profile.diagnoses & {"I2900", "I0600", "I1500"})
    for col in "1234":
        out.update(
            {
                f"K0520A{col}": "0",
                f"K0520B{col}": "0",
                f"K0520C{col}": "1" if profile.altered_diet else "0",
                f"K0520D{col}": "1" if therapeutic else "0",
            }
        )
    return out


_NONE_OF: dict[str, tuple[str, ...]] = {
    "O0110Z1C": tuple(f"O0110{r}{n}C" for r in "ABCDEFGHIJKMO" for n in ("1", "2", "3", "4", "10")),
    **{f"K0520Z{col}": tuple(f"K0520{r}{col}" for r in "ABCD") for col in "1234"},
}


_GG_EASIER = {"GG0130A": 1, "GG0130B": 0}  # eating and oral hygiene are kept a step easier
# Items no other GG item depends on: a not-attempted code there is replaced by the resident's level.
# Walking, stairs and wheelchair items gate others (GG0170I/M/Q ...), so only their performance codes change.
_GG_FREE = tuple(f"GG0130{c}" for c in "ABCEFGHI") + tuple(f"GG0170{c}" for c in "ABCDEFGP") + ("GG0170FF",)


def apply(record: dict[str, str], answers: Mapping[str, str]) -> dict[str, str]:
    """``record`` with the profile's answers: items it carries and answers (not carets), plus the owned blocks."""
    out = dict(record)
    owned = ("J1900", "M0300", "N0415", "N0410", "J2")
    for item, value in answers.items():
        if item.startswith("_") or item not in out:
            continue
        if out[item] != CARET or item.startswith(owned) or item == "M0210":
            out[item] = value
    falls = [i for i in ("J1900A", "J1900B", "J1900C") if i in out]
    if out.get("J1800") == "1" and not any(out[i] in ("1", "2") for i in falls):
        # the item set of this record has no J1900A (fall without injury): nothing to count, so no fall
        out["J1800"] = "0"
        out.update(dict.fromkeys(falls, CARET))
    for none, options in _NONE_OF.items():  # "none of the above" follows the options the record carries
        if out.get(none) not in (None, CARET, "-"):
            out[none] = "0" if any(out.get(o) == "1" for o in options) else "1"
    level, walk = int(answers.get("_level") or 0), int(answers.get("_walk") or 0)
    for item, value in record.items():
        if not item.startswith(("GG0130", "GG0170")) or item[-1] not in "135" or value in (CARET, "-", ""):
            continue
        base = item[:-1]
        if value not in PERFORMANCE and base not in _GG_FREE:
            continue
        walking = base in ("GG0170I", "GG0170J", "GG0170K", "GG0170L")
        if walking and not walk:
            continue
        score = (walk if walking else level) + _GG_EASIER.get(base, 0)
        out[item] = f"{min(6, max(1, score)):02d}"
    return out
