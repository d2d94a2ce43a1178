"""kill -9 of the application process on PostgreSQL (issue 17; SECURITY.md target 27): during a batch upload and
during a CMS deficiency import. Afterwards no half-saved record, the audit chain verifies, and the work can be
done again. Needs TEST_DATABASE_URL (the SQLite crash behaviour is covered by the upload restart test)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import PASSWORD, csrf_from

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only (TEST_DATABASE_URL)"
)
REPO = Path(__file__).resolve().parents[3]
SAMPLE = "surveys/health_deficiencies_r5ix-sfxw_sample300.csv"


def _env() -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": os.environ["TEST_DATABASE_URL"], "MDSREADY_ENV": "test"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _in_transaction(marker: str) -> bool:
    """Another session is inside an open transaction that touched `marker` (the kill lands mid-write)."""
    from facility.core.db import engine

    rows = await engine().run_ddl(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        f"AND xact_start IS NOT NULL AND query ILIKE '%{marker}%'"
    )
    return bool(rows and rows[0]["n"])


async def _chain_ok() -> None:
    from facility.core.audit import verify_chain

    _count, broken = await verify_chain()
    assert broken is None, broken


def _big_deficiency_csv(shared_data: Path, copies: int) -> str:
    """The real CMS sample repeated under other CCNs (distinct natural keys), so the import takes a while."""
    lines = (shared_data / SAMPLE).read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    out = [header]
    for n in range(copies):
        out.extend(f"{n + 10:02d}{line[2:]}" if n else line for line in body)
    return "\n".join(out) + "\n"


async def test_kill_9_during_deficiency_import_leaves_all_or_nothing(
    db: Any, shared_data: Path, tmp_path: Path
) -> None:
    from surveys.tables import CmsDeficiency

    source = tmp_path / "deficiencies.csv"
    source.write_text(_big_deficiency_csv(shared_data, 60), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "facility.cli", "import-deficiencies", str(source)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    caught = False
    for _ in range(6000):
        if process.poll() is not None:
            break
        if await _in_transaction("cms_deficiency"):
            process.send_signal(signal.SIGKILL)
            caught = True
            break
        await asyncio.sleep(0.01)
    process.wait(timeout=60)
    assert caught, "the import finished before it could be killed: make the file larger"
    for _ in range(
        3000
    ):  # PostgreSQL rolls the dead session's transaction back once it notices the dropped socket
        if not await _in_transaction("cms_deficiency"):
            break
        await asyncio.sleep(0.01)
    assert await CmsDeficiency.count() == 0  # one transaction: nothing half-imported
    await _chain_ok()
    again = subprocess.run(
        [sys.executable, "-m", "facility.cli", "import-deficiencies", str(source)],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode in (0, 1), again.stderr
    from facility.core.db import engine

    rows = await engine().run_ddl("SELECT count(*) AS n FROM cms_deficiency")
    assert rows[0]["n"] > 0, (again.stdout, again.stderr.strip().splitlines()[-3:])
    await _chain_ok()


def _batch(records: int) -> bytes:
    from mds.record.testing import random_assessment
    from mds.record.xmlio import export_assessment

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(records):
            archive.writestr(f"{n:04d}.xml", export_assessment(random_assessment(random.Random(n), isc="NC")))
    return buffer.getvalue()


async def test_kill_9_during_upload_keeps_every_saved_record_whole(world: Any) -> None:
    from mds.tables import Submission, SubmissionRecord, ValidationIssue

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "facility.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for _ in range(600):
                try:
                    if (await http.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            page = await http.get("/login")
            await http.post(
                "/login",
                data={"username": "coord_a", "password": PASSWORD, "_csrf_token": csrf_from(page.text)},
            )
            upload = await http.get("/mds/uploads")
            response = await http.post(
                "/mds/uploads",
                data={"_csrf_token": csrf_from(upload.text)},
                files=[("files", ("batch.zip", _batch(60), "application/zip"))],
            )
            assert response.status_code in (200, 303), response.status_code
        for _ in range(6000):
            done = await SubmissionRecord.count()
            if done >= 3:
                break
            await asyncio.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    await asyncio.sleep(0.5)
    submission = await Submission.select().first()
    records = await SubmissionRecord.select().where(SubmissionRecord.submission == submission["id"])
    assert submission["status"] == "running" and 0 < len(records) < 60  # killed mid-batch
    for record in records:  # every record that was saved is whole: a final status, and its issues if rejected
        assert record["status"] in ("accepted", "rejected")
        if record["status"] == "rejected":
            assert await ValidationIssue.count().where(ValidationIssue.record == record["id"]) > 0
    await _chain_ok()
