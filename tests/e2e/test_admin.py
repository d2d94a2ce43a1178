"""An administrator manages users in the browser (English and Spanish): create with a validation error
first, change the role, reset the password, disable; the audit page shows what changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import DEMO, REPO, login, nav_to

SHOTS = Path(REPO) / "docs" / "screenshots"
TEXT = {
    "en": {
        "users": "Users",
        "add": "Add user",
        "create": "Create user",
        "short": "too short",
        "created": "User created",
        "save": "Save changes",
        "saved": "Changes saved.",
        "disable": "Disable account",
        "disabled": "User disabled",
        "log_in": "Log in",
        "invalid": "Invalid username or password.",
    },
    "es": {
        "users": "Usuarios",
        "add": "Agregar usuario",
        "create": "Crear usuario",
        "short": "demasiado corta",
        "created": "Usuario creado",
        "save": "Guardar cambios",
        "saved": "Cambios guardados.",
        "disable": "Desactivar la cuenta",
        "disabled": "Usuario desactivado",
        "log_in": "Iniciar sesión",
        "invalid": "Usuario o contraseña no válidos.",
    },
}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_admin_creates_changes_and_disables_a_user(new_page: Any, lang: str) -> None:
    t = TEXT[lang]
    username = f"e2e_{lang}_nurse"
    page = new_page(locale="es-ES" if lang == "es" else "en-US")
    login(page, "admin", DEMO["admin"])
    nav_to(page, t["users"])
    page.wait_for_url("**/admin/users")
    assert page.locator("[data-testid=users-table] tbody tr").count() >= 5  # the demo's accounts
    page.click(f"text={t['add']}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "short")
    page.evaluate(
        "document.querySelector('input[name=password]').removeAttribute('minlength')"
    )  # let the server answer
    page.check("input[name=facility_ids] >> nth=0")
    page.click(f"button:has-text('{t['create']}')")
    page.wait_for_selector("[data-field=password]")
    assert t["short"] in page.locator("[data-field=password]").inner_text()
    page.fill("input[name=password]", "first passphrase 2026")
    page.select_option("select[name=role]", "nurse")
    page.click(f"button:has-text('{t['create']}')")
    page.wait_for_url(re.compile(r".*/admin/users/\d+$"))
    assert t["created"] in page.content()

    page.select_option("select[name=role]", "mds_coordinator")
    page.fill("input[name=title]", "RN")
    page.click(f"button:has-text('{t['save']}')")
    page.wait_for_url(re.compile(r".*/admin/users/\d+$"))
    assert t["saved"] in page.content()
    if lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "users.png"), full_page=False)

    page.locator("[data-testid=toggle-active]").click()
    page.wait_for_url(re.compile(r".*/admin/users/\d+$"))
    assert t["disabled"] in page.content()
    user_id = page.url.rsplit("/", 1)[1]

    page.goto(f"/admin/audit?object_type=user&object_id={user_id}")
    diff = page.locator("[data-testid=audit-table] .audit-diff").all_inner_texts()
    assert any("mds_coordinator" in d and "nurse" in d for d in diff)
    if lang == "en":
        page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=False)
    assert page.csp_errors == []  # type: ignore[attr-defined]

    other = new_page(locale="es-ES" if lang == "es" else "en-US")
    other.goto("/login")
    other.fill("input[name=username]", username)
    other.fill("input[name=password]", "first passphrase 2026")
    other.click(f"button[type=submit]:has-text('{t['log_in']}')")
    assert t["invalid"] in other.content()


def test_non_admin_has_no_administration_menu(new_page: Any) -> None:
    page = new_page()
    login(page, "nurse", DEMO["nurse"])
    assert page.locator("nav.app-nav summary:has-text('Administration')").count() == 0
    assert page.goto("/admin/users/").status == 403
