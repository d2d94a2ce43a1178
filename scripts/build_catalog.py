"""Build mds/data/items_v1_20_1.json, the shipped MDS 3.0 item catalog.

Input: ../shared/data/mds (the MDS3Builder v1.17 item skeleton + the ref/ tables).
Output: one JSON file the app loads at run time (mds.catalog). The changes from the v1.17 skeleton to
item set v1.20.1 (effective 2025-10-01) are applied here, item by item, and each one is listed with its
source in docs/catalog-changes-v1.20.1.md.

Usage: python scripts/build_catalog.py [SHARED_DATA_DIR] [--out PATH]
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
DEFAULT_OUT = REPO / "mds" / "data" / "items_v1_20_1.json"

ITEM_SET = {"version": "1.20.1", "itm_set_vrsn_cd": "1.20", "effective": "2025-10-01"}

# MDS3Builder record types -> item subset code (ISC). Source: item_subset_codes.csv meanings.
RECORD_TYPE_ISC = {
    "admission": "NC", "annual": "NC", "significant_change": "NC", "quarterly": "NQ",
    "pps5_day": "NP", "pps_discharge": "NPE", "interim_payment": "IPA",
    "discharge_ra": "ND", "discharge_rna": "ND", "entry": "NT", "death": "NT",
}
# MDS3Builder has no swing-bed record types: swing-bed subsets reuse the nursing-home subset of the
# same record kind (documented assumption, docs/catalog-changes-v1.20.1.md).
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
    "C0500": (0, 99), "D0300": (0, 99), "D0600": (0, 30),
    "K0200A": (0, 99), "K0200B": (0, 999), "M1030": (0, 9), "O0430": (0, 999),
    "V0100D": (0, 99), "V0100E": (0, 99), "V0100F": (0, 30), "X0800": (1, 99),
}
NUMERIC_PATTERNS = [
    (re.compile(r"^M0300[A-G][12]$"), (0, 9)),
    (re.compile(r"^O0400[A-C](1|2|3|3A)$"), (0, 9999)),
    (re.compile(r"^O0400[D-F]1$"), (0, 9999)),
    (re.compile(r"^O0425[A-C][1-4]$"), (0, 9999)),
    (re.compile(r"^O0425[A-C]5$"), (0, 7)),
]
# Numeric items whose value must be zero-padded to a fixed width (CMS sends C0500 as 00-15, X0800 as 01).
NUMERIC_WIDTH = {"C0500": 2, "D0300": 2, "D0600": 2, "V0100D": 2, "V0100E": 2, "V0100F": 2, "X0800": 2}
TEXT_LENGTHS = {
    "A0100B": 15, "A0500A": 12, "A0500B": 1, "A0500C": 18, "A0600A": 9, "A0600B": 12, "A1100B": 15,
    "A1300A": 20, "A1300B": 10, "A1300C": 60, "I0020B": 8, "X0200A": 12, "X0200C": 18, "X0500": 9,
}
BIRTHDATE_ITEMS = {"A0900", "X0400"}  # -3678: YYYYMMDD, YYYYMM or YYYY
# Items that never take the caret where active: identity/RFA/core dates (the record is meaningless
# without them). Everything else may be skipped by some skip pattern.
NEVER_CARET = {
    "A0050", "A0200", "A0310A", "A0310B", "A0310E", "A0310F", "A0500A", "A0500C", "A0810",
    "A0900", "A2300", "Z0500B",
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
    "O": ("Special Treatments, Procedures, and Programs", "Tratamientos, procedimientos y programas especiales"),
    "P": ("Restraints and Alarms", "Restricciones y alarmas"),
    "Q": ("Participation in Assessment and Goal Setting", "Participación en la evaluación y metas"),
    "V": ("Care Area Assessment (CAA) Summary", "Resumen de evaluación de áreas de atención (CAA)"),
    "X": ("Correction Request", "Solicitud de corrección"),
    "Z": ("Assessment Administration", "Administración de la evaluación"),
}

# Spanish for the most common value labels (exact English text after "code=").
VALUE_LABELS_ES = {
    "NA": "No aplica", "Yes": "Sí", "No": "No", "None": "Ninguno", "Not used": "No se usa",
    "Not assessed/no information": "No evaluado / sin información", "Blank (skip pattern)": "En blanco (patrón de salto)",
    "Resident Refused": "El residente se negó", "Unable to determine": "No se puede determinar",
    "No response": "Sin respuesta", "Used less than daily": "Se usa menos que a diario", "Used daily": "Se usa a diario",
    "Never or 1 day": "Nunca o 1 día", "2-6 days (several days)": "2-6 días (varios días)",
    "7-11 days (half or more of the days)": "7-11 días (la mitad o más de los días)",
    "12-14 days (nearly every day)": "12-14 días (casi todos los días)",
    "Very important": "Muy importante", "Somewhat important": "Algo importante", "Not very important": "Poco importante",
    "Not important at all": "Nada importante", "Important, but can't do or no choice": "Importante, pero no puede o no tiene opción",
    "No response or non-responsive": "Sin respuesta o no responde", "Unknown": "Desconocido",
    "None of the above": "Ninguna de las anteriores", "Male": "Masculino", "Female": "Femenino",
    "Add new record": "Agregar registro nuevo", "Modify existing record": "Modificar registro existente",
    "Inactivate existing record": "Inactivar registro existente",
    "Nursing Home (SNF/NF)": "Centro de enfermería (SNF/NF)", "Swing Bed": "Cama de transición (swing bed)",
    "Admission assessment (required by day 14)": "Evaluación de admisión (requerida al día 14)",
    "Quarterly review assessment": "Evaluación trimestral", "Annual assessment": "Evaluación anual",
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
    "06": "Independiente", "05": "Ayuda para preparar o limpiar", "04": "Supervisión o asistencia de contacto",
    "03": "Asistencia parcial/moderada", "02": "Asistencia sustancial/máxima", "01": "Dependiente",
    "07": "El residente se negó", "09": "No aplica", "10": "No se intentó por limitaciones del entorno",
    "88": "No se intentó por condición médica o seguridad",
}

# Spanish item labels for the items the entry screen and the validation report show most.
ITEM_LABELS_ES = {
    "ASMT_SYS_CD": "Código del sistema de evaluación", "ITM_SBST_CD": "Código de subconjunto de ítems (ISC)",
    "ITM_SET_VRSN_CD": "Versión del conjunto de ítems", "SPEC_VRSN_CD": "Versión de las especificaciones",
    "PRODN_TEST_CD": "Indicador de producción/prueba", "STATE_CD": "Código postal del estado del centro",
    "FAC_ID": "ID de envío del centro", "SFTWR_VNDR_ID": "ID fiscal del proveedor de software",
    "SFTWR_VNDR_NAME": "Nombre del proveedor de software", "SFTWR_VNDR_EMAIL_ADR": "Correo del proveedor de software",
    "SFTWR_PROD_NAME": "Nombre del producto de software", "SFTWR_PROD_VRSN_CD": "Versión del producto de software",
    "FAC_DOC_ID": "ID de documento del centro",
    "A0050": "Tipo de registro", "A0100B": "Número CMS de certificación", "A0200": "Tipo de proveedor",
    "A0310A": "Motivo federal OBRA de la evaluación", "A0310B": "Evaluación PPS",
    "A0310E": "¿Es la primera evaluación desde el ingreso más reciente?", "A0310F": "Registro de ingreso/alta",
    "A0310G": "Tipo de alta", "A0310G1": "¿Es una estadía interrumpida de la Parte A?",
    "A0310H": "¿Es una evaluación de alta PPS de la Parte A?", "A0500A": "Nombre", "A0500B": "Inicial del segundo nombre",
    "A0500C": "Apellido", "A0600A": "Número de Seguro Social", "A0600B": "Número de Medicare",
    "A0810": "Sexo", "A0900": "Fecha de nacimiento", "A1600": "Fecha de ingreso", "A1800": "Ingresó desde",
    "A1900": "Fecha de admisión", "A2000": "Fecha de alta", "A2100": "Estado al alta",
    "A2200": "Fecha de referencia de la evaluación previa", "A2300": "Fecha de referencia de la evaluación (ARD)",
    "B0100": "Estado comatoso", "C0100": "¿Debe realizarse la entrevista breve del estado mental (BIMS)?",
    "C0500": "Puntuación total BIMS", "D0100": "¿Debe realizarse la entrevista del estado de ánimo?",
    "D0300": "Puntuación total de gravedad (PHQ-2 a 9)", "F0300": "¿Debe realizarse la entrevista de preferencias?",
    "J0200": "¿Debe realizarse la entrevista de dolor?", "J1800": "¿Ha sufrido caídas desde el ingreso o la evaluación previa?",
    "M0210": "¿Tiene una o más úlceras/lesiones por presión sin cicatrizar?", "K0200A": "Estatura (pulgadas)",
    "K0200B": "Peso (libras)", "O0390Z": "Servicios de terapia: ninguno de los anteriores",
    "V0200B2": "Fecha de firma de las CAA", "V0200C2": "Fecha de firma del plan de cuidados",
    "X0800": "Número de corrección", "X1100E": "Fecha de la atestación de la corrección",
    "Z0500B": "Fecha en que el coordinador RN firmó la evaluación como completa",
}


def _checked_label(text: str) -> str:
    """Drop the trailing '(A0310a)' id echo and builder notes from a skeleton label."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*\([A-Z]{1,2}\d{4}[a-zA-Z0-9]*\)\s*$", "", text) or text


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


