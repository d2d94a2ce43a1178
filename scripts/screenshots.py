"""Screenshots for the README: serves a fresh demo database and photographs the main pages.

Usage: python scripts/screenshots.py [--only NAME ...]
Writes docs/screenshots/<name>.png. Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"

# name -> (user, path, optional CSS selector to click first)
SHOTS = {
    "login": (None, "/login", None),
    "resident-list": ("coordinator", "/residents", None),
    "resident-page": ("coordinator", "FIRST_RESIDENT", None),
    "resident-page-es": ("coordinator", "FIRST_RESIDENT_ES", None),
    "careplan-tab": ("nurse", "FIRST_RESIDENT?tab=careplan", None),
    "audit-log": ("admin", "/admin/audit", None),
    "utilization": ("um", "/utilization", None),
    "ur-worklist": ("um", "/utilization/worklist", None),
    "ur-transfers": ("um", "/utilization/transfers", None),
    "worklist-coordinator": ("coordinator", "/mds/worklist", None),
    "worklist-nurse": ("nurse", "/careplans/worklist", None),
    "worklist-don": ("don", "/surveys/worklist", None),
    "worklist-don-es": ("don", "/surveys/worklist", None),
    "chain-qm": ("don", "/chain/qm/410", None),
    "careplan-compliance-list": ("admin", "/careplans/compliance", None),
}
PASSWORDS = {
    "coordinator": "demo-coordinator-pass",
    "admin": "demo-admin-pass",
    "nurse": "demo-nurse-pass",
    "um": "demo-um-pass",
    "don": "demo-don-pass",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="mdsready-shots-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"MDSREADY_DB_PATH": str(tmp / "demo.sqlite"), "MDSREADY_PORT": str(port)})
    cli = [sys.executable, "-m", "facility.cli"]
    subprocess.run([*cli, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*cli, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for name, (user, path, click) in SHOTS.items():
                if args.only and name not in args.only:
                    continue
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": 1360, "height": 900},
                    locale="es-MX" if name.endswith("-es") else "en-US",
                )
                page = context.new_page()
                if user:
                    page.goto("/login")
                    page.fill("input[name=username]", user)
                    page.fill("input[name=password]", PASSWORDS[user])
                    page.click("form[action='/login'] button[type=submit]")
                    page.wait_for_url(base + "/")
                if path.startswith("FIRST_RESIDENT"):
                    page.goto("/residents")
                    href = page.locator("#resident-results tbody a").first.get_attribute("href")
                    rest = path.removeprefix("FIRST_RESIDENT").removeprefix("_ES")  # e.g. "?tab=careplan"
                    path = (href or "/residents") + rest
                page.goto(path)
                if click:
                    page.click(click)
                page.wait_for_load_state("networkidle")
                target = OUT / f"{name}.png"
                page.screenshot(path=str(target), full_page=False)
                print(f"wrote {target.relative_to(ROOT)}")
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
