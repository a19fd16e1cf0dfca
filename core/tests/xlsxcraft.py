"""Hand-made .xlsx files: the parts streamed into the archive, so a test can build a file
that inflates to hundreds of megabytes without holding them (issue 16's crafted files)."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_OFFICE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="' + _MAIN + b'.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
    + _MAIN
    + b'.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="'
    + _MAIN
    + b'.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships ' + _RELS_NS + b">"
    b'<Relationship Id="rId1" Type="' + _OFFICE + b'/officeDocument" Target="xl/workbook.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b' xmlns:r="' + _OFFICE + b'">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships ' + _RELS_NS + b">"
    b'<Relationship Id="rId1" Type="' + _OFFICE + b'/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="'
    + _OFFICE
    + b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def shared_strings(strings: Iterable[bytes]) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b">"
    for text in strings:
        yield b"<si><t>" + text + b"</t></si>"
    yield b"</sst>"


def worksheet(rows: Iterable[bytes], *, dimension: bytes = b"") -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">"
    if dimension:
        yield b'<dimension ref="' + dimension + b'"/>'
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def text_row(number: int, values: Iterable[str]) -> bytes:
    """A row of inline strings (what openpyxl's write-only mode writes)."""
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>'
        % (chr(ord("A") + i).encode(), number, value.encode())
        for i, value in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def write(
    path: Path,
    sheet: Iterable[bytes],
    strings: Iterable[bytes] = (),
    *,
    extra: dict[str, bytes] | None = None,
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, chunks in (
            ("xl/sharedStrings.xml", shared_strings(strings)),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def understate(path: Path, member: str, declared: int) -> None:
    """Rewrite the central directory so that ``member`` claims ``declared`` bytes unpacked
    (a lying archive: the data inflates to more than the directory says)."""
    with zipfile.ZipFile(path) as archive:
        start = archive.start_dir
    data = bytearray(path.read_bytes())
    offset = start
    while data[offset : offset + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        name = bytes(data[offset + 46 : offset + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", data, offset + 24, declared)
        offset += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))
