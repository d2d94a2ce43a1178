"""Spanish for the worklists (coordinator, nursing, DON/administrator), the compliance list and the chain pages.
`python scripts/write_po.py worklists` turns it into locales/es/LC_MESSAGES/worklists.po."""

ES = {
    "%(first)s–%(last)s of %(total)s": "%(first)s–%(last)s de %(total)s",
    "All": "Todo",
    "All care areas": "Todas las áreas de atención",
    "All tasks": "Todas las tareas",
    "Any due date": "Cualquier vencimiento",
    "Baseline care plan due": "Plan de cuidados inicial por vencer",
    "Baseline care plan late": "Plan de cuidados inicial tardío",
    "Baseline care plan missing": "Falta el plan de cuidados inicial",
    "Care area": "Área de atención",
    "Care plan due": "Plan de cuidados por vencer",
    "Care plan late": "Plan de cuidados tardío",
    "Care plan missing": "Falta el plan de cuidados",
    "Care plan review due": "Revisión del plan de cuidados pendiente",
    "Care plans due or due for review, triggered care areas not planned yet, changes in condition while their "
    "7-day revision clock runs, and progress notes flagged by the documentation review.": (
        "Planes de cuidados por vencer o por revisar, áreas activadas aún sin plan, cambios de estado mientras "
        "corre su plazo de revisión de 7 días y notas de evolución señaladas por la revisión de documentación."
    ),
    "Change in condition: 14-day assessment": "Cambio de estado: evaluación en 14 días",
    "Change in condition: 7-day revision": "Cambio de estado: revisión en 7 días",
    "Choose a due window from the list.": "Elija un plazo de vencimiento de la lista.",
    "Choose a sort order from the list.": "Elija un orden de la lista.",
    "Counts": "Recuentos",
    "Due today or overdue": "Vence hoy o vencido",
    "Due within 14 days": "Vence en 14 días",
    "Due within 30 days": "Vence en 30 días",
    "Due within 7 days": "Vence en 7 días",
    "Goal past its target": "Meta pasada su fecha objetivo",
    "Goal without target date": "Meta sin fecha objetivo",
    "MDS coordinator worklist": "Lista de trabajo del coordinador MDS",
    "Missing record": "Registro faltante",
    "Not reviewed in 92 days": "Sin revisar en 92 días",
    "Notes flagged": "Notas señaladas",
    "Nothing to do with these filters.": "Nada pendiente con estos filtros.",
    "Nursing worklist": "Lista de trabajo de enfermería",
    "Open the care plan": "Abrir el plan de cuidados",
    "Page %(page)s of %(pages)s": "Página %(page)s de %(pages)s",
    "Plan it": "Planificar",
    "Problem without interventions": "Problema sin intervenciones",
    "Records the RAI schedule expects (missing, late, due, upcoming), significant changes while their 14-day "
    "clock runs, records not signed and records CMS rejected.": (
        "Registros que exige el calendario RAI (faltantes, tardíos, por vencer, próximos), cambios significativos "
        "mientras corre su plazo de 14 días, registros sin firmar y registros rechazados por CMS."
    ),
    "Review after assessment": "Revisión tras la evaluación",
    "Revise": "Revisar",
    "Revision after a change": "Revisión tras un cambio",
    "Significant change determined (IDT)": "Cambio significativo determinado (equipo interdisciplinario)",
    "There is no such page.": "Esa página no existe.",
    "Triggered, not planned": "Activada, sin plan",
    "day %(day)s of %(total)s": "día %(day)s de %(total)s",
    "upcoming": "próximo",
}
