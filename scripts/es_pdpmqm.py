"""Spanish for the PDPM panel of the assessment page and the record-only HIPPS (issue 14). `python scripts/write_po.py pdpmqm`."""

ES = {
    "No MDS HIPPS code: link a signed PPS assessment whose primary diagnosis (I0020B) maps to a PDPM clinical category.":
        "Sin código HIPPS del MDS: vincule una evaluación PPS firmada cuyo diagnóstico principal (I0020B) corresponda a una "
        "categoría clínica de PDPM.",
}
