"""Fuzz every form POST and the zip/XML upload entry point with Hypothesis, on the engine under test
(SQLite, and PostgreSQL when TEST_DATABASE_URL is set), with a fixed budget (issue 17; SECURITY.md target 29).

Contract: whatever the bytes, the app answers below 500 with no traceback, and a batch upload always ends with
a report (never "internal error"). The budgets are fixed and derandomized, so a CI run is repeatable and short.
"""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Browserish

REPO = Path(__file__).resolve().parents[3]
BUDGET = settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
UPLOAD_BUDGET = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SKIPPED = {"/logout"}  # ends the fuzzing session itself; covered by tests/integration/facility/test_auth.py
HOSTILE = [
    "%",
    "%(x)s",
    "%d%s",
    "{0}",
    "{}",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "9" * 40,
    "-1",
    "0",
    "²",
    "١٢",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "2026-02-30",
    "0000-00-00",
    "99999-12-31",
    "../../etc/passwd",
    "=1+1",
    "on",
    "true",
    " ",
    "\u202e",
    "x" * 5000,
    "1e309",
    "NaN",
    "F689",
    "G",
    "open",
    "2026-01-10",
]
MDS_ITEMS = [
    "A0310A",
    "A0310B",
    "A0310F",
    "A1600",
    "A2300",
    "C0500",
    "GG0130A1",
    "J1800",
    "M0150",
    "Z0500B",
    "X0800",
]


def _field_names() -> list[str]:
    names: set[str] = set()
    for template in REPO.glob("*/templates/**/*.html"):
        names.update(re.findall(r'name="([a-z_0-9]+)"', template.read_text(encoding="utf-8")))
    return sorted(names - {"_csrf_token"}) + MDS_ITEMS


FIELDS = _field_names()
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30), st.integers().map(str))
forms = st.dictionaries(st.sampled_from(FIELDS), values, max_size=10)
path_ints = st.one_of(st.sampled_from([1, 2, 3]), st.integers(min_value=0, max_value=2**70))
path_strs = st.one_of(
    st.sampled_from(["A", "C", "GG", "Z", "x%", "..", "%00"]), st.text(min_size=1, max_size=8)
)
_PARAM = re.compile(r"\{(\w+):(\w+)\}")


def _post_routes(app: Any) -> list[tuple[str, tuple[str, ...] | None]]:
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if "POST" in handler.http_methods and route.path not in SKIPPED:
                routes.append((route.path, handler.opt.get("roles")))
    return sorted(routes)


def _url(path: str, draw: Any) -> str:
    def fill(match: re.Match[str]) -> str:
        kind = match.group(2)
        value = draw(path_ints) if kind == "int" else draw(path_strs)
        return quote(str(value), safe="")

    return _PARAM.sub(fill, path)


