"""Record-by-record validation of MDS submission files (xml or zip batches).

Stages, each able to reject one record without touching its neighbours (iQIES behaviour, docs/SECURITY-STATUS.md
target 21):
1. file level (mds.upload.safety): size cap, zip directory checks, member reads with a byte cap, in memory only;
2. XML level (mds.record.xmlio.parse_tree): hardened lxml parse, DOCTYPE/entities refused, depth/element caps;
3. structure: the generated XSD. Hot path: libxml2 validates the record against the XSD compiled by lxml
   (about 17x faster than xmlschema on the same record: a fast first gate). A record that fails the gate goes to the slow
   path, where xmlschema (defuse='always', allow='none') is the authority and the error reporter: the
   original bytes pass xmlschema's defused resource check, the items are re-laid in spec order and
   validated, and each error is mapped to its CMS format edit with the item's source line;
4. CMS edits (mds.record.edits.run_edits).

Item set: each record is validated against the catalog, XSD and edits of its own item set. The record
names it in ITM_SET_VRSN_CD (1.18 -> 1.18.11, 1.19 -> 1.19.1, 1.20 -> 1.20.1) and its target date (-9017:
A1600 on entry, A2000 on discharge/death, else A2300) decides which set was in effect. `version=None`
(the default everywhere) takes the set from the record; an explicit version forces that set.

Own ids used here: MR-300 structure error reported by the XSD, MR-301 unknown element, MR-302 required
control item missing, MR-303 elements not in spec order (warning: read in any order), MR-304 item tag not
upper case (warning), MR-310 ITM_SET_VRSN_CD does not match the item set in effect on the target date
(or the forced version), MR-311 target date before the oldest supported item set (1.18.11, 2023-10-01).
XML-level ids MR-201..207 come from mds.record.xmlio, file-level ids from mds.upload.safety.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import xmlschema
from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup

from mds.record.catalog import (
    DEFAULT_VERSION,
    UnsupportedTargetDate,
    get_catalog,
    version_for_code,
    version_for_date,
)
from mds.record.edits import FATAL, WARNING, Finding, format_finding, run_edits, target_date, valid_date
from mds.record.isc import derive_isc
from mds.record.xmlio import ParsedRecord, XMLReadError, parse_tree, values_from_tree
from mds.record.xsd import get_lxml_schema, get_schema
from mds.upload.safety import DEFAULT_LIMITS, FileRejected, Limits, iter_members, open_zip, sniff_kind

ProgressHook = Callable[[int, int], None]


@dataclass
class Issue:
    edit_id: str
    severity: str
    item: str | None
    line: int | None
    message: str
    hint: str


@dataclass
class RecordResult:
    source: str
    status: str  # "accepted" | "rejected"
    isc: str | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return sum(1 for i in self.issues if i.severity == WARNING)


@dataclass
class Report:
    records: list[RecordResult] = field(default_factory=list)
    seconds: float = 0.0
    unreadable: list[tuple[str, str]] = field(
        default_factory=list
    )  # (path, reason): input not readable at all

    @property
    def accepted(self) -> int:
        return sum(1 for r in self.records if r.status == "accepted")

    @property
    def rejected(self) -> int:
        return sum(1 for r in self.records if r.status == "rejected")

    def summary(self) -> dict[str, float | int]:
        """files = XML records examined (zip members count one each; a refused file counts one)."""
        return {
            "files": len(self.records),
            "accepted": self.accepted,
            "rejected": self.rejected,
            "warnings": sum(r.warnings for r in self.records),
            "seconds": round(self.seconds, 3),
        }

    def to_dict(self) -> dict[str, object]:
        return {"records": [asdict(r) for r in self.records], "summary": self.summary()}

    def exit_code(self) -> int:
        if self.unreadable:
            return 2
        return 1 if self.rejected else 0


def _issue(f: Finding, lang: str) -> Issue:
    message, hint = f.text(lang)
    return Issue(f.edit_id, f.severity, f.item, f.line, message, hint)


def _result(source: str, isc: str | None, findings: Sequence[Finding], lang: str) -> RecordResult:
    status = "rejected" if any(f.severity == FATAL for f in findings) else "accepted"
    return RecordResult(source, status, isc, [_issue(f, lang) for f in findings])


def _fatal(code: str, en: str, es: str, line: int | None = None, item: str | None = None) -> Finding:
    hint = {
        "en": "Fix the file in the producing software and resubmit it.",
        "es": "Corrija el archivo en el software que lo generó y vuelva a enviarlo.",
    }
    return Finding(code, FATAL, item, line, {"en": en, "es": es}, hint)


def warm_up(version: str | None = None) -> None:
    """Build the schemas and lookup tables once (app start-up / worker start): ~2 s the first time.
    The libxml2 schema is compiled first: compiled after the large xmlschema object graph it validated
    about 2x slower for its first thousand records here (measured, cause not pinned down).
    None warms the current item set (older sets are built on their first record)."""
    version = version or DEFAULT_VERSION
    get_lxml_schema(version)
    _xsd_elements(version)
    _positions(version)
    run_edits({}, version=version)


def worker_init(version: str | None = None) -> None:
    """Process-pool initializer: a no-op when forked from a warmed parent, a full build under spawn."""
    warm_up(version)


_PICK_TAGS = frozenset({"ITM_SET_VRSN_CD", "A0310F", "A1600", "A2000", "A2300"})


def pick_version(values: dict[str, str], version: str | None = None) -> tuple[str, list[Finding]]:
    """The item set to validate a record with, and the MR-310/MR-311 findings about its version.

    The record's own ITM_SET_VRSN_CD wins when it names a shipped set (its items are laid out for it);
    otherwise the set in effect on the target date; otherwise the current set. A forced `version` wins
    over both. A disagreement between the record's code and the date's (or forced) set is MR-310."""
    claimed = version_for_code(values.get("ITM_SET_VRSN_CD"))
    findings: list[Finding] = []
    by_date = None
    target = target_date(values)
    if target and valid_date(target):
        d = date(int(target[:4]), int(target[4:6]), int(target[6:]))
        try:
            by_date = version_for_date(d)
        except UnsupportedTargetDate as exc:
            item = _target_item(values)
            findings.append(
                _fatal(
                    "MR-311",
                    f"{item}: {exc}",
                    f"{item}: la fecha objetivo {d.isoformat()} es anterior al "
                    "2023-10-01: no se admiten conjuntos de ítems anteriores a 1.18.11",
                    item=item,
                )
            )
    expected = version or by_date
    if claimed and expected and claimed != expected:
        why_en = (
            f"the forced item set {version}"
            if version
            else f"the target date {target} ({_target_item(values)})"
        )
        why_es = (
            f"el conjunto de ítems forzado {version}"
            if version
            else f"la fecha objetivo {target} ({_target_item(values)})"
        )
        code = values.get("ITM_SET_VRSN_CD")
        want = get_catalog(expected).itm_set_vrsn_cd
        findings.append(
            Finding(
                "MR-310",
                FATAL,
                "ITM_SET_VRSN_CD",
                None,
                {
                    "en": f"ITM_SET_VRSN_CD {code} (item set {claimed}) does not match {why_en}, which requires item set {expected} "
                    f"(ITM_SET_VRSN_CD {want})",
                    "es": f"ITM_SET_VRSN_CD {code} (conjunto {claimed}) no coincide con {why_es}, que requiere el conjunto {expected} "
                    f"(ITM_SET_VRSN_CD {want})",
                },
                {
                    "en": f"Rebuild the record on item set {expected}, or correct the target date.",
                    "es": f"Vuelva a generar el registro con el conjunto {expected}, o corrija la fecha objetivo.",
                },
            )
        )
    return version or claimed or by_date or DEFAULT_VERSION, findings


def _target_item(values: dict[str, str]) -> str:
    f = values.get("A0310F")
    return "A1600" if f == "01" else "A2000" if f in ("10", "11", "12") else "A2300"


def _pick_values(root) -> dict[str, str]:
    out = {}
    for e in root:
        tag = e.tag.upper() if isinstance(e.tag, str) else ""
        if tag in _PICK_TAGS and tag not in out:
            out[tag] = (e.text or "").strip()
    return out


def validate_record(
    source: str, data: bytes, lang: str = "en", version: str | None = None, *, thorough: bool = False
) -> RecordResult:
    """Validate one XML record. Never raises for bad input: every problem becomes a finding.

    `version=None` validates against the record's own item set (ITM_SET_VRSN_CD / target date).
    `thorough=True` also runs xmlschema over the whole (re-laid) record on the slow path: slower
    (~40 ms), same verdicts; the tests use it to prove the fast path and xmlschema agree."""
    try:
        root = parse_tree(data)
    except XMLReadError as exc:
        return _result(source, None, [_fatal(exc.code, str(exc), exc.message_es, exc.line)], lang)
    version, version_findings = pick_version(_pick_values(root), version)
    if version_findings:
        lines = {e.tag: e.sourceline for e in root if isinstance(e.tag, str)}
        version_findings = [_with_line(f, lines.get(f.item or "")) for f in version_findings]
    gate = get_lxml_schema(version)
    if gate.validate(root):
        # The XSD guarantees a flat, ordered, duplicate-free record of known upper-case item tags (the
        # parser dropped comments and PIs), so a plain comprehension is enough; lines only when needed.
        values = {e.tag: (e.text or "").strip() for e in root}
        findings = version_findings + run_edits(values, check_format=False, version=version)
        if findings:
            lines = {e.tag: e.sourceline for e in root}
            findings = [
                f
                if f.item is None
                else Finding(f.edit_id, f.severity, f.item, lines.get(f.item), f.message, f.hint)
                for f in findings
            ]
        return _result(source, values.get("ITM_SBST_CD") or derive_isc(values), findings, lang)
    flagged = {m.group(1) for e in gate.error_log if (m := _ELEMENT_IN_ERROR.search(e.message))}
    try:
        parsed = values_from_tree(root)
    except XMLReadError as exc:
        return _result(source, None, [_fatal(exc.code, str(exc), exc.message_es, exc.line)], lang)
    findings = version_findings + _structure(parsed, version)
    findings += run_edits(parsed.values, lines=parsed.lines, version=version)
    findings += _xsd_value_findings(parsed, flagged, findings, version)
    if thorough:
        findings += _xsd_findings(parsed, version)
    isc = parsed.values.get("ITM_SBST_CD") or derive_isc(parsed.values)
    return _result(source, isc, _dedupe(findings), lang)


def _with_line(f: Finding, line: int | None) -> Finding:
    return Finding(f.edit_id, f.severity, f.item, line, f.message, f.hint)


_ELEMENT_IN_ERROR = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None]] = set()
    out = []
    for f in findings:
        key = (f.edit_id, f.item)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _structure(parsed: ParsedRecord, version: str) -> list[Finding]:
    """What the XSD content model checks, said per element: unknown, missing required, order, case."""
    catalog = get_catalog(version)
    lines = parsed.lines
    findings: list[Finding] = []
    for item_id in parsed.tags:
        if item_id not in catalog.items:
            findings.append(
                _fatal(
                    "MR-301",
                    f"Unknown element <{item_id}>: not an item of item set {catalog.version}",
                    f"Elemento desconocido <{item_id}>: no es un ítem del conjunto {catalog.version}",
                    lines.get(item_id),
                    item_id,
                )
            )
    for item_id, item in catalog.items.items():
        if item.required and item_id not in parsed.values:
            findings.append(
                _fatal(
                    "MR-302",
                    f"Required control item {item_id} is missing",
                    f"Falta el elemento de control obligatorio {item_id}",
                    None,
                    item_id,
                )
            )
    known = [t for t in parsed.tags if t in catalog.items]
    position = _positions(version)
    if any(position[a] > position[b] for a, b in zip(known, known[1:], strict=False)):
        findings.append(
            _warning(
                "MR-303",
                "Items are not in spec order (read in any order)",
                "Los ítems no están en el orden de las especificaciones (se leen en cualquier orden)",
            )
        )
    if parsed.case_fixed:
        findings.append(
            _warning(
                "MR-304",
                f"Item tags not in upper case were read as upper case: {', '.join(parsed.case_fixed[:5])}",
                f"Etiquetas no en mayúsculas se leyeron en mayúsculas: {', '.join(parsed.case_fixed[:5])}",
            )
        )
    return findings


@cache
def _positions(version: str) -> dict[str, int]:
    return {i: n for n, i in enumerate(get_catalog(version).items)}


@cache
def _xsd_elements(version: str) -> dict[str, XsdElement]:
    """Item tag -> its xmlschema element declaration (from the cached schema)."""
    assessment = get_schema(version).elements["ASSESSMENT"].type
    if not isinstance(assessment, XsdComplexType) or not isinstance(assessment.content, XsdGroup):
        raise TypeError(f"item set {version}: ASSESSMENT has no element content")
    return {
        e.name: e
        for e in assessment.content.iter_elements()
        if isinstance(e, XsdElement) and e.name is not None  # items are elements, never xs:any wildcards
    }


def _xsd_value_findings(
    parsed: ParsedRecord, flagged: set[str], found: list[Finding], version: str
) -> list[Finding]:
    """xmlschema, as the authority on item values, for every element libxml2 flagged: a value its
    XSD type refuses that no CMS format edit explained becomes MR-300."""
    explained = {f.item for f in found}
    declarations = _xsd_elements(version)
    out = []
    for tag in sorted(flagged - explained):
        decl = declarations.get(tag)
        value = parsed.values.get(tag)
        if decl is None or value is None or decl.type.is_valid(value):
            continue
        out.append(
            _fatal(
                "MR-300",
                f"{tag}: value '{value}' is not valid for its XSD type",
                f"{tag}: el valor '{value}' no es válido para su tipo XSD",
                parsed.lines.get(tag),
                tag,
            )
        )
    return out


def _warning(code: str, en: str, es: str) -> Finding:
    return Finding(
        code,
        WARNING,
        None,
        None,
        {"en": en, "es": es},
        {
            "en": "No action needed; consider fixing the producing software.",
            "es": "No requiere acción; considere corregir el software que lo generó.",
        },
    )


def _canonical(parsed: ParsedRecord, version: str) -> bytes:
    catalog = get_catalog(version)
    body = "".join(f"<{i}>{escape(parsed.values[i])}</{i}>" for i in catalog.items if i in parsed.values)
    return f"<ASSESSMENT>{body}</ASSESSMENT>".encode()


def _xsd_findings(parsed: ParsedRecord, version: str) -> list[Finding]:
    """Full xmlschema validation of the record re-laid in spec order (thorough mode)."""
    catalog = get_catalog(version)
    resource = xmlschema.XMLResource(_canonical(parsed, version), defuse="always", allow="none")
    findings: list[Finding] = []
    for error in get_schema(version).iter_errors(resource):
        tag = getattr(error.elem, "tag", None)
        if tag is None or tag == "ASSESSMENT":
            continue  # content-model errors: MR-301/302 already name the element
        item = catalog.items.get(tag)
        f = format_finding(item, parsed.values.get(tag, "")) if item else None
        if f is None:
            f = _fatal("MR-300", f"{tag}: {error.reason}", f"{tag}: {error.reason}", item=tag)
        findings.append(Finding(f.edit_id, f.severity, tag, parsed.lines.get(tag), f.message, f.hint))
    return findings


# ---------------------------------------------------------------- files and batches

Source = tuple[str, "bytes | FileRejected"]


def iter_sources(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[Source]:
    """(source label, record bytes or a file-level rejection) for one uploaded file."""
    try:
        kind = sniff_kind(name, data)
        if kind == "xml":
            yield name, data
            return
        zf, infos = open_zip(data, limits)
    except FileRejected as exc:
        yield name, exc
        return
    with zf:
        for member, payload in iter_members(zf, infos, limits):
            yield f"{name}:{member}", payload


def _rejected_file(source: str, exc: FileRejected, lang: str) -> RecordResult:
    return _result(source, None, [_fatal(exc.code, exc.en, exc.es)], lang)


def _one(args: tuple[str, bytes | FileRejected, str, str | None]) -> RecordResult:
    source, payload, lang, version = args
    if isinstance(payload, FileRejected):
        return _rejected_file(source, payload, lang)
    return validate_record(source, payload, lang, version)


def validate_sources(
    sources: Iterable[Source],
    lang: str = "en",
    *,
    on_record: ProgressHook | None = None,
    workers: int = 1,
    version: str | None = None,
) -> list[RecordResult]:
    """Validate already-split sources; `workers` > 1 spreads records over processes (both cores)."""
    items = [(s, p, lang, version) for s, p in sources]
    total = len(items)
    results: list[RecordResult] = []
    if workers > 1 and total > 1:
        warm_up(version)  # build before forking so workers inherit the compiled schemas
        with ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(version,)) as pool:
            for result in pool.map(_one, items, chunksize=max(1, min(200, total // (workers * 8) or 1))):
                results.append(result)
                if on_record:
                    on_record(len(results), total)
        return results
    for item in items:
        results.append(_one(item))
        if on_record:
            on_record(len(results), total)
    return results


def validate_bytes(
    name: str,
    data: bytes,
    lang: str = "en",
    *,
    on_record: ProgressHook | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    version: str | None = None,
) -> Report:
    """Validate one uploaded file (xml or zip) held in memory: the web layer's entry point."""
    start = time.perf_counter()
    records = validate_sources(
        iter_sources(name, data, limits), lang, on_record=on_record, workers=workers, version=version
    )
    return Report(records=records, seconds=time.perf_counter() - start)


def validate_paths(
    paths: Iterable[str | Path],
    lang: str = "en",
    *,
    on_record: ProgressHook | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    version: str | None = None,
) -> Report:
    """Validate files on disk. Paths that cannot be read at all go to `Report.unreadable` (exit code 2)."""
    start = time.perf_counter()
    report = Report()
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.stat().st_size > limits.max_upload_bytes:
                sources.append(
                    (
                        path.name,
                        FileRejected(
                            "MR-101",
                            f"File is {path.stat().st_size:,} bytes; the upload limit is {limits.max_upload_bytes:,}",
                            f"El archivo tiene {path.stat().st_size:,} bytes; el límite de carga es {limits.max_upload_bytes:,}",
                        ),
                    )
                )
                continue
            data = path.read_bytes()
        except OSError as exc:
            report.unreadable.append((str(raw), exc.strerror or str(exc)))
            continue
        sources.extend(iter_sources(path.name, data, limits))
    report.records = validate_sources(sources, lang, on_record=on_record, workers=workers, version=version)
    report.seconds = time.perf_counter() - start
    return report
