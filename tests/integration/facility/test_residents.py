"""Resident and stay pages: search, forms (422 in en/es), optimistic locking (409), roles, tenants, audit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import PASSWORD

VALID = {
    "last_name": "Okafor",
    "first_name": "Grace",
    "birth_date": "1938-02-14",
    "sex": "F",
    "medicare_number": "1EG4-TE5-MK73",
    "medicaid_number": "",
    "room": "210B",
}


async def _resident_rows(db: Any) -> int:
    from facility.tables import Resident

    return await Resident.count()


async def test_list_full_page_and_htmx_fragment(client: Any, world: Any) -> None:
    await client.login("coord_a")
    full = await client.get("/residents?q=And")
    assert full.status_code == 200 and "<html" in full.text and "Anders" in full.text
    assert "Bernal" not in full.text  # facility B's resident never shows
    partial = await client.get("/residents?q=And", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text
    assert 'id="resident-results"' in partial.text and "Anders" in partial.text
    boosted = await client.get("/residents", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text  # a boosted request expects a full page
    assert "HX-Request" in full.headers["vary"]
    none = await client.get("/residents?q=zzzz", headers={"HX-Request": "true"})
    assert "No resident matches these filters." in none.text


async def test_filters_by_unit_and_status(client: Any, world: Any) -> None:
    await client.login("coord_a")
    by_unit = await client.get(f"/residents?unit={world.unit_a}&status=active")
    assert "Anders" in by_unit.text
    other = await client.get("/residents?status=expired")
    assert "Anders" not in other.text
    bad = await client.get("/residents?unit=abc&status=<script>")
    assert bad.status_code == 200 and "<script>" not in bad.text


async def test_create_resident_then_page_and_audit(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent

    await client.login("nurse_a")
    await client.get("/residents/new")
    response = await client.post(
        "/residents", {**VALID, "unit_id": str(world.unit_a)}, follow_redirects=False
    )
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "Okafor, Grace" in page.text and "1EG4TE5MK73" in page.text
    rows = await AuditEvent.select().where(
        (AuditEvent.action == "create") & (AuditEvent.object_type == "resident")
    )
    assert len(rows) == 1 and rows[0]["actor"] == "nurse_a" and rows[0]["facility_id"] == world.facility_a


async def test_create_resident_htmx_redirects_client_side(client: Any, world: Any) -> None:
    await client.login("nurse_a")
    await client.get("/residents/new")
    response = await client.post("/residents", VALID, headers={"HX-Request": "true"})
    assert response.headers.get("hx-redirect", "").startswith("/residents/")


@pytest.mark.parametrize(
    "language,message", [("en", "This field is required."), ("es", "Este campo es obligatorio.")]
)
async def test_bad_form_is_422_with_field_errors_in_language(
    client: Any, world: Any, db: Any, language: str, message: str
) -> None:
    await client.login("coord_a")
    await client.post("/language", {"lang": language})
    await client.get("/residents/new")
    before = await _resident_rows(db)
    bad = {
        **VALID,
        "last_name": "",
        "birth_date": "2199-01-01",
        "medicare_number": "123",
        "sex": "X",
        "unit_id": "999999",
    }
    full = await client.post("/residents", bad)
    assert full.status_code == 422 and "text/html" in full.headers["content-type"]
    assert message in full.text and "<html" in full.text
    assert 'value="Grace"' in full.text  # what the user typed is kept
    partial = await client.post("/residents", bad, headers={"HX-Request": "true"})
    assert partial.status_code == 422 and "<html" not in partial.text and message in partial.text
    assert await _resident_rows(db) == before  # nothing half-saved


async def test_malformed_inputs_never_500(client: Any, world: Any) -> None:
    await client.login("coord_a")
    await client.get("/residents/new")
    for payload in (
        {"birth_date": "14/02/1938"},
        {"last_name": "x" * 5000},
        {"unit_id": "1; DROP TABLE"},
        {},
    ):
        response = await client.post("/residents", payload)
        assert response.status_code == 422, payload
    assert (await client.get("/residents/notanumber")).status_code == 404
    assert (await client.get("/residents/99999999")).status_code == 404


async def test_stale_save_is_409_and_keeps_the_users_values(
    client: Any, make_client: Any, world: Any
) -> None:
    from facility.tables import Resident

    first = client
    second = await make_client()
    await first.login("coord_a")
    await second.login("nurse_a")
    form_first = await first.get(f"/residents/{world.resident_a}/edit")
    await second.get(f"/residents/{world.resident_a}/edit")
    assert 'name="version" value="1"' in form_first.text
    base = {
        "last_name": "Anders",
        "first_name": "Test",
        "birth_date": "1940-05-01",
        "sex": "F",
        "unit_id": str(world.unit_a),
        "version": "1",
    }
    ok = await second.post(f"/residents/{world.resident_a}", {**base, "room": "301A"}, follow_redirects=False)
    assert ok.status_code == 303
    stale = await first.post(f"/residents/{world.resident_a}", {**base, "room": "999Z", "first_name": "Mine"})
    assert stale.status_code == 409
    assert 'value="999Z"' in stale.text and 'value="Mine"' in stale.text  # nothing the user typed is lost
    assert "Someone else saved this record" in stale.text and "301A" in stale.text
    saved = (
        await Resident.select(Resident.room, Resident.version).where(Resident.id == world.resident_a).first()
    )
    assert saved == {"room": "301A", "version": 2}
    partial = await first.post(
        f"/residents/{world.resident_a}", {**base, "room": "999Z"}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 409 and "<html" not in partial.text


# Every route that reads or changes one facility's data, called with facility B's ids.
def _routes(w: Any) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("GET", f"/residents/{w.resident_b}", {}),
        ("GET", f"/residents/{w.resident_b}?tab=assessments", {}),
        ("GET", f"/residents/{w.resident_b}/edit", {}),
        ("POST", f"/residents/{w.resident_b}", {**VALID, "version": "1"}),
        ("POST", f"/residents/{w.resident_b}/inactivate", {"version": "1"}),
        ("POST", f"/residents/{w.resident_b}/stays", {"admission_date": "2026-02-01"}),
        ("POST", f"/stays/{w.stay_b}/events", {"kind": "death", "event_date": "2026-02-01", "version": "1"}),
        ("POST", f"/admin/facilities/{w.facility_b}/units", {"name": "Sneaky"}),
    ]


async def test_user_of_facility_a_never_reads_or_changes_facility_b(client: Any, world: Any) -> None:
    from facility.tables import AuditEvent, Resident, Stay, Unit

    await client.login("admin_a")  # the strongest role in A, still only A
    before = (
        await Resident.select().where(Resident.id == world.resident_b).first(),
        await Unit.count(),
        await Stay.count(),
    )
    for method, url, data in _routes(world):
        response = await (client.get(url) if method == "GET" else client.post(url, data))
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert "Bernal" not in response.text
    after = (
        await Resident.select().where(Resident.id == world.resident_b).first(),
        await Unit.count(),
        await Stay.count(),
    )
    assert before == after
    denials = await AuditEvent.count().where(
        (AuditEvent.action == "denied") & (AuditEvent.actor == "admin_a")
    )
    assert denials >= len(_routes(world)) - 1
    listing = await client.get("/residents?status=")
    assert "Bernal" not in listing.text


async def test_facility_switch_only_to_own_facilities(client: Any, world: Any) -> None:
    await client.login("coord_a")
    await client.get("/")
    await client.post("/facility", {"facility_id": str(world.facility_b)})
    listing = await client.get("/residents?status=")
    assert "Bernal" not in listing.text and "Anders" in listing.text


ROLE_MATRIX = [
    # (path, method, allowed roles)
    ("/residents", "GET", {"admin_a", "coord_a", "nurse_a", "um_a", "viewer_a"}),
    ("/residents/new", "GET", {"admin_a", "coord_a", "nurse_a"}),
    ("/admin/audit", "GET", {"admin_a"}),
    ("/admin/facilities", "GET", {"admin_a"}),
]


@pytest.mark.parametrize("username", ["admin_a", "coord_a", "nurse_a", "um_a", "viewer_a"])
async def test_role_matrix(make_client: Any, world: Any, username: str) -> None:
    browser = await make_client()
    assert (await browser.login(username)).status_code == 303
    for path, _method, allowed in ROLE_MATRIX:
        response = await browser.get(path)
        expected = 200 if username in allowed else 403
        assert response.status_code == expected, (username, path, response.status_code)
    create = await browser.post("/residents", {**VALID}, follow_redirects=False)
    if username in {"admin_a", "coord_a", "nurse_a"}:
        assert create.status_code == 303
    else:
        assert create.status_code == 403
        assert "Reference" in create.text and "Traceback" not in create.text


async def test_stay_events_discharge_reentry_death(client: Any, world: Any) -> None:
    from facility.tables import Resident, Stay, StayEvent

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    r1 = await client.post(
        f"/stays/{world.stay_a}/events",
        {"kind": "discharge_return_anticipated", "event_date": "2026-03-01", "version": "1"},
        follow_redirects=False,
    )
    assert r1.status_code == 303
    bad = await client.post(
        f"/stays/{world.stay_a}/events", {"kind": "death", "event_date": "2026-03-02", "version": "2"}
    )
    assert bad.status_code == 422 and "not possible" in bad.text
    early = await client.post(
        f"/stays/{world.stay_a}/events", {"kind": "reentry", "event_date": "2026-02-01", "version": "2"}
    )
    assert early.status_code == 422
    r2 = await client.post(
        f"/stays/{world.stay_a}/events",
        {"kind": "reentry", "event_date": "2026-03-05", "version": "2"},
        follow_redirects=False,
    )
    assert r2.status_code == 303
    stale = await client.post(
        f"/stays/{world.stay_a}/events", {"kind": "death", "event_date": "2026-04-01", "version": "2"}
    )
    assert stale.status_code == 422 and "Someone else changed" in stale.text
    r3 = await client.post(
        f"/stays/{world.stay_a}/events",
        {"kind": "death", "event_date": "2026-04-01", "version": "3"},
        follow_redirects=False,
    )
    assert r3.status_code == 303
    stay = await Stay.select(Stay.status).where(Stay.id == world.stay_a).first()
    resident = await Resident.select(Resident.status).where(Resident.id == world.resident_a).first()
    kinds = [
        e["kind"]
        for e in await StayEvent.select(StayEvent.kind)
        .where(StayEvent.stay == world.stay_a)
        .order_by(StayEvent.id)
    ]
    assert stay["status"] == "expired" and resident["status"] == "expired"
    assert kinds == ["admission", "discharge_return_anticipated", "reentry", "death"]
    page = await client.get(f"/residents/{world.resident_a}")
    assert "Death in facility" in page.text


async def test_resident_tabs_full_and_partial(client: Any, world: Any) -> None:
    await client.login("viewer_a")
    for tab in ("overview", "assessments", "careplan", "utilization"):
        full = await client.get(f"/residents/{world.resident_a}?tab={tab}")
        assert full.status_code == 200 and "<html" in full.text and f'data-tab="{tab}"' in full.text
        partial = await client.get(f"/residents/{world.resident_a}?tab={tab}", headers={"HX-Request": "true"})
        assert (
            partial.status_code == 200 and "<html" not in partial.text and f'data-tab="{tab}"' in partial.text
        )


async def test_inactivate_never_deletes(client: Any, world: Any, db: Any) -> None:
    from facility.tables import Resident

    await client.login("coord_a")
    await client.get(f"/residents/{world.resident_a}")
    response = await client.post(
        f"/residents/{world.resident_a}/inactivate", {"version": "1"}, follow_redirects=False
    )
    assert response.status_code == 303
    row = await Resident.select(Resident.active).where(Resident.id == world.resident_a).first()
    assert row == {"active": False}
    with pytest.raises(Exception, match="never deleted"):
        await Resident.delete().where(Resident.id == world.resident_a)
    assert await Resident.count().where(Resident.id == world.resident_a) == 1


async def test_security_headers_on_pages_errors_and_static(client: Any, world: Any) -> None:
    for url in ("/login", "/nope-404", "/static/css/app.css"):
        response = await client.get(url)
        csp = response.headers["content-security-policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert (await client.get("/nope-404")).status_code == 404
    await client.login("coord_a")
    page = await client.get("/residents")
    assert page.headers["cache-control"] == "no-store"


async def test_error_pages_have_correlation_id_and_no_trace(
    client: Any, world: Any, monkeypatch: Any
) -> None:
    from facility.residents import services

    async def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret-internal-detail")

    await client.login("coord_a")
    monkeypatch.setattr(services, "search_residents", boom)
    response = await client.get("/residents")
    assert response.status_code == 500 and "text/html" in response.headers["content-type"]
    assert (
        "Reference" in response.text
        and "secret-internal-detail" not in response.text
        and "Traceback" not in response.text
    )
    assert PASSWORD not in response.text