def _assert_handled(response: Any, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    assert "Traceback" not in response.text and 'File "/' not in response.text, where


async def _seed(coord: Browserish, world: Any) -> None:
    """A few real objects (ids 1, 2) so the fuzzed ids reach past the 404s: a survey, a finding, a problem."""
    await coord.get("/surveys/new")
    await coord.post("/surveys", {"kind": "standard", "start_date": "2026-01-02", "exit_date": "2026-01-05"})
    await coord.post(
        "/surveys/1/findings", {"tag": "F689", "scope_severity": "D", "narrative": "x", "status": "open"}
    )
    await coord.post(
        f"/careplans/residents/{world.resident_a}/problems", {"focus": "Falls", "not_triggered_reason": "x"}
    )


def _browser_role(roles: tuple[str, ...] | None) -> str:
    """Who posts: nobody for public routes, the MDS coordinator where allowed, else the administrator."""
    return "" if roles is None else "coord_a" if "mds_coordinator" in roles else "admin_a"


@BUDGET
@given(data=st.data())
async def test_every_form_post_survives_hostile_input(data: Any, app: Any, client: Any, world: Any) -> None:
    routes = _post_routes(app)
    await client.login("coord_a")
    await _seed(client, world)
    for user in (
        "coord_a",
        "admin_a",
        "",
    ):  # one browser, one login per role (make_client hangs with several)
        client.client.cookies.clear()
        if user:
            await client.login(user)
        else:
            await client.get("/login")
        for path, roles in routes:
            if _browser_role(roles) != user:
                continue
            url = _url(path, data.draw)
            form = data.draw(forms, label=path)
            headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
            response = await client.post(url, form, headers=headers, follow_redirects=False)
            _assert_handled(response, f"POST {url} {form!r}")


# --- the zip/XML entry point --------------------------------------------------------------------

member_names = st.one_of(
    st.sampled_from(
        [
            "",
            "a.xml",
            "../x.xml",
            "/abs.xml",
            "a\\b.xml",
            "x.zip",
            "dir/",
            "é.XML",
            "=1+1.xml",
            "a:b.xml",
            "con.xml",
        ]
    ),
    st.text(max_size=20),
)
xml_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda items, enc: (
            '<?xml version="1.0" encoding="'
            + enc
            + '"?><ASSESSMENT>'
            + "".join(f"<{k}>{v}</{k}>" for k, v in items)
            + "</ASSESSMENT>"
        ).encode("utf-8", "replace"),
        st.lists(
            st.tuples(
                st.sampled_from(MDS_ITEMS + ["ASMT_SYS_CD", "ITM_SBST_CD", "X"]),
                st.sampled_from(HOSTILE[:20] + ["01", "1", "-", "^"]),
            ),
            max_size=6,
        ),
        st.sampled_from(["UTF-8", "ISO-8859-1", "UTF-16", "bogus"]),
    ),
    st.sampled_from(
        [
            b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><ASSESSMENT>&e;</ASSESSMENT>',
            b"<ASSESSMENT>" * 3000,
            b"\xef\xbb\xbf<ASSESSMENT/>",
            b"\xff\xfe<\x00A\x00/\x00>\x00",
        ]
    ),
)


@st.composite
def zips(draw: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(
        buffer, "w", compression=draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    ) as archive:
        for name, body in draw(st.lists(st.tuples(member_names, xml_bodies), max_size=4)):
            archive.writestr(zipfile.ZipInfo(name), body)
    raw = buffer.getvalue()
    cut = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=max(len(raw) - 1, 0))))
    return raw if cut is None else raw[:cut]  # truncated archives too


uploads = st.one_of(
    st.tuples(st.just("batch.zip"), zips()),
    st.tuples(st.sampled_from(["r.xml", "r.zip", "r.txt"]), xml_bodies),
)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(upload=uploads)
def test_validator_reports_every_input_without_raising(upload: tuple[str, bytes]) -> None:
    from mds.record.validate import validate_bytes

    name, body = upload
    report = validate_bytes(name, body)
    assert report.records or report.unreadable


@UPLOAD_BUDGET
@given(upload=uploads)
async def test_upload_endpoint_always_finishes_with_a_report(
    upload: tuple[str, bytes], client: Any, world: Any
) -> None:
    from mds.tables import Submission
    from mds.upload.services import FAILED

    await client.login("coord_a")
    await client.get("/mds/uploads")
    name, body = upload
    response = await client.post(
        "/mds/uploads",
        {},
        files=[("files", (name, body, "application/octet-stream"))],
        follow_redirects=False,
    )
    _assert_handled(response, f"upload {name}")
    location = response.headers.get("location", "")
    if not location.startswith("/mds/uploads/"):
        return  # refused before a submission existed (empty file list, size): a 4xx page, checked above
    submission_id = int(location.rsplit("/", 1)[1])
    for _ in range(400):
        progress = await client.get(f"{location}/progress", headers={"HX-Request": "true"})
        _assert_handled(progress, "progress")
        if progress.status_code == 286:
            break
        await asyncio.sleep(0.05)
    row = (
        await Submission.select(Submission.status, Submission.error)
        .where(Submission.id == submission_id)
        .first()
    )
    assert row["status"] != "failed" or row["error"] != FAILED, "validation stopped on an internal error"
    _assert_handled(await client.get(location), "report page")
