"""CMS MDS 3.0 edits as pure functions over a values mapping (item id -> submitted string).

Edit ids are the negative CMS ids where CMS has one (the MDS 3.0 data specifications' edit list). Our own ids
(no CMS id was found for the rule) start with "MR-":
  MR-401 fatal    an item active on the record's item subset is missing (data-spec p.13: "the xml tags for
                  the item must be included")
  MR-402 warning  an item that is not active on the item subset is present (ignored by iQIES; rule not seen)
  MR-410 fatal    C0100 BIMS gateway skip pattern (no CMS id for the C0100 gateway was seen)
  MR-413 fatal    PHQ-2 to 9 early end: D0150A2 and D0150B2 both 0/1 end the interview, so D0150C1-D0150I2 are ^;
                  one of them 2/3 continues to the PHQ-9 (RAI manual D0150 "If both D0150A2 and D0150B2 are coded
                  0 or 1, END the PHQ interview"; MDS edit -4028 (b) "Otherwise, the PHQ-9 must be completed"; the
                  same item's skip edit in the IRF-PAI data specs V5.02.1 is -5109 (a)/(e); no MDS id was seen)
The PHQ and pain interview gateways use their CMS ids: -4026 (D0100, MDS data specs V3.01.0, 'New edit') and
-3784 (J0200, V1.02.1/V2.00.1 item page J0200); the J0300 skip patterns are -3970 (V3.01.0 item page J0410).
File/XML/structure ids (MR-1xx, MR-2xx, MR-3xx) live in mds.record.validate and mds.upload.safety.

Not implemented, and why: -3693 (FAC_ID authorization: needs the facility registry, web layer),
-3658 (A0410 needs unit certification status), -3783/-3977 sequence and prior-record lookup (need the
stored prior records; only "X0800 required on a correction" is checked here), -3810 timing warning (needs
the submission date), -4080 (Section R removed from the final v1.20.1 item set), -9xxx (informational).

`run_edits(values, items=...)` runs only the edits that read one of `items` (the entry screen runs it on
every section save); format edits then run only for those items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache

from mds.pdpm import rules as pdpm
from mds.record.catalog import CARET, DASH, DEFAULT_VERSION, Catalog, Item, get_catalog, known_versions
from mds.record.isc import derive_isc
from mds.record.skips import skipped_by

FATAL = "fatal"
WARNING = "warning"
KNOWN_ITM_SET_VERSIONS = (
    "1.00",
    "1.10",
    "1.11",
    "1.12",
    "1.13",
    "1.14",
    "1.15",
    "1.16",
    "1.17",
    "1.18",
    "1.19",
    "1.20",
)

Text = dict[str, str]  # {"en": ..., "es": ...}


@dataclass(frozen=True, slots=True)
class Finding:
    edit_id: str
    severity: str  # "fatal" | "warning"
    item: str | None
    line: int | None
    message: Text
    hint: Text

    def text(self, lang: str = "en") -> tuple[str, str]:
        return self.message.get(lang, self.message["en"]), self.hint.get(lang, self.hint["en"])


def _t(en: str, es: str) -> Text:
    return {"en": en, "es": es}


# ---------------------------------------------------------------- format edits (-3676..-3679, -3702, -3793)

_DATE_RE = re.compile(r"^[0-9]{8}$")
_BIRTH_RE = re.compile(r"^[0-9]{4}([0-9]{2}([0-9]{2})?)?$")
_DIGITS_RE = re.compile(r"^[0-9]+$")


def valid_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return False
    return True


def valid_birthdate(value: str) -> bool:
    if not _BIRTH_RE.match(value):
        return False
    if len(value) == 8:
        return valid_date(value)
    return len(value) == 4 or 1 <= int(value[4:6]) <= 12


def _special_finding(item: Item, value: str, edit_id: str) -> Finding:
    name = "caret (^, skipped)" if value == CARET else "dash (-, not assessed)"
    name_es = "acento circunflejo (^, omitido)" if value == CARET else "guion (-, no evaluado)"
    return Finding(
        edit_id,
        FATAL,
        item.id,
        None,
        _t(
            f"{item.id}: the special value {name} is not allowed for this item",
            f"{item.id}: el valor especial {name_es} no está permitido para este ítem",
        ),
        _t(
            f"Answer {item.id} with one of its listed values.",
            f"Responda {item.id} con uno de sus valores listados.",
        ),
    )


def format_finding(item: Item, value: str) -> Finding | None:
    """The format edit an item value fails, or None. Shared by run_edits and the XSD error mapper."""
    if value in (CARET, DASH) and item.type != "text":
        if value in item.special:
            return None
        return _special_finding(item, value, _FORMAT_EDIT[item.type])
    kind = item.type
    if kind in ("code", "checklist"):
        if value in item.values:
            return None
        allowed = ", ".join([*item.values, *item.special])
        return Finding(
            "-3676",
            FATAL,
            item.id,
            None,
            _t(f"{item.id}: '{value}' is not a valid code", f"{item.id}: '{value}' no es un código válido"),
            _t(f"Use one of: {allowed}.", f"Use uno de: {allowed}."),
        )
    if kind == "date":
        if valid_date(value):
            return None
        return Finding(
            "-3677",
            FATAL,
            item.id,
            None,
            _t(f"{item.id}: '{value}' is not a valid date", f"{item.id}: '{value}' no es una fecha válida"),
            _t(
                "Enter the date as YYYYMMDD, e.g. 20251001.",
                "Escriba la fecha como AAAAMMDD, p. ej. 20251001.",
            ),
        )
    if kind == "birthdate":
        if valid_birthdate(value):
            return None
        return Finding(
            "-3678",
            FATAL,
            item.id,
            None,
            _t(
                f"{item.id}: '{value}' is not a valid birth date",
                f"{item.id}: '{value}' no es una fecha de nacimiento válida",
            ),
            _t("Enter YYYYMMDD, YYYYMM or YYYY.", "Escriba AAAAMMDD, AAAAMM o AAAA."),
        )
    if kind == "numeric":
        ok = (
            _DIGITS_RE.match(value) is not None
            and (len(value) == item.width if item.width else len(value) <= item.max_digits)
            and item.min is not None
            and item.max is not None
            and item.min <= int(value) <= item.max
        )
        if ok:
            return None
        width = f", {item.width} digits" if item.width else ""
        width_es = f", {item.width} dígitos" if item.width else ""
        return Finding(
            "-3679",
            FATAL,
            item.id,
            None,
            _t(
                f"{item.id}: '{value}' is not a number from {item.min} to {item.max}{width}",
                f"{item.id}: '{value}' no es un número de {item.min} a {item.max}{width_es}",
            ),
            _t(
                "Enter digits only, no sign, within the range.",
                "Escriba solo dígitos, sin signo, dentro del rango.",
            ),
        )
    if kind == "text":
        if not value:
            return Finding(
                "-3702",
                FATAL,
                item.id,
                None,
                _t(f"{item.id}: a non-blank value is required", f"{item.id}: se requiere un valor no vacío"),
                _t(f"Enter {item.id} or ^ if it was skipped.", f"Escriba {item.id} o ^ si se omitió."),
            )
        if len(value) > (item.max_length or 0):
            return Finding(
                "-3793",
                FATAL,
                item.id,
                None,
                _t(
                    f"{item.id}: text is {len(value)} characters; the maximum is {item.max_length}",
                    f"{item.id}: el texto tiene {len(value)} caracteres; el máximo es {item.max_length}",
                ),
                _t("Shorten the text.", "Acorte el texto."),
            )
        return None
    raise ValueError(f"unknown item type {kind!r}")


_FORMAT_EDIT = {
    "code": "-3676",
    "checklist": "-3676",
    "date": "-3677",
    "birthdate": "-3678",
    "numeric": "-3679",
    "text": "-3793",
}


# ---------------------------------------------------------------- rule machinery

Check = Callable[["Ctx"], Iterable[Finding]]
Iterator_F = Iterable[Finding]


@dataclass(frozen=True)
class Rule:
    edit_id: str
    reads: frozenset[str]  # items the rule looks at (for section-scoped runs)
    check: Check


class Ctx:
    """Per-run view of the record: values, catalog, item subset and its active items."""

    __slots__ = ("values", "catalog", "isc", "active")

    def __init__(self, values: Mapping[str, str], catalog: Catalog):
        self.values = values
        self.catalog = catalog
        # iQIES recomputes the ISC from the RFA items (-3796): presence follows the recomputed subset.
        self.isc = derive_isc(values) or values.get("ITM_SBST_CD")
        self.active = catalog.active.get(self.isc or "", None)

    def get(self, item_id: str) -> str | None:
        return self.values.get(item_id)

    def present(self, ids: Iterable[str]) -> list[str]:
        """Items of `ids` that are on the record (and active on its subset when it is known)."""
        values, active = self.values, self.active
        return [i for i in ids if i in values and (active is None or i in active)]


RULES: list[Rule] = []


def rule(edit_id: str, reads: Iterable[str]) -> Callable[[Check], Check]:
    def wrap(fn: Check) -> Check:
        RULES.append(Rule(edit_id, frozenset(reads), fn))
        return fn

    return wrap


@cache
def item_range(start: str, end: str, version: str | None = None) -> tuple[str, ...]:
    """Catalog items from `start` to `end` inclusive in spec order (the specs' "items X through Y"). Without a version:
    the items of every shipped item set (current set's order first), so a rule written once covers each set's own
    ids (X0300 on 1.19.1, X0310 on 1.20.1); `Ctx.present` keeps only what the record's set has active."""
    found: dict[str, None] = {}
    for v in (version,) if version else (DEFAULT_VERSION, *known_versions()):
        found.update(
            (i, None) for i, it in get_catalog(v).items.items() if not it.control and start <= i <= end
        )
    return tuple(found)


def _f(
    edit_id: str, item: str | None, en: str, es: str, hint_en: str, hint_es: str, severity: str = FATAL
) -> Finding:
    return Finding(edit_id, severity, item, None, _t(en, es), _t(hint_en, hint_es))


def _must_be_caret(
    ctx: Ctx, edit_id: str, ids: Iterable[str], because_en: str, because_es: str
) -> Iterator_F:
    for i in ctx.present(ids):
        if ctx.values[i] != CARET:
            yield _f(
                edit_id,
                i,
                f"{i} must be ^ (skipped) because {because_en}",
                f"{i} debe ser ^ (omitido) porque {because_es}",
                f"Clear {i} (submit ^) or correct the gateway answer.",
                f"Borre {i} (envíe ^) o corrija la respuesta de entrada.",
            )


def _must_not_be_caret(
    ctx: Ctx, edit_id: str, ids: Iterable[str], because_en: str, because_es: str
) -> Iterator_F:
    for i in ctx.present(ids):
        if ctx.values[i] == CARET:
            yield _f(
                edit_id,
                i,
                f"{i} must be answered because {because_en}",
                f"{i} debe responderse porque {because_es}",
                f"Answer {i}, or correct the gateway answer.",
                f"Responda {i}, o corrija la respuesta de entrada.",
            )


# ---------------------------------------------------------------- control items, ISC and RFA


@rule("-3807", ["ITM_SET_VRSN_CD"])
def _version_code(ctx: Ctx) -> Iterator_F:
    v = ctx.get("ITM_SET_VRSN_CD")
    if v is not None and v not in KNOWN_ITM_SET_VERSIONS:
        yield _f(
            "-3807",
            "ITM_SET_VRSN_CD",
            f"ITM_SET_VRSN_CD '{v}' is not a listed item-set version",
            f"ITM_SET_VRSN_CD '{v}' no es una versión de conjunto de ítems listada",
            f"Submit the short form, e.g. {ctx.catalog.itm_set_vrsn_cd} (not {ctx.catalog.version}).",
            f"Envíe la forma corta, p. ej. {ctx.catalog.itm_set_vrsn_cd} (no {ctx.catalog.version}).",
            WARNING,
        )


@rule("-3702", ["FAC_ID"])
def _fac_id(ctx: Ctx) -> Iterator_F:
    v = ctx.get("FAC_ID")
    if v is not None and v.strip() in ("", CARET):
        yield _f(
            "-3702",
            "FAC_ID",
            "FAC_ID is required and must not be blank",
            "FAC_ID es obligatorio y no puede estar vacío",
            "Enter the facility ID assigned by the state agency.",
            "Escriba el ID del centro asignado por la agencia estatal.",
        )


_RFA = ["A0050", "A0200", "A0310A", "A0310B", "A0310F", "A0310H", "ITM_SBST_CD"]


@rule("-3607", _RFA)
def _rfa_combination(ctx: Ctx) -> Iterator_F:
    if (
        ctx.get("A0050") in ("1", "2")
        and derive_isc(ctx.values) is None
        and all(ctx.get(i) for i in ("A0200", "A0310A", "A0310B", "A0310F"))
    ):
        combo = "/".join(
            f"{i}={ctx.get(i)}" for i in ("A0200", "A0310A", "A0310B", "A0310F", "A0310H") if ctx.get(i)
        )
        yield _f(
            "-3607",
            "A0310A",
            f"This combination of reasons for assessment is not allowed ({combo})",
            f"Esta combinación de motivos de evaluación no está permitida ({combo})",
            "Correct A0310A/B/F/H to a combination listed in the ISC report.",
            "Corrija A0310A/B/F/H a una combinación del informe ISC.",
        )


@rule("-3796", _RFA)
def _isc_matches(ctx: Ctx) -> Iterator_F:
    submitted = ctx.get("ITM_SBST_CD")
    derived = derive_isc(ctx.values)
    if submitted and derived and submitted != derived:
        yield _f(
            "-3796",
            "ITM_SBST_CD",
            f"ITM_SBST_CD is {submitted} but the reasons for assessment give {derived}",
            f"ITM_SBST_CD es {submitted} pero los motivos de evaluación dan {derived}",
            f"Set ITM_SBST_CD to {derived} or correct A0310A/B/F/H.",
            f"Ponga ITM_SBST_CD en {derived} o corrija A0310A/B/F/H.",
        )


@rule("-3920", ["A0200", "A0310E", "A0310A", "A0310B", "A0310F"])
def _first_assessment(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0310E") != "1":
        return
    ok = ctx.get("A0310B") == "01" or ctx.get("A0310F") in ("10", "11")
    if ctx.get("A0200") == "1":
        ok = ok or ctx.get("A0310A") in ("01", "02", "03", "04", "05", "06")
    if not ok:
        yield _f(
            "-3920",
            "A0310E",
            "A0310E=1 (first assessment since entry) requires an OBRA, 5-day PPS or discharge assessment",
            "A0310E=1 (primera evaluación desde el ingreso) requiere una evaluación OBRA, PPS de 5 días o de alta",
            "Set A0310E to 0, or correct the reasons for assessment.",
            "Ponga A0310E en 0, o corrija los motivos de evaluación.",
        )


@rule("-3953", ["A0310B", "A0310E"])
def _ipa_not_first(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0310B") == "08" and ctx.get("A0310E") not in (None, "0"):
        yield _f(
            "-3953",
            "A0310E",
            "An interim payment assessment (A0310B=08) must have A0310E=0",
            "Una evaluación de pago interino (A0310B=08) debe tener A0310E=0",
            "Set A0310E to 0.",
            "Ponga A0310E en 0.",
        )


_X_ITEMS = ("X0150", "X1100E")


@rule("-3746", ["A0050", *item_range(*_X_ITEMS)])
def _x_on_new_record(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0050") == "1":
        yield from _must_be_caret(
            ctx, "-3746", item_range(*_X_ITEMS), "A0050=1 (new record)", "A0050=1 (registro nuevo)"
        )


@rule("-3783", ["A0050", "X0800"])
def _correction_number(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0050") in ("2", "3") and ctx.get("X0800") in (None, CARET, ""):
        yield _f(
            "-3783",
            "X0800",
            "A modification or inactivation needs a correction number (X0800 = 01, 02, ...)",
            "Una modificación o inactivación necesita un número de corrección (X0800 = 01, 02, ...)",
            "Enter X0800: 01 for the first correction, then one more each time.",
            "Escriba X0800: 01 para la primera corrección, luego uno más cada vez.",
        )


@rule("-3571", ["A0310B", "A0600B"])
def _medicare_number_on_pps(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0310B") == "01":
        yield from _must_not_be_caret(
            ctx,
            "-3571",
            ["A0600B"],
            "this is a PPS assessment (A0310B=01)",
            "es una evaluación PPS (A0310B=01)",
        )


# ---------------------------------------------------------------- skip patterns / gateways


@rule("-3609", ["B0100", *item_range("B0200", "F0800Z")])
def _comatose(ctx: Ctx) -> Iterator_F:
    if ctx.get("B0100") == "1":
        yield from _must_be_caret(
            ctx, "-3609", item_range("B0200", "F0800Z"), "B0100=1 (comatose)", "B0100=1 (comatoso)"
        )


def _gateway(
    ctx: Ctx, edit_id: str, gate: str, skipped: tuple[str, ...], required: tuple[str, ...]
) -> Iterator_F:
    value = ctx.get(gate)
    if value == "0":
        yield from _must_be_caret(
            ctx,
            edit_id,
            skipped,
            f"{gate}=0 (interview not conducted)",
            f"{gate}=0 (entrevista no realizada)",
        )
    elif value == "1":
        yield from _must_not_be_caret(
            ctx, edit_id, required, f"{gate}=1 (interview conducted)", f"{gate}=1 (entrevista realizada)"
        )


_C_SKIPPED = item_range("C0200", "C0500")
_C_REQUIRED = item_range("C0200", "C0400C")
_D_SKIPPED = item_range("D0150A1", "D0160")  # PHQ-2 to 9 (item sets 1.18.11 on)
_D_REQUIRED = tuple(i for i in item_range("D0150A1", "D0150I1") if i.endswith("1"))
_J_SKIPPED = item_range("J0300", "J0600B")


@rule("MR-410", ["C0100", *_C_SKIPPED])
def _bims_gateway(ctx: Ctx) -> Iterator_F:
    yield from _gateway(ctx, "MR-410", "C0100", _C_SKIPPED, _C_REQUIRED)


_D_COL1 = ("D0150A1", "D0150B1", "D0150C1", "D0150D1", "D0150E1", "D0150F1", "D0150G1", "D0150H1", "D0150I1")
_D_COL2 = tuple(i[:-1] + "2" for i in _D_COL1)
_PHQ9_REST = item_range("D0150C1", "D0150I2")  # asked only when the PHQ-2 does not end the interview


@rule("-4026", ["D0100", *_D_COL1, "D0160"])
def _phq_gateway(ctx: Ctx) -> Iterator_F:
    """-4026 (MDS data specs V3.01.0, skip pattern, fatal): (a) D0100=[1] -> D0150A1, D0150B1 not ^; (b) D0100=[0]
    -> D0150A1-D0150I1 and D0160 ^; (c) D0100=[-] -> D0150A1-D0150I1 -."""
    value = ctx.get("D0100")
    if value == "1":
        yield from _must_not_be_caret(
            ctx,
            "-4026",
            ("D0150A1", "D0150B1"),
            "D0100=1 (mood interview conducted)",
            "D0100=1 (entrevista del estado de ánimo realizada)",
        )
    elif value == "0":
        yield from _must_be_caret(
            ctx,
            "-4026",
            (*_D_COL1, "D0160"),
            "D0100=0 (mood interview not conducted)",
            "D0100=0 (entrevista del estado de ánimo no realizada)",
        )
    elif value == DASH:
        for i in ctx.present(_D_COL1):
            if ctx.values[i] != DASH:
                yield _f(
                    "-4026",
                    i,
                    f"{i} must be - because D0100 is - (not assessed)",
                    f"{i} debe ser - porque D0100 es - (no evaluado)",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )


@rule("MR-413", ["D0150A2", "D0150B2", *_PHQ9_REST])
def _phq2_early_end(ctx: Ctx) -> Iterator_F:
    a2, b2 = ctx.get("D0150A2"), ctx.get("D0150B2")
    if a2 in ("0", "1") and b2 in ("0", "1"):
        yield from _must_be_caret(
            ctx,
            "MR-413",
            _PHQ9_REST,
            "D0150A2 and D0150B2 are both 0 or 1 (the PHQ-2 ends the interview)",
            "D0150A2 y D0150B2 son ambos 0 o 1 (el PHQ-2 termina la entrevista)",
        )
    elif a2 in ("2", "3") or b2 in ("2", "3"):
        yield from _must_not_be_caret(
            ctx,
            "MR-413",
            tuple(i for i in _PHQ9_REST if i.endswith("1")),
            "D0150A2 or D0150B2 is 2 or 3 (the PHQ-9 must be completed)",
            "D0150A2 o D0150B2 es 2 o 3 (debe completarse el PHQ-9)",
        )


@rule("-3784", ["J0200", *_J_SKIPPED, "J0700", *item_range("J0800A", "J0800Z")])
def _pain_gateway(ctx: Ctx) -> Iterator_F:
    """-3784 (item page J0200, data specs V1.02.1 and V2.00.1, consistency, fatal): a) J0200=[0] -> J0300-J0700 ^
    and J0800A-J0800Z, if active, not ^; b) J0200=[1] -> J0300 not ^; c) J0200=[-] -> J0300-J0700 -."""
    value = ctx.get("J0200")
    interview = (*_J_SKIPPED, "J0700")
    if value == "0":
        yield from _must_be_caret(
            ctx,
            "-3784",
            interview,
            "J0200=0 (pain interview not conducted)",
            "J0200=0 (entrevista del dolor no realizada)",
        )
        yield from _must_not_be_caret(
            ctx,
            "-3784",
            item_range("J0800A", "J0800Z"),
            "J0200=0 (the staff assessment for pain is done instead)",
            "J0200=0 (se hace en su lugar la evaluación del dolor por el personal)",
        )
    elif value == "1":
        yield from _must_not_be_caret(
            ctx, "-3784", ("J0300",), "J0200=1 (pain interview conducted)", "J0200=1 (entrevista realizada)"
        )
    elif value == DASH:
        for i in ctx.present(interview):
            if ctx.values[i] != DASH:
                yield _f(
                    "-3784",
                    i,
                    f"{i} must be - because J0200 is - (not assessed)",
                    f"{i} debe ser - porque J0200 es - (no evaluado)",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )


@rule("-3970", ["J0300", *item_range("J0410", "J0850")])
def _pain_presence(ctx: Ctx) -> Iterator_F:
    """-3970 (MDS data specs V3.01.0, item page J0410, consistency, fatal), skip patterns based on J0300:
    a) J0300=[0] -> J0410-J0850 ^; b) J0300=[1] -> J0410-J0530 not ^, J0600A/J0600B at least one answered, J0700
    not ^; c) J0300=[9] -> J0410-J0700 ^ and J0800A-J0800Z not ^; d) J0300=[-] -> J0410-J0600B - and J0700 not ^."""
    value = ctx.get("J0300")
    if value == "0":
        yield from _must_be_caret(
            ctx, "-3970", item_range("J0410", "J0850"), "J0300=0 (no pain)", "J0300=0 (sin dolor)"
        )
    elif value == "1":
        yield from _must_not_be_caret(
            ctx, "-3970", (*item_range("J0410", "J0530"), "J0700"), "J0300=1 (pain)", "J0300=1 (dolor)"
        )
        intensity = ctx.present(("J0600A", "J0600B"))
        if intensity and all(ctx.values[i] == CARET for i in intensity):
            yield _f(
                "-3970",
                intensity[0],
                "J0300=1 (pain) but neither J0600A nor J0600B rates the pain intensity",
                "J0300=1 (dolor) pero ni J0600A ni J0600B califican la intensidad del dolor",
                "Answer J0600A (numeric scale) or J0600B (verbal descriptor).",
                "Responda J0600A (escala numérica) o J0600B (descriptor verbal).",
            )
    elif value == "9":
        yield from _must_be_caret(
            ctx,
            "-3970",
            item_range("J0410", "J0700"),
            "J0300=9 (unable to answer)",
            "J0300=9 (no puede responder)",
        )
        yield from _must_not_be_caret(
            ctx,
            "-3970",
            item_range("J0800A", "J0800Z"),
            "J0300=9 (the staff assessment for pain is done instead)",
            "J0300=9 (se hace en su lugar la evaluación del dolor por el personal)",
        )
    elif value == DASH:
        for i in ctx.present(item_range("J0410", "J0600B")):
            if ctx.values[i] != DASH:
                yield _f(
                    "-3970",
                    i,
                    f"{i} must be - because J0300 is - (not assessed)",
                    f"{i} debe ser - porque J0300 es - (no evaluado)",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )
        yield from _must_not_be_caret(ctx, "-3970", ("J0700",), "J0300 is -", "J0300 es -")


@rule("-3935", ["Z0100A"])
def _hipps_recalculated(ctx: Ctx) -> Iterator_F:
    """-3935 (MDS data specs V3.01.0/V3.02.0 drafts, consistency, warning): "For items Z0100A and Z0100B, the
    submission system will recalculate the HIPPS code ... and issue a warning if the recalculated values do not
    match". Recalculated with mds.pdpm (CMS FY2020 ICD-10 mapping, docs/pdpm.md); not checked when the record is
    not one PDPM classifies or no HIPPS can be computed from it. Z0100B: the version code value is not known."""
    submitted = (ctx.get("Z0100A") or "").strip()
    if submitted in ("", CARET, DASH) or not ctx.present(["Z0100A"]):
        return
    if not pdpm.classifiable(ctx.get("A0310A") or "", ctx.get("A0310B") or ""):
        return
    try:
        hipps = pdpm.classify(ctx.values, item_set=ctx.catalog.version).hipps
    except pdpm.PdpmError:
        return
    if hipps and hipps != submitted:
        yield _f(
            "-3935",
            "Z0100A",
            f"Z0100A {submitted} differs from the HIPPS code recalculated from the record ({hipps}, mdsready's "
            "PDPM with the CMS FY2020 ICD-10 mapping)",
            f"Z0100A {submitted} difiere del código HIPPS recalculado a partir del registro ({hipps}, PDPM de "
            "mdsready con el mapeo CMS ICD-10 del año fiscal 2020)",
            "Check the items PDPM reads (I0020B, GG, nursing, NTA and SLP items) or submit the recalculated code.",
            "Revise los ítems que lee el PDPM (I0020B, GG, enfermería, NTA y SLP) o envíe el código recalculado.",
            WARNING,
        )


_F_RANGE = item_range("F0400A", "F0700")
_F_DASH = item_range("F0400A", "F0600")


@rule("-3533", ["F0300", *_F_RANGE])
def _preferences(ctx: Ctx) -> Iterator_F:
    v = ctx.get("F0300")
    if v == "0":
        yield from _must_be_caret(ctx, "-3533", _F_RANGE, "F0300=0", "F0300=0")
    elif v == "1":
        yield from _must_not_be_caret(ctx, "-3533", _F_RANGE, "F0300=1", "F0300=1")
    elif v == DASH:
        for i in ctx.present(_F_DASH):
            if ctx.values[i] != DASH:
                yield _f(
                    "-3533",
                    i,
                    f"{i} must be - because F0300 is - (not assessed)",
                    f"{i} debe ser - porque F0300 es - (no evaluado)",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )
        yield from _must_not_be_caret(ctx, "-3533", ["F0700"], "F0300 is -", "F0300 es -")


_J1900 = ("J1900A", "J1900B", "J1900C")


@rule("-3605", ["J1800", *_J1900])
def _falls(ctx: Ctx) -> Iterator_F:
    v = ctx.get("J1800")
    present = ctx.present(_J1900)
    if v == "0":
        yield from _must_be_caret(ctx, "-3605", _J1900, "J1800=0 (no falls)", "J1800=0 (sin caídas)")
    elif v == "1":
        yield from _must_not_be_caret(ctx, "-3605", _J1900, "J1800=1 (falls)", "J1800=1 (caídas)")
        if present and not any(ctx.values[i] in (DASH, "1", "2") for i in present):
            yield _f(
                "-3605",
                "J1900A",
                "J1800=1 but no fall is counted in J1900A-C",
                "J1800=1 pero no se cuenta ninguna caída en J1900A-C",
                "Code at least one J1900 item 1 or 2, or set J1800 to 0.",
                "Codifique al menos un ítem J1900 en 1 o 2, o ponga J1800 en 0.",
            )
    elif v == DASH:
        for i in present:
            if ctx.values[i] != DASH:
                yield _f(
                    "-3605",
                    i,
                    f"{i} must be - because J1800 is -",
                    f"{i} debe ser - porque J1800 es -",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )


def _none_of_above(ctx: Ctx, edit_id: str, options: tuple[str, ...], none_item: str) -> Iterator_F:
    if none_item not in ctx.values or not all(i in ctx.values for i in options):
        return  # the edit applies only when all the items are active
    if ctx.active is not None and not all(i in ctx.active for i in (*options, none_item)):
        return
    z = ctx.values[none_item]
    vals = [ctx.values[i] for i in options]
    first = options[0]
    if z == "0" and "1" not in vals:
        yield _f(
            edit_id,
            none_item,
            f"{none_item}=0 but none of {first}-{options[-1][-1]} is checked",
            f"{none_item}=0 pero ninguno de {first}-{options[-1][-1]} está marcado",
            f"Check at least one option or set {none_item} to 1.",
            f"Marque al menos una opción o ponga {none_item} en 1.",
        )
    elif z == "1" and any(v != "0" for v in vals):
        yield _f(
            edit_id,
            none_item,
            f"{none_item}=1 (none of the above) but another option is checked",
            f"{none_item}=1 (ninguna de las anteriores) pero otra opción está marcada",
            f"Uncheck the options or set {none_item} to 0.",
            f"Desmarque las opciones o ponga {none_item} en 0.",
        )
    elif z == DASH and (DASH not in vals or any(v not in ("0", DASH) for v in vals)):
        yield _f(
            edit_id,
            none_item,
            f"{none_item} is - so at least one option must be - and the rest 0 or -",
            f"{none_item} es - así que al menos una opción debe ser - y el resto 0 o -",
            "Use - for the options not assessed.",
            "Use - en las opciones no evaluadas.",
        )


_M0100 = ("M0100A", "M0100B", "M0100C")
_Q0110 = ("Q0110A", "Q0110B", "Q0110C", "Q0110D", "Q0110E")
_O0390 = ("O0390A", "O0390B", "O0390C", "O0390D", "O0390E")


@rule("-3595", [*_M0100, "M0100Z"])
def _m0100(ctx: Ctx) -> Iterator_F:
    yield from _none_of_above(ctx, "-3595", _M0100, "M0100Z")


@rule("-4023", [*_Q0110, "Q0110Z"])
def _q0110(ctx: Ctx) -> Iterator_F:
    yield from _none_of_above(ctx, "-4023", _Q0110, "Q0110Z")


@rule("-4077", [*_O0390, "O0390Z"])
def _o0390(ctx: Ctx) -> Iterator_F:
    yield from _none_of_above(ctx, "-4077", _O0390, "O0390Z")


_M0300 = item_range("M0300A1", "M0300B1")


@rule("-3542", ["M0210", *_M0300])
def _pressure_ulcers(ctx: Ctx) -> Iterator_F:
    if ctx.get("M0210") == "1":
        yield from _must_not_be_caret(
            ctx,
            "-3542",
            _M0300,
            "M0210=1 (unhealed pressure ulcers)",
            "M0210=1 (úlceras por presión sin cicatrizar)",
        )


def _minutes(ctx: Ctx, ids: Iterable[str]) -> int | None:
    """Sum of minutes; a dash counts as 0 (-3845). None when any item is missing or skipped."""
    total = 0
    for i in ids:
        v = ctx.get(i)
        if v is None or v == CARET:
            return None
        total += 0 if v == DASH else int(v) if v.isdigit() else 0
    return total


_PT_MIN = ("O0400C1", "O0400C2", "O0400C3")
_PT_REST = ("O0400C3A", "O0400C4", "O0400C5", "O0400C6")


@rule("-3845", [*_PT_MIN, "O0400C3A"])
def _cotreatment(ctx: Ctx) -> Iterator_F:
    total = _minutes(ctx, _PT_MIN)
    co = ctx.get("O0400C3A")
    if total and co and co.isdigit() and int(co) > total:
        yield _f(
            "-3845",
            "O0400C3A",
            f"O0400C3A co-treatment minutes ({co}) exceed the PT minutes total ({total})",
            f"Los minutos de cotratamiento O0400C3A ({co}) superan el total de minutos de TF ({total})",
            "Co-treatment minutes are part of the individual/concurrent/group minutes.",
            "Los minutos de cotratamiento forman parte de los minutos individuales/concurrentes/de grupo.",
        )


@rule("-3559", [*_PT_MIN, *_PT_REST])
def _pt_skip(ctx: Ctx) -> Iterator_F:
    if not all(i in ctx.values for i in _PT_MIN):
        return
    vals = [ctx.values[i] for i in _PT_MIN]
    if all(v == DASH for v in vals):
        for i in ctx.present(_PT_REST):
            if ctx.values[i] != DASH:
                yield _f(
                    "-3559",
                    i,
                    f"{i} must be - because all PT minutes are -",
                    f"{i} debe ser - porque todos los minutos de TF son -",
                    f"Submit - for {i}.",
                    f"Envíe - en {i}.",
                )
        return
    total = _minutes(ctx, _PT_MIN)
    if total == 0:
        yield from _must_be_caret(
            ctx, "-3559", _PT_REST, "no PT minutes were recorded", "no se registraron minutos de TF"
        )
    elif total:
        yield from _must_not_be_caret(
            ctx, "-3559", _PT_REST, "PT minutes were recorded", "se registraron minutos de TF"
        )


def _date(value: str | None) -> date | None:
    if value is None or not valid_date(value):
        return None
    return date(int(value[:4]), int(value[4:6]), int(value[6:]))


_K0520_COL2 = ("K0520A2", "K0520B2", "K0520Z2")


@rule("-4055", ["A2300", "A1600", *_K0520_COL2])
def _k0520(ctx: Ctx) -> Iterator_F:
    ard, entry = _date(ctx.get("A2300")), _date(ctx.get("A1600"))
    if ard is None or entry is None:
        return
    days = (ard - entry).days
    if days >= 7:
        yield from _must_be_caret(
            ctx,
            "-4055",
            _K0520_COL2,
            f"the ARD is {days} days after entry (7 or more)",
            f"la ARD es {days} días después del ingreso (7 o más)",
        )
    else:
        yield from _must_not_be_caret(
            ctx,
            "-4055",
            _K0520_COL2,
            f"the ARD is {days} days after entry (6 or fewer)",
            f"la ARD es {days} días después del ingreso (6 o menos)",
        )


_GG_COL1 = tuple(i for i in get_catalog().items if re.fullmatch(r"GG0170[A-Q]1", i))


@rule("-4049", ["A0310A", "A0310B", *_GG_COL1])
def _gg_admission(ctx: Ctx) -> Iterator_F:
    a, b = ctx.get("A0310A"), ctx.get("A0310B")
    if a == "01" or b == "01":
        # Items a walking/stairs gateway skipped (GG0170I1/M1 not attempted) legitimately carry "^".
        skipped = skipped_by(ctx.values)
        required = [i for i in _GG_COL1 if i not in skipped]
        yield from _must_not_be_caret(
            ctx,
            "-4049",
            required,
            "this is an admission or 5-day assessment",
            "es una evaluación de admisión o de 5 días",
        )
    elif a in ("02", "03", "04", "05", "06", "99") and b in ("08", "99"):
        yield from _must_be_caret(
            ctx,
            "-4049",
            _GG_COL1,
            "admission performance is only coded on admission/5-day assessments",
            "el desempeño de admisión solo se codifica en evaluaciones de admisión/5 días",
        )


_J1700 = ("J1700A", "J1700B", "J1700C")


@rule("-3797", ["A0310A", "A0310E", *_J1700])
def _fall_history(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0310A") is None and ctx.get("A0310E") is None:
        return
    if ctx.get("A0310A") == "01" or ctx.get("A0310E") == "1":
        yield from _must_not_be_caret(
            ctx,
            "-3797",
            _J1700,
            "this is an admission or the first assessment since entry",
            "es una admisión o la primera evaluación desde el ingreso",
        )
    else:
        yield from _must_be_caret(
            ctx,
            "-3797",
            _J1700,
            "fall history is only coded on admission/first assessments",
            "el historial de caídas solo se codifica en admisiones/primeras evaluaciones",
        )


_V0100 = item_range("V0100A", "V0100F")


@rule("-3744", ["A0310E", *_V0100])
def _prior_assessment(ctx: Ctx) -> Iterator_F:
    if ctx.get("A0310E") == "1":
        yield from _must_be_caret(
            ctx,
            "-3744",
            _V0100,
            "A0310E=1 (no prior assessment since entry)",
            "A0310E=1 (sin evaluación previa desde el ingreso)",
        )


@rule("-3782", ["V0100A", "V0100B"])
def _prior_rfa(ctx: Ctx) -> Iterator_F:
    if ctx.get("V0100A") == "99" and ctx.get("V0100B") == "99":
        yield _f(
            "-3782",
            "V0100B",
            "V0100A and V0100B cannot both be 99",
            "V0100A y V0100B no pueden ser ambos 99",
            "Enter the prior assessment's OBRA or PPS reason.",
            "Escriba el motivo OBRA o PPS de la evaluación previa.",
        )


_ETH = ("A1005A", "A1005B", "A1005C", "A1005D", "A1005E", "A1005X", "A1005Y")
_RACE = tuple(f"A1010{c}" for c in "ABCDEFGHIJKLMNXYZ")


def _checked(ctx: Ctx, ids: Iterable[str]) -> list[str]:
    return [i for i in ids if ctx.get(i) == "1"]


def _exclusive(edit_id: str, a: str, others: Iterable[str], ctx: Ctx) -> Iterator_F:
    if ctx.get(a) == "1":
        for o in others:
            if ctx.get(o) == "1":
                yield _f(
                    edit_id,
                    o,
                    f"{o} cannot be checked together with {a}",
                    f"{o} no puede marcarse junto con {a}",
                    f"Uncheck {o} or {a}.",
                    f"Desmarque {o} o {a}.",
                )


@rule("-3982", _ETH)
def _ethnicity(ctx: Ctx) -> Iterator_F:
    if not all(i in ctx.values for i in _ETH) or any(ctx.values[i] in (CARET, DASH) for i in _ETH):
        return
    if not _checked(ctx, _ETH):
        yield _f(
            "-3982",
            "A1005A",
            "At least one ethnicity item (A1005A-Y) must be checked",
            "Debe marcarse al menos un ítem de etnicidad (A1005A-Y)",
            "Check the resident's answer.",
            "Marque la respuesta del residente.",
        )
    yield from _exclusive("-3982", "A1005A", ("A1005B", "A1005C", "A1005D", "A1005E", "A1005Y"), ctx)
    yield from _exclusive("-3982", "A1005X", ("A1005Y",), ctx)


@rule("-3983", _RACE)
def _race(ctx: Ctx) -> Iterator_F:
    if not all(i in ctx.values for i in _RACE) or any(ctx.values[i] in (CARET, DASH) for i in _RACE):
        return
    if not _checked(ctx, _RACE):
        yield _f(
            "-3983",
            "A1010A",
            "At least one race item (A1010A-Z) must be checked",
            "Debe marcarse al menos un ítem de raza (A1010A-Z)",
            "Check the resident's answer.",
            "Marque la respuesta del residente.",
        )
    for a in _RACE[:14]:  # A-N exclude Y and Z
        yield from _exclusive("-3983", a, ("A1010Y", "A1010Z"), ctx)
    yield from _exclusive("-3983", "A1010X", ("A1010Y",), ctx)
    yield from _exclusive("-3983", "A1010Y", ("A1010Z",), ctx)


# ---------------------------------------------------------------- -3851 date order

_DATE_CHAIN = ("A0900", "A1900", "A1600", "A2300", "Z0500B", "V0200B2", "V0200C2", "X1100E")
_GROUP_B = ("O0250B", "O0400A5", "O0400A6", "O0400B5", "O0400B6", "O0400C5", "O0400C6", "V0100C")
_START_END = (("O0400A5", "O0400A6"), ("O0400B5", "O0400B6"), ("O0400C5", "O0400C6"))


def _comparable(ctx: Ctx, item_id: str) -> str | None:
    v = ctx.get(item_id)
    if v is None or not v.isdigit():
        return None
    return v


def _before(earlier: str, later: str) -> bool:
    """earlier <= later, comparing a partial birth date (YYYY / YYYYMM) by its own precision."""
    return earlier <= later[: len(earlier)]


def _order_finding(first: str, second: str, v1: str, v2: str) -> Finding:
    return _f(
        "-3851",
        second,
        f"{second} ({v2}) is before {first} ({v1})",
        f"{second} ({v2}) es anterior a {first} ({v1})",
        f"Dates must run {first} ≤ {second}; correct whichever is wrong.",
        f"Las fechas deben cumplir {first} ≤ {second}; corrija la que esté mal.",
    )


@rule("-3851", [*_DATE_CHAIN, *_GROUP_B, "A2000", "A0310F"])
def _date_order(ctx: Ctx) -> Iterator_F:
    previous: tuple[str, str] | None = None
    for item_id in _DATE_CHAIN:
        v = _comparable(ctx, item_id)
        if v is None:
            continue
        if previous and not _before(previous[1], v):
            yield _order_finding(previous[0], item_id, previous[1], v)
        previous = (item_id, v)
    ard, birth = _comparable(ctx, "A2300"), _comparable(ctx, "A0900")
    discharge = _comparable(ctx, "A2000")
    if ctx.get("A0310F") in ("10", "11", "12") and ard and discharge and ard != discharge:
        yield _f(
            "-3851",
            "A2000",
            f"On a discharge/death record A2000 ({discharge}) must equal the ARD A2300 ({ard})",
            f"En un registro de alta/fallecimiento A2000 ({discharge}) debe ser igual a la ARD A2300 ({ard})",
            "Set the ARD to the discharge date.",
            "Ponga la ARD en la fecha de alta.",
        )
    for item_id in _GROUP_B:
        v = _comparable(ctx, item_id)
        if v is None:
            continue
        if birth and not _before(birth, v):
            yield _order_finding("A0900", item_id, birth, v)
        if ard and v > ard:
            yield _order_finding(item_id, "A2300", v, ard)
    for start, end in _START_END:
        s, e = _comparable(ctx, start), _comparable(ctx, end)
        if s and e and e < s:
            yield _order_finding(start, end, s, e)


# ---------------------------------------------------------------- item presence on the item subset


def _presence(ctx: Ctx) -> Iterator_F:
    if ctx.active is None:
        return
    values = ctx.values
    missing = ctx.active.difference(values)  # set arithmetic in C: this runs on every record
    for item_id in sorted(missing, key=_order(ctx.catalog.version).__getitem__) if missing else ():
        item = ctx.catalog.items[item_id]
        if item.control and not item.required:
            continue
        yield _f(
            "MR-401",
            item_id,
            f"{item_id} is active on item subset {ctx.isc} but missing",
            f"{item_id} está activo en el subconjunto {ctx.isc} pero falta",
            f"Submit {item_id}; use ^ if it was skipped.",
            f"Envíe {item_id}; use ^ si se omitió.",
        )
    extra = values.keys() - ctx.active
    for item_id in (i for i in values if i in extra):
        if item_id in ctx.catalog.items:
            yield _f(
                "MR-402",
                item_id,
                f"{item_id} is not active on item subset {ctx.isc} and will be ignored",
                f"{item_id} no está activo en el subconjunto {ctx.isc} y se ignorará",
                f"Remove {item_id} from this record.",
                f"Quite {item_id} de este registro.",
                WARNING,
            )


# ---------------------------------------------------------------- entry points


@cache
def _order(version: str) -> dict[str, int]:
    return {i: n for n, i in enumerate(get_catalog(version).items)}


@cache
def _date_items(version: str) -> frozenset[str]:
    return frozenset(i for i, it in get_catalog(version).items.items() if it.type == "date")


def target_date(values: Mapping[str, str]) -> str | None:
    """-9017: A1600 on an entry record, A2000 on a discharge/death record, otherwise the ARD A2300."""
    f = values.get("A0310F")
    if f == "01":
        return values.get("A1600")
    if f in ("10", "11", "12"):
        return values.get("A2000")
    return values.get("A2300")


def run_edits(
    values: Mapping[str, str],
    *,
    lines: Mapping[str, int] | None = None,
    items: Collection[str] | None = None,
    check_format: bool = True,
    version: str = DEFAULT_VERSION,
) -> list[Finding]:
    """All findings for one record. `items` limits the run to edits that read one of those items (and
    their format edits); item presence (MR-401/402) runs only on a full run. `check_format=False` skips
    the per-item format edits when the XSD already enforced them (the validation fast path)."""
    catalog = get_catalog(version)
    ctx = Ctx(values, catalog)
    scope = None if items is None else frozenset(items)
    findings: list[Finding] = []
    if check_format:
        for item_id in values if scope is None else (i for i in scope if i in values):
            item = catalog.items.get(item_id)
            if item is not None and (f := format_finding(item, values[item_id])) is not None:
                findings.append(f)
    else:
        # The XSD patterns cannot see calendar errors (20250231): check real dates here.
        for item_id in _date_items(version).intersection(values):
            value = values[item_id]
            if (
                value not in (CARET, DASH)
                and not valid_date(value)
                and (f := format_finding(catalog.items[item_id], value)) is not None
            ):
                findings.append(f)
    for r in RULES:
        if scope is None or not r.reads.isdisjoint(scope):
            findings.extend(r.check(ctx))
    if scope is None:
        findings.extend(_presence(ctx))
    if lines:
        findings = [
            f if f.item is None or f.line is not None else _with_line(f, lines.get(f.item)) for f in findings
        ]
    return findings


def _with_line(f: Finding, line: int | None) -> Finding:
    return Finding(f.edit_id, f.severity, f.item, line, f.message, f.hint)


def implemented_edit_ids() -> list[str]:
    """Every edit id run_edits can report (format edits, rules and presence)."""
    ids = {"-3676", "-3677", "-3678", "-3679", "-3702", "-3793", "MR-401", "MR-402"}
    ids.update(r.edit_id for r in RULES)
    return sorted(ids)
