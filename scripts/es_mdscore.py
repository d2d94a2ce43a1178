"""Spanish for the MDS item-set versions (issue 14: item set by target date, tracking records, corrections);
`python scripts/write_po.py mdscore`."""

ES = {
    "The item set in effect on this target date is not available.": "El conjunto de ítems vigente en esta fecha objetivo no está disponible.",
    "The target date is before 2023-10-01: records of item sets older than 1.18.11 cannot be entered here.": "La fecha objetivo es anterior al 2023-10-01: aquí no se pueden capturar registros de conjuntos de ítems anteriores a 1.18.11.",
}