def _read_skeleton(path: Path) -> dict[str, dict[str, Any]]:
    """Rows keyed by upper-case id. Duplicate and '_title' rows (builder display variants) are merged:
    their record-type flags are OR-ed into the base item."""
    items: dict[str, dict[str, Any]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            raw_id = row["item"].strip()
            if not row["field_type"] or not re.match(r"^[A-Za-z]{1,2}[0-9]{4}", raw_id):
                continue  # FIELD_OPTION artefact, control items (those come from control_items.csv)
            item_id = raw_id.removesuffix("_title").upper()
            iscs = _row_iscs(row)
            if item_id in items:
                items[item_id]["subsets"] |= iscs
                continue
            items[item_id] = {
                "id": item_id, "field_type": row["field_type"], "label": _checked_label(row["label"]),
                "values": [v for v in row["values"].split("|") if v], "value_labels": _parse_value_labels(row["value_labels"]),
                "subsets": iscs,
            }
    return items


def _row_iscs(row: dict[str, str]) -> set[str]:
    iscs: set[str] = set()
    for rtype, isc in RECORD_TYPE_ISC.items():
        if row.get(f"mds_{rtype}") == "Y" or row.get(f"correction_of_{rtype}") == "Y":
            iscs.add(isc)
        if row.get(f"inactivation_of_{rtype}") == "Y":
            iscs.add("XX")
    for swing, base in SWING_BED_FROM.items():
        if base in iscs:
            iscs.add(swing)
    return iscs


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


CHECKLIST_PREFIXES = ("A1005", "A1010", "H0100", "I", "K0520", "M0100", "M1040", "M1200", "O0100", "O0390", "Q0110")


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


def _build_item(raw: dict[str, Any], added_by: str | None = None) -> dict[str, Any]:
    item_id = raw["id"]
    section = _section(item_id)
    label_en = raw["label"]
    item: dict[str, Any] = {"id": item_id, "section": section}
    if raw.get("field_type") in ("DROPDOWN", "RADIO") or raw.get("kind") in ("code", "checklist"):
        values = [v for v in raw["values"] if v not in ("^", "-")]
        item["type"] = raw.get("kind") or _code_kind(item_id, raw["values"])
        item["values"] = values
        labels = raw.get("value_labels", {})
        item["value_labels"] = {
            code: {"en": labels.get(code, code), "es": _label_es(code, labels.get(code, code), values) or labels.get(code, code)}
            for code in values
        }
        item["value_labels_es_fallback"] = [c for c in values if _label_es(c, labels.get(c, c), values) is None]
    else:
        item.update(raw.get("text_kind") or _text_kind(item_id, label_en))
    item["special"] = _specials(item_id, raw.get("values", []), section)
    es = ITEM_LABELS_ES.get(item_id)
    item["label"] = {"en": label_en, "es": es or label_en}
    item["label_es_fallback"] = es is None
    item["subsets"] = [i for i in ALL_ISCS if i in raw["subsets"]]
    if added_by:
        item["change"] = added_by
    return item


def _added_items(skeleton: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Items new in (or missing from the skeleton of) item sets 1.18-1.20.1. Active subsets are copied
    from the skeleton item they replace or sit beside; see docs/catalog-changes-v1.20.1.md."""
    def subsets_of(item_id: str) -> set[str]:
        return set(skeleton[item_id]["subsets"])

    yes_no = {"0": "No", "1": "Yes"}
    added: list[dict[str, Any]] = []

    def code(item_id: str, label: str, values: dict[str, str], subsets: set[str], change: str, kind: str = "code") -> None:
        added.append({"raw": {"id": item_id, "label": label, "kind": kind, "values": list(values), "value_labels": values,
                              "subsets": subsets}, "change": change})

    def other(item_id: str, label: str, text_kind: dict[str, Any], subsets: set[str], change: str) -> None:
        added.append({"raw": {"id": item_id, "label": label, "text_kind": text_kind, "subsets": subsets}, "change": change})

    code("A0810", "Sex", {"1": "Male", "2": "Female"}, subsets_of("A0800"), "replaces A0800 Gender (v1.20.1)")
    race_subsets = subsets_of("A1000A")
    for letter, text in [("A", "No, not of Hispanic, Latino/a, or Spanish origin"), ("B", "Yes, Mexican, Mexican American, Chicano/a"),
                         ("C", "Yes, Puerto Rican"), ("D", "Yes, Cuban"), ("E", "Yes, another Hispanic, Latino, or Spanish origin"),
                         ("X", "Resident unable to respond"), ("Y", "Resident declines to respond")]:
        code(f"A1005{letter}", f"Ethnicity: {text}", yes_no, race_subsets, "replaces A1000 (v1.18)", "checklist")
    for letter, text in [("A", "White"), ("B", "Black or African American"), ("C", "American Indian or Alaska Native"),
                         ("D", "Asian Indian"), ("E", "Chinese"), ("F", "Filipino"), ("G", "Japanese"), ("H", "Korean"),
                         ("I", "Vietnamese"), ("J", "Other Asian"), ("K", "Native Hawaiian"), ("L", "Guamanian or Chamorro"),
                         ("M", "Samoan"), ("N", "Other Pacific Islander"), ("X", "Resident unable to respond"),
                         ("Y", "Resident declines to respond"), ("Z", "None of the above")]:
        code(f"A1010{letter}", f"Race: {text}", yes_no, race_subsets, "replaces A1000 (v1.18)", "checklist")
    code("M0100Z", "Determination of Pressure Ulcer/Injury Risk: None of the above", yes_no, subsets_of("M0100A"),
         "missing from skeleton (edit -3595)", "checklist")
    # K0520 Nutritional Approaches replaces K0510 (v1.18.11). Column 2 (on admission, while a resident)
    # is the one edit -4055 gates on A2300-A1600.
    k_admit = subsets_of("K0510A1") | subsets_of("K0510B2")
    for letter, text in [("A", "Parenteral/IV feeding"), ("B", "Feeding tube"), ("C", "Mechanically altered diet"),
                         ("D", "Therapeutic diet"), ("Z", "None of the above")]:
        for col, (col_text, subs) in enumerate([("on admission, while not a resident", k_admit),
                                                 ("on admission, while a resident", k_admit),
                                                 ("while a resident, last 7 days", subsets_of("K0510B2")),
                                                 ("at discharge", {"ND", "SD", "NPE"})], start=1):
            code(f"K0520{letter}{col}", f"Nutritional approaches: {text} ({col_text})", yes_no, subs,
                 "replaces K0510 (v1.18.11)", "checklist")
    o_subsets = subsets_of("O0400B4")
    for letter, text in [("A", "Speech-language pathology and audiology services"), ("B", "Occupational therapy"),
                         ("C", "Physical therapy"), ("D", "Respiratory therapy"), ("E", "Psychological therapy"),
                         ("Z", "None of the above")]:
        code(f"O0390{letter}", f"Therapy services: {text}", yes_no, o_subsets, "new in v1.20.1 (edit -4077)", "checklist")
    q_subsets = {"NC", "NQ"}
    for letter, text in [("A", "Resident"), ("B", "Family"), ("C", "Significant other"), ("D", "Legal guardian"),
                         ("E", "Other legally authorized representative"), ("Z", "None of the above")]:
        code(f"Q0110{letter}", f"Participation in assessment and goal setting: {text}", yes_no, q_subsets,
             "missing from skeleton (edit -4023)", "checklist")
    v_subsets = {"NC", "NQ"}
    code("V0100A", "Prior assessment federal OBRA reason for assessment",
         {"01": "Admission", "02": "Quarterly", "03": "Annual", "04": "Significant change",
          "05": "Significant correction to prior comprehensive", "06": "Significant correction to prior quarterly", "99": "None of the above"},
         v_subsets, "missing from skeleton (edits -3744, -3782)")
    code("V0100B", "Prior assessment PPS reason for assessment", {"01": "5-day scheduled assessment", "08": "IPA", "99": "None of the above"},
         v_subsets, "missing from skeleton (edits -3744, -3782)")
    other("V0100C", "Prior assessment reference date", {"type": "date"}, v_subsets, "missing from skeleton (edit -3744)")
    other("V0100D", "Prior assessment BIMS summary score", {"type": "numeric", "min": 0, "max": 99, "width": 2}, v_subsets,
          "missing from skeleton (edit -3744)")
    other("V0100E", "Prior assessment PHQ resident total severity score", {"type": "numeric", "min": 0, "max": 99, "width": 2},
          v_subsets, "missing from skeleton (edit -3744)")
    other("V0100F", "Prior assessment PHQ staff total severity score", {"type": "numeric", "min": 0, "max": 30, "width": 2},
          v_subsets, "missing from skeleton (edit -3744)")
    other("V0200B2", "CAA completion: date RN coordinator signed", {"type": "date"}, {"NC"}, "missing from skeleton (edit -3851)")
    other("V0200C2", "Care planning decisions: date signed", {"type": "date"}, {"NC"}, "missing from skeleton (edit -3851)")
    x_subsets = set(ALL_ISCS)
    other("X0800", "Correction number", {"type": "numeric", "min": 1, "max": 99, "width": 2}, x_subsets,
          "missing from skeleton (edit -3783)")
    other("X1100E", "Correction attestation date", {"type": "date"}, x_subsets, "missing from skeleton (edit -3851)")
    other("Z0500B", "Date RN assessment coordinator signed assessment as complete", {"type": "date"},
          set(ASSESSMENT_ISCS), "missing from skeleton (edit -3851)")
    return added


# Retired items (v1.17 skeleton -> v1.20.1). Section G: retired Oct 2023 (item_set_versions.csv 1.18).
def _is_retired(item_id: str) -> str | None:
    if item_id.startswith("G") and not item_id.startswith("GG"):
        return "Section G retired in item set 1.18 (2023-10-01)"
    if item_id == "A0800":
        return "replaced by A0810 Sex (v1.20.1)"
    if item_id.startswith("A1000"):
        return "replaced by A1005 ethnicity / A1010 race (v1.18)"
    if item_id.startswith("K0510"):
        return "replaced by K0520 (v1.18.11)"
    if item_id == "O0420":
        return "removed in v1.20.1"
    return None


def build(shared: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    skeleton = _read_skeleton(shared / "mds" / "mds3builder_items_v1_17.csv")
    # X items: active on every record so new records can carry them as ^ (-3746).
    for item_id, raw in skeleton.items():
        if item_id.startswith("X"):
            raw["subsets"] = set(ALL_ISCS)
    added = _added_items(skeleton)
    removed = [(i, why) for i in skeleton if (why := _is_retired(i))]
    removed_ids = {i for i, _ in removed}
    items = [_build_item(raw) for item_id, raw in skeleton.items() if item_id not in removed_ids]
    items += [_build_item(a["raw"], a["change"]) for a in added]
    items.sort(key=lambda it: it["id"])
    controls = []
    for ctrl in CONTROL_ITEMS:
        c = {"id": ctrl["id"], "section": "CTRL", "type": ctrl["type"], "control": True, "required": ctrl["required"],
             "special": [], "subsets": list(ALL_ISCS)}
        if ctrl["type"] == "code":
            c["values"] = ctrl["values"]
            c["value_labels"] = {v: {"en": v, "es": v} for v in ctrl["values"]}
        else:
            c["max_length"] = ctrl["max_length"]
        es = ITEM_LABELS_ES[ctrl["id"]]
        c["label"] = {"en": ctrl["id"].replace("_", " ").title(), "es": es}
        c["label_es_fallback"] = False
        controls.append(c)
    # A0050 is required on every record (it decides between a new record, a modification and XX).
    for it in items:
        if it["id"] == "A0050":
            it["subsets"] = list(ALL_ISCS)
    catalog = {
        **ITEM_SET,
        "generated_from": "shared/data/mds/mds3builder_items_v1_17.csv + ref/*.csv by scripts/build_catalog.py",
        "iscs": ALL_ISCS,
        "sections": {k: {"en": en, "es": es} for k, (en, es) in SECTION_NAMES.items()},
        "items": controls + items,
    }
    return catalog, removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    catalog, removed = build(args.shared)
    args.out.write_text(json.dumps(catalog, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    n_added = sum(1 for it in catalog["items"] if "change" in it)
    print(f"wrote {args.out}: {len(catalog['items'])} items ({n_added} added, {len(removed)} retired)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
