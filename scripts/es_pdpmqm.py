"""Spanish for the PDPM panel of the assessment page and the record-only HIPPS (issue 14). `python scripts/write_po.py pdpmqm`."""

ES = {
    "No MDS HIPPS code: link a signed PPS assessment whose primary diagnosis (I0020B) maps to a PDPM clinical category.": "Sin código HIPPS del MDS: vincule una evaluación PPS firmada cuyo diagnóstico principal (I0020B) corresponda a una "
    "categoría clínica de PDPM.",
    "PDPM classification": "Clasificación PDPM",
    "(from the answers saved so far)": "(según las respuestas guardadas hasta ahora)",
    "HIPPS code": "Código HIPPS",
    "clinical category": "categoría clínica",
    "Component": "Componente",
    "Group": "Grupo",
    "HIPPS character": "Carácter HIPPS",
    "Based on": "Basado en",
    "function score %(score)d of 24 (GG column %(col)s)": "puntuación funcional %(score)d de 24 (columna GG %(col)s)",
    "acute neurologic category, SLP comorbidities, cognition, swallowing and diet": "categoría neurológica aguda, comorbilidades de SLP, cognición, deglución y dieta",
    "Nursing": "Enfermería",
    "nursing function score %(score)d of 16": "puntuación funcional de enfermería %(score)d de 16",
    ("%(num)d comorbidity point", "%(num)d comorbidity points"): (
        "%(num)d punto de comorbilidad",
        "%(num)d puntos de comorbilidad",
    ),
    "Assessment indicator": "Indicador de evaluación",
    "Clinical category from the CMS %(year)s PDPM ICD-10 mapping (the newest one shipped); NTA points from ICD-10 codes in I8000 are not counted.": "Categoría clínica según el mapeo PDPM ICD-10 %(year)s de CMS (el más reciente incluido); no se cuentan los puntos NTA de "
    "los códigos ICD-10 de I8000.",
}
