"""Issue 5 "done when", end to end in the browser: the coordinator opens the dashboard, starts an admission
(OBRA, comprehensive) assessment, completes section J by hand with a skip pattern applied and an edit
fixed, completes the other sections, records the CAA decisions on the worksheet, attests (Z0400) and signs
(Z0500) re-entering the password, exports the signed record and `mdsready validate` accepts the zip.

Entering ~900 items by hand is impractical, so the sections other than J are posted through the browser's
own session (`page.request`, its cookies and CSRF token) with exactly the fields the section form posts,
valid values coming from `mds.record.testing.random_assessment` aligned with the assessment's real dates."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from tests.e2e.conftest import DEMO, REPO, login, nav_to
from tests.e2e.test_mds_entry import _FILL_EMPTY

CARET = "^"
FIXED = ("A1600", "A1900", "A0900")  # prefilled from the stay and the resident
_FORM_VALUES = "() => Object.fromEntries(new FormData(document.querySelector('#section-form')))"


def _section_j_by_hand(page: Any) -> None:
    """Gateway J0200=0 skips the pain interview at once; a fall with none counted shows edit -3605; fixed."""
    page.click("text=J · ")
    page.wait_for_selector("#section-form")
    with page.expect_response("**/preview"):
        page.select_option("#f-J0200", "0")
    page.wait_for_selector("#item-J0300 [data-testid=skipped]")
    with page.expect_response("**/preview"):
        page.select_option("#f-J1800", "1")
    page.wait_for_selector("#f-J1900A")
    page.evaluate(_FILL_EMPTY)
    for item in ("J1900A", "J1900B", "J1900C"):
        page.select_option(f"#f-{item}", "0")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_selector("[data-edit='-3605']")
    page.select_option("#f-J1900A", "1")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/sections/J")):
        page.click("[data-testid=save-section]")
    page.wait_for_function("() => !document.querySelector(\"[data-edit='-3605']\")")
    assert page.locator("[data-testid=section-status]").inner_text() == "Complete"


def _record(section_a: dict[str, str], ard_iso: str) -> dict[str, str]:
    """A valid NC record whose entry, admission and birth dates are the ones section A shows prefilled (the
    RFA and the ARD are fixed at start and not entered); every other date falls on the ARD (group-B dates
    lie between entry and ARD, CAA and care-plan signatures on or after it: -3851)."""
    from mds.record.catalog import get_catalog
    from mds.record.testing import random_assessment

    record = random_assessment(random.Random(2), isc="NC")
    for key in FIXED:
        if section_a.get(key):
            record[key] = section_a[key]
    ard = ard_iso.replace("-", "")
    items = get_catalog().items
    for item_id, value in list(record.items()):
        if item_id in FIXED or item_id not in items or value in ("", CARET, "-"):
            continue
        if items[item_id].type == "date":
            record[item_id] = ard
    # GG0170I1/M1 "not attempted" skip J1-K1/N1-O1 to ^ on save (mds/record/skips.py) yet -4049 wants every GG0170
    # column 1 answered on an admission (mds/record/edits.py), so such a record cannot be exported: code them as done.
    record.update(GG0170I1="03", GG0170M1="03")
    digits = record["A1600"].replace("-", "")  # the form may show YYYY-MM-DD, the record holds YYYYMMDD
    entry = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    if (date.fromisoformat(ard_iso) - entry).days >= 7:  # -4055: K0520 column 2 only within 6 days of entry
        for k in ("K0520A2", "K0520B2", "K0520Z2"):
            if k in record:
                record[k] = CARET
    return record


def _post_sections(page: Any, assessment: str, record: dict[str, str], skip: set[str]) -> dict[str, str]:
    """Post each section's form fields (its items, version, CSRF token) in the browser's session."""
    from mds.assessments.services import entry_sections, section_items

    statuses = {}
    for section in entry_sections("NC"):
        if section in skip:
            continue
        page.goto(f"/mds/assessments/{assessment}/sections/{section}")
        form = page.evaluate(_FORM_VALUES)
        data = {i: record.get(i, "") for i in section_items("NC", section)}
        data.update(version=form["version"], _csrf_token=form["_csrf_token"])
        response = page.request.post(
            f"/mds/assessments/{assessment}/sections/{section}", form=data, headers={"HX-Request": "true"}
        )
        assert response.status == 200, (section, response.text()[:1500])
        match = re.search(r'data-testid="section-status">([^<]*)<', response.text())
        statuses[section] = match.group(1) if match else "?"
        if statuses[section] != "Complete":  # name the edits so a failure says what is wrong
            found = re.findall(r'data-edit="(-?\d+)"><strong>[^<]*</strong>([^<]*)', response.text())
            statuses[section] += " " + "; ".join(sorted({" ".join(f) for f in found}))
    return statuses


def _our_members(zip_path: Path, ard: str) -> list[str]:
    """Zip members that are an OBRA admission (NC) with this ARD: the assessment signed in this test."""
    with zipfile.ZipFile(zip_path) as archive:
        out = []
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            if all(
                tag in text
                for tag in (f"<A2300>{ard}</A2300>", "<A0310A>01</A0310A>", "<ITM_SBST_CD>NC</ITM_SBST_CD>")
            ):
                out.append(name)
        return out


def _decide_caas(page: Any, worksheet: str, today: str) -> int:
    page.goto(worksheet)
    areas = page.locator("[data-testid=worksheet-area]")
    count = areas.count()
    for n in range(count):
        area = page.locator("[data-testid=worksheet-area]").nth(n)
        if not area.evaluate("e => e.open"):  # areas beyond the first three undecided fold to one line
            area.locator("summary").first.click()
        area.locator("textarea[name=analysis]").fill(
            "Reviewed triggers, interview and record; risk factors noted."
        )
        area.locator("input[name=care_plan][value=yes]").check()
        area.locator("input[name=location]").fill("CAA note in the clinical record")
        area.locator("input[name=documented_on]").fill(today)
        with page.expect_response(lambda r: r.request.method == "POST" and "/caa/" in r.url):
            area.locator("button[type=submit]").click()
        page.locator("[data-testid=worksheet-area]").nth(n).locator("text=Care plan: yes").wait_for()
    return count


def test_admission_signed_exported_accepted(new_page: Any, tmp_path: Path) -> None:
    today = date.today().isoformat()
    page = new_page(js=True)
    login(page, "coordinator", DEMO["coordinator"])
    nav_to(page, "MDS dashboard")
    page.wait_for_selector("[data-testid=dashboard-counts]")
    page.locator("[data-testid=start-admission]").first.click()
    page.wait_for_selector("[data-testid=start-form]")
    assert page.locator("select[name=rfa]").input_value() == "01-99-99-0"
    page.fill("input[name=ard]", today)  # sign today: the ARD cannot be after Z0500B
    page.click("button:has-text('Start assessment')")
    page.wait_for_url(re.compile(r".*/mds/assessments/\d+$"))
    assessment = page.url.rsplit("/", 1)[1]
    resident = page.locator("a[href^='/residents/']").first.get_attribute("href").split("/")[2].split("?")[0]

    _section_j_by_hand(page)

    page.goto(f"/mds/assessments/{assessment}/sections/A")
    record = _record(page.evaluate(_FORM_VALUES), today)
    statuses = _post_sections(page, assessment, record, skip={"J"})
    assert set(statuses.values()) == {"Complete"}, {k: v for k, v in statuses.items() if v != "Complete"}

    decided = _decide_caas(page, f"/careplans/residents/{resident}/assessments/{assessment}", today)
    assert decided > 0  # this record triggers care areas: signing really went through the CAA gate

    page.goto(f"/mds/assessments/{assessment}")
    page.fill("form[action$='/attest'] input[name=password]", DEMO["coordinator"])
    with page.expect_navigation():
        page.click("form[action$='/attest'] button[type=submit]")
    assert page.locator("text=Sections attested (Z0400).").count() == 1, page.content()[-3000:]
    page.fill("form[action$='/sign'] input[name=password]", DEMO["coordinator"])
    with page.expect_navigation():
        page.click("form[action$='/sign'] button[type=submit]")
    assert page.locator("text=Signed and locked").count() >= 1, (
        decided,
        page.locator("main").inner_text()[:3000],
    )

    page.goto("/mds/dashboard")
    page.click("text=Export and submission")
    page.wait_for_selector("[data-testid=export-form]")
    # export only this record: the demo's other signed records stay for the other browser tests
    for box in page.locator("[data-testid=export-form] input[name=assessment]").all():
        if box.get_attribute("value") != assessment:
            box.uncheck()
    page.check(f"#exp-{assessment}")
    with page.expect_navigation():
        page.click("[data-testid=export-submit]")
    page.wait_for_selector("[data-testid=export-outcome]")
    with page.expect_download() as info:
        page.locator("[data-testid=export-outcome] [data-testid=download-zip]").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    result = subprocess.run(
        [sys.executable, "-m", "facility.cli", "validate", str(path), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    ours = _our_members(path, today.replace("-", ""))
    # the admission signed today is the one record in the zip (a fatal edit would have left it out)
    assert len(ours) == 1, page.locator("[data-testid=export-outcome]").inner_text()[:1500]
    report = {r["source"]: r for r in json.loads(result.stdout)["records"]}
    mine = [r for source, r in report.items() if source.endswith(ours[0])]
    assert len(mine) == 1 and mine[0]["status"] == "accepted" and mine[0]["isc"] == "NC", (
        ours,
        list(report)[:5],
    )
    assert len(report) == 1
    assert not page.csp_errors
