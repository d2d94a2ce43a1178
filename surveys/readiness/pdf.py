"""The plan of correction printed in the CMS-2567 layout surveyors read: (X1) provider number,
(X3) date survey completed, then per deficiency (X4) ID prefix tag, summary statement of deficiencies,
ID prefix tag, provider's plan of correction and (X5) completion date, with the (X6) signature line.

Pure apart from fpdf2: takes plain rows, returns PDF bytes (run it off the event loop). Residents are
not named: the 2567 refers to them by number and keeps identities on a separate confidential list.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from surveys.readiness import poc, severity

_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2022": "-",
    "\u00a0": " ",
}


def _latin1(text: Any) -> str:
    """The core PDF fonts are Latin-1 (Spanish accents included); anything else is transliterated."""
    value = "" if text is None else str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return value.encode("latin-1", "replace").decode("latin-1")


def _day(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _summary(f: dict[str, Any]) -> str:
    tag, cited = f["ftag"], f["cited"]
    lines = [f"{tag.display} {tag.title}", f"SS={f['scope_severity']}" + (" (SQC)" if f["sqc"] else "")]
    if f["retired"]:
        lines.append(f"Cited as {cited.display}, merged into {tag.display} on 2025-04-28.")
    if f["past_noncompliance"]:
        lines.append("Past noncompliance.")
    if f["idr"]:
        lines.append(
            f"{f['idr'].upper()} requested" + (f": {f['idr_outcome']}" if f["idr_outcome"] else "") + "."
        )
    lines.append(f["narrative"])
    return "\n".join(lines)


def _plan(f: dict[str, Any]) -> str:
    row = f.get("poc")
    if not f["poc_required"]:
        return "No plan of correction required at this level."
    if not row:
        return "Plan of correction not yet written."
    parts = []
    for number, key in enumerate(
        ("affected_residents", "others_at_risk", "systemic_changes", "monitoring"), start=1
    ):
        parts.append(f"{number}. {poc.ELEMENTS[key]['en']}:\n{row[key]}")
    signed = []
    if row["don_signed_on"]:
        signed.append(f"DON: {row['don_signed_name']} {_day(row['don_signed_on'])}")
    if row["admin_signed_on"]:
        signed.append(f"Administrator: {row['admin_signed_name']} {_day(row['admin_signed_on'])}")
    parts.append("Signed - " + "; ".join(signed) if signed else "Not yet signed.")
    return "\n\n".join(parts)


def poc_pdf(
    facility: dict[str, Any], survey: dict[str, Any], findings: list[dict[str, Any]], deadline: dict[str, Any]
) -> bytes:
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_title(_latin1(f"Statement of deficiencies and plan of correction - {facility['name']}"))
    pdf.set_creator("mdsready")
    pdf.add_page()
    pdf.set_font("Helvetica", size=7)
    pdf.cell(0, 4, "DEPARTMENT OF HEALTH AND HUMAN SERVICES", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 4, "CENTERS FOR MEDICARE & MEDICAID SERVICES", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0, 7, "STATEMENT OF DEFICIENCIES AND PLAN OF CORRECTION", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", size=8)
    header = [
        ("(X1) PROVIDER/SUPPLIER/CLIA IDENTIFICATION NUMBER", facility["ccn"]),
        ("NAME OF PROVIDER OR SUPPLIER", facility["name"]),
        ("STATE", facility["state"]),
        ("(X3) DATE SURVEY COMPLETED", _day(survey["exit_date"])),
    ]
    heading = FontFace(emphasis="BOLD", fill_color=(235, 238, 242))
    with pdf.table(
        col_widths=(55, 95, 25, 40), text_align="LEFT", headings_style=heading, line_height=4.5
    ) as table:
        row = table.row()
        for label, _ in header:
            row.cell(label)
        row = table.row()
        for _, value in header:
            row.cell(_latin1(value))
    pdf.ln(2)
    survey_kind = survey["kind"].replace("_", " ")
    due = (
        f"Plan of correction due {_day(deadline['due'])} (10 calendar days after receipt of the 2567 on "
        f"{_day(survey['received_2567'])})."
        if deadline.get("received")
        else f"2567 not yet received (expected by {_day(deadline.get('expected_2567'))})."
    )
    pdf.multi_cell(
        0,
        4.5,
        _latin1(f"Survey: {survey_kind}, {_day(survey['start_date'])} - {_day(survey['exit_date'])}. {due}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    with pdf.table(
        col_widths=(16, 98, 16, 108, 22),
        text_align="LEFT",
        headings_style=heading,
        line_height=4.2,
        repeat_headings=1,
    ) as table:
        row = table.row()
        for label in (
            "(X4) ID PREFIX TAG",
            "SUMMARY STATEMENT OF DEFICIENCIES (EACH DEFICIENCY MUST BE PRECEDED BY FULL REGULATORY OR LSC IDENTIFYING INFORMATION)",
            "ID PREFIX TAG",
            "PROVIDER'S PLAN OF CORRECTION (EACH CORRECTIVE ACTION SHOULD BE CROSS-REFERENCED TO THE APPROPRIATE DEFICIENCY)",
            "(X5) COMPLETION DATE",
        ):
            row.cell(label)
        for f in sorted(
            findings, key=lambda f: (-severity.parse(f["scope_severity"]).severity_level, f["tag"])
        ):
            row = table.row()
            row.cell(f["ftag"].display)
            row.cell(_latin1(_summary(f)))
            row.cell(f["ftag"].display)
            row.cell(_latin1(_plan(f)))
            row.cell(_day(f["poc"]["completion_date"]) if f.get("poc") else "")
        if not findings:
            row = table.row()
            row.cell("")
            row.cell("No deficiencies recorded for this survey.")
            row.cell("")
            row.cell("")
            row.cell("")
    pdf.ln(4)
    admins = [f["poc"] for f in findings if f.get("poc") and f["poc"]["admin_signed_on"]]
    last = max(admins, key=lambda p: p["admin_signed_on"]) if admins else None
    with pdf.table(
        col_widths=(150, 60, 50), text_align="LEFT", headings_style=heading, line_height=4.5
    ) as table:
        row = table.row()
        row.cell("LABORATORY DIRECTOR'S OR PROVIDER/SUPPLIER REPRESENTATIVE'S SIGNATURE")
        row.cell("TITLE")
        row.cell("(X6) DATE")
        row = table.row()
        row.cell(_latin1(last["admin_signed_name"]) if last else "")
        row.cell("Administrator" if last else "")
        row.cell(_day(last["admin_signed_on"]) if last else "")
    return bytes(pdf.output())
