"""Hostile upload files, built in memory with zipfile: shared by the upload tests and
bench/uploads.py."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET_HEAD = f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"


def xlsx(sheet_xml: bytes | str, shared: Sequence[str] = ()) -> bytes:
    """A minimal workbook whose first sheet is ``sheet_xml``, with ``shared`` as its
    shared-string table (cells point to them with ``shared_cells``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        if shared:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared)
            table = f'<?xml version="1.0"?><sst xmlns="{_MAIN}">{items}</sst>'
            archive.writestr("xl/sharedStrings.xml", table)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def shared_cells(*rows: Sequence[int]) -> str:
    """Sheet XML with the rows as indexes into the shared-string table."""
    return "".join("<row>" + "".join(f'<c t="s"><v>{i}</v></c>' for i in row) + "</row>" for row in rows)


def cells(*rows: Sequence[str]) -> str:
    """Sheet XML with the rows as inline strings."""
    return "".join(
        "<row>" + "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in row) + "</row>" for row in rows
    )


def sheet(body: str) -> str:
    return SHEET_HEAD + body + SHEET_TAIL


def shared_string_bomb(header: Sequence[str], count: int = 1500, length: int = 990_000) -> bytes:
    """An XLSX of a few KB: one shared string of ``length`` characters (under the 1 MB at
    which a member's packing ratio is checked) that each of ``count`` cells points to, so a
    reader that copies it into every cell makes ``count * length`` characters of it."""
    rows = [[0] * len(header)] * -(-count // len(header))
    return xlsx(sheet(cells(header) + shared_cells(*rows)), shared=["A" * length])


def zip_bomb(header: Sequence[str], rows: int = 1_000_000) -> bytes:
    """An XLSX of about 2 MB whose sheet unpacks to a million rows, about 500 MB.

    Built without compressing 500 MB: after a full flush deflate forgets its history, so one
    compressed block of a thousand rows can be repeated as it is."""
    block = cells(*[["x"] * len(header)] * 1000).encode()
    head, tail = (SHEET_HEAD + cells(header)).encode(), SHEET_TAIL.encode()
    packed = (
        _deflate(head, flush=zlib.Z_FULL_FLUSH)
        + _deflate(block, flush=zlib.Z_FULL_FLUSH) * (rows // 1000)
        + _deflate(tail, flush=zlib.Z_FINISH)
    )
    crc = zlib.crc32(head)
    for _ in range(rows // 1000):
        crc = zlib.crc32(block, crc)
    size = len(head) + len(block) * (rows // 1000) + len(tail)
    members = [
        (name, _deflate(text.encode()), zlib.crc32(text.encode()), len(text.encode()))
        for name, text in _PARTS.items()
    ]
    return _zip([*members, ("xl/worksheets/sheet1.xml", packed, zlib.crc32(tail, crc), size)])


def _deflate(data: bytes, flush: int = zlib.Z_FINISH) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(flush)


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip file of raw deflate members: (name, packed bytes, CRC-32, unpacked size)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, packed, crc, size in members:
        offset, encoded = out.tell(), name.encode()
        fields = (8, 0, 0, crc, len(packed), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, *fields, 0) + encoded + packed)
        directory.write(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset) + encoded
        )
    start = out.tell()
    out.write(directory.getvalue())
    count = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory.getvalue()), start, 0))
    return out.getvalue()


def truncated_xlsx(header: Sequence[str], rows: int = 100) -> bytes:
    """An XLSX whose sheet XML stops in the middle of a cell."""
    full = sheet(cells(header, *[["1"] * len(header)] * rows))
    return xlsx(full[: len(full) - 40])


def big_csv(header: Sequence[str], size: int = 30_000_000) -> bytes:
    """``size`` bytes of CSV rows, every one of them wrong."""
    line = (",".join(["fel"] * len(header)) + "\n").encode()
    return ",".join(header).encode() + b"\n" + line * (size // len(line))
