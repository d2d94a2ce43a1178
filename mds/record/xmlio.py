"""MDS 3.0 submission XML: export (CMS layout) and hardened import.

Export: one `<ASSESSMENT>` per file, no namespace, UTF-8, control items first then items in spec order,
dates as YYYYMMDD (an ISO `YYYY-MM-DD` input is converted), items that are not active on the record's
item subset omitted, skipped-but-active items written as `^`. Empty strings mean "no value" and are
not written.

Import accepts our files and other vendors' files. What is tolerated (and reported by validation as
a warning where it matters): an XML declaration or none, UTF-8/UTF-16 with BOM, whitespace and newlines
around values, comments and processing instructions, attributes (ignored), elements in any order,
item tags in lower or mixed case (read as upper case), a namespace on the elements (the local name is
used). What is refused (XMLReadError): DTDs/DOCTYPE and entity declarations, malformed XML, invalid
encodings, a root other than ASSESSMENT, nested elements inside an item, the same item twice, more
than MAX_ELEMENTS elements, and files over MAX_RECORD_BYTES.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

from mds.record.catalog import DEFAULT_VERSION, get_catalog, version_for_code
from mds.record.isc import derive_isc

MAX_RECORD_BYTES = 2_000_000  # a full NC record is ~20 KB
MAX_ELEMENTS = 5_000  # the catalog has < 700 items
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORBIDDEN_MARKUP = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


class XMLReadError(ValueError):
    """An XML record that cannot be read. `code` is the report's edit id, `line` the source line."""

    def __init__(
        self, message: str, *, code: str = "MR-201", line: int | None = None, message_es: str | None = None
    ):
        super().__init__(message)
        self.code = code
        self.line = line
        self.message_es = message_es or message


@dataclass
class ParsedRecord:
    values: dict[str, str]
    lines: dict[str, int]
    tags: list[str] = field(default_factory=list)  # item ids in document order
    case_fixed: list[str] = field(default_factory=list)  # tags that were not upper case


