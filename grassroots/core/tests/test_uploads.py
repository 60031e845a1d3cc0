"""The archive check of uploaded Office files, the row and column limits of sheets, and the
content sniffing of photos and PDFs."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from grassroots.core.uploads import bounded_rows, check_archive, size_label, sniff_content_type

from .archives import (
    SST_HEAD,
    declare_size,
    repeated,
    shared_strings_bomb,
    write_xlsx,
    xlsx_bytes,
)

MIB = 1024 * 1024
SHEETS = re.compile(r"xl/worksheets/sheet[0-9]+\.xml")


def refusal(data, streamed=SHEETS):
    file = io.BytesIO(data)
    with pytest.raises(ValidationError) as caught:
        check_archive(file, extension="xlsx", streamed=streamed)
    assert file.tell() == 0
    return caught.value.code, caught.value.messages[0]


def passes(data, streamed=SHEETS):
    file = io.BytesIO(data)
    check_archive(file, extension="xlsx", streamed=streamed)
    return file.tell() == 0


def zip_of(parts, method=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def varied(size):
    """XML-like text of `size` bytes that compresses about as well as a real sheet (10:1)."""
    rows = (f'<row r="{n}"><c><v>{n * 7919 % 100003}</v></c></row>'.encode() for n in range(10**9))
    out, total = [], 0
    for row in rows:
        if total >= size:
            return b"".join(out)[:size]
        out.append(row)
        total += len(row)
    return b""


def test_an_ordinary_workbook_passes():
    assert passes(xlsx_bytes(sheet=[("姓名", "性别"), ("张三", "男")]))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "not_zip"),
        (b"name,sex\n", "not_zip"),
        (b"PK\x03\x04" + b"\0" * 100, "not_zip"),
        (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 500, "legacy_or_encrypted"),
    ],
)
def test_not_a_zip_archive(data, code):
    assert refusal(data)[0] == code


def test_a_broken_directory_is_not_a_zip():
    data = xlsx_bytes()
    end = data.rfind(b"PK\x05\x06")
    assert refusal(data[: end - 40] + data[end:])[0] == "not_zip"


def test_encrypted_part():
    data = bytearray(zip_of({"a.xml": b"<a/>"}))
    at = data.find(b"PK\x01\x02")
    data[at + 8] |= 0x1  # the "encrypted" flag of the directory entry
    code, message = refusal(bytes(data))
    assert code == "encrypted" and "取消密码" in message


def test_compression_other_than_deflate():
    assert refusal(zip_of({"a.xml": b"<a/>" * 100}, zipfile.ZIP_BZIP2))[0] == "compression"


def test_part_count(settings):
    settings.UPLOAD_MAX_PARTS = 10
    assert passes(zip_of({f"p{n}.xml": b"<a/>" for n in range(10)}))
    code, message = refusal(zip_of({f"p{n}.xml": b"<a/>" for n in range(11)}))
    assert code == "too_many_parts" and "超过10个" in message


def test_directory_larger_than_its_parts_allow(settings):
    """An end record may understate the number of entries; the directory's size still
    bounds what zipfile would read."""
    settings.UPLOAD_MAX_PARTS = 2
    assert refusal(zip_of({("x" * 3000) + ".xml": b"<a/>"}))[0] == "too_many_parts"
    data = bytearray(zip_of({f"p{n}.xml": b"<a/>" for n in range(3)}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = b"\x01\x00\x01\x00"  # "1 entry"
    assert refusal(bytes(data))[0] == "too_many_parts"


def test_part_loaded_whole_and_streamed_part_limits(settings):
    settings.UPLOAD_MAX_PART_BYTES = MIB
    settings.UPLOAD_MAX_STREAMED_PART_BYTES = 3 * MIB
    assert passes(zip_of({"xl/sharedStrings.xml": varied(MIB)}))
    code, message = refusal(zip_of({"xl/sharedStrings.xml": varied(MIB + 100)}))
    assert code == "part_too_large"
    assert message == "文件解压后过大（其中“xl/sharedStrings.xml”超过1MB），请分成几个文件上传"
    assert passes(zip_of({"xl/worksheets/sheet1.xml": varied(3 * MIB)}))
    assert refusal(zip_of({"xl/worksheets/sheet1.xml": varied(3 * MIB + 100)}))[0] == (
        "part_too_large"
    )
    # Without streamed parts (python-docx loads every part whole) the lower limit holds.
    assert refusal(zip_of({"xl/worksheets/sheet1.xml": varied(2 * MIB)}), streamed=None)[0] == (
        "part_too_large"
    )


def test_total_unpacked_size(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 2 * MIB
    parts = {f"p{n}.xml": varied(MIB // 2) for n in range(4)}
    assert passes(zip_of(parts))
    parts["p4.xml"] = varied(1000)
    code, message = refusal(zip_of(parts))
    assert code == "too_large" and message == "文件解压后超过2MB，请分成几个文件上传"


def test_compression_ratio(settings):
    settings.UPLOAD_MAX_RATIO = 100
    settings.UPLOAD_RATIO_FROM_BYTES = MIB
    # Small parts may compress as well as they like.
    assert passes(zip_of({"xl/styles.xml": b" " * (MIB - 1)}))
    code, message = refusal(zip_of({"xl/styles.xml": b" " * (MIB + 1)}))
    assert code == "ratio" and "超过100:1" in message and "xl/styles.xml" in message
    assert passes(zip_of({"xl/worksheets/sheet1.xml": varied(2 * MIB)}))


def test_stored_part_declaring_more_than_it_holds(settings):
    data = zip_of({"a.xml": b"<a/>" * 10}, zipfile.ZIP_STORED)
    assert refusal(declare_size(data, "a.xml", 20 * MIB))[0] in {"ratio", "part_too_large"}


def test_duplicate_names():
    buffer = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", b"<a/>")
        archive.writestr("xl/workbook.xml", b"<b/>")
    code, message = refusal(buffer.getvalue())
    assert code == "layout" and "xl/workbook.xml" in message


def test_overlapping_parts():
    """Two directory entries pointing at the same bytes (the "overlapping files" bomb)."""
    data = bytearray(zip_of({"a.xml": b"<a/>" * 100, "b.xml": b"<b/>" * 100}))
    first = data.find(b"PK\x01\x02")
    second = data.find(b"PK\x01\x02", first + 4)
    data[second + 42 : second + 46] = data[first + 42 : first + 46]  # b's offset := a's
    assert refusal(bytes(data))[0] == "layout"


def test_zipfile_stops_at_the_declared_size(tmp_path):
    """The declared size is an upper bound of what zipfile inflates: a part that holds more
    stops there and fails the CRC check, so a directory that understates a part cannot
    bypass the limits."""
    path = tmp_path / "lying.xlsx"
    write_xlsx(path, streams={"xl/sharedStrings.xml": shared_strings_bomb(50 * MIB)})
    data = declare_size(path.read_bytes(), "xl/sharedStrings.xml", 4096)
    assert passes(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("xl/sharedStrings.xml") as part:
        received = 0
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            while chunk := part.read(MIB):
                received += len(chunk)
        assert received <= 4096


def test_shared_strings_bomb_is_refused_from_the_directory(tmp_path, settings):
    path = tmp_path / "bomb.xlsx"
    write_xlsx(path, streams={"xl/sharedStrings.xml": shared_strings_bomb(40 * MIB)}, level=1)
    assert path.stat().st_size < MIB
    assert refusal(path.read_bytes())[0] == "part_too_large"
    settings.UPLOAD_MAX_PART_BYTES = 64 * MIB
    code, message = refusal(path.read_bytes())
    assert code == "ratio" and "可能是恶意构造的文件" in message


def test_stream_of_repeated_units_is_as_large_as_asked():
    assert sum(map(len, repeated(b"ab", 10_000, block_units=100))) == 10_000
    assert sum(map(len, repeated(b"ab", 10_001, block_units=100))) == 10_200
    assert next(shared_strings_bomb(1000)) == SST_HEAD


# --- rows and columns ----------------------------------------------------------------------


def test_rows_within_the_limits_pass_unchanged(settings):
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS = 3, 2
    rows = [("a", "b"), ("c", None), ()]
    assert list(bounded_rows(iter(rows))) == rows


def test_blank_cells_and_rows_past_the_limits_are_ignored(settings):
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_COLUMNS = 2, 2
    rows = [("a", "b", None, ""), ("c", "d"), (None, ""), ()]
    assert list(bounded_rows(iter(rows))) == [("a", "b"), ("c", "d"), (None, ""), ()]


def test_a_value_past_the_last_column(settings):
    settings.UPLOAD_MAX_COLUMNS = 2
    with pytest.raises(ValidationError) as caught:
        list(bounded_rows(iter([("a", "b"), ("c", "d", "e")])))
    assert caught.value.code == "too_many_columns"
    assert caught.value.messages[0].startswith("第2行超过2列")


def test_a_value_past_the_last_row(settings):
    settings.UPLOAD_MAX_ROWS = 2
    rows = bounded_rows(iter([("a",), ("b",), (None,), ("c",), ("never read",)]))
    assert next(rows) == ("a",)
    with pytest.raises(ValidationError) as caught:
        list(rows)
    assert caught.value.code == "too_many_rows"
    assert caught.value.messages[0] == "工作表超过2行（第4行仍有数据），请分成几个文件导入"


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.just(""), st.text(min_size=1)), max_size=6),
        max_size=8,
    )
)
def test_bounded_rows_keeps_every_value_or_refuses(rows):
    """Property: either every non-blank value comes through where it was, or the sheet is
    refused; never a value dropped silently."""
    from django.test import override_settings

    with override_settings(UPLOAD_MAX_ROWS=5, UPLOAD_MAX_COLUMNS=4):
        try:
            out = list(bounded_rows(iter([tuple(row) for row in rows])))
        except ValidationError:
            return
    assert len(out) == len(rows)
    for original, kept in zip(rows, out, strict=True):
        assert [v for v in original if v not in (None, "")] == [
            v for v in kept if v not in (None, "")
        ]


def test_size_label():
    assert size_label(50 * MIB) == "50MB"
    assert size_label(MIB) == "1MB"
    assert size_label(512 * 1024) == "512KB"


@given(st.binary(max_size=16))
def test_content_sniffing_knows_only_the_three_signatures(head):
    found = sniff_content_type(head)
    assert found in (None, "image/jpeg", "image/png", "application/pdf")
    if found == "image/png":
        assert head.startswith(b"\x89PNG")
