"""One clock: the application reads the time only through facility.core.clock, so freezing it freezes every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facility.core import clock

ROOT = Path(__file__).resolve().parents[2]
READS_THE_TIME = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")


def test_today_follows_a_frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert clock.now() == moment
    assert clock.today() == moment.astimezone().date()


def test_now_is_aware_utc() -> None:
    assert clock.now().utcoffset() is not None and clock.now().tzinfo == UTC


def test_only_the_clock_reads_the_time() -> None:
    offenders = []
    for package in ("facility", "mds", "careplans", "surveys"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "facility" / "core" / "clock.py" or "piccolo_migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#", 1)[0]
                if READS_THE_TIME.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use facility.core.clock.now()/today():\n" + "\n".join(offenders)