def _parser() -> etree.XMLParser:
    # No entity resolution, no DTD loading, no network, libxml2's default depth/size limits kept
    # (huge_tree stays False). lxml >= 6.1 (CVE-2026-41066 fixed).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_tree(data: bytes) -> etree._Element:
    """Parse one record with every XML-level guard. Returns the root element."""
    if len(data) > MAX_RECORD_BYTES:
        raise XMLReadError(
            f"record is {len(data):,} bytes; the limit is {MAX_RECORD_BYTES:,}",
            code="MR-103",
            message_es=f"el registro tiene {len(data):,} bytes; el límite es {MAX_RECORD_BYTES:,}",
        )
    if b"<!" in data and any(marker in data for marker in _FORBIDDEN_MARKUP):
        raise _forbidden()
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLReadError(
            f"not well-formed XML: {exc.msg}", line=exc.lineno, message_es=f"XML mal formado: {exc.msg}"
        ) from None
    except ValueError as exc:  # e.g. lxml refusing a str with an encoding declaration
        raise XMLReadError(f"unreadable XML: {exc}", message_es=f"XML ilegible: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _forbidden()  # e.g. a UTF-16 DOCTYPE the byte scan cannot see
    return root


def _forbidden() -> XMLReadError:
    return XMLReadError(
        "DOCTYPE/DTD and entity declarations are not allowed in MDS records (XXE and entity-expansion guard)",
        code="MR-202",
        message_es="No se permiten DOCTYPE/DTD ni declaraciones de entidades en registros MDS (protección XXE)",
    )


def _local(tag: object) -> str | None:
    if not isinstance(tag, str):
        return None  # comment / PI / entity node
    return tag.rsplit("}", 1)[-1]


def values_from_tree(root: etree._Element) -> ParsedRecord:
    """Flatten `<ASSESSMENT>` children into item id -> value, with the source line of each item."""
    root_name = _local(root.tag)
    if root_name is None or root_name.upper() != "ASSESSMENT":
        raise XMLReadError(
            f"root element is <{root_name}>, expected <ASSESSMENT>",
            code="MR-205",
            line=root.sourceline,
            message_es=f"el elemento raíz es <{root_name}>, se esperaba <ASSESSMENT>",
        )
    if len(root) > MAX_ELEMENTS:
        raise XMLReadError(
            f"{len(root):,} elements; the limit is {MAX_ELEMENTS:,}",
            code="MR-203",
            message_es=f"{len(root):,} elementos; el límite es {MAX_ELEMENTS:,}",
        )
    record = ParsedRecord(values={}, lines={})
    count = 0
    for elem in root:
        tag = _local(elem.tag)
        if tag is None:
            continue
        count += 1
        if count > MAX_ELEMENTS:
            raise XMLReadError(
                f"more than {MAX_ELEMENTS:,} elements",
                code="MR-203",
                message_es=f"más de {MAX_ELEMENTS:,} elementos",
            )
        if len(elem):
            raise XMLReadError(
                f"item <{tag}> contains child elements; MDS items are flat",
                code="MR-206",
                line=elem.sourceline,
                message_es=f"el ítem <{tag}> contiene elementos hijos; los ítems MDS son planos",
            )
        item_id = tag.upper()
        if item_id != tag:
            record.case_fixed.append(tag)
        if item_id in record.values:
            raise XMLReadError(
                f"item {item_id} appears twice (lines {record.lines[item_id]} and {elem.sourceline})",
                code="MR-207",
                line=elem.sourceline,
                message_es=f"el ítem {item_id} aparece dos veces (líneas {record.lines[item_id]} y {elem.sourceline})",
            )
        record.values[item_id] = (elem.text or "").strip()
        record.lines[item_id] = elem.sourceline
        record.tags.append(item_id)
    return record


def read_record(data: bytes) -> ParsedRecord:
    return values_from_tree(parse_tree(data))


def read_assessment(data: bytes) -> dict[str, str]:
    """Read one MDS XML record into item id -> value. Raises XMLReadError with a clear message."""
    return read_record(data).values


def _export_value(item_type: str, item_id: str, value: str) -> str:
    if item_type in ("date", "birthdate") and (m := _ISO_DATE.match(value)):
        return "".join(m.groups())
    if _XML_ILLEGAL.search(value):
        raise ValueError(f"{item_id}: value contains characters that XML cannot carry")
    return value


def version_of(values: Mapping[str, str]) -> str:
    """The item set a record was written on, from its ITM_SET_VRSN_CD. A record without a code, or with one no shipped
    set carries (test files planting -3807), is laid out on the default set; the validator reports the code."""
    return version_for_code(values.get("ITM_SET_VRSN_CD")) or DEFAULT_VERSION


def export_assessment(values: Mapping[str, str], *, version: str = DEFAULT_VERSION) -> bytes:
    """One assessment in the CMS XML layout (see module docstring), laid out on item set `version` (a stored record:
    `version_of(values)`). Unknown item ids raise ValueError."""
    catalog = get_catalog(version)
    unknown = sorted(k for k in values if k not in catalog.items)
    if unknown:
        raise ValueError(f"unknown MDS item id(s): {', '.join(unknown[:10])}")
    isc = values.get("ITM_SBST_CD") or derive_isc(values)
    active = catalog.active_items(isc) if isc in catalog.active else None
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<ASSESSMENT>\n']
    for item_id, item in catalog.items.items():
        value = values.get(item_id)
        if value is None or value == "":
            continue
        if active is not None and item_id not in active:
            continue  # not on this item subset: omitted per spec
        parts.append(f"<{item_id}>{escape(_export_value(item.type, item_id, str(value)))}</{item_id}>\n")
    parts.append("</ASSESSMENT>\n")
    return "".join(parts).encode("utf-8")


_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.xml$")


def export_batch(
    records: Iterable[tuple[str, Mapping[str, str]]], *, version: str | None = DEFAULT_VERSION
) -> bytes:
    """A zip batch: one `<name>` member per (name, values) pair. Names must be plain `*.xml` file names. `version=None`
    lays each record out on its own item set (a facility's batch mixes records of several sets)."""
    buf = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, values in records:
            if not _SAFE_NAME.match(name) or ".." in name:
                raise ValueError(f"unsafe or non-.xml member name: {name!r}")
            if name in seen:
                raise ValueError(f"duplicate member name: {name!r}")
            seen.add(name)
            zf.writestr(name, export_assessment(values, version=version or version_of(values)))
    return buf.getvalue()
