"""Browser tests: a real server (uvicorn subprocess) on a fresh demo database, driven by Playwright with
Debian's chromium (Playwright cannot download browsers here). Skipped when /usr/bin/chromium is absent."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(reason="Debian chromium not installed (.ci/run installs it)")
        for item in items:
            if "e2e" in str(item.fspath):
                item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated SQLite file with the demo facility, served on a free port; yields the base URL."""
    port = _free_port()
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(
        {
            "MDSREADY_DB_PATH": str(db_path),
            "MDSREADY_ENV": "development",
            "MDSREADY_PORT": str(port),
            "MDSREADY_SECRET_KEY": "e2e-secret-key-0123456789abcdef0123456789",
        }
    )
    cli = [sys.executable, "-m", "facility.cli"]
    subprocess.run([*cli, "migrate"], env=env, cwd=REPO, check=True, capture_output=True)
    subprocess.run([*cli, "demo"], env=env, cwd=REPO, check=True, capture_output=True)
    log = open(tmp_path_factory.mktemp("e2e-log") / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("server exited at start-up; see " + log.name) from None
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("server did not start in 30 s")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Any]:
    """new_page(js=True, lang="en-US") -> a Page in a fresh context; console CSP violations are collected."""
    contexts: list[Any] = []

    def factory(js: bool = True, locale: str = "en-US") -> Any:
        context = browser.new_context(
            java_script_enabled=js,
            locale=locale,
            base_url=live_server,
            viewport={"width": 1360, "height": 900},
        )
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
        )  # type: ignore[attr-defined]
        return page

    yield factory
    for context in contexts:
        context.close()


def switch_language(page: Any, lang: str) -> None:
    """Store the language on the logged-in user (the header switch): it wins over the browser's Accept-Language."""
    page.select_option("select[name=lang]", lang)
    page.click("[data-testid=language-switch]")
    page.wait_for_load_state()


@pytest.fixture
def speaking(new_page: Any) -> Iterator[Any]:
    """speaking(user, lang[, password]) -> a logged-in page in that language, set on the user explicitly (another
    test may have stored a language on the same demo user); the user is set back to English afterwards."""
    pages: list[Any] = []

    def factory(user: str, lang: str, password: str | None = None) -> Any:
        page = new_page(js=True)
        login(page, user, password or DEMO[user])
        switch_language(page, lang)
        pages.append(page)
        return page

    yield factory
    for page in pages:
        switch_language(page, "en")


def login(page: Any, username: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:has-text('Log in'), button[type=submit]:has-text('Iniciar sesión')")
    page.wait_for_url("**/")


def nav_to(page: Any, label: str) -> None:
    """Follow a header menu link: the links sit in grouped drop-downs (<details>), opened first."""
    link = page.locator(f"nav.app-nav a:text-is('{label}')").first
    if not link.is_visible():
        page.locator("nav.app-nav details", has=page.locator(f"a:text-is('{label}')")).locator(
            "summary"
        ).click()
    link.click()


DEMO = {
    "admin": "demo-admin-pass",
    "coordinator": "demo-coordinator-pass",
    "nurse": "demo-nurse-pass",
    "um": "demo-um-pass",
    "viewer": "demo-viewer-pass",
}
