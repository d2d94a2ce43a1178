"""Supply chain (issue 17 item 10; SECURITY.md target 30): pinned, hashed requirements and a dependency audit
that can never pass silently when it could not reach its advisory database."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _lock() -> dict[str, str]:
    text = (REPO / "requirements.lock").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    pinned: dict[str, str] = {}
    for block in blocks:
        match = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} is pinned without a hash"
            pinned[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pinned


def test_every_dependency_is_pinned_with_hashes() -> None:
    pinned = _lock()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    for requirement in wanted:
        name = re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0]).lower()
        assert name in pinned, f"{name} is missing from requirements.lock (run make lock)"
    assert "pyotp" in pinned and "zxcvbn" in pinned


def test_make_audit_is_strict_over_the_lock() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    audit = makefile.split("\naudit:", 1)[1].split("\n\n", 1)[0]
    assert "pip-audit --strict" in audit and "-r requirements.lock" in audit and "--require-hashes" in audit
    assert "\nlock:" in makefile and "--generate-hashes" in makefile
