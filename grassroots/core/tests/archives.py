"""Hand-built .xlsx archives for the upload tests: minimal workbooks whose parts are written
as streams (so a part can declare hundreds of megabytes without being held in memory), and
a way to make the zip directory lie about a part's size."""

import io
import struct
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHARED_STRINGS_TYPE = f"{XLSX_TYPES}.sharedStrings+xml"
SHEET_TYPE = f"{XLSX_TYPES}.worksheet+xml"
SST_HEAD = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
_DIRECTORY_ENTRY = b"PK\x01\x02"


def _fixed_parts(shared_strings_part="xl/sharedStrings.xml"):
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{XLSX_TYPES}.sheet.main+xml"/><Override '
            f'PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}"/><Override '
            f'PartName="/{shared_strings_part}" ContentType="{SHARED_STRINGS_TYPE}"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="党员" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
            f'Id="rId2" Type="{OFFICE}/sharedStrings" Target="/{shared_strings_part}"/>'
            "</Relationships>"
        ),
    }


def sheet_xml(rows):
    """A worksheet part whose cells are inline strings or numbers."""
    cells = []
    for number, row in enumerate(rows, start=1):
        cells.append(f'<row r="{number}">')
        for value in row:
            if isinstance(value, str):
                cells.append(f'<c t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f"<c><v>{value}</v></c>")
        cells.append("</row>")
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(cells)}</sheetData></worksheet>'


def write_xlsx(target, *, sheet=(("姓名",),), streams=None, level=6, **options):
    """A minimal workbook into `target` (a path or a binary file). `streams`: {part name:
    iterable of bytes} written chunk by chunk after the fixed parts; a stream named like the
    shared strings part gets no header of its own (give it SST_HEAD first)."""
    streams = streams or {}
    shared_strings = options.get("shared_strings_part", "xl/sharedStrings.xml")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, text in _fixed_parts(**options).items():
            archive.writestr(name, text)
        if "xl/worksheets/sheet1.xml" not in streams:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml(sheet))
        if shared_strings not in streams:
            archive.writestr(shared_strings, SST_HEAD + b"</sst>")
        for name, chunks in streams.items():
            with archive.open(name, "w", force_zip64=False) as part:
                for chunk in chunks:
                    part.write(chunk)


def xlsx_bytes(**options):
    buffer = io.BytesIO()
    write_xlsx(buffer, **options)
    return buffer.getvalue()


def repeated(unit: bytes, size: int, block_units=4096):
    """`unit` repeated to about `size` bytes, in blocks."""
    block = unit * block_units
    for _ in range(max(-(-size // len(block)), 1)):
        yield block


def shared_strings_bomb(size, unit=b"<si><t>" + b"A" * 1000 + b"</t></si>"):
    """A shared-strings part of about `size` bytes that compresses to almost nothing."""
    yield SST_HEAD
    yield from repeated(unit, size)
    yield b"</sst>"


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """`data` (a zip archive) with the directory entry of `name` declaring `size` unpacked
    bytes; the part itself and its local header are left as they are."""
    name_bytes = name.encode()
    at = data.find(_DIRECTORY_ENTRY)
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name_bytes:
            return data[: at + 24] + struct.pack("<L", size) + data[at + 28 :]
        at = data.find(_DIRECTORY_ENTRY, at + 4)
    raise KeyError(name)
