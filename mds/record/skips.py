"""MDS 3.0 skip patterns: which gateway answers skip which items (the items are then submitted as `^`).

One table, used by the entry form (skipped items are shown as skipped and saved as `^`) and meant for
mds.record.edits' gateway rules (-3609, -3533, -3605, MR-410, -4026, -3784, MR-413), so the rules are written once. Sources:
the item set v1.20.1 "Skip to …" instructions carried in the catalog's value labels (E0300, GG0170Q1/Q3,
H0200A, M0210, N2001), the data specifications' skip and none-of-the-above edits (-3609 B0100, -3533 F0300, -3605 J1800)
and the RAI Manual ch. 3 gateway items (C0100/C0600 BIMS vs staff assessment, D0100 PHQ interview vs
D0500 staff assessment, J0200/J0300/J0700 pain interview vs J0800 staff assessment, GG0170I/M "if 07, 09,
10 or 88, skip" walking/stairs activity codes). A skipped gateway never fires its own rule (chains:
B0100=1 skips C0100, so C0100's rule is not applied).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache

from mds.record.catalog import CARET, DEFAULT_VERSION, get_catalog

Text = dict[str, str]
NOT_ATTEMPTED = frozenset(
    {"07", "09", "10", "88"}
)  # GG activity codes: refused / not applicable / not attempted


@dataclass(frozen=True)
class SkipRule:
    gateway: str
    when: frozenset[str]  # gateway values that skip the items
    skipped: tuple[str, ...]
    reason: Text  # shown beside the skipped items (en/es)
    unless: tuple[str, frozenset[str]] | None = None  # (item, values) that cancel the skip
    also: tuple[str, frozenset[str]] | None = None  # (item, values) that must hold too for the skip


@cache
def item_range(start: str, end: str, version: str = DEFAULT_VERSION) -> tuple[str, ...]:
    """Catalog items from `start` to `end` inclusive in spec order (the "Skip to" span)."""
    return tuple(i for i, it in get_catalog(version).items.items() if not it.control and start <= i <= end)


def _r(
    gateway: str,
    when: Collection[str],
    skipped: tuple[str, ...],
    en: str,
    es: str,
    unless: tuple[str, frozenset[str]] | None = None,
    also: tuple[str, frozenset[str]] | None = None,
) -> SkipRule:
    return SkipRule(gateway, frozenset(when), skipped, {"en": en, "es": es}, unless, also)


def _gg(column: str, version: str) -> list[SkipRule]:
    """GG0170 walking/stairs/wheelchair skips for one column (1 admission, 3 discharge, 5 interim)."""
    ids = get_catalog(version).items
    rules = [
        _r(
            f"GG0170I{column}",
            NOT_ATTEMPTED,
            tuple(i for i in (f"GG0170J{column}", f"GG0170K{column}") if i in ids),
            f"GG0170I{column} (walk 10 feet) was not attempted",
            f"GG0170I{column} (caminar 10 pies) no se intentó",
        ),
        _r(
            f"GG0170M{column}",
            NOT_ATTEMPTED,
            tuple(i for i in (f"GG0170N{column}", f"GG0170O{column}") if i in ids),
            f"GG0170M{column} (1 step) was not attempted",
            f"GG0170M{column} (1 escalón) no se intentó",
        ),
    ]
    if f"GG0170Q{column}" in ids:
        rules.append(
            _r(
                f"GG0170Q{column}",
                {"0"},
                tuple(f"GG0170{x}{column}" for x in ("R", "RR", "S", "SS")),
                f"GG0170Q{column}=0 (does not use a wheelchair)",
                f"GG0170Q{column}=0 (no usa silla de ruedas)",
            )
        )
    return [r for r in rules if r.gateway in ids and r.skipped]


def _gg_col1(version: str) -> tuple[str, ...]:
    return tuple(
        i
        for i in get_catalog(version).items
        if i.startswith("GG0170") and i.endswith("1") and i[6:-1].isalpha()
    )


@cache
def skip_rules(version: str = DEFAULT_VERSION) -> tuple[SkipRule, ...]:
    """The skip patterns of item set `version`, on its own item ids, in item order (built once per version)."""

    def span(start: str, end: str) -> tuple[str, ...]:
        return item_range(start, end, version)

    rules = [
        # "Complete only if …" items that follow the reason for assessment (A2000/A2100 item text; -3744,
        # -4049, -3797 of the data specifications).
        _r(
            "A0310E",
            {"1"},
            span("V0100A", "V0100F"),
            "A0310E=1 (no prior assessment since entry)",
            "A0310E=1 (sin evaluación previa desde el ingreso)",
        ),
        _r(
            "A0310E",
            {"0"},
            ("J1700A", "J1700B", "J1700C"),
            "fall history is coded only on admission/first assessments",
            "el historial de caídas solo se codifica en admisiones/primeras evaluaciones",
            unless=("A0310A", frozenset({"01"})),
        ),
        _r(
            "A0310B",
            {"08", "99"},
            _gg_col1(version),
            "admission performance is coded only on admission/5-day assessments",
            "el desempeño de admisión solo se codifica en evaluaciones de admisión/5 días",
            unless=("A0310A", frozenset({"01"})),
        ),
        _r(
            "A0310F",
            {"01", "99"},
            ("A2000",),
            "A2000 is completed only on discharge/death records",
            "A2000 solo se completa en registros de alta/fallecimiento",
        ),
        _r(
            "A0310F",
            {"01", "99"},
            ("A2105",),
            "A2105 is completed only on discharge/death records (A0310F=10, 11, 12)",
            "A2105 solo se completa en registros de alta/fallecimiento (A0310F=10, 11, 12)",
        ),
        _r("B0100", {"1"}, span("B0200", "F0800Z"), "B0100=1 (comatose)", "B0100=1 (comatoso)"),
        _r(
            "C0100",
            {"0"},
            span("C0200", "C0600"),
            "C0100=0 (BIMS interview not conducted)",
            "C0100=0 (entrevista BIMS no realizada)",
        ),
        _r(
            "C0600",
            {"0"},
            span("C0700", "C1000"),
            "C0600=0 (no staff assessment for mental status)",
            "C0600=0 (sin evaluación del personal del estado mental)",
        ),
        _r(
            "D0100",
            {"0"},
            span("D0150A1", "D0160"),
            "D0100=0 (mood interview not conducted)",
            "D0100=0 (entrevista del estado de ánimo no realizada)",
        ),
        # PHQ-2 to 9 (item sets 1.18.11 on): "If both D0150A2 and D0150B2 are coded 0 or 1, END the PHQ interview;
        # otherwise, continue" (RAI manual D0150; MDS edit -4028 (b): D0160 is then D0150A2 + D0150B2).
        _r(
            "D0150A2",
            {"0", "1"},
            span("D0150C1", "D0150I2"),
            "D0150A2 and D0150B2 are 0 or 1 (the PHQ-2 ends the mood interview)",
            "D0150A2 y D0150B2 son 0 o 1 (el PHQ-2 termina la entrevista del estado de ánimo)",
            also=("D0150B2", frozenset({"0", "1"})),
        ),
        # The staff assessment (PHQ-9-OV) is done only when the interview was not (or could not be) completed.
        _r(
            "D0100",
            {"1"},
            span("D0500A1", "D0600"),
            "D0100=1 (mood interview conducted)",
            "D0100=1 (entrevista del estado de ánimo realizada)",
            unless=("D0160", frozenset({"99"})),
        ),
        _r(
            "E0300",
            {"0"},
            span("E0500A", "E0600C"),
            "E0300=0 (no behavioral symptoms)",
            "E0300=0 (sin síntomas de comportamiento)",
        ),
        _r(
            "F0300",
            {"0"},
            span("F0400A", "F0700"),
            "F0300=0 (preference interview not conducted)",
            "F0300=0 (entrevista de preferencias no realizada)",
        ),
        *_gg("1", version),
        *_gg("3", version),
        *_gg("5", version),
        _r(
            "H0200A",
            {"0"},
            ("H0200B", "H0200C"),
            "H0200A=0 (no toileting trial)",
            "H0200A=0 (sin prueba de evacuación)",
        ),
        _r(
            "H0200A",
            {"9"},
            ("H0200B",),
            "H0200A=9 (unable to determine)",
            "H0200A=9 (no se puede determinar)",
        ),
        _r(
            "J0200",
            {"0"},
            span("J0300", "J0700"),
            "J0200=0 (pain interview not conducted)",
            "J0200=0 (entrevista del dolor no realizada)",
        ),
        _r("J0300", {"0"}, span("J0410", "J0850"), "J0300=0 (no pain)", "J0300=0 (sin dolor)"),
        # -3970 c) (MDS data specs V3.01.0, item page J0410): J0300=9 -> J0410 through J0700 ^, staff assessment J0800.
        _r(
            "J0300",
            {"9"},
            span("J0410", "J0700"),
            "J0300=9 (unable to answer)",
            "J0300=9 (no puede responder)",
        ),
        _r(
            "J0700",
            {"0"},
            span("J0800A", "J0850"),
            "J0700=0 (no staff assessment for pain)",
            "J0700=0 (sin evaluación del dolor por el personal)",
        ),
        _r("J1800", {"0"}, ("J1900A", "J1900B", "J1900C"), "J1800=0 (no falls)", "J1800=0 (sin caídas)"),
        _r(
            "M0210",
            {"0"},
            span("M0300A1", "M0300G2"),
            "M0210=0 (no unhealed pressure ulcers/injuries)",
            "M0210=0 (sin úlceras/lesiones por presión sin cicatrizar)",
        ),
        _r(
            "N2001",
            {"0", "9"},
            ("N2003", "N2005"),
            "N2001: no drug regimen issues found / no medications",
            "N2001: sin problemas en el régimen de medicamentos / sin medicamentos",
        ),
    ]
    items = get_catalog(version).items
    order = {i: n for n, i in enumerate(items)}
    # A rule whose gateway or skipped items the item set does not carry does not exist in that set.
    kept = [
        SkipRule(r.gateway, r.when, tuple(i for i in r.skipped if i in items), r.reason, r.unless, r.also)
        for r in rules
        if r.gateway in items
    ]
    return tuple(sorted((r for r in kept if r.skipped), key=lambda r: order[r.gateway]))


@cache
def gateways(version: str = DEFAULT_VERSION) -> frozenset[str]:
    rules = skip_rules(version)
    return frozenset(r.gateway for r in rules) | frozenset(r.also[0] for r in rules if r.also)


SKIP_RULES: tuple[SkipRule, ...] = skip_rules()
GATEWAYS: frozenset[str] = gateways()


def skipped_by(
    values: Mapping[str, str], active: Collection[str] | None = None, version: str = DEFAULT_VERSION
) -> dict[str, SkipRule]:
    """item id -> the rule of item set `version` that skips it, for the given answers. Rules run in item order and a
    gateway that is itself skipped (or not active on the item subset) does not fire."""
    result: dict[str, SkipRule] = {}
    for rule in skip_rules(version):
        if rule.gateway in result or (active is not None and rule.gateway not in active):
            continue
        if values.get(rule.gateway) not in rule.when:
            continue
        if rule.unless and values.get(rule.unless[0]) in rule.unless[1] and rule.unless[0] not in result:
            continue
        if rule.also and (values.get(rule.also[0]) not in rule.also[1] or rule.also[0] in result):
            continue
        for item_id in rule.skipped:
            if active is None or item_id in active:
                result.setdefault(item_id, rule)
    return result


def apply_skips(
    values: Mapping[str, str], active: Collection[str] | None = None, version: str = DEFAULT_VERSION
) -> dict[str, str]:
    """The answers with every skipped item set to `^` (what is stored and exported)."""
    out = dict(values)
    for item_id in skipped_by(values, active, version):
        out[item_id] = CARET
    return out


def gateways_in(item_ids: Collection[str], version: str = DEFAULT_VERSION) -> frozenset[str]:
    """Gateway items among `item_ids` (their change re-renders the section)."""
    return gateways(version).intersection(item_ids)
