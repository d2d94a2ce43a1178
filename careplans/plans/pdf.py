"""Printed care plan and Kardex (PDF, fpdf2), in the facility's language.

Pure: plain data in, PDF bytes out (the controller runs it off the event loop). The core PDF fonts
cover Latin-1, which holds every Spanish letter; the few typographic characters outside it (dashes,
arrows, curly quotes) are replaced by their ASCII look-alikes rather than dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from fpdf import FPDF, FontFace

from careplans.i18n import gettext
from careplans.plans.library import load_library
from careplans.rules import signatures as signature_rules
from careplans.rules.triggers import CARE_AREA_BY_NUMBER
from facility.core.forms import NC_

# The printed document's own labels, each with the context "care plan PDF": short labels ("Room", "Who")
# and a few longer ones read differently on the printout than on the pages.
TEXT: dict[str, str] = {
    "care_plan": NC_("care plan PDF", "Comprehensive care plan"),
    "kardex": NC_("care plan PDF", "Kardex - care instructions for the floor"),
    "resident": NC_("care plan PDF", "Resident"),
    "born": NC_("care plan PDF", "Born"),
    "room": NC_("care plan PDF", "Room"),
    "unit": NC_("care plan PDF", "Unit"),
    "admitted": NC_("care plan PDF", "Admitted"),
    "printed": NC_("care plan PDF", "Printed"),
    "baseline": NC_("care plan PDF", "Baseline care plan completed"),
    "problem": NC_("care plan PDF", "Problem"),
    "source_caa": NC_("care plan PDF", "From CAA %(caa)s %(area)s"),
    "not_triggered": NC_("care plan PDF", "Not from a trigger: %(reason)s"),
    "goals": NC_("care plan PDF", "Goals"),
    "target": NC_("care plan PDF", "target"),
    "met": NC_("care plan PDF", "met"),
    "interventions": NC_("care plan PDF", "Interventions"),
    "resolved": NC_("care plan PDF", "Resolved problems"),
    "conferences": NC_("care plan PDF", "IDT care-plan conferences"),
    "resident_present": NC_("care plan PDF", "resident participated"),
    "family_present": NC_("care plan PDF", "family participated"),
    "none": NC_("care plan PDF", "No active problems on the care plan."),
    "signatures": NC_("care plan PDF", "Signatures"),
    "recorded": NC_("care plan PDF", "Recorded in the application (name, role, date)"),
    "wet": NC_("care plan PDF", "Signatures on paper (name, signature, date)"),
    "sig_name": NC_("care plan PDF", "Name"),
    "sig_role": NC_("care plan PDF", "Role"),
    "sig_date": NC_("care plan PDF", "Date"),
    "sig_sign": NC_("care plan PDF", "Signature"),
    "baseline_title": NC_("care plan PDF", "Baseline care plan (F655)"),
    "baseline_summary": NC_("care plan PDF", "Summary given to %(who)s on %(on)s"),
    "what": NC_("care plan PDF", "Intervention"),
    "who": NC_("care plan PDF", "Who"),
    "when": NC_("care plan PDF", "How often"),
    "page": NC_("care plan PDF", "Page"),
    "confidential": NC_("care plan PDF", "Confidential health information"),
}

_ASCII = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "→": "->",
        "≥": ">=",
        "≤": "<=",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "•": "-",
    }
)


def _t(lang: str, key: str, **fmt: Any) -> str:
    return gettext(lang, TEXT[key], **fmt)


def latin1(text: Any) -> str:
    return str(text).translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def _fmt_date(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if lang == "es" else "%m/%d/%Y %H:%M")
    return value.strftime("%d/%m/%Y" if lang == "es" else "%m/%d/%Y")


class _Doc(FPDF):
    def __init__(self, title: str, facility: str, lang: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, format="Letter")
        self.doc_title, self.facility, self.lang = title, facility, lang
        self.set_auto_page_break(auto=True, margin=16)
        self.set_title(latin1(title))
        self.set_creator("mdsready")

    def header(self) -> None:
        self.set_font("Helvetica", "B", 13)
        self.cell(0, 7, latin1(self.doc_title), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", "", 9)
        self.cell(0, 5, latin1(self.facility), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(
            0,
            5,
            latin1(f"{_t(self.lang, 'confidential')} - {_t(self.lang, 'page')} {self.page_no()}/{{nb}}"),
            align="C",
        )

    def line_text(self, text: str, style: str = "", size: int = 10, indent: float = 0, h: float = 5) -> None:
        self.set_font("Helvetica", style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, h, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _resident_block(
    doc: _Doc, resident: dict[str, Any], stay: dict[str, Any] | None, lang: str, printed: datetime
) -> None:
    name = f"{resident['last_name']}, {resident['first_name']}"
    doc.line_text(f"{_t(lang, 'resident')}: {name}", "B", 11)
    parts = [
        f"{_t(lang, 'born')}: {_fmt_date(resident['birth_date'], lang)}",
        f"{_t(lang, 'unit')}: {resident.get('unit_name') or '-'}",
        f"{_t(lang, 'room')}: {resident.get('room') or '-'}",
    ]
    if stay:
        parts.append(f"{_t(lang, 'admitted')}: {_fmt_date(stay['admission_date'], lang)}")
    parts.append(f"{_t(lang, 'printed')}: {_fmt_date(printed, lang)}")
    doc.line_text("   ".join(parts), size=9)
    doc.ln(2)


def _label(kind: str, code: str, lang: str) -> str:
    try:
        return load_library().label(kind, code, lang)
    except KeyError:
        return code


def _source(problem: dict[str, Any], lang: str) -> str:
    if problem["caa"] is not None:
        area = CARE_AREA_BY_NUMBER.get(problem["caa"])
        name = (area.name_es if lang == "es" else area.name_en) if area else ""
        items = ", ".join(f"{i['item']}={i['value']}" for i in problem.get("trigger_items") or [])
        text = _t(lang, "source_caa", caa=problem["caa"], area=name)
        return f"{text} ({items})" if items else text
    return _t(lang, "not_triggered", reason=problem["not_triggered_reason"])


def care_plan_pdf(
    *,
    facility: str,
    lang: str,
    resident: dict[str, Any],
    stay: dict[str, Any] | None,
    plan: dict[str, Any] | None,
    problems: Sequence[dict[str, Any]],
    conferences: Sequence[dict[str, Any]],
    printed: datetime,
    signatures: Sequence[dict[str, Any]] = (),
) -> bytes:
    doc = _Doc(_t(lang, "care_plan"), facility, lang)
    doc.add_page()
    _resident_block(doc, resident, stay, lang, printed)
    if plan and plan.get("baseline_completed_at"):
        doc.line_text(f"{_t(lang, 'baseline')}: {_fmt_date(plan['baseline_completed_at'], lang)}", size=9)
        if plan.get("baseline_summary_to"):
            on = _fmt_date(plan.get("baseline_summary_on"), lang)
            doc.line_text(_t(lang, "baseline_summary", who=plan["baseline_summary_to"], on=on), size=9)
        doc.ln(1)
    active = [p for p in problems if p["status"] == "active"]
    if not active:
        doc.line_text(_t(lang, "none"), "I")
    for number, p in enumerate(active, start=1):
        doc.set_draw_color(160, 160, 160)
        doc.line(doc.l_margin, doc.get_y(), doc.l_margin + doc.epw, doc.get_y())
        doc.ln(1)
        doc.line_text(f"{_t(lang, 'problem')} {number}: {p['focus']}", "B", 10)
        doc.line_text(_source(p, lang), "I", 8)
        if p["goals"]:
            doc.line_text(_t(lang, "goals"), "B", 9, indent=3)
            for g in p["goals"]:
                suffix = f" ({_t(lang, 'target')} {_fmt_date(g['target_date'], lang)}{', ' + _t(lang, 'met') if g['met'] else ''})"
                doc.line_text(f"- {g['text']}{suffix}", size=9, indent=6)
        ivs = [i for i in p["interventions"] if i["status"] == "active"]
        if ivs:
            doc.line_text(_t(lang, "interventions"), "B", 9, indent=3)
            for i in ivs:
                who = f"{_label('discipline', i['discipline'], lang)} / {_label('role', i['responsible_role'], lang)}"
                doc.line_text(
                    f"- {i['text']} [{_label('frequency', i['frequency'], lang)}; {who}]", size=9, indent=6
                )
        doc.ln(2)
    resolved = [p for p in problems if p["status"] == "resolved"]
    if resolved:
        doc.line_text(_t(lang, "resolved"), "B", 10)
        for p in resolved:
            doc.line_text(f"- {p['focus']}", size=9, indent=3)
        doc.ln(2)
    if conferences:
        doc.line_text(_t(lang, "conferences"), "B", 10)
        for c in conferences:
            present = [c["attendees"]]
            if c["resident_participated"]:
                present.append(_t(lang, "resident_present"))
            if c["family_participated"]:
                present.append(
                    _t(lang, "family_present") + (f" ({c['family_names']})" if c["family_names"] else "")
                )
            doc.line_text(f"{_fmt_date(c['held_on'], lang)}: {'; '.join(present)}", size=9, indent=3)
            if c["summary"]:
                doc.line_text(c["summary"], "I", 8, indent=6)
    _signatures(doc, lang, list(signatures))
    return bytes(doc.output())


def _signatures(doc: _Doc, lang: str, recorded: list[dict[str, Any]]) -> None:
    """The recorded signatures (name, role, date), then a blank line for each required role not yet signed
    for (resident and representative, attending physician, RN, nurse aide, food and nutrition, social
    services) and two for other IDT members."""
    doc.ln(4)
    if doc.get_y() > doc.h - 90:
        doc.add_page()
    doc.line_text(_t(lang, "signatures"), "B", 11)
    head = FontFace(emphasis="BOLD", fill_color=(230, 236, 242))
    if recorded:
        doc.line_text(_t(lang, "recorded"), "I", 8)
        doc.set_font("Helvetica", "", 9)
        with doc.table(
            col_widths=(45, 40, 15), text_align="LEFT", line_height=5, width=doc.epw, headings_style=head
        ) as table:
            row = table.row()
            for key in ("sig_name", "sig_role", "sig_date"):
                row.cell(latin1(_t(lang, key)))
            for sig in recorded:
                row = table.row()
                for value in (
                    sig["name"],
                    signature_rules.label(sig["role"], lang),
                    _fmt_date(sig["signed_on"], lang),
                ):
                    row.cell(latin1(value))
        doc.ln(3)
    doc.line_text(_t(lang, "wet"), "I", 8)
    doc.set_font("Helvetica", "", 9)
    roles = [*signature_rules.wet_lines(recorded), "other", "other"]
    with doc.table(
        col_widths=(32, 28, 28, 12), text_align="LEFT", line_height=8, width=doc.epw, headings_style=head
    ) as table:
        row = table.row()
        for key in ("sig_role", "sig_name", "sig_sign", "sig_date"):
            row.cell(latin1(_t(lang, key)))
        for role in roles:
            row = table.row()
            row.cell(latin1(signature_rules.label(role, lang)))
            for _blank in range(3):
                row.cell("")


def kardex_pdf(
    *,
    facility: str,
    lang: str,
    resident: dict[str, Any],
    stay: dict[str, Any] | None,
    problems: Sequence[dict[str, Any]],
    printed: datetime,
) -> bytes:
    """One landscape sheet per resident: what to do, who does it and how often, by problem."""
    doc = _Doc(_t(lang, "kardex"), facility, lang, orientation="L")
    doc.add_page()
    _resident_block(doc, resident, stay, lang, printed)
    active = [p for p in problems if p["status"] == "active"]
    if not active:
        doc.line_text(_t(lang, "none"), "I")
    widths = (55, 25, 20)
    for p in active:
        doc.line_text(p["focus"], "B", 10)
        doc.set_font("Helvetica", "", 8)
        with doc.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=4.5,
            width=doc.epw,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 236, 242)),
        ) as table:
            head = table.row()
            for key in ("what", "who", "when"):
                head.cell(latin1(_t(lang, key)))
            for i in (i for i in p["interventions"] if i["status"] == "active"):
                who = f"{_label('role', i['responsible_role'], lang)} ({_label('discipline', i['discipline'], lang)})"
                cells = table.row()
                for value in (i["text"], who, _label("frequency", i["frequency"], lang)):
                    cells.cell(latin1(value))
        doc.ln(3)
    return bytes(doc.output())
