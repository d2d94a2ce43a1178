"""File-level checks on uploads before any XML is read (docs/SECURITY-STATUS.md targets 18-20).

Zip batches are inspected from the central directory only: member count, per-member and total
declared uncompressed size, compression ratio, names (no `..`, absolute, drive or backslash paths),
nested archives and encryption. Members are then read into memory one at a time with a hard byte cap
(a forged `file_size` cannot overrun it: zipfile stops at the declared size and raises a CRC error).
Nothing is ever extracted to disk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from mds.record.xmlio import MAX_RECORD_BYTES


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int = 10_000_000  # matches Litestar's default request_max_body_size
    max_members: int = 1_000
    max_member_bytes: int = MAX_RECORD_BYTES
    max_total_bytes: int = 50_000_000
    max_ratio: int = 100


DEFAULT_LIMITS = Limits()


class FileRejected(Exception):
    """A whole upload refused at file level. `code` is the report's edit id (1001/1002 are iQIES's)."""

    def __init__(self, code: str, en: str, es: str):
        super().__init__(en)
        self.code = code
        self.en = en
        self.es = es

    def __reduce__(self):  # picklable across worker processes
        return (FileRejected, (self.code, self.en, self.es))


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def sniff_kind(name: str, data: bytes) -> str:
    """'zip' or 'xml'; raises FileRejected for anything else (or a .zip name that is not a zip)."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if name.lower().endswith(".zip"):
        raise FileRejected(
            "1001",
            "Invalid zip file: unable to unzip the submitted file (not a zip archive)",
            "Archivo zip no válido: no se puede descomprimir (no es un archivo zip)",
        )
    head = data[:64].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if head.startswith(b"<") or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "xml"
    raise FileRejected(
        "MR-109",
        "File is neither an MDS XML record nor a zip batch",
        "El archivo no es un registro XML MDS ni un lote zip",
    )


def check_size(data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
    if len(data) > limits.max_upload_bytes:
        raise FileRejected(
            "MR-101",
            f"File is {len(data):,} bytes; the upload limit is {limits.max_upload_bytes:,}",
            f"El archivo tiene {len(data):,} bytes; el límite de carga es {limits.max_upload_bytes:,}",
        )


def _unsafe_name(name: str) -> bool:
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in name
        or ".." in name.split("/")
        or "\x00" in name
    )


def open_zip(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open a zip batch and vet its directory. Returns the archive and its file members."""
    check_size(data, limits)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        # not ZipInfo.is_dir(): it indexes filename[-1] and raises IndexError on a member with an empty name
        infos = [i for i in zf.infolist() if not i.filename.endswith("/")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FileRejected(
            "1001",
            f"Invalid zip file: unable to unzip the submitted file ({exc})",
            f"Archivo zip no válido: no se puede descomprimir ({exc})",
        ) from None
    if not infos:
        raise FileRejected(
            "1002",
            "Invalid zip file: the zip file contained no files",
            "Archivo zip no válido: el zip no contiene archivos",
        )
    if len(infos) > limits.max_members:
        raise FileRejected(
            "MR-102",
            f"Zip has {len(infos):,} members; the limit is {limits.max_members:,}",
            f"El zip tiene {len(infos):,} archivos; el límite es {limits.max_members:,}",
        )
    total = 0
    for info in infos:
        _check_member(info, limits)
        total += info.file_size
    if total > limits.max_total_bytes:
        raise FileRejected(
            "MR-103",
            f"Zip expands to {total:,} bytes; the limit is {limits.max_total_bytes:,}",
            f"El zip se expande a {total:,} bytes; el límite es {limits.max_total_bytes:,}",
        )
    return zf, infos


def _check_member(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    if _unsafe_name(name):
        raise FileRejected(
            "MR-105",
            f"Unsafe member name {name!r} (absolute path or '..')",
            f"Nombre de archivo inseguro {name!r} (ruta absoluta o '..')",
        )
    if name.lower().endswith((".zip", ".gz", ".7z", ".rar", ".tar", ".jar")):
        raise FileRejected(
            "MR-106", f"Nested archive {name!r} is not allowed", f"No se permite el archivo anidado {name!r}"
        )
    if info.flag_bits & 0x1:
        raise FileRejected("MR-107", f"Member {name!r} is encrypted", f"El archivo {name!r} está cifrado")
    if info.file_size > limits.max_member_bytes:
        raise FileRejected(
            "MR-103",
            f"Member {name!r} expands to {info.file_size:,} bytes; the limit is {limits.max_member_bytes:,}",
            f"El archivo {name!r} se expande a {info.file_size:,} bytes; el límite es {limits.max_member_bytes:,}",
        )
    if info.file_size > 1000 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise FileRejected(
            "MR-104",
            f"Member {name!r} has compression ratio {info.file_size // max(info.compress_size, 1)}:1 "
            f"(limit {limits.max_ratio}:1): possible zip bomb",
            f"El archivo {name!r} tiene una razón de compresión de {info.file_size // max(info.compress_size, 1)}:1 "
            f"(límite {limits.max_ratio}:1): posible bomba zip",
        )


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read one member into memory with a hard cap. Raises FileRejected for a corrupt member."""
    try:
        with zf.open(info) as fh:
            data = fh.read(limits.max_member_bytes + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise FileRejected(
            "1001",
            f"Unable to unzip member {info.filename!r}: {exc}",
            f"No se puede descomprimir {info.filename!r}: {exc}",
        ) from None
    if len(data) > limits.max_member_bytes:
        raise FileRejected(
            "MR-103",
            f"Member {info.filename!r} is larger than declared",
            f"{info.filename!r} es mayor de lo declarado",
        )
    if data.startswith(ZIP_MAGIC):
        raise FileRejected(
            "MR-106",
            f"Nested archive {info.filename!r} is not allowed",
            f"No se permite el archivo anidado {info.filename!r}",
        )
    return data


def iter_members(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits = DEFAULT_LIMITS
) -> Iterator[tuple[str, bytes | FileRejected]]:
    """(member name, bytes or the member-level rejection) for each member, in archive order."""
    for info in infos:
        if not info.filename:
            # a member-level rejection: the batch's other members are still checked
            yield (
                "(no name)",
                FileRejected(
                    "MR-108", "A zip member has an empty name", "Un archivo del zip no tiene nombre"
                ),
            )
            continue
        if not info.filename.lower().endswith(".xml"):
            yield (
                info.filename,
                FileRejected(
                    "MR-108",
                    f"Member {info.filename!r} is not an .xml file",
                    f"El archivo {info.filename!r} no es .xml",
                ),
            )
            continue
        try:
            yield info.filename, read_member(zf, info, limits)
        except FileRejected as exc:
            yield info.filename, exc
