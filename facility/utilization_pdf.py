"""The Medicaid information sheet for families (English or Spanish), printed from the utilization review.

Pure apart from fpdf2: plain dicts in, PDF bytes out (run it off the event loop). Plain-language facts:
Medicaid nursing-facility coverage (42 CFR 435 / 42 USC 1396a), the 60-month look-back on transfers of
assets (42 USC 1396p(c)(1)(B)(i)), spousal impoverishment protections (42 USC 1396r-5), the resident's
monthly contribution ("patient liability", 42 CFR 435.725) and the Medicare SNF benefit (42 CFR 409.61,
409.85: days 21-100 carry a daily coinsurance). Amounts and limits vary by state and year, so the sheet
sends families to the state Medicaid agency rather than printing numbers that may be out of date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fpdf import FPDF

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Medicaid information for residents and families",
        "for": "Prepared for",
        "date": "Date",
        "facility": "Facility",
        "coverage": "Current coverage",
        "payer": {"medicare_a": "Medicare Part A", "medicare_advantage": "Medicare Advantage", "medicaid": "Medicaid",
                  "private": "Private pay", "hospice": "Hospice", "": "Not yet determined"},
        "medicare_days": "Medicare Part A skilled nursing days used in this benefit period: {used} of 100 ({left} left). "
                         "Days 21 to 100 carry a daily coinsurance.",
        "coinsurance_from": "Coinsurance applies from {date}.",
        "medicaid_number": "Medicaid number on file",
        "none": "none on file",
        "sections": [
            ("What Medicaid pays for",
             "Medicaid is a joint federal and state program. For people who qualify, it pays for long-term nursing "
             "facility care after Medicare and other coverage end. The resident keeps a small personal needs allowance; "
             "the rest of the monthly income goes toward the cost of care (the 'patient liability')."),
            ("Who qualifies",
             "Eligibility depends on medical need and on income and assets. Limits are set by each state and change every "
             "year. A home, one car, personal belongings and a burial fund are usually not counted."),
            ("The 5-year look-back",
             "When you apply, the state reviews gifts and transfers of money or property made in the 60 months before the "
             "application. Transfers for less than fair value can delay coverage."),
            ("If a spouse lives at home",
             "Federal rules protect part of the couple's income and assets for the spouse who stays at home, so that he or "
             "she is not left without means."),
            ("How to apply",
             "Apply with your state Medicaid agency (online, by mail or in person), or ask our business office to help. "
             "Bring: proof of identity and citizenship or immigration status, Social Security and Medicare cards, "
             "bank statements for the last months, income statements (Social Security, pensions), insurance policies, "
             "property deeds, and any power of attorney or guardianship papers."),
            ("After you apply",
             "The state decides within 45 days in most cases. If the application is denied, you have the right to a fair "
             "hearing; the denial letter gives the deadline. Tell the business office about every letter you receive."),
        ],
        "contact": "Questions? Ask the business office or the social services staff of the facility.",
        "footer": "General information, not legal advice. Rules and amounts vary by state.",
    },
    "es": {
        "title": "Información sobre Medicaid para residentes y familias",
        "for": "Preparado para",
        "date": "Fecha",
        "facility": "Centro",
        "coverage": "Cobertura actual",
        "payer": {"medicare_a": "Medicare Parte A", "medicare_advantage": "Medicare Advantage", "medicaid": "Medicaid",
                  "private": "Pago privado", "hospice": "Hospicio", "": "Aún no determinada"},
        "medicare_days": "Días de enfermería especializada de Medicare Parte A usados en este período de beneficios: {used} de 100 "
                         "(quedan {left}). Los días 21 a 100 tienen un coseguro diario.",
        "coinsurance_from": "El coseguro se aplica a partir del {date}.",
        "medicaid_number": "Número de Medicaid registrado",
        "none": "no registrado",
        "sections": [
            ("Qué paga Medicaid",
             "Medicaid es un programa federal y estatal. Para quienes califican, paga la atención a largo plazo en un centro "
             "de enfermería cuando termina Medicare u otra cobertura. El residente conserva una pequeña asignación para "
             "necesidades personales; el resto de sus ingresos mensuales se destina al costo de la atención (la "
             "'responsabilidad del paciente')."),
            ("Quién califica",
             "La elegibilidad depende de la necesidad médica y de los ingresos y bienes. Cada estado fija los límites y "
             "cambian cada año. Por lo general no se cuentan la vivienda, un automóvil, los objetos personales ni un fondo "
             "para el funeral."),
            ("La revisión de 5 años",
             "Al solicitar, el estado revisa las donaciones y transferencias de dinero o bienes hechas en los 60 meses "
             "anteriores a la solicitud. Las transferencias por menos de su valor justo pueden retrasar la cobertura."),
            ("Si el cónyuge vive en casa",
             "Las normas federales protegen una parte de los ingresos y bienes de la pareja para el cónyuge que se queda en "
             "casa, para que no quede sin recursos."),
            ("Cómo solicitar",
             "Presente la solicitud ante la agencia de Medicaid de su estado (en línea, por correo o en persona), o pida "
             "ayuda a nuestra oficina administrativa. Traiga: prueba de identidad y de ciudadanía o estatus migratorio, "
             "tarjetas del Seguro Social y de Medicare, estados de cuenta bancarios de los últimos meses, comprobantes de "
             "ingresos (Seguro Social, pensiones), pólizas de seguro, escrituras de propiedades y cualquier poder notarial "
             "o documento de tutela."),
            ("Después de solicitar",
             "En la mayoría de los casos el estado decide en 45 días. Si niega la solicitud, usted tiene derecho a una "
             "audiencia imparcial; la carta de denegación indica el plazo. Informe a la oficina administrativa de cada "
             "carta que reciba."),
        ],
        "contact": "¿Preguntas? Consulte a la oficina administrativa o al personal de servicios sociales del centro.",
        "footer": "Información general, no asesoría legal. Las normas y los montos varían según el estado.",
    },
}

_REPLACEMENTS = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}


def _latin1(text: Any) -> str:
    """The core PDF fonts are Latin-1 (Spanish accents and ¿ included); anything else is transliterated."""
    value = "" if text is None else str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return value.encode("latin-1", "replace").decode("latin-1")


def _day(value: date, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "es" else value.strftime("%m/%d/%Y")


def medicaid_sheet(facility: dict[str, Any], stay: dict[str, Any], detail: dict[str, Any], lang: str, today: date) -> bytes:
    t = TEXT["es" if lang == "es" else "en"]
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(t["title"]))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(t["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    lines = [
        f"{t['for']}: {stay.get('first_name', '')} {stay.get('last_name', '')}",
        f"{t['facility']}: {facility.get('name', '')}",
        f"{t['date']}: {_day(today, lang)}",
        f"{t['coverage']}: {t['payer'].get(detail.get('payer', ''), t['payer'][''])}",
        f"{t['medicaid_number']}: {stay.get('medicaid_number') or t['none']}",
    ]
    for line in lines:
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    medicare = detail.get("medicare")
    if medicare is not None:
        pdf.ln(1)
        pdf.multi_cell(0, 5, _latin1(t["medicare_days"].format(used=medicare.days_used, left=medicare.days_left)), new_x="LMARGIN", new_y="NEXT")
        if medicare.coinsurance_from:
            pdf.multi_cell(0, 5, _latin1(t["coinsurance_from"].format(date=_day(medicare.coinsurance_from, lang))), new_x="LMARGIN", new_y="NEXT")
    for heading, body in t["sections"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10.5)
        pdf.multi_cell(0, 5.2, _latin1(body), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10.5)
    pdf.multi_cell(0, 5.5, _latin1(t["contact"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 8.5)
    pdf.ln(2)
    pdf.multi_cell(0, 4.5, _latin1(t["footer"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
