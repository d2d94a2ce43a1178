"""Sign and lock an MDS assessment; build correction records (RAI Manual ch. 5; docs/SECURITY-STATUS.md target 22).

- The lock hash is a SHA-256 over a canonical encoding of item → value (sorted keys, UTF-8 JSON
  without whitespace), so the same answers always give the same hash and any change in the
  database is detected by `verify` (tampered records are blocked from export by the caller).
- Z0400 attestations: each person who completed a section signs with name, title, sections and
  date; together they must cover every completed section (RAI Manual Z0400, via mdslearninghub).
- Z0500A/B: completion signature of the RN assessment coordinator; Z0500B ≥ A2300 (-3851).
- Corrections of an accepted record: modification (A0050=2) with X0900 reasons or inactivation
  (A0050=3) with X1050 reasons, X0800 = "01", "02", … in sequence (-3783, fatal), X1100 RN
  attestation; X0150-X0700 locate the prior record (-3977). Nothing is ever overwritten: a
  correction is a new version linked to the previous one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from facility.core.forms import N_
from mds.i18n import T_

# facility.tables.ROLES: who may attest a section / sign completion.
Z0400_ROLES = frozenset({"mds_coordinator", "nurse"})
Z0500_ROLES = frozenset({"mds_coordinator"})
RN_TITLES = frozenset({"RN", "RN, BSN", "BSN", "MSN", "RN-BC", "RNAC"})

# X0900 modification reasons and X1050 inactivation reasons (MDS 3.0 Section X).
X0900_REASONS = {
    "X0900A": N_("Transcription error"),
    "X0900B": N_("Data entry error"),
    "X0900C": N_("Software product error"),
    "X0900D": N_("Item coding error"),
    "X0900Z": N_("Other error requiring modification"),
}
X1050_REASONS = {
    "X1050A": N_("Event did not occur"),
    "X1050Z": N_("Other error requiring inactivation"),
}
A0050_FOR = {"modify": "2", "inactivate": "3"}

# Locator items of a correction record, taken from the prior record's A items (-3977).
LOCATOR_FROM = {
    # X0300 (gender) locates records of item sets 1.18.11/1.19.1 from A0800; 1.20.1 replaced both with X0310/A0810
    # (sex). Each item set carries only its own pair, and the caller keeps the X items of the record's set.
    "X0150": "A0200",
    "X0200A": "A0500A",
    "X0200C": "A0500C",
    "X0300": "A0800",
    "X0310": "A0810",
    "X0400": "A0900",
    "X0500": "A0600A",
    "X0600A": "A0310A",
    "X0600B": "A0310B",
    "X0600F": "A0310F",
    "X0600H": "A0310H",
    "X0700A": "A2300",
    "X0700B": "A2000",
    "X0700C": "A1600",
}

MESSAGES: dict[str, str] = {
    "role_z0400": N_("%(name)s cannot attest MDS sections with the role %(role)s."),
    "role_z0500": N_("Only the RN assessment coordinator can sign completion (Z0500); %(name)s cannot."),
    "not_rn": N_("The completion signature (Z0500A) requires an RN title; %(name)s has %(title)r."),
    "attestation_incomplete": N_("The attestation of %(name)s lacks a name, title, date or sections."),
    "future_date": N_("%(item)s date %(value)s is after today."),
    "before_ard": N_("%(item)s date %(value)s is before the assessment reference date (edit -3851)."),
    "sections_unattested": N_("No Z0400 attestation covers section(s) %(sections)s."),
    "bad_kind": N_("A correction is a modification or an inactivation, not %(kind)r."),
    "no_reason": N_("Give at least one reason (%(items)s)."),
    "bad_reason": N_("%(reason)s is not a valid reason here (%(items)s)."),
    "other_needs_text": N_("Describe the error when choosing %(reason)s."),
    "inactivated": N_("This record was inactivated; it cannot be corrected again."),
    "not_accepted": N_("Only an accepted record is corrected with a correction record; edit it instead."),
    "chain_broken": N_("Correction numbers (X0800) are not 01, 02, … in sequence: %(numbers)s."),
    "too_many": N_("X0800 cannot exceed 99."),
}


def message(message_id: str, lang: str = "en", **params: object) -> str:
    return T_(MESSAGES[message_id], **params)[lang if lang in ("en", "es") else "en"]


class SigningError(ValueError):
    """A signature or correction CMS (or the RAI process) would not accept; `errors` = (id, params)."""

    def __init__(self, errors: list[tuple[str, dict[str, object]]]):
        self.errors = errors
        super().__init__("; ".join(message(mid, "en", **params) for mid, params in errors))


# ---------------------------------------------------------------- lock hash


def canonical_content(items: Mapping[str, object]) -> bytes:
    """Stable bytes for item → value: sorted keys, values as strings (None kept as null), UTF-8."""
    normal: dict[str, str | None] = {}
    for key, value in items.items():
        if not isinstance(key, str):
            raise TypeError(f"item ids are strings, got {key!r}")
        normal[key] = None if value is None else str(value)
    return json.dumps(normal, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def content_hash(items: Mapping[str, object]) -> str:
    return hashlib.sha256(canonical_content(items)).hexdigest()


def verify(items: Mapping[str, object], stored_hash: str) -> bool:
    """True when the items still hash to what was stored at signing (constant-time compare)."""
    return hmac.compare_digest(content_hash(items), stored_hash)


# ---------------------------------------------------------------- signatures


@dataclass(frozen=True)
class Signer:
    user_id: int
    name: str
    title: str
    role: str


@dataclass(frozen=True)
class Attestation:
    """One Z0400 line: who attested which sections on which date."""

    signer: Signer
    sections: tuple[str, ...]
    signed_on: date


def _date_errors(
    item: str, value: date, ard: date | None, today: date
) -> list[tuple[str, dict[str, object]]]:
    errors: list[tuple[str, dict[str, object]]] = []
    if value > today:
        errors.append(("future_date", {"item": item, "value": value.isoformat()}))
    if ard is not None and value < ard:
        errors.append(("before_ard", {"item": item, "value": value.isoformat()}))
    return errors


def attestation_errors(
    attestations: Sequence[Attestation], completed_sections: Iterable[str], today: date
) -> list[tuple[str, dict[str, object]]]:
    """Z0400: allowed roles, complete lines, no future dates, and every completed section covered."""
    errors: list[tuple[str, dict[str, object]]] = []
    covered: set[str] = set()
    for att in attestations:
        s = att.signer
        if s.role not in Z0400_ROLES:
            errors.append(("role_z0400", {"name": s.name, "role": s.role}))
            continue
        if not (s.name.strip() and s.title.strip() and att.sections):
            errors.append(("attestation_incomplete", {"name": s.name or "?"}))
            continue
        errors += _date_errors("Z0400", att.signed_on, None, today)
        covered |= set(att.sections)
    missing = sorted(set(completed_sections) - covered)
    if missing:
        errors.append(("sections_unattested", {"sections": ", ".join(missing)}))
    return errors


def completion_errors(
    signer: Signer,
    z0500b: date,
    ard: date | None,
    today: date,
    attestations: Sequence[Attestation],
    completed_sections: Iterable[str],
) -> list[tuple[str, dict[str, object]]]:
    """Z0500A/B: RN coordinator, A2300 ≤ Z0500B ≤ today (-3851), all sections attested."""
    errors: list[tuple[str, dict[str, object]]] = []
    if signer.role not in Z0500_ROLES:
        errors.append(("role_z0500", {"name": signer.name}))
    elif signer.title.strip().upper() not in RN_TITLES:
        errors.append(("not_rn", {"name": signer.name, "title": signer.title}))
    errors += _date_errors("Z0500B", z0500b, ard, today)
    errors += attestation_errors(attestations, completed_sections, today)
    return errors


@dataclass(frozen=True)
class Lock:
    content_hash: str
    z0500a: str
    z0500b: date
    signer_user_id: int


def lock(
    items: Mapping[str, object],
    signer: Signer,
    z0500b: date,
    today: date,
    attestations: Sequence[Attestation],
    completed_sections: Iterable[str],
) -> Lock:
    """Validate the completion signature and return what is stored: the hash of the signed items."""
    ard = _parse_mds_date(items.get("A2300"))
    errors = completion_errors(signer, z0500b, ard, today, attestations, completed_sections)
    if errors:
        raise SigningError(errors)
    return Lock(content_hash(items), signer.name, z0500b, signer.user_id)


def _parse_mds_date(value: object) -> date | None:
    """MDS dates are YYYYMMDD; '-', '^' or blank mean no date."""
    text = str(value or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


# ---------------------------------------------------------------- corrections


@dataclass(frozen=True)
class Version:
    """One stored version of an assessment: the original (A0050=1, X0800 "00") or a correction."""

    a0050: str
    x0800: str
    state: str = "accepted"


@dataclass(frozen=True)
class CorrectionRecord:
    a0050: str
    x0800: str
    reasons: tuple[str, ...]
    other_text: str
    attestation: Signer
    attested_on: date

    def section_x(self) -> dict[str, str]:
        """X0800-X1100 items of the record (reasons checked "1", the others "0"; other_text is kept
        by the caller with the record, not as an item)."""
        reason_items = X0900_REASONS if self.a0050 == "2" else X1050_REASONS
        items = {"A0050": self.a0050, "X0800": self.x0800}
        items |= {code: ("1" if code in self.reasons else "0") for code in reason_items}
        first, _, last = self.attestation.name.partition(" ")
        items |= {
            "X1100A": first,
            "X1100B": last,
            "X1100C": self.attestation.title,
            "X1100D": self.attestation.name,
            "X1100E": self.attested_on.strftime("%Y%m%d"),
        }
        return items


def x0800_sequence_errors(versions: Sequence[Version]) -> list[tuple[str, dict[str, object]]]:
    """-3783: corrections carry X0800 01, 02, … without gaps or repeats, in version order."""
    numbers = [v.x0800 for v in versions if v.a0050 in ("2", "3")]
    expected = [f"{n:02d}" for n in range(1, len(numbers) + 1)]
    return [] if numbers == expected else [("chain_broken", {"numbers": ", ".join(numbers)})]


def next_correction(
    prior_records: Sequence[Version],
    kind: str,
    reasons: Iterable[str],
    attestation: Signer,
    attested_on: date,
    today: date,
    other_text: str = "",
) -> CorrectionRecord:
    """The next modification (A0050=2) or inactivation (A0050=3) of an accepted record."""
    errors: list[tuple[str, dict[str, object]]] = []
    if kind not in A0050_FOR:
        raise SigningError([("bad_kind", {"kind": kind})])
    allowed = X0900_REASONS if kind == "modify" else X1050_REASONS
    reasons = tuple(sorted(set(reasons)))
    if any(v.a0050 == "3" for v in prior_records):
        errors.append(("inactivated", {}))
    if not prior_records or prior_records[0].state != "accepted":
        errors.append(("not_accepted", {}))
    errors += x0800_sequence_errors(prior_records)
    items = ", ".join(allowed)
    if not reasons:
        errors.append(("no_reason", {"items": items}))
    errors += [("bad_reason", {"reason": r, "items": items}) for r in reasons if r not in allowed]
    errors += [
        ("other_needs_text", {"reason": r}) for r in reasons if r.endswith("Z") and not other_text.strip()
    ]
    if attestation.role not in Z0500_ROLES:
        errors.append(("role_z0500", {"name": attestation.name}))
    elif attestation.title.strip().upper() not in RN_TITLES:
        errors.append(("not_rn", {"name": attestation.name, "title": attestation.title}))
    errors += _date_errors("X1100E", attested_on, None, today)
    count = sum(1 for v in prior_records if v.a0050 in ("2", "3"))
    if count >= 99:
        errors.append(("too_many", {}))
    if errors:
        raise SigningError(errors)
    return CorrectionRecord(
        A0050_FOR[kind], f"{count + 1:02d}", reasons, other_text.strip(), attestation, attested_on
    )


def locator_items(prior_items: Mapping[str, object]) -> dict[str, str]:
    """X0150-X0700C copied from the prior record so iQIES can find it (-3977)."""
    return {x: str(prior_items[a]) for x, a in LOCATOR_FROM.items() if prior_items.get(a) not in (None, "")}


@dataclass(frozen=True)
class ItemChange:
    item: str
    before: str | None
    after: str | None


def diff(before: Mapping[str, object], after: Mapping[str, object]) -> list[ItemChange]:
    """Item-level differences between two versions, sorted by item id (None = absent)."""

    def norm(v: object) -> str | None:
        return None if v is None else str(v)

    return [
        ItemChange(k, norm(before.get(k)), norm(after.get(k)))
        for k in sorted(set(before) | set(after))
        if norm(before.get(k)) != norm(after.get(k))
    ]
