"""Spanish for the MDS item-catalog messages (issue 14 part 7); `python scripts/write_po.py catalog`.

No CMS or state Spanish version of the MDS 3.0 item sets was found (docs/item-sets.md), so MDS item text
stays in English and the entry page says so; only the application's own messages are translated here."""

ES = {
    "The MDS item text is shown in English: CMS publishes the item sets in English only and no CMS or state Spanish version was found. Item names in Spanish are this application's own.": "El texto de los ítems del MDS se muestra en inglés: CMS publica los conjuntos de ítems solo en inglés y no se encontró una versión en español de CMS ni de un estado. Los nombres de ítems en español son propios de esta aplicación.",
}
