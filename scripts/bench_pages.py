"""Page throughput through a real server (uvicorn, one process) measured with wrk, all routes in one run.

Routes: the bare health route (the framework floor), the logged-in resident list, and an open assessment's
section D and section GG pages (each view audited, as in production). Each route is driven by wrk at 1 and at
32 connections for --seconds each; the goals of issue 16 are ratios of the same run, so machine noise (two
cores shared with other work) moves numerator and denominator together:

  resident list >= 0.25 x health req/s at 32 clients; section pages >= 0.15 x health;
  throughput does not fall from 1 to 32 clients (ratio 32/1 >= 1.0).

Every figure is a warm-cache figure (the server has served the route before timing starts: templates
compiled, catalogs and schemas built, facility.datacache filled where a page uses it); the first request of
each route after the server starts is timed separately and labelled "cold".

Usage: .venv/bin/python scripts/bench_pages.py [--seconds 5] [--quick]
Lines starting with "RATIO" are collected by scripts/bench.py into its summary.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MDSREADY_", "DATABASE_URL"))}
    env.update(
        MDSREADY_DB_PATH=str(db),
        MDSREADY_ENV="development",
        MDSREADY_TEMPLATE_RELOAD="0",  # production behaviour: templates compiled once, never re-checked
        MDSREADY_PORT=str(port),
        MDSREADY_HOST="127.0.0.1",
        MDSREADY_SESSION_IDLE_SECONDS="3600",
    )
    return env


def _mdsready(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "mdsready"), *args], env=env, cwd=ROOT, check=True, capture_output=True)


def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("server did not start")


def _login(base: str, username: str, password: str) -> str:
    with httpx.Client(base_url=base) as client:
        page = client.get("/login")
        token = _CSRF.search(page.text)
        assert token, "no CSRF token on /login"
        response = client.post(
            "/login", data={"username": username, "password": password, "_csrf_token": token.group(1)}
        )
        assert response.status_code in (200, 302, 303), response.status_code
        session = client.cookies.get("session")
        assert session, "login gave no session cookie"
        return session


def _open_assessment(db: Path) -> int:
    """An open (not signed) assessment of the demo facility that has both section D and section GG."""
    with sqlite3.connect(db) as con:
        row = con.execute(
            "SELECT a.id FROM assessment a "
            "WHERE a.status = 'in_progress' AND a.active = 1 "
            "AND EXISTS (SELECT 1 FROM assessment_section s WHERE s.assessment = a.id AND s.section = 'D') "
            "AND EXISTS (SELECT 1 FROM assessment_section s WHERE s.assessment = a.id AND s.section = 'GG') "
            "ORDER BY a.id LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("the demo has no open assessment with sections D and GG")
    return int(row[0])


_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_LAT = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _wrk(url: str, clients: int, seconds: int, cookie: str | None) -> tuple[float, dict[str, float]]:
    cmd = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        cmd += ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw non-2xx responses on {url}:\n{out}")
    rate = _RATE.search(out)
    assert rate, out
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {f"p{q}": float(v) * scale[u] for q, v, u in _LAT.findall(out)}
    return float(rate.group(1)), latency


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per route and client count")
    parser.add_argument("--quick", action="store_true", help="2 seconds per measurement")
    parser.add_argument("--files", type=int, help=argparse.SUPPRESS)  # bench.py passes every script's flags
    args, _ = parser.parse_known_args(argv)
    seconds = 2 if args.quick else args.seconds
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk): page throughput not measured")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="mdsready-bench-pages-"))
    port = _free_port()
    env = _env(tmp / "bench.sqlite", port)
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    _mdsready(env, "migrate")
    _mdsready(env, "demo")
    print(f"demo database built in {time.perf_counter() - t0:.1f}s")
    server = subprocess.Popen(
        [str(BIN / "mdsready"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_up(base, server)
        cookie = _login(base, "coordinator", "demo-coordinator-pass")
        assessment = _open_assessment(tmp / "bench.sqlite")
        routes = [
            ("health", "/health", None),
            ("resident list", "/residents", cookie),
            ("section D", f"/mds/assessments/{assessment}/sections/D", cookie),
            ("section GG", f"/mds/assessments/{assessment}/sections/GG", cookie),
        ]
        print("cold (first request after start-up, ms):")
        for label, path, jar in routes:
            start = time.perf_counter()
            response = httpx.get(base + path, cookies={"session": jar} if jar else None)
            assert response.status_code == 200, (path, response.status_code)
            print(f"  {label:14} {(time.perf_counter() - start) * 1000:8.1f}")
        rates: dict[tuple[str, int], float] = {}
        print(f"warm, wrk {seconds}s per line:")
        print(f"  {'route':14} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
        for clients in (1, 32):
            for label, path, jar in routes:
                rate, lat = _wrk(base + path, clients, seconds, jar)
                rates[label, clients] = rate
                print(
                    f"  {label:14} {clients:7} {rate:8.0f} {lat.get('p50', 0):8.1f} "
                    f"{lat.get('p90', 0):8.1f} {lat.get('p99', 0):8.1f}"
                )
        health = rates["health", 32]
        goals = {"resident list": 0.25, "section D": 0.15, "section GG": 0.15}
        for label, goal in goals.items():
            ratio = rates[label, 32] / health
            verdict = "PASS" if ratio >= goal else "FAIL"
            print(
                f"RATIO pages: {label} / health req/s at 32 clients = {ratio:.3f} (goal >= {goal}) {verdict}"
            )
        for label, _, _ in routes[1:]:
            ratio = rates[label, 32] / rates[label, 1]
            verdict = "PASS" if ratio >= 1.0 else "FAIL"
            print(f"RATIO pages: {label} req/s 32 clients / 1 client = {ratio:.2f} (goal >= 1.0) {verdict}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
