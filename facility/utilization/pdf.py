"""The Medicaid information sheet for families (English or Spanish), printed from the utilization review.

Pure apart from fpdf2: plain dicts in, PDF bytes out (run it off the event loop). Plain-language facts:
Medicaid nursing-facility coverage (42 CFR 435 / 42 USC 1396a), the 60-month look-back on transfers of
assets (42 USC 1396p(c)(1)(B)(i)), spousal impoverishment protections (42 USC 1396r-5), the resident's
monthly contribution ("patient liability", 42 CFR 435.725) and the Medicare SNF benefit (42 CFR 409.61,
409.85: days 21-100 carry a daily coinsurance). Amounts and limits vary by state and year, so the sheet
sends families to the state Medicaid agency rather than printing numbers that may be out of date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fpdf import FPDF

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Medicaid information for residents and families",
        "for": "Prepared for",
        "date": "Date",
        "facility": "Facility",
        "coverage": "Current coverage",
        "payer": {
            "medicare_a": "Medicare Part A",
            "medicare_advantage": "Medicare Advantage",
            "medicaid": "Medicaid",
            "private": "Private pay",
            "hospice": "Hospice",
            "": "Not yet determined",
        },
        "medicare_days": "Medicare Part A skilled nursing days used in this benefit period: {used} of 100 ({left} left). "
        "Days 21 to 100 carry a daily coinsurance.",
        "coinsurance_from": "Coinsurance applies from {date}.",
        "medicaid_number": "Medicaid number on file",
        "none": "none on file",
        "sections": [
            (
                "What Medicaid pays for",
                "Medicaid is a joint federal and state program. For people who qualify, it pays for long-term nursing "
                "facility care after Medicare and other coverage end. The resident keeps a small personal needs allowance; "
                "the rest of the monthly income goes toward the cost of care (the 'patient liability').",
            ),
            (
                "Who qualifies",
                "Eligibility depends on medical need and on income and assets. Limits are set by each state and change every "
                "year. A home, one car, personal belongings and a burial fund are usually not counted.",
            ),
            (
                "The 5-year look-back",
                "When you apply, the state reviews gifts and transfers of money or property made in the 60 months before the "
                "application. Transfers for less than fair value can delay coverage.",
            ),
            (
                "If a spouse lives at home",
                "Federal rules protect part of the couple's income and assets for the spouse who stays at home, so that he or "
                "she is not left without means.",
            ),
            (
                "How to apply",
                "Apply with your state Medicaid agency (online, by mail or in person), or ask our business office to help. "
                "Bring: proof of identity and citizenship or immigration status, Social Security and Medicare cards, "
                "bank statements for the last months, income statements (Social Security, pensions), insurance policies, "
                "property deeds, and any power of attorney or guardianship papers.",
            ),
            (
                "After you apply",
                "The state decides within 45 days in most cases. If the application is denied, you have the right to a fair "
                "hearing; the denial letter gives the deadline. Tell the business office about every letter you receive.",
            ),
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
        "payer": {
            "medicare_a": "Medicare Parte A",
            "medicare_advantage": "Medicare Advantage",
            "medicaid": "Medicaid",
            "private": "Pago privado",
            "hospice": "Hospicio",
            "": "Aún no determinada",
        },
        "medicare_days": "Días de enfermería especializada de Medicare Parte A usados en este período de beneficios: {used} de 100 "
        "(quedan {left}). Los días 21 a 100 tienen un coseguro diario.",
        "coinsurance_from": "El coseguro se aplica a partir del {date}.",
        "medicaid_number": "Número de Medicaid registrado",
        "none": "no registrado",
        "sections": [
            (
                "Qué paga Medicaid",
                "Medicaid es un programa federal y estatal. Para quienes califican, paga la atención a largo plazo en un centro "
                "de enfermería cuando termina Medicare u otra cobertura. El residente conserva una pequeña asignación para "
                "necesidades personales; el resto de sus ingresos mensuales se destina al costo de la atención (la "
                "'responsabilidad del paciente').",
            ),
            (
                "Quién califica",
                "La elegibilidad depende de la necesidad médica y de los ingresos y bienes. Cada estado fija los límites y "
                "cambian cada año. Por lo general no se cuentan la vivienda, un automóvil, los objetos personales ni un fondo "
                "para el funeral.",
            ),
            (
                "La revisión de 5 años",
                "Al solicitar, el estado revisa las donaciones y transferencias de dinero o bienes hechas en los 60 meses "
                "anteriores a la solicitud. Las transferencias por menos de su valor justo pueden retrasar la cobertura.",
            ),
            (
                "Si el cónyuge vive en casa",
                "Las normas federales protegen una parte de los ingresos y bienes de la pareja para el cónyuge que se queda en "
                "casa, para que no quede sin recursos.",
            ),
            (
                "Cómo solicitar",
                "Presente la solicitud ante la agencia de Medicaid de su estado (en línea, por correo o en persona), o pida "
                "ayuda a nuestra oficina administrativa. Traiga: prueba de identidad y de ciudadanía o estatus migratorio, "
                "tarjetas del Seguro Social y de Medicare, estados de cuenta bancarios de los últimos meses, comprobantes de "
                "ingresos (Seguro Social, pensiones), pólizas de seguro, escrituras de propiedades y cualquier poder notarial "
                "o documento de tutela.",
            ),
            (
                "Después de solicitar",
                "En la mayoría de los casos el estado decide en 45 días. Si niega la solicitud, usted tiene derecho a una "
                "audiencia imparcial; la carta de denegación indica el plazo. Informe a la oficina administrativa de cada "
                "carta que reciba.",
            ),
        ],
        "contact": "¿Preguntas? Consulte a la oficina administrativa o al personal de servicios sociales del centro.",
        "footer": "Información general, no asesoría legal. Las normas y los montos varían según el estado.",
    },
}

_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
}


def _latin1(text: Any) -> str:
    """The core PDF fonts are Latin-1 (Spanish accents and ¿ included); anything else is transliterated."""
    value = "" if text is None else str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return value.encode("latin-1", "replace").decode("latin-1")


def _day(value: date, lang: str) -> str:
    return value.strftime("%d/%m/%Y") if lang == "es" else value.strftime("%m/%d/%Y")


def _sheet(
    title: str, lines: list[str], notes: list[str], sections: list[tuple[str, str]], contact: str, footer: str
) -> bytes:
    """One family sheet: title, the resident's facts, notes about this stay, plain-language sections."""
    pdf = FPDF(format="Letter")
    pdf.set_title(_latin1(title))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    for line in lines:
        pdf.cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    for note in notes:
        pdf.ln(1)
        pdf.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    for heading, body in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, _latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10.5)
        pdf.multi_cell(0, 5.2, _latin1(body), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10.5)
    pdf.multi_cell(0, 5.5, _latin1(contact), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 8.5)
    pdf.ln(2)
    pdf.multi_cell(0, 4.5, _latin1(footer), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def medicaid_sheet(
    facility: dict[str, Any], stay: dict[str, Any], detail: dict[str, Any], lang: str, today: date
) -> bytes:
    t = TEXT["es" if lang == "es" else "en"]
    lines = [
        f"{t['for']}: {stay.get('first_name', '')} {stay.get('last_name', '')}",
        f"{t['facility']}: {facility.get('name', '')}",
        f"{t['date']}: {_day(today, lang)}",
        f"{t['coverage']}: {t['payer'].get(detail.get('payer', ''), t['payer'][''])}",
        f"{t['medicaid_number']}: {stay.get('medicaid_number') or t['none']}",
    ]
    notes = []
    medicare = detail.get("medicare")
    if medicare is not None:
        notes.append(t["medicare_days"].format(used=medicare.days_used, left=medicare.days_left))
        if medicare.coinsurance_from:
            notes.append(t["coinsurance_from"].format(date=_day(medicare.coinsurance_from, lang)))
    return _sheet(t["title"], lines, notes, t["sections"], t["contact"], t["footer"])


# The family sheet on the Medicare notices (NOMNC CMS-10123, SNF ABN CMS-10055) and the fast appeal to the
# BFCC-QIO (42 CFR 405.1202 / 422.626): plain words, the stay's own dates, no legal advice.
NOTICES_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Your Medicare notices, explained",
        "for": "Prepared for",
        "facility": "Facility",
        "date": "Date",
        "nomnc": "Notice of Medicare Non-Coverage (NOMNC): Medicare-covered care is planned to end after {last}. "
        "It was given on {delivered}.",
        "nomnc_pending": "Notice of Medicare Non-Coverage (NOMNC): Medicare-covered care is planned to end after {last}. "
        "You should receive it by {due}.",
        "appeal": "To ask for a fast appeal, call the Quality Improvement Organization (BFCC-QIO) on the notice by noon on {by}.",
        "abn": "Skilled Nursing Facility Advance Beneficiary Notice (SNF ABN): from {first}, Medicare will probably not pay for "
        "the care if the resident stays. The notice explains the cost and your choices.",
        "none": "No Medicare notice has been given for this stay.",
        "sections": [
            (
                "Why you received a NOMNC",
                "Medicare pays for a skilled nursing facility stay only while the resident needs skilled nursing or therapy "
                "every day. When the team decides that this care is no longer needed, the facility must tell you in writing "
                "at least two days before Medicare coverage ends. Signing the notice only shows that you received it.",
            ),
            (
                "If you disagree: the fast appeal",
                "You can ask an independent reviewer, the Quality Improvement Organization (BFCC-QIO), to look at the decision. "
                "Call the phone number on the notice by noon of the day before coverage ends. The facility then gives you a "
                "detailed explanation, and the reviewer usually decides within 3 days. While you appeal on time, you do not "
                "pay for the days under review.",
            ),
            (
                "Why you may receive a SNF ABN",
                "If the resident stays after Medicare coverage ends, the SNF ABN tells you what the care will cost and lets you "
                "choose: stay and pay (you may ask the facility to bill Medicare anyway), or leave. Medicare Advantage members "
                "receive their plan's notices instead.",
            ),
            (
                "What to do now",
                "Read each notice, ask the social worker or the business office to explain anything unclear, and keep a copy. "
                "If another insurance or Medicaid may pay, ask us to help you apply.",
            ),
        ],
        "contact": "Questions? Ask the social worker, the MDS coordinator or the business office of the facility.",
        "footer": "General information, not legal advice. The notice itself gives the phone number and the deadlines that apply.",
    },
    "es": {
        "title": "Sus avisos de Medicare, explicados",
        "for": "Preparado para",
        "facility": "Centro",
        "date": "Fecha",
        "nomnc": "Aviso de No Cobertura de Medicare (NOMNC): la atención cubierta por Medicare terminará después del {last}. "
        "Se entregó el {delivered}.",
        "nomnc_pending": "Aviso de No Cobertura de Medicare (NOMNC): la atención cubierta por Medicare terminará después del "
        "{last}. Debe recibirlo a más tardar el {due}.",
        "appeal": "Para pedir una apelación rápida, llame a la Organización para el Mejoramiento de la Calidad (BFCC-QIO) "
        "que figura en el aviso antes del mediodía del {by}.",
        "abn": "Aviso Anticipado al Beneficiario del Centro de Enfermería Especializada (SNF ABN): a partir del {first}, "
        "probablemente Medicare no pagará la atención si el residente se queda. El aviso explica el costo y sus opciones.",
        "none": "No se ha entregado ningún aviso de Medicare en esta estancia.",
        "sections": [
            (
                "Por qué recibió un NOMNC",
                "Medicare paga la estancia en un centro de enfermería especializada solo mientras el residente necesita "
                "enfermería o terapia especializada todos los días. Cuando el equipo decide que ya no se necesita, el centro "
                "debe avisarle por escrito al menos dos días antes de que termine la cobertura. Firmar el aviso solo indica "
                "que lo recibió.",
            ),
            (
                "Si no está de acuerdo: la apelación rápida",
                "Puede pedir que un revisor independiente, la Organización para el Mejoramiento de la Calidad (BFCC-QIO), "
                "revise la decisión. Llame al número que figura en el aviso antes del mediodía del día anterior al fin de la "
                "cobertura. El centro le entregará una explicación detallada y el revisor suele decidir en 3 días. Si apela a "
                "tiempo, no paga los días en revisión.",
            ),
            (
                "Por qué puede recibir un SNF ABN",
                "Si el residente se queda después de que termine la cobertura de Medicare, el SNF ABN le informa cuánto costará "
                "la atención y le permite elegir: quedarse y pagar (puede pedir que el centro facture a Medicare de todos "
                "modos) o irse. Los afiliados a Medicare Advantage reciben los avisos de su plan.",
            ),
            (
                "Qué hacer ahora",
                "Lea cada aviso, pida a la trabajadora social o a la oficina administrativa que le explique lo que no esté "
                "claro y guarde una copia. Si otro seguro o Medicaid puede pagar, pídanos ayuda para solicitarlo.",
            ),
        ],
        "contact": "¿Preguntas? Consulte a la trabajadora social, al coordinador del MDS o a la oficina administrativa del centro.",
        "footer": "Información general, no asesoría legal. El aviso indica el número de teléfono y los plazos que corresponden.",
    },
}


def notices_sheet(
    facility: dict[str, Any], stay: dict[str, Any], detail: dict[str, Any], lang: str, today: date
) -> bytes:
    """The family sheet on the stay's Medicare notices and the fast appeal, with the stay's own dates."""
    t = NOTICES_TEXT["es" if lang == "es" else "en"]
    lines = [
        f"{t['for']}: {stay.get('first_name', '')} {stay.get('last_name', '')}",
        f"{t['facility']}: {facility.get('name', '')}",
        f"{t['date']}: {_day(today, lang)}",
    ]
    notes = []
    for n in detail.get("notices", []):
        last = _day(n["last_covered_day"], lang)
        if n["kind"] == "nomnc":
            if n["delivered_date"]:
                notes.append(t["nomnc"].format(last=last, delivered=_day(n["delivered_date"], lang)))
            else:
                notes.append(t["nomnc_pending"].format(last=last, due=_day(n["status"].due, lang)))
            notes.append(t["appeal"].format(by=_day(n["clock"].request_by, lang)))
        else:
            notes.append(t["abn"].format(first=_day(n["last_covered_day"] + timedelta(days=1), lang)))
    return _sheet(t["title"], lines, notes or [t["none"]], t["sections"], t["contact"], t["footer"])
