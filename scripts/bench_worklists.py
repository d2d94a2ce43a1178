"""Response times of the worklist, compliance-list and chain pages on the demo (issue 18 asks < 300 ms a page).

Serves a fresh demo database (SQLite) on a free port, logs in as the role that uses each page and times every
page over HTTP: the first request (cold: nothing cached) and the median of the next five. Prints the figures; it
asserts nothing (machines are noisy).
Usage: .venv/bin/python scripts/bench_worklists.py
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORDS = {
    "coordinator": "demo-coordinator-pass",
    "nurse": "demo-nurse-pass",
    "don": "demo-don-pass",
    "admin": "demo-admin-pass",
}
PAGES = [
    ("coordinator", "/mds/worklist"),
    ("coordinator", "/mds/worklist?kind=missing&window=overdue&sort=resident"),
    ("coordinator", "/mds/worklist?page=3"),
    ("nurse", "/careplans/worklist"),
    ("nurse", "/careplans/worklist?kind=not_planned&care_area=11"),
    ("admin", "/careplans/compliance"),
    ("admin", "/careplans/compliance?page=4&sort=unit"),
    ("don", "/surveys/worklist"),
    ("don", "/chain/qm/410"),
    ("don", "/chain/ftags/F689"),
    ("don", "FINDING"),
    ("don", "TASK"),
    ("don", "ITEM"),
    ("don", "AREA"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _login(base: str, user: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
    page = client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    client.post(
        "/login",
        data={"username": user, "password": PASSWORDS[user], "_csrf_token": token.group(1) if token else ""},
    )
    return client


def _resolve(client: httpx.Client, path: str) -> str:
    if path in ("FINDING", "TASK"):
        html = client.get("/surveys/worklist").text
        kind = "findings" if path == "FINDING" else "tasks"
        found = re.search(rf'href="(/chain/{kind}/\d+)"', html)
        return found.group(1) if found else "/chain/findings/0"
    html = client.get("/chain/qm/410").text
    found = re.search(r'href="(/chain/residents/\d+)/items/', html)
    base = found.group(1) if found else "/chain/residents/0"
    return base + ("/items/J1900C" if path == "ITEM" else "/areas/11")


def main() -> int:
    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="mdsready-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")}
    env.update(
        {
            "MDSREADY_DB_PATH": str(tmp / "demo.sqlite"),
            "MDSREADY_PORT": str(port),
            "MDSREADY_ENV": "development",
            "MDSREADY_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        }
    )
    cli = [sys.executable, "-m", "facility.cli"]
    subprocess.run([*cli, "migrate"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*cli, "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
                break
            except OSError:
                time.sleep(0.2)
        clients: dict[str, httpx.Client] = {}
        print(f"{'page':62} {'status':>6} {'cold ms':>8} {'warm ms':>8} {'rows':>5}")
        for user, path in PAGES:
            client = clients.setdefault(user, _login(base, user))
            if path.isupper():
                path = _resolve(client, path)
            start = time.perf_counter()
            response = client.get(path)
            cold = (time.perf_counter() - start) * 1000
            warm = []
            for _ in range(5):
                start = time.perf_counter()
                response = client.get(path)
                warm.append((time.perf_counter() - start) * 1000)
            rows = response.text.count("<tr") - response.text.count("<thead")
            print(
                f"{path:62} {response.status_code:>6} {cold:>8.0f} {statistics.median(warm):>8.0f} {rows:>5}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
