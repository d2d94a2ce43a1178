"""A coordinator uploads a zip batch, watches validation finish, reads the report and downloads the CSV."""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path
from typing import Any

import pytest

from mds.record.testing import inject_error, random_assessment
from mds.record.xmlio import export_batch
from tests.e2e.conftest import DEMO, login, nav_to


def _batch(path: Path) -> Path:
    records = []
    for n in range(1, 13):
        values = random_assessment(random.Random(n))
        if n in (4, 9):
            assert inject_error(values, random.Random(n))
        records.append((f"record{n:02d}.xml", values))
    path.write_bytes(export_batch(records))
    return path


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_upload_zip_progress_report_csv(new_page: Any, tmp_path: Path, js: bool) -> None:
    page = new_page(js=js)
    login(page, "coordinator", DEMO["coordinator"])
    nav_to(page, "MDS files")
    page.wait_for_url("**/mds/uploads")
    page.set_input_files("input[name=files]", str(_batch(tmp_path / "batch.zip")))
    page.click("button:has-text('Upload and validate')")
    page.wait_for_url("**/mds/uploads/*")
    if js:  # htmx polls the progress and swaps in the finished report by itself
        page.wait_for_selector("[data-testid=by-edit]", timeout=30_000)
    else:  # without JavaScript the page offers a refresh link
        for _ in range(60):
            if page.locator("[data-testid=by-edit]").count():
                break
            assert page.locator("[data-testid=upload-progress]").count() == 1
            page.click("#upload-status a:has-text('Refresh')")
            page.wait_for_load_state()
        page.wait_for_selector("[data-testid=by-edit]")
    assert page.locator("[data-testid=upload-progress]").count() == 0
    assert page.locator("[data-testid=rejected-count]").inner_text() == "2"
    assert page.locator("[data-testid=accepted-count]").inner_text() == "10"
    edit_ids = page.locator("[data-testid=by-edit] tbody td:first-child").all_inner_texts()
    assert edit_ids
    assert all(re.fullmatch(r"-\d{4}|MR-\d{3}|\d{4}", e) for e in edit_ids)  # CMS edit ids, or ours (MR-…)
    assert page.locator("[data-testid=records-table] tbody tr").count() == 12

    with page.expect_download() as info:
        page.click("[data-testid=download-csv]")
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert len({r["source"] for r in rows}) == 12
    assert {r["edit_id"].lstrip("'") for r in rows if r["edit_id"]} == set(edit_ids)

    page.select_option("select[name=severity]", "warning")
    if not js:
        page.click("#upload-issues button[type=submit]")
    page.wait_for_url("**severity=warning")
    page.wait_for_selector("#upload-issues select option[value=warning][selected]", state="attached")
    severities = set(page.locator("[data-testid=issues-table] tbody td:nth-child(4)").all_inner_texts())
    assert severities <= {"Warning"}
    assert page.locator("[data-testid=records-table]").count() == 1  # only the findings section was swapped
    assert page.csp_errors == []  # type: ignore[attr-defined]
