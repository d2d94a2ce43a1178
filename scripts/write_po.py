"""Writes locales/es/LC_MESSAGES/<domain>.po from scripts/es_<domain>.py (a reviewed msgid -> Spanish dict).

Each domain keeps its own catalog file so parallel work never edits the same .po; the app merges them.
Usage: python scripts/write_po.py [DOMAIN ...]   (default: every scripts/es_*.py)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]


def write(domain: str) -> Path:
    spec = importlib.util.spec_from_file_location(f"es_{domain}", ROOT / "scripts" / f"es_{domain}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    catalog = Catalog(locale="es", domain=domain, project="mdsready", charset="utf-8")
    for msgid, msgstr in sorted(module.ES.items(), key=lambda kv: str(kv[0])):
        catalog.add(msgid, msgstr)  # plural entries: tuple key (singular, plural) -> tuple of forms
    out = ROOT / "locales" / "es" / "LC_MESSAGES" / f"{domain}.po"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True)
    return out


if __name__ == "__main__":
    domains = sys.argv[1:] or sorted(p.stem.removeprefix("es_") for p in (ROOT / "scripts").glob("es_*.py"))
    for name in domains:
        print(write(name))
