"""Build the shipped MDS 3.0 item catalogs mds/data/items_v1_18_11.json, items_v1_19_1.json and
items_v1_20_1.json (one per item set; mds.record.catalog loads them).

Inputs (never edited here):
- ../shared/data/mds/mds3builder_items_v1_18_11.csv: item ids, labels, value lists and record-type flags of
  item set v1.18.11 as carried by the MDS3Builder test-file generator (see its SOURCES.md);
- ../shared/data/mds/ref/item_set_changes.csv: what changed in 1.19.1 and 1.20.1 (added/removed/renamed);
- scripts/catalog/supplement.csv: items CMS pages show that the builder lacks (ITEM-SETS.md §3b, §6) and
  the items added in 1.19.1/1.20.1, each with its source and evidence level;
- scripts/catalog/fixes.csv: value-list and subset fixes of builder items, each with its source;
- scripts/catalog/not_items.csv: ids the item sets show that are not submitted items (signatures such as Z0400,
  retired ones such as Z0100C), with where the application keeps them; written to the JSON as `not_submitted`.
Every item in the output carries `source`, `evidence` (cms, builder, secondary, draft, inferred),
`verified` (False when no CMS or reference-builder source exists) and a `note` where needed.
docs/item-sets.md explains the versions and what could not be verified; docs/item-sets-isc.md is the
generated item x ISC table (`--isc-doc`).

Usage: python scripts/build_catalog.py [SHARED_DATA_DIR] [--out-dir DIR] [--isc-doc PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT_DIR = REPO / "mds" / "data"
DEFAULT_ISC_DOC = REPO / "docs" / "item-sets-isc.md"
HERE = Path(__file__).resolve().parent / "catalog"
BUILDER_CSV = "mds3builder_items_v1_18_11.csv"
BUILDER_REF = "GitHubAdmin/MDS3Builder@a39477872565 (staging)"

# Item sets, oldest first. ITM_SET_VRSN_CD: the short form edit -3807 asks for. SPEC_VRSN_CD: the data
# specs' version as "major.minor" (the pattern of a 2015 exporter, item set 1.13 sent with spec 1.15).
VERSIONS: list[dict[str, Any]] = [
    {
        "version": "1.18.11",
        "effective": "2023-10-01",
        "until": "2024-09-30",
        "itm_set_vrsn_cd": "1.18",
        "itm_set_vrsn_cd_verified": True,
        "itm_set_vrsn_cd_evidence": "cms.gov MDS data specs V3.02.1 (05-07-2024) item page ITM_SET_VRSN_CD: 1.18 = 'Ninth update to "
        "MDS 3.0 item set (effective 10/01/2023)'; edit -3807 (submit 1.18, not 1.18.11)",
        "spec_vrsn_cd": "3.01",
        "spec_vrsn_cd_verified": False,
        "spec_vrsn_cd_evidence": "NOT VERIFIED: data specs V3.01.x were the specs for item set 1.18 (cms.gov MDS 3.0 Technical "
        "Information page); no CMS list of SPEC_VRSN_CD values newer than V1.12.0 (2013) was seen",
    },
    {
        "version": "1.19.1",
        "effective": "2024-10-01",
        "until": "2025-09-30",
        "itm_set_vrsn_cd": "1.19",
        "itm_set_vrsn_cd_verified": True,
        "itm_set_vrsn_cd_evidence": "cms.gov MDS data specs V3.02.1 (05-07-2024) item page ITM_SET_VRSN_CD: 1.19 = 'Tenth update to "
        "MDS 3.0 item set (effective 10/01/2024)'",
        "spec_vrsn_cd": "3.02",
        "spec_vrsn_cd_verified": False,
        "spec_vrsn_cd_evidence": "NOT VERIFIED: data specs V3.02.1 final (05-07-2024) are the specs for item set 1.19; the value "
        "list of SPEC_VRSN_CD itself was not seen",
    },
    {
        "version": "1.20.1",
        "effective": "2025-10-01",
        "until": None,
        "itm_set_vrsn_cd": "1.20",
        "itm_set_vrsn_cd_verified": False,
        "itm_set_vrsn_cd_evidence": "NOT VERIFIED: no data-spec page listing the value for the Oct-2025 item set was seen (the newest "
        "list, V3.02.1, ends at 1.19); 1.20 follows the pattern of -3807 (ref/item_set_changes.csv)",
        "spec_vrsn_cd": "3.10",
        "spec_vrsn_cd_verified": False,
        "spec_vrsn_cd_evidence": "NOT VERIFIED: only the V3.10.0 draft data specs (09-25-2024) for this item set were seen",
    },
]

# MDS3Builder record types -> item subset code (ISC). Source: item_subset_codes.csv meanings.
RECORD_TYPE_ISC = {
    "admission": "NC",
    "annual": "NC",
    "significant_change": "NC",
    "quarterly": "NQ",
    "pps5_day": "NP",
    "pps_discharge": "NPE",
    "interim_payment": "IPA",
    "discharge_ra": "ND",
    "discharge_rna": "ND",
    "entry": "NT",
    "death": "NT",
}
# MDS3Builder has no swing-bed record types: swing-bed subsets reuse the nursing-home subset of the
# same record kind (documented assumption, docs/item-sets.md).
SWING_BED_FROM = {"SP": "NP", "SD": "ND", "ST": "NT"}
ALL_ISCS = ["NC", "NQ", "NP", "NPE", "IPA", "ND", "NT", "SP", "SD", "ST", "XX"]
ASSESSMENT_ISCS = [i for i in ALL_ISCS if i != "XX"]

US_STATES = (
    "AK AL AR AS AZ CA CO CT DC DE FL GA GU HI IA ID IL IN KS KY LA MA MD ME MI MN MO MP MS MT NC ND NE "
    "NH NJ NM NV NY OH OK OR PA PR RI SC SD TN TX UT VA VI VT WA WI WV WY"
).split()

# Control items, in the order implementations emit them (DOMAIN.md §1; control_items.csv).
CONTROL_ITEMS: list[dict[str, Any]] = [
    {"id": "ASMT_SYS_CD", "type": "code", "values": ["MDS"], "required": True},
    {"id": "ITM_SBST_CD", "type": "code", "values": ALL_ISCS, "required": True},
    # Free text in the XSD: an unknown version is only a warning (-3807), never a structure error.
    {"id": "ITM_SET_VRSN_CD", "type": "text", "max_length": 10, "required": True},
    {"id": "SPEC_VRSN_CD", "type": "text", "max_length": 10, "required": True},
    {"id": "PRODN_TEST_CD", "type": "code", "values": ["P", "T"], "required": True},
    {"id": "STATE_CD", "type": "code", "values": US_STATES, "required": True},
    {"id": "FAC_ID", "type": "text", "max_length": 16, "required": True},
    {"id": "SFTWR_VNDR_ID", "type": "text", "max_length": 9, "required": False},
    {"id": "SFTWR_VNDR_NAME", "type": "text", "max_length": 50, "required": False},
    {"id": "SFTWR_VNDR_EMAIL_ADR", "type": "text", "max_length": 50, "required": False},
    {"id": "SFTWR_PROD_NAME", "type": "text", "max_length": 50, "required": False},
    {"id": "SFTWR_PROD_VRSN_CD", "type": "text", "max_length": 20, "required": False},
    {"id": "FAC_DOC_ID", "type": "text", "max_length": 20, "required": False},
]

# TEXT items of the skeleton that are numeric: (min, max). Ranges from the item text (e.g. C0500
# "00-15", 99 = unable to complete) and CMS field widths; minutes are 4-digit fields.
NUMERIC_RANGES: dict[str, tuple[int, int]] = {
    "C0500": (0, 99),
    "D0160": (0, 99),
    "D0600": (0, 30),
    "K0200A": (0, 99),
    "K0200B": (0, 999),
    "M1030": (0, 9),
    "O0430": (0, 999),
    "V0100D": (0, 99),
    "V0100E": (0, 99),
    "V0100F": (0, 30),
    "X0800": (1, 99),
}
NUMERIC_PATTERNS = [
    (re.compile(r"^M0300[A-G][12]$"), (0, 9)),
    (re.compile(r"^O0400[A-C](1|2|3|3A)$"), (0, 9999)),
    (re.compile(r"^O0400[D-F]1$"), (0, 9999)),
    (re.compile(r"^O0425[A-C][1-4]$"), (0, 9999)),
    (re.compile(r"^O0425[A-C]5$"), (0, 7)),
]
# Numeric items whose value must be zero-padded to a fixed width (CMS sends C0500 as 00-15, X0800 as 01).
NUMERIC_WIDTH = {"C0500": 2, "D0160": 2, "D0600": 2, "V0100D": 2, "V0100E": 2, "V0100F": 2, "X0800": 2}
TEXT_LENGTHS = {
    "A0100A": 10,
    "A0100B": 15,
    "A0100C": 15,
    "A0500A": 12,
    "A0500B": 1,
    "A0500C": 18,
    "A0500D": 3,
    "A0600A": 9,
    "A0600B": 12,
    "A0700": 14,
    "A1110A": 15,
    "A1300A": 20,
    "A1300B": 10,
    "A1300C": 60,
    "I0020B": 8,
    "X0200A": 12,
    "X0200C": 18,
    "X0500": 9,
}
BIRTHDATE_ITEMS = {"A0900", "X0400"}  # -3678: YYYYMMDD, YYYYMM or YYYY
# Items that never take the caret where active: identity/RFA/core dates (the record is meaningless
# without them). Everything else may be skipped by some skip pattern.
NEVER_CARET = {
    "A0050",
    "A0200",
    "A0310A",
    "A0310B",
    "A0310E",
    "A0310F",
    "A0500A",
    "A0500C",
    "A0810",
    "A0900",
    "A2300",
    "Z0500B",
}
# Dash (not assessed) policy: clinical sections B-Q and V0100D-F. Section A identity items,
# X (correction) and Z (signature) items and control items never take a dash (special_values.csv).
DASH_SECTIONS = set("BCDEFGHIJKLMNOPQ")

SECTION_NAMES = {
    "CTRL": ("Control items", "Elementos de control"),
    "A": ("Identification Information", "Información de identificación"),
    "B": ("Hearing, Speech, and Vision", "Audición, habla y visión"),
    "C": ("Cognitive Patterns", "Patrones cognitivos"),
    "D": ("Mood", "Estado de ánimo"),
    "E": ("Behavior", "Comportamiento"),
    "F": ("Preferences for Customary Routine and Activities", "Preferencias de rutina y actividades"),
    "GG": ("Functional Abilities", "Capacidades funcionales"),
    "H": ("Bladder and Bowel", "Vejiga e intestino"),
    "I": ("Active Diagnoses", "Diagnósticos activos"),
    "J": ("Health Conditions", "Condiciones de salud"),
    "K": ("Swallowing/Nutritional Status", "Deglución y estado nutricional"),
    "L": ("Oral/Dental Status", "Estado oral y dental"),
    "M": ("Skin Conditions", "Condiciones de la piel"),
    "N": ("Medications", "Medicamentos"),
    "O": (
        "Special Treatments, Procedures, and Programs",
        "Tratamientos, procedimientos y programas especiales",
    ),
    "P": ("Restraints and Alarms", "Restricciones y alarmas"),
    "Q": ("Participation in Assessment and Goal Setting", "Participación en la evaluación y metas"),
    "V": ("Care Area Assessment (CAA) Summary", "Resumen de evaluación de áreas de atención (CAA)"),
    "X": ("Correction Request", "Solicitud de corrección"),
    "Z": ("Assessment Administration", "Administración de la evaluación"),
}

# Spanish for the most common value labels (exact English text after "code=").
VALUE_LABELS_ES = {
    "NA": "No aplica",
    "Yes": "Sí",
    "No": "No",
    "None": "Ninguno",
    "Not used": "No se usa",
    "Not assessed/no information": "No evaluado / sin información",
    "Blank (skip pattern)": "En blanco (patrón de salto)",
    "Resident Refused": "El residente se negó",
    "Unable to determine": "No se puede determinar",
    "No response": "Sin respuesta",
    "Used less than daily": "Se usa menos que a diario",
    "Used daily": "Se usa a diario",
    "Never or 1 day": "Nunca o 1 día",
    "2-6 days (several days)": "2-6 días (varios días)",
    "7-11 days (half or more of the days)": "7-11 días (la mitad o más de los días)",
    "12-14 days (nearly every day)": "12-14 días (casi todos los días)",
    "Very important": "Muy importante",
    "Somewhat important": "Algo importante",
    "Not very important": "Poco importante",
    "Not important at all": "Nada importante",
    "Important, but can't do or no choice": "Importante, pero no puede o no tiene opción",
    "No response or non-responsive": "Sin respuesta o no responde",
    "Unknown": "Desconocido",
    "None of the above": "Ninguna de las anteriores",
    "Male": "Masculino",
    "Female": "Femenino",
    "Add new record": "Agregar registro nuevo",
    "Modify existing record": "Modificar registro existente",
    "Inactivate existing record": "Inactivar registro existente",
    "Nursing Home (SNF/NF)": "Centro de enfermería (SNF/NF)",
    "Swing Bed": "Cama de transición (swing bed)",
    "Admission assessment (required by day 14)": "Evaluación de admisión (requerida al día 14)",
    "Quarterly review assessment": "Evaluación trimestral",
    "Annual assessment": "Evaluación anual",
    "Significant change in status assessment": "Evaluación por cambio significativo",
    "Significant correction to prior comprehensive assessment": "Corrección significativa de evaluación integral previa",
    "Significant correction to prior quarterly assessment": "Corrección significativa de evaluación trimestral previa",
    "None of the above/No": "Ninguna de las anteriores",
    "Resident Refused ": "El residente se negó",
    "Not attempted due to medical condition or safety concerns": "No se intentó por condición médica o seguridad",
}
for _n in range(1, 8):
    VALUE_LABELS_ES[f"{_n} Day" if _n == 1 else f"{_n} Days"] = f"{_n} día" if _n == 1 else f"{_n} días"
GG_SCALE_ES = {
    "06": "Independiente",
    "05": "Ayuda para preparar o limpiar",
    "04": "Supervisión o asistencia de contacto",
    "03": "Asistencia parcial/moderada",
    "02": "Asistencia sustancial/máxima",
    "01": "Dependiente",
    "07": "El residente se negó",
    "09": "No aplica",
    "10": "No se intentó por limitaciones del entorno",
    "88": "No se intentó por condición médica o seguridad",
}

# Spanish short names for the items the entry screen and the validation report show most. These are the
# application's own names, NOT a CMS translation: no CMS or state Spanish version of the MDS item sets
# was found (docs/item-sets.md). Every other item keeps its English CMS text (label_es_fallback).
ITEM_LABELS_ES = {
    "ASMT_SYS_CD": "Código del sistema de evaluación",
    "ITM_SBST_CD": "Código de subconjunto de ítems (ISC)",
    "ITM_SET_VRSN_CD": "Versión del conjunto de ítems",
    "SPEC_VRSN_CD": "Versión de las especificaciones",
    "PRODN_TEST_CD": "Indicador de producción/prueba",
    "STATE_CD": "Código postal del estado del centro",
    "FAC_ID": "ID de envío del centro",
    "SFTWR_VNDR_ID": "ID fiscal del proveedor de software",
    "SFTWR_VNDR_NAME": "Nombre del proveedor de software",
    "SFTWR_VNDR_EMAIL_ADR": "Correo del proveedor de software",
    "SFTWR_PROD_NAME": "Nombre del producto de software",
    "SFTWR_PROD_VRSN_CD": "Versión del producto de software",
    "FAC_DOC_ID": "ID de documento del centro",
    "A0050": "Tipo de registro",
    "A0100B": "Número CMS de certificación",
    "A0200": "Tipo de proveedor",
    "A0310A": "Motivo federal OBRA de la evaluación",
    "A0310B": "Evaluación PPS",
    "A0310E": "¿Es la primera evaluación desde el ingreso más reciente?",
    "A0310F": "Registro de ingreso/alta",
    "A0310G": "Tipo de alta",
    "A0310G1": "¿Es una estadía interrumpida de la Parte A?",
    "A0310H": "¿Es una evaluación de alta PPS de la Parte A?",
    "A0500A": "Nombre",
    "A0500B": "Inicial del segundo nombre",
    "A0500C": "Apellido",
    "A0600A": "Número de Seguro Social",
    "A0600B": "Número de Medicare",
    "A0810": "Sexo",
    "A0900": "Fecha de nacimiento",
    "A1600": "Fecha de ingreso",
    "A1805": "Ingresó desde",
    "A1900": "Fecha de admisión",
    "A2000": "Fecha de alta",
    "A2105": "Estado al alta",
    "A2200": "Fecha de referencia de la evaluación previa",
    "A2300": "Fecha de referencia de la evaluación (ARD)",
    "B0100": "Estado comatoso",
    "C0100": "¿Debe realizarse la entrevista breve del estado mental (BIMS)?",
    "C0500": "Puntuación total BIMS",
    "D0100": "¿Debe realizarse la entrevista del estado de ánimo?",
    "D0160": "Puntuación total de gravedad (PHQ-2 a 9)",
    "F0300": "¿Debe realizarse la entrevista de preferencias?",
    "J0200": "¿Debe realizarse la entrevista de dolor?",
    "J1800": "¿Ha sufrido caídas desde el ingreso o la evaluación previa?",
    "M0210": "¿Tiene una o más úlceras/lesiones por presión sin cicatrizar?",
    "K0200A": "Estatura (pulgadas)",
    "K0200B": "Peso (libras)",
    "O0390Z": "Servicios de terapia: ninguno de los anteriores",
    "V0200B2": "Fecha de firma de las CAA",
    "V0200C2": "Fecha de firma del plan de cuidados",
    "X0800": "Número de corrección",
    "X1100E": "Fecha de la atestación de la corrección",
    "Z0500B": "Fecha en que el coordinador RN firmó la evaluación como completa",
    "Z0100A": "Parte A de Medicare: código HIPPS",
    "Z0100B": "Parte A de Medicare: código de versión",
}


def _parse_value_labels(raw: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for part in raw.split(" || "):
        if "=" in part:
            code, label = part.split("=", 1)
            labels[code.strip()] = label.strip()
    return labels


def _label_es(code: str, en: str, values: list[str]) -> str | None:
    if en in VALUE_LABELS_ES:
        return VALUE_LABELS_ES[en]
    if "88" in values and code in GG_SCALE_ES:  # GG 6-point scale
        return GG_SCALE_ES[code]
    return None


def _section(item_id: str) -> str:
    return "GG" if item_id.startswith("GG") else item_id[0]


def _text_kind(item_id: str, label: str) -> dict[str, Any]:
    if item_id in BIRTHDATE_ITEMS:
        return {"type": "birthdate"}
    rng = NUMERIC_RANGES.get(item_id)
    for pattern, prng in NUMERIC_PATTERNS:
        if pattern.match(item_id):
            rng = prng
    if rng is None and ("yyy" in label.lower() or re.fullmatch(r"O0400[A-C][56]|X0700[ABC]", item_id)):
        return {"type": "date"}
    if rng is not None:
        out: dict[str, Any] = {"type": "numeric", "min": rng[0], "max": rng[1]}
        if item_id in NUMERIC_WIDTH:
            out["width"] = NUMERIC_WIDTH[item_id]
        return out
    return {"type": "text", "max_length": TEXT_LENGTHS.get(item_id, 30)}


CHECKLIST_PREFIXES = (
    "A1005",
    "A1010",
    "H0100",
    "I",
    "K0520",
    "M0100",
    "M1040",
    "M1200",
    "O0100",
    "O0390",
    "Q0110",
)


def _code_kind(item_id: str, values: list[str]) -> str:
    plain = [v for v in values if v not in ("^", "-")]
    if sorted(plain) == ["0", "1"] and item_id.startswith(CHECKLIST_PREFIXES) and item_id != "I0020":
        return "checklist"
    return "code"


def _specials(item_id: str, skeleton_values: list[str], section: str) -> list[str]:
    specials = []
    if item_id not in NEVER_CARET:
        specials.append("^")
    if section in DASH_SECTIONS or item_id in {"V0100D", "V0100E", "V0100F"} or section == "GG":
        specials.append("-")
    return specials


# ---------------------------------------------------------------- reading the inputs

ITEM_ID = re.compile(r"^[A-Z]{1,2}[0-9]{4}[A-Z0-9]*$")
_ID_ECHO = re.compile(r"\s*\((?:[A-Z]{1,2}\d{4}[a-zA-Z0-9]*(?:\s*[-,]\s*[A-Z]{1,2}\d{4}[a-zA-Z0-9]*)*)\)\s*$")


def _clean(text: str) -> str:
    """Collapse whitespace and drop trailing '(A0310a)' / '(K0520d1, K0520d3)' id echoes."""
    text = re.sub(r"\s+", " ", text).strip()
    while (cut := _ID_ECHO.sub("", text)) != text:
        text = cut
    return text


def _builder_label(row: dict[str, str]) -> str:
    if row["field_type"] != "CHECKBOX":
        return _clean(row["label"])
    group, _, option = row["label"].partition(" :: ")
    # The group text repeats the question and '(Check all that apply)': keep its title only.
    group = re.sub(r"\s*\((?:Check|[A-Z]{1,2}\d{4}).*$", "", re.sub(r"\s+", " ", group)).strip().rstrip(":")
    return f"{group}: {_clean(option)}" if group else _clean(option)


def _row_iscs(row: dict[str, str]) -> set[str]:
    iscs: set[str] = set()
    for rtype, isc in RECORD_TYPE_ISC.items():
        if row.get(f"mds_{rtype}") == "Y" or row.get(f"correction_of_{rtype}") == "Y":
            iscs.add(isc)
        if row.get(f"inactivation_of_{rtype}") == "Y":
            iscs.add("XX")
    return iscs


def _with_swing_beds(iscs: set[str]) -> set[str]:
    return iscs | {swing for swing, base in SWING_BED_FROM.items() if base in iscs}


def read_builder(path: Path) -> dict[str, dict[str, Any]]:
    """Builder rows keyed by upper-case item id. Duplicate rows and `_title` display variants (any case)
    are merged into the base item by OR-ing their record-type flags (SOURCES.md: 'Merge them by OR-ing')."""
    items: dict[str, dict[str, Any]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            item_id = re.sub(r"_title$", "", row["item"].strip(), flags=re.IGNORECASE).upper()
            if not ITEM_ID.match(item_id):
                continue  # control items come from CONTROL_ITEMS (control_items.csv)
            iscs = _row_iscs(row)
            if item_id in items:
                items[item_id]["subsets"] |= iscs
                continue
            labels = _parse_value_labels(row["value_labels"])
            kind = {"CHECKBOX": "checklist", "DROPDOWN": "code", "RADIO": "code"}.get(row["field_type"])
            items[item_id] = {
                "id": item_id,
                "kind": kind,
                "label": _builder_label(row),
                "values": [v for v in row["values"].split("|") if v not in ("", "^", "-")],
                "value_labels": {"0": "No", "1": "Yes"} if kind == "checklist" else labels,
                "subsets": iscs,
                "source": f"{BUILDER_REF} {row['source_file']}",
                "evidence": "builder",
                "note": "commented out in the builder (not sent by it)"
                if row.get("builder_sends") == "N"
                else "",
            }
    for raw in items.values():
        raw["subsets"] = _with_swing_beds(raw["subsets"])
    return items


def _subsets_spec(spec: str) -> set[str]:
    if spec == "ALL":
        return set(ALL_ISCS)
    if spec == "ASSESSMENTS":
        return set(ASSESSMENT_ISCS)
    return set(spec.split("|"))


def read_supplement(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind, *args = row["type"].split(":")
            raw: dict[str, Any] = {
                "id": row["item"],
                "since": row["since"],
                "label": row["label"],
                "source": row["source"],
                "evidence": row["evidence"],
                "note": row["note"],
                "subsets_like": row["subsets_like"],
                "subsets": _subsets_spec(row["subsets"]) if row["subsets"] else set(),
            }
            if kind in ("code", "checklist"):
                raw["kind"] = kind
                raw["value_labels"] = _parse_value_labels(row["values"])
                raw["values"] = list(raw["value_labels"])
            elif kind == "numeric":
                lo, hi, width = (int(a) for a in args)
                raw["text_kind"] = {"type": "numeric", "min": lo, "max": hi, "width": width}
            elif kind == "text":
                raw["text_kind"] = {"type": "text", "max_length": int(args[0])}
            else:
                raw["text_kind"] = {"type": kind}
            rows.append(raw)
    return rows


def read_not_items(path: Path) -> list[dict[str, Any]]:
    """Item ids the item sets show that are NOT submitted items (signatures, retired or state-only items), with
    where the application keeps them and the source: a record of what was left out on purpose."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            {
                "items": r["item"].split(";"),
                "where_kept": r["where_kept"],
                "reason": r["reason"],
                "source": r["source"],
            }
            for r in csv.DictReader(fh)
        ]


