"""Issue 14 part 7: no CMS or state Spanish item text exists, so a Spanish entry page says the MDS item text is
shown in English and marks those labels as English (docs/item-sets.md)."""

from __future__ import annotations

from typing import Any

from tests.integration.mds.conftest import start

NOTICE_ES = "El texto de los ítems del MDS se muestra en inglés"


async def test_spanish_entry_page_says_item_text_is_english(client: Any, world: Any) -> None:
    await client.login("coord_a")
    await client.post("/language", {"lang": "es"})
    assessment_id = await start(client, world)
    page = await client.get(f"/mds/assessments/{assessment_id}/sections/J")
    assert (
        page.status_code == 200 and 'data-testid="item-text-english"' in page.text and NOTICE_ES in page.text
    )
    assert '<span lang="en">' in page.text  # a CMS label kept in English


async def test_english_entry_page_has_no_notice(client: Any, world: Any) -> None:
    await client.login("coord_a")
    assessment_id = await start(client, world)
    page = await client.get(f"/mds/assessments/{assessment_id}/sections/J")
    assert page.status_code == 200 and 'data-testid="item-text-english"' not in page.text
