"""Moves Spanish written the old way (scripts/es_<name>.py, `ES = {msgid: spanish}`) into the domain catalogs.

Each message id goes into the .po of every package whose code or templates use it (the extraction of
`make i18n`); an id no package uses goes, as an obsolete entry (kept, not loaded), into the catalog of the
package the file name points to. An existing, different translation is kept and reported. With --delete the
converted es_*.py files are removed. Then run `make i18n` to normalise the catalogs.

Usage: python scripts/po_from_es.py [--delete] [scripts/es_x.py ...]   (default: every scripts/es_*.py)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from facility.core.i18n_catalog import extract_all
from facility.web.i18n import DOMAINS

ROOT = Path(__file__).resolve().parents[1]
LC = ROOT / "locales" / "es" / "LC_MESSAGES"
# es_<name>.py files named after a piece of work rather than a package.
HOME = {"admin": "facility", "security": "facility", "utilization": "facility", "reports": "surveys"}


def home_domain(name: str) -> str:
    base = name.removeprefix("es_")
    if base in HOME:
        return HOME[base]
    for domain in DOMAINS:
        if base == domain or base.startswith(domain):
            return domain
    return "facility"


def load_es(path: Path) -> dict[Any, Any]:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.ES)


def read_catalog(domain: str) -> Catalog:
    path = LC / f"{domain}.po"
    if path.is_file():
        with path.open("rb") as handle:
            return read_po(handle, locale="es", domain=domain)
    return Catalog(locale="es", domain=domain, project="mdsready", charset="utf-8", fuzzy=False)


def convert(paths: list[Path]) -> tuple[int, int, list[str]]:
    used = extract_all()
    catalogs = {domain: read_catalog(domain) for domain in DOMAINS}
    entries = [
        (path, home_domain(path.stem), key, spanish)
        for path in paths
        for key, spanish in load_es(path).items()
    ]
    placed = unused = 0
    problems: list[str] = []
    # A file's own package first, so when two files translate one id differently each package keeps its own.
    for own_package_pass in (True, False):
        for path, home, key, spanish in entries:
            msgid = key[0] if isinstance(key, tuple) else key
            targets = [d for d in DOMAINS if (None, msgid) in used[d] and (d == home) == own_package_pass]
            if not own_package_pass and not any((None, msgid) in used[d] for d in DOMAINS):
                catalog = catalogs[home]
                if catalog.get(msgid) is None and msgid not in catalog.obsolete:
                    catalog.obsolete[msgid] = Message(key, spanish)
                unused += 1
                problems.append(
                    f"{path.name}: {msgid!r} is used by no package: kept as obsolete in {home}.po"
                )
            for domain in targets:
                catalog = catalogs[domain]
                existing = catalog.get(msgid)
                if existing is not None and existing.string and existing.string != spanish:
                    problems.append(
                        f"{path.name}: {msgid!r} is {existing.string!r} in {domain}.po; kept (not {spanish!r})"
                    )
                    continue
                catalog.add(key, spanish)
                placed += 1
    for domain, catalog in catalogs.items():
        with (LC / f"{domain}.po").open("wb") as handle:
            write_po(handle, catalog, sort_output=True, width=0, no_location=True)
    return placed, unused, problems


if __name__ == "__main__":
    args = sys.argv[1:]
    delete = "--delete" in args
    paths = [Path(a) for a in args if a != "--delete"] or sorted((ROOT / "scripts").glob("es_*.py"))
    placed, unused, problems = convert(paths)
    print("\n".join(problems))
    print(
        f"{placed} (message id, package) pairs placed, {unused} kept as obsolete, from {len(paths)} file(s)"
    )
    if delete:
        for path in paths:
            path.unlink()
            print(f"deleted {path}")