def read_fixes(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            {
                "items": r["item"].split(";"),
                "versions": r["versions"],
                "field": r["field"],
                "value": r["value"],
                "source": r["source"],
            }
            for r in csv.DictReader(fh)
        ]


def _expand(spec: str) -> list[str]:
    return [i.strip() for i in spec.split(";") if i.strip()]


def read_changes(path: Path) -> dict[str, dict[str, set[str]]]:
    """Per target version: ids added and removed (renames count as both; `*` rows are prefixes)."""
    out: dict[str, dict[str, set[str]]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            target = row["version"].split("->")[1]
            bucket = out.setdefault(target, {"added": set(), "removed": set()})
            if row["change"] == "renamed":
                old, new = row["item"].split("->")
                bucket["removed"].update(_expand(old))
                bucket["added"].update(_expand(new))
            elif row["change"] in ("added", "removed"):
                bucket[row["change"]].update(_expand(row["item"]))
    return out


def _removed(item_id: str, removed: set[str]) -> bool:
    return any(item_id == r or (r.endswith("*") and item_id.startswith(r[:-1])) for r in removed)


# ---------------------------------------------------------------- building one item set


def _applies(versions: str, version: str) -> bool:
    return versions == "ALL" or version in versions.split(";")


def _apply_fix(raw: dict[str, Any], fix: dict[str, Any], defs: dict[str, dict[str, Any]]) -> None:
    field, value = fix["field"], fix["value"]
    if field == "values":
        raw["value_labels"] = _parse_value_labels(value)
        raw["values"] = list(raw["value_labels"])
    elif field == "subsets_like":
        raw["subsets"] = set(defs[value]["subsets"])
    elif field == "subsets_remove":
        raw["subsets"] = set(raw["subsets"]) - set(value.split("|"))
    elif field == "subsets_add":
        raw["subsets"] = _with_swing_beds(set(raw["subsets"]) | set(value.split("|")))
    else:
        raise ValueError(f"fixes.csv: unknown field {field!r}")
    raw["note"] = "; ".join(n for n in (raw.get("note"), f"{field} fixed: {fix['source']}") if n)


def item_definitions(shared: Path, version: str) -> dict[str, dict[str, Any]]:
    """Raw definitions of every item of `version` (builder + supplement - removals, fixes applied)."""
    order = [v["version"] for v in VERSIONS]
    builder = read_builder(shared / "mds" / BUILDER_CSV)
    changes = read_changes(shared / "mds" / "ref" / "item_set_changes.csv")
    supplement = read_supplement(HERE / "supplement.csv")
    first_removed = changes.get(order[0], {}).get("removed", set())
    stale = sorted(i for i in builder if _removed(i, first_removed))
    if stale:
        raise SystemExit(f"builder carries items retired in {order[0]}: {stale}")
    defs = {k: dict(v) for k, v in builder.items()}
    cms_added = _cms_sources(shared)
    for item_id, source in cms_added.items():
        if item_id in defs:
            defs[item_id].update(source=source, evidence="cms")
    for v in order[: order.index(version) + 1]:
        if v != order[0]:
            for item_id in [i for i in defs if _removed(i, changes.get(v, {}).get("removed", set()))]:
                del defs[item_id]
        for raw in (r for r in supplement if r["since"] == v):
            defs[raw["id"]] = dict(raw)
        expected = changes.get(v, {}).get("added", set())
        # Section S items are state-optional (not part of the federal record this tool exports).
        missing = sorted(i for i in expected if "*" not in i and not i.startswith("S") and i not in defs)
        if missing:
            raise SystemExit(
                f"item_set_changes.csv adds {missing} in {v}, but no definition exists (supplement.csv)"
            )
    for raw in defs.values():
        like = raw.pop("subsets_like", "")
        if like:
            raw["subsets"] = set((builder.get(like) or defs[like])["subsets"])
    for fix in read_fixes(HERE / "fixes.csv"):
        if _applies(fix["versions"], version):
            for item_id in fix["items"]:
                if item_id in defs:
                    _apply_fix(defs[item_id], fix, defs)
    for item_id, raw in defs.items():
        if item_id.startswith("X"):
            # Every record carries the X items: ^ on a new record (-3746), answered on a correction.
            raw["subsets"] = set(ALL_ISCS)
        if item_id == "A0050":
            raw["subsets"] = set(ALL_ISCS)  # decides between new record, modification and XX
    return defs


def _cms_sources(shared: Path) -> dict[str, str]:
    """Builder items whose 'added' row in item_set_changes.csv cites a CMS data-spec page."""
    out = {}
    with (shared / "mds" / "ref" / "item_set_changes.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["change"] in ("added", "renamed") and "cms.gov" in row["source"]:
                new = row["item"].split("->")[-1]
                for item_id in _expand(new):
                    out[item_id] = row["source"]
    return out


def _build_item(raw: dict[str, Any]) -> dict[str, Any]:
    item_id = raw["id"]
    section = _section(item_id)
    label_en = raw["label"]
    item: dict[str, Any] = {"id": item_id, "section": section}
    if raw.get("kind") in ("code", "checklist"):
        values = [v for v in raw["values"] if v not in ("^", "-")]
        item["type"] = "checklist" if raw["kind"] == "checklist" else _code_kind(item_id, values)
        item["values"] = values
        labels = raw.get("value_labels", {})
        item["value_labels"] = {
            code: {
                "en": labels.get(code) or code,
                "es": _label_es(code, labels.get(code) or code, values) or labels.get(code) or code,
            }
            for code in values
        }
        item["value_labels_es_fallback"] = [
            c for c in values if _label_es(c, labels.get(c) or c, values) is None
        ]
    else:
        item.update(raw.get("text_kind") or _text_kind(item_id, label_en))
    item["special"] = _specials(item_id, raw.get("values", []), section)
    es = ITEM_LABELS_ES.get(item_id)
    item["label"] = {"en": label_en, "es": es or label_en}
    item["label_es_fallback"] = es is None
    item["subsets"] = [i for i in ALL_ISCS if i in raw["subsets"]]
    item["source"] = raw["source"]
    item["evidence"] = raw["evidence"]
    item["verified"] = raw["evidence"] in ("cms", "builder")
    if raw.get("note"):
        item["note"] = raw["note"]
    return item


def _controls() -> list[dict[str, Any]]:
    controls = []
    for ctrl in CONTROL_ITEMS:
        c: dict[str, Any] = {
            "id": ctrl["id"],
            "section": "CTRL",
            "type": ctrl["type"],
            "control": True,
            "required": ctrl["required"],
            "special": [],
            "subsets": list(ALL_ISCS),
        }
        if ctrl["type"] == "code":
            c["values"] = ctrl["values"]
            c["value_labels"] = {v: {"en": v, "es": v} for v in ctrl["values"]}
        else:
            c["max_length"] = ctrl["max_length"]
        c["label"] = {"en": ctrl["id"].replace("_", " ").title(), "es": ITEM_LABELS_ES[ctrl["id"]]}
        c["label_es_fallback"] = False
        c["source"] = "ref/control_items.csv (MDS data specs V3.02.1 / V1.12.0 control item pages)"
        c["evidence"] = "cms"
        c["verified"] = True
        controls.append(c)
    return controls


def build(shared: Path, version: str) -> dict[str, Any]:
    meta = next(v for v in VERSIONS if v["version"] == version)
    defs = item_definitions(shared, version)
    items = [_build_item(raw) for _, raw in sorted(defs.items())]
    return {
        **meta,
        "generated_from": f"shared/data/mds/{BUILDER_CSV} + ref/item_set_changes.csv + scripts/catalog/*.csv "
        "by scripts/build_catalog.py",
        "iscs": ALL_ISCS,
        "sections": {k: {"en": en, "es": es} for k, (en, es) in SECTION_NAMES.items()},
        "items": _controls() + items,
        "not_submitted": read_not_items(HERE / "not_items.csv"),
    }


def out_name(version: str) -> str:
    return f"items_v{version.replace('.', '_')}.json"


# ---------------------------------------------------------------- the item x ISC table (docs/)


def isc_table(catalogs: list[dict[str, Any]]) -> str:
    """Markdown: one row per item of any version, one column per ISC and version ('x' = active)."""
    lines = [
        "# Items per item subset (ISC) and item set",
        "",
        "Generated by `scripts/build_catalog.py --isc-doc docs/item-sets-isc.md` from the shipped catalogs; do not edit.",
        "Per version, the letters say on which item subsets (ITM_SBST_CD) the item is active: the record of that",
        "subset carries the item (as `^` when a skip pattern skips it). `-` = not in that item set.",
        "Sources per item: the `source`/`evidence`/`note` fields in mds/data/items_v*.json; see docs/item-sets.md.",
        "",
    ]
    versions = [c["version"] for c in catalogs]
    by_version = [{it["id"]: it for it in c["items"]} for c in catalogs]
    ids = sorted(
        set().union(*by_version),
        key=lambda i: (
            not by_version[-1].get(i, {}).get("control", False)
            and not any(bv.get(i, {}).get("control") for bv in by_version),
            i,
        ),
    )
    lines.append("| Item | " + " | ".join(versions) + " | Evidence |")
    lines.append("|---|" + "---|" * len(versions) + "---|")
    for item_id in ids:
        cells = []
        for bv in by_version:
            it = bv.get(item_id)
            cells.append("-" if it is None else " ".join(it["subsets"]))
        newest = next(bv[item_id] for bv in reversed(by_version) if item_id in bv)
        evidence = newest.get("evidence", "") + ("" if newest.get("verified", True) else " (not verified)")
        lines.append(f"| {item_id} | " + " | ".join(cells) + f" | {evidence} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--isc-doc", type=Path, default=DEFAULT_ISC_DOC)
    args = parser.parse_args(argv)
    catalogs = []
    for meta in VERSIONS:
        catalog = build(args.shared, meta["version"])
        path = args.out_dir / out_name(meta["version"])
        path.write_text(json.dumps(catalog, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"wrote {path}: {len(catalog['items'])} items")
        catalogs.append(catalog)
    args.isc_doc.write_text(isc_table(catalogs), encoding="utf-8")
    print(f"wrote {args.isc_doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
